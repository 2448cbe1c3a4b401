// `supervisor`: mentors with their learners and classes, headteachers with their organisations,
// and the renamable names of both roles (DOMAIN.md §5).

import type { Command } from 'commander';
import { requireUnit, requireUser, type UserRow } from '../db/stores/lookups.js';
import { SUPERVISOR_NAME_KEYS } from '../db/facts/supervisor-facts.js';
import {
  addHeadteacher,
  addMentor,
  eligibleOrgs,
  headteacherAssignment,
  mentorAssignment,
  removeHeadteacher,
  removeHeadteacherOrgs,
  removeMentor,
  removeMentorParts,
  setName,
  storedName,
  supervisorRows,
} from '../db/stores/supervisor-store.js';
import { invalid } from '../model/errors.js';
import type { Facts } from '../model/facts.js';
import { DEFAULT_SUPERVISOR_NAMES, type SupervisorNames } from '../model/supervisor-facts.js';
import { checkRole, selfSupervision, type SupervisorRole } from '../model/supervisor-rules.js';
import { table } from './render.js';
import { action, collect, changeResult, examples, type Ctx } from './runtime.js';
import { SITE_TARGET } from '../model/school-scope.js';

const MANAGE = 'supervisor-management';

interface MentorOpts {
  learner?: string[];
  class?: string[];
}

interface HeadOpts {
  org?: string[];
}


/** Refuses (exit 2) to assign a role that is off for the user, naming the command that switches it on. */
function requireRoleOn(facts: Facts, user: UserRow, role: SupervisorRole): void {
  const subject = facts.user(user.username)!;
  const check = checkRole(facts, subject, role);
  if (check.on) return;
  const names = facts.supervisorNames();
  const label = role === 'mentor' ? names.mentorRole : names.headteacherRole;
  const source = check.trace[check.trace.length - 1].source;
  const where =
    source?.kind === 'policy'
      ? `policy ${String(source.policy)} (applied to ${String(source.appliedTo)}) switches it off`
      : `profile ${subject.profile.name} has it off`;
  throw invalid(
    'role-off',
    `${user.username} cannot be assigned as a ${label}: the ${label} role (${role}-role) is off for them (${where}). To allow it, run: ${check.fixes.join(' && ')}`,
  );
}

function requireLearner(ctx: Ctx, facts: Facts, username: string): UserRow {
  const u = requireUser(ctx.sqlite, username);
  if (!facts.isLearner(u.id)) {
    throw invalid('not-a-learner', `${u.username} is not a learner (their hierarchy role is not student in any unit or by profile); --learner takes learners only.`);
  }
  return u;
}

function snapshotMentor(ctx: Ctx, id: number) {
  return mentorAssignment(ctx.sqlite, id) ?? null;
}

function snapshotHead(ctx: Ctx, id: number) {
  return headteacherAssignment(ctx.sqlite, id) ?? null;
}

async function addMentorCmd(ctx: Ctx, username: string, opts: MentorOpts) {
  const db = await ctx.open();
  const facts = ctx.facts();
  const names = facts.supervisorNames();
  const user = requireUser(db, username);
  const learners = [...new Set(opts.learner ?? [])].map((l) => requireLearner(ctx, facts, l));
  const classes = [...new Set(opts.class ?? [])].map((c) => requireUnit(db, c, ['class', 'group']).id);
  requireRoleOn(facts, user, 'mentor');
  const self = selfSupervision(facts, facts.user(user.username)!, 'mentor', { learners: learners.map((l) => l.username), units: classes });
  if (self) throw invalid('self-supervision', `${self}.`);
  const what = `assign ${names.mentorRole}s`;
  ctx.guard(MANAGE, { kind: 'user', id: user.username }, `${what} such as ${user.username}`);
  for (const l of learners) ctx.guard(MANAGE, { kind: 'learner', id: l.username }, `${what} for ${l.username}`);
  for (const c of classes) ctx.guard(MANAGE, { kind: 'class', id: c }, `${what} for class ${c}`);
  const { changes } = await ctx.change(`supervisor add-mentor ${user.username}`, (tx) => {
    const before = snapshotMentor(ctx, user.id);
    addMentor(db, user.id, learners.map((l) => l.id), classes);
    tx.record('mentor', user.username, before, snapshotMentor(ctx, user.id));
  });
  const result = changeResult(changes, `${names.mentorRole} ${user.username}`);
  const count = ctx.facts().mentorLearnerCount(user.id);
  const hint = count === 0 ? `\n${user.username} has no learners yet, so the ${names.mentorTool} entry does not show; add some with --learner or --class.` : `\n${user.username} now has ${count} learner(s) as a ${names.mentorRole}.`;
  return { data: { ...result.data, learners: count }, human: result.human + hint };
}

async function removeMentorCmd(ctx: Ctx, username: string, opts: MentorOpts) {
  const db = await ctx.open();
  const facts = ctx.facts();
  const names = facts.supervisorNames();
  const user = requireUser(db, username);
  const current = mentorAssignment(db, user.id);
  if (!current) throw invalid('not-a-mentor', `${user.username} is not a ${names.mentorRole}; "schoolctl supervisor list" shows who is.`);
  const learners = [...new Set(opts.learner ?? [])].map((l) => requireUser(db, l));
  const classes = [...new Set(opts.class ?? [])];
  for (const l of learners) {
    if (!current.learners.includes(l.username)) {
      throw invalid('not-assigned', `${l.username} is not given directly to ${names.mentorRole} ${user.username}; direct learners: ${current.learners.join(', ') || 'none'}.`);
    }
  }
  for (const c of classes) {
    if (!current.classes.includes(c)) throw invalid('not-assigned', `Class ${c} is not given to ${names.mentorRole} ${user.username}; classes: ${current.classes.join(', ') || 'none'}.`);
  }
  const whole = learners.length === 0 && classes.length === 0;
  const what = `remove ${names.mentorRole}s`;
  ctx.guard(MANAGE, { kind: 'user', id: user.username }, `${what} such as ${user.username}`);
  for (const l of learners) ctx.guard(MANAGE, { kind: 'learner', id: l.username }, `${what} for ${l.username}`);
  for (const c of classes) ctx.guard(MANAGE, { kind: 'class', id: c }, `${what} for class ${c}`);
  const { changes } = await ctx.change(`supervisor remove-mentor ${user.username}`, (tx) => {
    if (whole) removeMentor(db, user.id);
    else removeMentorParts(db, user.id, learners.map((l) => l.id), classes);
    tx.record('mentor', user.username, current, snapshotMentor(ctx, user.id));
  });
  return changeResult(changes, `${names.mentorRole} ${user.username}`);
}

async function addHeadCmd(ctx: Ctx, username: string, opts: HeadOpts) {
  const db = await ctx.open();
  const facts = ctx.facts();
  const names = facts.supervisorNames();
  const user = requireUser(db, username);
  const orgs = [...new Set(opts.org ?? [])];
  const allowed = eligibleOrgs(db, user.id);
  if (orgs.length === 0) {
    throw invalid('missing-org', `Give at least one --org: a school or organisation ${user.username} belongs to (valid: ${allowed.join(', ') || 'none'}).`);
  }
  for (const o of orgs) {
    requireUnit(db, o, ['school', 'organisation']);
    if (!allowed.includes(o)) {
      throw invalid(
        'not-a-member',
        `${user.username} can only be a ${names.headteacherRole} of schools and organisations they belong to (directly or through a unit below them), and ${o} is not one of them; valid: ${allowed.join(', ') || `none (${user.username} belongs to no school or organisation)`}.`,
      );
    }
  }
  requireRoleOn(facts, user, 'headteacher');
  const self = selfSupervision(facts, facts.user(user.username)!, 'headteacher', { units: orgs });
  if (self) throw invalid('self-supervision', `${self}.`);
  const what = `assign ${names.headteacherRole}s`;
  ctx.guard(MANAGE, { kind: 'user', id: user.username }, `${what} such as ${user.username}`);
  for (const o of orgs) ctx.guard(MANAGE, { kind: 'unit', id: o }, `${what} for ${o}`);
  const { changes } = await ctx.change(`supervisor add-headteacher ${user.username}`, (tx) => {
    const before = snapshotHead(ctx, user.id);
    addHeadteacher(db, user.id, orgs);
    tx.record('headteacher', user.username, before, snapshotHead(ctx, user.id));
  });
  const result = changeResult(changes, `${names.headteacherRole} ${user.username}`);
  const count = ctx.facts().headteacherLearnerCount(user.id);
  return { data: { ...result.data, learners: count }, human: `${result.human}\n${user.username} now has ${count} learner(s) as a ${names.headteacherRole}.` };
}

async function removeHeadCmd(ctx: Ctx, username: string, opts: HeadOpts) {
  const db = await ctx.open();
  const names = ctx.facts().supervisorNames();
  const user = requireUser(db, username);
  const current = headteacherAssignment(db, user.id);
  if (!current) throw invalid('not-a-headteacher', `${user.username} is not a ${names.headteacherRole}; "schoolctl supervisor list" shows who is.`);
  const orgs = [...new Set(opts.org ?? [])];
  for (const o of orgs) {
    if (!current.orgs.includes(o)) throw invalid('not-assigned', `${o} is not given to ${names.headteacherRole} ${user.username}; organisations: ${current.orgs.join(', ') || 'none'}.`);
  }
  const what = `remove ${names.headteacherRole}s`;
  ctx.guard(MANAGE, { kind: 'user', id: user.username }, `${what} such as ${user.username}`);
  for (const o of orgs) ctx.guard(MANAGE, { kind: 'unit', id: o }, `${what} for ${o}`);
  const { changes } = await ctx.change(`supervisor remove-headteacher ${user.username}`, (tx) => {
    if (orgs.length === 0) removeHeadteacher(db, user.id);
    else removeHeadteacherOrgs(db, user.id, orgs);
    tx.record('headteacher', user.username, current, snapshotHead(ctx, user.id));
  });
  return changeResult(changes, `${names.headteacherRole} ${user.username}`);
}

async function list(ctx: Ctx, opts: { user?: string; org?: string }) {
  const db = await ctx.open();
  const facts = ctx.facts();
  const names = facts.supervisorNames();
  const userId = opts.user ? requireUser(db, opts.user).id : undefined;
  const unit = opts.org ? requireUnit(db, opts.org).id : undefined;
  const rows = supervisorRows(db, { userId, unit }).map((r) => {
    const subject = facts.user(r.user)!;
    const on = checkRole(facts, subject, r.role).on;
    return { ...r, roleName: r.role === 'mentor' ? names.mentorRole : names.headteacherTerm, roleOn: on, status: on ? (r.learners > 0 ? 'ok' : 'no learners') : 'broken: role off' };
  });
  const counted = (xs: { id: string; learners: number }[]) => xs.map((x) => `${x.id} (${x.learners})`).join(', ');
  const human = rows.length
    ? await table(
        ['user', 'role', 'learners direct', 'via classes', 'via organisations', 'learners', 'status'],
        rows.map((r) => [r.user, r.roleName, r.direct.join(', ') || '—', counted(r.classes) || '—', counted(r.orgs) || '—', r.learners, r.status]),
      )
    : `No ${names.mentorRole}s or ${names.headteacherTerm}s${opts.user ? ` for ${opts.user}` : ''}${opts.org ? ` in ${opts.org}` : ''}.`;
  return { data: rows, human };
}

const NAME_OPTIONS: { flag: string; key: keyof SupervisorNames; what: string }[] = [
  { flag: 'mentorToolName', key: 'mentorTool', what: 'the menu label of the mentor tools' },
  { flag: 'mentorRoleName', key: 'mentorRole', what: 'the mentor relationship label on profile cards' },
  { flag: 'headteacherToolName', key: 'headteacherTool', what: 'the menu label of the headteacher tools' },
  { flag: 'headteacherRoleName', key: 'headteacherRole', what: 'the headteacher relationship label on profile cards' },
  { flag: 'headteacherTerm', key: 'headteacherTerm', what: "the site's term for a headteacher" },
  { flag: 'supervisorToolName', key: 'supervisorTool', what: 'the menu label that replaces both when a user is both' },
];

async function settings(ctx: Ctx, opts: Record<string, string | undefined>) {
  const db = await ctx.open();
  const given = NAME_OPTIONS.filter((o) => opts[o.flag] !== undefined);
  if (given.length > 0) {
    for (const o of given) {
      const v = opts[o.flag]!.trim();
      if (!v || v.length > 60 || /[\u0000-\u001f]/.test(v)) {
        throw invalid('bad-name', `"${opts[o.flag]}" is not a valid ${SUPERVISOR_NAME_KEYS[o.key]}; use 1–60 printable characters.`);
      }
    }
    ctx.guard(MANAGE, SITE_TARGET, 'rename the supervisor roles (a site setting)');
    await ctx.change('supervisor settings', (tx) => {
      for (const o of given) {
        const key = SUPERVISOR_NAME_KEYS[o.key];
        const before = storedName(db, key) ?? DEFAULT_SUPERVISOR_NAMES[o.key];
        const after = opts[o.flag]!.trim();
        setName(db, key, after);
        tx.record('site-setting', key, before, after);
      }
    });
  }
  const names = ctx.facts().supervisorNames();
  const rows = NAME_OPTIONS.map((o) => ({ key: SUPERVISOR_NAME_KEYS[o.key], value: names[o.key], default: DEFAULT_SUPERVISOR_NAMES[o.key], description: o.what }));
  return { data: rows, human: await table(['setting', 'value', 'default', 'what it names'], rows.map((r) => [r.key, r.value, r.default, r.description])) };
}

export function register(program: Command): void {
  const sup = program.command('supervisor').description('mentors, headteachers and their names');
  const mentorOpts = (c: Command) =>
    c
      .option('--learner <username>', 'a learner given directly (repeatable)', collect)
      .option('--class <id>', 'a class or group: its current and future learners (repeatable)', collect);
  examples(
    mentorOpts(sup.command('add-mentor').argument('<user>').description('make a user a mentor, and give them learners or classes (their Mentor role must be on)')).action(
      action(addMentorCmd),
    ),
    ['schoolctl supervisor add-mentor j.devries --class 5A', 'schoolctl supervisor add-mentor m.peters --learner l.bakker --learner e.smit'],
  );
  examples(
    mentorOpts(sup.command('remove-mentor').argument('<user>').description('take learners or classes from a mentor; without --learner/--class, remove the whole role')).action(
      action(removeMentorCmd),
    ),
    ['schoolctl supervisor remove-mentor j.devries --class 5A --yes', 'schoolctl supervisor remove-mentor m.peters --yes'],
  );
  examples(
    sup
      .command('add-headteacher')
      .argument('<user>')
      .option('--org <id>', 'a school or organisation the user belongs to (repeatable)', collect)
      .description('make a user a headteacher of schools or organisations they belong to (their Headteacher role must be on)')
      .action(action(addHeadCmd)),
    ['schoolctl supervisor add-headteacher j.devries --org north-lower', 'schoolctl supervisor add-headteacher b.mulder --org south'],
  );
  examples(
    sup
      .command('remove-headteacher')
      .argument('<user>')
      .option('--org <id>', 'an organisation to take away (repeatable); without it, the whole role', collect)
      .description('take organisations from a headteacher, or remove the whole role')
      .action(action(removeHeadCmd)),
    ['schoolctl supervisor remove-headteacher j.devries --org north-lower --yes', 'schoolctl supervisor remove-headteacher j.devries --yes'],
  );
  examples(
    sup
      .command('list')
      .option('--user <username>', 'only this user')
      .option('--org <id>', 'only supervisors with assignments in this unit (or headteachers above it)')
      .description('every mentor and headteacher with their learners: direct, via classes, via organisations, and counts')
      .action(action(list)),
    ['schoolctl supervisor list', 'schoolctl supervisor list --org north --json'],
  );
  const s = sup.command('settings').description('show or change the renamable names of the supervisor roles (site settings)');
  for (const o of NAME_OPTIONS) s.option(`--${o.flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} <name>`, o.what);
  examples(s.action(action(settings)), ['schoolctl supervisor settings', 'schoolctl supervisor settings --mentor-tool-name Tutor --mentor-role-name Tutor']);
}

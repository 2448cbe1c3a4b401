// `users`: users, their profile and their unit memberships.

import type { Command } from 'commander';
import { checkUsername, requireProfile, requireUnit, requireUser, type UserRow } from '../db/lookups.js';
import { checkRole } from '../db/profiles-store.js';
import { invalid } from '../model/errors.js';
import { table } from './render.js';
import { action, changeResult, examples, type Ctx } from './runtime.js';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function checkEmail(email: string | undefined): string | null {
  if (email === undefined || email === '') return null;
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw invalid('bad-email', `Email "${email}" is not a valid address (name@example.org).`);
  return email;
}

function onOff(raw: string, what: string): number {
  if (raw === 'on') return 1;
  if (raw === 'off') return 0;
  throw invalid('bad-value', `${what} "${raw}" is not valid; use on or off.`);
}

async function add(ctx: Ctx, username: string, opts: { profile: string; unit?: string[]; name?: string; email?: string; externalId?: string }) {
  const db = await ctx.open();
  checkUsername(username);
  if (db.prepare('SELECT 1 FROM users WHERE username = ?').get(username)) throw invalid('user-exists', `User "${username}" already exists.`);
  const profile = requireProfile(db, opts.profile);
  const units = (opts.unit ?? []).map((u) => requireUnit(db, u).id);
  const email = checkEmail(opts.email);
  ctx.guard('assign-profile', { kind: 'profile', id: profile.name }, `give a user profile ${profile.name}`);
  for (const u of units) ctx.guard('manage-user', { kind: 'unit', id: u }, `add users to unit ${u}`);
  if (units.length === 0) ctx.guard('manage-user', { kind: 'unit', id: '' }, 'add a user outside every school');
  const name = opts.name?.trim() || username;
  const { changes } = await ctx.change(`users add ${username}`, (tx) => {
    const id = Number(
      db.prepare('INSERT INTO users (username, name, email, external_id, profile_id) VALUES (?, ?, ?, ?, ?)').run(username, name, email, opts.externalId ?? null, profile.id)
        .lastInsertRowid,
    );
    const join = db.prepare('INSERT INTO memberships (user_id, unit_id, role) VALUES (?, ?, NULL)');
    for (const u of units) join.run(id, u);
    tx.record('user', username, null, { name, email, profile: profile.name, units });
  });
  return changeResult(changes, username);
}

function userView(ctx: Ctx, u: UserRow) {
  const db = ctx.sqlite;
  const profile = db.prepare('SELECT name, role_in_hierarchy FROM profiles WHERE id = ?').get(u.profile_id) as { name: string; role_in_hierarchy: string };
  const memberships = db.prepare('SELECT unit_id AS unit, role FROM memberships WHERE user_id = ? ORDER BY unit_id').all(u.id) as { unit: string; role: string | null }[];
  const facts = ctx.facts();
  return {
    username: u.username,
    name: u.name,
    email: u.email,
    externalId: u.external_id,
    profile: profile.name,
    shareDetails: u.share_details === 1,
    memberships: memberships.map((m) => ({ unit: m.unit, role: m.role ?? profile.role_in_hierarchy })),
    schools: facts.userSchools(u.id),
    courses: db.prepare('SELECT course_id AS course, role FROM course_members WHERE user_id = ? ORDER BY course_id').all(u.id),
    projects: db.prepare('SELECT project_id FROM project_members WHERE user_id = ? ORDER BY project_id').pluck().all(u.id),
    children: db.prepare('SELECT c.username FROM parent_links l JOIN users c ON c.id = l.child_id WHERE l.parent_id = ? ORDER BY 1').pluck().all(u.id),
    parents: db.prepare('SELECT p.username FROM parent_links l JOIN users p ON p.id = l.parent_id WHERE l.child_id = ? ORDER BY 1').pluck().all(u.id),
    mentorOf: db
      .prepare(`SELECT 'learner:' || u.username FROM mentor_learners ml JOIN users u ON u.id = ml.learner_id WHERE ml.mentor_id = ?
                 UNION ALL SELECT 'class:' || unit_id FROM mentor_classes WHERE mentor_id = ? ORDER BY 1`)
      .pluck()
      .all(u.id, u.id),
    headteacherOf: db.prepare('SELECT unit_id FROM headteacher_orgs WHERE user_id = ? ORDER BY 1').pluck().all(u.id),
    policies: db
      .prepare(`SELECT p.name, pa.via_unit AS via FROM policy_assignments pa JOIN policies p ON p.id = pa.policy_id WHERE pa.target_kind = 'user' AND pa.target_id = ? ORDER BY p.name`)
      .all(u.id),
  };
}

async function show(ctx: Ctx, username: string) {
  const db = await ctx.open();
  const v = userView(ctx, requireUser(db, username));
  const lines = [
    `${v.username} (${v.name}), profile ${v.profile}${v.email ? `, ${v.email}` : ''}${v.shareDetails ? '' : ', does not share details'}`,
    `  units: ${v.memberships.map((m) => `${m.unit} as ${m.role}`).join(', ') || 'none'}`,
    `  schools: ${v.schools.join(', ') || 'none'}`,
  ];
  if (v.courses.length) lines.push(`  courses: ${(v.courses as { course: string; role: string }[]).map((c) => `${c.course} (${c.role})`).join(', ')}`);
  if (v.projects.length) lines.push(`  projects: ${v.projects.join(', ')}`);
  if (v.children.length) lines.push(`  children: ${v.children.join(', ')}`);
  if (v.parents.length) lines.push(`  parents: ${v.parents.join(', ')}`);
  if (v.mentorOf.length) lines.push(`  mentor of: ${v.mentorOf.join(', ')}`);
  if (v.headteacherOf.length) lines.push(`  headteacher of: ${v.headteacherOf.join(', ')}`);
  if (v.policies.length) lines.push(`  policies: ${(v.policies as { name: string; via: string | null }[]).map((p) => `${p.name}${p.via ? ` (via ${p.via})` : ''}`).join(', ')}`);
  return { data: v, human: lines.join('\n') };
}

async function list(ctx: Ctx, opts: { profile?: string; unit?: string }) {
  const db = await ctx.open();
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (opts.profile) {
    where.push('u.profile_id = ?');
    params.push(requireProfile(db, opts.profile).id);
  }
  if (opts.unit) {
    requireUnit(db, opts.unit);
    where.push('u.id IN (SELECT m.user_id FROM memberships m JOIN unit_ancestors a ON a.unit_id = m.unit_id WHERE a.ancestor_id = ?)');
    params.push(opts.unit);
  }
  const rows = db
    .prepare(
      `SELECT u.username, u.name, p.name AS profile, (SELECT group_concat(unit_id, ';') FROM (SELECT unit_id FROM memberships WHERE user_id = u.id ORDER BY unit_id)) AS units
       FROM users u JOIN profiles p ON p.id = u.profile_id ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY u.username`,
    )
    .all(...params) as { username: string; name: string; profile: string; units: string | null }[];
  const data = rows.map((r) => ({ username: r.username, name: r.name, profile: r.profile, units: r.units ? r.units.split(';') : [] }));
  return { data, human: rows.length ? await table(['username', 'name', 'profile', 'units'], data.map((r) => [r.username, r.name, r.profile, r.units.join(', ')])) : 'No users.' };
}

async function join(ctx: Ctx, username: string, opts: { unit: string; role?: string }) {
  const db = await ctx.open();
  const u = requireUser(db, username);
  const unit = requireUnit(db, opts.unit);
  const role = opts.role ? checkRole(opts.role) : null;
  ctx.guard('manage-user', { kind: 'unit', id: unit.id }, `add members to unit ${unit.id}`);
  const before = db.prepare('SELECT role FROM memberships WHERE user_id = ? AND unit_id = ?').get(u.id, unit.id) as { role: string | null } | undefined;
  const { changes } = await ctx.change(`users join ${username}`, (tx) => {
    db.prepare('INSERT INTO memberships (user_id, unit_id, role) VALUES (?, ?, ?) ON CONFLICT (user_id, unit_id) DO UPDATE SET role = excluded.role').run(u.id, unit.id, role);
    tx.record('membership', `${username}@${unit.id}`, before ? { role: before.role ?? 'profile default' } : null, { role: role ?? 'profile default' });
  });
  return changeResult(changes, `${username}'s membership of ${unit.id}`);
}

async function leave(ctx: Ctx, username: string, opts: { unit: string }) {
  const db = await ctx.open();
  const u = requireUser(db, username);
  const unit = requireUnit(db, opts.unit);
  const before = db.prepare('SELECT role FROM memberships WHERE user_id = ? AND unit_id = ?').get(u.id, unit.id) as { role: string | null } | undefined;
  if (!before) throw invalid('not-a-member', `${username} is not a member of unit ${unit.id}.`);
  ctx.guard('manage-user', { kind: 'unit', id: unit.id }, `remove members from unit ${unit.id}`);
  const { changes } = await ctx.change(`users leave ${username}`, (tx) => {
    db.prepare('DELETE FROM memberships WHERE user_id = ? AND unit_id = ?').run(u.id, unit.id);
    tx.record('membership', `${username}@${unit.id}`, { role: before.role ?? 'profile default' }, null);
  });
  return changeResult(changes, username);
}

async function set(ctx: Ctx, username: string, opts: { shareDetails?: string; name?: string; email?: string; externalId?: string }) {
  const db = await ctx.open();
  const u = requireUser(db, username);
  if (opts.shareDetails === undefined && opts.name === undefined && opts.email === undefined && opts.externalId === undefined) {
    throw invalid('missing-option', 'Give at least one of --share-details on|off, --name, --email, --external-id.');
  }
  const next = {
    name: opts.name?.trim() || u.name,
    email: opts.email === undefined ? u.email : checkEmail(opts.email),
    externalId: opts.externalId === undefined ? u.external_id : opts.externalId || null,
    shareDetails: opts.shareDetails === undefined ? u.share_details : onOff(opts.shareDetails, '--share-details'),
  };
  ctx.guard('manage-user', { kind: 'user', id: username }, `change user ${username}`);
  const { changes } = await ctx.change(`users set ${username}`, (tx) => {
    db.prepare('UPDATE users SET name = ?, email = ?, external_id = ?, share_details = ? WHERE id = ?').run(next.name, next.email, next.externalId, next.shareDetails, u.id);
    tx.record(
      'user',
      username,
      { name: u.name, email: u.email, externalId: u.external_id, shareDetails: u.share_details === 1 },
      { name: next.name, email: next.email, externalId: next.externalId, shareDetails: next.shareDetails === 1 },
    );
  });
  return changeResult(changes, username);
}

async function setProfile(ctx: Ctx, username: string, profileName: string) {
  const db = await ctx.open();
  const u = requireUser(db, username);
  const p = requireProfile(db, profileName);
  ctx.guard('manage-user', { kind: 'user', id: username }, `change user ${username}`);
  ctx.guard('assign-profile', { kind: 'profile', id: p.name }, `give ${username} profile ${p.name}`);
  const old = db.prepare('SELECT name FROM profiles WHERE id = ?').pluck().get(u.profile_id) as string;
  const { changes } = await ctx.change(`users set-profile ${username}`, (tx) => {
    db.prepare('UPDATE users SET profile_id = ? WHERE id = ?').run(p.id, u.id);
    tx.record('user-profile', username, old, p.name);
  });
  return changeResult(changes, username);
}

async function remove(ctx: Ctx, username: string) {
  const db = await ctx.open();
  const u = requireUser(db, username);
  ctx.guard('manage-user', { kind: 'user', id: username }, `remove user ${username}`);
  await ctx.confirm(`Remove user ${username} with their memberships and links?`);
  const before = userView(ctx, u);
  const { changes } = await ctx.change(`users remove ${username}`, (tx) => {
    db.prepare(`DELETE FROM policy_assignments WHERE target_kind = 'user' AND target_id = ?`).run(u.id);
    db.prepare('DELETE FROM users WHERE id = ?').run(u.id);
    tx.record('user', username, before, null);
  });
  return changeResult(changes, username);
}

export function register(program: Command): void {
  const users = program.command('users').description('users, their profiles and unit memberships');
  examples(
    users
      .command('add')
      .argument('<username>')
      .requiredOption('--profile <profile>', 'site profile')
      .option('--unit <id>', 'a unit to join (repeatable)', collect)
      .option('--name <name>', 'display name')
      .option('--email <email>', 'email address')
      .option('--external-id <id>', 'id in the source system, for sync')
      .description('add a user with one profile and any unit memberships')
      .action(action(add)),
    ['schoolctl users add j.devries --profile Staff --unit north --unit 5A --name "Jan de Vries"'],
  );
  examples(users.command('show').argument('<username>').description('one user: profile, units, schools, courses, links, policies').action(action(show)), [
    'schoolctl users show j.devries',
  ]);
  examples(
    users.command('list').option('--profile <profile>', 'only this profile').option('--unit <id>', 'only members of this unit or units below it').description('users').action(action(list)),
    ['schoolctl users list --profile Student --unit north', 'schoolctl users list --json'],
  );
  examples(
    users
      .command('join')
      .argument('<username>')
      .requiredOption('--unit <id>', 'the unit')
      .option('--role <role>', 'hierarchy role in this unit (default: the profile\'s role in hierarchy)')
      .description('make a user a member of a unit')
      .action(action(join)),
    ['schoolctl users join j.devries --unit 5B --role teacher'],
  );
  examples(users.command('leave').argument('<username>').requiredOption('--unit <id>', 'the unit').description('end a membership').action(action(leave)), [
    'schoolctl users leave s.bakker --unit 5A',
  ]);
  examples(
    users
      .command('set')
      .argument('<username>')
      .option('--share-details <on|off>', 'whether the user shares detailed information')
      .option('--name <name>', 'display name')
      .option('--email <email>', 'email address ("" clears it)')
      .option('--external-id <id>', 'id in the source system ("" clears it)')
      .description("change a user's details")
      .action(action(set)),
    ['schoolctl users set s.bakker --share-details off'],
  );
  examples(users.command('set-profile').argument('<username>').argument('<profile>').description("change a user's profile").action(action(setProfile)), [
    'schoolctl users set-profile a.smit "Teaching Assistant"',
  ]);
  examples(users.command('remove').argument('<username>').description('remove a user and their memberships').action(action(remove)), ['schoolctl users remove old.account']);
}

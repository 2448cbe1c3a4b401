// `users`: users, their profile and their unit memberships.

import type { Command } from 'commander';
import { checkUsername, requireProfile, requireUnit, requireUser, type UserRow } from '../db/stores/lookups.js';
import { checkRole, profileName as nameOfProfile } from '../db/stores/profiles-store.js';
import {
  addUser,
  joinUnit,
  leaveUnit,
  membership,
  removeUser,
  setUserProfile,
  updateUserDetails,
  userExists,
  userList,
  userView,
} from '../db/stores/users-store.js';
import { invalid } from '../model/errors.js';
import { safeText } from '../model/text-safety.js';
import { table } from './render.js';
import { action, collect, changeResult, examples, type Ctx } from './runtime.js';
import { SITE_TARGET } from '../model/school-scope.js';


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
  const k = await ctx.kdb();
  if (await userExists(k, username)) throw invalid('user-exists', `User "${username}" already exists.`);
  const profile = requireProfile(db, opts.profile);
  const units = [...new Set((opts.unit ?? []).map((u) => requireUnit(db, u).id))];
  const email = checkEmail(opts.email);
  ctx.guard('assign-profile', { kind: 'profile', id: profile.name }, `give a user profile ${profile.name}`);
  for (const u of units) ctx.guard('manage-user', { kind: 'unit', id: u }, `add users to unit ${u}`);
  if (units.length === 0) ctx.guard('manage-user', SITE_TARGET, 'add a user outside every school');
  const name = opts.name?.trim() || username;
  const { changes } = await ctx.change(`users add ${username}`, async (tx) => {
    await addUser(tx.db, { username, name, email, externalId: opts.externalId ?? null, profileId: profile.id }, units);
    tx.record('user', username, null, { name, email, profile: profile.name, units });
  });
  return changeResult(changes, username);
}

async function viewOf(ctx: Ctx, u: UserRow) {
  return userView(await ctx.kdb(), u, ctx.facts().userSchools(u.id));
}

/** Memberships and enrolments that came from elsewhere than the user (a unit joined by hand). */
function sourcesBesides(v: { source: string; memberships: { unit: string; source: string }[]; courses: { course: string; source: string }[] }): string {
  const other = [...v.memberships.filter((m) => m.source !== v.source).map((m) => `unit ${m.unit} from ${m.source}`), ...v.courses.filter((c) => c.source !== v.source).map((c) => `course ${c.course} from ${c.source}`)];
  return other.length ? ` (${other.join(', ')})` : '';
}

async function show(ctx: Ctx, username: string) {
  const db = await ctx.open();
  const v = await viewOf(ctx, requireUser(db, username));
  const lines = [
    `${v.username} (${v.name}), profile ${v.profile}${v.email ? `, ${v.email}` : ''}${v.shareDetails ? '' : ', does not share details'}`,
    `  units: ${v.memberships.map((m) => `${m.unit} as ${m.role}`).join(', ') || 'none'}`,
    `  schools: ${v.schools.join(', ') || 'none'}`,
    `  source: ${v.source}${sourcesBesides(v)}`,
  ];
  if (v.courses.length) lines.push(`  courses: ${v.courses.map((c) => `${c.course} (${c.role})`).join(', ')}`);
  if (v.projects.length) lines.push(`  projects: ${v.projects.join(', ')}`);
  if (v.children.length) lines.push(`  children: ${v.children.join(', ')}`);
  if (v.parents.length) lines.push(`  parents: ${v.parents.join(', ')}`);
  if (v.mentorOf.length) lines.push(`  mentor of: ${v.mentorOf.join(', ')}`);
  if (v.headteacherOf.length) lines.push(`  headteacher of: ${v.headteacherOf.join(', ')}`);
  if (v.policies.length) lines.push(`  policies: ${v.policies.map((p) => `${p.name}${p.via ? ` (via ${p.via})` : ''}`).join(', ')}`);
  return { data: v, human: lines.map((l) => safeText(l)).join('\n') };
}

async function list(ctx: Ctx, opts: { profile?: string; unit?: string }) {
  const db = await ctx.open();
  const filter: { profileId?: number; unitId?: string } = {};
  if (opts.profile) filter.profileId = requireProfile(db, opts.profile).id;
  if (opts.unit) filter.unitId = requireUnit(db, opts.unit).id;
  const data = await userList(await ctx.kdb(), filter);
  return { data, human: data.length ? await table(['username', 'name', 'profile', 'units'], data.map((r) => [r.username, r.name, r.profile, r.units.join(', ')])) : 'No users.' };
}

async function join(ctx: Ctx, username: string, opts: { unit: string; role?: string }) {
  const db = await ctx.open();
  const u = requireUser(db, username);
  const unit = requireUnit(db, opts.unit);
  const role = opts.role ? checkRole(opts.role) : null;
  ctx.guard('manage-user', { kind: 'unit', id: unit.id }, `add members to unit ${unit.id}`);
  const before = membership(db, u.id, unit.id);
  const { changes } = await ctx.change(
    `users join ${username}`,
    (tx) => {
      joinUnit(tx.sqlite, u.id, unit.id, role);
      tx.record('membership', `${username}@${unit.id}`, before ? { role: before.role ?? 'profile default' } : null, { role: role ?? 'profile default' });
    },
    { raw: true },
  );
  return changeResult(changes, `${username}'s membership of ${unit.id}`);
}

async function leave(ctx: Ctx, username: string, opts: { unit: string }) {
  const db = await ctx.open();
  const u = requireUser(db, username);
  const unit = requireUnit(db, opts.unit);
  const before = membership(db, u.id, unit.id);
  if (!before) throw invalid('not-a-member', `${username} is not a member of unit ${unit.id}.`);
  ctx.guard('manage-user', { kind: 'unit', id: unit.id }, `remove members from unit ${unit.id}`);
  const { changes } = await ctx.change(
    `users leave ${username}`,
    (tx) => {
      leaveUnit(tx.sqlite, u.id, unit.id);
      tx.record('membership', `${username}@${unit.id}`, { role: before.role ?? 'profile default' }, null);
    },
    { raw: true },
  );
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
  const { changes } = await ctx.change(`users set ${username}`, async (tx) => {
    await updateUserDetails(tx.db, u.id, next);
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
  const old = await nameOfProfile(await ctx.kdb(), u.profile_id);
  const { changes } = await ctx.change(`users set-profile ${username}`, async (tx) => {
    await setUserProfile(tx.db, u.id, p.id);
    tx.record('user-profile', username, old, p.name);
  });
  return changeResult(changes, username);
}

async function remove(ctx: Ctx, username: string) {
  const db = await ctx.open();
  const u = requireUser(db, username);
  ctx.guard('manage-user', { kind: 'user', id: username }, `remove user ${username}`);
  await ctx.confirm(`Remove user ${username} with their memberships and links?`);
  const before = await viewOf(ctx, u);
  const { changes } = await ctx.change(`users remove ${username}`, async (tx) => {
    await removeUser(tx.db, u.id);
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
    ['schoolctl users add k.jansen --profile Staff --unit north --unit 5A --name "Kees Jansen"'],
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
    'schoolctl users set-profile b.smit "Teaching Assistant"',
  ]);
  examples(users.command('remove').argument('<username>').description('remove a user and their memberships').action(action(remove)), ['schoolctl users remove g.visitor --yes']);
}

// `profiles`: read and change profiles and their settings (DOMAIN.md §2).

import type { Command } from 'commander';
import { requireProfile } from '../db/stores/lookups.js';
import {
  checkLevel,
  checkProfileName,
  checkRole,
  createProfile,
  deleteProfile,
  listProfiles,
  parseAssignments,
  profileSettings,
  profileUserCount,
  profileUserCounts,
  renameProfile,
  updateProfile,
  updateProfileSettings,
} from '../db/stores/profiles-store.js';
import { invalid } from '../model/errors.js';
import { CATALOGUE, SECTIONS, SECTION_TITLES, validValues, type Section } from '../model/settings-catalogue.js';
import { mark, table, type Cell } from './render.js';
import { action, changeResult, examples, type Ctx } from './runtime.js';

function sectionFilter(section: string | undefined): Section | undefined {
  if (section === undefined) return undefined;
  if (!(SECTIONS as readonly string[]).includes(section)) {
    throw invalid('unknown-section', `There is no section "${section}"; sections are: ${SECTIONS.join(', ')}.`);
  }
  return section as Section;
}

function settingsFor(section: Section | undefined) {
  return CATALOGUE.filter((s) => !section || s.section === section);
}

async function list(ctx: Ctx) {
  const db = await ctx.open();
  const counts = await profileUserCounts(await ctx.kdb());
  const rows = listProfiles(db).map((p) => ({ name: p.name, level: p.level, roleInHierarchy: p.role_in_hierarchy, users: counts.get(p.id) ?? 0 }));
  return {
    data: rows,
    human: await table(['profile', 'security level', 'role in hierarchy', 'users'], rows.map((r) => [r.name, r.level, r.roleInHierarchy, r.users])),
  };
}

async function show(ctx: Ctx, name: string, opts: { section?: string }) {
  const db = await ctx.open();
  const p = requireProfile(db, name);
  const section = sectionFilter(opts.section);
  const values = profileSettings(db, p.id);
  const settings = settingsFor(section).map((s) => ({ key: s.key, label: s.label, section: s.section, value: values.get(s.key) ?? '' }));
  const k = await ctx.kdb();
  const users = await profileUserCount(k, p.id);
  // Loaded here, with the query builder it needs: `profiles set` (and its dry run) starts without it.
  const { profilePolicies } = await import('../db/stores/policies-store.js');
  const policies = await profilePolicies(k, p.id);
  const head = `${p.name}: security level ${p.level}, role in hierarchy ${p.role_in_hierarchy}, ${users} user(s)${policies.length ? `, policies: ${policies.join(', ')}` : ''}`;
  return {
    data: { name: p.name, level: p.level, roleInHierarchy: p.role_in_hierarchy, users, policies, settings },
    human: `${head}\n${await table(['key', 'setting', 'value'], settings.map((s) => [s.key, s.label, mark(s.value)]))}`,
  };
}

async function matrix(ctx: Ctx, opts: { section?: string }) {
  const db = await ctx.open();
  const section = sectionFilter(opts.section);
  const profiles = listProfiles(db);
  const values = profiles.map((p) => profileSettings(db, p.id));
  const settings = settingsFor(section);
  const data = settings.map((s) => ({
    key: s.key,
    section: s.section,
    values: Object.fromEntries(profiles.map((p, i) => [p.name, values[i].get(s.key) ?? ''])),
  }));
  const rows: Cell[][] = [];
  let current: Section | undefined;
  for (const s of settings) {
    if (s.section !== current) {
      current = s.section;
      rows.push([SECTION_TITLES[s.section], ...profiles.map(() => '')]);
    }
    rows.push([`  ${s.key}`, ...values.map((v) => mark(v.get(s.key) ?? ''))]);
  }
  return { data: { profiles: profiles.map((p) => p.name), settings: data }, human: await table(['setting', ...profiles.map((p) => `${p.name} (${p.level})`)], rows, { labelled: true }) };
}

async function settings(ctx: Ctx, opts: { section?: string }) {
  const section = sectionFilter(opts.section);
  const rows = settingsFor(section).map((s) => ({ key: s.key, label: s.label, section: s.section, kind: s.kind, values: validValues(s) }));
  return {
    data: rows.map(({ key, label, section: sec, kind }) => ({ key, label, section: sec, kind })),
    human: await table(['key', 'label', 'section', 'kind', 'valid values'], rows.map((r) => [r.key, r.label, r.section, r.kind, r.values])),
  };
}

async function set(ctx: Ctx, name: string, words: string[]) {
  const db = await ctx.open();
  const p = requireProfile(db, name);
  const assignments = parseAssignments(words);
  ctx.guard('manage-profile', { kind: 'profile', id: p.name }, `change profile ${p.name}`);
  const { changes } = await ctx.change(
    `profiles set ${p.name}`,
    (tx) => {
      const current = profileSettings(db, p.id);
      updateProfileSettings(tx.sqlite, p.id, assignments.map((a) => ({ key: a.def.key, value: a.value })));
      for (const a of assignments) {
        tx.record('profile-setting', `${p.name}/${a.def.key}`, current.get(a.def.key), a.value);
      }
    },
    { raw: true },
  );
  return changeResult(changes, `profile ${p.name}`);
}

async function create(ctx: Ctx, name: string, opts: { level: string; like?: string; role?: string }) {
  const db = await ctx.open();
  const level = checkLevel(opts.level, db);
  const clean = checkProfileName(db, name);
  const like = requireProfile(db, opts.like ?? 'Guest');
  const role = opts.role ? checkRole(opts.role) : like.role_in_hierarchy;
  if (ctx.opts.as) {
    const actor = ctx.facts().user(ctx.opts.as);
    ctx.guard('manage-profile', { kind: 'profile', id: like.name }, `create a profile like ${like.name}`);
    if (actor && level >= actor.profile.level) {
      throw invalid('level-too-high', `${actor.username} may only create profiles below their own security level ${actor.profile.level}, not ${level}.`);
    }
  }
  const { changes } = await ctx.change(`profiles create ${clean}`, async (tx) => {
    await createProfile(tx.db, { name: clean, level, role }, like.id);
    tx.record('profile', clean, null, { level, roleInHierarchy: role, like: like.name });
  });
  return { ...changeResult(changes, clean), human: `Created profile ${clean} (level ${level}, role in hierarchy ${role}) with the settings of ${like.name}.` };
}

async function rename(ctx: Ctx, oldName: string, newName: string) {
  const db = await ctx.open();
  const p = requireProfile(db, oldName);
  const clean = checkProfileName(db, newName, p.id);
  ctx.guard('manage-profile', { kind: 'profile', id: p.name }, `rename profile ${p.name}`);
  const { changes } = await ctx.change(`profiles rename ${p.name}`, async (tx) => {
    await renameProfile(tx.db, p.id, clean);
    tx.record('profile', p.name, { name: p.name }, { name: clean });
  });
  return changeResult(changes, p.name);
}

async function setLevel(ctx: Ctx, name: string, opts: { level?: string; role?: string }) {
  const db = await ctx.open();
  const p = requireProfile(db, name);
  if (opts.level === undefined && opts.role === undefined) throw invalid('missing-option', 'Give --level N and/or --role ROLE.');
  const level = opts.level === undefined ? p.level : checkLevel(opts.level, db, p.id);
  const role = opts.role === undefined ? p.role_in_hierarchy : checkRole(opts.role);
  ctx.guard('manage-profile', { kind: 'profile', id: p.name }, `change profile ${p.name}`);
  const { changes } = await ctx.change(`profiles update ${p.name}`, async (tx) => {
    await updateProfile(tx.db, p.id, level, role);
    tx.record('profile', p.name, { level: p.level, roleInHierarchy: p.role_in_hierarchy }, { level, roleInHierarchy: role });
  });
  return changeResult(changes, p.name);
}

async function remove(ctx: Ctx, name: string) {
  const db = await ctx.open();
  const p = requireProfile(db, name);
  const users = await profileUserCount(await ctx.kdb(), p.id);
  if (users > 0) {
    throw invalid('profile-in-use', `Profile ${p.name} is held by ${users} user(s); move them first with "schoolctl users set-profile USER PROFILE".`);
  }
  ctx.guard('manage-profile', { kind: 'profile', id: p.name }, `delete profile ${p.name}`);
  await ctx.confirm(`Delete profile ${p.name}?`);
  const { changes } = await ctx.change(`profiles delete ${p.name}`, async (tx) => {
    await deleteProfile(tx.db, p.id);
    tx.record('profile', p.name, { level: p.level, roleInHierarchy: p.role_in_hierarchy }, null);
  });
  return changeResult(changes, p.name);
}

export function register(program: Command): void {
  const profiles = program.command('profiles').description('profiles, their settings and the profile matrix');
  examples(profiles.command('list').description('every profile with its security level and role in hierarchy').action(action(list)), [
    'schoolctl profiles list',
    'schoolctl profiles list --json',
  ]);
  examples(
    profiles
      .command('show')
      .argument('<profile>', 'profile name')
      .option('--section <section>', `only one section (${SECTIONS.join(', ')})`)
      .description("one profile's settings")
      .action(action(show)),
    ['schoolctl profiles show Staff', 'schoolctl profiles show "System Administrator" --section administration'],
  );
  examples(
    profiles
      .command('matrix')
      .option('--section <section>', 'only one section')
      .description('settings as rows, profiles as columns, like the admin page (✓ on, ✗ off)')
      .action(action((ctx, opts: { section?: string }) => matrix(ctx, opts))),
    ['schoolctl profiles matrix', 'schoolctl profiles matrix --section privacy'],
  );
  examples(
    profiles
      .command('settings')
      .option('--section <section>', 'only one section')
      .description('the settings catalogue: key, label, section, kind and valid values')
      .action(action((ctx, opts: { section?: string }) => settings(ctx, opts))),
    ['schoolctl profiles settings --section privacy', 'schoolctl profiles settings --json'],
  );
  examples(
    profiles
      .command('set')
      .argument('<profile>', 'profile name')
      .argument('<assignments...>', 'KEY=VALUE, one or more')
      .description("change a profile's settings; values are checked against the catalogue")
      .action(action(set)),
    ['schoolctl profiles set Staff messages=on create-courses=school', 'schoolctl profiles set Student quota=20480 mentor-role=off'],
  );
  examples(
    profiles
      .command('create')
      .argument('<name>', 'new profile name')
      .requiredOption('--level <n>', 'security level, 10–100, unique')
      .option('--like <profile>', 'copy settings from this profile (default Guest)')
      .option('--role <role>', 'role in hierarchy: administrator, teacher, student or guest (default: that of --like)')
      .description('a new profile')
      .action(action(create)),
    ['schoolctl profiles create "Lab Assistant" --level 25 --like Staff'],
  );
  examples(
    profiles.command('rename').argument('<profile>').argument('<new-name>').description('rename a profile').action(action(rename)),
    ['schoolctl profiles rename Guest Visitor'],
  );
  examples(
    profiles
      .command('update')
      .argument('<profile>')
      .option('--level <n>', 'new security level, unique')
      .option('--role <role>', 'new role in hierarchy')
      .description("change a profile's security level or role in hierarchy")
      .action(action(setLevel)),
    ['schoolctl profiles update "Teaching Assistant" --level 29'],
  );
  examples(
    profiles.command('delete').argument('<profile>').description('delete a profile no user holds').action(action(remove)),
    ['schoolctl profiles create Visitor --level 11 && schoolctl profiles delete Visitor --yes'],
  );
}

// `policies`: named sets of setting values owned by the site or a school, assigned to profiles and
// users (a unit is a shortcut for its current members, one by one; DOMAIN.md §3).

import type { Command } from 'commander';
import { requirePolicy, requireProfile, requireUnit, requireUser, type PolicyRow } from '../db/lookups.js';
import { parseAssignments } from '../db/profiles-store.js';
import { invalid } from '../model/errors.js';
import { findSetting, nearestKey } from '../model/settings-catalogue.js';
import { table } from './render.js';
import { action, changeResult, examples, type Ctx } from './runtime.js';

interface TargetOpts {
  profile?: string;
  unit?: string;
  user?: string;
}

function oneTarget(opts: TargetOpts): void {
  const n = [opts.profile, opts.unit, opts.user].filter((v) => v !== undefined).length;
  if (n !== 1) throw invalid('bad-target', 'Give exactly one of --profile P, --unit U or --user U.');
}

function policyTarget(p: PolicyRow) {
  return { kind: 'policy', id: p.name };
}

async function create(ctx: Ctx, name: string, opts: { org?: string }) {
  const db = await ctx.open();
  const clean = name.trim();
  if (!clean || clean.length > 80 || /[\u0000-\u001f]/.test(clean)) throw invalid('bad-name', `Policy name "${name}" is not valid; use 1–80 printable characters.`);
  if (db.prepare('SELECT 1 FROM policies WHERE name = ? COLLATE NOCASE').get(clean)) throw invalid('policy-exists', `Policy "${clean}" already exists.`);
  const org = opts.org ? requireUnit(db, opts.org, ['school']).id : null;
  ctx.guard('policy-management', org ? { kind: 'unit', id: org } : { kind: 'site', id: 'site' }, `create ${org ? `a policy of school ${org}` : 'a site policy'}`);
  const { changes } = await ctx.change(`policies create ${clean}`, (tx) => {
    db.prepare('INSERT INTO policies (name, org_id) VALUES (?, ?)').run(clean, org);
    tx.record('policy', clean, null, { owner: org ?? 'site' });
  });
  return changeResult(changes, clean);
}

async function set(ctx: Ctx, name: string, words: string[]) {
  const db = await ctx.open();
  const p = requirePolicy(db, name);
  const assignments = parseAssignments(words, true);
  ctx.guard('policy-management', policyTarget(p), `change policy ${p.name}`);
  const { changes } = await ctx.change(`policies set ${p.name}`, (tx) => {
    for (const a of assignments) {
      const before = db.prepare('SELECT value FROM policy_settings WHERE policy_id = ? AND key = ?').pluck().get(p.id, a.def.key) as string | undefined;
      db.prepare('INSERT INTO policy_settings (policy_id, key, value) VALUES (?, ?, ?) ON CONFLICT (policy_id, key) DO UPDATE SET value = excluded.value').run(p.id, a.def.key, a.value);
      tx.record('policy-setting', `${p.name}/${a.def.key}`, before ?? null, a.value);
    }
  });
  return changeResult(changes, `policy ${p.name}`);
}

async function unset(ctx: Ctx, name: string, keys: string[]) {
  const db = await ctx.open();
  const p = requirePolicy(db, name);
  for (const k of keys) {
    if (!findSetting(k)) {
      const near = nearestKey(k);
      throw invalid('unknown-setting', `There is no setting "${k}"${near ? `; did you mean "${near}"?` : ''}`);
    }
  }
  ctx.guard('policy-management', policyTarget(p), `change policy ${p.name}`);
  const { changes } = await ctx.change(`policies unset ${p.name}`, (tx) => {
    for (const k of keys) {
      const before = db.prepare('SELECT value FROM policy_settings WHERE policy_id = ? AND key = ?').pluck().get(p.id, k) as string | undefined;
      db.prepare('DELETE FROM policy_settings WHERE policy_id = ? AND key = ?').run(p.id, k);
      tx.record('policy-setting', `${p.name}/${k}`, before ?? null, null);
    }
  });
  return changeResult(changes, `policy ${p.name}`);
}

/** The users a --unit shortcut reaches: current members of the unit and every unit below it. */
function unitMembers(ctx: Ctx, unitId: string): { id: number; username: string }[] {
  return ctx.sqlite
    .prepare(`SELECT DISTINCT u.id, u.username FROM memberships m JOIN unit_ancestors a ON a.unit_id = m.unit_id JOIN users u ON u.id = m.user_id WHERE a.ancestor_id = ? ORDER BY u.username`)
    .all(unitId) as { id: number; username: string }[];
}

async function apply(ctx: Ctx, name: string, opts: TargetOpts, remove: boolean) {
  const db = await ctx.open();
  const p = requirePolicy(db, name);
  oneTarget(opts);
  const verb = remove ? 'unapply' : 'apply';
  ctx.guard('policy-management', policyTarget(p), `${verb} policy ${p.name}`);
  const insert = db.prepare('INSERT OR IGNORE INTO policy_assignments (policy_id, target_kind, target_id, via_unit) VALUES (?, ?, ?, ?)');
  const del = db.prepare('DELETE FROM policy_assignments WHERE policy_id = ? AND target_kind = ? AND target_id = ?');
  const has = db.prepare('SELECT 1 FROM policy_assignments WHERE policy_id = ? AND target_kind = ? AND target_id = ?');
  let users: { id: number; username: string }[] = [];
  let profile: { id: number; name: string } | undefined;
  let via: string | null = null;
  if (opts.profile) {
    profile = requireProfile(db, opts.profile);
    ctx.guard('manage-profile', { kind: 'profile', id: profile.name }, `${verb} policies on profile ${profile.name}`);
  } else if (opts.unit) {
    via = requireUnit(db, opts.unit).id;
    ctx.guard('policy-management', { kind: 'unit', id: via }, `${verb} policies on unit ${via}`);
    users = unitMembers(ctx, via);
  } else {
    const u = requireUser(db, opts.user!);
    ctx.guard('policy-management', { kind: 'user', id: u.username }, `${verb} policies on ${u.username}`);
    users = [u];
  }
  const { changes } = await ctx.change(`policies ${verb} ${p.name}`, (tx) => {
    if (profile) {
      const before = has.get(p.id, 'profile', profile.id) !== undefined;
      if (remove) del.run(p.id, 'profile', profile.id);
      else insert.run(p.id, 'profile', profile.id, null);
      tx.record('policy-assignment', `${p.name}→profile ${profile.name}`, before ? 'assigned' : null, remove ? null : 'assigned');
      return;
    }
    for (const u of users) {
      const before = has.get(p.id, 'user', u.id) !== undefined;
      if (remove) del.run(p.id, 'user', u.id);
      else insert.run(p.id, 'user', u.id, via);
      tx.record('policy-assignment', `${p.name}→user ${u.username}`, before ? 'assigned' : null, remove ? null : via ? `assigned via ${via}` : 'assigned');
    }
  });
  const result = changeResult(changes, `policy ${p.name}`);
  if (opts.unit && changes.length > 5) {
    return { ...result, human: `Policy ${p.name} ${remove ? 'removed from' : 'assigned to'} ${changes.length} current member(s) of ${via} and the units below it.` };
  }
  return result;
}

async function list(ctx: Ctx) {
  const db = await ctx.open();
  const rows = db
    .prepare(
      `SELECT p.name, coalesce(p.org_id, 'site') AS owner,
        (SELECT count(*) FROM policy_settings s WHERE s.policy_id = p.id) AS settings,
        (SELECT count(*) FROM policy_assignments a WHERE a.policy_id = p.id AND a.target_kind = 'profile') AS profiles,
        (SELECT count(*) FROM policy_assignments a WHERE a.policy_id = p.id AND a.target_kind = 'user') AS users
       FROM policies p ORDER BY p.name`,
    )
    .all() as { name: string; owner: string; settings: number; profiles: number; users: number }[];
  return {
    data: rows,
    human: rows.length ? await table(['policy', 'owner', 'settings', 'profiles', 'users'], rows.map((r) => [r.name, r.owner, r.settings, r.profiles, r.users])) : 'No policies.',
  };
}

async function show(ctx: Ctx, name: string) {
  const db = await ctx.open();
  const p = requirePolicy(db, name);
  const settings = db.prepare('SELECT key, value FROM policy_settings WHERE policy_id = ? ORDER BY key').all(p.id) as { key: string; value: string }[];
  const profiles = db
    .prepare(`SELECT pr.name FROM policy_assignments a JOIN profiles pr ON pr.id = a.target_id WHERE a.policy_id = ? AND a.target_kind = 'profile' ORDER BY pr.level DESC`)
    .pluck()
    .all(p.id) as string[];
  const users = db
    .prepare(`SELECT u.username, a.via_unit AS via FROM policy_assignments a JOIN users u ON u.id = a.target_id WHERE a.policy_id = ? AND a.target_kind = 'user' ORDER BY u.username`)
    .all(p.id) as { username: string; via: string | null }[];
  const data = { name: p.name, owner: p.org_id ?? 'site', settings: Object.fromEntries(settings.map((s) => [s.key, s.value])), profiles, users };
  const lines = [
    `${p.name}, owned by ${p.org_id ? `school ${p.org_id} (acts only on users of that school)` : 'the site'}`,
    `  settings: ${settings.map((s) => `${s.key}=${s.value}`).join(', ') || 'none'}`,
    `  profiles: ${profiles.join(', ') || 'none'}`,
    `  users: ${users.length ? users.slice(0, 20).map((u) => (u.via ? `${u.username} (via ${u.via})` : u.username)).join(', ') + (users.length > 20 ? ` and ${users.length - 20} more` : '') : 'none'}`,
  ];
  return { data, human: lines.join('\n') };
}

async function remove(ctx: Ctx, name: string) {
  const db = await ctx.open();
  const p = requirePolicy(db, name);
  ctx.guard('policy-management', policyTarget(p), `delete policy ${p.name}`);
  await ctx.confirm(`Delete policy ${p.name} and its assignments?`);
  const { changes } = await ctx.change(`policies delete ${p.name}`, (tx) => {
    const settings = db.prepare('SELECT key, value FROM policy_settings WHERE policy_id = ?').all(p.id);
    db.prepare('DELETE FROM policies WHERE id = ?').run(p.id);
    tx.record('policy', p.name, { owner: p.org_id ?? 'site', settings }, null);
  });
  return changeResult(changes, p.name);
}

export function register(program: Command): void {
  const policies = program.command('policies').description('policies owned by the site or a school, and where they apply');
  examples(
    policies.command('create').argument('<name>').option('--org <school>', 'the owning school (default: the site)').description('create an empty policy').action(action(create)),
    ['schoolctl policies create "North messaging" --org north', 'schoolctl policies create "No AI"'],
  );
  examples(
    policies.command('set').argument('<name>').argument('<assignments...>', 'KEY=VALUE, one or more').description('set values in a policy').action(action(set)),
    ['schoolctl policies set "North messaging" messages=on initiate-communication-to-students=school'],
  );
  examples(policies.command('unset').argument('<name>').argument('<keys...>').description('remove settings from a policy').action(action(unset)), [
    'schoolctl policies unset "No AI" create-content-with-ai',
  ]);
  for (const remove of [false, true]) {
    const verb = remove ? 'unapply' : 'apply';
    examples(
      policies
        .command(verb)
        .argument('<name>')
        .option('--profile <profile>', 'a profile')
        .option('--unit <id>', "the unit's current members and those of the units below it")
        .option('--user <username>', 'one user')
        .description(remove ? 'remove a policy from a profile, a user or the current members of a unit' : 'assign a policy to a profile, a user, or the current members of a unit')
        .action(action((ctx, name: string, opts: TargetOpts) => apply(ctx, name, opts, remove))),
      [`schoolctl policies ${verb} "North messaging" --unit 5A`, `schoolctl policies ${verb} "No AI" --profile Student`],
    );
  }
  examples(policies.command('list').description('policies with their owner and assignments').action(action(list)), ['schoolctl policies list']);
  examples(policies.command('show').argument('<name>').description('one policy: settings and assignments').action(action(show)), [
    'schoolctl policies show "North messaging" --json',
  ]);
  examples(policies.command('delete').argument('<name>').description('delete a policy and its assignments').action(action(remove)), ['schoolctl policies delete "No AI"']);
}

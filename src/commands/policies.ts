// `policies`: named sets of setting values owned by the site or a school, assigned to profiles and
// users (a unit is a shortcut for its current members, one by one; DOMAIN.md §3).

import type { Command } from 'commander';
import { isPolicyName, requirePolicy, requireProfile, requireUnit, requireUser, type PolicyRow } from '../db/stores/lookups.js';
import { unitMembers } from '../db/stores/hierarchy-store.js';
import {
  assignPolicyToProfile,
  assignPolicyToUsers,
  createPolicy,
  deletePolicy,
  policyList,
  policyNameTaken,
  policyView,
  setPolicyValues,
  unsetPolicyValues,
} from '../db/stores/policies-store.js';
import { parseAssignments } from '../db/stores/profiles-store.js';
import { invalid } from '../model/errors.js';
import { safeText } from '../model/text-safety.js';
import { CATALOGUE, findSetting } from '../model/settings-catalogue.js';
import { table } from './render.js';
import { missingValue } from './ask.js';
import { action, changeResult, examples, type Ctx } from './runtime.js';
import { SITE_TARGET } from '../model/school-scope.js';
import { didYouMean } from '../model/did-you-mean.js';

interface TargetOpts {
  profile?: string;
  unit?: string;
  user?: string;
}

function oneTarget(opts: TargetOpts): void {
  const n = [opts.profile, opts.unit, opts.user].filter((v) => v !== undefined).length;
  if (n === 0) throw missingValue({ name: '--profile', oneOf: ['--profile', '--unit', '--user'] }, 'where the policy applies is missing');
  if (n !== 1) throw invalid('bad-target', 'Give exactly one of --profile P, --unit U or --user U.');
}

function policyTarget(p: PolicyRow) {
  return { kind: 'policy', id: p.name };
}

async function create(ctx: Ctx, name: string, opts: { org?: string }) {
  const db = await ctx.open();
  const clean = name.trim();
  if (!isPolicyName(clean)) throw invalid('bad-name', `Policy name "${name}" is not valid; use 1–80 printable characters.`);
  if (await policyNameTaken(await ctx.kdb(), clean)) throw invalid('policy-exists', `Policy "${clean}" already exists.`);
  const org = opts.org ? requireUnit(db, opts.org, ['school']).id : null;
  ctx.guard('policy-management', org ? { kind: 'unit', id: org } : SITE_TARGET, `create ${org ? `a policy of school ${org}` : 'a site policy'}`);
  const { changes } = await ctx.change(`policies create ${clean}`, async (tx) => {
    await createPolicy(tx.db, clean, org);
    tx.record('policy', clean, null, { owner: org ?? 'site' });
  });
  return changeResult(changes, clean);
}

async function set(ctx: Ctx, name: string, words: string[]) {
  const db = await ctx.open();
  const p = requirePolicy(db, name);
  const assignments = parseAssignments(words, true);
  ctx.guard('policy-management', policyTarget(p), `change policy ${p.name}`);
  const { changes } = await ctx.change(`policies set ${p.name}`, async (tx) => {
    const values = await setPolicyValues(tx.db, p.id, assignments.map((a) => ({ key: a.def.key, value: a.value })));
    for (const v of values) tx.record('policy-setting', `${p.name}/${v.key}`, v.before, v.after);
  });
  return changeResult(changes, `policy ${p.name}`);
}

async function unset(ctx: Ctx, name: string, keys: string[]) {
  const db = await ctx.open();
  const p = requirePolicy(db, name);
  for (const k of keys) {
    if (!findSetting(k)) {
      throw invalid('unknown-setting', `There is no setting "${k}"${didYouMean(k, CATALOGUE.map((s) => s.key)) || '.'} "schoolctl profiles settings" lists every key.`);
    }
  }
  ctx.guard('policy-management', policyTarget(p), `change policy ${p.name}`);
  const { changes } = await ctx.change(`policies unset ${p.name}`, async (tx) => {
    for (const v of await unsetPolicyValues(tx.db, p.id, keys)) tx.record('policy-setting', `${p.name}/${v.key}`, v.before, null);
  });
  return changeResult(changes, `policy ${p.name}`);
}

async function apply(ctx: Ctx, name: string, opts: TargetOpts, remove: boolean) {
  const db = await ctx.open();
  const p = requirePolicy(db, name);
  oneTarget(opts);
  const verb = remove ? 'unapply' : 'apply';
  ctx.guard('policy-management', policyTarget(p), `${verb} policy ${p.name}`);
  let users: { id: number; username: string }[] = [];
  let profile: { id: number; name: string } | undefined;
  let via: string | null = null;
  if (opts.profile) {
    profile = requireProfile(db, opts.profile);
    ctx.guard('manage-profile', { kind: 'profile', id: profile.name }, `${verb} policies on profile ${profile.name}`);
  } else if (opts.unit) {
    via = requireUnit(db, opts.unit).id;
    ctx.guard('policy-management', { kind: 'unit', id: via }, `${verb} policies on unit ${via}`);
    users = await unitMembers(await ctx.kdb(), via);
  } else {
    const u = requireUser(db, opts.user!);
    ctx.guard('policy-management', { kind: 'user', id: u.username }, `${verb} policies on ${u.username}`);
    users = [u];
  }
  const { changes } = await ctx.change(`policies ${verb} ${p.name}`, async (tx) => {
    if (profile) {
      const before = await assignPolicyToProfile(tx.db, p.id, profile.id, remove);
      tx.record('policy-assignment', `${p.name}→profile ${profile.name}`, before ? 'assigned' : null, remove ? null : 'assigned');
      return;
    }
    for (const { user: u, before } of await assignPolicyToUsers(tx.db, p.id, users, via, remove)) {
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
  await ctx.open();
  const rows = await policyList(await ctx.kdb());
  return {
    data: rows,
    human: rows.length ? await table(['policy', 'owner', 'settings', 'profiles', 'users'], rows.map((r) => [r.name, r.owner, r.settings, r.profiles, r.users])) : 'No policies.',
  };
}

async function show(ctx: Ctx, name: string) {
  const db = await ctx.open();
  const p = requirePolicy(db, name);
  const { settings, profiles, users } = await policyView(await ctx.kdb(), p.id);
  const data = { name: p.name, owner: p.org_id ?? 'site', settings: Object.fromEntries(settings.map((s) => [s.key, s.value])), profiles, users };
  const lines = [
    `${p.name}, owned by ${p.org_id ? `school ${p.org_id} (acts only on users of that school)` : 'the site'}`,
    `  settings: ${settings.map((s) => `${s.key}=${s.value}`).join(', ') || 'none'}`,
    `  profiles: ${profiles.join(', ') || 'none'}`,
    `  users: ${users.length ? users.slice(0, 20).map((u) => (u.via ? `${u.username} (via ${u.via})` : u.username)).join(', ') + (users.length > 20 ? ` and ${users.length - 20} more` : '') : 'none'}`,
  ];
  return { data, human: lines.map((l) => safeText(l)).join('\n') };
}

async function remove(ctx: Ctx, name: string) {
  const db = await ctx.open();
  const p = requirePolicy(db, name);
  ctx.guard('policy-management', policyTarget(p), `delete policy ${p.name}`);
  await ctx.confirm(`Delete policy ${p.name} and its assignments?`);
  const { changes } = await ctx.change(`policies delete ${p.name}`, async (tx) => {
    const settings = await deletePolicy(tx.db, p.id);
    tx.record('policy', p.name, { owner: p.org_id ?? 'site', settings }, null);
  });
  return changeResult(changes, p.name);
}

export function register(program: Command): void {
  const policies = program.command('policies').description('policies owned by the site or a school, and where they apply');
  examples(
    policies.command('create').argument('<name>').option('--org <school>', 'the owning school (default: the site)').description('create an empty policy').action(action(create)),
    ['schoolctl policies create "North quiet hours" --org north', 'schoolctl policies create "No AI"'],
  );
  examples(
    policies.command('set').argument('<name>').argument('<assignments...>', 'KEY=VALUE, one or more').description('set values in a policy').action(action(set)),
    ['schoolctl policies set "North messaging" messages=on initiate-communication-to-students=school'],
  );
  examples(policies.command('unset').argument('<name>').argument('<keys...>').description('remove settings from a policy').action(action(unset)), [
    'schoolctl policies unset "No mass messages" send-mass-messages',
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
      [`schoolctl policies ${verb} "North messaging" --unit 5A`, `schoolctl policies ${verb} "No mass messages" --profile Student`],
    );
  }
  examples(policies.command('list').description('policies with their owner and assignments').action(action(list)), ['schoolctl policies list']);
  examples(policies.command('show').argument('<name>').description('one policy: settings and assignments').action(action(show)), [
    'schoolctl policies show "North messaging" --json',
  ]);
  examples(policies.command('delete').argument('<name>').description('delete a policy and its assignments').action(action(remove)), ['schoolctl policies delete "No mass messages" --yes']);
}

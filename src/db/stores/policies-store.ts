// Policies: their settings and their assignments to profiles and users.

import { sql, type Kysely } from 'kysely';
import type { DB } from '../schema.js';

/** Policy names are unique regardless of case. */
export async function policyNameTaken(db: Kysely<DB>, name: string): Promise<boolean> {
  const row = await db.selectFrom('policies').select('id').where(sql<boolean>`name = ${name} COLLATE NOCASE`).executeTakeFirst();
  return row !== undefined;
}

export async function createPolicy(db: Kysely<DB>, name: string, orgId: string | null): Promise<void> {
  await db.insertInto('policies').values({ name, org_id: orgId }).execute();
}

async function policyValue(db: Kysely<DB>, policyId: number, key: string): Promise<string | null> {
  const row = await db.selectFrom('policy_settings').select('value').where('policy_id', '=', policyId).where('key', '=', key).executeTakeFirst();
  return row?.value ?? null;
}

/** Sets each value in turn; returns each key's value before and after. */
export async function setPolicyValues(db: Kysely<DB>, policyId: number, values: readonly { key: string; value: string }[]) {
  const out: { key: string; before: string | null; after: string }[] = [];
  for (const { key, value } of values) {
    const before = await policyValue(db, policyId, key);
    await db
      .insertInto('policy_settings')
      .values({ policy_id: policyId, key, value })
      .onConflict((oc) => oc.columns(['policy_id', 'key']).doUpdateSet({ value: (eb) => eb.ref('excluded.value') }))
      .execute();
    out.push({ key, before, after: value });
  }
  return out;
}

/** Removes each key in turn; returns each key's value before. */
export async function unsetPolicyValues(db: Kysely<DB>, policyId: number, keys: readonly string[]) {
  const out: { key: string; before: string | null }[] = [];
  for (const key of keys) {
    const before = await policyValue(db, policyId, key);
    await db.deleteFrom('policy_settings').where('policy_id', '=', policyId).where('key', '=', key).execute();
    out.push({ key, before });
  }
  return out;
}

type TargetKind = 'user' | 'profile';

async function isAssigned(db: Kysely<DB>, policyId: number, kind: TargetKind, targetId: number): Promise<boolean> {
  const row = await db
    .selectFrom('policy_assignments')
    .select('policy_id')
    .where('policy_id', '=', policyId)
    .where('target_kind', '=', kind)
    .where('target_id', '=', targetId)
    .executeTakeFirst();
  return row !== undefined;
}

async function assign(db: Kysely<DB>, policyId: number, kind: TargetKind, targetId: number, via: string | null, remove: boolean): Promise<boolean> {
  const before = await isAssigned(db, policyId, kind, targetId);
  if (remove) {
    await db.deleteFrom('policy_assignments').where('policy_id', '=', policyId).where('target_kind', '=', kind).where('target_id', '=', targetId).execute();
  } else {
    await db.insertInto('policy_assignments').orIgnore().values({ policy_id: policyId, target_kind: kind, target_id: targetId, via_unit: via }).execute();
  }
  return before;
}

/** Assigns (or with `remove`, unassigns) the policy on a profile; returns whether it was assigned before. */
export async function assignPolicyToProfile(db: Kysely<DB>, policyId: number, profileId: number, remove: boolean): Promise<boolean> {
  return assign(db, policyId, 'profile', profileId, null, remove);
}

/** Ids per statement: well inside every engine's limit on bound values (4 per inserted row). */
const CHUNK = 200;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/**
 * Assigns (or unassigns) the policy on each user, noting the unit it came through; returns who had
 * it before. Set-based: one read and one write per 200 users, so a school of 4,000 members is 40
 * statements, not 8,000 (a fix tried for a school's members runs this inside `schoolctl test`).
 */
export async function assignPolicyToUsers<U extends { id: number }>(db: Kysely<DB>, policyId: number, users: readonly U[], via: string | null, remove: boolean) {
  const ids = [...new Set(users.map((u) => u.id))];
  const had = new Set<number>();
  for (const part of chunks(ids)) {
    const rows = await db
      .selectFrom('policy_assignments')
      .select('target_id')
      .where('policy_id', '=', policyId)
      .where('target_kind', '=', 'user')
      .where('target_id', 'in', part)
      .execute();
    for (const r of rows) had.add(r.target_id);
  }
  for (const part of chunks(ids.filter((id) => had.has(id) === remove))) {
    if (remove) {
      await db.deleteFrom('policy_assignments').where('policy_id', '=', policyId).where('target_kind', '=', 'user').where('target_id', 'in', part).execute();
    } else {
      await db
        .insertInto('policy_assignments')
        .orIgnore()
        .values(part.map((id) => ({ policy_id: policyId, target_kind: 'user' as const, target_id: id, via_unit: via })))
        .execute();
    }
  }
  // A user named twice had the policy (or no longer had it) by the second time, as one at a time would say.
  const seen = new Set<number>();
  return users.map((user) => {
    const before = seen.has(user.id) ? !remove : had.has(user.id);
    seen.add(user.id);
    return { user, before };
  });
}

export interface PolicyListRow {
  name: string;
  owner: string;
  settings: number;
  profiles: number;
  users: number;
}

export async function policyList(db: Kysely<DB>): Promise<PolicyListRow[]> {
  return (await db
    .selectFrom('policies as p')
    .select((eb) => [
      'p.name',
      eb.fn.coalesce('p.org_id', sql.lit('site')).as('owner'),
      eb.selectFrom('policy_settings as s').select(eb.fn.countAll<number>().as('n')).whereRef('s.policy_id', '=', 'p.id').as('settings'),
      eb.selectFrom('policy_assignments as a').select(eb.fn.countAll<number>().as('n')).whereRef('a.policy_id', '=', 'p.id').where('a.target_kind', '=', 'profile').as('profiles'),
      eb.selectFrom('policy_assignments as a').select(eb.fn.countAll<number>().as('n')).whereRef('a.policy_id', '=', 'p.id').where('a.target_kind', '=', 'user').as('users'),
    ])
    .orderBy('p.name')
    .execute()) as PolicyListRow[];
}

/** A policy's settings by key, its profiles (highest level first) and its users with the unit they came through. */
export async function policyView(db: Kysely<DB>, policyId: number) {
  const settings = await db.selectFrom('policy_settings').select(['key', 'value']).where('policy_id', '=', policyId).orderBy('key').execute();
  const profiles = await db
    .selectFrom('policy_assignments as a')
    .innerJoin('profiles as pr', 'pr.id', 'a.target_id')
    .select('pr.name')
    .where('a.policy_id', '=', policyId)
    .where('a.target_kind', '=', 'profile')
    .orderBy('pr.level', 'desc')
    .execute();
  const users = await db
    .selectFrom('policy_assignments as a')
    .innerJoin('users as u', 'u.id', 'a.target_id')
    .select(['u.username', 'a.via_unit as via'])
    .where('a.policy_id', '=', policyId)
    .where('a.target_kind', '=', 'user')
    .orderBy('u.username')
    .execute();
  return { settings, profiles: profiles.map((r) => r.name), users };
}

/** Deletes the policy (its settings and assignments go with it); returns the settings it had. */
export async function deletePolicy(db: Kysely<DB>, policyId: number): Promise<{ key: string; value: string }[]> {
  const settings = await db.selectFrom('policy_settings').select(['key', 'value']).where('policy_id', '=', policyId).execute();
  await db.deleteFrom('policies').where('id', '=', policyId).execute();
  return settings;
}

/** Names of the policies assigned to a profile. */
export async function profilePolicies(db: Kysely<DB>, profileId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('policy_assignments as pa')
    .innerJoin('policies as p', 'p.id', 'pa.policy_id')
    .select('p.name')
    .where('pa.target_kind', '=', 'profile')
    .where('pa.target_id', '=', profileId)
    .orderBy('p.name')
    .execute();
  return rows.map((r) => r.name);
}

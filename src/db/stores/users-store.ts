// Users, their unit memberships and everything `users show` lists about one user.
// Joining and leaving a unit run on prepared statements, so `users join|leave` (and their dry
// runs) start without the query builder; the rest load it when they run.

import type { Kysely } from 'kysely';
import type { UserRow } from './lookups.js';
import type { Sqlite } from '../open.js';
import type { DB } from '../schema.js';

export async function userExists(db: Kysely<DB>, username: string): Promise<boolean> {
  return (await db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst()) !== undefined;
}

export interface NewUser {
  readonly username: string;
  readonly name: string;
  readonly email: string | null;
  readonly externalId: string | null;
  readonly profileId: number;
}

/** Inserts the user and their memberships (with the profile's role); returns the new id. */
export async function addUser(db: Kysely<DB>, user: NewUser, units: readonly string[]): Promise<number> {
  const { insertId } = await db
    .insertInto('users')
    .values({ username: user.username, name: user.name, email: user.email, external_id: user.externalId, profile_id: user.profileId })
    .executeTakeFirstOrThrow();
  const id = Number(insertId);
  for (const u of units) await db.insertInto('memberships').values({ user_id: id, unit_id: u, role: null }).execute();
  return id;
}

/** One user with their profile, memberships, courses, projects, family links, supervision and policies. */
export async function userView(db: Kysely<DB>, u: UserRow, schools: readonly string[]) {
  const { sql } = await import('kysely');
  const profile = await db.selectFrom('profiles').select(['name', 'role_in_hierarchy']).where('id', '=', u.profile_id).executeTakeFirstOrThrow();
  const memberships = await db.selectFrom('memberships').select(['unit_id as unit', 'role', 'source']).where('user_id', '=', u.id).orderBy('unit_id').execute();
  const courses = await db.selectFrom('course_members').select(['course_id as course', 'role', 'source']).where('user_id', '=', u.id).orderBy('course_id').execute();
  const projects = await db.selectFrom('project_members').select('project_id').where('user_id', '=', u.id).orderBy('project_id').execute();
  const children = await db
    .selectFrom('parent_links as l')
    .innerJoin('users as c', 'c.id', 'l.child_id')
    .select('c.username')
    .where('l.parent_id', '=', u.id)
    .orderBy('c.username')
    .execute();
  const parents = await db
    .selectFrom('parent_links as l')
    .innerJoin('users as p', 'p.id', 'l.parent_id')
    .select('p.username')
    .where('l.child_id', '=', u.id)
    .orderBy('p.username')
    .execute();
  const mentorOf = await sql<{ item: string }>`SELECT 'learner:' || u.username AS item FROM mentor_learners ml JOIN users u ON u.id = ml.learner_id WHERE ml.mentor_id = ${u.id}
      UNION ALL SELECT 'class:' || unit_id FROM mentor_classes WHERE mentor_id = ${u.id} ORDER BY 1`.execute(db);
  const headteacherOf = await db.selectFrom('headteacher_orgs').select('unit_id').where('user_id', '=', u.id).orderBy('unit_id').execute();
  const policies = await db
    .selectFrom('policy_assignments as pa')
    .innerJoin('policies as p', 'p.id', 'pa.policy_id')
    .select(['p.name', 'pa.via_unit as via'])
    .where('pa.target_kind', '=', 'user')
    .where('pa.target_id', '=', u.id)
    .orderBy('p.name')
    .execute();
  return {
    username: u.username,
    name: u.name,
    email: u.email,
    externalId: u.external_id,
    profile: profile.name,
    shareDetails: u.share_details === 1,
    source: u.source,
    memberships: memberships.map((m) => ({ unit: m.unit, role: m.role ?? profile.role_in_hierarchy, source: m.source })),
    schools,
    courses,
    projects: projects.map((r) => r.project_id),
    children: children.map((r) => r.username),
    parents: parents.map((r) => r.username),
    mentorOf: mentorOf.rows.map((r) => r.item),
    headteacherOf: headteacherOf.map((r) => r.unit_id),
    policies,
  };
}

export type UserView = Awaited<ReturnType<typeof userView>>;

/** Users with their profile and units, optionally of one profile and/or within one unit's subtree. */
export async function userList(db: Kysely<DB>, filter: { profileId?: number; unitId?: string }) {
  const { sql } = await import('kysely');
  let q = db
    .selectFrom('users as u')
    .innerJoin('profiles as p', 'p.id', 'u.profile_id')
    .select([
      'u.username',
      'u.name',
      'p.name as profile',
      sql<string | null>`(SELECT group_concat(unit_id, ';') FROM (SELECT unit_id FROM memberships WHERE user_id = u.id ORDER BY unit_id))`.as('units'),
    ]);
  if (filter.profileId !== undefined) q = q.where('u.profile_id', '=', filter.profileId);
  if (filter.unitId !== undefined) {
    const unitId = filter.unitId;
    q = q.where('u.id', 'in', (eb) =>
      eb.selectFrom('memberships as m').innerJoin('unit_ancestors as a', 'a.unit_id', 'm.unit_id').select('m.user_id').where('a.ancestor_id', '=', unitId),
    );
  }
  const rows = await q.orderBy('u.username').execute();
  return rows.map((r) => ({ username: r.username, name: r.name, profile: r.profile, units: r.units ? r.units.split(';') : [] }));
}

export function membership(db: Sqlite, userId: number, unitId: string): { role: string | null } | undefined {
  return db.prepare('SELECT role FROM memberships WHERE user_id = ? AND unit_id = ?').get(userId, unitId) as { role: string | null } | undefined;
}

export function joinUnit(db: Sqlite, userId: number, unitId: string, role: string | null): void {
  db.prepare('INSERT INTO memberships (user_id, unit_id, role) VALUES (?, ?, ?) ON CONFLICT (user_id, unit_id) DO UPDATE SET role = excluded.role').run(userId, unitId, role);
}

export function leaveUnit(db: Sqlite, userId: number, unitId: string): void {
  db.prepare('DELETE FROM memberships WHERE user_id = ? AND unit_id = ?').run(userId, unitId);
}

export async function updateUserDetails(
  db: Kysely<DB>,
  userId: number,
  next: { name: string; email: string | null; externalId: string | null; shareDetails: number },
): Promise<void> {
  await db
    .updateTable('users')
    .set({ name: next.name, email: next.email, external_id: next.externalId, share_details: next.shareDetails })
    .where('id', '=', userId)
    .execute();
}

export async function setUserProfile(db: Kysely<DB>, userId: number, profileId: number): Promise<void> {
  await db.updateTable('users').set({ profile_id: profileId }).where('id', '=', userId).execute();
}

/** Removes the user with their direct policy assignments (memberships and links cascade). */
export async function removeUser(db: Kysely<DB>, userId: number): Promise<void> {
  await db.deleteFrom('policy_assignments').where('target_kind', '=', 'user').where('target_id', '=', userId).execute();
  await db.deleteFrom('users').where('id', '=', userId).execute();
}

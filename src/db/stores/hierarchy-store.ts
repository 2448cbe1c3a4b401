// The hierarchy and its closure table: unit_ancestors lists every unit with itself and every unit
// above it, so "the school above", "a user's schools" and "every learner below" are set queries.

import { sql, type Kysely } from 'kysely';
import { invalid } from '../../model/errors.js';
import type { UnitKind } from '../../model/facts.js';
import type { UnitRow } from './lookups.js';
import type { Sqlite } from '../open.js';
import type { DB } from '../schema.js';

/** Refills unit_ancestors from units: every unit with itself (depth 0) and each unit above it. */
const FILL_ANCESTORS = `
    INSERT INTO unit_ancestors (unit_id, ancestor_id, depth)
    WITH RECURSIVE anc(unit_id, ancestor_id, depth) AS (
      SELECT id, id, 0 FROM units
      UNION ALL
      SELECT anc.unit_id, u.parent_id, anc.depth + 1 FROM anc JOIN units u ON u.id = anc.ancestor_id
      WHERE u.parent_id IS NOT NULL
    )
    SELECT unit_id, ancestor_id, depth FROM anc`;

export function rebuildAncestors(db: Sqlite): void {
  db.exec(`DELETE FROM unit_ancestors; ${FILL_ANCESTORS};`);
}

/** The same rebuild through the query builder, for the `units` commands' changes. */
async function refillAncestors(db: Kysely<DB>): Promise<void> {
  await db.deleteFrom('unit_ancestors').execute();
  await sql.raw(FILL_ANCESTORS).execute(db);
}

export async function unitExists(db: Kysely<DB>, id: string): Promise<boolean> {
  return (await db.selectFrom('units').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

export async function addUnit(db: Kysely<DB>, unit: { id: string; kind: UnitKind; name: string; parent: string | null }): Promise<void> {
  await db.insertInto('units').values({ id: unit.id, kind: unit.kind, name: unit.name, parent_id: unit.parent }).execute();
  await refillAncestors(db);
}

export async function moveUnit(db: Kysely<DB>, id: string, parent: string | null): Promise<void> {
  await db.updateTable('units').set({ parent_id: parent }).where('id', '=', id).execute();
  await refillAncestors(db);
}

export async function removeUnit(db: Kysely<DB>, id: string): Promise<void> {
  await db.deleteFrom('units').where('id', '=', id).execute();
  await refillAncestors(db);
}

/** Every unit, by id, with its number of direct members. */
export async function unitsWithMembers(db: Kysely<DB>): Promise<{ units: UnitRow[]; members: Map<string, number> }> {
  const units = (await db.selectFrom('units').select(['id', 'kind', 'name', 'parent_id']).orderBy('id').execute()) as UnitRow[];
  const counts = await db.selectFrom('memberships').select(['unit_id', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('unit_id').execute();
  return { units, members: new Map(counts.map((r) => [r.unit_id, r.n])) };
}

/** Whether `unitId` is `ancestorId` or lies below it. */
export async function isWithin(db: Kysely<DB>, unitId: string, ancestorId: string): Promise<boolean> {
  const row = await db.selectFrom('unit_ancestors').select('depth').where('unit_id', '=', unitId).where('ancestor_id', '=', ancestorId).executeTakeFirst();
  return row !== undefined;
}

export async function childUnitCount(db: Kysely<DB>, id: string): Promise<number> {
  const row = await db.selectFrom('units').select((eb) => eb.fn.countAll<number>().as('n')).where('parent_id', '=', id).executeTakeFirstOrThrow();
  return row.n;
}

/** What still refers to a unit, in the order `units remove` reports it. */
export type UnitUse = 'memberships' | 'courses' | 'projects' | 'policies' | 'terms' | 'mentorClasses' | 'headteacherOrgs';

export async function unitUses(db: Kysely<DB>, id: string): Promise<[UnitUse, number][]> {
  const count = async (q: Promise<{ n: number }>) => (await q).n;
  return [
    ['memberships', await count(db.selectFrom('memberships').select((eb) => eb.fn.countAll<number>().as('n')).where('unit_id', '=', id).executeTakeFirstOrThrow())],
    ['courses', await count(db.selectFrom('courses').select((eb) => eb.fn.countAll<number>().as('n')).where('unit_id', '=', id).executeTakeFirstOrThrow())],
    ['projects', await count(db.selectFrom('projects').select((eb) => eb.fn.countAll<number>().as('n')).where('unit_id', '=', id).executeTakeFirstOrThrow())],
    ['policies', await count(db.selectFrom('policies').select((eb) => eb.fn.countAll<number>().as('n')).where('org_id', '=', id).executeTakeFirstOrThrow())],
    ['terms', await count(db.selectFrom('terms').select((eb) => eb.fn.countAll<number>().as('n')).where('org_id', '=', id).executeTakeFirstOrThrow())],
    ['mentorClasses', await count(db.selectFrom('mentor_classes').select((eb) => eb.fn.countAll<number>().as('n')).where('unit_id', '=', id).executeTakeFirstOrThrow())],
    ['headteacherOrgs', await count(db.selectFrom('headteacher_orgs').select((eb) => eb.fn.countAll<number>().as('n')).where('unit_id', '=', id).executeTakeFirstOrThrow())],
  ];
}

/** The users a unit reaches: current members of the unit and of every unit below it. */
export async function unitMembers(db: Kysely<DB>, unitId: string): Promise<{ id: number; username: string }[]> {
  return db
    .selectFrom('memberships as m')
    .innerJoin('unit_ancestors as a', 'a.unit_id', 'm.unit_id')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.username'])
    .distinct()
    .where('a.ancestor_id', '=', unitId)
    .orderBy('u.username')
    .execute();
}

/** Ancestors of a unit, nearest first (the unit itself excluded). */
export function ancestorsOf(db: Sqlite, unitId: string): UnitRow[] {
  return db
    .prepare(`SELECT u.id, u.kind, u.name, u.parent_id FROM unit_ancestors a JOIN units u ON u.id = a.ancestor_id
              WHERE a.unit_id = ? AND a.depth > 0 ORDER BY a.depth`)
    .all(unitId) as UnitRow[];
}

/** A school never sits inside another school, nor above one (DOMAIN.md §1). */
export function checkPlacement(db: Sqlite, unitId: string, kind: UnitKind, parentId: string | null): void {
  if (kind === 'class' || kind === 'group') {
    if (parentId === null) throw invalid('bad-parent', `A ${kind} cannot sit directly under the site root; give --parent with a school or organisation.`);
  }
  if (parentId === null) return;
  const parent = db.prepare('SELECT kind FROM units WHERE id = ?').pluck().get(parentId) as UnitKind | undefined;
  if (parent === 'class' || parent === 'group') {
    throw invalid('bad-parent', `Unit "${parentId}" is a ${parent}; units can only be placed under the site root, a school or an organisation.`);
  }
  if (kind === 'school' || db.prepare(`SELECT 1 FROM unit_ancestors a JOIN units u ON u.id = a.unit_id WHERE a.ancestor_id = ? AND u.kind = 'school'`).get(unitId)) {
    const schoolAbove = db
      .prepare(`SELECT a.ancestor_id FROM unit_ancestors a JOIN units u ON u.id = a.ancestor_id WHERE a.unit_id = ? AND u.kind = 'school' LIMIT 1`)
      .pluck()
      .get(parentId) as string | undefined;
    if (schoolAbove) {
      throw invalid('school-in-school', `Unit "${unitId}" is or holds a school and cannot be placed inside school "${schoolAbove}"; a school never sits inside another school.`);
    }
  }
}

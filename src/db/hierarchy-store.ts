// The hierarchy and its closure table: unit_ancestors lists every unit with itself and every unit
// above it, so "the school above", "a user's schools" and "every learner below" are set queries.

import { invalid } from '../model/errors.js';
import type { UnitKind } from '../model/facts.js';
import type { UnitRow } from './lookups.js';
import type { Sqlite } from './open.js';

export function rebuildAncestors(db: Sqlite): void {
  db.exec(`
    DELETE FROM unit_ancestors;
    INSERT INTO unit_ancestors (unit_id, ancestor_id, depth)
    WITH RECURSIVE anc(unit_id, ancestor_id, depth) AS (
      SELECT id, id, 0 FROM units
      UNION ALL
      SELECT anc.unit_id, u.parent_id, anc.depth + 1 FROM anc JOIN units u ON u.id = anc.ancestor_id
      WHERE u.parent_id IS NOT NULL
    )
    SELECT unit_id, ancestor_id, depth FROM anc;`);
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

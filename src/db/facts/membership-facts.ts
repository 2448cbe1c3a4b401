// Unit membership from SQLite, through the closure table (a unit is its own ancestor at depth 0).

import type { Facts } from '../../model/facts.js';
import '../../model/membership-facts.js';
import type { Sqlite } from '../open.js';

export function membershipFacts(db: Sqlite): Pick<Facts, 'belongsToUnit' | 'unitsOf'> {
  const belongs = db.prepare('SELECT 1 FROM memberships m JOIN unit_ancestors a ON a.unit_id = m.unit_id WHERE m.user_id = ? AND a.ancestor_id = ? LIMIT 1').pluck();
  const units = db.prepare(
    `SELECT DISTINCT u.id, u.kind FROM memberships m JOIN units u ON u.id = m.unit_id WHERE m.user_id = ? ORDER BY u.kind NOT IN ('class', 'group'), u.id`,
  );
  return {
    belongsToUnit: (userId, unitId) => belongs.get(userId, unitId) !== undefined,
    unitsOf: (userId) => units.all(userId) as { id: string; kind: string }[],
  };
}

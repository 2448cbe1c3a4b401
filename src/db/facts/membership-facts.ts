// Unit membership from SQLite, through the closure table (a unit is its own ancestor at depth 0).

import type { Facts } from '../../model/facts.js';
import '../../model/membership-facts.js';
import type { Sqlite } from '../open.js';

export function membershipFacts(db: Sqlite): Pick<Facts, 'belongsToUnit'> {
  const belongs = db.prepare('SELECT 1 FROM memberships m JOIN unit_ancestors a ON a.unit_id = m.unit_id WHERE m.user_id = ? AND a.ancestor_id = ? LIMIT 1').pluck();
  return {
    belongsToUnit: (userId, unitId) => belongs.get(userId, unitId) !== undefined,
  };
}

// memberships: username,unit,role. The role is the hierarchy role in that unit; empty means the
// profile's Role in hierarchy (DOMAIN.md §1).

import { HIERARCHY_ROLES } from '../../../model/facts.js';
import { err, someOf, type BulkKind, type CellError, userCell } from '../kind.js';

interface Data {
  userId: number;
  unit: string;
  role: string | null;
}

export const membershipsKind: BulkKind<Data> = {
  name: 'memberships',
  summary: 'unit memberships with their hierarchy role',
  right: 'user-and-access-rights-management',
  entity: 'membership',
  columns: [
    { name: 'username', required: true, about: 'the member' },
    { name: 'unit', required: true, about: 'the unit' },
    { name: 'role', about: `${HIERARCHY_ROLES.join(', ')}, or empty for the profile's role in hierarchy` },
  ],
  key: ['username', 'unit'],
  open(db, model) {
    const find = db.prepare('SELECT coalesce(role, \'\') FROM memberships WHERE user_id = ? AND unit_id = ?').pluck();
    const upsert = db.prepare('INSERT INTO memberships (user_id, unit_id, role, source) VALUES (?, ?, ?, ?) ON CONFLICT (user_id, unit_id) DO UPDATE SET role = excluded.role');
    return {
      check(row) {
        const errors: CellError[] = [];
        const username = row.get('username').trim();
        const userId = userCell(model, 'username', username, errors);
        const unit = row.get('unit').trim();
        if (!model.units.has(unit)) errors.push(err('unit', unit, 'a unit', someOf([...model.units.keys()].sort())));
        const role = row.get('role').trim().toLowerCase();
        if (role && !(HIERARCHY_ROLES as readonly string[]).includes(role)) errors.push(err('role', row.get('role'), 'a hierarchy role', `${HIERARCHY_ROLES.join(', ')}, or empty`));
        if (errors.length) return { errors };
        const had = find.get(userId, unit) as string | undefined;
        const id = `${username}@${unit}`;
        const data = { userId: userId!, unit, role: role || null };
        const show = (r: string) => ({ role: r || 'profile default' });
        if (had === undefined) return { status: 'create', id, after: show(role), data };
        return { status: had === role ? 'same' : 'update', id, before: show(had), after: show(role), data };
      },
      apply(v) {
        upsert.run(v.data.userId, v.data.unit, v.data.role, model.source);
      },
    };
  },
  *exportRows(db) {
    yield* db
      .prepare(`SELECT u.username, m.unit_id, coalesce(m.role, '') FROM memberships m JOIN users u ON u.id = m.user_id ORDER BY u.username, m.unit_id`)
      .raw()
      .iterate() as Iterable<string[]>;
  },
};

// units: id,kind,name,parent. Parents come before their children (export writes them so); an
// empty parent is the site root. A school never sits inside another school (DOMAIN.md §1).

import { UNIT_KINDS } from '../../../model/facts.js';
import { rebuildAncestors } from '../../stores/hierarchy-store.js';
import { checkIdCell, err, someOf, type BulkKind, type CellError } from '../kind.js';

interface UnitData {
  id: string;
  kind: string;
  name: string;
  parent: string | null;
  exists: boolean;
}

export const unitsKind: BulkKind<UnitData> = {
  name: 'units',
  summary: 'the hierarchy: schools, organisations, classes and groups',
  right: 'hierarchy-management',
  entity: 'unit',
  columns: [
    { name: 'id', required: true, about: 'unit id' },
    { name: 'kind', required: true, about: UNIT_KINDS.join(', ') },
    { name: 'name', about: 'display name (default: the id)' },
    { name: 'parent', about: 'the unit above, empty for the site root; parents come first' },
  ],
  key: ['id'],
  open(db, model) {
    const find = db.prepare('SELECT kind, name, parent_id FROM units WHERE id = ?');
    const insert = db.prepare('INSERT INTO units (id, kind, name, parent_id, source) VALUES (?, ?, ?, ?, ?)');
    const update = db.prepare('UPDATE units SET kind = ?, name = ?, parent_id = ? WHERE id = ?');
    let dirty = false;
    const hasChildren = (id: string) => [...model.units.values()].some((u) => u.parent === id);
    const holdsSchool = (id: string) => [...model.units.entries()].some(([uid, u]) => u.kind === 'school' && uid !== id && isBelow(uid, id));
    const isBelow = (unit: string, ancestor: string): boolean => {
      let cur = model.units.get(unit)?.parent ?? null;
      for (let i = 0; cur && i < 64; i++) {
        if (cur === ancestor) return true;
        cur = model.units.get(cur)?.parent ?? null;
      }
      return false;
    };
    return {
      check(row) {
        const errors: CellError[] = [];
        const id = row.get('id').trim();
        checkIdCell('id', id, errors);
        const kind = row.get('kind').trim().toLowerCase();
        if (!(UNIT_KINDS as readonly string[]).includes(kind)) errors.push(err('kind', row.get('kind'), 'a unit kind', UNIT_KINDS.join(', ')));
        const parent = row.get('parent').trim() || null;
        if (parent !== null) {
          const p = model.units.get(parent);
          if (!p) errors.push(err('parent', parent, 'a unit', `${someOf([...model.units.keys()].sort())}, or empty for the site root (a parent comes before its children)`));
          else if (p.kind === 'class' || p.kind === 'group') errors.push(err('parent', parent, `a school or organisation (it is a ${p.kind})`, 'the site root, a school or an organisation'));
          else if (parent === id || isBelow(parent, id)) errors.push(err('parent', parent, 'outside the unit', 'a unit that is not the unit itself or inside it'));
          else if (kind === 'school' || (model.units.has(id) && holdsSchool(id))) {
            const school = model.schoolOf(parent);
            if (school) errors.push(err('parent', parent, `outside a school (it is in school ${school})`, 'a unit outside every school: a school never sits inside another school'));
          }
        } else if (kind === 'class' || kind === 'group') {
          errors.push(err('parent', '', 'empty', `a school or organisation: a ${kind} cannot sit directly under the site root`));
        }
        if ((kind === 'class' || kind === 'group') && model.units.has(id) && hasChildren(id)) {
          errors.push(err('kind', kind, 'possible for a unit that holds units', 'school or organisation'));
        }
        if (errors.length) return { errors };
        const name = row.has('name') ? row.get('name').trim() || id : undefined;
        const before = find.get(id) as { kind: string; name: string; parent_id: string | null } | undefined;
        if (!before) {
          return { status: 'create', id, after: { kind, name: name ?? id, parent }, data: { id, kind, name: name ?? id, parent, exists: false } };
        }
        const next = { kind, name: name ?? before.name, parent };
        const prev = { kind: before.kind, name: before.name, parent: before.parent_id };
        const same = prev.kind === next.kind && prev.name === next.name && prev.parent === next.parent;
        return { status: same ? 'same' : 'update', id, before: prev, after: next, data: { id, ...next, exists: true } };
      },
      apply(v) {
        const d = v.data;
        if (d.exists) update.run(d.kind, d.name, d.parent, d.id);
        else insert.run(d.id, d.kind, d.name, d.parent, model.source);
        model.units.set(d.id, { kind: d.kind, parent: d.parent });
        dirty = true;
      },
      finish() {
        if (dirty) rebuildAncestors(db);
      },
    };
  },
  *exportRows(db) {
    // Parents first: by depth, then id.
    yield* db
      .prepare(
        `SELECT u.id, u.kind, u.name, coalesce(u.parent_id, '') FROM units u
         ORDER BY (SELECT max(depth) FROM unit_ancestors a WHERE a.unit_id = u.id), u.id`,
      )
      .raw()
      .iterate() as Iterable<string[]>;
  },
};

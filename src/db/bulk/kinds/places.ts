// courses and projects: id,unit,name. Both belong to a unit (DOMAIN.md §1).

import { checkIdCell, err, someOf, type BulkKind, type CellError, type ModelCache } from '../kind.js';

interface Data {
  id: string;
  unit: string;
  name: string;
  exists: boolean;
}

function placeKind(table: 'courses' | 'projects', entity: string, summary: string, right: string, cache: (m: ModelCache) => Map<string, string>): BulkKind<Data> {
  return {
    name: table,
    summary,
    entity,
    right,
    columns: [
      { name: 'id', required: true, about: `${entity} id` },
      { name: 'unit', required: true, about: `the unit the ${entity} belongs to` },
      { name: 'name', about: 'display name (default: the id)' },
    ],
    key: ['id'],
    open(db, model) {
      const find = db.prepare(`SELECT unit_id, name FROM ${table} WHERE id = ?`);
      // Courses remember their source (migration 005); projects do not.
      const sourced = table === 'courses';
      const insert = db.prepare(sourced ? 'INSERT INTO courses (id, unit_id, name, source) VALUES (?, ?, ?, ?)' : `INSERT INTO ${table} (id, unit_id, name) VALUES (?, ?, ?)`);
      const update = db.prepare(`UPDATE ${table} SET unit_id = ?, name = ? WHERE id = ?`);
      return {
        check(row) {
          const errors: CellError[] = [];
          const id = row.get('id').trim();
          checkIdCell('id', id, errors);
          const unit = row.get('unit').trim();
          if (!model.units.has(unit)) errors.push(err('unit', unit, 'a unit', someOf([...model.units.keys()].sort())));
          if (errors.length) return { errors };
          const before = find.get(id) as { unit_id: string; name: string } | undefined;
          const name = row.has('name') ? row.get('name').trim() || id : (before?.name ?? id);
          const after = { unit, name };
          if (!before) return { status: 'create', id, after, data: { id, unit, name, exists: false } };
          const same = before.unit_id === unit && before.name === name;
          return { status: same ? 'same' : 'update', id, before: { unit: before.unit_id, name: before.name }, after, data: { id, unit, name, exists: true } };
        },
        apply(v) {
          const d = v.data;
          if (d.exists) update.run(d.unit, d.name, d.id);
          else if (sourced) insert.run(d.id, d.unit, d.name, model.source);
          else insert.run(d.id, d.unit, d.name);
          cache(model).set(d.id, d.unit);
        },
      };
    },
    *exportRows(db) {
      yield* db.prepare(`SELECT id, unit_id, name FROM ${table} ORDER BY id`).raw().iterate() as Iterable<string[]>;
    },
  };
}

export const coursesKind = placeKind('courses', 'course', 'courses and the unit each belongs to', 'course-management', (m) => m.courses);
export const projectsKind = placeKind('projects', 'project', 'projects (collaborative workspaces) and their unit', 'project-management', (m) => m.projects);

export function unknownIn(what: string, v: string, map: Map<string, unknown>, column: string): CellError {
  return err(column, v, `a ${what}`, `${someOf([...map.keys()].sort())} (import ${what}s first)`);
}

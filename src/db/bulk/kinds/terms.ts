// terms: id,name,from,to,org. An empty org is a site term; else the owning school.

import { checkIdCell, err, someOf, type BulkKind, type CellError } from '../kind.js';

interface Data {
  id: string;
  name: string;
  from: string;
  to: string;
  org: string | null;
  exists: boolean;
}

function isDate(raw: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw)) return false;
  const d = new Date(`${raw}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === raw;
}

export const termsKind: BulkKind<Data> = {
  name: 'terms',
  summary: 'terms of the site or of one school',
  right: 'term-management',
  entity: 'term',
  columns: [
    { name: 'id', required: true, about: 'term id, e.g. 2025-T1' },
    { name: 'name', about: 'display name (default: the id)' },
    { name: 'from', required: true, about: 'first day, YYYY-MM-DD' },
    { name: 'to', required: true, about: 'last day, YYYY-MM-DD' },
    { name: 'org', about: 'the owning school, empty for the site' },
  ],
  key: ['id'],
  open(db, model) {
    const find = db.prepare('SELECT name, starts, ends, org_id FROM terms WHERE id = ?');
    const insert = db.prepare('INSERT INTO terms (id, name, starts, ends, org_id, source) VALUES (?, ?, ?, ?, ?, ?)');
    const update = db.prepare('UPDATE terms SET name = ?, starts = ?, ends = ?, org_id = ? WHERE id = ?');
    return {
      check(row) {
        const errors: CellError[] = [];
        const id = row.get('id').trim();
        checkIdCell('id', id, errors);
        const from = row.get('from').trim();
        const to = row.get('to').trim();
        if (!isDate(from)) errors.push(err('from', from, 'a date', 'YYYY-MM-DD, for example 2025-09-01'));
        if (!isDate(to)) errors.push(err('to', to, 'a date', 'YYYY-MM-DD, for example 2025-12-19'));
        else if (isDate(from) && to < from) errors.push(err('to', to, `on or after the first day (${from})`, 'a last day that is not before the first'));
        const org = row.get('org').trim() || null;
        if (org !== null && model.units.get(org)?.kind !== 'school') {
          const schools = [...model.units.entries()].filter(([, u]) => u.kind === 'school').map(([k]) => k).sort();
          errors.push(err('org', org, 'a school', `${someOf(schools)}, or empty for the site`));
        }
        if (errors.length) return { errors };
        const before = find.get(id) as { name: string; starts: string; ends: string; org_id: string | null } | undefined;
        const name = row.has('name') ? row.get('name').trim() || id : (before?.name ?? id);
        const after = { name, from, to, org };
        const data = { id, name, from, to, org, exists: !!before };
        if (!before) return { status: 'create', id, after, data };
        const prev = { name: before.name, from: before.starts, to: before.ends, org: before.org_id };
        const same = prev.name === name && prev.from === from && prev.to === to && prev.org === org;
        return { status: same ? 'same' : 'update', id, before: prev, after, data };
      },
      apply(v) {
        const d = v.data;
        if (d.exists) update.run(d.name, d.from, d.to, d.org, d.id);
        else insert.run(d.id, d.name, d.from, d.to, d.org, model.source);
      },
    };
  },
  *exportRows(db) {
    yield* db.prepare(`SELECT id, name, starts, ends, coalesce(org_id, '') FROM terms ORDER BY starts, id`).raw().iterate() as Iterable<string[]>;
  },
};

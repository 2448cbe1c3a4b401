// The names of the model that start with what was typed (users, units, profiles …), for shell
// completion: the model opened read-only and one prefix read on an indexed column. CommonJS, so
// the completion entry loads it with `require` and no ES-module loader (see bin/schoolctl.js).

import Database from 'better-sqlite3';

export const VALUE_KINDS = ['user', 'unit', 'class', 'profile', 'policy', 'term', 'course', 'project', 'portal-project', 'afdeling', 'klas', 'team', 'sectie'] as const;
export type ValueKind = (typeof VALUE_KINDS)[number];

export interface Source {
  readonly table: string;
  readonly id: string;
  /** A second column a person may type instead (a display name). */
  readonly name?: string;
  readonly where?: string;
}

export const SOURCES: Readonly<Record<ValueKind, Source>> = {
  user: { table: 'users', id: 'username', name: 'name' },
  unit: { table: 'units', id: 'id', name: 'name' },
  class: { table: 'units', id: 'id', name: 'name', where: "kind IN ('class', 'group')" },
  profile: { table: 'profiles', id: 'name' },
  policy: { table: 'policies', id: 'name' },
  term: { table: 'terms', id: 'id', name: 'name' },
  course: { table: 'courses', id: 'id', name: 'name' },
  project: { table: 'projects', id: 'id', name: 'name' },
  'portal-project': { table: 'portal_projects', id: 'id' },
  afdeling: { table: 'portal_afdelingen', id: 'id' },
  klas: { table: 'portal_klassen', id: 'id' },
  team: { table: 'portal_teams', id: 'id' },
  sectie: { table: 'portal_secties', id: 'id' },
};

/** The model opened for reading only: completion never writes, not even a journal mode. */
export function openReadOnly(path: string): Database.Database | undefined {
  try {
    return new Database(path, { readonly: true, fileMustExist: true });
  } catch {
    return undefined;
  }
}

/** The one prefix read: a range on the id column, so its index answers it; LIMIT bounds the rows. */
export function prefixQuery(kind: ValueKind): string {
  const s = SOURCES[kind];
  const extra = s.where ? ` AND ${s.where}` : '';
  return `SELECT DISTINCT ${s.id} FROM ${s.table} WHERE ${s.id} >= ? AND ${s.id} < ?${extra} ORDER BY ${s.id} LIMIT ?`;
}

/** Ids of `kind` that start with `prefix`, in order, at most `limit`; none when the model cannot say. */
export function valuesStartingWith(db: Database.Database, kind: ValueKind, prefix: string, limit = 50): string[] {
  try {
    // The upper bound is past every character, so every id with the prefix is inside the range.
    return db.prepare(prefixQuery(kind)).pluck().all(prefix, `${prefix}\u{10ffff}`, limit) as string[];
  } catch {
    return [];
  }
}

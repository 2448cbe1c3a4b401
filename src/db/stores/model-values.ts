// The names a person types (users, units, profiles …) read straight from the model, for shell
// completion and for the prompts that ask for a missing one. Reads only; prefix reads use the
// tables' own indexes, so they stay fast on a site of any size.

import type { Sqlite } from '../open.js';

export const VALUE_KINDS = ['user', 'unit', 'class', 'profile', 'policy', 'term', 'course', 'project', 'portal-project', 'afdeling', 'klas', 'team', 'sectie'] as const;
export type ValueKind = (typeof VALUE_KINDS)[number];

interface Source {
  readonly table: string;
  readonly id: string;
  /** A second column a person may type instead (a display name). */
  readonly name?: string;
  readonly where?: string;
}

const SOURCES: Readonly<Record<ValueKind, Source>> = {
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
export async function openForReading(path: string): Promise<Sqlite | undefined> {
  const { default: Database } = await import('better-sqlite3');
  try {
    return new Database(path, { readonly: true, fileMustExist: true });
  } catch {
    return undefined;
  }
}

/** Ids of `kind` that start with `prefix`, in order, at most `limit`. */
export function valuesStartingWith(db: Sqlite, kind: ValueKind, prefix: string, limit = 50): string[] {
  const s = SOURCES[kind];
  const extra = s.where ? ` AND ${s.where}` : '';
  try {
    // A range on the id column uses its index; the upper bound is past every character.
    return db
      .prepare(`SELECT DISTINCT ${s.id} FROM ${s.table} WHERE ${s.id} >= ? AND ${s.id} < ?${extra} ORDER BY ${s.id} LIMIT ?`)
      .pluck()
      .all(prefix, `${prefix}\u{10ffff}`, limit) as string[];
  } catch {
    return [];
  }
}

export interface ValueChoice {
  readonly value: string;
  readonly name?: string;
}

/** Values of `kind` whose id or name contains `text` (any case), ids starting with it first. */
export function searchValues(db: Sqlite, kind: ValueKind, text: string, limit = 20): ValueChoice[] {
  const s = SOURCES[kind];
  const name = s.name ?? s.id;
  const extra = s.where ? ` AND ${s.where}` : '';
  const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  try {
    const rows = db
      .prepare(
        `SELECT DISTINCT ${s.id} AS value, ${name} AS name FROM ${s.table}
         WHERE (${s.id} LIKE ? ESCAPE '\\' OR ${name} LIKE ? ESCAPE '\\')${extra}
         ORDER BY (${s.id} LIKE ? ESCAPE '\\') DESC, ${s.id} LIMIT ?`,
      )
      .all(like, like, `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`, limit) as { value: string; name: string }[];
    return rows.map((r) => (r.name && r.name !== r.value ? { value: r.value, name: r.name } : { value: r.value }));
  } catch {
    return [];
  }
}

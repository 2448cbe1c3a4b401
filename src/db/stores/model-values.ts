// The names a person types (users, units, profiles …) read straight from the model, for shell
// completion and for the prompts that ask for a missing one. Reads only; prefix reads use the
// tables' own indexes, so they stay fast on a site of any size.

import type { Sqlite } from '../open.js';
import { openReadOnly, SOURCES, type ValueKind } from './model-prefix.cjs';

export { VALUE_KINDS, valuesStartingWith, type ValueKind } from './model-prefix.cjs';

/** The model opened for reading only: completion and the prompts never write, not even a journal mode. */
export async function openForReading(path: string): Promise<Sqlite | undefined> {
  return openReadOnly(path);
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

// A secondary index set aside while a table takes many rows, and built again once after.
//
// A first import writes hundreds of thousands of rows into a table whose secondary index then takes
// a B-tree insert per row, in random order of its key. Building the index once from the finished
// table is one sort, and cheaper. It pays only when the rows to come are many against the rows there,
// so the caller says how many it brings. Both steps are inside the caller's transaction: a refused
// import rolls back the drop with everything else.

import type { Sqlite } from '../open.js';

/**
 * Runs `work` with the index `name` dropped when `incoming` rows outnumber the rows of its table,
 * and creates it again from its own definition afterwards, also when `work` throws.
 */
export function withIndexAside<T>(db: Sqlite, name: string, incoming: number, work: () => T): T {
  const def = db.prepare("SELECT tbl_name AS tbl, sql FROM main.sqlite_master WHERE type = 'index' AND name = ?").get(name) as { tbl: string; sql: string | null } | undefined;
  // A missing index or one SQLite made itself (a key's, with no definition) stays as it is.
  if (!def?.sql || !db.inTransaction) return work();
  const held = db.prepare(`SELECT count(*) FROM main."${def.tbl.replaceAll('"', '""')}"`).pluck().get() as number;
  if (incoming <= held) return work();
  db.exec(`DROP INDEX main."${name.replaceAll('"', '""')}"`);
  try {
    return work();
  } finally {
    db.exec(def.sql);
  }
}

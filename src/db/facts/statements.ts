// Facts are made afresh for every command and every what-if step (their caches must not outlive
// a change), but their prepared statements need not be: preparing them all costs ~10 ms, so each
// connection keeps one set per provider.

import type { Sqlite } from '../open.js';

const sets = new WeakMap<Sqlite, Map<string, unknown>>();

/** The statements `make` prepares, once per connection and name. */
export function statementsFor<T>(db: Sqlite, name: string, make: () => T): T {
  let byName = sets.get(db);
  if (!byName) sets.set(db, (byName = new Map()));
  if (!byName.has(name)) byName.set(name, make());
  return byName.get(name) as T;
}

// The audit trail: one row per change, with its time, actor, command and the changes as JSON.

import type { Kysely } from 'kysely';
import type { Sqlite } from '../open.js';
import type { DB } from '../schema.js';

export interface AuditEntry {
  readonly at: string;
  readonly actor: string;
  readonly command: string;
  readonly summary: string;
  /** The changes, already serialised as JSON. */
  readonly changes: string;
}

export interface AuditRow extends AuditEntry {
  readonly id: number;
}

/** A prepared statement, not the query builder: every change writes one, raw changes included. */
export function recordAudit(db: Sqlite, entry: AuditEntry): void {
  db.prepare('INSERT INTO audit (at, actor, command, summary, changes) VALUES (?, ?, ?, ?, ?)').run(entry.at, entry.actor, entry.command, entry.summary, entry.changes);
}

/** The newest `limit` rows matching the filters, oldest first. */
export async function auditRows(db: Kysely<DB>, filter: { since?: string; actor?: string; limit: number }): Promise<AuditRow[]> {
  let q = db.selectFrom('audit').select(['id', 'at', 'actor', 'command', 'summary', 'changes']);
  if (filter.since) q = q.where('at', '>=', filter.since);
  if (filter.actor) q = q.where('actor', '=', filter.actor);
  const rows = await q.orderBy('id', 'desc').limit(filter.limit).execute();
  return rows.reverse();
}

// Workflow (DOMAIN.md §6): the visibility switches of each phase (a missing row means all off)
// and the phase of each batch that has moved (a missing row means the area's first phase).

import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE workflow_switches (
    area TEXT NOT NULL CHECK (area IN ('attendance','behaviour','assessment')),
    phase TEXT NOT NULL,
    learner INTEGER NOT NULL DEFAULT 0 CHECK (learner IN (0,1)),
    parent INTEGER NOT NULL DEFAULT 0 CHECK (parent IN (0,1)),
    external INTEGER NOT NULL DEFAULT 0 CHECK (external IN (0,1)),
    PRIMARY KEY (area, phase)
  ) WITHOUT ROWID`.execute(db);
  await sql`CREATE TABLE workflow_batches (
    area TEXT NOT NULL CHECK (area IN ('attendance','behaviour','assessment')),
    term_id TEXT NOT NULL REFERENCES terms(id) ON DELETE CASCADE,
    batch_kind TEXT NOT NULL CHECK (batch_kind IN ('course','class')),
    batch_id TEXT NOT NULL,
    phase TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    PRIMARY KEY (area, term_id, batch_kind, batch_id)
  ) WITHOUT ROWID`.execute(db);
}

// One kind's CSV file into the model: a streaming pass inside one transaction that checks every row
// and rolls back unless all are good (or when it is a dry run).

import type { Sqlite } from '../open.js';
import { readCsv } from './csv.js';
import { ModelCache, type BulkKind } from './kind.js';
import { KindRun, formatCsvProblem, type Counts, type RowChange } from './runner.js';

export interface ImportOutcome {
  readonly rows: number;
  readonly counts: Counts;
  readonly changeCount: number;
  readonly changes: readonly RowChange[];
  /** Every problem as a printed line; empty when the file is good. */
  readonly problems: readonly string[];
  /** Problems beyond the ones kept (a file where every row is bad). */
  readonly moreProblems: number;
  /** Profiles the file gives to users (new users, or a changed profile). */
  readonly assignedProfiles: readonly string[];
}

const PROBLEM_LIMIT = 10_000;

/** Runs the file against the model inside the caller's open transaction; changes nothing it can't keep. */
export async function importCsvFile(db: Sqlite, kind: BulkKind<unknown>, path: string, onProgress?: (done: number, total: number, rows: number) => void): Promise<ImportOutcome> {
  const model = new ModelCache(db);
  const run = new KindRun(kind, db, model, 200, PROBLEM_LIMIT);
  // A large load touches every page of several indexes: a bounded 16 MB page cache keeps most of them
  // in memory (the default is 2 MB), and memory stays flat however long the file. 32 MB was about 3%
  // faster on a million users but, with the parsing thread's heap beside it, too near 200 MB.
  const cacheBefore = db.pragma('cache_size', { simple: true }) as number;
  db.pragma('cache_size = -16384');
  const read = await readCsv(
    path,
    {
      header: (names) => KindRun.headerProblems(kind, names),
      row: (row, line) => run.row(row, `line ${line}`),
      bad: (line, error) => run.problem(`line ${line}`, error),
    },
    onProgress,
  );
  run.finish();
  db.pragma(`cache_size = ${cacheBefore}`);
  const problems = read.headerProblems.length
    ? read.headerProblems.map((error) => formatCsvProblem({ where: 'line 1', error }))
    : run.problems.map(formatCsvProblem);
  return { rows: read.rows, counts: run.counts, changeCount: run.changeCount, changes: run.changes, problems, moreProblems: run.overflow, assignedProfiles: [...model.assignedProfiles] };
}

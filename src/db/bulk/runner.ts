// Runs rows of one kind through validation and, for valid rows, their change, inside the caller's
// transaction. Every row is checked and every bad row kept, so one run reports every problem; the
// caller rolls back when there is any (or for a dry run), so nothing lands unless everything does.
// Valid rows are applied as they come so later rows see earlier ones (a unit's parent on an earlier
// line, a username twice in one file): one streaming pass does the work of "validate, then apply".

import type { Sqlite } from '../open.js';
import { activeChangeLog, type ChangeLog } from '../change-log.js';
import { firstUnsafeCharacter, safeText } from '../../model/text-safety.js';
import type { BulkKind, CellError, KindWriter, ModelCache, Row, Verdict } from './kind.js';

export interface Counts {
  create: number;
  update: number;
  same: number;
}

export interface RowChange {
  readonly kind: string;
  readonly entity: string;
  readonly status: 'create' | 'update';
  readonly id: string;
  readonly before: Record<string, unknown> | null;
  readonly after: Record<string, unknown> | null;
}

export interface Problem {
  /** "line 4" or "users[3]" */
  readonly where: string;
  readonly error: CellError;
}

/** Where a row came from, and how a column is named there (a CSV column, a site-file field). */
export interface Place {
  readonly where: string;
  readonly field?: (column: string) => string;
}

/** `line 4: column profile: value "Stafff" is not a profile, valid: …` */
export function formatCsvProblem(p: Problem): string {
  const e = p.error;
  return `${p.where}: column ${safeText(e.column)}: value "${safeText(e.value)}" is not ${e.expected}, valid: ${e.valid}`;
}

/**
 * The keys of the rows a run has taken, to find a key given twice in one input. They live in a
 * temporary table rather than in a Map, so memory stays flat however long the file (a Map of three
 * million enrolment keys took 600 MB); each run has its own prefix, so runs of one connection (the
 * kinds of a site file) do not see each other's keys.
 */
class SeenKeys {
  private static runs = 0;
  private readonly prefix = `${++SeenKeys.runs}\u0000`;
  private readonly add;
  private readonly first;

  constructor(db: Sqlite) {
    db.exec('CREATE TEMP TABLE IF NOT EXISTS bulk_seen_keys (key TEXT PRIMARY KEY, place TEXT NOT NULL) WITHOUT ROWID');
    this.add = db.prepare('INSERT OR IGNORE INTO temp.bulk_seen_keys (key, place) VALUES (?, ?)');
    this.first = db.prepare('SELECT place FROM temp.bulk_seen_keys WHERE key = ?').pluck();
  }

  /** Where the key was taken before, or undefined the first time (it is recorded then). */
  seen(key: string, where: string): string | undefined {
    const k = this.prefix + key;
    return this.add.run(k, where).changes ? undefined : (this.first.get(k) as string);
  }
}

export class KindRun {
  readonly counts: Counts = { create: 0, update: 0, same: 0 };
  readonly problems: Problem[] = [];
  /** The first changes, for the audit record and the plan; `changeCount` counts them all. */
  readonly changes: RowChange[] = [];
  changeCount = 0;
  private readonly writer: KindWriter<unknown>;
  private readonly keys?: SeenKeys;
  /** Under `--as`, the log that names each written row's place, so a refusal names the row. */
  private readonly log?: ChangeLog;

  constructor(
    readonly kind: BulkKind<unknown>,
    db: Sqlite,
    model: ModelCache,
    private readonly keepChanges = 200,
    private readonly problemLimit = Infinity,
    /** false: the caller finds keys given twice itself (a roster keys its records by sourcedId) */
    checkKeys = true,
  ) {
    this.writer = kind.open(db, model);
    this.log = activeChangeLog(db);
    if (!kind.ownDuplicateCheck && checkKeys) this.keys = new SeenKeys(db);
  }

  /** Problems with a header: unknown columns and missing required ones. */
  static headerProblems(kind: BulkKind<unknown>, header: readonly string[]): CellError[] {
    const names = kind.columns.map((c) => c.name);
    const out: CellError[] = [];
    const seen = new Set<string>();
    for (const h of header) {
      if (!names.includes(h)) out.push({ column: h, value: h, expected: `a column of ${kind.name}`, valid: names.join(', ') });
      else if (seen.has(h)) out.push({ column: h, value: h, expected: 'given once', valid: 'each column once in the header' });
      seen.add(h);
    }
    for (const c of kind.columns) {
      if (c.required && !header.includes(c.name)) out.push({ column: c.name, value: '', expected: 'in the header (the column is missing)', valid: `a header with ${kind.columns.filter((x) => x.required).map((x) => x.name).join(', ')}` });
    }
    return out;
  }

  /** Problems past the limit, counted but not kept. */
  overflow = 0;

  get failed(): boolean {
    return this.problems.length > 0;
  }

  problem(where: string, error: CellError): void {
    if (this.problems.length < this.problemLimit) this.problems.push({ where, error });
    else this.overflow++;
  }

  row(row: Row, where: string): void {
    // Control and bidi characters are invalid in every cell (names, emails, ids), whatever the kind.
    let unsafe = false;
    for (const c of this.kind.columns) {
      const ch = row.has(c.name) ? firstUnsafeCharacter(row.get(c.name)) : undefined;
      if (ch) {
        unsafe = true;
        this.problem(where, { column: c.name, value: row.get(c.name), expected: 'printable text', valid: `text without control or bidi characters (it holds ${ch})` });
      }
    }
    if (unsafe) return;
    const r = this.writer.check(row, this.changes.length < this.keepChanges);
    if ('errors' in r) {
      for (const error of r.errors) this.problem(where, error);
      return;
    }
    if (this.keys) {
      const key = this.kind.key.map((k) => row.get(k).trim().toLowerCase()).join('\u0000');
      const first = this.keys.seen(key, where);
      if (first !== undefined) {
        const col = this.kind.key[0];
        this.problem(where, { column: col, value: row.get(col), expected: `unique in the input (${this.kind.key.join(' + ')} also on ${first})`, valid: `one row per ${this.kind.key.join(' + ')}` });
        return;
      }
    }
    this.count(r, row, where);
  }

  private count(v: Verdict<unknown>, row: Row, where: string): void {
    if (v.status !== 'same') {
      // Rows keep being applied after a bad one (the whole run rolls back then), so later rows are
      // still checked against everything above them.
      try {
        this.log?.place(where);
        const late = this.writer.apply(v);
        if (late && late.length) {
          for (const error of late) this.problem(where, error);
          return;
        }
      } catch (e) {
        // A constraint the kind did not foresee is still the row's problem; anything else is a bug.
        if (!String((e as { code?: string }).code ?? '').startsWith('SQLITE_CONSTRAINT')) throw e;
        const col = this.kind.key[0];
        this.problem(where, { column: col, value: row.get(col), expected: 'accepted by the model', valid: (e as Error).message });
        return;
      }
    }
    if (v.status === 'same') this.counts.same++;
    else this.written(v.status, v.id, v.before ?? null, v.after ?? null);
  }

  /** A row the caller wrote itself (a roster's set-based write): counted and kept as a row of the kind. */
  written(status: RowChange['status'], id: string, before: RowChange['before'], after: RowChange['after']): void {
    this.counts[status]++;
    this.changeCount++;
    if (this.changes.length < this.keepChanges) this.changes.push({ kind: this.kind.name, entity: this.kind.entity, status, id, before, after });
  }

  /** A row the caller found unchanged in the model itself: counted, not checked or written again. */
  same(): void {
    this.counts.same++;
  }

  finish(): void {
    this.log?.place(null);
    this.writer.finish?.();
  }
}

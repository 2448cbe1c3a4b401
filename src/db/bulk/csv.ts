// CSV in and out for the bulk kinds. Reading streams through csv-parse (./csv-records.ts), so
// memory stays flat however long the file; writing quotes what needs quoting and defuses
// spreadsheet formulas.

import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { CsvRecordReader, type CsvEnd, type RecordBatch } from './csv-records.js';
import type { CsvWorkerData, ToCsvWorker } from './csv-worker.js';
import type { CellError, Row } from './kind.js';

/** Cells a spreadsheet would run as a formula get a leading `'`; import strips exactly one again. */
const FORMULA_RE = /^'*[=+\-@]/;
const ESCAPED_RE = /^'+[=+\-@]/;

export function csvCell(v: string): string {
  const safe = FORMULA_RE.test(v) ? `'${v}` : v;
  return /[",\r\n]|^\s|\s$/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLine(cells: readonly string[]): string {
  let out = '';
  for (let i = 0; i < cells.length; i++) out += (i ? ',' : '') + csvCell(cells[i] ?? '');
  return `${out}\n`;
}

export function unescapeCell(v: string): string {
  return v.charCodeAt(0) === 39 && ESCAPED_RE.test(v) ? v.slice(1) : v;
}

/** A CSV record seen through its header. */
export class CsvRow implements Row {
  cells: string[] = [];
  constructor(private readonly index: Record<string, number>) {}
  get(column: string): string {
    const i = this.index[column];
    if (i === undefined) return '';
    const v = this.cells[i];
    return v === undefined ? '' : unescapeCell(v);
  }
  has(column: string): boolean {
    return this.index[column] !== undefined;
  }
}

export interface CsvHandlers {
  /** The header's problems stop the read (nothing else can be checked without columns). */
  header(names: string[]): CellError[];
  row(row: Row, line: number): void;
  /** A row's own problems: undecodable bytes, too few or too many cells. */
  bad(line: number, error: CellError): void;
}

export interface CsvReadResult {
  readonly rows: number;
  readonly headerProblems: CellError[];
}

export interface CsvReadOptions {
  /** Parse in a worker thread (default: for files of THREAD_BYTES or more). */
  readonly thread?: boolean;
}

/**
 * From this size on a file is parsed in a worker thread: parsing is about a third of the work of a large
 * import, and on a second core it overlaps the writes. Smaller files are not worth a thread's start.
 */
const THREAD_BYTES = 4 << 20;

/** Streams a CSV file through the handlers; `onProgress(bytesRead, total, rows)` for a progress line. */
export function readCsv(path: string, h: CsvHandlers, onProgress?: (done: number, total: number, rows: number) => void, opts: CsvReadOptions = {}): Promise<CsvReadResult> {
  const total = statSync(path).size;
  let header: string[] | undefined;
  let headerProblems: CellError[] = [];
  let row: CsvRow | undefined;
  let rows = 0;
  let lastProgress = 0;
  let finished = false;
  let stop = () => {};
  return new Promise((resolve, reject) => {
    const finish = (error?: unknown): void => {
      if (finished) return;
      finished = true;
      stop();
      if (error) reject(error);
      else resolve({ rows, headerProblems });
    };

    const take = (b: RecordBatch): void => {
      const { cells: all, meta } = b;
      let k = 0;
      for (let m = 0; m < meta.length; m += 3) {
        const n = meta[m];
        const line = meta[m + 1];
        const broken = meta[m + 2];
        const cells = all.slice(k, k + n);
        k += n;
        if (!header) {
          header = cells.map((c) => c.trim());
          headerProblems = h.header(header);
          for (const c of header) if (c.includes('\uFFFD')) headerProblems.push({ column: c, value: c, expected: 'valid UTF-8', valid: 'save the file as UTF-8' });
          if (headerProblems.length) return finish();
          const index: Record<string, number> = Object.create(null);
          header.forEach((c, i) => (index[c] = i));
          row = new CsvRow(index);
          continue;
        }
        rows++;
        if (n !== header.length) {
          const col = header[Math.min(n, header.length - 1)];
          h.bad(line, {
            column: col,
            value: n < header.length ? '' : cells[header.length],
            expected: n < header.length ? 'there (the row is missing columns)' : 'expected (the row has extra cells)',
            valid: `a row with ${header.length} cells: ${header.join(',')} (it has ${n})`,
          });
          continue;
        }
        if (broken >= 0) {
          h.bad(line, { column: header[broken], value: cells[broken], expected: 'valid UTF-8 (the row holds bytes that are not UTF-8)', valid: 'save the file as UTF-8' });
          continue;
        }
        row!.cells = cells;
        h.row(row!, line);
      }
      if (onProgress) {
        const now = Date.now();
        if (now - lastProgress > 100) {
          lastProgress = now;
          onProgress(b.bytesRead, total, rows);
        }
      }
    };
    // A handler's exception (a bug, or the model refusing) ends the read instead of escaping an event.
    const safeTake = (b: RecordBatch): void => {
      try {
        take(b);
      } catch (e) {
        finish(e);
      }
    };
    const ended = (end: CsvEnd): void => {
      if (end.fatal) return finish(Object.assign(new Error(end.fatal.message), { code: end.fatal.code }));
      if (end.malformed) h.bad(end.malformed.line, { column: '(row)', value: '', expected: 'well-formed CSV', valid: end.malformed.message });
      // An empty file has no header either: its required columns are missing (an export that failed
      // upstream must not pass as "nothing to import").
      else if (!header) headerProblems = h.header([]);
      finish();
    };

    if (opts.thread ?? total >= THREAD_BYTES) {
      const worker = new Worker(new URL('./csv-worker.js', import.meta.url), { workerData: { path } satisfies CsvWorkerData });
      stop = () => void worker.terminate();
      worker.on('message', (m: { batch?: RecordBatch; end?: CsvEnd }) => {
        if (finished) return;
        if (m.batch) {
          safeTake(m.batch);
          if (!finished) worker.postMessage('more' satisfies ToCsvWorker);
        } else if (m.end) ended(m.end);
      });
      worker.on('error', finish);
      worker.on('exit', () => finish(new Error('the CSV reader stopped before the end of the file')));
    } else {
      const reader = new CsvRecordReader(path, safeTake, ended);
      stop = () => reader.stop();
    }
  });
}

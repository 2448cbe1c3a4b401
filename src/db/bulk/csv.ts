// CSV in and out for the bulk kinds. Reading streams through csv-parse, so memory stays flat
// however long the file; writing quotes what needs quoting and defuses spreadsheet formulas.

import { createReadStream, statSync, type ReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import type { CellError, Row } from './kind.js';

/** Cells a spreadsheet would run as a formula get a leading `'`; import strips exactly one again. */
const FORMULA_RE = /^'*[=+\-@]/;
const ESCAPED_RE = /^'+[=+\-@]/;
/** A line break inside a quoted cell, or the replacement character left by bytes that are not UTF-8. */
const RARE_RE = /[\n\uFFFD]/;

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

/** Streams a CSV file through the handlers; `onProgress(bytesRead, total)` for a progress bar. */
export function readCsv(path: string, h: CsvHandlers, onProgress?: (done: number, total: number) => void): Promise<CsvReadResult> {
  const total = statSync(path).size;
  const input: ReadStream = createReadStream(path, { highWaterMark: 1 << 18 });
  // Lines are counted here rather than with csv-parse's `info` (an object per record): a record
  // takes one line plus one per line break inside its quoted cells.
  const parser = parse({ bom: true, relax_column_count: true });
  let nextLine = 1;
  let header: string[] | undefined;
  let headerProblems: CellError[] = [];
  let row: CsvRow | undefined;
  let rows = 0;
  let lastProgress = 0;
  return new Promise((resolve, reject) => {
    input.on('error', reject);
    parser.on('error', (e: Error & { lines?: number }) => {
      // Broken quoting: report it as a row problem at the line csv-parse stopped on.
      h.bad(e.lines ?? 0, { column: '(row)', value: '', expected: 'well-formed CSV', valid: e.message.replace(/^.*?: /, '') });
      input.destroy();
      resolve({ rows, headerProblems });
    });
    parser.on('readable', () => {
      let cells: string[] | null;
      while ((cells = parser.read()) !== null) {
        const line = nextLine;
        nextLine++;
        let broken = -1;
        for (let i = 0; i < cells.length; i++) {
          const c = cells[i];
          if (c.length === 0 || !RARE_RE.test(c)) continue;
          if (c.indexOf('\n') >= 0) nextLine += c.split('\n').length - 1;
          if (broken < 0 && c.indexOf('\uFFFD') >= 0) broken = i;
        }
        if (cells.length === 1 && cells[0] === '') continue; // an empty line
        if (!header) {
          header = cells.map((c) => c.trim());
          headerProblems = h.header(header);
          for (const c of header) if (c.includes('\uFFFD')) headerProblems.push({ column: c, value: c, expected: 'valid UTF-8', valid: 'save the file as UTF-8' });
          if (headerProblems.length) {
            input.destroy();
            resolve({ rows, headerProblems });
            return;
          }
          const index: Record<string, number> = Object.create(null);
          header.forEach((c, i) => (index[c] = i));
          row = new CsvRow(index);
          continue;
        }
        rows++;
        if (cells.length !== header.length) {
          const col = header[Math.min(cells.length, header.length - 1)];
          h.bad(line, {
            column: col,
            value: cells.length < header.length ? '' : cells[header.length],
            expected: cells.length < header.length ? 'there (the row is missing columns)' : 'expected (the row has extra cells)',
            valid: `a row with ${header.length} cells: ${header.join(',')} (it has ${cells.length})`,
          });
          continue;
        }
        if (broken >= 0) {
          h.bad(line, { column: header[broken], value: cells[broken], expected: 'valid UTF-8 (the row holds bytes that are not UTF-8)', valid: 'save the file as UTF-8' });
          continue;
        }
        row!.cells = cells;
        h.row(row!, line);
        if (onProgress && rows % 4096 === 0) {
          const now = Date.now();
          if (now - lastProgress > 100) {
            lastProgress = now;
            onProgress(input.bytesRead, total);
          }
        }
      }
    });
    parser.on('end', () => resolve({ rows, headerProblems }));
    input.pipe(parser);
  });
}

// The site file (`apply`, `export site`) is made of sections; each turns its part of the document
// into rows of the bulk kinds (so a site file is checked and applied by exactly the code that
// imports CSV) and writes its part back from the model. A module adds a section with one file and
// one line in ./sections.ts.

import type { CellError, ModelCache, Row } from '../bulk/kind.js';
import type { Sqlite } from '../open.js';

/** One row for a bulk kind, with the path it came from in the document. */
export interface SiteRow {
  readonly path: string;
  readonly cells: Record<string, string>;
  /** The document field of a column, for problem paths ('' = the path itself); default: the column. */
  readonly fields?: Record<string, string>;
}

export interface SiteBatch {
  readonly kind: string;
  /** Rows, or rows computed when the kind runs (after the kinds above it are applied). */
  readonly rows: readonly SiteRow[] | ((db: Sqlite, model: ModelCache, problem: (path: string, error: CellError) => void) => SiteRow[]);
}

export interface ShapeProblem {
  readonly path: string;
  readonly message: string;
}

export interface SiteSection {
  /** The top-level key in the site file. */
  readonly key: string;
  /** Checks the section's shape (reporting into `problems`) and turns it into rows. */
  toBatches(value: unknown, problems: ShapeProblem[]): SiteBatch[];
  /** The section as `export site` writes it; undefined leaves it out. */
  fromModel(db: Sqlite): unknown;
  /** What the model holds that the file does not name (apply keeps it; the plan says so). */
  notInFile?(db: Sqlite, value: unknown): { readonly what: string; readonly ids: readonly string[]; readonly remove?: string } | undefined;
}

export class SiteRowView implements Row {
  constructor(readonly site: SiteRow) {}
  get(column: string): string {
    return this.site.cells[column] ?? '';
  }
  has(column: string): boolean {
    return column in this.site.cells;
  }
}

// Shape helpers: each reports a problem by path and returns a usable value or undefined.

export function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function scalar(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return undefined;
}

export function listOf(v: unknown, path: string, problems: ShapeProblem[], what: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    problems.push({ path, message: `is not a list (of ${what})` });
    return [];
  }
  return v;
}

export function entryOf(v: unknown, path: string, problems: ShapeProblem[], fields: readonly string[]): Record<string, unknown> | undefined {
  if (!isMap(v)) {
    problems.push({ path, message: `is not a mapping; valid fields: ${fields.join(', ')}` });
    return undefined;
  }
  for (const k of Object.keys(v)) if (!fields.includes(k)) problems.push({ path: `${path}.${k}`, message: `is not a field here; valid fields: ${fields.join(', ')}` });
  return v;
}

export function text(e: Record<string, unknown>, field: string, path: string, problems: ShapeProblem[], required = false): string | undefined {
  const v = e[field];
  if (v === undefined || v === null) {
    if (required) problems.push({ path: `${path}.${field}`, message: 'is missing' });
    return undefined;
  }
  const s = scalar(v);
  if (s === undefined) problems.push({ path: `${path}.${field}`, message: 'is not a single value' });
  return s;
}

export function texts(e: Record<string, unknown>, field: string, path: string, problems: ShapeProblem[]): string[] | undefined {
  const v = e[field];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) {
    problems.push({ path: `${path}.${field}`, message: 'is not a list' });
    return undefined;
  }
  const out: string[] = [];
  v.forEach((x, i) => {
    const s = scalar(x);
    if (s === undefined) problems.push({ path: `${path}.${field}[${i}]`, message: 'is not a single value' });
    else out.push(s);
  });
  return out;
}

/** Drops undefined fields, so exports only say what is set. */
export function compact<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

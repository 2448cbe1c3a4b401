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
  /**
   * Each entry of the section's list gives its rows on its own (no rows computed later, the same
   * batches whatever the entries): a long list is read a window of entries at a time, so a site
   * of 200,000 users never holds all its rows at once.
   */
  readonly itemwise?: boolean;
  /** The section as `export site` writes it; undefined leaves it out. */
  fromModel(db: Sqlite): unknown;
  /**
   * For a section that is a list: its entries one at a time, in order (fromModel gives them all,
   * or undefined when there are none), so `export site` never holds 200,000 users at once.
   */
  entries?(db: Sqlite): Iterable<unknown>;
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

/** The entries of a long list of the site file, kept compactly and read one at a time. */
export interface ItemSource {
  readonly length: number;
  at(i: number): unknown;
}

/** Entries from..to of a list, each with its index in the whole list (for problem paths). */
export class ItemWindow {
  constructor(
    readonly source: ItemSource,
    readonly from: number,
    readonly to: number,
  ) {}
  forEach(fn: (v: unknown, i: number) => void): void {
    for (let i = this.from; i < this.to; i++) fn(this.source.at(i), i);
  }
}

/**
 * A list of the site file read from its text entry by entry: each entry is kept as JSON text (a
 * fraction of the parsed document's size) and parsed again when a pass over the list reads it.
 */
export class SiteItems implements ItemSource {
  constructor(private readonly entries: readonly (string | { readonly value: unknown })[]) {}
  get length(): number {
    return this.entries.length;
  }
  at(i: number): unknown {
    const e = this.entries[i];
    return typeof e === 'string' ? JSON.parse(e) : e.value;
  }
}

/** Every entry of a list (an array, a site-file list or a window of one); nothing otherwise. */
export function eachItem(v: unknown, fn: (v: unknown, i: number) => void): void {
  if (Array.isArray(v)) v.forEach(fn);
  else if (v instanceof SiteItems) new ItemWindow(v, 0, v.length).forEach(fn);
  else if (v instanceof ItemWindow) v.forEach(fn);
}

export function listOf(v: unknown, path: string, problems: ShapeProblem[], what: string): { forEach(fn: (v: unknown, i: number) => void): void } {
  if (v === undefined || v === null) return [];
  if (v instanceof ItemWindow) return v;
  if (v instanceof SiteItems) return new ItemWindow(v, 0, v.length);
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

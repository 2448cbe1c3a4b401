// The declarative site file: one document for the whole site. `applySiteDocument` checks the whole
// document and applies it through the bulk kinds inside the caller's transaction; the caller rolls
// back for `--plan` or when there is any problem. Apply creates and updates what the file names and
// never removes what it leaves out: the plan lists those things, and removal is an explicit command.

import { Document, stringify as stringifyYaml, isAlias as yamlIsAlias, isMap as yamlIsMap, isNode as yamlIsNode, visit, parseDocument } from 'yaml';
import { invalid } from '../../model/errors.js';
import { safeText } from '../../model/text-safety.js';
import { ModelCache, type CellError } from '../bulk/kind.js';
import { BULK_KINDS } from '../bulk/registry.js';
import { KindRun, type Counts, type RowChange } from '../bulk/runner.js';
import type { Sqlite } from '../open.js';
import { isMap, ItemWindow, SiteItems, SiteRowView, type ItemSource, type ShapeProblem, type SiteBatch, type SiteRow, type SiteSection } from './section.js';
import { SITE_SECTIONS } from './sections.js';

export type SiteDocument = Record<string, unknown>;

export interface SiteOutcome {
  readonly problems: readonly string[];
  readonly counts: Record<string, Counts>;
  readonly changes: readonly RowChange[];
  readonly assignedProfiles: readonly string[];
  readonly notInFile: readonly { what: string; ids: readonly string[]; remove?: string }[];
}

function problemPath(row: SiteRow, column: string): string {
  const field = row.fields?.[column] ?? column;
  return field === '' ? row.path : `${row.path}.${field}`;
}

export function formatSiteProblem(path: string, e: CellError): string {
  return `${path}: value "${safeText(e.value)}" is not ${e.expected}, valid: ${e.valid}`;
}

/** How many entries of a long list one pass turns into rows at a time. */
const WINDOW = 250;

/** The entries of a section read a window at a time, when it is a list of an itemwise section. */
function itemSource(s: SiteSection, value: unknown): ItemSource | undefined {
  if (!s.itemwise) return undefined;
  if (value instanceof SiteItems) return value;
  if (Array.isArray(value)) return { length: value.length, at: (i) => value[i] };
  return undefined;
}

/** The rows of batch `index` of an itemwise section, over the whole list, a window at a time. */
function* windowRows(s: SiteSection, source: ItemSource, index: number): Generator<SiteRow> {
  const ignored: ShapeProblem[] = [];
  for (let from = 0; from < source.length; from += WINDOW) {
    const rows = s.toBatches(new ItemWindow(source, from, Math.min(source.length, from + WINDOW)), ignored)[index].rows;
    if (typeof rows === 'function') throw new Error(`internal: section ${s.key} is itemwise but computes rows`);
    yield* rows;
    ignored.length = 0;
  }
}

/** A batch whose rows are read again, a window at a time, when its kind runs. */
interface PendingBatch {
  readonly kind: string;
  readonly rows: SiteBatch['rows'] | (() => Iterable<SiteRow>);
  readonly windowed?: boolean;
  /** How many rows, when known before the kind runs (for progress). */
  readonly size?: number;
}

/** Progress of a long apply: rows of each kind, as they are checked and applied. */
export type SiteProgress = (what: string, done: number, total?: number) => void;

/** The bulk kinds a document's sections write (without reading every entry of a long list). */
export function documentKinds(doc: unknown): Set<string> {
  const kinds = new Set<string>();
  if (!isMap(doc)) return kinds;
  for (const s of SITE_SECTIONS) {
    if (doc[s.key] === undefined) continue;
    const source = itemSource(s, doc[s.key]);
    // An itemwise section gives the same batches whatever its entries: an empty window says which.
    for (const b of s.toBatches(source ? new ItemWindow(source, 0, 0) : doc[s.key], [])) kinds.add(b.kind);
  }
  return kinds;
}

/** Checks and applies a whole document inside an open transaction. */
export function applySiteDocument(db: Sqlite, doc: unknown, progress?: SiteProgress): SiteOutcome {
  const shape: ShapeProblem[] = [];
  const keys = SITE_SECTIONS.map((s) => s.key);
  if (!isMap(doc)) throw invalid('bad-site-file', `The site file is not a mapping of sections (${keys.join(', ')}).`);
  for (const k of Object.keys(doc)) if (!keys.includes(k)) shape.push({ path: k, message: `is not a section of the site file; sections: ${keys.join(', ')}` });
  const batches: PendingBatch[] = [];
  // Every shape problem comes before any row's: a first pass over each long list finds its shape
  // problems (its rows are dropped), and each kind's pass reads the list again for its own rows.
  for (const s of SITE_SECTIONS) {
    if (doc[s.key] === undefined) continue;
    const source = itemSource(s, doc[s.key]);
    if (!source) {
      batches.push(...s.toBatches(doc[s.key], shape));
      continue;
    }
    const kinds = s.toBatches(new ItemWindow(source, 0, 0), shape).map((b) => b.kind);
    const sizes = kinds.map(() => 0);
    for (let from = 0; from < source.length; from += WINDOW) {
      s.toBatches(new ItemWindow(source, from, Math.min(source.length, from + WINDOW)), shape).forEach((b, j) => {
        if (typeof b.rows !== 'function') sizes[j] += b.rows.length;
      });
      progress?.(`checking ${s.key}`, Math.min(source.length, from + WINDOW), source.length);
    }
    kinds.forEach((kind, j) => batches.push({ kind, rows: () => windowRows(s, source, j), windowed: true, size: sizes[j] }));
  }
  const problems: string[] = shape.map((p) => `${p.path}: ${p.message}`);
  const counts: Record<string, Counts> = {};
  const changes: RowChange[] = [];
  const model = new ModelCache(db);
  model.source = 'site-file';
  for (const kind of BULK_KINDS) {
    const mine = batches.filter((b) => b.kind === kind.name);
    if (!mine.length) continue;
    const run = new KindRun(kind, db, model, 100_000);
    let done = 0;
    // Rows a kind computes when it runs are not counted ahead: the total is then a lower bound.
    const total = mine.reduce((n, b) => n + (b.size ?? (typeof b.rows === 'function' ? 0 : (b.rows as readonly SiteRow[]).length)), 0);
    for (const b of mine) {
      const rows: Iterable<SiteRow> = b.windowed
        ? (b.rows as () => Iterable<SiteRow>)()
        : typeof b.rows === 'function'
          ? (b.rows as Exclude<SiteBatch['rows'], readonly SiteRow[]>)(db, model, (path, e) => problems.push(formatSiteProblem(path, e)))
          : (b.rows as readonly SiteRow[]);
      for (const r of rows) {
        const before = run.problems.length;
        run.row(new SiteRowView(r), r.path);
        for (const p of run.problems.slice(before)) problems.push(formatSiteProblem(problemPath(r, p.error.column), p.error));
        if (++done % 1_000 === 0) progress?.(`applying ${kind.name}`, done, Math.max(total, done));
      }
    }
    run.finish();
    counts[kind.name] = run.counts;
    changes.push(...run.changes);
  }
  for (const k of batches.map((b) => b.kind)) if (!BULK_KINDS.some((x) => x.name === k)) problems.push(`internal: no bulk kind "${k}"`);
  const notInFile = SITE_SECTIONS.flatMap((s) => {
    const n = s.notInFile?.(db, doc[s.key]);
    return n ? [n] : [];
  });
  return { problems, counts, changes, notInFile, assignedProfiles: [...model.assignedProfiles] };
}

/** Bounds of a site file (docs/bulk.md): aliases resolved, and characters in one value. */
export const SITE_MAX_ALIASES = 100;
export const SITE_MAX_SCALAR = 65_536;

function scalarTooLong(name: string, where: string, length: number): never {
  throw invalid('bad-site-file', `${name} ${where} holds a value of ${length.toLocaleString('en-US')} characters; a site file value may have at most ${SITE_MAX_SCALAR.toLocaleString('en-US')}.`);
}

/** Long lines are refused before parsing, so a huge value costs no more than reading the file. */
function checkLineLengths(text: string, name: string): void {
  let start = 0;
  for (let line = 1; start <= text.length; line++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (end - start > SITE_MAX_SCALAR) scalarTooLong(name, `line ${line}`, end - start);
    start = end + 1;
  }
}

function checkScalars(value: unknown, name: string, path: string): void {
  if (typeof value === 'string') {
    if (value.length > SITE_MAX_SCALAR) scalarTooLong(name, `at ${path || 'the top'}`, value.length);
  } else if (Array.isArray(value)) value.forEach((v, i) => checkScalars(v, name, `${path}[${i}]`));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) checkScalars(v, name, path ? `${path}.${k}` : k);
}

/** A string, finite number, boolean or null, or lists and plain mappings of those: exact as JSON. */
function plainJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every(plainJson);
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const [k, v] of Object.entries(value)) if (k === '__proto__' || !plainJson(v)) return false;
  return true;
}

const SECTION_LINE = /^([A-Za-z][A-Za-z0-9_-]*):(?:([ \t]+#.*)|[ \t]*)\r?$/;
const SECTION_INLINE = /^([A-Za-z][A-Za-z0-9_-]*):[ \t]/;

interface TextSection {
  readonly key: string;
  readonly start: number;
  end: number;
  /** The value is read whole (a mapping, a scalar, a flow list), not entry by entry. */
  whole: boolean;
  /** The indentation of the list's dashes, once its first entry is seen. */
  indent?: number;
  readonly items: number[];
}

/**
 * The top-level sections of a site file's text, and the start of each entry of its block lists,
 * found line by line; undefined when the text uses anything this reading cannot split exactly
 * (documents markers, directives, a flow or quoted top level, tabs, odd indentation), which is
 * then parsed whole. A section starts at a line `key:` in the first column; an entry of a list at
 * a dash in the column of the list's first dash. YAML gives the same value to an entry parsed
 * alone: anything that crosses an entry's end (an open quote or bracket) is an error there, and an
 * error, an alias or an anchor sends the whole file to the whole-document parser.
 */
function splitSections(text: string): TextSection[] | undefined {
  const sections: TextSection[] = [];
  let cur: TextSection | undefined;
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const c = text[start];
    if (c === ' ' || c === '\r' || c === '\n' || start === end) {
      let i = start;
      while (i < end && text[i] === ' ') i++;
      const first = i < end ? text[i] : '';
      const blank = first === '' || first === '\r' || first === '#';
      if (!blank) {
        if (!cur || cur.whole) {
          if (!cur) return undefined;
        } else if (cur.indent === undefined) {
          if (first === '-' && (i + 1 === end || text[i + 1] === ' ' || text[i + 1] === '\r')) {
            cur.indent = i - start;
            cur.items.push(start);
          } else cur.whole = true;
        } else if (i - start === cur.indent && first === '-' && (i + 1 === end || text[i + 1] === ' ' || text[i + 1] === '\r')) cur.items.push(start);
        else if (i - start <= cur.indent) return undefined;
      }
    } else if (c === '#') {
      // a comment
    } else if (c === '-' && (start + 1 === end || text[start + 1] === ' ' || text[start + 1] === '\r')) {
      if (!cur || cur.whole || (cur.indent !== undefined && cur.indent !== 0)) return undefined;
      cur.indent = 0;
      cur.items.push(start);
    } else {
      const line = text.slice(start, end);
      const block = SECTION_LINE.exec(line);
      const m = block ?? SECTION_INLINE.exec(line);
      if (!m || /^(null|true|false)$/i.test(m[1]) || sections.some((x) => x.key === m[1])) return undefined;
      if (cur) cur.end = start;
      cur = { key: m[1], start, end: text.length, whole: !block, items: [] };
      sections.push(cur);
    }
    start = end + 1;
  }
  return sections;
}

type Parsed = { value: unknown } | undefined;

/** Entries of a long list parsed together. */
const PIECE_ENTRIES = 64;

/** One piece of the text parsed alone: undefined on any error, alias or anchor. */
function parsePiece(piece: string): Parsed {
  const doc = parseDocument(piece, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) return undefined;
  if (piece.includes('&') || piece.includes('*')) {
    let linked = false;
    visit(doc, (_, node) => {
      if (yamlIsAlias(node) || (yamlIsNode(node) && node.anchor)) {
        linked = true;
        return visit.BREAK;
      }
      return undefined;
    });
    if (linked) return undefined;
  }
  return { value: doc.toJS() };
}

/**
 * A site file read a section and a list entry at a time: long lists (the itemwise sections) are
 * kept as one JSON text per entry, never as one YAML document of the whole site (which took 3.6 GB
 * at 200,000 users). Undefined when the text must be parsed whole (see splitSections).
 */
function parseInPieces(text: string, name: string, progress?: (fraction: number) => void): Record<string, unknown> | undefined {
  const sections = splitSections(text);
  if (!sections) return undefined;
  const itemwise = new Set(SITE_SECTIONS.filter((s) => s.itemwise).map((s) => s.key));
  const out: Record<string, unknown> = {};
  let tooLong: (() => never) | undefined;
  const check = (value: unknown, path: string) => {
    if (tooLong) return;
    try {
      checkScalars(value, name, path);
    } catch (e) {
      tooLong = () => {
        throw e;
      };
    }
  };
  for (const sec of sections) {
    if (sec.whole || !sec.items.length || !itemwise.has(sec.key)) {
      const p = parsePiece(text.slice(sec.start, sec.end));
      if (!p || !isMap(p.value) || Object.keys(p.value).length !== 1 || !(sec.key in p.value)) return undefined;
      const value = p.value[sec.key];
      check(value, sec.key);
      out[sec.key] = value;
      continue;
    }
    const entries: (string | { value: unknown })[] = [];
    // Some tens of entries per parse: one parse per entry costs twice the time in set-up, and a
    // parse of hundreds keeps its whole syntax tree long enough to reach the old generation.
    for (let from = 0; from < sec.items.length; from += PIECE_ENTRIES) {
      const to = Math.min(sec.items.length, from + PIECE_ENTRIES);
      const p = parsePiece(text.slice(sec.items[from], to < sec.items.length ? sec.items[to] : sec.end));
      if (!p || !Array.isArray(p.value) || p.value.length !== to - from) return undefined;
      p.value.forEach((value: unknown, j: number) => {
        check(value, `${sec.key}[${from + j}]`);
        entries.push(plainJson(value) ? JSON.stringify(value) : { value });
      });
      progress?.(sec.items[from] / text.length);
    }
    out[sec.key] = new SiteItems(entries);
  }
  tooLong?.();
  return out;
}

/** Reads a site file's text (YAML unless the name ends in .json); `progress` gets the fraction read. */
export function parseSiteText(text: string, name: string, progress?: (fraction: number) => void): unknown {
  let value: unknown;
  if (name.toLowerCase().endsWith('.json')) {
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw invalid('bad-site-file', `${name} is not valid JSON: ${(e as Error).message}.`);
    }
  } else {
    checkLineLengths(text, name);
    if (process.env.SCHOOLCTL_SITE_PARSE !== 'whole') {
      const pieces = parseInPieces(text, name, progress);
      if (pieces) return pieces;
    }
    const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
    if (doc.errors.length) throw invalid('bad-site-file', `${name} is not valid YAML: ${doc.errors.map((e) => e.message.split('\n')[0]).join('; ')}.`);
    try {
      value = doc.toJS({ maxAliasCount: SITE_MAX_ALIASES }) ?? {};
    } catch (e) {
      if (!(e instanceof ReferenceError)) throw e;
      throw invalid('bad-site-file', `${name} uses YAML aliases (*name) more than ${SITE_MAX_ALIASES} times over; write the entries out instead.`);
    }
  }
  checkScalars(value, name, '');
  return value;
}

export const SITE_HEADER = '# schoolctl site file: "schoolctl apply FILE" makes the model match it; "schoolctl export site" writes it.\n';

/** The model as the document `apply` reads. */
export function siteDocument(db: Sqlite): SiteDocument {
  const doc: SiteDocument = {};
  for (const s of SITE_SECTIONS) {
    const v = s.fromModel(db);
    if (v !== undefined) doc[s.key] = v;
  }
  return doc;
}

/** A document as the site file writes it in YAML (without the header). */
function siteYaml(doc: SiteDocument): string {
  const d = parseDocument(stringifyYaml(doc));
  // Entries of a list as one flow mapping per line: a site of hundreds of users stays readable.
  visit(d, {
    Seq(_, seq) {
      for (const item of seq.items) if (yamlIsMap(item)) item.flow = true;
    },
  });
  return d.toString({ lineWidth: 0, flowCollectionPadding: true });
}

/**
 * The same text as siteYaml for one list entry of a section, without writing and reading it back
 * first: the yaml library's writer picks the same quoting for a fresh value in a flow mapping as for
 * the value read back from its block text (held equal by test/site-export.test.ts and by cmp on
 * the 200,000-user site), and this is three times less work.
 */
function entryYaml(key: string, entry: unknown): string {
  const d = new Document({ [key]: [entry] });
  visit(d, {
    Seq(_, seq) {
      for (const item of seq.items) if (yamlIsMap(item)) item.flow = true;
    },
  });
  return d.toString({ lineWidth: 0, flowCollectionPadding: true });
}

/** The whole site file as one string: what siteText writes, made at once (for small sites and to check siteText). */
export function exportSiteText(db: Sqlite, format: 'yaml' | 'json'): string {
  const doc = siteDocument(db);
  if (format === 'json') return `${JSON.stringify(doc, null, 2)}\n`;
  return SITE_HEADER + siteYaml(doc);
}

/**
 * The site file in pieces, a section and a list entry at a time: the same text as exportSiteText,
 * without ever holding the whole document (or the yaml library's tree of it), so memory stays
 * flat as the site grows. Each entry of a section's list is written by the yaml library as the
 * only entry of that section, at the same depth, and the section's key line cut off; a section
 * that is no list is written whole. A key is written once, and only when its section is not left out.
 */
export function* siteText(db: Sqlite, format: 'yaml' | 'json'): Generator<string, void, undefined> {
  let first = true;
  if (format === 'yaml') yield SITE_HEADER;
  for (const s of SITE_SECTIONS) {
    if (s.entries) {
      // A long list, an entry at a time; a section with none is left out, as fromModel leaves it.
      let i = 0;
      for (const entry of s.entries(db)) {
        if (format === 'json') yield `${i ? ',' : `${first ? '{' : ','}\n  ${JSON.stringify(s.key)}: [`}\n    ${JSON.stringify(entry ?? null, null, 2).replace(/\n/g, '\n    ')}`;
        else {
          const text = entryYaml(s.key, entry);
          yield i ? text.slice(text.indexOf('\n') + 1) : text;
        }
        i++;
      }
      if (i === 0) continue;
      if (format === 'json') yield '\n  ]';
      first = false;
      continue;
    }
    const v = s.fromModel(db);
    if (v === undefined) continue;
    if (format === 'json') {
      const key = `${first ? '{' : ','}\n  ${JSON.stringify(s.key)}: `;
      if (Array.isArray(v) && v.length > 0) {
        yield `${key}[`;
        for (let i = 0; i < v.length; i++) yield `${i ? ',' : ''}\n    ${JSON.stringify(v[i] ?? null, null, 2).replace(/\n/g, '\n    ')}`;
        yield '\n  ]';
      } else yield `${key}${(JSON.stringify(v, null, 2) ?? 'null').replace(/\n/g, '\n  ')}`;
    } else if (Array.isArray(v) && v.length > 0) {
      // Every entry comes out after the same key line ("users:\n"), cut off after the first.
      for (let i = 0; i < v.length; i++) {
        const text = entryYaml(s.key, v[i]);
        v[i] = undefined; // written: the entry can go
        yield i === 0 ? text : text.slice(text.indexOf('\n') + 1);
      }
    } else yield siteYaml({ [s.key]: v });
    first = false;
  }
  if (format === 'json') yield first ? '{}\n' : '\n}\n';
  else if (first) yield siteYaml({});
}

/** The plan: + create, ~ update (field: before → after), and what the file leaves out. */
export function planText(o: SiteOutcome): string {
  const fmt = (v: unknown) => (v === null || v === undefined ? '—' : Array.isArray(v) ? `[${v.join(', ')}]` : typeof v === 'object' ? JSON.stringify(v) : String(v));
  const lines: string[] = [];
  for (const c of o.changes) {
    if (c.status === 'create') {
      const fields = Object.entries(c.after ?? {})
        .filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0))
        .map(([k, v]) => `${k}=${fmt(v)}`);
      lines.push(`+ ${c.entity} ${c.id}${fields.length ? `  ${fields.join(' ')}` : ''}`);
    } else {
      const b = c.before ?? {};
      const a = c.after ?? {};
      const diffs = Object.keys({ ...b, ...a })
        .filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]))
        .map((k) => `${k}: ${fmt(b[k])} → ${fmt(a[k])}`);
      lines.push(`~ ${c.entity} ${c.id}  ${diffs.join('; ')}`);
    }
  }
  for (const n of o.notInFile) {
    lines.push(`= ${n.ids.length} ${n.what} in the model but not in the file, kept (apply never removes${n.remove ? `; ${n.remove}` : ''}): ${n.ids.slice(0, 8).join(', ')}${n.ids.length > 8 ? ' …' : ''}`);
  }
  return lines.join('\n');
}

export function totals(o: SiteOutcome): Counts {
  const t: Counts = { create: 0, update: 0, same: 0 };
  for (const c of Object.values(o.counts)) {
    t.create += c.create;
    t.update += c.update;
    t.same += c.same;
  }
  return t;
}


// The declarative site file: one document for the whole site. `applySiteDocument` checks the whole
// document and applies it through the bulk kinds inside the caller's transaction; the caller rolls
// back for `--plan` or when there is any problem. Apply creates and updates what the file names and
// never removes what it leaves out: the plan lists those things, and removal is an explicit command.

import { stringify as stringifyYaml, isMap as yamlIsMap, visit, parseDocument } from 'yaml';
import { invalid } from '../../model/errors.js';
import { safeText } from '../../model/text-safety.js';
import { ModelCache, type CellError } from '../bulk/kind.js';
import { BULK_KINDS } from '../bulk/registry.js';
import { KindRun, type Counts, type RowChange } from '../bulk/runner.js';
import type { Sqlite } from '../open.js';
import { isMap, SiteRowView, type ShapeProblem, type SiteBatch, type SiteRow } from './section.js';
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

/** Checks and applies a whole document inside an open transaction. */
export function applySiteDocument(db: Sqlite, doc: unknown): SiteOutcome {
  const shape: ShapeProblem[] = [];
  const keys = SITE_SECTIONS.map((s) => s.key);
  if (!isMap(doc)) throw invalid('bad-site-file', `The site file is not a mapping of sections (${keys.join(', ')}).`);
  for (const k of Object.keys(doc)) if (!keys.includes(k)) shape.push({ path: k, message: `is not a section of the site file; sections: ${keys.join(', ')}` });
  const batches: SiteBatch[] = [];
  for (const s of SITE_SECTIONS) if (doc[s.key] !== undefined) batches.push(...s.toBatches(doc[s.key], shape));
  const problems: string[] = shape.map((p) => `${p.path}: ${p.message}`);
  const counts: Record<string, Counts> = {};
  const changes: RowChange[] = [];
  const model = new ModelCache(db);
  model.source = 'site-file';
  for (const kind of BULK_KINDS) {
    const mine = batches.filter((b) => b.kind === kind.name);
    if (!mine.length) continue;
    const run = new KindRun(kind, db, model, 100_000);
    for (const b of mine) {
      const rows = typeof b.rows === 'function' ? b.rows(db, model, (path, e) => problems.push(formatSiteProblem(path, e))) : b.rows;
      for (const r of rows) {
        const before = run.problems.length;
        run.row(new SiteRowView(r), r.path);
        for (const p of run.problems.slice(before)) problems.push(formatSiteProblem(problemPath(r, p.error.column), p.error));
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

/** Reads a site file's text; YAML unless the name ends in .json. */
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

export function parseSiteText(text: string, name: string): unknown {
  let value: unknown;
  if (name.toLowerCase().endsWith('.json')) {
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw invalid('bad-site-file', `${name} is not valid JSON: ${(e as Error).message}.`);
    }
  } else {
    checkLineLengths(text, name);
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

export function exportSiteText(db: Sqlite, format: 'yaml' | 'json'): string {
  const doc = siteDocument(db);
  if (format === 'json') return `${JSON.stringify(doc, null, 2)}\n`;
  const d = parseDocument(stringifyYaml(doc));
  // Entries of a list as one flow mapping per line: a site of hundreds of users stays readable.
  visit(d, {
    Seq(_, seq) {
      for (const item of seq.items) if (yamlIsMap(item)) item.flow = true;
    },
  });
  return SITE_HEADER + d.toString({ lineWidth: 0, flowCollectionPadding: true });
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


// `-o yaml` and `-o csv`: the result for programs. YAML is the JSON document; CSV is the listing's
// table (or, for a result that is not a listing, its rows), with formula cells defused.

import { csvLine } from '../db/bulk/csv.js';
import { cellValue, type CapturedTable } from './render.js';

export async function toYaml(data: unknown): Promise<string> {
  const { stringify } = await import('yaml');
  return stringify(data ?? null);
}

function scalar(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v) && v.every((x) => typeof x !== 'object' || x === null)) return v.join(';');
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** The rows of a result that drew no table: an array of records, or the first such array inside it. */
function dataRows(data: unknown): Record<string, unknown>[] {
  const isRecords = (v: unknown): v is Record<string, unknown>[] => Array.isArray(v) && v.every((x) => typeof x === 'object' && x !== null && !Array.isArray(x));
  if (isRecords(data)) return data;
  if (typeof data === 'object' && data !== null) {
    const inner = Object.values(data).find((v) => isRecords(v) && v.length > 0);
    return inner ? (inner as Record<string, unknown>[]) : [data as Record<string, unknown>];
  }
  return [{ value: data }];
}

export async function toCsv(tables: readonly CapturedTable[], data: unknown): Promise<string> {
  if (tables.length) {
    return tables.map((t) => [csvLine(t.head), ...t.rows.map((r) => csvLine(t.head.map((_, i) => cellValue(r[i]).trim())))].join('')).join('\n');
  }
  const rows = dataRows(data);
  const head = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return [csvLine(head), ...rows.map((r) => csvLine(head.map((k) => scalar(r[k]))))].join('');
}

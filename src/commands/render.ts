// Human renderings shared by commands: decisions as numbered traces, tables, marks.

import type { ChalkInstance } from 'chalk';
import type { Decision } from '../model/trace.js';
import { formatTarget } from '../model/trace.js';

let chalk: ChalkInstance | undefined;
let textOutput = true;

/** Colour only on a TTY, and never under NO_COLOR or --no-color; chalk loads only then. */
export async function configureColour(argv: readonly string[]): Promise<void> {
  // Under --json nothing but the document is printed, so tables are never drawn.
  textOutput = !argv.includes('--json');
  if (process.stdout.isTTY && !('NO_COLOR' in process.env) && !argv.includes('--no-color')) chalk = (await import('chalk')).default;
}

/** Beyond this many rows a table is printed as plain aligned columns: fast, and no box to scroll. */
const BOXED_ROWS = 1000;

export const paint = {
  ok: (s: string) => (chalk ? chalk.green(s) : s),
  bad: (s: string) => (chalk ? chalk.red(s) : s),
  dim: (s: string) => (chalk ? chalk.dim(s) : s),
  bold: (s: string) => (chalk ? chalk.bold(s) : s),
};

const MARK = { pass: '✓', fail: '✗', info: '·' } as const;

export function renderDecision(d: Decision): string {
  const verdict = d.decision === 'allow' ? paint.ok('allow') : paint.bad('deny');
  const target = d.target ? ` ${formatTarget(d.target)}` : '';
  const lines = [`${verdict}: ${d.subject.user}${d.subject.profile ? ` (${d.subject.profile})` : ''} ${d.decision === 'allow' ? 'may' : 'may not'} ${d.action}${target}`];
  d.trace.forEach((s, i) => {
    const mark = s.result === 'pass' ? paint.ok(MARK.pass) : s.result === 'fail' ? paint.bad(MARK.fail) : paint.dim(MARK.info);
    lines.push(`  ${String(i + 1).padStart(2)}. ${mark} ${s.rule}: ${s.detail}`);
  });
  if (d.decision === 'deny') {
    if (d.fixes.length) {
      lines.push('Fix (run in order):');
      for (const f of d.fixes) lines.push(`  ${f}`);
    }
  }
  return lines.join('\n');
}

export async function table(head: string[], rows: (string | number)[][]): Promise<string> {
  if (!textOutput) return '';
  if (rows.length > BOXED_ROWS) return columns(head, rows);
  const { default: Table } = await import('cli-table3');
  const t = new Table({
    head,
    style: { head: chalk ? ['bold'] : [], border: chalk ? ['grey'] : [] },
    // No rule between rows: long tables (the matrix) stay readable.
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const r of rows) t.push(r.map(String));
  return t.toString();
}

export function mark(value: string): string {
  if (value === 'on') return paint.ok('✓');
  if (value === 'off') return paint.bad('✗');
  return value === '' ? paint.dim('—') : value;
}

/** Plain aligned columns, for long listings: widths in one pass, no argument list as long as the rows. */
function columns(head: string[], rows: (string | number)[][]): string {
  const widths = head.map((h) => h.length);
  for (const r of rows) for (let c = 0; c < r.length; c++) widths[c] = Math.max(widths[c] ?? 0, String(r[c]).length);
  const line = (r: readonly (string | number)[]) => r.map((cell, c) => (c === r.length - 1 ? String(cell) : String(cell).padEnd(widths[c]))).join('  ');
  const out: string[] = [line(head)];
  for (const r of rows) out.push(line(r));
  return out.join('\n');
}

// Human renderings shared by commands: decisions as numbered traces, tables, marks.

import type { ChalkInstance } from 'chalk';
import type { Decision } from '../model/trace.js';
import { formatTarget } from '../model/trace.js';
import { safeText } from '../model/text-safety.js';

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

/**
 * The last line of defence for human output: text a renderer forgot is escaped; only the colour codes
 * this tool writes itself (on a TTY) are kept.
 */
export function terminalSafe(human: string): string {
  if (!chalk) return safeText(human, { newline: true, tab: true });
  return human.split(/(\u001b\[[0-9;]*m)/).map((part, i) => (i % 2 === 1 ? part : safeText(part, { newline: true, tab: true }))).join('');
}

export const paint = {
  ok: (s: string) => (chalk ? chalk.green(s) : s),
  bad: (s: string) => (chalk ? chalk.red(s) : s),
  dim: (s: string) => (chalk ? chalk.dim(s) : s),
  bold: (s: string) => (chalk ? chalk.bold(s) : s),
};

const MARK = { pass: '✓', fail: '✗', info: '·' } as const;

export function renderDecision(d: Decision): string {
  const verdict = d.decision === 'allow' ? paint.ok('allow') : paint.bad('deny');
  const target = d.target ? ` ${safeText(formatTarget(d.target))}` : '';
  const lines = [`${verdict}: ${safeText(d.subject.user)}${d.subject.profile ? ` (${safeText(d.subject.profile)})` : ''} ${d.decision === 'allow' ? 'may' : 'may not'} ${safeText(d.action)}${target}`];
  d.trace.forEach((s, i) => {
    const mark = s.result === 'pass' ? paint.ok(MARK.pass) : s.result === 'fail' ? paint.bad(MARK.fail) : paint.dim(MARK.info);
    lines.push(`  ${String(i + 1).padStart(2)}. ${mark} ${safeText(s.rule)}: ${safeText(s.detail)}`);
  });
  if (d.decision === 'deny') {
    if (d.fixes.length) {
      lines.push('Fix (run in order):');
      for (const f of d.fixes) lines.push(`  ${safeText(f)}`);
    }
  }
  return lines.join('\n');
}

export async function table(head: string[], rawRows: (string | number)[][]): Promise<string> {
  if (!textOutput) return '';
  // Every cell is model text: escaped here, so no listing can forget it.
  const rows = rawRows.map((r) => r.map((c) => (typeof c === 'string' ? safeText(c) : c)));
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

/** Plain aligned columns, for long listings. */
function columns(head: string[], rows: (string | number)[][]): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const widths = head.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  return cells.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ')).join('\n');
}

// Human renderings shared by commands: decisions as numbered traces, tables, marks.

import type { ChalkInstance } from 'chalk';
import type { Decision, FixOption, TraceStep } from '../model/trace.js';
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

/** How far a fix reaches, in words: "also gives messages to 0 others". */
function radius(f: FixOption, action: string): string {
  const names = (l: FixOption['gains']) => (l.length ? `: ${l.slice(0, 5).map((g) => g.user).join(', ')}${l.length > 5 ? ', …' : ''}` : '');
  const gain = `also gives ${action} to ${f.gains.length} other${f.gains.length === 1 ? '' : 's'}${names(f.gains)}`;
  return f.losses.length ? `${gain}; takes it from ${f.losses.length}${names(f.losses)}` : gain;
}

/** Where a decisive value came from, as a phrase: ", set by policy X (applied to profile Student)". */
function fromSource(step: TraceStep): string {
  const src = step.source;
  if (src?.kind !== 'policy' && src?.kind !== 'profile') return '';
  const by = src.kind === 'policy' ? `policy ${src.policy} (applied to ${src.appliedTo})` : `profile ${src.profile}`;
  // A step about the setting itself says who set it; a step that used it (a scope) names it.
  return step.detail.includes(src.setting) ? `, set by ${by}` : `; ${src.setting} from ${by}`;
}

/** The decision and its decisive reason in one line: the last failed step of a deny, the last passed of an allow. */
export function decisionLine(d: Decision): string {
  const want = d.decision === 'allow' ? 'pass' : 'fail';
  const step = [...d.trace].reverse().find((s) => s.result === want);
  const verdict = d.decision === 'allow' ? paint.ok('allow') : paint.bad('deny');
  return `${verdict}: ${step ? `${safeText(step.detail)}${safeText(fromSource(step))}` : `${safeText(d.subject.user)} ${d.decision === 'allow' ? 'may' : 'may not'} ${safeText(d.action)}`}`;
}

export function renderDecision(d: Decision, opts: { allFixes?: boolean } = {}): string {
  const target = d.target ? ` ${safeText(formatTarget(d.target))}` : '';
  const lines = [
    decisionLine(d),
    `Why ${safeText(d.subject.user)}${d.subject.profile ? ` (${safeText(d.subject.profile)})` : ''} ${d.decision === 'allow' ? 'may' : 'may not'} ${safeText(d.action)}${target}:`,
  ];
  d.trace.forEach((s, i) => {
    const mark = s.result === 'pass' ? paint.ok(MARK.pass) : s.result === 'fail' ? paint.bad(MARK.fail) : paint.dim(MARK.info);
    lines.push(`  ${String(i + 1).padStart(2)}. ${mark} ${safeText(s.rule)}: ${safeText(s.detail)}`);
  });
  if (d.decision === 'deny') {
    const alts = d.alternatives ?? [];
    if (opts.allFixes && alts.length > 1) {
      alts.forEach((a, i) => {
        lines.push(`Fix ${i + 1} of ${alts.length} (run in order; ${safeText(radius(a, d.action))}):`);
        for (const c of a.commands) lines.push(`  ${safeText(c)}`);
      });
    } else if (d.fixes.length) {
      lines.push(`Fix (run in order${alts[0] ? `; ${safeText(radius(alts[0], d.action))}` : ''}):`);
      for (const f of d.fixes) lines.push(`  ${safeText(f)}`);
      if (alts.length > 1) lines.push(paint.dim(`${alts.length - 1} other way(s) to allow this: add --fixes all to see them, each with its reach.`));
      if (d.fixesNote) lines.push(paint.dim(`(${d.fixesNote})`));
    } else if (d.noFix) {
      lines.push(`No fix: ${safeText(d.noFix)}.`);
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

/** Plain aligned columns, for long listings: widths in one pass, no argument list as long as the rows. */
function columns(head: string[], rows: (string | number)[][]): string {
  const widths = head.map((h) => h.length);
  for (const r of rows) for (let c = 0; c < r.length; c++) widths[c] = Math.max(widths[c] ?? 0, String(r[c]).length);
  const line = (r: readonly (string | number)[]) => r.map((cell, c) => (c === r.length - 1 ? String(cell) : String(cell).padEnd(widths[c]))).join('  ');
  const out: string[] = [line(head)];
  for (const r of rows) out.push(line(r));
  return out.join('\n');
}

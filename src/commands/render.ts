// Human renderings shared by commands: decisions as numbered traces, tables, marks.

import type { ChalkInstance } from 'chalk';
import { invalid } from '../model/errors.js';
import { safeText } from '../model/text-safety.js';
import type { Decision, FixOption, SyncOwned, TraceStep } from '../model/trace.js';
import { formatTarget, isShownNested } from '../model/trace.js';
import { OUTPUT_FORMATS, type OutputFormat } from './output-format-names.js';

let chalk: ChalkInstance | undefined;
let textOutput = true;

/** Colour only on a TTY, and never under NO_COLOR or --no-color; chalk loads only then. */
export async function configureColour(argv: readonly string[]): Promise<void> {
  // Under --json nothing but the document is printed, so tables are never drawn.
  textOutput = !argv.includes('--json');
  if (process.stdout.isTTY && !('NO_COLOR' in process.env) && !argv.includes('--no-color')) chalk = (await import('chalk')).default;
}

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
  if (!f.gains || !f.losses) return 'its reach was not measured';
  const names = (l: NonNullable<FixOption['gains']>) => (l.length ? `: ${l.slice(0, 5).map((g) => g.user).join(', ')}${l.length > 5 ? ', …' : ''}` : '');
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

/**
 * A trace as a numbered tree: a step that consulted other decisions has their steps indented
 * under it ("3.1.", "3.1.2."); the flat copies kept in the list for scripts are left out.
 */
export function traceLines(trace: readonly TraceStep[]): string[] {
  const lines: string[] = [];
  // A child's number starts under its parent's mark.
  const walk = (steps: readonly TraceStep[], prefix: string, indent: number) => {
    steps.forEach((s, i) => {
      const mark = s.result === 'pass' ? paint.ok(MARK.pass) : s.result === 'fail' ? paint.bad(MARK.fail) : paint.dim(MARK.info);
      const number = `${prefix}${i + 1}`;
      const lead = prefix === '' ? `  ${number.padStart(2)}.` : `${' '.repeat(indent)}${number}.`;
      lines.push(`${lead} ${mark} ${safeText(s.rule)}: ${safeText(s.detail)}`);
      if (s.children?.length) walk(s.children, `${number}.`, lead.length + 1);
    });
  };
  walk(
    trace.filter((s) => !isShownNested(s)),
    '',
    0,
  );
  return lines;
}

/** Beside a fix that changes what a roster import owns: where to make the change so it lasts. */
function syncNote(s: SyncOwned): string {
  return paint.dim(`  change it in the SIS: ${safeText(s.change)} (this comes from ${safeText(s.source)}, whose next sync undoes a change made here)`);
}

export function renderDecision(d: Decision & { readonly untriedFixes?: number }, opts: { allFixes?: boolean } = {}): string {
  const target = d.target ? ` ${safeText(formatTarget(d.target))}` : '';
  const lines = [
    decisionLine(d),
    `Why ${safeText(d.subject.user)}${d.subject.profile ? ` (${safeText(d.subject.profile)})` : ''} ${d.decision === 'allow' ? 'may' : 'may not'} ${safeText(d.action)}${target}:`,
  ];
  lines.push(...traceLines(d.trace));
  if (d.decision === 'deny') {
    const alts = d.alternatives ?? [];
    if (opts.allFixes && alts.length > 1) {
      alts.forEach((a, i) => {
        lines.push(`Fix ${i + 1} of ${alts.length} (run in order; ${safeText(radius(a, d.action))}):`);
        for (const c of a.commands) lines.push(`  ${safeText(c)}`);
        if (a.syncOwned) lines.push(syncNote(a.syncOwned));
      });
    } else if (d.fixes.length) {
      lines.push(`Fix (run in order${alts[0] ? `; ${safeText(radius(alts[0], d.action))}` : ''}):`);
      for (const f of d.fixes) lines.push(`  ${safeText(f)}`);
      if (alts[0]?.syncOwned) lines.push(syncNote(alts[0].syncOwned));
      // Asked for the narrowest only, the check stops once it is certain: the rest are possible
      // ways, neither verified nor measured, and say so.
      if (d.untriedFixes) lines.push(paint.dim(`${alts.length - 1 + d.untriedFixes} other possible way(s): add --fixes all to verify each with its reach.`));
      else if (alts.length > 1) lines.push(paint.dim(`${alts.length - 1} other way(s) to allow this: add --fixes all to see them, each with its reach.`));
      if (d.fixesNote) lines.push(paint.dim(`(${d.fixesNote})`));
    } else if (d.noFix) {
      lines.push(`No fix: ${safeText(d.noFix)}.`);
    }
  }
  return lines.join('\n');
}

// ---- output formats and the one table renderer ----

export { OUTPUT_FORMATS, type OutputFormat };

export interface OutputSettings {
  readonly format: OutputFormat;
  /** Every column at its full width, whatever the terminal. */
  readonly wide: boolean;
  readonly pager: boolean;
}

let output: OutputSettings = { format: 'table', wide: false, pager: true };

/** The `-o/--output` value named on the command line (`--json` is `-o json`); exit 2 for an unknown one. */
export function outputFormatOf(argv: readonly string[]): OutputFormat {
  let named: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const w = argv[i];
    if (w === '--') break;
    if (w === '-o' || w === '--output') named = argv[++i];
    else if (w.startsWith('--output=')) named = w.slice('--output='.length);
    else if (/^-o[^-]/.test(w)) named = w.slice(2);
  }
  if (named === undefined) return argv.includes('--json') ? 'json' : 'table';
  if (!(OUTPUT_FORMATS as readonly string[]).includes(named)) {
    throw invalid('bad-output', `-o/--output "${safeText(named)}" is not an output format; use one of ${OUTPUT_FORMATS.join(', ')}.`);
  }
  return named as OutputFormat;
}

/** Reads `-o`, `--json`, `--wide` and `--no-pager` once, before the command runs. */
export function configureOutput(argv: readonly string[]): OutputSettings {
  const format = outputFormatOf(argv);
  output = { format, wide: argv.includes('--wide'), pager: !argv.includes('--no-pager') };
  textOutput = format === 'table' || format === 'plain' || format === 'csv';
  return output;
}

export function outputSettings(): OutputSettings {
  return output;
}

/** Columns a string takes on screen; string-width (wide characters, emoji) once a table is drawn. */
let stringWidth: (s: string) => number = (s) => [...s].length;

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Loads the exact measure; `table` calls it, so commands that print no table never load it. */
export async function measureExactly(): Promise<void> {
  const exact = (await import('string-width')).default;
  // Printable ASCII takes one column a character: 200,000 rows measured through the exact
  // function took 35 s, through this test well under one.
  stringWidth = (s) => (PRINTABLE_ASCII.test(s) ? s.length : exact(s));
}

export type Tone = 'ok' | 'bad' | 'dim' | 'bold';
/** A cell the renderer colours (after laying it out) or prints as several lines. */
export interface StyledCell {
  readonly text: string | readonly string[];
  readonly tone?: Tone;
}
export type Cell = string | number | null | undefined | StyledCell;

export interface TableStyle {
  /** The widest a line may be; Infinity for no limit. */
  readonly width: number;
  /** Box drawing (a terminal) or plain aligned columns (pipes, `-o plain`). */
  readonly boxed: boolean;
  readonly colour?: (tone: Tone, s: string) => string;
  /**
   * The first column names the rows (a matrix): when the table is too wide, the other columns
   * are split into blocks that fit, each repeating the first column, instead of cutting every
   * column down to a few characters.
   */
  readonly labelled?: boolean;
  /** A block of a labelled table: the header wraps by words, and the label column is never narrowed. */
  readonly block?: boolean;
}

/** A cell's lines, every one escaped for the terminal. */
function cellLines(c: Cell): string[] {
  if (c === null || c === undefined) return [''];
  if (typeof c === 'number') return [String(c)];
  if (typeof c === 'string') return [safeText(c)];
  return (typeof c.text === 'string' ? [c.text] : [...c.text]).map((l) => safeText(l));
}

function cellTone(c: Cell): Tone | undefined {
  return c !== null && typeof c === 'object' ? c.tone : undefined;
}

/** The cell as one plain value, for CSV. */
export function cellValue(c: Cell): string {
  if (c === null || c === undefined) return '';
  if (typeof c === 'number') return String(c);
  if (typeof c === 'string') return c;
  return typeof c.text === 'string' ? c.text : c.text.join(' ');
}

/** `s` cut to `width` columns, ending in `…` when something was cut. */
export function truncate(s: string, width: number): string {
  if (stringWidth(s) <= width) return s;
  if (width <= 0) return '';
  let out = '';
  for (const ch of s) {
    if (stringWidth(out + ch) > width - 1) break;
    out += ch;
  }
  return `${out}…`;
}

/** Word-wraps `s` to `width` columns; a word longer than that is broken. */
export function wrap(s: string, width: number): string[] {
  if (stringWidth(s) <= width) return [s];
  const lines: string[] = [];
  let line = '';
  const push = () => {
    lines.push(line);
    line = '';
  };
  for (const word of s.split(/(?<= )/)) {
    if (stringWidth(line + word.trimEnd()) <= width) {
      line += word;
      continue;
    }
    if (line.trim()) push();
    let rest = word;
    while (stringWidth(rest.trimEnd()) > width) {
      let head = '';
      for (const ch of rest) {
        if (stringWidth(head + ch) > width) break;
        head += ch;
      }
      lines.push(head);
      rest = rest.slice(head.length);
    }
    line = rest;
  }
  if (line.trim() || !lines.length) lines.push(line);
  return lines.map((l) => l.trimEnd());
}

/**
 * Column widths that fit `available`. First a header wider than its column's values gives way
 * (down to its longest word, at most 6), then the widest column gives up one column at a time,
 * down to a floor of a few characters each (the caller cuts what still does not fit).
 */
export function fitWidths(natural: readonly number[], available: number, values: readonly number[] = natural, headerWord: readonly number[] = values, keepFirst = false): number[] {
  const widths = [...natural];
  let total = widths.reduce((a, b) => a + b, 0);
  const shrink = (floor: readonly number[]) => {
    while (total > available) {
      let widest = -1;
      for (let i = 0; i < widths.length; i++) if (widths[i] > floor[i] && (widest < 0 || widths[i] > widths[widest])) widest = i;
      if (widest < 0) return;
      widths[widest]--;
      total--;
    }
  };
  const first = (floor: number[]) => (keepFirst ? [natural[0], ...floor.slice(1)] : floor);
  shrink(first(widths.map((w, i) => Math.min(w, Math.max(values[i], Math.min(headerWord[i], 6), 1)))));
  shrink(first(widths.map((n) => Math.min(n, 4))));
  return widths;
}

/** What a line of n columns spends besides their text: box drawing and padding, or the gaps. */
function borders(boxed: boolean, n: number): number {
  return boxed ? 3 * n + 1 : 2 * (n - 1);
}

/**
 * The columns of a labelled table in blocks that fit the width, each starting with the label
 * column; undefined when the table fits as it is or no block could hold even one more column.
 * A column needs its widest value (up to 10) and its longest header word (the header wraps by words).
 */
function columnBlocks(natural: readonly number[], values: readonly number[], headerWord: readonly number[], style: TableStyle): number[][] | undefined {
  const n = natural.length;
  const lineWidth = (ws: readonly number[]) => ws.reduce((a, b) => a + b, 0) + borders(style.boxed, ws.length);
  if (lineWidth(natural) <= style.width) return undefined;
  // A long value (a list) is wrapped or cut inside its block rather than given a block of its own.
  const need = natural.map((w, i) => (i === 0 ? w : Math.max(Math.min(values[i], 10), headerWord[i])));
  const blocks: number[][] = [];
  let block = [0];
  for (let i = 1; i < n; i++) {
    if (block.length > 1 && lineWidth([...block, i].map((c) => need[c])) > style.width) {
      blocks.push(block);
      block = [0];
    }
    block.push(i);
  }
  blocks.push(block);
  // A block that cannot hold its one column beside the label is no better than cutting.
  if (blocks.some((b) => lineWidth(b.map((c) => need[c])) > style.width)) return undefined;
  return blocks.length > 1 ? blocks : undefined;
}

/**
 * The one table renderer. Every cell goes through `safeText`; the header is followed by a rule,
 * so it reads as a header without colour; no line is wider than `style.width`. Boxed tables
 * wrap what is too wide, plain columns keep one line per row and cut with `…`.
 */
export function renderTable(head: readonly string[], rows: readonly (readonly Cell[])[], style: TableStyle): string {
  const n = head.length;
  const paintTone = (c: Cell, s: string) => {
    const tone = cellTone(c);
    return tone && style.colour ? style.colour(tone, s) : s;
  };
  const grid = [head.map((h) => cellLines(h)), ...rows.map((r) => head.map((_, i) => cellLines(r[i])))];
  if (!style.boxed) for (const r of grid) for (let i = 0; i < n; i++) r[i] = [r[i].join(' ')];
  // A loop, not Math.max(...rows): a listing of 200,000 rows is no argument list.
  const widest = (cells: readonly string[][][], i: number) => {
    let w = 1;
    for (const r of cells) for (const l of r[i]) w = Math.max(w, stringWidth(l));
    return w;
  };
  const natural = head.map((_, i) => widest(grid, i));
  const values = head.map((_, i) => (grid.length > 1 ? widest(grid.slice(1), i) : natural[i]));
  const headerWord = head.map((_, i) => Math.max(...grid[0][i].flatMap((l) => l.split(' ')).map((w) => stringWidth(w))));
  if (style.labelled && Number.isFinite(style.width) && n > 2) {
    const blocks = columnBlocks(natural, values, headerWord, style);
    if (blocks) {
      return blocks
        .map((cols) => renderTable(cols.map((i) => head[i]), rows.map((r) => cols.map((i) => r[i])), { ...style, labelled: false, block: true }))
        .join('\n\n');
    }
  }
  const overhead = borders(style.boxed, n);
  const widths = Number.isFinite(style.width) ? fitWidths(natural, Math.max(n, style.width - overhead), values, headerWord, style.block === true) : natural;
  const laid = grid.map((r, ri) =>
    r.map((lines, i) => (style.boxed || (ri === 0 && style.block) ? lines.flatMap((l) => wrap(l, widths[i])) : lines.map((l) => truncate(l, widths[i])))),
  );
  const out: string[] = [];
  const source = [head, ...rows];
  laid.forEach((r, ri) => {
    const height = Math.max(...r.map((lines) => lines.length));
    for (let h = 0; h < height; h++) {
      const parts = r.map((lines, i) => {
        const text = lines[h] ?? '';
        const painted = ri === 0 ? (style.colour ? style.colour('bold', text) : text) : paintTone(source[ri][i], text);
        return style.boxed || i < n - 1 ? painted + ' '.repeat(Math.max(0, widths[i] - stringWidth(text))) : painted;
      });
      out.push(style.boxed ? `│ ${parts.join(' │ ')} │` : parts.join('  ').trimEnd());
    }
    if (ri === 0) out.push(style.boxed ? `├${widths.map((w) => '─'.repeat(w + 2)).join('┼')}┤` : widths.map((w) => '-'.repeat(w)).join('  '));
  });
  if (style.boxed) {
    out.unshift(`┌${widths.map((w) => '─'.repeat(w + 2)).join('┬')}┐`);
    out.push(`└${widths.map((w) => '─'.repeat(w + 2)).join('┴')}┘`);
  }
  // The floor of a few characters per column can still be too wide for a very narrow terminal.
  return out.map((l) => (Number.isFinite(style.width) && stringWidth(l) > style.width ? truncate(l, style.width) : l)).join('\n');
}

/** The terminal's width: `--wide` none, else the TTY's columns, else $COLUMNS, else none (a pipe). */
export function terminalWidth(): number {
  if (output.wide) return Infinity;
  if (process.stdout.isTTY && process.stdout.columns) return process.stdout.columns;
  const env = Number(process.env.COLUMNS);
  return Number.isInteger(env) && env > 0 ? env : Infinity;
}

export interface CapturedTable {
  readonly head: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
}
let captured: CapturedTable[] = [];

/** The tables rendered since the last call, for `-o csv`. */
export function takeTables(): CapturedTable[] {
  const t = captured;
  captured = [];
  return t;
}

/** A listing's table in the chosen output: fitted to the terminal, plain in pipes, kept for CSV. */
export async function table(head: string[], rows: Cell[][], opts: { labelled?: boolean } = {}): Promise<string> {
  if (!textOutput) return '';
  if (output.format === 'csv') {
    captured.push({ head, rows });
    return '';
  }
  await measureExactly();
  const boxed = output.format === 'table' && process.stdout.isTTY === true;
  return renderTable(head, rows, { width: terminalWidth(), boxed, colour: chalk ? (tone, s) => paint[tone](s) : undefined, labelled: opts.labelled });
}

export function mark(value: string): Cell {
  if (output.format === 'csv') return value;
  if (value === 'on') return { text: '✓', tone: 'ok' };
  if (value === 'off') return { text: '✗', tone: 'bad' };
  return value === '' ? { text: '—', tone: 'dim' } : value;
}

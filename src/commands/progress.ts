// Progress of long work on stderr: what, how far (rows done of total), rate and time left. Only on
// a terminal, never under --quiet or machine output, never for a command run in-process.

import type { Ctx } from './runtime.js';

export interface Progress {
  /** `done` items so far; `total` when known, or `fraction` of the work when only that is (bytes read). */
  update(done: number, how?: { total?: number; fraction?: number }): void;
  /** Clears the line. */
  end(): void;
}

const NONE: Progress = { update() {}, end() {} };
const count = (n: number) => Math.round(n).toLocaleString('en-GB');

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const m = Math.floor(seconds / 60);
  return `${m} min ${Math.round(seconds - m * 60)} s`;
}

/** The line shown: `importing users from u.csv: 12,000 of 50,000 rows (24%) · 8,000 rows/s · 5 s left`. */
export function progressLine(what: string, unit: string, done: number, elapsedS: number, how: { total?: number; fraction?: number } = {}): string {
  const fraction = how.total ? done / how.total : how.fraction;
  const rate = elapsedS > 0 ? done / elapsedS : 0;
  const parts = [`${what}: ${count(done)}${how.total ? ` of ${count(how.total)}` : ''} ${unit}${fraction !== undefined ? ` (${Math.floor(Math.min(1, fraction) * 100)}%)` : ''}`];
  if (rate > 0 && elapsedS >= 0.5) parts.push(`${count(rate)} ${unit}/s`);
  if (fraction !== undefined && fraction > 0.01 && fraction < 1 && elapsedS >= 1) parts.push(`${duration((elapsedS / fraction) * (1 - fraction))} left`);
  return parts.join(' · ');
}

/** A progress line for `what`, counting `unit`; does nothing where it must not show. */
export function startProgress(ctx: Ctx, what: string, unit = 'rows'): Progress {
  if (ctx.opts.quiet || ctx.machineOutput || ctx.inSession || !process.stderr.isTTY) return NONE;
  const started = Date.now();
  let shown = 0;
  const width = () => Math.max(20, (process.stderr.columns || 80) - 1);
  return {
    update(done, how) {
      const now = Date.now();
      if (now - shown < 100) return;
      shown = now;
      const line = progressLine(what, unit, done, (now - started) / 1000, how);
      process.stderr.write(`\r${line.length > width() ? `${line.slice(0, width() - 1)}…` : line}\u001b[K`);
    },
    end() {
      if (shown) process.stderr.write('\r\u001b[K');
    },
  };
}

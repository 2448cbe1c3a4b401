// One error type carries the exit status of shared/CLI.md; anything else is a bug.

/** 4: held — a guardrail (--max-loss, --max-gain) stopped a change, or --exit-code found differences. */
export const EXIT = { ok: 0, denied: 1, invalid: 2, other: 3, held: 4 } as const;
export type ExitStatus = (typeof EXIT)[keyof typeof EXIT];

export class SchoolctlError extends Error {
  constructor(
    readonly exitStatus: ExitStatus,
    /** kebab-case code for `--json` error documents */
    readonly code: string,
    message: string,
    /** extra data for `--json` (e.g. the decision of an `--as` refusal) */
    readonly payload?: unknown,
  ) {
    super(cutQuotedValues(message));
    this.name = 'SchoolctlError';
  }
}

/** Invalid input (exit 2): usage, unknown name, bad value, unmet precondition. Nothing changed. */
export function invalid(code: string, message: string): SchoolctlError {
  return new SchoolctlError(EXIT.invalid, code, message);
}

/** Everything else the user did not cause by typing (exit 3): missing or newer database, lock. */
export function failure(code: string, message: string): SchoolctlError {
  return new SchoolctlError(EXIT.other, code, message);
}

/** A guardrail held the change back (exit 4): nothing changed. */
export function held(code: string, message: string, payload?: unknown): SchoolctlError {
  return new SchoolctlError(EXIT.held, code, message, payload);
}

/** Quotes a list of words the way a POSIX shell would read them back. */
export function shellWords(words: readonly string[]): string {
  return words.map((w) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** A name printed where a command takes a positional argument (a policy or profile name). */
export interface Positional {
  readonly positional: string;
}

/** Marks a free-form name so `command` never prints it where it could be read as an option. */
export function positional(name: string): Positional {
  return { positional: name };
}

const FLAG = /^--[a-z][a-z0-9-]*$/;
const BOOLEAN_FLAGS = new Set(['--admin', '--yes', '--json', '--force', '--plan', '--dry-run', '--all', '--wide', '--quiet']);

/**
 * A `schoolctl …` command line, as printed in fixes, safe to paste: quoted for a shell, and a value
 * that starts with "-" is never read as an option by schoolctl's own parser (an option's value is
 * joined to it as --opt=value; positional arguments from the first such one on follow a "--").
 */
export function command(...words: (string | Positional)[]): string {
  const head: string[] = [];
  const options: string[] = [];
  const tail: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (typeof w === 'string' && FLAG.test(w)) {
      if (BOOLEAN_FLAGS.has(w) || i + 1 >= words.length) {
        options.push(w);
        continue;
      }
      const next = words[++i];
      const value = typeof next === 'string' ? next : next.positional;
      if (value.startsWith('-')) options.push(`${w}=${value}`);
      else options.push(w, value);
      continue;
    }
    const value = typeof w === 'string' ? w : w.positional;
    if (tail.length || value.startsWith('-')) tail.push(value);
    else head.push(value);
  }
  return `schoolctl ${shellWords([...head, ...options, ...(tail.length ? ['--', ...tail] : [])])}`;
}

/** Splits a command line the way a POSIX shell reads what `shellWords` writes: plain words and '…' quotes. */
export function parseShellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw invalid('bad-command', `The command line ${JSON.stringify(line)} has a quote that is not closed.`);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (ch === '\\' && i + 1 < line.length) {
      word = (word ?? '') + line[++i];
    } else if (ch === ' ' || ch === '\t' || ch === '\n') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? '') + ch;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** A quoted value longer than this is cut in messages, so a multi-megabyte cell is not repeated. */
export const QUOTE_LIMIT = 200;
/** How much of a cut value is kept. */
export const QUOTE_KEPT = 40;

/** A value as messages quote it: `"v"`, or `"the first 40 characters…" (N characters)` when longer than 200. */
export function quoted(value: string): string {
  if (value.length <= QUOTE_LIMIT) return `"${value}"`;
  return `"${value.slice(0, QUOTE_KEPT)}…" (${value.length.toLocaleString('en-US')} characters)`;
}

/** Every `"…"` in a message goes through `quoted`: one cut for every message that quotes a value. */
export function cutQuotedValues(message: string): string {
  if (message.length <= QUOTE_LIMIT) return message;
  // A scan, not a regular expression: a match of megabytes would overflow the regex engine's stack.
  let out = '';
  let at = 0;
  for (;;) {
    const open = message.indexOf('"', at);
    if (open < 0) break;
    const close = message.indexOf('"', open + 1);
    if (close < 0) break;
    const value = message.slice(open + 1, close);
    if (value.length > QUOTE_LIMIT && !value.includes('\n')) {
      out += message.slice(at, open) + quoted(value);
      at = close + 1;
    } else {
      out += message.slice(at, close + 1);
      at = close + 1;
    }
  }
  return out + message.slice(at);
}

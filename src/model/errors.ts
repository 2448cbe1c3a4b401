// One error type carries the exit status of shared/CLI.md; anything else is a bug.

export const EXIT = { ok: 0, denied: 1, invalid: 2, other: 3 } as const;
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

/** Quotes a list of words the way a POSIX shell would read them back. */
export function shellWords(words: readonly string[]): string {
  return words.map((w) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** A `schoolctl …` command line, as printed in fixes. */
export function command(...words: string[]): string {
  return `schoolctl ${shellWords(words)}`;
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

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
    super(message);
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

/** A `schoolctl …` command line, as printed in fixes. */
export function command(...words: string[]): string {
  return `schoolctl ${shellWords(words)}`;
}

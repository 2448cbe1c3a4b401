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

/** Quotes a list of words the way a POSIX shell would read them back. */
export function shellWords(words: readonly string[]): string {
  return words.map((w) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** A `schoolctl …` command line, as printed in fixes. */
export function command(...words: string[]): string {
  return `schoolctl ${shellWords(words)}`;
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

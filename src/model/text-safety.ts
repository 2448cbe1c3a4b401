// Text from the model (names, emails, external ids, free text) is printed in a terminal: control
// characters and bidi controls in it must show as visible escapes, never act on the terminal.

/**
 * C0 controls (tab and newline too, unless the caller keeps them), DEL, C1 controls, and the
 * Unicode bidi controls (embeddings, overrides, isolates, marks).
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function escapeOne(ch: string): string {
  const code = ch.codePointAt(0)!;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * The text as it may be printed: every unsafe character escaped visibly (`\x1b`, `\u202e`).
 * `keep` lists characters that are meant in this place (a newline between lines, a tab).
 */
export function safeText(text: string, keep: { newline?: boolean; tab?: boolean } = {}): string {
  return text.replace(UNSAFE, (ch) => ((ch === '\n' && keep.newline) || (ch === '\t' && keep.tab) ? ch : escapeOne(ch)));
}

/** Whether a value holds a character that `safeText` would escape (invalid in names and emails). */
export function hasUnsafeCharacters(text: string): boolean {
  UNSAFE.lastIndex = 0;
  const found = UNSAFE.test(text);
  UNSAFE.lastIndex = 0;
  return found;
}

/** The first unsafe character of a value, escaped, for an error message; undefined when none. */
export function firstUnsafeCharacter(text: string): string | undefined {
  UNSAFE.lastIndex = 0;
  const m = UNSAFE.exec(text);
  UNSAFE.lastIndex = 0;
  return m ? escapeOne(m[0]) : undefined;
}

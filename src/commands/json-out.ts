// JSON documents written in pieces: the same text as JSON.stringify(value, null, 2), without ever
// holding it as one string, so a document of any size (a site-wide lookup, a whole test run) is
// printed instead of failing on the engine's longest string. Into a pipe the pieces wait for the
// reader ('drain'), so a slow reader never makes the whole document wait in memory.

import type { Writable } from 'node:stream';

const FLUSH_AT = 1 << 20;
/** Pieces for a stream: about what a pipe holds (a run of small items is one piece, up to about half a megabyte), so the reader works while the next is made. */
const STREAM_PIECE = 1 << 16;
/** Held by a stream beyond this, the writer waits for 'drain'. */
const STREAM_HELD = 1 << 20;
/** Values of at most this many members in all are written in one call: each piece stays small. */
const SMALL = 512;
/** Consecutive small items of an array are written in one call too, up to this many members in all. */
const RUN = 1 << 14;
const NEWLINES = /\n/g;

/**
 * Whether a value holds at most `budget` members in all, counted through its plain objects and
 * arrays (anything else, such as a value with toJSON, is walked as before). Returns the budget
 * left, or -1.
 */
function budgetLeft(v: unknown, budget: number): number {
  if (v === null || typeof v !== 'object') return budget - 1;
  let left = budget - 1;
  // Counted in place (no list of members made): a diff's 124,000 changes are each counted.
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      if (left < 0) return -1;
      const m: unknown = v[i];
      if (m === undefined || typeof m === 'function' || typeof m === 'symbol') continue;
      left = budgetLeft(m, left);
    }
    return left;
  }
  if (Object.getPrototypeOf(v) !== Object.prototype) return -1;
  for (const k in v) {
    if (left < 0) return -1;
    const m: unknown = (v as Record<string, unknown>)[k];
    if (m === undefined || typeof m === 'function' || typeof m === 'symbol') continue;
    left = budgetLeft(m, left);
  }
  return left;
}

const hasToJSON = (v: unknown) => v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function';

/**
 * Items from..to of an array whose items sit at `depth` (their indent is 2 × depth spaces), as
 * JSON.stringify writes them there: one call on the items nested in depth - 1 arrays, and the
 * text of the nesting cut off. What comes out starts with the newline before the first item.
 */
function itemsText(v: readonly unknown[], from: number, to: number, depth: number): string {
  let nested: unknown = v.slice(from, to);
  for (let d = 1; d < depth; d++) nested = [nested];
  const text = JSON.stringify(nested, null, 2);
  // Nesting k arrays deep opens with "[" and k lines "\n<2j spaces>[", and closes with k + 1
  // lines "\n<2j spaces>]".
  const k = depth - 1;
  return text.slice(k * k + 3 * k + 1, text.length - (k + 1) * (k + 2));
}

/** The document's text in pieces of at most about `size` characters (a longer single value is one piece). */
export function* jsonPieces(value: unknown, size = FLUSH_AT): Generator<string, void, undefined> {
  let buffer = '';
  let ready: string | undefined;
  const emit = (s: string) => {
    if (buffer && buffer.length + s.length > size) {
      ready = ready === undefined ? buffer : ready + buffer;
      buffer = s;
    } else buffer += s;
  };
  function* flush(): Generator<string, void, undefined> {
    if (ready !== undefined) {
      const piece = ready;
      ready = undefined;
      yield piece;
    }
  }
  function* walk(raw: unknown, key: string, indent: string): Generator<string, boolean, undefined> {
    const v = hasToJSON(raw) ? (raw as { toJSON(k: string): unknown }).toJSON(key) : raw;
    if (v === null || typeof v !== 'object') {
      const text = JSON.stringify(v);
      if (text === undefined) return false;
      emit(text);
      return true;
    }
    // A small value is one call to the engine's own writer, indented to its depth: the same text,
    // without a walk per field.
    if (budgetLeft(v, SMALL) >= 0) {
      const text = JSON.stringify(v, null, 2);
      emit(indent ? text.replace(NEWLINES, `\n${indent}`) : text);
      return true;
    }
    const inner = `${indent}  `;
    if (Array.isArray(v)) {
      if (v.length === 0) {
        emit('[]');
        return true;
      }
      emit('[');
      const depth = inner.length / 2;
      for (let i = 0; i < v.length; ) {
        // A run of small items (none with its own toJSON, which would be called with another
        // index) is one call: a diff of 124,000 changes is mostly these.
        let to = i;
        for (let left = RUN; to < v.length && !hasToJSON(v[to]); to++) {
          const l = budgetLeft(v[to], Math.min(SMALL, left));
          if (l < 0) break;
          left = l;
        }
        if (to > i) {
          emit(`${i ? ',' : ''}${itemsText(v, i, to, depth)}`);
          i = to;
        } else {
          emit(`${i ? ',' : ''}\n${inner}`);
          if (!(yield* walk(v[i], String(i), inner))) emit('null');
          i++;
        }
        yield* flush();
      }
      emit(`\n${indent}]`);
      return true;
    }
    let first = true;
    emit('{');
    for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      emit(`${first ? '' : ','}\n${inner}${JSON.stringify(k)}: `);
      first = false;
      yield* walk(item, k, inner);
      yield* flush();
    }
    emit(first ? '}' : `\n${indent}}`);
    return true;
  }
  if (!(yield* walk(value, '', ''))) emit('null');
  emit('\n');
  yield* flush();
  if (buffer) yield buffer;
}

/** Writes `value` as indented JSON through `write`, in pieces of about a megabyte. */
export function writeJson(write: (piece: string) => void, value: unknown): void {
  for (const piece of jsonPieces(value)) write(piece);
}

/**
 * Writes `value` as indented JSON to a stream. Into a pipe (asynchronous in Node) a piece the
 * reader has not taken waits in memory: the writer waits for 'drain' once the stream holds more
 * than a megabyte, so a slow reader never makes the whole document wait there. Pieces are small
 * (STREAM_PIECE) and, while some wait, the event loop gets a turn between pieces to hand them to
 * the pipe, so the reader reads while the next piece is made instead of after.
 */
export async function writeJsonTo(out: Writable, value: unknown): Promise<void> {
  await writePiecesTo(out, jsonPieces(value, STREAM_PIECE));
}

/** Small pieces joined into about STREAM_PIECE characters each (a longer piece goes on its own). */
function* joined(pieces: Iterable<string>): Generator<string, void, undefined> {
  let buffer = '';
  for (const piece of pieces) {
    buffer += piece;
    if (buffer.length >= STREAM_PIECE) {
      yield buffer;
      buffer = '';
    }
  }
  if (buffer) yield buffer;
}

/**
 * Writes a document made in pieces to a stream, as writeJsonTo does: small pieces are joined, and
 * into a pipe the writer waits for 'drain' once the stream holds more than a megabyte.
 */
export async function writeTextTo(out: Writable, pieces: Iterable<string>): Promise<void> {
  await writePiecesTo(out, joined(pieces));
}

async function writePiecesTo(out: Writable, pieces: Iterable<string>): Promise<void> {
  for (const piece of pieces) {
    out.write(piece);
    if (out.writableLength === 0) continue; // written already (a file, a terminal)
    if (out.writableLength <= STREAM_HELD) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      continue;
    }
    await new Promise<void>((resolve) => {
      const done = () => {
        out.off('drain', done);
        out.off('close', done);
        resolve();
      };
      out.on('drain', done);
      out.on('close', done);
    });
  }
}

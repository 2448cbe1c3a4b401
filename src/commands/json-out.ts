// JSON documents written in pieces: the same text as JSON.stringify(value, null, 2), without ever
// holding it as one string, so a document of any size (a site-wide lookup, a whole test run) is
// printed instead of failing on the engine's longest string.

const FLUSH_AT = 1 << 20;
/** Values of at most this many members in all are written in one call: each piece stays small. */
const SMALL = 512;
const NEWLINES = /\n/g;

/**
 * Whether a value holds at most SMALL members in all, counted through its plain objects and
 * arrays (anything else, such as a value with toJSON, is walked as before). Returns the budget
 * left, or -1.
 */
function budgetLeft(v: unknown, budget: number): number {
  if (v === null || typeof v !== 'object') return budget - 1;
  const members = Array.isArray(v) ? v : Object.getPrototypeOf(v) === Object.prototype ? Object.values(v) : undefined;
  if (!members) return -1;
  let left = budget - 1;
  for (const m of members) {
    if (left < 0) return -1;
    if (m === undefined || typeof m === 'function' || typeof m === 'symbol') continue;
    left = budgetLeft(m, left);
  }
  return left;
}

/** Writes `value` as indented JSON through `write`, in pieces of about a megabyte. */
export function writeJson(write: (piece: string) => void, value: unknown): void {
  let buffer = '';
  const emit = (s: string) => {
    buffer += s;
    if (buffer.length >= FLUSH_AT) {
      write(buffer);
      buffer = '';
    }
  };
  const walk = (raw: unknown, key: string, indent: string): boolean => {
    const v = raw !== null && typeof raw === 'object' && typeof (raw as { toJSON?: unknown }).toJSON === 'function' ? (raw as { toJSON(k: string): unknown }).toJSON(key) : raw;
    if (v === null || typeof v !== 'object') {
      const text = JSON.stringify(v);
      if (text === undefined) return false;
      emit(text);
      return true;
    }
    // A small value is one call to the engine's own writer, indented to its depth: the same text,
    // without a walk per field. A diff of 124,000 changes is mostly these.
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
      v.forEach((item, i) => {
        emit(`${i ? ',' : ''}\n${inner}`);
        if (!walk(item, String(i), inner)) emit('null');
      });
      emit(`\n${indent}]`);
      return true;
    }
    let first = true;
    emit('{');
    for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      emit(`${first ? '' : ','}\n${inner}${JSON.stringify(k)}: `);
      first = false;
      walk(item, k, inner);
    }
    emit(first ? '}' : `\n${indent}}`);
    return true;
  };
  if (!walk(value, '', '')) emit('null');
  emit('\n');
  if (buffer) write(buffer);
}

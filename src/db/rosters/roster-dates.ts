// Dates as real roster files write them: 2023-05-01, 2023-05-01T18:25:43.511Z, 2017-05-06 08:01:05,
// 8/27/2018. A date that reads two ways (1/05/2023) is refused, never guessed.

export type DateRead = { readonly date: string } | { readonly error: string };

const VALID = 'a date, valid: YYYY-MM-DD (also with a time, e.g. 2023-05-01T18:25:43Z), or M/D/YYYY where the day is above 12';

function ymd(y: number, m: number, d: number): string | undefined {
  const s = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  const t = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(t.getTime()) && t.toISOString().slice(0, 10) === s ? s : undefined;
}

export function rosterDate(raw: string): DateRead {
  const v = raw.trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?$/i.exec(v);
  if (iso) {
    const d = ymd(+iso[1], +iso[2], +iso[3]);
    return d ? { date: d } : { error: VALID };
  }
  const slash = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v);
  if (slash) {
    const a = +slash[1];
    const b = +slash[2];
    const y = +slash[3];
    if (a > 12 && b <= 12) return wrap(ymd(y, b, a));
    if (b > 12 && a <= 12) return wrap(ymd(y, a, b));
    if (a === b) return wrap(ymd(y, a, b));
    if (a <= 12 && b <= 12) return { error: `a date that reads one way only (${ymd(y, a, b) ?? '?'} or ${ymd(y, b, a) ?? '?'}), valid: YYYY-MM-DD, or M/D/YYYY where the day is above 12` };
  }
  return { error: VALID };
}

function wrap(d: string | undefined): DateRead {
  return d ? { date: d } : { error: VALID };
}

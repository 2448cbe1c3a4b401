import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeJson } from '../src/commands/json-out';

function written(value: unknown): { text: string; pieces: string[] } {
  const pieces: string[] = [];
  writeJson((p) => pieces.push(p), value);
  return { text: pieces.join(''), pieces };
}

describe('JSON written in pieces', () => {
  it('is the same text as JSON.stringify with two spaces, for any JSON value (fixed seed)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(written(v).text).toBe(`${JSON.stringify(v, null, 2)}\n`);
      }),
      { seed: 20261202, numRuns: 500 },
    );
  });

  it('is the same text for deep, wide and flat values alike, with members JSON.stringify skips (fixed seed)', () => {
    const member = fc.oneof(fc.jsonValue(), fc.constant(undefined), fc.date({ noInvalidDate: true }), fc.array(fc.integer(), { minLength: 250, maxLength: 300 }));
    fc.assert(
      fc.property(fc.array(fc.dictionary(fc.string(), member, { maxKeys: 6 }), { maxLength: 8 }), fc.nat(4), (rows, depth) => {
        let v: unknown = rows;
        for (let i = 0; i < depth; i++) v = { nested: v, flat: [1, 'two', null, true] };
        expect(written(v).text).toBe(`${JSON.stringify(v, null, 2)}\n`);
      }),
      { seed: 20261202, numRuns: 300 },
    );
  });

  it('skips what JSON.stringify skips and calls toJSON', () => {
    const v = { a: undefined, b: () => 1, c: [undefined, () => 1, NaN], d: new Date(0), e: {}, f: [] };
    expect(written(v).text).toBe(`${JSON.stringify(v, null, 2)}\n`);
  });

  it('never builds one string of the whole document: a 30 MB list comes in pieces of about a megabyte', () => {
    const rows = Array.from({ length: 300_000 }, (_, i) => ({ user: `user${i}`, profile: 'Student', because: 'messages is on for them, set by profile Student' }));
    const { text, pieces } = written(rows);
    expect(text.length).toBeGreaterThan(30_000_000);
    expect(pieces.length).toBeGreaterThan(20);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(1.1 * (1 << 20));
    expect(JSON.parse(text)).toHaveLength(300_000);
  });
});

import fc from 'fast-check';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { writeJson, writeJsonTo } from '../src/commands/json-out';

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

  it('writes runs of small array items at any depth as JSON.stringify does, items with toJSON, holes and skipped members included', () => {
    const withToJSON = { toJSON: (k: string) => `key ${k}` };
    const item = fc.oneof(
      fc.jsonValue(),
      fc.constant(undefined),
      fc.constant(withToJSON),
      fc.date({ noInvalidDate: true }),
      fc.record({ a: fc.string(), b: fc.array(fc.integer(), { maxLength: 3 }), c: fc.constant(withToJSON) }),
    );
    fc.assert(
      fc.property(fc.array(item, { minLength: 600, maxLength: 1200 }), fc.nat(5), (items, depth) => {
        let v: unknown = items;
        for (let i = 0; i < depth; i++) v = i % 2 ? [v, 1] : { nested: v, other: null };
        expect(written(v).text).toBe(`${JSON.stringify(v, null, 2)}\n`);
      }),
      { seed: 20261203, numRuns: 60 },
    );
    const sparse = Array.from({ length: 2000 }, (_, i) => ({ i }));
    delete sparse[7];
    expect(written({ sparse }).text).toBe(`${JSON.stringify({ sparse }, null, 2)}\n`);
  });

  it('into a slow stream waits for drain: never more than a piece or two waits in memory, and the text is the same', async () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => ({ user: `user${i}`, change: 'loss', schools: ['school001'], because: 'messages is off for them' }));
    const chunks: Buffer[] = [];
    let most = 0;
    const slow = new Writable({
      highWaterMark: 1 << 16,
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk);
        setImmediate(done);
      },
    });
    const write = slow.write.bind(slow);
    slow.write = ((piece: string) => {
      const ok = write(piece);
      most = Math.max(most, slow.writableLength);
      return ok;
    }) as typeof slow.write;
    await writeJsonTo(slow, rows);
    const text = Buffer.concat(chunks).toString('utf8');
    expect(text).toBe(`${JSON.stringify(rows, null, 2)}\n`);
    expect(text.length).toBeGreaterThan(20_000_000);
    // Buffering the whole document would hold all 20 MB here.
    expect(most).toBeLessThan(3 * (1 << 20));
  });

  it('into a pipe read slowly by another process gives the same document, without holding it in memory', async () => {
    // A child writes a 20 MB document to its stdout (a pipe, asynchronous in Node); this process
    // reads it in bursts with pauses, and the child reports the most its stdout ever held.
    const module = join(__dirname, '..', 'dist', 'src', 'commands', 'json-out.js');
    const script = `
      const { writeJsonTo } = await import(${JSON.stringify(module)});
      const rows = Array.from({ length: 200000 }, (_, i) => ({ user: 'user' + i, change: 'loss', schools: ['school001'] }));
      let most = 0;
      const write = process.stdout.write.bind(process.stdout);
      process.stdout.write = (piece) => { const ok = write(piece); most = Math.max(most, process.stdout.writableLength); return ok; };
      await writeJsonTo(process.stdout, rows);
      process.stderr.write(JSON.stringify({ most, expected: JSON.stringify(rows, null, 2).length + 1 }));`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out.push(d);
      child.stdout.pause();
      setTimeout(() => child.stdout.resume(), 1);
    });
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(status).toBe(0);
    const report = JSON.parse(err) as { most: number; expected: number };
    const text = Buffer.concat(out).toString('utf8');
    expect(text.length).toBe(report.expected);
    expect(JSON.parse(text)).toHaveLength(200_000);
    expect(report.most).toBeLessThan(3 * (1 << 20));
  });
});


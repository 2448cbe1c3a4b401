// The CSV reader parses in the importing thread for small files and in a worker thread for large
// ones; both must hand the importer the same rows, lines and problems. This reads the built module
// (npm test builds first), since the worker thread runs compiled JavaScript.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: the built module has no type declarations; its shape is checked by use below.
import { readCsv } from '../dist/src/db/bulk/csv.js';

type Event = [string, number, string];

/** Every call the reader makes, in order: header, row (line and cells), bad (line and column). */
async function events(path: string, thread: boolean, columns = ['username', 'name', 'profile']): Promise<{ events: Event[]; rows: number; headerProblems: unknown[] }> {
  const out: Event[] = [];
  const r = await readCsv(
    path,
    {
      header: (names: string[]) => {
        out.push(['header', 1, names.join('|')]);
        return names.filter((n) => !columns.includes(n)).map((n) => ({ column: n, value: n, expected: 'a column', valid: columns.join(', ') }));
      },
      row: (row: { get(c: string): string }, line: number) => out.push(['row', line, columns.map((c) => row.get(c)).join('|')]),
      bad: (line: number, e: { column: string; expected: string }) => out.push(['bad', line, `${e.column}: ${e.expected}`]),
    },
    undefined,
    { thread },
  );
  return { events: out, rows: r.rows, headerProblems: r.headerProblems };
}

function file(content: string | Buffer): string {
  const path = join(mkdtempSync(join(tmpdir(), 'schoolctl-csv-')), 'in.csv');
  writeFileSync(path, content);
  return path;
}

describe('reading CSV in a worker thread and in the importing thread', () => {
  it('gives the same rows, lines and problems either way, for every awkward shape of file', async () => {
    const latin = Buffer.concat([Buffer.from('username,name,profile\na.b,Jos'), Buffer.from([0xe9]), Buffer.from(',Student\n')]);
    const cases: Record<string, string | Buffer> = {
      'quoted line breaks and empty lines': '\uFEFFusername,name,profile\n\nm.line,"Two\nlines",Student\n\nb.ad,Bad,Nobody\n',
      'short and long rows': 'username,name,profile\nx.y,X\nx.z,Z,Student,extra\nok.one,"=1+1",\'=2\n',
      'bytes that are not UTF-8': latin,
      'broken quoting after good rows': 'username,name,profile\ngood.one,Good,Student\nbad.one,"unclosed,Student\n',
      'an unknown column stops the read': 'username,nmae,profile\nx.y,X,Student\n',
      'an empty file is checked as an empty header': '',
    };
    for (const [what, content] of Object.entries(cases)) {
      const path = file(content);
      const inline = await events(path, false);
      const threaded = await events(path, true);
      expect(threaded, what).toEqual(inline);
    }
    // And what they agree on is right (so the comparison above cannot pass on two empty lists).
    const first = await events(file(cases['quoted line breaks and empty lines']), true);
    expect(first.events).toEqual([
      ['header', 1, 'username|name|profile'],
      ['row', 3, 'm.line|Two\nlines|Student'],
      ['row', 6, 'b.ad|Bad|Nobody'],
    ]);
    const shapes = await events(file(cases['short and long rows']), true);
    expect(shapes.events.slice(1)).toEqual([
      ['bad', 2, 'profile: there (the row is missing columns)'],
      ['bad', 3, 'profile: expected (the row has extra cells)'],
      ['row', 4, 'ok.one|=1+1|=2'],
    ]);
    expect((await events(file(latin), true)).events[1]).toEqual(['bad', 2, 'name: valid UTF-8 (the row holds bytes that are not UTF-8)']);
    const broken = await events(file(cases['broken quoting after good rows']), true);
    expect(broken.events.slice(1)).toEqual([['row', 2, 'good.one|Good|Student'], ['bad', 3, '(row): well-formed CSV']]);
    const header = await events(file(cases['an unknown column stops the read']), true);
    expect(header.events).toEqual([['header', 1, 'username|nmae|profile']]);
    expect(header.headerProblems).toHaveLength(1);
    expect((await events(file(''), true)).events).toEqual([['header', 1, '']]);
  });

  it('keeps order and line numbers across many batches, with the importer slower than the parser', async () => {
    const n = 20_000;
    const lines = ['username,name,profile'];
    for (let i = 0; i < n; i++) lines.push(i % 997 === 0 ? `u${i},"Name\n${i}",Student` : `u${i},Name ${i},Student`);
    const path = file(`${lines.join('\n')}\n`);
    const seen: number[] = [];
    let lastLine = 0;
    const r = await readCsv(
      path,
      {
        header: () => [],
        row: (row: { get(c: string): string }, at: number) => {
          const i = Number(row.get('username').slice(1));
          seen.push(i);
          if (at <= lastLine) throw new Error(`line ${at} after ${lastLine}`);
          lastLine = at;
          // A busy importer: parsing must wait for it, not pile up.
          if (i % 4096 === 0) {
            const until = Date.now() + 5;
            while (Date.now() < until);
          }
        },
        bad: (at: number) => {
          throw new Error(`unexpected problem on line ${at}`);
        },
      },
      undefined,
      { thread: true },
    );
    expect(r.rows).toBe(n);
    expect(seen).toEqual(Array.from({ length: n }, (_, i) => i));
    // The header, a line a row, and one more for each quoted cell with a line break before the last row.
    const breaks = Math.floor((n - 1) / 997) + 1;
    expect(lastLine).toBe(1 + n + breaks);
  });

  it('an exception in the importer ends the read with that exception', async () => {
    const path = file('username,name,profile\na,A,Student\nb,B,Student\n');
    for (const thread of [false, true]) {
      await expect(
        readCsv(path, { header: () => [], row: () => { throw new Error('the model refused'); }, bad: () => {} }, undefined, { thread }),
      ).rejects.toThrow('the model refused');
    }
  });
});

// Output that fits: the one table renderer, the output formats, and five wide listings at 80 columns.

import { spawnSync } from 'node:child_process';
import stringWidth from 'string-width';
import { beforeAll, describe, expect, it } from 'vitest';
import { progressLine } from '../src/commands/progress.js';
import { fitWidths, measureExactly, renderTable, truncate, wrap } from '../src/commands/render.js';
import { BIN, demoDb, run } from './helpers.js';

function runAt(columns: number | undefined, db: string, ...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', NO_COLOR: '1', SCHOOLCTL_DB: '' };
  if (columns === undefined) delete env.COLUMNS;
  else env.COLUMNS = String(columns);
  const r = spawnSync(process.execPath, [BIN, '--db', db, ...args], { encoding: 'utf8', env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const widest = (text: string) => Math.max(...text.split('\n').map((l) => stringWidth(l)));

describe('the table renderer', () => {
  beforeAll(measureExactly);
  const head = ['user', 'because'];
  const rows = [['a.long.username', 'messages is on for a.long.username through the Staff profile and no policy turns it off']];

  it('a boxed table wraps the widest column to fit and underlines its header', () => {
    const out = renderTable(head, rows, { width: 40, boxed: true });
    expect(widest(out)).toBeLessThanOrEqual(40);
    expect(out.split('\n')[2]).toMatch(/^├─+┼─+┤$/);
    expect(out.replace(/[│\s]+/g, ' ')).toContain('through the Staff');
  });

  it('plain columns have no box, a rule of dashes under the header, and cut with …', () => {
    const out = renderTable(head, rows, { width: 40, boxed: false });
    const lines = out.split('\n');
    expect(out).not.toMatch(/[│┌┐└┘─]/);
    expect(lines[1]).toMatch(/^-+ {2}-+$/);
    expect(lines[2].endsWith('…')).toBe(true);
    expect(widest(out)).toBeLessThanOrEqual(40);
  });

  it('measures wide characters as the terminal shows them', () => {
    const out = renderTable(['名前', 'note'], [['日本語の名前です', 'a note that is long enough to need wrapping here']], { width: 30, boxed: true });
    expect(widest(out)).toBeLessThanOrEqual(30);
    expect(out.split('\n').every((l) => stringWidth(l) === stringWidth(out.split('\n')[0]))).toBe(true);
  });

  it('without a width limit nothing is cut', () => {
    expect(renderTable(head, rows, { width: Infinity, boxed: false })).toContain(rows[0][1]);
  });

  it('escapes control characters in every cell, header included', () => {
    const out = renderTable(['na\u001bme'], [['evil\u001b[2J'], [{ text: ['x\u202e', 'y'] }]], { width: 80, boxed: true });
    expect(out).not.toMatch(/[\u001b\u202e]/);
    expect(out).toContain('\\x1b[2J');
  });

  it('a header wider than its values gives way before the values do', () => {
    expect(fitWidths([30, 26], 40, [30, 1], [30, 13])).toEqual([30, 10]);
  });

  it('wraps on words and breaks a word longer than the line', () => {
    expect(wrap('the group supervisor', 10)).toEqual(['the group', 'supervisor']);
    expect(wrap('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(truncate('Administrator', 6)).toBe('Admin…');
  });

  it('never lets a line overflow, even when every column is at its floor', () => {
    const many = Array.from({ length: 12 }, (_, i) => `column-${i}`);
    expect(widest(renderTable(many, [many], { width: 30, boxed: true }))).toBeLessThanOrEqual(30);
  });
});

describe('the progress line', () => {
  it('says what, done of total, rate and time left', () => {
    expect(progressLine('importing users from u.csv', 'rows', 12_000, 2, { total: 48_000 })).toBe('importing users from u.csv: 12,000 of 48,000 rows (25%) · 6,000 rows/s · 6 s left');
  });

  it('estimates time left from the share of the file read when the total is not known', () => {
    expect(progressLine('importing users from -', 'rows', 5_000, 10, { fraction: 0.5 })).toBe('importing users from -: 5,000 rows (50%) · 500 rows/s · 10 s left');
    expect(progressLine('exporting users', 'rows', 100, 0.1)).toBe('exporting users: 100 rows');
  });
});

describe('listings at 80 columns and in other formats', () => {
  let db: string;
  beforeAll(() => {
    db = demoDb();
  });

  it.each(['profiles matrix', 'users list', 'workflow show', 'audit', 'supervisor list'])('%s has no line wider than 80', (line) => {
    const words = line.split(' ');
    const wide = runAt(undefined, db, ...words);
    const r = runAt(80, db, ...words);
    expect(r.status).toBe(0);
    expect(widest(r.stdout)).toBeLessThanOrEqual(80);
    // Without the limit (a pipe) nothing is cut: the same rows, each at most as wide.
    expect(wide.stdout).not.toContain('…');
    if (line !== 'profiles matrix') expect(r.stdout.split('\n').length).toBe(wide.stdout.split('\n').length);
    expect(r.stdout).not.toMatch(/[│┌]/);
  });

  it('profiles matrix at 80 columns comes in blocks of profiles, each with every setting key whole', () => {
    const wide = runAt(undefined, db, 'profiles', 'matrix');
    const r = runAt(80, db, 'profiles', 'matrix');
    const labels = (text: string) => text.split('\n').filter((l) => /^ {2}\S/.test(l)).map((l) => l.trim().split(/\s{2,}/)[0]);
    const keys = labels(wide.stdout);
    expect(keys.length).toBeGreaterThan(50);
    const blocks = r.stdout.split('\n\n');
    expect(blocks.length).toBeGreaterThan(1);
    for (const b of blocks) expect(labels(b)).toEqual(keys);
    // Every profile heads one block, and no setting key is cut.
    for (const p of ['System', 'Administrator', 'Staff', 'Teaching', 'Student', 'Parent', 'Guest']) expect(r.stdout).toMatch(new RegExp(`^setting .*${p}`, 'm'));
    expect(keys.every((k) => !k.includes('…'))).toBe(true);
  });

  it('--wide prints every column at full width', () => {
    const r = runAt(80, db, 'workflow', 'show', '--wide');
    expect(widest(r.stdout)).toBeGreaterThan(80);
    expect(r.stdout).not.toContain('…');
  });

  it('-o csv writes the listing as CSV, -o yaml as the JSON document', () => {
    const csv = run(db, 'users', 'list', '-o', 'csv');
    expect(csv.status).toBe(0);
    expect(csv.stdout.split('\n')[0]).toBe('username,name,profile,units');
    const yaml = run(db, 'whocan', 'messages', '--user', 'j.devries', '--output', 'yaml');
    expect(yaml.stdout).toMatch(/^action: messages$/m);
    const json = run(db, 'users', 'list', '-o', 'json');
    expect(JSON.parse(json.stdout)).toEqual(run(db, 'users', 'list', '--json').json);
  });

  it('an unknown output format is exit 2 naming the valid ones', () => {
    const r = run(db, 'users', 'list', '-o', 'xml');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('"xml" is not an output format; use one of table, plain, json, csv, yaml');
  });
});

// Every example printed by any --help page runs as written on a fresh demo model: exit 0, or 1
// where the example says it shows a deny or an --as refusal ("# exit 1: …").

import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync, chmodSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { helpPages } from '../src/cli';
import { BIN, demoDb } from './helpers';

const PROJECT = join(dirname(fileURLToPath(import.meta.url)), '..');

function examplesOf(text: string): string[] {
  const at = text.indexOf('\nExamples:\n');
  if (at < 0) return [];
  const out: string[] = [];
  for (const l of text.slice(at + '\nExamples:\n'.length).split('\n')) {
    if (l.startsWith('  $ ')) out.push(l.slice(4));
    else if (out.length && out[out.length - 1].endsWith('\\') && l.startsWith('      ')) out[out.length - 1] += `\n${l}`;
  }
  return out;
}

function runShell(line: string, cwd: string, db: string): Promise<{ status: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', line], { cwd, env: { ...process.env, PATH: `${join(cwd, '..', 'bin')}:${process.env.PATH}`, CI: 'true', NO_COLOR: '1', SCHOOLCTL_DB: db, HOME: cwd } });
    let out = '';
    child.stdout.on('data', () => {});
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => resolve({ status: code ?? -1, out }));
  });
}

describe('help examples', () => {
  let pages: { command: string; text: string }[];
  let demo: string;
  beforeAll(async () => {
    pages = await helpPages();
    demo = demoDb();
  }, 60_000);

  it('every help page, group pages included, has examples and fits 80 columns', () => {
    expect(pages.length).toBeGreaterThan(100);
    for (const p of pages) {
      expect(examplesOf(p.text).length, p.command).toBeGreaterThan(0);
      for (const l of p.text.split('\n')) expect(l.length, `${p.command}: ${l}`).toBeLessThanOrEqual(80);
      expect(p.text, p.command).not.toMatch(/\bseed 0\d\d\b/i);
    }
  });

  it('every example runs as written on a fresh demo model', async () => {
    const root = mkdtempSync(join(tmpdir(), 'schoolctl-examples-'));
    mkdirSync(join(root, 'bin'));
    writeFileSync(join(root, 'bin', 'schoolctl'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(join(root, 'bin', 'schoolctl'), 0o755);
    const all = [...new Set(pages.flatMap((p) => examplesOf(p.text)))];
    expect(all.length).toBeGreaterThan(100);
    const failures: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < all.length) {
        const i = next++;
        const line = all[i];
        const cwd = join(root, `e${i}`);
        mkdirSync(cwd);
        const db = join(cwd, 'schoolctl.db');
        copyFileSync(demo, db);
        // The examples run where the project is unpacked (its fixtures beside them), at home in a
        // throwaway folder, and with the admin's own backups to compare against at hand.
        symlinkSync(join(PROJECT, 'fixtures'), join(cwd, 'fixtures'));
        for (const other of ['today.db', 'yesterday.db', 'backup.db', 'prod.db']) copyFileSync(demo, join(cwd, other));
        const want = /# exit 1\b/.test(line) ? 1 : 0;
        const r = await runShell(line, cwd, db);
        if (r.status !== want) failures.push(`${line}\n    exit ${r.status}, wanted ${want}: ${r.out.trim().split('\n')[0]}`);
      }
    };
    await Promise.all([worker(), worker()]);
    expect(failures, failures.join('\n')).toEqual([]);
  }, 240_000);
});

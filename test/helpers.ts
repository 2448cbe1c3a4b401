// Helpers for end-to-end tests: spawn the built binary on a temporary model.

import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BIN = join(__dirname, '..', 'bin', 'schoolctl.js');

export interface Run {
  status: number;
  stdout: string;
  stderr: string;
  json: any;
}

export function tempDb(): string {
  return join(mkdtempSync(join(tmpdir(), 'schoolctl-test-')), 'model.db');
}

/** Runs schoolctl with the given words against a model file; never through a shell. */
export function run(db: string | null, ...args: string[]): Run {
  const full = db ? ['--db', db, ...args] : args;
  const r = spawnSync(process.execPath, [BIN, ...full], {
    encoding: 'utf8',
    maxBuffer: 1 << 28, // whole exports of large sites
    env: { ...process.env, CI: 'true', NO_COLOR: '1', SCHOOLCTL_DB: '' },
  });
  let json: unknown;
  if (args.includes('--json')) {
    try {
      json = JSON.parse(r.stdout);
    } catch {
      json = undefined;
    }
  }
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, json };
}

/** Runs a fix line as printed ("schoolctl policies set …"), split the way a shell would. */
export function runFix(db: string, line: string): Run {
  const words = [...line.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]));
  if (words[0] !== 'schoolctl') throw new Error(`not a schoolctl command: ${line}`);
  return run(db, ...words.slice(1));
}

/** A demo model in a temp file. */
export function demoDb(): string {
  const db = tempDb();
  const r = run(db, 'demo', '--quiet');
  if (r.status !== 0) throw new Error(`demo failed: ${r.stderr}`);
  return db;
}

// Helpers for end-to-end tests: spawn the built binary on a temporary model.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

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

/** A generated site of `users` users (seed `seed`) in a temp file. */
export function generatedDb(users: number, seed: number): string {
  const db = tempDb();
  const r = run(db, 'generate', '--users', String(users), '--seed', String(seed), '--quiet');
  if (r.status !== 0) throw new Error(`generate failed: ${r.stderr}`);
  return db;
}

/** The sections of the demo site file that are the core site (no supervisors, workflow or portal). */
export const CORE_SECTIONS = ['profiles', 'policies', 'units', 'users', 'courses', 'projects', 'terms'];

/** The demo site file with only the given top-level sections, written to a temp file. */
export function demoSiteFile(sections: readonly string[]): string {
  const doc = parseYaml(readFileSync(join(__dirname, '..', 'fixtures', 'demo-site.yaml'), 'utf8')) as Record<string, unknown>;
  const file = join(mkdtempSync(join(tmpdir(), 'schoolctl-site-')), 'site.yaml');
  writeFileSync(file, stringifyYaml(Object.fromEntries(sections.filter((k) => k in doc).map((k) => [k, doc[k]]))));
  return file;
}

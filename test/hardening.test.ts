// The edges a real administrator stands on: large sites, pipes, odd files, scripts with empty
// variables, sites without terms, high-impact changes, and help that runs.

import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, demoDb, run, tempDb } from './helpers';

const LATEST = 5; // migrations 001–005

function bash(script: string, env: Record<string, string> = {}) {
  return spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { ...process.env, CI: 'true', NO_COLOR: '1', SCHOOLCTL_DB: '', ...env } });
}
const CLI = `"${process.execPath}" "${BIN}"`;

describe('a 200,000-user site', () => {
  let big: string;
  beforeAll(() => {
    big = tempDb();
    const r = run(null, 'generate', '--users', '200000', '--db', big, '--quiet');
    if (r.status !== 0) throw new Error(r.stderr);
  }, 120_000);

  it('users list prints every one of its 200,000 users, as text and as JSON', () => {
    const text = run(big, 'users', 'list');
    expect(text.stderr).toBe('');
    expect(text.status).toBe(0);
    const users = (run(big, 'users', 'list', '--json').json as unknown[]).length;
    expect(users).toBeGreaterThanOrEqual(200_000);
    expect(text.stdout.trimEnd().split('\n').length).toBe(users + 2); // the header and the rule under it
  });

  it('parents list and the site-wide reverse lookup answer instead of overflowing the call stack', () => {
    for (const words of [['parents', 'list'], ['whocan', 'messages']]) {
      const r = run(big, ...words);
      expect(r.stderr, words.join(' ')).not.toMatch(/call stack|internal error/);
      expect(r.status, words.join(' ')).toBe(0);
    }
  });

  it('a listing cut short by head ends quietly with exit 0, for every command that prints', () => {
    for (const line of ['users list', 'courses list', 'units tree', 'export users', 'whocan --actions']) {
      const r = bash(`${CLI} --db "${big}" ${line} | head -1 >/dev/null; echo "exit=\${PIPESTATUS[0]}"`);
      expect(r.stderr, line).toBe('');
      expect(r.stdout.trim(), line).toBe('exit=0');
    }
  });
});

describe('opening the model', () => {
  it('a read command on a 0-byte file says it is not a schoolctl model and leaves it empty', () => {
    const db = tempDb();
    writeFileSync(db, '');
    const r = run(db, 'profiles', 'list');
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/not a schoolctl model/);
    expect(statSync(db).size).toBe(0);
    expect(run(db, 'doctor').status).toBe(3);
    expect(statSync(db).size).toBe(0);
    writeFileSync(db, 'name,profile\n');
    expect(run(db, 'users', 'list').stderr).toMatch(/not a schoolctl model/);
    expect(readFileSync(db, 'utf8')).toBe('name,profile\n');
  });

  it('a read changes neither the journal mode nor the schema version; an old model names the command that upgrades it', () => {
    const db = demoDb();
    const s = new Database(db);
    s.pragma('journal_mode = DELETE');
    s.close();
    const before = readFileSync(db);
    expect(run(db, 'users', 'list').status).toBe(0);
    expect(run(db, 'whocan', 'messages', '--user', 'l.bakker').status).toBe(1);
    expect(existsSync(`${db}-wal`)).toBe(false);
    expect(readFileSync(db).equals(before)).toBe(true);
    const old = new Database(db);
    old.pragma(`user_version = ${LATEST - 1}`);
    old.close();
    const r = run(db, 'users', 'list');
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/schoolctl .*upgrade/);
    expect(run(db, 'upgrade').status).toBe(0);
    expect(run(db, 'users', 'list').status).toBe(0);
  });

  it('a model the user may only read can be read, and a write on it is one sentence, exit 3', () => {
    const dir = mkdtempSync(join(tmpdir(), 'schoolctl-ro-'));
    chmodSync(dir, 0o777);
    const db = join(dir, 'model.db');
    copyFileSync(demoDb(), db);
    chmodSync(db, 0o444);
    const asNobody = (...args: string[]) =>
      spawnSync(process.execPath, [BIN, '--db', db, ...args], { encoding: 'utf8', uid: 65534, gid: 65534, env: { ...process.env, CI: 'true', NO_COLOR: '1' } });
    const read = asNobody('users', 'list');
    expect(read.stderr).toBe('');
    expect(read.status).toBe(0);
    const write = asNobody('users', 'add', 'x.new', '--profile', 'Student');
    expect(write.status).toBe(3);
    expect(write.stderr).toMatch(/read-only/);
    expect(write.stderr).not.toMatch(/bug/);
    expect(write.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('--db "" and --db :memory: are refused instead of keeping nothing', () => {
    for (const db of ['', ':memory:']) {
      const r = run(null, '--db', db, 'init');
      expect(r.status, db).toBe(2);
      expect(r.stderr, db).toMatch(/--db/);
    }
  });

  it('init --force on a model with users needs --yes and keeps the old model beside it', () => {
    const db = demoDb();
    const r = run(db, 'init', '--force');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--yes/);
    expect((run(db, 'users', 'list', '--json').json as unknown[]).length).toBeGreaterThan(10);
    expect(run(db, 'init', '--force', '--yes').status).toBe(0);
    expect(run(db, 'users', 'list', '--json').json).toEqual([]);
    const bak = readdirSync(dirname(db)).filter((f) => f.startsWith('model.db.bak-'));
    expect(bak).toHaveLength(1);
    expect((run(join(dirname(db), bak[0]), 'users', 'list', '--json').json as unknown[]).length).toBeGreaterThan(10);
  });

  it('init --force waits for another writer instead of recreating the file under it', async () => {
    const db = demoDb();
    const holder = spawn(process.execPath, ['-e', `const D=require(${JSON.stringify(require.resolve('better-sqlite3'))});const d=new D(${JSON.stringify(db)});d.pragma('busy_timeout=1000');d.exec('BEGIN IMMEDIATE');console.log('held');setTimeout(()=>{d.exec('COMMIT');process.exit(0)},12000)`]);
    await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
    const r = run(db, 'init', '--force', '--yes');
    holder.kill('SIGKILL');
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/locked/);
    expect((run(db, 'users', 'list', '--json').json as unknown[]).length).toBeGreaterThan(10);
  }, 30_000);

  it('kill -9 of init and generate --db at random moments leaves no model or a complete one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'schoolctl-kill-'));
    const kills = { init: 0, generate: 0 };
    const check = (db: string) => {
      if (!existsSync(db)) return;
      const s = new Database(db, { readonly: true });
      try {
        expect(s.pragma('user_version', { simple: true })).toBe(LATEST);
        expect(s.prepare('SELECT count(*) FROM profiles').pluck().get()).toBe(6);
      } finally {
        s.close();
      }
    };
    const started = Date.now();
    const killed: string[] = [];
    const one = async (kind: 'init' | 'generate', i: number) => {
      const db = join(dir, `${kind}${i}.db`);
      const args = kind === 'init' ? ['--db', db, 'init'] : ['--db', db, 'generate', '--users', '3000'];
      const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, CI: 'true' }, stdio: 'ignore' });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * (kind === 'init' ? 500 : 1200)));
      if (child.exitCode === null) {
        child.kill('SIGKILL');
        kills[kind]++;
        if (kind === 'generate') killed.push(db);
      }
      await exited;
      check(db);
    };
    // Four at a time, so a loaded machine still reaches its kills within the minute.
    for (let i = 0; (kills.init < 20 || kills.generate < 20) && Date.now() - started < 45_000; i++) {
      await Promise.all([one('init', 2 * i), one('init', 2 * i + 1), one('generate', 2 * i), one('generate', 2 * i + 1)]);
    }
    // A killed generate blocks no re-run.
    const rerun = killed.find((db) => !existsSync(db))!;
    expect(run(rerun, 'generate', '--users', '200', '--quiet').status).toBe(0);
    check(rerun);
    expect(kills.init).toBeGreaterThanOrEqual(20);
    expect(kills.generate).toBeGreaterThanOrEqual(20);
  }, 60_000);
});

describe('bad input is exit 2 with a sentence', () => {
  it('an empty --user is refused instead of becoming a reverse lookup', () => {
    const db = demoDb();
    const r = run(db, 'whocan', 'messages', '--user', '');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--user/);
  });

  it('a YAML alias bomb and a huge scalar in a site file are refused by their bounds', () => {
    const dir = mkdtempSync(join(tmpdir(), 'schoolctl-yaml-'));
    const bomb = join(dir, 'bomb.yaml');
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    writeFileSync(bomb, `${lines.join('\n')}\n`);
    const r = run(tempDb(), 'apply', bomb);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/alias/);
    expect(r.stderr).not.toMatch(/bug/);
    const huge = join(dir, 'huge.yaml');
    writeFileSync(huge, `terms:\n  - { id: ${'t'.repeat(20_000_000)}, from: 2025-09-01, to: 2025-12-19 }\n`);
    const h = run(tempDb(), 'apply', huge);
    expect(h.status).toBe(2);
    expect(h.stderr.length).toBeLessThan(1000);
    expect(h.stderr).toMatch(/characters/);
  });

  it('directory and file mix-ups for --db, init --force and generate --out are a sentence, exit 2', () => {
    const db = demoDb();
    const dir = mkdtempSync(join(tmpdir(), 'schoolctl-mix-'));
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    for (const [name, r] of [
      ['--db FILE/', run(`${db}/`, 'users', 'list')],
      ['init --force on a directory', run(dir, 'init', '--force', '--yes')],
      ['generate --out onto a file', run(null, 'generate', '--users', '10', '--out', file)],
    ] as const) {
      expect(r.status, name).toBe(2);
      expect(r.stderr, name).not.toMatch(/bug|internal/);
      expect(r.stderr.trim().split('\n'), name).toHaveLength(1);
    }
  });

  it('a multi-megabyte cell is cut in the message that quotes it', () => {
    const db = demoDb();
    const csv = join(mkdtempSync(join(tmpdir(), 'schoolctl-cut-')), 'users.csv');
    writeFileSync(csv, `username,name,email,external_id,profile,units\nx.big,X,,,${'a'.repeat(8_388_608)},\n`);
    const r = run(db, 'import', 'users', csv);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('(8,388,608 characters)');
    expect(r.stderr.length).toBeLessThan(2000);
  });
});

describe('terms', () => {
  it('the default term of a North learner is a term that applies to North, and the trace says why', () => {
    const db = demoDb();
    const r = run(db, 'whocan', 'view-behaviour', 'learner:s.bakker', '--user', 'p.bakker', '--json');
    const step = r.json.trace.find((s: { rule: string }) => s.rule === 'term');
    expect(step.detail).not.toMatch(/south-exams/);
    expect(step.detail).toMatch(/north|site/);
  });

  it('without terms, staff who see every phase are answered; a parent is denied with the terms add fix', () => {
    const db = tempDb();
    const site = join(dirname(db), 'site.yaml');
    const doc = readFileSync(join(__dirname, '..', 'fixtures', 'demo-site.yaml'), 'utf8').replace(/^terms:\n(  - .*\n)+/m, '');
    writeFileSync(site, doc);
    expect(run(db, 'apply', site, '--quiet').status).toBe(0);
    const lookup = run(db, 'whocan', 'view-behaviour', 'learner:s.bakker', '--json');
    expect(lookup.status).toBe(0);
    expect(lookup.json.allowed.map((a: { user: string }) => a.user)).toContain('j.devries');
    const parent = run(db, 'whocan', 'view-behaviour', 'learner:s.bakker', '--user', 'p.bakker', '--json');
    expect(parent.status).toBe(1);
    expect(parent.json.fixes.join('\n')).toMatch(/schoolctl terms add/);
  });
});

describe('high-impact changes say what they do', () => {
  it('switching the mentor role off lists the assignments it breaks and needs --yes', () => {
    const db = demoDb();
    const r = run(db, 'profiles', 'set', 'Staff', 'mentor-role=off');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/j\.devries/);
    expect(run(db, 'profiles', 'show', 'Staff', '--json').stdout).toMatch(/"mentor-role"[^}]*"on"/);
    const y = run(db, 'profiles', 'set', 'Staff', 'mentor-role=off', '--yes');
    expect(y.status).toBe(0);
    expect(y.stderr).toMatch(/j\.devries/);
  });

  it('removing the last portal admin, the last ILP template or a mentor of learners is refused without --yes', () => {
    const db = demoDb();
    for (const words of [
      ['portal', 'user', 'root', '--type', 'werknemer'],
      ['ilp-templates', 'remove', 'Individual learning plan'],
      ['supervisor', 'remove-mentor', 'm.peters'],
    ]) {
      const r = run(db, ...words);
      expect(r.status, words.join(' ')).toBe(2);
      expect(r.stderr, words.join(' ')).toMatch(/--yes/);
    }
  });

  it('a change reads as field: before → after, never a JSON blob', () => {
    const db = demoDb();
    const r = run(db, 'users', 'set', 's.bakker', '--email', 'new@example.org');
    expect(r.status).toBe(0);
    expect(r.stdout).not.toMatch(/[{}]/);
    expect(r.stdout).toMatch(/email: .* → new@example\.org/);
  });
});

describe('help', () => {
  it('the top-level help lists the exit codes and fits 80 columns', () => {
    const r = run(null, '--help');
    expect(r.stdout).toMatch(/Exit status/);
    for (const l of r.stdout.split('\n')) expect(l.length, l).toBeLessThanOrEqual(80);
  });

  it('no help page or section label names a source document', () => {
    const db = demoDb();
    expect(run(db, 'profiles', 'matrix').stdout).not.toMatch(/seed/i);
    expect(run(null, 'schoolfunction', '--help').stdout).not.toMatch(/seed/i);
  });
});

export { mkdirSync };

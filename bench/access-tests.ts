// `schoolctl test` at scale: a file of 1,000 assertions of the kinds a site's regression suite
// holds (checks, fixes, exact `who` sets and `only` lists on learners and classes), pinned from the
// site's own answers so that all pass, timed as one whole process (start-up included).

import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { accessTestText } from '../src/db/access-tests/test-file.js';
import { createFacts } from '../src/db/facts/sqlite-facts.js';
import type { Assertion } from '../src/model/access-tests.js';
import { verifiedDecision } from '../src/commands/fix-check.js';
import { decisionEngine } from '../src/model/registry.js';
import { BIN, median } from './decisions.js';

export interface AccessTestFigures {
  assertions: number;
  byKind: Record<string, number>;
  ms: number;
  passed: number;
  failed: number;
}

/**
 * The assertions: 550 allow/deny, 50 fix, 250 who on learners, 150 only on learners and classes.
 * A fix is pinned as `schoolctl test` judges it: the narrowest verified fix, from the same function.
 */
async function pinned(path: string): Promise<Assertion[]> {
  const db = new Database(path);
  const facts = createFacts(db as never);
  const engine = decisionEngine();
  const term = db.prepare('SELECT id FROM terms WHERE org_id IS NULL ORDER BY starts DESC LIMIT 1').pluck().get() as string | undefined;
  const pick = (sql: string, n: number) => db.prepare(`${sql} ORDER BY random() LIMIT ${n}`).pluck().all() as string[];
  const users = pick('SELECT username FROM users', 700);
  const learners = pick(`SELECT u.username FROM users u JOIN profiles p ON p.id = u.profile_id WHERE p.role_in_hierarchy = 'student'`, 400);
  const classes = pick(`SELECT id FROM units WHERE kind = 'class'`, 50);
  const units = pick(`SELECT id FROM units`, 200);
  const out: Assertion[] = [];
  const questions = [
    (u: string, i: number) => ({ action: 'messages' as string, target: undefined as string | undefined, user: u, i }),
    (u: string, i: number) => ({ action: 'create-courses', target: `unit:${units[i % units.length]}`, user: u, i }),
    (u: string, i: number) => ({ action: 'search-user', target: `user:${learners[i % learners.length]}`, user: u, i }),
    (u: string, i: number) => ({ action: 'view-behaviour', target: `learner:${learners[i % learners.length]}`, user: u, i }),
    (u: string, i: number) => ({ action: 'tab:mentor', target: undefined, user: u, i }),
  ];
  let fixes = 0;
  for (const [i, user] of users.entries()) {
    if (out.length >= 600) break;
    const q = questions[i % questions.length](user, i);
    const question = { action: q.action, ...(q.target ? { target: q.target } : {}), ...(q.action === 'view-behaviour' && term ? { term } : {}) };
    const d = engine.decide(facts, q.action, user, q.target, { term: question.term });
    const name = `${user} ${q.action} ${q.target ?? ''} #${i}`;
    if (d.decision === 'deny' && d.fixes.length && fixes < 50) {
      const verified = await verifiedDecision(db as never, engine, q.action, user, q.target, { term: question.term }, 'narrowest');
      if (verified.fixes.length) {
        fixes++;
        out.push({ kind: 'fix', name, question, user, commands: verified.fixes });
        continue;
      }
    }
    out.push({ kind: d.decision, name, question, user });
  }
  for (const [i, l] of learners.slice(0, 250).entries()) {
    const action = i % 2 ? 'manage-ilp' : 'view-behaviour';
    const question = { action, target: `learner:${l}`, ...(action === 'view-behaviour' && term ? { term } : {}) };
    out.push({ kind: 'who', name: `who ${action} ${l}`, question, exactly: engine.whoCan(facts, action, question.target, { term: question.term }).allowed.map((a) => a.user) });
  }
  for (const l of learners.slice(250, 350)) {
    out.push({ kind: 'only', name: `only staff view-attendance ${l}`, question: { action: 'view-attendance', target: `learner:${l}`, ...(term ? { term } : {}) }, users: [l, 'external'], profiles: ['Staff', 'Administrator', 'System Administrator', 'Parent'], units: [] });
  }
  for (const c of classes) {
    out.push({ kind: 'only', name: `only staff create courses in ${c}`, question: { action: 'create-courses', target: `class:${c}` }, users: [], profiles: ['Staff', 'Administrator', 'System Administrator'], units: [] });
  }
  db.close();
  return out;
}

export async function measureAccessTests(path: string, runs = 3): Promise<AccessTestFigures> {
  const assertions = await pinned(path);
  const file = join(mkdtempSync(join(tmpdir(), 'schoolctl-bench-')), 'access.yaml');
  writeFileSync(file, accessTestText([{ title: 'bench', note: 'pinned from the site', assertions }], ['bench']));
  const times: number[] = [];
  let last: { passed: number; failed: number } = { passed: 0, failed: 0 };
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, [BIN, '--db', path, 'test', file, '--json'], { encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, NO_COLOR: '1' } });
    times.push(performance.now() - t);
    if (r.status !== 0 && r.status !== 1) throw new Error(`schoolctl test failed: ${r.stderr}`);
    last = JSON.parse(r.stdout) as { passed: number; failed: number };
  }
  const byKind: Record<string, number> = {};
  for (const a of assertions) byKind[a.kind] = (byKind[a.kind] ?? 0) + 1;
  return { assertions: assertions.length, byKind, ms: median(times), passed: last.passed, failed: last.failed };
}

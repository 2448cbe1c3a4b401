// How far a fix reaches is measured only among the people it can affect (for a settings-only fix,
// those whose own settings it changes), and on a human answer only as far as ranking needs. Both
// shortcuts must give exactly what a brute-force measure gives: every alternative run again on
// its own, with everyone allowed the same action and target compared before and after.

import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../src/cli';
import { verifiedDecision } from '../src/commands/fix-check';
import { createFacts } from '../src/db/facts/sqlite-facts';
import { parseShellWords } from '../src/model/errors';
import { decisionEngine } from '../src/model/registry';
import { formatTarget, type Decision } from '../src/model/trace';
import { demoDb, generatedDb } from './helpers';

type Db = Database.Database;
const engine = decisionEngine();

/** Everyone but the subject allowed the question, before and after these commands (rolled back). */
async function bruteReach(db: Db, d: Decision, commands: readonly string[], opts: { term?: string }) {
  const target = d.target ? formatTarget(d.target) : undefined;
  const allowed = () => new Set(engine.whoCan(createFacts(db), d.action, target, opts).allowed.map((a) => a.user).filter((u) => u !== d.subject.user));
  const was = allowed();
  db.exec('BEGIN');
  let now: Set<string>;
  try {
    for (const line of commands) await runCommand(db, parseShellWords(line).slice(1));
    now = allowed();
  } finally {
    db.exec('ROLLBACK');
  }
  return { gains: [...now].filter((u) => !was.has(u)).sort(), losses: [...was].filter((u) => !now.has(u)).sort() };
}

async function compare(path: string, users: string[], questions: { action: string; target?: string }[], opts: { term?: string }) {
  const db = new Database(path);
  let alternatives = 0;
  let reaching = 0;
  try {
    for (const q of questions) {
      for (const user of users) {
        const plain = engine.decide(createFacts(db), q.action, user, q.target, opts);
        if (plain.decision === 'allow' || plain.fixes.length === 0) continue;
        const all = await verifiedDecision(db, engine, q.action, user, q.target, opts, 'all');
        const narrow = await verifiedDecision(db, engine, q.action, user, q.target, opts, 'narrowest');
        const what = `${q.action} ${q.target ?? ''} --user ${user}`;
        // The same narrowest fix, with the same reach, whichever way it was measured.
        expect(narrow.fixes, what).toEqual(all.fixes);
        if (all.alternatives?.length) expect(narrow.alternatives![0], what).toEqual(all.alternatives[0]);
        // Every alternative the lazy check tried is one of --fixes all's, with the same reach; the
        // ones it did not try are counted, never dropped.
        for (const alt of narrow.alternatives ?? []) expect(all.alternatives, what).toContainEqual(alt);
        expect((narrow.alternatives?.length ?? 0) + (narrow.untriedFixes ?? 0), what).toBeGreaterThanOrEqual(all.alternatives?.length ?? 0);
        for (const alt of all.alternatives ?? []) {
          alternatives++;
          const brute = await bruteReach(db, plain, alt.commands, opts);
          expect({ gains: alt.gains!.map((g) => g.user), losses: alt.losses!.map((g) => g.user) }, `${what}: ${alt.commands.join(' && ')}`).toEqual(brute);
          if (brute.gains.length + brute.losses.length) reaching++;
        }
      }
    }
  } finally {
    db.close();
  }
  return { alternatives, reaching };
}

describe('the reach of a fix', () => {
  it('on the demo: the scoped and the lazy measure equal brute force for every alternative', async () => {
    const path = demoDb();
    const db = new Database(path, { readonly: true });
    const users = db.prepare('SELECT username FROM users ORDER BY username').pluck().all() as string[];
    const learner = db.prepare(`SELECT u.username FROM users u JOIN profiles p ON p.id = u.profile_id WHERE p.role_in_hierarchy = 'student' ORDER BY 1 LIMIT 1`).pluck().get() as string;
    db.close();
    const questions = [
      { action: 'messages' },
      { action: 'create-courses' },
      { action: 'tab:mentor' },
      { action: 'search-user', target: `user:${learner}` },
      { action: 'view-behaviour', target: `learner:${learner}` },
      { action: 'tab:supervisor' },
      { action: 'tab:headteacher' },
      { action: 'manage-ilp', target: `learner:${learner}` },
      { action: 'manage-user', target: `user:${learner}` },
      { action: 'user-and-access-rights-management', target: 'unit:north' },
    ];
    const r = await compare(path, users, questions, { term: '2026-T2' });
    // It must have compared alternatives that reach others, not only ones that reach nobody.
    expect(r.alternatives).toBeGreaterThan(40);
    expect(r.reaching).toBeGreaterThan(5);
  }, 120_000);

  it('on a generated 2,000-user site, for a sample of users', async () => {
    const path = generatedDb(2000, 11);
    const db = new Database(path, { readonly: true });
    const users = (db.prepare('SELECT username FROM users ORDER BY username').pluck().all() as string[]).filter((_, i) => i % 200 === 0);
    const learner = db.prepare(`SELECT u.username FROM users u JOIN profiles p ON p.id = u.profile_id WHERE p.role_in_hierarchy = 'student' ORDER BY u.id DESC LIMIT 1`).pluck().get() as string;
    const term = db.prepare('SELECT id FROM terms ORDER BY id LIMIT 1').pluck().get() as string | undefined;
    db.close();
    const r = await compare(path, users, [{ action: 'create-courses' }, { action: 'search-user', target: `user:${learner}` }, { action: 'tab:mentor' }, { action: 'view-behaviour', target: `learner:${learner}` }], { term });
    expect(r.alternatives).toBeGreaterThan(10);
  }, 120_000);
});

describe('a policy for the user alone, tried on the facts', () => {
  it('gives the same decision as running its commands, for every such alternative on the demo', async () => {
    const { fixAlternatives, withUserPolicy } = await import('../src/model/fix-alternatives');
    const { userPolicyOf } = await import('../src/commands/fix-check');
    const path = demoDb();
    const db = new Database(path);
    const users = db.prepare('SELECT username FROM users ORDER BY username').pluck().all() as string[];
    const opts = { term: '2026-T2', project: '2025-2026' };
    let compared = 0;
    let allowed = 0;
    try {
      const facts = createFacts(db);
      for (const def of engine.actions()) {
        if (def.targetRequired) continue;
        for (const user of users) {
          const d = engine.decide(facts, def.key, user, undefined, opts);
          if (d.decision === 'allow') continue;
          for (const alt of fixAlternatives(facts, d)) {
            const policy = userPolicyOf(db, facts, alt.commands);
            if (!policy) continue;
            const onFacts = engine.decide(withUserPolicy(facts, policy), def.key, user, undefined, opts).decision;
            db.exec('BEGIN');
            let ran: string;
            try {
              for (const line of alt.commands) await runCommand(db, parseShellWords(line).slice(1));
              ran = engine.decide(createFacts(db), def.key, user, undefined, opts).decision;
            } finally {
              db.exec('ROLLBACK');
            }
            expect(onFacts, `${def.key} --user ${user}: ${alt.commands.join(' && ')}`).toBe(ran);
            compared++;
            if (ran === 'allow') allowed++;
          }
        }
      }
    } finally {
      db.close();
    }
    // Both outcomes were compared: fixes that work, and ones a stricter policy defeats.
    expect(compared).toBeGreaterThan(50);
    expect(allowed).toBeGreaterThan(0);
    expect(compared - allowed).toBeGreaterThan(0);
  }, 300_000);
});

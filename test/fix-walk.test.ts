// Every printed fix keeps its promise: walked over the whole demo (every user × every action, a
// sample of targets per targeted action) and over a generated site, each fix whocan would print
// is run again on its own in a fresh transaction, and the answer must then be allow; every deny
// without a fix must say why.

import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../src/cli';
import { checkManyFixes } from '../src/commands/fix-check';
import { createFacts } from '../src/db/facts/sqlite-facts';
import { parseShellWords } from '../src/model/errors';
import type { Facts } from '../src/model/facts';
import { decisionEngine } from '../src/model/registry';
import type { Decision } from '../src/model/trace';
import { demoDb, generatedDb } from './helpers';

type Db = Database.Database;

/** A few ids of each target kind, spread over the model (first, middle, last). */
function sampleTargets(db: Db, perKind: number): Record<string, string[]> {
  const ids = (q: string) => db.prepare(q).pluck().all() as string[];
  const spread = (all: string[]) => {
    if (all.length <= perKind) return all;
    const step = all.length / perKind;
    return Array.from({ length: perKind }, (_, i) => all[Math.floor(i * step)]);
  };
  return {
    user: spread(ids('SELECT username FROM users ORDER BY username')),
    learner: spread(ids(`SELECT DISTINCT u.username FROM users u JOIN memberships m ON m.user_id = u.id JOIN profiles p ON p.id = u.profile_id WHERE coalesce(m.role, p.role_in_hierarchy) = 'student' ORDER BY 1`)),
    unit: spread(ids('SELECT id FROM units ORDER BY id')),
    class: spread(ids(`SELECT id FROM units WHERE kind IN ('class', 'group') ORDER BY id`)),
    course: spread(ids('SELECT id FROM courses ORDER BY id')),
    project: spread(ids('SELECT id FROM projects ORDER BY id')),
    policy: spread(ids('SELECT name FROM policies ORDER BY name')),
    term: spread(ids('SELECT id FROM terms ORDER BY id')),
    profile: spread(ids('SELECT name FROM profiles ORDER BY name')),
    klas: spread(ids('SELECT id FROM portal_klassen ORDER BY id')),
    afdeling: spread(ids('SELECT id FROM portal_afdelingen ORDER BY id')),
    team: spread(ids('SELECT id FROM portal_teams ORDER BY id')),
    sectie: spread(ids('SELECT id FROM portal_secties ORDER BY id')),
  };
}

interface Walk {
  denies: number;
  withFix: number;
  withoutFix: number;
}

async function walk(path: string, users: string[], perKind: number, opts: { term?: string; project?: string }): Promise<Walk> {
  const db = new Database(path);
  const engine = decisionEngine();
  const targets = sampleTargets(db, perKind);
  const out: Walk = { denies: 0, withFix: 0, withoutFix: 0 };
  try {
    for (const def of engine.actions()) {
      // A site without portal projects (or terms) has no such decisions to walk.
      if ((def.needsProject && !opts.project) || (def.needsTerm && !opts.term)) continue;
      const targetList: (string | undefined)[] = def.targetKinds.length === 0 ? [undefined] : def.targetKinds.flatMap((k) => (targets[k] ?? []).map((id) => `${k}:${id}`));
      if (!def.targetRequired && def.targetKinds.length) targetList.push(undefined);
      const evalOpts = { term: def.needsTerm ? opts.term : undefined, project: def.needsProject ? opts.project : undefined };
      // Facts cache profiles; every fix below is rolled back, so one set serves the whole action.
      const facts = createFacts(db);
      const denies: { decision: Decision; user: string; target: string | undefined }[] = [];
      for (const target of targetList) {
        for (const user of users) {
          const d = engine.decide(facts, def.key, user, target, evalOpts);
          if (d.decision === 'deny') denies.push({ decision: d, user, target });
        }
      }
      out.denies += denies.length;
      const judge = (user: string, target: string | undefined) => ({
        decide: (f: Facts, as?: string) => engine.decide(f, def.key, as ?? user, target, evalOpts),
        allowed: (f: Facts, among?: (u: string) => boolean) => new Set(engine.whoCan(f, def.key, target, evalOpts, among).allowed.map((a) => a.user)),
      });
      // What whocan prints for each deny: the same verification and ranking, done for all of them at once.
      const checked = await checkManyFixes(db, denies.map((d) => ({ decision: d.decision, judge: judge(d.user, d.target) })), 'narrowest');
      const byFix = new Map<string, { lines: readonly string[]; denies: typeof denies }>();
      denies.forEach((d, i) => {
        const printed = checked[i].fixes[0]?.commands ?? [];
        if (printed.length === 0) {
          out.withoutFix++;
          // A deny without a fix says why: the sentence of the check, or the failed steps of the trace.
          const why = checked[i].noFix ?? d.decision.trace.find((s) => s.result === 'fail')?.detail;
          expect(why, `${def.key} ${d.target ?? ''} --user ${d.user}`).toBeTruthy();
          return;
        }
        out.withFix++;
        const key = printed.join('\n');
        if (!byFix.has(key)) byFix.set(key, { lines: printed, denies: [] });
        byFix.get(key)!.denies.push(d);
      });
      // Each printed fix on its own, in a fresh transaction: every deny it was printed for is then allow.
      for (const { lines, denies: these } of byFix.values()) {
        db.exec('BEGIN');
        try {
          for (const line of lines) await runCommand(db, parseShellWords(line).slice(1));
          const after = createFacts(db);
          for (const d of these) {
            expect(engine.decide(after, def.key, d.user, d.target, evalOpts).decision, `${def.key} ${d.target ?? ''} --user ${d.user}: ${lines.join(' && ')}`).toBe('allow');
          }
        } finally {
          db.exec('ROLLBACK');
        }
      }
    }
  } finally {
    db.close();
  }
  return out;
}

describe('every printed fix works', () => {
  it('on the demo: every user × every action, a sample of targets', async () => {
    const path = demoDb();
    const db = new Database(path, { readonly: true });
    const users = db.prepare('SELECT username FROM users ORDER BY username').pluck().all() as string[];
    db.close();
    const t0 = Date.now();
    const w = await walk(path, users, 2, { term: "2026-T2", project: "2025-2026" });
    console.log(`demo walk: ${JSON.stringify(w)} in ${Date.now() - t0} ms`);
    // The walk must have reached the cases it is about.
    expect(w.withFix).toBeGreaterThan(500);
    expect(w.withoutFix).toBeGreaterThan(0);
  }, 300_000);

  it('on a generated 2,000-user site: a sample of users × every action', async () => {
    const path = generatedDb(2000, 7);
    const db = new Database(path, { readonly: true });
    const all = db.prepare('SELECT username FROM users ORDER BY username').pluck().all() as string[];
    const term = db.prepare('SELECT id FROM terms ORDER BY id LIMIT 1').pluck().get() as string | undefined;
    db.close();
    const users = all.filter((_, i) => i % 100 === 0);
    const w = await walk(path, users, 2, { term });
    console.log(`generated walk: ${JSON.stringify(w)}`);
    expect(w.withFix).toBeGreaterThan(50);
  }, 300_000);
});

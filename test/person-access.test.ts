// `whocan --user U --all` judges, for a targeted action, only the targets the person can hold
// something on (`ActionDef.reach`). That must give exactly what judging every target of the
// surface one by one gives: checked for every user of the demo and a sample of every kind of
// person on a generated 2,000-user site with supervisors, workflow and a portal project.

import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrichSite } from '../bench/enrich';
import { createFacts } from '../src/db/facts/sqlite-facts';
import { personSurface, pointKey, type PersonSurfaceOptions } from '../src/model/access-surface';
import type { Facts } from '../src/model/facts';
import type { Outcome } from '../src/model/trace';
import { decisionEngine } from '../src/model/registry';
import { demoDb, generatedDb, run } from './helpers';

const engine = decisionEngine();

/** The allowed points of one person's surface, and how many points were judged. */
function allowed(facts: Facts, username: string, opts: PersonSurfaceOptions): { allowed: string[]; judged: number } {
  const out: string[] = [];
  let judged = 0;
  let last: Outcome | undefined;
  for (const { point, outcome } of personSurface(engine, facts, facts.user(username)!, opts)) {
    // One outcome given for many targets (targetFree) counts as one judgement.
    if (outcome !== last) judged++;
    last = outcome;
    if (outcome.allow) out.push(pointKey(point));
  }
  return { allowed: out, judged };
}

/**
 * Each user's surface judged on every target one by one, against the shortcuts: both (what
 * `whocan --all` runs), only the reach, only the target-free judgements. The same allowed
 * points, in the same order.
 */
function compare(facts: Facts, usernames: readonly string[]): { judged: number; restricted: number; allowedTargeted: number } {
  let judged = 0;
  let restricted = 0;
  let allowedTargeted = 0;
  for (const u of usernames) {
    const all = allowed(facts, u, { reach: false, targetFree: false });
    const some = allowed(facts, u, {});
    expect(some.allowed, u).toEqual(all.allowed);
    expect(allowed(facts, u, { targetFree: false }).allowed, `${u}, reach only`).toEqual(all.allowed);
    expect(allowed(facts, u, { reach: false }).allowed, `${u}, target-free only`).toEqual(all.allowed);
    judged += all.judged;
    restricted += some.judged;
    allowedTargeted += all.allowed.filter((k) => k.split('\u0000')[1] !== '').length;
  }
  return { judged, restricted, allowedTargeted };
}

describe('whocan --all judges only what a person can reach, and finds exactly what judging every target finds', () => {
  it('for every user of the demo', () => {
    const db = new Database(demoDb(), { readonly: true });
    try {
      const facts = createFacts(db as never);
      const users = db.prepare('SELECT username FROM users ORDER BY username').pluck().all() as string[];
      const r = compare(facts, users);
      // The restriction is real, and the comparison is not of empty sets.
      expect(r.restricted).toBeLessThan(r.judged / 2);
      expect(r.allowedTargeted).toBeGreaterThan(100);
    } finally {
      db.close();
    }
  }, 300_000);

  describe('for a sample of every kind of person on a generated 2,000-user site', () => {
    let path: string;
    let db: Database.Database;
    beforeAll(() => {
      path = generatedDb(2000, 3);
      enrichSite(path);
      const w = new Database(path);
      const staff = w.prepare(`SELECT u.username FROM users u JOIN profiles p ON p.id = u.profile_id WHERE p.name = 'Staff' ORDER BY u.id LIMIT 3`).pluck().all() as string[];
      const school = w.prepare(`SELECT id FROM units WHERE kind = 'school' ORDER BY id LIMIT 1`).pluck().get() as string;
      const learner = w.prepare(`SELECT u.username FROM users u JOIN profiles p ON p.id = u.profile_id WHERE p.name = 'Student' ORDER BY u.id LIMIT 1 OFFSET 30`).pluck().get() as string;
      // A course of the learner whose attendance is with the mentors (group registration).
      const course = w
        .prepare(`SELECT c.course_id AS id, u.username AS teacher FROM course_members c JOIN course_members t ON t.course_id = c.course_id AND t.role = 'teacher'
                  JOIN users u ON u.id = t.user_id JOIN users l ON l.id = c.user_id WHERE l.username = ? AND c.role = 'learner' ORDER BY 1 LIMIT 1`)
        .get(learner) as { id: string; teacher: string };
      w.close();
      expect(run(path, '--as', course.teacher, 'workflow', 'advance', 'attendance', `course:${course.id}`, '--term', '2025-T1').status).toBe(0);
      // A decaan of one afdeling, a project-wide function, a direct mentor of that learner.
      expect(run(path, 'schoolfunction', 'assign', 'decaan', staff[0], '--project', '2025-2026', '--afdeling', school).status).toBe(0);
      expect(run(path, 'schoolfunction', 'assign', 'leerlingadministratie', staff[1], '--project', '2025-2026').status).toBe(0);
      expect(run(path, 'supervisor', 'add-mentor', staff[2], '--learner', learner).status).toBe(0);
      db = new Database(path, { readonly: true });
    }, 300_000);
    afterAll(() => db?.close());

    it('identical for learners, parents, teachers, mentors, headteachers, portal functions and administrators', () => {
      const facts = createFacts(db as never);
      const one = (sql: string, n = 2) => db.prepare(`${sql} LIMIT ${n}`).pluck().all() as string[];
      const ofProfile = (p: string, n = 2) => one(`SELECT u.username FROM users u JOIN profiles pr ON pr.id = u.profile_id WHERE pr.name = '${p}' ORDER BY u.id`, n);
      const sample = [
        ...ofProfile('Student', 3),
        ...ofProfile('Parent'),
        ...ofProfile('Guest', 1),
        ...ofProfile('Administrator', 1),
        ...ofProfile('System Administrator', 1),
        ...one(`SELECT u.username FROM course_members c JOIN users u ON u.id = c.user_id WHERE c.role = 'teacher' GROUP BY u.id ORDER BY count(*) DESC`),
        ...one('SELECT u.username FROM mentor_classes m JOIN users u ON u.id = m.mentor_id GROUP BY u.id ORDER BY count(*) DESC'),
        ...one('SELECT u.username FROM mentor_learners m JOIN users u ON u.id = m.mentor_id', 1),
        ...one('SELECT u.username FROM headteacher_orgs h JOIN users u ON u.id = h.user_id ORDER BY u.id'),
        ...one('SELECT DISTINCT u.username FROM schoolfunction_assignments a JOIN users u ON u.id = a.user_id WHERE a.function <> \'mentor\''),
      ];
      expect(new Set(sample).size).toBeGreaterThanOrEqual(14);
      const r = compare(facts, [...new Set(sample)]);
      expect(r.restricted).toBeLessThan(r.judged / 4);
      expect(r.allowedTargeted).toBeGreaterThan(1000);
    }, 600_000);
  });
});

describe('whocan --all: bad input is exit 2 with one sentence', () => {
  let db: string;
  beforeAll(() => {
    db = demoDb();
    expect(run(db, 'users', 'remove', 'e.smit', '--yes').status).toBe(0);
  }, 120_000);

  it.each([
    [['--user', 'nosuchuser'], /There is no user "nosuchuser"/],
    [['--user', 'e.smit'], /There is no user "e\.smit"/],
    [['--user', 'external'], /external systems/],
    [['--user', ' '], /--user is empty/],
    [[], /give --user USERNAME/],
    [['messages', '--user', 's.bakker'], /leave out "messages"/],
    [['--user', 's.bakker', '--term', '2026-T2'], /does not take --term/],
    [['--user', 's.bakker', '--project', '2025-2026'], /does not take --project/],
    [['--user', 's.bakker', '--what-if', 'profiles set Student messages=off'], /does not take --what-if/],
    [['--user', 's.bakker', '--fixes', 'all'], /does not take --fixes/],
  ])('whocan --all %j', (args, message) => {
    const r = run(db, 'whocan', '--all', ...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    const j = run(db, 'whocan', '--all', ...args, '--json');
    expect(j.status).toBe(2);
    expect(j.json?.error?.code).toMatch(/^[a-z-]+$/);
  });

  it('a good user lists every action of the surface, each targeted one with its targets', () => {
    const r = run(db, 'whocan', '--all', '--user', 'j.devries', '--json');
    expect(r.status).toBe(0);
    const rows = Object.values(r.json.modules as Record<string, { action: string; decision: string; targets?: string[] }[]>).flat();
    expect(rows.find((x) => x.action === 'manage-ilp')?.targets).toContain('learner:s.bakker');
    expect(rows.find((x) => x.action === 'edit-behaviour')?.targets?.length).toBeGreaterThan(0);
    expect(rows.find((x) => x.action === 'messages')).toMatchObject({ decision: 'allow' });
  });
});

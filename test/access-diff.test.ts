// The access diff against brute force: random changes of every kind, run in-process inside a
// transaction that is rolled back, and every (user, action, target) checked one by one on both
// models. On the demo every user and every surface point is checked; on the generated 2,000-user
// site a fixed-seed sample of users and targeted points, plus every user and point the diff names.

import Database from 'better-sqlite3';
import { copyFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../src/cli';
import { changedFacts, trackChanges } from '../src/db/change-tracking';
import { createFacts } from '../src/db/facts/sqlite-facts';
import { accessDiff, evaluateAt, OUTSIDE_SURFACE, pointKey, surfacePoints, type SurfacePoint } from '../src/model/access-surface';
import type { ActionDef } from '../src/model/engine';
import type { Facts } from '../src/model/facts';
import { decisionEngine } from '../src/model/registry';
import { CATALOGUE, isActionSetting } from '../src/model/settings-catalogue';
import { prng } from '../src/model/site-generator';
import { demoDb, run, tempDb } from './helpers';

const engine = decisionEngine();
const SURFACE = engine.actions().filter((d) => !OUTSIDE_SURFACE.has(d.module));


type Pick = <T>(xs: readonly T[]) => T;

const DIGITS = Array.from({ length: 1000 }, (_, i) => i / 1000);
const random01 = (pick: Pick) => pick(DIGITS);

const col = (db: Database.Database, sql: string) => db.prepare(sql).pluck().all() as string[];

/** One random change of a kind, as the schoolctl command lines that make it. */
function randomChange(kind: string, db: Database.Database, pick: Pick): string[][] {
  const users = () => col(db, 'SELECT username FROM users');
  const profiles = () => col(db, 'SELECT name FROM profiles');
  const units = (kinds: string) => col(db, `SELECT id FROM units WHERE kind IN (${kinds})`);
  const policies = () => col(db, 'SELECT name FROM policies');
  const settings = CATALOGUE.filter(isActionSetting);
  const setting = () => {
    const s = pick(settings);
    return `${s.key}=${s.kind === 'on-off' ? pick(['on', 'off']) : pick(['site', 'school', 'disabled'])}`;
  };
  const areas = ['attendance', 'behaviour', 'assessment'];
  switch (kind) {
    case 'profile-setting':
      return [['profiles', 'set', pick(profiles()), setting(), pick(['mentor-role=on', 'headteacher-role=on', 'share-ilp=on', setting()])]];
    case 'policy': {
      const p = pick(policies());
      const to = pick([['--profile', pick(profiles())], ['--unit', pick(units(`'school','class','group','organisation'`))], ['--user', pick(users())]]);
      return pick([
        [['policies', 'set', p, setting()]],
        [['policies', 'apply', p, ...to]],
        [['policies', 'unapply', p, ...to]],
        [['policies', 'create', 'Whatif'], ['policies', 'set', 'Whatif', setting(), setting()], ['policies', 'apply', 'Whatif', ...to]],
        [['policies', 'create', 'Whatif school', '--org', pick(units(`'school'`))], ['policies', 'set', 'Whatif school', setting()], ['policies', 'apply', 'Whatif school', ...to]],
      ]);
    }
    case 'membership': {
      const m = db.prepare('SELECT u.username, m.unit_id FROM memberships m JOIN users u ON u.id = m.user_id').all() as { username: string; unit_id: string }[];
      const left = pick(m);
      return pick([
        [['users', 'join', pick(users()), '--unit', pick(units(`'school','class','group','organisation'`)), ...pick([[], ['--role', pick(['student', 'teacher', 'administrator', 'guest'])]])]],
        [['users', 'leave', left.username, '--unit', left.unit_id]],
      ]);
    }
    case 'user':
      return pick([
        [['users', 'set-profile', pick(users()), pick(profiles())]],
        [['users', 'set', pick(users()), '--share-details', pick(['on', 'off'])]],
        [['users', 'add', 'new.person', '--profile', pick(profiles()), '--unit', pick(units(`'class','group'`))]],
        [['users', 'remove', pick(users()), '--yes']],
      ]);
    case 'hierarchy':
      return pick([
        [['units', 'move', pick(units(`'class','group'`)), '--parent', pick(units(`'school','organisation'`))]],
        [['units', 'add', 'new-class', '--kind', 'class', '--parent', pick(units(`'school','organisation'`))], ['users', 'join', pick(users()), '--unit', 'new-class', '--role', 'student']],
      ]);
    case 'course': {
      const c = col(db, 'SELECT id FROM courses');
      const e = db.prepare('SELECT cm.course_id, u.username FROM course_members cm JOIN users u ON u.id = cm.user_id').all() as { course_id: string; username: string }[];
      const out = e.length ? pick(e) : undefined;
      return pick([
        [['courses', 'enrol', pick(c), pick(users()), '--role', pick(['teacher', 'learner'])]],
        ...(out ? [[['courses', 'unenrol', out.course_id, out.username]]] : []),
        [['parents', 'link', pick(users()), pick(users())]],
      ]);
    }
    case 'supervisor': {
      const mentors = col(db, 'SELECT u.username FROM mentors m JOIN users u ON u.id = m.user_id');
      // The role is switched on first where the user's profile has it off (a generated site's does).
      const profileOf = (u: string) => db.prepare('SELECT p.name FROM users u JOIN profiles p ON p.id = u.profile_id WHERE u.username = ?').pluck().get(u) as string;
      const m = pick(users());
      const h = pick(users());
      return pick([
        [['profiles', 'set', profileOf(m), 'mentor-role=on', '--yes'], ['supervisor', 'add-mentor', m, ...pick([['--class', pick(units(`'class','group'`))], ['--learner', pick(users())]])]],
        [['profiles', 'set', profileOf(h), 'headteacher-role=on', '--yes'], ['supervisor', 'add-headteacher', h, '--org', pick(units(`'school','organisation'`))]],
        ...(mentors.length ? [[['supervisor', 'remove-mentor', pick(mentors), '--yes']]] : []),
      ]);
    }
    case 'workflow': {
      const phases = ['course-registration', 'group-registration', 'organisation-approval', 'completed'];
      const terms = col(db, 'SELECT id FROM terms');
      const area = pick(areas);
      const batch = area === 'behaviour' ? `class:${pick(units(`'class','group'`))}` : `course:${pick(col(db, 'SELECT id FROM courses'))}`;
      return pick([
        [['workflow', 'set', area, pick(phases), pick(['--learner', '--parent', '--external']), pick(['on', 'off'])]],
        [['workflow', 'reset', area, batch, '--term', pick(terms), '--phase', pick(phases), '--yes']],
      ]);
    }
    case 'portal': {
      const projects = col(db, 'SELECT id FROM portal_projects');
      if (!projects.length) return [['portal', 'project', 'add', '2030-2031']];
      const project = pick(projects);
      const klassen = col(db, 'SELECT id FROM portal_klassen');
      return pick([
        [['portal', 'user', pick(users()), '--type', pick(['leerling', 'werknemer', 'ouder']), ...pick([[], ['--admin']])]],
        [['schoolfunction', 'assign', pick(['mentor', 'decaan', 'teamleider', 'roostermaker-school']), pick(users()), '--project', project, ...(klassen.length ? pick([[], ['--klas', pick(klassen)]]) : [])]],
        [['schoolfunction', 'settings', pick(['leerling', 'werknemer', 'ouder', 'mentor']), `${pick(engine.actions().filter((a) => a.module === 'schoolfunctions').map((a) => a.key))}=${pick(['on', 'off'])}`, '--project', project]],
      ]);
    }
    default:
      throw new Error(kind);
  }
}

/**
 * Changes of every kind on the generated site: 3 keeps that test near 4 min; ACCESS_DIFF_CHANGES=30
 * for the full check. On the demo the brute force is complete and cheap (about 14 s a change of
 * every kind), so it always makes 30 of each unless ACCESS_DIFF_DEMO_CHANGES says otherwise.
 */
const PER_KIND = Number(process.env.ACCESS_DIFF_CHANGES ?? 3);
const DEMO_PER_KIND = Number(process.env.ACCESS_DIFF_DEMO_CHANGES ?? process.env.ACCESS_DIFF_CHANGES ?? 30);

const ALL_KINDS = ['profile-setting', 'policy', 'membership', 'user', 'hierarchy', 'course', 'supervisor', 'workflow', 'portal'];
/** ACCESS_DIFF_KINDS=supervisor,workflow checks only those kinds (to look into one locally). */
const KINDS = process.env.ACCESS_DIFF_KINDS ? ALL_KINDS.filter((k) => process.env.ACCESS_DIFF_KINDS!.split(',').includes(k)) : ALL_KINDS;

function evaluate(def: ActionDef, facts: Facts, user: string, p: SurfacePoint | undefined): boolean {
  if (!p) return false;
  const subject = facts.user(user);
  if (!subject) return false;
  return evaluateAt(def, facts, subject, p).allow;
}

/** The before model is the same for every change of a run: its decisions are taken once. */
const beforeCache = new Map<string, boolean>();

/** Brute force: each (user, action, point) decided one by one on both models. */
function bruteForce(before: Facts, after: Facts, users: (all: string[]) => string[], points: (def: ActionDef, keys: string[]) => string[]): Set<string> {
  const out = new Set<string>();
  const everyone = [...new Set([...before.allUsernames(), ...after.allUsernames()])];
  const chosen = users(everyone);
  for (const def of SURFACE) {
    const pb = new Map(surfacePoints(def, before).map((p) => [pointKey(p), p]));
    const pa = new Map(surfacePoints(def, after).map((p) => [pointKey(p), p]));
    for (const key of points(def, [...new Set([...pb.keys(), ...pa.keys()])])) {
      for (const u of chosen) {
        const k = `${u}\u0002${key}`;
        let b = beforeCache.get(k);
        if (b === undefined) beforeCache.set(k, (b = evaluate(def, before, u, pb.get(key))));
        const a = evaluate(def, after, u, pa.get(key));
        if (a !== b) out.add(`${a ? 'gain' : 'loss'}|${u}|${key}`);
      }
    }
  }
  return out;
}

/**
 * On the generated site, targeted families have thousands of points and every user is 2,000
 * people: a fixed-seed share of each (1 in `points`, 1 in `users`), plus every point and user the
 * diff names. On the demo every user is checked on every point.
 */
const SHARE = { points: 100, users: 25 };

/**
 * Changes per kind that are also compared with the diff that skips nothing (the whole-site path:
 * 25-40 s a change on the 2,000-user site under load, most of this file's time there). On the demo
 * the brute force is complete, so the check is cheap and always made; on the site it is made in the
 * full check (ACCESS_DIFF_CHANGES=30) and once for the kinds whose diff takes a restricted path.
 */
const FULL = { demo: 3, site: PER_KIND >= 30 ? 1 : 0 };
/**
 * Kinds whose tracked diff follows the people or targets a change touched (membership, supervision,
 * enrolments and parent links, workflow batches and switches): always compared on the site.
 */
const RESTRICTED = new Set(['membership', 'supervisor', 'course', 'workflow']);

async function tryChange(file: string, commands: string[][], sampled: boolean, pick: Pick, compareFull: boolean): Promise<boolean> {
  const sqlite = new Database(file);
  sqlite.pragma('foreign_keys = ON');
  sqlite.exec('BEGIN IMMEDIATE');
  try {
    trackChanges(sqlite);
    for (const words of commands) {
      try {
        await runCommand(sqlite, words);
      } catch {
        return false; // an invalid random change (exit 2): pick another
      }
    }
    const beforeDb = new Database(file, { readonly: true });
    try {
      const before = createFacts(beforeDb);
      const after = createFacts(sqlite);
      const tracked = accessDiff(engine, before, after, { changed: changedFacts(sqlite) });
      const keyOf = (c: { change: string; user: string } & SurfacePoint) => `${c.change}|${c.user}|${pointKey(c)}`;
      const got = new Set(tracked.changes.map(keyOf));
      // Skipping families by what the change touched changes nothing: the same as the diff that skips none.
      if (compareFull) expect(new Set(accessDiff(engine, before, after).changes.map(keyOf)), `full diff of ${JSON.stringify(commands)}`).toEqual(got);
      const full = tracked;
      const named = new Set(full.changes.map((c) => c.user));
      const namedPoints = new Set(full.changes.map((c) => pointKey(c)));
      const brute = bruteForce(
        before,
        after,
        (all) => (sampled ? all.filter((u) => named.has(u) || Math.floor(random01(pick) * SHARE.users) === 0) : all),
        (def, keys) => {
          if (!sampled || def.module === 'profiles' || def.module === 'administration' || keys.length <= 3) return keys;
          return keys.filter((k) => namedPoints.has(k) || Math.floor(random01(pick) * SHARE.points) === 0);
        },
      );
      expect(got, `diff of ${JSON.stringify(commands)}`).toEqual(brute);
      return true;
    } finally {
      beforeDb.close();
    }
  } finally {
    sqlite.exec('ROLLBACK');
    sqlite.close();
  }
}

async function checkKinds(file: string, seed: number, perKind: number, sampled: boolean): Promise<Record<string, number>> {
  beforeCache.clear();
  const random = prng(seed);
  const pick: Pick = (xs) => xs[Math.floor(random() * xs.length)];
  const reader = new Database(file, { readonly: true });
  const done: Record<string, number> = {};
  try {
    for (const kind of KINDS) {
      done[kind] = 0;
      const started = Date.now();
      // A random change may be refused (invalid for that user): try up to 20 (or 6 per change wanted).
      for (let attempt = 0; attempt < Math.max(perKind * 6, 20) && done[kind] < perKind; attempt++) {
        if (await tryChange(file, randomChange(kind, reader, pick), sampled, pick, done[kind] < (sampled ? (RESTRICTED.has(kind) ? Math.max(1, FULL.site) : FULL.site) : FULL.demo))) done[kind]++;
      }
      if (process.env.ACCESS_DIFF_TIMES) process.stderr.write(`${sampled ? 'site' : 'demo'} ${kind}: ${done[kind]} changes in ${Date.now() - started} ms\n`);
    }
  } finally {
    reader.close();
  }
  return done;
}

describe('access diff = brute force', () => {
  let demo: string;
  let site: string;
  beforeAll(() => {
    demo = demoDb();
    site = tempDb();
    const r = run(site, 'generate', '--users', '2000', '--quiet');
    if (r.status !== 0) throw new Error(r.stderr);
    // The generated site has no supervisors, policies or portal: take the demo's portal project along.
    const copy = tempDb();
    copyFileSync(site, copy);
    site = copy;
  }, 120_000);
  afterAll(() => {});

  it('on the demo: random changes of every kind, every user and every point', async () => {
    const done = await checkKinds(demo, 13, DEMO_PER_KIND, false);
    for (const kind of KINDS) expect(done[kind], kind).toBe(DEMO_PER_KIND);
  }, 1_800_000);

  it('on the demo: enrolments, parent links, batch phases and switches, each against brute force and the diff that skips nothing', async () => {
    // Changes whose diff follows what they touched (src/model/access-diff-targeted.ts), each one
    // that moves decisions on the demo: a teacher or learner enrolled or taken out, a parent
    // linked or unlinked, a course batch and a class batch put back a phase, a phase's switches set.
    const fixed: string[][][] = [
      [['courses', 'enrol', 'math-5a', 'm.peters', '--role', 'teacher']],
      [['courses', 'enrol', 'math-5a', 'l.bakker', '--role', 'learner']],
      [['courses', 'unenrol', 'math-5a', 'j.devries']],
      [['courses', 'unenrol', 'math-5a', 's.bakker']],
      [['courses', 'enrol', 'math-5a', 'r.jansen', '--role', 'teacher'], ['courses', 'unenrol', 'art-3c', 'l.bakker']],
      [['parents', 'link', 'p.bakker', 'd.visser']],
      [['parents', 'unlink', 'p.bakker', 's.bakker']],
      [['workflow', 'reset', 'attendance', 'course:math-5a', '--term', '2026-T2', '--phase', 'course-registration', '--yes']],
      [['workflow', 'reset', 'behaviour', 'class:5A', '--term', '2025-T1', '--phase', 'group-registration', '--yes']],
      [['workflow', 'set', 'attendance', 'organisation-approval', '--parent', 'off']],
      [['workflow', 'set', 'behaviour', 'group-registration', '--parent', 'on', '--learner', 'on']],
      [['workflow', 'set', 'assessment', 'course-registration', '--learner', 'on', '--external', 'on']],
    ];
    beforeCache.clear();
    const pick: Pick = (xs) => xs[0];
    for (const commands of fixed) expect(await tryChange(demo, commands, false, pick, true), JSON.stringify(commands)).toBe(true);
  }, 600_000);

  it('on a generated 2,000-user site: random changes of every kind, a fixed sample', async () => {
    const done = await checkKinds(site, 14, PER_KIND, true);
    for (const kind of KINDS) expect(done[kind], kind).toBe(PER_KIND);
  }, 1_800_000);
});

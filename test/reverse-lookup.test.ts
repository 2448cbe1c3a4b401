// Reverse lookups take one of two roads on a real model: a targeted question whose rule names few
// candidates judges those candidates; any other setting-decided question groups the whole site by
// setting signature. Both must give exactly what checking every user one by one gives.

import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFacts } from '../src/db/facts/sqlite-facts';
import { groupedAllowed, surfacePoints } from '../src/model/access-surface';
import { EXTERNAL_USERNAME } from '../src/model/engine';
import type { Facts } from '../src/model/facts';
import { decisionEngine } from '../src/model/registry';
import { prng } from '../src/model/site-generator';
import { demoDb, generatedDb, run } from './helpers';
import { NAMES_SHOWN } from '../src/commands/access-render';

const engine = decisionEngine();
const settingDecided = engine.actions().filter((a) => a.module === 'profiles' || a.module === 'administration');

function compare(facts: Facts, usernames: readonly string[], perAction: number, seed: number) {
  const random = prng(seed);
  let judged = 0;
  for (const def of settingDecided) {
    const points = surfacePoints(def, facts);
    // A fixed sample of the targets that matter for the action, the site-wide point always.
    const sample = points.length <= perAction ? points : [points[0], ...Array.from({ length: perAction - 1 }, () => points[Math.floor(random() * points.length)])];
    for (const p of sample) {
      const opts = { term: p.term, project: p.project };
      const label = `${def.key} ${p.target ? `${p.target.kind}:${p.target.id}` : ''}`;
      const brute = usernames.filter((u) => engine.decide(facts, def.key, u, p.target, opts).decision === 'allow');
      const lookup = engine.whoCan(facts, def.key, p.target ?? undefined, opts).allowed.map((a) => a.user).filter((u) => u !== EXTERNAL_USERNAME);
      expect(lookup, label).toEqual([...brute].sort((a, b) => a.localeCompare(b)));
      const grouped = groupedAllowed(def, facts, p.target, opts);
      if (grouped) expect(grouped.map((g) => g.user).sort((a, b) => a.localeCompare(b)), `${label} grouped`).toEqual(lookup);
      judged++;
    }
  }
  return judged;
}

describe.each([
  ['the demo', () => demoDb(), 12],
  ['a generated 2,000-user site', () => generatedDb(2000, 5), 4],
])('reverse lookups on %s', (_name, make, perAction) => {
  let path: string;
  let db: Database.Database;
  beforeAll(() => {
    path = make();
    // A policy for one user and one owned by a school, so signatures differ by more than profile.
    const probe = new Database(path, { readonly: true });
    const someone = probe.prepare(`SELECT username FROM users ORDER BY id LIMIT 1 OFFSET 7`).pluck().get() as string;
    const school = probe.prepare(`SELECT id FROM units WHERE kind = 'school' ORDER BY id LIMIT 1`).pluck().get() as string;
    probe.close();
    expect(run(path, 'policies', 'create', 'Own courses').status).toBe(0);
    expect(run(path, 'policies', 'set', 'Own courses', 'create-courses=site', 'messages=off').status).toBe(0);
    expect(run(path, 'policies', 'apply', 'Own courses', '--user', someone).status).toBe(0);
    expect(run(path, 'policies', 'create', 'School search', '--org', school).status).toBe(0);
    expect(run(path, 'policies', 'set', 'School search', 'search-for-students=school').status).toBe(0);
    expect(run(path, 'policies', 'apply', 'School search', '--profile', 'Staff').status).toBe(0);
    db = new Database(path, { readonly: true });
  }, 120_000);
  afterAll(() => db?.close());

  it('find exactly the users a check of every user allows, by candidates and by signature groups', () => {
    const facts = createFacts(db as never);
    const usernames = db.prepare('SELECT username FROM users ORDER BY username').pluck().all() as string[];
    expect(compare(facts, usernames, perAction, 11)).toBeGreaterThan(settingDecided.length);
  }, 300_000);
});

describe('a reverse lookup that allows many', () => {
  let db: string;
  beforeAll(() => {
    db = demoDb();
  }, 120_000);

  it('names the first people in human output and says how many more; JSON and CSV list everyone', () => {
    const all = run(db, 'whocan', 'messages', '--json').json.allowed as { user: string }[];
    expect(all.length).toBeGreaterThan(NAMES_SHOWN);
    for (const out of ['table', 'plain']) {
      const human = run(db, 'whocan', 'messages', '-o', out).stdout.trimEnd().split('\n');
      expect(human[0]).toBe(`${all.length} user(s) may messages:`);
      expect(human[human.length - 1]).toBe(`… and ${all.length - NAMES_SHOWN} more (use --json)`);
      const named = all.filter((a) => human.some((l) => l.startsWith(`${a.user} `)));
      expect(named.map((a) => a.user)).toEqual(all.slice(0, NAMES_SHOWN).map((a) => a.user));
    }
    const csv = run(db, 'whocan', 'messages', '-o', 'csv').stdout.trimEnd().split('\n');
    expect(csv[0]).toBe('user,profile,because');
    expect(csv.slice(1).map((l) => l.split(',')[0])).toEqual(all.map((a) => a.user));
    // A short listing is whole (its line, the header, the rule and every row), without the line.
    const few = run(db, 'whocan', 'create-courses', 'unit:north').stdout;
    expect(few).not.toMatch(/more \(use --json\)/);
    expect(few.trimEnd().split('\n')).toHaveLength(3 + run(db, 'whocan', 'create-courses', 'unit:north', '--json').json.allowed.length);
  }, 120_000);
});

// A property of `--as`: whatever sequence of changes (commands, bulk files, site files) random actors
// try, no one's effective rights grow beyond what a higher actor holds, and no user or profile at or
// above an actor's level changes through that actor. Runs in-process on one demo model, each sequence
// in a transaction that is rolled back; fixed seed, bounded runs.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../src/cli.js';
import { createFacts } from '../src/db/facts/sqlite-facts.js';
import type { Sqlite } from '../src/db/open.js';
import { GUARDED_SETTINGS } from '../src/model/escalation.js';
import { SchoolctlError, command, positional } from '../src/model/errors.js';
import { effectiveSetting } from '../src/model/policy-resolution.js';
import { strictnessRank } from '../src/model/settings-catalogue.js';
import { demoDb } from './helpers.js';

const SEED = 20261201;
const RUNS = 30;
const MAX_STEPS = 5;

const ADMINS = ['root', 'a.visser', 'a.beheer', 'b.mulder'];
const OTHERS = ['j.devries', 'r.jansen', 'm.peters', 't.assist', 's.bakker'];
const USERS = ['a.visser', 'a.beheer', 'b.mulder', 'root', 'j.devries', 'r.jansen', 'm.peters', 'k.vos', 's.bakker', 'a.jansen', 'l.bakker', 'p.bakker', 'g.visitor', 'o.inspector'];
const PROFILES = ['System Administrator', 'Administrator', 'Staff', 'Teaching Assistant', 'Student', 'Parent', 'Guest'];
const UNITS = ['north', 'south', '5A', '3C', 'north-lower', 'chess-club'];
const POLICIES = ['P one', 'P two', 'North messaging', 'No mass messages', 'South quiet hours'];
const KEYS = ['user-and-access-rights-management', 'policy-management', 'hierarchy-management', 'workflow-management', 'global-settings', 'mentor-role', 'create-courses', 'messages'];
const LEARNERS = ['s.bakker', 'a.jansen', 'l.bakker', 'd.visser', 'e.smit'];

let dir: string;
let sqlite: Sqlite;
const figures = { sequences: 0, steps: 0, allowed: 0, refused: 0, invalid: 0 };
const reasons = new Map<string, number>();

function file(name: string, text: string): string {
  const f = join(dir, `${Math.random().toString(36).slice(2)}-${name}`);
  writeFileSync(f, text);
  return f;
}

/** A file word: written to disk only when the step runs, shown whole in a counterexample. */
const inline = (name: string, text: string) => `<<${name}\n${text}`;
const words = (ws: readonly string[]) => ws.map((w) => (w.startsWith('<<') ? file(w.slice(2, w.indexOf('\n')), w.slice(w.indexOf('\n') + 1)) : w));

const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);
/** A key with a value its kind takes. */
const setting = pick(KEYS).chain((k) => (k === 'workflow-management' || k === 'global-settings' || k === 'mentor-role' || k === 'messages' ? pick(['on', 'off']) : pick(['site', 'school', 'disabled'])).map((v) => `${k}=${v}`));

/** One changing step: the words after `--as ACTOR`. */
const step: fc.Arbitrary<string[]> = fc.oneof(
  fc.tuple(pick(POLICIES), fc.option(pick(['north', 'south']), { nil: undefined })).map(([p, org]) => ['policies', 'create', p, ...(org ? ['--org', org] : [])]),
  fc.tuple(pick(POLICIES), setting).map(([p, kv]) => ['policies', 'set', p, kv]),
  fc.tuple(fc.boolean(), pick(POLICIES), fc.oneof(pick(USERS).map((u) => ['--user', u]), pick(PROFILES).map((p) => ['--profile', p]), pick(UNITS).map((u) => ['--unit', u]))).map(
    ([un, p, t]) => ['policies', un ? 'unapply' : 'apply', p, ...t],
  ),
  fc.tuple(pick(USERS), pick(PROFILES)).map(([u, p]) => ['users', 'set-profile', u, p]),
  fc.tuple(fc.boolean(), pick(USERS), pick(UNITS)).map(([leave, u, unit]) => ['users', leave ? 'leave' : 'join', u, '--unit', unit]),
  pick(USERS).map((u) => ['users', 'set', u, '--email', `x.${u}@example.org`]),
  fc.tuple(pick(PROFILES), setting).map(([p, kv]) => ['profiles', 'set', p, kv]),
  fc.tuple(pick(USERS), pick(['learner', 'teacher'])).map(([u, r]) => ['courses', 'enrol', 'math-5a', u, '--role', r]),
  fc.tuple(pick(USERS), pick(USERS)).map(([p, c]) => ['parents', 'link', p, c]),
  fc.tuple(pick(USERS), pick(LEARNERS)).map(([m, l]) => ['supervisor', 'add-mentor', m, '--learner', l]),
  fc.tuple(pick(USERS), pick(PROFILES), pick(UNITS)).map(([u, p, unit]) => ['import', 'users', inline('users.csv', `username,name,profile,units\n${u},Changed ${u},${p},${unit}\n`)]),
  fc.tuple(pick(PROFILES), fc.integer({ min: 11, max: 99 })).map(([p, level]) => ['import', 'profiles', inline('profiles.csv', `name,level,role_in_hierarchy\n${p},${level},administrator\n`)]),
  fc.tuple(pick(PROFILES), setting, pick(USERS), pick(PROFILES)).map(
    ([p, kv, u, up]) => ['apply', inline('site.yaml', `profiles:\n  ${p}:\n    settings:\n      ${kv.replace('=', ': ')}\nusers:\n  - { username: ${u}, name: Applied ${u}, profile: ${up} }\n`)],
  ),
);

interface UserState {
  level: number;
  profile: string;
  values: Map<string, string>;
  /** Keys whose effective value is the profile's own (no policy acts). */
  fromProfile: Set<string>;
}

/** The rows that make up a user's or profile's access, read straight from the tables (not through the engine). */
function fingerprints(db: Sqlite, minLevel: number) {
  const all = (sql: string, ...ids: unknown[]) => JSON.stringify(db.prepare(sql).all(...ids));
  const users = new Map<string, string>();
  for (const u of db.prepare('SELECT u.id, u.username, u.profile_id FROM users u JOIN profiles p ON p.id = u.profile_id WHERE p.level >= ?').all(minLevel) as { id: number; username: string; profile_id: number }[]) {
    users.set(u.username, [
      all('SELECT username, name, email, external_id, profile_id, share_details FROM users WHERE id = ?', u.id),
      all('SELECT unit_id, role FROM memberships WHERE user_id = ? ORDER BY unit_id', u.id),
      all('SELECT course_id, role FROM course_members WHERE user_id = ? ORDER BY course_id', u.id),
      all('SELECT parent_id, child_id FROM parent_links WHERE ? IN (parent_id, child_id) ORDER BY 1, 2', u.id),
      all('SELECT (SELECT count(*) FROM mentors WHERE user_id = ?) m, (SELECT count(*) FROM mentor_learners WHERE ? IN (mentor_id, learner_id)) l', u.id, u.id),
      all(`SELECT a.policy_id, a.target_kind, s.key, s.value FROM policy_assignments a LEFT JOIN policy_settings s ON s.policy_id = a.policy_id
           WHERE (a.target_kind = 'user' AND a.target_id = ?) OR (a.target_kind = 'profile' AND a.target_id = ?) ORDER BY 1, 2, 3`, u.id, u.profile_id),
    ].join('|'));
  }
  const profiles = new Map<string, string>();
  for (const p of db.prepare('SELECT id, name FROM profiles WHERE level >= ?').all(minLevel) as { id: number; name: string }[]) {
    profiles.set(p.name, [
      all('SELECT name, level, role_in_hierarchy FROM profiles WHERE id = ?', p.id),
      all('SELECT key, value FROM profile_settings WHERE profile_id = ? ORDER BY key', p.id),
      all("SELECT a.policy_id, s.key, s.value FROM policy_assignments a LEFT JOIN policy_settings s ON s.policy_id = a.policy_id WHERE a.target_kind = 'profile' AND a.target_id = ? ORDER BY 1, 2", p.id),
    ].join('|'));
  }
  return { users, profiles };
}

/** Every user's level, profile and effective guarded values, and every profile's own values. */
function rights(db: Sqlite) {
  const facts = createFacts(db);
  const users = new Map<string, UserState>();
  for (const username of facts.allUsernames()) {
    const u = facts.user(username)!;
    const eff = GUARDED_SETTINGS.map((d) => effectiveSetting(facts, u, d.key));
    users.set(username, {
      level: u.profile.level,
      profile: u.profile.name,
      values: new Map(eff.map((x) => [x.def.key, x.value])),
      fromProfile: new Set(eff.filter((x) => x.source.kind === 'profile').map((x) => x.def.key)),
    });
  }
  const profiles = new Map(facts.profiles().map((p) => [p.name, new Map(GUARDED_SETTINGS.map((d) => [d.key, facts.profileSetting(p.id, d.key)]))]));
  return { users, profiles };
}

const rank = (key: string, v: string | undefined) => (v === undefined ? -1 : (strictnessRank(GUARDED_SETTINGS.find((d) => d.key === key)!, v) ?? -1));

async function sequence(steps: { actor: string; words: string[] }[]): Promise<void> {
  figures.sequences++;
  sqlite.exec('BEGIN');
  try {
    const start = rights(sqlite);
    const acted: { actor: string; level: number }[] = [];
    for (const s of steps) {
      figures.steps++;
      const actorLevel = createFacts(sqlite).user(s.actor)!.profile.level;
      const before = fingerprints(sqlite, actorLevel);
      let done = false;
      try {
        await runCommand(sqlite, ['--as', s.actor, '--yes', ...words(s.words)]);
        done = true;
      } catch (e) {
        if (!(e instanceof SchoolctlError)) throw e;
        if (e.exitStatus === 1) figures.refused++;
        else figures.invalid++;
        if (process.env.PROPERTY_DEBUG) reasons.set(`${e.exitStatus} ${s.words[0]} ${s.words[1]}: ${e.message.slice(0, 90)}`, 1);
      }
      if (done) {
        figures.allowed++;
        acted.push({ actor: s.actor, level: actorLevel });
      }
      // No user or profile at or above the actor's level changes through that actor.
      const after = fingerprints(sqlite, 0);
      for (const [name, b] of before.users) expect(after.users.get(name), `${s.actor}: ${s.words.join(' ')} changed ${name}`).toBe(b);
      for (const [name, b] of before.profiles) expect(after.profiles.get(name), `${s.actor}: ${s.words.join(' ')} changed profile ${name}`).toBe(b);
    }
    // No one's effective rights grew beyond what a higher actor of the sequence held.
    const end = rights(sqlite);
    for (const [name, e] of end.users) {
      const b = start.users.get(name);
      for (const d of GUARDED_SETTINGS) {
        const was = b?.values.get(d.key);
        const now = e.values.get(d.key)!;
        if (rank(d.key, now) <= rank(d.key, was)) continue;
        const higher = acted.filter((a) => a.level > Math.max(e.level, b?.level ?? e.level));
        const held = higher.some((a) => Math.max(rank(d.key, start.users.get(a.actor)!.values.get(d.key)), rank(d.key, end.users.get(a.actor)?.values.get(d.key))) >= rank(d.key, now));
        // A higher actor gave the user a profile: its own value was set before the sequence, by the owner.
        const profileOwn = higher.length > 0 && e.fromProfile.has(d.key) && start.profiles.get(e.profile)?.get(d.key) === now;
        const granted = held || profileOwn;
        expect(granted, `${name}'s ${d.key} grew from ${was} to ${now} with no higher actor holding it (${steps.map((s) => `${s.actor}: ${s.words.join(' ')}`).join(' ; ')})`).toBe(true);
      }
    }
  } finally {
    sqlite.exec('ROLLBACK');
  }
}

describe('--as never escalates, whatever the sequence', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'schoolctl-prop-'));
    sqlite = new Database(demoDb()) as unknown as Sqlite;
    // Two empty policies the owner made, one of the site and one of north, for the steps to fill.
    for (const words of [['policies', 'create', 'P one'], ['policies', 'create', 'P two', '--org', 'north']]) await runCommand(sqlite, words);
  });
  afterAll(() => {
    sqlite?.close();
    console.log(`property: ${figures.sequences} sequences, ${figures.steps} steps (${figures.allowed} allowed, ${figures.refused} refused, ${figures.invalid} invalid), seed ${SEED}`);
    if (process.env.PROPERTY_DEBUG) console.log([...reasons.keys()].sort().join('\n'));
  });

  it('no actor gains rights beyond what a higher actor holds, and no one at or above an actor changes through them', async () => {
    const arb = fc.array(fc.record({ actor: fc.oneof({ weight: 2, arbitrary: fc.constant('root') }, { weight: 3, arbitrary: pick(ADMINS) }, { weight: 1, arbitrary: pick(OTHERS) }), words: step }), { minLength: 1, maxLength: MAX_STEPS });
    try {
      await fc.assert(fc.asyncProperty(arb, sequence), { seed: SEED, numRuns: RUNS, endOnFailure: true });
    } catch (e) {
      console.error(`property failed with seed ${SEED}`);
      throw e;
    }
  });

  it('a printed command reads a name starting with - as that name', () => {
    expect(command('policies', 'set', positional('--db=x'), 'messages=on')).toBe("schoolctl policies set -- --db=x messages=on");
    expect(command('policies', 'unapply', positional('--profile'), '--profile', '-odd')).toBe('schoolctl policies unapply --profile=-odd -- --profile');
    expect(command('policies', 'set', 'South quiet hours', 'messages=on')).toBe("schoolctl policies set 'South quiet hours' messages=on");
  });
});

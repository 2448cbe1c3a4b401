// Decision benchmarks: whole-process start-up as a ratio to `node -e 0`, in-process check
// latency over random (user, action, target) triples, and reverse lookups — per site size.

import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { createFacts } from '../src/db/facts/sqlite-facts.js';
import { decisionEngine } from '../src/model/registry.js';
import type { ActionDef } from '../src/model/engine.js';

export const BIN = new URL('../../bin/schoolctl.js', import.meta.url).pathname;

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

function timeProcess(args: string[], runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    times.push(performance.now() - t);
    if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
  }
  return median(times);
}

export interface StartupFigures {
  nodeMs: number;
  helpMs: number;
  helpRatio: number;
  checkMs: number;
  checkRatio: number;
}

/** Medians of `runs` interleaved runs, so load on the machine hits all three alike. */
export function measureStartup(db: string, user: string, runs = 15): StartupFigures {
  const node: number[] = [];
  const help: number[] = [];
  const check: number[] = [];
  for (let i = 0; i < runs; i++) {
    node.push(timeProcess(['-e', '0'], 1));
    help.push(timeProcess([BIN, '--help'], 1));
    check.push(timeProcess([BIN, '--db', db, 'whocan', 'messages', '--user', user], 1));
  }
  const nodeMs = median(node);
  return { nodeMs, helpMs: median(help), helpRatio: median(help) / nodeMs, checkMs: median(check), checkRatio: median(check) / nodeMs };
}

/** Target samplers: one random id of each target kind, from whatever the site holds. */
const SAMPLERS: Record<string, string> = {
  user: 'SELECT username FROM users WHERE rowid >= abs(random()) % (SELECT max(rowid) FROM users) LIMIT 1',
  learner: `SELECT u.username FROM users u JOIN profiles p ON p.id = u.profile_id WHERE p.role_in_hierarchy = 'student' AND u.rowid >= abs(random()) % (SELECT max(rowid) FROM users) LIMIT 1`,
  unit: 'SELECT id FROM units ORDER BY random() LIMIT 1',
  class: `SELECT id FROM units WHERE kind IN ('class','group') ORDER BY random() LIMIT 1`,
  course: 'SELECT id FROM courses ORDER BY random() LIMIT 1',
};

function tableExists(db: Database.Database, name: string): boolean {
  return db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name) !== undefined;
}

export interface LatencyFigures {
  checks: number;
  p50ms: number;
  p99ms: number;
  /** p99 of the warm-up: the first checks of a process, its code not yet compiled */
  coldChecks: number;
  coldP99ms: number;
  byModule: Record<string, number>;
}

interface Triple {
  action: ActionDef;
  user: string;
  target?: string;
}

/**
 * Forward checks in one process: 10,000 random triples across every module's actions, after 1,000
 * others. The first checks of a process pay for compiling the engine's code; a one-off `whocan`
 * process pays that in its start-up figure, so p50/p99 are taken once it is done, and the cold
 * p99 of the first 1,000 is reported beside them. Users are drawn by SQLite's own random(), so
 * the timed checks read other rows than the warm-up did.
 */
export function measureChecks(path: string, count = 10_000, seed = 1, warmup = 1_000): LatencyFigures {
  const db = new Database(path, { readonly: true });
  const engine = decisionEngine();
  const term = tableExists(db, 'terms') ? (db.prepare('SELECT id FROM terms ORDER BY starts DESC LIMIT 1').pluck().get() as string | undefined) : undefined;
  const samplers = new Map<string, Database.Statement>();
  for (const [kind, sql] of Object.entries(SAMPLERS)) samplers.set(kind, db.prepare(sql).pluck());
  // Module target kinds (klas:, afdeling: …) are sampled if the module says how.
  const project = tableExists(db, 'portal_projects') ? (db.prepare('SELECT id FROM portal_projects ORDER BY id DESC LIMIT 1').pluck().get() as string | undefined) : undefined;
  const actions = engine.actions().filter((a) => (!a.needsTerm || term) && (!a.needsProject || project));
  const triples = (n: number, seed: number): Triple[] => {
    let state = seed;
    const rand = () => ((state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const out: Triple[] = [];
    for (let i = 0; out.length < n && i < n * 5; i++) {
      const action = actions[Math.floor(rand() * actions.length)];
      const user = samplers.get('user')!.get() as string;
      let target: string | undefined;
      const kinds = action.targetKinds.filter((k) => samplers.has(k));
      if (action.targetKinds.length) {
        if (!kinds.length) continue;
        const kind = kinds[Math.floor(rand() * kinds.length)];
        const id = samplers.get(kind)!.get() as string | undefined;
        if (id === undefined) continue;
        target = `${kind}:${id}`;
      }
      out.push({ action, user, target });
    }
    return out;
  };
  const cold = triples(warmup, seed + 1);
  const timed = triples(count, seed);
  const facts = createFacts(db as never);
  const byModule: Record<string, number[]> = {};
  const time = (ts: Triple[], perModule?: Record<string, number[]>): number[] =>
    ts.map((t) => {
      const start = performance.now();
      engine.decide(facts, t.action.key, t.user, t.target, { term, project });
      const ms = performance.now() - start;
      if (perModule) (perModule[t.action.module] ??= []).push(ms);
      return ms;
    });
  const coldTimes = time(cold);
  const times = time(timed, byModule);
  db.close();
  return {
    checks: times.length,
    p50ms: percentile(times, 50),
    p99ms: percentile(times, 99),
    coldChecks: coldTimes.length,
    coldP99ms: percentile(coldTimes, 99),
    byModule: Object.fromEntries(Object.entries(byModule).map(([m, xs]) => [m, percentile(xs, 50)])),
  };
}

export interface ReverseFigures {
  [name: string]: { ms: number; allowed: number; query: string };
}

/** Reverse lookups: a learner target, a class target, a unit target and a site-wide one. */
export function measureReverse(path: string): ReverseFigures {
  const db = new Database(path, { readonly: true });
  const engine = decisionEngine();
  const learner = db.prepare(`SELECT u.username FROM users u JOIN profiles p ON p.id = u.profile_id WHERE p.role_in_hierarchy = 'student' ORDER BY u.id LIMIT 1 OFFSET 100`).pluck().get() as string;
  const klass = db.prepare(`SELECT id FROM units WHERE kind = 'class' ORDER BY id LIMIT 1`).pluck().get() as string;
  const school = db.prepare(`SELECT id FROM units WHERE kind = 'school' ORDER BY id LIMIT 1`).pluck().get() as string;
  const term = tableExists(db, 'terms') ? (db.prepare('SELECT id FROM terms ORDER BY starts DESC LIMIT 1').pluck().get() as string | undefined) : undefined;
  const has = (k: string) => engine.actions().some((a) => a.key === k);
  const lookups: [string, string, string | undefined, { term?: string }][] = [
    ['learner', has('view-behaviour') ? 'view-behaviour' : 'search-user', has('view-behaviour') ? `learner:${learner}` : `user:${learner}`, { term }],
    ['class', 'create-courses', `class:${klass}`, {}],
    ['unit', 'create-courses', `unit:${school}`, {}],
    ['site-wide', 'messages', undefined, {}],
  ];
  const out: ReverseFigures = {};
  for (const [name, action, target, opts] of lookups) {
    engine.whoCan(createFacts(db as never), action, target, opts); // warm SQLite's page cache
    const times: number[] = [];
    let allowed = 0;
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      allowed = engine.whoCan(createFacts(db as never), action, target, opts).allowed.length;
      times.push(performance.now() - t);
    }
    out[name] = { ms: median(times), allowed, query: `whocan ${action}${target ? ` ${target}` : ''}` };
  }
  db.close();
  return out;
}

// `demo`: builds the demo site from fixtures/ and takes a short tour of whocan traces.

import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSite, type SiteDocument } from '../db/site/site-loader.js';
import { loadPortalDemo, portalTour } from '../db/site/portal-site.js';
import { createFacts } from '../db/facts/sqlite-facts.js';
import { loadSupervisorDemo } from '../db/site/supervisor-site.js';
import { openModel } from '../db/open.js';
import type { DB } from '../db/schema.js';
import { flagAsDemo, isDemoFlagged } from '../db/stores/site-settings-store.js';
import { loadWorkflowDemo, WORKFLOW_TOUR } from '../db/site/workflow-site.js';
import { invalid } from '../model/errors.js';
import { decisionEngine } from '../model/registry.js';
import type { Decision } from '../model/trace.js';
import { createModel } from './init.js';
import { paint, renderDecision } from './render.js';
import { action, examples, type Ctx } from './runtime.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'fixtures');
export const DEMO_FILE = join(FIXTURES, 'demo-site.yaml');

/** One stop of the tour: a check (with user) or a reverse lookup, and why it is worth seeing. */
export interface TourStop {
  readonly title: string;
  readonly action: string;
  readonly target?: string;
  readonly user?: string;
  readonly term?: string;
  readonly project?: string;
}

const TOUR: TourStop[] = [
  { title: 'A South teacher wants to message a North student: school scope stops her', action: 'message-user', target: 'user:e.smit', user: 'm.peters' },
  { title: "South's policy switches Messages off for its students; it does not act on North's", action: 'messages', user: 'l.bakker' },
  { title: 'The same policy, seen from a North student', action: 'messages', user: 's.bakker' },
  { title: 'A teacher in two schools may create courses in both', action: 'create-courses', target: 'unit:south', user: 'j.devries' },
  { title: 'The own-courses override: a teacher finds a learner of her project', action: 'search-user', target: 'user:s.bakker', user: 'm.peters' },
  { title: 'Who may create courses in North?', action: 'create-courses', target: 'unit:north' },
  ...WORKFLOW_TOUR,
  { title: "A school-scoped administrator manages North's users, not South's", action: 'manage-user', target: 'user:l.bakker', user: 'a.visser' },
  { title: "Who may manage a South learner? South's administrators and the site root", action: 'manage-user', target: 'user:l.bakker' },
];

async function isDemoModel(path: string): Promise<boolean> {
  try {
    const db = await openModel(path);
    const { Kysely, SqliteDialect } = await import('kysely');
    const k = new Kysely<DB>({ dialect: new SqliteDialect({ database: db }) });
    try {
      return await isDemoFlagged(k);
    } finally {
      await k.destroy();
    }
  } catch {
    return false;
  }
}

async function demo(ctx: Ctx) {
  if (!ctx.opts.db && !process.env.SCHOOLCTL_DB) ctx.opts.db = './schoolctl-demo.db';
  const path = ctx.dbPath;
  if (existsSync(path) && !(await isDemoModel(path))) {
    throw invalid('not-a-demo', `${path} holds a model that is not the demo site; schoolctl demo never overwrites it. Pass --db with another file.`);
  }
  await createModel(ctx, true);
  const { parse } = await import('yaml');
  const doc = parse(readFileSync(DEMO_FILE, 'utf8')) as SiteDocument;
  const db = ctx.sqlite;
  const tour: TourStop[] = [...TOUR];
  const { result: counts } = await ctx.change('demo site', async (tx) => {
    const c: Record<string, number> = {};
    const add = (more: Record<string, number>) => {
      for (const [k, n] of Object.entries(more)) c[k] = (c[k] ?? 0) + n;
    };
    add(loadSite(db, doc));
    const supervisors: Record<string, number> = {};
    loadSupervisorDemo(db, supervisors, tour);
    add(supervisors);
    add(loadPortalDemo(db));
    tour.push(...portalTour());
    add(loadWorkflowDemo(db, FIXTURES, parse));
    await flagAsDemo(tx.db);
    tx.record('model', path, null, c);
    return c;
  });
  const facts = createFacts(db);
  const engine = decisionEngine();
  const stops = tour.map((s) => {
    const opts = { term: s.term, project: s.project };
    return s.user
      ? { stop: s, decision: engine.decide(facts, s.action, s.user, s.target, opts) as Decision }
      : { stop: s, lookup: engine.whoCan(facts, s.action, s.target, opts) };
  });
  const lines = [
    `Built the demo site in ${path}: ${Object.entries(counts).map(([k, n]) => `${n} ${k}`).join(', ')}.`,
    `Try it yourself: export SCHOOLCTL_DB=${path}`,
    '',
  ];
  for (const s of stops) {
    const cmd = `schoolctl whocan ${s.stop.action}${s.stop.target ? ` ${s.stop.target}` : ''}${s.stop.user ? ` --user ${s.stop.user}` : ''}${s.stop.term ? ` --term ${s.stop.term}` : ''}${s.stop.project ? ` --project ${s.stop.project}` : ''}`;
    lines.push(paint.bold(`▸ ${s.stop.title}`), paint.dim(`$ ${cmd}`));
    if (s.decision) lines.push(renderDecision(s.decision));
    else if (s.lookup) {
      lines.push(`${s.lookup.allowed.length} user(s) may ${s.lookup.action}${s.stop.target ? ` ${s.stop.target}` : ''}:`);
      for (const a of s.lookup.allowed) lines.push(`  ${a.user} (${a.profile}): ${a.because}`);
    }
    lines.push('');
  }
  return {
    data: { db: path, counts, tour: stops.map((s) => ({ title: s.stop.title, ...(s.decision ? { decision: s.decision } : { lookup: s.lookup }) })) },
    human: lines.join('\n'),
  };
}

export function register(program: Command): void {
  examples(
    program
      .command('demo')
      .description('build the demo site (in ./schoolctl-demo.db unless --db) and take a short tour of whocan traces')
      .action(action(demo)),
    ['schoolctl demo', 'schoolctl --db /tmp/demo.db demo --json'],
  );
}

// `demo`: builds the demo site from fixtures/ and takes a short tour of whocan traces.

import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFacts } from '../db/facts/sqlite-facts.js';
import { openModel } from '../db/open.js';
import type { DB } from '../db/schema.js';
import { loadSite, type SiteDocument } from '../db/site/site-loader.js';
import { flagAsDemo, isDemoFlagged } from '../db/stores/site-settings-store.js';
import { invalid, shellWords } from '../model/errors.js';
import { decisionEngine } from '../model/registry.js';
import type { Decision } from '../model/trace.js';
import { createModel } from './init.js';
import { paint, renderDecision } from './render.js';
import { accessDiffJson, renderAccessDiff } from './access-render.js';
import { action, examples, previewAccess, type Ctx } from './runtime.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'fixtures');
/** The whole demo site, every section, as `apply` reads it. */
export const DEMO_FILE = join(FIXTURES, 'demo-site.yaml');
/** Where the demo's workflow batches stand: commands run on the new model, one per line. */
export const DEMO_MOVES_FILE = join(FIXTURES, 'demo-moves.txt');

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
  {
    title: "A parent sees attendance once the teacher has submitted it: math-5a's batch is in organisation approval",
    action: 'view-attendance',
    target: 'learner:s.bakker',
    user: 'p.bakker',
    term: '2026-T2',
  },
  { title: "…but not yet behaviour: class 5A's mentor has not submitted it", action: 'view-behaviour', target: 'learner:s.bakker', user: 'p.bakker', term: '2026-T2' },
  { title: "Who may move class 5A's behaviour on? Only its mentor, in group registration", action: 'advance-behaviour', target: 'class:5A', term: '2026-T2' },
  { title: "A school-scoped administrator manages North's users, not South's", action: 'manage-user', target: 'user:l.bakker', user: 'a.visser' },
  { title: "Who may manage a South learner? South's administrators and the site root", action: 'manage-user', target: 'user:l.bakker' },
  { title: 'A mentor of one learner sees the Mentor entry', action: 'tab:mentor', user: 'm.peters' },
  { title: 'Mentor of 5A and headteacher of north-lower: the Supervisor entry replaces both', action: 'tab:mentor', user: 'j.devries' },
  { title: "A teaching assistant's profile lacks the Mentor role", action: 'tab:mentor', user: 't.assist' },
  { title: "Who may manage Sanne's individual learning plan, and by which path?", action: 'manage-ilp', target: 'learner:s.bakker' },
  {
    title: "Who may change prognoses of klas 3A? The mentor, the teamleider of its afdeling, the admin; the roostermaker's switch is off",
    action: 'edit-prognoses',
    target: 'klas:3A',
    project: '2025-2026',
  },
  { title: "A decaan's rights stop at his afdelingen: 3A is in onderbouw, he has bovenbouw", action: 'view-choice-packages', target: 'klas:3A', user: 'd.decaan', project: '2025-2026' },
];

/** The command lines of a moves file: one per line, words split on spaces, # comments skipped. */
export function commandLines(text: string): string[][] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(/\s+/));
}

async function isDemoModel(path: string): Promise<boolean> {
  try {
    const db = await openModel(path, { mode: 'read' });
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
  await createModel(ctx, { overwrite: true });
  const { parse } = await import('yaml');
  const doc = parse(readFileSync(DEMO_FILE, 'utf8')) as SiteDocument;
  const db = ctx.sqlite;
  const tour: TourStop[] = [...TOUR];
  const { runCommand } = await import('../cli.js');
  const { result: counts } = await ctx.change('demo site', async (tx) => {
    const c = loadSite(db, doc);
    // The moves run as the commands they are, each a savepoint of this one change.
    const moves = commandLines(readFileSync(DEMO_MOVES_FILE, 'utf8'));
    for (const words of moves) await runCommand(db, words);
    c['workflow moves'] = moves.length;
    await flagAsDemo(tx.db);
    tx.record('model', path, null, c);
    return c;
  });
  const facts = createFacts(db);
  const engine = decisionEngine();
  const { verifiedDecision } = await import('./fix-check.js');
  const stops: { stop: TourStop; decision?: Decision; lookup?: ReturnType<typeof engine.whoCan> }[] = [];
  for (const s of tour) {
    const opts = { term: s.term, project: s.project };
    stops.push(s.user ? { stop: s, decision: await verifiedDecision(db, engine, s.action, s.user, s.target, opts) } : { stop: s, lookup: engine.whoCan(facts, s.action, s.target, opts) });
  }
  // One what-if: a change previewed as who loses what, made in a transaction that is rolled back.
  const whatIfWords = ['policies', 'apply', 'South quiet hours', '--profile', 'Staff'];
  const whatIf = await previewAccess(db, [whatIfWords]);
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
  lines.push(
    paint.bold('▸ What if South quiet hours applied to Staff too? Who loses what, before it lands'),
    paint.dim(`$ schoolctl ${shellWords([...whatIfWords, '--dry-run'])}`),
    renderAccessDiff(whatIf),
    '',
  );
  return {
    data: { db: path, counts, whatIf: { command: `schoolctl ${shellWords(whatIfWords)}`, ...accessDiffJson(whatIf) }, tour: stops.map((s) => ({ title: s.stop.title, ...(s.decision ? { decision: s.decision } : { lookup: s.lookup }) })) },
    human: lines.join('\n'),
  };
}

export function register(program: Command): void {
  examples(
    program
      .command('demo')
      .description('build the demo site (in ./schoolctl-demo.db unless --db) and take a short tour of whocan traces')
      .action(action(demo)),
    ['schoolctl demo', 'schoolctl --db my-demo.db demo --json'],
  );
}

// `whocan`: a check with --user (allow/deny with the trace and fixes, exit 0/1), a reverse lookup
// without it (everyone allowed, each with the rule that let them in), or --actions.

import type { Command } from 'commander';
import { createFacts } from '../db/facts/sqlite-facts.js';
import { decisionEngine } from '../model/registry.js';
import { formatTarget } from '../model/trace.js';
import { renderDecision, table } from './render.js';
import { action, collect, examples, type Ctx } from './runtime.js';
import { parse as parseShell } from 'shell-quote';
import { invalid } from '../model/errors.js';
import { personSurface, surfaceActions } from '../model/access-surface.js';
import { EXTERNAL_USERNAME } from '../model/engine.js';
import { NAMES_SHOWN } from './access-render.js';

interface WhocanOpts {
  user?: string;
  term?: string;
  project?: string;
  actions?: boolean;
  fixes?: string;
  whatIf?: string[];
  all?: boolean;
}

async function actions() {
  const rows = decisionEngine()
    .actions()
    .map((a) => ({ key: a.key, description: a.description, target: a.targetKinds.length ? a.targetKinds.map((k) => `${k}:`).join(' ') : null, module: a.module }));
  return { data: rows, human: await table(['action', 'target', 'description'], rows.map((r) => [r.key, r.target ?? '—', r.description])) };
}

async function whocan(ctx: Ctx, actionKey: string | undefined, target: string | undefined, opts: WhocanOpts) {
  if (opts.actions) return actions();
  if (opts.all) return everything(ctx, actionKey, opts);
  if (opts.whatIf?.length) return whatIf(ctx, actionKey, target, opts);
  if (!actionKey) {
    const { missingValue } = await import('./ask.js');
    throw missingValue({ name: 'action' }, 'an action is missing (for example: whocan messages --user j.devries)');
  }
  if (opts.user !== undefined && opts.user.trim() === '') {
    const { invalid } = await import('../model/errors.js');
    throw invalid('empty-user', '--user is empty; give a username to check (or "external"), or leave --user out to list everyone allowed.');
  }
  const db = await ctx.open();
  const facts = createFacts(db);
  const engine = decisionEngine();
  const evalOpts = { term: opts.term, project: opts.project };
  if (opts.user !== undefined) {
    const { verifiedDecision } = await import('./fix-check.js');
    // The human answer shows the narrowest fix's reach; --fixes all and -o json/yaml/csv measure every one.
    const { annotateSyncOwned } = await import('../db/rosters/sync-owned.js');
    const d = annotateSyncOwned(db, await verifiedDecision(db, engine, actionKey, opts.user, target, evalOpts, opts.fixes === 'all' || ctx.machineOutput ? 'all' : 'narrowest'));
    return { data: d, human: renderDecision(d, { allFixes: opts.fixes === 'all' }), exitStatus: d.decision === 'allow' ? 0 : 1 };
  }
  const r = engine.whoCan(facts, actionKey, target, evalOpts);
  const head = `${r.allowed.length} user(s) may ${r.action}${r.target ? ` ${formatTarget(r.target)}` : ''}`;
  if (!r.allowed.length) return { data: r, human: `${head}.` };
  // A site-wide lookup allows 100,000s: people read the first names, programs take JSON or CSV whole.
  const shown = ctx.opts.output === 'csv' ? r.allowed : r.allowed.slice(0, NAMES_SHOWN);
  const more = r.allowed.length - shown.length;
  const listing = await table(['user', 'profile', 'because'], shown.map((a) => [a.user, a.profile, a.because]));
  return { data: r, human: [`${head}:`, listing, ...(more ? [`… and ${more} more (use --json)`] : [])].join('\n') };
}

/** The words of a --what-if command line, split the way a shell would, without a leading "schoolctl". */
function commandWords(line: string): string[] {
  const words = parseShell(line).map((w) => (typeof w === 'string' ? w : 'op' in w ? w.op : String(w)));
  if (words.some((w, i) => typeof parseShell(line)[i] !== 'string')) {
    throw invalid('bad-what-if', `--what-if "${line}" holds shell operators; give one schoolctl command, quoted as one argument.`);
  }
  return words[0] === 'schoolctl' ? words.slice(1) : words;
}

/** The check or reverse lookup before and after the --what-if commands, run in a transaction that is rolled back. */
async function whatIf(ctx: Ctx, actionKey: string | undefined, target: string | undefined, opts: WhocanOpts) {
  if (!actionKey) throw invalid('missing-action', 'Give an action to ask about with --what-if (for example: whocan messages --user j.devries --what-if "profiles set Staff messages=off").');
  const db = await ctx.open();
  const engine = decisionEngine();
  const evalOpts = { term: opts.term, project: opts.project };
  const lines = opts.whatIf!;
  const ask = () => {
    const facts = createFacts(db);
    return opts.user ? { check: engine.decide(facts, actionKey, opts.user, target, evalOpts) } : { lookup: engine.whoCan(facts, actionKey, target, evalOpts) };
  };
  const before = ask();
  const { runCommand } = await import('../cli.js');
  db.exec('BEGIN');
  let after: ReturnType<typeof ask>;
  try {
    for (const line of lines) await runCommand(db, commandWords(line));
    after = ask();
  } finally {
    db.exec('ROLLBACK');
  }
  const head = `What if: ${lines.map((l) => `schoolctl ${l.replace(/^schoolctl\s+/, '')}`).join(' ; ')} (nothing was changed)`;
  if (before.check && after.check) {
    const b = before.check;
    const a = after.check;
    const changed = a.decision !== b.decision;
    const human = changed
      ? [head, `The decision changes: ${b.decision} → ${a.decision}.`, 'Before:', renderDecision(b), 'After:', renderDecision(a)].join('\n')
      : [head, `The decision stays ${a.decision}.`, renderDecision(a)].join('\n');
    return { data: { ...a, whatIf: lines, changed, before: b }, human, exitStatus: a.decision === 'allow' ? 0 : 1 };
  }
  const b = before.lookup!;
  const a = after.lookup!;
  const was = new Set(b.allowed.map((x) => x.user));
  const now = new Set(a.allowed.map((x) => x.user));
  const gained = a.allowed.filter((x) => !was.has(x.user));
  const lost = b.allowed.filter((x) => !now.has(x.user));
  const rows = [...gained.map((x) => ['+', x.user, x.profile, x.because]), ...lost.map((x) => ['-', x.user, x.profile, 'no longer allowed'])];
  const shown = rows.slice(0, NAMES_SHOWN);
  const human = [
    head,
    `${a.allowed.length} user(s) may ${a.action}${a.target ? ` ${formatTarget(a.target)}` : ''} (before: ${b.allowed.length}); ${gained.length} gain, ${lost.length} lose.`,
    ...(shown.length ? [await table(['', 'user', 'profile', 'because'], shown)] : []),
    ...(rows.length > shown.length ? [`… and ${rows.length - shown.length} more (use --json)`] : []),
  ].join('\n');
  return { data: { ...a, whatIf: lines, gained, lost, before: { allowed: b.allowed.length } }, human };
}

/** Options `--all` does not take: it answers for every action, term and project at once. */
const NOT_WITH_ALL: readonly [keyof WhocanOpts, string][] = [
  ['whatIf', '--what-if'],
  ['fixes', '--fixes'],
  ['term', '--term'],
  ['project', '--project'],
];

/** Everything one user may do, grouped by module: each action's decision and, for targeted actions, the targets allowed. */
async function everything(ctx: Ctx, actionKey: string | undefined, opts: WhocanOpts) {
  if (opts.user === undefined) throw invalid('missing-user', '--all lists everything one user may do: give --user USERNAME.');
  if (opts.user.trim() === '') throw invalid('empty-user', '--user is empty; --all lists everything one user may do: give --user USERNAME.');
  if (actionKey) throw invalid('bad-all', `--all lists every action; leave out "${actionKey}", or drop --all to check that action.`);
  const extra = NOT_WITH_ALL.find(([k]) => opts[k] !== undefined && opts[k] !== false);
  if (extra) throw invalid('bad-all', `--all answers for every action, term and project at once and does not take ${extra[1]}; drop ${extra[1]}, or drop --all to ask about one action.`);
  if (opts.user === EXTERNAL_USERNAME) {
    throw invalid('bad-all', `--all lists the access of one person, and "${EXTERNAL_USERNAME}" stands for external systems, which only receive workflow data: ask "whocan view-attendance learner:L --user ${EXTERNAL_USERNAME}".`);
  }
  const db = await ctx.open();
  const facts = createFacts(db);
  const engine = decisionEngine();
  const { subject } = engine.subjectFor(facts, opts.user);
  interface Row {
    action: string;
    module: string;
    targeted: boolean;
    allowed: boolean;
    targets: string[];
  }
  const rows = new Map<string, Row>();
  for (const def of surfaceActions(engine)) {
    const targeted = def.targetKinds.length > 0 || def.needsTerm === true || def.needsProject === true || def.module === 'workflow';
    rows.set(def.key, { action: def.key, module: def.module, targeted, allowed: false, targets: [] });
  }
  for (const { def, point, outcome } of personSurface(engine, facts, subject)) {
    if (!outcome.allow) continue;
    const r = rows.get(def.key)!;
    r.allowed = true;
    if (point.target === null && !point.term && !point.project) continue;
    const where = `${point.term ? ` (term ${point.term})` : ''}${point.project ? ` (project ${point.project})` : ''}`;
    r.targets.push(point.target ? `${point.target.kind}:${point.target.id}${where}` : where ? where.slice(1) : 'everything');
  }
  const modules = new Map<string, Row[]>();
  for (const r of rows.values()) {
    let m = modules.get(r.module);
    if (!m) modules.set(r.module, (m = []));
    m.push(r);
  }
  const lines = [`Everything ${opts.user} may do (${[...rows.values()].filter((r) => r.allowed).length} of ${rows.size} actions allowed; user-to-user actions: ask "whocan search-user user:U --user ${opts.user}"):`];
  for (const [module, list] of modules) {
    lines.push(`${module}:`);
    for (const r of list) {
      const t = r.targets.length > 8 ? `${r.targets.slice(0, 8).join(', ')}, … and ${r.targets.length - 8} more (use --json)` : r.targets.join(', ');
      lines.push(`  ${r.allowed ? '✓' : '✗'} ${r.action}${r.targeted && r.targets.length ? `: ${t}` : ''}`);
    }
  }
  return { data: { user: opts.user, modules: Object.fromEntries([...modules].map(([m, list]) => [m, list.map((r) => ({ action: r.action, decision: r.allowed ? 'allow' : 'deny', ...(r.targeted ? { targets: r.targets } : {}) }))])) }, human: lines.join('\n') };
}

export function register(program: Command): void {
  examples(
    program
      .command('whocan')
      .argument('[action]', 'an action key ("whocan --actions" lists them)')
      .argument('[target]', 'KIND:ID, for actions that take a target')
      .option('--user <username>', 'check this user (or "external" for external systems); without it, list everyone allowed')
      .option('--term <term>', 'the term, for workflow actions')
      .option('--project <project>', 'the portal project (school year), for school-function rights')
      .option('--actions', 'list every action with its target kind')
      .option('--fixes <which>', 'on a deny: "all" lists every verified way to allow, narrowest first (default: the narrowest)')
      .option('--what-if <command>', 'answer as if this schoolctl command had run (repeatable, in order); nothing is changed', collect)
      .option('--all', 'with --user: everything the user may do, grouped by module, with the targets allowed')
      .description('explain an access decision, or list everyone who is allowed')
      .action(action(whocan)),
    [
      'schoolctl whocan messages --user p.bakker',
      'schoolctl whocan create-courses unit:north --user j.devries --json',
      'schoolctl whocan search-user user:s.bakker',
      'schoolctl whocan --actions',
      'schoolctl whocan messages --user c.meijer --what-if "policies apply \'South quiet hours\' --profile Staff"  # exit 1: then a deny',
      'schoolctl whocan messages --what-if "profiles set Student messages=off"',
      'schoolctl whocan --user j.devries --all',
    ],
  );
}

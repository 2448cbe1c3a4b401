// `whocan`: a check with --user (allow/deny with the trace and fixes, exit 0/1), a reverse lookup
// without it (everyone allowed, each with the rule that let them in), or --actions.

import type { Command } from 'commander';
import { createFacts } from '../db/facts/sqlite-facts.js';
import { decisionEngine } from '../model/registry.js';
import { formatTarget } from '../model/trace.js';
import { renderDecision, table } from './render.js';
import { action, examples, type Ctx } from './runtime.js';

interface WhocanOpts {
  user?: string;
  term?: string;
  project?: string;
  actions?: boolean;
}

async function actions() {
  const rows = decisionEngine()
    .actions()
    .map((a) => ({ key: a.key, description: a.description, target: a.targetKinds.length ? a.targetKinds.map((k) => `${k}:`).join(' ') : null, module: a.module }));
  return { data: rows, human: await table(['action', 'target', 'description'], rows.map((r) => [r.key, r.target ?? '—', r.description])) };
}

async function whocan(ctx: Ctx, actionKey: string | undefined, target: string | undefined, opts: WhocanOpts) {
  if (opts.actions) return actions();
  if (!actionKey) {
    const { missingValue } = await import('./ask.js');
    throw missingValue({ name: 'action' }, 'an action is missing (for example: whocan messages --user j.devries)');
  }
  const db = await ctx.open();
  const facts = createFacts(db);
  const engine = decisionEngine();
  const evalOpts = { term: opts.term, project: opts.project };
  if (opts.user) {
    const d = engine.decide(facts, actionKey, opts.user, target, evalOpts);
    return { data: d, human: renderDecision(d), exitStatus: d.decision === 'allow' ? 0 : 1 };
  }
  const r = engine.whoCan(facts, actionKey, target, evalOpts);
  const head = `${r.allowed.length} user(s) may ${r.action}${r.target ? ` ${formatTarget(r.target)}` : ''}`;
  const human = r.allowed.length ? `${head}:\n${await table(['user', 'profile', 'because'], r.allowed.map((a) => [a.user, a.profile, a.because]))}` : `${head}.`;
  return { data: r, human };
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
      .description('explain an access decision, or list everyone who is allowed')
      .action(action(whocan)),
    [
      'schoolctl whocan messages --user p.jansen',
      'schoolctl whocan create-courses unit:north --user j.devries --json',
      'schoolctl whocan search-user user:s.bakker',
      'schoolctl whocan --actions',
    ],
  );
}

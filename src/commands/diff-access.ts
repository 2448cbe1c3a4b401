// `diff-access OTHER.db`: who gains and who loses which access in this model compared with
// another model file (yesterday's backup, a test site), from the same core as --dry-run.

import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { createFacts } from '../db/facts/sqlite-facts.js';
import { openModel } from '../db/open.js';
import { accessDiff } from '../model/access-surface.js';
import { filterChanges, summarize } from '../model/access-summary.js';
import { EXIT, invalid } from '../model/errors.js';
import { decisionEngine } from '../model/registry.js';
import { accessDiffJson, renderAccessDiff } from './access-render.js';
import { action, examples, type Ctx } from './runtime.js';

interface DiffOpts {
  action?: string;
  user?: string;
  unit?: string;
  exitCode?: boolean;
}

async function diffAccess(ctx: Ctx, other: string, opts: DiffOpts) {
  if (!existsSync(other)) throw invalid('no-file', `There is no model file "${other}"; give the path of another schoolctl model to compare with.`);
  const db = await ctx.open();
  const engine = decisionEngine();
  if (opts.action) engine.action(opts.action);
  const otherDb = await openModel(other);
  try {
    const before = createFacts(otherDb);
    const after = createFacts(db);
    if (opts.user && !after.user(opts.user) && !before.user(opts.user)) throw invalid('unknown-user', `There is no user "${opts.user}" in either model.`);
    if (opts.unit && !after.unit(opts.unit) && !before.unit(opts.unit)) throw invalid('unknown-unit', `There is no unit "${opts.unit}" in either model.`);
    let diff = accessDiff(engine, before, after, { actions: opts.action ? new Set([opts.action]) : undefined });
    if (opts.user) diff = filterChanges(diff, (c) => c.user === opts.user);
    if (opts.unit) {
      const members = new Set([...after.usersInUnit(opts.unit), ...before.usersInUnit(opts.unit)]);
      diff = filterChanges(diff, (c) => members.has(c.user));
    }
    const summary = summarize(diff);
    return {
      data: { other, ...accessDiffJson(diff, summary) },
      human: `Compared with ${other}:\n${renderAccessDiff(diff, summary)}`,
      exitStatus: opts.exitCode && diff.changes.length > 0 ? EXIT.held : undefined,
    };
  } finally {
    otherDb.close();
  }
}

export function register(program: Command): void {
  examples(
    program
      .command('diff-access')
      .argument('<other>', 'another model file: what this model gives or takes compared with it')
      .option('--action <action>', 'only this action')
      .option('--user <username>', 'only this person')
      .option('--unit <id>', 'only members of this unit or of the units below it')
      .option('--exit-code', 'exit 4 when there are differences, 0 when there are none (for CI)')
      .description('who gains and who loses which access in this model compared with another model file')
      .action(action(diffAccess)),
    ['schoolctl --db today.db diff-access yesterday.db', 'schoolctl diff-access backup.db --action messages --unit north', 'schoolctl diff-access prod.db --exit-code --json'],
  );
}

// `apply SITE.yaml|SITE.json [--plan]`: make the model match one declarative file. The whole file
// is checked first (every problem named by its path); `--plan` prints the changes and makes none.
// Apply creates and updates; it never removes what the file leaves out, and the plan lists those.

import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { seedDefaultProfiles } from '../db/stores/profiles-store.js';
import { findKind } from '../db/bulk/registry.js';
import { applySiteDocument, documentKinds, parseSiteText, planText, totals, type SiteOutcome } from '../db/site/site-file.js';
import { EXIT, invalid } from '../model/errors.js';
import { createModel } from './init.js';
import { startProgress, type Progress } from './progress.js';
import { action, count, examples, requireInputFile, type Ctx } from './runtime.js';
import { SITE_TARGET } from '../model/school-scope.js';

const ROLLBACK = Symbol('rollback');

function rightsFor(doc: unknown): Set<string> {
  const rights = new Set<string>();
  for (const kind of documentKinds(doc)) {
    const k = findKind(kind);
    if (k) rights.add(k.right);
  }
  return rights;
}

/** The site file's document; the text is not kept (a 200,000-user file is 50 MB of it). */
function readSite(ctx: Ctx, file: string): unknown {
  // A site of 200,000 users takes a while to read and check: progress on a terminal's stderr.
  const reading = startProgress(ctx, `reading ${file}`, 'bytes');
  const text = readFileSync(file, 'utf8');
  const size = text.length;
  try {
    return parseSiteText(text, file, (f) => reading.update(f * size, { total: size }));
  } finally {
    reading.end();
  }
}

async function apply(ctx: Ctx, file: string, opts: { plan?: boolean; maxLoss?: number; maxGain?: number; exitCode?: boolean }) {
  if (ctx.dryRun) opts.plan = true;
  ctx.opts.dryRun = false;
  ctx.limits = { maxLoss: opts.maxLoss, maxGain: opts.maxGain };
  requireInputFile(file, 'give a site file (YAML, or JSON ending in .json)');
  const doc = readSite(ctx, file);
  // A session's model is already open, wherever --db would point.
  const fresh = !ctx.inSession && !existsSync(ctx.dbPath);
  if (fresh && opts.plan) seedDefaultProfiles(await ctx.openScratch());
  else if (fresh) await createModel(ctx);
  // --plan is apply's dry run: the change is made, its access diff computed, and rolled back.
  if (opts.plan) ctx.opts.dryRun = true;
  let outcome: SiteOutcome | undefined;
  {
    const db = await ctx.open();
    // Under --as, every kind the file touches needs its administration right at site level, judged
    // on the model before the file changes it.
    for (const r of rightsFor(doc)) ctx.guard(r, SITE_TARGET, `apply a site file (it needs ${r} at site level)`);
    try {
      await ctx.change(`apply ${file}`, (tx) => {
        // One progress line per step (checking a section, applying a kind), each with its own rate.
        let step: { what: string; progress: Progress } | undefined;
        try {
          outcome = applySiteDocument(db, doc, (what, done, total) => {
            if (step?.what !== what) {
              step?.progress.end();
              step = { what, progress: startProgress(ctx, `${opts.plan ? 'planning' : 'applying'} ${file}: ${what}`) };
            }
            step.progress.update(done, { total });
          });
        } finally {
          step?.progress.end();
        }
        if (outcome.problems.length) throw ROLLBACK;
        for (const p of outcome.assignedProfiles) ctx.guard('assign-profile', { kind: 'profile', id: p }, `give users profile ${p}`);
        if (outcome.changes.length <= 100) for (const c of outcome.changes) tx.record(c.entity, c.id, c.before, c.after);
        else tx.record('apply', file, null, totals(outcome));
      });
    } catch (e) {
      if (e !== ROLLBACK) throw e;
    }
    const o = outcome!;
    if (o.problems.length) throw invalid('bad-site-file', `${file} has ${o.problems.length} problem(s); nothing was changed:\n${o.problems.join('\n')}`);
    const t = totals(o);
    const plan = planText(o);
    const head = opts.plan
      ? `Plan for ${file}${fresh ? ' (on a new model)' : ''}: ${t.create} to create, ${t.update} to update, ${t.same} unchanged. Nothing was changed.`
      : t.create + t.update === 0
        ? `Nothing changed: the model already matches ${file}.`
        : `Applied ${file}${fresh ? ` to a new model at ${ctx.dbPath}` : ''}: ${t.create} created, ${t.update} updated, ${t.same} unchanged.`;
    const shown = opts.plan ? plan : plan.split('\n').filter((l) => l.startsWith('=')).join('\n');
    const differs = t.create + t.update > 0 || (ctx.accessDiff?.changes.length ?? 0) > 0;
    return {
      exitStatus: opts.plan && opts.exitCode && differs ? EXIT.held : undefined,
      data: { file, plan: opts.plan === true, created: t.create, updated: t.update, unchanged: t.same, changes: o.changes, notInFile: o.notInFile },
      human: [head, shown].filter(Boolean).join('\n'),
    };
  }
}

export function register(program: Command): void {
  examples(
    program
      .command('apply')
      .argument('<file>', 'a site file: YAML, or JSON when it ends in .json')
      .option('--plan', 'print the changes applying would make (+ create, ~ update) and who gains or loses access; change nothing')
      .option('--exit-code', 'with --plan: exit 4 when there are differences (changes or access), 0 when there are none')
      .option('--max-loss <n>', 'change nothing (exit 4) when more than N people would lose any access', count('--max-loss'))
      .option('--max-gain <n>', 'change nothing (exit 4) when more than N people would gain any access', count('--max-gain'))
      .description('make the model match a declarative site file (creates the model when missing); apply never removes what the file leaves out')
      .action(action(apply)),
    [
      'schoolctl export site > site.yaml && schoolctl apply site.yaml --plan',
      'schoolctl export site > site.yaml && schoolctl apply site.yaml --plan --exit-code',
      'schoolctl export site > site.yaml && schoolctl apply site.yaml --max-loss 20',
      'schoolctl export site > site.yaml && schoolctl --db new.db apply site.yaml',
      'schoolctl export site > site.yaml && schoolctl apply site.yaml',
    ],
  );
}

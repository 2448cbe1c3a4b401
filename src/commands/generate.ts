// `generate`: a synthetic site of a given size, deterministic from the seed, as CSV files (one per
// import kind) or straight into a new model.

import type { Command } from 'commander';
import { existsSync, mkdirSync } from 'node:fs';
import { CsvSink, DbSink } from '../db/bulk/generate-sinks.js';
import { invalid } from '../model/errors.js';
import { GENERATED_KINDS, generateSite } from '../model/site-generator.js';
import { createModel } from './init.js';
import { startProgress } from './progress.js';
import { action, examples, type Ctx } from './runtime.js';

function whole(raw: string | undefined, what: string, min: number, dflt: number): number {
  if (raw === undefined) return dflt;
  if (!/^\d+$/.test(raw) || Number(raw) < min) throw invalid('bad-number', `${what} "${raw}" is not valid; use a whole number of at least ${min}.`);
  return Number(raw);
}

async function generate(ctx: Ctx, opts: { users?: string; schools?: string; seed?: string; out?: string }) {
  const users = whole(opts.users, '--users', 1, 1000);
  const schools = whole(opts.schools, '--schools', 1, Math.max(1, Math.round(users / 4000)));
  const seed = whole(opts.seed, '--seed', 0, 1);
  const toDb = opts.out === undefined;
  if (!toDb && ctx.opts.db) throw invalid('bad-target', 'Give either --out DIR (CSV files) or --db FILE (a new model), not both.');
  if (toDb && !ctx.opts.db) throw invalid('missing-target', 'Give --out DIR for CSV files, or --db FILE for a new model.');
  const started = Date.now();
  let counts: Record<string, number>;
  let where: string;
  if (toDb) {
    if (existsSync(ctx.dbPath)) throw invalid('exists', `${ctx.dbPath} already exists; generate writes a new model only. Choose another --db.`);
    await createModel(ctx, false);
    const db = ctx.sqlite;
    const sink = new DbSink(db);
    db.pragma('foreign_keys = OFF');
    const progress = startProgress(ctx, `generating ${ctx.dbPath}`, 'users');
    let made = 0;
    await ctx.change(`generate --users ${users} --schools ${schools} --seed ${seed}`, (tx) => {
      for (const row of generateSite({ users, schools, seed })) {
        sink.write(row);
        if (row.kind === 'users') progress.update(++made, { total: users });
      }
      progress.end();
      sink.close();
      tx.record('generate', ctx.dbPath, null, { ...sink.counts });
    });
    db.pragma('foreign_keys = ON');
    counts = sink.counts;
    where = ctx.dbPath;
  } else {
    mkdirSync(opts.out!, { recursive: true });
    const sink = new CsvSink(opts.out!);
    const progress = startProgress(ctx, `generating CSV files in ${opts.out}`, 'users');
    let made = 0;
    for (const row of generateSite({ users, schools, seed })) {
      await sink.write(row);
      if (row.kind === 'users') progress.update(++made, { total: users });
    }
    progress.end();
    await sink.close();
    counts = sink.counts;
    where = opts.out!;
  }
  const seconds = (Date.now() - started) / 1000;
  const order = toDb ? '' : `\nImport them in this order: ${GENERATED_KINDS.map((k) => `schoolctl import ${k} ${opts.out}/${k}.csv`).join(' && ')}`;
  return {
    data: { users, schools, seed, target: where, counts, seconds },
    human: `Generated a site of ${counts.users ?? 0} users in ${schools} school(s) (seed ${seed}) into ${where} in ${seconds.toFixed(1)} s: ${Object.entries(counts)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ')}.${order}`,
  };
}

export function register(program: Command): void {
  examples(
    program
      .command('generate')
      .option('--users <n>', 'about how many users (default 1000)')
      .option('--schools <n>', 'how many schools (default: one per 4000 users)')
      .option('--seed <k>', 'the seed: the same seed gives the same site (default 1)')
      .option('--out <dir>', 'write one CSV file per import kind into this directory')
      .description('a synthetic site of a given size, deterministic from the seed: CSV files (--out) or a new model (--db)')
      .action(action(generate)),
    ['schoolctl generate --users 200000 --schools 50 --seed 1 --db big.db', 'schoolctl generate --users 5000 --schools 2 --seed 7 --out site-csv/'],
  );
}

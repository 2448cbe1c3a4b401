// `generate`: a synthetic site of a given size, deterministic from the seed, as CSV files (one per
// import kind) or straight into a new model.

import type { Command } from 'commander';
import { existsSync, mkdirSync, statSync } from 'node:fs';
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

/** `--format oneroster --out DIR`: the generated site built in a scratch model, then written as a OneRoster bundle. */
async function generateOneRoster(ctx: Ctx, spec: { users: number; schools: number; seed: number }, out: string, version: string) {
  if (version !== '1.1' && version !== '1.2') throw invalid('bad-version', `--oneroster-version "${version}" is not a OneRoster version this writes; use 1.1 or 1.2.`);
  const started = Date.now();
  const { scratchModel } = await import('../db/open.js');
  const { seedDefaultProfiles } = await import('../db/stores/profiles-store.js');
  const { exportOneRoster } = await import('../db/rosters/oneroster-export.js');
  const db = await scratchModel();
  seedDefaultProfiles(db);
  const sink = new DbSink(db);
  db.pragma('foreign_keys = OFF');
  db.exec('BEGIN');
  for (const row of generateSite(spec)) sink.write(row);
  sink.close();
  db.exec('COMMIT');
  // The generated users get external ids and an explicit membership role, as a SIS gives them.
  db.exec(`UPDATE users SET external_id = 'u' || id WHERE external_id IS NULL`);
  db.exec(`UPDATE memberships SET role = (SELECT p.role_in_hierarchy FROM users u JOIN profiles p ON p.id = u.profile_id WHERE u.id = memberships.user_id) WHERE role IS NULL`);
  const o = await exportOneRoster(db, out, version);
  db.close();
  const seconds = (Date.now() - started) / 1000;
  return {
    data: { ...spec, format: 'oneroster', version, target: out, counts: o.rows, seconds },
    human: `Generated a OneRoster ${version} bundle of ${o.rows.users} users in ${spec.schools} school(s) (seed ${spec.seed}) into ${out} in ${seconds.toFixed(1)} s: ${Object.entries(o.rows)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ')}.\nImport it with: schoolctl import oneroster ${out}`,
  };
}

async function generate(ctx: Ctx, opts: { users?: string; schools?: string; seed?: string; out?: string; format?: string; onerosterVersion?: string }) {
  const users = whole(opts.users, '--users', 1, 1000);
  const schools = whole(opts.schools, '--schools', 1, Math.max(1, Math.round(users / 4000)));
  const seed = whole(opts.seed, '--seed', 0, 1);
  const format = opts.format ?? 'csv';
  if (format !== 'csv' && format !== 'oneroster') throw invalid('bad-format', `--format "${format}" is not valid; use csv (one file per import kind) or oneroster (a OneRoster bundle).`);
  if (format === 'oneroster') {
    if (opts.out === undefined || ctx.opts.db) throw invalid('missing-target', 'generate --format oneroster writes a bundle: give --out DIR (and no --db).');
    return generateOneRoster(ctx, { users, schools, seed }, opts.out, opts.onerosterVersion ?? '1.1');
  }
  const toDb = opts.out === undefined;
  if (!toDb && ctx.opts.db) throw invalid('bad-target', 'Give either --out DIR (CSV files) or --db FILE (a new model), not both.');
  if (toDb && !ctx.opts.db) throw invalid('missing-target', 'Give --out DIR for CSV files, or --db FILE for a new model.');
  const started = Date.now();
  let counts: Record<string, number>;
  let where: string;
  if (toDb) {
    if (existsSync(ctx.dbPath)) throw invalid('exists', `${ctx.dbPath} already exists; generate writes a new model only. Choose another --db.`);
    await createModel(ctx);
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
    if (existsSync(opts.out!) && !statSync(opts.out!).isDirectory()) throw invalid('not-a-directory', `--out "${opts.out}" is a file; give a directory for the CSV files, for example --out site-csv/.`);
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
      .option('--format <format>', 'with --out: csv (default, one file per import kind) or oneroster (a OneRoster bulk bundle)')
      .option('--oneroster-version <v>', 'with --format oneroster: 1.1 (default) or 1.2')
      .description('a synthetic site of a given size, deterministic from the seed: CSV files (--out) or a new model (--db)')
      .action(action(generate)),
    [
      'schoolctl generate --users 2000 --schools 2 --seed 1 --db big.db',
      'schoolctl generate --users 5000 --schools 2 --seed 7 --out site-csv/',
      'schoolctl generate --users 500 --format oneroster --out roster/',
    ],
  );
}

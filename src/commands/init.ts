// `init`: a new model with the settings catalogue, the six default profiles and an empty site.

import type { Command } from 'commander';
import { existsSync, rmSync } from 'node:fs';
import { seedDefaultProfiles } from '../db/stores/profiles-store.js';
import { invalid } from '../model/errors.js';
import { CATALOGUE, DEFAULT_PROFILES } from '../model/settings-catalogue.js';
import { action, examples, type Ctx } from './runtime.js';

/** Creates a fresh model file (removing an old one first when `force`). */
export async function createModel(ctx: Ctx, force: boolean): Promise<void> {
  const path = ctx.dbPath;
  if (existsSync(path)) {
    if (!force) throw invalid('exists', `A model already exists at ${path}; pass --force to replace it, or --db to choose another file.`);
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
  }
  const db = await ctx.open(true);
  await ctx.change('init', (tx) => {
    seedDefaultProfiles(db);
    tx.record('model', path, null, { profiles: DEFAULT_PROFILES.map((p) => p.name), settings: CATALOGUE.length });
  });
}

export function register(program: Command): void {
  examples(
    program
      .command('init')
      .description('create a new model: settings catalogue, six default profiles, empty site')
      .option('--force', 'replace an existing model at the same path')
      .action(
        action(async (ctx, opts: { force?: boolean }) => {
          await createModel(ctx, opts.force === true);
          return {
            data: { created: ctx.dbPath, profiles: DEFAULT_PROFILES.length, settings: CATALOGUE.length },
            human: `Created ${ctx.dbPath}: ${DEFAULT_PROFILES.length} default profiles, ${CATALOGUE.length} settings each.`,
          };
        }),
      ),
    ['schoolctl init', 'schoolctl --db site.db init --force'],
  );
}

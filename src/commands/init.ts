// `init`: a new model with the settings catalogue, the six default profiles and an empty site.

import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { holdForReplace } from '../db/open.js';
import { seedDefaultProfiles } from '../db/stores/profiles-store.js';
import { invalid } from '../model/errors.js';
import { CATALOGUE, DEFAULT_PROFILES } from '../model/settings-catalogue.js';
import { action, examples, type Ctx } from './runtime.js';

export interface CreateOptions {
  /** Replace a model at the path: init --force moves it aside (with consent when it has users). */
  readonly force?: boolean;
  /** Replace it without a backup (the demo over a demo). */
  readonly overwrite?: boolean;
}

/** Creates a fresh model, built beside its path and renamed into place when the command succeeds. */
export async function createModel(ctx: Ctx, opts: CreateOptions = {}): Promise<void> {
  const path = ctx.dbPath;
  if (existsSync(path)) {
    if (opts.overwrite) ctx.replaceTarget = true;
    else if (!opts.force) throw invalid('exists', `A model already exists at ${path}; pass --force to replace it, or --db to choose another file.`);
    else {
      const held = holdForReplace(path, ctx.opts.dryRun === true);
      ctx.replacing = held;
      if (held.users > 0) await ctx.confirm(`${path} holds a model with ${held.users} user(s); init --force moves it aside (${path}.bak-TIME) and starts an empty one.`);
    }
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
      .option('--force', 'replace an existing model at the same path (the old one is kept as FILE.bak-TIME)')
      .action(
        action(async (ctx, opts: { force?: boolean }) => {
          await createModel(ctx, { force: opts.force === true });
          const dryRun = ctx.opts.dryRun === true;
          const kept = ctx.replacing ? ` (the old model ${dryRun ? 'would be' : 'is'} kept as ${ctx.dbPath}.bak-TIME)` : '';
          return {
            data: { created: ctx.dbPath, profiles: DEFAULT_PROFILES.length, settings: CATALOGUE.length },
            human: `${dryRun ? 'Would create' : 'Created'} ${ctx.dbPath}: ${DEFAULT_PROFILES.length} default profiles, ${CATALOGUE.length} settings each${kept}.`,
          };
        }),
      ),
    ['schoolctl --db new.db init', 'schoolctl init --force --yes'],
  );
}

// `upgrade`: migrates a model written by an older schoolctl to this version's schema. Reads never
// migrate; every change does it on the way, and this command does only that.

import type { Command } from 'commander';
import { LATEST_VERSION } from '../db/open.js';
import { action, examples } from './runtime.js';

export function register(program: Command): void {
  examples(
    program
      .command('upgrade')
      .description("bring a model written by an older schoolctl to this version's schema")
      .action(
        action(async (ctx) => {
          await ctx.open();
          return { data: { db: ctx.dbPath, version: LATEST_VERSION }, human: `${ctx.dbPath} is at schema version ${LATEST_VERSION}.` };
        }),
      ),
    ['schoolctl upgrade'],
  );
}

// `import KIND FILE.csv`: a whole CSV file of one kind, all or nothing. Every row is checked and every
// bad one reported (line, column, value, what is valid); `--dry-run` only reports what would change.

import type { Command } from 'commander';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { importCsvFile, type ImportOutcome } from '../db/bulk/import-file.js';
import { BULK_KINDS, findKind } from '../db/bulk/registry.js';
import { invalid } from '../model/errors.js';
import { startProgress } from './progress.js';
import { action, count, examples, requireInputFile, type Ctx } from './runtime.js';
import { SITE_TARGET } from '../model/school-scope.js';
import { didYouMean } from '../model/did-you-mean.js';

const ROLLBACK = Symbol('rollback');
/** Above this many changed rows the audit keeps the counts, not every row. */
const AUDIT_ROWS = 100;

export function requireKind(name: string) {
  const kind = findKind(name);
  if (!kind) {
    throw invalid('unknown-kind', `There is no import kind "${name}"${didYouMean(name, BULK_KINDS.map((k) => k.name)) || '.'} Kinds: ${BULK_KINDS.map((k) => k.name).join(', ')}.`);
  }
  return kind;
}

async function spoolStdin(): Promise<{ path: string; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'schoolctl-import-'));
  const path = join(dir, 'stdin.csv');
  await pipeline(process.stdin, createWriteStream(path));
  return { path, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function summary(c: { create: number; update: number; same: number }, dry: boolean): string {
  return dry
    ? `${c.create} to create, ${c.update} to update, ${c.same} unchanged`
    : `${c.create} created, ${c.update} updated, ${c.same} unchanged`;
}

/** Roster formats, read whole as a bundle rather than as one kind (docs/rosters.md). */
const ROSTER_FORMATS = ['oneroster', 'ims-enterprise'];

async function importKind(ctx: Ctx, kindName: string, file: string, opts: { dryRun?: boolean; plan?: boolean; prune?: boolean; lenient?: boolean; maxLoss?: number; maxGain?: number }) {
  // The guardrails hold a roster as they hold a CSV kind: the access diff is judged before the commit.
  if (ROSTER_FORMATS.includes(kindName)) ctx.limits = { maxLoss: opts.maxLoss, maxGain: opts.maxGain };
  if (kindName === 'oneroster') return (await import('./rosters.js')).importOneRosterCommand(ctx, file, opts);
  if (kindName === 'ims-enterprise') return (await import('./rosters.js')).importImsCommand(ctx, file, opts);
  if (opts.plan || opts.prune || opts.lenient) throw invalid('bad-option', `--plan, --prune and --lenient are for rosters (${ROSTER_FORMATS.join(', ')}); a CSV kind takes --dry-run.`);
  const kind = requireKind(kindName);
  const dryRun = ctx.dryRun;
  ctx.limits = { maxLoss: opts.maxLoss, maxGain: opts.maxGain };
  let path = file;
  let cleanup = () => {};
  if (file === '-') {
    // Someone at a terminal would otherwise wait for a prompt that never comes.
    if (process.stdin.isTTY && !ctx.opts.quiet) {
      process.stderr.write(`Reading ${kind.name} CSV from standard input (header first: ${kind.columns.map((c) => c.name).join(',')}); end with Ctrl-D on an empty line, or Ctrl-C to stop.\n`);
    }
    ({ path, cleanup } = await spoolStdin());
  }
  else requireInputFile(file, 'give a CSV file, or - for standard input');
  try {
    const db = await ctx.open();
    ctx.guard(kind.right, SITE_TARGET, `import ${kind.name} (bulk imports need ${kind.right} at site level)`);
    const progress = startProgress(ctx, `importing ${kind.name} from ${file === '-' ? 'standard input' : file}`);
    let outcome: ImportOutcome | undefined;
    // SQLite only changes this setting outside a transaction; it is restored in finally.
    if (kind.checkedTables) db.pragma('foreign_keys = OFF');
    try {
      await ctx.change(`import ${kind.name} (${file === '-' ? 'stdin' : file})`, async (tx) => {
        outcome = await importCsvFile(db, kind, path, (bytes, total, rows) => progress.update(rows, { fraction: total ? bytes / total : undefined }));
        progress.end();
        if (outcome.problems.length) throw ROLLBACK;
        for (const table of kind.checkedTables ?? []) {
          const broken = db.pragma(`foreign_key_check(${table})`) as unknown[];
          if (broken.length) throw new Error(`import ${kind.name} left ${broken.length} broken reference(s) in ${table}`);
        }
        // Under --as, each profile the file hands out must sit below the actor's own (DOMAIN.md §8).
        for (const p of outcome.assignedProfiles) ctx.guard('assign-profile', { kind: 'profile', id: p }, `give users profile ${p}`);
        if (outcome.changeCount <= AUDIT_ROWS) for (const c of outcome.changes) tx.record(c.entity, c.id, c.before, c.after);
        else tx.record('import', kind.name, null, { rows: outcome.rows, created: outcome.counts.create, updated: outcome.counts.update, unchanged: outcome.counts.same });
      });
    } catch (e) {
      if (e !== ROLLBACK) throw e;
    } finally {
      if (kind.checkedTables) db.pragma('foreign_keys = ON');
    }
    const o = outcome!;
    if (o.problems.length) {
      const more = o.moreProblems ? `\n… and ${o.moreProblems} more problem(s) not shown` : '';
      throw invalid('bad-rows', `${file === '-' ? 'standard input' : file} has ${o.problems.length + o.moreProblems} problem(s); nothing was imported:\n${o.problems.join('\n')}${more}`);
    }
    const data = {
      kind: kind.name,
      file,
      dryRun,
      rows: o.rows,
      created: o.counts.create,
      updated: o.counts.update,
      unchanged: o.counts.same,
      changes: o.changes,
    };
    const lines: string[] = [];
    if (dryRun) {
      lines.push(`Dry run of ${kind.name} from ${file}: ${o.rows} row(s), ${summary(o.counts, true)}. Nothing was changed.`);
      for (const c of o.changes.slice(0, 20)) lines.push(`  ${c.status === 'create' ? '+' : '~'} ${c.entity} ${c.id}`);
      if (o.changeCount > 20) lines.push(`  … and ${o.changeCount - 20} more`);
    } else if (o.changeCount === 0) {
      lines.push(`Nothing changed: all ${o.rows} row(s) of ${file} already match the model.`);
    } else {
      lines.push(`Imported ${kind.name} from ${file}: ${summary(o.counts, false)}.`);
    }
    return { data, human: lines.join('\n') };
  } finally {
    cleanup();
  }
}

export function register(program: Command): void {
  const kinds = BULK_KINDS.map((k) => `  ${k.name.padEnd(20)} ${k.columns.map((c) => (c.required ? c.name : `[${c.name}]`)).join(',')}`).join('\n');
  examples(
    program
      .command('import')
      .argument('<kind>', `what the file holds: ${BULK_KINDS.map((k) => k.name).join(', ')}; or a roster: ${ROSTER_FORMATS.join(', ')}`)
      .argument('<file>', 'a UTF-8 CSV file with a header row, or - for standard input; a roster: its folder, .zip or .xml')
      .option('--dry-run', 'check every row and print what would change and who gains or loses access, without changing anything')
      .option('--max-loss <n>', 'change nothing (exit 4) when more than N people would lose any access', count('--max-loss'))
      .option('--max-gain <n>', 'change nothing (exit 4) when more than N people would gain any access', count('--max-gain'))
      .option('--plan', 'roster: check it whole and print what would change, what it removes and what is gone from the source')
      .option('--prune', 'roster: remove what the model holds from this source that a bulk file leaves out')
      .option('--lenient', 'roster: import a bundle that contradicts itself, listing each choice made as a warning')
      .description('import a CSV file of one kind: every row is checked first, and nothing changes unless all are good')
      .addHelpText('after', `\nKinds and their columns ([optional]):\n${kinds}\n\nA row whose key exists updates it; importing the same file twice changes nothing\nthe second time.\nA cell written as '=… (a defused formula) is read without the '.\n\nRosters (see docs/rosters.md): a OneRoster 1.1 or 1.2 CSV bundle (folder or\n.zip, bulk or delta as its manifest says) or an IMS Enterprise 1.1 XML file,\nchecked whole, applied all or nothing. Records remember their source; a bulk\nfile that leaves a record out lists it as gone, removed with --prune.`)
      .action(action(importKind)),
    [
      'schoolctl export units > units.csv && schoolctl import units units.csv',
      'schoolctl export users > users.csv && schoolctl import users users.csv --dry-run',
      'schoolctl export enrolments | schoolctl import enrolments -',
      'schoolctl export memberships > m.csv && schoolctl import memberships m.csv --max-loss 50',
      'schoolctl import oneroster fixtures/oneroster/1.1-bulk --plan',
      'schoolctl import oneroster fixtures/oneroster/1.1-bulk',
      'schoolctl import oneroster fixtures/oneroster/sync-day2 --plan --prune',
      'schoolctl import ims-enterprise fixtures/oneroster/ims-default-namespace.xml --plan',
    ],
  );
}

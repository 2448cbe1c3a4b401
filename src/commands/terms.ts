// `terms`: named periods of the site or one school; workflow runs per term.

import type { Command } from 'commander';
import { checkIdentifier, requireTerm, requireUnit } from '../db/stores/lookups.js';
import { addTerm, removeTerm, termExists, termList } from '../db/stores/terms-store.js';
import { invalid } from '../model/errors.js';
import { table } from './render.js';
import { action, changeResult, examples, type Ctx } from './runtime.js';
import { SITE_TARGET } from '../model/school-scope.js';

export function checkDate(raw: string, what: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
  const d = m ? new Date(`${raw}T00:00:00Z`) : undefined;
  if (!m || !d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== raw) {
    throw invalid('bad-date', `${what} "${raw}" is not a valid date; use YYYY-MM-DD, for example 2025-09-01.`);
  }
  return raw;
}

async function add(ctx: Ctx, id: string, opts: { from: string; to: string; org?: string; name?: string }) {
  const db = await ctx.open();
  checkIdentifier('Term', id);
  if (await termExists(await ctx.kdb(), id)) throw invalid('term-exists', `Term "${id}" already exists.`);
  const from = checkDate(opts.from, '--from');
  const to = checkDate(opts.to, '--to');
  if (to < from) throw invalid('bad-dates', `Term ${id} would end (${to}) before it starts (${from}).`);
  const org = opts.org ? requireUnit(db, opts.org, ['school']).id : null;
  ctx.guard('term-management', org ? { kind: 'unit', id: org } : SITE_TARGET, `add ${org ? `a term for school ${org}` : 'a site term'}`);
  const { changes } = await ctx.change(`terms add ${id}`, async (tx) => {
    await addTerm(tx.db, { id, name: opts.name ?? id, from, to, org });
    tx.record('term', id, null, { from, to, org });
  });
  return changeResult(changes, id);
}

async function remove(ctx: Ctx, id: string) {
  const db = await ctx.open();
  const t = requireTerm(db, id);
  ctx.guard('term-management', { kind: 'term', id }, `remove term ${id}`);
  await ctx.confirm(`Remove term ${id}?`);
  const { changes } = await ctx.change(`terms remove ${id}`, async (tx) => {
    await removeTerm(tx.db, id);
    tx.record('term', id, { from: t.starts, to: t.ends, org: t.org_id }, null);
  });
  return changeResult(changes, id);
}

async function list(ctx: Ctx) {
  await ctx.open();
  const rows = await termList(await ctx.kdb());
  return { data: rows, human: rows.length ? await table(['term', 'from', 'to', 'owner'], rows.map((r) => [r.id, r.from, r.to, r.org ?? 'site'])) : 'No terms.' };
}

export function register(program: Command): void {
  const terms = program.command('terms').description('terms of the site or of one school');
  examples(
    terms
      .command('add')
      .argument('<id>')
      .requiredOption('--from <date>', 'first day, YYYY-MM-DD')
      .requiredOption('--to <date>', 'last day, YYYY-MM-DD')
      .option('--org <school>', 'the school that owns it (default: the site)')
      .option('--name <name>', 'display name')
      .description('add a term')
      .action(action(add)),
    ['schoolctl terms add 2026-T3 --from 2026-08-31 --to 2026-12-18'],
  );
  examples(terms.command('list').description('terms').action(action(list)), ['schoolctl terms list --json']);
  examples(terms.command('remove').argument('<id>').description('remove a term').action(action(remove)), ['schoolctl terms remove south-exams-2026 --yes']);
}

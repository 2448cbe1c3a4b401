// `parents`: a parent user is linked to one or more children.

import type { Command } from 'commander';
import { requireUser } from '../db/stores/lookups.js';
import { isLinked, linkParent, parentLinks, unlinkParent } from '../db/stores/parents-store.js';
import { invalid } from '../model/errors.js';
import { table } from './render.js';
import { action, changeResult, examples, type Ctx } from './runtime.js';

async function link(ctx: Ctx, parent: string, child: string) {
  const db = await ctx.open();
  const p = requireUser(db, parent);
  const c = requireUser(db, child);
  if (p.id === c.id) throw invalid('self-link', `${parent} cannot be their own parent.`);
  ctx.guard('manage-user', { kind: 'user', id: child }, `link parents to ${child}`);
  const had = await isLinked(await ctx.kdb(), p.id, c.id);
  const { changes } = await ctx.change(`parents link ${parent} ${child}`, async (tx) => {
    await linkParent(tx.db, p.id, c.id);
    tx.record('parent-link', `${parent}→${child}`, had ? 'linked' : null, 'linked');
  });
  return changeResult(changes, `${parent} → ${child}`);
}

async function unlink(ctx: Ctx, parent: string, child: string) {
  const db = await ctx.open();
  const p = requireUser(db, parent);
  const c = requireUser(db, child);
  if (!(await isLinked(await ctx.kdb(), p.id, c.id))) throw invalid('not-linked', `${parent} is not linked to ${child}.`);
  ctx.guard('manage-user', { kind: 'user', id: child }, `unlink parents of ${child}`);
  const { changes } = await ctx.change(`parents unlink ${parent} ${child}`, async (tx) => {
    await unlinkParent(tx.db, p.id, c.id);
    tx.record('parent-link', `${parent}→${child}`, 'linked', null);
  });
  return changeResult(changes, `${parent} → ${child}`);
}

async function list(ctx: Ctx, opts: { user?: string }) {
  const db = await ctx.open();
  const u = opts.user ? requireUser(db, opts.user) : undefined;
  const rows = await parentLinks(await ctx.kdb(), u?.id);
  return { data: rows, human: rows.length ? await table(['parent', 'child'], rows.map((r) => [r.parent, r.child])) : 'No parent links.' };
}

export function register(program: Command): void {
  const parents = program.command('parents').description('links between parents and their children');
  examples(parents.command('link').argument('<parent>').argument('<child>').description('link a parent to a child').action(action(link)), [
    'schoolctl parents link p.bakker s.bakker',
  ]);
  examples(parents.command('unlink').argument('<parent>').argument('<child>').description('remove a link').action(action(unlink)), ['schoolctl parents unlink p.bakker s.bakker']);
  examples(parents.command('list').option('--user <username>', 'only links of this parent or child').description('parent links').action(action(list)), [
    'schoolctl parents list --user p.bakker',
  ]);
}

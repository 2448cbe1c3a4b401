// `audit`: every change with its time, actor, command and values before and after.

import type { Command } from 'commander';
import { auditRows } from '../db/stores/audit-store.js';
import { invalid } from '../model/errors.js';
import { table, type Cell } from './render.js';
import { action, changeLines, examples, type Ctx } from './runtime.js';

function since(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const rel = /^(\d+)([mhd])$/.exec(raw);
  if (rel) {
    const ms = Number(rel[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[rel[2] as 'm' | 'h' | 'd'];
    return new Date(Date.now() - ms).toISOString();
  }
  const d = new Date(raw);
  if (Number.isNaN(d.getTime())) throw invalid('bad-time', `--since "${raw}" is not a time; use an ISO date such as 2025-09-01 or a span such as 2h or 7d.`);
  return d.toISOString();
}

async function audit(ctx: Ctx, opts: { since?: string; actor?: string; limit?: string }) {
  await ctx.open();
  const from = since(opts.since);
  const limit = opts.limit === undefined ? 100 : Number(opts.limit);
  if (!Number.isInteger(limit) || limit < 1) throw invalid('bad-limit', `--limit "${opts.limit}" is not valid; use a whole number of 1 or more.`);
  const rows = await auditRows(await ctx.kdb(), { since: from, actor: opts.actor, limit });
  const data = rows.map((r) => ({ ...r, changes: JSON.parse(r.changes) as { entity: string; id: string; before: unknown; after: unknown }[] }));
  const cells = data.map((r): Cell[] => {
    const changes = r.changes.slice(0, 10).flatMap((c) => changeLines(c));
    if (r.changes.length > 10) changes.push(`… and ${r.changes.length - 10} more change(s)`);
    return [r.id, r.at, r.actor, r.summary && r.summary !== r.command ? `${r.command} (${r.summary})` : r.command, { text: changes }];
  });
  return { data, human: cells.length ? await table(['#', 'at', 'actor', 'command', 'changes'], cells) : 'No changes recorded.' };
}

export function register(program: Command): void {
  examples(
    program
      .command('audit')
      .option('--since <time>', 'only changes since an ISO time or a span (30m, 2h, 7d)')
      .option('--actor <user>', 'only changes made as this user (owner:NAME for the model owner)')
      .option('--limit <n>', 'the newest N changes (default 100)')
      .description('who changed what, when, with which command')
      .action(action(audit)),
    ['schoolctl audit --since 2h', 'schoolctl audit --actor a.admin --json'],
  );
}

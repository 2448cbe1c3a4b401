// `ilp-templates`: Individual Learning Plan templates; mentors and headteachers can use ILPs only
// once the site has at least one (DOMAIN.md §5).

import type { Command } from 'commander';
import { addIlpTemplate, ilpTemplate, ilpTemplates, removeIlpTemplate } from '../db/stores/supervisor-store.js';
import { invalid } from '../model/errors.js';
import { table } from './render.js';
import { action, changeResult, examples, type Ctx } from './runtime.js';
import { SITE_TARGET } from '../model/school-scope.js';

const MANAGE = 'supervisor-management';

function checkName(name: string): string {
  const clean = name.trim();
  if (!clean || clean.length > 80 || /[\u0000-\u001f]/.test(clean)) throw invalid('bad-name', `ILP template name "${name}" is not valid; use 1–80 printable characters.`);
  return clean;
}

async function add(ctx: Ctx, name: string) {
  const db = await ctx.open();
  const clean = checkName(name);
  const existing = ilpTemplate(db, clean);
  if (existing) throw invalid('template-exists', `ILP template "${existing.name}" already exists; "schoolctl ilp-templates list" shows them.`);
  ctx.guard(MANAGE, SITE_TARGET, 'add ILP templates (they belong to the site)');
  const { changes } = await ctx.change(`ilp-templates add ${clean}`, (tx) => {
    addIlpTemplate(db, clean, new Date().toISOString());
    tx.record('ilp-template', clean, null, 'created');
  });
  return changeResult(changes, `ILP template ${clean}`);
}

async function list(ctx: Ctx) {
  const db = await ctx.open();
  const rows = ilpTemplates(db).map((r) => ({ name: r.name, createdAt: r.created_at }));
  return {
    data: rows,
    human: rows.length
      ? await table(['template', 'created'], rows.map((r) => [r.name, r.createdAt]))
      : 'No ILP templates: mentors and headteachers cannot use individual learning plans until one exists ("schoolctl ilp-templates add NAME").',
  };
}

async function remove(ctx: Ctx, name: string) {
  const db = await ctx.open();
  const existing = ilpTemplate(db, name.trim());
  if (!existing) {
    const names = ilpTemplates(db).map((t) => t.name);
    throw invalid('unknown-template', `There is no ILP template "${name}"; templates: ${names.join(', ') || 'none'}.`);
  }
  ctx.guard(MANAGE, SITE_TARGET, 'remove ILP templates (they belong to the site)');
  const { changes } = await ctx.change(`ilp-templates remove ${existing.name}`, (tx) => {
    removeIlpTemplate(db, existing.name);
    tx.record('ilp-template', existing.name, 'created', null);
  });
  const left = ilpTemplates(db).length;
  const result = changeResult(changes, `ILP template ${existing.name}`);
  return left ? result : { ...result, human: `${result.human}\nThe site has no ILP template left: individual learning plans are unavailable until one is added.` };
}

export function register(program: Command): void {
  const t = program.command('ilp-templates').description('Individual Learning Plan templates (ILPs need at least one)');
  examples(t.command('add').argument('<name>').description('add an ILP template').action(action(add)), ['schoolctl ilp-templates add "Learning support plan"']);
  examples(t.command('list').description('every ILP template').action(action(list)), ['schoolctl ilp-templates list --json']);
  examples(t.command('remove').argument('<name>').description('remove an ILP template').action(action(remove)), ['schoolctl ilp-templates remove "Individual learning plan" --yes']);
}

// `projects`: the site's collaborative workspaces, with members.

import type { Command } from 'commander';
import { checkIdentifier, requireProject, requireUnit, requireUser } from '../db/stores/lookups.js';
import { addProject, addProjectMember, isProjectMember, projectExists, projectList, removeProjectMember } from '../db/stores/projects-store.js';
import { invalid } from '../model/errors.js';
import { table } from './render.js';
import { action, changeResult, examples, type Ctx } from './runtime.js';

async function add(ctx: Ctx, id: string, opts: { unit: string; name?: string }) {
  const db = await ctx.open();
  checkIdentifier('Project', id);
  if (await projectExists(await ctx.kdb(), id)) throw invalid('project-exists', `Project "${id}" already exists.`);
  const unit = requireUnit(db, opts.unit);
  ctx.guard('project-management', { kind: 'unit', id: unit.id }, `add projects to unit ${unit.id}`);
  const name = opts.name?.trim() || id;
  const { changes } = await ctx.change(`projects add ${id}`, async (tx) => {
    await addProject(tx.db, { id, unitId: unit.id, name });
    tx.record('project', id, null, { unit: unit.id, name });
  });
  return changeResult(changes, id);
}

async function addMember(ctx: Ctx, id: string, username: string) {
  const db = await ctx.open();
  requireProject(db, id);
  const user = requireUser(db, username);
  ctx.guard('project-management', { kind: 'project', id }, `change project ${id}`);
  const had = await isProjectMember(await ctx.kdb(), id, user.id);
  const { changes } = await ctx.change(`projects add-member ${id} ${username}`, async (tx) => {
    await addProjectMember(tx.db, id, user.id);
    tx.record('project-member', `${id}/${username}`, had ? 'member' : null, 'member');
  });
  return changeResult(changes, `${username} in ${id}`);
}

async function removeMember(ctx: Ctx, id: string, username: string) {
  const db = await ctx.open();
  requireProject(db, id);
  const user = requireUser(db, username);
  if (!(await isProjectMember(await ctx.kdb(), id, user.id))) {
    throw invalid('not-a-member', `${username} is not a member of project ${id}.`);
  }
  ctx.guard('project-management', { kind: 'project', id }, `change project ${id}`);
  const { changes } = await ctx.change(`projects remove-member ${id} ${username}`, async (tx) => {
    await removeProjectMember(tx.db, id, user.id);
    tx.record('project-member', `${id}/${username}`, 'member', null);
  });
  return changeResult(changes, `${username} in ${id}`);
}

async function list(ctx: Ctx) {
  await ctx.open();
  const rows = await projectList(await ctx.kdb());
  return { data: rows, human: rows.length ? await table(['project', 'name', 'unit', 'members'], rows.map((r) => [r.id, r.name, r.unit, r.members])) : 'No projects.' };
}

export function register(program: Command): void {
  const projects = program.command('projects').description('projects (collaborative workspaces) and their members');
  examples(
    projects.command('add').argument('<id>').requiredOption('--unit <id>', 'the unit it belongs to').option('--name <name>', 'display name').description('add a project').action(action(add)),
    ['schoolctl projects add art-show --unit north'],
  );
  examples(projects.command('add-member').argument('<project>').argument('<username>').description('add a member').action(action(addMember)), [
    'schoolctl projects add-member science-fair s.bakker',
  ]);
  examples(projects.command('remove-member').argument('<project>').argument('<username>').description('remove a member').action(action(removeMember)), [
    'schoolctl projects remove-member science-fair s.bakker',
  ]);
  examples(projects.command('list').description('projects with their member counts').action(action(list)), ['schoolctl projects list']);
}

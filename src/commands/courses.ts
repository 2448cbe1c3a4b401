// `courses`: courses belong to a unit and have teachers and learners.

import type { Command } from 'commander';
import { checkIdentifier, requireCourse, requireUnit, requireUser } from '../db/stores/lookups.js';
import { addCourse, courseExists, courseList, courseRole, enrol as enrolUser, unenrol as unenrolUser } from '../db/stores/courses-store.js';
import { invalid } from '../model/errors.js';
import { table } from './render.js';
import { action, changeResult, examples, type Ctx } from './runtime.js';

async function add(ctx: Ctx, id: string, opts: { unit: string; name?: string }) {
  const db = await ctx.open();
  checkIdentifier('Course', id);
  if (await courseExists(await ctx.kdb(), id)) throw invalid('course-exists', `Course "${id}" already exists.`);
  const unit = requireUnit(db, opts.unit);
  ctx.guard('course-management', { kind: 'unit', id: unit.id }, `add courses to unit ${unit.id}`);
  const name = opts.name?.trim() || id;
  const { changes } = await ctx.change(`courses add ${id}`, async (tx) => {
    await addCourse(tx.db, { id, unitId: unit.id, name });
    tx.record('course', id, null, { unit: unit.id, name });
  });
  return changeResult(changes, id);
}

async function enrol(ctx: Ctx, id: string, username: string, opts: { role: string }) {
  const db = await ctx.open();
  const course = requireCourse(db, id);
  const user = requireUser(db, username);
  if (opts.role !== 'teacher' && opts.role !== 'learner') throw invalid('bad-role', `Course role "${opts.role}" is not valid; use teacher or learner.`);
  ctx.guard('course-management', { kind: 'course', id }, `enrol users in course ${id}`);
  const before = await courseRole(await ctx.kdb(), id, user.id);
  const { changes } = await ctx.change(`courses enrol ${id} ${username}`, async (tx) => {
    await enrolUser(tx.db, course.id, user.id, opts.role);
    tx.record('course-member', `${id}/${username}`, before ?? null, opts.role);
  });
  return changeResult(changes, `${username} in ${id}`);
}

async function unenrol(ctx: Ctx, id: string, username: string) {
  const db = await ctx.open();
  requireCourse(db, id);
  const user = requireUser(db, username);
  const before = await courseRole(await ctx.kdb(), id, user.id);
  if (!before) throw invalid('not-enrolled', `${username} is not enrolled in course ${id}.`);
  ctx.guard('course-management', { kind: 'course', id }, `change course ${id}`);
  const { changes } = await ctx.change(`courses unenrol ${id} ${username}`, async (tx) => {
    await unenrolUser(tx.db, id, user.id);
    tx.record('course-member', `${id}/${username}`, before, null);
  });
  return changeResult(changes, `${username} in ${id}`);
}

async function list(ctx: Ctx, opts: { unit?: string }) {
  const db = await ctx.open();
  if (opts.unit) requireUnit(db, opts.unit);
  const rows = await courseList(await ctx.kdb(), opts.unit);
  return { data: rows, human: rows.length ? await table(['course', 'name', 'unit', 'teachers', 'learners'], rows.map((r) => [r.id, r.name, r.unit, r.teachers, r.learners])) : 'No courses.' };
}

export function register(program: Command): void {
  const courses = program.command('courses').description('courses and their teachers and learners');
  examples(
    courses.command('add').argument('<id>').requiredOption('--unit <id>', 'the unit the course belongs to').option('--name <name>', 'display name').description('add a course').action(action(add)),
    ['schoolctl courses add biology-5a --unit 5A --name "Biology 5A"'],
  );
  examples(
    courses.command('enrol').argument('<course>').argument('<username>').requiredOption('--role <role>', 'teacher or learner').description('enrol a user in a course').action(action(enrol)),
    ['schoolctl courses enrol math-5a j.devries --role teacher', 'schoolctl courses enrol math-5a s.bakker --role learner'],
  );
  examples(courses.command('unenrol').argument('<course>').argument('<username>').description('take a user out of a course').action(action(unenrol)), [
    'schoolctl courses unenrol math-5a s.bakker',
  ]);
  examples(courses.command('list').option('--unit <id>', 'only courses in this unit or below').description('courses with their member counts').action(action(list)), [
    'schoolctl courses list --unit north',
  ]);
}

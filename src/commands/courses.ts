// `courses`: courses belong to a unit and have teachers and learners.

import type { Command } from 'commander';
import { checkIdentifier, requireCourse, requireUnit, requireUser } from '../db/lookups.js';
import { invalid } from '../model/errors.js';
import { table } from './render.js';
import { action, changeResult, examples, type Ctx } from './runtime.js';

async function add(ctx: Ctx, id: string, opts: { unit: string; name?: string }) {
  const db = await ctx.open();
  checkIdentifier('Course', id);
  if (db.prepare('SELECT 1 FROM courses WHERE id = ?').get(id)) throw invalid('course-exists', `Course "${id}" already exists.`);
  const unit = requireUnit(db, opts.unit);
  ctx.guard('course-management', { kind: 'unit', id: unit.id }, `add courses to unit ${unit.id}`);
  const name = opts.name?.trim() || id;
  const { changes } = await ctx.change(`courses add ${id}`, (tx) => {
    db.prepare('INSERT INTO courses (id, unit_id, name) VALUES (?, ?, ?)').run(id, unit.id, name);
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
  const before = db.prepare('SELECT role FROM course_members WHERE course_id = ? AND user_id = ?').pluck().get(id, user.id) as string | undefined;
  const { changes } = await ctx.change(`courses enrol ${id} ${username}`, (tx) => {
    db.prepare('INSERT INTO course_members (course_id, user_id, role) VALUES (?, ?, ?) ON CONFLICT (course_id, user_id) DO UPDATE SET role = excluded.role').run(course.id, user.id, opts.role);
    tx.record('course-member', `${id}/${username}`, before ?? null, opts.role);
  });
  return changeResult(changes, `${username} in ${id}`);
}

async function unenrol(ctx: Ctx, id: string, username: string) {
  const db = await ctx.open();
  requireCourse(db, id);
  const user = requireUser(db, username);
  const before = db.prepare('SELECT role FROM course_members WHERE course_id = ? AND user_id = ?').pluck().get(id, user.id) as string | undefined;
  if (!before) throw invalid('not-enrolled', `${username} is not enrolled in course ${id}.`);
  ctx.guard('course-management', { kind: 'course', id }, `change course ${id}`);
  const { changes } = await ctx.change(`courses unenrol ${id} ${username}`, (tx) => {
    db.prepare('DELETE FROM course_members WHERE course_id = ? AND user_id = ?').run(id, user.id);
    tx.record('course-member', `${id}/${username}`, before, null);
  });
  return changeResult(changes, `${username} in ${id}`);
}

async function list(ctx: Ctx, opts: { unit?: string }) {
  const db = await ctx.open();
  if (opts.unit) requireUnit(db, opts.unit);
  const rows = db
    .prepare(
      `SELECT c.id, c.name, c.unit_id AS unit,
         (SELECT count(*) FROM course_members m WHERE m.course_id = c.id AND m.role = 'teacher') AS teachers,
         (SELECT count(*) FROM course_members m WHERE m.course_id = c.id AND m.role = 'learner') AS learners
       FROM courses c ${opts.unit ? 'WHERE c.unit_id IN (SELECT unit_id FROM unit_ancestors WHERE ancestor_id = ?)' : ''} ORDER BY c.id`,
    )
    .all(...(opts.unit ? [opts.unit] : [])) as { id: string; name: string; unit: string; teachers: number; learners: number }[];
  return { data: rows, human: rows.length ? await table(['course', 'name', 'unit', 'teachers', 'learners'], rows.map((r) => [r.id, r.name, r.unit, r.teachers, r.learners])) : 'No courses.' };
}

export function register(program: Command): void {
  const courses = program.command('courses').description('courses and their teachers and learners');
  examples(
    courses.command('add').argument('<id>').requiredOption('--unit <id>', 'the unit the course belongs to').option('--name <name>', 'display name').description('add a course').action(action(add)),
    ['schoolctl courses add math-5a --unit 5A --name "Mathematics 5A"'],
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

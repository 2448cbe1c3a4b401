// Courses and their teachers and learners.

import type { Kysely } from 'kysely';
import type { DB } from '../schema.js';

export async function courseExists(db: Kysely<DB>, id: string): Promise<boolean> {
  return (await db.selectFrom('courses').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

export async function addCourse(db: Kysely<DB>, course: { id: string; unitId: string; name: string }): Promise<void> {
  await db.insertInto('courses').values({ id: course.id, unit_id: course.unitId, name: course.name }).execute();
}

/** The user's role in the course, or undefined when not enrolled. */
export async function courseRole(db: Kysely<DB>, courseId: string, userId: number): Promise<string | undefined> {
  const row = await db.selectFrom('course_members').select('role').where('course_id', '=', courseId).where('user_id', '=', userId).executeTakeFirst();
  return row?.role;
}

export async function enrol(db: Kysely<DB>, courseId: string, userId: number, role: string): Promise<void> {
  await db
    .insertInto('course_members')
    .values({ course_id: courseId, user_id: userId, role })
    .onConflict((oc) => oc.columns(['course_id', 'user_id']).doUpdateSet({ role: (eb) => eb.ref('excluded.role') }))
    .execute();
}

export async function unenrol(db: Kysely<DB>, courseId: string, userId: number): Promise<void> {
  await db.deleteFrom('course_members').where('course_id', '=', courseId).where('user_id', '=', userId).execute();
}

export interface CourseListRow {
  id: string;
  name: string;
  unit: string;
  teachers: number;
  learners: number;
}

/** Courses with their teacher and learner counts, optionally only those in a unit or below it. */
export async function courseList(db: Kysely<DB>, unitId?: string): Promise<CourseListRow[]> {
  let q = db
    .selectFrom('courses as c')
    .select((eb) => [
      'c.id',
      'c.name',
      'c.unit_id as unit',
      eb.selectFrom('course_members as m').select(eb.fn.countAll<number>().as('n')).whereRef('m.course_id', '=', 'c.id').where('m.role', '=', 'teacher').as('teachers'),
      eb.selectFrom('course_members as m').select(eb.fn.countAll<number>().as('n')).whereRef('m.course_id', '=', 'c.id').where('m.role', '=', 'learner').as('learners'),
    ]);
  if (unitId !== undefined) q = q.where('c.unit_id', 'in', (eb) => eb.selectFrom('unit_ancestors').select('unit_id').where('ancestor_id', '=', unitId));
  return (await q.orderBy('c.id').execute()) as CourseListRow[];
}

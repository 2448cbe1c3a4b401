// Projects (collaborative workspaces) and their members.

import type { Kysely } from 'kysely';
import type { DB } from '../schema.js';

export async function projectExists(db: Kysely<DB>, id: string): Promise<boolean> {
  return (await db.selectFrom('projects').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

export async function addProject(db: Kysely<DB>, project: { id: string; unitId: string; name: string }): Promise<void> {
  await db.insertInto('projects').values({ id: project.id, unit_id: project.unitId, name: project.name }).execute();
}

export async function isProjectMember(db: Kysely<DB>, projectId: string, userId: number): Promise<boolean> {
  const row = await db.selectFrom('project_members').select('user_id').where('project_id', '=', projectId).where('user_id', '=', userId).executeTakeFirst();
  return row !== undefined;
}

export async function addProjectMember(db: Kysely<DB>, projectId: string, userId: number): Promise<void> {
  await db.insertInto('project_members').orIgnore().values({ project_id: projectId, user_id: userId }).execute();
}

export async function removeProjectMember(db: Kysely<DB>, projectId: string, userId: number): Promise<void> {
  await db.deleteFrom('project_members').where('project_id', '=', projectId).where('user_id', '=', userId).execute();
}

export interface ProjectListRow {
  id: string;
  name: string;
  unit: string;
  members: number;
}

export async function projectList(db: Kysely<DB>): Promise<ProjectListRow[]> {
  return (await db
    .selectFrom('projects as p')
    .select((eb) => [
      'p.id',
      'p.name',
      'p.unit_id as unit',
      eb.selectFrom('project_members as m').select(eb.fn.countAll<number>().as('n')).whereRef('m.project_id', '=', 'p.id').as('members'),
    ])
    .orderBy('p.id')
    .execute()) as ProjectListRow[];
}

// Terms of the site or of one school.

import type { Kysely } from 'kysely';
import type { DB } from '../schema.js';

export async function termExists(db: Kysely<DB>, id: string): Promise<boolean> {
  return (await db.selectFrom('terms').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

export async function addTerm(db: Kysely<DB>, term: { id: string; name: string; from: string; to: string; org: string | null }): Promise<void> {
  await db.insertInto('terms').values({ id: term.id, name: term.name, starts: term.from, ends: term.to, org_id: term.org }).execute();
}

export async function removeTerm(db: Kysely<DB>, id: string): Promise<void> {
  await db.deleteFrom('terms').where('id', '=', id).execute();
}

export async function termList(db: Kysely<DB>): Promise<{ id: string; name: string; from: string; to: string; org: string | null }[]> {
  return db.selectFrom('terms').select(['id', 'name', 'starts as from', 'ends as to', 'org_id as org']).orderBy('starts').orderBy('id').execute();
}

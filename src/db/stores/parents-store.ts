// Links between parents and their children.

import type { Kysely } from 'kysely';
import type { DB } from '../schema.js';

export async function isLinked(db: Kysely<DB>, parentId: number, childId: number): Promise<boolean> {
  const row = await db.selectFrom('parent_links').select('child_id').where('parent_id', '=', parentId).where('child_id', '=', childId).executeTakeFirst();
  return row !== undefined;
}

export async function linkParent(db: Kysely<DB>, parentId: number, childId: number): Promise<void> {
  await db.insertInto('parent_links').orIgnore().values({ parent_id: parentId, child_id: childId }).execute();
}

export async function unlinkParent(db: Kysely<DB>, parentId: number, childId: number): Promise<void> {
  await db.deleteFrom('parent_links').where('parent_id', '=', parentId).where('child_id', '=', childId).execute();
}

/** Every parent link by username, or only those where the user is the parent or the child. */
export async function parentLinks(db: Kysely<DB>, userId?: number): Promise<{ parent: string; child: string }[]> {
  let q = db
    .selectFrom('parent_links as l')
    .innerJoin('users as p', 'p.id', 'l.parent_id')
    .innerJoin('users as c', 'c.id', 'l.child_id')
    .select(['p.username as parent', 'c.username as child']);
  if (userId !== undefined) q = q.where((eb) => eb.or([eb('l.parent_id', '=', userId), eb('l.child_id', '=', userId)]));
  return q.orderBy('p.username').orderBy('c.username').execute();
}

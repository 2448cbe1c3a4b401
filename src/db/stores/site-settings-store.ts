// Site-wide key/value settings, such as the flag that marks a model as the demo site.

import type { Kysely } from 'kysely';
import type { DB } from '../schema.js';

/** Whether the model was built by `schoolctl demo` (only then may the demo rebuild it). */
export async function isDemoFlagged(db: Kysely<DB>): Promise<boolean> {
  const row = await db.selectFrom('site_settings').select('value').where('key', '=', 'demo').executeTakeFirst();
  return row?.value === 'yes';
}

export async function flagAsDemo(db: Kysely<DB>): Promise<void> {
  await db.insertInto('site_settings').values({ key: 'demo', value: 'yes' }).execute();
}

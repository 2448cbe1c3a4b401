// Runs the versioned migrations with kysely's Migrator and records the version in user_version.

import { Kysely, Migrator, SqliteDialect, type Migration } from 'kysely';
import { failure } from '../model/errors.js';
import { MIGRATION_NAMES } from './migrations/index.js';
import type { Sqlite } from './open.js';

export async function migrate(sqlite: Sqlite, fromVersion: number): Promise<void> {
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: sqlite }) });
  const migrations: Record<string, Migration> = {};
  for (const name of MIGRATION_NAMES) migrations[name] = (await import(`./migrations/${name}.js`)) as Migration;
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw failure('migration-failed', `Migrating the model from version ${fromVersion} failed at ${failed}: ${(error as Error).message}.`);
  }
  sqlite.pragma(`user_version = ${MIGRATION_NAMES.length}`);
}

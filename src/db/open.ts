// Opening the model: WAL, a busy timeout, and versioned migrations. A read-only command pays for
// better-sqlite3 alone; kysely is loaded only to migrate or to write.

import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { failure } from '../model/errors.js';
import { MIGRATION_NAMES } from './migrations/index.js';

export type Sqlite = Database.Database;

export const LATEST_VERSION = MIGRATION_NAMES.length;
const BUSY_TIMEOUT_MS = 10_000;

export interface OpenOptions {
  /** Create the file when missing (init, demo, apply). */
  readonly create?: boolean;
}

export async function openModel(path: string, opts: OpenOptions = {}): Promise<Sqlite> {
  const exists = path !== ':memory:' && existsSync(path);
  if (!exists && !opts.create && path !== ':memory:') {
    throw failure('no-database', `There is no model at ${path}; run "schoolctl init" to create one, or pass --db FILE.`);
  }
  let db: Sqlite;
  try {
    db = new Database(path, { fileMustExist: !opts.create && path !== ':memory:' });
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    if (path !== ':memory:') db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
  } catch (e) {
    throw failure('unreadable-database', `Cannot open the model at ${path}: ${(e as Error).message}.`);
  }
  let version: number;
  try {
    version = db.pragma('user_version', { simple: true }) as number;
    if (version === 0 && exists) {
      const tables = db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'`).get() as { n: number };
      if (tables.n > 0 && !db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'profiles'`).get()) {
        db.close();
        throw failure('not-a-model', `${path} is a SQLite file but not a schoolctl model.`);
      }
    }
  } catch (e) {
    if ((e as { code?: string }).code === 'not-a-model') throw e;
    db.close();
    throw failure('unreadable-database', `Cannot read the model at ${path}: ${(e as Error).message}.`);
  }
  if (version > LATEST_VERSION) {
    db.close();
    throw failure(
      'newer-database',
      `The model at ${path} is at schema version ${version}, written by a newer schoolctl (this one knows up to ${LATEST_VERSION}); upgrade schoolctl to use it.`,
    );
  }
  if (version < LATEST_VERSION) {
    const { migrate } = await import('./migrate.js');
    await migrate(db, version);
  }
  return db;
}

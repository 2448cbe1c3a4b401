// Opening the model. A read opens it as it is (read-only when the file cannot be written): no
// journal-mode change, no migration. A write switches to WAL and migrates. A new model is built
// beside its target and renamed into place, so a kill leaves no model or a complete one.

import Database from 'better-sqlite3';
import { accessSync, closeSync, constants, existsSync, linkSync, openSync, readdirSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { failure } from '../model/errors.js';
import { MIGRATION_NAMES } from './migrations/index.js';

export type Sqlite = Database.Database;

export const LATEST_VERSION = MIGRATION_NAMES.length;
const BUSY_TIMEOUT_MS = 10_000;
const SQLITE_HEADER = 'SQLite format 3\0';

export interface OpenOptions {
  /** `read`: as it is, never changed by opening; `write` (default): WAL, migrated to the latest version. */
  readonly mode?: 'read' | 'write';
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    accessSync(dirname(path), constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Exit 3 unless the file starts like a SQLite database: an empty or foreign file is left as it is. */
function requireSqliteFile(path: string): void {
  const size = statSync(path).size;
  let head = '';
  if (size > 0) {
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.alloc(16);
      readSync(fd, buf, 0, 16, 0);
      head = buf.toString('latin1');
    } finally {
      closeSync(fd);
    }
  }
  if (head !== SQLITE_HEADER) {
    throw failure('not-a-model', `${path} is not a schoolctl model (${size === 0 ? 'the file is empty' : 'it is not a SQLite file'}); it was left as it is. Pass --db with a model, or "schoolctl --db FILE init" for a new one.`);
  }
}

export async function openModel(path: string, opts: OpenOptions = {}): Promise<Sqlite> {
  const mode = opts.mode ?? 'write';
  if (!existsSync(path)) {
    throw failure('no-database', `There is no model at ${path}; run "schoolctl init" to create one, or pass --db FILE.`);
  }
  requireSqliteFile(path);
  const canWrite = writable(path);
  if (mode === 'write' && !canWrite) {
    throw failure('read-only-model', `The model at ${path} is read-only and this command changes it; nothing was changed.`);
  }
  let db: Sqlite;
  try {
    db = new Database(path, { fileMustExist: true, readonly: !canWrite });
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('foreign_keys = ON');
  } catch (e) {
    throw failure('unreadable-database', `Cannot open the model at ${path}: ${(e as Error).message}.`);
  }
  let version: number;
  try {
    version = db.pragma('user_version', { simple: true }) as number;
    if (version === 0 || !db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'profiles'`).get()) {
      throw failure('not-a-model', `${path} is a SQLite file but not a schoolctl model; it was left as it is.`);
    }
  } catch (e) {
    db.close();
    if ((e as { code?: string }).code === 'not-a-model') throw e;
    throw failure('unreadable-database', `Cannot read the model at ${path}: ${(e as Error).message}.`);
  }
  if (version > LATEST_VERSION) {
    db.close();
    throw failure(
      'newer-database',
      `The model at ${path} is at schema version ${version}, written by a newer schoolctl (this one knows up to ${LATEST_VERSION}); upgrade schoolctl to use it.`,
    );
  }
  if (mode === 'read') {
    if (version < LATEST_VERSION) {
      db.close();
      throw failure('needs-upgrade', `The model at ${path} is at schema version ${version} and this schoolctl reads version ${LATEST_VERSION}; run "schoolctl --db ${path} upgrade" to upgrade it (reading never changes it).`);
    }
    return db;
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  } catch (e) {
    db.close();
    throw e;
  }
  if (version < LATEST_VERSION) {
    const { migrate } = await import('./migrate.js');
    await migrate(db, version);
  }
  return db;
}

/** A model being built beside its target: `place()` renames it into place, `discard()` removes it. */
export interface NewModel {
  readonly db: Sqlite;
  readonly target: string;
  /** Renames the finished model into place; `replace` allows a file there (moved aside by the caller). */
  place(replace: boolean): void;
  discard(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

/** Creates an empty, fully migrated model in a temporary file beside `target`. */
export async function createModelFile(target: string): Promise<NewModel> {
  const dir = dirname(target);
  const prefix = `.${basename(target)}.creating-`;
  // Files left by a killed create: their process is gone.
  for (const f of existsSync(dir) ? readdirSync(dir) : []) {
    const pid = f.startsWith(prefix) ? Number.parseInt(f.slice(prefix.length), 10) : NaN;
    if (Number.isInteger(pid) && !alive(pid)) rmSync(join(dir, f), { force: true });
  }
  const tmp = join(dir, `${prefix}${process.pid}`);
  for (const s of ['', '-wal', '-shm', '-journal']) rmSync(`${tmp}${s}`, { force: true });
  const db = new Database(tmp);
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  const { migrate } = await import('./migrate.js');
  await migrate(db, 0);
  const cleanup = () => {
    for (const s of ['', '-wal', '-shm', '-journal']) rmSync(`${tmp}${s}`, { force: true });
  };
  return {
    db,
    target,
    place(replace) {
      // Closing checkpoints the WAL into the file, so the one file is the whole model.
      if (db.open) db.close();
      if (replace) renameSync(tmp, target);
      else {
        try {
          linkSync(tmp, target);
        } catch (e) {
          cleanup();
          if ((e as { code?: string }).code === 'EEXIST') throw failure('exists', `Another process created ${target} meanwhile; nothing was changed.`);
          throw e;
        }
        cleanup();
      }
    },
    discard() {
      if (db.open) db.close();
      cleanup();
    },
  };
}

/** An in-memory model for plans on a model that does not exist yet. */
export async function scratchModel(): Promise<Sqlite> {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  const { migrate } = await import('./migrate.js');
  await migrate(db, 0);
  return db;
}

/**
 * An existing file that a new model replaces (init --force): held under the write lock like any
 * writer (another writer makes it wait, then exit 3), then moved aside instead of destroyed.
 */
export function holdForReplace(path: string, preview = false): { users: number; moveAside(): string; release(): void } {
  let db: Sqlite | undefined;
  let users = 0;
  let sqlite = true;
  try {
    requireSqliteFile(path);
  } catch {
    sqlite = false;
  }
  if (sqlite) {
    db = new Database(path, { fileMustExist: true });
    try {
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      if (preview) {
        // A dry run only reads: not a byte of the model may change, not even its journal mode.
        db.exec('BEGIN');
      } else {
        // Out of WAL: the one file is then the whole model, and no other connection may hold it.
        db.pragma('journal_mode = DELETE');
        db.exec('BEGIN IMMEDIATE');
      }
      if (db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'users'`).get()) users = db.prepare('SELECT count(*) FROM users').pluck().get() as number;
    } catch (e) {
      db.close();
      throw e;
    }
  }
  return {
    users,
    moveAside() {
      const backup = `${path}.bak-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      renameSync(path, backup);
      return backup;
    },
    release() {
      if (db?.open) {
        if (db.inTransaction) db.exec('ROLLBACK');
        db.close();
      }
    },
  };
}

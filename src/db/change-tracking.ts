// What a transaction touched, for the access diff of a dry run or guardrail: temporary triggers
// note each changed table (and the setting keys of changed profile and policy rows) in a
// temporary table. They live in the temp schema, so the model file never sees them.

import Database from 'better-sqlite3';
import type { ChangedFacts } from '../model/access-surface.js';
import type { Sqlite } from './open.js';

const LOG = 'temp.schoolctl_changed';

/**
 * Setting keys a changed row stands for: its own key, a policy's keys, or every key. A new policy
 * stands for none: it sets nothing until its settings are written, and each of those rows (and
 * each assignment of it) is logged with its own keys. A changed or removed policy or profile row
 * stands for every key.
 */
function keyOf(table: string, row: 'NEW' | 'OLD', inserted: boolean): string {
  if (table === 'profile_settings' || table === 'policy_settings') return `${row}.key`;
  if (table === 'policy_assignments') return `(SELECT group_concat(key, char(31)) FROM main.policy_settings WHERE policy_id = ${row}.policy_id)`;
  if (table === 'policies' && inserted) return `''`;
  if (table === 'policies' || table === 'profiles') return `'*'`;
  return `''`;
}

/** The supervisor column of each supervision table: a diff of an assignment change stays with that person. */
const SUPERVISOR_COLUMN: Record<string, string> = {
  mentors: 'user_id',
  mentor_learners: 'mentor_id',
  mentor_classes: 'mentor_id',
  headteachers: 'user_id',
  headteacher_orgs: 'user_id',
};

/**
 * The row a change stands for, so a diff can stay with the people it touched: a membership's user
 * id and unit id, an enrolment's user id and course id, a parent link's parent and child ids, a
 * workflow batch's area, term, kind and id, a supervision row's supervisor id.
 */
function refOf(table: string, row: 'NEW' | 'OLD'): string {
  if (table === 'memberships') return `${row}.user_id || char(31) || ${row}.unit_id`;
  if (table === 'course_members') return `${row}.user_id || char(31) || ${row}.course_id`;
  if (table === 'parent_links') return `${row}.parent_id || char(31) || ${row}.child_id`;
  if (table === 'workflow_batches') return `${row}.area || char(31) || ${row}.term_id || char(31) || ${row}.batch_kind || char(31) || ${row}.batch_id`;
  const col = SUPERVISOR_COLUMN[table];
  return col ? `CAST(${row}.${col} AS TEXT)` : `''`;
}

/** Installs the triggers; call inside the transaction, so a rollback removes them again. */
export function trackChanges(db: Sqlite): void {
  db.exec(`CREATE TEMP TABLE IF NOT EXISTS schoolctl_changed (tbl TEXT NOT NULL, keys TEXT NOT NULL, ref TEXT NOT NULL)`);
  // Not unique (see below), but indexed: a bulk change logs one row per membership it moved.
  db.exec(`CREATE INDEX IF NOT EXISTS temp.schoolctl_changed_rows ON schoolctl_changed (tbl, keys, ref)`);
  const tables = db.prepare(`SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'audit'`).pluck().all() as string[];
  for (const t of tables) {
    const cols = (db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(t) as string[]).map((c) => `"${c.replace(/"/g, '""')}"`);
    const same = cols.map((c) => `OLD.${c} IS NEW.${c}`).join(' AND ');
    const q = `"${t.replace(/"/g, '""')}"`;
    // No UNIQUE constraint: an outer INSERT OR REPLACE would impose its conflict policy on ours.
    const log = (row: 'NEW' | 'OLD', inserted = false) =>
      `INSERT INTO ${LOG} SELECT '${t}', k, r FROM (SELECT coalesce(${keyOf(t, row, inserted)}, '') AS k, coalesce(${refOf(t, row)}, '') AS r)
         WHERE NOT EXISTS (SELECT 1 FROM ${LOG} WHERE tbl = '${t}' AND keys = k AND ref = r);`;
    db.exec(`CREATE TEMP TRIGGER IF NOT EXISTS "schoolctl_ins_${t}" AFTER INSERT ON main.${q} BEGIN ${log('NEW', true)} END;
      CREATE TEMP TRIGGER IF NOT EXISTS "schoolctl_del_${t}" AFTER DELETE ON main.${q} BEGIN ${log('OLD')} END;
      CREATE TEMP TRIGGER IF NOT EXISTS "schoolctl_upd_${t}" AFTER UPDATE ON main.${q} WHEN NOT (${same}) BEGIN ${log('OLD')} ${log('NEW')} END;`);
  }
}

export function changedFacts(db: Sqlite): ChangedFacts {
  const rows = db.prepare(`SELECT DISTINCT tbl, keys FROM ${LOG}`).all() as { tbl: string; keys: string }[];
  const tables = new Set<string>();
  const keys = new Set<string>();
  for (const r of rows) {
    tables.add(r.tbl);
    if (r.keys) for (const k of r.keys.split('\u001f')) keys.add(k);
  }
  const refs = db.prepare(`SELECT DISTINCT ref FROM ${LOG} WHERE tbl = 'memberships' AND ref <> ''`).pluck().all() as string[];
  const memberships = refs.map((r) => {
    const [user, unit] = r.split('\u001f');
    return { userId: Number(user), unitId: unit };
  });
  const placeholders = Object.keys(SUPERVISOR_COLUMN).map(() => '?').join(', ');
  const supervisors = (db.prepare(`SELECT DISTINCT ref FROM ${LOG} WHERE tbl IN (${placeholders}) AND ref <> ''`).pluck().all(...Object.keys(SUPERVISOR_COLUMN)) as string[]).map(Number);
  const refsOf = (tbl: string) => (db.prepare(`SELECT DISTINCT ref FROM ${LOG} WHERE tbl = ? AND ref <> ''`).pluck().all(tbl) as string[]).map((r) => r.split('\u001f'));
  const enrolments = refsOf('course_members').map(([user, course]) => ({ userId: Number(user), courseId: course }));
  const parentLinks = refsOf('parent_links').map(([parent, child]) => ({ parentId: Number(parent), childId: Number(child) }));
  const batches = refsOf('workflow_batches').map(([area, term, kind, id]) => ({ area, term, kind, id }));
  return { tables, keys, memberships, supervisors, enrolments, parentLinks, batches };
}

/** Removes the triggers before a commit, so nothing of the tracking outlives the change. */
export function stopTracking(db: Sqlite): void {
  const triggers = db.prepare(`SELECT name FROM temp.sqlite_master WHERE type = 'trigger' AND name LIKE 'schoolctl_%'`).pluck().all() as string[];
  for (const t of triggers) db.exec(`DROP TRIGGER temp."${t}"`);
  db.exec(`DROP TABLE IF EXISTS ${LOG}`);
}

/**
 * The model as it was before the change, beside the connection that holds the change: a second
 * read connection on the file (WAL shows it the last commit), or a copy of an in-memory model
 * (taken before the change starts).
 */
export function openBefore(db: Sqlite): Sqlite {
  if (db.memory) return new Database(db.serialize());
  const other = new Database(db.name, { readonly: true, fileMustExist: true });
  other.pragma('busy_timeout = 10000');
  return other;
}

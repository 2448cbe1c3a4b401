// Every row a change writes, recorded by temporary triggers while an `--as` change runs: the escalation
// rule then judges what was really written, whichever path wrote it (a command, an import row, a site
// file section), so no path can exist that the rule does not see.

import Database from 'better-sqlite3';
import type { Sqlite } from './open.js';
import type { Touch, TouchKind } from '../model/escalation.js';

interface LoggedRow {
  readonly tbl: string;
  readonly old: Record<string, unknown> | null;
  readonly new: Record<string, unknown> | null;
  readonly place: string | null;
}

/** Tables whose rows are derived or belong to the record of changes, not to anyone's access. */
const UNLOGGED = new Set(['audit', 'unit_ancestors', 'schema_migrations', 'kysely_migration', 'kysely_migration_lock']);

const active = new WeakMap<Sqlite, ChangeLog>();

/** The change log running on a connection, if any (bulk runs label their rows with it). */
export function activeChangeLog(db: Sqlite): ChangeLog | undefined {
  return active.get(db);
}

export class ChangeLog {
  private readonly triggers: string[] = [];
  private readonly setPlace;

  private constructor(private readonly db: Sqlite) {
    db.exec(`CREATE TEMP TABLE IF NOT EXISTS schoolctl_change_log (seq INTEGER PRIMARY KEY, tbl TEXT NOT NULL, old TEXT, new TEXT, place TEXT);
      CREATE TEMP TABLE IF NOT EXISTS schoolctl_change_place (place TEXT);
      DELETE FROM temp.schoolctl_change_log; DELETE FROM temp.schoolctl_change_place; INSERT INTO temp.schoolctl_change_place VALUES (NULL);`);
    const tables = db.prepare("SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
    for (const t of tables) {
      if (UNLOGGED.has(t)) continue;
      const cols = (db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(t) as string[]);
      const obj = (row: 'OLD' | 'NEW') => `json_object(${cols.map((c) => `'${c}', ${row}."${c}"`).join(', ')})`;
      for (const [event, oldRow, newRow] of [['INSERT', 'NULL', obj('NEW')], ['UPDATE', obj('OLD'), obj('NEW')], ['DELETE', obj('OLD'), 'NULL']] as const) {
        const name = `schoolctl_log_${t}_${event.toLowerCase()}`;
        db.exec(`CREATE TEMP TRIGGER IF NOT EXISTS "${name}" AFTER ${event} ON main."${t}" BEGIN
          INSERT INTO temp.schoolctl_change_log (tbl, old, new, place) VALUES ('${t}', ${oldRow}, ${newRow}, (SELECT place FROM temp.schoolctl_change_place));
        END`);
        this.triggers.push(name);
      }
    }
    this.setPlace = db.prepare('UPDATE temp.schoolctl_change_place SET place = ?');
  }

  static start(db: Sqlite): ChangeLog {
    const log = new ChangeLog(db);
    active.set(db, log);
    return log;
  }

  /** Labels the rows written from now on with where they came from ("line 3", "users[2]"). */
  place(where: string | null): void {
    this.setPlace.run(where);
  }

  rows(): LoggedRow[] {
    return (this.db.prepare('SELECT tbl, old, new, place FROM temp.schoolctl_change_log ORDER BY seq').all() as { tbl: string; old: string | null; new: string | null; place: string | null }[]).map((r) => ({
      tbl: r.tbl,
      old: r.old === null ? null : JSON.parse(r.old),
      new: r.new === null ? null : JSON.parse(r.new),
      place: r.place,
    }));
  }

  stop(): void {
    active.delete(this.db);
    for (const t of this.triggers) this.db.exec(`DROP TRIGGER IF EXISTS temp."${t}"`);
    this.db.exec('DROP TABLE IF EXISTS temp.schoolctl_change_log; DROP TABLE IF EXISTS temp.schoolctl_change_place');
  }
}

/** A read-only copy of the model as the connection sees it now (its open transaction included). */
export function snapshot(db: Sqlite): Sqlite {
  const image = db.serialize();
  // A WAL model's image says so in its header; an in-memory copy must read it as a rollback journal.
  image[18] = 1;
  image[19] = 1;
  return new Database(image) as unknown as Sqlite;
}

type Ref = readonly [kind: TouchKind, column: string, right: string | null];

const UAR = 'user-and-access-rights-management';
const SUP = 'supervisor-management';

/** Which columns of a table name something within reach, and the setting whose scope must reach it. */
const TABLE_REFS: Record<string, readonly Ref[]> = {
  users: [['user', 'id', UAR]],
  memberships: [['user', 'user_id', UAR], ['unit', 'unit_id', UAR]],
  parent_links: [['user', 'parent_id', UAR], ['user', 'child_id', UAR]],
  profiles: [['profile', 'id', UAR]],
  profile_settings: [['profile', 'profile_id', UAR]],
  units: [['unit', 'id', 'hierarchy-management'], ['unit', 'parent_id', 'hierarchy-management']],
  courses: [['course', 'id', 'course-management'], ['unit', 'unit_id', 'course-management']],
  course_members: [['course', 'course_id', 'course-management'], ['user', 'user_id', 'course-management']],
  projects: [['project', 'id', 'project-management'], ['unit', 'unit_id', 'project-management']],
  project_members: [['project', 'project_id', 'project-management'], ['user', 'user_id', 'project-management']],
  terms: [['term', 'id', 'term-management']],
  policies: [['policy', 'id', 'policy-management']],
  policy_settings: [['policy', 'policy_id', 'policy-management']],
  policy_assignments: [['policy', 'policy_id', 'policy-management']],
  mentors: [['user', 'user_id', SUP]],
  mentor_learners: [['user', 'mentor_id', SUP], ['user', 'learner_id', SUP]],
  mentor_classes: [['user', 'mentor_id', SUP], ['unit', 'unit_id', SUP]],
  headteachers: [['user', 'user_id', SUP]],
  headteacher_orgs: [['user', 'user_id', SUP], ['unit', 'unit_id', SUP]],
};

/** What the logged rows touch, named as the model names them, each with the places it came from. */
export function touchedBy(rows: readonly LoggedRow[], before: Sqlite, after: Sqlite): Touch[] {
  const found = new Map<string, { kind: TouchKind; id: string; right: string | null; places: Set<string> }>();
  const statements = new Map<string, [ReturnType<Sqlite['prepare']>, ReturnType<Sqlite['prepare']>]>();
  const lookup = (sql: string, id: unknown): string | undefined => {
    let s = statements.get(sql);
    if (!s) statements.set(sql, (s = [after.prepare(sql).pluck(), before.prepare(sql).pluck()]));
    return ((s[0].get(id as number) ?? s[1].get(id as number)) as string | undefined) ?? undefined;
  };
  const nameOf: Record<TouchKind, (id: unknown) => string | undefined> = {
    user: (id) => lookup('SELECT username FROM users WHERE id = ?', id),
    profile: (id) => lookup('SELECT name FROM profiles WHERE id = ?', id),
    policy: (id) => lookup('SELECT name FROM policies WHERE id = ?', id),
    unit: (id) => (id === null ? undefined : String(id)),
    course: (id) => String(id),
    project: (id) => String(id),
    term: (id) => String(id),
  };
  const add = (kind: TouchKind, rawId: unknown, right: string | null, place: string | null) => {
    if (rawId === null || rawId === undefined) return;
    const id = nameOf[kind](rawId);
    if (id === undefined) return;
    const key = `${kind}\u0000${id.toLowerCase()}\u0000${right}`;
    let t = found.get(key);
    if (!t) found.set(key, (t = { kind, id, right, places: new Set() }));
    if (place) t.places.add(place);
  };
  const policyIds = new Map<number, Set<string>>();
  // The values this change writes into each policy: what the policy would newly hand out.
  const written = new Map<number, Record<string, string>>();
  for (const r of rows) {
    if (r.tbl !== 'policy_settings' || !r.new) continue;
    const id = r.new.policy_id as number;
    written.set(id, { ...written.get(id), [String(r.new.key)]: String(r.new.value) });
  }
  for (const r of rows) {
    const refs = TABLE_REFS[r.tbl] ?? (('user_id' in (r.new ?? r.old ?? {})) ? ([['user', 'user_id', null]] as Ref[]) : []);
    for (const row of [r.old, r.new]) {
      if (!row) continue;
      for (const [kind, col, right] of refs) add(kind, row[col], right, r.place);
      if (r.tbl === 'policy_assignments') {
        add(row.target_kind === 'user' ? 'user' : 'profile', row.target_id, 'policy-management', r.place);
      }
      const pid = r.tbl === 'policies' ? row.id : r.tbl === 'policy_settings' ? row.policy_id : undefined;
      if (typeof pid === 'number') {
        const s = policyIds.get(pid) ?? new Set();
        if (r.place) s.add(r.place);
        policyIds.set(pid, s);
      }
    }
  }
  // A policy's new values reach everyone it is assigned to.
  for (const [pid, places] of policyIds) {
    for (const db of [before, after]) {
      for (const a of db.prepare('SELECT target_kind, target_id FROM policy_assignments WHERE policy_id = ?').all(pid) as { target_kind: string; target_id: number }[]) {
        for (const place of places.size ? places : [null]) add(a.target_kind === 'user' ? 'user' : 'profile', a.target_id, 'policy-management', place);
      }
    }
  }
  const touches: Touch[] = [];
  for (const t of found.values()) {
    let settings: Record<string, string> | undefined;
    if (t.kind === 'policy') {
      const id = after.prepare('SELECT id FROM policies WHERE name = ?').pluck().get(t.id) as number | undefined;
      settings = id === undefined ? undefined : written.get(id);
    }
    touches.push({ kind: t.kind, id: t.id, right: t.right, places: [...t.places], settings });
  }
  return touches;
}

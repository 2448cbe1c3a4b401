// What a sync owns: records whose source is the sync's (migration 005). A bulk snapshot that leaves a
// record out means it is gone from the source; `goneRecords` lists them, `removeRecord` removes one
// (delta `tobedeleted`, or `--prune`), `takeOwnership` marks every record the run named as the sync's.

import type { Sqlite } from '../open.js';

export type SyncEntity = 'user' | 'unit' | 'membership' | 'course' | 'course-member' | 'parent-link' | 'term';

export interface GoneRecord {
  readonly entity: SyncEntity;
  /** the sync key: sourcedIds (user, unit, course, term), `user@unit`, `course/user`, `parent>child` */
  readonly key: string;
  /** the record as the model names it */
  readonly label: string;
}

/** Per entity: the model's rows of a source as (key, label), and how to mark the seen ones as the source's. */
const ENTITIES: Record<SyncEntity, { rows: string; own: string }> = {
  user: {
    rows: `SELECT external_id AS key, username AS label FROM users t WHERE source = ? AND NOT EXISTS (SELECT 1 FROM temp.roster_seen s WHERE s.entity = 'user' AND s.key = t.external_id) ORDER BY username`,
    own: `UPDATE users SET source = ? WHERE source <> ? AND external_id IN (SELECT key FROM temp.roster_seen WHERE entity = 'user')`,
  },
  unit: {
    rows: `SELECT id AS key, id AS label FROM units t WHERE source = ? AND NOT EXISTS (SELECT 1 FROM temp.roster_seen s WHERE s.entity = 'unit' AND s.key = t.id)
           ORDER BY (SELECT max(depth) FROM unit_ancestors a WHERE a.unit_id = t.id) DESC, id`,
    own: `UPDATE units SET source = ? WHERE source <> ? AND id IN (SELECT key FROM temp.roster_seen WHERE entity = 'unit')`,
  },
  membership: {
    rows: `SELECT u.external_id || '@' || t.unit_id AS key, u.username || '@' || t.unit_id AS label FROM memberships t JOIN users u ON u.id = t.user_id
           WHERE t.source = ? AND NOT EXISTS (SELECT 1 FROM temp.roster_seen s WHERE s.entity = 'membership' AND s.key = u.external_id || '@' || t.unit_id) ORDER BY 2`,
    own: `UPDATE memberships SET source = ? WHERE source <> ? AND EXISTS (SELECT 1 FROM users u JOIN temp.roster_seen s ON s.entity = 'membership' AND s.key = u.external_id || '@' || memberships.unit_id WHERE u.id = memberships.user_id)`,
  },
  course: {
    rows: `SELECT id AS key, id AS label FROM courses t WHERE source = ? AND NOT EXISTS (SELECT 1 FROM temp.roster_seen s WHERE s.entity = 'course' AND s.key = t.id) ORDER BY id`,
    own: `UPDATE courses SET source = ? WHERE source <> ? AND id IN (SELECT key FROM temp.roster_seen WHERE entity = 'course')`,
  },
  'course-member': {
    rows: `SELECT t.course_id || '/' || u.external_id AS key, t.course_id || '/' || u.username AS label FROM course_members t JOIN users u ON u.id = t.user_id
           WHERE t.source = ? AND NOT EXISTS (SELECT 1 FROM temp.roster_enrolled s WHERE s.course = t.course_id AND s.user = t.user_id) ORDER BY 2`,
    // Course members are named by course and user id (temp.roster_enrolled), not as text keys.
    own: `UPDATE course_members SET source = ? WHERE source <> ? AND EXISTS (SELECT 1 FROM temp.roster_enrolled s WHERE s.course = course_members.course_id AND s.user = course_members.user_id)`,
  },
  'parent-link': {
    rows: `SELECT p.external_id || '>' || c.external_id AS key, p.username || '→' || c.username AS label FROM parent_links t JOIN users p ON p.id = t.parent_id JOIN users c ON c.id = t.child_id
           WHERE t.source = ? AND NOT EXISTS (SELECT 1 FROM temp.roster_seen s WHERE s.entity = 'parent-link' AND s.key = p.external_id || '>' || c.external_id) ORDER BY 2`,
    own: `UPDATE parent_links SET source = ? WHERE source <> ? AND EXISTS (SELECT 1 FROM users p JOIN users c JOIN temp.roster_seen s ON s.entity = 'parent-link' AND s.key = p.external_id || '>' || c.external_id WHERE p.id = parent_links.parent_id AND c.id = parent_links.child_id)`,
  },
  term: {
    rows: `SELECT id AS key, id AS label FROM terms t WHERE source = ? AND NOT EXISTS (SELECT 1 FROM temp.roster_seen s WHERE s.entity = 'term' AND s.key = t.id) ORDER BY id`,
    own: `UPDATE terms SET source = ? WHERE source <> ? AND id IN (SELECT key FROM temp.roster_seen WHERE entity = 'term')`,
  },
};

/** Removal order: members before their places, places before their units. */
const REMOVAL_ORDER: SyncEntity[] = ['course-member', 'membership', 'parent-link', 'course', 'user', 'unit', 'term'];

const TABLE_OF: Record<SyncEntity, string> = { user: 'users', unit: 'units', membership: 'memberships', course: 'courses', 'course-member': 'course_members', 'parent-link': 'parent_links', term: 'terms' };

/**
 * The source's records of these entities that the run did not name. With `named` (how many keys of
 * each entity the run named, every one of them a record of the source, as after `takeOwnership`
 * when nothing was removed) an entity whose count of records equals its count of keys has nothing
 * gone, and its records are not compared one by one.
 */
export function goneRecords(db: Sqlite, source: string, entities: readonly SyncEntity[], _seen: string, named?: ReadonlyMap<string, number>): GoneRecord[] {
  const out: GoneRecord[] = [];
  for (const entity of REMOVAL_ORDER) {
    if (!entities.includes(entity)) continue;
    if (named && (db.prepare(`SELECT count(*) FROM ${TABLE_OF[entity]} WHERE source = ?`).pluck().get(source) as number) === (named.get(entity) ?? 0)) continue;
    for (const r of db.prepare(ENTITIES[entity].rows).all(source) as { key: string; label: string }[]) out.push({ entity, key: r.key, label: r.label });
  }
  return out;
}

/** Marks every record the run named as the source's; returns how many changed hands. */
export function takeOwnership(db: Sqlite, source: string, _seen: string): number {
  let n = 0;
  for (const e of Object.values(ENTITIES)) n += db.prepare(e.own).run(source, source).changes;
  return n;
}

/** Removes one record by its sync key: true when removed, false when it was not there, else the problem. */
export function removeRecord(db: Sqlite, r: GoneRecord): boolean | string {
  const user = db.prepare('SELECT id FROM users WHERE external_id = ?').pluck();
  try {
    switch (r.entity) {
      case 'user': {
        const id = user.get(r.key) as number | undefined;
        if (id === undefined) return false;
        db.prepare(`DELETE FROM policy_assignments WHERE target_kind = 'user' AND target_id = ?`).run(id);
        return db.prepare('DELETE FROM users WHERE id = ?').run(id).changes > 0;
      }
      case 'unit': {
        db.prepare('DELETE FROM memberships WHERE unit_id = ?').run(r.key);
        return db.prepare('DELETE FROM units WHERE id = ?').run(r.key).changes > 0;
      }
      case 'course':
        return db.prepare('DELETE FROM courses WHERE id = ?').run(r.key).changes > 0;
      case 'term':
        return db.prepare('DELETE FROM terms WHERE id = ?').run(r.key).changes > 0;
      case 'membership': {
        const at = r.key.lastIndexOf('@');
        const id = user.get(r.key.slice(0, at)) as number | undefined;
        return id !== undefined && db.prepare('DELETE FROM memberships WHERE user_id = ? AND unit_id = ?').run(id, r.key.slice(at + 1)).changes > 0;
      }
      case 'course-member': {
        const at = r.key.indexOf('/');
        const id = user.get(r.key.slice(at + 1)) as number | undefined;
        return id !== undefined && db.prepare('DELETE FROM course_members WHERE course_id = ? AND user_id = ?').run(r.key.slice(0, at), id).changes > 0;
      }
      case 'parent-link': {
        const at = r.key.indexOf('>');
        const p = user.get(r.key.slice(0, at)) as number | undefined;
        const c = user.get(r.key.slice(at + 1)) as number | undefined;
        return p !== undefined && c !== undefined && db.prepare('DELETE FROM parent_links WHERE parent_id = ? AND child_id = ?').run(p, c).changes > 0;
      }
    }
  } catch (e) {
    if (!String((e as { code?: string }).code ?? '').startsWith('SQLITE_CONSTRAINT')) throw e;
    return `${r.entity} ${r.label} cannot be removed: other records still refer to it (${r.entity === 'unit' ? 'units, courses, projects, terms or policies inside it' : 'records that depend on it'}); remove or move those first`;
  }
}

/** Changes made outside a sync to records a sync owns, newest last (written by migration 005's triggers). */
export function syncDrift(db: Sqlite, afterId = 0): { id: number; entity: string; a: string; b: string; source: string; change: string; at: string }[] {
  return db.prepare('SELECT id, entity, a, b, source, change, at FROM sync_drift WHERE id > ? ORDER BY id').all(afterId) as never;
}

export function lastDriftId(db: Sqlite): number {
  return (db.prepare('SELECT coalesce(max(id), 0) FROM sync_drift').pluck().get() as number) ?? 0;
}

/** After a sync: its own changes are not drift, and a bulk run re-asserts everything it owns. */
export function clearDrift(db: Sqlite, source: string, afterId: number, all: boolean): void {
  if (all) db.prepare('DELETE FROM sync_drift WHERE source = ?').run(source);
  else db.prepare('DELETE FROM sync_drift WHERE source = ? AND id > ?').run(source, afterId);
}

/** How a drift row reads: `membership s.bakker@5A` */
export function driftLabel(d: { entity: string; a: string; b: string }): string {
  if (d.entity === 'membership') return `membership ${d.a}@${d.b}`;
  if (d.entity === 'course-member') return `enrolment ${d.a}/${d.b}`;
  if (d.entity === 'parent-link') return `parent link ${d.a}→${d.b}`;
  return `${d.entity} ${d.a}`;
}

/**
 * The warnings for what a change did to records a sync owns (each path gets them: the triggers see
 * every write): the next sync from that source will undo it. At most a few are spelled out.
 */
export function driftWarnings(db: Sqlite, afterId: number): string[] {
  let rows: ReturnType<typeof syncDrift>;
  try {
    rows = syncDrift(db, afterId);
  } catch {
    return []; // a model from before migration 005 in a caller's session
  }
  if (!rows.length) return [];
  const bySource = new Map<string, string[]>();
  for (const r of rows) {
    let l = bySource.get(r.source);
    if (!l) bySource.set(r.source, (l = []));
    l.push(`${driftLabel(r)} (${r.change === 'delete' ? 'removed' : 'changed'})`);
  }
  return [...bySource].map(([source, items]) => {
    const shown = items.slice(0, 5).join(', ');
    return `warning: ${shown}${items.length > 5 ? ` and ${items.length - 5} more` : ''} ${items.length === 1 ? 'comes' : 'come'} from ${source}: the next sync from it will undo this change; change it in the source system to keep it.`;
  });
}

export function driftMark(db: Sqlite): number {
  try {
    return lastDriftId(db);
  } catch {
    return Number.MAX_SAFE_INTEGER;
  }
}

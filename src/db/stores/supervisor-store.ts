// Reads and writes of mentor and headteacher assignments, ILP templates and the renamable names,
// for the `supervisor` and `ilp-templates` commands, the demo loader and doctor.

import { HEADTEACHER_ELIGIBLE_ORGS, LEARNER_MEMBERSHIP, SUPERVISOR_NAME_KEYS } from '../facts/supervisor-facts.js';
import type { Sqlite } from '../open.js';

export interface MentorAssignment {
  readonly learners: string[];
  readonly classes: string[];
}

export interface HeadteacherAssignment {
  readonly orgs: string[];
}

export function mentorAssignment(db: Sqlite, userId: number): MentorAssignment | undefined {
  if (!db.prepare('SELECT 1 FROM mentors WHERE user_id = ?').get(userId)) return undefined;
  const learners = db
    .prepare('SELECT u.username FROM mentor_learners ml JOIN users u ON u.id = ml.learner_id WHERE ml.mentor_id = ? ORDER BY 1')
    .pluck()
    .all(userId) as string[];
  const classes = db.prepare('SELECT unit_id FROM mentor_classes WHERE mentor_id = ? ORDER BY 1').pluck().all(userId) as string[];
  return { learners, classes };
}

export function headteacherAssignment(db: Sqlite, userId: number): HeadteacherAssignment | undefined {
  if (!db.prepare('SELECT 1 FROM headteachers WHERE user_id = ?').get(userId)) return undefined;
  return { orgs: db.prepare('SELECT unit_id FROM headteacher_orgs WHERE user_id = ? ORDER BY 1').pluck().all(userId) as string[] };
}

/** Schools and organisations the user belongs to directly or through a unit below them. */
export function eligibleOrgs(db: Sqlite, userId: number): string[] {
  return db.prepare(`SELECT id FROM (${HEADTEACHER_ELIGIBLE_ORGS}) ORDER BY id`).pluck().all({ id: userId }) as string[];
}

export function addMentor(db: Sqlite, userId: number, learnerIds: readonly number[], classes: readonly string[]): void {
  db.prepare('INSERT OR IGNORE INTO mentors (user_id) VALUES (?)').run(userId);
  const l = db.prepare('INSERT OR IGNORE INTO mentor_learners (mentor_id, learner_id) VALUES (?, ?)');
  for (const id of learnerIds) l.run(userId, id);
  const c = db.prepare('INSERT OR IGNORE INTO mentor_classes (mentor_id, unit_id) VALUES (?, ?)');
  for (const id of classes) c.run(userId, id);
}

export function removeMentorParts(db: Sqlite, userId: number, learnerIds: readonly number[], classes: readonly string[]): void {
  const l = db.prepare('DELETE FROM mentor_learners WHERE mentor_id = ? AND learner_id = ?');
  for (const id of learnerIds) l.run(userId, id);
  const c = db.prepare('DELETE FROM mentor_classes WHERE mentor_id = ? AND unit_id = ?');
  for (const id of classes) c.run(userId, id);
}

export function removeMentor(db: Sqlite, userId: number): void {
  db.prepare('DELETE FROM mentors WHERE user_id = ?').run(userId);
}

export function addHeadteacher(db: Sqlite, userId: number, orgs: readonly string[]): void {
  db.prepare('INSERT OR IGNORE INTO headteachers (user_id) VALUES (?)').run(userId);
  const o = db.prepare('INSERT OR IGNORE INTO headteacher_orgs (user_id, unit_id) VALUES (?, ?)');
  for (const id of orgs) o.run(userId, id);
}

export function removeHeadteacherOrgs(db: Sqlite, userId: number, orgs: readonly string[]): void {
  const o = db.prepare('DELETE FROM headteacher_orgs WHERE user_id = ? AND unit_id = ?');
  for (const id of orgs) o.run(userId, id);
}

export function removeHeadteacher(db: Sqlite, userId: number): void {
  db.prepare('DELETE FROM headteachers WHERE user_id = ?').run(userId);
}

export interface SupervisorListRow {
  readonly user: string;
  readonly name: string;
  readonly role: 'mentor' | 'headteacher';
  readonly direct: string[];
  readonly classes: { id: string; learners: number }[];
  readonly orgs: { id: string; learners: number }[];
  readonly learners: number;
}

/** Every mentor and headteacher row, optionally for one user or within one unit's subtree. */
export function supervisorRows(db: Sqlite, filter: { userId?: number; unit?: string }): SupervisorListRow[] {
  const classLearners = db.prepare(`SELECT count(DISTINCT m.user_id) FROM memberships m WHERE m.unit_id = ? AND ${LEARNER_MEMBERSHIP}`).pluck();
  const orgLearners = db
    .prepare(`SELECT count(DISTINCT m.user_id) FROM unit_ancestors a JOIN memberships m ON m.unit_id = a.unit_id WHERE a.ancestor_id = ? AND ${LEARNER_MEMBERSHIP}`)
    .pluck();
  const mentorCount = db
    .prepare(
      `SELECT count(*) FROM (SELECT learner_id FROM mentor_learners WHERE mentor_id = @id
         UNION SELECT m.user_id FROM mentor_classes mc JOIN memberships m ON m.unit_id = mc.unit_id WHERE mc.mentor_id = @id AND ${LEARNER_MEMBERSHIP})`,
    )
    .pluck();
  const headCount = db
    .prepare(
      `SELECT count(DISTINCT m.user_id) FROM headteacher_orgs h JOIN unit_ancestors a ON a.ancestor_id = h.unit_id
       JOIN memberships m ON m.unit_id = a.unit_id WHERE h.user_id = ? AND ${LEARNER_MEMBERSHIP}`,
    )
    .pluck();
  const inUnit = db.prepare('SELECT 1 FROM unit_ancestors WHERE unit_id = ? AND ancestor_id = ?');
  const learnerInUnit = db.prepare(
    'SELECT 1 FROM memberships m JOIN unit_ancestors a ON a.unit_id = m.unit_id JOIN users u ON u.id = m.user_id WHERE u.username = ? AND a.ancestor_id = ?',
  );
  const users = db
    .prepare(
      `SELECT u.id, u.username, u.name, 'mentor' AS role FROM mentors t JOIN users u ON u.id = t.user_id WHERE @user IS NULL OR u.id = @user
       UNION ALL
       SELECT u.id, u.username, u.name, 'headteacher' FROM headteachers t JOIN users u ON u.id = t.user_id WHERE @user IS NULL OR u.id = @user
       ORDER BY 2, 4 DESC`,
    )
    .all({ user: filter.userId ?? null }) as { id: number; username: string; name: string; role: 'mentor' | 'headteacher' }[];
  const rows: SupervisorListRow[] = [];
  for (const u of users) {
    if (u.role === 'mentor') {
      const a = mentorAssignment(db, u.id)!;
      const row = {
        user: u.username,
        name: u.name,
        role: u.role,
        direct: a.learners,
        classes: a.classes.map((id) => ({ id, learners: classLearners.get(id) as number })),
        orgs: [],
        learners: mentorCount.get({ id: u.id }) as number,
      };
      const unit = filter.unit;
      if (!unit || a.classes.some((c) => inUnit.get(c, unit)) || a.learners.some((l) => learnerInUnit.get(l, unit))) rows.push(row);
    } else {
      const a = headteacherAssignment(db, u.id)!;
      const unit = filter.unit;
      if (unit && !a.orgs.some((o) => inUnit.get(o, unit) || inUnit.get(unit, o))) continue;
      rows.push({
        user: u.username,
        name: u.name,
        role: u.role,
        direct: [],
        classes: [],
        orgs: a.orgs.map((id) => ({ id, learners: orgLearners.get(id) as number })),
        learners: headCount.get(u.id) as number,
      });
    }
  }
  return rows;
}

export function ilpTemplates(db: Sqlite): { name: string; created_at: string }[] {
  return db.prepare('SELECT name, created_at FROM ilp_templates ORDER BY name').all() as { name: string; created_at: string }[];
}

export function ilpTemplate(db: Sqlite, name: string): { name: string; created_at: string } | undefined {
  return db.prepare('SELECT name, created_at FROM ilp_templates WHERE name = ?').get(name) as { name: string; created_at: string } | undefined;
}

export function addIlpTemplate(db: Sqlite, name: string, at: string): void {
  db.prepare('INSERT INTO ilp_templates (name, created_at) VALUES (?, ?)').run(name, at);
}

export function removeIlpTemplate(db: Sqlite, name: string): void {
  db.prepare('DELETE FROM ilp_templates WHERE name = ?').run(name);
}

export function storedName(db: Sqlite, key: string): string | undefined {
  return db.prepare('SELECT value FROM site_settings WHERE key = ?').pluck().get(key) as string | undefined;
}

export function setName(db: Sqlite, key: string, value: string): void {
  if (!(Object.values(SUPERVISOR_NAME_KEYS) as string[]).includes(key)) throw new Error(`not a supervisor name key: ${key}`);
  db.prepare('INSERT INTO site_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}

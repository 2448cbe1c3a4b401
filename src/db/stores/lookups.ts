// Finding things by the names users type, with one-sentence errors that say what is valid.

import { invalid } from '../../model/errors.js';
import type { HierarchyRole, UnitKind } from '../../model/facts.js';
import { didYouMean } from '../../model/did-you-mean.js';
import type { Sqlite } from '../open.js';

export interface ProfileRow {
  id: number;
  name: string;
  level: number;
  role_in_hierarchy: HierarchyRole;
}
export interface UserRow {
  id: number;
  username: string;
  name: string;
  email: string | null;
  external_id: string | null;
  profile_id: number;
  share_details: number;
  /** where the user came from (migration 005) */
  source: string;
}
export interface UnitRow {
  id: string;
  kind: UnitKind;
  name: string;
  parent_id: string | null;
}
export interface PolicyRow {
  id: number;
  name: string;
  org_id: string | null;
}

function suggestion(db: Sqlite, sqlList: string, input: string): string {
  return didYouMean(input, db.prepare(sqlList).pluck().all() as string[]);
}

/**
 * Names that could be the one meant, on a site of any size: those sharing the first character
 * (through the column's index), else the first few thousand.
 */
function nearbyNames(db: Sqlite, table: 'users' | 'units' | 'courses' | 'projects', column: 'username' | 'id', input: string): string[] {
  const first = input.slice(0, 1);
  const near = db.prepare(`SELECT ${column} FROM ${table} WHERE ${column} >= ? AND ${column} < ? LIMIT 20000`).pluck().all(first, `${first}\u{10ffff}`) as string[];
  return near.length ? near : (db.prepare(`SELECT ${column} FROM ${table} LIMIT 5000`).pluck().all() as string[]);
}

export function requireProfile(db: Sqlite, name: string): ProfileRow {
  const row = db.prepare('SELECT id, name, level, role_in_hierarchy FROM profiles WHERE name = ? COLLATE NOCASE').get(name) as ProfileRow | undefined;
  if (!row) {
    const names = db.prepare('SELECT name FROM profiles ORDER BY level DESC').pluck().all() as string[];
    const near = didYouMean(name, names);
    throw invalid('unknown-profile', `There is no profile "${name}"${near ? `${near} Profiles` : '; profiles'} are: ${names.join(', ')}.`);
  }
  return row;
}

export function requireUser(db: Sqlite, username: string): UserRow {
  const row = db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
  if (!row) {
    const hint = didYouMean(username, nearbyNames(db, 'users', 'username', username));
    throw invalid('unknown-user', `There is no user "${username}"${hint || '.'} "schoolctl users list" shows them.`);
  }
  return row;
}

export function requireUnit(db: Sqlite, id: string, kinds?: readonly UnitKind[]): UnitRow {
  const row = db.prepare('SELECT id, kind, name, parent_id FROM units WHERE id = ?').get(id) as UnitRow | undefined;
  if (!row) {
    const hint = didYouMean(id, nearbyNames(db, 'units', 'id', id));
    throw invalid('unknown-unit', `There is no unit "${id}"${hint || '.'} "schoolctl units tree" shows them.`);
  }
  if (kinds && !kinds.includes(row.kind)) {
    throw invalid('wrong-unit-kind', `Unit "${id}" is a ${row.kind}; this needs a ${kinds.join(' or ')}.`);
  }
  return row;
}

/** The policy of that name in any case, or undefined. */
export function findPolicy(db: Sqlite, name: string): PolicyRow | undefined {
  return db.prepare('SELECT id, name, org_id FROM policies WHERE name = ? COLLATE NOCASE').get(name) as PolicyRow | undefined;
}

export function requirePolicy(db: Sqlite, name: string): PolicyRow {
  const row = findPolicy(db, name);
  if (!row) {
    const hint = suggestion(db, 'SELECT name FROM policies', name);
    throw invalid('unknown-policy', `There is no policy "${name}"${hint || '.'} "schoolctl policies list" shows them.`);
  }
  return row;
}

export function requireCourse(db: Sqlite, id: string): { id: string; unit_id: string; name: string } {
  const row = db.prepare('SELECT id, unit_id, name FROM courses WHERE id = ?').get(id) as { id: string; unit_id: string; name: string } | undefined;
  if (!row) throw invalid('unknown-course', `There is no course "${id}"${didYouMean(id, nearbyNames(db, 'courses', 'id', id)) || '.'}`);
  return row;
}

export function requireProject(db: Sqlite, id: string): { id: string; unit_id: string; name: string } {
  const row = db.prepare('SELECT id, unit_id, name FROM projects WHERE id = ?').get(id) as { id: string; unit_id: string; name: string } | undefined;
  if (!row) throw invalid('unknown-project', `There is no project "${id}"${didYouMean(id, nearbyNames(db, 'projects', 'id', id)) || '.'}`);
  return row;
}

export function requireTerm(db: Sqlite, id: string): { id: string; name: string; starts: string; ends: string; org_id: string | null } {
  const row = db.prepare('SELECT * FROM terms WHERE id = ?').get(id) as { id: string; name: string; starts: string; ends: string; org_id: string | null } | undefined;
  if (!row) throw invalid('unknown-term', `There is no term "${id}"${suggestion(db, 'SELECT id FROM terms', id) || '.'} "schoolctl terms list" shows them.`);
  return row;
}

/** A policy name (already trimmed): 1–80 characters, none of them a control character. */
export function isPolicyName(name: string): boolean {
  return name.length > 0 && name.length <= 80 && !/[\u0000-\u001f]/.test(name);
}

/** Identifiers of units, courses, projects and terms: no spaces, no colon (they appear in targets). */
export function checkIdentifier(what: string, id: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(id)) {
    throw invalid('bad-identifier', `${what} id "${id}" is not valid; use 1–64 letters, digits, dots, dashes or underscores, starting with a letter or digit.`);
  }
  return id;
}

export function checkUsername(username: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/.test(username) || username === 'external') {
    throw invalid('bad-username', `Username "${username}" is not valid; use letters, digits, dots, dashes, underscores or @ (and not "external", which names external systems).`);
  }
  return username;
}

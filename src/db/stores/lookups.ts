// Finding things by the names users type, with one-sentence errors that say what is valid.

import { invalid } from '../../model/errors.js';
import type { HierarchyRole, UnitKind } from '../../model/facts.js';
import { nearestKey } from '../../model/settings-catalogue.js';
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
  const names = db.prepare(sqlList).pluck().all() as string[];
  const near = nearestKey(input, names);
  return near ? ` Did you mean "${near}"?` : '';
}

export function requireProfile(db: Sqlite, name: string): ProfileRow {
  const row = db.prepare('SELECT id, name, level, role_in_hierarchy FROM profiles WHERE name = ? COLLATE NOCASE').get(name) as ProfileRow | undefined;
  if (!row) {
    const names = (db.prepare('SELECT name FROM profiles ORDER BY level DESC').pluck().all() as string[]).join(', ');
    throw invalid('unknown-profile', `There is no profile "${name}"; profiles are: ${names}.`);
  }
  return row;
}

export function requireUser(db: Sqlite, username: string): UserRow {
  const row = db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
  if (!row) {
    const hint = suggestion(db, 'SELECT username FROM users LIMIT 5000', username);
    throw invalid('unknown-user', `There is no user "${username}".${hint || ' "schoolctl users list" shows them.'}`);
  }
  return row;
}

export function requireUnit(db: Sqlite, id: string, kinds?: readonly UnitKind[]): UnitRow {
  const row = db.prepare('SELECT id, kind, name, parent_id FROM units WHERE id = ?').get(id) as UnitRow | undefined;
  if (!row) {
    const hint = suggestion(db, 'SELECT id FROM units LIMIT 5000', id);
    throw invalid('unknown-unit', `There is no unit "${id}".${hint || ' "schoolctl units tree" shows them.'}`);
  }
  if (kinds && !kinds.includes(row.kind)) {
    throw invalid('wrong-unit-kind', `Unit "${id}" is a ${row.kind}; this needs a ${kinds.join(' or ')}.`);
  }
  return row;
}

export function requirePolicy(db: Sqlite, name: string): PolicyRow {
  const row = db.prepare('SELECT id, name, org_id FROM policies WHERE name = ? COLLATE NOCASE').get(name) as PolicyRow | undefined;
  if (!row) {
    const hint = suggestion(db, 'SELECT name FROM policies', name);
    throw invalid('unknown-policy', `There is no policy "${name}".${hint || ' "schoolctl policies list" shows them.'}`);
  }
  return row;
}

export function requireCourse(db: Sqlite, id: string): { id: string; unit_id: string; name: string } {
  const row = db.prepare('SELECT id, unit_id, name FROM courses WHERE id = ?').get(id) as { id: string; unit_id: string; name: string } | undefined;
  if (!row) throw invalid('unknown-course', `There is no course "${id}".${suggestion(db, 'SELECT id FROM courses LIMIT 5000', id)}`);
  return row;
}

export function requireProject(db: Sqlite, id: string): { id: string; unit_id: string; name: string } {
  const row = db.prepare('SELECT id, unit_id, name FROM projects WHERE id = ?').get(id) as { id: string; unit_id: string; name: string } | undefined;
  if (!row) throw invalid('unknown-project', `There is no project "${id}".${suggestion(db, 'SELECT id FROM projects LIMIT 5000', id)}`);
  return row;
}

export function requireTerm(db: Sqlite, id: string): { id: string; name: string; starts: string; ends: string; org_id: string | null } {
  const row = db.prepare('SELECT * FROM terms WHERE id = ?').get(id) as { id: string; name: string; starts: string; ends: string; org_id: string | null } | undefined;
  if (!row) throw invalid('unknown-term', `There is no term "${id}".${suggestion(db, 'SELECT id FROM terms', id)}`);
  return row;
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

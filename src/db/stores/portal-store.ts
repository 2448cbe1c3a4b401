// Queries of the schedule portal's commands: projects, user types, structures per project,
// school-function assignments with their scope, and the Instellingen switches.

import { invalid } from '../../model/errors.js';
import { didYouMean } from '../../model/did-you-mean.js';
import { isSchoolYear, type PortalUserType } from '../../model/schoolfunction-rights.js';
import { checkIdentifier } from './lookups.js';
import type { Sqlite } from '../open.js';

export type ScopeKind = 'afdeling' | 'klas' | 'team' | 'sectie';

export interface PortalUserRow {
  type: PortalUserType;
  admin: number;
  role: string | null;
}

function hint(names: readonly string[], input: string, list: string): string {
  const near = didYouMean(input, names);
  return near || `. ${list}`;
}

/** A project is a school year: two consecutive years, such as 2025-2026. */
export function checkProjectId(id: string): string {
  if (!isSchoolYear(id)) {
    throw invalid('bad-project', `Project "${id}" is not a school year; use two consecutive years such as 2025-2026.`);
  }
  return id;
}

export function requirePortalProject(db: Sqlite, id: string): string {
  if (db.prepare('SELECT 1 FROM portal_projects WHERE id = ?').get(id)) return id;
  const names = db.prepare('SELECT id FROM portal_projects ORDER BY id').pluck().all() as string[];
  throw invalid('unknown-project', `There is no portal project "${id}"${hint(names, id, names.length ? `Projects are: ${names.join(', ')}.` : 'Create one with "schoolctl portal project add 2025-2026".')}`);
}

export function addProject(db: Sqlite, id: string): void {
  db.prepare('INSERT INTO portal_projects (id) VALUES (?)').run(id);
}

export function projectExists(db: Sqlite, id: string): boolean {
  return db.prepare('SELECT 1 FROM portal_projects WHERE id = ?').get(id) !== undefined;
}

export function listProjects(db: Sqlite) {
  return db
    .prepare(
      `SELECT p.id AS project,
        (SELECT count(*) FROM portal_afdelingen a WHERE a.project = p.id) AS afdelingen,
        (SELECT count(*) FROM portal_klassen k WHERE k.project = p.id) AS klassen,
        (SELECT count(*) FROM portal_teams t WHERE t.project = p.id) AS teams,
        (SELECT count(*) FROM portal_secties s WHERE s.project = p.id) AS secties,
        (SELECT count(*) FROM schoolfunction_assignments f WHERE f.project = p.id) AS functions
       FROM portal_projects p ORDER BY p.id`,
    )
    .all() as { project: string; afdelingen: number; klassen: number; teams: number; secties: number; functions: number }[];
}

export function portalUser(db: Sqlite, userId: number): PortalUserRow | undefined {
  return db.prepare('SELECT type, admin, role FROM portal_users WHERE user_id = ?').get(userId) as PortalUserRow | undefined;
}

export function setPortalUser(db: Sqlite, userId: number, type: PortalUserType, admin: boolean, role: string | null): void {
  db.prepare(
    'INSERT INTO portal_users (user_id, type, admin, role) VALUES (?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET type = excluded.type, admin = excluded.admin, role = excluded.role',
  ).run(userId, type, admin ? 1 : 0, role);
}

export function listPortalUsers(db: Sqlite, type?: string) {
  return db
    .prepare(
      `SELECT u.username AS user, p.type, p.admin = 1 AS admin, p.role FROM portal_users p JOIN users u ON u.id = p.user_id
       WHERE (@type IS NULL OR p.type = @type) ORDER BY u.username`,
    )
    .all({ type: type ?? null })
    .map((r) => {
      const row = r as { user: string; type: string; admin: number; role: string | null };
      return { ...row, admin: row.admin === 1 };
    });
}

/** The functions a user holds, over every project. */
export function functionsOf(db: Sqlite, userId: number): { project: string; function: string }[] {
  return db.prepare('SELECT project, function FROM schoolfunction_assignments WHERE user_id = ? ORDER BY project, function').all(userId) as {
    project: string;
    function: string;
  }[];
}

const STRUCTURE_TABLE: Record<ScopeKind, string> = {
  afdeling: 'portal_afdelingen',
  klas: 'portal_klassen',
  team: 'portal_teams',
  sectie: 'portal_secties',
};

export function structureExists(db: Sqlite, kind: ScopeKind, project: string, id: string): boolean {
  return db.prepare(`SELECT 1 FROM ${STRUCTURE_TABLE[kind]} WHERE project = ? AND id = ?`).get(project, id) !== undefined;
}

/** An afdeling, klas, team or sectie of the project, or exit 2 naming the valid ones. */
export function requireStructure(db: Sqlite, kind: ScopeKind, project: string, id: string): string {
  if (structureExists(db, kind, project, id)) return id;
  const names = db.prepare(`SELECT id FROM ${STRUCTURE_TABLE[kind]} WHERE project = ? ORDER BY id`).pluck().all(project) as string[];
  throw invalid(
    `unknown-${kind}`,
    `There is no ${kind} "${id}" in project ${project}${hint(names, id, names.length ? `It has: ${names.slice(0, 20).join(', ')}.` : `Add one with "schoolctl portal ${kind} add ${id} --project ${project}${kind === 'klas' ? ' --afdeling A' : ''}".`)}`,
  );
}

export function checkStructureId(kind: ScopeKind, id: string): string {
  return checkIdentifier(kind[0].toUpperCase() + kind.slice(1), id);
}

export function addAfdeling(db: Sqlite, project: string, id: string): void {
  db.prepare('INSERT INTO portal_afdelingen (project, id) VALUES (?, ?)').run(project, id);
}

export function addKlas(db: Sqlite, project: string, id: string, afdeling: string): void {
  db.prepare('INSERT INTO portal_klassen (project, id, afdeling) VALUES (?, ?, ?)').run(project, id, afdeling);
}

export function klasStudent(db: Sqlite, project: string, klas: string, userId: number): boolean {
  return db.prepare('SELECT 1 FROM portal_klas_students WHERE project = ? AND klas = ? AND user_id = ?').get(project, klas, userId) !== undefined;
}

export function addKlasStudent(db: Sqlite, project: string, klas: string, userId: number): void {
  db.prepare('INSERT OR IGNORE INTO portal_klas_students (project, klas, user_id) VALUES (?, ?, ?)').run(project, klas, userId);
}

export function addTeam(db: Sqlite, project: string, id: string): void {
  db.prepare('INSERT OR IGNORE INTO portal_teams (project, id) VALUES (?, ?)').run(project, id);
}

export function addTeamAfdeling(db: Sqlite, project: string, team: string, afdeling: string): void {
  db.prepare('INSERT OR IGNORE INTO portal_team_afdelingen (project, team, afdeling) VALUES (?, ?, ?)').run(project, team, afdeling);
}

export function addTeamMember(db: Sqlite, project: string, team: string, userId: number): void {
  db.prepare('INSERT OR IGNORE INTO portal_team_members (project, team, user_id) VALUES (?, ?, ?)').run(project, team, userId);
}

export function addSectie(db: Sqlite, project: string, id: string): void {
  db.prepare('INSERT OR IGNORE INTO portal_secties (project, id) VALUES (?, ?)').run(project, id);
}

export function addSectieMember(db: Sqlite, project: string, sectie: string, userId: number): void {
  db.prepare('INSERT OR IGNORE INTO portal_sectie_members (project, sectie, user_id) VALUES (?, ?, ?)').run(project, sectie, userId);
}

export function teamView(db: Sqlite, project: string, team: string) {
  return {
    team,
    afdelingen: db.prepare('SELECT afdeling FROM portal_team_afdelingen WHERE project = ? AND team = ? ORDER BY 1').pluck().all(project, team) as string[],
    members: db
      .prepare('SELECT u.username FROM portal_team_members m JOIN users u ON u.id = m.user_id WHERE m.project = ? AND m.team = ? ORDER BY 1')
      .pluck()
      .all(project, team) as string[],
  };
}

export function sectieView(db: Sqlite, project: string, sectie: string) {
  return {
    sectie,
    members: db
      .prepare('SELECT u.username FROM portal_sectie_members m JOIN users u ON u.id = m.user_id WHERE m.project = ? AND m.sectie = ? ORDER BY 1')
      .pluck()
      .all(project, sectie) as string[],
  };
}

export function listAfdelingen(db: Sqlite, project: string) {
  return (db.prepare('SELECT id FROM portal_afdelingen WHERE project = ? ORDER BY id').pluck().all(project) as string[]).map((id) => ({
    afdeling: id,
    klassen: db.prepare('SELECT id FROM portal_klassen WHERE project = ? AND afdeling = ? ORDER BY id').pluck().all(project, id) as string[],
  }));
}

export function listKlassen(db: Sqlite, project: string) {
  return (db.prepare('SELECT id, afdeling FROM portal_klassen WHERE project = ? ORDER BY id').all(project) as { id: string; afdeling: string }[]).map((k) => ({
    klas: k.id,
    afdeling: k.afdeling,
    students: db
      .prepare('SELECT u.username FROM portal_klas_students s JOIN users u ON u.id = s.user_id WHERE s.project = ? AND s.klas = ? ORDER BY 1')
      .pluck()
      .all(project, k.id) as string[],
  }));
}

export function listTeams(db: Sqlite, project: string) {
  return (db.prepare('SELECT id FROM portal_teams WHERE project = ? ORDER BY id').pluck().all(project) as string[]).map((t) => teamView(db, project, t));
}

export function listSecties(db: Sqlite, project: string) {
  return (db.prepare('SELECT id FROM portal_secties WHERE project = ? ORDER BY id').pluck().all(project) as string[]).map((s) => sectieView(db, project, s));
}

// School-function assignments.

export function assignmentId(db: Sqlite, project: string, fn: string, userId: number): number | undefined {
  return db.prepare('SELECT id FROM schoolfunction_assignments WHERE project = ? AND function = ? AND user_id = ?').pluck().get(project, fn, userId) as number | undefined;
}

export function scopesOf(db: Sqlite, id: number): { kind: ScopeKind; id: string }[] {
  return db.prepare('SELECT kind, scope_id AS id FROM schoolfunction_scopes WHERE assignment_id = ? ORDER BY kind, scope_id').all(id) as { kind: ScopeKind; id: string }[];
}

export function createAssignment(db: Sqlite, project: string, fn: string, userId: number): number {
  return Number(db.prepare('INSERT INTO schoolfunction_assignments (project, function, user_id) VALUES (?, ?, ?)').run(project, fn, userId).lastInsertRowid);
}

export function addScope(db: Sqlite, id: number, kind: ScopeKind, scopeId: string): void {
  db.prepare('INSERT OR IGNORE INTO schoolfunction_scopes (assignment_id, kind, scope_id) VALUES (?, ?, ?)').run(id, kind, scopeId);
}

export function removeScope(db: Sqlite, id: number, kind: ScopeKind, scopeId: string): void {
  db.prepare('DELETE FROM schoolfunction_scopes WHERE assignment_id = ? AND kind = ? AND scope_id = ?').run(id, kind, scopeId);
}

export function deleteAssignment(db: Sqlite, id: number): void {
  db.prepare('DELETE FROM schoolfunction_assignments WHERE id = ?').run(id);
}

export function listAssignments(db: Sqlite, filter: { project?: string; function?: string; user?: number }) {
  const rows = db
    .prepare(
      `SELECT a.id, a.project, a.function, u.username AS user FROM schoolfunction_assignments a JOIN users u ON u.id = a.user_id
       WHERE (@project IS NULL OR a.project = @project) AND (@fn IS NULL OR a.function = @fn) AND (@user IS NULL OR a.user_id = @user)
       ORDER BY a.project, a.function, u.username`,
    )
    .all({ project: filter.project ?? null, fn: filter.function ?? null, user: filter.user ?? null }) as { id: number; project: string; function: string; user: string }[];
  return rows.map((r) => ({ project: r.project, function: r.function, user: r.user, scope: scopesOf(db, r.id) }));
}

// Instellingen switches.

export function switchValue(db: Sqlite, project: string, holder: string, right: string): boolean {
  return db.prepare('SELECT value FROM schoolfunction_switches WHERE project = ? AND holder = ? AND right_key = ?').pluck().get(project, holder, right) === 1;
}

export function setSwitch(db: Sqlite, project: string, holder: string, right: string, on: boolean): void {
  db.prepare(
    'INSERT INTO schoolfunction_switches (project, holder, right_key, value) VALUES (?, ?, ?, ?) ON CONFLICT (project, holder, right_key) DO UPDATE SET value = excluded.value',
  ).run(project, holder, right, on ? 1 : 0);
}

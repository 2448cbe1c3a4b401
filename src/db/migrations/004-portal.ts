// The schedule portal (DOMAIN.md §7): projects (school years), portal user types with the admin
// flag and legacy role, structures per project, school-function assignments with their scope, and
// the Instellingen switches per (project, holder, right). A missing switch row means off.

import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE portal_projects (id TEXT PRIMARY KEY) WITHOUT ROWID`.execute(db);
  await sql`CREATE TABLE portal_users (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    type TEXT NOT NULL CHECK (type IN ('leerling','werknemer','ouder')),
    admin INTEGER NOT NULL DEFAULT 0 CHECK (admin IN (0,1)),
    role TEXT
  )`.execute(db);
  await sql`CREATE TABLE portal_afdelingen (
    project TEXT NOT NULL REFERENCES portal_projects(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    PRIMARY KEY (project, id)
  ) WITHOUT ROWID`.execute(db);
  await sql`CREATE TABLE portal_klassen (
    project TEXT NOT NULL,
    id TEXT NOT NULL,
    afdeling TEXT NOT NULL,
    PRIMARY KEY (project, id),
    FOREIGN KEY (project, afdeling) REFERENCES portal_afdelingen(project, id) ON DELETE CASCADE
  ) WITHOUT ROWID`.execute(db);
  await sql`CREATE INDEX portal_klassen_afdeling ON portal_klassen(project, afdeling)`.execute(db);
  await sql`CREATE TABLE portal_klas_students (
    project TEXT NOT NULL,
    klas TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (project, klas, user_id),
    FOREIGN KEY (project, klas) REFERENCES portal_klassen(project, id) ON DELETE CASCADE
  ) WITHOUT ROWID`.execute(db);
  await sql`CREATE INDEX portal_klas_students_user ON portal_klas_students(user_id, project)`.execute(db);
  await sql`CREATE TABLE portal_teams (
    project TEXT NOT NULL REFERENCES portal_projects(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    PRIMARY KEY (project, id)
  ) WITHOUT ROWID`.execute(db);
  await sql`CREATE TABLE portal_team_afdelingen (
    project TEXT NOT NULL,
    team TEXT NOT NULL,
    afdeling TEXT NOT NULL,
    PRIMARY KEY (project, team, afdeling),
    FOREIGN KEY (project, team) REFERENCES portal_teams(project, id) ON DELETE CASCADE,
    FOREIGN KEY (project, afdeling) REFERENCES portal_afdelingen(project, id) ON DELETE CASCADE
  ) WITHOUT ROWID`.execute(db);
  await sql`CREATE TABLE portal_team_members (
    project TEXT NOT NULL,
    team TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (project, team, user_id),
    FOREIGN KEY (project, team) REFERENCES portal_teams(project, id) ON DELETE CASCADE
  ) WITHOUT ROWID`.execute(db);
  await sql`CREATE INDEX portal_team_members_user ON portal_team_members(user_id, project)`.execute(db);
  await sql`CREATE TABLE portal_secties (
    project TEXT NOT NULL REFERENCES portal_projects(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    PRIMARY KEY (project, id)
  ) WITHOUT ROWID`.execute(db);
  await sql`CREATE TABLE portal_sectie_members (
    project TEXT NOT NULL,
    sectie TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (project, sectie, user_id),
    FOREIGN KEY (project, sectie) REFERENCES portal_secties(project, id) ON DELETE CASCADE
  ) WITHOUT ROWID`.execute(db);
  await sql`CREATE INDEX portal_sectie_members_user ON portal_sectie_members(user_id, project)`.execute(db);
  await sql`CREATE TABLE schoolfunction_assignments (
    id INTEGER PRIMARY KEY,
    project TEXT NOT NULL REFERENCES portal_projects(id) ON DELETE CASCADE,
    function TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    UNIQUE (project, function, user_id)
  )`.execute(db);
  await sql`CREATE INDEX schoolfunction_assignments_user ON schoolfunction_assignments(user_id, project)`.execute(db);
  await sql`CREATE TABLE schoolfunction_scopes (
    assignment_id INTEGER NOT NULL REFERENCES schoolfunction_assignments(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('afdeling','klas','team','sectie')),
    scope_id TEXT NOT NULL,
    PRIMARY KEY (assignment_id, kind, scope_id)
  ) WITHOUT ROWID`.execute(db);
  await sql`CREATE TABLE schoolfunction_switches (
    project TEXT NOT NULL REFERENCES portal_projects(id) ON DELETE CASCADE,
    holder TEXT NOT NULL,
    right_key TEXT NOT NULL,
    value INTEGER NOT NULL CHECK (value IN (0,1)),
    PRIMARY KEY (project, holder, right_key)
  ) WITHOUT ROWID`.execute(db);
}

// The core model: profiles and their settings, hierarchy, users, courses, projects, parents,
// terms, policies and the audit log.

import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE site_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID`.execute(db);
  await sql`CREATE TABLE profiles (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    level INTEGER NOT NULL UNIQUE CHECK (level BETWEEN 10 AND 100),
    role_in_hierarchy TEXT NOT NULL CHECK (role_in_hierarchy IN ('administrator','teacher','student','guest'))
  )`.execute(db);
  await sql`CREATE TABLE profile_settings (
    profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (profile_id, key)
  ) WITHOUT ROWID`.execute(db);
  await sql`CREATE TABLE units (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('school','organisation','class','group')),
    name TEXT NOT NULL,
    parent_id TEXT REFERENCES units(id)
  )`.execute(db);
  await sql`CREATE INDEX units_parent ON units(parent_id)`.execute(db);
  await sql`CREATE TABLE unit_ancestors (
    unit_id TEXT NOT NULL, ancestor_id TEXT NOT NULL, depth INTEGER NOT NULL, PRIMARY KEY (unit_id, ancestor_id)
  ) WITHOUT ROWID`.execute(db);
  await sql`CREATE INDEX unit_ancestors_ancestor ON unit_ancestors(ancestor_id, unit_id)`.execute(db);
  await sql`CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    email TEXT,
    external_id TEXT UNIQUE,
    profile_id INTEGER NOT NULL REFERENCES profiles(id),
    share_details INTEGER NOT NULL DEFAULT 1
  )`.execute(db);
  await sql`CREATE INDEX users_profile ON users(profile_id)`.execute(db);
  await sql`CREATE TABLE memberships (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    unit_id TEXT NOT NULL REFERENCES units(id),
    role TEXT CHECK (role IN ('administrator','teacher','student','guest')),
    PRIMARY KEY (user_id, unit_id)
  ) WITHOUT ROWID`.execute(db);
  await sql`CREATE INDEX memberships_unit ON memberships(unit_id, user_id)`.execute(db);
  await sql`CREATE TABLE courses (id TEXT PRIMARY KEY, unit_id TEXT NOT NULL REFERENCES units(id), name TEXT NOT NULL)`.execute(db);
  await sql`CREATE INDEX courses_unit ON courses(unit_id)`.execute(db);
  await sql`CREATE TABLE course_members (
    course_id TEXT NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('teacher','learner')),
    PRIMARY KEY (course_id, user_id)
  ) WITHOUT ROWID`.execute(db);
  await sql`CREATE INDEX course_members_user ON course_members(user_id, course_id)`.execute(db);
  await sql`CREATE TABLE projects (id TEXT PRIMARY KEY, unit_id TEXT NOT NULL REFERENCES units(id), name TEXT NOT NULL)`.execute(db);
  await sql`CREATE TABLE project_members (
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (project_id, user_id)
  ) WITHOUT ROWID`.execute(db);
  await sql`CREATE INDEX project_members_user ON project_members(user_id, project_id)`.execute(db);
  await sql`CREATE TABLE parent_links (
    parent_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    child_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (parent_id, child_id)
  ) WITHOUT ROWID`.execute(db);
  await sql`CREATE INDEX parent_links_child ON parent_links(child_id, parent_id)`.execute(db);
  await sql`CREATE TABLE terms (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, starts TEXT NOT NULL, ends TEXT NOT NULL,
    org_id TEXT REFERENCES units(id)
  )`.execute(db);
  await sql`CREATE TABLE policies (
    id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE COLLATE NOCASE, org_id TEXT REFERENCES units(id)
  )`.execute(db);
  await sql`CREATE TABLE policy_settings (
    policy_id INTEGER NOT NULL REFERENCES policies(id) ON DELETE CASCADE,
    key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (policy_id, key)
  ) WITHOUT ROWID`.execute(db);
  await sql`CREATE TABLE policy_assignments (
    policy_id INTEGER NOT NULL REFERENCES policies(id) ON DELETE CASCADE,
    target_kind TEXT NOT NULL CHECK (target_kind IN ('user','profile')),
    target_id INTEGER NOT NULL,
    via_unit TEXT,
    PRIMARY KEY (policy_id, target_kind, target_id)
  ) WITHOUT ROWID`.execute(db);
  await sql`CREATE INDEX policy_assignments_target ON policy_assignments(target_kind, target_id)`.execute(db);
  await sql`CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL,
    command TEXT NOT NULL, summary TEXT NOT NULL, changes TEXT NOT NULL
  )`.execute(db);
}

// Supervisors (DOMAIN.md §5): mentors with learners and classes, headteachers with organisations,
// and ILP templates. Renamable names live in site_settings.

import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE mentors (user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE)`.execute(db);
  await sql`CREATE TABLE mentor_learners (
    mentor_id INTEGER NOT NULL REFERENCES mentors(user_id) ON DELETE CASCADE,
    learner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (mentor_id, learner_id)
  ) WITHOUT ROWID`.execute(db);
  await sql`CREATE INDEX mentor_learners_learner ON mentor_learners(learner_id, mentor_id)`.execute(db);
  await sql`CREATE TABLE mentor_classes (
    mentor_id INTEGER NOT NULL REFERENCES mentors(user_id) ON DELETE CASCADE,
    unit_id TEXT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    PRIMARY KEY (mentor_id, unit_id)
  ) WITHOUT ROWID`.execute(db);
  await sql`CREATE INDEX mentor_classes_unit ON mentor_classes(unit_id, mentor_id)`.execute(db);
  await sql`CREATE TABLE headteachers (user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE)`.execute(db);
  await sql`CREATE TABLE headteacher_orgs (
    user_id INTEGER NOT NULL REFERENCES headteachers(user_id) ON DELETE CASCADE,
    unit_id TEXT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, unit_id)
  ) WITHOUT ROWID`.execute(db);
  await sql`CREATE INDEX headteacher_orgs_unit ON headteacher_orgs(unit_id, user_id)`.execute(db);
  await sql`CREATE TABLE ilp_templates (name TEXT PRIMARY KEY COLLATE NOCASE, created_at TEXT NOT NULL)`.execute(db);
}

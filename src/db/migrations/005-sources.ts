// Where each fact came from (docs/rosters.md): users, units, memberships, courses, course members and
// parent links carry their source (`command`, `csv`, `site-file`, `oneroster:<name>`, `ims:<file>`);
// terms remember their parent session. A change outside a sync to a record a sync owns is written to
// sync_drift by triggers, so every path (command, CSV, site file) is caught without knowing about it.

import { sql, type Kysely } from 'kysely';

const SOURCED = ['users', 'units', 'memberships', 'courses', 'course_members', 'parent_links'] as const;

/** How a drifted row is named: entity, then two key columns as text. */
const KEYS: Record<(typeof SOURCED)[number], { entity: string; a: string; b: string; changed: string }> = {
  users: { entity: 'user', a: 'OLD.username', b: "''", changed: 'OLD.username IS NOT NEW.username OR OLD.name IS NOT NEW.name OR OLD.email IS NOT NEW.email OR OLD.external_id IS NOT NEW.external_id OR OLD.profile_id IS NOT NEW.profile_id' },
  units: { entity: 'unit', a: 'OLD.id', b: "''", changed: 'OLD.kind IS NOT NEW.kind OR OLD.name IS NOT NEW.name OR OLD.parent_id IS NOT NEW.parent_id' },
  memberships: { entity: 'membership', a: "coalesce((SELECT username FROM users WHERE id = OLD.user_id), '#' || OLD.user_id)", b: 'OLD.unit_id', changed: 'OLD.role IS NOT NEW.role' },
  courses: { entity: 'course', a: 'OLD.id', b: "''", changed: 'OLD.unit_id IS NOT NEW.unit_id OR OLD.name IS NOT NEW.name' },
  course_members: { entity: 'course-member', a: 'OLD.course_id', b: "coalesce((SELECT username FROM users WHERE id = OLD.user_id), '#' || OLD.user_id)", changed: 'OLD.role IS NOT NEW.role' },
  parent_links: { entity: 'parent-link', a: "coalesce((SELECT username FROM users WHERE id = OLD.parent_id), '#' || OLD.parent_id)", b: "coalesce((SELECT username FROM users WHERE id = OLD.child_id), '#' || OLD.child_id)", changed: '0' },
};

/** Adds a column unless the table has it already (a model rebuilt by hand may). */
async function addColumn(db: Kysely<unknown>, table: string, column: string, type: string): Promise<void> {
  const cols = await sql<{ name: string }>`SELECT name FROM pragma_table_info(${table})`.execute(db);
  if (!cols.rows.some((c) => c.name === column)) await sql.raw(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`).execute(db);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const t of SOURCED) await addColumn(db, t, 'source', "TEXT NOT NULL DEFAULT 'command'");
  await addColumn(db, 'terms', 'parent_id', 'TEXT');
  // A course made from a OneRoster class remembers the class's course and terms, so export writes it back as a class.
  await addColumn(db, 'courses', 'roster_course', 'TEXT');
  await addColumn(db, 'courses', 'roster_terms', 'TEXT');
  await addColumn(db, 'terms', 'source', "TEXT NOT NULL DEFAULT 'command'");
  await sql`CREATE TABLE IF NOT EXISTS sync_drift (
    id INTEGER PRIMARY KEY,
    entity TEXT NOT NULL,
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    source TEXT NOT NULL,
    change TEXT NOT NULL CHECK (change IN ('update','delete')),
    at TEXT NOT NULL
  )`.execute(db);
  await sql`CREATE INDEX IF NOT EXISTS sync_drift_source ON sync_drift(source)`.execute(db);
  const synced = "(OLD.source LIKE 'oneroster:%' OR OLD.source LIKE 'ims:%')";
  for (const t of SOURCED) {
    const k = KEYS[t];
    const row = (change: string) => `INSERT INTO sync_drift (entity, a, b, source, change, at) VALUES ('${k.entity}', ${k.a}, ${k.b}, OLD.source, '${change}', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;
    await sql.raw(`CREATE TRIGGER IF NOT EXISTS ${t}_sync_update AFTER UPDATE ON ${t} WHEN ${synced} AND NEW.source = OLD.source AND (${k.changed}) BEGIN ${row('update')}; END`).execute(db);
    await sql.raw(`CREATE TRIGGER IF NOT EXISTS ${t}_sync_delete AFTER DELETE ON ${t} WHEN ${synced} BEGIN ${row('delete')}; END`).execute(db);
  }
}

// Bench fixture set-up: a generated site holds the core model only; this gives it the other
// modules' data in realistic shape, so checks and reverse lookups exercise every rule:
// a mentor per class (a teacher of one of its courses), a headteacher per school, workflow switches, and a
// portal project whose klassen mirror the classes with their mentors as school-function mentors.

import Database from 'better-sqlite3';

const PROJECT = '2025-2026';

export function enrichSite(path: string): Record<string, number> {
  const db = new Database(path);
  db.pragma('foreign_keys = ON');
  const count = (sql: string) => db.prepare(sql).pluck().get() as number;
  db.transaction(() => {
    db.exec(`
      UPDATE profile_settings SET value = 'on'
        WHERE key IN ('mentor-role', 'headteacher-role') AND profile_id IN (SELECT id FROM profiles WHERE name IN ('Staff', 'Administrator'));
      CREATE TEMP TABLE class_mentor AS
        SELECT c.unit_id AS unit_id, min(cm.user_id) AS user_id FROM courses c
        JOIN units k ON k.id = c.unit_id AND k.kind = 'class'
        JOIN course_members cm ON cm.course_id = c.id AND cm.role = 'teacher' GROUP BY c.unit_id;
      INSERT OR IGNORE INTO mentors (user_id) SELECT DISTINCT user_id FROM class_mentor;
      INSERT OR IGNORE INTO mentor_classes (mentor_id, unit_id) SELECT user_id, unit_id FROM class_mentor;
      CREATE TEMP TABLE school_head AS
        SELECT a.ancestor_id AS unit_id, min(m.user_id) AS user_id FROM memberships m
        JOIN unit_ancestors a ON a.unit_id = m.unit_id JOIN units s ON s.id = a.ancestor_id AND s.kind = 'school'
        JOIN users u ON u.id = m.user_id JOIN profiles p ON p.id = u.profile_id
        WHERE p.name = 'Administrator' GROUP BY a.ancestor_id;
      INSERT OR IGNORE INTO headteachers (user_id) SELECT DISTINCT user_id FROM school_head;
      INSERT OR IGNORE INTO headteacher_orgs (user_id, unit_id) SELECT user_id, unit_id FROM school_head;
      INSERT OR IGNORE INTO ilp_templates (name, created_at) VALUES ('Individual learning plan', '2025-09-01');
      INSERT OR REPLACE INTO workflow_switches (area, phase, learner, parent, external) VALUES
        ('attendance', 'group-registration', 1, 1, 0), ('attendance', 'completed', 1, 1, 1),
        ('behaviour', 'organisation-approval', 1, 0, 0), ('behaviour', 'completed', 1, 1, 1),
        ('assessment', 'completed', 1, 1, 1);
      INSERT OR IGNORE INTO portal_projects (id) VALUES ('${PROJECT}');
      INSERT OR IGNORE INTO portal_users (user_id, type, admin, role)
        SELECT u.id, CASE p.role_in_hierarchy WHEN 'student' THEN 'leerling' WHEN 'guest' THEN 'ouder' ELSE 'werknemer' END, 0, NULL
        FROM users u JOIN profiles p ON p.id = u.profile_id;
      INSERT OR IGNORE INTO portal_afdelingen (project, id) SELECT '${PROJECT}', id FROM units WHERE kind = 'school';
      INSERT OR IGNORE INTO portal_klassen (project, id, afdeling)
        SELECT '${PROJECT}', c.id, a.ancestor_id FROM units c JOIN unit_ancestors a ON a.unit_id = c.id JOIN units s ON s.id = a.ancestor_id AND s.kind = 'school'
        WHERE c.kind = 'class';
      INSERT OR IGNORE INTO portal_klas_students (project, klas, user_id)
        SELECT '${PROJECT}', m.unit_id, m.user_id FROM memberships m JOIN portal_klassen k ON k.project = '${PROJECT}' AND k.id = m.unit_id
        JOIN users u ON u.id = m.user_id JOIN profiles p ON p.id = u.profile_id WHERE p.role_in_hierarchy = 'student';
      INSERT OR IGNORE INTO schoolfunction_assignments (project, function, user_id) SELECT DISTINCT '${PROJECT}', 'mentor', user_id FROM class_mentor;
      INSERT OR IGNORE INTO schoolfunction_scopes (assignment_id, kind, scope_id)
        SELECT a.id, 'klas', cm.unit_id FROM class_mentor cm JOIN schoolfunction_assignments a ON a.project = '${PROJECT}' AND a.function = 'mentor' AND a.user_id = cm.user_id;
      INSERT OR REPLACE INTO schoolfunction_switches (project, holder, right_key, value) VALUES ('${PROJECT}', 'mentor', 'edit-prognoses', 1);
      DROP TABLE class_mentor;
      DROP TABLE school_head;`);
  })();
  const figures = {
    mentors: count('SELECT count(*) FROM mentors'),
    mentorClasses: count('SELECT count(*) FROM mentor_classes'),
    headteachers: count('SELECT count(*) FROM headteachers'),
    klassen: count('SELECT count(*) FROM portal_klassen'),
    schoolfunctions: count('SELECT count(*) FROM schoolfunction_assignments'),
  };
  db.close();
  return figures;
}

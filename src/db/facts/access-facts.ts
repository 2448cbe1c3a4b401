// Bulk reads for the access surface (src/model/access-surface.ts): one statement per list, so a
// diff of the whole site reads each table once instead of once per user.

import type { SubjectSignature } from '../../model/access-facts.js';
import type { Sqlite } from '../open.js';

export function accessFacts(db: Sqlite) {
  const q = {
    users: db.prepare(`
      SELECT u.id, u.username, u.profile_id AS profile,
             (SELECT group_concat(policy_id) FROM (SELECT DISTINCT pa.policy_id FROM policy_assignments pa
               WHERE pa.target_kind = 'user' AND pa.target_id = u.id ORDER BY 1)) AS policies
      FROM users u ORDER BY u.username`),
    schools: db.prepare(`
      SELECT m.user_id AS id, a.ancestor_id AS school FROM memberships m
        JOIN unit_ancestors a ON a.unit_id = m.unit_id JOIN units s ON s.id = a.ancestor_id AND s.kind = 'school'
      UNION
      SELECT l.parent_id, a.ancestor_id FROM parent_links l JOIN memberships m ON m.user_id = l.child_id
        JOIN unit_ancestors a ON a.unit_id = m.unit_id JOIN units s ON s.id = a.ancestor_id AND s.kind = 'school'
      ORDER BY 1, 2`),
    schoolPolicy: db.prepare('SELECT 1 FROM policy_assignments pa JOIN policies p ON p.id = pa.policy_id WHERE p.org_id IS NOT NULL LIMIT 1'),
    schoolIds: db.prepare(`SELECT id FROM units WHERE kind = 'school' ORDER BY id`).pluck(),
    learners: db.prepare(`
      SELECT u.username FROM users u JOIN profiles p ON p.id = u.profile_id
      WHERE p.role_in_hierarchy = 'student' OR EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.role = 'student')
      ORDER BY 1`).pluck(),
    courses: db.prepare('SELECT id FROM courses ORDER BY id').pluck(),
    classes: db.prepare(`SELECT id FROM units WHERE kind IN ('class','group') ORDER BY id`).pluck(),
    terms: db.prepare('SELECT id FROM terms ORDER BY id').pluck(),
    projects: db.prepare('SELECT id FROM portal_projects ORDER BY id').pluck(),
    inUnit: db.prepare(`SELECT DISTINCT u.username FROM unit_ancestors a JOIN memberships m ON m.unit_id = a.unit_id JOIN users u ON u.id = m.user_id WHERE a.ancestor_id = ?`).pluck(),
  };
  return {
    subjectSignatures(withSchools: boolean): readonly SubjectSignature[] {
      const schools = new Map<number, string>();
      if (withSchools) {
        for (const r of q.schools.iterate() as Iterable<{ id: number; school: string }>) {
          const s = schools.get(r.id);
          schools.set(r.id, s === undefined ? r.school : `${s},${r.school}`);
        }
      }
      const rows = q.users.all() as { id: number; username: string; profile: number; policies: string | null }[];
      return rows.map((r) => ({ id: r.id, username: r.username, signature: `${r.profile}|${r.policies ?? ''}|${schools.get(r.id) ?? ''}` }));
    },
    anySchoolPolicyAssigned: () => q.schoolPolicy.get() !== undefined,
    schoolIds: () => q.schoolIds.all() as string[],
    learnerUsernames: () => q.learners.all() as string[],
    courseIds: () => q.courses.all() as string[],
    classIds: () => q.classes.all() as string[],
    termIds: () => q.terms.all() as string[],
    portalProjectIds: () => q.projects.all() as string[],
    usersInUnit: (unitId: string) => q.inUnit.all(unitId) as string[],
  };
}

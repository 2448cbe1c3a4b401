// Supervisor facts from SQLite: set queries over mentor and headteacher assignments, using the
// closure table so a learner who joins a class later is covered at once.

import type { Facts } from '../model/facts.js';
import { DEFAULT_SUPERVISOR_NAMES, type SupervisorNames, type SupervisorOf, type SupervisorPath } from '../model/supervisor-facts.js';
import type { Sqlite } from './open.js';

/** A membership whose effective hierarchy role (its own, else the profile's) is student. */
export const LEARNER_MEMBERSHIP = `coalesce(m.role, (SELECT p.role_in_hierarchy FROM users u JOIN profiles p ON p.id = u.profile_id WHERE u.id = m.user_id)) = 'student'`;

const NAME_KEYS: Record<keyof SupervisorNames, string> = {
  mentorTool: 'mentor-tool-name',
  mentorRole: 'mentor-role-name',
  headteacherTool: 'headteacher-tool-name',
  headteacherRole: 'headteacher-role-name',
  headteacherTerm: 'headteacher-term',
  supervisorTool: 'supervisor-tool-name',
};
export const SUPERVISOR_NAME_KEYS = NAME_KEYS;

type SupervisorFacts = Pick<
  Facts,
  | 'isMentor'
  | 'isHeadteacher'
  | 'mentorPaths'
  | 'headteacherPaths'
  | 'mentorLearnerCount'
  | 'headteacherLearnerCount'
  | 'mentorsOf'
  | 'headteachersOf'
  | 'isLearner'
  | 'ilpTemplateCount'
  | 'supervisorNames'
>;

export function supervisorFacts(db: Sqlite): SupervisorFacts {
  const q = {
    isMentor: db.prepare('SELECT 1 FROM mentors WHERE user_id = ?'),
    isHeadteacher: db.prepare('SELECT 1 FROM headteachers WHERE user_id = ?'),
    direct: db.prepare('SELECT 1 FROM mentor_learners WHERE mentor_id = ? AND learner_id = ?'),
    viaClass: db
      .prepare(`SELECT mc.unit_id FROM mentor_classes mc JOIN memberships m ON m.unit_id = mc.unit_id AND m.user_id = ? WHERE mc.mentor_id = ? AND ${LEARNER_MEMBERSHIP} ORDER BY 1`)
      .pluck(),
    viaOrg: db
      .prepare(
        `SELECT DISTINCT h.unit_id FROM headteacher_orgs h JOIN unit_ancestors a ON a.ancestor_id = h.unit_id
         JOIN memberships m ON m.unit_id = a.unit_id AND m.user_id = ? WHERE h.user_id = ? AND ${LEARNER_MEMBERSHIP} ORDER BY 1`,
      )
      .pluck(),
    mentorCount: db
      .prepare(
        `SELECT count(*) FROM (SELECT learner_id AS id FROM mentor_learners WHERE mentor_id = @id
           UNION SELECT m.user_id FROM mentor_classes mc JOIN memberships m ON m.unit_id = mc.unit_id WHERE mc.mentor_id = @id AND ${LEARNER_MEMBERSHIP})`,
      )
      .pluck(),
    headCount: db
      .prepare(
        `SELECT count(DISTINCT m.user_id) FROM headteacher_orgs h JOIN unit_ancestors a ON a.ancestor_id = h.unit_id
         JOIN memberships m ON m.unit_id = a.unit_id WHERE h.user_id = ? AND ${LEARNER_MEMBERSHIP}`,
      )
      .pluck(),
    mentorsOf: db.prepare(
      `SELECT u.username, 'direct' AS via, NULL AS unit FROM mentor_learners ml JOIN users u ON u.id = ml.mentor_id WHERE ml.learner_id = @id
       UNION ALL
       SELECT u.username, 'class', mc.unit_id FROM memberships m JOIN mentor_classes mc ON mc.unit_id = m.unit_id JOIN users u ON u.id = mc.mentor_id
       WHERE m.user_id = @id AND ${LEARNER_MEMBERSHIP}
       ORDER BY 1, 2, 3`,
    ),
    headteachersOf: db.prepare(
      `SELECT DISTINCT u.username, 'organisation' AS via, h.unit_id AS unit FROM memberships m JOIN unit_ancestors a ON a.unit_id = m.unit_id
       JOIN headteacher_orgs h ON h.unit_id = a.ancestor_id JOIN users u ON u.id = h.user_id
       WHERE m.user_id = ? AND ${LEARNER_MEMBERSHIP} ORDER BY 1, 3`,
    ),
    isLearner: db.prepare(
      `SELECT 1 FROM users u JOIN profiles p ON p.id = u.profile_id WHERE u.id = @id AND (p.role_in_hierarchy = 'student' OR EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.role = 'student'))`,
    ),
    templates: db.prepare('SELECT count(*) FROM ilp_templates').pluck(),
    names: db.prepare(`SELECT key, value FROM site_settings WHERE key LIKE '%-name' OR key = 'headteacher-term'`),
  };
  let names: SupervisorNames | undefined;
  const toOf = (rows: { username: string; via: SupervisorPath['via']; unit: string | null }[]): SupervisorOf[] =>
    rows.map((r) => ({ username: r.username, path: r.unit ? { via: r.via, unit: r.unit } : { via: r.via } }));
  return {
    isMentor: (id) => q.isMentor.get(id) !== undefined,
    isHeadteacher: (id) => q.isHeadteacher.get(id) !== undefined,
    mentorPaths(mentorId, learnerId) {
      const paths: SupervisorPath[] = [];
      if (q.direct.get(mentorId, learnerId)) paths.push({ via: 'direct' });
      for (const unit of q.viaClass.all(learnerId, mentorId) as string[]) paths.push({ via: 'class', unit });
      return paths;
    },
    headteacherPaths: (userId, learnerId) => (q.viaOrg.all(learnerId, userId) as string[]).map((unit) => ({ via: 'organisation', unit })),
    mentorLearnerCount: (id) => q.mentorCount.get({ id }) as number,
    headteacherLearnerCount: (id) => q.headCount.get(id) as number,
    mentorsOf: (id) => toOf(q.mentorsOf.all({ id }) as never),
    headteachersOf: (id) => toOf(q.headteachersOf.all(id) as never),
    isLearner: (id) => q.isLearner.get({ id }) !== undefined,
    ilpTemplateCount: () => q.templates.get() as number,
    supervisorNames() {
      if (!names) {
        const stored = new Map((q.names.all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
        names = Object.fromEntries(
          (Object.keys(NAME_KEYS) as (keyof SupervisorNames)[]).map((k) => [k, stored.get(NAME_KEYS[k]) ?? DEFAULT_SUPERVISOR_NAMES[k]]),
        ) as unknown as SupervisorNames;
      }
      return names;
    },
  };
}

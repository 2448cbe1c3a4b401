// Supervisor facts from SQLite: set queries over mentor and headteacher assignments, using the
// closure table so a learner who joins a class later is covered at once.

import type { Facts } from '../../model/facts.js';
import { DEFAULT_SUPERVISOR_NAMES, type SupervisorNames, type SupervisorOf, type SupervisorPath } from '../../model/supervisor-facts.js';
import type { Sqlite } from '../open.js';
import { statementsFor } from './statements.js';

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
  | 'isLearnerWithin'
  | 'ilpTemplateCount'
  | 'supervisorNames'
  | 'mentorUsernames'
  | 'headteacherUsernames'
  | 'suggestedMentorClass'
  | 'suggestedHeadteacherOrg'
>;

/** Organisations and schools a user belongs to directly or through a unit below them (DOMAIN.md §5). */
export const HEADTEACHER_ELIGIBLE_ORGS = `SELECT DISTINCT a.ancestor_id AS id, min(a.depth) AS depth FROM memberships m
  JOIN unit_ancestors a ON a.unit_id = m.unit_id JOIN units o ON o.id = a.ancestor_id AND o.kind IN ('school', 'organisation')
  WHERE m.user_id = @id GROUP BY a.ancestor_id`;

/** No unit is suggested to supervise that the user is a learner in (no one supervises themselves). */
const NOT_SELF_LEARNER = (unit: string) =>
  `AND NOT EXISTS (SELECT 1 FROM memberships s JOIN unit_ancestors sa ON sa.unit_id = s.unit_id WHERE sa.ancestor_id = ${unit} AND s.user_id = @id
     AND coalesce(s.role, (SELECT p.role_in_hierarchy FROM users u JOIN profiles p ON p.id = u.profile_id WHERE u.id = s.user_id)) = 'student')`;

export function supervisorFacts(db: Sqlite, core: Pick<Facts, 'userSchools'>): SupervisorFacts {
  const q = statementsFor(db, 'supervisor', () => ({
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
    learnerWithin: db.prepare(
      `SELECT 1 FROM memberships m JOIN unit_ancestors a ON a.unit_id = m.unit_id WHERE m.user_id = @id AND a.ancestor_id = @unit AND ${LEARNER_MEMBERSHIP}`,
    ),
    templates: db.prepare('SELECT count(*) FROM ilp_templates').pluck(),
    names: db.prepare(`SELECT key, value FROM site_settings WHERE key IN (${Object.values(NAME_KEYS).map(() => '?').join(', ')})`),
    mentorUsernames: db.prepare('SELECT u.username FROM mentors t JOIN users u ON u.id = t.user_id ORDER BY 1').pluck(),
    headteacherUsernames: db.prepare('SELECT u.username FROM headteachers t JOIN users u ON u.id = t.user_id ORDER BY 1').pluck(),
    // A class with learners to suggest in a fix: the user's own first, then one in their schools,
    // then any; three indexed look-ups instead of ranking every class of the site. The school
    // look-up stops at the first match in index order (school, then class id).
    ownClass: db
      .prepare(
        `SELECT c.id FROM memberships mm JOIN units c ON c.id = mm.unit_id AND c.kind IN ('class', 'group')
         WHERE mm.user_id = @id AND EXISTS (SELECT 1 FROM memberships m WHERE m.unit_id = c.id AND ${LEARNER_MEMBERSHIP})
           ${NOT_SELF_LEARNER('c.id')} ORDER BY c.id LIMIT 1`,
      )
      .pluck(),
    schoolClass: db
      .prepare(
        `SELECT c.id FROM unit_ancestors a JOIN units c ON c.id = a.unit_id AND c.kind IN ('class', 'group')
         WHERE a.ancestor_id IN (SELECT value FROM json_each(@schools))
           AND EXISTS (SELECT 1 FROM memberships m WHERE m.unit_id = c.id AND ${LEARNER_MEMBERSHIP}) ${NOT_SELF_LEARNER('c.id')} LIMIT 1`,
      )
      .pluck(),
    anyClass: db
      .prepare(
        `SELECT c.id FROM units c WHERE c.kind IN ('class', 'group')
           AND EXISTS (SELECT 1 FROM memberships m WHERE m.unit_id = c.id AND ${LEARNER_MEMBERSHIP}) ${NOT_SELF_LEARNER('c.id')} ORDER BY c.id LIMIT 1`,
      )
      .pluck(),
    suggestedOrg: db
      .prepare(
        `SELECT e.id FROM (${HEADTEACHER_ELIGIBLE_ORGS}) e
         WHERE EXISTS (SELECT 1 FROM unit_ancestors a JOIN memberships m ON m.unit_id = a.unit_id WHERE a.ancestor_id = e.id AND ${LEARNER_MEMBERSHIP})
           ${NOT_SELF_LEARNER('e.id')} ORDER BY e.depth, e.id LIMIT 1`,
      )
      .pluck(),
  }));
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
    isLearnerWithin: (id, unit) => q.learnerWithin.get({ id, unit }) !== undefined,
    ilpTemplateCount: () => q.templates.get() as number,
    mentorUsernames: () => q.mentorUsernames.all() as string[],
    headteacherUsernames: () => q.headteacherUsernames.all() as string[],
    suggestedMentorClass: (id) =>
      (q.ownClass.get({ id }) ?? q.schoolClass.get({ id, schools: JSON.stringify(core.userSchools(id)) }) ?? q.anyClass.get({ id })) as string | undefined,
    suggestedHeadteacherOrg: (id) => (q.suggestedOrg.get({ id }) as string | undefined) ?? undefined,
    supervisorNames() {
      if (!names) {
        const stored = new Map((q.names.all(...Object.values(NAME_KEYS)) as { key: string; value: string }[]).map((r) => [r.key, r.value]));
        names = Object.fromEntries(
          (Object.keys(NAME_KEYS) as (keyof SupervisorNames)[]).map((k) => [k, stored.get(NAME_KEYS[k]) ?? DEFAULT_SUPERVISOR_NAMES[k]]),
        ) as unknown as SupervisorNames;
      }
      return names;
    },
  };
}

// Bulk reads for the access surface (src/model/access-surface.ts): one statement per list, so a
// diff of the whole site reads each table once instead of once per user.

import type { PersonReach, SubjectSignature } from '../../model/access-facts.js';
import type { Sqlite } from '../open.js';
import { statementsFor } from './statements.js';
import { LEARNER_MEMBERSHIP } from './supervisor-facts.js';

/** The learners a mentor covers: given directly, or learners of a class or group they mentor (as `mentorsOf`). */
const MENTORED_IDS = `SELECT learner_id AS id FROM mentor_learners WHERE mentor_id = @id
  UNION SELECT m.user_id FROM mentor_classes mc JOIN memberships m ON m.unit_id = mc.unit_id WHERE mc.mentor_id = @id AND ${LEARNER_MEMBERSHIP}`;
/** The units at or below the organisations a headteacher heads. */
const HEADED_UNITS = `SELECT DISTINCT a.unit_id AS id FROM headteacher_orgs h JOIN unit_ancestors a ON a.ancestor_id = h.unit_id WHERE h.user_id = @id`;
const HEADED_COURSES = `SELECT c.id FROM courses c WHERE c.unit_id IN (${HEADED_UNITS})`;

/** One person's reach (`Facts.personReach`): one indexed statement per list, each sorted as the surface's lists are. */
function reachStatements(db: Sqlite) {
  const names = (sql: string) => db.prepare(`SELECT u.username FROM users u WHERE u.id IN (${sql}) ORDER BY 1`).pluck();
  return {
    mentored: names(MENTORED_IDS),
    headed: names(`SELECT m.user_id FROM memberships m WHERE m.unit_id IN (${HEADED_UNITS}) AND ${LEARNER_MEMBERSHIP}`),
    children: names('SELECT child_id FROM parent_links WHERE parent_id = @id'),
    taughtCourses: db.prepare(`SELECT course_id FROM course_members WHERE user_id = @id AND role = 'teacher' ORDER BY 1`).pluck(),
    taughtLearners: names(
      `SELECT l.user_id FROM course_members t JOIN course_members l ON l.course_id = t.course_id AND l.role = 'learner' WHERE t.user_id = @id AND t.role = 'teacher'`,
    ),
    headedCourses: db.prepare(`${HEADED_COURSES} ORDER BY 1`).pluck(),
    headedCourseLearners: names(`SELECT cm.user_id FROM course_members cm WHERE cm.role = 'learner' AND cm.course_id IN (${HEADED_COURSES})`),
    headedClasses: db.prepare(`SELECT un.id FROM units un WHERE un.kind IN ('class', 'group') AND un.id IN (${HEADED_UNITS}) ORDER BY 1`).pluck(),
    mentoredCourses: db.prepare(`SELECT DISTINCT cm.course_id FROM course_members cm WHERE cm.role = 'learner' AND cm.user_id IN (${MENTORED_IDS}) ORDER BY 1`).pluck(),
    mentoredClasses: db
      .prepare(
        `SELECT DISTINCT m.unit_id FROM memberships m JOIN units un ON un.id = m.unit_id AND un.kind IN ('class', 'group')
         WHERE m.user_id IN (${MENTORED_IDS}) AND ${LEARNER_MEMBERSHIP} ORDER BY 1`,
      )
      .pluck(),
  };
}

export function accessFacts(db: Sqlite) {
  const q = {
    // Username order straight from the username index (no table rows read): a reverse lookup lists
    // its users in that order without sorting 100,000s of names. The profiles come from the profile
    // index, a few integer scans.
    usersByName: db.prepare('SELECT id, username FROM users ORDER BY username'),
    profileIds: db.prepare('SELECT id FROM profiles').pluck(),
    usersOfProfile: db.prepare('SELECT id FROM users WHERE profile_id = ?').pluck(),
    ownPolicies: db.prepare(`
      SELECT target_id AS id, group_concat(policy_id) AS policies
      FROM (SELECT DISTINCT target_id, policy_id FROM policy_assignments WHERE target_kind = 'user' ORDER BY 1, 2) GROUP BY target_id`),
    // Three plain scans joined here: far cheaper than one join with a sorted UNION over every membership.
    unitSchools: db.prepare(`SELECT a.unit_id, a.ancestor_id FROM unit_ancestors a JOIN units s ON s.id = a.ancestor_id AND s.kind = 'school'`),
    memberships: db.prepare('SELECT user_id, unit_id FROM memberships'),
    parentLinks: db.prepare('SELECT parent_id, child_id FROM parent_links'),
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
    unitsOf: db.prepare('SELECT unit_id FROM memberships WHERE user_id = ?').pluck(),
    coursesOf: db.prepare('SELECT course_id FROM course_members WHERE user_id = ?').pluck(),
    inUnit: db.prepare(`SELECT DISTINCT u.username FROM unit_ancestors a JOIN memberships m ON m.unit_id = a.unit_id JOIN users u ON u.id = m.user_id WHERE a.ancestor_id = ?`).pluck(),
  };
  /** The schools of each user (own memberships, and a parent's children's), as one interned key. */
  function readSchools(): Map<number, string> {
    const schools = new Map<number, string>();
    const schoolsOfUnit = new Map<string, string[]>();
    for (const [unit, school] of q.unitSchools.raw().iterate() as Iterable<[string, string]>) {
      const l = schoolsOfUnit.get(unit);
      if (l) l.push(school);
      else schoolsOfUnit.set(unit, [school]);
    }
    const own = new Map<number, Set<string>>();
    for (const [user, unit] of q.memberships.raw().iterate() as Iterable<[number, string]>) {
      const l = schoolsOfUnit.get(unit);
      if (!l) continue;
      let set = own.get(user);
      if (!set) own.set(user, (set = new Set()));
      for (const sc of l) set.add(sc);
    }
    // A parent's schools are also their children's schools (DOMAIN.md §1).
    const all = new Map<number, Set<string>>(own);
    for (const [parent, child] of q.parentLinks.raw().iterate() as Iterable<[number, number]>) {
      const c = own.get(child);
      if (!c) continue;
      const mine = all.get(parent);
      all.set(parent, new Set([...(mine ?? []), ...c]));
    }
    const names = new Map<string, string>();
    for (const [user, set] of all) {
      const key = [...set].sort().join(',');
      let name = names.get(key);
      if (name === undefined) names.set(key, (name = key));
      schools.set(user, name);
    }
    return schools;
  }
  /** Every user with profile and own policies: read once per snapshot, shared by both signatures. */
  let base: { rows: [number, string][]; profileOf: (id: number) => number; policies: Map<number, string> } | undefined;
  function readBase() {
    if (!base) {
      const policies = new Map<number, string>();
      for (const r of q.ownPolicies.iterate() as Iterable<{ id: number; policies: string }>) policies.set(r.id, r.policies);
      const rows = q.usersByName.raw().all() as [number, string][];
      let max = 0;
      for (const [id] of rows) if (id > max) max = id;
      // Ids are dense in practice: an array indexed by id; a map when they are not.
      const dense = max <= 4 * rows.length + 1024;
      const byId = dense ? new Int32Array(max + 1) : undefined;
      const byMap = dense ? undefined : new Map<number, number>();
      for (const p of q.profileIds.all() as number[]) {
        for (const id of q.usersOfProfile.all(p) as number[]) {
          if (byId) byId[id] = p;
          else byMap!.set(id, p);
        }
      }
      base = { rows, profileOf: byId ? (id) => byId[id] : (id) => byMap!.get(id)!, policies };
    }
    return base;
  }
  function readSignatures(withSchools: boolean): readonly SubjectSignature[] {
    const schools = withSchools ? readSchools() : new Map<number, string>();
    const { rows, profileOf, policies } = readBase();
    // A few hundred distinct signatures among 100,000s of users: each string is kept once, and a
    // user with no own policy and no schools has the profile's (no string made per user).
    const interned = new Map<string, string>();
    const profileOnly = new Map<number, string>();
    return rows.map(([id, username]) => {
      const profile = profileOf(id);
      const own = policies.get(id);
      const mine = schools.get(id);
      let signature: string | undefined;
      if (own === undefined && mine === undefined) {
        signature = profileOnly.get(profile);
        if (signature === undefined) profileOnly.set(profile, (signature = `${profile}||`));
      } else {
        const sig = `${profile}|${own ?? ''}|${mine ?? ''}`;
        signature = interned.get(sig);
        if (signature === undefined) interned.set(sig, (signature = sig));
      }
      return { id, username, signature };
    });
  }
  // A facts object is one snapshot of the model (it already caches users and settings), so the
  // signatures are read once per object: a run of many lookups (a test file) reads them once.
  const memo = new Map<boolean, readonly SubjectSignature[]>();
  const reach = statementsFor(db, 'reach', () => reachStatements(db));
  const reached = new Map<number, PersonReach>();
  return {
    personReach(userId: number): PersonReach {
      let r = reached.get(userId);
      if (!r) {
        const id = { id: userId };
        const all = (k: keyof typeof reach) => reach[k].all(id) as string[];
        r = {
          mentored: all('mentored'),
          headed: all('headed'),
          children: all('children'),
          taughtCourses: all('taughtCourses'),
          taughtLearners: all('taughtLearners'),
          headedCourses: all('headedCourses'),
          headedCourseLearners: all('headedCourseLearners'),
          headedClasses: all('headedClasses'),
          mentoredCourses: all('mentoredCourses'),
          mentoredClasses: all('mentoredClasses'),
        };
        reached.set(userId, r);
      }
      return r;
    },
    subjectSignatures(withSchools: boolean): readonly SubjectSignature[] {
      let known = memo.get(withSchools);
      if (!known) memo.set(withSchools, (known = readSignatures(withSchools)));
      return known;
    },
    anySchoolPolicyAssigned: () => q.schoolPolicy.get() !== undefined,
    schoolIds: () => q.schoolIds.all() as string[],
    learnerUsernames: () => q.learners.all() as string[],
    courseIds: () => q.courses.all() as string[],
    classIds: () => q.classes.all() as string[],
    termIds: () => q.terms.all() as string[],
    portalProjectIds: () => q.projects.all() as string[],
    usersInUnit: (unitId: string) => q.inUnit.all(unitId) as string[],
    unitIdsOf: (userId: number) => q.unitsOf.all(userId) as string[],
    courseIdsOf: (userId: number) => q.coursesOf.all(userId) as string[],
  };
}

// Bulk reads for the access surface (src/model/access-surface.ts): one statement per list, so a
// diff of the whole site reads each table once instead of once per user.

import type { PersonReach, SubjectSignatures } from '../../model/access-facts.js';
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
    // its users in that order without sorting 100,000s of names. Each column is its own plucked
    // list (a few times cheaper than a row per user); the profiles come from the profile index.
    userIds: db.prepare('SELECT id FROM users ORDER BY username').pluck(),
    usernames: db.prepare('SELECT username FROM users ORDER BY username').pluck(),
    profileIds: db.prepare('SELECT id FROM profiles').pluck(),
    usersOfProfile: db.prepare('SELECT id FROM users WHERE profile_id = ?').pluck(),
    ownPolicies: db.prepare(`
      SELECT target_id AS id, group_concat(policy_id) AS policies
      FROM (SELECT DISTINCT target_id, policy_id FROM policy_assignments WHERE target_kind = 'user' ORDER BY 1, 2) GROUP BY target_id`),
    // Plain scans joined here: far cheaper than one join with a sorted UNION over every membership.
    // Memberships and parent links come as two plucked columns each, in key order (each person's
    // rows together), read in step.
    unitSchools: db.prepare(`SELECT a.unit_id, a.ancestor_id FROM unit_ancestors a JOIN units s ON s.id = a.ancestor_id AND s.kind = 'school'`),
    memberUsers: db.prepare('SELECT user_id FROM memberships ORDER BY user_id, unit_id').pluck(),
    memberUnits: db.prepare('SELECT unit_id FROM memberships ORDER BY user_id, unit_id').pluck(),
    linkParents: db.prepare('SELECT parent_id FROM parent_links ORDER BY parent_id, child_id').pluck(),
    linkChildren: db.prepare('SELECT child_id FROM parent_links ORDER BY parent_id, child_id').pluck(),
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
  /**
   * The schools of each user (own memberships, and a parent's children's), as one key: the school
   * ids sorted and joined by commas, each distinct key one string. Most people have one school
   * through every membership, so a run of rows that all name one school costs no set or sort.
   */
  function readSchools(): (string | undefined)[] {
    const schoolsOfUnit = new Map<string, string[]>();
    for (const [unit, school] of q.unitSchools.raw().all() as [string, string][]) {
      const l = schoolsOfUnit.get(unit);
      if (l) l.push(school);
      else schoolsOfUnit.set(unit, [school]);
    }
    // Each distinct set of schools once, as its sorted ids and its key.
    const sets = new Map<string, { ids: readonly string[]; key: string }>();
    const single = new Map<string, { ids: readonly string[]; key: string }>();
    /** The set of the schools listed (repeats allowed): one school's without any set or sort. */
    const setOf = (parts: readonly string[]) => {
      const first = parts[0];
      if (parts.every((p) => p === first)) {
        let one = single.get(first);
        if (!one) single.set(first, (one = { ids: [first], key: first }));
        return one;
      }
      const ids = [...new Set(parts)].sort();
      const key = ids.join(',');
      let known = sets.get(key);
      if (!known) sets.set(key, (known = { ids, key }));
      return known;
    };
    // By user id, in arrays: ids are small integers, and an array is read far faster than a map.
    // (Only indexed, never walked: an id outside the array range is a property, looked up alike.)
    const own: ({ ids: readonly string[]; key: string } | undefined)[] = [];
    const all: (string | undefined)[] = [];
    const users = q.memberUsers.all() as number[];
    const units = q.memberUnits.all() as string[];
    const parts: string[] = [];
    for (let i = 0; i < users.length; ) {
      const user = users[i];
      parts.length = 0;
      for (; i < users.length && users[i] === user; i++) {
        const l = schoolsOfUnit.get(units[i]);
        if (l) for (const sc of l) parts.push(sc);
      }
      if (parts.length) {
        const set = setOf(parts);
        own[user] = set;
        all[user] = set.key;
      }
    }
    // A parent's schools are also their children's schools (DOMAIN.md §1).
    const parents = q.linkParents.all() as number[];
    const children = q.linkChildren.all() as number[];
    for (let i = 0; i < parents.length; ) {
      const parent = parents[i];
      parts.length = 0;
      const mine = own[parent];
      if (mine) for (const sc of mine.ids) parts.push(sc);
      for (; i < parents.length && parents[i] === parent; i++) {
        const c = own[children[i]];
        if (c) for (const sc of c.ids) parts.push(sc);
      }
      if (parts.length) all[parent] = setOf(parts).key;
    }
    return all;
  }
  /** Every user with profile and own policies: read once per snapshot, shared by both signatures. */
  let base: { ids: number[]; usernames: string[]; profileOf: (id: number) => number; policies: Map<number, string> } | undefined;
  function readBase() {
    if (!base) {
      const policies = new Map<number, string>();
      for (const r of q.ownPolicies.iterate() as Iterable<{ id: number; policies: string }>) policies.set(r.id, r.policies);
      const ids = q.userIds.all() as number[];
      const usernames = q.usernames.all() as string[];
      let max = 0;
      for (const id of ids) if (id > max) max = id;
      // Ids are dense in practice: an array indexed by id; a map when they are not.
      const dense = max <= 4 * ids.length + 1024;
      const byId = dense ? new Int32Array(max + 1) : undefined;
      const byMap = dense ? undefined : new Map<number, number>();
      for (const p of q.profileIds.all() as number[]) {
        for (const id of q.usersOfProfile.all(p) as number[]) {
          if (byId) byId[id] = p;
          else byMap!.set(id, p);
        }
      }
      base = { ids, usernames, profileOf: byId ? (id) => byId[id] : (id) => byMap!.get(id)!, policies };
    }
    return base;
  }
  // The columns of one table are read by separate statements and paired by position: one read
  // transaction keeps them one snapshot (a savepoint inside a change's own transaction).
  const readBoth = db.transaction((withSchools: boolean) => ({ schools: withSchools ? readSchools() : [], base: readBase() }));
  function readSignatures(withSchools: boolean): SubjectSignatures {
    const { schools, base: { ids, usernames, profileOf, policies } } = readBoth(withSchools);
    // A few hundred distinct signatures among 100,000s of users: each string is made and kept
    // once, found by its parts (profile, policies, schools: each already one string) without
    // building the joined text per user.
    const interned = new Map<number, Map<string, Map<string, string>>>();
    const signatures = new Array<string>(ids.length);
    const anyPolicies = policies.size > 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      const profile = profileOf(id);
      const own = anyPolicies ? (policies.get(id) ?? '') : '';
      const sc = schools[id] ?? '';
      let byPolicies = interned.get(profile);
      if (!byPolicies) interned.set(profile, (byPolicies = new Map()));
      let bySchools = byPolicies.get(own);
      if (!bySchools) byPolicies.set(own, (bySchools = new Map()));
      let signature = bySchools.get(sc);
      if (signature === undefined) bySchools.set(sc, (signature = `${profile}|${own}|${sc}`));
      signatures[i] = signature;
    }
    return { ids, usernames, signatures };
  }
  // A facts object is one snapshot of the model (it already caches users and settings), so the
  // signatures are read once per object: a run of many lookups (a test file) reads them once.
  const memo = new Map<boolean, SubjectSignatures>();
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
    subjectSignatures(withSchools: boolean): SubjectSignatures {
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

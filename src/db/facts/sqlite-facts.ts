// The engine's facts read straight from SQLite with prepared statements: the hot path of every
// check, so no query builder here. Profile data is cached for the life of one command.

import type {
  CoreFacts,
  Facts,
  HierarchyRole,
  PolicyCandidateFact,
  PolicyFact,
  ProfileFact,
  SharedPlace,
  UnitFact,
  UnitKind,
  UserFact,
} from '../../model/facts.js';
import type { Sqlite } from '../open.js';
import { membershipFacts } from './membership-facts.js';
import { accessFacts } from './access-facts.js';
import { schoolfunctionFacts } from './schoolfunction-facts.js';
import { supervisorFacts } from './supervisor-facts.js';
import { statementsFor } from './statements.js';
import { workflowFacts } from './workflow-facts.js';

interface UserRow {
  id: number;
  username: string;
  name: string;
  profile_id: number;
  share_details: number;
}

/** The core facts' statements, prepared once per connection. */
function coreStatements(db: Sqlite) {
  return {
    user: db.prepare('SELECT id, username, name, profile_id, share_details FROM users WHERE username = ?'),
    userById: db.prepare('SELECT id, username, name, profile_id, share_details FROM users WHERE id = ?'),
    profileSetting: db.prepare('SELECT value FROM profile_settings WHERE profile_id = ? AND key = ?').pluck(),
    candidates: db.prepare(`
      SELECT p.id, p.name, p.org_id, ps.value, pa.target_kind, pa.via_unit
      FROM policy_assignments pa
      JOIN policies p ON p.id = pa.policy_id
      JOIN policy_settings ps ON ps.policy_id = pa.policy_id AND ps.key = ?
      WHERE (pa.target_kind = 'user' AND pa.target_id = ?) OR (pa.target_kind = 'profile' AND pa.target_id = ?)`),
    userSchools: db.prepare(`
      SELECT DISTINCT a.ancestor_id FROM memberships m
      JOIN unit_ancestors a ON a.unit_id = m.unit_id
      JOIN units s ON s.id = a.ancestor_id AND s.kind = 'school'
      WHERE m.user_id = @id OR m.user_id IN (SELECT child_id FROM parent_links WHERE parent_id = @id)
      ORDER BY 1`).pluck(),
    unit: db.prepare('SELECT id, kind, name, parent_id FROM units WHERE id = ?'),
    unitSchool: db.prepare(`
      SELECT a.ancestor_id FROM unit_ancestors a JOIN units s ON s.id = a.ancestor_id AND s.kind = 'school'
      WHERE a.unit_id = ? LIMIT 1`).pluck(),
    course: db.prepare('SELECT id, unit_id, name FROM courses WHERE id = ?'),
    project: db.prepare('SELECT id, unit_id, name FROM projects WHERE id = ?'),
    policy: db.prepare('SELECT id, name, org_id FROM policies WHERE name = ?'),
    term: db.prepare('SELECT id, org_id FROM terms WHERE id = ?'),
    sharedCourse: db.prepare(`
      SELECT a.course_id FROM course_members a JOIN course_members b ON b.course_id = a.course_id AND b.user_id = ?
      WHERE a.user_id = ? LIMIT 1`).pluck(),
    sharedProject: db.prepare(`
      SELECT a.project_id FROM project_members a JOIN project_members b ON b.project_id = a.project_id AND b.user_id = ?
      WHERE a.user_id = ? LIMIT 1`).pluck(),
    allUsernames: db.prepare('SELECT username FROM users ORDER BY username').pluck(),
    withProfileValue: db
      .prepare(`SELECT u.username FROM users u JOIN profile_settings s ON s.profile_id = u.profile_id AND s.key = ? WHERE s.value IN (SELECT value FROM json_each(?))`)
      .pluck(),
    withPolicyFor: db
      .prepare(
        `SELECT u.username FROM policy_settings ps JOIN policy_assignments pa ON pa.policy_id = ps.policy_id AND pa.target_kind = 'user' JOIN users u ON u.id = pa.target_id WHERE ps.key = @key
         UNION SELECT u.username FROM policy_settings ps JOIN policy_assignments pa ON pa.policy_id = ps.policy_id AND pa.target_kind = 'profile' JOIN users u ON u.profile_id = pa.target_id WHERE ps.key = @key`,
      )
      .pluck(),
    // Profiles holding the value first (a handful), then only the members of the schools.
    withValueInSchools: db
      .prepare(
        `WITH profiles_with AS (SELECT profile_id FROM profile_settings WHERE key = @key AND value IN (SELECT value FROM json_each(@values))),
              members AS (SELECT DISTINCT m.user_id FROM unit_ancestors a JOIN memberships m ON m.unit_id = a.unit_id WHERE a.ancestor_id IN (SELECT value FROM json_each(@schools)))
         SELECT u.username FROM members JOIN users u ON u.id = members.user_id WHERE u.profile_id IN (SELECT profile_id FROM profiles_with)
         UNION SELECT u.username FROM members JOIN parent_links l ON l.child_id = members.user_id JOIN users u ON u.id = l.parent_id
         WHERE u.profile_id IN (SELECT profile_id FROM profiles_with)`,
      )
      .pluck(),
  };
}

export class SqliteFacts implements CoreFacts {
  private readonly profileList: ProfileFact[];
  private readonly profileById = new Map<number, ProfileFact>();
  private readonly settingCache = new Map<string, string>();
  private readonly userCache = new Map<string, UserFact | undefined>();
  private readonly schoolCache = new Map<number, readonly string[]>();
  private readonly anyPolicies: boolean;
  private readonly q: ReturnType<typeof coreStatements>;

  constructor(readonly db: Sqlite) {
    this.q = statementsFor(db, 'core', () => coreStatements(db));
    const rows = db.prepare('SELECT id, name, level, role_in_hierarchy FROM profiles ORDER BY level DESC').all() as {
      id: number;
      name: string;
      level: number;
      role_in_hierarchy: HierarchyRole;
    }[];
    this.profileList = rows.map((r) => ({ id: r.id, name: r.name, level: r.level, roleInHierarchy: r.role_in_hierarchy }));
    for (const p of this.profileList) this.profileById.set(p.id, p);
    this.anyPolicies = db.prepare('SELECT 1 FROM policy_assignments LIMIT 1').get() !== undefined;
  }

  private toUser(row: UserRow | undefined): UserFact | undefined {
    if (!row) return undefined;
    return {
      id: row.id,
      username: row.username,
      name: row.name,
      profile: this.profileById.get(row.profile_id)!,
      shareDetails: row.share_details === 1,
    };
  }

  user(username: string): UserFact | undefined {
    if (this.userCache.has(username)) return this.userCache.get(username);
    const u = this.toUser(this.q.user.get(username) as UserRow | undefined);
    if (this.userCache.size > 10_000) this.userCache.clear();
    this.userCache.set(username, u);
    return u;
  }

  userById(id: number): UserFact | undefined {
    return this.toUser(this.q.userById.get(id) as UserRow | undefined);
  }

  profileByName(name: string): ProfileFact | undefined {
    const l = name.toLowerCase();
    return this.profileList.find((p) => p.name.toLowerCase() === l);
  }

  profiles(): readonly ProfileFact[] {
    return this.profileList;
  }

  profileSetting(profileId: number, key: string): string {
    const k = `${profileId}\u0000${key}`;
    let v = this.settingCache.get(k);
    if (v === undefined) {
      v = (this.q.profileSetting.get(profileId, key) as string | undefined) ?? '';
      this.settingCache.set(k, v);
    }
    return v;
  }

  policyCandidates(user: UserFact, key: string): readonly PolicyCandidateFact[] {
    if (!this.anyPolicies) return [];
    const rows = this.q.candidates.all(key, user.id, user.profile.id) as {
      id: number;
      name: string;
      org_id: string | null;
      value: string;
      target_kind: 'user' | 'profile';
      via_unit: string | null;
    }[];
    return rows.map((r) => ({
      policy: { id: r.id, name: r.name, orgId: r.org_id },
      value: r.value,
      appliedTo: { kind: r.target_kind, name: r.target_kind === 'user' ? user.username : user.profile.name, via: r.via_unit },
    }));
  }

  userSchools(userId: number): readonly string[] {
    let s = this.schoolCache.get(userId);
    if (!s) {
      s = this.q.userSchools.all({ id: userId }) as string[];
      if (this.schoolCache.size > 10_000) this.schoolCache.clear();
      this.schoolCache.set(userId, s);
    }
    return s;
  }

  unit(id: string): UnitFact | undefined {
    const r = this.q.unit.get(id) as { id: string; kind: UnitKind; name: string; parent_id: string | null } | undefined;
    return r && { id: r.id, kind: r.kind, name: r.name, parentId: r.parent_id };
  }

  unitSchool(unitId: string): string | undefined {
    return this.q.unitSchool.get(unitId) as string | undefined;
  }

  course(id: string) {
    const r = this.q.course.get(id) as { id: string; unit_id: string; name: string } | undefined;
    return r && { id: r.id, unitId: r.unit_id, name: r.name };
  }

  project(id: string) {
    const r = this.q.project.get(id) as { id: string; unit_id: string; name: string } | undefined;
    return r && { id: r.id, unitId: r.unit_id, name: r.name };
  }

  policy(name: string): PolicyFact | undefined {
    const r = this.q.policy.get(name) as { id: number; name: string; org_id: string | null } | undefined;
    return r && { id: r.id, name: r.name, orgId: r.org_id };
  }

  term(id: string) {
    const r = this.q.term.get(id) as { id: string; org_id: string | null } | undefined;
    return r && { id: r.id, orgId: r.org_id };
  }

  sharedCourseOrProject(a: number, b: number): SharedPlace | undefined {
    const c = this.q.sharedCourse.get(b, a) as string | undefined;
    if (c !== undefined) return { kind: 'course', id: c };
    const p = this.q.sharedProject.get(b, a) as string | undefined;
    return p !== undefined ? { kind: 'project', id: p } : undefined;
  }

  usersWithProfileValue(key: string, values: readonly string[]): Iterable<string> {
    return this.q.withProfileValue.all(key, JSON.stringify(values)) as string[];
  }

  usersWithPolicyFor(key: string): Iterable<string> {
    return this.anyPolicies ? (this.q.withPolicyFor.all({ key }) as string[]) : [];
  }

  usersWithProfileValueInSchools(key: string, values: readonly string[], schools: readonly string[]): Iterable<string> {
    if (!schools.length) return [];
    return this.q.withValueInSchools.all({ key, values: JSON.stringify(values), schools: JSON.stringify(schools) }) as string[];
  }

  allUsernames(): Iterable<string> {
    // all(), not iterate(): the connection must stay free for the checks run per user.
    return this.q.allUsernames.all() as string[];
  }
}

/**
 * A module's facts: built once per facts object from the same connection (prepared statements),
 * its methods merged onto the core facts.
 */
export type FactProvider = (db: Sqlite, core: SqliteFacts) => object;

/** Every module's fact provider. Modules add one line here. */
const PROVIDERS: FactProvider[] = [supervisorFacts, workflowFacts, schoolfunctionFacts, membershipFacts, accessFacts];

export function createFacts(db: Sqlite): Facts {
  const core = new SqliteFacts(db);
  for (const provide of PROVIDERS) Object.assign(core, provide(db, core));
  return core as unknown as Facts;
}

// An in-memory Facts for model tests: the engine judged without any database.

import type { CoreFacts, Facts, PolicyCandidateFact, ProfileFact, UnitFact, UserFact } from '../src/model/facts';
import { CATALOGUE, DEFAULT_PROFILES } from '../src/model/settings-catalogue';

export interface MemoryPolicy {
  name: string;
  orgId: string | null;
  settings: Record<string, string>;
  users: string[];
  profiles: string[];
}

export class MemoryFacts implements CoreFacts {
  profileList: ProfileFact[] = DEFAULT_PROFILES.map((p, i) => ({ id: i + 1, name: p.name, level: p.level, roleInHierarchy: p.roleInHierarchy }));
  settings = new Map<string, string>();
  users = new Map<string, UserFact>();
  units = new Map<string, UnitFact>();
  memberships = new Map<string, string[]>();
  courses = new Map<string, { id: string; unitId: string; name: string; members: string[] }>();
  policies: MemoryPolicy[] = [];

  constructor() {
    DEFAULT_PROFILES.forEach((_, i) => {
      for (const s of CATALOGUE) this.settings.set(`${i + 1}/${s.key}`, s.defaults[i]);
    });
  }

  addUnit(id: string, kind: UnitFact['kind'], parentId: string | null = null): this {
    this.units.set(id, { id, kind, name: id, parentId });
    return this;
  }

  addUser(username: string, profile: string, units: string[] = [], shareDetails = true): this {
    const p = this.profileByName(profile)!;
    this.users.set(username, { id: this.users.size + 1, username, name: username, profile: p, shareDetails });
    this.memberships.set(username, units);
    return this;
  }

  set(profile: string, key: string, value: string): this {
    this.settings.set(`${this.profileByName(profile)!.id}/${key}`, value);
    return this;
  }

  user(username: string) {
    return this.users.get(username);
  }
  userById(id: number) {
    return [...this.users.values()].find((u) => u.id === id);
  }
  profileByName(name: string) {
    return this.profileList.find((p) => p.name.toLowerCase() === name.toLowerCase());
  }
  profiles() {
    return this.profileList;
  }
  profileSetting(profileId: number, key: string) {
    return this.settings.get(`${profileId}/${key}`) ?? '';
  }
  policyCandidates(user: UserFact, key: string): PolicyCandidateFact[] {
    const out: PolicyCandidateFact[] = [];
    this.policies.forEach((p, i) => {
      if (!(key in p.settings)) return;
      const policy = { id: i + 1, name: p.name, orgId: p.orgId };
      if (p.users.includes(user.username)) out.push({ policy, value: p.settings[key], appliedTo: { kind: 'user', name: user.username } });
      if (p.profiles.includes(user.profile.name)) out.push({ policy, value: p.settings[key], appliedTo: { kind: 'profile', name: user.profile.name } });
    });
    return out;
  }
  userSchools(userId: number) {
    const u = this.userById(userId)!;
    const schools = new Set<string>();
    for (const unit of this.memberships.get(u.username) ?? []) {
      const s = this.unitSchool(unit);
      if (s) schools.add(s);
    }
    return [...schools].sort();
  }
  unit(id: string) {
    return this.units.get(id);
  }
  unitSchool(unitId: string) {
    for (let u = this.units.get(unitId); u; u = u.parentId ? this.units.get(u.parentId) : undefined) if (u.kind === 'school') return u.id;
    return undefined;
  }
  course(id: string) {
    return this.courses.get(id);
  }
  project() {
    return undefined;
  }
  policy(name: string) {
    const i = this.policies.findIndex((p) => p.name === name);
    return i < 0 ? undefined : { id: i + 1, name, orgId: this.policies[i].orgId };
  }
  term() {
    return undefined;
  }
  sharedCourseOrProject(a: number, b: number) {
    const ua = this.userById(a)!.username;
    const ub = this.userById(b)!.username;
    for (const c of this.courses.values()) if (c.members.includes(ua) && c.members.includes(ub)) return { kind: 'course' as const, id: c.id };
    return undefined;
  }
  allUsernames() {
    return [...this.users.keys()];
  }
  usersWithProfileValue(key: string, values: readonly string[]) {
    return [...this.users.values()].filter((u) => values.includes(this.profileSetting(u.profile.id, key))).map((u) => u.username);
  }
  usersWithPolicyFor(key: string) {
    return [...this.users.values()].filter((u) => this.policyCandidates(u, key).length > 0).map((u) => u.username);
  }
  usersWithProfileValueInSchools(key: string, values: readonly string[], schools: readonly string[]) {
    return this.usersWithProfileValue(key, values).filter((name) => this.userSchools(this.users.get(name)!.id).some((s) => schools.includes(s)));
  }
  asFacts(): Facts {
    return this as unknown as Facts;
  }
}

/** Two schools: north (with class 5A) and south; one person of each default profile and more. */
export function twoSchools(): MemoryFacts {
  return new MemoryFacts()
    .addUnit('north', 'school')
    .addUnit('5A', 'class', 'north')
    .addUnit('south', 'school')
    .addUnit('3C', 'class', 'south')
    .addUnit('district', 'organisation')
    .addUser('root', 'System Administrator')
    .addUser('admin.n', 'Administrator', ['north'])
    .addUser('teacher.n', 'Staff', ['5A'])
    .addUser('teacher.s', 'Staff', ['3C'])
    .addUser('teacher.ns', 'Staff', ['5A', 'south'])
    .addUser('pupil.n', 'Student', ['5A'])
    .addUser('pupil.s', 'Student', ['3C'], false)
    .addUser('guest', 'Guest', ['north']);
}

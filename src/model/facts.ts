// The facts the decision engine reads. The engine depends on this small interface, never on a
// database: src/db implements it with prepared statements, tests may implement it in memory.
// Modules add their own facts by merging into `Facts` (see the module's `*-facts` declarations).

export type HierarchyRole = 'administrator' | 'teacher' | 'student' | 'guest';
export const HIERARCHY_ROLES: readonly HierarchyRole[] = ['administrator', 'teacher', 'student', 'guest'];

export type UnitKind = 'school' | 'organisation' | 'class' | 'group';
export const UNIT_KINDS: readonly UnitKind[] = ['school', 'organisation', 'class', 'group'];

export interface ProfileFact {
  readonly id: number;
  readonly name: string;
  readonly level: number;
  readonly roleInHierarchy: HierarchyRole;
}

export interface UserFact {
  readonly id: number;
  readonly username: string;
  readonly name: string;
  readonly profile: ProfileFact;
  readonly shareDetails: boolean;
}

export interface UnitFact {
  readonly id: string;
  readonly kind: UnitKind;
  readonly name: string;
  readonly parentId: string | null;
}

export interface PolicyFact {
  readonly id: number;
  readonly name: string;
  /** The owning school, or null for a site policy. */
  readonly orgId: string | null;
}

/** One policy that is assigned to a user (directly or through their profile) and sets a key. */
export interface PolicyCandidateFact {
  readonly policy: PolicyFact;
  readonly value: string;
  readonly appliedTo: { readonly kind: 'user' | 'profile'; readonly name: string; readonly via?: string | null };
}

export interface SharedPlace {
  readonly kind: 'course' | 'project';
  readonly id: string;
}

export interface CoreFacts {
  user(username: string): UserFact | undefined;
  userById(id: number): UserFact | undefined;
  profileByName(name: string): ProfileFact | undefined;
  profiles(): readonly ProfileFact[];
  /** The profile's own value of a setting (every profile holds one for every key). */
  profileSetting(profileId: number, key: string): string;
  /** Every policy assigned to the user or to the user's profile that sets the key, acting or not. */
  policyCandidates(user: UserFact, key: string): readonly PolicyCandidateFact[];
  /** The user's schools (DOMAIN.md §1), including their children's schools for parents. */
  userSchools(userId: number): readonly string[];
  unit(id: string): UnitFact | undefined;
  /** The school at or above a unit, if any. */
  unitSchool(unitId: string): string | undefined;
  course(id: string): { id: string; unitId: string; name: string } | undefined;
  project(id: string): { id: string; unitId: string; name: string } | undefined;
  policy(name: string): PolicyFact | undefined;
  term(id: string): { id: string; orgId: string | null } | undefined;
  /** A course or project both users are members of, if any. */
  sharedCourseOrProject(userA: number, userB: number): SharedPlace | undefined;
  /** Every username, for reverse lookups whose rule names no narrower candidates. */
  allUsernames(): Iterable<string>;
  /** Set queries for reverse lookups: users whose profile's own value of a key is one of these. */
  usersWithProfileValue(key: string, values: readonly string[]): Iterable<string>;
  /** Users some policy that sets the key is assigned to (directly or through their profile). */
  usersWithPolicyFor(key: string): Iterable<string>;
  /**
   * Users whose profile's own value of a key is one of these and for whom one of these schools is
   * one of their schools (members below it, and their parents): one set query.
   */
  usersWithProfileValueInSchools(key: string, values: readonly string[], schools: readonly string[]): Iterable<string>;
}

/**
 * Everything the engine may read. Modules extend it by declaration merging
 * (`declare module './facts.js' { interface Facts { … } }`) and provide the methods in src/db.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Facts extends CoreFacts {}

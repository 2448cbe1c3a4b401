// Facts the access surface reads in bulk: who shares a setting signature, and the targets that
// matter per target kind (DOMAIN.md §10). Provided in src/db/facts/access-facts.ts.

/**
 * Every user with what decides every setting for them (profile, own policy assignments, schools),
 * as three lists in step, in username (code point) order: position i is one user. Lists, not an object per user: at
 * 200,000 users the objects alone cost more than reading the columns.
 */
export interface SubjectSignatures {
  readonly ids: readonly number[];
  readonly usernames: readonly string[];
  /** Equal signatures give equal effective settings and equal scope decisions. */
  readonly signatures: readonly string[];
}

/** See `Facts.personReach`: usernames of learners, course ids and class or group ids. */
export interface PersonReach {
  readonly mentored: readonly string[];
  readonly headed: readonly string[];
  readonly children: readonly string[];
  readonly taughtCourses: readonly string[];
  readonly taughtLearners: readonly string[];
  readonly headedCourses: readonly string[];
  readonly headedCourseLearners: readonly string[];
  readonly headedClasses: readonly string[];
  readonly mentoredCourses: readonly string[];
  readonly mentoredClasses: readonly string[];
}

declare module './facts.js' {
  interface Facts {
    /** Every user with their setting signature, in username (code point) order; schools are part of it when `withSchools`. */
    subjectSignatures(withSchools: boolean): SubjectSignatures;
    /** Whether any policy owned by a school is assigned (then schools decide which policies act). */
    anySchoolPolicyAssigned(): boolean;
    schoolIds(): readonly string[];
    /** Users who are a learner: hierarchy role student by profile or in any membership. */
    learnerUsernames(): readonly string[];
    courseIds(): readonly string[];
    /** Classes and groups. */
    classIds(): readonly string[];
    termIds(): readonly string[];
    portalProjectIds(): readonly string[];
    /** Members of a unit or of any unit below it. */
    usersInUnit(unitId: string): readonly string[];
    /** The units a user is a direct member of, in any role. */
    unitIdsOf(userId: number): readonly string[];
    /** The courses a user is enrolled in, in any role. */
    courseIdsOf(userId: number): readonly string[];
    /**
     * What one person can hold something on (`whocan --user U --all`), each the inverse of a
     * reverse lookup's candidates and sorted: the learners a mentor covers (directly or through a
     * class), the learners in or below the organisations a headteacher heads, a parent's children,
     * the courses a teacher teaches and their learners, the courses, their learners and the classes
     * and groups in or below the headed organisations, and the courses and classes or groups a
     * covered learner learns in.
     */
    personReach(userId: number): PersonReach;
  }
}

export {};

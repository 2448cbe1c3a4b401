// Facts about supervisors (DOMAIN.md §5) that rules of every module read: who mentors or heads
// whom, and by which path. src/db/supervisor-facts.ts provides them.

export type SupervisorPathKind = 'direct' | 'class' | 'organisation';

/** How a supervisor covers a learner: given directly, through a class/group, or an organisation. */
export interface SupervisorPath {
  readonly via: SupervisorPathKind;
  /** The class, group, organisation or school, for the last two kinds. */
  readonly unit?: string;
}

export interface SupervisorOf {
  readonly username: string;
  readonly path: SupervisorPath;
}

/** The renamable role names (DOMAIN.md §5: the site's own term for "Mentor" or "Headteacher"). */
export interface SupervisorNames {
  readonly mentorTool: string;
  readonly mentorRole: string;
  readonly headteacherTool: string;
  readonly headteacherRole: string;
  readonly headteacherTerm: string;
  readonly supervisorTool: string;
}

export const DEFAULT_SUPERVISOR_NAMES: SupervisorNames = {
  mentorTool: 'Mentor',
  mentorRole: 'Mentor',
  headteacherTool: 'Headteacher',
  headteacherRole: 'Headteacher',
  headteacherTerm: 'Headteacher',
  supervisorTool: 'Supervisor',
};

declare module './facts.js' {
  interface Facts {
    isMentor(userId: number): boolean;
    isHeadteacher(userId: number): boolean;
    /** Every path by which the mentor covers the learner (empty when they do not). */
    mentorPaths(mentorId: number, learnerId: number): readonly SupervisorPath[];
    /** Every assigned organisation above a unit where the user is a learner (empty when none). */
    headteacherPaths(userId: number, learnerId: number): readonly SupervisorPath[];
    mentorLearnerCount(mentorId: number): number;
    headteacherLearnerCount(userId: number): number;
    /** The mentors and headteachers of a learner, each with a path: a set query for reverse lookups. */
    mentorsOf(learnerId: number): readonly SupervisorOf[];
    headteachersOf(learnerId: number): readonly SupervisorOf[];
    /** Whether the user is a learner (hierarchy role student) in any unit, or by profile. */
    isLearner(userId: number): boolean;
    /** Whether the user is a learner in this unit or a unit below it (no one supervises themselves). */
    isLearnerWithin(userId: number, unitId: string): boolean;
    ilpTemplateCount(): number;
    supervisorNames(): SupervisorNames;
    /** Every user assigned as a mentor / headteacher: the candidates of reverse lookups on menu entries. */
    mentorUsernames(): readonly string[];
    headteacherUsernames(): readonly string[];
    /** A class or group with learners to suggest in a fix (the user's own first, then their schools'). */
    suggestedMentorClass(userId: number): string | undefined;
    /** An organisation or school the user may be given (DOMAIN.md §5) that has learners, the nearest first. */
    suggestedHeadteacherOrg(userId: number): string | undefined;
  }
}

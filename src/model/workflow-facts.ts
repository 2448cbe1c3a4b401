// Facts about workflow (DOMAIN.md §6) the rules read: switches, terms, batches and their phases,
// and the people around a batch. src/db/workflow-facts.ts provides them.

import type { SupervisorOf } from './supervisor-facts.js';
import type { BatchKind, PhaseKey, PhaseSwitches, WorkflowArea } from './workflow-phases.js';

export interface TermChoice {
  readonly id: string;
  /** How it was chosen when no --term was given. */
  readonly why: 'contains-today' | 'started-last' | 'starts-next';
}

/** One batch: (area, term, course) or (area, term, class/group), with its current phase. */
export interface BatchFact {
  readonly area: WorkflowArea;
  readonly term: string;
  readonly kind: BatchKind;
  readonly id: string;
  /** The unit the course belongs to, or the class/group itself. */
  readonly unitId: string;
  readonly phase: PhaseKey;
  /** Whether the phase was stored (moved by advance/reset) or is the area's first phase. */
  readonly moved: boolean;
}

declare module './facts.js' {
  interface Facts {
    phaseSwitches(area: WorkflowArea, phase: PhaseKey): PhaseSwitches;
    /** The term a command uses when none is given (DOMAIN.md §1), among site terms and terms of these schools (null: every term); undefined when none applies. */
    defaultTerm(schools: readonly string[] | null): TermChoice | undefined;
    /** The learner's batches in an area for a term (their courses, or their classes and groups). */
    learnerBatches(area: WorkflowArea, term: string, learnerId: number): readonly BatchFact[];
    /** A batch, when its course or class has learners (and lies within the term's school). */
    batch(area: WorkflowArea, term: string, kind: BatchKind, id: string): BatchFact | undefined;
    isParentOf(parentId: number, childId: number): boolean;
    parentsOf(childId: number): readonly string[];
    isCourseTeacher(userId: number, courseId: string): boolean;
    courseTeachers(courseId: string): readonly string[];
    /** Courses the teacher teaches in which the learner is a learner. */
    sharedTeachingCourses(teacherId: number, learnerId: number): readonly string[];
    /** Teachers of every course the learner learns in. */
    teachersOfLearner(learnerId: number): readonly string[];
    /** A learner of the batch that the mentor covers, with the path; undefined when none. */
    mentorBatchLearner(mentorId: number, kind: BatchKind, id: string): SupervisorOf | undefined;
    /** The usernames of a batch's learners (a course's learners, or a class's or group's), whether or not it lies in a term's school. */
    batchLearners(kind: BatchKind, id: string): readonly string[];
    /**
     * The usernames of the learners with a batch of the area in the term (within the term's
     * school) whose phase is one of these (a batch never moved is in the area's first phase).
     */
    learnersInPhases(area: WorkflowArea, term: string, phases: readonly PhaseKey[]): readonly string[];
    /** Mentors covering at least one learner of the batch. */
    mentorsOfBatch(kind: BatchKind, id: string): readonly string[];
    /** The user's headteacher organisations at or above a unit. */
    headteacherOrgsAbove(userId: number, unitId: string): readonly string[];
    /** Every headteacher of an organisation at or above a unit. */
    headteachersAbove(unitId: string): readonly SupervisorOf[];
  }
}

// The three workflow areas as data (DOMAIN.md §6): each a fixed sequence of phases with a
// responsible role, a transition action, who may edit, and three visibility switches.
// Behaviour and assessment follow the product's phase tables; attendance is inferred (the
// teacher submits attendance to the mentor, who submits it to the organisation).

import type { SupervisorNames } from './supervisor-facts.js';

export type WorkflowArea = 'behaviour' | 'assessment' | 'attendance';
export const WORKFLOW_AREAS: readonly WorkflowArea[] = ['attendance', 'behaviour', 'assessment'];

export type PhaseKey = 'course-registration' | 'group-registration' | 'organisation-approval' | 'completed';
export const PHASE_KEYS: readonly PhaseKey[] = ['course-registration', 'group-registration', 'organisation-approval', 'completed'];

/** The people a phase can make responsible or give edit rights to. */
export type WorkflowRole = 'course-teacher' | 'mentor' | 'headteacher';

/** Who a visibility switch is for. */
export type Audience = 'learner' | 'parent' | 'external';
export const AUDIENCES: readonly Audience[] = ['learner', 'parent', 'external'];
export const AUDIENCE_LABELS: Readonly<Record<Audience, string>> = { learner: 'Learner', parent: 'Parent', external: 'External systems' };

/** A batch is a course (assessment, attendance) or a class/group (behaviour) in one term. */
export type BatchKind = 'course' | 'class';

export interface PhaseDef {
  readonly key: PhaseKey;
  /** The admin page's phase name. */
  readonly title: string;
  readonly description: string;
  /** Null in the last phase: nobody advances a completed batch. */
  readonly responsible: WorkflowRole | null;
  /** What the responsible role does to move the batch on; null in the last phase. */
  readonly transition: string | null;
  /** Who may edit the area's data while a batch is in this phase. */
  readonly editors: readonly WorkflowRole[];
}

export interface AreaDef {
  readonly key: WorkflowArea;
  readonly title: string;
  readonly batchKind: BatchKind;
  readonly phases: readonly PhaseDef[];
}

export const WORKFLOW: Readonly<Record<WorkflowArea, AreaDef>> = {
  behaviour: {
    key: 'behaviour',
    title: 'Behaviour',
    batchKind: 'class',
    phases: [
      {
        key: 'group-registration',
        title: 'Group registration phase',
        description: 'The group supervisor registers and edits assessment.',
        responsible: 'mentor',
        transition: 'Group supervisor submits the assessments.',
        editors: ['mentor'],
      },
      {
        key: 'organisation-approval',
        title: 'Organisation approval phase',
        description: 'The organisation supervisor approves the assessment. The group supervisor can still edit it.',
        responsible: 'headteacher',
        transition: 'Organisation supervisor completes the assessment.',
        editors: ['mentor', 'headteacher'],
      },
      {
        key: 'completed',
        title: 'Term behaviour assessment completed',
        description: 'Assessment is completed for the organisation.',
        responsible: null,
        transition: null,
        editors: [],
      },
    ],
  },
  assessment: {
    key: 'assessment',
    title: 'Assessment',
    batchKind: 'course',
    phases: [
      {
        key: 'course-registration',
        title: 'Course registration phase',
        description: 'The course teacher is working on term assessments in a course.',
        responsible: 'course-teacher',
        transition: 'The teacher submits assessments.',
        editors: ['course-teacher'],
      },
      {
        key: 'organisation-approval',
        title: 'Organisation approval phase',
        description: 'The assessment is supervised at organisation level. The teacher may still edit it.',
        responsible: 'headteacher',
        transition: "The assessment is completed by the organisation's supervisor.",
        editors: ['course-teacher', 'headteacher'],
      },
      {
        key: 'completed',
        title: 'Term assessment completed',
        description: "The assessment is completed for the organisation. The organisation's supervisor may still edit it.",
        responsible: null,
        transition: null,
        editors: ['headteacher'],
      },
    ],
  },
  attendance: {
    key: 'attendance',
    title: 'Attendance',
    batchKind: 'course',
    phases: [
      {
        key: 'course-registration',
        title: 'Course registration phase',
        description: 'The course teacher registers attendance in a course.',
        responsible: 'course-teacher',
        transition: 'The teacher submits the attendance to the mentor.',
        editors: ['course-teacher'],
      },
      {
        key: 'group-registration',
        title: 'Group registration phase',
        description: "The group supervisor checks and completes the attendance of the group's learners.",
        responsible: 'mentor',
        transition: 'Group supervisor submits the attendance.',
        editors: ['mentor'],
      },
      {
        key: 'organisation-approval',
        title: 'Organisation approval phase',
        description: 'The organisation supervisor approves the attendance. The group supervisor can still edit it.',
        responsible: 'headteacher',
        transition: 'Organisation supervisor completes the attendance.',
        editors: ['mentor', 'headteacher'],
      },
      {
        key: 'completed',
        title: 'Term attendance completed',
        description: "Attendance is completed for the organisation. The organisation's supervisor may still edit it.",
        responsible: null,
        transition: null,
        editors: ['headteacher'],
      },
    ],
  },
};

export function isArea(s: string): s is WorkflowArea {
  return (WORKFLOW_AREAS as readonly string[]).includes(s);
}

export function areaDef(area: WorkflowArea): AreaDef {
  return WORKFLOW[area];
}

export function phaseDef(area: WorkflowArea, phase: string): PhaseDef | undefined {
  return WORKFLOW[area].phases.find((p) => p.key === phase);
}

export function firstPhase(area: WorkflowArea): PhaseKey {
  return WORKFLOW[area].phases[0].key;
}

/** The phase after this one, or undefined when the batch is completed. */
export function nextPhase(area: WorkflowArea, phase: PhaseKey): PhaseKey | undefined {
  const phases = WORKFLOW[area].phases;
  const i = phases.findIndex((p) => p.key === phase);
  return i >= 0 && i + 1 < phases.length ? phases[i + 1].key : undefined;
}

/** A role's name as the site currently calls it (mentor and headteacher can be renamed). */
export function roleName(role: WorkflowRole | null, names: SupervisorNames): string {
  if (role === 'mentor') return names.mentorRole;
  if (role === 'headteacher') return names.headteacherRole;
  if (role === 'course-teacher') return 'Course teacher';
  return '—';
}

/** The three visibility switches of one phase; all off until set. */
export interface PhaseSwitches {
  readonly learner: boolean;
  readonly parent: boolean;
  readonly external: boolean;
}

export const SWITCHES_OFF: PhaseSwitches = { learner: false, parent: false, external: false };

// Workflow decisions (DOMAIN.md §6): who sees, edits and advances a term's attendance, behaviour
// and assessment. Learners, parents and external systems follow the current phase's switch;
// staff (mentors, headteachers, course teachers) see in every phase; editing and advancing follow
// each phase's edit rights and responsible role.

import type { ActionDef, EvalContext, LookupContext, ReachContext } from './engine.js';
import { command, invalid } from './errors.js';
import type { Facts, UserFact } from './facts.js';
import { effectiveSetting, fixesToReach, settingTrace } from './policy-resolution.js';
import type { SupervisorPath } from './supervisor-facts.js';
import { allow, deny, fail, info, pass, shownNested, withChildren, type Outcome, type Source, type Target, type TraceStep } from './trace.js';
import type { BatchFact } from './workflow-facts.js';
import {
  AUDIENCE_LABELS,
  WORKFLOW,
  WORKFLOW_AREAS,
  firstPhase,
  phaseDef,
  roleName,
  type Audience,
  type BatchKind,
  type WorkflowArea,
  type WorkflowRole,
} from './workflow-phases.js';

const TERM_WHY = {
  'contains-today': 'its dates contain today',
  'started-last': 'no term contains today, and it started last',
  'starts-next': 'no term has started yet, and it starts first',
} as const;

/** The term a decision is about: --term, else the default term among those that apply to the target (DOMAIN.md §1). */
export function resolveTerm(facts: Facts, term: string | undefined, schools: readonly string[] | null): { id: string | undefined; step: TraceStep } {
  if (term) {
    if (!facts.term(term)) throw invalid('unknown-term', `There is no term "${term}"; "schoolctl terms list" shows them.`);
    return { id: term, step: info('term', `term ${term} (given with --term)`, { kind: 'fact', fact: 'term', term }) };
  }
  const among = schools === null ? 'every term' : schools.length ? `site terms and those of ${schools.join(', ')}` : 'site terms';
  const d = facts.defaultTerm(schools);
  if (!d) return { id: undefined, step: fail('term', `no term applies (none among ${among}), and workflow runs per term`, { kind: 'fact', fact: 'term' }) };
  return { id: d.id, step: info('term', `term ${d.id} (no --term given: ${TERM_WHY[d.why]}; chosen among ${among})`, { kind: 'fact', fact: 'term', term: d.id }) };
}

/** The fix when no term applies: a site term from today, about a school term long. */
function addTermFix(): string {
  const from = new Date();
  const to = new Date(from.getTime() + 91 * 24 * 3600 * 1000);
  const day = (d: Date) => d.toISOString().slice(0, 10);
  return command('terms', 'add', `term-${day(from)}`, '--from', day(from), '--to', day(to));
}

function learnerSchools(facts: Facts, learner: UserFact): readonly string[] {
  return facts.userSchools(learner.id);
}

export function batchName(b: { kind: BatchKind; id: string }): string {
  return `${b.kind}:${b.id}`;
}

function batchSource(b: BatchFact): Source {
  return { kind: 'workflow', area: b.area, term: b.term, batch: batchName(b), phase: b.phase };
}

function phaseStep(b: BatchFact): TraceStep {
  return pass(
    'workflow-phase',
    `${b.area} ${b.term} ${batchName(b)} is in ${b.phase}${b.moved ? '' : ' (its first phase: it has not been advanced)'}`,
    batchSource(b),
  );
}

function describePath(p: SupervisorPath): string {
  if (p.via === 'direct') return 'given directly';
  if (p.via === 'class') return `through class ${p.unit}`;
  return `organisation ${p.unit}`;
}

interface RoleHolding {
  readonly role: WorkflowRole;
  /** Whether the holding counts now (a supervisor whose role is off holds a broken assignment). */
  readonly active: boolean;
  readonly steps: TraceStep[];
  readonly fixes: string[];
  /** e.g. "mentor of s.bakker (through class 5A)" */
  readonly what: string;
}

/** A supervisor assignment, judged against the user's effective Mentor/Headteacher role. */
function supervisorHolding(facts: Facts, user: UserFact, role: 'mentor' | 'headteacher', what: string, source: Source): RoleHolding {
  const key = role === 'mentor' ? 'mentor-role' : 'headteacher-role';
  const name = roleName(role, facts.supervisorNames());
  const eff = effectiveSetting(facts, user, key);
  const assigned = pass(`${role}-assignment`, `${user.username} is ${what}`, source);
  // The assignment counts only while the role is on: that decision (where the value came from,
  // and the verdict) nests under the assignment; the flat list keeps its steps as they were.
  const origin = settingTrace(user, eff);
  if (eff.value === 'on') {
    const on = pass(key, `${name} role (${key}) is on for ${user.username}`, eff.source);
    return { role, active: true, steps: [withChildren(assigned, [...origin, on]), ...shownNested([on])], fixes: [], what };
  }
  const broken = fail('broken-assignment', `${user.username}'s ${name} role (${key}) is now off, so the assignment is broken and gives no rights`, eff.source);
  return {
    role,
    active: false,
    steps: [withChildren(assigned, [...origin, broken]), ...shownNested([...origin, broken])],
    fixes: fixesToReach(user, eff, 'on'),
    what,
  };
}

function mentorOfLearner(facts: Facts, user: UserFact, learner: UserFact): RoleHolding | undefined {
  const paths = facts.mentorPaths(user.id, learner.id);
  if (!paths.length) return undefined;
  const name = roleName('mentor', facts.supervisorNames());
  return supervisorHolding(facts, user, 'mentor', `${name} of ${learner.username} (${paths.map(describePath).join(', ')})`, {
    kind: 'assignment',
    role: 'mentor',
    learner: learner.username,
    paths: paths.map(describePath),
  });
}

function headteacherOfLearner(facts: Facts, user: UserFact, learner: UserFact): RoleHolding | undefined {
  const paths = facts.headteacherPaths(user.id, learner.id);
  if (!paths.length) return undefined;
  const name = roleName('headteacher', facts.supervisorNames());
  return supervisorHolding(facts, user, 'headteacher', `${name} of ${learner.username} (${paths.map(describePath).join(', ')})`, {
    kind: 'assignment',
    role: 'headteacher',
    learner: learner.username,
    paths: paths.map(describePath),
  });
}

function headteacherOfUnit(facts: Facts, user: UserFact, unitId: string, batch: string): RoleHolding | undefined {
  const orgs = facts.headteacherOrgsAbove(user.id, unitId);
  if (!orgs.length) return undefined;
  const name = roleName('headteacher', facts.supervisorNames());
  return supervisorHolding(facts, user, 'headteacher', `${name} of organisation ${orgs[0]}, above ${batch}`, {
    kind: 'assignment',
    role: 'headteacher',
    organisation: orgs[0],
  });
}

function teacherHolding(user: UserFact, courses: readonly string[], learner?: string): RoleHolding {
  const list = courses.map((c) => `course ${c}`).join(', ');
  return {
    role: 'course-teacher',
    active: true,
    steps: [pass('course-teacher', `${user.username} teaches ${list}${learner ? `, where ${learner} is a learner` : ''}`, { kind: 'fact', fact: 'course-teacher', courses: [...courses] })],
    fixes: [],
    what: `teacher of ${list}`,
  };
}

function learnerOf(ctx: EvalContext | LookupContext): UserFact {
  return ctx.facts.user(ctx.target!.id)!;
}

// ---- view ----

function viewRule(area: WorkflowArea, ctx: EvalContext): Outcome {
  const { facts, subject, external } = ctx;
  const learner = learnerOf(ctx);
  const term = resolveTerm(facts, ctx.term, learnerSchools(facts, learner));
  // Staff see every phase, so their answer needs no term.
  const trace: TraceStep[] = term.id ? [term.step] : [];
  const brokenFixes: string[] = [];
  if (!external && subject.id !== learner.id) {
    const holdings: RoleHolding[] = [];
    const mentor = mentorOfLearner(facts, subject, learner);
    if (mentor) holdings.push(mentor);
    const head = headteacherOfLearner(facts, subject, learner);
    if (head) holdings.push(head);
    if (area !== 'behaviour') {
      const courses = facts.sharedTeachingCourses(subject.id, learner.id);
      if (courses.length) holdings.push(teacherHolding(subject, courses, learner.username));
    }
    for (const h of holdings) {
      trace.push(...h.steps);
      if (h.active) {
        trace.push(pass('staff-visibility', `${h.role === 'course-teacher' ? "teachers of the learner's courses" : 'mentors and headteachers'} see ${area} in every phase`));
        return allow(trace, `${h.what}: staff see ${area} in every phase`);
      }
      brokenFixes.push(...h.fixes);
    }
  }
  const audience: Audience | undefined = external
    ? 'external'
    : subject.id === learner.id
      ? 'learner'
      : facts.isParentOf(subject.id, learner.id)
        ? 'parent'
        : undefined;
  if (!audience) {
    const staff = area === 'behaviour' ? 'their mentor or headteacher' : 'their mentor, headteacher or a teacher of their courses';
    trace.push(fail('relation', `${subject.username} is not ${learner.username}, not a parent of ${learner.username}, and not ${staff}`, { kind: 'fact', fact: 'relation' }));
    return deny(trace, brokenFixes);
  }
  if (audience === 'learner') trace.push(pass('learner-self', `${subject.username} is the learner`, { kind: 'fact', fact: 'learner' }));
  else if (audience === 'parent') trace.push(pass('parent-of-learner', `${subject.username} is linked to ${learner.username}`, { kind: 'fact', fact: 'parent-link' }));
  else trace.push(pass('external-system', `external systems receive ${area} when the phase allows`, { kind: 'fact', fact: 'external' }));
  if (!term.id) {
    trace.push(term.step);
    // A new term's batches start in the area's first phase: the audience must see it there too.
    const first = firstPhase(area);
    const switchOn = facts.phaseSwitches(area, first)[audience] ? [] : [command('workflow', 'set', area, first, `--${audience}`, 'on')];
    return deny(trace, [addTermFix(), ...switchOn]);
  }
  const batches = facts.learnerBatches(area, term.id, learner.id);
  if (!batches.length) {
    const where = WORKFLOW[area].batchKind === 'course' ? 'course they learn in' : 'class or group they are a learner of';
    trace.push(fail('workflow-batch', `${learner.username} has no ${area} batch in term ${term.id} (no ${where}), so there is nothing to see`));
    return deny(trace, []);
  }
  const label = AUDIENCE_LABELS[audience];
  let firstOff: BatchFact | undefined;
  for (const b of batches) {
    trace.push(phaseStep(b));
    const on = facts.phaseSwitches(area, b.phase)[audience];
    const source: Source = { kind: 'workflow', area, phase: b.phase, switch: audience };
    if (on) {
      trace.push(pass('phase-visibility', `${label} visibility is on in ${b.phase}`, source));
      return allow(trace, `${audience === 'external' ? 'external systems' : audience === 'parent' ? `parent of ${learner.username}` : 'the learner'}: ${label} visibility is on in ${b.phase} (${batchName(b)})`);
    }
    trace.push(fail('phase-visibility', `${label.toLowerCase()} visibility is off in ${b.phase}`, source));
    firstOff ??= b;
  }
  return deny(trace, [command('workflow', 'set', area, firstOff!.phase, `--${audience}`, 'on')]);
}

// ---- edit ----

function editRule(area: WorkflowArea, ctx: EvalContext): Outcome {
  const { facts, subject } = ctx;
  const learner = learnerOf(ctx);
  const term = resolveTerm(facts, ctx.term, learnerSchools(facts, learner));
  const trace: TraceStep[] = [term.step];
  if (!term.id) return deny(trace, [addTermFix()]);
  const names = facts.supervisorNames();
  const batches = facts.learnerBatches(area, term.id, learner.id);
  if (!batches.length) {
    trace.push(fail('workflow-batch', `${learner.username} has no ${area} batch in term ${term.id}, so there is nothing to edit`));
    return deny(trace, []);
  }
  const mentor = mentorOfLearner(facts, subject, learner);
  const brokenFixes = new Set<string>();
  let heldAny = false;
  for (const b of batches) {
    const phase = phaseDef(area, b.phase)!;
    const holdings: RoleHolding[] = [];
    if (mentor) holdings.push(mentor);
    if (b.kind === 'course' && facts.isCourseTeacher(subject.id, b.id)) holdings.push(teacherHolding(subject, [b.id]));
    const head = headteacherOfUnit(facts, subject, b.unitId, batchName(b));
    if (head) holdings.push(head);
    if (!holdings.length) continue;
    heldAny = true;
    trace.push(phaseStep(b));
    const editors = phase.editors.map((r) => roleName(r, names)).join(', ') || 'nobody';
    for (const h of holdings) {
      trace.push(...h.steps);
      const may = phase.editors.includes(h.role);
      const rule = { kind: 'workflow' as const, area, phase: b.phase, editors: [...phase.editors] };
      if (may && h.active) {
        trace.push(pass('phase-edit-right', `in ${b.phase} the ${roleName(h.role, names)} may edit ${area}`, rule));
        return allow(trace, `${h.what}: may edit ${area} in ${b.phase} (${batchName(b)})`);
      }
      if (may) h.fixes.forEach((f) => brokenFixes.add(f));
      else trace.push(fail('phase-edit-right', `in ${b.phase} the ${roleName(h.role, names)} may not edit ${area} (who may: ${editors})`, rule));
    }
  }
  if (!heldAny) {
    for (const b of batches) trace.push(phaseStep(b));
    const who = [...new Set(WORKFLOW[area].phases.flatMap((p) => p.editors))].map((r) => roleName(r, names)).join(', ');
    trace.push(
      fail(
        'relation',
        `${subject.username} is not ${learner.username}'s ${names.mentorRole.toLowerCase()}, a ${names.headteacherRole.toLowerCase()} above their batches${area === 'behaviour' ? '' : ', or the teacher of their courses'}; only ${who} edit ${area}, each in their phases`,
      ),
    );
    return deny(trace, []);
  }
  if (!brokenFixes.size) trace.push(info('phase-edit-right', `edit rights follow the batch's phase, which only the responsible role moves on; no setting changes them`));
  return deny(trace, [...brokenFixes]);
}

// ---- advance ----

function unitSchools(facts: Facts, unit: string | undefined): readonly string[] {
  const school = unit === undefined ? undefined : facts.unitSchool(unit);
  return school ? [school] : [];
}

function batchUnit(facts: Facts, kind: BatchKind, id: string): string | undefined {
  return kind === 'course' ? facts.course(id)?.unitId : id;
}

function checkBatchKind(area: WorkflowArea, kind: string, id: string): BatchKind {
  const want = WORKFLOW[area].batchKind;
  if (kind !== want) {
    throw invalid(
      'wrong-batch-kind',
      `${area} batches are ${want === 'course' ? 'courses' : 'classes or groups'}: use ${want}:ID, not ${kind}:${id}.`,
    );
  }
  return want;
}

function advanceRule(area: WorkflowArea, ctx: EvalContext): Outcome {
  const { facts, subject } = ctx;
  const kind = checkBatchKind(area, ctx.target!.kind, ctx.target!.id);
  const id = ctx.target!.id;
  const term = resolveTerm(facts, ctx.term, unitSchools(facts, batchUnit(facts, kind, id)));
  const trace: TraceStep[] = [term.step];
  if (!term.id) return deny(trace, [addTermFix()]);
  const names = facts.supervisorNames();
  const b = facts.batch(area, term.id, kind, id);
  if (!b) {
    trace.push(fail('workflow-batch', `${kind}:${id} has no learners${facts.term(term.id)?.orgId ? ` or lies outside the term's school` : ''}, so it has no ${area} batch in ${term.id}`));
    return deny(trace, []);
  }
  trace.push(phaseStep(b));
  const phase = phaseDef(area, b.phase)!;
  if (!phase.responsible) {
    trace.push(fail('phase-responsible', `${b.phase} is the last phase: nobody advances a completed batch`, batchSource(b)));
    return deny(trace, []);
  }
  const rname = roleName(phase.responsible, names);
  trace.push(info('phase-responsible', `in ${b.phase} the responsible role is ${rname}: ${phase.transition}`, { kind: 'workflow', area, phase: b.phase, responsible: phase.responsible }));
  let holding: RoleHolding | undefined;
  if (phase.responsible === 'course-teacher') {
    if (facts.isCourseTeacher(subject.id, id)) holding = teacherHolding(subject, [id]);
    else trace.push(fail('course-teacher', `${subject.username} is not a teacher of course ${id}`, { kind: 'fact', fact: 'course-teacher', course: id }));
  } else if (phase.responsible === 'mentor') {
    const covered = facts.mentorBatchLearner(subject.id, kind, id);
    if (covered) {
      holding = supervisorHolding(facts, subject, 'mentor', `${names.mentorRole} of ${covered.username} (${describePath(covered.path)}), a learner of ${kind}:${id}`, {
        kind: 'assignment',
        role: 'mentor',
        learner: covered.username,
        path: describePath(covered.path),
      });
    } else {
      trace.push(fail('mentor-of-batch', `${subject.username} is not the ${names.mentorRole.toLowerCase()} of any learner of ${kind}:${id}`, { kind: 'fact', fact: 'mentor-learners' }));
    }
  } else {
    holding = headteacherOfUnit(facts, subject, b.unitId, `${kind}:${id}`);
    if (!holding) {
      trace.push(fail('headteacher-of-batch', `${subject.username} is not a ${names.headteacherRole.toLowerCase()} of an organisation above ${kind}:${id}`, { kind: 'fact', fact: 'headteacher-organisations' }));
    }
  }
  if (!holding) return deny(trace, []);
  trace.push(...holding.steps);
  if (!holding.active) return deny(trace, holding.fixes);
  return allow(trace, `${holding.what}: responsible in ${b.phase} (${phase.transition})`);
}

// ---- candidates (set queries for reverse lookups) ----

function viewCandidates(area: WorkflowArea, ctx: LookupContext): string[] {
  const { facts } = ctx;
  const learner = learnerOf(ctx);
  resolveTerm(facts, ctx.term, []);
  return [
    learner.username,
    ...facts.parentsOf(learner.id),
    ...facts.mentorsOf(learner.id).map((m) => m.username),
    ...facts.headteachersOf(learner.id).map((h) => h.username),
    ...(area === 'behaviour' ? [] : facts.teachersOfLearner(learner.id)),
  ];
}

function editCandidates(area: WorkflowArea, ctx: LookupContext): string[] {
  const { facts } = ctx;
  const learner = learnerOf(ctx);
  const term = resolveTerm(facts, ctx.term, learnerSchools(facts, learner));
  const names = facts.mentorsOf(learner.id).map((m) => m.username);
  for (const b of term.id ? facts.learnerBatches(area, term.id, learner.id) : []) {
    names.push(...facts.headteachersAbove(b.unitId).map((h) => h.username));
    if (b.kind === 'course') names.push(...facts.courseTeachers(b.id));
  }
  return names;
}

function advanceCandidates(area: WorkflowArea, ctx: LookupContext): string[] {
  const { facts } = ctx;
  resolveTerm(facts, ctx.term, []);
  const kind = checkBatchKind(area, ctx.target!.kind, ctx.target!.id);
  const id = ctx.target!.id;
  const unit = batchUnit(facts, kind, id);
  return [
    ...(kind === 'course' ? facts.courseTeachers(id) : []),
    ...facts.mentorsOfBatch(kind, id),
    ...(unit ? facts.headteachersAbove(unit).map((h) => h.username) : []),
  ];
}

// ---- reach (the inverse of the candidates, for `whocan --user U --all`) ----

function learners(...lists: (readonly string[])[]): Target[] {
  return [...new Set(lists.flat())].map((id) => ({ kind: 'learner', id }));
}

/** View: the learner themself, their parents, mentors, headteachers and (but for behaviour) course teachers. */
function viewReach(area: WorkflowArea, { facts, subject }: ReachContext): Target[] {
  const r = facts.personReach(subject.id);
  return learners([subject.username], r.children, r.mentored, r.headed, area === 'behaviour' ? [] : r.taughtLearners);
}

/**
 * Edit: the learner's mentors, the teachers of their course batches, and the headteachers above
 * any of their batches (a course's unit for course batches; a class or group, whose learners the
 * headteacher heads, for behaviour).
 */
function editReach(area: WorkflowArea, { facts, subject }: ReachContext): Target[] {
  const r = facts.personReach(subject.id);
  return WORKFLOW[area].batchKind === 'course' ? learners(r.mentored, r.taughtLearners, r.headedCourseLearners) : learners(r.mentored, r.headed);
}

/** Advance: the batch's course teachers, mentors of one of its learners, headteachers above its unit. */
function advanceReach(area: WorkflowArea, { facts, subject }: ReachContext): Target[] {
  const r = facts.personReach(subject.id);
  const kind = WORKFLOW[area].batchKind;
  const ids = kind === 'course' ? [...r.taughtCourses, ...r.mentoredCourses, ...r.headedCourses] : [...r.mentoredClasses, ...r.headedClasses];
  return [...new Set(ids)].map((id) => ({ kind, id }));
}

export function workflowActions(): ActionDef[] {
  const defs: ActionDef[] = [];
  for (const area of WORKFLOW_AREAS) {
    const staff = area === 'behaviour' ? 'mentors and headteachers' : 'mentors, headteachers and course teachers';
    defs.push(
      {
        key: `view-${area}`,
        description: `See a learner's ${area} for a term (--term, default the current term): the learner, parents and external systems when the phase's switch is on; ${staff} always`,
        targetKinds: ['learner'],
        targetRequired: true,
        module: 'workflow',
        allowsExternal: true,
        evaluate: (ctx) => viewRule(area, ctx),
        candidates: (ctx) => viewCandidates(area, ctx),
        reach: (ctx) => viewReach(area, ctx),
      },
      {
        key: `edit-${area}`,
        description: `Edit a learner's ${area} for a term: whoever the current phase's edit rights name`,
        targetKinds: ['learner'],
        targetRequired: true,
        module: 'workflow',
        evaluate: (ctx) => editRule(area, ctx),
        candidates: (ctx) => editCandidates(area, ctx),
        reach: (ctx) => editReach(area, ctx),
      },
      {
        key: `advance-${area}`,
        description: `Move a ${WORKFLOW[area].batchKind === 'course' ? 'course' : 'class'}'s ${area} batch on by one phase (--term): only the phase's responsible role`,
        targetKinds: [WORKFLOW[area].batchKind],
        targetRequired: true,
        module: 'workflow',
        evaluate: (ctx) => advanceRule(area, ctx),
        candidates: (ctx) => advanceCandidates(area, ctx),
        reach: (ctx) => advanceReach(area, ctx),
      },
    );
  }
  return defs;
}

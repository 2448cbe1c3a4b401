// The access diff of a change that only moved enrolments, workflow batch phases or parent links,
// decided around what it touched instead of over the whole site (docs/architecture.md, "An
// enrolment, batch or parent-link change"). Pure, like the rest of the diff: it reads two `Facts`.

import { diffAt, FAMILIES, membershipDiff, pointKey, surfacePoints, type AccessChange, type ChangedFacts, type SurfaceLists, type SurfacePoint } from './access-surface.js';
import type { ActionDef } from './engine.js';
import type { Facts } from './facts.js';
import { WORKFLOW, WORKFLOW_AREAS } from './workflow-phases.js';

/** More courses, batches or linked people than this and the whole-site path is cheaper. */
const MAX_TOUCHED = 200;

/** The workflow targets a change can move: learners, courses, classes or groups. */
interface WorkflowTargets {
  readonly learners: Set<string>;
  readonly courses: Set<string>;
  readonly classes: Set<string>;
  /** Only the actions of these areas (each workflow action is about one area). */
  readonly areas: ReadonlySet<string>;
  /** Only the points of these terms; undefined: every term. */
  readonly terms?: ReadonlySet<string>;
}

/** The area a workflow action is about: `view-attendance` is about attendance. */
function areaOf(def: ActionDef): string {
  return def.key.slice(def.key.indexOf('-') + 1);
}

/** Whether the change touched, of all the tables some family reads, only these. */
function onlyTables(changed: ChangedFacts, tables: readonly string[]): boolean {
  const read = new Set(FAMILIES.flatMap((f) => f.tables));
  for (const t of changed.tables) if (read.has(t) && !tables.includes(t)) return false;
  return true;
}

/**
 * The diff of a change that only moved enrolments, workflow batch phases or parent links; undefined
 * when it touched anything else (or too much), and the caller takes the whole-site path. A family
 * left out because no decision of it at a surface point reads what changed is added to `skipped`.
 */
export function targetedDiff(defs: readonly ActionDef[], B: Facts, A: Facts, changed: ChangedFacts, skipped: string[]): AccessChange[] | undefined {
  const enrolled = changed.enrolments ?? [];
  const batches = changed.batches ?? [];
  const links = changed.parentLinks ?? [];
  if (enrolled.length && onlyTables(changed, ['course_members'])) return workflowDiff(defs, B, A, enrolmentTargets(B, A, enrolled));
  if (batches.length && onlyTables(changed, ['workflow_batches'])) return workflowDiff(defs, B, A, batchTargets(B, A, batches));
  if (links.length && onlyTables(changed, ['parent_links'])) return linkDiff(defs, B, A, links, skipped);
  return undefined;
}

/**
 * An enrolment (user, course) is read by workflow decisions only (the one family whose tables hold
 * course_members): at a learner through their course batches (`learnerBatches`), the teachers of
 * those courses (`sharedTeachingCourses`, `isCourseTeacher`), and at the course itself (its
 * teachers, its learners' mentors, whether it has learners at all). So the decisions it can move
 * are at the enrolled user as a learner, at every learner of the course on either model (their
 * course's teachers changed), and at the course; and only in the areas whose batches are courses
 * (behaviour runs in classes, and its view names no course teacher).
 */
function enrolmentTargets(B: Facts, A: Facts, rows: NonNullable<ChangedFacts['enrolments']>): WorkflowTargets | undefined {
  const courses = new Set(rows.map((r) => r.courseId));
  if (courses.size > MAX_TOUCHED) return undefined;
  const learners = new Set<string>();
  for (const f of [B, A]) {
    for (const r of rows) {
      const u = f.userById(r.userId);
      if (u) learners.add(u.username);
    }
    for (const c of courses) for (const l of f.batchLearners('course', c)) learners.add(l);
  }
  const areas = new Set(WORKFLOW_AREAS.filter((a) => WORKFLOW[a].batchKind === 'course'));
  return { learners, courses, classes: new Set(), areas };
}

/**
 * A batch's stored phase is read only by decisions about that batch, in its area and term: at each
 * of its learners (their batches' phases) and at the batch itself. A phase change moves no learner
 * in or out of a batch.
 */
function batchTargets(B: Facts, A: Facts, rows: NonNullable<ChangedFacts['batches']>): WorkflowTargets | undefined {
  if (rows.length > MAX_TOUCHED) return undefined;
  const t: WorkflowTargets = { learners: new Set(), courses: new Set(), classes: new Set(), areas: new Set(rows.map((r) => r.area)), terms: new Set(rows.map((r) => r.term)) };
  for (const r of rows) {
    if (r.kind !== 'course' && r.kind !== 'class') return undefined;
    (r.kind === 'course' ? t.courses : t.classes).add(r.id);
    for (const f of [B, A]) for (const l of f.batchLearners(r.kind, r.id)) t.learners.add(l);
  }
  return t;
}

/**
 * The workflow points at the given targets, each decided from the action's candidates on both
 * models (as the whole-site path decides every point); every other point reads nothing the change
 * touched. Undefined when an action of another family is to be judged.
 */
function workflowDiff(defs: readonly ActionDef[], B: Facts, A: Facts, t: WorkflowTargets | undefined): AccessChange[] | undefined {
  if (!t || defs.some((d) => d.module !== 'workflow')) return undefined;
  const listsOf = (f: Facts): SurfaceLists => {
    const learners = [...t.learners].filter((n) => {
      const u = f.user(n);
      return u !== undefined && f.isLearner(u.id);
    });
    const courses = [...t.courses].filter((c) => f.course(c) !== undefined);
    const classes = [...t.classes].filter((u) => {
      const k = f.unit(u)?.kind;
      return k === 'class' || k === 'group';
    });
    return { schools: () => [], learners: () => learners, courses: () => courses, classes: () => classes };
  };
  const lb = listsOf(B);
  const la = listsOf(A);
  const out: AccessChange[] = [];
  const inTerm = (p: SurfacePoint) => !t.terms || (p.term !== undefined && t.terms.has(p.term));
  for (const def of defs) {
    if (!t.areas.has(areaOf(def))) continue;
    const pb = new Map(surfacePoints(def, B, lb).filter(inTerm).map((p) => [pointKey(p), p]));
    const pa = new Map(surfacePoints(def, A, la).filter(inTerm).map((p) => [pointKey(p), p]));
    for (const key of new Set([...pb.keys(), ...pa.keys()])) out.push(...diffAt(def, B, pb.get(key), A, pa.get(key)));
  }
  const schools = new Map<string, readonly string[]>();
  for (const c of out) {
    let s = schools.get(c.user);
    if (!s) {
      const f = A.user(c.user) ? A : B;
      const u = f.user(c.user);
      schools.set(c.user, (s = u ? [...new Set(f.userSchools(u.id))].sort() : []));
    }
    c.schools = s;
  }
  return out;
}

/**
 * A parent link (parent, child) is read in two ways at the surface: the parent's schools include
 * the child's (their setting signature, as when they join a unit), and the parent sees the child's
 * workflow data as a parent. That is what a membership change of both does, so the membership
 * path decides it, with both as the moved people. School-function rights read parent links only
 * at a user target, which the surface has none of: that family is skipped.
 */
function linkDiff(defs: readonly ActionDef[], B: Facts, A: Facts, links: NonNullable<ChangedFacts['parentLinks']>, skipped: string[]): AccessChange[] | undefined {
  const people = [...new Set(links.flatMap((l) => [l.parentId, l.childId]))];
  if (people.length > MAX_TOUCHED) return undefined;
  const judged = defs.filter((d) => d.module !== 'schoolfunctions');
  const changes = membershipDiff(judged, B, A, [], people);
  if (changes && judged.length < defs.length && !skipped.includes('schoolfunctions')) skipped.push('schoolfunctions');
  return changes;
}

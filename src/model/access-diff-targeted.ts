// The access diff of a change that only moved enrolments, workflow batch phases, parent links or
// phase switches, decided around what it touched instead of over the whole site (docs/architecture.md,
// "An enrolment, batch or parent-link change" and "A switch change"). Pure, like the rest of the
// diff: it reads two `Facts`.

import { decidingRule, diffAt, evaluateAt, FAMILIES, membershipDiff, pointKey, surfacePoints, type AccessChange, type ChangedFacts, type SurfaceLists, type SurfacePoint } from './access-surface.js';
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
 * The diff of a change that only moved enrolments, workflow batch phases, parent links or phase
 * switches; undefined
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
  if (changed.tables.has('workflow_switches') && onlyTables(changed, ['workflow_switches'])) return switchDiff(defs, B, A);
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
  return withSchools(out, B, A);
}

/** Each change's person's schools (after the change; before it for someone removed). */
function withSchools(out: AccessChange[], B: Facts, A: Facts): AccessChange[] {
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
 * A phase's visibility switches are read only by `view-AREA`, and only for an audience: the
 * learner themself, or a parent whom no staff holding already allowed (staff see every phase;
 * an external system is no person of the surface). And only at a learner with a batch in that
 * phase (the rule reads the switch of each of the learner's batches' phases, nothing else). So
 * the points judged are `view-AREA` at the learners with a batch in a phase whose learner or
 * parent switch differs, per term; the people judged there are the learner and their parents.
 */
function switchDiff(defs: readonly ActionDef[], B: Facts, A: Facts): AccessChange[] | undefined {
  if (defs.some((d) => d.module !== 'workflow')) return undefined;
  const out: AccessChange[] = [];
  const terms = [...new Set([...B.termIds(), ...A.termIds()])];
  for (const area of WORKFLOW_AREAS) {
    const def = defs.find((d) => d.key === `view-${area}`);
    if (!def) continue;
    // The phases whose learner or parent switch differs, and which of the two audiences moved.
    let learnerMoved = false;
    let parentMoved = false;
    const phases = WORKFLOW[area].phases
      .map((p) => p.key)
      .filter((phase) => {
        const b = B.phaseSwitches(area, phase);
        const a = A.phaseSwitches(area, phase);
        if (b.learner !== a.learner) learnerMoved = true;
        if (b.parent !== a.parent) parentMoved = true;
        return b.learner !== a.learner || b.parent !== a.parent;
      });
    if (!phases.length) continue;
    for (const term of terms) {
      const onB = B.term(term) !== undefined;
      const onA = A.term(term) !== undefined;
      // A switch change moves no learner, batch or phase: both models hold the same learners in those phases.
      const learners = onA || onB ? (onA ? A : B).learnersInPhases(area, term, phases) : [];
      for (const name of learners) {
        const lb = onB ? B.user(name) : undefined;
        const la = onA ? A.user(name) : undefined;
        // The point is on a model's surface only where the person is a learner there.
        const pb = lb && B.isLearner(lb.id);
        const pa = la && A.isLearner(la.id);
        if (!pb && !pa) continue;
        const p: SurfacePoint = { action: def.key, target: { kind: 'learner', id: name }, term };
        // A learner sees their own data only through the learner switch, a parent only through the
        // parent switch (staff see every phase): whoever's switch is the same decides the same.
        const people = new Set([...(learnerMoved ? [name] : []), ...(parentMoved ? [...(lb ? B.parentsOf(lb.id) : []), ...(la ? A.parentsOf(la.id) : [])] : [])]);
        for (const user of people) {
          const ub = pb ? B.user(user) : undefined;
          const ua = pa ? A.user(user) : undefined;
          const ob = ub ? evaluateAt(def, B, ub, p) : undefined;
          const oa = ua ? evaluateAt(def, A, ua, p) : undefined;
          const allowA = oa?.allow === true;
          if ((ob?.allow === true) === allowA) continue;
          out.push({ action: p.action, target: p.target, term, user, module: def.module, change: allowA ? 'gain' : 'loss', schools: [], before: decidingRule(ob), after: decidingRule(oa) });
        }
      }
    }
  }
  return withSchools(out, B, A);
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

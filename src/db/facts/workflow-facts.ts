// Workflow facts and changes from SQLite: switches, terms, batches (a course or class with
// learners, in its stored phase or the area's first), and the people around a batch.

import type { Facts } from '../../model/facts.js';
import type { SupervisorOf } from '../../model/supervisor-facts.js';
import type { BatchFact, TermChoice } from '../../model/workflow-facts.js';
import {
  areaDef,
  firstPhase,
  SWITCHES_OFF,
  type BatchKind,
  type PhaseKey,
  type PhaseSwitches,
  type WorkflowArea,
} from '../../model/workflow-phases.js';
import type { Sqlite } from '../open.js';
import { LEARNER_MEMBERSHIP } from './supervisor-facts.js';
import { statementsFor } from './statements.js';

/** Whether a batch unit lies within the term's school (a site term covers every unit). */
const IN_TERM = `(@org IS NULL OR EXISTS (SELECT 1 FROM unit_ancestors ta WHERE ta.unit_id = b.unit AND ta.ancestor_id = @org))`;

/** Every batch of an area's kind: courses with learners, or classes and groups with learners. */
function batchSource(kind: BatchKind): string {
  return kind === 'course'
    ? `SELECT c.id AS id, c.unit_id AS unit FROM courses c WHERE EXISTS (SELECT 1 FROM course_members cm WHERE cm.course_id = c.id AND cm.role = 'learner')`
    : `SELECT un.id AS id, un.id AS unit FROM units un WHERE un.kind IN ('class','group')
         AND EXISTS (SELECT 1 FROM memberships m WHERE m.unit_id = un.id AND ${LEARNER_MEMBERSHIP})`;
}

/** The learners of one batch, as a subquery on @batch. */
function batchLearners(kind: BatchKind): string {
  return kind === 'course'
    ? `SELECT cm.user_id FROM course_members cm WHERE cm.course_id = @batch AND cm.role = 'learner'`
    : `SELECT m.user_id FROM memberships m WHERE m.unit_id = @batch AND ${LEARNER_MEMBERSHIP}`;
}

function mentorsCovering(kind: BatchKind): string {
  return `SELECT mu.username AS mentor, lu.username AS learner, 'direct' AS via, NULL AS unit
            FROM mentor_learners ml JOIN users mu ON mu.id = ml.mentor_id JOIN users lu ON lu.id = ml.learner_id
           WHERE ml.learner_id IN (${batchLearners(kind)})
          UNION ALL
          SELECT mu.username, lu.username, 'class', mc.unit_id
            FROM mentor_classes mc JOIN memberships m ON m.unit_id = mc.unit_id JOIN users mu ON mu.id = mc.mentor_id JOIN users lu ON lu.id = m.user_id
           WHERE ${LEARNER_MEMBERSHIP} AND m.user_id IN (${batchLearners(kind)})`;
}

interface BatchRow {
  id: string;
  unit: string;
  phase: PhaseKey | null;
}

function toBatch(area: WorkflowArea, term: string, kind: BatchKind, r: BatchRow): BatchFact {
  return { area, term, kind, id: r.id, unitId: r.unit, phase: r.phase ?? firstPhase(area), moved: r.phase !== null };
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

type WorkflowFacts = Pick<
  Facts,
  | 'phaseSwitches'
  | 'defaultTerm'
  | 'learnerBatches'
  | 'batch'
  | 'isParentOf'
  | 'parentsOf'
  | 'isCourseTeacher'
  | 'courseTeachers'
  | 'sharedTeachingCourses'
  | 'teachersOfLearner'
  | 'mentorBatchLearner'
  | 'batchLearners'
  | 'learnersInPhases'
  | 'mentorsOfBatch'
  | 'headteacherOrgsAbove'
  | 'headteachersAbove'
>;

export function workflowFacts(db: Sqlite): WorkflowFacts {
  const byKind = <T>(make: (kind: BatchKind) => T) => ({ course: make('course'), class: make('class') });
  const q = statementsFor(db, 'workflow', () => ({
    username: db.prepare('SELECT username FROM users WHERE id = ?').pluck(),
    switches: db.prepare('SELECT learner, parent, external FROM workflow_switches WHERE area = ? AND phase = ?'),
    termOrg: db.prepare('SELECT org_id FROM terms WHERE id = ?').pluck(),
    // Only terms that apply to the target: site terms and those of the target's schools.
    containsToday: db.prepare('SELECT id FROM terms WHERE starts <= @d AND ends >= @d AND (@orgs IS NULL OR org_id IS NULL OR org_id IN (SELECT value FROM json_each(@orgs))) ORDER BY starts DESC, id LIMIT 1').pluck(),
    startedLast: db.prepare('SELECT id FROM terms WHERE starts <= @d AND (@orgs IS NULL OR org_id IS NULL OR org_id IN (SELECT value FROM json_each(@orgs))) ORDER BY starts DESC, id LIMIT 1').pluck(),
    startsNext: db.prepare('SELECT id FROM terms WHERE (@orgs IS NULL OR org_id IS NULL OR org_id IN (SELECT value FROM json_each(@orgs))) ORDER BY starts, id LIMIT 1').pluck(),
    // The learner's own courses or classes: having them as a learner, each has learners.
    learnerBatches: byKind((kind) =>
      db.prepare(
        `SELECT b.id, b.unit, wb.phase FROM (${
          kind === 'course'
            ? `SELECT c.id AS id, c.unit_id AS unit FROM course_members cm JOIN courses c ON c.id = cm.course_id WHERE cm.user_id = @learner AND cm.role = 'learner'`
            : `SELECT un.id AS id, un.id AS unit FROM memberships m JOIN units un ON un.id = m.unit_id AND un.kind IN ('class','group') WHERE m.user_id = @learner AND ${LEARNER_MEMBERSHIP}`
        }) b
         LEFT JOIN workflow_batches wb ON wb.area = @area AND wb.term_id = @term AND wb.batch_kind = '${kind}' AND wb.batch_id = b.id
         WHERE ${IN_TERM} ORDER BY b.id`,
      ),
    ),
    batch: byKind((kind) =>
      db.prepare(
        `SELECT b.id, b.unit, wb.phase FROM (${batchSource(kind)}) b
         LEFT JOIN workflow_batches wb ON wb.area = @area AND wb.term_id = @term AND wb.batch_kind = '${kind}' AND wb.batch_id = b.id
         WHERE b.id = @batch AND ${IN_TERM}`,
      ),
    ),
    isParent: db.prepare('SELECT 1 FROM parent_links WHERE parent_id = ? AND child_id = ?'),
    parents: db.prepare('SELECT u.username FROM parent_links p JOIN users u ON u.id = p.parent_id WHERE p.child_id = ? ORDER BY 1').pluck(),
    isTeacher: db.prepare(`SELECT 1 FROM course_members WHERE user_id = ? AND course_id = ? AND role = 'teacher'`),
    teachers: db.prepare(`SELECT u.username FROM course_members cm JOIN users u ON u.id = cm.user_id WHERE cm.course_id = ? AND cm.role = 'teacher' ORDER BY 1`).pluck(),
    shared: db
      .prepare(
        `SELECT t.course_id FROM course_members t JOIN course_members l ON l.course_id = t.course_id AND l.user_id = ? AND l.role = 'learner'
         WHERE t.user_id = ? AND t.role = 'teacher' ORDER BY 1`,
      )
      .pluck(),
    teachersOf: db
      .prepare(
        `SELECT DISTINCT u.username FROM course_members l JOIN course_members t ON t.course_id = l.course_id AND t.role = 'teacher'
         JOIN users u ON u.id = t.user_id WHERE l.user_id = ? AND l.role = 'learner' ORDER BY 1`,
      )
      .pluck(),
    mentorLearner: byKind((kind) =>
      db.prepare(`SELECT learner, via, unit FROM (${mentorsCovering(kind)}) WHERE mentor = @mentor ORDER BY via = 'class', learner, unit LIMIT 1`),
    ),
    // Every (learner, batch) of a kind with the batch's stored phase, in one scan: a phase switch's diff reads it once per term.
    learnersInPhases: byKind((kind) =>
      db
        .prepare(
          `SELECT DISTINCT u.username FROM (${
            kind === 'course'
              ? `SELECT cm.user_id AS user, c.id AS id, c.unit_id AS unit FROM course_members cm JOIN courses c ON c.id = cm.course_id WHERE cm.role = 'learner'`
              : `SELECT m.user_id AS user, un.id AS id, un.id AS unit FROM memberships m JOIN units un ON un.id = m.unit_id AND un.kind IN ('class','group') WHERE ${LEARNER_MEMBERSHIP}`
          }) b
           LEFT JOIN workflow_batches wb ON wb.area = @area AND wb.term_id = @term AND wb.batch_kind = '${kind}' AND wb.batch_id = b.id
           JOIN users u ON u.id = b.user
           WHERE coalesce(wb.phase, @first) IN (SELECT value FROM json_each(@phases)) AND ${IN_TERM}`,
        )
        .pluck(),
    ),
    // Only stored phases (the first phase is not asked for): from the few moved batches.
    learnersInStoredPhases: byKind((kind) =>
      db
        .prepare(
          `SELECT DISTINCT u.username FROM workflow_batches wb ${
            kind === 'course'
              ? `JOIN courses c ON c.id = wb.batch_id JOIN course_members cm ON cm.course_id = c.id AND cm.role = 'learner' JOIN users u ON u.id = cm.user_id`
              : `JOIN units c ON c.id = wb.batch_id AND c.kind IN ('class','group') JOIN memberships m ON m.unit_id = c.id AND ${LEARNER_MEMBERSHIP} JOIN users u ON u.id = m.user_id`
          }
           WHERE wb.area = @area AND wb.term_id = @term AND wb.batch_kind = '${kind}' AND wb.phase IN (SELECT value FROM json_each(@phases))
             AND ${IN_TERM.replace('b.unit', kind === 'course' ? 'c.unit_id' : 'c.id')}`,
        )
        .pluck(),
    ),
    batchLearners: byKind((kind) => db.prepare(`SELECT u.username FROM users u WHERE u.id IN (${batchLearners(kind)}) ORDER BY 1`).pluck()),
    mentorsOfBatch: byKind((kind) => db.prepare(`SELECT DISTINCT mentor FROM (${mentorsCovering(kind)}) ORDER BY 1`).pluck()),
    headOrgs: db
      .prepare('SELECT h.unit_id FROM headteacher_orgs h JOIN unit_ancestors a ON a.ancestor_id = h.unit_id WHERE h.user_id = ? AND a.unit_id = ? ORDER BY a.depth')
      .pluck(),
    headsAbove: db.prepare(
      `SELECT u.username, h.unit_id AS unit FROM headteacher_orgs h JOIN unit_ancestors a ON a.ancestor_id = h.unit_id JOIN users u ON u.id = h.user_id
       WHERE a.unit_id = ? ORDER BY a.depth, u.username`,
    ),
  }));
  // Asked for every learner's batches; a facts object is one snapshot, so read once per term.
  const termOrgs = new Map<string, string | null>();
  const termOrg = (term: string) => {
    let org = termOrgs.get(term);
    if (org === undefined) termOrgs.set(term, (org = (q.termOrg.get(term) as string | null | undefined) ?? null));
    return org;
  };
  return {
    phaseSwitches(area, phase) {
      const r = q.switches.get(area, phase) as { learner: number; parent: number; external: number } | undefined;
      return r ? { learner: r.learner === 1, parent: r.parent === 1, external: r.external === 1 } : SWITCHES_OFF;
    },
    defaultTerm(schools): TermChoice | undefined {
      const d = today();
      const orgs = schools === null ? null : JSON.stringify(schools);
      const a = q.containsToday.get({ d, orgs }) as string | undefined;
      if (a) return { id: a, why: 'contains-today' };
      const b = q.startedLast.get({ d, orgs }) as string | undefined;
      if (b) return { id: b, why: 'started-last' };
      const c = q.startsNext.get({ orgs }) as string | undefined;
      return c ? { id: c, why: 'starts-next' } : undefined;
    },
    learnerBatches(area, term, learnerId) {
      const kind = areaDef(area).batchKind;
      const rows = q.learnerBatches[kind].all({ area, term, learner: learnerId, org: termOrg(term) }) as BatchRow[];
      return rows.map((r) => toBatch(area, term, kind, r));
    },
    batch(area, term, kind, id) {
      const r = q.batch[kind].get({ area, term, batch: id, org: termOrg(term) }) as BatchRow | undefined;
      return r && toBatch(area, term, kind, r);
    },
    isParentOf: (p, c) => q.isParent.get(p, c) !== undefined,
    parentsOf: (c) => q.parents.all(c) as string[],
    isCourseTeacher: (u, c) => q.isTeacher.get(u, c) !== undefined,
    courseTeachers: (c) => q.teachers.all(c) as string[],
    sharedTeachingCourses: (t, l) => q.shared.all(l, t) as string[],
    teachersOfLearner: (l) => q.teachersOf.all(l) as string[],
    mentorBatchLearner(mentorId, kind, id): SupervisorOf | undefined {
      const mentor = (q.username.get(mentorId) as string | undefined) ?? '';
      const r = q.mentorLearner[kind].get({ mentor, batch: id }) as { learner: string; via: 'direct' | 'class'; unit: string | null } | undefined;
      return r && { username: r.learner, path: r.unit ? { via: r.via, unit: r.unit } : { via: r.via } };
    },
    batchLearners: (kind, id) => q.batchLearners[kind].all({ batch: id }) as string[],
    learnersInPhases(area, term, phases) {
      const kind = areaDef(area).batchKind;
      const first = firstPhase(area);
      const args = { area, term, phases: JSON.stringify(phases), org: termOrg(term) };
      return (phases.includes(first) ? q.learnersInPhases[kind].all({ ...args, first }) : q.learnersInStoredPhases[kind].all(args)) as string[];
    },
    mentorsOfBatch: (kind, id) => q.mentorsOfBatch[kind].all({ batch: id }) as string[],
    headteacherOrgsAbove: (u, unit) => q.headOrgs.all(u, unit) as string[],
    headteachersAbove: (unit) =>
      (q.headsAbove.all(unit) as { username: string; unit: string }[]).map((r) => ({ username: r.username, path: { via: 'organisation' as const, unit: r.unit } })),
  };
}

// ---- reads and writes for the workflow commands ----

export interface SwitchRow {
  readonly area: WorkflowArea;
  readonly phase: PhaseKey;
  readonly switches: PhaseSwitches;
}

export function readSwitches(db: Sqlite, area: WorkflowArea, phase: PhaseKey): PhaseSwitches {
  return workflowFacts(db).phaseSwitches(area, phase);
}

export function writeSwitches(db: Sqlite, area: WorkflowArea, phase: PhaseKey, s: PhaseSwitches): void {
  db.prepare(
    `INSERT INTO workflow_switches (area, phase, learner, parent, external) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (area, phase) DO UPDATE SET learner = excluded.learner, parent = excluded.parent, external = excluded.external`,
  ).run(area, phase, s.learner ? 1 : 0, s.parent ? 1 : 0, s.external ? 1 : 0);
}

export interface BatchListRow extends BatchFact {
  readonly name: string;
  readonly learners: number;
}

/** Every existing batch of an area in a term, optionally only those of one course/class or under a unit. */
export function listBatches(db: Sqlite, area: WorkflowArea, term: string, filter?: { kind: 'course' | 'class' | 'unit'; id: string }): BatchListRow[] {
  const kind = areaDef(area).batchKind;
  const where: string[] = [IN_TERM];
  if (filter?.kind === 'unit') where.push('EXISTS (SELECT 1 FROM unit_ancestors fa WHERE fa.unit_id = b.unit AND fa.ancestor_id = @filter)');
  else if (filter) where.push('b.id = @filter');
  const nameSql = kind === 'course' ? '(SELECT name FROM courses WHERE id = b.id)' : '(SELECT name FROM units WHERE id = b.id)';
  const countSql =
    kind === 'course'
      ? `(SELECT count(*) FROM course_members cm WHERE cm.course_id = b.id AND cm.role = 'learner')`
      : `(SELECT count(*) FROM memberships m WHERE m.unit_id = b.id AND ${LEARNER_MEMBERSHIP})`;
  const rows = db
    .prepare(
      `SELECT b.id, b.unit, wb.phase, ${nameSql} AS name, ${countSql} AS learners FROM (${batchSource(kind)}) b
       LEFT JOIN workflow_batches wb ON wb.area = @area AND wb.term_id = @term AND wb.batch_kind = '${kind}' AND wb.batch_id = b.id
       WHERE ${where.join(' AND ')} ORDER BY b.id`,
    )
    .all({ area, term, org: (db.prepare('SELECT org_id FROM terms WHERE id = ?').pluck().get(term) as string | null) ?? null, filter: filter?.id ?? null }) as (BatchRow & {
    name: string;
    learners: number;
  })[];
  return rows.map((r) => ({ ...toBatch(area, term, kind, r), name: r.name, learners: r.learners }));
}

export function writeBatchPhase(db: Sqlite, b: { area: WorkflowArea; term: string; kind: BatchKind; id: string }, phase: PhaseKey, by: string): void {
  db.prepare(
    `INSERT INTO workflow_batches (area, term_id, batch_kind, batch_id, phase, changed_at, changed_by) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (area, term_id, batch_kind, batch_id) DO UPDATE SET phase = excluded.phase, changed_at = excluded.changed_at, changed_by = excluded.changed_by`,
  ).run(b.area, b.term, b.kind, b.id, phase, new Date().toISOString(), by);
}

export interface ExternalRow {
  readonly username: string;
  readonly name: string;
  readonly externalId: string | null;
  readonly batch: string;
  readonly phase: PhaseKey;
}

/** The learners of every batch of an area and term, for the external export (filtered by the caller). */
export function batchLearnerRows(db: Sqlite, area: WorkflowArea, term: string): { batch: BatchListRow; learners: { username: string; name: string; externalId: string | null }[] }[] {
  const kind = areaDef(area).batchKind;
  const learners = db.prepare(
    `SELECT u.username, u.name, u.external_id AS externalId FROM users u WHERE u.id IN (${batchLearners(kind)}) ORDER BY u.username`,
  );
  return listBatches(db, area, term).map((batch) => ({ batch, learners: learners.all({ batch: batch.id }) as { username: string; name: string; externalId: string | null }[] }));
}

// Loads the demo site's workflow (fixtures/demo-workflow.yaml): the phase switches and where
// each batch stands. The supervisors who move batches on come from demo-supervisors.yaml.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { invalid } from '../../model/errors.js';
import { firstPhase, isArea, phaseDef, WORKFLOW, WORKFLOW_AREAS, type PhaseSwitches, type WorkflowArea } from '../../model/workflow-phases.js';
import type { Sqlite } from '../open.js';
import { listBatches, writeBatchPhase, writeSwitches } from '../facts/workflow-facts.js';

export interface WorkflowDocument {
  switches?: Partial<Record<string, Record<string, Partial<Record<'learner' | 'parent' | 'external', string | boolean>>>>>;
  completedTerms?: string[];
  batches?: { term: string; area: string; batch: string; phase: string }[];
}

/** Tour stops the demo shows (the same shape as the demo's own stops). */
export const WORKFLOW_TOUR = [
  {
    title: "A parent sees attendance once the teacher has submitted it: math-5a's batch is in organisation approval",
    action: 'view-attendance',
    target: 'learner:s.bakker',
    user: 'p.bakker',
    term: '2026-T2',
  },
  {
    title: "…but not yet behaviour: class 5A's mentor has not submitted it",
    action: 'view-behaviour',
    target: 'learner:s.bakker',
    user: 'p.bakker',
    term: '2026-T2',
  },
  { title: "Who may move class 5A's behaviour on? Only its mentor, in group registration", action: 'advance-behaviour', target: 'class:5A', term: '2026-T2' },
];

const on = (v: string | boolean | undefined) => v === true || v === 'on';

function area(raw: string): WorkflowArea {
  if (!isArea(raw)) throw invalid('unknown-area', `Workflow demo: there is no area "${raw}"; areas are ${WORKFLOW_AREAS.join(', ')}.`);
  return raw;
}

/** Loads the workflow document into a model that already holds the demo site; returns counts. */
export function loadWorkflowSite(db: Sqlite, doc: WorkflowDocument, by = 'demo'): Record<string, number> {
  const counts: Record<string, number> = {};
  const bump = (k: string) => (counts[k] = (counts[k] ?? 0) + 1);
  for (const [rawArea, phases] of Object.entries(doc.switches ?? {})) {
    const a = area(rawArea);
    for (const [rawPhase, s] of Object.entries(phases ?? {})) {
      const p = phaseDef(a, rawPhase);
      if (!p) throw invalid('unknown-phase', `Workflow demo: area ${a} has no phase "${rawPhase}".`);
      const switches: PhaseSwitches = { learner: on(s.learner), parent: on(s.parent), external: on(s.external) };
      writeSwitches(db, a, p.key, switches);
      bump('workflow phases configured');
    }
  }
  const termExists = db.prepare('SELECT 1 FROM terms WHERE id = ?');
  for (const term of doc.completedTerms ?? []) {
    if (!termExists.get(term)) throw invalid('unknown-term', `Workflow demo: there is no term "${term}".`);
    for (const a of WORKFLOW_AREAS) {
      for (const b of listBatches(db, a, term)) {
        writeBatchPhase(db, { area: a, term, kind: b.kind, id: b.id }, 'completed', by);
        bump('workflow batches moved');
      }
    }
  }
  for (const b of doc.batches ?? []) {
    const a = area(b.area);
    if (!termExists.get(b.term)) throw invalid('unknown-term', `Workflow demo: there is no term "${b.term}".`);
    const p = phaseDef(a, b.phase);
    if (!p) throw invalid('unknown-phase', `Workflow demo: area ${a} has no phase "${b.phase}".`);
    const [kind, id] = b.batch.split(':');
    if (kind !== WORKFLOW[a].batchKind) throw invalid('wrong-batch-kind', `Workflow demo: ${a} batches are ${WORKFLOW[a].batchKind}:ID, not ${b.batch}.`);
    if (!listBatches(db, a, b.term, { kind: WORKFLOW[a].batchKind, id }).length) throw invalid('no-batch', `Workflow demo: ${b.batch} has no learners, so no ${a} batch.`);
    if (p.key !== firstPhase(a)) {
      writeBatchPhase(db, { area: a, term: b.term, kind: WORKFLOW[a].batchKind, id }, p.key, by);
      bump('workflow batches moved');
    }
  }
  return counts;
}

/** The demo's workflow, read from the fixtures folder. */
export function loadWorkflowDemo(db: Sqlite, fixtures: string, parseYaml: (text: string) => unknown): Record<string, number> {
  return loadWorkflowSite(db, parseYaml(readFileSync(join(fixtures, 'demo-workflow.yaml'), 'utf8')) as WorkflowDocument);
}

// Doctor check for workflow: a batch whose current phase's responsible role has nobody able to
// advance it stays there for good, since phases never advance by themselves.

import type { Facts } from '../../model/facts.js';
import { decisionEngine } from '../../model/registry.js';
import { batchName } from '../../model/workflow-rules.js';
import { phaseDef, roleName, WORKFLOW_AREAS } from '../../model/workflow-phases.js';
import type { DoctorCheck, CheckFinding } from './doctor-checks.js';
import type { Sqlite } from '../open.js';
import { listBatches } from '../facts/workflow-facts.js';

const NEEDS = {
  'course-teacher': (b: string) => `a teacher of ${b} (schoolctl courses enrol ${b.slice('course:'.length)} USER --role teacher)`,
  mentor: () => 'a mentor of one of its learners, whose Mentor role is on',
  headteacher: (b: string) => `a headteacher of an organisation above ${b}, whose Headteacher role is on`,
} as const;

export const stuckBatches: DoctorCheck = {
  key: 'workflow-stuck-batch',
  description: 'a batch whose current phase has nobody able to advance it',
  run(db: Sqlite, facts: Facts): CheckFinding[] {
    const engine = decisionEngine();
    const names = facts.supervisorNames();
    const terms = db.prepare('SELECT id FROM terms ORDER BY starts, id').pluck().all() as string[];
    const findings: CheckFinding[] = [];
    for (const term of terms) {
      for (const area of WORKFLOW_AREAS) {
        const action = engine.action(`advance-${area}`);
        for (const b of listBatches(db, area, term)) {
          const phase = phaseDef(area, b.phase)!;
          if (!phase.responsible) continue;
          const target = { kind: b.kind, id: b.id };
          if (engine.whoCan(facts, action.key, batchName(b), { term }).allowed.length) continue;
          // People who hold the role but cannot act (a broken assignment) carry their own fix.
          const holders = [...new Set(action.candidates?.({ facts, target, term }) ?? [])];
          const fixes = new Set<string>();
          const broken: string[] = [];
          for (const u of holders) {
            const d = engine.decide(facts, action.key, u, target, { term });
            if (d.fixes.length) broken.push(u);
            for (const f of d.fixes) fixes.add(f);
          }
          findings.push({
            severity: 'warning',
            message: `${area} ${term} ${batchName(b)} is in ${b.phase}, where the ${roleName(phase.responsible, names)} advances it, but nobody can: it needs ${NEEDS[phase.responsible](batchName(b))}`,
            users: broken,
            fixes: [...fixes],
          });
        }
      }
    }
    return findings;
  },
};

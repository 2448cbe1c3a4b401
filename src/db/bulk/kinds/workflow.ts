// workflow-switches: area,phase,learner,parent,external — which audiences see an area's data while
// a batch is in a phase (DOMAIN.md §6), as `workflow set` changes them. A missing switch column
// leaves that switch as it is (off for a phase not yet configured). Where each batch stands is
// state, not set-up: it has no kind.

import { AUDIENCES, WORKFLOW, WORKFLOW_AREAS, isArea, phaseDef, type Audience, type PhaseKey, type PhaseSwitches, type WorkflowArea } from '../../../model/workflow-phases.js';
import { writeSwitches } from '../../facts/workflow-facts.js';
import { err, type BulkKind, type CellError } from '../kind.js';

interface Data {
  area: WorkflowArea;
  phase: PhaseKey;
  switches: PhaseSwitches;
}

const onOff = (b: boolean) => (b ? 'on' : 'off');

export const workflowSwitchesKind: BulkKind<Data> = {
  name: 'workflow-switches',
  summary: 'what learners, parents and external systems see of an area in each workflow phase',
  entity: 'workflow-switch',
  right: 'workflow-management',
  columns: [
    { name: 'area', required: true, about: WORKFLOW_AREAS.join(', ') },
    { name: 'phase', required: true, about: "one of the area's phases (schoolctl workflow show)" },
    { name: 'learner', about: 'on or off' },
    { name: 'parent', about: 'on or off' },
    { name: 'external', about: 'on or off (external systems)' },
  ],
  key: ['area', 'phase'],
  open(db) {
    const find = db.prepare('SELECT learner, parent, external FROM workflow_switches WHERE area = ? AND phase = ?');
    return {
      check(row) {
        const errors: CellError[] = [];
        const rawArea = row.get('area').trim().toLowerCase();
        const area = isArea(rawArea) ? rawArea : undefined;
        if (!area) errors.push(err('area', row.get('area'), 'a workflow area', WORKFLOW_AREAS.join(', ')));
        const rawPhase = row.get('phase').trim().toLowerCase();
        const phase = area ? phaseDef(area, rawPhase)?.key : undefined;
        if (area && !phase) errors.push(err('phase', row.get('phase'), `a phase of ${area}`, WORKFLOW[area].phases.map((p) => p.key).join(', ')));
        const given: Partial<Record<Audience, boolean>> = {};
        for (const a of AUDIENCES) {
          if (!row.has(a)) continue;
          const v = row.get(a).trim().toLowerCase();
          if (v === 'on' || v === 'off') given[a] = v === 'on';
          else errors.push(err(a, row.get(a), 'on or off', 'on, off'));
        }
        if (errors.length || !area || !phase) return { errors };
        const had = find.get(area, phase) as { learner: number; parent: number; external: number } | undefined;
        const before: PhaseSwitches = { learner: had?.learner === 1, parent: had?.parent === 1, external: had?.external === 1 };
        const switches: PhaseSwitches = { ...before, ...given };
        const id = `${area}/${phase}`;
        const show = (s: PhaseSwitches) => ({ learner: onOff(s.learner), parent: onOff(s.parent), external: onOff(s.external) });
        const data = { area, phase, switches };
        if (!had) return { status: 'create', id, after: show(switches), data };
        const same = AUDIENCES.every((a) => before[a] === switches[a]);
        return { status: same ? 'same' : 'update', id, before: show(before), after: show(switches), data };
      },
      apply(v) {
        writeSwitches(db, v.data.area, v.data.phase, v.data.switches);
      },
    };
  },
  *exportRows(db) {
    const find = db.prepare('SELECT learner, parent, external FROM workflow_switches WHERE area = ? AND phase = ?');
    for (const area of WORKFLOW_AREAS) {
      for (const p of WORKFLOW[area].phases) {
        const s = find.get(area, p.key) as { learner: number; parent: number; external: number } | undefined;
        if (s) yield [area, p.key, onOff(s.learner === 1), onOff(s.parent === 1), onOff(s.external === 1)];
      }
    }
  },
};

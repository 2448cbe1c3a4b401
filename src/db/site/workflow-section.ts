// The `workflow` section of the site file (DOMAIN.md §6), as fixtures/demo-site.yaml
// has it: `switches` per area and phase, each naming the audiences that see the
// area's data in that phase; a switch not listed is off. Where each batch stands (its phase) is
// state that teachers, mentors and headteachers move on, not set-up, so the site file leaves it out.

import { AUDIENCES, WORKFLOW, WORKFLOW_AREAS } from '../../model/workflow-phases.js';
import { entryOf, isMap, scalar, type ShapeProblem, type SiteRow, type SiteSection } from './section.js';

function mapAt(v: unknown, path: string, problems: ShapeProblem[], what: string): Record<string, unknown> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isMap(v)) {
    problems.push({ path, message: `is not a mapping of ${what}` });
    return undefined;
  }
  return v;
}

export const workflowSection: SiteSection = {
  key: 'workflow',
  toBatches(value, problems) {
    if (value === undefined || value === null) return [];
    const e = entryOf(value, 'workflow', problems, ['switches']);
    if (!e) return [];
    const rows: SiteRow[] = [];
    const areas = mapAt(e.switches, 'workflow.switches', problems, `areas (${WORKFLOW_AREAS.join(', ')}) to their phases`) ?? {};
    for (const [area, rawPhases] of Object.entries(areas)) {
      const phases = mapAt(rawPhases, `workflow.switches.${area}`, problems, 'phases to their switches') ?? {};
      for (const [phase, raw] of Object.entries(phases)) {
        const path = `workflow.switches.${area}.${phase}`;
        const s = raw === null ? {} : entryOf(raw, path, problems, AUDIENCES);
        if (!s) continue;
        const cells: Record<string, string> = { area, phase };
        for (const a of AUDIENCES) {
          if (s[a] === undefined || s[a] === null) cells[a] = 'off';
          else {
            const v = scalar(s[a]);
            if (v === undefined) problems.push({ path: `${path}.${a}`, message: 'is not a single value (on or off)' });
            else cells[a] = v;
          }
        }
        rows.push({ path, cells, fields: { area: '', phase: '' } });
      }
    }
    return [{ kind: 'workflow-switches', rows }];
  },
  fromModel(db) {
    const find = db.prepare('SELECT learner, parent, external FROM workflow_switches WHERE area = ? AND phase = ?');
    const switches: Record<string, Record<string, Record<string, string>>> = {};
    for (const area of WORKFLOW_AREAS) {
      for (const p of WORKFLOW[area].phases) {
        const s = find.get(area, p.key) as Record<string, number> | undefined;
        if (!s) continue;
        (switches[area] ??= {})[p.key] = Object.fromEntries(AUDIENCES.filter((a) => s[a] === 1).map((a) => [a, 'on']));
      }
    }
    return Object.keys(switches).length ? { switches } : undefined;
  },
};

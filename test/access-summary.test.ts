import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { summarize, type AccessSummary } from '../src/model/access-summary';
import type { AccessChange, AccessDiff } from '../src/model/access-surface';

/** The summary counted the plain way: a set of people per action, per kind and per school. */
function reference(diff: AccessDiff): AccessSummary {
  const gainers = new Set<string>();
  const losers = new Set<string>();
  const perAction = new Map<string, { gain: Set<string>; loss: Set<string>; schools: Map<string, { gain: Set<string>; loss: Set<string> }> }>();
  for (const c of diff.changes) {
    (c.change === 'gain' ? gainers : losers).add(c.user);
    let a = perAction.get(c.action);
    if (!a) perAction.set(c.action, (a = { gain: new Set(), loss: new Set(), schools: new Map() }));
    a[c.change].add(c.user);
    for (const s of c.schools.length ? c.schools : ['']) {
      let e = a.schools.get(s);
      if (!e) a.schools.set(s, (e = { gain: new Set(), loss: new Set() }));
      e[c.change].add(c.user);
    }
  }
  const actions = [...perAction].map(([action, a]) => ({
    action,
    gain: a.gain.size,
    loss: a.loss.size,
    schools: Object.fromEntries([...a.schools].sort(([x], [y]) => x.localeCompare(y)).map(([s, e]) => [s, { gain: e.gain.size, loss: e.loss.size }])),
  }));
  actions.sort((x, y) => y.loss + y.gain - (x.loss + x.gain) || x.action.localeCompare(y.action));
  return { gain: gainers.size, loss: losers.size, changes: diff.changes.length, actions };
}

const rule = { rule: 'setting', detail: 'd' };

describe('the access summary', () => {
  it('counts each person once per action, kind and school, as sets of people would (fixed seed)', () => {
    const schoolLists = [[], ['s1'], ['s1', 's2'], ['s2'], ['s3', 's1']];
    // Shared arrays (as the diff hands them out) and fresh copies of the same lists alike.
    const change = fc.record({
      user: fc.constantFrom('u1', 'u2', 'u3', 'u4', 'u5', 'u6'),
      action: fc.constantFrom('messages', 'create-courses', 'tab:ilp'),
      target: fc.constantFrom(null, 'unit:s1', 'unit:s2', 'learner:u1'),
      change: fc.constantFrom('gain' as const, 'loss' as const),
      schools: fc.nat(schoolLists.length - 1),
      fresh: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(change, { maxLength: 60 }), fc.boolean(), (rows, sorted) => {
        const changes: AccessChange[] = rows.map((r) => {
          const [kind, id] = r.target?.split(':') ?? [];
          const list = schoolLists[r.schools];
          return {
            action: r.action,
            target: r.target ? { kind, id } : null,
            user: r.user,
            module: 'profiles',
            change: r.change,
            schools: r.fresh ? [...list] : list,
            before: rule,
            after: rule,
          };
        });
        if (sorted) changes.sort((x, y) => (x.action < y.action ? -1 : x.action > y.action ? 1 : 0));
        const diff = { changes, skipped: [] };
        expect(summarize(diff)).toEqual(reference(diff));
      }),
      { seed: 20261203, numRuns: 500 },
    );
  });
});

// The access diff told at a glance (DOMAIN.md §10): people who gain or lose, per action and per
// school, and the guardrails (`--max-loss`, `--max-gain`) judged on the same counts.

import type { AccessChange, AccessDiff } from './access-surface.js';

export interface ActionSummary {
  readonly action: string;
  readonly gain: number;
  readonly loss: number;
  /** People per school (a person in two schools counts in both); '' for people in no school. */
  readonly schools: Record<string, { gain: number; loss: number }>;
}

export interface AccessSummary {
  /** Distinct people who gain (lose) at least one access. */
  readonly gain: number;
  readonly loss: number;
  readonly changes: number;
  readonly actions: readonly ActionSummary[];
}

export function summarize(diff: AccessDiff): AccessSummary {
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

export interface Limits {
  readonly maxLoss?: number;
  readonly maxGain?: number;
}

/** The guardrail a summary breaks, in one sentence, or undefined when it stays within the limits. */
export function brokenLimit(s: AccessSummary, limits: Limits): string | undefined {
  if (limits.maxLoss !== undefined && s.loss > limits.maxLoss) return `${s.loss} people would lose access, more than --max-loss ${limits.maxLoss}`;
  if (limits.maxGain !== undefined && s.gain > limits.maxGain) return `${s.gain} people would gain access, more than --max-gain ${limits.maxGain}`;
  return undefined;
}

/** Keeps only the changes a filter names (diff-access --action/--user/--unit). */
export function filterChanges(diff: AccessDiff, keep: (c: AccessChange) => boolean): AccessDiff {
  return { ...diff, changes: diff.changes.filter(keep) };
}

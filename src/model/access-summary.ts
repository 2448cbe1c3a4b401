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

/** The school list of a change in no school, one array for all of them. */
const NO_SCHOOL: readonly string[] = [''];

export function summarize(diff: AccessDiff): AccessSummary {
  interface PerAction {
    /** Each person counted, with the schools they were counted in (an array as the change has it, or the set of several). */
    readonly gain: Map<string, readonly string[] | Set<string>>;
    readonly loss: Map<string, readonly string[] | Set<string>>;
    readonly schools: Map<string, { gain: number; loss: number }>;
  }
  const perAction = new Map<string, PerAction>();
  let lastAction: string | undefined;
  let a: PerAction | undefined;
  const count = (a: PerAction, school: string, kind: 'gain' | 'loss') => {
    let e = a.schools.get(school);
    if (!e) a.schools.set(school, (e = { gain: 0, loss: 0 }));
    e[kind]++;
  };
  for (const c of diff.changes) {
    if (c.action !== lastAction || !a) {
      lastAction = c.action;
      a = perAction.get(c.action);
      if (!a) perAction.set(c.action, (a = { gain: new Map(), loss: new Map(), schools: new Map() }));
    }
    const schools = c.schools.length ? c.schools : NO_SCHOOL;
    const seen = a[c.change];
    const counted = seen.get(c.user);
    // A person counts once per action and once per school: their changes (one per target) mostly
    // share one schools array, so only a person seen again with other schools is looked at twice.
    if (counted === undefined) {
      seen.set(c.user, schools);
      for (const school of schools) count(a, school, c.change);
    } else if (counted !== schools) {
      const set = counted instanceof Set ? counted : new Set(counted);
      for (const school of schools) {
        if (set.has(school)) continue;
        set.add(school);
        count(a, school, c.change);
      }
      seen.set(c.user, set);
    }
  }
  const actions = [...perAction].map(([action, a]) => ({
    action,
    gain: a.gain.size,
    loss: a.loss.size,
    schools: Object.fromEntries([...a.schools].sort(([x], [y]) => x.localeCompare(y)).map(([s, e]) => [s, { gain: e.gain, loss: e.loss }])),
  }));
  actions.sort((x, y) => y.loss + y.gain - (x.loss + x.gain) || x.action.localeCompare(y.action));
  // Everyone who gains (loses) anything: one action's people as they are, several actions' joined.
  const people = (kind: 'gain' | 'loss') => {
    if (perAction.size === 1) return [...perAction.values()][0][kind].size;
    const all = new Set<string>();
    for (const a of perAction.values()) for (const user of a[kind].keys()) all.add(user);
    return all.size;
  };
  return { gain: people('gain'), loss: people('loss'), changes: diff.changes.length, actions };
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

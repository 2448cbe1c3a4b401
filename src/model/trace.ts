// A decision is data with its reasons: the trace is the single source for the human view, the
// JSON view and the `--as` refusal message.

import type { Need, WhoCould } from './refusal.js';

export type Source =
  | { kind: 'profile'; profile: string; setting: string }
  | { kind: 'policy'; policy: string; appliedTo: string; setting: string }
  | { kind: 'assignment'; [field: string]: unknown }
  | { kind: 'workflow'; [field: string]: unknown }
  | { kind: 'schoolfunction'; [field: string]: unknown }
  | { kind: 'fact'; [field: string]: unknown };

export interface TraceStep {
  readonly rule: string;
  /** `info` steps show context (a profile value, a losing policy) and decide nothing. */
  readonly result: 'pass' | 'fail' | 'info';
  readonly detail: string;
  readonly source?: Source;
  /**
   * On a step that consulted other decisions (the Supervisor entry its two entries, a workflow
   * right its supervisor assignment, a school function its team): their steps, nested. A child
   * may have children of its own.
   */
  readonly children?: readonly TraceStep[];
}

export interface Target {
  readonly kind: string;
  readonly id: string;
}

export interface Outcome {
  readonly allow: boolean;
  readonly trace: readonly TraceStep[];
  /** On a deny: the fewest commands that, run in order, turn it into an allow. */
  readonly fixes: readonly string[];
  /** On an allow: one line naming the rule that let the subject in (for reverse lookups). */
  readonly because?: string;
}

export interface Decision {
  readonly action: string;
  readonly subject: { readonly user: string; readonly profile: string | null };
  readonly target: Target | null;
  readonly decision: 'allow' | 'deny';
  readonly trace: readonly TraceStep[];
  readonly fixes: readonly string[];
  /** On a deny, every verified way to allow, narrowest first (`fixes` is the first). */
  readonly alternatives?: readonly FixOption[];
  /** On a deny with no verified fix: why, in one sentence. */
  readonly noFix?: string;
  /** On a deny whose fixes could not be verified: why. */
  readonly fixesNote?: string;
  /** On an `--as` refusal: what the change needs that the actor lacks. */
  readonly lacking?: readonly Need[];
  /** On an `--as` refusal: who could make the change instead (the first by name, the rest counted). */
  readonly whoCould?: WhoCould;
}

/** One verified way to allow, with who else gains or loses the same action. */
export interface FixOption {
  readonly commands: readonly string[];
  /** Absent when the reach was not measured (only the narrowest fix's reach was asked for). */
  readonly gains?: readonly { readonly user: string; readonly action: string; readonly target: string | null }[];
  readonly losses?: readonly { readonly user: string; readonly action: string; readonly target: string | null }[];
  /** The fix changes a record a roster import owns: the next sync from `source` undoes it (docs/rosters.md). */
  readonly syncOwned?: SyncOwned;
}

/** The sync that owns what a fix changes, and what to change in its source system instead. */
export interface SyncOwned {
  /** `oneroster:<name>` or `ims:<file>` */
  readonly source: string;
  /** what to change in the source system, e.g. "add org 5A to s.bakker's orgs" */
  readonly change: string;
}

export function pass(rule: string, detail: string, source?: Source): TraceStep {
  return source ? { rule, result: 'pass', detail, source } : { rule, result: 'pass', detail };
}

export function fail(rule: string, detail: string, source?: Source): TraceStep {
  return source ? { rule, result: 'fail', detail, source } : { rule, result: 'fail', detail };
}

export function info(rule: string, detail: string, source?: Source): TraceStep {
  return source ? { rule, result: 'info', detail, source } : { rule, result: 'info', detail };
}

/** The step with the sub-decisions it consulted nested under it (the step itself when there are none). */
export function withChildren(step: TraceStep, children: readonly TraceStep[]): TraceStep {
  return children.length ? { ...step, children } : step;
}

/** A sub-decision as one step: its verdict (the last step), with the steps that led to it as children. */
export function subDecision(steps: readonly TraceStep[]): TraceStep {
  return withChildren(steps[steps.length - 1], steps.slice(0, -1));
}

// Steps that stay in the flat list, field for field, for scripts that read it, while the human
// view shows them nested under the step that consulted them instead (held here, outside the
// steps, so the JSON of every step stays what it was).
const nestedCopies = new WeakSet<TraceStep>();

/** Marks flat steps as copies of steps shown nested elsewhere in the same trace. */
export function shownNested<T extends TraceStep>(steps: T[]): T[] {
  for (const s of steps) nestedCopies.add(s);
  return steps;
}

/** Whether a top-level step is a flat copy of a nested one (the human view leaves it out). */
export function isShownNested(step: TraceStep): boolean {
  return nestedCopies.has(step);
}

export function allow(trace: readonly TraceStep[], because?: string): Outcome {
  return { allow: true, trace, fixes: [], because: because ?? lastPass(trace) };
}

export function deny(trace: readonly TraceStep[], fixes: readonly string[] = []): Outcome {
  return { allow: false, trace, fixes };
}

function lastPass(trace: readonly TraceStep[]): string | undefined {
  for (let i = trace.length - 1; i >= 0; i--) if (trace[i].result === 'pass') return trace[i].detail;
  return undefined;
}

export function formatTarget(t: Target | null | undefined): string {
  return t ? `${t.kind}:${t.id}` : '';
}

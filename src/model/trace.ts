// A decision is data with its reasons: the trace is the single source for the human view, the
// JSON view and the `--as` refusal message.

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
}

/** One verified way to allow, with who else gains or loses the same action. */
export interface FixOption {
  readonly commands: readonly string[];
  readonly gains: readonly { readonly user: string; readonly action: string; readonly target: string | null }[];
  readonly losses: readonly { readonly user: string; readonly action: string; readonly target: string | null }[];
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

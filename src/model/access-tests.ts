// Access tests: named assertions about who may do what, each judged by the one decision engine over
// one set of facts. Pure: the caller loads the test file and the facts, and prints the results.

import type { DecisionEngine, EvalOptions } from './engine.js';
import { EXTERNAL_USERNAME } from './engine.js';
import { invalid } from './errors.js';
import type { Facts } from './facts.js';
import type { Decision, TraceStep } from './trace.js';
import './membership-facts.js';

/** The question an assertion asks the engine: an action, its target and options. */
export interface Question {
  readonly action: string;
  readonly target?: string;
  readonly term?: string;
  readonly project?: string;
}

export type Assertion =
  | { readonly kind: 'allow' | 'deny'; readonly name: string; readonly question: Question; readonly user: string }
  | {
      readonly kind: 'who';
      readonly name: string;
      readonly question: Question;
      /** The exact set of users allowed; else `includes` and `excludes` say who must and must not be. */
      readonly exactly?: readonly string[];
      readonly includes?: readonly string[];
      readonly excludes?: readonly string[];
    }
  | {
      readonly kind: 'only';
      readonly name: string;
      readonly question: Question;
      readonly users: readonly string[];
      readonly profiles: readonly string[];
      /** Members of these units or of units below them. */
      readonly units: readonly string[];
    }
  | { readonly kind: 'fix'; readonly name: string; readonly question: Question; readonly user: string; readonly commands: readonly string[] }
  /** `checks` empty: no findings at all; else exactly the findings of these checks. */
  | { readonly kind: 'doctor'; readonly name: string; readonly checks: readonly string[] };

export type AssertionKind = Assertion['kind'];
export const ASSERTION_KINDS: readonly AssertionKind[] = ['allow', 'deny', 'who', 'only', 'fix', 'doctor'];

/** What an assertion reads of a doctor finding. */
export interface DoctorFindingView {
  readonly check: string;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly fixes: readonly string[];
}

/** A user on whom a `who` or `only` assertion and the engine disagree, with the deciding rule. */
export interface UserDifference {
  readonly user: string;
  readonly profile: string | null;
  /** `unexpected`: allowed but not expected; `missing`: expected but not allowed; `outside`: allowed, outside the list. */
  readonly difference: 'unexpected' | 'missing' | 'outside';
  readonly allowed: boolean;
  /** The rule that let them in (the last passing step) or kept them out (the last failing step). */
  readonly rule: string;
  readonly detail: string;
}

export interface AssertionResult {
  readonly name: string;
  readonly kind: AssertionKind;
  readonly passed: boolean;
  /** One line each: what the assertion expects and what the engine answers. */
  readonly expected: string;
  readonly got: string;
  /** allow, deny, fix: the decision with its trace and fixes. */
  readonly decision?: Decision;
  /** who, only: the users that differ, each explained (at most MAX_EXPLAINED). */
  readonly differences?: readonly UserDifference[];
  /** Differing users beyond those explained. */
  readonly unexplained?: number;
  /** doctor: the findings the assertion did not expect. */
  readonly findings?: readonly DoctorFindingView[];
}

export interface AccessTestEnv {
  readonly engine: DecisionEngine;
  readonly facts: Facts;
  /** The doctor's findings on the same model; the caller computes them once, on first use. */
  readonly doctorFindings: () => readonly DoctorFindingView[];
  /** The decision of a `fix` assertion with its fixes verified and ranked, as whocan prints it. */
  readonly fixDecision?: (a: Assertion) => Decision | undefined;
}

/** Differing users explained one by one with a trace; beyond this they are counted. */
export const MAX_EXPLAINED = 20;

/**
 * The fix a `fix` assertion compares with: the commands whocan prints first on a deny, run in
 * order (the narrowest verified fix, when the caller verified them through `fixDecision`).
 */
export function narrowestFix(d: Decision): readonly string[] {
  return d.decision === 'deny' ? d.fixes : [];
}

/** Whether the decision's narrowest fix is exactly these commands (both written by `command()`). */
export function fixMatches(d: Decision, expected: readonly string[]): boolean {
  const fix = narrowestFix(d);
  return d.decision === 'deny' && fix.length === expected.length && fix.every((c, i) => c === expected[i]);
}

export function describeQuestion(q: Question): string {
  return [q.action, q.target, q.term && `--term ${q.term}`, q.project && `--project ${q.project}`].filter(Boolean).join(' ');
}

function options(q: Question): EvalOptions {
  return { term: q.term, project: q.project };
}

function names(list: readonly string[], max = MAX_EXPLAINED): string {
  if (!list.length) return 'nobody';
  return list.length > max ? `${list.slice(0, max).join(', ')} … (${list.length} in all)` : list.join(', ');
}

function requireUsers(facts: Facts, users: readonly string[]): void {
  for (const u of users) {
    if (u !== EXTERNAL_USERNAME && !facts.user(u)) throw invalid('unknown-user', `There is no user "${u}"; "schoolctl users list" shows them.`);
  }
}

/** The step that decided for this user: the last that failed on a deny, the last that passed on an allow. */
function decidingStep(d: Decision): TraceStep | undefined {
  const want = d.decision === 'allow' ? 'pass' : 'fail';
  for (let i = d.trace.length - 1; i >= 0; i--) if (d.trace[i].result === want) return d.trace[i];
  return d.trace[d.trace.length - 1];
}

function explain(env: AccessTestEnv, q: Question, users: readonly { user: string; difference: UserDifference['difference'] }[]) {
  const differences = users.slice(0, MAX_EXPLAINED).map(({ user, difference }) => {
    const d = env.engine.decide(env.facts, q.action, user, q.target, options(q));
    const step = decidingStep(d);
    return { user, profile: d.subject.profile, difference, allowed: d.decision === 'allow', rule: step?.rule ?? d.action, detail: step?.detail ?? d.decision };
  });
  return { differences, unexplained: Math.max(0, users.length - MAX_EXPLAINED) };
}

function decide(env: AccessTestEnv, q: Question, user: string): Decision {
  return env.engine.decide(env.facts, q.action, user, q.target, options(q));
}

/** Judges one assertion. Bad input in it (an unknown action, user or target) throws invalid(). */
export function evaluateAssertion(env: AccessTestEnv, a: Assertion): AssertionResult {
  const base = { name: a.name, kind: a.kind };
  switch (a.kind) {
    case 'allow':
    case 'deny': {
      const d = decide(env, a.question, a.user);
      return { ...base, passed: d.decision === a.kind, expected: `${a.kind}: ${a.user} ${describeQuestion(a.question)}`, got: d.decision, decision: d };
    }
    case 'fix': {
      const d = env.fixDecision?.(a) ?? decide(env, a.question, a.user);
      const fix = narrowestFix(d);
      const got = d.decision === 'allow' ? 'allow: there is nothing to fix' : fix.length ? `deny, fixed by: ${fix.join(' && ')}` : 'deny, with no known fix';
      return { ...base, passed: fixMatches(d, a.commands), expected: `deny for ${a.user} ${describeQuestion(a.question)}, fixed by: ${a.commands.join(' && ')}`, got, decision: d };
    }
    case 'who':
      return evaluateWho(env, a);
    case 'only':
      return evaluateOnly(env, a);
    case 'doctor': {
      const findings = env.doctorFindings();
      const want = new Set(a.checks);
      const found = [...new Set(findings.map((f) => f.check))].sort();
      const missing = [...want].filter((k) => !found.includes(k)).sort();
      const extra = findings.filter((f) => !want.has(f.check));
      const expected = a.checks.length ? `findings of exactly: ${[...want].sort().join(', ')}` : 'no findings';
      const got = found.length ? `findings of ${found.join(', ')}${missing.length ? `; none of ${missing.join(', ')}` : ''}` : 'no findings';
      return { ...base, passed: missing.length === 0 && extra.length === 0, expected, got, findings: extra };
    }
  }
}

function evaluateWho(env: AccessTestEnv, a: Extract<Assertion, { kind: 'who' }>): AssertionResult {
  const base = { name: a.name, kind: a.kind };
  const q = a.question;
  const desc = describeQuestion(q);
  if (a.exactly) {
    requireUsers(env.facts, a.exactly);
    const allowed = env.engine.whoCan(env.facts, q.action, q.target, options(q)).allowed.map((x) => x.user);
    const allowedSet = new Set(allowed);
    const want = new Set(a.exactly);
    const diff = [
      ...allowed.filter((u) => !want.has(u)).map((user) => ({ user, difference: 'unexpected' as const })),
      ...[...want].filter((u) => !allowedSet.has(u)).sort().map((user) => ({ user, difference: 'missing' as const })),
    ];
    return { ...base, passed: diff.length === 0, expected: `exactly ${names([...want].sort())} may ${desc}`, got: `${names(allowed)} may ${desc}`, ...explain(env, q, diff) };
  }
  const includes = a.includes ?? [];
  const excludes = a.excludes ?? [];
  requireUsers(env.facts, [...includes, ...excludes]);
  // Forward checks of the named users only: no reverse lookup over the whole site.
  const diff = [
    ...includes.filter((u) => decide(env, q, u).decision !== 'allow').map((user) => ({ user, difference: 'missing' as const })),
    ...excludes.filter((u) => decide(env, q, u).decision === 'allow').map((user) => ({ user, difference: 'unexpected' as const })),
  ];
  const parts = [includes.length && `${names(includes)} may ${desc}`, excludes.length && `${names(excludes)} may not`].filter(Boolean).join('; ');
  const wrong = diff.map((d) => `${d.user} ${d.difference === 'missing' ? 'may not' : 'may'}`);
  return { ...base, passed: diff.length === 0, expected: parts, got: wrong.length ? names(wrong) : 'as expected', ...explain(env, q, diff) };
}

function evaluateOnly(env: AccessTestEnv, a: Extract<Assertion, { kind: 'only' }>): AssertionResult {
  const { facts } = env;
  requireUsers(facts, a.users);
  for (const p of a.profiles) if (!facts.profileByName(p)) throw invalid('unknown-profile', `There is no profile "${p}"; "schoolctl profiles list" shows them.`);
  for (const u of a.units) if (!facts.unit(u)) throw invalid('unknown-unit', `There is no unit "${u}"; "schoolctl units tree" shows them.`);
  const users = new Set(a.users);
  const profiles = new Set(a.profiles);
  const inside = (username: string): boolean => {
    if (users.has(username)) return true;
    const u = facts.user(username);
    return u !== undefined && (profiles.has(u.profile.name) || a.units.some((unit) => facts.belongsToUnit(u.id, unit)));
  };
  const q = a.question;
  // Only the people outside the list are judged: whether insiders may does not matter.
  const outside = env.engine.whoCan(facts, q.action, q.target, options(q), (u) => !inside(u)).allowed.map((x) => ({ user: x.user, difference: 'outside' as const }));
  const list = [
    a.users.length && `users ${a.users.join(', ')}`,
    a.profiles.length && `profiles ${a.profiles.join(', ')}`,
    a.units.length && `members of ${a.units.join(', ')}`,
  ].filter(Boolean);
  return {
    name: a.name,
    kind: a.kind,
    passed: outside.length === 0,
    expected: `nobody outside ${list.join(' or ')} may ${describeQuestion(q)}`,
    got: outside.length ? `${names(outside.map((o) => o.user))} may as well` : 'nobody outside may',
    ...explain(env, q, outside),
  };
}

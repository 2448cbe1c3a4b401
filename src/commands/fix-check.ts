// A deny's fixes are a promise: run these and the answer becomes allow. Each alternative is run
// in-process on the model inside a transaction that is rolled back, the decision is judged again,
// and only alternatives that turn it into allow are kept, narrowest first, each with what it also
// gives or takes from other people for the same action.

import { createFacts } from '../db/facts/sqlite-facts.js';
import type { Sqlite } from '../db/open.js';
import { parseShellWords } from '../model/errors.js';
import type { Facts } from '../model/facts.js';
import { fixAlternatives, withUserPolicy, type FixAlternative, type FixReach, type UserPolicy } from '../model/fix-alternatives.js';
import { findPolicy, isPolicyName } from '../db/stores/lookups.js';
import { parseAssignments } from '../db/stores/profiles-store.js';
import { EXTERNAL_USERNAME, type DecisionEngine, type EvalOptions } from '../model/engine.js';
import { formatTarget, type Decision } from '../model/trace.js';

export interface VerifiedFix {
  readonly commands: readonly string[];
  readonly reach: FixReach;
  /** Other people who would be allowed the same action and target after the fix, and people who would no longer be. */
  readonly gains: readonly Grant[];
  readonly losses: readonly Grant[];
}

type Grant = { readonly user: string; readonly action: string; readonly target: string | null };

export interface FixCheck {
  readonly fixes: readonly VerifiedFix[];
  /**
   * Alternatives not tried: asked for the narrowest only, the check stops once it is certain, so
   * these are possible ways to allow, neither verified nor measured.
   */
  readonly untried?: number;
  /** Why no fix is printed, when none works: one sentence. */
  readonly noFix?: string;
}

export interface FixJudge {
  /** The decision again, on the facts after a fix (for another user: the same question asked by them). */
  decide(facts: Facts, user?: string): Decision;
  /** Everyone allowed the same action and target; with `among`, only the people it admits are judged. */
  allowed(facts: Facts, among?: (username: string) => boolean): ReadonlySet<string>;
}

/** `all`: every alternative verified, each with its reach; `narrowest`: only as far as the narrowest needs. */
export type ReachMode = 'all' | 'narrowest';

/** Verifies every alternative for a deny on a writable connection; nothing is kept. */
export async function checkFixes(sqlite: Sqlite, decision: Decision, judge: FixJudge, mode: ReachMode = 'all'): Promise<FixCheck> {
  return (await checkManyFixes(sqlite, [{ decision, judge }], mode))[0];
}

/** Runs commands inside a savepoint (or a transaction) that is always rolled back. */
async function tried<T>(sqlite: Sqlite, commands: readonly string[], then: (failed: string | undefined) => T): Promise<T> {
  const { runCommand } = await import('../cli.js');
  // Inside a caller's transaction (a what-if of `schoolctl test`) each try is a savepoint of it.
  const nested = sqlite.inTransaction;
  sqlite.exec(nested ? 'SAVEPOINT fix_check' : 'BEGIN');
  try {
    let failed: string | undefined;
    for (const line of commands) {
      try {
        await runCommand(sqlite, parseShellWords(line).slice(1));
      } catch (e) {
        failed = `${line} fails: ${(e as Error).message.replace(/\.$/, '')}`;
        break;
      }
    }
    return then(failed);
  } finally {
    sqlite.exec(nested ? 'ROLLBACK TO fix_check; RELEASE fix_check' : 'ROLLBACK');
  }
}

/**
 * A fix that only creates a site policy, sets its values and applies it to one user, written as
 * fixAlternatives writes it, with every check those commands make passing: a valid name no policy
 * has (in any case), values a policy may set, an existing user. Such a fix is tried on the facts
 * alone (withUserPolicy), without loading the command layer; anything else, or any check that
 * would fail, is run through the commands so that their own refusal is the reason.
 */
export function userPolicyOf(sqlite: Sqlite, facts: Facts, commands: readonly string[]): UserPolicy | undefined {
  const words = commands.map((c) => parseShellWords(c));
  if (words.length < 3 || words.some((w) => w[0] !== 'schoolctl' || w[1] !== 'policies')) return undefined;
  const [create, ...rest] = words;
  const apply = rest.pop()!;
  const name = create[3];
  if (create.length !== 4 || create[2] !== 'create' || name === undefined) return undefined;
  if (name !== name.trim() || !isPolicyName(name)) return undefined;
  if (apply.length !== 6 || apply[2] !== 'apply' || apply[3] !== name || apply[4] !== '--user' || !facts.user(apply[5])) return undefined;
  const values = new Map<string, string>();
  for (const set of rest) {
    if (set[2] !== 'set' || set[3] !== name || set.length < 5 || set.slice(4).some((w) => w.startsWith('-'))) return undefined;
    try {
      for (const a of parseAssignments(set.slice(4), true)) values.set(a.def.key, a.value);
    } catch {
      return undefined;
    }
  }
  if (values.size === 0 || findPolicy(sqlite, name)) return undefined;
  return { name, values, user: apply[5] };
}

/** The people whose decision a fix can change, as a filter on the given facts (undefined: anyone). */
function scopeOf(alt: FixAlternative): ((facts: Facts, username: string) => boolean) | undefined {
  const a = alt.affects;
  if (!a) return undefined;
  const users = new Set(a.users);
  const profiles = new Set(a.profiles);
  const inUnit = (facts: Facts, u: string) => {
    const id = a.units.length ? facts.user(u)?.id : undefined;
    return id !== undefined && a.units.some((unit) => facts.belongsToUnit(id, unit));
  };
  // The external visitor has no user row; a profile-wide change may still reach it, so it is judged.
  return (facts, u) => users.has(u) || (profiles.size > 0 && (u === EXTERNAL_USERNAME || profiles.has(facts.user(u)?.profile.name ?? ''))) || inUnit(facts, u);
}

/**
 * The same for many denies at once: each distinct alternative is run once, in its own rolled-back
 * transaction, and every deny it was proposed for is judged on the facts after it. How far a fix
 * reaches (who else gains or loses the same action and target) is measured only among the
 * people it can affect: for a settings-only change those whose own settings it changes (the
 * engine reads no one else's settings for a decision), otherwise everyone.
 */
export async function checkManyFixes(sqlite: Sqlite, denies: readonly { decision: Decision; judge: FixJudge }[], mode: ReachMode = 'all'): Promise<FixCheck[]> {
  const facts = createFacts(sqlite);
  const proposed = denies.map((d) => fixAlternatives(facts, d.decision));
  // Who is allowed before any fix, per deny and scope: measured once, outside every try.
  const beforeCache = new Map<string, ReadonlySet<string>>();
  const scopes = proposed.map((alts) => alts.map((a) => scopeOf(a)));
  const scopeKey = (deny: number, alt: number) => `${deny}\n${proposed[deny][alt].affects ? JSON.stringify(proposed[deny][alt].affects) : '*'}`;
  /** Who is allowed, besides the subject, among the people the fix can reach. */
  const allowedOthers = (deny: number, alt: number, f: Facts): ReadonlySet<string> => {
    const { decision, judge } = denies[deny];
    const subject = decision.subject.user;
    const a = proposed[deny][alt].affects;
    // Named users and members of units: ask each of them; no lookup over the site.
    if (a && a.profiles.length === 0 && (a.units.length === 0 || typeof f.usersInUnit === 'function')) {
      const people = new Set([...a.users, ...a.units.flatMap((unit) => f.usersInUnit(unit))]);
      return new Set([...people].filter((u) => u !== subject && f.user(u) && judge.decide(f, u).decision === 'allow'));
    }
    const scope = scopes[deny][alt];
    return judge.allowed(f, scope ? (u) => u !== subject && scope(f, u) : (u) => u !== subject);
  };
  /** Nobody besides the subject can be reached: the reach is empty without judging anyone. */
  const nobodyElse = (deny: number, alt: number) => {
    const a = proposed[deny][alt].affects;
    return a !== undefined && a.profiles.length === 0 && a.units.length === 0 && a.users.every((u) => u === denies[deny].decision.subject.user);
  };
  const before = (deny: number, alt: number) => {
    const key = scopeKey(deny, alt);
    let set = beforeCache.get(key);
    if (!set) beforeCache.set(key, (set = allowedOthers(deny, alt, facts)));
    return set;
  };
  // Alternatives are proposed narrowest kind first, and the end-user-profile kind (ranked after
  // every narrower way) comes last, so index order is rank order. With `all`, every alternative is
  // tried in one round. With `narrowest`, each round tries every undecided deny's next alternative
  // (one run per distinct fix, as above) and a deny stops as soon as its narrowest is certain: a
  // verified alternative reaching nobody else, or the end of its first verified rank group.
  const last = (deny: number, alt: number) => (proposed[deny][alt].reach === 'end-user-profile' ? 1 : 0);
  const verified: { alt: number; measured: { gains: Grant[]; losses: Grant[] } }[][] = denies.map(() => []);
  const reasons: string[] = denies.map(() => '');
  const next = denies.map(() => 0);
  const settled = (deny: number): boolean => {
    const alts = proposed[deny];
    if (next[deny] >= alts.length) return true;
    const first = verified[deny][0];
    if (!first) return false;
    if (last(deny, next[deny]) !== last(deny, first.alt)) return true;
    return verified[deny].some((v) => v.measured.gains.length + v.measured.losses.length === 0);
  };
  for (;;) {
    const round = new Map<string, { commands: readonly string[]; for: { deny: number; alt: number }[] }>();
    proposed.forEach((alts, deny) => {
      if (settled(deny)) return;
      const upTo = mode === 'all' ? alts.length : next[deny] + 1;
      for (let alt = next[deny]; alt < upTo; alt++) {
        const key = alts[alt].commands.join('\n');
        if (!round.has(key)) round.set(key, { commands: alts[alt].commands, for: [] });
        round.get(key)!.for.push({ deny, alt });
      }
      next[deny] = upTo;
    });
    if (round.size === 0) break;
    for (const run of round.values()) {
      // Who is allowed after the fix is judged inside the try; who was before, once it is rolled back.
      const pending: { deny: number; alt: number; now?: ReadonlySet<string> }[] = [];
      const judgeAll = (failed: string | undefined, after: Facts) => {
        for (const { deny, alt } of run.for) {
          if (failed) {
            reasons[deny] = failed;
            continue;
          }
          const now = denies[deny].judge.decide(after);
          if (now.decision !== 'allow') {
            reasons[deny] = [...now.trace].reverse().find((s) => s.result === 'fail')?.detail ?? 'the answer stays deny';
            continue;
          }
          pending.push({ deny, alt, ...(nobodyElse(deny, alt) ? {} : { now: allowedOthers(deny, alt, after) }) });
        }
      };
      const policy = userPolicyOf(sqlite, facts, run.commands);
      if (policy) judgeAll(undefined, withUserPolicy(facts, policy));
      else await tried(sqlite, run.commands, (failed) => judgeAll(failed, createFacts(sqlite)));
      for (const { deny, alt, now } of pending) verified[deny].push({ alt, measured: now ? diffOf(deny, alt, now) : { gains: [], losses: [] } });
    }
  }
  const results: FixCheck[] = [];
  for (let deny = 0; deny < denies.length; deny++) {
    const alts = proposed[deny];
    if (alts.length === 0) {
      results.push({ fixes: [] });
      continue;
    }
    // Narrowest first: raising a whole end-user profile to staff powers comes after every
    // narrower way; then fewest others affected; then the kind of change as fixAlternatives
    // ordered it.
    const size = (f: (typeof verified)[number][number]) => f.measured.gains.length + f.measured.losses.length;
    const found = verified[deny].sort((a, b) => last(deny, a.alt) - last(deny, b.alt) || size(a) - size(b) || a.alt - b.alt);
    const fixes = found.map((f) => ({ commands: alts[f.alt].commands, reach: alts[f.alt].reach, ...f.measured }));
    const untried = alts.length - next[deny];
    results.push({
      fixes,
      ...(untried ? { untried } : {}),
      ...(fixes.length ? {} : { noFix: `no change to the set-up alone makes this allow: the known fix was tried and ${reasons[deny]}` }),
    });
  }
  return results;

  /** Gains and losses of the same action and target among the people the fix can reach. */
  function diffOf(deny: number, alt: number, now: ReadonlySet<string>): { gains: Grant[]; losses: Grant[] } {
    const { decision } = denies[deny];
    const target = decision.target ? formatTarget(decision.target) : null;
    const was = before(deny, alt);
    const diff = (set: ReadonlySet<string>, not: ReadonlySet<string>) =>
      [...set].filter((u) => !not.has(u)).sort().map((user) => ({ user, action: decision.action, target }));
    return { gains: diff(now, was), losses: diff(was, now) };
  }
}

/** A decision with its verified fixes; `untriedFixes` counts the possible ways not tried (narrowest mode). */
export type VerifiedDecision = Decision & { readonly untriedFixes?: number };

/**
 * A check as whocan prints it: on a deny, `fixes` is the narrowest verified fix, `alternatives`
 * every verified one, and `noFix` says why when none works. In `narrowest` mode the check stops
 * once the narrowest is certain: `alternatives` then holds the ones tried, and `untriedFixes`
 * counts the rest, which are neither verified nor measured.
 */
export async function verifiedDecision(
  sqlite: Sqlite,
  engine: DecisionEngine,
  action: string,
  user: string,
  target: string | undefined,
  opts: EvalOptions,
  mode: ReachMode = 'all',
): Promise<VerifiedDecision> {
  const facts = createFacts(sqlite);
  const d = engine.decide(facts, action, user, target, opts);
  if (d.decision === 'allow') return d;
  // A model that cannot be written cannot try a fix: the rule's fix is shown as it is, and says so.
  if (sqlite.readonly) return d.fixes.length ? { ...d, fixesNote: 'not verified: the model file is read-only, so the fix could not be tried' } : d;
  // A deny whose rule proposes no change may still have other ways (a workflow batch advanced).
  if (d.fixes.length === 0 && fixAlternatives(facts, d).length === 0) return d;
  const checked = await checkFixes(
    sqlite,
    d,
    {
      decide: (f, as) => engine.decide(f, action, as ?? user, target, opts),
      allowed: (f, among) => new Set(engine.whoCan(f, action, target, opts, among).allowed.map((a) => a.user)),
    },
    mode,
  );
  return {
    ...d,
    fixes: checked.fixes[0]?.commands ?? [],
    alternatives: checked.fixes.map((f) => ({ commands: f.commands, gains: f.gains, losses: f.losses })),
    ...(checked.noFix ? { noFix: checked.noFix } : {}),
    ...(checked.untried ? { untriedFixes: checked.untried } : {}),
  };
}

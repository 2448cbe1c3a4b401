// A deny's fixes are a promise: run these and the answer becomes allow. Each alternative is run
// in-process on the model inside a transaction that is rolled back, the decision is judged again,
// and only alternatives that turn it into allow are kept, narrowest first, each with what it also
// gives or takes from other people for the same action.

import { createFacts } from '../db/facts/sqlite-facts.js';
import type { Sqlite } from '../db/open.js';
import { parseShellWords } from '../model/errors.js';
import type { Facts } from '../model/facts.js';
import { fixAlternatives, type FixAlternative, type FixReach } from '../model/fix-alternatives.js';
import { EXTERNAL_USERNAME, type DecisionEngine, type EvalOptions } from '../model/engine.js';
import { formatTarget, type Decision } from '../model/trace.js';

export interface VerifiedFix {
  readonly commands: readonly string[];
  readonly reach: FixReach;
  /**
   * Other people who would be allowed the same action and target after the fix, and people who
   * would no longer be. Undefined when not measured: asked for the narrowest fix only, an
   * alternative that cannot be the narrowest is verified but its reach is not computed.
   */
  readonly gains?: readonly Grant[];
  readonly losses?: readonly Grant[];
}

type Grant = { readonly user: string; readonly action: string; readonly target: string | null };

export interface FixCheck {
  readonly fixes: readonly VerifiedFix[];
  /** Why no fix is printed, when none works: one sentence. */
  readonly noFix?: string;
}

export interface FixJudge {
  /** The decision again, on the facts after a fix (for another user: the same question asked by them). */
  decide(facts: Facts, user?: string): Decision;
  /** Everyone allowed the same action and target; with `among`, only the people it admits are judged. */
  allowed(facts: Facts, among?: (username: string) => boolean): ReadonlySet<string>;
}

/** `all`: the reach of every verified alternative; `narrowest`: only as far as ranking needs. */
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
  const runs = new Map<string, { commands: readonly string[]; for: { deny: number; alt: number }[] }>();
  proposed.forEach((alts, deny) =>
    alts.forEach((a, alt) => {
      const key = a.commands.join('\n');
      if (!runs.has(key)) runs.set(key, { commands: a.commands, for: [] });
      runs.get(key)!.for.push({ deny, alt });
    }),
  );
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
  const measure = (deny: number, alt: number, after: Facts): { gains: Grant[]; losses: Grant[] } => {
    if (nobodyElse(deny, alt)) return { gains: [], losses: [] };
    const { decision } = denies[deny];
    const target = decision.target ? formatTarget(decision.target) : null;
    const was = before(deny, alt);
    const now = allowedOthers(deny, alt, after);
    const diff = (set: ReadonlySet<string>, not: ReadonlySet<string>) =>
      [...set].filter((u) => !not.has(u)).sort().map((user) => ({ user, action: decision.action, target }));
    return { gains: diff(now, was), losses: diff(was, now) };
  };
  // Reaches that need the model before the fix are taken now, before any try changes it.
  if (mode === 'all') proposed.forEach((alts, deny) => alts.forEach((_, alt) => nobodyElse(deny, alt) || before(deny, alt)));
  const verified: { alt: number; measured?: { gains: Grant[]; losses: Grant[] } }[][] = denies.map(() => []);
  const reasons: string[] = denies.map(() => '');
  for (const run of runs.values()) {
    await tried(sqlite, run.commands, (failed) => {
      const after = createFacts(sqlite);
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
        verified[deny].push({ alt, ...(mode === 'all' ? { measured: measure(deny, alt, after) } : {}) });
      }
    });
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
    const last = (alt: number) => (alts[alt].reach === 'end-user-profile' ? 1 : 0);
    const found = verified[deny].sort((a, b) => last(a.alt) - last(b.alt) || a.alt - b.alt);
    if (mode === 'narrowest' && found.length) {
      // Only the first group (by the end-user rule) can hold the narrowest; within it, in the
      // order of kinds, the first that reaches nobody else wins and the rest need no measuring.
      const group = found.filter((f) => last(f.alt) === last(found[0].alt));
      for (const f of group) {
        f.measured = nobodyElse(deny, f.alt) ? { gains: [], losses: [] } : await measureApart(deny, f.alt);
        if (f.measured.gains.length + f.measured.losses.length === 0) break;
      }
    }
    const size = (f: (typeof found)[number]) => (f.measured ? f.measured.gains.length + f.measured.losses.length : Number.POSITIVE_INFINITY);
    found.sort((a, b) => last(a.alt) - last(b.alt) || size(a) - size(b) || a.alt - b.alt);
    const fixes = found.map((f) => ({ commands: alts[f.alt].commands, reach: alts[f.alt].reach, ...(f.measured ?? {}) }));
    results.push(fixes.length ? { fixes } : { fixes, noFix: `no change to the set-up alone makes this allow: the known fix was tried and ${reasons[deny]}` });
  }
  return results;

  /** The reach of one alternative on its own: the before set now, then the fix tried again. */
  async function measureApart(deny: number, alt: number) {
    before(deny, alt);
    return tried(sqlite, proposed[deny][alt].commands, () => measure(deny, alt, createFacts(sqlite)));
  }
}

/**
 * A check as whocan prints it: on a deny, `fixes` is the narrowest verified fix, `alternatives`
 * every verified one, and `noFix` says why when none works. In `narrowest` mode only the reach
 * that ranking needs is measured: the other alternatives carry their commands alone.
 */
export async function verifiedDecision(
  sqlite: Sqlite,
  engine: DecisionEngine,
  action: string,
  user: string,
  target: string | undefined,
  opts: EvalOptions,
  mode: ReachMode = 'all',
): Promise<Decision> {
  const d = engine.decide(createFacts(sqlite), action, user, target, opts);
  if (d.decision === 'allow' || d.fixes.length === 0) return d;
  // A model that cannot be written cannot try a fix: the rule's fix is shown as it is, and says so.
  if (sqlite.readonly) return { ...d, fixesNote: 'not verified: the model file is read-only, so the fix could not be tried' };
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
    alternatives: checked.fixes.map((f) => ({ commands: f.commands, ...(f.gains ? { gains: f.gains, losses: f.losses } : {}) })),
    ...(checked.noFix ? { noFix: checked.noFix } : {}),
  };
}

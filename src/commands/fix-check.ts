// A deny's fixes are a promise: run these and the answer becomes allow. Each alternative is run
// in-process on the model inside a transaction that is rolled back, the decision is judged again,
// and only alternatives that turn it into allow are kept, narrowest first, each with what it also
// gives or takes from other people for the same action.

import { createFacts } from '../db/facts/sqlite-facts.js';
import type { Sqlite } from '../db/open.js';
import { parseShellWords } from '../model/errors.js';
import type { Facts } from '../model/facts.js';
import { fixAlternatives, type FixReach } from '../model/fix-alternatives.js';
import type { DecisionEngine, EvalOptions } from '../model/engine.js';
import { formatTarget, type Decision } from '../model/trace.js';

export interface VerifiedFix {
  readonly commands: readonly string[];
  readonly reach: FixReach;
  /** Other people who would be allowed the same action and target after the fix. */
  readonly gains: readonly { readonly user: string; readonly action: string; readonly target: string | null }[];
  /** People who would no longer be allowed it. */
  readonly losses: readonly { readonly user: string; readonly action: string; readonly target: string | null }[];
}

export interface FixCheck {
  readonly fixes: readonly VerifiedFix[];
  /** Why no fix is printed, when none works: one sentence. */
  readonly noFix?: string;
}

export interface FixJudge {
  /** The decision again, on the facts after a fix. */
  decide(facts: Facts): Decision;
  /** Everyone allowed the same action and target. */
  allowed(facts: Facts): ReadonlySet<string>;
}

/** Verifies every alternative for a deny on a writable connection; nothing is kept. */
export async function checkFixes(sqlite: Sqlite, decision: Decision, judge: FixJudge): Promise<FixCheck> {
  return (await checkManyFixes(sqlite, [{ decision, judge }]))[0];
}

/**
 * The same for many denies at once: each distinct alternative is run once, in its own rolled-back
 * transaction, and every deny it was proposed for is judged on the facts after it.
 */
export async function checkManyFixes(sqlite: Sqlite, denies: readonly { decision: Decision; judge: FixJudge }[]): Promise<FixCheck[]> {
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
  const { runCommand } = await import('../cli.js');
  const before = denies.map((d, i) => (proposed[i].length ? d.judge.allowed(facts) : new Set<string>()));
  const found: VerifiedFix[][] = denies.map(() => []);
  const reasons: string[] = denies.map(() => '');
  // Inside a caller's transaction (a what-if of `schoolctl test`) each try is a savepoint of it.
  const nested = sqlite.inTransaction;
  for (const run of runs.values()) {
    sqlite.exec(nested ? 'SAVEPOINT fix_check' : 'BEGIN');
    try {
      let failed: string | undefined;
      for (const line of run.commands) {
        try {
          await runCommand(sqlite, parseShellWords(line).slice(1));
        } catch (e) {
          failed = `${line} fails: ${(e as Error).message.replace(/\.$/, '')}`;
          break;
        }
      }
      const after = createFacts(sqlite);
      for (const { deny, alt } of run.for) {
        const { decision, judge } = denies[deny];
        if (failed) {
          reasons[deny] = failed;
          continue;
        }
        const now = judge.decide(after);
        if (now.decision !== 'allow') {
          reasons[deny] = [...now.trace].reverse().find((s) => s.result === 'fail')?.detail ?? 'the answer stays deny';
          continue;
        }
        const target = decision.target ? formatTarget(decision.target) : null;
        const allowedNow = judge.allowed(after);
        const others = (set: ReadonlySet<string>, not: ReadonlySet<string>) =>
          [...set].filter((u) => !not.has(u) && u !== decision.subject.user).sort().map((user) => ({ user, action: decision.action, target }));
        const { reach } = proposed[deny][alt];
        found[deny].push({ commands: run.commands, reach, gains: others(allowedNow, before[deny]), losses: others(before[deny], allowedNow) });
      }
    } finally {
      sqlite.exec(nested ? 'ROLLBACK TO fix_check; RELEASE fix_check' : 'ROLLBACK');
    }
  }
  return found.map((fixes, deny) => {
    if (proposed[deny].length === 0) return { fixes: [] };
    // Narrowest first: fewest others affected, then the kind of change as fixAlternatives ordered
    // it; raising a whole end-user profile to staff powers comes after every narrower way.
    const order = new Map(proposed[deny].map((a, i) => [a.commands.join('\n'), i]));
    const last = (f: VerifiedFix) => (f.reach === 'end-user-profile' ? 1 : 0);
    const rank = (f: VerifiedFix) => order.get(f.commands.join('\n'))!;
    fixes.sort((a, b) => last(a) - last(b) || a.gains.length + a.losses.length - (b.gains.length + b.losses.length) || rank(a) - rank(b));
    if (fixes.length) return { fixes };
    return { fixes, noFix: `no change to the set-up alone makes this allow: the known fix was tried and ${reasons[deny]}` };
  });
}

/**
 * A check as whocan prints it: on a deny, `fixes` is the narrowest verified fix, `alternatives`
 * every verified one, and `noFix` says why when none works.
 */
export async function verifiedDecision(
  sqlite: Sqlite,
  engine: DecisionEngine,
  action: string,
  user: string,
  target: string | undefined,
  opts: EvalOptions,
): Promise<Decision> {
  const d = engine.decide(createFacts(sqlite), action, user, target, opts);
  if (d.decision === 'allow' || d.fixes.length === 0) return d;
  // A model that cannot be written cannot try a fix: the rule's fix is shown as it is, and says so.
  if (sqlite.readonly) return { ...d, fixesNote: 'not verified: the model file is read-only, so the fix could not be tried' };
  const checked = await checkFixes(sqlite, d, {
    decide: (f) => engine.decide(f, action, user, target, opts),
    allowed: (f) => new Set(engine.whoCan(f, action, target, opts).allowed.map((a) => a.user)),
  });
  return {
    ...d,
    fixes: checked.fixes[0]?.commands ?? [],
    alternatives: checked.fixes.map((f) => ({ commands: f.commands, gains: f.gains, losses: f.losses })),
    ...(checked.noFix ? { noFix: checked.noFix } : {}),
  };
}

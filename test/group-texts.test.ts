import { describe, expect, it } from 'vitest';
import { demoDb, run } from './helpers';

interface Step {
  rule: string;
  result: string;
  detail: string;
  source?: unknown;
}

/** The rule that decided a check of one user alone: the last failing step of a deny, the last passing of an allow. */
function decidingOf(db: string, action: string, user: string): { rule: string; detail: string; source?: unknown } {
  const d = run(db, 'whocan', action, '--user', user, '--json').json as { decision: string; trace: Step[] };
  const want = d.decision === 'allow' ? 'pass' : 'fail';
  const step = [...d.trace].reverse().find((s) => s.result === want)!;
  return step.source ? { rule: step.rule, detail: step.detail, source: step.source } : { rule: step.rule, detail: step.detail };
}

describe("a group's texts told about each member", () => {
  // "s" and "zz" share a setting signature (profile Student, no school, the same own policy), so
  // the diff and the reverse lookup judge one of them and tell the others. "s" is also part of
  // "messages", "is", "send-mass-messages", "site": replacing it everywhere garbled the texts.
  const db = demoDb();
  for (const name of ['s', 'zz']) {
    expect(run(db, 'users', 'add', name, '--profile', 'Student').status).toBe(0);
    expect(run(db, 'policies', 'apply', 'No mass messages', '--user', name).status).toBe(0);
  }

  it('the diff gives each member the rule a check of them alone gives, detail and source', () => {
    for (const [words, action] of [
      [['profiles', 'set', 'Student', 'messages=off'], 'messages'],
      [['policies', 'set', 'No mass messages', 'send-mass-messages=site'], 'send-mass-messages'],
    ] as const) {
      const diff = run(db, ...words, '--dry-run', '--json').json as { access: { changes: { user: string; action: string; target: unknown; before: unknown }[] } };
      for (const user of ['s', 'zz']) {
        const c = diff.access.changes.find((x) => x.user === user && x.action === action && x.target === null);
        expect(c, `${user} ${action}`).toBeDefined();
        expect(c!.before).toEqual(decidingOf(db, action, user));
      }
    }
  });

  it('the reverse lookup gives each member the reason a check of them alone gives', () => {
    const lookup = run(db, 'whocan', 'messages', '--json').json as { allowed: { user: string; because: string }[] };
    for (const user of ['s', 'zz']) expect(lookup.allowed.find((a) => a.user === user)?.because).toBe(decidingOf(db, 'messages', user).detail);
  });
});

import { describe, expect, it } from 'vitest';
import { readAccessTestFile, accessTestText } from '../src/db/access-tests/test-file';
import { evaluateAssertion, fixMatches, narrowestFix, type AccessTestEnv, type Assertion } from '../src/model/access-tests';
import { SchoolctlError } from '../src/model/errors';
import { decisionEngine } from '../src/model/registry';
import type { Decision } from '../src/model/trace';
import { twoSchools } from './memory-facts';

const CHECKS = ['policy-conflict', 'workflow-stuck-batch'];

function problems(text: string): string {
  try {
    readAccessTestFile('t.yaml', text, CHECKS);
  } catch (e) {
    expect(e).toBeInstanceOf(SchoolctlError);
    expect((e as SchoolctlError).exitStatus).toBe(2);
    return (e as SchoolctlError).message;
  }
  throw new Error('the file was accepted');
}

/** The two-school memory site, with membership at or below a unit read from its memberships. */
function env(): AccessTestEnv {
  const m = twoSchools();
  const facts = Object.assign(m.asFacts(), {
    belongsToUnit(userId: number, unitId: string) {
      const u = m.userById(userId)!;
      return (m.memberships.get(u.username) ?? []).some((id) => {
        for (let x = m.unit(id); x; x = x.parentId ? m.unit(x.parentId) : undefined) if (x.id === unitId) return true;
        return false;
      });
    },
  });
  return { engine: decisionEngine(), facts, doctorFindings: () => [{ check: 'policy-conflict', severity: 'warning', message: 'two policies disagree', fixes: [] }] };
}

describe('reading a test file', () => {
  it('names the line of every problem, and evaluates nothing', () => {
    const msg = problems(
      ['tests:', '  - name: a', '    allow: messages', '  - allow: messages', '    user: x', '  - name: c', '    deny: messages', '    user: x', '    usr: y', '  - name: a', '    doctor: [policy-conflikt]'].join('\n'),
    );
    expect(msg).toContain('t.yaml:2: an allow assertion needs user');
    expect(msg).toContain('t.yaml:4: this allow assertion needs a name');
    expect(msg).toContain('t.yaml:9: "usr" is not a field of a deny assertion (did you mean "user"?)');
    expect(msg).toContain('t.yaml:11: "policy-conflikt" is not a doctor check (did you mean "policy-conflict"?)');
  });

  it('reports YAML syntax errors with line and column', () => {
    expect(problems('tests:\n  - name: a\n    allow: [messages\n')).toMatch(/^t\.yaml:\d+:\d+: not valid YAML/);
  });

  it('refuses a file without assertions, a what-if that is not one command, and a missing site', () => {
    expect(problems('site: nowhere.yaml\nwhat-if:\n  - profiles list | head\ntests: []\n')).toMatch(
      /t\.yaml:1: site "nowhere.yaml" does not exist[^\n]*\nt\.yaml:3: "profiles list \| head" is not one schoolctl command \(it holds the shell operator \|\)\nt\.yaml:4: tests must be a non-empty list/,
    );
  });

  it('refuses two assertions with one name', () => {
    expect(problems('tests:\n  - { name: a, deny: messages, user: x }\n  - { name: a, allow: messages, user: x }\n')).toContain('t.yaml:3: the name "a" is already used on line 2');
  });

  it('reads a fix command the way the engine prints it, however it is quoted', () => {
    const f = readAccessTestFile('t.yaml', `tests:\n  - name: f\n    fix: messages\n    user: x\n    command: policies   set "South quiet hours" messages=on\n`, CHECKS);
    expect(f.assertions[0]).toMatchObject({ line: 2, assertion: { kind: 'fix', commands: ["schoolctl policies set 'South quiet hours' messages=on"] } });
  });

  it('reads back what it writes', () => {
    const tests: Assertion[] = [
      { kind: 'allow', name: "a: tricky 'name' # here", question: { action: 'messages' }, user: 'x' },
      { kind: 'who', name: 'w', question: { action: 'view-behaviour', target: 'learner:y', term: '2026-T2' }, exactly: ['a', 'b'] },
      { kind: 'doctor', name: 'd', checks: [] },
    ];
    const text = accessTestText([{ title: 'group', note: 'note', assertions: tests }], ['header']);
    expect(text).toMatch(/^# header\n/);
    expect(readAccessTestFile('t.yaml', text, CHECKS).assertions.map((a) => a.assertion)).toEqual(tests);
  });
});

describe('judging assertions', () => {
  it('an allow that the engine denies fails with the deny and its trace', () => {
    const r = evaluateAssertion(env(), { kind: 'allow', name: 'guest messages', question: { action: 'create-courses', target: 'unit:north' }, user: 'guest' });
    expect(r).toMatchObject({ passed: false, got: 'deny' });
    expect(r.decision?.trace.some((s) => s.result === 'fail')).toBe(true);
  });

  it('a who names each user that differs with the rule that let them in or kept them out', () => {
    const e = env();
    const allowed = e.engine.whoCan(e.facts, 'create-courses', 'unit:north').allowed.map((a) => a.user);
    expect(allowed).toContain('teacher.n');
    const r = evaluateAssertion(e, { kind: 'who', name: 'w', question: { action: 'create-courses', target: 'unit:north' }, exactly: [...allowed.filter((u) => u !== 'teacher.n'), 'guest'] });
    expect(r.passed).toBe(false);
    expect(r.differences?.map((d) => [d.user, d.difference, d.allowed])).toEqual([
      ['teacher.n', 'unexpected', true],
      ['guest', 'missing', false],
    ]);
    expect(r.differences?.every((d) => d.rule && d.detail)).toBe(true);
  });

  it('an only lets in members of the units named, and no one else', () => {
    const e = env();
    const q = { action: 'create-courses', target: 'unit:north' };
    expect(evaluateAssertion(e, { kind: 'only', name: 'o', question: q, users: ['root', 'teacher.ns'], profiles: [], units: ['north'] }).passed).toBe(true);
    const r = evaluateAssertion(e, { kind: 'only', name: 'o', question: q, users: ['root'], profiles: [], units: ['5A'] });
    expect(r.passed).toBe(false);
    expect(r.differences?.map((d) => d.user)).toContain('admin.n');
  });

  it('a name the model does not hold is bad input, not a failure', () => {
    expect(() => evaluateAssertion(env(), { kind: 'who', name: 'w', question: { action: 'messages' }, includes: ['nobody'] })).toThrow(/no user "nobody"/);
  });

  it('doctor compares the checks that report, both ways', () => {
    expect(evaluateAssertion(env(), { kind: 'doctor', name: 'd', checks: ['policy-conflict'] }).passed).toBe(true);
    expect(evaluateAssertion(env(), { kind: 'doctor', name: 'd', checks: [] })).toMatchObject({ passed: false, findings: [{ check: 'policy-conflict' }] });
    expect(evaluateAssertion(env(), { kind: 'doctor', name: 'd', checks: ['policy-conflict', 'workflow-stuck-batch'] }).got).toContain('none of workflow-stuck-batch');
  });

  it('a fix is compared with the first fix the engine prints, and an allow has none', () => {
    const deny: Decision = { action: 'a', subject: { user: 'u', profile: 'p' }, target: null, decision: 'deny', trace: [], fixes: ['schoolctl x', 'schoolctl y'] };
    expect(narrowestFix(deny)).toEqual(['schoolctl x', 'schoolctl y']);
    expect(fixMatches(deny, ['schoolctl x', 'schoolctl y'])).toBe(true);
    expect(fixMatches(deny, ['schoolctl x'])).toBe(false);
    expect(fixMatches({ ...deny, decision: 'allow', fixes: [] }, [])).toBe(false);
  });
});

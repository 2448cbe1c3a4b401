// Composite decisions show their parts as a tree: the step that consulted another decision
// carries that decision's steps in `children` (JSON) and indented under it (human output), while
// the flat list of top-level steps stays, field for field, what scripts have always read.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoDb, run } from './helpers.js';

interface Step {
  rule: string;
  result: string;
  detail: string;
  source?: unknown;
  children?: Step[];
}

let db: string;
beforeAll(() => {
  db = demoDb();
});

function check(...args: string[]): { json: { decision: string; trace: Step[] }; human: string } {
  const json = run(db, 'whocan', ...args, '--json').json;
  const human = run(db, 'whocan', ...args).stdout;
  return { json, human };
}

const find = (steps: readonly Step[], rule: string) => steps.find((s) => s.rule === rule);

describe('the Supervisor entry nests the two entries it consulted', () => {
  it('tab:supervisor: the supervisor-entry step holds the Mentor and Headteacher entries, each with its own steps', () => {
    const { json, human } = check('tab:supervisor', '--user', 'a.visser');
    expect(json.decision).toBe('deny');
    const top = find(json.trace, 'supervisor-entry')!;
    expect(top.children!.map((c) => [c.rule, c.result])).toEqual([
      ['mentor-entry', 'fail'],
      ['headteacher-entry', 'pass'],
    ]);
    expect(top.children![0].children!.map((c) => c.rule)).toEqual(['profile-setting', 'mentor-role', 'mentor-assigned', 'mentor-learners']);
    expect(top.children![1].children![1].detail).toBe('the Headteacher role (headteacher-role) is on for a.visser');
    // Human output shows the tree instead of details prefixed with the entry's name.
    expect(human).not.toMatch(/Headteacher entry: /);
    expect(human).toMatch(/^ {3}1\. ✗ supervisor-entry: /m);
    expect(human).toMatch(/^ {6}1\.1\. ✗ mentor-entry: the Mentor entry does not show$/m);
    expect(human).toMatch(/^ {11}1\.2\.2\. ✓ headteacher-role: the Headteacher role \(headteacher-role\) is on for a\.visser$/m);
  });

  it('tab:mentor of a headteacher: the Headteacher entry that replaces it is nested under supervisor-entry', () => {
    const { json, human } = check('tab:mentor', '--user', 'j.devries');
    const top = find(json.trace, 'supervisor-entry')!;
    expect(top.result).toBe('fail');
    expect(top.children!.map((c) => c.rule)).toEqual(['headteacher-entry']);
    expect(human).toMatch(/^ {3}6\. ✗ supervisor-entry: /m);
    expect(human).toMatch(/^ {6}6\.1\. ✓ headteacher-entry: the Headteacher entry would show$/m);
    expect(human).not.toMatch(/Headteacher entry: /);
  });
});

describe('workflow rights nest the supervisor role their assignment depends on', () => {
  it('view: the mentor assignment holds where the Mentor role came from and its verdict', () => {
    const { json, human } = check('view-behaviour', 'learner:s.bakker', '--user', 'j.devries', '--term', '2026-T2');
    expect(json.decision).toBe('allow');
    const assignment = find(json.trace, 'mentor-assignment')!;
    expect(assignment.children!.map((c) => [c.rule, c.result])).toEqual([
      ['profile-setting', 'info'],
      ['mentor-role', 'pass'],
    ]);
    expect(human).toMatch(/^ {3}2\. ✓ mentor-assignment: j\.devries is Mentor of s\.bakker \(through class 5A\)\n {6}2\.1\. · profile-setting: profile Staff has mentor-role = on\n {6}2\.2\. ✓ mentor-role: /m);
    expect(human).toMatch(/^ {3}3\. ✓ staff-visibility: /m);
  });

  it('edit and advance with the role switched off: the broken assignment is nested, once', () => {
    const fresh = demoDb();
    expect(run(fresh, 'profiles', 'set', 'Staff', 'mentor-role=off', '--yes').status).toBe(0);
    for (const args of [
      ['edit-behaviour', 'learner:s.bakker', '--user', 'j.devries', '--term', '2026-T2'],
      ['advance-behaviour', 'class:5A', '--user', 'j.devries', '--term', '2026-T2'],
    ]) {
      const json = run(fresh, 'whocan', ...args, '--json').json as { decision: string; trace: Step[] };
      const human = run(fresh, 'whocan', ...args).stdout;
      expect(json.decision).toBe('deny');
      const assignment = find(json.trace, 'mentor-assignment')!;
      expect(assignment.children!.at(-1)).toMatchObject({ rule: 'broken-assignment', result: 'fail' });
      // The flat list still has the broken assignment at the top level, without children.
      expect(find(json.trace, 'broken-assignment')).toBeDefined();
      expect(find(json.trace, 'broken-assignment')!.children).toBeUndefined();
      // Shown once per assignment consulted (edit asks it for each of the learner's batches), never twice.
      expect(human.match(/broken-assignment/g)).toHaveLength(json.trace.filter((s) => s.rule === 'broken-assignment').length);
      expect(human).toMatch(/^ +\d+\.\d+\. ✗ broken-assignment: /m);
    }
  });
});

describe('school-function rights reached through a team nest the team they asked', () => {
  it('a klas outside the team: the scope step holds the team check that failed', () => {
    const { json, human } = check('edit-prognoses', 'klas:5H', '--user', 'a.visser', '--project', '2025-2026');
    expect(json.decision).toBe('deny');
    const scope = find(json.trace, 'scope')!;
    expect(scope.children).toEqual([
      expect.objectContaining({ rule: 'team-afdeling', result: 'fail', detail: 'team team-onderbouw holds afdeling onderbouw, not afdeling bovenbouw of klas 5H' }),
    ]);
    expect(human).toMatch(/^ {6}5\.1\. ✗ team-afdeling: team team-onderbouw holds afdeling onderbouw, not afdeling bovenbouw of klas 5H$/m);
  });

  it('a student through the team: membership asked first, then the afdeling of their klas', () => {
    const { json } = check('view-staff-contracts', 'user:s.bakker', '--user', 'a.visser', '--project', '2025-2026');
    expect(json.decision).toBe('allow');
    expect(find(json.trace, 'scope')!.children!.map((c) => [c.rule, c.result])).toEqual([
      ['team-member', 'fail'],
      ['team-afdeling', 'pass'],
    ]);
  });
});

describe('the flat list stays what scripts read', () => {
  // Top-level traces as schoolctl printed them before steps had children.
  const flat = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'flat-traces.json'), 'utf8')) as {
    user: string;
    action: string;
    target: string | null;
    term?: string;
    project?: string;
    decision: string;
    trace: Step[];
  }[];

  it.each(flat.map((f) => [`${f.action} ${f.target ?? ''} --user ${f.user}`, f] as const))('%s: every top-level step unchanged apart from children', (_, f) => {
    const args = [f.action, ...(f.target ? [f.target] : []), '--user', f.user, ...(f.term ? ['--term', f.term] : []), ...(f.project ? ['--project', f.project] : [])];
    const json = run(db, 'whocan', ...args, '--json').json as { decision: string; trace: Step[] };
    expect(json.decision).toBe(f.decision);
    expect(json.trace.map(({ children: _children, ...s }) => s)).toEqual(f.trace);
  });

  it('some of those steps do carry children', () => {
    const json = run(db, 'whocan', 'tab:supervisor', '--user', 'a.visser', '--json').json as { trace: Step[] };
    expect(json.trace.filter((s) => s.children).map((s) => s.rule)).toEqual(['supervisor-entry']);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { demoDb, run, runFix, tempDb } from './helpers';
import { copyFileSync } from 'node:fs';

type Step = { rule: string; result: 'pass' | 'fail' | 'info'; detail: string; source?: Record<string, unknown> };

let demo: string;

/** A fresh copy of the demo model, so each test starts from the same site. */
function site(): string {
  const db = tempDb();
  copyFileSync(demo, db);
  return db;
}

function whocan(db: string, ...args: string[]) {
  return run(db, 'whocan', ...args, '--json');
}

function step(trace: Step[], rule: string): Step {
  const s = trace.find((t) => t.rule === rule);
  if (!s) throw new Error(`no step ${rule} in ${JSON.stringify(trace.map((t) => t.rule))}`);
  return s;
}

/** Runs every printed fix, checking each succeeds. */
function runFixes(db: string, fixes: string[]): void {
  expect(fixes.length).toBeGreaterThan(0);
  for (const f of fixes) {
    const r = runFix(db, f);
    expect(r.status, `${f}: ${r.stderr}`).toBe(0);
  }
}

beforeAll(() => {
  demo = demoDb();
});

/** The narrowest fix for one user's setting: a site policy of their own. */
function personalPolicy(key: string, value: string, user: string): string[] {
  const name = `'${key} for ${user}'`;
  return [`schoolctl policies create ${name}`, `schoolctl policies set ${name} ${key}=${value}`, `schoolctl policies apply ${name} --user ${user}`];
}

describe('the three checks: the Mentor tab is not visible', () => {
  it('role missing in the profile: the trace names the profile, and the fixes make the entry show', () => {
    const db = site();
    const d = whocan(db, 'tab:mentor', '--user', 't.assist');
    expect(d.status).toBe(1);
    expect(d.json.decision).toBe('deny');
    const role = step(d.json.trace, 'mentor-role');
    expect(role.result).toBe('fail');
    expect(role.source).toMatchObject({ kind: 'profile', profile: 'Teaching Assistant', setting: 'mentor-role' });
    expect(step(d.json.trace, 'mentor-assigned').result).toBe('fail');
    // The narrowest fix gives the role to t.assist alone; the profile-wide change is an alternative.
    expect(d.json.fixes).toEqual([...personalPolicy('mentor-role', 'on', 't.assist'), 'schoolctl supervisor add-mentor t.assist --class 5B']);
    expect(d.json.alternatives.map((a: { commands: string[] }) => a.commands)).toContainEqual(["schoolctl profiles set 'Teaching Assistant' mentor-role=on", 'schoolctl supervisor add-mentor t.assist --class 5B']);
    runFixes(db, d.json.fixes);
    const after = whocan(db, 'tab:mentor', '--user', 't.assist');
    expect(after.status).toBe(0);
    expect(after.json.decision).toBe('allow');
  });

  it('assigned but no learners: the learners check fails and adding a class fixes it', () => {
    const db = site();
    expect(run(db, 'users', 'add', 'x.teacher', '--profile', 'Staff', '--unit', '5B').status).toBe(0);
    expect(run(db, 'supervisor', 'add-mentor', 'x.teacher').status).toBe(0);
    const d = whocan(db, 'tab:mentor', '--user', 'x.teacher');
    expect(d.status).toBe(1);
    expect(step(d.json.trace, 'mentor-role').result).toBe('pass');
    expect(step(d.json.trace, 'mentor-assigned').result).toBe('pass');
    expect(step(d.json.trace, 'mentor-learners').result).toBe('fail');
    expect(d.json.fixes).toEqual(['schoolctl supervisor add-mentor x.teacher --class 5B']);
    runFixes(db, d.json.fixes);
    const after = whocan(db, 'tab:mentor', '--user', 'x.teacher');
    expect(after.json.decision).toBe('allow');
    const learners5B = run(db, 'users', 'list', '--unit', '5B', '--profile', 'Student', '--json').json.length;
    expect(learners5B).toBeGreaterThan(0);
    expect(step(after.json.trace, 'mentor-learners').detail).toContain(`${learners5B} learner(s)`);
  });

  it('not assigned: the assignment check fails and the printed add-mentor fixes it', () => {
    const db = site();
    expect(run(db, 'users', 'add', 'y.teacher', '--profile', 'Staff', '--unit', '3C').status).toBe(0);
    const d = whocan(db, 'tab:mentor', '--user', 'y.teacher');
    expect(d.status).toBe(1);
    expect(step(d.json.trace, 'mentor-role').result).toBe('pass');
    const assigned = step(d.json.trace, 'mentor-assigned');
    expect(assigned.result).toBe('fail');
    expect(assigned.source).toMatchObject({ kind: 'assignment', role: 'mentor', user: 'y.teacher' });
    expect(d.json.fixes).toEqual(['schoolctl supervisor add-mentor y.teacher --class 3C']);
    runFixes(db, d.json.fixes);
    expect(whocan(db, 'tab:mentor', '--user', 'y.teacher').json.decision).toBe('allow');
  });

  it('a mentor and headteacher gets only the Supervisor entry', () => {
    const db = site();
    const sup = whocan(db, 'tab:supervisor', '--user', 'j.devries');
    expect(sup.status).toBe(0);
    expect(step(sup.json.trace, 'supervisor-entry').result).toBe('pass');
    for (const tab of ['tab:mentor', 'tab:headteacher']) {
      const d = whocan(db, tab, '--user', 'j.devries');
      expect(d.status).toBe(1);
      const s = step(d.json.trace, 'supervisor-entry');
      expect(s.result).toBe('fail');
      expect(s.detail).toContain('the Supervisor entry replaces them');
      // The one entry shows only without the other role.
      expect(d.json.fixes).toEqual([`schoolctl supervisor remove-${tab === 'tab:mentor' ? 'headteacher' : 'mentor'} j.devries --yes`]);
    }
    const reverse = whocan(db, 'tab:supervisor');
    expect(reverse.json.allowed.map((a: { user: string }) => a.user)).toEqual(['j.devries']);
    const mentors = whocan(db, 'tab:mentor');
    expect(mentors.json.allowed.map((a: { user: string }) => a.user)).toEqual(['m.peters']);
  });

  it('a mentor who becomes a headteacher too: the printed fix turns the Supervisor entry on and the Mentor entry off', () => {
    const db = site();
    const d = whocan(db, 'tab:supervisor', '--user', 'm.peters');
    expect(d.status).toBe(1);
    expect(step(d.json.trace, 'supervisor-entry').result).toBe('fail');
    expect(d.json.fixes).toEqual(['schoolctl supervisor add-headteacher m.peters --org south']);
    runFixes(db, d.json.fixes);
    expect(whocan(db, 'tab:supervisor', '--user', 'm.peters').json.decision).toBe('allow');
    expect(whocan(db, 'tab:mentor', '--user', 'm.peters').json.decision).toBe('deny');
  });
});

describe('assignments', () => {
  it("a learner who joins a mentor's class is covered at once", () => {
    const db = site();
    expect(run(db, 'users', 'add', 'n.student', '--profile', 'Student').status).toBe(0);
    const before = whocan(db, 'manage-ilp', 'learner:n.student', '--user', 'j.devries');
    expect(before.json.decision).toBe('deny');
    expect(run(db, 'users', 'join', 'n.student', '--unit', '5A').status).toBe(0);
    const after = whocan(db, 'manage-ilp', 'learner:n.student', '--user', 'j.devries');
    expect(after.status).toBe(0);
    const mentorSteps = after.json.trace.filter((s: Step) => s.rule === 'mentor-of-learner');
    expect(mentorSteps[0]).toMatchObject({ result: 'pass', source: { kind: 'assignment', via: 'class', unit: '5A' } });
    const reverse = whocan(db, 'manage-ilp', 'learner:n.student');
    const mentor = reverse.json.allowed.find((a: { user: string }) => a.user === 'j.devries');
    expect(mentor.because).toContain('via class 5A');
    expect(mentor.because).toContain('via organisation north-lower');
  });

  it('a headteacher can only be given organisations they belong to: exit 2 naming the valid ones', () => {
    const db = site();
    const r = run(db, 'supervisor', 'add-headteacher', 'm.peters', '--org', 'north', '--json');
    expect(r.status).toBe(2);
    expect(r.json.error.code).toBe('not-a-member');
    expect(r.stderr).toContain('valid: south');
    const list = run(db, 'supervisor', 'list', '--user', 'm.peters', '--json');
    expect(list.json.map((x: { role: string }) => x.role)).toEqual(['mentor']);
    expect(run(db, 'supervisor', 'add-headteacher', 'j.devries', '--org', 'south').status).toBe(0);
  });

  it('a user whose role is off cannot be assigned: exit 2 naming the profile or policy fix', () => {
    const db = site();
    const r = run(db, 'supervisor', 'add-mentor', 't.assist', '--class', '5B');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("schoolctl profiles set 'Teaching Assistant' mentor-role=on");
    expect(run(db, 'supervisor', 'list', '--user', 't.assist', '--json').json).toEqual([]);

    expect(run(db, 'users', 'add', 'z.teacher', '--profile', 'Staff', '--unit', '5B').status).toBe(0);
    expect(run(db, 'policies', 'create', 'No mentoring').status).toBe(0);
    expect(run(db, 'policies', 'set', 'No mentoring', 'mentor-role=off').status).toBe(0);
    expect(run(db, 'policies', 'apply', 'No mentoring', '--user', 'z.teacher').status).toBe(0);
    const p = run(db, 'supervisor', 'add-mentor', 'z.teacher', '--learner', 'e.smit');
    expect(p.status).toBe(2);
    expect(p.stderr).toContain("policy No mentoring");
    expect(p.stderr).toContain("schoolctl policies set 'No mentoring' mentor-role=on");
  });

  it('--learner must be a learner and --class a class or group', () => {
    const db = site();
    const a = run(db, 'supervisor', 'add-mentor', 'm.peters', '--learner', 'g.visitor', '--json');
    expect(a.status).toBe(2);
    expect(a.json.error.code).toBe('not-a-learner');
    const b = run(db, 'supervisor', 'add-mentor', 'm.peters', '--class', 'north-lower', '--json');
    expect(b.status).toBe(2);
    expect(b.json.error.code).toBe('wrong-unit-kind');
  });

  it('an assignment made while the role was on and then switched off shows as broken in whocan and doctor', () => {
    const db = site();
    // It breaks two assignments, so it needs --yes.
    expect(run(db, 'profiles', 'set', 'Staff', 'mentor-role=off', '--yes').status).toBe(0);
    const d = whocan(db, 'manage-ilp', 'learner:l.bakker', '--user', 'm.peters');
    expect(d.status).toBe(1);
    expect(step(d.json.trace, 'mentor-of-learner').result).toBe('pass');
    const role = step(d.json.trace, 'mentor-role');
    expect(role.result).toBe('fail');
    expect(role.detail).toContain('broken');
    expect(d.json.fixes).toEqual(personalPolicy('mentor-role', 'on', 'm.peters'));
    const doc = run(db, 'doctor', '--json');
    const broken = doc.json.findings.filter((f: { check: string }) => f.check === 'supervisor-role-off');
    expect(broken.map((f: { users: string[] }) => f.users[0]).sort()).toEqual(['j.devries', 'm.peters']);
    expect(broken[0].fixes).toEqual(['schoolctl profiles set Staff mentor-role=on']);
    runFixes(db, d.json.fixes);
    expect(whocan(db, 'manage-ilp', 'learner:l.bakker', '--user', 'm.peters').json.decision).toBe('allow');
    // The fix reached m.peters alone: j.devries's assignment is still broken.
    const still = run(db, 'doctor', '--json').json.findings.filter((f: { check: string }) => f.check === 'supervisor-role-off');
    expect(still.map((f: { users: string[] }) => f.users[0])).toEqual(['j.devries']);
  });

  it('remove-mentor takes single classes or the whole role', () => {
    const db = site();
    expect(run(db, 'supervisor', 'add-mentor', 'm.peters', '--class', '3C').status).toBe(0);
    expect(run(db, 'supervisor', 'remove-mentor', 'm.peters', '--learner', 'l.bakker').status).toBe(0);
    const list = run(db, 'supervisor', 'list', '--user', 'm.peters', '--json');
    const learners3C = run(db, 'users', 'list', '--unit', '3C', '--profile', 'Student', '--json').json.length;
    expect(list.json[0]).toMatchObject({ direct: [], classes: [{ id: '3C', learners: learners3C }], learners: learners3C });
    expect(run(db, 'supervisor', 'remove-mentor', 'm.peters', '--class', '5A').status).toBe(2);
    expect(run(db, 'supervisor', 'remove-mentor', 'm.peters', '--yes').status).toBe(0);
    expect(run(db, 'supervisor', 'list', '--user', 'm.peters', '--json').json).toEqual([]);
    const audit = run(db, 'audit', '--json');
    expect(JSON.stringify(audit.json)).toContain('supervisor remove-mentor m.peters');
  });
});

describe('ILPs, names and rights to manage', () => {
  it('manage-ilp needs an ILP template; the printed fix adds one', () => {
    const db = site();
    expect(run(db, 'ilp-templates', 'remove', 'Individual learning plan', '--yes').status).toBe(0);
    const d = whocan(db, 'manage-ilp', 'learner:l.bakker', '--user', 'm.peters');
    expect(d.status).toBe(1);
    expect(step(d.json.trace, 'ilp-template').result).toBe('fail');
    const doc = run(db, 'doctor', '--json');
    expect(doc.json.findings.some((f: { check: string }) => f.check === 'no-ilp-template')).toBe(true);
    runFixes(db, d.json.fixes);
    expect(whocan(db, 'manage-ilp', 'learner:l.bakker', '--user', 'm.peters').json.decision).toBe('allow');
    expect(run(db, 'ilp-templates', 'list', '--json').json.map((t: { name: string }) => t.name)).toEqual(['Individual learning plan']);
  });

  it('share-ilp needs manage-ilp and the share setting', () => {
    const db = site();
    expect(whocan(db, 'share-ilp', 'learner:l.bakker', '--user', 'm.peters').json.decision).toBe('allow');
    expect(run(db, 'profiles', 'set', 'Staff', 'share-ilp=off').status).toBe(0);
    const d = whocan(db, 'share-ilp', 'learner:l.bakker', '--user', 'm.peters');
    expect(d.json.decision).toBe('deny');
    expect(step(d.json.trace, 'share-ilp').result).toBe('fail');
    expect(d.json.fixes).toEqual(personalPolicy('share-ilp', 'on', 'm.peters'));
    const other = whocan(db, 'share-ilp', 'learner:s.bakker', '--user', 'm.peters');
    expect(step(other.json.trace, 'supervisor-of-learner').result).toBe('fail');
  });

  it('a renamed tool name appears in the traces', () => {
    const db = site();
    expect(run(db, 'supervisor', 'settings', '--mentor-tool-name', 'Tutor', '--supervisor-tool-name', 'Coach').status).toBe(0);
    const shown = run(db, 'supervisor', 'settings', '--json');
    expect(shown.json.find((r: { key: string }) => r.key === 'mentor-tool-name').value).toBe('Tutor');
    const m = whocan(db, 'tab:mentor', '--user', 'm.peters');
    expect(step(m.json.trace, 'mentor-entry').detail).toBe('the Tutor entry would show');
    const j = whocan(db, 'tab:mentor', '--user', 'j.devries');
    expect(step(j.json.trace, 'supervisor-entry').detail).toContain('the Coach entry replaces them');
    expect(j.json.trace.some((s: Step) => / Mentor entry/.test(s.detail))).toBe(false);
  });

  it('--as: a user without supervisor management is refused (exit 1) and nothing changes', () => {
    const db = site();
    expect(run(db, 'users', 'add', 'x.south', '--profile', 'Student', '--unit', '3C').status).toBe(0);
    const before = run(db, 'supervisor', 'list', '--user', 'm.peters', '--json').json;
    const r = run(db, '--as', 'j.devries', 'supervisor', 'add-mentor', 'm.peters', '--learner', 'x.south', '--json');
    expect(r.status).toBe(1);
    expect(r.json.decision).toBe('deny');
    expect(r.json.trace.at(-1)).toMatchObject({ rule: 'scope', result: 'fail' });
    expect(run(db, 'supervisor', 'list', '--user', 'm.peters', '--json').json).toEqual(before);
    // School-level supervisor management reaches the actor's own school only.
    expect(run(db, '--as', 'b.mulder', 'supervisor', 'add-mentor', 'm.peters', '--learner', 'x.south').status).toBe(0);
    const far = run(db, '--as', 'b.mulder', 'supervisor', 'add-mentor', 'j.devries', '--class', '5B', '--json');
    expect(far.status).toBe(1);
    expect(step(far.json.trace, 'school-scope').result).toBe('fail');
  });

  it('doctor reports mentors without learners and headteachers outside their memberships, with fixes that work', () => {
    const db = site();
    expect(run(db, 'users', 'add', 'w.teacher', '--profile', 'Staff', '--unit', '5B').status).toBe(0);
    expect(run(db, 'supervisor', 'add-mentor', 'w.teacher').status).toBe(0);
    expect(run(db, 'users', 'leave', 'j.devries', '--unit', '5A').status).toBe(0);
    const doc = run(db, 'doctor', '--json');
    const lonely = doc.json.findings.find((f: { check: string }) => f.check === 'supervisor-without-learners');
    expect(lonely.users).toEqual(['w.teacher']);
    const outside = doc.json.findings.find((f: { check: string }) => f.check === 'headteacher-outside-membership');
    expect(outside.users).toEqual(['j.devries']);
    // Taking learners from a headteacher is a high-impact change: the fix carries its --yes.
    expect(outside.fixes).toEqual(['schoolctl supervisor remove-headteacher j.devries --yes']);
    runFixes(db, [...lonely.fixes, ...outside.fixes]);
    const checks = run(db, 'doctor', '--json').json.findings.map((f: { check: string }) => f.check);
    expect(checks).not.toContain('supervisor-without-learners');
    expect(checks).not.toContain('headteacher-outside-membership');
  });
});

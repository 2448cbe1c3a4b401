import { writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoDb, run, runFix, tempDb } from './helpers';

let demo: string;
beforeAll(() => {
  demo = demoDb();
  // Learners' supervisor roles on, so that only the self-supervision rule can refuse.
  expect(run(demo, 'profiles', 'set', 'Student', 'mentor-role=on', 'headteacher-role=on').status).toBe(0);
});

describe('no one supervises themselves', () => {
  it('a learner is refused as mentor of her own class, of herself, and as headteacher of her school (exit 2)', () => {
    const cls = run(demo, 'supervisor', 'add-mentor', 's.bakker', '--class', '5A');
    expect(cls.status).toBe(2);
    expect(cls.stderr).toMatch(/s\.bakker is a learner in 5A, so they cannot be its Mentor/);
    expect(run(demo, 'supervisor', 'add-mentor', 's.bakker', '--learner', 's.bakker').stderr).toMatch(/cannot be their own Mentor/);
    const org = run(demo, 'supervisor', 'add-headteacher', 's.bakker', '--org', 'north');
    expect(org.status).toBe(2);
    expect(org.stderr).toMatch(/learner in north/);
    expect(run(demo, 'supervisor', 'list', '--user', 's.bakker', '--json').json).toEqual([]);
  });

  it('the mentors and headteachers kinds refuse the same rows, naming the line', () => {
    const dir = tempDb().replace(/model\.db$/, '');
    writeFileSync(`${dir}m.csv`, 'mentor,learner,class\ns.bakker,,5A\n');
    const r = run(demo, 'import', 'mentors', `${dir}m.csv`);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/line 2: column class: value "5A".*no one supervises themselves/);
    writeFileSync(`${dir}h.csv`, 'headteacher,org\ns.bakker,north\n');
    expect(run(demo, 'import', 'headteachers', `${dir}h.csv`).stderr).toMatch(/line 2: column org: value "north"/);
  });

  it("the Mentor entry's fix for a learner never suggests a class she learns in", () => {
    const d = run(demo, 'whocan', 'tab:mentor', '--user', 's.bakker', '--json');
    expect(d.json.decision).toBe('deny');
    const lines: string[] = d.json.fixes;
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toMatch(/--class 5A\b/);
  });
});

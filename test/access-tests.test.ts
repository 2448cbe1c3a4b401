import { XMLParser } from 'fast-xml-parser';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CORE_SECTIONS, demoDb, demoSiteFile, run, tempDb } from './helpers';

const DEMO_ACCESS = join(__dirname, '..', 'fixtures', 'demo-access.yaml');

let demo: string;
beforeAll(() => {
  demo = demoDb();
});

function copyOfDemo(): string {
  const db = tempDb();
  copyFileSync(demo, db);
  return db;
}

function testFile(text: string, dir = mkdtempSync(join(tmpdir(), 'schoolctl-access-'))): string {
  const file = join(dir, 'access.yaml');
  writeFileSync(file, text);
  return file;
}

/** One failing assertion of each kind on the demo, and one that passes. */
const FAILING = `tests:
  - name: l.bakker may send messages
    allow: messages
    user: l.bakker
  - name: s.bakker may not send messages
    deny: messages
    user: s.bakker
  - name: only j.devries sees the Mentor entry
    who: tab:mentor
    users: [j.devries]
  - name: only South's people manage North's users
    only: manage-user
    target: unit:north
    units: [south]
  - name: the profile fixes l.bakker's messages
    fix: messages
    user: l.bakker
    command: schoolctl profiles set Student messages=on
  - name: doctor finds nothing
    doctor: none
  - name: t.assist has no Mentor entry
    deny: tab:mentor
    user: t.assist
`;

/** The lines printed under a failing assertion, up to the next assertion. */
function block(stdout: string, name: string): string {
  const start = stdout.indexOf(`✗ ${name}`);
  expect(start, `no failure printed for "${name}"`).toBeGreaterThanOrEqual(0);
  const rest = stdout.slice(start + 1);
  const end = rest.search(/\n {2}[✓✗] /);
  return end < 0 ? rest : rest.slice(0, end);
}

describe('schoolctl test', () => {
  it('the demo ships a test file that passes on the demo', () => {
    const r = run(demo, 'test', DEMO_ACCESS);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\n17 passed, 0 failed\n$/);
  });

  it('prints each failing assertion with expected, got and its trace, and exits 1', () => {
    const r = run(demo, 'test', testFile(FAILING));
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('✓ t.assist has no Mentor entry');
    expect(r.stdout).toMatch(/\n1 passed, 6 failed\n$/);

    const allow = block(r.stdout, 'l.bakker may send messages');
    expect(allow).toContain('expected: allow: l.bakker messages');
    expect(allow).toContain('got:      deny');
    expect(allow).toMatch(/policy-candidate: policy South quiet hours .* sets messages = off/);
    expect(allow).toContain("schoolctl policies set 'South quiet hours' messages=on");

    const deny = block(r.stdout, 's.bakker may not send messages');
    expect(deny).toContain('got:      allow');
    expect(deny).toMatch(/✓ setting: messages is on for s\.bakker/);

    const who = block(r.stdout, 'only j.devries sees the Mentor entry');
    expect(who).toContain('got:      m.peters may tab:mentor');
    expect(who).toMatch(/\+ m\.peters \(Staff\), allowed, not expected: supervisor-entry: /);
    expect(who).toMatch(/- j\.devries \(Staff\), expected, not allowed: supervisor-entry: .*Supervisor entry/);

    const only = block(r.stdout, "only South's people manage North's users");
    expect(only).toContain('expected: nobody outside members of south may manage-user unit:north');
    expect(only).toMatch(/\+ a\.visser \(Administrator\), allowed, outside the list: \S+: unit:north is in school north, one of a\.visser's schools/);
    expect(only).toMatch(/\+ root \(System Administrator\), allowed, outside the list/);
    expect(only).not.toContain('a.beheer');

    const fix = block(r.stdout, "the profile fixes l.bakker's messages");
    expect(fix).toContain('expected: deny for l.bakker messages, fixed by: schoolctl profiles set Student messages=on');
    expect(fix).toContain("got:      deny, fixed by: schoolctl policies set 'South quiet hours' messages=on");
    expect(fix).toContain('✗ setting: messages is off for l.bakker');

    const doctor = block(r.stdout, 'doctor finds nothing');
    expect(doctor).toContain('got:      findings of workflow-stuck-batch');
    expect(doctor).toMatch(/warning \[workflow-stuck-batch\] behaviour 2026-T2 class:3D is in group-registration/);
  });

  it('a bad test file is exit 2 with its line, and nothing is judged', () => {
    const r = run(demo, 'test', testFile('tests:\n  - name: ok\n    deny: messages\n    user: l.bakker\n  - name: bad\n    allow: mesages\n    user: l.bakker\n  - name: who\n    who: messages\n    includes: [nobody]\n'));
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/access\.yaml:5: "bad": Unknown action "mesages"; did you mean "messages"\?/);
    expect(r.stderr).toMatch(/access\.yaml:8: "who": There is no user "nobody"/);
    const shape = run(demo, 'test', testFile('tests:\n  - name: x\n    allow: messages\n    user: l.bakker\n    term: [a\n'));
    expect(shape.status).toBe(2);
    expect(shape.stderr).toMatch(/access\.yaml:\d+:\d+: not valid YAML/);
  });

  it('applies a site file to a temporary model, runs what-if commands on top, and changes no model', () => {
    const dir = mkdtempSync(join(tmpdir(), 'schoolctl-access-'));
    copyFileSync(demoSiteFile(CORE_SECTIONS), join(dir, 'core-site.yaml'));
    const onSite = testFile(
      `site: core-site.yaml\nwhat-if:\n  - policies set 'South quiet hours' messages=on\ntests:\n  - { name: messages back for South, allow: messages, user: l.bakker }\n  - { name: no Mentor entry without mentors, deny: tab:mentor, user: m.peters }\n`,
      dir,
    );
    const r = run(null, 'test', onSite);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`with 1 what-if command(s): 2 passed, 0 failed`);
    expect(r.status).toBe(0);

    const db = copyOfDemo();
    const onModel = testFile(`model: ${db}\nwhat-if:\n  - profiles set Staff mentor-role=off\ntests:\n  - { name: m.peters loses the Mentor entry, deny: tab:mentor, user: m.peters }\n`);
    expect(run(null, 'test', onModel).status).toBe(0);
    expect(run(db, 'whocan', 'tab:mentor', '--user', 'm.peters').status).toBe(0);
    expect(run(db, 'audit', '--json').json.some((a: { command: string }) => a.command.includes('mentor-role=off'))).toBe(false);

    const broken = testFile(`model: ${db}\nwhat-if:\n  - profiles set Staff mentor-rol=off\ntests:\n  - { name: x, deny: tab:mentor, user: m.peters }\n`);
    const b = run(null, 'test', broken);
    expect(b.status).toBe(2);
    expect(b.stderr).toMatch(/access\.yaml:3: what-if "schoolctl profiles set Staff mentor-rol=off" failed: .*mentor-rol/);
  });

  it('writes a JUnit report with the elements and attributes the JUnit schemas require', () => {
    const r = run(demo, 'test', testFile(FAILING), DEMO_ACCESS, '--format', 'junit');
    expect(r.status).toBe(1);
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase', 'property', 'failure'].includes(name) }).parse(r.stdout);
    // Required by the Jenkins xUnit junit-10.xsd and the stricter Ant junit-4.xsd together.
    const suites = xml.testsuites;
    expect(suites).toBeDefined();
    expect(suites).toMatchObject({ tests: '24', failures: '6', errors: '0' });
    expect(suites.testsuite).toHaveLength(2);
    for (const s of suites.testsuite) {
      for (const a of ['name', 'tests', 'failures', 'errors', 'time', 'timestamp', 'hostname', 'id', 'package']) expect(s[a], `testsuite@${a}`).toBeDefined();
      expect(s.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
      expect(s.properties.property.every((p: Record<string, string>) => p.name && p.value)).toBe(true);
      expect(s).toHaveProperty('system-out');
      expect(s).toHaveProperty('system-err');
      expect(Number(s.tests)).toBe(s.testcase.length);
      expect(Number(s.failures)).toBe(s.testcase.filter((c: { failure?: unknown }) => c.failure).length);
      for (const c of s.testcase) {
        for (const a of ['name', 'classname', 'time']) expect(c[a], `testcase@${a}`).toBeDefined();
        expect(Number.isFinite(Number(c.time))).toBe(true);
        for (const f of c.failure ?? []) {
          expect(f.type).toBeDefined();
          expect(f.message).toMatch(/^expected .*; got /);
        }
      }
    }
    const failed = suites.testsuite[0].testcase.find((c: { name: string }) => c.name === 'l.bakker may send messages');
    expect(failed.failure[0]['#text']).toContain('policy-candidate: policy South quiet hours');
    expect(r.stderr).toContain('18 passed, 6 failed');
  });

  it('writes TAP and JSON reports', () => {
    const tap = run(demo, 'test', testFile(FAILING), '--format', 'tap');
    expect(tap.status).toBe(1);
    expect(tap.stdout).toMatch(/^TAP version 14\n1\.\.7\nnot ok 1 - l\.bakker may send messages\n {2}---\n/);
    expect(tap.stdout).toContain('ok 7 - t.assist has no Mentor entry');
    const json = run(demo, 'test', testFile(FAILING), '--json');
    expect(json.json).toMatchObject({ passed: 1, failed: 6 });
    expect(json.json.files[0].results[2]).toMatchObject({ kind: 'who', passed: false, line: 8, differences: [{ user: 'm.peters', difference: 'unexpected' }, { user: 'j.devries', difference: 'missing' }] });
  });

  it('test --write pins the current answers, which then pass, and fail naming what changed', () => {
    const db = copyOfDemo();
    const file = join(mkdtempSync(join(tmpdir(), 'schoolctl-access-')), 'pinned.yaml');
    const w = run(db, 'test', '--write', file);
    expect(w.status).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^# Access tests written by "schoolctl test --write"/);
    expect(text).toContain('- { name: m.peters sees the Mentor entry, allow: tab:mentor, user: m.peters }');
    expect(text).toMatch(/who: view-behaviour, target: learner:d\.visser, term: 2026-T2, users: \[ a\.visser, j\.devries \]/);
    expect(text).toContain('who: manage-user, target: unit:north, users: [ a.beheer, a.visser, root ]');
    expect(run(db, 'test', file).status).toBe(0);
    // A second --write does not replace the edited file without consent.
    expect(run(db, 'test', '--write', file).status).toBe(2);

    expect(run(db, 'profiles', 'set', 'Staff', 'mentor-role=off', '--yes').status).toBe(0);
    const r = run(db, 'test', file);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/✗ m\.peters sees the Mentor entry[^\n]*\n\s+expected: allow: m\.peters tab:mentor\n\s+got: +deny/);
    expect(r.stdout).toContain('✗ j.devries sees the Supervisor entry');
    expect(r.stdout).toMatch(/- m\.peters \(Staff\), expected, not allowed: relation: /);
    expect(r.stdout).toMatch(/error \[supervisor-role-off\] m\.peters is assigned as a Mentor/);
    expect(r.stdout).toMatch(/\n17 passed, 5 failed\n$/);
  });
});

describe('doctor for pipelines', () => {
  it('exits 0 on warnings, 1 with --strict, and 1 on any error', () => {
    const db = copyOfDemo();
    const warn = run(db, 'doctor', '--json');
    expect(warn.status).toBe(0);
    expect(warn.json).toMatchObject({ errors: 0, strict: false });
    expect(warn.json.warnings).toBeGreaterThan(0);
    expect(warn.json.findings[0]).toMatchObject({ check: 'workflow-stuck-batch', severity: 'warning' });
    expect(run(db, 'doctor', '--strict').status).toBe(1);
    run(db, 'profiles', 'set', 'Staff', 'mentor-role=off', '--yes');
    const err = run(db, 'doctor');
    expect(err.status).toBe(1);
    expect(err.stdout).toMatch(/error \[supervisor-role-off\]/);
    expect(err.stdout).toMatch(/\n2 error\(s\), \d+ warning\(s\)\.\n$/);
  });
});

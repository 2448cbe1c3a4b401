// End-to-end tests of the supervisor and workflow bulk kinds (mentors, headteachers, ilp-templates,
// supervisor-names, workflow-switches) and their site-file sections.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CORE_SECTIONS, demoDb, demoSiteFile, run, runFix, tempDb } from './helpers';

const MODULE_KINDS = ['ilp-templates', 'mentors', 'headteachers', 'workflow-switches'];
/** The site-file sections compared in round trips: the core's and this module's (not the portal's). */
const SECTIONS = ['profiles', 'policies', 'units', 'users', 'courses', 'projects', 'terms', 'supervisorNames', 'ilpTemplates', 'mentors', 'headteachers', 'workflow'];

function dir(): string {
  return mkdtempSync(join(tmpdir(), 'schoolctl-bulkmod-'));
}

function file(name: string, text: string): string {
  const f = join(dir(), name);
  writeFileSync(f, text);
  return f;
}

function ok(db: string, ...args: string[]) {
  const r = run(db, ...args);
  expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r;
}

/** A fresh model holding the demo's core site (with the supervisor roles switched on, as the demo file has them). */
function coreSite(): string {
  const db = tempDb();
  ok(db, 'apply', demoSiteFile(CORE_SECTIONS));
  return db;
}

function auditCount(db: string): number {
  return run(db, 'audit', '--json').json.length;
}

function sections(text: string): Record<string, unknown> {
  const doc = parse(text) as Record<string, unknown>;
  return Object.fromEntries(SECTIONS.filter((k) => doc[k] !== undefined).map((k) => [k, doc[k]]));
}

describe('supervisor and workflow kinds: CSV', () => {
  it('export → import into a model with the same core site → export is identical; importing again changes nothing', () => {
    const demo = demoDb();
    const target = coreSite();
    const d = dir();
    const first: Record<string, string> = {};
    for (const k of MODULE_KINDS) {
      first[k] = ok(demo, 'export', k).stdout;
      writeFileSync(join(d, `${k}.csv`), first[k]);
      // the target starts without them
      expect(ok(target, 'export', k).stdout.trim().split('\n')).toHaveLength(1);
    }
    expect(first.mentors).toBe('mentor,learner,class\nj.devries,,5A\nm.peters,l.bakker,\nm.peters,,3C\n');
    expect(first.headteachers).toBe('headteacher,org\na.visser,north\nb.mulder,south\nj.devries,north-lower\n');
    expect(first['ilp-templates']).toBe('name\nIndividual learning plan\n');
    expect(first['workflow-switches'].split('\n')).toContain('attendance,organisation-approval,on,on,off');
    for (const k of MODULE_KINDS) ok(target, 'import', k, join(d, `${k}.csv`));
    for (const k of MODULE_KINDS) expect(ok(target, 'export', k).stdout, k).toBe(first[k]);
    // the imported assignments act: m.peters mentors l.bakker directly
    const list = ok(target, 'supervisor', 'list', '--json').json as { user: string; role: string; direct: string[] }[];
    expect(list.find((r) => r.user === 'm.peters' && r.role === 'mentor')?.direct).toEqual(['l.bakker']);
    // the same files again: nothing changes, no audit record
    const audits = auditCount(target);
    for (const k of MODULE_KINDS) {
      const r = ok(target, 'import', k, join(d, `${k}.csv`), '--json');
      expect(r.json, k).toMatchObject({ created: 0, updated: 0, unchanged: first[k].trim().split('\n').length - 1 });
    }
    expect(auditCount(target)).toBe(audits);
  });

  it('a mentor with neither learners nor classes is one row with both cells empty, and round-trips', () => {
    const db = coreSite();
    ok(db, 'import', 'mentors', file('m.csv', 'mentor,learner,class\nm.peters,,\n'));
    expect(ok(db, 'export', 'mentors').stdout).toBe('mentor,learner,class\nm.peters,,\n');
    expect(ok(db, 'supervisor', 'list', '--json').json.map((r: { user: string }) => r.user)).toEqual(['m.peters']);
  });

  it('bad rows: each bad cell by line and column, exit 2, nothing changed', () => {
    const db = demoDb();
    const before = MODULE_KINDS.map((k) => ok(db, 'export', k).stdout);
    const audits = auditCount(db);

    const m = run(db, 'import', 'mentors', file('m.csv', 'mentor,learner,class\nm.peters,s.bakker,\nt.assist,,5A\nj.devries,nobody,\nj.devries,j.devries,\nm.peters,,north\n'));
    expect(m.status).toBe(2);
    expect(m.stderr).toContain('line 3: column mentor: value "t.assist" is not a user whose mentor-role is on (profile Teaching Assistant has it off)');
    expect(m.stderr).toContain("schoolctl profiles set 'Teaching Assistant' mentor-role=on");
    expect(m.stderr).toContain('line 4: column learner: value "nobody" is not a user');
    expect(m.stderr).toContain('line 5: column learner: value "j.devries" is not a learner');
    expect(m.stderr).toContain('line 6: column class: value "north" is not a class or group, valid: 3C');
    expect(m.stderr).not.toContain('line 2:');

    const h = run(db, 'import', 'headteachers', file('h.csv', 'headteacher,org\na.visser,south\nl.bakker,\nb.mulder,5A\n'));
    expect(h.status).toBe(2);
    expect(h.stderr).toContain('line 2: column org: value "south" is not a school or organisation a.visser belongs to (directly or through a unit below it), valid: north');
    expect(h.stderr).toContain('line 3: column headteacher: value "l.bakker" is not a user whose headteacher-role is on');
    expect(h.stderr).toContain('line 4: column org: value "5A" is not a school or organisation');

    const w = run(db, 'import', 'workflow-switches', file('w.csv', 'area,phase,learner,parent,external\nbehaviour,completed,off,off,off\nattendance,completed,yes,on,on\nbehaviour,course-registration,on,on,on\nfoo,completed,on,on,on\n'));
    expect(w.status).toBe(2);
    expect(w.stderr).toContain('line 3: column learner: value "yes" is not on or off, valid: on, off');
    expect(w.stderr).toContain('line 4: column phase: value "course-registration" is not a phase of behaviour, valid: group-registration, organisation-approval, completed');
    expect(w.stderr).toContain('line 5: column area: value "foo" is not a workflow area, valid: attendance, behaviour, assessment');

    // the good first rows of each file were rolled back with the rest
    expect(MODULE_KINDS.map((k) => ok(db, 'export', k).stdout)).toEqual(before);
    expect(auditCount(db)).toBe(audits);
  });

  it('the role-off fix makes the row importable', () => {
    const db = demoDb();
    const csv = file('m.csv', 'mentor,learner,class\nt.assist,,5A\n');
    const bad = run(db, 'import', 'mentors', csv);
    expect(bad.status).toBe(2);
    const fix = /switch it on: (schoolctl .*)$/m.exec(bad.stderr)?.[1];
    expect(fix).toBeDefined();
    expect(runFix(db, fix!).status).toBe(0);
    ok(db, 'import', 'mentors', csv);
    expect(ok(db, 'export', 'mentors').stdout).toContain('t.assist,,5A\n');
  });

  it('a missing switch column leaves that switch as it is', () => {
    const db = demoDb();
    ok(db, 'import', 'workflow-switches', file('w.csv', 'area,phase,external\nattendance,group-registration,on\n'));
    expect(ok(db, 'export', 'workflow-switches').stdout.split('\n')).toContain('attendance,group-registration,on,on,on');
  });

  it('--as needs the kind\'s administration setting at site level', () => {
    const db = demoDb();
    const csv = file('t.csv', 'name\nCareer plan\n');
    const denied = run(db, 'import', 'ilp-templates', csv, '--as', 't.assist');
    expect(denied.status).not.toBe(0);
    expect(denied.stderr).toContain('supervisor-management');
    const w = run(db, 'import', 'workflow-switches', file('w.csv', 'area,phase,learner\nbehaviour,completed,off\n'), '--as', 'a.visser');
    expect(w.status).not.toBe(0);
    expect(w.stderr).toContain('workflow-management');
    expect(ok(db, 'export', 'ilp-templates').stdout).not.toContain('Career plan');
    ok(db, 'import', 'ilp-templates', csv, '--as', 'root');
    expect(ok(db, 'export', 'ilp-templates').stdout).toContain('Career plan');
  });

  it('supervisor names: export writes what import reads', () => {
    const db = demoDb();
    ok(db, 'import', 'supervisor-names', file('n.csv', 'setting,value\nmentor-tool-name,Tutor\n'));
    expect(ok(db, 'supervisor', 'settings', '--json').json.find((r: { key: string }) => r.key === 'mentor-tool-name').value).toBe('Tutor');
    expect(ok(db, 'export', 'supervisor-names').stdout).toBe('setting,value\nmentor-tool-name,Tutor\n');
    const bad = run(db, 'import', 'supervisor-names', file('b.csv', 'setting,value\nmentor-name,X\n'));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('line 2: column setting: value "mentor-name" is not a supervisor name setting');
  });
});

describe('supervisor and workflow sections of the site file', () => {
  it('export site on the demo holds them, and apply into a new model → export site is identical', () => {
    const demo = demoDb();
    ok(demo, 'supervisor', 'settings', '--headteacher-term', 'Principal');
    const text = ok(demo, 'export', 'site').stdout;
    const doc = parse(text) as Record<string, any>;
    expect(doc.supervisorNames).toEqual({ 'headteacher-term': 'Principal' });
    expect(doc.ilpTemplates).toEqual(['Individual learning plan']);
    expect(doc.mentors).toEqual([{ user: 'j.devries', classes: ['5A'] }, { user: 'm.peters', learners: ['l.bakker'], classes: ['3C'] }]);
    expect(doc.headteachers).toContainEqual({ user: 'j.devries', orgs: ['north-lower'] });
    expect(doc.workflow.switches.attendance['organisation-approval']).toEqual({ learner: 'on', parent: 'on' });
    expect(doc.workflow.batches).toBeUndefined();

    // Only the core's and this module's sections go into the new model (not other modules').
    const mine = sections(text);
    const siteFile = file('site.yaml', JSON.stringify(mine));
    const fresh = tempDb();
    ok(fresh, 'apply', siteFile);
    const again = ok(fresh, 'export', 'site').stdout;
    expect(sections(again)).toEqual(mine);
    // applying the same file again changes nothing
    const audits = auditCount(fresh);
    expect(ok(fresh, 'apply', siteFile).stdout).toContain('Nothing changed');
    expect(auditCount(fresh)).toBe(audits);
  });

  it('problems are named by their path, once per entry; nothing changes', () => {
    const db = demoDb();
    const before = ok(db, 'export', 'site').stdout;
    const bad = file(
      'bad.yaml',
      [
        'mentors:',
        '  - { user: t.assist, learners: [l.bakker, nobody], classes: [5A] }',
        'headteachers:',
        '  - { user: a.visser, orgs: [south] }',
        'workflow:',
        '  switches:',
        '    attendance:',
        '      completed: { learner: maybe }',
        '  batches: []',
        '',
      ].join('\n'),
    );
    const r = run(db, 'apply', bad);
    expect(r.status).toBe(2);
    const lines = r.stderr.split('\n');
    expect(lines.filter((l) => l.startsWith('mentors[0].user: value "t.assist" is not a user whose mentor-role is on'))).toHaveLength(1);
    expect(r.stderr).toContain('mentors[0].learners[1]: value "nobody" is not a user');
    expect(r.stderr).toContain('headteachers[0].orgs[0]: value "south" is not a school or organisation a.visser belongs to');
    expect(r.stderr).toContain('workflow.switches.attendance.completed.learner: value "maybe" is not on or off');
    expect(r.stderr).toContain('workflow.batches: is not a field here; valid fields: switches');
    expect(ok(db, 'export', 'site').stdout).toBe(before);
  });

  it('apply keeps mentors the file leaves out, and the plan says so', () => {
    const db = demoDb();
    const plan = ok(db, 'apply', file('s.yaml', 'mentors:\n  - { user: j.devries, classes: [5A] }\n'), '--plan').stdout;
    expect(plan).toContain('m.peters');
    expect(plan).toContain('remove-mentor');
  });
});

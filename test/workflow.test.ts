import Database from 'better-sqlite3';
import { copyFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFacts } from '../src/db/facts/sqlite-facts';
import { decisionEngine } from '../src/model/registry';
import { WORKFLOW, type PhaseKey, type WorkflowArea, type WorkflowRole } from '../src/model/workflow-phases';
import { demoDb, run, runFix, tempDb } from './helpers';

const TERM = 'T1';

/** The people around learner s.learn (class 5A, course math; o.learn is in course art only). */
const PEOPLE = {
  learner: 's.learn',
  parent: 'p.par',
  teacher: 't.teach',
  mentor: 'm.ment',
  headteacher: 'h.head',
  other: 'x.other',
} as const;
const ROLE_USER: Record<WorkflowRole, string> = { 'course-teacher': PEOPLE.teacher, mentor: PEOPLE.mentor, headteacher: PEOPLE.headteacher };

/** Switches set for the walk: a different pattern per phase, so every phase is told apart. */
const SWITCHES: Record<WorkflowArea, Partial<Record<PhaseKey, ('learner' | 'parent' | 'external')[]>>> = {
  attendance: { 'group-registration': ['learner'], 'organisation-approval': ['learner', 'parent'], completed: ['learner', 'parent', 'external'] },
  behaviour: { 'group-registration': ['parent'], 'organisation-approval': ['learner'], completed: ['learner', 'parent', 'external'] },
  assessment: { 'course-registration': ['external'], 'organisation-approval': ['learner', 'parent'], completed: ['learner', 'parent', 'external'] },
};

/** The workflow's edit rights, and DOMAIN.md §6's attendance decision, written out independently of the code. */
const EDITORS: Record<WorkflowArea, Record<string, string[]>> = {
  behaviour: { 'group-registration': ['m.ment'], 'organisation-approval': ['h.head', 'm.ment'], completed: [] },
  assessment: { 'course-registration': ['t.teach'], 'organisation-approval': ['h.head', 't.teach'], completed: ['h.head'] },
  attendance: { 'course-registration': ['t.teach'], 'group-registration': ['m.ment'], 'organisation-approval': ['h.head', 'm.ment'], completed: ['h.head'] },
};
const RESPONSIBLE: Record<WorkflowArea, Record<string, string[]>> = {
  behaviour: { 'group-registration': ['m.ment'], 'organisation-approval': ['h.head'], completed: [] },
  assessment: { 'course-registration': ['t.teach'], 'organisation-approval': ['h.head'], completed: [] },
  attendance: { 'course-registration': ['t.teach'], 'group-registration': ['m.ment'], 'organisation-approval': ['h.head'], completed: [] },
};
const PHASES: Record<WorkflowArea, PhaseKey[]> = {
  behaviour: ['group-registration', 'organisation-approval', 'completed'],
  assessment: ['course-registration', 'organisation-approval', 'completed'],
  attendance: ['course-registration', 'group-registration', 'organisation-approval', 'completed'],
};
const BATCH: Record<WorkflowArea, string> = { behaviour: 'class:5A', assessment: 'course:math', attendance: 'course:math' };

function expectedViewers(area: WorkflowArea, phase: PhaseKey): string[] {
  const staff = area === 'behaviour' ? ['h.head', 'm.ment'] : ['h.head', 'm.ment', 't.teach'];
  const on = SWITCHES[area][phase] ?? [];
  return [...staff, ...(on.includes('learner') ? ['s.learn'] : []), ...(on.includes('parent') ? ['p.par'] : []), ...(on.includes('external') ? ['external'] : [])].sort();
}

function ok(r: { status: number; stderr: string }) {
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
}

function must(db: string, ...args: string[]) {
  const r = run(db, '--quiet', ...args);
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r;
}

/** A small school: north > lower > 5A, courses math (s.learn) and art (o.learn), both taught by t.teach. */
function buildSite(): string {
  const db = tempDb();
  must(db, 'init');
  must(db, 'units', 'add', 'north', '--kind', 'school');
  must(db, 'units', 'add', 'lower', '--kind', 'organisation', '--parent', 'north');
  must(db, 'units', 'add', '5A', '--kind', 'class', '--parent', 'lower');
  must(db, 'users', 'add', 't.teach', '--profile', 'Staff', '--unit', '5A');
  must(db, 'users', 'add', 'm.ment', '--profile', 'Staff', '--unit', '5A');
  must(db, 'users', 'add', 'h.head', '--profile', 'Staff', '--unit', 'lower');
  must(db, 'users', 'add', 'x.other', '--profile', 'Staff', '--unit', '5A');
  must(db, 'users', 'add', 's.learn', '--profile', 'Student', '--unit', '5A', '--name', '=Sam Learn');
  must(db, 'users', 'add', 'o.learn', '--profile', 'Student', '--unit', '5A');
  must(db, 'users', 'add', 'p.par', '--profile', 'Parent');
  must(db, 'parents', 'link', 'p.par', 's.learn');
  must(db, 'courses', 'add', 'math', '--unit', '5A');
  must(db, 'courses', 'add', 'art', '--unit', '5A');
  must(db, 'courses', 'enrol', 'math', 't.teach', '--role', 'teacher');
  must(db, 'courses', 'enrol', 'math', 's.learn', '--role', 'learner');
  must(db, 'courses', 'enrol', 'art', 't.teach', '--role', 'teacher');
  must(db, 'courses', 'enrol', 'art', 'o.learn', '--role', 'learner');
  must(db, 'terms', 'add', TERM, '--from', '2000-01-01', '--to', '2999-12-31');
  must(db, 'profiles', 'set', 'Staff', 'mentor-role=on', 'headteacher-role=on');
  // The supervisor commands live on another branch: assignments go straight into their tables.
  const sql = new Database(db);
  const id = (u: string) => (sql.prepare('SELECT id FROM users WHERE username = ?').get(u) as { id: number }).id;
  sql.prepare('INSERT INTO mentors (user_id) VALUES (?)').run(id('m.ment'));
  sql.prepare('INSERT INTO mentor_classes (mentor_id, unit_id) VALUES (?, ?)').run(id('m.ment'), '5A');
  sql.prepare('INSERT INTO headteachers (user_id) VALUES (?)').run(id('h.head'));
  sql.prepare('INSERT INTO headteacher_orgs (user_id, unit_id) VALUES (?, ?)').run(id('h.head'), 'lower');
  sql.close();
  for (const [area, phases] of Object.entries(SWITCHES)) {
    for (const [phase, on] of Object.entries(phases)) {
      must(db, 'workflow', 'set', area, phase, ...on.flatMap((a) => [`--${a}`, 'on']));
    }
  }
  return db;
}

function allowedBy(db: string, action: string, target: string): string[] {
  const r = run(db, 'whocan', action, target, '--term', TERM, '--json');
  ok(r);
  return r.json.allowed.map((a: { user: string }) => a.user).sort();
}

/** Forward checks in-process, on the same model file: every person and external systems. */
function forward(db: string, action: string, target: string): string[] {
  const sql = new Database(db, { readonly: true });
  try {
    const facts = createFacts(sql as never);
    const engine = decisionEngine();
    return [...Object.values(PEOPLE), 'o.learn', 'external']
      .filter((u) => {
        if (u === 'external' && !action.startsWith('view-')) return false;
        return engine.decide(facts, action, u, target, { term: TERM }).decision === 'allow';
      })
      .sort();
  } finally {
    sql.close();
  }
}

function phaseOf(db: string, area: WorkflowArea): string {
  const r = run(db, 'workflow', 'status', area, BATCH[area], '--term', TERM, '--json');
  ok(r);
  return r.json[0].phase;
}

let template: string | undefined;

/** A fresh copy of the test site (built once: spawning the binary is the slow part). */
function freshSite(): string {
  template ??= buildSite();
  const db = tempDb();
  copyFileSync(template, db);
  return db;
}

describe('workflow: walking every area through its phases', () => {
  let db: string;
  beforeAll(() => {
    db = freshSite();
  });

  for (const area of ['attendance', 'behaviour', 'assessment'] as WorkflowArea[]) {
    it(`${area}: at every phase the switches, edit rights and responsible role decide, and only the responsible user advances`, () => {
      expect(WORKFLOW[area].phases.map((p) => p.key)).toEqual(PHASES[area]);
      const phases = PHASES[area];
      for (let i = 0; i < phases.length; i++) {
        const phase = phases[i];
        expect(phaseOf(db, area)).toBe(phase);
        const where = `${area} in ${phase}`;
        // reverse lookups through the binary, forward checks on the model: both must match the tables
        expect(allowedBy(db, `view-${area}`, 'learner:s.learn'), where).toEqual(expectedViewers(area, phase));
        expect(forward(db, `view-${area}`, 'learner:s.learn'), where).toEqual(expectedViewers(area, phase));
        expect(allowedBy(db, `edit-${area}`, 'learner:s.learn'), where).toEqual(EDITORS[area][phase]);
        expect(forward(db, `edit-${area}`, 'learner:s.learn'), where).toEqual(EDITORS[area][phase]);
        expect(allowedBy(db, `advance-${area}`, BATCH[area]), where).toEqual(RESPONSIBLE[area][phase]);
        expect(forward(db, `advance-${area}`, BATCH[area]), where).toEqual(RESPONSIBLE[area][phase]);

        const responsible = WORKFLOW[area].phases[i].responsible;
        if (!responsible) {
          const done = run(db, 'workflow', 'advance', area, BATCH[area], '--term', TERM, '--as', 'h.head');
          expect(done.status).toBe(2);
          expect(done.stderr).toContain('already completed');
          expect(phaseOf(db, area)).toBe(phase);
          continue;
        }
        // every other person is refused with exit 1 and the trace; nothing changes
        for (const wrong of Object.values(ROLE_USER).filter((u) => u !== ROLE_USER[responsible]).concat('x.other')) {
          const r = run(db, 'workflow', 'advance', area, BATCH[area], '--term', TERM, '--as', wrong, '--json');
          expect(r.status, `${wrong} advancing ${where}`).toBe(1);
          expect(r.json.decision).toBe('deny');
          expect(r.json.trace.some((s: { rule: string; result: string }) => s.rule === 'phase-responsible')).toBe(true);
          expect(phaseOf(db, area)).toBe(phase);
        }
        const adv = run(db, 'workflow', 'advance', area, BATCH[area], '--term', TERM, '--as', ROLE_USER[responsible], '--json');
        ok(adv);
        expect(adv.json).toMatchObject({ from: phase, to: phases[i + 1], by: ROLE_USER[responsible] });
      }
      // every advance is audited under the responsible user's name
      const audit = run(db, 'audit', '--json');
      ok(audit);
      const text = JSON.stringify(audit.json);
      for (const p of phases.slice(1)) expect(text).toContain(`"phase":"${p}"`);
    });
  }

  it('a parent who may not see yet gets the phase, the switch and a fix that works', () => {
    const fresh = freshSite();
    const deny = run(fresh, 'whocan', 'view-attendance', 'learner:s.learn', '--user', 'p.par', '--term', TERM, '--json');
    expect(deny.status).toBe(1);
    expect(deny.json.trace).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ rule: 'parent-of-learner', result: 'pass' }),
        expect.objectContaining({ rule: 'workflow-phase', result: 'pass', detail: expect.stringContaining('attendance T1 course:math is in course-registration') }),
        expect.objectContaining({ rule: 'phase-visibility', result: 'fail', source: { kind: 'workflow', area: 'attendance', phase: 'course-registration', switch: 'parent' } }),
      ]),
    );
    expect(deny.json.fixes).toEqual(['schoolctl workflow set attendance course-registration --parent on']);
    ok(runFix(fresh, deny.json.fixes[0]));
    const after = run(fresh, 'whocan', 'view-attendance', 'learner:s.learn', '--user', 'p.par', '--term', TERM, '--json');
    expect(after.status).toBe(0);
    expect(after.json.decision).toBe('allow');
  });

  it('whocan view-assessment lists everyone who can see it, each with why', () => {
    const fresh = freshSite();
    const r = run(fresh, 'whocan', 'view-assessment', 'learner:s.learn', '--term', TERM, '--json');
    ok(r);
    const why = Object.fromEntries(r.json.allowed.map((a: { user: string; because: string }) => [a.user, a.because]));
    expect(Object.keys(why).sort()).toEqual(['external', 'h.head', 'm.ment', 't.teach']);
    expect(why['m.ment']).toMatch(/Mentor of s\.learn \(through class 5A\)/);
    expect(why['h.head']).toMatch(/Headteacher of s\.learn \(organisation lower\)/);
    expect(why['t.teach']).toMatch(/teacher of course math/);
    expect(why.external).toMatch(/External systems visibility is on in course-registration \(course:math\)/);
  });

  it('a mentor whose role was switched off holds a broken assignment: denied, with the fix', () => {
    const fresh = freshSite();
    // It breaks the assignment, so it needs --yes (the consequences are listed on stderr).
    must(fresh, 'profiles', 'set', 'Staff', 'mentor-role=off', '--yes');
    const r = run(fresh, 'whocan', 'view-behaviour', 'learner:s.learn', '--user', 'm.ment', '--term', TERM, '--json');
    expect(r.status).toBe(1);
    expect(r.json.trace).toEqual(expect.arrayContaining([expect.objectContaining({ rule: 'broken-assignment', result: 'fail' })]));
    // The narrowest fix: the role for m.ment alone; the profile-wide change is an alternative.
    expect(r.json.fixes).toEqual([
      "schoolctl policies create 'mentor-role for m.ment'",
      "schoolctl policies set 'mentor-role for m.ment' mentor-role=on",
      "schoolctl policies apply 'mentor-role for m.ment' --user m.ment",
    ]);
    expect(r.json.alternatives.map((a: { commands: string[] }) => a.commands)).toContainEqual(['schoolctl profiles set Staff mentor-role=on']);
    // doctor sees the batch nobody can move on, with the site-wide fix
    const stuck = (d: string) =>
      run(d, 'doctor', '--json').json.findings.filter((f: { check: string; message: string }) => f.check === 'workflow-stuck-batch' && f.message.includes('behaviour T1 class:5A'));
    expect(stuck(fresh)).toEqual([expect.objectContaining({ users: ['m.ment'], fixes: ['schoolctl profiles set Staff mentor-role=on'] })]);
    for (const line of r.json.fixes) ok(runFix(fresh, line));
    expect(run(fresh, 'whocan', 'view-behaviour', 'learner:s.learn', '--user', 'm.ment', '--term', TERM).status).toBe(0);
    expect(stuck(fresh)).toEqual([]);
  });

  it('the external export holds exactly the learners whose batch is in a phase with External systems on', () => {
    const fresh = freshSite();
    for (const who of ['t.teach', 'm.ment', 'h.head']) must(fresh, 'workflow', 'advance', 'attendance', 'course:math', '--term', TERM, '--as', who);
    const json = run(fresh, 'workflow', 'external', 'attendance', '--term', TERM, '--format', 'json');
    ok(json);
    expect(JSON.parse(json.stdout).map((r: { username: string; batch: string }) => [r.username, r.batch])).toEqual([['s.learn', 'course:math']]);
    const csv = run(fresh, 'workflow', 'external', 'attendance', '--term', TERM);
    ok(csv);
    expect(csv.stdout.trim().split('\n')).toEqual(['username,name,external_id,area,term,batch,phase', "s.learn,'=Sam Learn,,attendance,T1,course:math,completed"]);
    // assessment's first phase sends to external systems: both courses' learners
    const a = run(fresh, 'workflow', 'external', 'assessment', '--term', TERM, '--json');
    expect(a.json.map((r: { username: string }) => r.username)).toEqual(['o.learn', 's.learn']);
    // behaviour's first phase does not: nobody
    expect(run(fresh, 'workflow', 'external', 'behaviour', '--term', TERM, '--json').json).toEqual([]);
  });

  it('reset needs --yes and Workflow management, and is audited', () => {
    const fresh = freshSite();
    must(fresh, 'workflow', 'advance', 'assessment', 'course:math', '--term', TERM, '--as', 't.teach');
    expect(run(fresh, 'workflow', 'reset', 'assessment', 'course:math', '--term', TERM).status).toBe(2);
    const refused = run(fresh, 'workflow', 'reset', 'assessment', 'course:math', '--term', TERM, '--yes', '--as', 'x.other');
    expect(refused.status).toBe(1);
    expect(phaseOf(fresh, 'assessment')).toBe('organisation-approval');
    ok(run(fresh, 'workflow', 'reset', 'assessment', 'course:math', '--term', TERM, '--yes'));
    expect(phaseOf(fresh, 'assessment')).toBe('course-registration');
    expect(run(fresh, 'audit', '--json').stdout).toContain('workflow reset assessment');
  });

  it('bad input is exit 2 with nothing changed; switches under --as need Workflow management', () => {
    const fresh = freshSite();
    expect(run(fresh, 'workflow', 'advance', 'attendance', 'course:math', '--term', TERM).stderr).toContain('--as');
    expect(run(fresh, 'workflow', 'advance', 'attendance', 'course:math', '--term', TERM).status).toBe(2);
    expect(run(fresh, 'workflow', 'advance', 'behaviour', 'course:math', '--term', TERM, '--as', 'm.ment').status).toBe(2);
    expect(run(fresh, 'workflow', 'set', 'attendance', 'approval', '--learner', 'on').status).toBe(2);
    expect(run(fresh, 'workflow', 'set', 'homework', 'completed', '--learner', 'on').status).toBe(2);
    expect(run(fresh, 'workflow', 'set', 'attendance', 'completed', '--learner', 'yes').status).toBe(2);
    const refused = run(fresh, 'workflow', 'set', 'behaviour', 'group-registration', '--learner', 'on', '--as', 'x.other', '--json');
    expect(refused.status).toBe(1);
    expect(refused.json.trace.at(-1)).toMatchObject({ rule: 'setting', result: 'fail' });
    const show = run(fresh, 'workflow', 'show', 'behaviour', '--json');
    expect(show.json.find((r: { phase: string }) => r.phase === 'group-registration')).toMatchObject({ learner: false, parent: true, responsible: 'Mentor' });
  });

  it('without --term the term containing today is used; with no terms the error names terms add', () => {
    const fresh = freshSite();
    const r = run(fresh, 'whocan', 'view-attendance', 'learner:s.learn', '--user', 't.teach', '--json');
    expect(r.status).toBe(0);
    expect(r.json.trace[0].detail).toContain('term T1 (no --term given: its dates contain today; chosen among site terms');
    const empty = tempDb();
    must(empty, 'init');
    must(empty, 'users', 'add', 's.x', '--profile', 'Student');
    const none = run(empty, 'workflow', 'status', 'attendance');
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('terms add');
  });

  it('renamed supervisor roles show in the admin table and in traces', () => {
    const fresh = freshSite();
    const sql = new Database(fresh);
    sql.prepare(`INSERT INTO site_settings (key, value) VALUES ('mentor-role-name', 'Tutor'), ('headteacher-role-name', 'Principal')`).run();
    sql.close();
    const show = run(fresh, 'workflow', 'show', 'attendance', '--json');
    expect(show.json.map((r: { responsible: string | null }) => r.responsible)).toEqual(['Course teacher', 'Tutor', 'Principal', null]);
    const r = run(fresh, 'whocan', 'view-behaviour', 'learner:s.learn', '--user', 'm.ment', '--term', TERM, '--json');
    expect(r.json.trace.some((s: { detail: string }) => s.detail.includes('Tutor of s.learn'))).toBe(true);
  });

  it("the demo's parent sees Sanne's attendance in 2026-T2 but not yet her behaviour", () => {
    const demo = demoDb();
    const att = run(demo, 'whocan', 'view-attendance', 'learner:s.bakker', '--user', 'p.bakker', '--term', '2026-T2', '--json');
    expect(att.status).toBe(0);
    expect(att.json.trace).toEqual(expect.arrayContaining([expect.objectContaining({ rule: 'workflow-phase', detail: expect.stringContaining('course:math-5a is in organisation-approval') })]));
    const beh = run(demo, 'whocan', 'view-behaviour', 'learner:s.bakker', '--user', 'p.bakker', '--term', '2026-T2', '--json');
    expect(beh.status).toBe(1);
    expect(beh.json.fixes).toEqual(['schoolctl workflow set behaviour group-registration --parent on']);
    const status = run(demo, 'workflow', 'status', 'attendance', '--term', '2026-T2', '--json');
    const batches = status.json.map((b: { batch: string; phase: string }) => `${b.batch} ${b.phase}`);
    expect(batches).toEqual(expect.arrayContaining(['course:art-3c group-registration', 'course:math-5a organisation-approval']));
    const math = status.json.find((b: { batch: string }) => b.batch === 'course:math-5a');
    // Headteachers of north (a.visser) and of north-lower (j.devries), both above math-5a's class.
    expect(math.mayAdvance.map((m: { user: string }) => m.user)).toEqual(['a.visser', 'j.devries']);
  });
});

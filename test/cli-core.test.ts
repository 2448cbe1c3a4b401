import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoDb, run, runFix, tempDb } from './helpers';

function auditCount(db: string): number {
  return run(db, 'audit', '--json', '--limit', '100000').json.length;
}

describe('profiles on the command line', () => {
  let db: string;
  beforeAll(() => {
    db = tempDb();
    run(db, 'init');
  });

  it('sets several values at once and records them in the audit log', () => {
    const r = run(db, 'profiles', 'set', 'Staff', 'messages=off', 'quota=1024', 'create-courses=site', '--json');
    expect(r.status).toBe(0);
    expect(r.json.changed).toBe(3);
    const show = run(db, 'profiles', 'show', 'Staff', '--json').json;
    const value = (k: string) => show.settings.find((s: { key: string }) => s.key === k).value;
    expect([value('messages'), value('quota'), value('create-courses')]).toEqual(['off', '1024', 'site']);
    const last = run(db, 'audit', '--json').json.at(-1);
    expect(last.command).toBe("schoolctl profiles set Staff messages=off quota=1024 create-courses=site --json");
    expect(last.changes).toContainEqual({ entity: 'profile-setting', id: 'Staff/messages', before: 'on', after: 'off' });
  });

  it.each([
    [['profiles', 'set', 'Staff', 'mesages=on'], /no setting "mesages"; did you mean "messages"/],
    [['profiles', 'set', 'Staff', 'quota=-5'], /"-5" is not a valid value for quota .*from 0 to/],
    [['profiles', 'set', 'Staff', 'automatic-logout-time=600'], /"600" is not a valid value for automatic-logout-time.*1 to 480/],
    [['profiles', 'set', 'Staff', 'create-courses=everywhere'], /valid: site, school or disabled/],
    [['profiles', 'set', 'Staff', 'messages'], /not KEY=VALUE/],
    [['profiles', 'set', 'Nobody', 'messages=on'], /no profile "Nobody"; profiles are: System Administrator/],
    [['profiles', 'create', 'Helper', '--level', '30'], /level 30 already belongs to profile Staff/],
    [['profiles', 'create', 'Helper', '--level', '101'], /use a whole number from 10 to 100/],
    [['profiles', 'create', 'Helper', '--level', '25', '--role', 'boss'], /Role in hierarchy "boss" is not valid/],
    [['profiles', 'matrix', '--section', 'nope'], /no section "nope"; sections are/],
  ])('refuses %j with exit 2, one sentence, and changes nothing', (args, message) => {
    const before = auditCount(db);
    const r = run(db, ...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(auditCount(db)).toBe(before);
  });

  it('creates a profile between existing levels with the settings of another', () => {
    expect(run(db, 'profiles', 'create', 'Teaching Assistant', '--level', '28', '--like', 'Staff').status).toBe(0);
    const list = run(db, 'profiles', 'list', '--json').json;
    expect(list.map((p: { level: number }) => p.level)).toEqual([100, 50, 30, 28, 20, 12, 10]);
    expect(list.find((p: { name: string }) => p.name === 'Teaching Assistant').roleInHierarchy).toBe('teacher');
  });

  it('refuses to delete a profile while users hold it', () => {
    run(db, 'users', 'add', 'ta.one', '--profile', 'Teaching Assistant');
    const r = run(db, 'profiles', 'delete', 'Teaching Assistant');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/held by 1 user/);
    expect(run(db, 'users', 'remove', 'ta.one').stderr).toMatch(/pass --yes to confirm/);
    expect(run(db, 'users', 'remove', 'ta.one', '--yes').status).toBe(0);
    expect(run(db, 'profiles', 'delete', 'Teaching Assistant', '--yes').status).toBe(0);
  });

  it('prints the matrix with settings as rows and profiles as columns', () => {
    const r = run(db, 'profiles', 'matrix', '--section', 'supervisors');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/System Administrator \(100\).*Guest \(10\)/);
    expect(r.stdout).toMatch(/mentor-role.*✗/);
  });
});

describe('the hierarchy', () => {
  it('never puts a school inside another school, nor a class at the root', () => {
    const db = tempDb();
    run(db, 'init');
    expect(run(db, 'units', 'add', 'north', '--kind', 'school').status).toBe(0);
    expect(run(db, 'units', 'add', 'dept', '--kind', 'organisation', '--parent', 'north').status).toBe(0);
    const r = run(db, 'units', 'add', 'annex', '--kind', 'school', '--parent', 'dept');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/never sits inside another school/);
    expect(run(db, 'units', 'add', '5A', '--kind', 'class').stderr).toMatch(/cannot sit directly under the site root/);
    expect(run(db, 'units', 'add', 'x', '--kind', 'campus').stderr).toMatch(/use school, organisation, class, group/);
    expect(run(db, 'units', 'move', 'north', '--parent', 'dept').stderr).toMatch(/inside it/);
  });
});

describe('policies', () => {
  it('reach the current members of a unit, not those who join later', () => {
    const db = demoDb();
    run(db, 'policies', 'create', 'No library', '--org', 'north');
    run(db, 'policies', 'set', 'No library', 'enable-library=off');
    expect(run(db, 'policies', 'apply', 'No library', '--unit', '5A').status).toBe(0);
    run(db, 'users', 'add', 'new.pupil', '--profile', 'Student', '--unit', '5A');
    expect(run(db, 'whocan', 'enable-library', '--user', 's.bakker').status).toBe(1);
    expect(run(db, 'whocan', 'enable-library', '--user', 'new.pupil').status).toBe(0);
    // A learner who moves keeps it.
    run(db, 'users', 'leave', 's.bakker', '--unit', '5A');
    run(db, 'users', 'join', 's.bakker', '--unit', '5B');
    expect(run(db, 'whocan', 'enable-library', '--user', 's.bakker').status).toBe(1);
  });

  it('applied to a unit, record for each member whether they had it, and unapply removes it from each', () => {
    const db = demoDb();
    run(db, 'policies', 'create', 'No library', '--org', 'north');
    run(db, 'policies', 'set', 'No library', 'enable-library=off');
    expect(run(db, 'policies', 'apply', 'No library', '--user', 's.bakker').status).toBe(0);
    const applied = run(db, 'policies', 'apply', 'No library', '--unit', '5A', '--json').json;
    const byUser = new Map(applied.changes.map((c: { id: string; before: string | null }) => [c.id, c.before]));
    expect(byUser.size).toBeGreaterThan(1);
    expect(byUser.get('No library→user s.bakker')).toBe('assigned');
    for (const [key, before] of byUser) if (key !== 'No library→user s.bakker') expect(before).toBeNull();
    const shown = run(db, 'policies', 'show', 'No library', '--json').json;
    expect(shown.users.length).toBe(byUser.size);
    const removed = run(db, 'policies', 'unapply', 'No library', '--unit', '5A', '--json').json;
    expect(removed.changes.length).toBe(byUser.size);
    expect(run(db, 'policies', 'show', 'No library', '--json').json.users).toEqual([]);
  });

  it('shows losing and non-acting candidates in the trace', () => {
    const db = demoDb();
    run(db, 'policies', 'create', 'Site chat');
    run(db, 'policies', 'set', 'Site chat', 'messages=on');
    run(db, 'policies', 'apply', 'Site chat', '--user', 'l.bakker');
    const d = run(db, 'whocan', 'messages', '--user', 'l.bakker', '--json').json;
    expect(d.decision).toBe('deny');
    const rules = d.trace.map((s: { rule: string }) => s.rule);
    expect(rules).toEqual(['profile-setting', 'policy-candidate', 'policy-candidate', 'setting']);
    expect(d.trace[1].detail + d.trace[2].detail).toMatch(/loses to South quiet hours/);
    const north = run(db, 'whocan', 'messages', '--user', 's.bakker', '--json').json;
    expect(north.trace.map((s: { rule: string }) => s.rule)).toContain('policy-not-acting');
  });

  it('are reported by doctor when two disagree for the same users, with the unapply that removes the loser', () => {
    const db = demoDb();
    run(db, 'policies', 'create', 'Loud');
    run(db, 'policies', 'set', 'Loud', 'messages=on');
    run(db, 'policies', 'apply', 'Loud', '--profile', 'Student');
    const r = run(db, 'doctor', '--json').json;
    const f = r.findings.find((x: { check: string }) => x.check === 'policy-conflict');
    expect(f.message).toMatch(/the stricter, South quiet hours, wins/);
    expect(f.fixes).toEqual(["schoolctl policies unapply Loud --profile Student"]);
    expect(runFix(db, f.fixes[0]).status).toBe(0);
    expect(run(db, 'doctor', '--json').json.findings.filter((x: { check: string }) => x.check === 'policy-conflict')).toHaveLength(0);
  });
});

describe('whocan', () => {
  const db = demoDb();

  it('turns a school-scope deny into allow by running its fix', () => {
    const d = run(db, 'whocan', 'message-user', 'user:e.smit', '--user', 'm.peters', '--json');
    expect(d.status).toBe(1);
    // The narrowest fix reaches m.peters alone: a policy of her own, not all of Staff.
    expect(d.json.fixes).toEqual([
      "schoolctl policies create 'initiate-communication-to-students for m.peters'",
      "schoolctl policies set 'initiate-communication-to-students for m.peters' initiate-communication-to-students=site",
      "schoolctl policies apply 'initiate-communication-to-students for m.peters' --user m.peters",
    ]);
    const other = tempDb();
    run(other, 'demo', '--quiet');
    for (const line of d.json.fixes) expect(runFix(other, line).status).toBe(0);
    expect(run(other, 'whocan', 'message-user', 'user:e.smit', '--user', 'm.peters').status).toBe(0);
  });

  it('lists actions, and rejects a bad target with exit 2', () => {
    const a = run(db, 'whocan', '--actions', '--json').json;
    expect(a.map((x: { key: string }) => x.key)).toEqual(expect.arrayContaining(['messages', 'create-courses', 'search-user', 'message-user', 'view-user-details']));
    expect(run(db, 'whocan', 'messages', 'unit:north', '--user', 's.bakker').stderr).toMatch(/takes no target/);
    expect(run(db, 'whocan', 'create-courses', 'unit:atlantis', '--user', 's.bakker').stderr).toMatch(/no unit "atlantis"/);
    expect(run(db, 'whocan', 'search-user', '--user', 's.bakker').status).toBe(2);
  });

  it('prints the CLI.md decision document with --json', () => {
    const d = run(db, 'whocan', 'create-courses', 'unit:south', '--user', 'j.devries', '--json').json;
    expect(Object.keys(d)).toEqual(['action', 'subject', 'target', 'decision', 'trace', 'fixes']);
    expect(d.subject).toEqual({ user: 'j.devries', profile: 'Staff' });
    expect(d.target).toEqual({ kind: 'unit', id: 'south' });
  });
});

describe('--as', () => {
  it('refuses an Administrator editing the System Administrator profile, with the trace and exit 1', () => {
    const db = demoDb();
    const r = run(db, 'profiles', 'set', 'System Administrator', 'messages=off', '--as', 'a.visser', '--json');
    expect(r.status).toBe(1);
    expect(r.json.decision).toBe('deny');
    expect(r.json.fixes).toEqual([]);
    expect(r.stderr).toMatch(/a.visser may not change profile System Administrator/);
    expect(run(db, 'profiles', 'show', 'System Administrator', '--json').json.settings.find((s: { key: string }) => s.key === 'messages').value).toBe('on');
  });

  it("keeps a school-scoped administrator out of another school", () => {
    const db = demoDb();
    const r = run(db, 'users', 'add', 'x.new', '--profile', 'Student', '--unit', '3C', '--as', 'a.visser');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/school-scope/);
    expect(run(db, 'users', 'show', 'x.new').status).toBe(2);
    expect(run(db, 'users', 'add', 'x.new', '--profile', 'Student', '--unit', '5A', '--as', 'a.visser').status).toBe(0);
    expect(run(db, 'users', 'set-profile', 'x.new', 'Administrator', '--as', 'a.visser').status).toBe(1);
    const audit = run(db, 'audit', '--json').json.at(-1);
    expect(audit.actor).toBe('a.visser');
  });
});

describe('the model file', () => {
  it('is refused with exit 3 when missing (only init, demo and apply create one)', () => {
    const r = run(tempDb(), 'profiles', 'list', '--json');
    expect(r.status).toBe(3);
    expect(r.json.error.code).toBe('no-database');
  });

  it('is refused with exit 3 when a newer schoolctl wrote it', () => {
    const db = tempDb();
    run(db, 'init');
    const s = new Database(db);
    s.pragma('user_version = 999');
    s.close();
    const r = run(db, 'profiles', 'list');
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/newer schoolctl/);
  });

  it('is migrated by upgrade (a read names it and leaves the file alone) when an older schoolctl wrote it', () => {
    const db = tempDb();
    run(db, 'init');
    const s = new Database(db);
    // Make it a model as the first migration left it: every later table gone.
    const core = ['site_settings', 'profiles', 'profile_settings', 'units', 'unit_ancestors', 'users', 'memberships', 'courses', 'course_members', 'projects', 'project_members', 'parent_links', 'terms', 'policies', 'policy_settings', 'policy_assignments', 'audit'];
    const later = (s.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'kysely_%'`).pluck().all() as string[]).filter((t) => !core.includes(t));
    expect(later).toContain('mentors');
    s.pragma('foreign_keys = OFF');
    for (const t of later) s.exec(`DROP TABLE "${t}"`);
    s.prepare("DELETE FROM kysely_migration WHERE name <> '001-core'").run();
    s.pragma('user_version = 1');
    s.close();
    const read = run(db, 'profiles', 'list');
    expect(read.status).toBe(3);
    expect(read.stderr).toMatch(/schoolctl --db .* upgrade/);
    expect(run(db, 'upgrade').status).toBe(0);
    expect(run(db, 'profiles', 'list').status).toBe(0);
    const after = new Database(db);
    expect(after.pragma('user_version', { simple: true })).toBeGreaterThan(1);
    expect(after.prepare("SELECT 1 FROM sqlite_master WHERE name = 'mentors'").get()).toBeTruthy();
    after.close();
  });

  it('does not let demo overwrite a model that is not a demo', () => {
    const db = tempDb();
    run(db, 'init');
    const r = run(db, 'demo');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/not the demo site/);
  });
});

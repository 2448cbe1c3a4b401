// Rosters: OneRoster bundles into the model through the bulk kinds. Logic runs in-process on an
// in-memory model; a few end-to-end tests run the built binary (the published sample, zip, drift).

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Sqlite } from '../src/db/open';
import { seedDefaultProfiles } from '../src/db/stores/profiles-store';
import { openBundle } from '../src/db/rosters/oneroster-files';
import { importOneRoster, type RosterOptions, type RosterOutcome } from '../src/db/rosters/oneroster-import';
import { rosterDate } from '../src/db/rosters/roster-dates';
import { exportOneRoster } from '../src/db/rosters/oneroster-export';
import { findKind } from '../src/db/bulk/registry';
import { readImsEnterprise } from '../src/db/rosters/ims-enterprise';
import { ChangeLog } from '../src/db/change-log';
import { run, tempDb } from './helpers';

const FIX = join(__dirname, '..', 'fixtures', 'oneroster');
// A published bundle (Apache-2.0, copied byte for byte; PROVENANCE.md says from where), kept in the
// repository so that the test runs in any clone.
const SAMPLE = join(__dirname, '..', 'fixtures', 'oneroster', 'published-1.1-grandbend');

async function model(): Promise<Sqlite> {
  // Migrations load by dynamic import, which runs from the compiled code (as in csv-read.test.ts).
  const { scratchModel } = (await import(join(__dirname, '..', 'dist', 'src', 'db', 'open.js'))) as typeof import('../src/db/open');
  const db = await scratchModel();
  seedDefaultProfiles(db);
  return db;
}

/** Imports a bundle as one transaction, rolled back when it has problems (as the command does). */
async function load(db: Sqlite, dir: string, opts: RosterOptions = {}): Promise<RosterOutcome> {
  db.exec('BEGIN');
  const o = await importOneRoster(db, openBundle(dir), opts);
  db.exec(o.problems.length ? 'ROLLBACK' : 'COMMIT');
  return o;
}

/** A copy of a fixture with some files replaced. */
function variant(fixture: string, files: Record<string, string | null>): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'schoolctl-roster-')), fixture);
  cpSync(join(FIX, fixture), dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    if (text === null) rmSync(join(dir, name));
    else writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** The fixture's file with one line replaced (line numbers as in the file, header = 1). */
function withLine(fixture: string, file: string, line: number, text: string): string {
  const lines = readFileSync(join(FIX, fixture, file), 'utf8').split(/\r?\n/);
  lines[line - 1] = text;
  return variant(fixture, { [file]: lines.join('\n') });
}

const one = (db: Sqlite, sql: string, ...args: unknown[]) => db.prepare(sql).get(...args) as Record<string, unknown> | undefined;
const all = (db: Sqlite, sql: string, ...args: unknown[]) => db.prepare(sql).pluck().all(...args);
const profileOf = (db: Sqlite, username: string) => one(db, 'SELECT p.name FROM users u JOIN profiles p ON p.id = u.profile_id WHERE u.username = ?', username)?.name;

describe('import oneroster: what a bundle becomes', () => {
  it('a 1.1 bulk bundle with the quirks of real files becomes units, terms, users, memberships, parents, courses and enrolments', async () => {
    const db = await model();
    const o = await load(db, join(FIX, '1.1-bulk'));
    expect(o.problems).toEqual([]);
    expect(all(db, `SELECT id || ':' || kind || ':' || coalesce(parent_id, '') FROM units ORDER BY id`)).toEqual([
      'nf-district:organisation:',
      'nf-high:school:nf-district',
      'nf-hr-9a:class:nf-high',
      'nf-science:organisation:nf-high',
    ]);
    expect(profileOf(db, 't.jones')).toBe('Staff');
    expect(profileOf(db, 'a.smith')).toBe('Administrator'); // principal, outside the 1.1 vocabulary, maps
    expect(profileOf(db, 'm.khan')).toBe('Student'); // "Student" in another case
    expect(profileOf(db, 'g.khan')).toBe('Parent'); // guardian
    expect(all(db, `SELECT u.username || '@' || m.unit_id || ':' || m.role FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.username = 'm.khan' ORDER BY 1`)).toEqual([
      'm.khan@nf-high:student',
      'm.khan@nf-hr-9a:student',
      'm.khan@nf-science:student',
    ]);
    expect(all(db, `SELECT p.username || '>' || c.username FROM parent_links l JOIN users p ON p.id = l.parent_id JOIN users c ON c.id = l.child_id ORDER BY 1`)).toEqual(['g.khan>m.khan', 'p.lee>s.lee']);
    // The same learner twice in one class (two semesters) is one enrolment.
    expect(all(db, `SELECT c.course_id || '/' || u.username || ':' || c.role FROM course_members c JOIN users u ON u.id = c.user_id WHERE c.course_id = 'nf-math-9a' ORDER BY 1`)).toEqual([
      'nf-math-9a/m.khan:learner',
      'nf-math-9a/s.lee:learner',
      'nf-math-9a/t.jones:teacher',
    ]);
    expect(one(db, `SELECT starts, ends, parent_id FROM terms WHERE id = 'nf-2026-s2'`)).toEqual({ starts: '2026-01-26', ends: '2026-06-30', parent_id: 'nf-2026' });
    expect(one(db, `SELECT external_id, source FROM users WHERE username = 's.lee'`)).toEqual({ external_id: 'nf-s1', source: 'oneroster:Northfield SIS' });
    expect(o.warnings.join('\n')).toMatch(/users\.csv line 1: column\(s\) read by their spec name: userId as userIds, agents as agentSourcedIds/);
  });

  it("a first import builds the enrolments' by-user index again as it was, and a refused one keeps it", async () => {
    const db = await model();
    const index = `SELECT sql FROM sqlite_master WHERE name = 'course_members_user'`;
    const before = all(db, index);
    expect(before).toHaveLength(1);
    const refused = await load(db, withLine('1.1-bulk', 'enrollments.csv', 3, '"nf-e2","","","nf-math-9a","nf-district","nf-s1","student","false","2025-08-25","2026-01-23"'));
    expect(refused.problems).not.toEqual([]);
    expect(all(db, index)).toEqual(before);
    const o = await load(db, join(FIX, '1.1-bulk'));
    expect(o.problems).toEqual([]);
    expect(all(db, index)).toEqual(before);
    expect(all(db, `SELECT count(*) FROM course_members INDEXED BY course_members_user WHERE user_id > 0`)).toEqual(all(db, `SELECT count(*) FROM course_members`));
  });

  it('a re-import of the same bundle changes nothing', async () => {
    const db = await model();
    await load(db, join(FIX, '1.1-bulk'));
    const before = all(db, `SELECT count(*) FROM sync_drift`);
    const again = await load(db, join(FIX, '1.1-bulk'));
    expect(again.problems).toEqual([]);
    expect(again.changeCount).toBe(0);
    expect(again.gone).toEqual([]);
    expect(all(db, `SELECT count(*) FROM sync_drift`)).toEqual(before);
  });

  it('1.2 roles.csv: per-org memberships, and the highest role picks the profile', async () => {
    const db = await model();
    const o = await load(db, join(FIX, '1.2-bulk'));
    expect(o.problems).toEqual([]);
    expect(profileOf(db, 'ingrid.ostby')).toBe('Staff'); // teacher beats her secondary parent role
    expect(profileOf(db, 'kari.lund')).toBe('Administrator');
    expect(all(db, `SELECT m.unit_id || ':' || m.role FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.username = 'kari.lund' ORDER BY 1`)).toEqual(['fv-kommune:administrator', 'fv-skole:administrator']);
    expect(all(db, `SELECT p.username || '>' || c.username FROM parent_links l JOIN users p ON p.id = l.parent_id JOIN users c ON c.id = l.child_id`)).toEqual(['ingrid.ostby>ase.nilsen']);
    expect(one(db, `SELECT name FROM users WHERE username = 'ase.nilsen'`)?.name).toBe('Åse Nilsen');
  });

  it('a 1.2 delta adds what is active and removes what is tobedeleted, leaving the rest', async () => {
    const db = await model();
    await load(db, join(FIX, '1.2-bulk'));
    const o = await load(db, join(FIX, '1.2-delta'));
    expect(o.problems).toEqual([]);
    expect(o.deleted.map((d) => `${d.entity} ${d.key}`)).toEqual(['user fv-bjorn', 'course-member fv-norsk-8a/fv-ase']);
    expect(all(db, 'SELECT username FROM users ORDER BY 1')).toEqual(['ase.nilsen', 'ingrid.ostby', 'kari.lund', 'liv.berg']);
    expect(all(db, `SELECT u.username FROM course_members c JOIN users u ON u.id = c.user_id WHERE c.course_id = 'fv-norsk-8a' ORDER BY 1`)).toEqual(['ingrid.ostby', 'liv.berg']);
    expect(o.gone).toEqual([]); // a delta never implies that anything is gone
  });

  it('bulk means snapshot: what the second day leaves out is gone, listed, and removed only with --prune', async () => {
    const db = await model();
    await load(db, join(FIX, 'sync-day1'));
    db.exec(`INSERT INTO courses (id, unit_id, name) VALUES ('hand-made', 'rs-school', 'Made by hand')`);
    const plan = await load(db, join(FIX, 'sync-day2'));
    expect(plan.gone.map((g) => `${g.entity} ${g.label}`)).toEqual(['course-member rs-art-1/r.one', 'course-member rs-art-1/r.teacher', 'course rs-art', 'course rs-art-1']);
    expect(all(db, 'SELECT id FROM courses ORDER BY 1')).toEqual(['hand-made', 'rs-art', 'rs-art-1', 'rs-bio', 'rs-bio-1']);
    const pruned = await load(db, join(FIX, 'sync-day2'), { prune: true });
    expect(pruned.problems).toEqual([]);
    expect(all(db, 'SELECT id FROM courses ORDER BY 1')).toEqual(['hand-made', 'rs-bio', 'rs-bio-1']); // another source's course stays
    expect((await load(db, join(FIX, 'sync-day2'))).gone).toEqual([]);
  });

  it("a role a site types into a profile's Map from profile is accepted for that profile", async () => {
    const db = await model();
    const roles = withLine('1.2-bulk', 'roles.csv', 7, 'fv-r6,,,fv-bjorn,primary,ext:librarian,,,fv-skole,');
    const refused = await load(db, roles);
    expect(refused.problems.join('\n')).toMatch(/^roles\.csv line 7 column role: value "ext:librarian" is not a role that a profile maps, valid: .*map-from-profile/m);
    db.prepare(`UPDATE profile_settings SET value = 'ext:librarian' WHERE key = 'map-from-profile' AND profile_id = (SELECT id FROM profiles WHERE name = 'Guest')`).run();
    expect((await load(db, roles)).problems).toEqual([]);
    expect(profileOf(db, 'bjorn.hansen')).toBe('Guest');
  });

  it('a user the source renamed keeps their record: sourcedId is the key', async () => {
    const db = await model();
    await load(db, join(FIX, 'sync-day1'));
    const id = one(db, `SELECT id FROM users WHERE external_id = 'rs-s1'`)?.id;
    const renamed = withLine('sync-day1', 'users.csv', 3, 'rs-s1,,,true,rs-school,student,ron.one,,Ron,One,,,,,,,,');
    expect((await load(db, renamed)).problems).toEqual([]);
    expect(one(db, `SELECT id, username FROM users WHERE external_id = 'rs-s1'`)).toEqual({ id, username: 'ron.one' });
  });
});

describe('import ims-enterprise', () => {
  const IMS = join(FIX, 'ims-default-namespace.xml');
  const xml = (text: string) => {
    const f = join(mkdtempSync(join(tmpdir(), 'schoolctl-ims-')), 'enterprise.xml');
    writeFileSync(f, text);
    return f;
  };
  const loadIms = async (db: Sqlite, file: string) => {
    const { bundle } = await readImsEnterprise(file);
    db.exec('BEGIN');
    const o = await importOneRoster(db, bundle, {});
    db.exec(o.problems.length ? 'ROLLBACK' : 'COMMIT');
    return o;
  };
  const shape = (db: Sqlite) => ({
    units: all(db, `SELECT id || ':' || kind || ':' || coalesce(parent_id, '') FROM units ORDER BY id`),
    users: all(db, `SELECT u.username || ':' || p.name || ':' || u.source FROM users u JOIN profiles p ON p.id = u.profile_id ORDER BY 1`),
    memberships: all(db, `SELECT u.username || '@' || m.unit_id || ':' || m.role FROM memberships m JOIN users u ON u.id = m.user_id ORDER BY 1`),
    enrolments: all(db, `SELECT c.course_id || '/' || u.username || ':' || c.role FROM course_members c JOIN users u ON u.id = c.user_id ORDER BY 1`),
  });

  it('a file with a default namespace: groups by type, institution roles to profiles, roletypes to hierarchy and course roles', async () => {
    const db = await model();
    const o = await loadIms(db, IMS);
    expect(o.problems).toEqual([]);
    expect(shape(db)).toEqual({
      units: ['ls-9b:class:ls-skole', 'ls-kommune:organisation:', 'ls-skole:school:ls-kommune'],
      users: ['k.dahl:Student:ims:ims-default-namespace.xml', 'o.berg:Staff:ims:ims-default-namespace.xml', 'r.lie:Administrator:ims:ims-default-namespace.xml'],
      memberships: ['k.dahl@ls-9b:student', 'k.dahl@ls-skole:student', 'o.berg@ls-skole:teacher', 'r.lie@ls-skole:administrator'],
      enrolments: ['ls-9b/k.dahl:learner', 'ls-9b/o.berg:teacher', 'ls-eng-9b/k.dahl:learner', 'ls-eng-9b/o.berg:teacher'],
    });
    expect((await loadIms(db, IMS)).changeCount).toBe(0);
  });

  it('the same file without a namespace, or with a prefix, reads the same', async () => {
    const text = readFileSync(IMS, 'utf8');
    const a = await model();
    await loadIms(a, IMS);
    const bare = await model();
    await loadIms(bare, xml(text.replace(/ xmlns="[^"]*"/, '')));
    const prefixed = await model();
    await loadIms(prefixed, xml(text.replace(/ xmlns="/, ' xmlns:ims="').replace(/<(\/?)(?!\?)/g, '<$1ims:')));
    const names = (db: Sqlite) => ({ ...shape(db), users: (shape(db).users as string[]).map((u) => u.replace(/:ims:.*$/, '')) });
    expect(names(bare)).toEqual(names(a));
    expect(names(prefixed)).toEqual(names(a));
  });

  it('a bad roletype names the XML line and element path; a staff member enrolled as learner names both elements', async () => {
    const text = readFileSync(IMS, 'utf8');
    await expect(readImsEnterprise(xml(text.replace('<role roletype="01"><status>1</status></role>', '<role roletype="99"/>')))).rejects.toThrow(/enterprise\.xml line 54 column membership\/member\/role: value "99" is not a roletype/);
    const db = await model();
    const o = await loadIms(db, xml(text.replace('<id>ls-p1</id></sourcedid><idtype>1</idtype><role roletype="02"/></member>', '<id>ls-p1</id></sourcedid><idtype>1</idtype><role roletype="01"/></member>')));
    expect(o.problems).toEqual([expect.stringMatching(/^enterprise\.xml line \d+ enrols ls-p1 in ls-9b as student, but enterprise\.xml line 8 gives them the role staff/)]);
  });
});

describe('export oneroster', () => {
  const KINDS = ['users', 'units', 'memberships', 'courses', 'enrolments', 'parents', 'terms'];
  const snapshot = (db: Sqlite) => Object.fromEntries(KINDS.map((k) => [k, [...findKind(k)!.exportRows(db)].map((r) => r.join(','))]));
  for (const [fixture, version] of [['1.1-bulk', '1.1'], ['1.1-bulk', '1.2'], ['1.2-bulk', '1.2'], ['1.2-bulk', '1.1']] as const) {
    it(`a model from ${fixture}, exported as ${version}, re-imports to the same model`, async () => {
      const a = await model();
      await load(a, join(FIX, fixture));
      const out = join(mkdtempSync(join(tmpdir(), 'schoolctl-export-')), 'bundle');
      await exportOneRoster(a, out, version);
      const b = await model();
      const o = await load(b, out);
      expect(o.problems).toEqual([]);
      expect(snapshot(b)).toEqual(snapshot(a));
      expect(snapshot(a).parents.length).toBeGreaterThan(0);
    });
  }
});

describe('import oneroster: bad input names the file, line and column, and nothing changes', () => {
  const problemsOf = async (dir: string, opts: RosterOptions = {}) => {
    const db = await model();
    const o = await load(db, dir, opts);
    if (o.problems.length) expect(all(db, 'SELECT count(*) FROM users')).toEqual([0]);
    return o;
  };

  it('an ambiguous date is refused, never guessed; unambiguous forms are read', async () => {
    const o = await problemsOf(withLine('sync-day1', 'academicSessions.csv', 2, 'rs-2026,,,2025-2026,schoolYear,1/05/2025,2026-07-15,,2026'));
    expect(o.problems).toEqual([expect.stringMatching(/^academicSessions\.csv line 2 column startDate: value "1\/05\/2025" is not a date that reads one way only \(2025-01-05 or 2025-05-01\)/)]);
    expect(rosterDate('8/27/2018')).toEqual({ date: '2018-08-27' });
    expect(rosterDate('27/8/2018')).toEqual({ date: '2018-08-27' });
    expect(rosterDate('2023-05-01T18:25:43.511Z')).toEqual({ date: '2023-05-01' });
    expect(rosterDate('2017-05-06 08:01:05')).toEqual({ date: '2017-05-06' });
    expect('error' in rosterDate('2023-02-30')).toBe(true);
  });

  it('a class whose term does not exist is a reference to nothing', async () => {
    const o = await problemsOf(withLine('sync-day1', 'classes.csv', 2, 'rs-bio-1,,,Biology 1,,rs-bio,,scheduled,,rs-school,rs-2027,,,'));
    expect(o.problems).toEqual([expect.stringMatching(/^classes\.csv line 2 column termSourcedIds: value "rs-2027" is not a session of the bundle or a term of the model/)]);
  });

  it("an enrolment's school that is a district is refused with its line", async () => {
    const o = await problemsOf(withLine('1.1-bulk', 'enrollments.csv', 3, '"nf-e2","","","nf-math-9a","nf-district","nf-s1","student","false","2025-08-25","2026-01-23"'));
    expect(o.problems).toEqual([expect.stringMatching(/^enrollments\.csv line 3 column schoolSourcedId: value "nf-district" is not a school \(orgs\.csv line 2 makes it a district\)/)]);
  });

  it('demographics of unknown users are refused with their line', async () => {
    const o = await problemsOf(withLine('1.1-bulk', 'demographics.csv', 2, 'nf-nobody,,,2011-03-04,male,false,false,false,false,true,false,false,,,,'));
    expect(o.problems).toEqual([expect.stringMatching(/^demographics\.csv line 2 column sourcedId: value "nf-nobody" is not a user of the bundle or the model/)]);
  });

  it('a student enrolled as a teacher names both rows; --lenient enrols them as the users file says and lists the choice', async () => {
    const bad = withLine('sync-day1', 'enrollments.csv', 3, 'rs-e2,,,rs-bio-1,rs-school,rs-s1,teacher,,,');
    const o = await problemsOf(bad);
    expect(o.problems).toEqual([expect.stringMatching(/^enrollments\.csv line 3 enrols rs-s1 in rs-bio-1 as teacher, but users\.csv line 3 gives them the role student; .*--lenient/)]);
    const db = await model();
    const lenient = await load(db, bad, { lenient: true });
    expect(lenient.problems).toEqual([]);
    expect(lenient.warnings).toContainEqual(expect.stringMatching(/^enrollments\.csv line 3 enrols rs-s1 .* users\.csv line 3 .*; --lenient: rs-s1 enrolled as learner/));
    expect(all(db, `SELECT role FROM course_members WHERE course_id = 'rs-bio-1' AND user_id = (SELECT id FROM users WHERE username = 'r.one')`)).toEqual(['learner']);
  });

  it('one person on two rows, and two people with one username, name both rows', async () => {
    const twice = await problemsOf(withLine('sync-day1', 'users.csv', 4, 'rs-s1,,,true,rs-school,teacher,r.one2,,Ron,One,,,,,,,,'));
    expect(twice.problems).toContainEqual(expect.stringMatching(/^users\.csv line 4 and line 3 both give the person rs-s1/));
    const clash = await problemsOf(withLine('sync-day1', 'users.csv', 4, 'rs-s2,,,true,rs-school,student,r.one,,Rae,Two,,,,,,,,'));
    expect(clash.problems).toContainEqual(expect.stringMatching(/^users\.csv line 4 gives rs-s2 the username r\.one, which line 3 gives rs-s1/));
  });

  it('a row with a filled cell beyond the header is refused; empty extra cells and short rows are read', async () => {
    const o = await problemsOf(withLine('sync-day1', 'users.csv', 3, 'rs-s1,,,true,rs-school,student,r.one,,Ron,One,,,,,,,,,surplus'));
    expect(o.problems).toEqual([expect.stringMatching(/^users\.csv line 3 column 19: value "surplus" lies beyond the header's 18 columns/)]);
    const ok = await problemsOf(withLine('sync-day1', 'users.csv', 3, 'rs-s1,,,true,rs-school,student,r.one,,Ron,One'));
    expect(ok.problems).toEqual([]);
    expect(ok.warnings).toContainEqual('users.csv: 1 row(s) with fewer cells than the header; the missing cells read as empty');
  });

  it('a missing required column is a problem of line 1; an unknown role and status name their cell', async () => {
    const noType = await problemsOf(variant('sync-day1', { 'orgs.csv': 'sourcedId,name,parentSourcedId\nrs-school,Riverside School,\n' }));
    expect(noType.problems[0]).toMatch(/^orgs\.csv line 1 column type: the required column type is missing/);
    const role = await problemsOf(withLine('sync-day1', 'users.csv', 2, 'rs-t1,,,true,rs-school,janitor,r.teacher,,Rita,Teacher,,,,,,,,'));
    expect(role.problems).toEqual([expect.stringMatching(/^users\.csv line 2 column role: value "janitor" is not a role that a profile maps/)]);
    const status = await problemsOf(withLine('sync-day1', 'users.csv', 2, 'rs-t1,deleted,,true,rs-school,teacher,r.teacher,,Rita,Teacher,,,,,,,,'));
    expect(status.problems).toEqual([expect.stringMatching(/^users\.csv line 2 column status: value "deleted" is not a status/)]);
  });

  it('an agent who is no one is a reference to nothing', async () => {
    const o = await problemsOf(withLine('sync-day1', 'users.csv', 3, 'rs-s1,,,true,rs-school,student,r.one,,Ron,One,,,,,,rs-nobody,,'));
    expect(o.problems).toEqual([expect.stringMatching(/^users\.csv line 3 column agentSourcedIds: value "rs-nobody" is not a user of the bundle or the model/)]);
  });

  it('manifests as real ones are: version 1, typo keys, files listed absent but present, or no manifest at all', async () => {
    const manifest = readFileSync(join(FIX, 'sync-day1', 'manifest.csv'), 'utf8').replace('file.enrollments,bulk', 'file.enrollments,absent').replace('manifest.version,1.0', 'manifest.version,1\nfile.usres,bulk');
    const o = await problemsOf(variant('sync-day1', { 'manifest.csv': manifest }));
    expect(o.problems).toEqual([]);
    expect(o.warnings).toContainEqual('manifest.csv: file.enrollments is absent, but enrollments.csv is there; it is not read');
    expect(o.warnings).toContainEqual('manifest.csv line 3: file.usres is not a OneRoster file; ignored');
    expect(o.counts.enrolments).toBeUndefined();
    const bare = await problemsOf(variant('sync-day1', { 'manifest.csv': null }));
    expect(bare.problems).toEqual([]);
    expect(bare.source).toBe('oneroster:sync-day1'); // the folder's name when nothing names the source
    expect(bare.warnings).toContainEqual('manifest.csv: missing; every file present is read as a bulk snapshot');
  });

  it('a folder that is not a OneRoster bundle says what it looks like', () => {
    const dir = mkdtempSync(join(tmpdir(), 'schoolctl-sds-'));
    for (const f of ['School.csv', 'Section.csv', 'Student.csv', 'Teacher.csv']) writeFileSync(join(dir, f), 'SIS ID,Name\n1,x\n');
    expect(() => openBundle(dir)).toThrow(/is not a OneRoster bundle: it has no manifest\.csv .*it looks like a School Data Sync export/);
  });
});

describe('import oneroster under a change log (--as)', () => {
  it('enrolments go through the kind when a change log names each row, with the same counts and rows as without', async () => {
    const plain = await model();
    const direct = await load(plain, join(FIX, '1.1-bulk'));
    const logged = await model();
    const log = ChangeLog.start(logged);
    const viaKind = await load(logged, join(FIX, '1.1-bulk'));
    const places = log.rows().filter((r) => r.tbl === 'course_members').map((r) => r.place);
    log.stop();
    expect(viaKind.problems).toEqual([]);
    expect(viaKind.counts.enrolments).toEqual(direct.counts.enrolments);
    expect(places.length).toBe(direct.counts.enrolments.create);
    expect(places.every((p) => /^enrollments\.csv line \d+$/.test(String(p)))).toBe(true);
    const members = (db: Sqlite) => all(db, "SELECT course_id || '/' || user_id || '/' || role || '/' || source FROM course_members ORDER BY 1");
    expect(members(logged)).toEqual(members(plain));
  });
});

describe('import oneroster end to end', () => {
  it('the published sample imports, its teachers may create courses in their school, and a re-import changes nothing', () => {
    const db = tempDb();
    expect(run(db, 'init').status).toBe(0);
    const r = run(db, 'import', 'oneroster', SAMPLE, '--json');
    expect(r.status, r.stderr).toBe(0);
    expect(r.json.counts.users.created).toBe(10);
    const who = run(db, 'whocan', 'create-courses', 'unit:255901001', '--json');
    expect(who.json.allowed.map((a: { user: string }) => a.user).sort()).toEqual(['Kelley.Heidi.Christian', 'Sara.Stacy.Preston']);
    expect(run(db, 'import', 'oneroster', SAMPLE, '--json').json.changed).toBe(0);
  });

  it('a zipped bundle imports like its folder', () => {
    const db = tempDb();
    run(db, 'init');
    const zip = join(mkdtempSync(join(tmpdir(), 'schoolctl-zip-')), 'day1.zip');
    const z = run(null, '--version'); // the binary runs: zip with the system tool when there is one
    expect(z.status).toBe(0);
    const made = require('node:child_process').spawnSync('zip', ['-qj', zip, ...['manifest.csv', 'orgs.csv', 'academicSessions.csv', 'courses.csv', 'classes.csv', 'users.csv', 'enrollments.csv'].map((f) => join(FIX, 'sync-day1', f))]);
    if (made.status !== 0) return; // no zip tool on this machine
    const r = run(db, 'import', 'oneroster', zip, '--json');
    expect(r.status, r.stderr).toBe(0);
    expect(r.json.source).toBe('oneroster:Riverside SIS');
    expect(r.json.counts.enrolments.created).toBe(5);
  });

  it('a command that changes a sync-owned record warns that the next sync undoes it, and doctor lists it until the next import', () => {
    const db = tempDb();
    run(db, 'init');
    expect(run(db, 'import', 'oneroster', join(FIX, 'sync-day1')).status).toBe(0);
    const leave = run(db, 'users', 'leave', 'r.one', '--unit', 'rs-school');
    expect(leave.status, leave.stderr).toBe(0);
    expect(leave.stderr).toMatch(/membership r\.one@rs-school \(removed\) comes from oneroster:Riverside SIS: the next sync from it will undo this change/);
    expect(run(db, 'users', 'show', 'r.one').stdout).toMatch(/source: oneroster:Riverside SIS/);
    const doctor = run(db, 'doctor', '--json');
    expect(JSON.stringify(doctor.json)).toMatch(/membership r\.one@rs-school comes from oneroster:Riverside SIS and was removed by hand/);
    expect(run(db, 'import', 'oneroster', join(FIX, 'sync-day1')).status).toBe(0);
    expect(run(db, 'doctor', '--json').json.findings.filter((f: { check: string }) => f.check === 'sync-drift')).toEqual([]);
    const plain = run(db, 'users', 'add', 'h.made', '--profile', 'Guest');
    expect(plain.stderr).not.toMatch(/next sync/);
  });

  it('a dry run says what it would import and remove, never that it did, for oneroster and ims-enterprise', () => {
    const db = tempDb();
    run(db, 'init');
    expect(run(db, 'import', 'oneroster', join(FIX, 'sync-day1')).status).toBe(0);
    const dry = run(db, 'import', 'oneroster', join(FIX, 'sync-day2'), '--prune', '--dry-run');
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/^Would import .*sync-day2 \(OneRoster 1\.1, source oneroster:Riverside SIS\): .*courses 0 to create, 0 to update, 2 unchanged/);
    expect(dry.stdout).toMatch(/left out of its bulk files\), would be removed \(--prune\):/);
    expect(dry.stdout).not.toMatch(/Imported|\), removed \(--prune\)|created|updated/);
    const json = run(db, 'import', 'oneroster', join(FIX, 'sync-day2'), '--prune', '--dry-run', '--json').json;
    expect(json.dryRun).toBe(true);
    expect(json.pruned).toBe(false);
    expect(json.gone).toHaveLength(4);
    expect(run(db, 'courses', 'list', '--json').json).toHaveLength(4);
    // A delta's tobedeleted rows and an IMS file under --dry-run say the same.
    const delta = tempDb();
    run(delta, 'init');
    expect(run(delta, 'import', 'oneroster', join(FIX, '1.2-bulk')).status).toBe(0);
    const d = run(delta, 'import', 'oneroster', join(FIX, '1.2-delta'), '--dry-run');
    expect(d.status, d.stderr).toBe(0);
    expect(d.stdout).toMatch(/^Would import /);
    expect(d.stdout).toMatch(/^Would remove \(tobedeleted\): /m);
    expect(d.stdout).not.toMatch(/^Removed|Imported/m);
    const ims = tempDb();
    run(ims, 'init');
    const i = run(ims, 'import', 'ims-enterprise', join(FIX, 'ims-default-namespace.xml'), '--dry-run');
    expect(i.status, i.stderr).toBe(0);
    expect(i.stdout).toMatch(/^Would import .*\(IMS Enterprise, source ims:/);
    expect(run(ims, 'users', 'list', '--json').json).toHaveLength(0);
  });

  it('--max-loss holds a sync whose snapshot drops a class (exit 4, nothing changed); a larger N lets it through', () => {
    const db = tempDb();
    run(db, 'init');
    expect(run(db, 'import', 'oneroster', join(FIX, 'sync-day1')).status).toBe(0);
    const courses = () => run(db, 'courses', 'list', '--json').json.map((c: { id: string }) => c.id).sort();
    expect(courses()).toEqual(['rs-art', 'rs-art-1', 'rs-bio', 'rs-bio-1']);
    // Day 2 leaves out the art course and its class: with --prune, their teacher loses what teaching it gave.
    const held = run(db, 'import', 'oneroster', join(FIX, 'sync-day2'), '--prune', '--max-loss', '0');
    expect(held.status, held.stderr).toBe(4);
    expect(held.stderr).toMatch(/Nothing changed: 1 people would lose access, more than --max-loss 0/);
    expect(held.stderr).toMatch(/advance-assessment: 1 person loses, 0 gain/);
    expect(courses()).toEqual(['rs-art', 'rs-art-1', 'rs-bio', 'rs-bio-1']);
    const json = run(db, 'import', 'oneroster', join(FIX, 'sync-day2'), '--prune', '--max-loss', '0', '--json');
    expect(json.status).toBe(4);
    expect(courses()).toEqual(['rs-art', 'rs-art-1', 'rs-bio', 'rs-bio-1']);
    const go = run(db, 'import', 'oneroster', join(FIX, 'sync-day2'), '--prune', '--max-loss', '1', '--max-gain', '0');
    expect(go.status, go.stderr).toBe(0);
    expect(courses()).toEqual(['rs-bio', 'rs-bio-1']);
  });

  it('--max-gain holds a first import that gives access to more people than N', () => {
    const db = tempDb();
    run(db, 'init');
    const held = run(db, 'import', 'ims-enterprise', join(FIX, 'ims-default-namespace.xml'), '--max-gain', '1');
    expect(held.status, held.stderr).toBe(4);
    expect(held.stderr).toMatch(/people would gain access, more than --max-gain 1/);
    expect(run(db, 'users', 'list', '--json').json).toEqual([]);
  });

  it("a fix that changes what a sync owns says to change it in the SIS (human) and carries syncOwned (JSON); other fixes do not", async () => {
    const db = tempDb();
    run(db, 'init');
    expect(run(db, 'import', 'oneroster', join(FIX, '1.1-bulk')).status).toBe(0);
    run(db, 'users', 'add', 'h.made', '--profile', 'Student');
    const { default: Database } = await import('better-sqlite3');
    const { annotateSyncOwned } = await import('../src/db/rosters/sync-owned');
    const { renderDecision } = await import('../src/commands/render');
    const sqlite = new Database(db);
    try {
      const deny = {
        action: 'create-courses', subject: { user: 's.lee', profile: 'Student' }, target: { kind: 'unit', id: 'nf-science' }, decision: 'deny' as const, trace: [],
        fixes: ['schoolctl users join s.lee --unit nf-science --role teacher'],
        alternatives: [
          { commands: ['schoolctl users join s.lee --unit nf-science --role teacher'], gains: [], losses: [] },
          { commands: ['schoolctl courses enrol nf-bio-1 s.lee --role teacher'], gains: [], losses: [] },
          { commands: ['schoolctl users leave m.khan --unit nf-science'], gains: [], losses: [] },
          { commands: ['schoolctl users join h.made --unit nf-science'], gains: [], losses: [] },
          { commands: ["schoolctl profiles set Student 'create-courses=school'"], gains: [], losses: [] },
        ],
      };
      const d = annotateSyncOwned(sqlite as never, deny);
      expect(d.alternatives!.map((a) => a.syncOwned)).toEqual([
        { source: 'oneroster:Northfield SIS', change: "add org nf-science to s.lee's orgs with the role teacher" },
        { source: 'oneroster:Northfield SIS', change: 'enrol s.lee in class nf-bio-1 as teacher' },
        { source: 'oneroster:Northfield SIS', change: "take org nf-science out of m.khan's orgs" },
        undefined, // a user made by hand
        undefined, // a profile is the site's own
      ]);
      expect(renderDecision(d)).toMatch(/\n  schoolctl users join s\.lee --unit nf-science --role teacher\n  change it in the SIS: add org nf-science to s\.lee's orgs with the role teacher \(this comes from oneroster:Northfield SIS/);
      expect(renderDecision(d, { allFixes: true })).toMatch(/schoolctl users leave m\.khan --unit nf-science\n  change it in the SIS: take org nf-science out of m\.khan's orgs/);
      expect(renderDecision(d, { allFixes: true })).not.toMatch(/users join h\.made --unit nf-science\n  change it in the SIS/);
    } finally {
      sqlite.close();
    }
    // whocan on the imported model: its fixes change profiles and policies, which no sync owns.
    const who = run(db, 'whocan', 'create-courses', 'unit:nf-science', '--user', 's.lee', '--json');
    expect(who.status).toBe(1);
    expect(who.json.alternatives.length).toBeGreaterThan(0);
    expect(who.json.alternatives.every((a: { syncOwned?: unknown }) => a.syncOwned === undefined)).toBe(true);
    expect(run(db, 'whocan', 'create-courses', 'unit:nf-science', '--user', 's.lee').stdout).not.toMatch(/change it in the SIS/);
  });

  it('generate --format oneroster writes a bundle that imports whole, and again changes nothing', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'schoolctl-gen-')), 'bundle');
    expect(run(null, 'generate', '--users', '400', '--seed', '3', '--format', 'oneroster', '--out', out).status).toBe(0);
    const db = tempDb();
    run(db, 'init');
    const first = run(db, 'import', 'oneroster', out, '--json');
    expect(first.status, first.stderr).toBe(0);
    expect(first.json.counts.users.created).toBeGreaterThanOrEqual(400);
    expect(run(db, 'import', 'oneroster', out, '--json').json.changed).toBe(0);
  });

  it('bad input exits 2 with every problem and changes nothing', () => {
    const db = tempDb();
    run(db, 'init');
    const bad = withLine('sync-day1', 'classes.csv', 2, 'rs-bio-1,,,Biology 1,,rs-bio,,scheduled,,rs-school,rs-2027,,,');
    const r = run(db, 'import', 'oneroster', bad);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/has 1 problem\(s\); nothing was imported:\nclasses\.csv line 2 column termSourcedIds/);
    expect(run(db, 'users', 'list', '--json').json).toEqual([]);
  });
});

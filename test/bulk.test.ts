import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, CORE_SECTIONS, demoDb, demoSiteFile, run, tempDb } from './helpers';

const FIXTURES = join(__dirname, '..', 'fixtures');
const DEMO_SITE = join(FIXTURES, 'demo-site.yaml');
const DEMO_CSV = join(FIXTURES, 'demo-csv');
/** The order the kinds import in (each refers only to those before it): `schoolctl import --help`. */
const KINDS = [
  'profiles', 'profile-settings', 'units', 'users', 'memberships', 'share-details', 'parents',
  'courses', 'enrolments', 'projects', 'project-members', 'terms', 'policies', 'policy-settings', 'policy-assignments',
];

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'schoolctl-bulk-'));
}

function initDb(): string {
  const db = tempDb();
  expect(run(db, 'init').status).toBe(0);
  return db;
}

function exportAll(db: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of KINDS) {
    const r = run(db, 'export', k);
    expect(r.status, r.stderr).toBe(0);
    out[k] = r.stdout;
  }
  return out;
}

function importDir(db: string, dir: string, kinds = KINDS): void {
  for (const k of kinds) {
    const r = run(db, 'import', k, join(dir, `${k}.csv`));
    expect(r.status, `${k}: ${r.stderr}`).toBe(0);
  }
}

function writeExports(dir: string, exports: Record<string, string>): void {
  for (const [k, text] of Object.entries(exports)) writeFileSync(join(dir, `${k}.csv`), text);
}

function auditCount(db: string): number {
  return run(db, 'audit', '--json').json.length;
}

/** A file's text without its leading comment lines. */
function body(text: string): string {
  return text.replace(/^(#.*\n)+/, '');
}

describe('CSV import and export', () => {
  it('the demo CSVs import into the demo site, and export → import into a new model → export is identical', () => {
    const a = initDb();
    importDir(a, DEMO_CSV);
    const first = exportAll(a);
    for (const k of KINDS) expect(first[k], k).toBe(readFileSync(join(DEMO_CSV, `${k}.csv`), 'utf8'));
    const dir = tempDir();
    writeExports(dir, first);
    const b = initDb();
    importDir(b, dir);
    expect(exportAll(b)).toEqual(first);
    // The CSV form and the site file describe the same site.
    // (The demo site file holds the other modules' data too: compare with its core sections.)
    const site = initDb();
    expect(run(site, 'apply', demoSiteFile(CORE_SECTIONS)).status).toBe(0);
    expect(run(a, 'export', 'site').stdout).toBe(run(site, 'export', 'site').stdout);
  });

  it('export users writes exactly the columns import reads, units joined by ;', () => {
    const db = demoDb();
    const lines = run(db, 'export', 'users').stdout.split('\n');
    expect(lines[0]).toBe('username,name,email,external_id,profile,units');
    expect(lines).toContain('j.devries,Jan de Vries,j.devries@north.example.org,T-1001,Staff,5A;south');
    const json = run(db, 'export', 'users', '--format', 'json');
    expect(JSON.parse(json.stdout).find((u: { username: string }) => u.username === 's.bakker')).toEqual({
      username: 's.bakker', name: 'Sanne Bakker', email: '', external_id: 'S-1001', profile: 'Student', units: '5A;chess-club',
    });
  });

  it('importing the same file again changes nothing and says so; a changed row updates in place', () => {
    const db = demoDb();
    const dir = tempDir();
    const file = join(dir, 'users.csv');
    writeFileSync(file, run(db, 'export', 'users').stdout);
    const audits = auditCount(db);
    const users = readFileSync(file, 'utf8').trim().split('\n').length - 1;
    expect(users).toBeGreaterThanOrEqual(60);
    const again = run(db, 'import', 'users', file, '--json');
    expect(again.status).toBe(0);
    expect(again.json).toMatchObject({ created: 0, updated: 0, unchanged: users });
    expect(run(db, 'import', 'users', file).stdout).toMatch(new RegExp(`^Nothing changed: all ${users} row\\(s\\)`));
    expect(auditCount(db)).toBe(audits);
    writeFileSync(file, readFileSync(file, 'utf8').replace('e.smit,Emma Smit,,S-1002,Student,5B', 'e.smit,Emma Smit-Visser,,S-1002,Student,5B;chess-club'));
    const changed = run(db, 'import', 'users', file, '--json');
    expect(changed.json).toMatchObject({ created: 0, updated: 1, unchanged: users - 1 });
    expect(changed.json.changes[0]).toMatchObject({ id: 'e.smit', before: { name: 'Emma Smit', units: ['5B'] }, after: { name: 'Emma Smit-Visser', units: ['5B', 'chess-club'] } });
    const shown = run(db, 'users', 'show', 'e.smit', '--json').json;
    expect(shown.name).toBe('Emma Smit-Visser');
    expect(shown.shareDetails).toBe(false); // a column the file does not have is left alone
    expect(auditCount(db)).toBe(audits + 1);
  });

  it('reports every bad row with its line and column, exits 2 and changes nothing', () => {
    const db = demoDb();
    const before = exportAll(db);
    const audits = auditCount(db);
    const dir = tempDir();
    const file = join(dir, 'users.csv');
    const rows = [
      'username,name,email,external_id,profile,units',
      'n.new1,New One,,,Student,5A',
      'n.new2,New Two,,,Stafff,5A',
      'n.new1,New One Again,,,Student,5B',
      'n.new3,New Three,,',
      'n.new4,Jos\u00e9,,,Student,5A',
      'n.new5,New Five,,,Student,nowhere',
    ];
    // Line 6 holds a Latin-1 é: one byte that is not UTF-8.
    const bytes = Buffer.from(rows.join('\n') + '\n', 'utf8');
    const latin = Buffer.concat([bytes.subarray(0, bytes.indexOf('Jos') + 3), Buffer.from([0xe9]), bytes.subarray(bytes.indexOf('Jos') + 5)]);
    writeFileSync(file, latin);
    const r = run(db, 'import', 'users', file);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/line 3: column profile: value "Stafff" is not a profile, valid: System Administrator, Administrator, Staff, Teaching Assistant, Student, Parent, Guest, or a mapped role: districtAdministrator, siteAdministrator, systemAdministrator, principal \(→ Administrator\); Instructor, teacher, aide, counselor, proctor \(→ Staff\); Learner \(→ Student\); guardian, relative \(→ Parent\)/);
    expect(r.stderr).toMatch(/line 4: column username: value "n\.new1" is not unique in the file/);
    expect(r.stderr).toMatch(/line 5: column profile: value "" is not there \(the row is missing columns\), valid: a row with 6 cells: username,name,email,external_id,profile,units \(it has 4\)/);
    expect(r.stderr).toMatch(/line 6: column name: value "Jos\uFFFD" is not valid UTF-8/);
    expect(r.stderr).toMatch(/line 7: column units: value "nowhere" is not a unit/);
    expect(r.stderr).not.toMatch(/line 2:/);
    expect(r.stderr).toMatch(/5 problem\(s\); nothing was imported/);
    const units = join(dir, 'units.csv');
    writeFileSync(units, 'id,kind,name,parent\nnorth-annex,campus,North annex,north\n6B,class,,north-upper\n');
    const u = run(db, 'import', 'units', units, '--json');
    expect(u.status).toBe(2);
    expect(u.json.error.code).toBe('bad-rows');
    expect(u.stderr).toMatch(/line 2: column kind: value "campus" is not a unit kind, valid: school, organisation, class, group/);
    const header = join(dir, 'header.csv');
    writeFileSync(header, 'username,nmae,profile\nx.y,X,Student\n');
    const h = run(db, 'import', 'users', header);
    expect(h.status).toBe(2);
    expect(h.stderr).toMatch(/line 1: column nmae: value "nmae" is not a column of users, valid: username, name, email, external_id, profile, units/);
    expect(exportAll(db)).toEqual(before);
    expect(auditCount(db)).toBe(audits);
  });

  it('a key given twice in one file is reported at its second line, naming the first; in a later file it is an update', () => {
    const db = demoDb();
    const before = exportAll(db);
    const dir = tempDir();
    const file = join(dir, 'enrolments.csv');
    // The key is compared trimmed, as the model reads it.
    writeFileSync(file, 'course,username,role\nart-3c,a.jansen,teacher\nart-3c,b.devries,learner\nart-3c , a.jansen,learner\n');
    const r = run(db, 'import', 'enrolments', file);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^line 4: column course: value "art-3c " is not unique in the input \(course \+ username also on line 2\), valid: one row per course \+ username$/m);
    expect(r.stderr).toMatch(/1 problem\(s\)/);
    expect(exportAll(db)).toEqual(before);
    // A later file may give an earlier file's key again: that is an update, not a duplicate.
    writeFileSync(file, 'course,username,role\nart-3c,a.jansen,teacher\n');
    expect(run(db, 'import', 'enrolments', file).status).toBe(0);
    writeFileSync(file, 'course,username,role\nart-3c,a.jansen,learner\n');
    const again = run(db, 'import', 'enrolments', file, '--json');
    expect(again.status, again.stderr).toBe(0);
    expect(again.json).toMatchObject({ created: 0, updated: 1 });
  });

  it('--dry-run prints what would change and changes nothing', () => {
    const db = demoDb();
    const before = exportAll(db);
    const dir = tempDir();
    const file = join(dir, 'users.csv');
    writeFileSync(file, 'username,name,profile,units\nn.new,New Learner,Student,6A\ne.smit,Emma Smit,Student,5B\nl.bakker,Lars Bakker,Student,3D\n');
    const r = run(db, 'import', 'users', file, '--dry-run', '--json');
    expect(r.status).toBe(0);
    expect(r.json).toMatchObject({ dryRun: true, created: 1, updated: 1, unchanged: 1 });
    expect(run(db, 'import', 'users', file, '--dry-run').stdout).toMatch(/1 to create, 1 to update, 1 unchanged\. Nothing was changed\./);
    expect(exportAll(db)).toEqual(before);
  });

  it('an IMS role maps to a profile through Map from profile (Learner → Student)', () => {
    const db = demoDb();
    const dir = tempDir();
    const file = join(dir, 'users.csv');
    writeFileSync(file, 'username,name,profile,units\nims.learner,IMS Learner,Learner,5A\nims.teacher,IMS Teacher,Instructor,north\n');
    expect(run(db, 'import', 'users', file).status).toBe(0);
    expect(run(db, 'users', 'show', 'ims.learner', '--json').json.profile).toBe('Student');
    expect(run(db, 'users', 'show', 'ims.teacher', '--json').json.profile).toBe('Staff');
  });

  it('formula cells are written with a leading quote and read back without it', () => {
    const db = initDb();
    const dir = tempDir();
    const file = join(dir, 'users.csv');
    writeFileSync(file, 'username,name,profile\nf.ormula,"=HYPERLINK(""http://x"")",Student\np.lus,+31 20 123,Guest\nq.uote,\'-already escaped,Guest\n');
    expect(run(db, 'import', 'users', file).status).toBe(0);
    expect(run(db, 'users', 'show', 'f.ormula', '--json').json.name).toBe('=HYPERLINK("http://x")');
    expect(run(db, 'users', 'show', 'q.uote', '--json').json.name).toBe('-already escaped');
    const out = run(db, 'export', 'users').stdout;
    expect(out).toContain('f.ormula,"\'=HYPERLINK(""http://x"")",,,Student,');
    expect(out).toContain("p.lus,'+31 20 123,,,Guest,");
    writeFileSync(file, out);
    const b = initDb();
    expect(run(b, 'import', 'users', file).status).toBe(0);
    expect(run(b, 'export', 'users').stdout).toBe(out);
    expect(run(b, 'users', 'show', 'p.lus', '--json').json.name).toBe('+31 20 123');
  });

  it('counts lines inside quoted cells, so a later bad row is reported at its own line', () => {
    const db = demoDb();
    const file = join(tempDir(), 'users.csv');
    writeFileSync(file, 'username,name,profile\nm.line,"Two\nlines",Student\nb.ad,Bad,Nobody\n');
    const r = run(db, 'import', 'users', file);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^line 4: column profile: value "Nobody" is not a profile/m);
  });

  it('reads standard input with -', () => {
    const db = demoDb();
    const r = spawnSync(process.execPath, [BIN, '--db', db, 'import', 'terms', '-'], {
      input: 'id,name,from,to,org\n2026-T3,Summer,2026-07-11,2026-08-31,\n',
      encoding: 'utf8',
      env: { ...process.env, CI: 'true', NO_COLOR: '1' },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(run(db, 'export', 'terms').stdout).toContain('2026-T3,Summer,2026-07-11,2026-08-31,');
  });

  it('under --as, a bulk import needs the administration setting at site level', () => {
    const db = demoDb();
    const file = join(tempDir(), 'users.csv');
    writeFileSync(file, 'username,profile,units\nx.new,Student,5A\n');
    const refused = run(db, '--as', 'a.visser', 'import', 'users', file, '--json');
    expect(refused.status).toBe(1);
    expect(refused.json.trace.at(-1)).toMatchObject({ rule: 'school-scope', result: 'fail' });
    expect(run(db, 'users', 'show', 'x.new').status).toBe(2);
    expect(run(db, '--as', 'root', 'import', 'users', file).status).toBe(0);
    // Site-level rights, but a profile at or above the actor's own level is refused, and nothing lands.
    run(db, 'profiles', 'set', 'Administrator', 'user-and-access-rights-management=site');
    writeFileSync(file, 'username,profile\ny.new,Student\nz.new,System Administrator\n');
    const higher = run(db, '--as', 'a.visser', 'import', 'users', file);
    expect(higher.status).toBe(1);
    expect(higher.stderr).toMatch(/a\.visser may not give users profile System Administrator/);
    expect(run(db, 'users', 'show', 'y.new').status).toBe(2);
  });

  it('an unknown kind names the valid ones', () => {
    const r = run(demoDb(), 'import', 'user', 'x.csv');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/There is no import kind "user"; did you mean "users"\?/);
  });

  it('a missing file, a directory or an empty file is named, exit 2, for import and apply alike', () => {
    const db = demoDb();
    const dir = tempDir();
    const missing = run(db, 'import', 'users', join(dir, 'nope.csv'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/There is no file ".*nope\.csv"; give a CSV file, or - for standard input\./);
    const folder = run(db, 'import', 'users', dir);
    expect(folder.status).toBe(2);
    expect(folder.stderr).toMatch(/".*" is a directory, not a file; give a CSV file, or - for standard input\./);
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, '');
    const e = run(db, 'import', 'users', empty);
    expect(e.status).toBe(2);
    expect(e.stderr).toMatch(/line 1: column username: value "" is not in the header \(the column is missing\), valid: a header with username, profile/);
    writeFileSync(empty, 'username,profile\n');
    expect(run(db, 'import', 'users', empty).stdout).toMatch(/Nothing changed: all 0 row\(s\)/);
    const site = run(db, 'apply', dir, '--json');
    expect(site.status).toBe(2);
    expect(site.json.error.code).toBe('no-file');
    expect(site.stderr).toMatch(/is a directory, not a file; give a site file/);
  });
});

describe('the site file', () => {
  it('export site after applying the demo file reproduces it, and export → apply → export is exact', () => {
    const a = tempDb();
    const applied = run(a, 'apply', DEMO_SITE);
    expect(applied.status, applied.stderr).toBe(0);
    const exported = run(a, 'export', 'site').stdout;
    expect(body(exported)).toBe(body(readFileSync(DEMO_SITE, 'utf8')));
    const dir = tempDir();
    for (const format of ['yaml', 'json']) {
      const file = join(dir, `site.${format}`);
      writeFileSync(file, run(a, 'export', 'site', '--format', format).stdout);
      const b = tempDb();
      expect(run(b, 'apply', file).status).toBe(0);
      expect(run(b, 'export', 'site', '--format', format).stdout).toBe(readFileSync(file, 'utf8'));
    }
  });

  it('applying the same file twice changes nothing the second time', () => {
    const db = tempDb();
    expect(run(db, 'apply', DEMO_SITE).status).toBe(0);
    const audits = auditCount(db);
    const again = run(db, 'apply', DEMO_SITE, '--json');
    expect(again.json).toMatchObject({ created: 0, updated: 0 });
    expect(run(db, 'apply', DEMO_SITE).stdout).toMatch(/^Nothing changed: the model already matches/);
    expect(auditCount(db)).toBe(audits);
  });

  it('--plan prints + creates and ~ updates with before → after, and changes nothing', () => {
    const db = demoDb();
    const dir = tempDir();
    const file = join(dir, 'site.yaml');
    const site = run(db, 'export', 'site').stdout
      .replace('{ id: 6A, kind: class, parent: north-upper }', '{ id: 6A, kind: class, parent: north-upper }\n  - { id: 6B, kind: class, parent: north-upper }')
      .replace('{ username: z.peters, name: Zoë Peters, externalId: S-1011, profile: Student, units: [ 6A ] }', '{ username: z.peters, name: Zoë Peters, externalId: S-1011, profile: Student, units: [ 6B ] }');
    const trimmed = site.replace(/\n  - \{ username: g\.visitor[^\n]*/, '');
    writeFileSync(file, trimmed);
    const before = run(db, 'export', 'site').stdout;
    const plan = run(db, 'apply', file, '--plan');
    expect(plan.status, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/1 to create, 1 to update/);
    expect(plan.stdout).toMatch(/^\+ unit 6B {2}kind=class name=6B parent=north-upper$/m);
    expect(plan.stdout).toMatch(/^~ user z\.peters {2}units: \[6A\] → \[6B\]$/m);
    expect(plan.stdout).toMatch(/^= 1 user\(s\) in the model but not in the file, kept .*: g\.visitor$/m);
    expect(run(db, 'export', 'site').stdout).toBe(before);
    expect(run(db, 'apply', file).status).toBe(0);
    expect(run(db, 'users', 'show', 'z.peters', '--json').json.memberships.map((m: { unit: string }) => m.unit)).toEqual(['6B']);
    expect(run(db, 'users', 'show', 'g.visitor').status).toBe(0);
  });

  it('a bad file is rejected whole, every problem named by its path, and a missing model is not left behind', () => {
    const dir = tempDir();
    const file = join(dir, 'site.yaml');
    writeFileSync(
      file,
      [
        'units:',
        '  - { id: north, kind: school }',
        '  - { id: 5A, kind: klas, parent: north }',
        'users:',
        '  - { username: a.one, profile: Staff, units: [north] }',
        '  - { username: a.two, profile: Stafff }',
        '  - { username: a.three, profile: Student, colour: blue }',
        'courses:',
        '  - { id: c1, unit: north, teachers: [nobody] }',
        'rooms: []',
      ].join('\n'),
    );
    const db = tempDb();
    const r = run(db, 'apply', file);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^units\[1\]\.kind: value "klas" is not a unit kind, valid: school, organisation, class, group$/m);
    expect(r.stderr).toMatch(/^users\[1\]\.profile: value "Stafff" is not a profile/m);
    expect(r.stderr).toMatch(/^users\[2\]\.colour: is not a field here; valid fields: username, name/m);
    expect(r.stderr).toMatch(/^courses\[0\]\.teachers\[0\]: value "nobody" is not a user/m);
    expect(r.stderr).toMatch(/^rooms: is not a section of the site file/m);
    expect(existsSync(db)).toBe(false);
  });

  it('apply creates a missing model; --plan on a missing model creates nothing', () => {
    const db = tempDb();
    expect(run(db, 'apply', DEMO_SITE, '--plan').status).toBe(0);
    expect(existsSync(db)).toBe(false);
    expect(run(db, 'apply', DEMO_SITE).stdout).toMatch(/to a new model/);
    expect(run(db, 'whocan', 'manage-user', 'user:l.bakker', '--user', 'a.visser').status).toBe(1);
  });
});

describe('a large file (parsed in a worker thread)', () => {
  it('reports bad rows at their own lines, changes nothing, then imports whole and again changes nothing', () => {
    const dir = tempDir();
    const csv = join(dir, 'csv');
    expect(run(null, 'generate', '--users', '60000', '--schools', '10', '--seed', '3', '--out', csv).status).toBe(0);
    const good = join(csv, 'users.csv');
    const text = readFileSync(good, 'utf8');
    expect(text.length).toBeGreaterThan(4 << 20); // the size from which import parses in a worker thread
    const lines = text.split('\n');
    const bad = [...lines];
    bad[40_000] = bad[40_000].replace(/,[^,]*,([^,]*)$/, ',Stafff,$1'); // line 40,001: an unknown profile
    bad.splice(55_000, 0, 'x.short,Short'); // line 55,001: missing columns
    const badFile = join(dir, 'bad.csv');
    writeFileSync(badFile, bad.join('\n'));
    const db = initDb();
    expect(run(db, 'import', 'units', join(csv, 'units.csv')).status).toBe(0);
    const audits = auditCount(db);
    const r = run(db, 'import', 'users', badFile);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^line 40001: column profile: value "Stafff" is not a profile/m);
    expect(r.stderr).toMatch(/^line 55001: column email: value "" is not there \(the row is missing columns\)/m);
    expect(r.stderr).toMatch(/2 problem\(s\); nothing was imported/);
    expect(run(db, 'users', 'list', '--json').json).toEqual([]);
    expect(auditCount(db)).toBe(audits);
    const ok = run(db, 'import', 'users', good, '--json');
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.json).toMatchObject({ rows: 60_000, created: 60_000, updated: 0, unchanged: 0 });
    const again = run(db, 'import', 'users', good, '--json');
    expect(again.json).toMatchObject({ rows: 60_000, created: 0, updated: 0, unchanged: 60_000 });
    // Export orders by username, the generator by id: the same rows either way.
    const sorted = (t: string) => t.trim().split('\n').slice(1).sort();
    const exported = run(db, 'export', 'users').stdout;
    expect(sorted(exported).length).toBe(60_000);
    expect(sorted(exported)).toEqual(sorted(text));
  });
});

describe('generate', () => {
  function hashes(dir: string): Record<string, string> {
    return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, createHash('sha256').update(readFileSync(join(dir, f))).digest('hex')]));
  }

  it('is deterministic from the seed and its CSVs import', () => {
    const a = join(tempDir(), 'a');
    const b = join(tempDir(), 'b');
    const c = join(tempDir(), 'c');
    expect(run(null, 'generate', '--users', '2000', '--schools', '2', '--seed', '7', '--out', a).status).toBe(0);
    expect(run(null, 'generate', '--users', '2000', '--schools', '2', '--seed', '7', '--out', b).status).toBe(0);
    expect(run(null, 'generate', '--users', '2000', '--schools', '2', '--seed', '8', '--out', c).status).toBe(0);
    expect(hashes(a)).toEqual(hashes(b));
    expect(hashes(a)['users.csv']).not.toBe(hashes(c)['users.csv']);
    const db = initDb();
    importDir(db, a, ['units', 'users', 'parents', 'courses', 'enrolments', 'projects', 'project-members', 'terms']);
    // A large import leaves one audit record with its counts, not one entry per row.
    const audit = run(db, 'audit', '--json').json as { summary: string; changes: unknown[] }[];
    const usersImport = audit.find((a) => a.summary.startsWith('import users'))!;
    expect(usersImport.changes).toEqual([{ entity: 'import', id: 'users', before: null, after: { rows: 2000, created: 2000, updated: 0, unchanged: 0 } }]);
    const users = run(db, 'users', 'list', '--json').json as { profile: string; units: string[] }[];
    expect(users.length).toBe(2000);
    expect(users.filter((u) => u.profile === 'Administrator').length).toBe(2);
    expect(users.some((u) => u.profile === 'Staff' && u.units.length === 2)).toBe(true); // a teacher in two schools
    // The same seed straight into a model gives the same site as its CSVs.
    const direct = join(tempDir(), 'direct.db');
    expect(run(direct, 'generate', '--users', '2000', '--schools', '2', '--seed', '7').status).toBe(0);
    for (const k of ['units', 'users', 'parents', 'enrolments']) expect(run(direct, 'export', k).stdout, k).toBe(run(db, 'export', k).stdout);
  });
});

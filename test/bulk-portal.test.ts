import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORE_SECTIONS, demoDb, demoSiteFile, run, tempDb } from './helpers';

/** The portal's kinds in load order. */
const KINDS = ['portal-projects', 'portal-users', 'afdelingen', 'klassen', 'klas-students', 'teams', 'secties', 'schoolfunctions', 'schoolfunction-switches'];

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'schoolctl-bulk-portal-'));
}

/** A model holding the demo's core site (with the portal's two extra werknemers), no portal data. */
function coreSite(): string {
  const db = tempDb();
  const r = run(db, 'apply', demoSiteFile(CORE_SECTIONS));
  expect(r.status, r.stderr).toBe(0);
  return db;
}

function exportAll(db: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of KINDS) {
    const r = run(db, 'export', k);
    expect(r.status, `${k}: ${r.stderr}`).toBe(0);
    out[k] = r.stdout;
  }
  return out;
}

function auditCount(db: string): number {
  return run(db, 'audit', '--json').json.length;
}

function write(dir: string, name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('portal CSV kinds', () => {
  it('are listed by import --help after users, in load order', () => {
    const help = run(null, 'import', '--help').stdout;
    const at = (k: string) => help.indexOf(`\n  ${k} `);
    expect(at('users')).toBeGreaterThan(0);
    let last = at('users');
    for (const k of KINDS) {
      expect(at(k), k).toBeGreaterThan(last);
      last = at(k);
    }
    expect(at('memberships')).toBeGreaterThan(last);
  });

  it('export every portal kind → import into a fresh model with the same core site → export is identical; re-import changes nothing', () => {
    const a = demoDb();
    const first = exportAll(a);
    expect(first['schoolfunctions'].split('\n')[0]).toBe('project,function,username,scope_kind,scope');
    expect(first['schoolfunctions']).toContain('2025-2026,mentor,j.devries,klas,3A\n');
    expect(first['schoolfunctions']).toContain('2025-2026,formatiebeheerder,b.mulder,,\n');
    expect(first['teams']).toBe('project,team,afdelingen,members\n2025-2026,team-onderbouw,onderbouw,j.devries;t.assist\n');
    expect(first['portal-users']).toContain('root,werknemer,on,\n');
    expect(first['schoolfunction-switches']).toContain('2025-2026,mentor,edit-prognoses,on\n');
    const dir = tempDir();
    const b = coreSite();
    for (const k of KINDS) {
      const r = run(b, 'import', k, write(dir, `${k}.csv`, first[k]));
      expect(r.status, `${k}: ${r.stderr}`).toBe(0);
      expect(r.stdout, k).toMatch(/^Imported .* [1-9]\d* created/);
    }
    expect(exportAll(b)).toEqual(first);
    // The decisions follow: the imported mentor may edit prognoses of 3A (switch on), as in the demo.
    expect(run(b, 'whocan', 'edit-prognoses', 'klas:3A', '--project', '2025-2026', '--json').json).toEqual(
      run(a, 'whocan', 'edit-prognoses', 'klas:3A', '--project', '2025-2026', '--json').json,
    );
    const audits = auditCount(b);
    for (const k of KINDS) {
      const r = run(b, 'import', k, join(dir, `${k}.csv`), '--json');
      expect(r.status, k).toBe(0);
      expect(r.json, k).toMatchObject({ created: 0, updated: 0 });
    }
    expect(auditCount(b)).toBe(audits);
    expect(exportAll(b)).toEqual(first);
  });

  it('bad rows are each reported with line and column, exit 2, and nothing changes', () => {
    const db = demoDb();
    const dir = tempDir();
    const before = exportAll(db);
    const audits = auditCount(db);
    const fns = write(
      dir,
      'fns.csv',
      [
        'project,function,username,scope_kind,scope',
        '2025-2026,mentor,m.peters,klas,3B', // good: applied, then rolled back
        '2025-2026,decaan,s.bakker,afdeling,bovenbouw', // a function for a leerling
        '2025-2026,mentor,j.devries,afdeling,onderbouw', // a mentor with an afdeling scope
        '2025-2026,mentor,t.assist,klas,9Z', // an unknown klas
        '2025-2026,formatiebeheerder,b.mulder,klas,3A', // a project-wide function with a scope
        '2025-2026,applicatiebeheerder,root,,', // the admin flag is not a function
      ].join('\n') + '\n',
    );
    const r = run(db, 'import', 'schoolfunctions', fns);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/has 5 problem\(s\); nothing was imported/);
    expect(r.stderr).toMatch(/^line 3: column username: value "s\.bakker" is not a werknemer \(it is a leerling\), valid: /m);
    expect(r.stderr).toMatch(/^line 4: column scope_kind: value "afdeling" is not the scope of mentor, valid: klas/m);
    expect(r.stderr).toMatch(/^line 5: column scope: value "9Z" is not a klas of project 2025-2026, valid: 3A, 3B, 5H$/m);
    expect(r.stderr).toMatch(/^line 6: column scope_kind: value "klas" is not a scope of formatiebeheerder, which is project-wide/m);
    expect(r.stderr).toMatch(/^line 7: column function: value "applicatiebeheerder" is not a school function \(the admin flag is the admin column of portal-users\)/m);
    expect(r.stderr).not.toMatch(/line 2:/);

    const sw = write(dir, 'sw.csv', 'project,holder,right,value\n2025-2026,mentor,edit-prognoses,off\n2025-2026,mentor,edit-prognoses-x,on\n2025-2026,teamleider,edit-prognoses,yes\n2026-2027,mentor,edit-prognoses,on\n');
    const s = run(db, 'import', 'schoolfunction-switches', sw);
    expect(s.status).toBe(2);
    expect(s.stderr).toMatch(/^line 3: column right: value "edit-prognoses-x" is not an Instellingen switch of mentor, valid: edit-prognoses/m);
    expect(s.stderr).toMatch(/^line 4: column value: value "yes" is not on or off, valid: on, off$/m);
    expect(s.stderr).toMatch(/^line 5: column project: value "2026-2027" is not a portal project, valid: 2025-2026/m);

    const ks = write(dir, 'ks.csv', 'project,klas,username\n2025-2026,3C,e.smit\n2025-2026,3A,j.devries\n');
    const k = run(db, 'import', 'klas-students', ks);
    expect(k.status).toBe(2);
    expect(k.stderr).toMatch(/^line 2: column klas: value "3C" is not a klas of project 2025-2026, valid: 3A, 3B, 5H$/m);
    expect(k.stderr).toMatch(/^line 3: column username: value "j\.devries" is not a leerling \(it is a werknemer\)/m);

    // Only werknemers hold functions: a holder cannot become another type (as `portal user` says).
    const pu = write(dir, 'pu.csv', 'username,type,admin,role\nj.devries,leerling,off,\nroot,werknemer,maybe,\n');
    const p = run(db, 'import', 'portal-users', pu);
    expect(p.status).toBe(2);
    expect(p.stderr).toMatch(/^line 2: column type: value "leerling" is not possible for j\.devries, who holds school functions \(mentor in 2025-2026.*/m);
    expect(p.stderr).toMatch(/^line 3: column admin: value "maybe" is not on or off/m);

    expect(exportAll(db)).toEqual(before);
    expect(auditCount(db)).toBe(audits);
  });

  it('a row updates what it names: a klas moves, a team list is replaced, a switch turns off', () => {
    const db = demoDb();
    const dir = tempDir();
    expect(run(db, 'import', 'klassen', write(dir, 'k.csv', 'project,klas,afdeling\n2025-2026,3B,bovenbouw\n'))).toMatchObject({ status: 0 });
    expect(run(db, 'export', 'klassen').stdout).toContain('2025-2026,3B,bovenbouw\n');
    const t = run(db, 'import', 'teams', write(dir, 't.csv', 'project,team,afdelingen,members\n2025-2026,team-onderbouw,onderbouw;bovenbouw,j.devries\n'));
    expect(t.stdout).toMatch(/0 created, 1 updated/);
    expect(run(db, 'export', 'teams').stdout).toContain('2025-2026,team-onderbouw,bovenbouw;onderbouw,j.devries\n');
    run(db, 'import', 'schoolfunction-switches', write(dir, 's.csv', 'project,holder,right,value\n2025-2026,mentor,edit-prognoses,off\n'));
    expect(run(db, 'schoolfunction', 'settings', 'mentor', '--project', '2025-2026', '--json').json).toContainEqual(expect.objectContaining({ key: 'edit-prognoses', value: 'off' }));
  });

  it('under --as, importing portal kinds needs the portal admin flag', () => {
    const db = demoDb();
    const dir = tempDir();
    const file = write(dir, 'a.csv', 'project,afdeling\n2025-2026,vmbo\n');
    const denied = run(db, '--as', 'j.devries', 'import', 'afdelingen', file);
    expect(denied.status).not.toBe(0);
    expect(denied.status).not.toBe(2);
    expect(denied.stderr).toMatch(/portal-admin: j\.devries is a werknemer without admin flag/);
    expect(run(db, 'export', 'afdelingen').stdout).not.toContain('vmbo');
    expect(run(db, '--as', 'root', 'import', 'afdelingen', file).status).toBe(0);
    expect(run(db, 'export', 'afdelingen').stdout).toContain('2025-2026,vmbo\n');
  });
});

describe('the site file portal section', () => {
  it('export site → apply into a new model → export site is identical, and it carries the portal', () => {
    const a = demoDb();
    const dir = tempDir();
    const text = run(a, 'export', 'site').stdout;
    expect(text).toMatch(/^portal:\n {2}users:\n/m);
    expect(text).toContain('        - { function: mentor, user: j.devries, klas: [ 3A ] }\n');
    expect(text).toContain('        - { function: teamleider, user: a.visser, team: team-onderbouw }\n');
    const file = write(dir, 'site.yaml', text);
    const b = tempDb();
    const applied = run(b, 'apply', file);
    expect(applied.status, applied.stderr).toBe(0);
    expect(run(b, 'export', 'site').stdout).toBe(text);
    for (const k of KINDS) expect(run(b, 'export', k).stdout, k).toBe(run(a, 'export', k).stdout);
    expect(run(b, 'apply', file).stdout).toMatch(/^Nothing changed/);
  });

  it('a bad portal section is rejected whole, each problem named by its path', () => {
    const db = coreSite();
    const dir = tempDir();
    const file = write(
      dir,
      'site.yaml',
      [
        'portal:',
        '  users:',
        '    werknemer: [j.devries, d.decaan]',
        '    leerling: [s.bakker]',
        '    admin: [root]',
        '  projects:',
        '    2025-2026:',
        '      afdelingen: { onderbouw: { 3A: [s.bakker, j.devries] } }',
        '      functions:',
        '        - { function: mentor, user: j.devries, afdeling: [onderbouw] }',
        '        - { function: decaan, user: s.bakker, afdeling: [onderbouw] }',
        '      switches: { mentor: { edit-prognoses: maybe } }',
        '',
      ].join('\n'),
    );
    const r = run(db, 'apply', file);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^portal\.users\.admin: names root, who is in none of leerling, werknemer, ouder/m);
    expect(r.stderr).toMatch(/^portal\.projects\.2025-2026\.afdelingen\.onderbouw\.3A\[1\]: value "j\.devries" is not a leerling/m);
    expect(r.stderr).toMatch(/^portal\.projects\.2025-2026\.functions\[0\]\.afdeling\[0\]: value "afdeling" is not the scope of mentor, valid: klas/m);
    expect(r.stderr).toMatch(/^portal\.projects\.2025-2026\.functions\[1\]\.user: value "s\.bakker" is not a werknemer/m);
    expect(r.stderr).toMatch(/^portal\.projects\.2025-2026\.switches\.mentor\.edit-prognoses: value "maybe" is not on or off/m);
    expect(run(db, 'export', 'portal-projects').stdout).toBe('project\n');
  });
});

import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFacts } from '../src/db/facts/sqlite-facts';
import { decisionEngine } from '../src/model/registry';
import { HOLDER_TITLES, RIGHTS, rowsGranting, switchKeys, type Holder } from '../src/model/schoolfunction-rights';
import { demoDb, run, runFix } from './helpers';

const P = '2025-2026';
const SEED = readFileSync(join(__dirname, 'fixtures', 'seed-004-schoolfuncties.txt'), 'utf8');
const norm = (s: string) => s.replace(/\s+/g, ' ').trim();

/** The seed's top-level bullets under each user-type and function heading, each with its sub-bullets. */
function seedBullets(): { holder: Holder; label: string; details: string[] }[] {
  const byTitle = new Map(Object.entries(HOLDER_TITLES).map(([h, t]) => [t, h as Holder]));
  const out: { holder: Holder; label: string; details: string[] }[] = [];
  let holder: Holder | undefined;
  for (const line of SEED.split(/\r?\n/)) {
    const heading = byTitle.get(norm(line));
    if (heading) holder = heading;
    // Top-level bullets sit at one space at most, sub-bullets deeper.
    else if (holder && /^ ?•/.test(line)) out.push({ holder, label: norm(line.replace(/^ ?•/, '')), details: [] });
    else if (holder && /^\s{2,}•/.test(line)) out[out.length - 1].details.push(norm(line.replace(/^\s+•/, '')));
  }
  return out;
}

/** Runs checks in-process on the model as it is now (model tests on the facts the CLI wrote). */
function withFacts<T>(db: string, fn: (facts: ReturnType<typeof createFacts>) => T): T {
  const conn = new Database(db);
  try {
    return fn(createFacts(conn as never));
  } finally {
    conn.close();
  }
}

function scopeStep(r: { json: { trace: { rule: string; result: string; detail: string; source?: Record<string, unknown> }[] } }) {
  return r.json.trace.find((s) => s.rule === 'scope');
}

describe('the rights catalogue', () => {
  it("has one row per top-level bullet of the portal's rights list, in its order, with the Dutch label word for word", () => {
    const bullets = seedBullets();
    // Derived from the seed text: the user-type and function lists, without the assign-steps example.
    expect(bullets.length).toBeGreaterThan(100);
    expect(RIGHTS.length).toBe(bullets.length);
    expect(RIGHTS.map((r) => [r.holder, norm(r.label)])).toEqual(bullets.map((b) => [b.holder, b.label]));
    expect(RIGHTS.map((r) => (r.details ?? []).map(norm))).toEqual(bullets.map((b) => b.details));
  });

  it('marks exactly the "via vinkje tabblad Instellingen" rights and every user-type right as switches', () => {
    for (const r of RIGHTS) {
      const userType = ['leerling', 'werknemer', 'ouder'].includes(r.holder);
      expect(r.switch, `${r.holder} ${r.key}`).toBe(userType || r.label.includes('via vinkje'));
    }
  });

  it('prints the catalogue as JSON rows {key, holder, access, switch, label}, and reads maatwerkcoördinator with or without the diaeresis', () => {
    const all = run(null, 'schoolfunction', 'rights', '--json');
    expect(all.status).toBe(0);
    expect(all.json).toHaveLength(seedBullets().length);
    expect(Object.keys(all.json[0]).sort()).toEqual(['access', 'holder', 'key', 'label', 'switch']);
    const a = run(null, 'schoolfunction', 'rights', 'maatwerkcoördinator', '--json');
    const b = run(null, 'schoolfunction', 'rights', 'maatwerkcoordinator', '--json');
    expect(a.json).toEqual(b.json);
    expect(a.json.every((r: { holder: string }) => r.holder === 'maatwerkcoordinator')).toBe(true);
    expect(a.json.length).toBe(seedBullets().filter((x) => x.holder === 'maatwerkcoordinator').length);
  });

  it('makes every right a whocan action that needs --project', () => {
    const actions = run(null, 'whocan', '--actions', '--json').json as { key: string; module: string }[];
    for (const r of RIGHTS) expect(actions.find((a) => a.key === r.key)?.module).toBe('schoolfunctions');
  });
});

describe('each function inside and outside its scope', () => {
  let db: string;
  beforeAll(() => {
    db = demoDb();
    // A second school year with structure but no functions: outside every project-wide scope.
    expect(run(db, 'portal', 'project', 'add', '2026-2027').status).toBe(0);
    expect(run(db, 'portal', 'afdeling', 'add', 'onderbouw', '--project', '2026-2027').status).toBe(0);
    expect(run(db, 'portal', 'klas', 'add', '3A', '--afdeling', 'onderbouw', '--project', '2026-2027').status).toBe(0);
  });

  const cases: { fn: string; user: string; action: string; inside: string; outside: string; outsideProject?: string; scope: string }[] = [
    { fn: 'mentor', user: 'j.devries', action: 'view-prognoses', inside: 'user:s.bakker', outside: 'klas:3B', scope: 'klas 3A' },
    { fn: 'decaan', user: 'd.decaan', action: 'view-choice-packages', inside: 'klas:5H', outside: 'klas:3A', scope: 'afdeling bovenbouw' },
    { fn: 'maatwerkcoordinator', user: 'm.peters', action: 'view-student-statistics', inside: 'user:s.bakker', outside: 'user:l.bakker', scope: 'afdeling onderbouw' },
    { fn: 'teamleider', user: 'a.visser', action: 'view-prognoses', inside: 'user:e.smit', outside: 'afdeling:bovenbouw', scope: 'team team-onderbouw' },
    { fn: 'sectieleider', user: 'm.peters', action: 'view-lesson-distribution', inside: 'sectie:wiskunde', outside: 'user:t.assist', scope: 'sectie wiskunde' },
    { fn: 'leerlingadministratie', user: 'b.mulder', action: 'edit-student-properties', inside: 'klas:3A', outside: 'klas:3A', outsideProject: '2026-2027', scope: '2026-2027' },
    { fn: 'formatiebeheerder', user: 'b.mulder', action: 'view-finance', inside: 'klas:5H', outside: 'klas:3A', outsideProject: '2026-2027', scope: '2026-2027' },
    { fn: 'roostermaker-school', user: 'r.rooster', action: 'view-portal-setup', inside: 'klas:3A', outside: 'klas:3A', outsideProject: '2026-2027', scope: '2026-2027' },
    { fn: 'roostermaker-ouderavond', user: 'r.rooster', action: 'create-parent-evenings', inside: 'klas:3A', outside: 'klas:3A', outsideProject: '2026-2027', scope: '2026-2027' },
  ];

  for (const c of cases) {
    it(`a ${c.fn} is allowed inside their scope and denied outside it, with the trace naming the scope`, () => {
      const inside = run(db, 'whocan', c.action, c.inside, '--user', c.user, '--project', P, '--json');
      expect(inside.status).toBe(0);
      expect(inside.json.decision).toBe('allow');
      const fnStep = inside.json.trace.find((s: { rule: string }) => s.rule === 'schoolfunction');
      expect(fnStep.source).toMatchObject({ kind: 'schoolfunction', function: c.fn, project: P });

      const project = c.outsideProject ?? P;
      const outside = run(db, 'whocan', c.action, c.outside, '--user', c.user, '--project', project, '--json');
      expect(outside.status).toBe(1);
      expect(outside.json.decision).toBe('deny');
      const failed = outside.json.trace.filter((s: { result: string }) => s.result === 'fail');
      expect(failed.length).toBeGreaterThan(0);
      expect(failed.map((s: { detail: string }) => s.detail).join(' ')).toContain(c.scope);
      if (!c.outsideProject) {
        expect(scopeStep(outside)).toMatchObject({ result: 'fail', source: { kind: 'schoolfunction', function: c.fn } });
      }
      // The fix turns the deny into an allow.
      expect(outside.json.fixes.length).toBeGreaterThan(0);
      for (const f of outside.json.fixes) expect(runFix(db, f).status).toBe(0);
      expect(run(db, 'whocan', c.action, c.outside, '--user', c.user, '--project', project).status).toBe(0);
    });
  }
});

describe('Instellingen switches', () => {
  // A holder, a user holding only that function (or of that type) and a target inside their scope.
  const holders: { holder: Holder; user: string; target?: string }[] = [
    { holder: 'decaan', user: 'd.decaan', target: 'klas:5H' },
    { holder: 'mentor', user: 'j.devries', target: 'klas:3A' },
    { holder: 'teamleider', user: 'a.visser', target: 'klas:3A' },
    { holder: 'sectieleider', user: 'm.peters', target: 'sectie:wiskunde' },
    { holder: 'leerlingadministratie', user: 'b.mulder', target: 'klas:3A' },
    { holder: 'roostermaker-school', user: 'r.rooster', target: 'klas:3A' },
    { holder: 'leerling', user: 's.bakker' },
    { holder: 'werknemer', user: 'j.devries' },
    { holder: 'ouder', user: 'p.bakker', target: 'user:s.bakker' },
  ];
  let db: string;
  beforeAll(() => {
    db = demoDb();
  });

  it('covers every holder that has switches', () => {
    const withSwitches = new Set(RIGHTS.filter((r) => r.switch).map((r) => r.holder));
    expect(new Set(holders.map((h) => h.holder))).toEqual(withSwitches);
  });

  for (const h of holders) {
    it(`each switch of ${h.holder} allows when on and denies when off; an edit switch off keeps the view right`, () => {
      const keys = switchKeys(h.holder);
      const engine = decisionEngine();
      const decide = (f: ReturnType<typeof createFacts>, key: string) => engine.decide(f, key, h.user, h.target, { project: P });

      expect(run(db, 'schoolfunction', 'settings', h.holder, ...keys.map((k) => `${k}=off`), '--project', P).status).toBe(0);
      withFacts(db, (f) => {
      for (const key of keys) {
        const d = decide(f, key);
        expect(d.decision, `${h.holder} ${key} off`).toBe('deny');
        const sw = d.trace.find((s) => s.rule === 'instellingen-switch');
        expect(sw).toMatchObject({ result: 'fail', source: { kind: 'schoolfunction', function: h.holder, right: key, switch: 'off' } });
        expect(d.fixes).toEqual([`schoolctl schoolfunction settings ${h.holder} ${key}=on --project ${P}`]);
        const view = key.replace(/^edit-/, 'view-');
        if (key.startsWith('edit-') && rowsGranting(view).some((r) => r.holder === h.holder)) {
          expect(decide(f, view).decision, `${h.holder} ${view} with ${key} off`).toBe('allow');
        }
      }
      });

      expect(run(db, 'schoolfunction', 'settings', h.holder, ...keys.map((k) => `${k}=on`), '--project', P).status).toBe(0);
      withFacts(db, (f) => {
      for (const key of keys) {
        const d = decide(f, key);
        expect(d.decision, `${h.holder} ${key} on`).toBe('allow');
        expect(d.trace.find((s) => s.rule === 'instellingen-switch')).toMatchObject({ result: 'pass', source: { switch: 'on' } });
      }
      });
    });
  }

  it("a printed switch fix, when run, turns the mentor's deny into an allow", () => {
    expect(run(db, 'schoolfunction', 'settings', 'mentor', 'edit-transition-advice=off', '--project', P).status).toBe(0);
    const deny = run(db, 'whocan', 'edit-transition-advice', 'klas:3A', '--user', 'j.devries', '--project', P, '--json');
    expect(deny.status).toBe(1);
    expect(deny.json.fixes).toEqual([`schoolctl schoolfunction settings mentor edit-transition-advice=on --project ${P}`]);
    expect(runFix(db, deny.json.fixes[0]).status).toBe(0);
    expect(run(db, 'whocan', 'edit-transition-advice', 'klas:3A', '--user', 'j.devries', '--project', P).status).toBe(0);
  });

  it('refuses a right that is not a switch of the function, naming the valid ones', () => {
    const r = run(db, 'schoolfunction', 'settings', 'mentor', 'view-prognoses=on', '--project', P);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('edit-prognoses');
    expect(run(db, 'schoolfunction', 'settings', 'formatiebeheerder', 'edit-lesson-distribution=on', '--project', P).status).toBe(2);
  });
});

describe('assigning school functions', () => {
  let db: string;
  beforeAll(() => {
    db = demoDb();
  });

  const listed = () => run(db, 'schoolfunction', 'list', '--project', P, '--json').json;

  it('refuses a wrong or missing scope with exit 2 naming the right one, and changes nothing', () => {
    const before = listed();
    const cases: [string[], string][] = [
      [['mentor', 'm.peters', '--afdeling', 'onderbouw'], '--klas'],
      [['mentor', 'm.peters'], '--klas'],
      [['decaan', 'm.peters', '--klas', '3A'], '--afdeling'],
      [['maatwerkcoördinator', 'j.devries'], '--afdeling'],
      [['teamleider', 'm.peters', '--sectie', 'wiskunde'], '--team'],
      [['sectieleider', 'j.devries', '--team', 'team-onderbouw'], '--sectie'],
      [['formatiebeheerder', 'j.devries', '--klas', '3A'], 'no scope'],
    ];
    for (const [args, named] of cases) {
      const r = run(db, 'schoolfunction', 'assign', ...args, '--project', P, '--json');
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.json.error.message).toContain(named);
    }
    expect(listed()).toEqual(before);
  });

  it('refuses leerlingen, ouders and users without a portal type: only werknemers hold functions', () => {
    for (const u of ['s.bakker', 'p.bakker', 'g.visitor']) {
      const r = run(db, 'schoolfunction', 'assign', 'mentor', u, '--project', P, '--klas', '3A');
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('werknemer');
    }
  });

  it('accepts maatwerkcoördinator with the diaeresis, adds scopes, lists and removes them', () => {
    expect(run(db, 'schoolfunction', 'assign', 'Maatwerkcoördinator', 'j.devries', '--project', P, '--afdeling', 'bovenbouw').status).toBe(0);
    expect(run(db, 'whocan', 'view-student-statistics', 'user:l.bakker', '--user', 'j.devries', '--project', P).status).toBe(0);
    const mine = run(db, 'schoolfunction', 'list', '--user', 'j.devries', '--json').json;
    expect(mine).toContainEqual({ project: P, function: 'maatwerkcoordinator', user: 'j.devries', scope: { afdeling: ['bovenbouw'] } });
    expect(run(db, 'schoolfunction', 'remove', 'maatwerkcoordinator', 'j.devries', '--project', P).status).toBe(0);
    expect(run(db, 'whocan', 'view-student-statistics', 'user:l.bakker', '--user', 'j.devries', '--project', P).status).toBe(1);
  });

  it('under --as only a user with the portal admin flag may change portal data', () => {
    const refused = run(db, '--as', 'a.visser', 'schoolfunction', 'assign', 'mentor', 'm.peters', '--project', P, '--klas', '3B', '--json');
    expect(refused.status).toBe(1);
    expect(refused.json.decision).toBe('deny');
    expect(refused.json.trace.find((s: { rule: string }) => s.rule === 'portal-admin').result).toBe('fail');
    expect(run(db, '--as', 'a.visser', 'portal', 'project', 'add', '2027-2028').status).toBe(1);
    expect(run(db, '--as', 'a.visser', 'schoolfunction', 'settings', 'mentor', 'edit-prognoses=off', '--project', P).status).toBe(1);
    expect(run(db, '--as', 'root', 'schoolfunction', 'assign', 'mentor', 'm.peters', '--project', P, '--klas', '3B').status).toBe(0);
    const audit = run(db, 'audit', '--json');
    expect(JSON.stringify(audit.json)).toContain('schoolfunction assign mentor m.peters');
  });

  it('a user who changes from werknemer while holding functions is refused, with the removes to run first', () => {
    const r = run(db, 'portal', 'user', 'd.decaan', '--type', 'ouder');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('schoolctl schoolfunction remove decaan d.decaan --project 2025-2026');
  });
});

describe('reverse lookups on the demo site', () => {
  let db: string;
  beforeAll(() => {
    db = demoDb();
  });

  it('whocan edit-prognoses klas:3A lists exactly the mentor of 3A, the teamleider of its afdeling and the admin, with reasons', () => {
    const r = run(db, 'whocan', 'edit-prognoses', 'klas:3A', '--project', P, '--json');
    expect(r.status).toBe(0);
    const allowed = r.json.allowed as { user: string; because: string }[];
    expect(allowed.map((a) => a.user)).toEqual(['a.visser', 'j.devries', 'root']);
    expect(allowed[0].because).toMatch(/teamleider.*team-onderbouw.*switch edit-prognoses on/);
    expect(allowed[1].because).toMatch(/mentor.*klas 3A.*switch edit-prognoses on/);
    expect(allowed[2].because).toContain('applicatiebeheerder');
    expect(run(db, 'whocan', 'edit-prognoses', 'klas:3A').status).toBe(2);
    // t.assist mentors 3B; r.rooster's roostermaker switch is off.
    expect(run(db, 'schoolfunction', 'settings', 'roostermaker-school', 'edit-prognoses=on', '--project', P).status).toBe(0);
    const after = run(db, 'whocan', 'edit-prognoses', 'klas:3A', '--project', P, '--json');
    expect(after.json.allowed.map((a: { user: string }) => a.user)).toEqual(['a.visser', 'j.devries', 'r.rooster', 'root']);
  });

  it('a view right bundled in "bekijken van leerlingen (…)" reaches the formatiebeheerder and roostermaker too', () => {
    const r = run(db, 'whocan', 'view-prognoses', 'user:s.bakker', '--project', P, '--json');
    expect(r.json.allowed.map((a: { user: string }) => a.user)).toEqual(['a.visser', 'b.mulder', 'j.devries', 'r.rooster', 'root']);
  });
});

describe('portal doctor checks', () => {
  let db: string;
  beforeAll(() => {
    db = demoDb();
  });
  const findings = (check: string) => (run(db, 'doctor', '--json').json.findings as { check: string; fixes: string[]; users: string[] }[]).filter((f) => f.check === check);

  it('warns about legacy roles except merces, _itslearning, magister and somtod, and the fix clears the role', () => {
    expect(run(db, 'portal', 'user', 'b.mulder', '--type', 'werknemer', '--role', 'magister').status).toBe(0);
    expect(findings('portal-legacy-role')).toEqual([]);
    expect(run(db, 'portal', 'user', 't.assist', '--type', 'werknemer', '--role', 'docent').status).toBe(0);
    const f = findings('portal-legacy-role');
    expect(f).toHaveLength(1);
    expect(f[0].users).toEqual(['t.assist']);
    for (const x of f[0].fixes) expect(runFix(db, x).status).toBe(0);
    expect(findings('portal-legacy-role')).toEqual([]);
    // The fix kept what it should: t.assist is still a werknemer and mentor.
    expect(run(db, 'whocan', 'view-prognoses', 'klas:3B', '--user', 't.assist', '--project', P).status).toBe(0);
  });

  it('warns about functions in a project without afdelingen or klassen, and switches that changed since last year', () => {
    expect(run(db, 'portal', 'project', 'add', '2026-2027').status).toBe(0);
    expect(run(db, 'schoolfunction', 'assign', 'formatiebeheerder', 'b.mulder', '--project', '2026-2027').status).toBe(0);
    const empty = findings('portal-functions-without-structure');
    expect(empty).toHaveLength(1);
    for (const x of empty[0].fixes) expect(runFix(db, x).status).toBe(0);
    expect(findings('portal-functions-without-structure')).toEqual([]);

    const drift = findings('portal-switch-changed');
    expect(drift.map((d) => d.fixes[0])).toContain('schoolctl schoolfunction settings mentor edit-prognoses=on --project 2026-2027');
    for (const d of drift) for (const x of d.fixes) expect(runFix(db, x).status).toBe(0);
    expect(findings('portal-switch-changed')).toEqual([]);
  });
});

// `--as` is a security boundary: every chain of allowed steps that used to escalate is refused, on
// every path (commands, import rows, apply sections, relation commands); names print escaped.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { demoDb, run, runFix } from './helpers.js';

function file(name: string, text: string): string {
  const f = join(mkdtempSync(join(tmpdir(), 'schoolctl-sec-')), name);
  writeFileSync(f, text);
  return f;
}

function effective(db: string, user: string, key: string): string {
  const r = run(db, 'whocan', key, '--user', user, '--json');
  return r.json.decision;
}

/** a.visser (north, level 50) writes a policy that takes user management away and tries it on a.beheer, of her own level. */
function lockOutBeheer(db: string) {
  expect(run(db, '--as', 'a.visser', 'policies', 'create', 'Lockout', '--org', 'north').status).toBe(0);
  expect(run(db, '--as', 'a.visser', 'policies', 'set', 'Lockout', 'user-and-access-rights-management=disabled').status).toBe(0);
  return run(db, '--as', 'a.visser', 'policies', 'apply', 'Lockout', '--user', 'a.beheer');
}

describe('a school administrator cannot raise her own reach through a policy', () => {
  it('refuses site scopes in a school policy, workflow management she lacks, and a policy on herself', () => {
    const db = demoDb();
    expect(run(db, '--as', 'a.visser', 'policies', 'create', 'Escalate', '--org', 'north').status).toBe(0);
    const set = run(db, '--as', 'a.visser', 'policies', 'set', 'Escalate', 'user-and-access-rights-management=site', 'policy-management=site', 'hierarchy-management=site');
    expect(set.status).toBe(1);
    expect(set.stderr).toMatch(/site/);
    const wf = run(db, '--as', 'a.visser', 'policies', 'set', 'Escalate', 'workflow-management=on');
    expect(wf.status).toBe(1);
    // Even a harmless value: the policy may not be applied to the actor herself.
    expect(run(db, '--as', 'a.visser', 'policies', 'set', 'Escalate', 'messages=on').status).toBe(0);
    const self = run(db, '--as', 'a.visser', 'policies', 'apply', 'Escalate', '--user', 'a.visser');
    expect(self.status).toBe(1);
    expect(self.stderr).toMatch(/a\.visser/);
    expect(run(db, '--as', 'a.visser', 'units', 'add', 'west', '--kind', 'school').status).toBe(1);
    expect(run(db, '--as', 'a.visser', 'workflow', 'set', 'behaviour', 'group-registration', '--learner', 'on').status).toBe(1);
    expect(run(db, '--as', 'a.visser', 'users', 'set-profile', 'a.jansen', 'Guest').status).toBe(1);
    expect(effective(db, 'a.visser', 'workflow-management')).toBe('deny');
  });
});

describe('a school policy cannot hand out site reach, nor lock out a same-level administrator', () => {
  it('refuses site-wide user management for north Staff, so a north teacher cannot edit a south guest', () => {
    const db = demoDb();
    expect(run(db, '--as', 'a.visser', 'policies', 'create', 'Staff admin', '--org', 'north').status).toBe(0);
    expect(run(db, '--as', 'a.visser', 'policies', 'set', 'Staff admin', 'user-and-access-rights-management=site').status).toBe(1);
    // School level is what she holds herself, but Staff sit in both schools' users and the profile belongs to the site.
    expect(run(db, '--as', 'a.visser', 'policies', 'apply', 'North messaging', '--profile', 'Staff').status).toBe(1);
    const edit = run(db, '--as', 'r.jansen', 'users', 'set', 'o.inspector', '--name', 'Changed');
    expect(edit.status).toBe(1);
  });

  it('refuses a lock-out policy on an administrator of the same level', () => {
    const db = demoDb();
    const r = lockOutBeheer(db);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/a\.beheer/);
    expect(effective(db, 'a.beheer', 'user-and-access-rights-management')).toBe('allow');
  });
});

describe('import and apply judge every row they change, not only the profile they hand out', () => {
  function siteAdmin(): string {
    const db = demoDb();
    // An administrator with site-level user management (the owner grants it).
    expect(run(db, 'policies', 'create', 'Site users').status).toBe(0);
    expect(run(db, 'policies', 'set', 'Site users', 'user-and-access-rights-management=site').status).toBe(0);
    expect(run(db, 'policies', 'apply', 'Site users', '--user', 'a.beheer').status).toBe(0);
    return db;
  }

  it('refuses demoting root and rewriting his email through import users, naming the line', () => {
    const db = siteAdmin();
    const csv = file('users.csv', 'username,name,email,profile\ng.visitor,Guus Visitor,,Guest\nroot,Site Root,evil@example.org,Guest\n');
    const r = run(db, '--as', 'a.beheer', 'import', 'users', csv);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/line 3/);
    expect(r.stderr).toMatch(/root/);
    expect(run(db, 'users', 'show', 'root', '--json').json.profile).toBe('System Administrator');
  });

  it('refuses lowering the System Administrator profile through import profiles and apply', () => {
    const db = siteAdmin();
    const csv = file('profiles.csv', 'name,level,role_in_hierarchy\nSystem Administrator,15,administrator\n');
    const r = run(db, '--as', 'a.beheer', 'import', 'profiles', csv);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/line 2/);
    const site = file('site.yaml', 'profiles:\n  System Administrator:\n    level: 15\n    roleInHierarchy: administrator\n');
    const a = run(db, '--as', 'a.beheer', 'apply', site);
    expect(a.status).toBe(1);
    expect(a.stderr).toMatch(/profiles\.System Administrator/);
    expect(run(db, 'profiles', 'show', 'System Administrator', '--json').json.level).toBe(100);
  });

  it("refuses raising the actor's own profile through apply", () => {
    const db = siteAdmin();
    const site = file('site.yaml', 'profiles:\n  Administrator:\n    settings:\n      global-settings: on\n');
    const a = run(db, '--as', 'a.beheer', 'apply', site);
    expect(a.status).toBe(1);
    expect(a.stderr).toMatch(/profiles\.Administrator\.settings\.global-settings/);
    expect(effective(db, 'a.beheer', 'global-settings')).toBe('deny');
  });
});

describe('relation commands check levels and schools', () => {
  it('refuses stripping a same-level administrator, enrolling root, and pulling a south learner into north', () => {
    const db = demoDb();
    expect(run(db, '--as', 'a.visser', 'users', 'leave', 'a.beheer', '--unit', 'north').status).toBe(1);
    expect(run(db, '--as', 'a.visser', 'courses', 'enrol', 'math-5a', 'root', '--role', 'learner').status).toBe(1);
    expect(run(db, '--as', 'a.visser', 'users', 'join', 'a.jansen', '--unit', 'north').status).toBe(1);
    expect(run(db, '--as', 'a.visser', 'users', 'set-profile', 'a.jansen', 'Guest').status).toBe(1);
    expect(run(db, '--as', 'a.visser', 'parents', 'link', 'g.visitor', 'root').status).toBe(1);
    expect(run(db, 'users', 'show', 'a.jansen', '--json').json.profile).toBe('Student');
    // Within her reach the same commands still work.
    expect(run(db, '--as', 'a.visser', 'users', 'join', 's.bakker', '--unit', '5B').status).toBe(0);
  });
});

describe('--as is validated and the audit names a real actor', () => {
  it('refuses an empty or unknown --as with exit 2 naming the flag, and a read where it means nothing', () => {
    const db = demoDb();
    const empty = run(db, '--as', '', 'users', 'set', 's.bakker', '--name', 'X');
    expect(empty.status).toBe(2);
    expect(empty.stderr).toMatch(/--as/);
    const unknown = run(db, '--as', 'nosuchuser', 'users', 'list');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/--as.*nosuchuser/);
    const read = run(db, '--as', 'a.visser', 'users', 'list');
    expect(read.status).toBe(2);
    expect(read.stderr).toMatch(/--as/);
    const audit = run(db, 'audit', '--json').json;
    const actors = (Array.isArray(audit) ? audit : audit.entries ?? audit.rows ?? []).map((e: { actor: string }) => e.actor);
    expect(actors.every((a: string) => a.length > 0)).toBe(true);
  });
});

describe('names are printed escaped and refused at the door', () => {
  it('refuses control and bidi characters in names, emails, external ids, unit and policy names', () => {
    const db = demoDb();
    const name = run(db, 'users', 'add', 'x.esc', '--profile', 'Guest', '--name', 'Evil\u001b]0;pwned\u0007');
    expect(name.status).toBe(2);
    expect(name.stderr).toMatch(/--name/);
    expect(name.stderr).toContain('\\x1b');
    expect(run(db, 'users', 'set', 's.bakker', '--email', 'a\u001b@x.org').status).toBe(2);
    expect(run(db, 'users', 'set', 's.bakker', '--external-id', 'S\u202e1').status).toBe(2);
    expect(run(db, 'units', 'add', 'west', '--kind', 'school', '--name', 'West\u009b2J').status).toBe(2);
    expect(run(db, 'policies', 'create', 'Bad\u202eName').status).toBe(2);
    const csv = file('users.csv', 'username,name,profile\nx.csv,Evil\u001b[2J,Guest\n');
    const r = run(db, 'import', 'users', csv);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/line 2: column name/);
    expect(r.stderr).not.toContain('\u001b');
  });

  it('escapes names already in the model in users show, users list and audit', () => {
    const db = demoDb();
    const sqlite = new Database(db);
    sqlite.prepare('UPDATE users SET name = ?, email = ? WHERE username = ?').run('Bad\u001b]0;title\u0007\u202eName', 'x\u001b@e.org', 's.bakker');
    sqlite.prepare("INSERT INTO audit (at, actor, command, summary, changes) VALUES ('2026-01-01T00:00:00Z', 'x', 'schoolctl x', ?, '[]')").run('sum\u001b[2J');
    sqlite.close();
    for (const args of [['users', 'show', 's.bakker'], ['users', 'list'], ['audit']]) {
      const r = run(db, ...args);
      expect(r.status).toBe(0);
      expect(r.stdout).not.toMatch(/[\u001b\u0007\u202e]/);
    }
    expect(run(db, 'users', 'show', 's.bakker').stdout).toContain('\\x1b');
    // JSON stays exact.
    expect(run(db, 'users', 'show', 's.bakker', '--json').json.name).toBe('Bad\u001b]0;title\u0007\u202eName');
  });
});

describe('printed commands paste safely', () => {
  it('a fix naming a policy called --db=x runs on this model and sets that policy', () => {
    const db = demoDb();
    expect(run(db, 'policies', 'create', '--', '--db=x').status).toBe(0);
    expect(run(db, 'policies', 'set', '--', '--db=x', 'messages=off').status).toBe(0);
    expect(run(db, 'policies', 'apply', '--user', 's.bakker', '--', '--db=x').status).toBe(0);
    const d = run(db, 'whocan', 'messages', '--user', 's.bakker', '--json').json;
    expect(d.decision).toBe('deny');
    const fix = d.fixes.find((f: string) => f.includes('--db=x'));
    expect(fix).toBeDefined();
    const r = runFix(db, fix);
    expect(r.status).toBe(0);
    expect(run(db, 'whocan', 'messages', '--user', 's.bakker', '--json').json.decision).toBe('allow');
  });
});

describe('an --as refusal names the right the actor lacks and who could make the change instead', () => {
  it('the guard: the right on its target, and the few who hold it, in the message and in --json', () => {
    const db = demoDb();
    const r = run(db, '--as', 'l.smit', 'profiles', 'set', 'Student', 'messages=on');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^schoolctl: l\.smit may not change profile Student: .*\. It needs manage-profile profile:Student; who can: root\.$/m);
    const j = run(db, '--as', 'l.smit', 'profiles', 'set', 'Student', 'messages=on', '--json').json;
    expect(j.decision).toBe('deny');
    expect(j.fixes).toEqual([]);
    expect(j.lacking).toEqual([{ right: 'manage-profile', target: 'profile:Student', text: 'manage-profile profile:Student' }]);
    expect(j.whoCould).toEqual({ users: ['root'], more: 0 });
    // A user in another school: the administrators who reach her.
    const other = run(db, '--as', 'a.visser', 'users', 'set-profile', 'a.jansen', 'Guest');
    expect(other.stderr).toMatch(/It needs manage-user user:a\.jansen; who can: a\.beheer, b\.mulder, root\./);
    // What belongs to the site needs the right at site level.
    expect(run(db, '--as', 'a.visser', 'units', 'add', 'west', '--kind', 'school').stderr).toMatch(/It needs hierarchy-management at site level; who can: root\./);
  });

  it('the no-escalation rule: a same-level administrator is out of reach, so only someone above could', () => {
    const db = demoDb();
    const r = lockOutBeheer(db);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/nothing was changed\. It needs policy-management user:a\.beheer with a profile above security level 50; who can: root\./);
    const j = run(db, '--as', 'a.visser', 'policies', 'apply', 'Lockout', '--user', 'a.beheer', '--json').json;
    expect(j.lacking).toEqual([expect.objectContaining({ right: 'policy-management', target: 'user:a.beheer', aboveLevel: 50 })]);
    expect(j.whoCould).toEqual({ users: ['root'], more: 0 });
    // A school's policy never sets a site scope: no one could, and the refusal says so.
    const site = run(db, '--as', 'a.visser', 'policies', 'set', 'Lockout', 'policy-management=site');
    expect(site.status).toBe(1);
    expect(site.stderr).toMatch(/no one could make it as it stands\./);
  });

  it('workflow advance: the batch needs its responsible person, named', () => {
    const db = demoDb();
    const r = run(db, '--as', 'm.peters', 'workflow', 'advance', 'behaviour', 'class:5A', '--term', '2026-T2');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^schoolctl: m\.peters may not advance behaviour 2026-T2 class:5A: .*\. It needs advance-behaviour class:5A --term 2026-T2; who can: j\.devries\.$/m);
    const j = run(db, '--as', 'm.peters', 'workflow', 'advance', 'behaviour', 'class:5A', '--term', '2026-T2', '--json').json;
    expect(j.lacking).toEqual([{ right: 'advance-behaviour', target: 'class:5A', term: '2026-T2', text: 'advance-behaviour class:5A --term 2026-T2' }]);
    expect(j.whoCould).toEqual({ users: ['j.devries'], more: 0 });
    expect(j.fixes).toEqual([]);
  });

  it('names the first five by name and counts the rest', () => {
    const db = demoDb();
    // Every Staff member gets site-wide user management (the owner may).
    expect(run(db, 'policies', 'create', 'Staff users').status).toBe(0);
    expect(run(db, 'policies', 'set', 'Staff users', 'user-and-access-rights-management=site').status).toBe(0);
    expect(run(db, 'policies', 'apply', 'Staff users', '--profile', 'Staff').status).toBe(0);
    const holders = run(db, 'whocan', 'manage-user', 'user:g.visitor', '--json').json.allowed.map((a: { user: string }) => a.user);
    expect(holders.length).toBeGreaterThan(5);
    const r = run(db, '--as', 'l.smit', 'users', 'set', 'g.visitor', '--name', 'Changed');
    expect(r.status).toBe(1);
    const m = /who can: ([^()]+) \(and (\d+) more\)\./.exec(r.stderr);
    expect(m).not.toBeNull();
    expect(m![1].split(', ')).toEqual(holders.slice(0, 5));
    expect(Number(m![2])).toBe(holders.length - 5);
    const j = run(db, '--as', 'l.smit', 'users', 'set', 'g.visitor', '--name', 'Changed', '--json').json;
    expect(j.whoCould.users).toEqual(holders.slice(0, 20));
    expect(j.whoCould.more).toBe(Math.max(0, holders.length - 20));
  });
});

describe('a refusal sentence stays short on a bulk change', () => {
  it('names the first three needs, counts the rest, and says when who-could was judged on part of them', async () => {
    const { needsSentence } = await import('../src/model/refusal.js');
    const needs = Array.from({ length: 25 }, (_, i) => ({ right: 'manage-user', target: `user:u${i}`, text: `manage-user user:u${i}` }));
    const s = needsSentence(needs, { users: ['a', 'b', 'c', 'd', 'e', 'f'], more: 2, judgedNeeds: 20 });
    expect(s).toBe('It needs manage-user user:u0; and manage-user user:u1; and manage-user user:u2; and 22 more (see --json); who can (judged on the first 20 needs): a, b, c, d, e (and 3 more)');
    expect(needsSentence([needs[0]], { users: [], more: 0 })).toBe('It needs manage-user user:u0; no other user could make it either');
  });
});

describe('who could is judged again by the same rule when few meet the needs', () => {
  it('drops a would-be actor the whole change refuses, and keeps the rest', async () => {
    const { createFacts } = await import('../src/db/facts/sqlite-facts.js');
    const { decisionEngine } = await import('../src/model/registry.js');
    const { actionNeed, whoCould } = await import('../src/model/refusal.js');
    const facts = createFacts(new Database(demoDb(), { readonly: true }) as never);
    const need = actionNeed('manage-user', { kind: 'user', id: 'a.jansen' });
    expect(whoCould(decisionEngine(), facts, [need], 'a.visser').users).toEqual(['a.beheer', 'b.mulder', 'root']);
    const verify = { upTo: 50, check: (u: string) => u !== 'b.mulder' };
    expect(whoCould(decisionEngine(), facts, [need], 'a.visser', verify).users).toEqual(['a.beheer', 'root']);
    // Beyond the bound it is not run: the needs alone answer.
    expect(whoCould(decisionEngine(), facts, [need], 'a.visser', { ...verify, upTo: 2 }).users).toEqual(['a.beheer', 'b.mulder', 'root']);
  });
});

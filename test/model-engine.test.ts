import { describe, expect, it } from 'vitest';
import { effectiveSetting } from '../src/model/policy-resolution';
import { decisionEngine } from '../src/model/registry';
import { twoSchools } from './memory-facts';

const engine = decisionEngine();

describe('policy resolution', () => {
  it('lets the strictest acting candidate win across profile- and user-assigned policies', () => {
    const f = twoSchools();
    f.policies.push(
      { name: 'Wide', orgId: null, settings: { 'create-courses': 'site' }, users: ['teacher.n'], profiles: [] },
      { name: 'Narrow', orgId: null, settings: { 'create-courses': 'disabled' }, users: [], profiles: ['Staff'] },
    );
    const eff = effectiveSetting(f.asFacts(), f.user('teacher.n')!, 'create-courses');
    expect(eff.value).toBe('disabled');
    expect(eff.source).toMatchObject({ kind: 'policy', policy: 'Narrow' });
    expect(eff.candidates.find((c) => c.candidate.policy.name === 'Wide')!.reason).toMatch(/loses to Narrow/);
  });

  it('overrides the profile in either direction', () => {
    const f = twoSchools();
    f.set('Student', 'messages', 'off');
    f.policies.push({ name: 'Talk', orgId: 'north', settings: { messages: 'on' }, users: ['pupil.n'], profiles: [] });
    expect(effectiveSetting(f.asFacts(), f.user('pupil.n')!, 'messages').value).toBe('on');
  });

  it("does not act with a school's policy on users outside that school", () => {
    const f = twoSchools();
    f.policies.push({ name: 'South quiet', orgId: 'south', settings: { messages: 'off' }, users: [], profiles: ['Student'] });
    expect(effectiveSetting(f.asFacts(), f.user('pupil.s')!, 'messages').value).toBe('off');
    const north = effectiveSetting(f.asFacts(), f.user('pupil.n')!, 'messages');
    expect(north.value).toBe('on');
    expect(north.candidates[0]).toMatchObject({ acting: false });
    expect(north.candidates[0].reason).toMatch(/not one of pupil.n's schools/);
  });

  it("never changes the highest profile's administration settings", () => {
    const f = twoSchools();
    f.policies.push({ name: 'Lockout', orgId: null, settings: { 'policy-management': 'disabled', messages: 'off' }, users: ['root'], profiles: [] });
    expect(effectiveSetting(f.asFacts(), f.user('root')!, 'policy-management').value).toBe('site');
    expect(effectiveSetting(f.asFacts(), f.user('root')!, 'messages').value).toBe('off');
  });

  it('breaks ties of unordered kinds by user assignment, then by name', () => {
    const f = twoSchools();
    f.policies.push(
      { name: 'A profile start', orgId: null, settings: { 'start-url': 'course-cards' }, users: [], profiles: ['Staff'] },
      { name: 'Z user start', orgId: null, settings: { 'start-url': 'https://x.example/' }, users: ['teacher.n'], profiles: [] },
    );
    expect(effectiveSetting(f.asFacts(), f.user('teacher.n')!, 'start-url').value).toBe('https://x.example/');
  });
});

describe('school scope', () => {
  it('judges a school-level setting against the target across two schools', () => {
    const f = twoSchools().asFacts();
    expect(engine.decide(f, 'create-courses', 'teacher.n', 'unit:5A').decision).toBe('allow');
    const d = engine.decide(f, 'create-courses', 'teacher.n', 'unit:3C');
    expect(d.decision).toBe('deny');
    expect(d.trace.at(-1)).toMatchObject({ rule: 'school-scope', result: 'fail' });
    expect(d.fixes).toEqual(['schoolctl profiles set Staff create-courses=site']);
    expect(engine.decide(f, 'create-courses', 'teacher.ns', 'unit:3C').decision).toBe('allow');
  });

  it('treats a unit above every school as part of the site', () => {
    const f = twoSchools().asFacts();
    expect(engine.decide(f, 'create-courses', 'teacher.n', 'unit:district').decision).toBe('deny');
    expect(engine.decide(f, 'create-courses', 'admin.n', 'unit:district').decision).toBe('allow');
  });
});

describe('privacy rules', () => {
  it('lets a shared course override the category rule', () => {
    const f = twoSchools();
    expect(engine.decide(f.asFacts(), 'search-user', 'pupil.n', 'user:pupil.s').decision).toBe('deny');
    f.courses.set('art', { id: 'art', unitId: '3C', name: 'Art', members: ['pupil.n', 'pupil.s'] });
    const d = engine.decide(f.asFacts(), 'search-user', 'pupil.n', 'user:pupil.s');
    expect(d.decision).toBe('allow');
    expect(d.trace.at(-1)).toMatchObject({ rule: 'own-courses-override', result: 'pass' });
  });

  it('needs Messages on before any initiate-communication rule', () => {
    const f = twoSchools().set('Student', 'messages', 'off');
    const d = engine.decide(f.asFacts(), 'message-user', 'pupil.n', 'user:teacher.n');
    expect(d.decision).toBe('deny');
    expect(d.fixes).toEqual(['schoolctl profiles set Student messages=on']);
  });

  it('shows details of a user who does not share them only through a show-details setting', () => {
    const f = twoSchools();
    expect(engine.decide(f.asFacts(), 'view-user-details', 'teacher.s', 'user:pupil.s').decision).toBe('allow');
    const d = engine.decide(f.asFacts(), 'view-user-details', 'pupil.n', 'user:pupil.s');
    expect(d.decision).toBe('deny');
    expect(d.trace.some((s) => s.rule === 'shares-details' && s.result === 'fail')).toBe(true);
  });
});

describe('administration rights', () => {
  it('keeps an Administrator off profiles at or above their level', () => {
    const f = twoSchools().set('Administrator', 'user-and-access-rights-management', 'site').asFacts();
    expect(engine.decide(f, 'manage-profile', 'admin.n', 'profile:Staff').decision).toBe('allow');
    const d = engine.decide(f, 'manage-profile', 'admin.n', 'profile:System Administrator');
    expect(d.decision).toBe('deny');
    expect(d.trace.at(-1)).toMatchObject({ rule: 'security-level', result: 'fail' });
  });

  it('confines a school-scoped administrator to users of their own schools', () => {
    const f = twoSchools().asFacts();
    expect(engine.decide(f, 'manage-user', 'admin.n', 'user:pupil.n').decision).toBe('allow');
    expect(engine.decide(f, 'manage-user', 'admin.n', 'user:pupil.s').decision).toBe('deny');
  });
});

describe('reverse lookups', () => {
  it('lists every allowed user with the rule that let them in', () => {
    const r = engine.whoCan(twoSchools().asFacts(), 'create-courses', 'unit:3C');
    expect(r.allowed.map((a) => a.user)).toEqual(['admin.n', 'root', 'teacher.ns', 'teacher.s']);
    expect(r.allowed.find((a) => a.user === 'teacher.s')!.because).toMatch(/school south/);
  });
});

describe('reverse lookups by set query', () => {
  it('find exactly the users a check of every user would allow, for every setting action', () => {
    const f = twoSchools();
    f.addUser('parent.s', 'Parent');
    f.policies.push(
      { name: 'South courses', orgId: 'south', settings: { 'create-courses': 'site', messages: 'off' }, users: ['teacher.s', 'pupil.s'], profiles: [] },
      { name: 'Guests search', orgId: null, settings: { 'search-users': 'on', 'search-for-staff': 'school' }, users: [], profiles: ['Guest'] },
    );
    const facts = f.asFacts();
    for (const action of engine.actions().filter((a) => a.module === 'profiles')) {
      for (const target of action.targetKinds.length ? [undefined, 'unit:5A', 'unit:district', 'user:pupil.s'] : [undefined]) {
        const fast = engine.whoCan(facts, action.key, target).allowed.map((a) => a.user);
        const brute = [...f.users.keys()].filter((u) => engine.decide(facts, action.key, u, target).decision === 'allow').sort();
        expect(fast, `${action.key} ${target ?? ''}`).toEqual(brute);
      }
    }
  });
});

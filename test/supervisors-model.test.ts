import { describe, expect, it } from 'vitest';
import type { Facts, ProfileFact, UserFact } from '../src/model/facts';
import { decisionEngine } from '../src/model/registry';
import { DEFAULT_SUPERVISOR_NAMES, type SupervisorNames, type SupervisorPath } from '../src/model/supervisor-facts';

const STAFF: ProfileFact = { id: 3, name: 'Staff', level: 30, roleInHierarchy: 'teacher' };
const STUDENT: ProfileFact = { id: 4, name: 'Student', level: 20, roleInHierarchy: 'student' };

interface World {
  settings?: Record<string, string>;
  mentors?: Record<string, Record<string, SupervisorPath[]>>;
  heads?: Record<string, Record<string, SupervisorPath[]>>;
  templates?: number;
  names?: Partial<SupervisorNames>;
}

/** Facts in memory: ann and bob are staff, sam is a learner. */
function facts(w: World): Facts {
  const users: UserFact[] = ['ann', 'bob'].map((u, i) => ({ id: i + 1, username: u, name: u, profile: STAFF, shareDetails: true }));
  users.push({ id: 9, username: 'sam', name: 'sam', profile: STUDENT, shareDetails: true });
  const byName = (n: string) => users.find((u) => u.username === n);
  const byId = (id: number) => users.find((u) => u.id === id);
  const settings = { 'mentor-role': 'on', 'headteacher-role': 'on', 'share-ilp': 'on', ...w.settings };
  const paths = (table: World['mentors'], a: number, b: number) => table?.[byId(a)!.username]?.[byId(b)!.username] ?? [];
  const learnersOf = (table: World['mentors'], id: number) => Object.keys(table?.[byId(id)!.username] ?? {}).length;
  const of = (table: World['mentors'], learner: number) =>
    Object.entries(table ?? {}).flatMap(([u, m]) => (m[byId(learner)!.username] ?? []).map((path) => ({ username: u, path })));
  const f: Partial<Facts> = {
    user: byName,
    userById: byId,
    profiles: () => [STAFF, STUDENT],
    profileByName: (n) => [STAFF, STUDENT].find((p) => p.name === n),
    profileSetting: (_p, key) => settings[key as keyof typeof settings] ?? 'off',
    policyCandidates: () => [],
    userSchools: () => ['north'],
    allUsernames: () => users.map((u) => u.username),
    isMentor: (id) => w.mentors?.[byId(id)!.username] !== undefined,
    isHeadteacher: (id) => w.heads?.[byId(id)!.username] !== undefined,
    mentorPaths: (a, b) => paths(w.mentors, a, b),
    headteacherPaths: (a, b) => paths(w.heads, a, b),
    mentorLearnerCount: (id) => learnersOf(w.mentors, id),
    headteacherLearnerCount: (id) => learnersOf(w.heads, id),
    mentorsOf: (id) => of(w.mentors, id),
    headteachersOf: (id) => of(w.heads, id),
    isLearner: (id) => id === 9,
    ilpTemplateCount: () => w.templates ?? 1,
    supervisorNames: () => ({ ...DEFAULT_SUPERVISOR_NAMES, ...w.names }),
    mentorUsernames: () => Object.keys(w.mentors ?? {}),
    headteacherUsernames: () => Object.keys(w.heads ?? {}),
    suggestedMentorClass: () => '5A',
    suggestedHeadteacherOrg: () => 'north',
  };
  return f as Facts;
}

const engine = decisionEngine();
const rules = (d: { trace: readonly { rule: string; result: string }[] }) => d.trace.filter((s) => s.result !== 'info').map((s) => `${s.rule}:${s.result}`);

describe('supervisor rules on facts', () => {
  it('the Mentor entry shows when the role is on, the user is assigned and has a learner', () => {
    const d = engine.decide(facts({ mentors: { ann: { sam: [{ via: 'class', unit: '5A' }] } } }), 'tab:mentor', 'ann', null);
    expect(d.decision).toBe('allow');
    expect(rules(d)).toEqual(['mentor-role:pass', 'mentor-assigned:pass', 'mentor-learners:pass', 'mentor-entry:pass', 'supervisor-entry:pass']);
  });

  it('a mentor with an empty assignment gets no entry, and the fix adds a class', () => {
    const d = engine.decide(facts({ mentors: { ann: {} } }), 'tab:mentor', 'ann', null);
    expect(d.decision).toBe('deny');
    expect(rules(d)).toContain('mentor-learners:fail');
    expect(d.fixes).toEqual(['schoolctl supervisor add-mentor ann --class 5A']);
  });

  it('both entries would show: only the Supervisor entry does, under its current name', () => {
    const f = facts({ mentors: { ann: { sam: [{ via: 'direct' }] } }, heads: { ann: { sam: [{ via: 'organisation', unit: 'north' }] } }, names: { supervisorTool: 'Pastoral' } });
    expect(engine.decide(f, 'tab:supervisor', 'ann', null).decision).toBe('allow');
    const m = engine.decide(f, 'tab:mentor', 'ann', null);
    expect(m.decision).toBe('deny');
    // The Mentor entry shows only once the Headteacher entry does not: the fix ends that role.
    expect(m.fixes).toEqual(['schoolctl supervisor remove-headteacher ann --yes']);
    expect(m.trace.at(-1)!.detail).toContain('the Pastoral entry replaces them');
    expect(engine.whoCan(f, 'tab:supervisor', undefined).allowed.map((a) => a.user)).toEqual(['ann']);
    expect(engine.whoCan(f, 'tab:mentor', undefined).allowed).toEqual([]);
  });

  it('manage-ilp is judged per path: a headteacher path with its role on is enough when the mentor role is off', () => {
    const f = facts({
      settings: { 'mentor-role': 'off' },
      mentors: { ann: { sam: [{ via: 'direct' }] } },
      heads: { ann: { sam: [{ via: 'organisation', unit: 'north' }] }, bob: { sam: [{ via: 'organisation', unit: 'north' }] } },
    });
    const d = engine.decide(f, 'manage-ilp', 'ann', 'learner:sam');
    expect(d.decision).toBe('allow');
    expect(rules(d)).toContain('mentor-role:fail');
    expect(rules(d)).toContain('headteacher-role:pass');
    expect(engine.whoCan(f, 'manage-ilp', 'learner:sam').allowed.map((a) => a.user)).toEqual(['ann', 'bob']);
  });

  it('manage-ilp without a template is denied with the command that adds one', () => {
    const d = engine.decide(facts({ templates: 0, mentors: { ann: { sam: [{ via: 'direct' }] } } }), 'manage-ilp', 'ann', 'learner:sam');
    expect(d.decision).toBe('deny');
    expect(rules(d)).toContain('ilp-template:fail');
    expect(d.fixes).toEqual(["schoolctl ilp-templates add 'Individual learning plan'"]);
  });

  it('share-ilp adds the share setting to manage-ilp', () => {
    const f = facts({ settings: { 'share-ilp': 'off' }, mentors: { ann: { sam: [{ via: 'direct' }] } } });
    const d = engine.decide(f, 'share-ilp', 'ann', 'learner:sam');
    expect(d.decision).toBe('deny');
    expect(d.fixes).toEqual(['schoolctl profiles set Staff share-ilp=on']);
    expect(engine.decide(f, 'manage-ilp', 'ann', 'learner:sam').decision).toBe('allow');
  });
});

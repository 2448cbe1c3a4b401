// The different ways to turn a deny into an allow, narrowest first (DOMAIN.md §9). The rules
// propose one fix each; this widens the choice with narrower variants of the same change, so
// that a support engineer is offered "a policy for this user alone" before "every Student".
// Each alternative is verified and measured by the command layer before it is printed.

import { command, parseShellWords } from './errors.js';
import type { Facts, PolicyCandidateFact, PolicyFact, UserFact } from './facts.js';
import { findSetting } from './settings-catalogue.js';
import type { Decision, TraceStep } from './trace.js';
import { WORKFLOW, type Audience, type WorkflowArea, type WorkflowRole } from './workflow-phases.js';

/** A way to reach allow: the commands, run in order, and how far it reaches (set once verified). */
export interface FixAlternative {
  readonly commands: readonly string[];
  /** What kind of change it is, narrowest first: `user`, `policy`, `assignment`, `profile`. */
  readonly reach: FixReach;
  /**
   * When every command only changes settings or a supervisor's own assignments: the people
   * whose own settings or assignments it can change (named users, the members of a profile or a
   * unit). The engine reads only the subject's own, so no one else's decision can change;
   * undefined when that is not known.
   */
  readonly affects?: AffectedPeople;
}

/** The people a settings-only change can reach: these users, the members of these profiles, and of these units (and below). */
export interface AffectedPeople {
  readonly users: readonly string[];
  readonly profiles: readonly string[];
  readonly units: readonly string[];
}

/** Supervisor commands whose change is about the supervisor alone: their own role and learners. */
const SUPERVISOR_CHANGES: ReadonlySet<string | undefined> = new Set(['add-mentor', 'add-headteacher', 'remove-mentor', 'remove-headteacher']);

/** `--learner L`, `--class C`, `--org O` pairs and `--yes`, nothing else. */
function supervisorOptions(rest: readonly string[]): boolean {
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--yes') continue;
    if (!['--learner', '--class', '--org'].includes(rest[i]) || rest[i + 1] === undefined || rest[i + 1].startsWith('-')) return false;
    i++;
  }
  return true;
}

/**
 * Whom a fix's commands can reach when they only change settings or one supervisor's own
 * assignments (a decision reads the subject's own settings and the subject's own supervisor
 * assignments, nobody else's): `policies create` of a new
 * policy reaches nobody, `policies set` of a policy created by the same fix (before it is applied)
 * nobody, `policies apply P --user U` only U, `--unit C` the members of C and of the units below
 * it, `profiles set P …` the members of P, `supervisor add-mentor X …` (and add-headteacher,
 * remove-mentor, remove-headteacher) X alone. Any other command (a membership, an enrolment, an
 * existing policy's values) makes it unknown.
 */
export function affectedBy(facts: Facts, commands: readonly string[]): AffectedPeople | undefined {
  const users = new Set<string>();
  const profiles = new Set<string>();
  const units = new Set<string>();
  const fresh = new Set<string>();
  const applied = new Set<string>();
  for (const line of commands) {
    const [schoolctl, group, sub, name, ...rest] = parseShellWords(line);
    if (schoolctl !== 'schoolctl' || name === undefined) return undefined;
    if (group === 'policies' && sub === 'create' && rest.length === 0 && !facts.policy(name)) fresh.add(name);
    else if (group === 'policies' && sub === 'set' && fresh.has(name) && !applied.has(name)) continue;
    else if (group === 'policies' && sub === 'apply' && fresh.has(name) && rest.length === 2 && (rest[0] === '--user' || rest[0] === '--unit')) {
      (rest[0] === '--user' ? users : units).add(rest[1]);
      applied.add(name);
    } else if (group === 'profiles' && sub === 'set' && facts.profileByName(name) && rest.length > 0 && rest.every((a) => a.includes('=') && !a.startsWith('-'))) profiles.add(name);
    else if (group === 'supervisor' && SUPERVISOR_CHANGES.has(sub) && facts.user(name) && supervisorOptions(rest)) users.add(name);
    else return undefined;
  }
  return { users: [...users], profiles: [...profiles], units: [...units] };
}

export type FixReach = 'user' | 'assignment' | 'policy' | 'profile' | 'end-user-profile';

/** Settings that no end-user profile gets as routine: administration and the supervisor roles. */
function isStaffPower(key: string): boolean {
  const def = findSetting(key);
  return def !== undefined && (def.section === 'administration' || def.section === 'supervisors');
}

/** The kind of change one command is, for ranking before the blast radius is known. */
function reachOf(facts: Facts, words: readonly string[]): FixReach {
  const [group, sub, name, ...rest] = words;
  if (group === 'profiles' && sub === 'set') {
    const p = name === undefined ? undefined : facts.profileByName(name);
    const endUser = p !== undefined && (p.roleInHierarchy === 'student' || p.roleInHierarchy === 'guest');
    return endUser && rest.some((a) => isStaffPower(a.split('=')[0])) ? 'end-user-profile' : 'profile';
  }
  if (group === 'policies' && (sub === 'set' || sub === 'unapply')) return 'policy';
  if (group === 'policies' && sub === 'apply') return rest.includes('--user') ? 'user' : 'policy';
  return group === 'supervisor' || group === 'courses' || group === 'users' ? 'assignment' : 'policy';
}

const RANK: Record<FixReach, number> = { user: 0, assignment: 1, policy: 2, profile: 3, 'end-user-profile': 4 };

/** The widest reach among a fix's commands decides where it ranks. */
function reachOfAll(facts: Facts, commands: readonly string[]): FixReach {
  let worst: FixReach = 'user';
  for (const c of commands) {
    const r = reachOf(facts, parseShellWords(c).slice(1));
    if (RANK[r] > RANK[worst]) worst = r;
  }
  return worst;
}

/** A policy name for a setting of one user or unit that no policy of the site has yet. */
function freshPolicyName(facts: Facts, key: string, forWhom: string): string {
  const base = `${key} for ${forWhom}`;
  if (!facts.policy(base)) return base;
  for (let i = 2; ; i++) if (!facts.policy(`${base} (${i})`)) return `${base} (${i})`;
}

/**
 * Every alternative worth verifying for a deny, narrowest first: the engine's own fix, and for
 * each profile-wide setting change in it, the same values in a site policy applied to the
 * subject alone, to the members of the subject's class or group, and to their school.
 * (Strictest wins, so a new policy only helps where no stricter one acts; the verification finds
 * out.)
 */
export function fixAlternatives(facts: Facts, decision: Decision): FixAlternative[] {
  if (decision.decision === 'allow') return [];
  const user = decision.subject.user;
  const subject = facts.user(user);
  const alternatives: (readonly string[])[] = decision.fixes.length ? [decision.fixes] : [];
  alternatives.push(...workflowAlternatives(facts, decision));
  if (alternatives.length === 0) return [];
  if (subject && decision.fixes.length) {
    /** The fix with each of the subject's profile-wide changes made by a new policy applied to `to`. */
    const narrowedTo = (forWhom: string, to: readonly string[]): (readonly string[]) | undefined => {
      let narrowed = false;
      const lines = decision.fixes.flatMap((line) => {
        const words = parseShellWords(line).slice(1);
        if (words[0] !== 'profiles' || words[1] !== 'set' || words[2] !== subject.profile.name) return [line];
        narrowed = true;
        return words.slice(3).flatMap((assignment) => {
          const name = freshPolicyName(facts, assignment.split('=')[0], forWhom);
          return [command('policies', 'create', name), command('policies', 'set', name, assignment), command('policies', 'apply', name, ...to)];
        });
      });
      return narrowed ? lines : undefined;
    };
    const units = typeof facts.unitsOf === 'function' ? facts.unitsOf(subject.id) : [];
    const group = units.find((u) => u.kind === 'class' || u.kind === 'group');
    const school = facts.userSchools(subject.id)[0];
    const variants = [
      narrowedTo(user, ['--user', user]),
      group && narrowedTo(group.id, ['--unit', group.id]),
      school && narrowedTo(school, ['--unit', school]),
    ];
    for (const v of variants) if (v) alternatives.push(v);
  }
  return alternatives
    .map((commands) => {
      const affects = affectedBy(facts, commands);
      return { commands, reach: reachOfAll(facts, commands), ...(affects ? { affects } : {}) };
    })
    .sort((a, b) => RANK[a.reach] - RANK[b.reach] || a.commands.length - b.commands.length);
}

/** Every step of a trace, nested ones included. */
function allSteps(trace: readonly TraceStep[]): TraceStep[] {
  return trace.flatMap((s) => [s, ...allSteps(s.children ?? [])]);
}

/**
 * For a workflow view or edit deny (DOMAIN.md §6): advancing one of the learner's batches, one
 * phase at a time, to the nearest later phase where the answer can be allow: for a learner, parent
 * or external system a phase whose switch for them is on (the rule's own fix turns the current
 * phase's switch on), for staff a phase whose edit rights name a role they hold for that batch.
 * Each step is `workflow advance … --as` someone holding the phase's responsible role for the
 * batch (the course's first teacher, the first mentor covering a learner of it, the first
 * headteacher above it); verification runs it under that name, so a holder who may not advance
 * drops the alternative. A batch is never moved back, and a completed batch has no later phase.
 */
function workflowAlternatives(facts: Facts, decision: Decision): (readonly string[])[] {
  const m = /^(view|edit)-(behaviour|assessment|attendance)$/.exec(decision.action);
  if (!m || decision.target?.kind !== 'learner' || typeof facts.phaseSwitches !== 'function') return [];
  const verb = m[1];
  const area = m[2] as WorkflowArea;
  const steps = allSteps(decision.trace);
  const rules = new Set(steps.map((s) => s.rule));
  const subject = facts.user(decision.subject.user);
  const learner = facts.user(decision.target.id);
  if (!learner) return [];
  const audience: Audience | undefined = rules.has('learner-self') ? 'learner' : rules.has('parent-of-learner') ? 'parent' : rules.has('external-system') ? 'external' : undefined;
  if (verb === 'view' && !audience) return [];
  if (verb === 'edit' && !subject) return [];
  const phases = WORKFLOW[area].phases;
  const seen = new Set<string>();
  const out: (readonly string[])[] = [];
  for (const s of steps) {
    const src = s.source;
    if (s.rule !== 'workflow-phase' || src?.kind !== 'workflow' || typeof src.batch !== 'string' || typeof src.term !== 'string' || typeof src.phase !== 'string') continue;
    if (seen.has(src.batch)) continue;
    seen.add(src.batch);
    const [kind, ...rest] = src.batch.split(':');
    const id = rest.join(':');
    const unitId = kind === 'course' ? facts.course(id)?.unitId : id;
    if (!unitId) continue;
    const holds = (role: WorkflowRole): boolean =>
      subject !== undefined &&
      (role === 'mentor'
        ? facts.mentorPaths(subject.id, learner.id).length > 0
        : role === 'course-teacher'
          ? kind === 'course' && facts.isCourseTeacher(subject.id, id)
          : facts.headteacherOrgsAbove(subject.id, unitId).length > 0);
    const reaches = (phase: (typeof phases)[number]) => (verb === 'view' ? facts.phaseSwitches(area, phase.key)[audience!] : phase.editors.some(holds));
    const from = phases.findIndex((p) => p.key === src.phase);
    const to = phases.findIndex((p, i) => i > from && reaches(p));
    if (from < 0 || to < 0) continue;
    const lines: string[] = [];
    for (let i = from; i < to; i++) {
      const role = phases[i].responsible;
      const who =
        role === 'course-teacher' ? (kind === 'course' ? facts.courseTeachers(id)[0] : undefined) : role === 'mentor' ? facts.mentorsOfBatch(kind as 'course' | 'class', id)[0] : role ? facts.headteachersAbove(unitId)[0]?.username : undefined;
      if (!who) break;
      lines.push(command('workflow', 'advance', area, '--term', src.term, src.batch, '--as', who));
    }
    if (lines.length === to - from) out.push(lines);
  }
  return out;
}

/** A new site policy with these values (normalised, by key), applied to one user. */
export interface UserPolicy {
  readonly name: string;
  readonly values: ReadonlyMap<string, string>;
  readonly user: string;
}

/**
 * The facts as if a new site policy had been created with these values and applied to one user:
 * what `policies create`, `policies set` and `policies apply --user` would leave, without writing
 * anything. Only the policy lookups change (DOMAIN.md §3: a policy reaches a user through their
 * own assignments), so every decision reads it as it would read the stored policy.
 */
export function withUserPolicy(facts: Facts, added: UserPolicy): Facts {
  const fact: PolicyFact = { id: -1, name: added.name, orgId: null };
  const userId = facts.user(added.user)?.id;
  const overrides: Partial<Record<keyof Facts, unknown>> = {
    policy: (name: string) => (name === added.name ? fact : facts.policy(name)),
    policyCandidates: (user: UserFact, key: string): readonly PolicyCandidateFact[] => {
      const base = facts.policyCandidates(user, key);
      const value = added.values.get(key);
      if (value === undefined || user.id !== userId) return base;
      return [...base, { policy: fact, value, appliedTo: { kind: 'user', name: user.username, via: null } }];
    },
    usersWithPolicyFor: (key: string): Iterable<string> => (added.values.has(key) ? new Set([...facts.usersWithPolicyFor(key), added.user]) : facts.usersWithPolicyFor(key)),
  };
  return new Proxy(facts, {
    get(target, prop) {
      if (typeof prop === 'string' && prop in overrides) return overrides[prop as keyof Facts];
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

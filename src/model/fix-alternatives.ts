// The different ways to turn a deny into an allow, narrowest first (DOMAIN.md §9). The rules
// propose one fix each; this widens the choice with narrower variants of the same change, so
// that a support engineer is offered "a policy for this user alone" before "every Student".
// Each alternative is verified and measured by the command layer before it is printed.

import { command, parseShellWords } from './errors.js';
import type { Facts } from './facts.js';
import { findSetting } from './settings-catalogue.js';
import type { Decision } from './trace.js';

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
  if (decision.decision === 'allow' || decision.fixes.length === 0) return [];
  const user = decision.subject.user;
  const subject = facts.user(user);
  const alternatives: (readonly string[])[] = [decision.fixes];
  if (subject) {
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

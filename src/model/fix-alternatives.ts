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

/** A policy name for one user's own setting that no policy of the site has yet. */
function freshPolicyName(facts: Facts, key: string, username: string): string {
  const base = `${key} for ${username}`;
  if (!facts.policy(base)) return base;
  for (let i = 2; ; i++) if (!facts.policy(`${base} (${i})`)) return `${base} (${i})`;
}

/**
 * Every alternative worth verifying for a deny, narrowest first: the engine's own fix, and for
 * each profile-wide setting change in it, the same values in a site policy applied to the
 * subject alone. (Strictest wins, so a new policy only helps where no stricter one acts; the
 * verification finds out.)
 */
export function fixAlternatives(facts: Facts, decision: Decision): FixAlternative[] {
  if (decision.decision === 'allow' || decision.fixes.length === 0) return [];
  const user = decision.subject.user;
  const subject = facts.user(user);
  const alternatives: (readonly string[])[] = [decision.fixes];
  if (subject) {
    let narrowed = false;
    const personal = decision.fixes.flatMap((line) => {
      const words = parseShellWords(line).slice(1);
      if (words[0] !== 'profiles' || words[1] !== 'set' || words[2] !== subject.profile.name) return [line];
      narrowed = true;
      return words.slice(3).flatMap((assignment) => {
        const name = freshPolicyName(facts, assignment.split('=')[0], user);
        return [command('policies', 'create', name), command('policies', 'set', name, assignment), command('policies', 'apply', name, '--user', user)];
      });
    });
    if (narrowed) alternatives.push(personal);
  }
  return alternatives
    .map((commands) => ({ commands, reach: reachOfAll(facts, commands) }))
    .sort((a, b) => RANK[a.reach] - RANK[b.reach] || a.commands.length - b.commands.length);
}

// Administration rights that `--as` is judged by (DOMAIN.md §8). Scope settings such as
// policy-management or hierarchy-management are already actions; these add the security-level
// rule for profiles and users.

import type { ActionDef, LookupContext } from './engine.js';
import type { Facts, ProfileFact, UserFact } from './facts.js';
import { effectiveSetting, fixesToReach, settingTrace } from './policy-resolution.js';
import { judgeScope } from './school-scope.js';
import { allow, deny, fail, pass, type Outcome, type TraceStep } from './trace.js';

const UAR = 'user-and-access-rights-management';

function levelCheck(actor: UserFact, profile: ProfileFact, what: string): TraceStep {
  return profile.level < actor.profile.level
    ? pass('security-level', `${what} has security level ${profile.level}, lower than ${actor.username}'s ${actor.profile.level} (${actor.profile.name})`)
    : fail('security-level', `${what} has security level ${profile.level}; ${actor.username} (${actor.profile.name}, ${actor.profile.level}) may only manage lower levels`);
}

function profileRight(facts: Facts, actor: UserFact, profile: ProfileFact, needSite: boolean): Outcome {
  const eff = effectiveSetting(facts, actor, UAR);
  const trace: TraceStep[] = settingTrace(actor, eff);
  const ok = needSite ? eff.value === 'site' : eff.value !== 'disabled';
  if (!ok) {
    trace.push(fail('scope', `${UAR} is ${eff.value} for ${actor.username}; ${needSite ? 'profiles belong to the site and need site level' : 'it must not be disabled'}`, eff.source));
    return deny(trace, fixesToReach(actor, eff, needSite ? 'site' : 'school'));
  }
  trace.push(pass('scope', `${UAR} is ${eff.value} for ${actor.username}`, eff.source));
  const level = levelCheck(actor, profile, `profile ${profile.name}`);
  trace.push(level);
  // No command can lift a profile above the actor's own level without their own rights.
  return level.result === 'pass' ? allow(trace) : deny(trace);
}

/** Who may hold the right at all: the profiles with the value, and everyone a policy sets it for. */
function holding(values: readonly string[]) {
  return ({ facts }: LookupContext): string[] => [...facts.usersWithProfileValue(UAR, values), ...facts.usersWithPolicyFor(UAR)];
}

export function adminActions(): ActionDef[] {
  return [
    {
      key: 'manage-profile',
      description: 'Create, change, rename or delete a profile: user and access rights management at site level, lower security level only',
      targetKinds: ['profile'],
      targetRequired: true,
      module: 'administration',
      evaluate({ facts, subject, target }) {
        return profileRight(facts, subject, facts.profileByName(target!.id)!, true);
      },
      candidates: holding(['site']),
    },
    {
      key: 'assign-profile',
      description: 'Give users a profile: user and access rights management, lower security level only',
      targetKinds: ['profile'],
      targetRequired: true,
      module: 'administration',
      evaluate({ facts, subject, target }) {
        return profileRight(facts, subject, facts.profileByName(target!.id)!, false);
      },
      candidates: holding(['site', 'school']),
    },
    {
      key: 'manage-user',
      description: 'Add, change or remove a user: user and access rights management over their schools, lower security level only',
      targetKinds: ['user', 'unit'],
      targetRequired: true,
      module: 'administration',
      evaluate({ facts, subject, target }) {
        const scope = judgeScope(facts, subject, UAR, target);
        if (!scope.allow || target!.kind !== 'user') return scope;
        const u = facts.user(target!.id)!;
        const trace = [...scope.trace, levelCheck(subject, u.profile, `${u.username}'s profile ${u.profile.name}`)];
        return trace[trace.length - 1].result === 'pass' ? allow(trace) : deny(trace);
      },
      candidates: holding(['site', 'school']),
    },
  ];
}

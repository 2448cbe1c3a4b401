// Effective value of a setting for a user (DOMAIN.md §3): the strictest acting policy wins over
// the profile in either direction; with none, the profile's value holds.

import type { Facts, PolicyCandidateFact, UserFact } from './facts.js';
import { findSetting, strictnessRank, type SettingDef } from './settings-catalogue.js';
import type { Source, TraceStep } from './trace.js';
import { command, positional } from './errors.js';

export interface CandidateOutcome {
  readonly candidate: PolicyCandidateFact;
  readonly acting: boolean;
  readonly won: boolean;
  /** Why it does not act, or what it lost to. */
  readonly reason: string;
}

export interface EffectiveSetting {
  readonly def: SettingDef;
  readonly value: string;
  readonly profileValue: string;
  readonly source: Source;
  readonly candidates: readonly CandidateOutcome[];
}

function describeAssignment(c: PolicyCandidateFact): string {
  const a = c.appliedTo;
  return a.kind === 'user' ? `user ${a.name}${a.via ? ` (through unit ${a.via})` : ''}` : `profile ${a.name}`;
}

function policySource(c: PolicyCandidateFact, key: string): Source {
  return { kind: 'policy', policy: c.policy.name, appliedTo: describeAssignment(c), setting: key };
}

/** Sorts acting candidates strictest first, breaking ties as DOMAIN.md §3 says. */
function strictestFirst(def: SettingDef, a: PolicyCandidateFact, b: PolicyCandidateFact): number {
  const ra = strictnessRank(def, a.value);
  const rb = strictnessRank(def, b.value);
  if (ra !== null && rb !== null && ra !== rb) return ra - rb;
  if (a.appliedTo.kind !== b.appliedTo.kind) return a.appliedTo.kind === 'user' ? -1 : 1;
  return a.policy.name.localeCompare(b.policy.name);
}

export function effectiveSetting(facts: Facts, user: UserFact, key: string): EffectiveSetting {
  const def = findSetting(key);
  if (!def) throw new Error(`unknown setting ${key}`);
  const profileValue = facts.profileSetting(user.profile.id, key);
  const all = facts.policyCandidates(user, key);
  if (all.length === 0) {
    return { def, value: profileValue, profileValue, source: profileSource(user, key), candidates: [] };
  }
  const protectedProfile =
    def.section === 'administration' && user.profile.level === Math.max(...facts.profiles().map((p) => p.level));
  const schools = new Set(all.some((c) => c.policy.orgId) ? facts.userSchools(user.id) : []);
  const acting: PolicyCandidateFact[] = [];
  const notActing = new Map<PolicyCandidateFact, string>();
  for (const c of all) {
    if (protectedProfile) {
      notActing.set(c, `policies never change the administration settings of ${user.profile.name}, the highest-level profile`);
    } else if (c.policy.orgId !== null && !schools.has(c.policy.orgId)) {
      notActing.set(c, `owned by school ${c.policy.orgId}, which is not one of ${user.username}'s schools`);
    } else {
      acting.push(c);
    }
  }
  acting.sort((a, b) => strictestFirst(def, a, b));
  const winner = acting[0];
  const candidates: CandidateOutcome[] = all.map((c) => {
    const why = notActing.get(c);
    if (why !== undefined) return { candidate: c, acting: false, won: false, reason: why };
    if (c === winner) {
      return { candidate: c, acting: true, won: true, reason: acting.length > 1 ? 'the strictest acting candidate' : 'the only acting candidate' };
    }
    return { candidate: c, acting: true, won: false, reason: `loses to ${winner.policy.name} (${winner.value})` };
  });
  if (!winner) return { def, value: profileValue, profileValue, source: profileSource(user, key), candidates };
  return { def, value: winner.value, profileValue, source: policySource(winner, key), candidates };
}

function profileSource(user: UserFact, key: string): Source {
  return { kind: 'profile', profile: user.profile.name, setting: key };
}

/** Trace steps that show where an effective value came from, ending with none of the verdict. */
export function settingTrace(user: UserFact, eff: EffectiveSetting): TraceStep[] {
  const key = eff.def.key;
  const steps: TraceStep[] = [
    {
      rule: 'profile-setting',
      result: 'info',
      detail: `profile ${user.profile.name} has ${key} = ${eff.profileValue}`,
      source: { kind: 'profile', profile: user.profile.name, setting: key },
    },
  ];
  for (const c of eff.candidates) {
    const p = c.candidate.policy;
    const owner = p.orgId ? `school ${p.orgId}` : 'the site';
    steps.push({
      rule: c.acting ? 'policy-candidate' : 'policy-not-acting',
      result: 'info',
      detail: c.acting
        ? `policy ${p.name} (owned by ${owner}, applied to ${describeAssignment(c.candidate)}) sets ${key} = ${c.candidate.value}: ${c.won ? 'wins, ' : ''}${c.reason}`
        : `policy ${p.name} sets ${key} = ${c.candidate.value} but does not act: ${c.reason}`,
      source: policySource(c.candidate, key),
    });
  }
  return steps;
}

/**
 * The commands that make the effective value at least as permissive as `wanted`: raise every
 * acting policy that is stricter, or the profile when no policy acts.
 */
export function fixesToReach(user: UserFact, eff: EffectiveSetting, wanted: string): string[] {
  const want = strictnessRank(eff.def, wanted) ?? 0;
  const acting = eff.candidates.filter((c) => c.acting);
  if (acting.length === 0) {
    return [command('profiles', 'set', positional(user.profile.name), `${eff.def.key}=${wanted}`)];
  }
  return acting
    .filter((c) => (strictnessRank(eff.def, c.candidate.value) ?? 0) < want)
    .map((c) => command('policies', 'set', positional(c.candidate.policy.name), `${eff.def.key}=${wanted}`));
}

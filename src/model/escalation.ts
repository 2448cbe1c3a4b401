// No escalation under `--as` (DOMAIN.md §8): one rule, judged on the model before and after a change,
// the way Kubernetes RBAC's ConfirmNoEscalation judges every write of a role or binding. A profile acts
// only on lower security levels; a `school` scope confines the actor to their own schools; an actor
// grants only what they hold, and never grows their own rights.

import type { Facts, ProfileFact, UserFact } from './facts.js';
import { effectiveSetting } from './policy-resolution.js';
import { targetSchools } from './school-scope.js';
import { CATALOGUE, strictnessRank, type SettingDef } from './settings-catalogue.js';
import type { Need } from './refusal.js';
import { allow, deny, fail, pass, type Outcome, type TraceStep } from './trace.js';

export type TouchKind = 'user' | 'profile' | 'unit' | 'course' | 'project' | 'policy' | 'term';

/** One thing a change wrote to, with the setting whose scope must reach it (null: security level only). */
export interface Touch {
  readonly kind: TouchKind;
  /** username, profile name, policy name, or the unit, course, project or term id */
  readonly id: string;
  readonly right: string | null;
  /** Where in the input the change came from ("line 3", "profiles.Staff"); empty for a command. */
  readonly places: readonly string[];
  /** The values the change writes into a policy (policies only). */
  readonly settings?: Readonly<Record<string, string>>;
}

export interface Refusal {
  readonly places: readonly string[];
  readonly detail: string;
  /** What the refused part needs that the actor lacks (for the reverse lookup of who could). */
  readonly need?: Need;
}

export interface EscalationVerdict {
  readonly outcome: Outcome;
  readonly refusals: readonly Refusal[];
}

/** Settings nobody may hand out beyond their own value: administration, supervisor roles, every scope. */
export const GUARDED_SETTINGS: readonly SettingDef[] = CATALOGUE.filter(
  (d) => d.section === 'administration' || d.key === 'mentor-role' || d.key === 'headteacher-role' || d.kind === 'scope',
).filter((d) => d.kind === 'on-off' || d.kind === 'scope');

/** Every ordered setting: the actor's own rights, none of which may grow through their own change. */
const OWN_RIGHTS: readonly SettingDef[] = CATALOGUE.filter((d) => d.kind === 'on-off' || d.kind === 'scope' || d.kind === 'sharing');

const rank = (def: SettingDef, v: string | undefined) => (v === undefined ? -1 : (strictnessRank(def, v) ?? -1));

/** A profile's widest effective value of a key for its members: its own value, or its policies' per school. */
function profileValue(facts: Facts, profile: ProfileFact, def: SettingDef): string {
  const own = facts.profileSetting(profile.id, def.key);
  const virtual: UserFact = { id: -1, username: `profile ${profile.name}`, name: profile.name, profile, shareDetails: true };
  const cands = facts.policyCandidates(virtual, def.key).filter((c) => c.appliedTo.kind === 'profile');
  if (cands.length === 0) return own;
  const orgs = [null, ...new Set(cands.map((c) => c.policy.orgId).filter((o): o is string => o !== null))];
  let widest: string | undefined;
  for (const org of orgs) {
    const acting = cands.filter((c) => c.policy.orgId === null || c.policy.orgId === org);
    const value = acting.length ? acting.reduce((a, b) => (rank(def, b.value) < rank(def, a.value) ? b : a)).value : own;
    if (widest === undefined || rank(def, value) > rank(def, widest)) widest = value;
  }
  return widest!;
}

/** A grant passes on only what is held: the need is the setting itself at that value or wider. */
function heldNeed(def: SettingDef, value: string): Need {
  // Only on/off and scope settings are actions the engine answers; a sharing value is named only.
  const answerable = def.kind === 'on-off' || def.kind === 'scope';
  return {
    right: answerable ? def.key : null,
    target: null,
    atLeast: value,
    text: `${def.key} = ${value} held by whoever grants it`,
  };
}

function describeUser(u: UserFact): string {
  return `${u.username} (${u.profile.name}, security level ${u.profile.level})`;
}

export function confirmNoEscalation(input: { readonly before: Facts; readonly after: Facts; readonly actor: string; readonly touched: readonly Touch[] }): EscalationVerdict {
  const { before, after, touched } = input;
  const actor = before.user(input.actor);
  const refusals: Refusal[] = [];
  const trace: TraceStep[] = [];
  const refuse = (places: readonly string[], rule: string, detail: string, need?: Need) => {
    if (!refusals.some((r) => r.detail === detail)) {
      refusals.push(need ? { places, detail, need } : { places, detail });
      trace.push(fail(rule, detail));
    } else {
      const r = refusals.find((x) => x.detail === detail)!;
      refusals[refusals.indexOf(r)] = { ...r, places: [...new Set([...r.places, ...places])] };
    }
  };
  // What a refused part needs: the right on the thing touched, and a profile above it.
  const needOf = (t: Touch, right: string | null, aboveLevel?: number, atSite = false): Need => {
    const target = `${t.kind}:${t.id}`;
    const level = aboveLevel === undefined ? '' : `a profile above security level ${aboveLevel}`;
    const r = right ? `${right} ${target}${atSite ? ' (site level)' : ''}` : '';
    return {
      right,
      target: right ? target : null,
      ...(aboveLevel === undefined ? {} : { aboveLevel }),
      text: [r, level].filter(Boolean).join(' with ') || `a right over ${target}`,
    };
  };
  if (!actor) {
    trace.push(fail('actor', `there is no user "${input.actor}" to act as`));
    return { outcome: deny(trace), refusals: [{ places: [], detail: `there is no user "${input.actor}" to act as` }] };
  }
  const level = actor.profile.level;
  const mySchools = new Set(before.userSchools(actor.id));
  const own = new Map(GUARDED_SETTINGS.map((d) => [d.key, effectiveSetting(before, actor, d.key).value]));
  const scopeOf = (right: string) => effectiveSetting(before, actor, right).value;
  const who = describeUser(actor);

  // (a) reach: lower security levels only; a school scope stays within the actor's schools.
  const reachSchools = (t: Touch, schools: readonly string[], what: string, right: string) => {
    const scope = scopeOf(right);
    if (scope === 'site') return;
    const level = t.kind === 'user' ? before.user(t.id)?.profile.level : undefined;
    if (scope === 'disabled') return refuse(t.places, 'reach', `${what} needs ${right}, which is disabled for ${actor.username}`, needOf(t, right, level));
    if (!schools.some((s) => mySchools.has(s))) {
      const where = schools.length ? `in school ${schools.join(', ')}` : 'part of the site, outside every school';
      refuse(t.places, 'school-scope', `${what} is ${where}; ${actor.username} has ${right} at school level, for ${[...mySchools].join(', ') || 'no school'} only`, needOf(t, right, level));
    }
  };
  for (const t of touched) {
    for (const [facts, when] of [[before, 'before'], [after, 'after']] as const) {
      if (t.kind === 'user') {
        const u = facts.user(t.id);
        if (!u) continue;
        if (u.id === actor.id) refuse(t.places, 'not-self', `${actor.username} may not change their own access (the change touches ${actor.username})`, needOf(t, t.right, u.profile.level));
        else if (u.profile.level >= level) refuse(t.places, 'security-level', `${describeUser(u)} is at or above ${who}; a profile acts only on lower security levels`, needOf(t, t.right, u.profile.level));
        else if (t.right) reachSchools(t, facts.userSchools(u.id), `${u.username}${when === 'after' ? ' (after the change)' : ''}`, t.right);
      } else if (t.kind === 'profile') {
        const p = facts.profileByName(t.id);
        if (!p) continue;
        if (p.level >= level) refuse(t.places, 'security-level', `profile ${p.name} (security level ${p.level}${when === 'after' ? ' after the change' : ''}) is at or above ${who}; a profile acts only on lower security levels`, needOf(t, t.right, p.level));
        else if (t.right && scopeOf(t.right) !== 'site') refuse(t.places, 'school-scope', `profile ${p.name} belongs to the site; ${actor.username} has ${t.right} at ${scopeOf(t.right)} level, not site`, needOf(t, t.right, undefined, true));
      } else if (t.right) {
        const exists = t.kind === 'unit' ? facts.unit(t.id) : t.kind === 'course' ? facts.course(t.id) : t.kind === 'project' ? facts.project(t.id) : t.kind === 'policy' ? facts.policy(t.id) : facts.term(t.id);
        if (!exists) continue;
        reachSchools(t, targetSchools(facts, { kind: t.kind, id: t.id }), `${t.kind} ${t.id}`, t.right);
      }
    }
  }

  // (b) grant only what you hold: no touched policy, profile or user ends up wider than the actor.
  for (const t of touched) {
    if (t.kind === 'policy' && t.settings) {
      const p = after.policy(t.id);
      for (const def of GUARDED_SETTINGS) {
        const v = t.settings[def.key];
        if (v === undefined) continue;
        if (p?.orgId && def.kind === 'scope' && v === 'site') {
          refuse(t.places, 'school-policy-scope', `policy ${t.id} is owned by school ${p.orgId} and may not set ${def.key} to site`, {
            right: null,
            target: null,
            noOne: true,
            text: `a site policy instead: a school's policy never sets ${def.key} to site, whoever makes the change`,
          });
        } else if (rank(def, v) > rank(def, own.get(def.key))) {
          refuse(t.places, 'grant-only-held', `policy ${t.id} would set ${def.key} = ${v}, wider than ${actor.username}'s own ${own.get(def.key)}`, heldNeed(def, v));
        }
      }
    }
    if (t.kind === 'profile') {
      const pa = after.profileByName(t.id);
      if (!pa) continue;
      const pb = before.profileByName(t.id);
      for (const def of GUARDED_SETTINGS) {
        const now = profileValue(after, pa, def);
        const was = pb ? profileValue(before, pb, def) : undefined;
        if (rank(def, now) > rank(def, was) && rank(def, now) > rank(def, own.get(def.key))) {
          refuse(t.places, 'grant-only-held', `profile ${pa.name} would get ${def.key} = ${now}, wider than ${actor.username}'s own ${own.get(def.key)}`, heldNeed(def, now));
        }
      }
    }
    if (t.kind === 'user') {
      const ua = after.user(t.id);
      if (!ua || ua.id === actor.id) continue;
      const ub = before.user(t.id);
      for (const def of GUARDED_SETTINGS) {
        const now = effectiveSetting(after, ua, def.key);
        // What the user's profile holds was granted by whoever set the profile, at a higher level.
        if (now.source.kind === 'profile') continue;
        const was = ub ? effectiveSetting(before, ub, def.key).value : undefined;
        if (rank(def, now.value) > rank(def, was) && rank(def, now.value) > rank(def, own.get(def.key))) {
          refuse(t.places, 'grant-only-held', `${ua.username} would get ${def.key} = ${now.value}, wider than ${actor.username}'s own ${own.get(def.key)}`, heldNeed(def, now.value));
        }
      }
    }
  }

  // (c) the actor's own effective rights do not grow.
  const actorAfter = after.user(actor.username);
  if (actorAfter) {
    for (const def of OWN_RIGHTS) {
      const was = effectiveSetting(before, actor, def.key).value;
      const now = effectiveSetting(after, actorAfter, def.key).value;
      if (rank(def, now) > rank(def, was)) refuse([], 'own-rights', `${actor.username}'s own ${def.key} would grow from ${was} to ${now}`, { ...heldNeed(def, now), text: `someone else, who holds ${def.key} = ${now} already` });
    }
  }

  if (refusals.length === 0) {
    trace.push(pass('no-escalation', `everything the change touches is below ${who} and within reach, and no one gains more than ${actor.username} holds`));
    return { outcome: allow(trace), refusals };
  }
  return { outcome: deny(trace), refusals };
}

// Scope settings (`site` / `school` / `disabled`) judged against a target: "school level" always
// means "within one of the actor's schools" (DOMAIN.md §1).

import type { Facts, UserFact } from './facts.js';
import { effectiveSetting, fixesToReach, settingTrace } from './policy-resolution.js';
import { allow, deny, fail, formatTarget, pass, type Outcome, type Target, type TraceStep } from './trace.js';

/** The site itself, as a target: what belongs to the site needs `site` scope. */
export const SITE_TARGET: Target = { kind: 'site', id: 'site' };

/** Target kinds whose school can be found; `site` stands for things that belong to the site. */
export const SCOPED_TARGET_KINDS = ['unit', 'class', 'course', 'project', 'user', 'learner', 'policy', 'term', 'profile'] as const;

/**
 * The schools a target belongs to; an empty list means it belongs to the site (a site policy or
 * term, a profile, a unit above every school), so only `site` scope reaches it.
 */
export function targetSchools(facts: Facts, target: Target): readonly string[] {
  switch (target.kind) {
    case 'unit':
    case 'class': {
      const s = facts.unitSchool(target.id);
      return s ? [s] : [];
    }
    case 'course': {
      const c = facts.course(target.id);
      const s = c && facts.unitSchool(c.unitId);
      return s ? [s] : [];
    }
    case 'project': {
      const p = facts.project(target.id);
      const s = p && facts.unitSchool(p.unitId);
      return s ? [s] : [];
    }
    case 'user':
    case 'learner': {
      const u = facts.user(target.id);
      return u ? facts.userSchools(u.id) : [];
    }
    case 'policy': {
      const p = facts.policy(target.id);
      return p?.orgId ? [p.orgId] : [];
    }
    case 'term': {
      const t = facts.term(target.id);
      return t?.orgId ? [t.orgId] : [];
    }
    default:
      return [];
  }
}

/** Judges a scope setting for a user against an optional target. */
export function judgeScope(facts: Facts, user: UserFact, key: string, target: Target | null, extra: TraceStep[] = []): Outcome {
  const eff = effectiveSetting(facts, user, key);
  const trace: TraceStep[] = [...extra, ...settingTrace(user, eff)];
  const source = eff.source;
  if (eff.value === 'site') {
    trace.push(pass('scope', `${user.username} has ${key} at site level${target ? `, which covers ${formatTarget(target)}` : ''}`, source));
    return allow(trace);
  }
  if (!target) {
    if (eff.value === 'school') {
      trace.push(pass('scope', `${user.username} has ${key} at school level (within their own schools)`, source));
      return allow(trace);
    }
    trace.push(fail('scope', `${key} is disabled for ${user.username}`, source));
    return deny(trace, fixesToReach(user, eff, 'school'));
  }
  const schools = targetSchools(facts, target);
  const mine = new Set(facts.userSchools(user.id));
  const shared = schools.find((s) => mine.has(s));
  if (eff.value === 'disabled') {
    trace.push(fail('scope', `${key} is disabled for ${user.username}`, source));
    return deny(trace, fixesToReach(user, eff, shared ? 'school' : 'site'));
  }
  if (shared) {
    trace.push(pass('school-scope', `${formatTarget(target)} is in school ${shared}, one of ${user.username}'s schools`, source));
    return allow(trace);
  }
  const where = schools.length ? `in school ${schools.join(', ')}` : 'part of the site, outside every school';
  const theirs = mine.size ? [...mine].join(', ') : 'none';
  trace.push(fail('school-scope', `${formatTarget(target)} is ${where}; ${user.username}'s schools: ${theirs}; school level does not reach it`, source));
  return deny(trace, fixesToReach(user, eff, 'site'));
}

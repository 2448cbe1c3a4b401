// Searching, messaging and viewing other users (DOMAIN.md §4: the profile page's search, messaging and user-viewing rows).

import type { ActionDef, EvalContext } from './engine.js';
import type { Facts, UserFact } from './facts.js';
import { effectiveSetting, fixesToReach, settingTrace } from './policy-resolution.js';
import { allow, deny, fail, info, pass, type Outcome, type TraceStep } from './trace.js';

type Category = 'staff' | 'students' | 'guests';

export function categoryOf(user: UserFact): Category {
  const r = user.profile.roleInHierarchy;
  return r === 'administrator' || r === 'teacher' ? 'staff' : r === 'student' ? 'students' : 'guests';
}

interface ReachRule {
  readonly gate: string;
  readonly own: string;
  readonly category: Record<Category, string>;
  readonly verb: string;
}

const SEARCH: ReachRule = {
  gate: 'search-users',
  own: 'search-own-course-members',
  category: { staff: 'search-for-staff', students: 'search-for-students', guests: 'search-for-guests' },
  verb: 'search for',
};

const MESSAGE: ReachRule = {
  gate: 'messages',
  own: 'initiate-communication-own-course-members',
  category: {
    staff: 'initiate-communication-to-staff',
    students: 'initiate-communication-to-students',
    guests: 'initiate-communication-to-guests',
  },
  verb: 'initiate communication to',
};

/** The gate setting, then the own-courses override, then the rule for the target's category. */
function reach(facts: Facts, actor: UserFact, targetUser: UserFact, rule: ReachRule): Outcome {
  const trace: TraceStep[] = [];
  const gate = effectiveSetting(facts, actor, rule.gate);
  trace.push(...settingTrace(actor, gate));
  if (gate.value !== 'on') {
    trace.push(fail('setting', `${rule.gate} is off for ${actor.username}`, gate.source));
    // The gate alone may not be enough: add the category fix the rest of the rule would need.
    const rest = afterGate(facts, actor, targetUser, rule, []);
    return deny(trace, [...fixesToReach(actor, gate, 'on'), ...(rest.allow ? [] : rest.fixes)]);
  }
  trace.push(pass('setting', `${rule.gate} is on for ${actor.username}`, gate.source));
  const rest = afterGate(facts, actor, targetUser, rule, trace);
  return rest;
}

function afterGate(facts: Facts, actor: UserFact, targetUser: UserFact, rule: ReachRule, trace: TraceStep[]): Outcome {
  const shared = facts.sharedCourseOrProject(actor.id, targetUser.id);
  const own = effectiveSetting(facts, actor, rule.own);
  if (shared) {
    trace.push(...settingTrace(actor, own));
    if (own.value === 'on') {
      trace.push(
        pass('own-courses-override', `${actor.username} and ${targetUser.username} are both members of ${shared.kind} ${shared.id}, and ${rule.own} is on`, own.source),
      );
      return allow(trace);
    }
    trace.push(info('own-courses-override', `${actor.username} and ${targetUser.username} share ${shared.kind} ${shared.id}, but ${rule.own} is off`, own.source));
  } else {
    trace.push(info('own-courses-override', `${actor.username} and ${targetUser.username} share no course or project`));
  }
  const category = categoryOf(targetUser);
  const key = rule.category[category];
  const eff = effectiveSetting(facts, actor, key);
  trace.push(info('target-category', `${targetUser.username} is ${category === 'staff' ? 'staff' : category === 'students' ? 'a student' : 'a guest'} (role in hierarchy ${targetUser.profile.roleInHierarchy}), so ${key} applies`));
  trace.push(...settingTrace(actor, eff));
  if (eff.value === 'site') {
    trace.push(pass('scope', `${key} is site level for ${actor.username}: anyone`, eff.source));
    return allow(trace);
  }
  const mine = new Set(facts.userSchools(actor.id));
  const common = facts.userSchools(targetUser.id).find((s) => mine.has(s));
  // The own-courses override is one command when they share a course and it is off.
  const overrideFix = shared && own.value !== 'on' ? fixesToReach(actor, own, 'on') : undefined;
  const pick = (fixes: string[]) => (overrideFix && overrideFix.length < fixes.length ? overrideFix : fixes);
  if (eff.value === 'school') {
    if (common) {
      trace.push(pass('school-scope', `${actor.username} and ${targetUser.username} share school ${common}`, eff.source));
      return allow(trace);
    }
    trace.push(fail('school-scope', `${actor.username} may ${rule.verb} ${category} of their own schools only, and shares none with ${targetUser.username}`, eff.source));
    return deny(trace, pick(fixesToReach(actor, eff, 'site')));
  }
  trace.push(fail('scope', `${key} is disabled for ${actor.username}`, eff.source));
  return deny(trace, pick(fixesToReach(actor, eff, common ? 'school' : 'site')));
}

function targetUserOf(ctx: EvalContext): UserFact {
  return ctx.facts.user(ctx.target!.id)!;
}

export function privacyActions(): ActionDef[] {
  return [
    {
      key: 'search-user',
      description: 'Find a user in the Search box (search users, own-courses override, search for staff/students/guests)',
      targetKinds: ['user'],
      targetRequired: true,
      module: 'privacy',
      evaluate: (ctx) => reach(ctx.facts, ctx.subject, targetUserOf(ctx), SEARCH),
    },
    {
      key: 'message-user',
      description: 'Start a message to a user (messages, own-courses override, initiate communication to staff/students/guests)',
      targetKinds: ['user'],
      targetRequired: true,
      module: 'privacy',
      evaluate: (ctx) => reach(ctx.facts, ctx.subject, targetUserOf(ctx), MESSAGE),
    },
    {
      key: 'view-user-details',
      description: "See a user's detailed information (their sharing choice, or a show-details setting)",
      targetKinds: ['user'],
      targetRequired: true,
      module: 'privacy',
      evaluate(ctx) {
        const { facts, subject } = ctx;
        const t = targetUserOf(ctx);
        const trace: TraceStep[] = [];
        for (const key of ['show-extra-user-information', 'show-detailed-user-information']) {
          const eff = effectiveSetting(facts, subject, key);
          trace.push(...settingTrace(subject, eff));
          if (eff.value === 'on') {
            trace.push(pass('show-details', `${key} is on for ${subject.username}: details are shown whatever ${t.username} chose`, eff.source));
            return allow(trace);
          }
          trace.push(info('show-details', `${key} is off for ${subject.username}`, eff.source));
        }
        const search = reach(facts, subject, t, SEARCH);
        trace.push(...search.trace);
        if (!t.shareDetails) {
          trace.push(fail('shares-details', `${t.username} chose not to share detailed information`, { kind: 'fact', user: t.username }));
          const eff = effectiveSetting(facts, subject, 'show-detailed-user-information');
          return deny(trace, fixesToReach(subject, eff, 'on'));
        }
        trace.push(pass('shares-details', `${t.username} shares detailed information`, { kind: 'fact', user: t.username }));
        if (!search.allow) {
          trace.push(fail('may-search', `${subject.username} may not search for ${t.username}`));
          const eff = effectiveSetting(facts, subject, 'show-detailed-user-information');
          const viaShow = fixesToReach(subject, eff, 'on');
          return deny(trace, search.fixes.length && search.fixes.length <= viaShow.length ? search.fixes : viaShow);
        }
        trace.push(pass('may-search', `${subject.username} may search for ${t.username}, who shares details`));
        return allow(trace);
      },
    },
  ];
}

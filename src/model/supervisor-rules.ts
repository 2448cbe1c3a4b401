// Supervisor rules (DOMAIN.md §5): the Mentor, Headteacher and Supervisor
// menu entries, and managing or sharing a learner's Individual Learning Plan. Every label comes
// from the site's current names (`facts.supervisorNames()`).

import type { ActionDef, ReachContext } from './engine.js';
import { command } from './errors.js';
import type { Facts, UserFact } from './facts.js';
import { effectiveSetting, fixesToReach, settingTrace } from './policy-resolution.js';
import type { SupervisorNames, SupervisorPath } from './supervisor-facts.js';
import { allow, deny, fail, info, pass, shownNested, subDecision, withChildren, type Outcome, type Source, type Target, type TraceStep } from './trace.js';

export type SupervisorRole = 'mentor' | 'headteacher';

/** The name of the example template a fix creates when the site has none. */
export const EXAMPLE_ILP_TEMPLATE = 'Individual learning plan';

export function roleLabels(names: SupervisorNames, role: SupervisorRole): { tool: string; role: string } {
  return role === 'mentor' ? { tool: names.mentorTool, role: names.mentorRole } : { tool: names.headteacherTool, role: names.headteacherRole };
}

export function describePath(p: SupervisorPath): string {
  if (p.via === 'direct') return 'given directly';
  return p.via === 'class' ? `via class ${p.unit}` : `via organisation ${p.unit}`;
}

function assignmentSource(role: SupervisorRole, user: string, extra: Record<string, unknown> = {}): Source {
  return { kind: 'assignment', role, user, ...extra };
}

export interface RoleCheck {
  readonly on: boolean;
  readonly trace: TraceStep[];
  readonly fixes: string[];
}

/** Whether the user's effective Mentor/Headteacher role is on, with where the value came from. */
export function checkRole(facts: Facts, user: UserFact, role: SupervisorRole): RoleCheck {
  const key = `${role}-role`;
  const label = roleLabels(facts.supervisorNames(), role).role;
  const eff = effectiveSetting(facts, user, key);
  const trace = settingTrace(user, eff);
  if (eff.value === 'on') {
    trace.push(pass(key, `the ${label} role (${key}) is on for ${user.username}`, eff.source));
    return { on: true, trace, fixes: [] };
  }
  trace.push(fail(key, `the ${label} role (${key}) is off for ${user.username}`, eff.source));
  return { on: false, trace, fixes: fixesToReach(user, eff, 'on') };
}

/**
 * No one supervises themselves (DOMAIN.md §5): a user is never their own mentor or headteacher,
 * directly or through a class, group or organisation they are a learner in. Returns the reason
 * an assignment is refused, or undefined when it may be made.
 */
export function selfSupervision(
  facts: Facts,
  user: UserFact,
  role: SupervisorRole,
  given: { readonly learners?: readonly string[]; readonly units?: readonly string[] },
): string | undefined {
  const label = roleLabels(facts.supervisorNames(), role).role;
  if (given.learners?.includes(user.username)) return `${user.username} cannot be their own ${label}`;
  const unit = given.units?.find((u) => facts.isLearnerWithin(user.id, u));
  if (unit) return `${user.username} is a learner in ${unit}, so they cannot be its ${label}: no one supervises themselves`;
  return undefined;
}

export interface EntryCheck {
  /** The entry would show: role on, assigned, at least one learner. */
  readonly shows: boolean;
  readonly trace: TraceStep[];
  readonly fixes: string[];
}

/** The three checks (DOMAIN.md §5) for one role's menu entry. */
export function checkEntry(facts: Facts, user: UserFact, role: SupervisorRole): EntryCheck {
  const names = facts.supervisorNames();
  const { tool, role: roleName } = roleLabels(names, role);
  const roleCheck = checkRole(facts, user, role);
  const trace = [...roleCheck.trace];
  const fixes = [...roleCheck.fixes];
  const assigned = role === 'mentor' ? facts.isMentor(user.id) : facts.isHeadteacher(user.id);
  const learners = assigned ? (role === 'mentor' ? facts.mentorLearnerCount(user.id) : facts.headteacherLearnerCount(user.id)) : 0;
  const source = assignmentSource(role, user.username);
  const add = (): string | undefined => {
    if (role === 'mentor') {
      const cls = facts.suggestedMentorClass(user.id);
      return cls ? command('supervisor', 'add-mentor', user.username, '--class', cls) : undefined;
    }
    const org = facts.suggestedHeadteacherOrg(user.id);
    return org ? command('supervisor', 'add-headteacher', user.username, '--org', org) : undefined;
  };
  const noSuggestion =
    role === 'mentor'
      ? `no class or group has learners to suggest; give learners with "schoolctl supervisor add-mentor ${user.username} --learner L"`
      : `${user.username} belongs to no school or organisation with learners, and a ${roleName} can only be given those`;
  if (!assigned) {
    trace.push(fail(`${role}-assigned`, `${user.username} is not assigned as a ${roleName}`, source));
    trace.push(fail(`${role}-learners`, `${user.username} has no learners as a ${roleName}`, source));
    const fix = add();
    if (fix) fixes.push(fix);
    else trace.push(info('no-fix', noSuggestion));
    return finish(fix !== undefined);
  }
  trace.push(pass(`${role}-assigned`, `${user.username} is assigned as a ${roleName}`, source));
  if (learners === 0) {
    const what = role === 'mentor' ? 'no learners given directly and no learners in their classes or groups' : 'no learners in their organisations';
    trace.push(fail(`${role}-learners`, `${user.username} has ${what}`, source));
    const fix = add();
    if (fix) fixes.push(fix);
    else trace.push(info('no-fix', noSuggestion));
    return finish(fix !== undefined);
  }
  trace.push(pass(`${role}-learners`, `${user.username} has ${learners} learner(s) as a ${roleName}`, source));
  if (!roleCheck.on) return finish(true);
  trace.push(pass(`${role}-entry`, `the ${tool} entry would show`));
  return { shows: true, trace, fixes: [] };

  function finish(fixable: boolean): EntryCheck {
    trace.push(fail(`${role}-entry`, `the ${tool} entry does not show`));
    return { shows: false, trace, fixes: fixable ? fixes : [] };
  }
}

/** The flat list's copy of an entry's steps, each detail prefixed with the entry (the tree nests the steps themselves). */
function indent(steps: readonly TraceStep[], prefix: string): TraceStep[] {
  return shownNested(steps.map((s) => ({ ...s, detail: `${prefix}: ${s.detail}` })));
}

/** tab:mentor / tab:headteacher: the role's entry shows, and the other's does not. */
function singleTab(facts: Facts, subject: UserFact, role: SupervisorRole): Outcome {
  const names = facts.supervisorNames();
  const other: SupervisorRole = role === 'mentor' ? 'headteacher' : 'mentor';
  const mine = checkEntry(facts, subject, role);
  const theirs = checkEntry(facts, subject, other);
  // While the other entry shows, the Supervisor entry replaces this one: the fix also ends the other role.
  const endOther = command('supervisor', `remove-${other}`, subject.username, '--yes');
  if (!mine.shows) return deny(mine.trace, mine.fixes.length && theirs.shows ? [...mine.fixes, endOther] : mine.fixes);
  const trace = [...mine.trace];
  const otherTool = roleLabels(names, other).tool;
  const myTool = roleLabels(names, role).tool;
  if (theirs.shows) {
    trace.push(...indent(theirs.trace, `${otherTool} entry`));
    trace.push(
      withChildren(
        fail(
          'supervisor-entry',
          `both the ${names.mentorTool} and the ${names.headteacherTool} entries would show, so the ${names.supervisorTool} entry replaces them; ${subject.username} gets the ${names.supervisorTool} entry (tab:supervisor) instead of ${myTool}`,
        ),
        [subDecision(theirs.trace)],
      ),
    );
    return deny(trace, [endOther]);
  }
  const failed = theirs.trace.find((s) => s.result === 'fail');
  trace.push(
    withChildren(
      pass('supervisor-entry', `the ${otherTool} entry would not show (${failed?.detail ?? 'not assigned'}), so the ${myTool} entry is not replaced by the ${names.supervisorTool} entry`),
      [subDecision(theirs.trace)],
    ),
  );
  return allow(trace, `the ${myTool} entry shows: ${roleLabels(names, role).role} with ${role === 'mentor' ? facts.mentorLearnerCount(subject.id) : facts.headteacherLearnerCount(subject.id)} learner(s)`);
}

function supervisorTab(facts: Facts, subject: UserFact): Outcome {
  const names = facts.supervisorNames();
  const m = checkEntry(facts, subject, 'mentor');
  const h = checkEntry(facts, subject, 'headteacher');
  const trace = [...indent(m.trace, `${names.mentorTool} entry`), ...indent(h.trace, `${names.headteacherTool} entry`)];
  const entries = [subDecision(m.trace), subDecision(h.trace)];
  if (m.shows && h.shows) {
    trace.push(withChildren(pass('supervisor-entry', `both the ${names.mentorTool} and the ${names.headteacherTool} entries would show, so the ${names.supervisorTool} entry replaces them`), entries));
    return allow(trace, `the ${names.supervisorTool} entry shows: both ${names.mentorRole} and ${names.headteacherRole} with learners`);
  }
  const missing =
    !m.shows && !h.shows
      ? `neither the ${names.mentorTool} nor the ${names.headteacherTool} entry would`
      : `the ${!m.shows ? names.mentorTool : names.headteacherTool} entry would not`;
  trace.push(withChildren(fail('supervisor-entry', `the ${names.supervisorTool} entry shows only when both the ${names.mentorTool} and the ${names.headteacherTool} entries would; ${missing}`), entries));
  const parts = [m, h].filter((e) => !e.shows);
  const fixable = parts.every((e) => e.fixes.length > 0);
  return deny(trace, fixable ? [...new Set(parts.flatMap((e) => e.fixes))] : []);
}

interface SupervisionCheck {
  readonly ok: boolean;
  readonly trace: TraceStep[];
  readonly fixes: string[];
  readonly because: string;
}

/** A mentor or headteacher of the learner whose role for that path is on, and an ILP template. */
function checkIlp(facts: Facts, subject: UserFact, learnerName: string): SupervisionCheck {
  const names = facts.supervisorNames();
  const learner = facts.user(learnerName)!;
  const trace: TraceStep[] = [];
  if (!facts.isLearner(learner.id)) {
    trace.push(fail('learner', `${learner.username} is not a learner (hierarchy role student in a unit or by profile), so no one supervises them`, { kind: 'fact', user: learner.username }));
    return { ok: false, trace, fixes: [], because: '' };
  }
  trace.push(pass('learner', `${learner.username} is a learner`, { kind: 'fact', user: learner.username }));
  let because = '';
  const fixes: string[] = [];
  const pathFixes: string[][] = [];
  for (const role of ['mentor', 'headteacher'] as const) {
    const label = roleLabels(names, role).role;
    const paths = role === 'mentor' ? facts.mentorPaths(subject.id, learner.id) : facts.headteacherPaths(subject.id, learner.id);
    if (paths.length === 0) {
      trace.push(info(`${role}-of-learner`, `${subject.username} is not a ${label} of ${learner.username}`, assignmentSource(role, subject.username, { learner: learner.username })));
      continue;
    }
    for (const p of paths) {
      trace.push(pass(`${role}-of-learner`, `${subject.username} is a ${label} of ${learner.username} (${describePath(p)})`, assignmentSource(role, subject.username, { learner: learner.username, via: p.via, ...(p.unit ? { unit: p.unit } : {}) })));
    }
    const rc = checkRole(facts, subject, role);
    if (rc.on) {
      trace.push(...rc.trace);
      because = `${because ? `${because}; ` : ''}${label} of ${learner.username} (${paths.map(describePath).join(', ')})`;
    } else {
      trace.push(...rc.trace.slice(0, -1));
      trace.push(fail(`${role}-role`, `the ${label} assignment is broken: the ${label} role (${role}-role) is off for ${subject.username}`, rc.trace[rc.trace.length - 1].source));
      pathFixes.push(rc.fixes);
    }
  }
  if (!because) {
    if (pathFixes.length > 0) {
      fixes.push(...pathFixes.sort((a, b) => a.length - b.length)[0]);
    } else {
      trace.push(fail('supervisor-of-learner', `${subject.username} is neither a ${names.mentorRole} nor a ${names.headteacherRole} of ${learner.username}`));
      fixes.push(...checkRole(facts, subject, 'mentor').fixes, command('supervisor', 'add-mentor', subject.username, '--learner', learner.username));
    }
  }
  const templates = facts.ilpTemplateCount();
  if (templates > 0) {
    trace.push(pass('ilp-template', `the site has ${templates} ILP template(s)`, { kind: 'fact', fact: 'ilp-templates' }));
  } else {
    trace.push(fail('ilp-template', 'the site has no ILP template; individual learning plans need at least one', { kind: 'fact', fact: 'ilp-templates' }));
    fixes.push(command('ilp-templates', 'add', EXAMPLE_ILP_TEMPLATE));
  }
  return { ok: because !== '' && templates > 0, trace, fixes, because };
}

/** Users who may be allowed on a learner: their mentors and headteachers, nobody else. */
function supervisorsOfTarget(facts: Facts, learner: string | undefined): string[] {
  const u = learner ? facts.user(learner) : undefined;
  if (!u) return [];
  return [...facts.mentorsOf(u.id), ...facts.headteachersOf(u.id)].map((s) => s.username);
}

/** The learners a person may be allowed on: those they mentor or head (the inverse of `supervisorsOfTarget`). */
function supervisedReach({ facts, subject }: ReachContext): Target[] {
  const r = facts.personReach(subject.id);
  return [...new Set([...r.mentored, ...r.headed])].map((id) => ({ kind: 'learner', id }));
}

export function supervisorActions(): ActionDef[] {
  const tab = (role: SupervisorRole): ActionDef => ({
    key: `tab:${role}`,
    description: `The ${role === 'mentor' ? 'Mentor' : 'Headteacher'} menu entry (its label is the ${role} tool name): ${role} role on, assigned, at least one learner, and not replaced by the Supervisor entry`,
    targetKinds: [],
    targetRequired: false,
    module: 'supervisors',
    evaluate: ({ facts, subject }) => singleTab(facts, subject, role),
    candidates: ({ facts }) => (role === 'mentor' ? facts.mentorUsernames() : facts.headteacherUsernames()),
  });
  return [
    tab('mentor'),
    tab('headteacher'),
    {
      key: 'tab:supervisor',
      description: 'The Supervisor menu entry: shows instead of the Mentor and Headteacher entries when both would show',
      targetKinds: [],
      targetRequired: false,
      module: 'supervisors',
      evaluate: ({ facts, subject }) => supervisorTab(facts, subject),
      candidates: ({ facts }) => {
        const heads = new Set(facts.headteacherUsernames());
        return facts.mentorUsernames().filter((u) => heads.has(u));
      },
    },
    {
      key: 'manage-ilp',
      description: "Manage a learner's Individual Learning Plans: a mentor or headteacher of the learner whose role is on, and at least one ILP template",
      targetKinds: ['learner'],
      targetRequired: true,
      module: 'supervisors',
      evaluate({ facts, subject, target }) {
        const c = checkIlp(facts, subject, target!.id);
        return c.ok ? allow(c.trace, c.because) : deny(c.trace, c.fixes);
      },
      candidates: ({ facts, target }) => supervisorsOfTarget(facts, target?.id),
      reach: supervisedReach,
    },
    {
      key: 'share-ilp',
      description: "Allowed to share individual learning plans; with learner:L, also manage that learner's ILPs",
      targetKinds: ['learner'],
      targetRequired: false,
      module: 'supervisors',
      evaluate({ facts, subject, target }) {
        const eff = effectiveSetting(facts, subject, 'share-ilp');
        const setting = settingTrace(subject, eff);
        const on = eff.value === 'on';
        setting.push(
          on
            ? pass('share-ilp', `share-ilp (Allowed to share individual learning plans) is on for ${subject.username}`, eff.source)
            : fail('share-ilp', `share-ilp (Allowed to share individual learning plans) is off for ${subject.username}`, eff.source),
        );
        const settingFixes = on ? [] : fixesToReach(subject, eff, 'on');
        if (!target) return on ? allow(setting) : deny(setting, settingFixes);
        const c = checkIlp(facts, subject, target.id);
        const trace = [...c.trace, ...setting];
        if (c.ok && on) return allow(trace, `${c.because}, and allowed to share ILPs`);
        const fixable = (c.ok || c.fixes.length > 0) && (on || settingFixes.length > 0);
        return deny(trace, fixable ? [...c.fixes, ...settingFixes] : []);
      },
      candidates: ({ facts, target }) => (target ? supervisorsOfTarget(facts, target.id) : undefined),
      reach: supervisedReach,
    },
  ];
}

/** Keys of catalogue settings whose plain setting action this module replaces (share-ilp takes a learner). */
export const SUPERVISOR_SETTING_OVERRIDES: ReadonlySet<string> = new Set(['share-ilp']);

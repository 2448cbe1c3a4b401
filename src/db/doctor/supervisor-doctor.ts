// Doctor checks for supervisors (DOMAIN.md §5): assignments that cannot work as they stand, each
// with the command that fixes it.

import type { DoctorCheck, CheckFinding } from './doctor-checks.js';
import { command } from '../../model/errors.js';
import { checkRole, EXAMPLE_ILP_TEMPLATE, type SupervisorRole } from '../../model/supervisor-rules.js';
import { eligibleOrgs } from '../stores/supervisor-store.js';

function supervisors(db: Parameters<DoctorCheck['run']>[0], role: SupervisorRole): { id: number; username: string }[] {
  const table = role === 'mentor' ? 'mentors' : 'headteachers';
  return db.prepare(`SELECT u.id, u.username FROM ${table} t JOIN users u ON u.id = t.user_id ORDER BY u.username`).all() as { id: number; username: string }[];
}

const ROLES: readonly SupervisorRole[] = ['mentor', 'headteacher'];

/** Mentors and headteachers whose menu entry cannot show because they have no learners. */
const withoutLearners: DoctorCheck = {
  key: 'supervisor-without-learners',
  description: 'a mentor or headteacher with no learners: their menu entry does not show',
  run(db, facts) {
    const names = facts.supervisorNames();
    const out: CheckFinding[] = [];
    for (const role of ROLES) {
      const label = role === 'mentor' ? names.mentorRole : names.headteacherTerm;
      for (const s of supervisors(db, role)) {
        const n = role === 'mentor' ? facts.mentorLearnerCount(s.id) : facts.headteacherLearnerCount(s.id);
        if (n > 0) continue;
        const suggestion = role === 'mentor' ? facts.suggestedMentorClass(s.id) : facts.suggestedHeadteacherOrg(s.id);
        const add = suggestion
          ? command('supervisor', `add-${role}`, s.username, role === 'mentor' ? '--class' : '--org', suggestion)
          : undefined;
        const remove = command('supervisor', `remove-${role}`, s.username);
        out.push({
          severity: 'warning',
          message: `${label} ${s.username} has no learners, so the ${role === 'mentor' ? names.mentorTool : names.headteacherTool} entry does not show for them; give them learners${add ? '' : ` (${role === 'mentor' ? '--learner or --class' : 'an organisation with learners'})`}, or remove the role with "${remove}"`,
          users: [s.username],
          fixes: add ? [add] : [remove],
        });
      }
    }
    return out;
  },
};

/** Assignments made while the role was on, whose user's effective role is now off. */
const brokenAssignments: DoctorCheck = {
  key: 'supervisor-role-off',
  description: "a mentor or headteacher assignment whose user's effective role is now off (broken)",
  run(db, facts) {
    const names = facts.supervisorNames();
    const out: CheckFinding[] = [];
    for (const role of ROLES) {
      const label = role === 'mentor' ? names.mentorRole : names.headteacherRole;
      for (const s of supervisors(db, role)) {
        const user = facts.user(s.username)!;
        const check = checkRole(facts, user, role);
        if (check.on) continue;
        const last = check.trace[check.trace.length - 1];
        const where = last.source?.kind === 'policy' ? `policy ${String(last.source.policy)} switches it off` : `profile ${user.profile.name} has it off`;
        out.push({
          severity: 'error',
          message: `${s.username} is assigned as a ${label} but the ${label} role (${role}-role) is off for them (${where}): the assignment is broken; switch the role on, or remove it with "${command('supervisor', `remove-${role}`, s.username)}"`,
          users: [s.username],
          fixes: check.fixes,
        });
      }
    }
    return out;
  },
};

/** Headteachers given organisations they are no longer a member of. */
const outsideMembership: DoctorCheck = {
  key: 'headteacher-outside-membership',
  description: 'a headteacher assigned to an organisation they no longer belong to',
  run(db, facts) {
    const names = facts.supervisorNames();
    const orgs = db.prepare('SELECT unit_id FROM headteacher_orgs WHERE user_id = ? ORDER BY 1').pluck();
    const out: CheckFinding[] = [];
    for (const s of supervisors(db, 'headteacher')) {
      const allowed = new Set(eligibleOrgs(db, s.id));
      const given = orgs.all(s.id) as string[];
      const outside = given.filter((o) => !allowed.has(o));
      if (outside.length === 0) continue;
      // Taking away every organisation would leave a headteacher without learners: remove the role then.
      const fix =
        outside.length === given.length
          ? command('supervisor', 'remove-headteacher', s.username, '--yes')
          : command('supervisor', 'remove-headteacher', s.username, ...outside.flatMap((o) => ['--org', o]), '--yes');
      out.push({
        severity: 'error',
        message: `${names.headteacherTerm} ${s.username} is assigned to ${outside.join(', ')} but no longer belongs to ${outside.length > 1 ? 'them' : 'it'} or a unit below; remove the assignment, or make them a member again with "${command('users', 'join', s.username, '--unit', outside[0])}"`,
        users: [s.username],
        fixes: [fix],
      });
    }
    return out;
  },
};

/** Supervisors exist, but without a template nobody can use ILPs. */
const noTemplate: DoctorCheck = {
  key: 'no-ilp-template',
  description: 'mentors or headteachers exist but the site has no ILP template',
  run(db, facts) {
    if (facts.ilpTemplateCount() > 0) return [];
    const users = [...new Set([...facts.mentorUsernames(), ...facts.headteacherUsernames()])].sort();
    if (users.length === 0) return [];
    const names = facts.supervisorNames();
    return [
      {
        severity: 'warning',
        message: `${users.length} ${names.mentorRole}(s)/${names.headteacherTerm}(s) (${users.slice(0, 5).join(', ')}${users.length > 5 ? ', …' : ''}) cannot use individual learning plans: the site has no ILP template`,
        users,
        fixes: [command('ilp-templates', 'add', EXAMPLE_ILP_TEMPLATE)],
      },
    ];
  },
};

export const SUPERVISOR_DOCTOR_CHECKS: DoctorCheck[] = [brokenAssignments, outsideMembership, withoutLearners, noTemplate];

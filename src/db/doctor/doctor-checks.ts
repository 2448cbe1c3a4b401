// `doctor`: every known misconfiguration, each with the commands that fix it. Modules add their
// checks to DOCTOR_CHECKS (one line each).

import { command, positional } from '../../model/errors.js';
import type { Facts } from '../../model/facts.js';
import { findSetting, strictnessRank } from '../../model/settings-catalogue.js';
import type { Sqlite } from '../open.js';
import { SUPERVISOR_DOCTOR_CHECKS } from './supervisor-doctor.js';
import { SCHOOLFUNCTION_DOCTOR_CHECKS } from './schoolfunction-doctor.js';
import { stuckBatches } from './workflow-doctor.js';
import { syncDriftCheck } from './sync-doctor.js';

export interface Finding {
  /** kebab-case: what kind of problem */
  readonly check: string;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  /** users the finding concerns, for `doctor --user` */
  readonly users: readonly string[];
  readonly fixes: readonly string[];
}

/** What a check reports; `runDoctorChecks` labels each with the check's key. */
export type CheckFinding = Omit<Finding, 'check'>;

export interface DoctorCheck {
  readonly key: string;
  readonly description: string;
  run(db: Sqlite, facts: Facts): CheckFinding[];
}

/** Settings on which two policies disagree for the same users (DOMAIN.md §3). */
const policyConflicts: DoctorCheck = {
  key: 'policy-conflict',
  description: 'two policies that act on the same users set one setting differently',
  run(db) {
    const rows = db
      .prepare(
        `WITH pa AS (
           SELECT policy_id, target_id AS user_id, 'user' AS kind, NULL AS profile FROM policy_assignments WHERE target_kind = 'user'
           UNION ALL
           SELECT a.policy_id, u.id, 'profile', a.target_id FROM policy_assignments a JOIN users u ON u.profile_id = a.target_id WHERE a.target_kind = 'profile'
         ),
         ps AS (SELECT pa.user_id, pa.policy_id, pa.kind, pa.profile, s.key, s.value FROM pa JOIN policy_settings s ON s.policy_id = pa.policy_id)
         SELECT a.key, a.policy_id AS p1, b.policy_id AS p2, a.value AS v1, b.value AS v2,
                group_concat(DISTINCT a.user_id) AS users
         FROM ps a JOIN ps b ON a.user_id = b.user_id AND a.key = b.key AND a.policy_id < b.policy_id AND a.value <> b.value
         GROUP BY a.key, a.policy_id, b.policy_id`,
      )
      .all() as { key: string; p1: number; p2: number; v1: string; v2: string; users: string }[];
    const policyName = db.prepare('SELECT name FROM policies WHERE id = ?').pluck();
    const username = db.prepare('SELECT username FROM users WHERE id = ?').pluck();
    const loserAssignments = db.prepare(
      `SELECT a.target_kind AS kind, coalesce(p.name, u.username) AS name FROM policy_assignments a
       LEFT JOIN profiles p ON a.target_kind = 'profile' AND p.id = a.target_id
       LEFT JOIN users u ON a.target_kind = 'user' AND u.id = a.target_id
       WHERE a.policy_id = ? AND (
         (a.target_kind = 'user' AND a.target_id IN (SELECT value FROM json_each(?)))
         OR (a.target_kind = 'profile' AND a.target_id IN (SELECT profile_id FROM users WHERE id IN (SELECT value FROM json_each(?)))))`,
    );
    return rows.map((r) => {
      const def = findSetting(r.key)!;
      const n1 = policyName.get(r.p1) as string;
      const n2 = policyName.get(r.p2) as string;
      const r1 = strictnessRank(def, r.v1) ?? 0;
      const r2 = strictnessRank(def, r.v2) ?? 0;
      const [winner, loser, loserId] = r1 < r2 || (r1 === r2 && n1.localeCompare(n2) <= 0) ? [n1, n2, r.p2] : [n2, n1, r.p1];
      const ids = r.users.split(',').map(Number);
      const json = JSON.stringify(ids);
      const assignments = loserAssignments.all(loserId, json, json) as { kind: 'user' | 'profile'; name: string }[];
      const names = ids.map((id) => username.get(id) as string);
      return {
        severity: 'warning' as const,
        message: `policies ${n1} (${r.key}=${r.v1}) and ${n2} (${r.key}=${r.v2}) both apply to ${names.length} user(s) (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}); the stricter, ${winner}, wins`,
        users: names,
        fixes: assignments.map((a) => command('policies', 'unapply', positional(loser), `--${a.kind}`, a.name)),
      };
    });
  },
};

/** Every check, in the order doctor runs them. Modules add theirs here. */
export const DOCTOR_CHECKS: DoctorCheck[] = [policyConflicts, ...SUPERVISOR_DOCTOR_CHECKS, stuckBatches, ...SCHOOLFUNCTION_DOCTOR_CHECKS, syncDriftCheck];

/** Every check's findings, in order, each labelled with its check. */
export function runDoctorChecks(db: Sqlite, facts: Facts): Finding[] {
  return DOCTOR_CHECKS.flatMap((c) => c.run(db, facts).map((f) => ({ check: c.key, ...f })));
}

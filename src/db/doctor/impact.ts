// What a change does beyond itself: the state that high-impact changes break (supervisor
// assignments, workflow batches, the last portal admin, the last ILP template, supervisors of
// learners), read before and after the change inside its transaction and compared.

import Database from 'better-sqlite3';
import { createFacts } from '../facts/sqlite-facts.js';
import type { Sqlite } from '../open.js';
import { DOCTOR_CHECKS } from './doctor-checks.js';

/** The doctor checks whose new findings a change must announce. */
const IMPACT_CHECKS = new Set(['supervisor-role-off', 'workflow-stuck-batch']);

export { mayHaveImpact } from './impact-kinds.js';

export interface ImpactState {
  readonly findings: ReadonlySet<string>;
  readonly portalAdmins: readonly string[];
  readonly ilpTemplates: number;
  /** supervisor label → learners, for every mentor and headteacher with learners */
  readonly supervisors: ReadonlyMap<string, number>;
}

export function impactState(db: Sqlite): ImpactState {
  const facts = createFacts(db);
  const findings = new Set<string>();
  for (const c of DOCTOR_CHECKS) if (IMPACT_CHECKS.has(c.key)) for (const f of c.run(db, facts)) findings.add(f.message);
  const supervisors = new Map<string, number>();
  const names = facts.supervisorNames();
  for (const [table, label, count] of [
    ['mentors', names.mentorRole, (id: number) => facts.mentorLearnerCount(id)],
    ['headteachers', names.headteacherTerm, (id: number) => facts.headteacherLearnerCount(id)],
  ] as const) {
    for (const r of db.prepare(`SELECT u.id, u.username FROM ${table} t JOIN users u ON u.id = t.user_id`).all() as { id: number; username: string }[]) {
      const n = count(r.id);
      if (n > 0) supervisors.set(`${label} ${r.username}`, n);
    }
  }
  return {
    findings,
    portalAdmins: db.prepare('SELECT u.username FROM portal_users p JOIN users u ON u.id = p.user_id WHERE p.admin = 1 ORDER BY 1').pluck().all() as string[],
    ilpTemplates: db.prepare('SELECT count(*) FROM ilp_templates').pluck().get() as number,
    supervisors,
  };
}

/** The state as committed, read through a second connection while the change is still open. */
export function committedImpactState(path: string): ImpactState {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 10000');
    return impactState(db);
  } finally {
    db.close();
  }
}

/** What the change broke or removed, one sentence each. */
export function consequences(before: ImpactState, after: ImpactState): string[] {
  const out: string[] = [];
  for (const f of after.findings) if (!before.findings.has(f)) out.push(f);
  if (before.portalAdmins.length && !after.portalAdmins.length) {
    out.push(`the portal has no admin any more: ${before.portalAdmins.join(', ')} held the last admin flag`);
  }
  if (before.ilpTemplates > 0 && after.ilpTemplates === 0) out.push('the site has no ILP template any more: mentors and headteachers cannot use individual learning plans');
  for (const [who, n] of before.supervisors) {
    if (!after.supervisors.has(who)) out.push(`${who} no longer supervises their ${n} learner(s)`);
  }
  return out;
}

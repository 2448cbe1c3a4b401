// Doctor checks of the schedule portal (DOMAIN.md §7): legacy roles, functions in a project without
// structure, and Instellingen switches that changed between consecutive school years.

import { command } from '../../model/errors.js';
import { ALLOWED_LEGACY_ROLES, RIGHTS } from '../../model/schoolfunction-rights.js';
import type { DoctorCheck, CheckFinding } from './doctor-checks.js';

/** Users that still carry a role other than the four external parties need (DOMAIN.md §7). */
const legacyRoles: DoctorCheck = {
  key: 'portal-legacy-role',
  description: 'portal users that still carry a legacy role other than merces, _itslearning, magister and somtod',
  run(db) {
    const rows = db
      .prepare(
        `SELECT u.username, p.type, p.admin, p.role FROM portal_users p JOIN users u ON u.id = p.user_id
         WHERE p.role IS NOT NULL AND p.role NOT IN (SELECT value FROM json_each(?)) ORDER BY u.username`,
      )
      .all(JSON.stringify(ALLOWED_LEGACY_ROLES)) as { username: string; type: string; admin: number; role: string }[];
    return rows.map(
      (r): CheckFinding => ({
        severity: 'warning',
        message: `${r.username} still carries legacy role "${r.role}"; no school function needs a role since 2018 and it can stop portal features working (only ${ALLOWED_LEGACY_ROLES.join(', ')} keep one)`,
        users: [r.username],
        fixes: [command('portal', 'user', r.username, '--type', r.type, ...(r.admin ? ['--admin'] : []))],
      }),
    );
  },
};

/** Functions assigned in a project that has no afdelingen or no klassen: their scopes cover nothing. */
const emptyProjects: DoctorCheck = {
  key: 'portal-functions-without-structure',
  description: 'school functions assigned in a project with no afdelingen or no klassen',
  run(db) {
    const projects = db
      .prepare(
        `SELECT p.id,
           (SELECT count(*) FROM portal_afdelingen a WHERE a.project = p.id) AS afdelingen,
           (SELECT count(*) FROM portal_klassen k WHERE k.project = p.id) AS klassen,
           (SELECT max(q.id) FROM portal_projects q WHERE q.id < p.id) AS previous
         FROM portal_projects p WHERE EXISTS (SELECT 1 FROM schoolfunction_assignments f WHERE f.project = p.id) ORDER BY p.id`,
      )
      .all() as { id: string; afdelingen: number; klassen: number; previous: string | null }[];
    const holders = db.prepare('SELECT a.function, u.username FROM schoolfunction_assignments a JOIN users u ON u.id = a.user_id WHERE a.project = ? ORDER BY 1, 2');
    const prevAfdelingen = db.prepare('SELECT id FROM portal_afdelingen WHERE project = ? ORDER BY id').pluck();
    const prevKlassen = db.prepare('SELECT id, afdeling FROM portal_klassen WHERE project = ? ORDER BY id');
    const out: CheckFinding[] = [];
    for (const p of projects) {
      if (p.afdelingen > 0 && p.klassen > 0) continue;
      const held = holders.all(p.id) as { function: string; username: string }[];
      const missing = p.afdelingen === 0 ? 'no afdelingen' : 'no klassen';
      // The usual fix is last year's structure; without one, take the functions away.
      let fixes: string[] = [];
      if (p.previous) {
        const afd = p.afdelingen === 0 ? (prevAfdelingen.all(p.previous) as string[]) : [];
        const kl = prevKlassen.all(p.previous) as { id: string; afdeling: string }[];
        fixes = [
          ...afd.map((a) => command('portal', 'afdeling', 'add', a, '--project', p.id)),
          ...kl.filter((k) => p.afdelingen === 0 || db.prepare('SELECT 1 FROM portal_afdelingen WHERE project = ? AND id = ?').get(p.id, k.afdeling)).map((k) =>
            command('portal', 'klas', 'add', k.id, '--afdeling', k.afdeling, '--project', p.id),
          ),
        ];
      }
      if (fixes.length === 0) fixes = held.map((h) => command('schoolfunction', 'remove', h.function, h.username, '--project', p.id));
      out.push({
        severity: 'warning',
        message: `project ${p.id} has ${missing}, yet ${held.length} school function(s) are assigned in it (${held
          .slice(0, 5)
          .map((h) => `${h.username} as ${h.function}`)
          .join(', ')}${held.length > 5 ? ', …' : ''}); their scopes cover no klas or student`,
        users: [...new Set(held.map((h) => h.username))],
        fixes,
      });
    }
    return out;
  },
};

/** Instellingen switches whose value differs between a school year and the one before it. */
const switchDrift: DoctorCheck = {
  key: 'portal-switch-changed',
  description: 'Instellingen switches that differ between consecutive projects',
  run(db) {
    const projects = db.prepare('SELECT id FROM portal_projects ORDER BY id').pluck().all() as string[];
    const value = db.prepare('SELECT value FROM schoolfunction_switches WHERE project = ? AND holder = ? AND right_key = ?').pluck();
    const switches = RIGHTS.filter((r) => r.switch);
    const out: CheckFinding[] = [];
    for (let i = 1; i < projects.length; i++) {
      const [prev, cur] = [projects[i - 1], projects[i]];
      for (const r of switches) {
        const a = value.get(prev, r.holder, r.key) === 1;
        const b = value.get(cur, r.holder, r.key) === 1;
        if (a === b) continue;
        out.push({
          severity: 'warning',
          message: `Instellingen switch ${r.key} of ${r.holder} is ${b ? 'on' : 'off'} in ${cur} but was ${a ? 'on' : 'off'} in ${prev}; if the change was not meant, carry last year's value over`,
          users: [],
          fixes: [command('schoolfunction', 'settings', r.holder, `${r.key}=${a ? 'on' : 'off'}`, '--project', cur)],
        });
      }
    }
    return out;
  },
};

export const SCHOOLFUNCTION_DOCTOR_CHECKS: DoctorCheck[] = [legacyRoles, emptyProjects, switchDrift];

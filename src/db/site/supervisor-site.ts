// Loads the supervisors section of a site document (mentors, headteachers, ILP templates, the
// renamable names and the profiles' role switches), with the same checks as the commands.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { invalid } from '../../model/errors.js';
import type { SupervisorNames } from '../../model/supervisor-facts.js';
import { checkRole } from '../../model/supervisor-rules.js';
import { requireProfile, requireUnit, requireUser } from '../stores/lookups.js';
import type { Sqlite } from '../open.js';
import { parseAssignments } from '../stores/profiles-store.js';
import { createFacts } from '../facts/sqlite-facts.js';
import { SUPERVISOR_NAME_KEYS } from '../facts/supervisor-facts.js';
import { addHeadteacher, addIlpTemplate, addMentor, eligibleOrgs, ilpTemplate, setName } from '../stores/supervisor-store.js';

export const SUPERVISOR_DEMO_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'fixtures', 'demo-supervisors.yaml');

export interface SupervisorTourStop {
  readonly title: string;
  readonly action: string;
  readonly target?: string;
  readonly user?: string;
}

export interface SupervisorSection {
  /** Setting values for existing profiles, typically the mentor-role and headteacher-role switches. */
  profiles?: Record<string, { settings?: Record<string, string | boolean> }>;
  names?: Partial<Record<keyof SupervisorNames, string>>;
  ilpTemplates?: string[];
  mentors?: { user: string; learners?: string[]; classes?: string[] }[];
  headteachers?: { user: string; orgs: string[] }[];
  tour?: SupervisorTourStop[];
}

/** Loads the section into the open model (inside the caller's transaction); returns the counts. */
export function loadSupervisorSection(db: Sqlite, doc: SupervisorSection): Record<string, number> {
  const counts: Record<string, number> = {};
  const bump = (k: string) => (counts[k] = (counts[k] ?? 0) + 1);
  for (const [name, p] of Object.entries(doc.profiles ?? {})) {
    const profile = requireProfile(db, name);
    const words = Object.entries(p.settings ?? {}).map(([k, v]) => `${k}=${typeof v === 'boolean' ? (v ? 'on' : 'off') : v}`);
    const upd = db.prepare('UPDATE profile_settings SET value = ? WHERE profile_id = ? AND key = ?');
    for (const a of words.length ? parseAssignments(words) : []) upd.run(a.value, profile.id, a.def.key);
  }
  for (const [k, v] of Object.entries(doc.names ?? {})) {
    const key = SUPERVISOR_NAME_KEYS[k as keyof SupervisorNames];
    if (!key) throw invalid('unknown-name', `Supervisor name "${k}" is not known; names: ${Object.keys(SUPERVISOR_NAME_KEYS).join(', ')}.`);
    setName(db, key, String(v));
  }
  for (const t of doc.ilpTemplates ?? []) {
    if (!ilpTemplate(db, t)) addIlpTemplate(db, t, new Date().toISOString());
    bump('ILP templates');
  }
  const facts = createFacts(db);
  const roleOn = (username: string, role: 'mentor' | 'headteacher') => {
    const u = requireUser(db, username);
    const c = checkRole(facts, facts.user(u.username)!, role);
    if (!c.on) throw invalid('role-off', `${u.username} cannot be a ${role}: ${role}-role is off for them; run ${c.fixes.join(' && ')}.`);
    return u;
  };
  for (const m of doc.mentors ?? []) {
    const u = roleOn(m.user, 'mentor');
    const learners = (m.learners ?? []).map((l) => {
      const lu = requireUser(db, l);
      if (!facts.isLearner(lu.id)) throw invalid('not-a-learner', `Mentor ${u.username}: ${lu.username} is not a learner.`);
      return lu.id;
    });
    addMentor(db, u.id, learners, (m.classes ?? []).map((c) => requireUnit(db, c, ['class', 'group']).id));
    bump('mentors');
  }
  for (const h of doc.headteachers ?? []) {
    const u = roleOn(h.user, 'headteacher');
    const allowed = eligibleOrgs(db, u.id);
    for (const o of h.orgs) {
      requireUnit(db, o, ['school', 'organisation']);
      if (!allowed.includes(o)) throw invalid('not-a-member', `Headteacher ${u.username} does not belong to ${o}; valid: ${allowed.join(', ') || 'none'}.`);
    }
    addHeadteacher(db, u.id, h.orgs);
    bump('headteachers');
  }
  return counts;
}

/** The demo's supervisors: loads the fixture, adds its counts, and appends its tour stops. */
export function loadSupervisorDemo(db: Sqlite, counts: Record<string, number>, tour: SupervisorTourStop[]): void {
  const doc = parse(readFileSync(SUPERVISOR_DEMO_FILE, 'utf8')) as SupervisorSection;
  Object.assign(counts, loadSupervisorSection(db, doc));
  if (!tour.some((s) => s.action === doc.tour?.[0]?.action && s.user === doc.tour?.[0]?.user)) tour.push(...(doc.tour ?? []));
}

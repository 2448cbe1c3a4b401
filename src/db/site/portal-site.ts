// Loads the demo site's schedule portal (fixtures/demo-portal.yaml) into a model that already holds
// the demo site. Every value goes through the same checks as the portal commands.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { invalid } from '../../model/errors.js';
import { FUNCTION_SCOPE, USER_TYPES, isFunction, normaliseHolder, switchKeys, type Holder, type PortalUserType } from '../../model/schoolfunction-rights.js';
import { checkUsername, requireProfile, requireUser } from '../stores/lookups.js';
import type { Sqlite } from '../open.js';
import {
  addAfdeling,
  addKlas,
  addKlasStudent,
  addProject,
  addScope,
  addSectie,
  addSectieMember,
  addTeam,
  addTeamAfdeling,
  addTeamMember,
  checkProjectId,
  checkStructureId,
  createAssignment,
  portalUser,
  requireStructure,
  setPortalUser,
  setSwitch,
  type ScopeKind,
} from '../stores/portal-store.js';

export const PORTAL_DEMO_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'fixtures', 'demo-portal.yaml');

export interface PortalDocument {
  users?: { username: string; name?: string; profile: string }[];
  portalUsers?: Partial<Record<PortalUserType | 'admin', string[]>>;
  projects?: {
    id: string;
    afdelingen?: Record<string, Record<string, string[]>>;
    teams?: { id: string; afdelingen?: string[]; members?: string[] }[];
    secties?: { id: string; members?: string[] }[];
    functions?: { function: string; user: string; afdeling?: string[]; klas?: string[]; team?: string; sectie?: string }[];
    switches?: Record<string, Record<string, boolean | string>>;
  }[];
  tour?: { title: string; action: string; target?: string; user?: string; term?: string; project?: string }[];
}

export function readPortalDemo(): PortalDocument {
  return parse(readFileSync(PORTAL_DEMO_FILE, 'utf8')) as PortalDocument;
}

function userOfType(db: Sqlite, username: string, type: PortalUserType) {
  const u = requireUser(db, username);
  if (portalUser(db, u.id)?.type !== type) throw invalid(`not-${type}`, `${username} must be a ${type} here.`);
  return u;
}

/** Loads the portal document; returns how many rows of each kind were created. */
export function loadPortalSite(db: Sqlite, doc: PortalDocument): Record<string, number> {
  const counts: Record<string, number> = {};
  const bump = (k: string, n = 1) => (counts[k] = (counts[k] ?? 0) + n);
  for (const u of doc.users ?? []) {
    checkUsername(u.username);
    db.prepare('INSERT INTO users (username, name, profile_id) VALUES (?, ?, ?)').run(u.username, u.name ?? u.username, requireProfile(db, u.profile).id);
    bump('users');
  }
  const admins = new Set(doc.portalUsers?.admin ?? []);
  for (const type of USER_TYPES) {
    for (const name of doc.portalUsers?.[type] ?? []) {
      setPortalUser(db, requireUser(db, name).id, type, admins.has(name), null);
      bump('portal users');
    }
  }
  for (const p of doc.projects ?? []) {
    const project = checkProjectId(p.id);
    addProject(db, project);
    bump('portal projects');
    for (const [afdeling, klassen] of Object.entries(p.afdelingen ?? {})) {
      addAfdeling(db, project, checkStructureId('afdeling', afdeling));
      for (const [klas, students] of Object.entries(klassen ?? {})) {
        addKlas(db, project, checkStructureId('klas', klas), afdeling);
        for (const s of students ?? []) addKlasStudent(db, project, klas, userOfType(db, s, 'leerling').id);
        bump('klassen');
      }
    }
    for (const t of p.teams ?? []) {
      addTeam(db, project, checkStructureId('team', t.id));
      for (const a of t.afdelingen ?? []) addTeamAfdeling(db, project, t.id, requireStructure(db, 'afdeling', project, a));
      for (const m of t.members ?? []) addTeamMember(db, project, t.id, userOfType(db, m, 'werknemer').id);
    }
    for (const s of p.secties ?? []) {
      addSectie(db, project, checkStructureId('sectie', s.id));
      for (const m of s.members ?? []) addSectieMember(db, project, s.id, userOfType(db, m, 'werknemer').id);
    }
    for (const f of p.functions ?? []) {
      const fn = normaliseHolder(f.function);
      if (!isFunction(fn)) throw invalid('unknown-function', `There is no school function "${f.function}".`);
      const want = FUNCTION_SCOPE[fn];
      const ids = want === 'afdeling' ? f.afdeling : want === 'klas' ? f.klas : want === 'team' ? (f.team ? [f.team] : []) : want === 'sectie' ? (f.sectie ? [f.sectie] : []) : [];
      if (want !== 'project' && !ids?.length) throw invalid('missing-scope', `${fn} ${f.user} in ${project} needs its ${want}.`);
      const id = createAssignment(db, project, fn, userOfType(db, f.user, 'werknemer').id);
      for (const s of ids ?? []) addScope(db, id, want as ScopeKind, requireStructure(db, want as ScopeKind, project, s));
      bump('school functions');
    }
    for (const [rawHolder, values] of Object.entries(p.switches ?? {})) {
      const holder = normaliseHolder(rawHolder) as Holder;
      for (const [key, value] of Object.entries(values)) {
        if (!switchKeys(holder).includes(key)) throw invalid('not-a-switch', `"${key}" is not an Instellingen switch of ${rawHolder}.`);
        setSwitch(db, project, holder, key, value === true || value === 'on');
        bump('switches');
      }
    }
  }
  return counts;
}

/** The demo's portal data: loads it and returns the counts. */
export function loadPortalDemo(db: Sqlite): Record<string, number> {
  return loadPortalSite(db, readPortalDemo());
}

/** The tour stops of the portal demo. */
export function portalTour(): NonNullable<PortalDocument['tour']> {
  return readPortalDemo().tour ?? [];
}

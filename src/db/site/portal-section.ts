// The site file's `portal` section: the schedule portal's user types and admin flags, and per
// project its afdelingen (with their klassen and students), teams, secties, school functions and
// Instellingen switches (the demo site file's shape, with projects keyed by school year). It becomes rows of the portal's
// bulk kinds (src/db/bulk/kinds/portal.ts), so the file is checked exactly as CSV imports are.
//
// portal:
//   users: { werknemer: [..], leerling: [..], ouder: [..], admin: [..], roles: { USER: ROLE } }
//   projects:
//     2025-2026:
//       afdelingen: { onderbouw: { 3A: [s.bakker] } }
//       teams: [ { id: team-onderbouw, afdelingen: [onderbouw], members: [j.devries] } ]
//       secties: [ { id: wiskunde, members: [m.peters] } ]
//       functions: [ { function: mentor, user: j.devries, klas: [3A] }, { function: formatiebeheerder, user: b.mulder } ]
//       switches: { mentor: { edit-prognoses: on } }

import { USER_TYPES } from '../../model/schoolfunction-rights.js';
import type { Sqlite } from '../open.js';
import { compact, entryOf, isMap, listOf, scalar, text, texts, type ShapeProblem, type SiteRow, type SiteSection } from './section.js';

const SCOPES = ['afdeling', 'klas', 'team', 'sectie'] as const;
const USER_FIELDS = [...USER_TYPES, 'admin', 'roles'];
const PROJECT_FIELDS = ['afdelingen', 'teams', 'secties', 'functions', 'switches'];

function mapOf(v: unknown, path: string, problems: ShapeProblem[], what: string): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (!isMap(v)) {
    problems.push({ path, message: `is not a mapping (of ${what})` });
    return {};
  }
  return v;
}

/** A list of single values, or one value for a list of one. */
function oneOrMore(e: Record<string, unknown>, field: string, path: string, problems: ShapeProblem[]): string[] {
  const v = e[field];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    const s = scalar(v);
    if (s === undefined) problems.push({ path: `${path}.${field}`, message: 'is not a value or a list of values' });
    return s === undefined ? [] : [s];
  }
  return texts(e, field, path, problems) ?? [];
}

export const portalSection: SiteSection = {
  key: 'portal',
  toBatches(value, problems) {
    const rows: Record<string, SiteRow[]> = {
      'portal-projects': [],
      'portal-users': [],
      afdelingen: [],
      klassen: [],
      'klas-students': [],
      teams: [],
      secties: [],
      schoolfunctions: [],
      'schoolfunction-switches': [],
    };
    const doc = value === null ? {} : entryOf(value, 'portal', problems, ['users', 'projects']);
    if (!doc) return [];

    const users = mapOf(doc.users, 'portal.users', problems, `${USER_FIELDS.join(', ')}`);
    for (const k of Object.keys(users)) if (!USER_FIELDS.includes(k)) problems.push({ path: `portal.users.${k}`, message: `is not a field here; valid fields: ${USER_FIELDS.join(', ')}` });
    const admins = new Set(texts(users, 'admin', 'portal.users', problems) ?? []);
    const roles = mapOf(users.roles, 'portal.users.roles', problems, 'usernames to legacy roles');
    const typed = new Set<string>();
    for (const type of USER_TYPES) {
      (texts(users, type, 'portal.users', problems) ?? []).forEach((username, i) => {
        typed.add(username);
        const role = roles[username] === undefined ? '' : (scalar(roles[username]) ?? '');
        rows['portal-users'].push({
          path: `portal.users.${type}[${i}]`,
          cells: { username, type, admin: admins.has(username) ? 'on' : 'off', role },
          fields: { username: '', type: '', admin: '', role: '' },
        });
      });
    }
    for (const a of admins) if (!typed.has(a)) problems.push({ path: 'portal.users.admin', message: `names ${a}, who is in none of ${USER_TYPES.join(', ')}; the admin flag needs a user type` });
    for (const r of Object.keys(roles)) if (!typed.has(r)) problems.push({ path: `portal.users.roles.${r}`, message: `names a user in none of ${USER_TYPES.join(', ')}; a legacy role needs a user type` });

    for (const [project, raw] of Object.entries(mapOf(doc.projects, 'portal.projects', problems, 'school years to their afdelingen, teams, secties, functions and switches'))) {
      const path = `portal.projects.${project}`;
      const e = raw === null ? {} : entryOf(raw, path, problems, PROJECT_FIELDS);
      if (!e) continue;
      rows['portal-projects'].push({ path, cells: { project }, fields: { project: '' } });
      for (const [afdeling, klassenRaw] of Object.entries(mapOf(e.afdelingen, `${path}.afdelingen`, problems, 'afdelingen to their klassen'))) {
        const ap = `${path}.afdelingen.${afdeling}`;
        rows.afdelingen.push({ path: ap, cells: { project, afdeling }, fields: { project: '', afdeling: '' } });
        for (const [klas, students] of Object.entries(mapOf(klassenRaw, ap, problems, 'klassen to their students'))) {
          const kp = `${ap}.${klas}`;
          rows.klassen.push({ path: kp, cells: { project, klas, afdeling }, fields: { project: '', klas: '', afdeling: '' } });
          listOf(students, kp, problems, 'leerlingen').forEach((s, j) => {
            const username = scalar(s);
            if (username === undefined) problems.push({ path: `${kp}[${j}]`, message: 'is not a single value' });
            else rows['klas-students'].push({ path: `${kp}[${j}]`, cells: { project, klas, username }, fields: { project: '', klas: '', username: '' } });
          });
        }
      }
      listOf(e.teams, `${path}.teams`, problems, 'teams').forEach((t, j) => {
        const tp = `${path}.teams[${j}]`;
        const te = entryOf(t, tp, problems, ['id', 'afdelingen', 'members']);
        const id = te && text(te, 'id', tp, problems, true);
        if (!te || id === undefined) return;
        const afdelingen = (texts(te, 'afdelingen', tp, problems) ?? []).join(';');
        const members = (texts(te, 'members', tp, problems) ?? []).join(';');
        rows.teams.push({ path: tp, cells: { project, team: id, afdelingen, members }, fields: { project: '', team: 'id' } });
      });
      listOf(e.secties, `${path}.secties`, problems, 'secties').forEach((s, j) => {
        const sp = `${path}.secties[${j}]`;
        const se = entryOf(s, sp, problems, ['id', 'members']);
        const id = se && text(se, 'id', sp, problems, true);
        if (!se || id === undefined) return;
        rows.secties.push({ path: sp, cells: { project, sectie: id, members: (texts(se, 'members', sp, problems) ?? []).join(';') }, fields: { project: '', sectie: 'id' } });
      });
      listOf(e.functions, `${path}.functions`, problems, 'school functions').forEach((f, j) => {
        const fp = `${path}.functions[${j}]`;
        const fe = entryOf(f, fp, problems, ['function', 'user', ...SCOPES]);
        if (!fe) return;
        const fn = text(fe, 'function', fp, problems, true);
        const username = text(fe, 'user', fp, problems, true);
        if (fn === undefined || username === undefined) return;
        const fields = { project: '', function: 'function', username: 'user', scope_kind: '', scope: '' };
        let scoped = 0;
        for (const kind of SCOPES) {
          oneOrMore(fe, kind, fp, problems).forEach((scope, k) => {
            scoped++;
            const at = Array.isArray(fe[kind]) ? `${kind}[${k}]` : kind;
            rows.schoolfunctions.push({ path: fp, cells: { project, function: fn, username, scope_kind: kind, scope }, fields: { ...fields, scope_kind: at, scope: at } });
          });
        }
        if (!scoped) rows.schoolfunctions.push({ path: fp, cells: { project, function: fn, username, scope_kind: '', scope: '' }, fields: { ...fields, scope_kind: '', scope: '' } });
      });
      for (const [holder, switches] of Object.entries(mapOf(e.switches, `${path}.switches`, problems, 'functions or user types to their switches'))) {
        const hp = `${path}.switches.${holder}`;
        for (const [right, v] of Object.entries(mapOf(switches, hp, problems, 'switches to on or off'))) {
          const value = scalar(v);
          if (value === undefined) problems.push({ path: `${hp}.${right}`, message: 'is not on or off' });
          else rows['schoolfunction-switches'].push({ path: `${hp}.${right}`, cells: { project, holder, right, value }, fields: { project: '', holder: '', right: '', value: '' } });
        }
      }
    }
    return Object.entries(rows).map(([kind, r]) => ({ kind, rows: r }));
  },
  fromModel(db) {
    const projects = db.prepare('SELECT id FROM portal_projects ORDER BY id').pluck().all() as string[];
    const portalUsers = db
      .prepare('SELECT u.username, p.type, p.admin, p.role FROM portal_users p JOIN users u ON u.id = p.user_id ORDER BY u.username')
      .all() as { username: string; type: string; admin: number; role: string | null }[];
    if (!projects.length && !portalUsers.length) return undefined;
    const users: Record<string, unknown> = {};
    for (const type of USER_TYPES) {
      const of = portalUsers.filter((u) => u.type === type).map((u) => u.username);
      if (of.length) users[type] = of;
    }
    const admins = portalUsers.filter((u) => u.admin === 1).map((u) => u.username);
    if (admins.length) users.admin = admins;
    const roles = portalUsers.filter((u) => u.role !== null);
    if (roles.length) users.roles = Object.fromEntries(roles.map((u) => [u.username, u.role]));
    return compact({
      users: Object.keys(users).length ? users : undefined,
      projects: projects.length ? Object.fromEntries(projects.map((p) => [p, projectFromModel(db, p)])) : undefined,
    });
  },
  notInFile(db, value) {
    const named = new Set<string>();
    if (isMap(value) && isMap(value.projects)) for (const p of Object.keys(value.projects)) named.add(p);
    const ids = (db.prepare('SELECT id FROM portal_projects ORDER BY id').pluck().all() as string[]).filter((id) => !named.has(id));
    return ids.length ? { what: 'portal project(s)', ids } : undefined;
  },
};

function projectFromModel(db: Sqlite, project: string): Record<string, unknown> {
  const pluck = (sql: string, ...args: unknown[]) => db.prepare(sql).pluck().all(...args) as string[];
  const afdelingen: Record<string, Record<string, string[]>> = {};
  for (const a of pluck('SELECT id FROM portal_afdelingen WHERE project = ? ORDER BY id', project)) {
    afdelingen[a] = {};
    for (const k of pluck('SELECT id FROM portal_klassen WHERE project = ? AND afdeling = ? ORDER BY id', project, a)) {
      afdelingen[a][k] = pluck('SELECT u.username FROM portal_klas_students s JOIN users u ON u.id = s.user_id WHERE s.project = ? AND s.klas = ? ORDER BY 1', project, k);
    }
  }
  const teams = pluck('SELECT id FROM portal_teams WHERE project = ? ORDER BY id', project).map((t) => {
    const af = pluck('SELECT afdeling FROM portal_team_afdelingen WHERE project = ? AND team = ? ORDER BY 1', project, t);
    const members = pluck('SELECT u.username FROM portal_team_members m JOIN users u ON u.id = m.user_id WHERE m.project = ? AND m.team = ? ORDER BY 1', project, t);
    return compact({ id: t, afdelingen: af.length ? af : undefined, members: members.length ? members : undefined });
  });
  const secties = pluck('SELECT id FROM portal_secties WHERE project = ? ORDER BY id', project).map((s) => {
    const members = pluck('SELECT u.username FROM portal_sectie_members m JOIN users u ON u.id = m.user_id WHERE m.project = ? AND m.sectie = ? ORDER BY 1', project, s);
    return compact({ id: s, members: members.length ? members : undefined });
  });
  const assignments = db
    .prepare('SELECT a.id, a.function, u.username FROM schoolfunction_assignments a JOIN users u ON u.id = a.user_id WHERE a.project = ? ORDER BY a.function, u.username')
    .all(project) as { id: number; function: string; username: string }[];
  const scopes = db.prepare('SELECT kind, scope_id FROM schoolfunction_scopes WHERE assignment_id = ? ORDER BY kind, scope_id').raw();
  const functions = assignments.map((a) => {
    const out: Record<string, unknown> = { function: a.function, user: a.username };
    for (const [kind, id] of scopes.all(a.id) as [string, string][]) ((out[kind] ??= []) as string[]).push(id);
    // team and sectie read as one value, as `schoolfunction assign --team T` takes one.
    for (const k of ['team', 'sectie']) if (Array.isArray(out[k]) && (out[k] as string[]).length === 1) out[k] = (out[k] as string[])[0];
    return out;
  });
  const switches: Record<string, Record<string, string>> = {};
  for (const s of db.prepare('SELECT holder, right_key, value FROM schoolfunction_switches WHERE project = ? ORDER BY holder, right_key').all(project) as { holder: string; right_key: string; value: number }[]) {
    (switches[s.holder] ??= {})[s.right_key] = s.value ? 'on' : 'off';
  }
  return compact({
    afdelingen: Object.keys(afdelingen).length ? afdelingen : undefined,
    teams: teams.length ? teams : undefined,
    secties: secties.length ? secties : undefined,
    functions: functions.length ? functions : undefined,
    switches: Object.keys(switches).length ? switches : undefined,
  });
}

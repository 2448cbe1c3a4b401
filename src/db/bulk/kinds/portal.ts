// The schedule portal's kinds (DOMAIN.md §7): portal-projects, portal-users, afdelingen, klassen,
// klas-students, teams, secties, schoolfunctions and schoolfunction-switches. They check exactly what
// the portal and schoolfunction commands check (the shared rules live in model/schoolfunction-rights
// and db/portal-store) and write through the portal store. Under --as each needs the portal admin
// flag (`portal-admin`, the action the portal commands are guarded by; it takes no target).
//
// teams and secties: one row per team or sectie, its afdelingen and members joined by `;`; a row
// states the whole list, so importing it replaces the team's afdelingen and members (an absent
// column leaves them as they are). klas-students and schoolfunctions: one row per link; a
// schoolfunctions row names one scope (scope_kind + scope), or none for a project-wide function.

import {
  FUNCTIONS,
  FUNCTION_HOLDER_TYPE,
  HOLDERS,
  LEGACY_ROLE_RE,
  LEGACY_ROLE_VALID,
  USER_TYPES,
  isFunction,
  isSchoolYear,
  normaliseHolder,
  parseUserType,
  scopeMismatch,
  switchKeys,
  type Holder,
  type PortalUserType,
} from '../../../model/schoolfunction-rights.js';
import type { Sqlite } from '../../open.js';
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
  assignmentId,
  createAssignment,
  functionsOf,
  klasStudent,
  portalUser,
  projectExists,
  setPortalUser,
  setSwitch,
  structureExists,
  type ScopeKind,
} from '../../stores/portal-store.js';
import { IDENTIFIER_RE, IDENTIFIER_VALID, err, someOf, type BulkKind, type CellError, type ModelCache, userCell } from '../kind.js';

const RIGHT = 'portal-admin';
const SCOPE_KINDS: readonly ScopeKind[] = ['afdeling', 'klas', 'team', 'sectie'];
const TABLE: Record<ScopeKind, string> = { afdeling: 'portal_afdelingen', klas: 'portal_klassen', team: 'portal_teams', sectie: 'portal_secties' };

function checkProject(db: Sqlite, row: { get(c: string): string }, errors: CellError[]): string {
  const project = row.get('project').trim();
  if (!projectExists(db, project)) {
    const all = db.prepare('SELECT id FROM portal_projects ORDER BY id').pluck().all() as string[];
    errors.push(err('project', project, 'a portal project', all.length ? `${someOf(all)} (import portal-projects first)` : 'a school year imported with portal-projects first'));
  }
  return project;
}

/** An afdeling, klas, team or sectie of the project (only checked when the project exists). */
function checkStructure(db: Sqlite, kind: ScopeKind, project: string, column: string, id: string, errors: CellError[]): void {
  if (!projectExists(db, project) || structureExists(db, kind, project, id)) return;
  const all = db.prepare(`SELECT id FROM ${TABLE[kind]} WHERE project = ? ORDER BY id`).pluck().all(project) as string[];
  errors.push(err(column, id, `a ${kind} of project ${project}`, all.length ? someOf(all) : `none yet (import ${kind === 'klas' ? 'klassen' : kind === 'afdeling' ? 'afdelingen' : `${kind}s`} first)`));
}

function checkNewId(kind: ScopeKind, column: string, id: string, errors: CellError[]): void {
  if (!IDENTIFIER_RE.test(id)) errors.push(err(column, id, `a valid ${kind} id`, IDENTIFIER_VALID));
}

/** A user of the given portal type (the rule of `requirePortalType`). */
function checkTypedUser(db: Sqlite, model: ModelCache, column: string, username: string, type: PortalUserType, errors: CellError[]): number | undefined {
  const id = model.userId(username);
  if (id === undefined) {
    errors.push(err(column, username, 'a user', 'an existing username (import users first)'));
    return undefined;
  }
  const pu = portalUser(db, id);
  if (pu?.type !== type) {
    errors.push(err(column, username, `a ${type} (it is ${pu ? `a ${pu.type}` : 'not a portal user'})`, `a user of portal type ${type} (import portal-users first)`));
    return undefined;
  }
  return id;
}

function list(cell: string): string[] {
  return [...new Set(cell.split(';').map((x) => x.trim()).filter((x) => x !== ''))].sort();
}

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export const portalProjectsKind: BulkKind<{ project: string }> = {
  name: 'portal-projects',
  summary: 'portal projects: one per school year',
  entity: 'portal-project',
  right: RIGHT,
  columns: [{ name: 'project', required: true, about: 'a school year such as 2025-2026' }],
  key: ['project'],
  open(db) {
    return {
      check(row) {
        const project = row.get('project').trim();
        if (!isSchoolYear(project)) return { errors: [err('project', project, 'a school year', 'two consecutive years such as 2025-2026')] };
        const data = { project };
        return projectExists(db, project) ? { status: 'same', id: project, data } : { status: 'create', id: project, after: { project }, data };
      },
      apply(v) {
        addProject(db, v.data.project);
      },
    };
  },
  *exportRows(db) {
    yield* db.prepare('SELECT id FROM portal_projects ORDER BY id').raw().iterate() as Iterable<string[]>;
  },
};

interface PortalUserData {
  userId: number;
  type: PortalUserType;
  admin: boolean;
  role: string | null;
}

export const portalUsersKind: BulkKind<PortalUserData> = {
  name: 'portal-users',
  summary: "users' portal type, admin flag and legacy role",
  entity: 'portal-user',
  right: RIGHT,
  columns: [
    { name: 'username', required: true, about: 'the user' },
    { name: 'type', required: true, about: USER_TYPES.join(', ') },
    { name: 'admin', about: 'on or off (the admin flag, applicatiebeheerder); empty is off' },
    { name: 'role', about: 'a legacy role, or empty for none' },
  ],
  key: ['username'],
  open(db, model) {
    return {
      check(row) {
        const errors: CellError[] = [];
        const username = row.get('username').trim();
        const userId = userCell(model, 'username', username, errors);
        const type = parseUserType(row.get('type'));
        if (!type) errors.push(err('type', row.get('type'), 'a portal user type', USER_TYPES.join(', ')));
        const rawAdmin = row.get('admin').trim().toLowerCase();
        if (!['', 'on', 'off'].includes(rawAdmin)) errors.push(err('admin', row.get('admin'), 'on or off', 'on, off, or empty for off'));
        const rawRole = row.get('role').trim();
        if (rawRole !== '' && !LEGACY_ROLE_RE.test(rawRole)) errors.push(err('role', rawRole, 'a valid role', `${LEGACY_ROLE_VALID}, or empty for none`));
        if (errors.length) return { errors };
        const had = portalUser(db, userId!);
        // Only werknemers hold school functions: another type needs them removed first (as `portal user` says).
        if (type !== FUNCTION_HOLDER_TYPE) {
          const held = functionsOf(db, userId!);
          if (held.length) {
            return {
              errors: [
                err('type', row.get('type'), `possible for ${username}, who holds school functions (${held.map((h) => `${h.function} in ${h.project}`).join(', ')})`, `${FUNCTION_HOLDER_TYPE}, or remove the functions first with schoolctl schoolfunction remove`),
              ],
            };
          }
        }
        const admin = row.has('admin') ? rawAdmin === 'on' : had?.admin === 1;
        const role = row.has('role') ? rawRole || null : (had?.role ?? null);
        const after = { type: type!, admin, role };
        const data = { userId: userId!, type: type!, admin, role };
        if (!had) return { status: 'create', id: username, after, data };
        const before = { type: had.type, admin: had.admin === 1, role: had.role };
        const unchanged = before.type === after.type && before.admin === after.admin && before.role === after.role;
        return { status: unchanged ? 'same' : 'update', id: username, before, after, data };
      },
      apply(v) {
        setPortalUser(db, v.data.userId, v.data.type, v.data.admin, v.data.role);
      },
    };
  },
  *exportRows(db) {
    yield* db
      .prepare(`SELECT u.username, p.type, CASE p.admin WHEN 1 THEN 'on' ELSE 'off' END, coalesce(p.role, '') FROM portal_users p JOIN users u ON u.id = p.user_id ORDER BY u.username`)
      .raw()
      .iterate() as Iterable<string[]>;
  },
};

export const afdelingenKind: BulkKind<{ project: string; afdeling: string }> = {
  name: 'afdelingen',
  summary: 'afdelingen of a portal project',
  entity: 'portal-afdeling',
  right: RIGHT,
  columns: [
    { name: 'project', required: true, about: 'the portal project' },
    { name: 'afdeling', required: true, about: 'the afdeling' },
  ],
  key: ['project', 'afdeling'],
  open(db) {
    return {
      check(row) {
        const errors: CellError[] = [];
        const project = checkProject(db, row, errors);
        const afdeling = row.get('afdeling').trim();
        checkNewId('afdeling', 'afdeling', afdeling, errors);
        if (errors.length) return { errors };
        const id = `${project}/${afdeling}`;
        const data = { project, afdeling };
        return structureExists(db, 'afdeling', project, afdeling) ? { status: 'same', id, data } : { status: 'create', id, after: { afdeling }, data };
      },
      apply(v) {
        addAfdeling(db, v.data.project, v.data.afdeling);
      },
    };
  },
  *exportRows(db) {
    yield* db.prepare('SELECT project, id FROM portal_afdelingen ORDER BY project, id').raw().iterate() as Iterable<string[]>;
  },
};

export const klassenKind: BulkKind<{ project: string; klas: string; afdeling: string; exists: boolean }> = {
  name: 'klassen',
  summary: 'klassen of a portal project, each in an afdeling',
  entity: 'portal-klas',
  right: RIGHT,
  columns: [
    { name: 'project', required: true, about: 'the portal project' },
    { name: 'klas', required: true, about: 'the klas' },
    { name: 'afdeling', required: true, about: 'the afdeling the klas belongs to' },
  ],
  key: ['project', 'klas'],
  open(db) {
    const find = db.prepare('SELECT afdeling FROM portal_klassen WHERE project = ? AND id = ?').pluck();
    const move = db.prepare('UPDATE portal_klassen SET afdeling = ? WHERE project = ? AND id = ?');
    return {
      check(row) {
        const errors: CellError[] = [];
        const project = checkProject(db, row, errors);
        const klas = row.get('klas').trim();
        checkNewId('klas', 'klas', klas, errors);
        const afdeling = row.get('afdeling').trim();
        checkStructure(db, 'afdeling', project, 'afdeling', afdeling, errors);
        if (errors.length) return { errors };
        const had = find.get(project, klas) as string | undefined;
        const id = `${project}/${klas}`;
        const data = { project, klas, afdeling, exists: had !== undefined };
        if (had === undefined) return { status: 'create', id, after: { afdeling }, data };
        return { status: had === afdeling ? 'same' : 'update', id, before: { afdeling: had }, after: { afdeling }, data };
      },
      apply(v) {
        if (v.data.exists) move.run(v.data.afdeling, v.data.project, v.data.klas);
        else addKlas(db, v.data.project, v.data.klas, v.data.afdeling);
      },
    };
  },
  *exportRows(db) {
    yield* db.prepare('SELECT project, id, afdeling FROM portal_klassen ORDER BY project, id').raw().iterate() as Iterable<string[]>;
  },
};

export const klasStudentsKind: BulkKind<{ project: string; klas: string; userId: number }> = {
  name: 'klas-students',
  summary: 'leerlingen in a klas',
  entity: 'portal-klas-student',
  right: RIGHT,
  columns: [
    { name: 'project', required: true, about: 'the portal project' },
    { name: 'klas', required: true, about: 'the klas' },
    { name: 'username', required: true, about: 'a leerling' },
  ],
  key: ['project', 'klas', 'username'],
  open(db, model) {
    return {
      check(row) {
        const errors: CellError[] = [];
        const project = checkProject(db, row, errors);
        const klas = row.get('klas').trim();
        checkStructure(db, 'klas', project, 'klas', klas, errors);
        const username = row.get('username').trim();
        const userId = checkTypedUser(db, model, 'username', username, 'leerling', errors);
        if (errors.length) return { errors };
        const id = `${project}/${klas}/${username}`;
        const data = { project, klas, userId: userId! };
        return klasStudent(db, project, klas, userId!) ? { status: 'same', id, data } : { status: 'create', id, after: { student: true }, data };
      },
      apply(v) {
        addKlasStudent(db, v.data.project, v.data.klas, v.data.userId);
      },
    };
  },
  *exportRows(db) {
    yield* db
      .prepare('SELECT s.project, s.klas, u.username FROM portal_klas_students s JOIN users u ON u.id = s.user_id ORDER BY s.project, s.klas, u.username')
      .raw()
      .iterate() as Iterable<string[]>;
  },
};

interface GroupData {
  project: string;
  id: string;
  afdelingen?: string[];
  members?: { username: string; userId: number }[];
}

/** teams and secties: a group of werknemers per project; teams also cover afdelingen. */
function groupKind(kind: 'team' | 'sectie'): BulkKind<GroupData> {
  const plural = kind === 'team' ? 'teams' : 'secties';
  const withAfdelingen = kind === 'team';
  const memberTable = kind === 'team' ? 'portal_team_members' : 'portal_sectie_members';
  return {
    name: plural,
    summary: `${plural} of a portal project${withAfdelingen ? ', their afdelingen' : ''} and their members (lists joined by ;)`,
    entity: `portal-${kind}`,
    right: RIGHT,
    columns: [
      { name: 'project', required: true, about: 'the portal project' },
      { name: kind, required: true, about: `the ${kind}` },
      ...(withAfdelingen ? [{ name: 'afdelingen', about: 'afdelingen of the project separated by ; (replaces the team\'s afdelingen)' }] : []),
      { name: 'members', about: `werknemers separated by ; (replaces the ${kind}'s members)` },
    ],
    key: ['project', kind],
    open(db, model) {
      const afdelingenOf = db.prepare('SELECT afdeling FROM portal_team_afdelingen WHERE project = ? AND team = ? ORDER BY 1').pluck();
      const membersOf = db.prepare(`SELECT u.username FROM ${memberTable} m JOIN users u ON u.id = m.user_id WHERE m.project = ? AND m.${kind} = ? ORDER BY 1`).pluck();
      const clearAfdelingen = db.prepare('DELETE FROM portal_team_afdelingen WHERE project = ? AND team = ?');
      const clearMembers = db.prepare(`DELETE FROM ${memberTable} WHERE project = ? AND ${kind} = ?`);
      return {
        check(row) {
          const errors: CellError[] = [];
          const project = checkProject(db, row, errors);
          const id = row.get(kind).trim();
          checkNewId(kind, kind, id, errors);
          let afdelingen: string[] | undefined;
          if (withAfdelingen && row.has('afdelingen')) {
            afdelingen = list(row.get('afdelingen'));
            for (const a of afdelingen) checkStructure(db, 'afdeling', project, 'afdelingen', a, errors);
          }
          let members: { username: string; userId: number }[] | undefined;
          if (row.has('members')) {
            members = [];
            for (const m of list(row.get('members'))) {
              const userId = checkTypedUser(db, model, 'members', m, FUNCTION_HOLDER_TYPE, errors);
              if (userId !== undefined) members.push({ username: m, userId });
            }
          }
          if (errors.length) return { errors };
          const key = `${project}/${id}`;
          const data = { project, id, afdelingen, members };
          const after = { afdelingen: afdelingen ?? [], members: members?.map((m) => m.username) ?? [] };
          if (!structureExists(db, kind, project, id)) return { status: 'create', id: key, after: withAfdelingen ? after : { members: after.members }, data };
          const before = { afdelingen: withAfdelingen ? (afdelingenOf.all(project, id) as string[]) : [], members: membersOf.all(project, id) as string[] };
          if (afdelingen === undefined) after.afdelingen = before.afdelingen;
          if (members === undefined) after.members = before.members;
          const unchanged = same(before.afdelingen, after.afdelingen) && same(before.members, after.members);
          const show = (x: typeof after) => (withAfdelingen ? x : { members: x.members });
          return { status: unchanged ? 'same' : 'update', id: key, before: show(before), after: show(after), data };
        },
        apply(v) {
          const d = v.data;
          if (kind === 'team') addTeam(db, d.project, d.id);
          else addSectie(db, d.project, d.id);
          if (d.afdelingen) {
            clearAfdelingen.run(d.project, d.id);
            for (const a of d.afdelingen) addTeamAfdeling(db, d.project, d.id, a);
          }
          if (d.members) {
            clearMembers.run(d.project, d.id);
            for (const m of d.members) (kind === 'team' ? addTeamMember : addSectieMember)(db, d.project, d.id, m.userId);
          }
        },
      };
    },
    *exportRows(db) {
      const groups = db.prepare(`SELECT project, id FROM ${TABLE[kind]} ORDER BY project, id`).all() as { project: string; id: string }[];
      const afdelingenOf = db.prepare('SELECT afdeling FROM portal_team_afdelingen WHERE project = ? AND team = ? ORDER BY 1').pluck();
      const membersOf = db.prepare(`SELECT u.username FROM ${memberTable} m JOIN users u ON u.id = m.user_id WHERE m.project = ? AND m.${kind} = ? ORDER BY 1`).pluck();
      for (const g of groups) {
        const members = (membersOf.all(g.project, g.id) as string[]).join(';');
        yield withAfdelingen ? [g.project, g.id, (afdelingenOf.all(g.project, g.id) as string[]).join(';'), members] : [g.project, g.id, members];
      }
    },
  };
}

export const teamsKind = groupKind('team');
export const sectiesKind = groupKind('sectie');

interface FunctionData {
  project: string;
  fn: string;
  userId: number;
  scope?: { kind: ScopeKind; id: string };
}

export const schoolfunctionsKind: BulkKind<FunctionData> = {
  name: 'schoolfunctions',
  summary: 'school functions of werknemers per project, one row per scope (none for project-wide functions)',
  entity: 'schoolfunction',
  right: RIGHT,
  columns: [
    { name: 'project', required: true, about: 'the portal project' },
    { name: 'function', required: true, about: FUNCTIONS.join(', ') },
    { name: 'username', required: true, about: 'a werknemer' },
    { name: 'scope_kind', about: `the scope the function takes (${SCOPE_KINDS.join(', ')}), or empty for a project-wide function` },
    { name: 'scope', about: 'the afdeling, klas, team or sectie, or empty for a project-wide function' },
  ],
  key: ['project', 'function', 'username', 'scope_kind', 'scope'],
  open(db, model) {
    const hasScope = db.prepare('SELECT 1 FROM schoolfunction_scopes WHERE assignment_id = ? AND kind = ? AND scope_id = ?').pluck();
    return {
      check(row) {
        const errors: CellError[] = [];
        const project = checkProject(db, row, errors);
        const rawFn = row.get('function');
        const fn = normaliseHolder(rawFn);
        if (!isFunction(fn)) {
          const why = fn === 'applicatiebeheerder' || fn === 'admin' ? ' (the admin flag is the admin column of portal-users)' : parseUserType(fn) ? ' (a user type is the type column of portal-users)' : '';
          errors.push(err('function', rawFn, `a school function${why}`, FUNCTIONS.join(', ')));
        }
        const username = row.get('username').trim();
        const userId = checkTypedUser(db, model, 'username', username, FUNCTION_HOLDER_TYPE, errors);
        const scopeKind = row.get('scope_kind').trim().toLowerCase();
        const scopeId = row.get('scope').trim();
        let scope: FunctionData['scope'];
        if (scopeKind !== '' && !(SCOPE_KINDS as readonly string[]).includes(scopeKind)) {
          errors.push(err('scope_kind', row.get('scope_kind'), 'a scope kind', `${SCOPE_KINDS.join(', ')}, or empty for a project-wide function`));
        } else if (isFunction(fn)) {
          const mismatch = scopeMismatch(fn, scopeKind ? [scopeKind] : [], true);
          if (mismatch?.problem === 'takes-none') errors.push(err('scope_kind', scopeKind, `a scope of ${fn}, which is project-wide`, 'empty (and an empty scope)'));
          else if (mismatch?.problem === 'wrong-kind') errors.push(err('scope_kind', scopeKind, `the scope of ${fn}`, `${mismatch.want} (${fn} is scoped by ${mismatch.want})`));
          else if (mismatch?.problem === 'missing') errors.push(err('scope_kind', scopeKind, `empty for ${fn}`, `${mismatch.want}, with the ${mismatch.want} in scope`));
          else if (scopeKind) {
            if (scopeId === '') errors.push(err('scope', scopeId, `empty for a ${scopeKind} scope`, `a ${scopeKind} of project ${project}`));
            else checkStructure(db, scopeKind as ScopeKind, project, 'scope', scopeId, errors);
            scope = { kind: scopeKind as ScopeKind, id: scopeId };
          } else if (scopeId !== '') errors.push(err('scope', scopeId, `a scope of ${fn}, which is project-wide`, 'empty'));
        }
        if (errors.length) return { errors };
        const id = `${project}/${fn}/${username}${scope ? `/${scope.kind}:${scope.id}` : ''}`;
        const data = { project, fn, userId: userId!, scope };
        const assignment = assignmentId(db, project, fn, userId!);
        const present = assignment !== undefined && (!scope || hasScope.get(assignment, scope.kind, scope.id) !== undefined);
        return present ? { status: 'same', id, data } : { status: 'create', id, after: scope ? { [scope.kind]: scope.id } : { scope: 'project-wide' }, data };
      },
      apply(v) {
        const d = v.data;
        const id = assignmentId(db, d.project, d.fn, d.userId) ?? createAssignment(db, d.project, d.fn, d.userId);
        if (d.scope) addScope(db, id, d.scope.kind, d.scope.id);
      },
    };
  },
  *exportRows(db) {
    yield* db
      .prepare(
        `SELECT a.project, a.function, u.username, coalesce(s.kind, ''), coalesce(s.scope_id, '')
         FROM schoolfunction_assignments a JOIN users u ON u.id = a.user_id LEFT JOIN schoolfunction_scopes s ON s.assignment_id = a.id
         ORDER BY a.project, a.function, u.username, 4, 5`,
      )
      .raw()
      .iterate() as Iterable<string[]>;
  },
};

export const schoolfunctionSwitchesKind: BulkKind<{ project: string; holder: Holder; right: string; on: boolean }> = {
  name: 'schoolfunction-switches',
  summary: 'Instellingen switches per project, function or user type, and right (a switch not named is off)',
  entity: 'schoolfunction-switch',
  right: RIGHT,
  columns: [
    { name: 'project', required: true, about: 'the portal project' },
    { name: 'holder', required: true, about: `a function or user type: ${HOLDERS.join(', ')}` },
    { name: 'right', required: true, about: 'a switch of the holder (schoolctl schoolfunction settings HOLDER --project P lists them)' },
    { name: 'value', required: true, about: 'on or off' },
  ],
  key: ['project', 'holder', 'right'],
  open(db) {
    const find = db.prepare('SELECT value FROM schoolfunction_switches WHERE project = ? AND holder = ? AND right_key = ?').pluck();
    return {
      check(row) {
        const errors: CellError[] = [];
        const project = checkProject(db, row, errors);
        const rawHolder = row.get('holder');
        const holder = normaliseHolder(rawHolder);
        const known = (HOLDERS as readonly string[]).includes(holder);
        if (!known) {
          const why = holder === 'applicatiebeheerder' || holder === 'admin' ? ' (the admin flag has no switches: it holds every right)' : '';
          errors.push(err('holder', rawHolder, `a school function or user type${why}`, HOLDERS.join(', ')));
        }
        const right = row.get('right').trim();
        if (known) {
          const keys = switchKeys(holder as Holder);
          if (!keys.includes(right)) errors.push(err('right', right, `an Instellingen switch of ${holder}`, keys.length ? keys.join(', ') : `none: every right of ${holder} is always on`));
        }
        const value = row.get('value').trim().toLowerCase();
        if (value !== 'on' && value !== 'off') errors.push(err('value', row.get('value'), 'on or off', 'on, off'));
        if (errors.length) return { errors };
        const had = find.get(project, holder, right) as number | undefined;
        const on = value === 'on';
        const id = `${project}/${holder}/${right}`;
        const data = { project, holder: holder as Holder, right, on };
        if (had === undefined) return { status: 'create', id, after: { value }, data };
        return { status: (had === 1) === on ? 'same' : 'update', id, before: { value: had === 1 ? 'on' : 'off' }, after: { value }, data };
      },
      apply(v) {
        setSwitch(db, v.data.project, v.data.holder, v.data.right, v.data.on);
      },
    };
  },
  *exportRows(db) {
    yield* db
      .prepare(`SELECT project, holder, right_key, CASE value WHEN 1 THEN 'on' ELSE 'off' END FROM schoolfunction_switches ORDER BY project, holder, right_key`)
      .raw()
      .iterate() as Iterable<string[]>;
  },
};

/** In load order: each refers only to those above it (and to users). */
export const PORTAL_KINDS: readonly BulkKind<any>[] = [
  portalProjectsKind,
  portalUsersKind,
  afdelingenKind,
  klassenKind,
  klasStudentsKind,
  teamsKind,
  sectiesKind,
  schoolfunctionsKind,
  schoolfunctionSwitchesKind,
];

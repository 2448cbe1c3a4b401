// `portal`: the schedule portal's projects (school years), user types with the admin flag and
// legacy role, and the structures per project: afdelingen, klassen, teams and secties (DOMAIN.md §7).
// Under --as only the portal admin flag may change any of it (DOMAIN.md §8).

import type { Command } from 'commander';
import { requireUser } from '../db/stores/lookups.js';
import {
  addAfdeling,
  addKlas,
  addKlasStudent,
  addProject,
  addSectie,
  addSectieMember,
  addTeam,
  addTeamAfdeling,
  addTeamMember,
  checkProjectId,
  checkStructureId,
  functionsOf,
  klasStudent,
  listAfdelingen,
  listKlassen,
  listPortalUsers,
  listProjects,
  listSecties,
  listTeams,
  portalUser,
  projectExists,
  requirePortalProject,
  requireStructure,
  sectieView,
  setPortalUser,
  structureExists,
  teamView,
} from '../db/stores/portal-store.js';
import type { Sqlite } from '../db/open.js';
import { command, invalid } from '../model/errors.js';
import { ALLOWED_LEGACY_ROLES, FUNCTION_HOLDER_TYPE, LEGACY_ROLE_RE, LEGACY_ROLE_VALID, USER_TYPES, parseUserType, type PortalUserType } from '../model/schoolfunction-rights.js';
import { table } from './render.js';
import { action, collect, changeResult, examples, type Ctx } from './runtime.js';


function guardPortal(ctx: Ctx, what: string): void {
  ctx.guard('portal-admin', null, what);
}

function checkType(raw: string): PortalUserType {
  const t = parseUserType(raw);
  if (!t) throw invalid('bad-user-type', `User type "${raw}" is not valid; use ${USER_TYPES.join(', ')}.`);
  return t;
}

function checkRole(raw: string | undefined): string | null {
  if (raw === undefined || raw === '') return null;
  if (!LEGACY_ROLE_RE.test(raw)) throw invalid('bad-role', `Role "${raw}" is not valid; use ${LEGACY_ROLE_VALID}.`);
  return raw;
}

/** A user of the given portal type, or exit 2 with the command that gives the type. */
export function requirePortalType(db: Sqlite, username: string, type: PortalUserType, why: string) {
  const u = requireUser(db, username);
  const pu = portalUser(db, u.id);
  if (pu?.type !== type) {
    throw invalid(
      `not-${type}`,
      `${u.username} is ${pu ? `a ${pu.type}` : 'not a portal user'}; ${why}. ${pu ? 'Change' : 'Give'} the type first: ${command('portal', 'user', u.username, '--type', type)}.`,
    );
  }
  return u;
}

async function projectAdd(ctx: Ctx, id: string) {
  const db = await ctx.open();
  checkProjectId(id);
  if (projectExists(db, id)) throw invalid('project-exists', `Portal project ${id} already exists.`);
  guardPortal(ctx, `add portal project ${id}`);
  const { changes } = await ctx.change(`portal project add ${id}`, (tx) => {
    addProject(db, id);
    tx.record('portal-project', id, null, 'created');
  });
  return changeResult(changes, id);
}

async function projectList(ctx: Ctx) {
  const db = await ctx.open();
  const rows = listProjects(db);
  return {
    data: rows,
    human: rows.length
      ? await table(['project', 'afdelingen', 'klassen', 'teams', 'secties', 'functions'], rows.map((r) => [r.project, r.afdelingen, r.klassen, r.teams, r.secties, r.functions]))
      : 'No portal projects; add one with "schoolctl portal project add 2025-2026".',
  };
}

async function user(ctx: Ctx, username: string, opts: { type: string; admin?: boolean; role?: string }) {
  const db = await ctx.open();
  const u = requireUser(db, username);
  const type = checkType(opts.type);
  const role = checkRole(opts.role);
  const before = portalUser(db, u.id);
  if (type !== FUNCTION_HOLDER_TYPE) {
    const held = functionsOf(db, u.id);
    if (held.length) {
      throw invalid(
        'holds-functions',
        `${u.username} holds school functions (${held.map((h) => `${h.function} in ${h.project}`).join(', ')}) and only werknemers hold functions; remove them first: ${held
          .map((h) => command('schoolfunction', 'remove', h.function, u.username, '--project', h.project))
          .join(' ; ')}.`,
      );
    }
  }
  guardPortal(ctx, `change the portal user type of ${u.username}`);
  const after = { type, admin: opts.admin === true, role };
  const { changes } = await ctx.change(`portal user ${u.username}`, (tx) => {
    setPortalUser(db, u.id, type, after.admin, role);
    tx.record('portal-user', u.username, before ? { type: before.type, admin: before.admin === 1, role: before.role } : null, after);
  });
  const result = changeResult(changes, u.username);
  if (role && !ALLOWED_LEGACY_ROLES.includes(role)) ctx.note(`warning: ${u.username} carries legacy role "${role}"; since 2018 no school function needs a role, and only ${ALLOWED_LEGACY_ROLES.join(', ')} should keep one.`);
  return result;
}

async function users(ctx: Ctx, opts: { type?: string }) {
  const db = await ctx.open();
  const rows = listPortalUsers(db, opts.type ? checkType(opts.type) : undefined);
  return {
    data: rows,
    human: rows.length ? await table(['user', 'type', 'admin', 'role'], rows.map((r) => [r.user, r.type, r.admin ? 'yes' : '', r.role ?? ''])) : 'No portal users.',
  };
}

async function afdelingAdd(ctx: Ctx, id: string, opts: { project: string }) {
  const db = await ctx.open();
  const project = requirePortalProject(db, opts.project);
  checkStructureId('afdeling', id);
  if (structureExists(db, 'afdeling', project, id)) throw invalid('afdeling-exists', `Afdeling ${id} already exists in project ${project}.`);
  guardPortal(ctx, `add afdeling ${id}`);
  const { changes } = await ctx.change(`portal afdeling add ${id}`, (tx) => {
    addAfdeling(db, project, id);
    tx.record('portal-afdeling', `${project}/${id}`, null, 'created');
  });
  return changeResult(changes, id);
}

async function afdelingList(ctx: Ctx, opts: { project: string }) {
  const db = await ctx.open();
  const rows = listAfdelingen(db, requirePortalProject(db, opts.project));
  return { data: rows, human: rows.length ? await table(['afdeling', 'klassen'], rows.map((r) => [r.afdeling, r.klassen.join(', ')])) : `No afdelingen in ${opts.project}.` };
}

async function klasAdd(ctx: Ctx, id: string, opts: { project: string; afdeling: string }) {
  const db = await ctx.open();
  const project = requirePortalProject(db, opts.project);
  checkStructureId('klas', id);
  const afdeling = requireStructure(db, 'afdeling', project, opts.afdeling);
  if (structureExists(db, 'klas', project, id)) throw invalid('klas-exists', `Klas ${id} already exists in project ${project}.`);
  guardPortal(ctx, `add klas ${id}`);
  const { changes } = await ctx.change(`portal klas add ${id}`, (tx) => {
    addKlas(db, project, id, afdeling);
    tx.record('portal-klas', `${project}/${id}`, null, { afdeling });
  });
  return changeResult(changes, id);
}

async function klasAddStudent(ctx: Ctx, klas: string, username: string, opts: { project: string }) {
  const db = await ctx.open();
  const project = requirePortalProject(db, opts.project);
  requireStructure(db, 'klas', project, klas);
  const u = requirePortalType(db, username, 'leerling', 'only leerlingen are students of a klas');
  guardPortal(ctx, `add students to klas ${klas}`);
  const { changes } = await ctx.change(`portal klas add-student ${klas} ${u.username}`, (tx) => {
    const before = klasStudent(db, project, klas, u.id);
    addKlasStudent(db, project, klas, u.id);
    tx.record('portal-klas-student', `${project}/${klas}/${u.username}`, before ? 'student' : null, 'student');
  });
  return changeResult(changes, `${u.username} in ${klas}`);
}

async function klasList(ctx: Ctx, opts: { project: string }) {
  const db = await ctx.open();
  const rows = listKlassen(db, requirePortalProject(db, opts.project));
  return {
    data: rows,
    human: rows.length ? await table(['klas', 'afdeling', 'students'], rows.map((r) => [r.klas, r.afdeling, r.students.join(', ')])) : `No klassen in ${opts.project}.`,
  };
}

async function teamAdd(ctx: Ctx, id: string, opts: { project: string; afdeling?: string[]; member?: string[] }) {
  const db = await ctx.open();
  const project = requirePortalProject(db, opts.project);
  checkStructureId('team', id);
  const afdelingen = (opts.afdeling ?? []).map((a) => requireStructure(db, 'afdeling', project, a));
  const members = (opts.member ?? []).map((m) => requirePortalType(db, m, 'werknemer', 'team members are werknemers'));
  guardPortal(ctx, `change team ${id}`);
  const existed = structureExists(db, 'team', project, id);
  const { changes } = await ctx.change(`portal team add ${id}`, (tx) => {
    const before = existed ? teamView(db, project, id) : null;
    addTeam(db, project, id);
    for (const a of afdelingen) addTeamAfdeling(db, project, id, a);
    for (const m of members) addTeamMember(db, project, id, m.id);
    tx.record('portal-team', `${project}/${id}`, before, teamView(db, project, id));
  });
  return changeResult(changes, `team ${id}`);
}

async function teamList(ctx: Ctx, opts: { project: string }) {
  const db = await ctx.open();
  const rows = listTeams(db, requirePortalProject(db, opts.project));
  return {
    data: rows,
    human: rows.length ? await table(['team', 'afdelingen', 'members'], rows.map((r) => [r.team, r.afdelingen.join(', '), r.members.join(', ')])) : `No teams in ${opts.project}.`,
  };
}

async function sectieAdd(ctx: Ctx, id: string, opts: { project: string; member?: string[] }) {
  const db = await ctx.open();
  const project = requirePortalProject(db, opts.project);
  checkStructureId('sectie', id);
  const members = (opts.member ?? []).map((m) => requirePortalType(db, m, 'werknemer', 'sectie members are werknemers'));
  guardPortal(ctx, `change sectie ${id}`);
  const existed = structureExists(db, 'sectie', project, id);
  const { changes } = await ctx.change(`portal sectie add ${id}`, (tx) => {
    const before = existed ? sectieView(db, project, id) : null;
    addSectie(db, project, id);
    for (const m of members) addSectieMember(db, project, id, m.id);
    tx.record('portal-sectie', `${project}/${id}`, before, sectieView(db, project, id));
  });
  return changeResult(changes, `sectie ${id}`);
}

async function sectieList(ctx: Ctx, opts: { project: string }) {
  const db = await ctx.open();
  const rows = listSecties(db, requirePortalProject(db, opts.project));
  return { data: rows, human: rows.length ? await table(['sectie', 'members'], rows.map((r) => [r.sectie, r.members.join(', ')])) : `No secties in ${opts.project}.` };
}

export function register(program: Command): void {
  const portal = program.command('portal').description('the schedule portal: projects (school years), user types, afdelingen, klassen, teams and secties');

  const project = portal.command('project').description('portal projects: one per school year');
  examples(project.command('add').argument('<project>', 'a school year such as 2025-2026').description('add a portal project').action(action(projectAdd)), [
    'schoolctl portal project add 2026-2027',
  ]);
  examples(project.command('list').description('portal projects with their structures and functions').action(action(projectList)), ['schoolctl portal project list --json']);

  examples(
    portal
      .command('user')
      .argument('<username>')
      .requiredOption('--type <type>', 'leerling, werknemer or ouder')
      .option('--admin', 'the admin flag (applicatiebeheerder); without it the flag is cleared')
      .option('--role <role>', 'a legacy role (only merces, _itslearning, magister and somtod still need one); without it the role is cleared')
      .description("set a user's portal type, admin flag and legacy role")
      .action(action(user)),
    ['schoolctl portal user j.devries --type werknemer', 'schoolctl portal user root --type werknemer --admin', 'schoolctl portal user s.bakker --type leerling'],
  );
  examples(portal.command('users').option('--type <type>', 'only this user type').description('portal users with their type, admin flag and role').action(action(users)), [
    'schoolctl portal users --type werknemer',
  ]);

  const afdeling = portal.command('afdeling').description('afdelingen of a project');
  examples(afdeling.command('add').argument('<afdeling>').requiredOption('--project <project>', 'the school year').description('add an afdeling').action(action(afdelingAdd)), [
    'schoolctl portal afdeling add havo --project 2025-2026',
  ]);
  examples(afdeling.command('list').requiredOption('--project <project>', 'the school year').description('afdelingen with their klassen').action(action(afdelingList)), [
    'schoolctl portal afdeling list --project 2025-2026',
  ]);

  const klas = portal.command('klas').description('klassen of a project, each in an afdeling');
  examples(
    klas
      .command('add')
      .argument('<klas>')
      .requiredOption('--afdeling <afdeling>', 'the afdeling the klas belongs to')
      .requiredOption('--project <project>', 'the school year')
      .description('add a klas')
      .action(action(klasAdd)),
    ['schoolctl portal klas add 3C --afdeling onderbouw --project 2025-2026'],
  );
  examples(
    klas.command('add-student').argument('<klas>').argument('<username>', 'a leerling').requiredOption('--project <project>', 'the school year').description('add a student to a klas').action(action(klasAddStudent)),
    ['schoolctl portal klas add-student 3A s.bakker --project 2025-2026'],
  );
  examples(klas.command('list').requiredOption('--project <project>', 'the school year').description('klassen with their afdeling and students').action(action(klasList)), [
    'schoolctl portal klas list --project 2025-2026 --json',
  ]);

  const team = portal.command('team').description('teams of a project: afdelingen and members');
  examples(
    team
      .command('add')
      .argument('<team>')
      .requiredOption('--project <project>', 'the school year')
      .option('--afdeling <afdeling>', 'an afdeling of the team (repeatable)', collect)
      .option('--member <username>', 'a werknemer in the team (repeatable)', collect)
      .description('add a team, or add afdelingen and members to it')
      .action(action(teamAdd)),
    ['schoolctl portal team add team-onderbouw --project 2025-2026 --afdeling onderbouw --member j.devries'],
  );
  examples(team.command('list').requiredOption('--project <project>', 'the school year').description('teams with their afdelingen and members').action(action(teamList)), [
    'schoolctl portal team list --project 2025-2026',
  ]);

  const sectie = portal.command('sectie').description('secties of a project and their members');
  examples(
    sectie
      .command('add')
      .argument('<sectie>')
      .requiredOption('--project <project>', 'the school year')
      .option('--member <username>', 'a werknemer in the sectie (repeatable)', collect)
      .description('add a sectie, or add members to it')
      .action(action(sectieAdd)),
    ['schoolctl portal sectie add wiskunde --project 2025-2026 --member m.peters'],
  );
  examples(sectie.command('list').requiredOption('--project <project>', 'the school year').description('secties with their members').action(action(sectieList)), [
    'schoolctl portal sectie list --project 2025-2026',
  ]);
}

// Schedule-portal facts from SQLite: prepared statements over the 004-portal tables.

import type { Facts } from '../../model/facts.js';
import type { FunctionAssignmentFact, PortalSectieFact, PortalTeamFact } from '../../model/schoolfunction-facts.js';
import type { PortalUserType, SchoolFunction } from '../../model/schoolfunction-rights.js';
import type { Sqlite } from '../open.js';
import { statementsFor } from './statements.js';

type PortalFacts = Pick<
  Facts,
  | 'portalUser'
  | 'portalProjectExists'
  | 'portalAfdelingen'
  | 'portalKlas'
  | 'portalKlassen'
  | 'portalTeam'
  | 'portalTeams'
  | 'portalSectie'
  | 'portalSecties'
  | 'studentKlassen'
  | 'functionAssignments'
  | 'functionHolders'
  | 'portalAdmins'
  | 'portalUsersOfType'
  | 'portalSwitch'
  | 'isParentOf'
>;

export function schoolfunctionFacts(db: Sqlite): PortalFacts {
  const q = statementsFor(db, 'schoolfunction', () => ({
    user: db.prepare('SELECT type, admin, role FROM portal_users WHERE user_id = ?'),
    project: db.prepare('SELECT 1 FROM portal_projects WHERE id = ?'),
    afdelingen: db.prepare('SELECT id FROM portal_afdelingen WHERE project = ? ORDER BY id').pluck(),
    klas: db.prepare('SELECT id, afdeling FROM portal_klassen WHERE project = ? AND id = ?'),
    klassen: db.prepare('SELECT id, afdeling FROM portal_klassen WHERE project = ? ORDER BY id'),
    teams: db.prepare('SELECT id FROM portal_teams WHERE project = ? ORDER BY id').pluck(),
    team: db.prepare('SELECT id FROM portal_teams WHERE project = ? AND id = ?').pluck(),
    teamAfdelingen: db.prepare('SELECT afdeling FROM portal_team_afdelingen WHERE project = ? AND team = ? ORDER BY afdeling').pluck(),
    teamMembers: db
      .prepare('SELECT u.username FROM portal_team_members m JOIN users u ON u.id = m.user_id WHERE m.project = ? AND m.team = ? ORDER BY u.username')
      .pluck(),
    secties: db.prepare('SELECT id FROM portal_secties WHERE project = ? ORDER BY id').pluck(),
    sectie: db.prepare('SELECT id FROM portal_secties WHERE project = ? AND id = ?').pluck(),
    sectieMembers: db
      .prepare('SELECT u.username FROM portal_sectie_members m JOIN users u ON u.id = m.user_id WHERE m.project = ? AND m.sectie = ? ORDER BY u.username')
      .pluck(),
    studentKlassen: db.prepare('SELECT klas FROM portal_klas_students WHERE project = ? AND user_id = ? ORDER BY klas').pluck(),
    assignments: db.prepare(
      `SELECT a.function, s.kind, s.scope_id FROM schoolfunction_assignments a LEFT JOIN schoolfunction_scopes s ON s.assignment_id = a.id
       WHERE a.project = ? AND a.user_id = ? ORDER BY a.function, s.kind, s.scope_id`,
    ),
    holders: db
      .prepare(
        `SELECT DISTINCT u.username FROM schoolfunction_assignments a JOIN users u ON u.id = a.user_id
         WHERE a.project = ? AND a.function IN (SELECT value FROM json_each(?)) ORDER BY 1`,
      )
      .pluck(),
    admins: db.prepare('SELECT u.username FROM portal_users p JOIN users u ON u.id = p.user_id WHERE p.admin = 1 ORDER BY 1').pluck(),
    ofType: db.prepare('SELECT u.username FROM portal_users p JOIN users u ON u.id = p.user_id WHERE p.type = ? ORDER BY 1').pluck(),
    switchValue: db.prepare('SELECT value FROM schoolfunction_switches WHERE project = ? AND holder = ? AND right_key = ?').pluck(),
    parent: db.prepare('SELECT 1 FROM parent_links WHERE parent_id = ? AND child_id = ?'),
  }));
  const team = (project: string, id: string): PortalTeamFact => ({
    id,
    afdelingen: q.teamAfdelingen.all(project, id) as string[],
    members: q.teamMembers.all(project, id) as string[],
  });
  const sectie = (project: string, id: string): PortalSectieFact => ({ id, members: q.sectieMembers.all(project, id) as string[] });
  return {
    portalUser(userId) {
      const r = q.user.get(userId) as { type: PortalUserType; admin: number; role: string | null } | undefined;
      return r && { type: r.type, admin: r.admin === 1, role: r.role };
    },
    portalProjectExists: (project) => q.project.get(project) !== undefined,
    portalAfdelingen: (project) => q.afdelingen.all(project) as string[],
    portalKlas: (project, klas) => q.klas.get(project, klas) as { id: string; afdeling: string } | undefined,
    portalKlassen: (project) => q.klassen.all(project) as { id: string; afdeling: string }[],
    portalTeam: (project, id) => (q.team.get(project, id) === undefined ? undefined : team(project, id)),
    portalTeams: (project) => (q.teams.all(project) as string[]).map((id) => team(project, id)),
    portalSectie: (project, id) => (q.sectie.get(project, id) === undefined ? undefined : sectie(project, id)),
    portalSecties: (project) => (q.secties.all(project) as string[]).map((id) => sectie(project, id)),
    studentKlassen: (project, userId) => q.studentKlassen.all(project, userId) as string[],
    functionAssignments(project, userId) {
      const byFunction = new Map<string, { afdelingen: string[]; klassen: string[]; teams: string[]; secties: string[] }>();
      for (const r of q.assignments.all(project, userId) as { function: string; kind: string | null; scope_id: string | null }[]) {
        let a = byFunction.get(r.function);
        if (!a) byFunction.set(r.function, (a = { afdelingen: [], klassen: [], teams: [], secties: [] }));
        if (r.kind === 'afdeling') a.afdelingen.push(r.scope_id!);
        else if (r.kind === 'klas') a.klassen.push(r.scope_id!);
        else if (r.kind === 'team') a.teams.push(r.scope_id!);
        else if (r.kind === 'sectie') a.secties.push(r.scope_id!);
      }
      return [...byFunction].map(([fn, a]): FunctionAssignmentFact => ({ function: fn as SchoolFunction, ...a }));
    },
    functionHolders: (project, functions: readonly SchoolFunction[]) => q.holders.all(project, JSON.stringify(functions)) as string[],
    portalAdmins: () => q.admins.all() as string[],
    portalUsersOfType: (type) => q.ofType.all(type) as string[],
    portalSwitch: (project, holder, right) => q.switchValue.get(project, holder, right) === 1,
    isParentOf: (parentId, childId) => q.parent.get(parentId, childId) !== undefined,
  };
}

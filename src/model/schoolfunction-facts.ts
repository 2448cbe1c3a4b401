// Facts about the schedule portal (DOMAIN.md §7) that the school-function rules read: user types,
// the admin flag, structures per project, function assignments and the Instellingen switches.
// src/db/schoolfunction-facts.ts provides them.

import type { Holder, PortalUserType, SchoolFunction } from './schoolfunction-rights.js';

export interface PortalUserFact {
  readonly type: PortalUserType;
  readonly admin: boolean;
  readonly role: string | null;
}

/** One function a user holds in a project, with its scope (empty lists for project-wide ones). */
export interface FunctionAssignmentFact {
  readonly function: SchoolFunction;
  readonly afdelingen: readonly string[];
  readonly klassen: readonly string[];
  readonly teams: readonly string[];
  readonly secties: readonly string[];
}

export interface PortalTeamFact {
  readonly id: string;
  readonly afdelingen: readonly string[];
  /** usernames */
  readonly members: readonly string[];
}

export interface PortalSectieFact {
  readonly id: string;
  readonly members: readonly string[];
}

declare module './facts.js' {
  interface Facts {
    portalUser(userId: number): PortalUserFact | undefined;
    portalProjectExists(project: string): boolean;
    portalAfdelingen(project: string): readonly string[];
    /** A klas with its afdeling, if it exists in the project. */
    portalKlas(project: string, klas: string): { id: string; afdeling: string } | undefined;
    portalKlassen(project: string): readonly { id: string; afdeling: string }[];
    portalTeam(project: string, team: string): PortalTeamFact | undefined;
    portalTeams(project: string): readonly PortalTeamFact[];
    portalSectie(project: string, sectie: string): PortalSectieFact | undefined;
    portalSecties(project: string): readonly PortalSectieFact[];
    /** The klassen a user is a student of in the project. */
    studentKlassen(project: string, userId: number): readonly string[];
    functionAssignments(project: string, userId: number): readonly FunctionAssignmentFact[];
    /** Usernames holding any of the functions in the project: a set query for reverse lookups. */
    functionHolders(project: string, functions: readonly SchoolFunction[]): readonly string[];
    portalAdmins(): readonly string[];
    portalUsersOfType(type: PortalUserType): readonly string[];
    /** Whether an Instellingen switch is on (a switch never set is off). */
    portalSwitch(project: string, holder: Holder, right: string): boolean;
    /** Whether the parent is linked to the child. */
    isParentOf(parentId: number, childId: number): boolean;
  }
}

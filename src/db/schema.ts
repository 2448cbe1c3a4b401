// The typed schema kysely checks every query against. Migrations in ./migrations create it.

import type { Generated } from 'kysely';

export interface SiteSettingsTable {
  key: string;
  value: string;
}

export interface ProfilesTable {
  id: Generated<number>;
  name: string;
  level: number;
  role_in_hierarchy: string;
}

export interface ProfileSettingsTable {
  profile_id: number;
  key: string;
  value: string;
}

export interface UnitsTable {
  id: string;
  kind: string;
  name: string;
  parent_id: string | null;
  /** where the record came from (migration 005) */
  source: Generated<string>;
}

export interface UnitAncestorsTable {
  unit_id: string;
  ancestor_id: string;
  depth: number;
}

export interface UsersTable {
  id: Generated<number>;
  username: string;
  name: string;
  email: string | null;
  external_id: string | null;
  profile_id: number;
  share_details: Generated<number>;
  /** where the record came from (migration 005) */
  source: Generated<string>;
}

export interface MembershipsTable {
  user_id: number;
  unit_id: string;
  role: string | null;
  /** where the record came from (migration 005) */
  source: Generated<string>;
}

export interface CoursesTable {
  id: string;
  unit_id: string;
  name: string;
  /** where the record came from (migration 005) */
  source: Generated<string>;
  roster_course: Generated<string | null>;
  roster_terms: Generated<string | null>;
}

export interface CourseMembersTable {
  course_id: string;
  user_id: number;
  role: string;
  /** where the record came from (migration 005) */
  source: Generated<string>;
}

export interface ProjectsTable {
  id: string;
  unit_id: string;
  name: string;
}

export interface ProjectMembersTable {
  project_id: string;
  user_id: number;
}

export interface ParentLinksTable {
  parent_id: number;
  child_id: number;
  /** where the record came from (migration 005) */
  source: Generated<string>;
}

export interface TermsTable {
  id: string;
  name: string;
  starts: string;
  ends: string;
  org_id: string | null;
  /** where the record came from (migration 005) */
  source: Generated<string>;
  parent_id: Generated<string | null>;
}

export interface PoliciesTable {
  id: Generated<number>;
  name: string;
  org_id: string | null;
}

export interface PolicySettingsTable {
  policy_id: number;
  key: string;
  value: string;
}

export interface PolicyAssignmentsTable {
  policy_id: number;
  target_kind: 'user' | 'profile';
  target_id: number;
  via_unit: string | null;
}

export interface AuditTable {
  id: Generated<number>;
  at: string;
  actor: string;
  command: string;
  summary: string;
  changes: string;
}

export interface DB {
  site_settings: SiteSettingsTable;
  profiles: ProfilesTable;
  profile_settings: ProfileSettingsTable;
  units: UnitsTable;
  unit_ancestors: UnitAncestorsTable;
  users: UsersTable;
  memberships: MembershipsTable;
  courses: CoursesTable;
  course_members: CourseMembersTable;
  projects: ProjectsTable;
  project_members: ProjectMembersTable;
  parent_links: ParentLinksTable;
  terms: TermsTable;
  policies: PoliciesTable;
  policy_settings: PolicySettingsTable;
  policy_assignments: PolicyAssignmentsTable;
  audit: AuditTable;
  sync_drift: SyncDriftTable;
  workflow_switches: WorkflowSwitchesTable;
  workflow_batches: WorkflowBatchesTable;
}

export interface WorkflowSwitchesTable {
  area: string;
  phase: string;
  learner: number;
  parent: number;
  external: number;
}

export interface WorkflowBatchesTable {
  area: string;
  term_id: string;
  batch_kind: 'course' | 'class';
  batch_id: string;
  phase: string;
  changed_at: string;
  changed_by: string;
}

// Supervisors (migration 002-supervisors).
export interface MentorsTable {
  user_id: number;
}

export interface MentorLearnersTable {
  mentor_id: number;
  learner_id: number;
}

export interface MentorClassesTable {
  mentor_id: number;
  unit_id: string;
}

export interface HeadteachersTable {
  user_id: number;
}

export interface HeadteacherOrgsTable {
  user_id: number;
  unit_id: string;
}

export interface IlpTemplatesTable {
  name: string;
  created_at: string;
}

export interface SupervisorTables {
  mentors: MentorsTable;
  mentor_learners: MentorLearnersTable;
  mentor_classes: MentorClassesTable;
  headteachers: HeadteachersTable;
  headteacher_orgs: HeadteacherOrgsTable;
  ilp_templates: IlpTemplatesTable;
}

// Merges the supervisor tables into DB (interface declaration merging keeps the edit at the end).
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DB extends SupervisorTables {}
// The schedule portal (migration 004-portal).
export interface PortalProjectsTable {
  id: string;
}

export interface PortalUsersTable {
  user_id: number;
  type: 'leerling' | 'werknemer' | 'ouder';
  admin: Generated<number>;
  role: string | null;
}

export interface PortalAfdelingenTable {
  project: string;
  id: string;
}

export interface PortalKlassenTable {
  project: string;
  id: string;
  afdeling: string;
}

export interface PortalKlasStudentsTable {
  project: string;
  klas: string;
  user_id: number;
}

export interface PortalTeamsTable {
  project: string;
  id: string;
}

export interface PortalTeamAfdelingenTable {
  project: string;
  team: string;
  afdeling: string;
}

export interface PortalTeamMembersTable {
  project: string;
  team: string;
  user_id: number;
}

export interface PortalSectiesTable {
  project: string;
  id: string;
}

export interface PortalSectieMembersTable {
  project: string;
  sectie: string;
  user_id: number;
}

export interface SchoolfunctionAssignmentsTable {
  id: Generated<number>;
  project: string;
  function: string;
  user_id: number;
}

export interface SchoolfunctionScopesTable {
  assignment_id: number;
  kind: 'afdeling' | 'klas' | 'team' | 'sectie';
  scope_id: string;
}

export interface SchoolfunctionSwitchesTable {
  project: string;
  holder: string;
  right_key: string;
  value: number;
}

export interface DB {
  portal_projects: PortalProjectsTable;
  portal_users: PortalUsersTable;
  portal_afdelingen: PortalAfdelingenTable;
  portal_klassen: PortalKlassenTable;
  portal_klas_students: PortalKlasStudentsTable;
  portal_teams: PortalTeamsTable;
  portal_team_afdelingen: PortalTeamAfdelingenTable;
  portal_team_members: PortalTeamMembersTable;
  portal_secties: PortalSectiesTable;
  portal_sectie_members: PortalSectieMembersTable;
  schoolfunction_assignments: SchoolfunctionAssignmentsTable;
  schoolfunction_scopes: SchoolfunctionScopesTable;
  schoolfunction_switches: SchoolfunctionSwitchesTable;
}

/** A change made outside a sync to a record a sync owns (written by triggers, migration 005). */
export interface SyncDriftTable {
  id: Generated<number>;
  entity: string;
  a: string;
  b: string;
  source: string;
  change: 'update' | 'delete';
  at: string;
}

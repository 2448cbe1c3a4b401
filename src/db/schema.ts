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
}

export interface MembershipsTable {
  user_id: number;
  unit_id: string;
  role: string | null;
}

export interface CoursesTable {
  id: string;
  unit_id: string;
  name: string;
}

export interface CourseMembersTable {
  course_id: string;
  user_id: number;
  role: string;
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
}

export interface TermsTable {
  id: string;
  name: string;
  starts: string;
  ends: string;
  org_id: string | null;
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

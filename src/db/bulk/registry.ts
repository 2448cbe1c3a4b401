// Every bulk kind, in the order a whole site loads (each kind may refer to the ones above it).
// A module adds its kind with one file in ./kinds and one line here.

import type { BulkKind } from './kind.js';
import { enrolmentsKind, parentsKind, projectMembersKind, shareDetailsKind } from './kinds/members.js';
import { membershipsKind } from './kinds/memberships.js';
import { coursesKind, projectsKind } from './kinds/places.js';
import { PORTAL_KINDS } from './kinds/portal.js';
import { policiesKind, policyAssignmentsKind, policySettingsKind } from './kinds/policies.js';
import { profileSettingsKind, profilesKind } from './kinds/profiles.js';
import { headteachersKind, ilpTemplatesKind, mentorsKind, supervisorNamesKind } from './kinds/supervisors.js';
import { termsKind } from './kinds/terms.js';
import { unitsKind } from './kinds/units.js';
import { usersKind } from './kinds/users.js';
import { workflowSwitchesKind } from './kinds/workflow.js';

export const BULK_KINDS: readonly BulkKind<any>[] = [
  profilesKind,
  profileSettingsKind,
  unitsKind,
  usersKind,
  ...PORTAL_KINDS,
  membershipsKind,
  shareDetailsKind,
  parentsKind,
  coursesKind,
  enrolmentsKind,
  projectsKind,
  projectMembersKind,
  termsKind,
  policiesKind,
  policySettingsKind,
  policyAssignmentsKind,
  supervisorNamesKind, ilpTemplatesKind, mentorsKind, headteachersKind,
  workflowSwitchesKind,
];

export function findKind(name: string): BulkKind<any> | undefined {
  return BULK_KINDS.find((k) => k.name === name);
}

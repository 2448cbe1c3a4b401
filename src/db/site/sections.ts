// Every section of the site file, in the order `export site` writes them. A module adds its
// section with one file and one line here (rows are applied in the order of BULK_KINDS).

import { coursesSection, policiesSection, profilesSection, projectsSection, termsSection, unitsSection, usersSection } from './core-sections.js';
import { portalSection } from './portal-section.js';
import type { SiteSection } from './section.js';
import { headteachersSection, ilpTemplatesSection, mentorsSection, supervisorNamesSection } from './supervisor-sections.js';
import { workflowSection } from './workflow-section.js';

export const SITE_SECTIONS: readonly SiteSection[] = [
  profilesSection,
  policiesSection,
  unitsSection,
  usersSection,
  coursesSection,
  projectsSection,
  termsSection,
  supervisorNamesSection, ilpTemplatesSection, mentorsSection, headteachersSection,
  workflowSection,
  portalSection,
];

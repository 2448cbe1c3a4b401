// The settings catalogue: every row of the profile admin page (DOMAIN.md §2) plus the
// Mentor and Headteacher role switches. Plain data; validation and ordering live
// beside it so every module reads the same rules.

export type SettingKind = 'on-off' | 'scope' | 'sharing' | 'number' | 'choice' | 'text';

export const SECTIONS = [
  'basic',
  'communication',
  'content',
  'courses',
  'files',
  'projects',
  'profile-settings',
  'administration',
  'default-settings',
  'privacy',
  'person-profile',
  'synchronisation',
  'supervisors',
] as const;
export type Section = (typeof SECTIONS)[number];

export const SECTION_TITLES: Record<Section, string> = {
  basic: '5.1 Basic functionality',
  communication: '5.2 Communication & collaboration',
  content: '5.3 Content & resources',
  courses: '6.1 Courses',
  files: '6.2 Files & storage',
  projects: '6.3 Projects',
  'profile-settings': '6.4 Profile settings',
  administration: '6.5 Administration',
  'default-settings': '6.6 Default settings',
  privacy: '6.7 Privacy',
  'person-profile': '6.8 Person profile',
  synchronisation: '6.9 Synchronisation',
  supervisors: 'Supervisor roles',
};

/** The six default profiles, in the order of every `defaults` tuple below. */
export const DEFAULT_PROFILES = [
  { name: 'System Administrator', level: 100, roleInHierarchy: 'administrator' },
  { name: 'Administrator', level: 50, roleInHierarchy: 'administrator' },
  { name: 'Staff', level: 30, roleInHierarchy: 'teacher' },
  { name: 'Student', level: 20, roleInHierarchy: 'student' },
  { name: 'Parent', level: 12, roleInHierarchy: 'guest' },
  { name: 'Guest', level: 10, roleInHierarchy: 'guest' },
] as const;

export type Defaults = readonly [string, string, string, string, string, string];

export interface SettingDef {
  readonly key: string;
  /** The seed's row name, word for word. */
  readonly label: string;
  readonly section: Section;
  readonly kind: SettingKind;
  /** Values for choice settings; `custom-url` stands for any http(s) address. */
  readonly choices?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  readonly unit?: string;
  /** For numbers: 0 means unlimited (and so is the least strict value). */
  readonly zeroIsUnlimited?: boolean;
  /** Defaults for System Administrator, Administrator, Staff, Student, Parent, Guest. */
  readonly defaults: Defaults;
  /** Why a default was chosen where the seed is vague. */
  readonly note?: string;
  /** Policies may not set it (Map from profile). */
  readonly notInPolicies?: boolean;
}

const ON6: Defaults = ['on', 'on', 'on', 'on', 'on', 'on'];
const OFF6: Defaults = ['off', 'off', 'off', 'off', 'off', 'off'];
const ALL_BUT_GUEST: Defaults = ['on', 'on', 'on', 'on', 'on', 'off'];
const ADMINS_STAFF: Defaults = ['on', 'on', 'on', 'off', 'off', 'off'];
const ADMINS: Defaults = ['on', 'on', 'off', 'off', 'off', 'off'];
const SYSADMIN: Defaults = ['on', 'off', 'off', 'off', 'off', 'off'];

export const SCOPE_VALUES = ['disabled', 'school', 'site'] as const;
export const SHARING_VALUES = ['none', 'school', 'site', 'community'] as const;
export const ON_OFF_VALUES = ['off', 'on'] as const;

export const CATALOGUE: readonly SettingDef[] = [
  // 5.1 Basic functionality
  { key: 'dashboard', label: 'Dashboard', section: 'basic', kind: 'on-off', defaults: ['off', 'on', 'on', 'on', 'on', 'on'] },
  { key: 'calendar', label: 'Calendar', section: 'basic', kind: 'on-off', defaults: ON6 },
  { key: 'rooms-and-equipment-booking', label: 'Rooms and equipment booking', section: 'basic', kind: 'on-off', defaults: OFF6 },
  // 5.2 Communication & collaboration
  { key: 'messages', label: 'Messages', section: 'communication', kind: 'on-off', defaults: ALL_BUT_GUEST },
  { key: 'search-content', label: 'Search content', section: 'communication', kind: 'on-off', defaults: ON6 },
  { key: 'search-users', label: 'Search users', section: 'communication', kind: 'on-off', defaults: ALL_BUT_GUEST,
    note: '"Enabled for most profiles": off for Guest, the profile closest to an external user.' },
  { key: 'show-extra-user-information', label: 'Show extra user information to other users', section: 'communication', kind: 'on-off', defaults: ADMINS_STAFF },
  { key: 'send-mass-messages', label: 'Allowed to send mass messages', section: 'communication', kind: 'scope', defaults: ['site', 'site', 'disabled', 'disabled', 'disabled', 'disabled'] },
  // 5.3 Content & resources
  { key: 'enable-library', label: 'Enable library', section: 'content', kind: 'on-off', defaults: ['on', 'on', 'on', 'on', 'off', 'off'] },
  { key: 'sharing-permissions', label: 'Sharing permissions', section: 'content', kind: 'sharing', defaults: ['community', 'community', 'site', 'none', 'none', 'none'],
    note: 'Staff share at site level: the seed names only admins (community) and students (none).' },
  { key: 'give-reviews', label: 'Allowed to give reviews', section: 'content', kind: 'on-off', defaults: ADMINS_STAFF },
  { key: 'eportfolio', label: 'ePortfolio', section: 'content', kind: 'choice', choices: ['disabled', 'enabled', 'public'], defaults: ['enabled', 'enabled', 'enabled', 'disabled', 'disabled', 'disabled'] },
  { key: 'personal-settings', label: 'Personal settings', section: 'content', kind: 'on-off', defaults: ALL_BUT_GUEST },
  { key: 'subscriptions', label: 'Subscriptions', section: 'content', kind: 'on-off', defaults: ALL_BUT_GUEST },
  { key: 'contacts', label: 'Contacts', section: 'content', kind: 'on-off', defaults: ['on', 'on', 'on', 'on', 'off', 'off'] },
  { key: 'share-ilp', label: 'Allowed to share individual learning plans', section: 'content', kind: 'on-off', defaults: ADMINS_STAFF },
  { key: 'standard-login', label: 'Allowed to use standard itslearning login', section: 'content', kind: 'on-off', defaults: ON6 },
  { key: 'start-url', label: 'Start URL', section: 'content', kind: 'choice', choices: ['dashboard', 'course-cards', 'custom-url'],
    defaults: ['dashboard', 'dashboard', 'dashboard', 'dashboard', 'dashboard', 'dashboard'] },
  // 6.1 Courses
  { key: 'create-courses', label: 'Create courses', section: 'courses', kind: 'scope', defaults: ['site', 'site', 'school', 'disabled', 'disabled', 'disabled'] },
  { key: 'share-course-as-template', label: 'Allowed to share a course as a template', section: 'courses', kind: 'scope', defaults: ['site', 'site', 'school', 'disabled', 'disabled', 'disabled'] },
  { key: 'create-courses-from-template', label: 'Create courses based on a template', section: 'courses', kind: 'on-off', defaults: ADMINS_STAFF },
  { key: 'apply-template-to-courses', label: 'Allowed to apply a template to other courses', section: 'courses', kind: 'on-off', defaults: ADMINS_STAFF },
  { key: 'access-to-course', label: 'Access to course', section: 'courses', kind: 'on-off', defaults: ON6 },
  { key: 'local-course-catalogue', label: 'Local course catalogue', section: 'courses', kind: 'on-off', defaults: ON6 },
  { key: 'add-to-internal-course-catalogue', label: 'Allow adding courses to the internal course catalogue', section: 'courses', kind: 'on-off', defaults: ADMINS },
  { key: 'add-to-external-course-catalogue', label: 'Allow adding courses to the external course catalogue (Feature in development for GDP - not yet applicable)', section: 'courses', kind: 'on-off', defaults: ADMINS },
  { key: 'enrol-in-courses', label: 'Enrol in courses', section: 'courses', kind: 'scope', defaults: ['site', 'site', 'school', 'school', 'disabled', 'disabled'] },
  { key: 'comment-on-announcements', label: 'Allowed to comment on announcements if comments are enabled', section: 'courses', kind: 'on-off', defaults: ALL_BUT_GUEST },
  { key: 'create-microsoft-team', label: 'Allow to create Microsoft Team for course', section: 'courses', kind: 'on-off', defaults: OFF6 },
  { key: 'create-content-with-ai', label: 'Create content with AI', section: 'courses', kind: 'on-off', defaults: ADMINS_STAFF },
  // 6.2 Files & storage
  { key: 'private-files', label: 'Private files', section: 'files', kind: 'on-off', defaults: ['off', 'on', 'on', 'on', 'on', 'on'] },
  { key: 'web-files', label: 'Web files', section: 'files', kind: 'on-off', defaults: ['off', 'on', 'on', 'on', 'on', 'on'] },
  { key: 'quota', label: 'Quota', section: 'files', kind: 'number', min: 0, max: 1_073_741_824, unit: 'KB', defaults: ['51200', '51200', '51200', '51200', '51200', '0'] },
  // 6.3 Projects
  { key: 'create-projects', label: 'Create projects', section: 'projects', kind: 'scope', defaults: ['site', 'site', 'site', 'disabled', 'disabled', 'disabled'] },
  { key: 'access-to-projects', label: 'Access to projects', section: 'projects', kind: 'on-off', defaults: ['off', 'on', 'on', 'on', 'on', 'on'] },
  // 6.4 Profile settings (Security level and Role in hierarchy are attributes of the profile)
  { key: 'html-level', label: 'Allowed HTML Code Level', section: 'profile-settings', kind: 'choice', choices: ['highly-restricted', 'restricted', 'less-restricted'],
    defaults: ['less-restricted', 'less-restricted', 'less-restricted', 'restricted', 'restricted', 'highly-restricted'] },
  // 6.5 Administration
  { key: 'global-settings', label: 'Global settings', section: 'administration', kind: 'on-off', defaults: SYSADMIN },
  { key: 'policy-management', label: 'Policy management', section: 'administration', kind: 'scope', defaults: ['site', 'school', 'disabled', 'disabled', 'disabled', 'disabled'] },
  { key: 'course-management', label: 'Course management', section: 'administration', kind: 'scope', defaults: ['site', 'school', 'disabled', 'disabled', 'disabled', 'disabled'] },
  { key: 'project-management', label: 'Project management', section: 'administration', kind: 'scope', defaults: ['site', 'school', 'disabled', 'disabled', 'disabled', 'disabled'] },
  { key: 'user-and-access-rights-management', label: 'User and access rights management', section: 'administration', kind: 'scope', defaults: ['site', 'school', 'disabled', 'disabled', 'disabled', 'disabled'],
    note: 'School level for Administrator so a school administrator manages the users of their schools.' },
  { key: 'extension-management', label: 'Extension management', section: 'administration', kind: 'on-off', defaults: SYSADMIN },
  { key: 'extended-data-for-apps-management', label: "Extended data for apps' management", section: 'administration', kind: 'on-off', defaults: ADMINS },
  { key: 'vendor-access-management', label: 'Vendor access management', section: 'administration', kind: 'on-off', defaults: SYSADMIN },
  { key: 'workflow-management', label: 'Workflow management', section: 'administration', kind: 'on-off', defaults: SYSADMIN },
  { key: 'supervisor-management', label: 'Supervisor management', section: 'administration', kind: 'scope', defaults: ['site', 'school', 'disabled', 'disabled', 'disabled', 'disabled'] },
  { key: 'hierarchy-management', label: 'Hierarchy management', section: 'administration', kind: 'scope', defaults: ['site', 'disabled', 'disabled', 'disabled', 'disabled', 'disabled'] },
  { key: 'letter-templates-management', label: 'Letter templates management', section: 'administration', kind: 'scope', defaults: ['site', 'school', 'disabled', 'disabled', 'disabled', 'disabled'] },
  { key: 'bookings-management', label: 'Bookings management', section: 'administration', kind: 'scope', defaults: ['disabled', 'disabled', 'disabled', 'disabled', 'disabled', 'disabled'] },
  { key: 'parent-dashboard-management', label: 'Parent dashboard management', section: 'administration', kind: 'on-off', defaults: OFF6 },
  { key: 'advanced-reporting', label: 'Advanced Reporting', section: 'administration', kind: 'on-off', defaults: ADMINS },
  { key: 'api-management', label: 'API management', section: 'administration', kind: 'on-off', defaults: SYSADMIN },
  { key: 'ims-enterprise-web-services-management', label: 'IMS Enterprise web services management', section: 'administration', kind: 'on-off', defaults: SYSADMIN },
  { key: 'term-management', label: 'Term management', section: 'administration', kind: 'scope', defaults: ['site', 'school', 'disabled', 'disabled', 'disabled', 'disabled'] },
  { key: 'export-management', label: 'Export management', section: 'administration', kind: 'on-off', defaults: OFF6 },
  { key: 'role-in-developer-portal', label: 'Role in Developer Portal', section: 'administration', kind: 'on-off', defaults: OFF6,
    note: '"Developer role only": no default profile is a developer.' },
  { key: 'learning-objective-repository-management', label: 'Learning objective repository management', section: 'administration', kind: 'scope', defaults: ['site', 'site', 'disabled', 'disabled', 'disabled', 'disabled'] },
  { key: 'learning-objectives-reports-settings', label: 'Manage settings for learning-objectives reports', section: 'administration', kind: 'on-off', defaults: SYSADMIN },
  { key: 'attendance-manager', label: 'Attendance manager', section: 'administration', kind: 'scope', defaults: ['site', 'site', 'disabled', 'disabled', 'disabled', 'disabled'] },
  // 6.6 Default settings
  { key: 'automatic-logout-time', label: 'Automatic logout time', section: 'default-settings', kind: 'number', min: 1, max: 480, unit: 'minutes', defaults: ['30', '30', '80', '80', '80', '80'],
    note: '30 minutes for profiles whose role in hierarchy is administrator, else 80; eight hours at most.' },
  { key: 'email-recipient-limit', label: 'Email recipient limit', section: 'default-settings', kind: 'number', min: 0, max: 1_000_000, unit: 'recipients', zeroIsUnlimited: true, defaults: ['0', '0', '0', '0', '0', '0'] },
  // 6.7 Privacy
  { key: 'search-for-staff', label: 'Search for staff', section: 'privacy', kind: 'scope', defaults: ['site', 'site', 'site', 'school', 'school', 'disabled'] },
  { key: 'search-for-students', label: 'Search for students', section: 'privacy', kind: 'scope', defaults: ['site', 'site', 'school', 'school', 'disabled', 'disabled'] },
  { key: 'search-for-guests', label: 'Search for guests', section: 'privacy', kind: 'scope', defaults: ['site', 'site', 'school', 'disabled', 'disabled', 'disabled'] },
  { key: 'search-own-course-members', label: 'Search for members in own courses and projects', section: 'privacy', kind: 'on-off', defaults: ALL_BUT_GUEST },
  { key: 'initiate-communication-to-staff', label: 'Initiate communication to staff', section: 'privacy', kind: 'scope', defaults: ['site', 'site', 'site', 'school', 'school', 'disabled'] },
  { key: 'initiate-communication-to-students', label: 'Initiate communication to students', section: 'privacy', kind: 'scope', defaults: ['site', 'school', 'school', 'school', 'disabled', 'disabled'] },
  { key: 'initiate-communication-to-guests', label: 'Initiate communication to guests', section: 'privacy', kind: 'scope', defaults: ['site', 'school', 'school', 'disabled', 'disabled', 'disabled'] },
  { key: 'initiate-communication-own-course-members', label: 'Initiate communication to members of own courses and projects', section: 'privacy', kind: 'on-off', defaults: ALL_BUT_GUEST },
  { key: 'send-email-externally', label: 'Send email externally', section: 'privacy', kind: 'on-off', defaults: ALL_BUT_GUEST },
  // 6.8 Person profile
  { key: 'change-profile-picture', label: 'Allow to change profile picture', section: 'person-profile', kind: 'on-off', defaults: ON6 },
  { key: 'change-email-address', label: 'Allow to change email address', section: 'person-profile', kind: 'on-off', defaults: ON6 },
  { key: 'detailed-user-information', label: 'Detailed user information', section: 'person-profile', kind: 'on-off', defaults: ALL_BUT_GUEST,
    note: '"Allow to edit for most profiles": on means the user may edit their own extra details.' },
  { key: 'show-detailed-user-information', label: 'Show detailed user information about other users', section: 'person-profile', kind: 'on-off', defaults: ADMINS_STAFF },
  // 6.9 Synchronisation
  { key: 'map-from-profile', label: 'Map from profile', section: 'synchronisation', kind: 'text', notInPolicies: true,
    defaults: ['', 'districtAdministrator, siteAdministrator, systemAdministrator, principal', 'Instructor, teacher, aide, counselor, proctor', 'Learner, student', 'guardian, relative', ''],
    note: 'External role names, separated by commas: an import maps a role through this field (Learner → Student); a profile\'s own name always maps to it.' },
  // Supervisor roles
  { key: 'mentor-role', label: 'Mentor role', section: 'supervisors', kind: 'on-off', defaults: OFF6 },
  { key: 'headteacher-role', label: 'Headteacher role', section: 'supervisors', kind: 'on-off', defaults: OFF6 },
];

const BY_KEY = new Map(CATALOGUE.map((s) => [s.key, s]));

export function findSetting(key: string): SettingDef | undefined {
  return BY_KEY.get(key);
}

/** Settings that are also `whocan` actions: on/off and scope kinds. */
export function isActionSetting(def: SettingDef): boolean {
  return def.kind === 'on-off' || def.kind === 'scope';
}

export function defaultValueFor(def: SettingDef, profileIndex: number): string {
  return def.defaults[profileIndex];
}

/** The description of valid values, used in every error message about a value. */
export function validValues(def: SettingDef): string {
  switch (def.kind) {
    case 'on-off':
      return 'on or off';
    case 'scope':
      return 'site, school or disabled';
    case 'sharing':
      return 'none, school, site or community';
    case 'number':
      return `a whole number from ${def.min} to ${def.max}${def.unit ? ` (${def.unit})` : ''}${def.zeroIsUnlimited ? ', 0 for unlimited' : ''}`;
    case 'choice':
      return def.choices!.map((c) => (c === 'custom-url' ? 'an http(s) URL' : c)).join(', ');
    case 'text':
      return 'any text up to 200 characters';
  }
}

/** Normalises a value, or returns null when it is not valid for the setting. */
export function normaliseValue(def: SettingDef, raw: string): string | null {
  const v = raw.trim();
  switch (def.kind) {
    case 'on-off': {
      const l = v.toLowerCase();
      if (['on', 'true', 'yes', '1', 'enabled'].includes(l)) return 'on';
      if (['off', 'false', 'no', '0', 'disabled'].includes(l)) return 'off';
      return null;
    }
    case 'scope':
      return (SCOPE_VALUES as readonly string[]).includes(v.toLowerCase()) ? v.toLowerCase() : null;
    case 'sharing':
      return (SHARING_VALUES as readonly string[]).includes(v.toLowerCase()) ? v.toLowerCase() : null;
    case 'number': {
      if (!/^\d+$/.test(v)) return null;
      const n = Number(v);
      if (n < (def.min ?? 0) || n > (def.max ?? Number.MAX_SAFE_INTEGER)) return null;
      return String(n);
    }
    case 'choice': {
      const l = v.toLowerCase();
      if (def.choices!.includes(l) && l !== 'custom-url') return l;
      if (def.choices!.includes('custom-url') && /^https?:\/\/[^\s]+$/i.test(v)) return v;
      return null;
    }
    case 'text':
      return v.length <= 200 && !/[\u0000-\u001f]/.test(v) ? v : null;
  }
}

/**
 * Restrictiveness rank of a value: a smaller rank is stricter. Null when the kind has no order
 * (start URL, map-from-profile), where DOMAIN.md §3 falls back to assignment and name.
 */
export function strictnessRank(def: SettingDef, value: string): number | null {
  switch (def.kind) {
    case 'on-off':
      return value === 'on' ? 1 : 0;
    case 'scope':
      return SCOPE_VALUES.indexOf(value as (typeof SCOPE_VALUES)[number]);
    case 'sharing':
      return SHARING_VALUES.indexOf(value as (typeof SHARING_VALUES)[number]);
    case 'number': {
      const n = Number(value);
      return def.zeroIsUnlimited && n === 0 ? Number.MAX_SAFE_INTEGER : n;
    }
    case 'choice':
      return def.key === 'start-url' ? null : def.choices!.indexOf(value);
    case 'text':
      return null;
  }
}

/** The catalogue key closest to a mistyped one, for "did you mean" hints. */
export function nearestKey(input: string, keys: Iterable<string> = BY_KEY.keys()): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const key of keys) {
    const d = editDistance(input.toLowerCase(), key.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = key;
    }
  }
  return best !== undefined && bestDistance <= Math.max(3, Math.floor(input.length / 2)) ? best : undefined;
}

export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

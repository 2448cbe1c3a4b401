// The schedule portal's rights catalogue (DOMAIN.md §7): one row per top-level bullet of
// the user-type and school-function lists, as data. A right's key is shared by every holder of the
// same right, so `whocan edit-prognoses klas:3A` finds mentors, teamleiders and roostermakers at once.

export const FUNCTIONS = [
  'decaan',
  'mentor',
  'maatwerkcoordinator',
  'teamleider',
  'sectieleider',
  'leerlingadministratie',
  'formatiebeheerder',
  'roostermaker-school',
  'roostermaker-ouderavond',
] as const;
export type SchoolFunction = (typeof FUNCTIONS)[number];

export const USER_TYPES = ['leerling', 'werknemer', 'ouder'] as const;
export type PortalUserType = (typeof USER_TYPES)[number];

export type Holder = SchoolFunction | PortalUserType;
export const HOLDERS: readonly Holder[] = [...USER_TYPES, ...FUNCTIONS];

/** The admin flag: applicatiebeheerder holds every right and needs no switch. */
export const ADMIN_HOLDER = 'applicatiebeheerder';

/** Legacy roles ("rollen") that external parties still need: no warning for these. */
export const ALLOWED_LEGACY_ROLES: readonly string[] = ['merces', '_itslearning', 'magister', 'somtod'];

export type ScopeKind = 'afdeling' | 'klas' | 'team' | 'sectie' | 'project' | 'own';
export type Access = 'view' | 'edit' | 'view-edit';

/** What a function's assignment is scoped to (`--afdeling`, `--klas`, `--team`, `--sectie` or nothing). */
export const FUNCTION_SCOPE: Readonly<Record<SchoolFunction, 'afdeling' | 'klas' | 'team' | 'sectie' | 'project'>> = {
  decaan: 'afdeling',
  mentor: 'klas',
  maatwerkcoordinator: 'afdeling',
  teamleider: 'team',
  sectieleider: 'sectie',
  leerlingadministratie: 'project',
  formatiebeheerder: 'project',
  'roostermaker-school': 'project',
  'roostermaker-ouderavond': 'project',
};

/** The seed's own names, for output and for reading the seed's headings. */
export const HOLDER_TITLES: Readonly<Record<Holder, string>> = {
  leerling: 'Leerling',
  werknemer: 'Werknemer',
  ouder: 'Ouder/verzorger',
  decaan: 'Decaan',
  mentor: 'Mentor',
  maatwerkcoordinator: 'Maatwerkcoördinator',
  teamleider: 'Teamleider',
  sectieleider: 'Sectieleider',
  leerlingadministratie: 'Leerlingadministratie',
  formatiebeheerder: 'Formatiebeheerder (school)',
  'roostermaker-school': 'Roostermaker (school)',
  'roostermaker-ouderavond': 'Roostermaker (ouderavond)',
};

export interface RightRow {
  /** kebab-case action key, shared by every holder of the same right */
  readonly key: string;
  readonly holder: Holder;
  readonly access: Access;
  /** An Instellingen switch: "via vinkje tabblad Instellingen", and every user-type right. */
  readonly switch: boolean;
  /** The seed's bullet, word for word. */
  readonly label: string;
  readonly description: string;
  readonly resource: string;
  readonly scope: ScopeKind;
  /** The bullet's sub-bullets, which belong to it. */
  readonly details?: readonly string[];
  /** Further action keys the bullet grants (a bundle such as "bekijken van leerlingen (…)"). */
  readonly also?: readonly string[];
}

type Spec = [key: string, access: Access, isSwitch: boolean, label: string, description: string, resource: string, extra?: { scope?: ScopeKind; details?: string[]; also?: string[] }];

function rows(holder: Holder, scope: ScopeKind, specs: Spec[]): RightRow[] {
  return specs.map(([key, access, isSwitch, label, description, resource, extra]) => ({
    key,
    holder,
    access,
    switch: isSwitch,
    label,
    description,
    resource,
    scope: extra?.scope ?? scope,
    ...(extra?.details ? { details: extra.details } : {}),
    ...(extra?.also ? { also: extra.also } : {}),
  }));
}

const SIGN_UP_DETAILS = [
  'inschrijving van leerlingen wijzigen (leerling kan zelf ook nog wijzigen)',
  'inschrijving van leerlingen vastleggen (leerling kan zelf niet meer wijzigen)',
];
const SWITCH = true;
const FIXED = false;

export const RIGHTS: readonly RightRow[] = [
  // Tabblad Instellingen: the three user types. Every one of their rights is a switch.
  ...rows('leerling', 'own', [
    ['view-own-schedule', 'view', SWITCH, 'bekijken van het eigen rooster (en mededelingen)', 'View their own schedule and announcements', 'own schedule'],
    ['view-all-schedules', 'view', SWITCH, 'bekijken van alle roosters (van het roosterproject waar ze een afdelingsdeelname hebben)', 'View every schedule of the project they take part in through an afdeling', 'all schedules', { scope: 'project' }],
    ['view-student-names', 'view', SWITCH, 'bekijken van leerlingnamen (anders zijn alleen leerlingnummers zichtbaar)', 'See student names instead of student numbers only', 'student names', { scope: 'project' }],
  ]),
  ...rows('werknemer', 'own', [
    ['view-own-schedule', 'view', SWITCH, 'bekijken van het eigen rooster (en mededelingen)', 'View their own schedule and announcements', 'own schedule'],
    ['view-all-schedules', 'view', SWITCH, 'bekijken van alle roosters (van het roosterproject waar ze een contract hebben)', 'View every schedule of the project they have a contract in', 'all schedules', { scope: 'project' }],
    ['view-own-staffing-card', 'view', SWITCH, 'bekijken van eigen formatiekaart', 'View their own staffing card', 'own staffing card'],
    ['view-parent-evening-meetings', 'view', SWITCH, 'bekijken van ouderavondgesprekken (als er een actieve ouderavond is waar deze gebruiker in voor komt)', 'View their parent-evening meetings when an active parent evening includes them', 'parent-evening meetings'],
    ['edit-own-schedule-preferences', 'edit', SWITCH, 'bewerken van eigen roosterwensen (als er een roosterwensenformulier is met open inschrijftermijn)', 'Edit their own schedule preferences while a preferences form is open', 'own schedule preferences'],
  ]),
  ...rows('ouder', 'own', [
    ['view-children-schedules', 'view', SWITCH, 'bekijken van roosters van hun eigen kind(eren)', "View their own children's schedules", "children's schedules"],
    ['request-parent-evening-meetings', 'view-edit', SWITCH, 'bekijken en aanvragen van ouderavondgesprekken (als er een actieve ouderavond is waar deze gebruiker in voor komt)', 'View and request parent-evening meetings when an active parent evening includes them', 'parent-evening meetings', { also: ['view-parent-evening-meetings'] }],
  ]),

  ...rows('decaan', 'afdeling', [
    ['view-choice-packages', 'view', FIXED, 'bekijken van keuzepakketten van de betreffende afdelingen', 'View the subject-choice packages of their afdelingen', 'choice packages'],
    ['edit-choice-packages', 'edit', SWITCH, 'wijzigen van keuzepakketten van de betreffende afdelingen (via vinkje tabblad Instellingen)', 'Change the subject-choice packages of their afdelingen', 'choice packages'],
    ['view-choice-forms', 'view', FIXED, 'bekijken van keuzeformulieren', 'View choice forms', 'choice forms'],
    ['edit-choice-forms', 'edit', SWITCH, 'wijzigen van keuzeformulieren (via vinkje tabblad Instellingen)', 'Change choice forms', 'choice forms'],
    ['edit-exam-schedule', 'view-edit', FIXED, 'bekijken en wijzigen van examenindeling', 'View and change the exam schedule', 'exam schedule'],
    ['view-school-structure', 'view', FIXED, 'bekijken van schoolstructuur (Keuzes en Keuze-aanbod)', 'View the school structure (choices and choice offer)', 'school structure'],
  ]),

  ...rows('mentor', 'klas', [
    ['view-prognoses', 'view', FIXED, 'bekijken van prognoses', 'View prognoses', 'prognoses'],
    ['edit-prognoses', 'edit', SWITCH, 'wijzigen van prognoses (via vinkje tabblad Instellingen)', 'Change prognoses', 'prognoses'],
    ['view-transition-advice', 'view', FIXED, 'bekijken van overgangsadvies', 'View transition advice', 'transition advice'],
    ['edit-transition-advice', 'edit', SWITCH, 'wijzigen van overgangsadvies (via vinkje tabblad Instellingen)', 'Change transition advice', 'transition advice'],
    ['view-choice-packages', 'view', FIXED, 'bekijken van keuzepakketten (Leerlingen > Prognoses > Prognoses (details))', 'View subject-choice packages (Students > Prognoses > details)', 'choice packages'],
    ['view-lesson-statistics', 'view', FIXED, 'bekijken van lesstatistiek', 'View lesson statistics', 'lesson statistics'],
    ['view-appointment-participation', 'view', FIXED, 'bekijken van afspraakdeelname', 'View appointment participation', 'appointment participation'],
    ['edit-appointment-participation', 'edit', FIXED, 'wijzigen van afspraakdeelname (Weekoverzicht en Deelname (details), als de inschrijfprocedure geopend is:', 'Change appointment participation (week overview and details) while sign-up is open', 'appointment participation', { details: SIGN_UP_DETAILS }],
  ]),

  ...rows('maatwerkcoordinator', 'afdeling', [
    ['edit-enrolment-frameworks', 'view-edit', FIXED, 'bekijken en wijzigen van inschrijfkaders (Onderwijs > Afdelingen)', 'View and change enrolment frameworks (Education > Afdelingen)', 'enrolment frameworks'],
    ['view-appointment-participation', 'view', FIXED, 'bekijken van afspraakdeelname', 'View appointment participation', 'appointment participation'],
    ['edit-appointment-participation', 'edit', FIXED, 'wijzigen van afspraakdeelname (Weekoverzicht, Deelname (details) en Inschrijfprocedures):', 'Change appointment participation (week overview, details and sign-up procedures)', 'appointment participation', { details: [...SIGN_UP_DETAILS, 'nieuwe deelname toevoegen'] }],
    ['view-choice-packages', 'view', FIXED, 'bekijken van keuzepakketten', 'View subject-choice packages', 'choice packages'],
    ['edit-choice-package-levels', 'edit', FIXED, 'wijzigen van keuzepakketten (Niveau-aanpassing)', 'Adjust the level of subject-choice packages', 'choice package levels'],
    ['view-student-statistics', 'view', FIXED, 'bekijken van leerlingstatistiek', 'View student statistics', 'student statistics'],
    ['view-lesson-realisation', 'view', FIXED, 'bekijken van realisatie lessen bij lesstatistiek', 'View lessons actually given, in lesson statistics', 'lesson realisation'],
    ['prefill-enrolments-from-reference-week', 'edit', FIXED, 'voorzetten van inschrijvingen op basis van peilweek', 'Pre-fill enrolments from the reference week', 'enrolments'],
    ['copy-enrolments-from-last-week', 'edit', FIXED, 'inschrijvingen van vorige week overnemen', "Copy last week's enrolments", 'enrolments'],
  ]),

  ...rows('teamleider', 'team', [
    ['view-departments', 'view', FIXED, 'bekijken van afdelingen', 'View afdelingen', 'afdelingen'],
    ['view-prognoses', 'view', FIXED, 'bekijken van prognoses', 'View prognoses', 'prognoses'],
    ['view-transition-advice', 'view', FIXED, 'bekijken van overgangsadvies', 'View transition advice', 'transition advice'],
    ['edit-prognoses', 'edit', SWITCH, 'wijzigen van prognoses (via vinkje tabblad Instellingen)', 'Change prognoses', 'prognoses'],
    ['edit-transition-advice', 'edit', SWITCH, 'wijzigen van overgangsadvies (via vinkje tabblad Instellingen)', 'Change transition advice', 'transition advice'],
    ['view-choice-packages', 'view', FIXED, 'bekijken van keuzepakketten', 'View subject-choice packages', 'choice packages'],
    ['view-choice-forms', 'view', FIXED, 'bekijken van keuzeformulieren', 'View choice forms', 'choice forms'],
    ['view-schedule-group-allocations', 'view', FIXED, 'bekijken van roostergroepsindelingen, tabblad Alle roostergroepen', 'View schedule-group allocations (All schedule groups tab)', 'schedule-group allocations'],
    ['view-base-class-allocation', 'view', FIXED, 'bekijken van stamklasindeling, tabblad Stamklassen', 'View the base-class allocation (Base classes tab)', 'base-class allocation'],
    ['edit-base-class-allocation', 'edit', SWITCH, 'wijzigen van stamklasindeling (geldt alleen voor afdelingen waarvoor het portal leidend is), tabblad Stamklassen (via vinkje tabblad Instellingen)', 'Change the base-class allocation, for afdelingen the portal leads', 'base-class allocation'],
    ['view-appointment-participation', 'view', FIXED, 'bekijken van afspraakdeelname', 'View appointment participation', 'appointment participation'],
    ['edit-exam-schedule', 'view-edit', FIXED, 'bekijken en wijzigen van examenindeling', 'View and change the exam schedule', 'exam schedule'],
    ['view-staff-contracts', 'view', FIXED, 'bekijken van contracten, eigenschappen, dossiers en formatiekaarten van teamleden', 'View contracts, properties, files and staffing cards of team members', 'staff contracts'],
    ['view-staffing-plan', 'view', FIXED, 'bekijken formatieplanning, uitbreidingen, onderhoudsverloven, meerwerk en totale formatie van teamleden', 'View the staffing plan, extensions, leave, extra work and total staffing of team members', 'staffing plan'],
    ['view-lesson-distribution', 'view', FIXED, 'bekijken van lessenverdeling van eigen team', "View the team's lesson distribution", 'lesson distribution'],
    ['edit-lesson-distribution', 'edit', SWITCH, 'wijzigen van lessenverdeling van eigen team (via vinkje tabblad Instellingen)', "Change the team's lesson distribution", 'lesson distribution'],
    ['view-task-distribution', 'view', FIXED, 'bekijken van takenverdeling', 'View the task distribution', 'task distribution'],
    ['edit-task-distribution', 'edit', SWITCH, 'wijzigen van takenverdeling (via vinkje tabblad Instellingen)', 'Change the task distribution', 'task distribution'],
    ['view-schedule-preferences', 'view', FIXED, 'bekijken van roosterwensen van eigen team', "View the team's schedule preferences", 'schedule preferences'],
    ['edit-schedule-preferences', 'edit', SWITCH, 'wijzigen van roosterwensen van eigen team (via vinkje tabblad Instellingen)', "Change the team's schedule preferences", 'schedule preferences'],
    ['view-process-monitoring', 'view', FIXED, 'bekijken van procesbewaking', 'View process monitoring', 'process monitoring'],
    ['view-transition-matrix', 'view', FIXED, 'bekijken van overgangsmatrix', 'View the transition matrix', 'transition matrix'],
    ['view-student-statistics', 'view', FIXED, 'bekijken van leerlingstatistiek', 'View student statistics', 'student statistics'],
    ['view-teacher-statistics', 'view', FIXED, 'bekijken van docentstatistiek', 'View teacher statistics', 'teacher statistics'],
    ['view-lesson-statistics', 'view', FIXED, 'bekijken van lesstatistiek', 'View lesson statistics', 'lesson statistics'],
  ]),

  ...rows('sectieleider', 'sectie', [
    ['view-lesson-distribution', 'view', FIXED, 'bekijken van de lessenverdeling van eigen sectie', "View the sectie's lesson distribution", 'lesson distribution'],
    ['edit-lesson-distribution', 'edit', SWITCH, 'wijzigen van de lessenverdeling van eigen sectie (via vinkje tabblad Instellingen)', "Change the sectie's lesson distribution", 'lesson distribution'],
    ['view-schedule-preferences', 'view', FIXED, 'bekijken van roosterwensen van eigen sectie', "View the sectie's schedule preferences", 'schedule preferences'],
    ['view-lesson-statistics', 'view', FIXED, 'bekijken van lesstatistiek van eigen sectie', "View the sectie's lesson statistics", 'lesson statistics'],
  ]),

  ...rows('leerlingadministratie', 'project', [
    ['edit-student-basic-data', 'view-edit', FIXED, 'bekijken en wijzigen van beperkt aantal gegevens van leerlingen (NAW, archief, hernoemen, wachtwoord)', 'View and change a limited set of student data (name and address, archive, rename, password)', 'student basic data'],
    ['view-intake-prognoses', 'view', FIXED, 'bekijken van prognoses van instroom-leerlingen', 'View prognoses of incoming students', 'intake prognoses'],
    ['edit-intake-prognoses', 'edit', FIXED, 'wijzigen van prognoses van instroom-leerlingen', 'Change prognoses of incoming students', 'intake prognoses'],
    ['edit-department-enrolments', 'view-edit', FIXED, 'bekijken en wijzigen van afdelingsdeelnames', 'View and change afdeling enrolments', 'afdeling enrolments'],
    ['view-base-class-allocation', 'view', FIXED, 'bekijken van stamklasindeling, tabblad Stamklassen', 'View the base-class allocation (Base classes tab)', 'base-class allocation'],
    ['edit-base-class-allocation', 'edit', SWITCH, 'wijzigen van stamklasindeling (geldt alleen voor afdelingen waarvoor het portal leidend is), tabblad Stamklassen (via vinkje tabblad Instellingen)', 'Change the base-class allocation, for afdelingen the portal leads', 'base-class allocation'],
    ['edit-student-properties', 'view-edit', FIXED, 'bekijken en wijzigen van leerling-eigenschappen', 'View and change student properties', 'student properties'],
    ['edit-learning-paths', 'view-edit', FIXED, 'bekijken en wijzigen van leerpaden', 'View and change learning paths', 'learning paths'],
    ['edit-student-learning-paths', 'edit', FIXED, 'berekenen en bewerken van leerpaden van leerlingen', "Calculate and edit students' learning paths", 'student learning paths'],
    ['edit-integration-exports', 'view-edit', FIXED, 'bekijken en bewerken van Koppelingen > Exports', 'View and edit Integrations > Exports', 'integration exports'],
  ]),

  ...rows('formatiebeheerder', 'project', [
    ['edit-school-structure', 'view-edit', FIXED, 'bekijken en wijzigen van schoolstructuur (Bevoegdheidstypes, Secties, Verloftypes, Taken, Taakgroepen, Projectinstellingen, Tijdvakken, Vakanties, Teams, Afdelingen, Keuze-aanbod, Lessentabel)', 'View and change the school structure (qualification types, secties, leave types, tasks, task groups, project settings, periods, holidays, teams, afdelingen, choice offer, timetable of lessons)', 'school structure'],
    ['view-users-and-functions', 'view', FIXED, 'bekijken van gebruikers en schoolfuncties', 'View users and school functions', 'users and school functions'],
    ['edit-planned-groups-and-lessons', 'view-edit', FIXED, 'bekijken en wijzigen van geplande groepen en geplande lessen', 'View and change planned groups and planned lessons', 'planned groups and lessons'],
    ['view-students', 'view', FIXED, 'bekijken van leerlingen (afdelingsdeelnames, prognoses, overgangsadvies, keuzepakketten, keuzeformulieren)', 'View students (afdeling enrolments, prognoses, transition advice, choice packages, choice forms)', 'students', { also: ['view-department-enrolments', 'view-prognoses', 'view-transition-advice', 'view-choice-packages', 'view-choice-forms'] }],
    ['edit-staff-contracts', 'view-edit', FIXED, 'bekijken en wijzigen van contracten, eigenschappen, dossiers en formatiekaarten', 'View and change contracts, properties, files and staffing cards', 'staff contracts'],
    ['edit-employments-and-leave', 'view-edit', FIXED, 'bekijken en wijzigen van aanstellingen, uitbreidingen en verloven', 'View and change employments, extensions and leave', 'employments and leave'],
    ['edit-staffing-plan', 'view-edit', FIXED, 'bekijken en wijzigen van formatieplanning, uitbreiding, verlof onderhoud, meerwerk, totale formatie, inzet nevenvestigingen en formatiefuncties', 'View and change the staffing plan, extensions, leave, extra work, total staffing, deployment at branch sites and staffing functions', 'staffing plan'],
    ['view-finance', 'view', FIXED, 'bekijken van financieel, indicatie loonkosten en de details per maand', 'View finance, indicative salary costs and the monthly details', 'finance'],
    ['edit-personal-budget-and-qualifications', 'view-edit', FIXED, 'bekijken en wijzigingen van persoonlijk budget, startersregeling en bevoegdheden', "View and change personal budget, starters' scheme and qualifications", 'personal budget and qualifications', { also: ['view-qualifications'] }],
    ['edit-section-distribution', 'view-edit', FIXED, 'bekijken en wijzigen van sectieverdeling', 'View and change the sectie distribution', 'sectie distribution'],
    ['edit-lesson-distribution', 'view-edit', FIXED, 'bekijken en wijzigen van lessenverdeling', 'View and change the lesson distribution', 'lesson distribution'],
    ['edit-task-distribution', 'view-edit', FIXED, 'bekijken en wijzigen van takenverdeling', 'View and change the task distribution', 'task distribution'],
    ['edit-schedule-preferences', 'view-edit', FIXED, 'bekijken en wijzigen van roosterwensen en roosterwensenformulieren', 'View and change schedule preferences and schedule-preference forms', 'schedule preferences', { also: ['view-schedule-preference-forms', 'edit-schedule-preference-forms'] }],
    ['view-management-information', 'view', FIXED, 'bekijken van management-informatie', 'View management information', 'management information'],
  ]),

  ...rows('roostermaker-school', 'project', [
    ['view-portal-setup', 'view', FIXED, 'bekijken van de portalinrichting (Keuzes, Leerpaden, Bevoegdheidstypes)', 'View the portal set-up (choices, learning paths, qualification types)', 'portal set-up'],
    ['edit-school-structure', 'view-edit', FIXED, 'bekijken en wijzigen van de schoolstructuur (Tijdvakken, Vakanties, Secties, Teams, Roostergroepen, Lokalen, Afdelingen, Keuze-aanbod, Lessentabel)', 'View and change the school structure (periods, holidays, secties, teams, schedule groups, rooms, afdelingen, choice offer, timetable of lessons)', 'school structure'],
    ['view-users-and-functions', 'view', FIXED, 'bekijken van gebruikers en schoolfuncties', 'View users and school functions', 'users and school functions'],
    ['view-planned-groups-and-lessons', 'view', FIXED, 'bekijken van geplande groepen en geplande lessen', 'View planned groups and planned lessons', 'planned groups and lessons'],
    ['edit-planned-groups-and-lessons', 'edit', SWITCH, 'wijzigen van geplande groepen en geplande lessen (via vinkje tabblad Instellingen)', 'Change planned groups and planned lessons', 'planned groups and lessons'],
    ['view-students', 'view', FIXED, 'bekijken van leerlingen (afdelingsdeelnames, prognoses, overgangsadvies, keuzepakketten, keuzeformulieren, roostergroepindelingen, afspraakdeelname, examenindeling)', 'View students (afdeling enrolments, prognoses, transition advice, choice packages, choice forms, schedule-group allocations, appointment participation, exam schedule)', 'students', { also: ['view-department-enrolments', 'view-prognoses', 'view-transition-advice', 'view-choice-packages', 'view-choice-forms', 'view-schedule-group-allocations', 'view-appointment-participation', 'view-exam-schedule'] }],
    ['edit-students', 'edit', FIXED, 'wijzigen van leerlingen (afdelingsdeelnames, keuzepakketten, leerlingdeelname, examenindeling)', 'Change students (afdeling enrolments, choice packages, student participation, exam schedule)', 'students', { also: ['edit-department-enrolments', 'edit-choice-packages', 'edit-exam-schedule'] }],
    ['edit-prognoses', 'edit', SWITCH, 'wijzigen van prognoses (via vinkje tabblad Instellingen)', 'Change prognoses', 'prognoses'],
    ['edit-choice-forms', 'edit', SWITCH, 'wijzigen van keuzeformulieren (via vinkje tabblad Instellingen)', 'Change choice forms', 'choice forms'],
    ['edit-appointment-participation', 'edit', FIXED, 'wijzigen van afspraakdeelname (Weekoverzicht, Deelname (details) en Inschrijfprocedures):', 'Change appointment participation (week overview, details and sign-up procedures)', 'appointment participation', { details: [...SIGN_UP_DETAILS, 'nieuwe deelname toevoegen'] }],
    ['edit-staff-contracts', 'view-edit', FIXED, 'bekijken en wijzigen van contracten en eigenschappen', 'View and change contracts and properties', 'staff contracts'],
    ['view-qualifications', 'view', FIXED, 'bekijken van bevoegdheden', 'View qualifications', 'qualifications'],
    ['view-section-distribution', 'view', FIXED, 'bekijken van sectieverdeling', 'View the sectie distribution', 'sectie distribution'],
    ['edit-section-distribution', 'edit', FIXED, "wijzigen van sectieverdeling (wel 'toevoegen' en 'verwijderen', maar niet het aantal uren aanpassen)", 'Change the sectie distribution: add and remove, but not change the hours', 'sectie distribution'],
    ['view-lesson-distribution', 'view', FIXED, 'bekijken van lessenverdeling', 'View the lesson distribution', 'lesson distribution'],
    ['edit-lesson-distribution', 'edit', SWITCH, 'wijzigen van de lessenverdeling (via vinkje tabblad Instellingen)', 'Change the lesson distribution', 'lesson distribution'],
    ['view-task-distribution', 'view', FIXED, 'bekijken van takenverdeling', 'View the task distribution', 'task distribution'],
    ['edit-task-distribution', 'edit', SWITCH, 'wijzigen van de takenverdeling (via vinkje tabblad Instellingen)', 'Change the task distribution', 'task distribution'],
    ['view-schedule-preferences', 'view', FIXED, 'bekijken van roosterwensen', 'View schedule preferences', 'schedule preferences'],
    ['edit-schedule-preferences', 'edit', SWITCH, 'wijzigen van roosterwensen (via vinkje tabblad Instellingen)', 'Change schedule preferences', 'schedule preferences'],
    ['view-schedule-preference-forms', 'view', FIXED, 'bekijken van roosterwensenformulieren', 'View schedule-preference forms', 'schedule-preference forms'],
    ['edit-schedule-preference-forms', 'edit', SWITCH, 'wijzigen van roosterwensenformulieren (via vinkje tabblad Instellingen)', 'Change schedule-preference forms', 'schedule-preference forms'],
    ['view-management-information', 'view', FIXED, 'bekijken van management-informatie', 'View management information', 'management information'],
    ['edit-announcements', 'view-edit', FIXED, 'bekijken en wijzigen van mededelingen', 'View and change announcements', 'announcements'],
    ['edit-exam-schedule-integrations', 'view-edit', FIXED, 'bekijken en wijzigingen van koppelingen (Examenindelingen)', 'View and change integrations (exam schedules)', 'exam-schedule integrations'],
  ]),

  ...rows('roostermaker-ouderavond', 'project', [
    ['view-parents-and-relations', 'view', FIXED, 'bekijken ouders en hun relaties met leerlingen', 'View parents and their relations to students', 'parents'],
    ['create-parent-evenings', 'edit', FIXED, 'ouderavonden aanmaken', 'Create parent evenings', 'parent evenings'],
    ['edit-parent-evenings', 'view-edit', FIXED, 'bekijken en wijzigen van ouderavonden via de ouderavondcliënt', 'View and change parent evenings in the parent-evening client', 'parent evenings'],
    ['publish-parent-evening-schedules', 'edit', FIXED, 'publiceren ouderavondroosters', 'Publish parent-evening schedules', 'parent-evening schedules'],
  ]),
];

/** Every action key a row grants: its own, the view half of a view-edit right, and any bundle. */
export function grantsOf(row: RightRow): readonly string[] {
  const keys = [row.key];
  if (row.access === 'view-edit' && row.key.startsWith('edit-')) keys.push(`view-${row.key.slice('edit-'.length)}`);
  for (const k of row.also ?? []) if (!keys.includes(k)) keys.push(k);
  return keys;
}

/** Every portal action key, in catalogue order. */
export function portalActionKeys(): string[] {
  const seen = new Set<string>();
  for (const r of RIGHTS) for (const k of grantsOf(r)) seen.add(k);
  return [...seen];
}

/** The rows that grant an action, for each holder. */
export function rowsGranting(actionKey: string): RightRow[] {
  return RIGHTS.filter((r) => grantsOf(r).includes(actionKey));
}

export function isFunction(h: string): h is SchoolFunction {
  return (FUNCTIONS as readonly string[]).includes(h);
}

export function isUserType(h: string): h is PortalUserType {
  return (USER_TYPES as readonly string[]).includes(h);
}

/** Reads a function or user-type name as typed: `Maatwerkcoördinator`, `roostermaker (school)`, `ouder/verzorger`. */
export function normaliseHolder(raw: string): string {
  const plain = raw
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (plain === 'ouder-verzorger' || plain === 'ov') return 'ouder';
  if (plain === 'formatiebeheerder-school') return 'formatiebeheerder';
  return plain;
}

/** The switches of a holder: the keys of its switch rows. */
export function switchKeys(holder: Holder): string[] {
  return RIGHTS.filter((r) => r.holder === holder && r.switch).map((r) => r.key);
}

/** The description of an action: its own row's, else the row whose bundle includes it. */
export function actionDescription(key: string): string {
  const own = RIGHTS.find((r) => r.key === key);
  if (own) return own.description;
  const via = RIGHTS.find((r) => grantsOf(r).includes(key))!;
  return `${key.startsWith('view-') ? 'View' : 'Change'} ${key.replace(/^[a-z]+-/, '').replace(/-/g, ' ')} (part of: ${via.description})`;
}

// Checks shared by the portal commands and the portal's bulk kinds (src/db/bulk/kinds/portal.ts).

/** A portal user type as typed (`Ouder/verzorger` → ouder), or undefined. */
export function parseUserType(raw: string): PortalUserType | undefined {
  const t = normaliseHolder(raw);
  return isUserType(t) ? t : undefined;
}

/** A legacy role name. */
export const LEGACY_ROLE_RE = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$/;
export const LEGACY_ROLE_VALID = '1–64 letters, digits, dots, dashes or underscores';

/** A portal project is a school year: two consecutive years, such as 2025-2026. */
export function isSchoolYear(id: string): boolean {
  const m = /^(\d{4})-(\d{4})$/.exec(id);
  return m !== null && Number(m[2]) === Number(m[1]) + 1;
}

/** The user type that holds school functions (and is a team or sectie member); klassen hold leerlingen. */
export const FUNCTION_HOLDER_TYPE: PortalUserType = 'werknemer';

export type ScopeMismatch =
  | { readonly problem: 'takes-none'; readonly given: string }
  | { readonly problem: 'wrong-kind'; readonly given: string; readonly want: Exclude<(typeof FUNCTION_SCOPE)[SchoolFunction], 'project'> }
  | { readonly problem: 'missing'; readonly want: Exclude<(typeof FUNCTION_SCOPE)[SchoolFunction], 'project'> };

/** Whether the scope kinds given fit the function (DOMAIN.md §7): undefined when they do. */
export function scopeMismatch(fn: SchoolFunction, given: readonly string[], required: boolean): ScopeMismatch | undefined {
  const want = FUNCTION_SCOPE[fn];
  if (want === 'project') return given.length ? { problem: 'takes-none', given: given[0] } : undefined;
  const wrong = given.find((g) => g !== want);
  if (wrong !== undefined) return { problem: 'wrong-kind', given: wrong, want };
  if (given.length === 0 && required) return { problem: 'missing', want };
  return undefined;
}

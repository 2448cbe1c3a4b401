// `schoolctl help TOPIC`: the concepts behind the commands, one page each. The same text is the
// man page (built into dist/schoolctl.1), so a page is written once. Lines stay within 80 columns.

export interface HelpTopic {
  readonly name: string;
  readonly title: string;
  readonly text: string;
}

export const HELP_TOPICS: readonly HelpTopic[] = [
  {
    name: 'trace',
    title: 'the trace of a decision and its words',
    text: `Every access decision is one evaluation of the decision engine. It answers
allow or deny and lists, in order, the rules it read: the trace.
"schoolctl whocan ACTION --user U" prints it as numbered steps:

  ✓  pass: the rule held (a setting is on, a link exists, a phase is visible)
  ✗  fail: the rule did not hold; on a deny, the last fail is why
  ·  info: a fact read on the way (a profile value, a policy candidate)

Each step names its rule (profile-setting, policy-candidate, setting,
parent-of-learner, workflow-phase, phase-visibility …) and where its value
came from: a profile, a policy and where it was applied, an assignment, a
workflow phase, a school function. In --json every step has rule, result,
detail and, where known, source.

A step that consulted another decision shows that decision's steps indented
under it, numbered 3.1, 3.2, …: the Supervisor entry the Mentor and Headteacher
entries, a workflow right the supervisor role its assignment needs, a school
function reached through a team the team it asked. In --json those steps are
the step's children; the flat list of top-level steps stays as it was (with
"Mentor entry: …" copies of the nested ones), so scripts that read it still
work.

A deny carries fixes: the fewest schoolctl commands that, run in order, turn it
into an allow. Each fix is tried on the model in a transaction that is rolled
back before it is printed. No fixes means none is known; the trace says why.

Without --user, whocan is a reverse lookup: everyone allowed, each with the rule
that let them in.

  $ schoolctl whocan messages --user l.bakker
  $ schoolctl whocan view-behaviour learner:s.devries --user p.jansen --json`,
  },
  {
    name: 'policies',
    title: 'policies and strictest-wins',
    text: `A policy is a named set of setting values owned by the site or by one school. It
is applied to profiles and to users ("policies apply NAME --profile P|--user U";
--unit U applies it to the unit's current members, one by one: a learner who
joins later does not get it).

A school's policy acts only on users for whom that school is one of their
schools; a site policy acts on everyone it is applied to.

The value of a setting for a user: every policy that acts on the user and sets
the setting is a candidate. With any candidate, the strictest wins and overrides
the profile's value, in either direction. With none, the profile's value holds.
Strictest first: off before on; disabled, school, site; none, school, site,
community; a smaller number (0, unlimited, is the largest). Where values have no
order, a policy applied to the user beats one applied to the profile; remaining
ties go to the first policy by name.

Policies never change the administration settings of the highest profile, so no
policy can lock the site out. "schoolctl doctor" reports settings on which two
policies disagree for the same users.

  $ schoolctl policies create "No AI" --org north
  $ schoolctl policies set "No AI" ai-assistant=off
  $ schoolctl policies apply "No AI" --profile Student`,
  },
  {
    name: 'school-scope',
    title: 'school scope: what "school" means in a setting',
    text: `A user's schools are every school unit that is, or is above, a unit they belong
to; a parent's schools are also their children's schools.

A scope setting (create-courses, policy-management, hierarchy-management …) is
disabled, school or site. "school" allows the action on targets within one of
the user's own schools; "site" allows it everywhere. What belongs to the site
itself (site policies and terms, profiles, a unit above every school) needs
"site".

Every scope setting is also an action: "whocan create-courses unit:north --user
U" judges U's scope against the school of unit north. Under --as, the same
scope confines the actor to the units, users, courses, policies and terms of
their own schools.

  $ schoolctl whocan create-courses unit:north
  $ schoolctl users add x.new --profile Student --unit 3C --as a.visser`,
  },
  {
    name: 'workflow',
    title: 'workflow phases, batches and who sees what',
    text: `Three areas, each a fixed sequence of phases:

  attendance  course-registration · group-registration ·
              organisation-approval · completed
  behaviour   group-registration · organisation-approval · completed
  assessment  course-registration · organisation-approval · completed

Each phase has a responsible role (course teacher, mentor, headteacher) and
three visibility switches: learner, parent, external systems ("workflow set").

State is kept per batch: (term, course) for assessment and attendance, (term,
class or group) for behaviour. A batch starts in its area's first phase once its
course or class has learners. It never advances by itself: only the holder of
the responsible role advances it, one phase at a time ("workflow advance ...
--as USER").

A learner, their parent or an external system (--user external) sees an area
when that switch is on in the current phase of one of the learner's batches.

  $ schoolctl workflow show behaviour
  $ schoolctl workflow set behaviour group-registration --parent on
  $ schoolctl workflow status attendance --term 2025-T1`,
  },
  {
    name: 'school-functions',
    title: 'school functions of the schedule portal',
    text: `The schedule portal keeps, per project (a school year such as 2025-2026), user
types (leerling, werknemer, ouder), an admin flag (applicatiebeheerder: every
right), and school functions held by werknemers, each with its scope:

  decaan, maatwerkcoordinator   afdelingen
  mentor                        klassen
  teamleider                    a team (its afdelingen and members)
  sectieleider                  a sectie
  leerlingadministratie, formatiebeheerder, roostermaker-school,
  roostermaker-ouderavond       the whole project

Each right (view, edit or view-edit) is held by functions or user types;
"schoolfunction rights" lists them. Some edit rights are switches on the
Instellingen tab, per function and project, all off until switched on.

  $ schoolctl schoolfunction assign mentor j.devries --project 2025-2026 \\
      --klas 3A
  $ schoolctl schoolfunction rights mentor
  $ schoolctl whocan edit-prognoses klas:3A --project 2025-2026`,
  },
  {
    name: 'exit-codes',
    title: 'exit status',
    text: `  0  done, or allowed
  1  denied: a whocan deny, an --as refusal, a failed test assertion, doctor
     errors
  2  invalid input: usage, an unknown name, a bad value, a bad CSV row, a
     precondition not met. Nothing changed.
  3  anything else: the model missing, unreadable or from a newer schoolctl, or
     still locked after 10 s
  4  held: a guardrail (--max-loss, --max-gain) stopped a change, or --exit-code
     was given and there are differences

Errors go to stderr as one sentence naming the bad value and what is valid; with
--json (or -o json) also as {"error": {"code", "message"}} on stdout.`,
  },
  {
    name: 'files',
    title: 'files and formats',
    text: `The model      one SQLite file: --db FILE, else $SCHOOLCTL_DB, else
               ./schoolctl.db. Only init, demo, apply and generate --db create
               one. Every change is one transaction, recorded in "audit".
CSV            "import KIND FILE.csv" and "export KIND": UTF-8, a header row of
               named columns; each kind's export is what its import reads
               ("schoolctl import --help" lists the kinds and columns). A cell a
               spreadsheet would run as a formula (= + - @ first) is written
               with a leading ', which import strips again. - reads stdin.
Site file      "apply SITE.yaml" (or .json) makes the model match the file;
               "apply --plan" shows the changes first; "export site" writes it.
Output         -o table|plain|json|csv|yaml for listings and whocan; --json is
               -o json. Tables fit the terminal (--wide for full width), are
               plain columns in a pipe, and long ones are paged on a terminal
               through $PAGER (--no-pager to print them).
Completion     eval "$(schoolctl completion bash)"; also zsh and fish.`,
  },
];

export function findTopic(name: string): HelpTopic | undefined {
  return HELP_TOPICS.find((t) => t.name === name);
}

/** The topics a group's help points to. */
export const GROUP_TOPICS: Readonly<Record<string, readonly string[]>> = {
  whocan: ['trace', 'school-scope', 'exit-codes'],
  policies: ['policies', 'school-scope'],
  profiles: ['policies', 'school-scope'],
  units: ['school-scope'],
  users: ['school-scope'],
  workflow: ['workflow'],
  portal: ['school-functions'],
  schoolfunction: ['school-functions'],
  import: ['files', 'exit-codes'],
  export: ['files'],
  apply: ['files'],
  doctor: ['policies', 'exit-codes'],
  completion: ['files'],
};

export function topicIndex(): string {
  const w = Math.max(...HELP_TOPICS.map((t) => t.name.length)) + 2;
  return ['Topics ("schoolctl help TOPIC"):', ...HELP_TOPICS.map((t) => `  ${t.name.padEnd(w)}${t.title}`)].join('\n');
}

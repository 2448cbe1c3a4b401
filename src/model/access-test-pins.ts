// `test --write`: the current answers to the questions an administrator asks of a site (the menu
// entries of every supervisor, who sees each class's behaviour, who manages each school's users),
// pinned as assertions so the site's behaviour today becomes its regression suite.

import type { AccessTestEnv, Assertion } from './access-tests.js';
import type { SupervisorRole } from './supervisor-rules.js';

/** What the site holds that the questions are asked about (src/db reads it). */
export interface SiteQuestions {
  /** Every mentor and headteacher, sorted. */
  readonly supervisors: readonly string[];
  /** Every class and group with learners, and the learner (the first by name) that stands for it. */
  readonly classes: readonly { readonly id: string; readonly name: string; readonly learner: string; readonly learners: number }[];
  readonly schools: readonly { readonly id: string; readonly name: string }[];
  /** The term the behaviour questions are pinned to, so the answers do not drift with the date. */
  readonly term?: string;
}

export interface PinnedGroup {
  readonly title: string;
  readonly note: string;
  readonly assertions: readonly Assertion[];
}

const ENTRIES: readonly (SupervisorRole | 'supervisor')[] = ['mentor', 'headteacher', 'supervisor'];

export function pinCurrentAnswers(env: AccessTestEnv, q: SiteQuestions): PinnedGroup[] {
  const { engine, facts } = env;
  const tools = facts.supervisorNames();
  const label = { mentor: tools.mentorTool, headteacher: tools.headteacherTool, supervisor: tools.supervisorTool };
  const menus: Assertion[] = q.supervisors.flatMap((user) =>
    ENTRIES.map((entry): Assertion => {
      const question = { action: `tab:${entry}` };
      const d = engine.decide(facts, question.action, user, undefined);
      const sees = d.decision === 'allow';
      return { kind: d.decision, name: `${user} ${sees ? 'sees' : 'does not see'} the ${label[entry]} entry`, question, user };
    }),
  );
  const who = (name: string, action: string, target: string, term?: string): Assertion => {
    const question = { action, target, ...(term ? { term } : {}) };
    const allowed = engine.whoCan(facts, action, target, { term }).allowed.map((a) => a.user);
    return { kind: 'who', name, question, exactly: allowed };
  };
  const behaviour = q.classes.map((c) =>
    who(`who may see the behaviour of ${c.id} (through its learner ${c.learner})`, 'view-behaviour', `learner:${c.learner}`, q.term),
  );
  const managers = q.schools.map((s) => who(`who may manage the users of ${s.id}`, 'manage-user', `unit:${s.id}`));
  const findings = [...new Set(env.doctorFindings().map((f) => f.check))].sort();
  const doctor: Assertion = { kind: 'doctor', name: findings.length ? `doctor finds only ${findings.join(', ')}` : 'doctor finds nothing', checks: findings };
  return [
    {
      title: `Menu entries of every supervisor (${q.supervisors.length})`,
      note: 'allow: the entry shows for the user; deny: it does not.',
      assertions: menus,
    },
    {
      title: `Who may see each class's behaviour${q.term ? ` in term ${q.term}` : ''} (${q.classes.length} class(es) and group(s))`,
      note: 'Each class is asked about through one learner; copy an entry to pin another learner too.',
      assertions: behaviour,
    },
    { title: `Who may manage each school's users (${q.schools.length})`, note: 'users: the exact set allowed; use includes/excludes to pin fewer.', assertions: managers },
    { title: 'What doctor finds', note: 'doctor: none, or the check keys it reports (schoolctl doctor --json).', assertions: [doctor] },
  ];
}

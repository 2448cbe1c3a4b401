// Which words an option or argument takes: names from the model (users, units, profiles …) or a
// fixed list (scopes, phases, unit kinds …). One table for shell completion, for the prompts
// that ask for a missing value, and for the valid values an error message names.

import type { ValueKind } from '../db/stores/model-values.js';
import { SECTIONS } from '../model/settings-catalogue.js';
import { FUNCTIONS, USER_TYPES } from '../model/schoolfunction-rights.js';
import { PHASE_KEYS, WORKFLOW_AREAS } from '../model/workflow-phases.js';
import { OUTPUT_FORMATS } from './output-format-names.js';

export type Vocabulary =
  | { readonly live: ValueKind }
  | { readonly fixed: readonly string[] }
  /** KEY=VALUE of a profile or policy setting; an action key; a KIND:ID target; a bulk kind. */
  | { readonly special: 'setting' | 'action' | 'target' | 'bulk-kind' };

export const UNIT_KINDS = ['school', 'organisation', 'class', 'group'] as const;
export const HIERARCHY_ROLES = ['administrator', 'teacher', 'student', 'guest'] as const;

const OPTIONS: Readonly<Record<string, Vocabulary>> = {
  '--user': { live: 'user' },
  '--as': { live: 'user' },
  '--actor': { live: 'user' },
  '--learner': { live: 'user' },
  '--member': { live: 'user' },
  '--unit': { live: 'unit' },
  '--parent': { live: 'unit' },
  '--org': { live: 'unit' },
  '--root': { live: 'unit' },
  '--class': { live: 'class' },
  '--profile': { live: 'profile' },
  '--like': { live: 'profile' },
  '--term': { live: 'term' },
  '--project': { live: 'portal-project' },
  '--afdeling': { live: 'afdeling' },
  '--klas': { live: 'klas' },
  '--team': { live: 'team' },
  '--sectie': { live: 'sectie' },
  '--kind': { fixed: UNIT_KINDS },
  '--section': { fixed: SECTIONS },
  '--type': { fixed: USER_TYPES },
  '--function': { fixed: FUNCTIONS },
  '--phase': { fixed: PHASE_KEYS },
  '--output': { fixed: OUTPUT_FORMATS },
  '--format': { fixed: ['csv', 'json'] },
};

/** Arguments by name; `group sub:name` entries win over a plain `name`. */
const ARGUMENTS: Readonly<Record<string, Vocabulary>> = {
  username: { live: 'user' },
  user: { live: 'user' },
  parent: { live: 'user' },
  child: { live: 'user' },
  profile: { live: 'profile' },
  course: { live: 'course' },
  klas: { live: 'klas' },
  team: { live: 'team' },
  sectie: { live: 'sectie' },
  action: { special: 'action' },
  target: { special: 'target' },
  assignments: { special: 'setting' },
  keys: { special: 'setting' },
  kind: { special: 'bulk-kind' },
  function: { fixed: FUNCTIONS },
  area: { fixed: WORKFLOW_AREAS },
  phase: { fixed: PHASE_KEYS },
  'units move:id': { live: 'unit' },
  'units remove:id': { live: 'unit' },
  'terms remove:id': { live: 'term' },
  'projects add-member:project': { live: 'project' },
  'projects remove-member:project': { live: 'project' },
  'policies set:name': { live: 'policy' },
  'policies unset:name': { live: 'policy' },
  'policies apply:name': { live: 'policy' },
  'policies unapply:name': { live: 'policy' },
  'policies show:name': { live: 'policy' },
  'policies delete:name': { live: 'policy' },
  'profiles create:name': { fixed: [] },
};

/**
 * The vocabulary of an option (`--unit`, with its value placeholder such as `<on|off>`) or of an
 * argument (`username`) of the command at `path` (`['users', 'add']`).
 */
export function vocabularyFor(path: readonly string[], name: string, placeholder = ''): Vocabulary | undefined {
  const choices = /^<([a-z-]+(?:\|[a-z-]+)+)>$/.exec(placeholder);
  if (choices) return { fixed: choices[1].split('|') };
  if (name === '-o') name = '--output';
  if (name.startsWith('-')) {
    if (name === '--role') return { fixed: path[0] === 'courses' ? ['teacher', 'learner'] : HIERARCHY_ROLES };
    return OPTIONS[name];
  }
  return ARGUMENTS[`${path.join(' ')}:${name}`] ?? ARGUMENTS[name];
}

/** What a kind of value is called in a sentence ("a profile"). */
export function vocabularyNoun(v: Vocabulary): string {
  if ('live' in v) return { user: 'user', unit: 'unit', class: 'class or group', profile: 'profile', policy: 'policy', term: 'term', course: 'course', project: 'project', 'portal-project': 'school year', afdeling: 'afdeling', klas: 'klas', team: 'team', sectie: 'sectie' }[v.live];
  if ('special' in v) return { setting: 'setting', action: 'action', target: 'target', 'bulk-kind': 'kind' }[v.special];
  return 'value';
}

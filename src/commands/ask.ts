// What is missing from a command line, asked for at a terminal and given as one more word; or, where
// nobody can answer (a pipe, CI, --no-input, machine output), one sentence naming the flag and a
// few valid values. One mechanism for every command: commander's missing argument or option, or a
// command's own `missingValue`.

import { SchoolctlError, EXIT, invalid } from '../model/errors.js';
import type { Sqlite } from '../db/open.js';
import { openForReading, searchValues, valuesStartingWith } from '../db/stores/model-values.js';
import { loadSpec } from './command-spec.js';
import { locate } from './complete.js';
import { vocabularyFor, vocabularyNoun, type Vocabulary } from './vocabulary.js';

/** What a command line lacks: an argument (`username`) or an option (`--profile`), or one of several options. */
export interface Missing {
  readonly name: string;
  /** Options of which exactly one is wanted (`policies apply`: --profile, --unit or --user). */
  readonly oneOf?: readonly string[];
}

/** A command's own "this is missing": prompted for at a terminal like a missing argument. */
export function missingValue(missing: Missing, message: string): SchoolctlError {
  return new SchoolctlError(EXIT.invalid, 'missing-argument', message, { missing });
}

/** The missing word named by a commander usage error or a `missingValue`. */
export function missingOf(e: unknown): Missing | undefined {
  if (e instanceof SchoolctlError) {
    const m = (e.payload as { missing?: Missing } | undefined)?.missing;
    return e.code === 'missing-argument' && m ? m : undefined;
  }
  const err = e as { code?: string; message?: string };
  if (err?.code === 'commander.missingArgument') {
    const m = /missing required argument '([^']+)'/.exec(err.message ?? '');
    return m ? { name: m[1] } : undefined;
  }
  if (err?.code === 'commander.missingMandatoryOptionValue' || err?.code === 'commander.optionMissingArgument') {
    const m = /option '(?:-\w, )?(--[\w-]+)/.exec(err.message ?? '');
    return m ? { name: m[1] } : undefined;
  }
  return undefined;
}

/** Prompts only where a person can answer: stdin and stderr a TTY, no CI, no --no-input, human output. */
export function canAsk(argv: readonly string[], format: string): boolean {
  return process.stdin.isTTY === true && process.stderr.isTTY === true && !process.env.CI && !argv.includes('--no-input') && (format === 'table' || format === 'plain');
}

function dbOf(argv: readonly string[]): string {
  const at = argv.indexOf('--db');
  if (at >= 0 && argv[at + 1] !== undefined) return argv[at + 1];
  const inline = argv.find((w) => w.startsWith('--db='));
  return inline ? inline.slice(5) : process.env.SCHOOLCTL_DB || './schoolctl.db';
}

async function placeholderOf(path: readonly string[], flag: string): Promise<string | undefined> {
  const spec = await loadSpec();
  let cmd = spec;
  const chain = [spec];
  for (const p of path) {
    const next = cmd.commands.find((c) => c.name === p);
    if (!next) break;
    cmd = next;
    chain.push(next);
  }
  return chain.flatMap((c) => c.options).find((o) => o.long === flag)?.placeholder;
}

async function fixedWords(v: Vocabulary): Promise<readonly string[] | undefined> {
  if ('fixed' in v) return v.fixed;
  if ('special' in v && v.special === 'bulk-kind') return (await import('../db/bulk/registry.js')).BULK_KINDS.map((k) => k.name);
  return undefined;
}

/** A few valid values, for the sentence when nobody can be asked. */
async function someValues(v: Vocabulary, db: () => Sqlite | undefined): Promise<string[]> {
  const fixed = await fixedWords(v);
  if (fixed) return [...fixed];
  if ('live' in v) {
    const model = db();
    return model ? valuesStartingWith(model, v.live, '', 6) : [];
  }
  if (!('special' in v)) return [];
  if (v.special === 'action') return (await import('../model/registry.js')).decisionEngine().actions().slice(0, 6).map((a) => a.key);
  if (v.special === 'setting') return (await import('../model/settings-catalogue.js')).CATALOGUE.slice(0, 4).map((s) => `${s.key}=…`);
  return [];
}

const LISTERS: Readonly<Record<string, string>> = {
  user: 'schoolctl users list',
  unit: 'schoolctl units tree',
  profile: 'schoolctl profiles list',
  policy: 'schoolctl policies list',
  term: 'schoolctl terms list',
  course: 'schoolctl courses list',
  action: 'schoolctl whocan --actions',
  setting: 'schoolctl profiles settings',
};

/** The usage error when nobody can be asked: the flag, and a few of the values it takes. */
export async function explainMissing(argv: readonly string[], missing: Missing, message: string): Promise<SchoolctlError> {
  const at = locate(await loadSpec(), argv);
  const command = ['schoolctl', ...at.path].join(' ');
  let opened: Sqlite | undefined | null = null;
  const model = () => (opened === null ? undefined : opened);
  opened = (await openForReading(dbOf(argv))) ?? null;
  try {
    const names = missing.oneOf ?? [missing.name];
    const parts: string[] = [];
    for (const name of names) {
      const v = vocabularyFor(at.path, name, name.startsWith('-') ? await placeholderOf(at.path, name) : undefined);
      const what = name.startsWith('-') ? name : `<${name}>`;
      if (!v) {
        parts.push(what);
        continue;
      }
      const values = await someValues(v, model);
      const key = 'live' in v ? v.live : 'special' in v ? v.special : '';
      const more = LISTERS[key] ? `; "${LISTERS[key]}" lists them` : '';
      const noun = vocabularyNoun(v);
      const article = /^[aeiou]/.test(noun) ? 'an' : 'a';
      parts.push(values.length ? `${what} (${article} ${noun}, such as ${values.slice(0, 5).join(', ')}${values.length > 5 ? ', …' : ''}${more})` : what);
    }
    const list = parts.length > 1 ? `one of ${parts.slice(0, -1).join(', ')} or ${parts[parts.length - 1]}` : parts[0];
    return invalid('missing-argument', `${command} needs ${list}.`);
  } finally {
    (opened as Sqlite | null)?.close();
  }
}

const io = { output: process.stderr };

interface Choice {
  value: string;
  name: string;
  description?: string;
}

async function searchList(message: string, all: (text: string) => Choice[] | Promise<Choice[]>): Promise<string> {
  const { search } = await import('@inquirer/prompts');
  return search({ message, pageSize: 10, source: async (text) => all(text ?? '') }, io);
}

async function chooseFrom(message: string, words: readonly string[]): Promise<string> {
  const { select } = await import('@inquirer/prompts');
  return select({ message, choices: words.map((w) => ({ value: w, name: w })), pageSize: 10 }, io);
}

const matches = (text: string, ...fields: (string | undefined)[]) => fields.some((f) => f?.toLowerCase().includes(text.toLowerCase()));

/** Asks for one value of vocabulary `v`; undefined when there is nothing to choose from. */
async function askValue(v: Vocabulary, label: string, positionals: readonly string[], path: readonly string[], db: Sqlite | undefined): Promise<string | undefined> {
  const fixed = await fixedWords(v);
  if (fixed?.length) return chooseFrom(`${label}:`, fixed);
  if ('live' in v) {
    if (!db) return undefined;
    return searchList(`${label} (type to narrow the list):`, (text) =>
      searchValues(db, v.live, text, 50).map((c) => ({ value: c.value, name: c.name ? `${c.value}  ${c.name}` : c.value })),
    );
  }
  if (!('special' in v)) return undefined;
  if (v.special === 'action') {
    const actions = (await import('../model/registry.js')).decisionEngine().actions();
    return searchList('action (type to narrow the list):', (text) =>
      actions.filter((a) => matches(text, a.key, a.description)).map((a) => ({ value: a.key, name: `${a.key}  ${a.description}` })),
    );
  }
  if (v.special === 'setting') {
    const cat = await import('../model/settings-catalogue.js');
    const key = await searchList('setting (type to narrow the list):', (text) =>
      cat.CATALOGUE.filter((s) => matches(text, s.key, s.label)).map((s) => ({ value: s.key, name: `${s.key}  ${s.label}` })),
    );
    const def = cat.findSetting(key)!;
    const words = def.kind === 'on-off' ? cat.ON_OFF_VALUES : def.kind === 'scope' ? cat.SCOPE_VALUES : def.kind === 'sharing' ? cat.SHARING_VALUES : def.kind === 'choice' ? def.choices?.filter((c) => c !== 'custom-url') : undefined;
    if (words?.length) return `${key}=${await chooseFrom(`${key}:`, words)}`;
    const { input } = await import('@inquirer/prompts');
    return `${key}=${await input({ message: `${key} (${cat.validValues(def)}):` }, io)}`;
  }
  if (v.special === 'target') {
    const { decisionEngine } = await import('../model/registry.js');
    const def = path[0] === 'workflow' ? undefined : decisionEngine().actions().find((a) => a.key === positionals[0]);
    const kinds = path[0] === 'workflow' ? ['course', 'class'] : (def?.targetKinds ?? []);
    if (!kinds.length || !db) return undefined;
    const kind = kinds.length === 1 ? kinds[0] : await chooseFrom('target kind:', kinds);
    const source = ({ user: 'user', learner: 'user', course: 'course', project: 'project', unit: 'unit', class: 'class', klas: 'klas', afdeling: 'afdeling', team: 'team', sectie: 'sectie' } as const)[kind as 'user'];
    if (!source) return undefined;
    const id = await searchList(`${kind} (type to narrow the list):`, (text) => searchValues(db, source, text, 50).map((c) => ({ value: c.value, name: c.name ? `${c.value}  ${c.name}` : c.value })));
    return `${kind}:${id}`;
  }
  return undefined;
}

/**
 * Asks for the missing word at the terminal and returns the command line with it added, or
 * undefined when this word cannot be asked for (the caller reports it as usage).
 */
export async function askFor(argv: readonly string[], missing: Missing): Promise<string[] | undefined> {
  const at = locate(await loadSpec(), argv);
  const db = await openForReading(dbOf(argv));
  try {
    let flag = missing.name;
    if (missing.oneOf) flag = await chooseFrom('which one:', missing.oneOf);
    const isOption = flag.startsWith('-');
    const v = vocabularyFor(at.path, flag, isOption ? await placeholderOf(at.path, flag) : undefined);
    if (!v) return undefined;
    const value = await askValue(v, isOption ? flag.replace(/^--/, '') : flag, at.positionals, at.path, db);
    if (value === undefined) return undefined;
    // A flag left without its value ("--profile" at the end) is replaced by the flag and the answer.
    const words = argv[argv.length - 1] === flag ? argv.slice(0, -1) : [...argv];
    return isOption ? [...words, flag, value] : [...words, value];
  } finally {
    db?.close();
  }
}

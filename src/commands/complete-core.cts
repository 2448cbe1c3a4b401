// Shell completion's one logic: where the last word stands in the command tree and which words
// may go there. Both entries use it: `complete.ts` with the words taken from the modules
// themselves, the fast entry `complete-fast.cts` with the same words as written at build time.
// CommonJS, so the fast entry loads it without the ES-module loader.

import type { ArgSpec, CommandSpec, OptionSpec } from './command-spec.js';
import type { Vocabulary } from './vocabulary.js';
import type { ValueKind } from '../db/stores/model-prefix.cjs';

/** The target kinds of `KIND:ID` and where their ids live. */
const TARGET_VALUES: Readonly<Record<string, ValueKind>> = {
  user: 'user',
  learner: 'user',
  course: 'course',
  project: 'project',
  unit: 'unit',
  class: 'class',
  klas: 'klas',
  afdeling: 'afdeling',
  team: 'team',
  sectie: 'sectie',
};

export interface Position {
  readonly cmd: CommandSpec;
  /** The commands from the root down to `cmd`, and their names after `schoolctl`. */
  readonly chain: readonly CommandSpec[];
  readonly path: string[];
  readonly positionals: string[];
  /** The option whose value the current word is. */
  readonly valueOf?: OptionSpec;
  readonly db: string;
}

export interface ActionWords {
  readonly key: string;
  readonly targetKinds: readonly string[];
}

/** A setting key and the values `KEY=` takes (none for free text). */
export interface SettingWords {
  readonly key: string;
  readonly values: readonly string[];
}

/** The model's names of one kind that start with a prefix. */
export interface ModelValues {
  values(kind: ValueKind, prefix: string): string[];
  close(): void;
}

/** Where the words come from: the modules (at run time) or the build's snapshot of them. */
export interface WordSource {
  optionVocabulary(at: Position, option: OptionSpec): Vocabulary | undefined;
  argVocabulary(at: Position, arg: ArgSpec): Vocabulary | undefined;
  helpTopics(): Promise<readonly string[]>;
  bulkKinds(): Promise<readonly string[]>;
  actions(): Promise<readonly ActionWords[]>;
  settings(): Promise<readonly SettingWords[]>;
  /** The model at `path` opened read-only, or undefined when there is none to read. */
  openModel(path: string): Promise<ModelValues | undefined>;
}

function findOption(chain: readonly CommandSpec[], flag: string): OptionSpec | undefined {
  for (const c of [...chain].reverse()) {
    const o = c.options.find((x) => x.long === flag || x.short === flag);
    if (o) return o;
  }
  return undefined;
}

export function locate(root: CommandSpec, before: readonly string[]): Position {
  let cmd = root;
  const chain: CommandSpec[] = [root];
  const path: string[] = [];
  const positionals: string[] = [];
  let db = process.env.SCHOOLCTL_DB || './schoolctl.db';
  let valueOf: OptionSpec | undefined;
  for (let i = 0; i < before.length; i++) {
    const w = before[i];
    valueOf = undefined;
    if (w.startsWith('-') && w !== '-') {
      const [flag, inline] = w.split(/=(.*)/s, 2);
      const o = findOption(chain, flag);
      if (o?.value && inline === undefined) {
        if (i + 1 < before.length) {
          if (flag === '--db') db = before[i + 1];
          i++;
        } else valueOf = o;
      } else if (flag === '--db' && inline !== undefined) db = inline;
      continue;
    }
    const sub = positionals.length === 0 ? cmd.commands.find((c) => c.name === w) : undefined;
    if (sub) {
      cmd = sub;
      chain.push(sub);
      path.push(w);
    } else positionals.push(w);
  }
  return { cmd, chain, path, positionals, valueOf, db };
}

async function vocabularyValues(v: Vocabulary, cur: string, at: Position, source: WordSource, model: () => Promise<ModelValues | undefined>): Promise<string[]> {
  if ('fixed' in v) return [...v.fixed];
  if ('live' in v) return (await model())?.values(v.live, cur) ?? [];
  switch (v.special) {
    case 'bulk-kind':
      return [...(at.path[0] === 'export' ? ['site'] : []), ...(await source.bulkKinds())];
    case 'action':
      return (await source.actions()).map((a) => a.key);
    case 'setting': {
      const settings = await source.settings();
      const eq = cur.indexOf('=');
      if (eq < 0) return settings.map((s) => `${s.key}=`);
      const def = settings.find((s) => s.key === cur.slice(0, eq));
      return def ? def.values.map((x) => `${def.key}=${x}`) : [];
    }
    case 'target': {
      let kinds: readonly string[] = Object.keys(TARGET_VALUES);
      if (at.path[0] === 'workflow') kinds = ['course', 'class'];
      else if (at.positionals[0]) {
        const def = (await source.actions()).find((a) => a.key === at.positionals[0]);
        if (def) kinds = def.targetKinds;
      }
      const colon = cur.indexOf(':');
      if (colon < 0) return kinds.map((k) => `${k}:`);
      const kind = cur.slice(0, colon);
      const values = TARGET_VALUES[kind];
      const db = values && kinds.includes(kind) ? await model() : undefined;
      return db ? db.values(values, cur.slice(colon + 1)).map((id) => `${kind}:${id}`) : [];
    }
  }
}

function optionWords(chain: readonly CommandSpec[]): string[] {
  return [...chain.flatMap((c) => c.options.map((o) => o.long).filter((l): l is string => !!l)), '--help'];
}

/** The candidates for the last of `words` (the words after `schoolctl`; the last may be ''). */
export async function completionsFrom(root: CommandSpec, source: WordSource, words: readonly string[]): Promise<string[]> {
  const cur = words.length ? words[words.length - 1] : '';
  const at = locate(root, words.slice(0, -1));
  const opened: { db?: ModelValues; tried?: boolean } = {};
  const model = async () => {
    if (!opened.tried) {
      opened.tried = true;
      opened.db = await source.openModel(at.db);
    }
    return opened.db;
  };
  let candidates: string[] = [];
  try {
    if (at.valueOf) {
      const v = source.optionVocabulary(at, at.valueOf);
      candidates = v ? await vocabularyValues(v, cur, at, source, model) : [];
    } else if (cur.startsWith('-')) {
      candidates = optionWords(at.chain);
    } else if (at.path.length === 0 && at.positionals[0] === 'help') {
      candidates = at.positionals.length === 1 ? [...(await source.helpTopics()), ...at.cmd.commands.map((c) => c.name)] : [];
    } else if (at.path.length === 0 && at.positionals.length === 0) {
      candidates = [...at.cmd.commands.map((c) => c.name), 'help'];
    } else if (at.cmd.commands.length && at.positionals.length === 0) {
      candidates = at.cmd.commands.map((c) => c.name);
    } else {
      const args = at.cmd.args;
      const arg = args[Math.min(at.positionals.length, args.length - 1)];
      const v = arg && (at.positionals.length < args.length || arg.variadic) ? source.argVocabulary(at, arg) : undefined;
      candidates = v ? await vocabularyValues(v, cur, at, source, model) : [];
    }
  } finally {
    opened.db?.close();
  }
  return [...new Set(candidates)].filter((c) => c.startsWith(cur));
}

/**
 * The lines to print. Shells that split words at `=` and `:` (bash) pass the part they will
 * replace in SCHOOLCTL_COMP_CUR; each candidate is cut to match it.
 */
export function completionOutput(words: readonly string[], candidates: readonly string[], shellCur = process.env.SCHOOLCTL_COMP_CUR): string {
  const cur = words.length ? words[words.length - 1] : '';
  const cut = shellCur !== undefined && cur.endsWith(shellCur) ? cur.length - shellCur.length : 0;
  return candidates.length ? `${candidates.map((c) => c.slice(cut)).join('\n')}\n` : '';
}

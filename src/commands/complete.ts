// `schoolctl __complete WORD…`: the candidates for the last word, one per line, for the shell
// scripts of `schoolctl completion`. Groups, subcommands and options come from the commands'
// own definitions; live values from the model, opened read-only (completion never writes).

import type { Sqlite } from '../db/open.js';
import { openForReading, valuesStartingWith, type ValueKind } from '../db/stores/model-values.js';
import { loadSpec, type CommandSpec, type OptionSpec } from './command-spec.js';
import { vocabularyFor, type Vocabulary } from './vocabulary.js';

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

interface Position {
  readonly cmd: CommandSpec;
  /** The commands from the root down to `cmd`, and their names after `schoolctl`. */
  readonly chain: readonly CommandSpec[];
  readonly path: string[];
  readonly positionals: string[];
  /** The option whose value the current word is. */
  readonly valueOf?: OptionSpec;
  readonly db: string;
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

async function vocabularyValues(v: Vocabulary, cur: string, at: Position, model: () => Promise<Sqlite | undefined>): Promise<string[]> {
  if ('fixed' in v) return [...v.fixed];
  if ('live' in v) {
    const db = await model();
    return db ? valuesStartingWith(db, v.live, cur) : [];
  }
  switch (v.special) {
    case 'bulk-kind': {
      const { BULK_KINDS } = await import('../db/bulk/registry.js');
      return [...(at.path[0] === 'export' ? ['site'] : []), ...BULK_KINDS.map((k) => k.name)];
    }
    case 'action': {
      const { decisionEngine } = await import('../model/registry.js');
      return decisionEngine().actions().map((a) => a.key);
    }
    case 'setting': {
      const { CATALOGUE, findSetting, SCOPE_VALUES, SHARING_VALUES, ON_OFF_VALUES } = await import('../model/settings-catalogue.js');
      const eq = cur.indexOf('=');
      if (eq < 0) return CATALOGUE.map((s) => `${s.key}=`);
      const def = findSetting(cur.slice(0, eq));
      if (!def) return [];
      const values =
        def.kind === 'on-off' ? ON_OFF_VALUES : def.kind === 'scope' ? SCOPE_VALUES : def.kind === 'sharing' ? SHARING_VALUES : def.kind === 'choice' ? (def.choices ?? []).filter((c) => c !== 'custom-url') : [];
      return values.map((x) => `${def.key}=${x}`);
    }
    case 'target': {
      let kinds: readonly string[] = Object.keys(TARGET_VALUES);
      if (at.path[0] === 'workflow') kinds = ['course', 'class'];
      else if (at.positionals[0]) {
        const { decisionEngine } = await import('../model/registry.js');
        const def = decisionEngine().actions().find((a) => a.key === at.positionals[0]);
        if (def) kinds = def.targetKinds;
      }
      const colon = cur.indexOf(':');
      if (colon < 0) return kinds.map((k) => `${k}:`);
      const kind = cur.slice(0, colon);
      const source = TARGET_VALUES[kind];
      const db = source && kinds.includes(kind) ? await model() : undefined;
      return db ? valuesStartingWith(db, source, cur.slice(colon + 1)).map((id) => `${kind}:${id}`) : [];
    }
  }
}

function optionWords(chain: readonly CommandSpec[]): string[] {
  return [...chain.flatMap((c) => c.options.map((o) => o.long).filter((l): l is string => !!l)), '--help'];
}

/** The candidates for the last of `words` (the words after `schoolctl`; the last may be ''). */
export async function completions(words: readonly string[]): Promise<string[]> {
  const cur = words.length ? words[words.length - 1] : '';
  const before = words.slice(0, -1);
  const at = locate(await loadSpec(), before);
  const opened: { db?: Sqlite; tried?: boolean } = {};
  const model = async () => {
    if (!opened.tried) {
      opened.tried = true;
      opened.db = await openForReading(at.db);
    }
    return opened.db;
  };
  let candidates: string[] = [];
  try {
    if (at.valueOf) {
      const v = vocabularyFor(at.path, at.valueOf.long ?? at.valueOf.short ?? '', at.valueOf.placeholder);
      candidates = v ? await vocabularyValues(v, cur, at, model) : [];
    } else if (cur.startsWith('-')) {
      candidates = optionWords(at.chain);
    } else if (at.path.length === 0 && at.positionals[0] === 'help') {
      candidates = at.positionals.length === 1 ? [...(await import('./help-topics.js')).HELP_TOPICS.map((t) => t.name), ...at.cmd.commands.map((c) => c.name)] : [];
    } else if (at.path.length === 0 && at.positionals.length === 0) {
      candidates = [...at.cmd.commands.map((c) => c.name), 'help'];
    } else if (at.cmd.commands.length && at.positionals.length === 0) {
      candidates = at.cmd.commands.map((c) => c.name);
    } else {
      const args = at.cmd.args;
      const arg = args[Math.min(at.positionals.length, args.length - 1)];
      const v = arg && (at.positionals.length < args.length || arg.variadic) ? vocabularyFor(at.path, arg.name) : undefined;
      candidates = v ? await vocabularyValues(v, cur, at, model) : [];
    }
  } finally {
    opened.db?.close();
  }
  return [...new Set(candidates)].filter((c) => c.startsWith(cur));
}

/**
 * Prints the candidates. Shells that split words at `=` and `:` (bash) pass the part they will
 * replace in SCHOOLCTL_COMP_CUR; each candidate is cut to match it.
 */
export async function runComplete(words: readonly string[]): Promise<void> {
  const cur = words.length ? words[words.length - 1] : '';
  const shellCur = process.env.SCHOOLCTL_COMP_CUR;
  const cut = shellCur !== undefined && cur.endsWith(shellCur) ? cur.length - shellCur.length : 0;
  const out = (await completions(words)).map((c) => c.slice(cut));
  if (out.length) process.stdout.write(`${out.join('\n')}\n`);
}

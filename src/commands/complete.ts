// `schoolctl __complete WORD…`: the candidates for the last word, one per line, for the shell
// scripts of `schoolctl completion`. The words come from the commands' own definitions and, for
// live values, from the model opened read-only (completion never writes). The shells reach the
// fast entry (complete-fast.cts) instead, which reads the same words from the build's snapshot;
// this module is where that snapshot comes from, and the answer when there is none.

import { completionOutput, completionsFrom, type ActionWords, type SettingWords, type WordSource } from './complete-core.cjs';
import { loadSpec, type CommandSpec, type Lexicon } from './command-spec.js';
import { vocabularyFor } from './vocabulary.js';

export { locate, type Position } from './complete-core.cjs';

async function actionWords(): Promise<ActionWords[]> {
  const { decisionEngine } = await import('../model/registry.js');
  return decisionEngine()
    .actions()
    .map((a) => ({ key: a.key, targetKinds: [...a.targetKinds] }));
}

async function settingWords(): Promise<SettingWords[]> {
  const { CATALOGUE, SCOPE_VALUES, SHARING_VALUES, ON_OFF_VALUES } = await import('../model/settings-catalogue.js');
  return CATALOGUE.map((def) => ({
    key: def.key,
    values:
      def.kind === 'on-off' ? [...ON_OFF_VALUES] : def.kind === 'scope' ? [...SCOPE_VALUES] : def.kind === 'sharing' ? [...SHARING_VALUES] : def.kind === 'choice' ? (def.choices ?? []).filter((c) => c !== 'custom-url') : [],
  }));
}

async function bulkKinds(): Promise<string[]> {
  return (await import('../db/bulk/registry.js')).BULK_KINDS.map((k) => k.name);
}

async function helpTopics(): Promise<string[]> {
  return (await import('./help-topics.js')).HELP_TOPICS.map((t) => t.name);
}

/** The words as the modules define them now. */
export const MODULE_WORDS: WordSource = {
  optionVocabulary: (at, o) => vocabularyFor(at.path, o.long ?? o.short ?? '', o.placeholder),
  argVocabulary: (at, a) => vocabularyFor(at.path, a.name),
  helpTopics,
  bulkKinds,
  actions: actionWords,
  settings: settingWords,
  async openModel(path) {
    const { openForReading, valuesStartingWith } = await import('../db/stores/model-values.js');
    const db = await openForReading(path);
    return db && { values: (kind, prefix) => valuesStartingWith(db, kind, prefix), close: () => db.close() };
  },
};

/** The candidates for the last of `words` (the words after `schoolctl`; the last may be ''). */
export async function completions(words: readonly string[]): Promise<string[]> {
  return completionsFrom(await loadSpec(), MODULE_WORDS, words);
}

export async function runComplete(words: readonly string[]): Promise<void> {
  const out = completionOutput(words, await completions(words));
  if (out) process.stdout.write(out);
}

/**
 * The command tree with every option's and argument's vocabulary and the other words (actions,
 * settings, kinds, help topics), for the fast entry: written to dist/command-spec.json at build.
 */
export async function completionSpec(tree: CommandSpec): Promise<CommandSpec> {
  const annotate = (cmd: CommandSpec, path: readonly string[]): CommandSpec => ({
    ...cmd,
    options: cmd.options.map((o) => ({ ...o, values: vocabularyFor(path, o.long ?? o.short ?? '', o.placeholder) })),
    args: cmd.args.map((a) => ({ ...a, values: vocabularyFor(path, a.name) })),
    commands: cmd.commands.map((c) => annotate(c, [...path, c.name])),
  });
  const lexicon: Lexicon = { helpTopics: await helpTopics(), bulkKinds: await bulkKinds(), actions: await actionWords(), settings: await settingWords() };
  return { ...annotate(tree, []), lexicon };
}

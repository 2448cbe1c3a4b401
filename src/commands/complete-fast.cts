// The entry the shells reach for `schoolctl __complete WORD…` (bin/schoolctl.js hands it over
// before anything else loads). It reads the words written at build time (dist/command-spec.json)
// and, for a live value, opens the model read-only and runs one indexed prefix read; it loads no
// command module, no commander, no ES-module loader, so it answers in little more than Node's own
// start-up. It never fails aloud: a missing or unreadable model gives no candidates and exit 0.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandSpec, Lexicon } from './command-spec.js';
import { completionOutput, completionsFrom, type WordSource } from './complete-core.cjs';

/** Global options that take a value, skipped when finding the first word (the same as cli.ts). */
const WITH_VALUE = new Set(['--db', '--as', '-o', '--output']);

/** The words to complete when `argv` is a completion request (`[--db X] __complete WORD…`). */
export function completionWords(argv: readonly string[]): string[] | undefined {
  for (let i = 0; i < argv.length; i++) {
    const w = argv[i];
    if (WITH_VALUE.has(w)) i++;
    else if (!w.startsWith('-')) return w === '__complete' ? [...argv.slice(0, i), ...argv.slice(i + 1)] : undefined;
  }
  return undefined;
}

function snapshotWords(lexicon: Lexicon): WordSource {
  return {
    optionVocabulary: (_at, o) => o.values,
    argVocabulary: (_at, a) => a.values,
    helpTopics: async () => lexicon.helpTopics,
    bulkKinds: async () => lexicon.bulkKinds,
    actions: async () => lexicon.actions,
    settings: async () => lexicon.settings,
    async openModel(path) {
      // Loaded only when a live value is asked for: better-sqlite3 is most of this entry's cost.
      const store: typeof import('../db/stores/model-prefix.cjs') = require('../db/stores/model-prefix.cjs');
      const db = store.openReadOnly(path);
      return db && { values: (kind, prefix) => store.valuesStartingWith(db, kind, prefix), close: () => db.close() };
    },
  };
}

/** The build's snapshot of the command words, or undefined when it is missing or older than this entry. */
export function readSnapshot(file = join(__dirname, '..', '..', 'command-spec.json')): (CommandSpec & { lexicon: Lexicon }) | undefined {
  try {
    const spec = JSON.parse(readFileSync(file, 'utf8')) as CommandSpec;
    return spec.lexicon ? (spec as CommandSpec & { lexicon: Lexicon }) : undefined;
  } catch {
    return undefined;
  }
}

/** The candidates for the last of `words`, from the snapshot and the model. */
export function snapshotCompletions(spec: CommandSpec & { lexicon: Lexicon }, words: readonly string[]): Promise<string[]> {
  return completionsFrom(spec, snapshotWords(spec.lexicon), words);
}

/**
 * Prints the candidates for `words`. False when there is no snapshot (or one older than this
 * entry): the caller then asks the full command line, which builds the words from the modules.
 */
export async function complete(words: readonly string[]): Promise<boolean> {
  const spec = readSnapshot();
  if (!spec) return false;
  process.stdout.on('error', () => process.exit(0));
  try {
    const out = completionOutput(words, await snapshotCompletions(spec, words));
    if (out) process.stdout.write(out);
  } catch {
    // A request the snapshot cannot answer: no candidates, as for an unknown word.
  }
  return true;
}

// Every command's words (subcommands, options, arguments) as plain data. Completion reads it from
// dist/command-spec.json, written at build time, so it loads no command module at all.

import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import type { ActionWords, SettingWords } from './complete-core.cjs';
import type { Vocabulary } from './vocabulary.js';

export interface OptionSpec {
  readonly long?: string;
  readonly short?: string;
  /** Whether it takes a value, and the value's placeholder (`<id>`, `<on|off>`). */
  readonly value: boolean;
  readonly placeholder?: string;
  /** The words its value takes, as the vocabulary says (written at build time). */
  readonly values?: Vocabulary;
}
export interface ArgSpec {
  readonly name: string;
  readonly variadic: boolean;
  readonly values?: Vocabulary;
}
export interface CommandSpec {
  readonly name: string;
  readonly options: readonly OptionSpec[];
  readonly args: readonly ArgSpec[];
  readonly commands: readonly CommandSpec[];
  /** On the root of the built file: every other word completion offers. */
  readonly lexicon?: Lexicon;
}

/** The words completion offers that are not in the command tree, as the modules define them. */
export interface Lexicon {
  readonly helpTopics: readonly string[];
  readonly bulkKinds: readonly string[];
  readonly actions: readonly ActionWords[];
  readonly settings: readonly SettingWords[];
}

export function specOf(cmd: Command): CommandSpec {
  return {
    name: cmd.name(),
    options: cmd.options
      .filter((o) => !o.hidden)
      .map((o) => ({ long: o.long, short: o.short, value: o.required || o.optional, placeholder: o.required || o.optional ? o.flags.split(/[ ,]+/).pop() : undefined })),
    args: cmd.registeredArguments.map((a) => ({ name: a.name(), variadic: a.variadic })),
    commands: cmd.commands.filter((c) => c.name() !== 'help').map(specOf),
  };
}

/** The whole tree, from every group's own registration (slow: it loads every command module). */
export async function buildSpec(): Promise<CommandSpec> {
  const { buildProgram, GROUPS } = await import('../cli.js');
  const root = specOf(await buildProgram([]));
  const groups: CommandSpec[] = [];
  for (const g of GROUPS) {
    const program = await buildProgram([g.name]);
    groups.push(specOf(program.commands.find((c) => c.name() === g.name)!));
  }
  return { ...root, commands: groups };
}

export const SPEC_FILE = new URL('../../command-spec.json', import.meta.url);

/** The tree written at build time, or built now when there is none (running from source). */
export async function loadSpec(): Promise<CommandSpec> {
  try {
    return JSON.parse(readFileSync(SPEC_FILE, 'utf8')) as CommandSpec;
  } catch {
    return buildSpec();
  }
}

// The entry point: global options, lazy command groups, and the one place that turns errors into
// exit statuses. Start-up loads commander alone; a group's module loads only when it runs.

import type { Command } from 'commander';
import type { Sqlite } from './db/open.js';
import { EXIT, SchoolctlError, invalid, shellWords } from './model/errors.js';
import type { CommandResult, Session } from './commands/runtime.js';
import { safeText } from './model/text-safety.js';

interface Group {
  readonly name: string;
  readonly summary: string;
  readonly load: () => Promise<{ register(program: Command): void }>;
}

/** Every command group. Modules add one line here. */
export const GROUPS: readonly Group[] = [
  { name: 'init', summary: 'create a new model: settings catalogue, six default profiles, empty site', load: () => import('./commands/init.js') },
  { name: 'demo', summary: 'build the demo site and take a short tour of whocan traces', load: () => import('./commands/demo.js') },
  { name: 'profiles', summary: 'profiles, their settings and the profile matrix', load: () => import('./commands/profiles.js') },
  { name: 'policies', summary: 'policies owned by the site or a school, and where they apply', load: () => import('./commands/policies.js') },
  { name: 'units', summary: 'the hierarchy: schools, organisations, classes and groups', load: () => import('./commands/units.js') },
  { name: 'users', summary: 'users, their profiles and unit memberships', load: () => import('./commands/users.js') },
  { name: 'courses', summary: 'courses and their teachers and learners', load: () => import('./commands/courses.js') },
  { name: 'projects', summary: 'projects (collaborative workspaces) and their members', load: () => import('./commands/projects.js') },
  { name: 'parents', summary: 'links between parents and their children', load: () => import('./commands/parents.js') },
  { name: 'terms', summary: 'terms of the site or of one school', load: () => import('./commands/terms.js') },
  { name: 'supervisor', summary: 'mentors, headteachers and their names', load: () => import('./commands/supervisor.js') },
  { name: 'ilp-templates', summary: 'Individual Learning Plan templates', load: () => import('./commands/ilp-templates.js') },
  { name: 'portal', summary: 'the schedule portal: projects (school years), user types, afdelingen, klassen, teams, secties', load: () => import('./commands/portal.js') },
  { name: 'schoolfunction', summary: 'school functions of the schedule portal: assignments, rights and Instellingen switches', load: () => import('./commands/schoolfunction.js') },
  { name: 'workflow', summary: 'workflow phases: when learners, parents and external systems see attendance, behaviour and assessment', load: () => import('./commands/workflow.js') },
  { name: 'whocan', summary: 'explain an access decision, or list everyone who is allowed', load: () => import('./commands/whocan.js') },
  { name: 'doctor', summary: 'every known misconfiguration, each with its fix', load: () => import('./commands/doctor.js') },
  { name: 'test', summary: 'access assertions for CI: who may and may not do what, with traces for failures', load: () => import('./commands/test.js') },
  { name: 'import', summary: 'import a CSV file of one kind (users, units, enrolments …), all or nothing', load: () => import('./commands/import.js') },
  { name: 'export', summary: 'export one kind as CSV or JSON, or the whole site as the file apply reads', load: () => import('./commands/export.js') },
  { name: 'apply', summary: 'make the model match a declarative site file (--plan shows the changes first)', load: () => import('./commands/apply.js') },
  { name: 'generate', summary: 'a synthetic site of any size, deterministic from a seed, as CSV files or a model', load: () => import('./commands/generate.js') },
  { name: 'upgrade', summary: "bring a model written by an older schoolctl to this version's schema", load: () => import('./commands/upgrade.js') },
  { name: 'diff-access', summary: 'who gains and who loses which access compared with another model file', load: () => import('./commands/diff-access.js') },
  { name: 'audit', summary: 'who changed what, when, with which command', load: () => import('./commands/audit.js') },
  { name: 'completion', summary: 'the shell completion script for bash, zsh or fish', load: () => import('./commands/completion.js') },
];

export const GLOBAL_OPTIONS: readonly [flags: string, description: string][] = [
  ['--db <file>', 'the model (default: $SCHOOLCTL_DB, else ./schoolctl.db)'],
  ['--json', 'machine output on stdout, one JSON document (short for -o json)'],
  ['-o, --output <format>', 'table, plain, json, csv or yaml, for listings and whocan'],
  ['--wide', 'tables at full width, however wide the terminal'],
  ['--no-pager', 'never page long output (it is paged only on a terminal)'],
  ['--as <user>', 'act as that user: the change is checked against their rights'],
  ['--no-input', 'never prompt; a missing argument is an error'],
  ['--yes', 'confirm destructive changes without asking'],
  ['--quiet', 'no progress or hints on stderr'],
  ['--no-color', 'no colours (also NO_COLOR, or when stdout is not a TTY)'],
  ['--dry-run', 'make a change in a transaction that is rolled back; print it and its access diff'],
];

const VERSION = '0.1.0';
/** Groups with a --version option of their own (the OneRoster version of an export). */
const GROUPS_WITH_VERSION_OPTION = new Set(['export']);
const DESCRIPTION = "A school site's access set-up in one SQLite file, with every access decision explained.";
const EXAMPLES = [
  'schoolctl demo',
  'schoolctl whocan messages --user j.devries',
  'schoolctl whocan create-courses unit:north',
  'schoolctl profiles matrix --section privacy',
];

function globalOptions(program: Command): Command {
  for (const [flags, description] of GLOBAL_OPTIONS) program.option(flags, description);
  return program;
}

/** Help pages wrap at this width, so they read on an 80-column terminal. */
export const HELP_WIDTH = 80;

const EXIT_STATUS = [
  '0  done, or allowed',
  '1  denied: a whocan deny, an --as refusal, a failed test, doctor errors',
  '2  invalid input (nothing changed)',
  '3  anything else: no model, an unreadable, read-only, newer or locked model',
  '4  held: --max-loss/--max-gain stopped a change, or --exit-code found changes',
  'A closed stdout (a pipe into head) ends the command quietly with exit 0.',
];

/** Words of `text` in lines of at most `width` columns. */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** The top-level help, written without loading commander: `schoolctl --help` stays instant. */
export function topHelp(): string {
  let width = 0;
  for (const [f] of GLOBAL_OPTIONS) width = Math.max(width, f.length);
  for (const g of GROUPS) width = Math.max(width, g.name.length);
  width += 2;
  const row = (left: string, right: string) =>
    wrapWords(right, HELP_WIDTH - width - 2)
      .map((l, i) => `  ${(i === 0 ? left : '').padEnd(width)}${l}`)
      .join('\n');
  return [
    'Usage: schoolctl [options] [command]',
    '',
    ...wrapWords(DESCRIPTION, HELP_WIDTH),
    '',
    'Options:',
    ...GLOBAL_OPTIONS.map(([f, d]) => row(f, d)),
    row('--version', 'output the version number'),
    row('-h, --help', 'display help for command'),
    '',
    'Commands:',
    ...GROUPS.map((g) => row(g.name, g.summary)),
    '',
    'Run "schoolctl COMMAND --help" for a command\'s options and examples, and',
    '"schoolctl help" for the topics (trace, policies, workflow, exit-codes …).',
    '',
    'Exit status:',
    ...EXIT_STATUS.map((l) => `  ${l}`),
    '',
    'Examples:',
    ...EXAMPLES.map((e) => `  $ ${e}`),
    '',
  ].join('\n');
}

/** The first word that is not an option or an option's value: the command group. */
function groupWord(argv: readonly string[]): string | undefined {
  const withValue = new Set(['--db', '--as', '-o', '--output']);
  for (let i = 0; i < argv.length; i++) {
    const w = argv[i];
    if (withValue.has(w)) i++;
    else if (!w.startsWith('-')) return w;
  }
  return undefined;
}

/** The program with the named group's commands registered (the others as names only). */
export async function buildProgram(argv: readonly string[]): Promise<Command> {
  const { Command } = await import('commander');
  const program = globalOptions(new Command('schoolctl'))
    .description(DESCRIPTION)
    .showHelpAfterError(false)
    // Suggestions come from main, worded like every other "did you mean".
    .showSuggestionAfterError(false)
    .configureHelp({ showGlobalOptions: true, helpWidth: HELP_WIDTH, minWidthToWrap: 20 })
    .exitOverride()
    .configureOutput({
      // A missing argument is reported (or asked for) by main, with the values it takes.
      outputError: (str, write) => {
        if (!/missing required argument|required option .* not specified|option .* argument missing|unknown (command|option)/.test(str)) write(str.replace(/^error: /, 'schoolctl: '));
      },
    })
    .addHelpText('after', `\nExamples:\n${EXAMPLES.map((e) => `  $ ${e}`).join('\n')}\n`);

  const word = groupWord(argv);
  const group = GROUPS.find((g) => g.name === word);
  // `export oneroster DIR --version 1.2` has its own --version; everywhere else it is the program's.
  if (!GROUPS_WITH_VERSION_OPTION.has(word ?? '')) program.version(VERSION, '--version');
  if (group) {
    (await group.load()).register(program);
    const { examplesOf, examples } = await import('./commands/runtime.js');
    // A group page shows the first example of each of its commands; every page wraps at 80 columns.
    const groupExamples = (cmd: Command): readonly string[] => {
      for (const c of cmd.commands) groupExamples(c);
      cmd.configureHelp({ showGlobalOptions: true, helpWidth: HELP_WIDTH, minWidthToWrap: 20 });
      if (cmd.commands.length && !examplesOf(cmd).length) {
        examples(cmd, cmd.commands.map((c) => examplesOf(c)[0]).filter((e): e is string => e !== undefined).slice(0, 8));
      }
      return examplesOf(cmd);
    };
    for (const cmd of program.commands) groupExamples(cmd);
    const { GROUP_TOPICS } = await import('./commands/help-topics.js');
    const topics = GROUP_TOPICS[group.name];
    const cmd = program.commands.find((c) => c.name() === group.name);
    if (topics && cmd) cmd.addHelpText('after', `\nSee also "schoolctl help TOPIC" for: ${topics.join(', ')}.\n`);
  } else {
    for (const g of GROUPS) program.command(g.name).description(g.summary);
  }
  return program;
}

/** A closed stdout or stderr (a pipe into head) ends the command quietly: exit 0, nothing more written. */
function endQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') process.exit(EXIT.ok);
      throw e;
    });
  }
}

/**
 * Output into a pipe is written before the next piece is made: Node queues what a full pipe does
 * not take at once, so a 21 MB JSON document (whocan --user U --all of a portal admin at 200,000
 * users) held about 100 MB more in a pipe than written to a file.
 */
function writePipesThrough(): void {
  const handle = (process.stdout as unknown as { _handle?: { setBlocking?(blocking: boolean): void } })._handle;
  if (!process.stdout.isTTY) handle?.setBlocking?.(true);
}

export async function main(argv: string[]): Promise<void> {
  endQuietlyOnClosedPipe();
  writePipesThrough();
  // The shells' completion entry point: no commander parse, no output but the candidates.
  if (groupWord(argv) === '__complete') {
    const at = argv.indexOf('__complete');
    return (await import('./commands/complete.js')).runComplete([...argv.slice(0, at), ...argv.slice(at + 1)]);
  }
  if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h')) return void process.stdout.write(topHelp());
  if (argv.length === 1 && argv[0] === '--version') return void process.stdout.write(`${VERSION}\n`);
  if (argv.length === 0) {
    process.stderr.write(topHelp());
    process.exitCode = EXIT.invalid;
    return;
  }
  if (groupWord(argv) === 'help') return helpCommand(argv.slice(argv.indexOf('help') + 1).filter((w) => !w.startsWith('-')));
  const { CommanderError } = await import('commander');
  const render = await import('./commands/render.js');
  await render.configureColour(argv);
  let json = argv.includes('--json');
  let words = argv;
  // A missing argument is asked for at a terminal and the line run again with the answer.
  for (let asked = 0; ; asked++) {
    try {
      const format = render.configureOutput(words).format;
      json = format === 'json';
      const program = await buildProgram(words);
      await program.parseAsync(words, { from: 'user' });
      return;
    } catch (e) {
      let error = e;
      try {
        const code = (e as { code?: string })?.code;
        if (code === 'commander.unknownCommand' || code === 'commander.unknownOption') error = await (await import('./commands/usage.js')).explainUnknown(words, e as Error & { code: string });
        const ask = isMissing(e) ? await import('./commands/ask.js') : undefined;
        const missing = ask?.missingOf(e);
        if (ask && missing) {
          const more = asked < 10 && ask.canAsk(words, render.outputSettings().format) ? await ask.askFor(words, missing) : undefined;
          if (more) {
            words = more;
            continue;
          }
          error = await ask.explainMissing(words, missing, (e as Error).message);
        }
      } catch (inner) {
        error = (inner as Error)?.name === 'ExitPromptError' ? invalid('not-answered', 'Nothing changed: the question was not answered.') : inner;
      }
      process.exitCode = exitFor(error, json, CommanderError, render.renderDecision);
      return;
    }
  }
}

/** `schoolctl help [TOPIC|COMMAND]`: a concept page, a command's help, or the list of both. */
async function helpCommand(words: readonly string[]): Promise<void> {
  const { findTopic, topicIndex, HELP_TOPICS } = await import('./commands/help-topics.js');
  const name = words[0];
  if (name === undefined) return void process.stdout.write(`${topHelp()}\n${topicIndex()}\n`);
  const topic = findTopic(name);
  if (topic) return void process.stdout.write(`${topic.name}: ${topic.title}\n\n${topic.text}\n`);
  if (GROUPS.some((g) => g.name === name)) return main([...words, '--help']);
  const { didYouMean } = await import('./model/did-you-mean.js');
  const names = [...HELP_TOPICS.map((t) => t.name), ...GROUPS.map((g) => g.name)];
  process.stderr.write(`schoolctl: There is no help topic or command "${name}"${didYouMean(name, names) || '.'} Topics: ${HELP_TOPICS.map((t) => t.name).join(', ')}.\n`);
  process.exitCode = EXIT.invalid;
}

/** A commander usage error about a missing argument or option, or a command's own missing value. */
function isMissing(e: unknown): boolean {
  const code = (e as { code?: string })?.code;
  return code === 'commander.missingArgument' || code === 'commander.missingMandatoryOptionValue' || code === 'commander.optionMissingArgument' || code === 'missing-argument';
}

/**
 * Runs one schoolctl command line in-process on an open connection: its change becomes a
 * savepoint of the caller's transaction, and nothing is printed. Usage errors come back as
 * invalid input, naming the line; a command's own errors are thrown as they are.
 */
export async function runCommand(sqlite: Sqlite, words: readonly string[]): Promise<CommandResult | undefined> {
  const { CommanderError } = await import('commander');
  const line = shellWords(words);
  // Only words before `--` are options; after it a name may look like one.
  const end = words.indexOf('--');
  const dbAt = (end < 0 ? words : words.slice(0, end)).findIndex((w) => w === '--db' || w.startsWith('--db='));
  if (dbAt >= 0) throw invalid('bad-command', `"schoolctl ${line}" names --db; a command run on this model takes none.`);
  const program = await buildProgram(words);
  const errors: string[] = [];
  program.configureOutput({ writeOut: () => {}, writeErr: (s) => errors.push(s), outputError: (s) => errors.push(s) });
  for (const sub of program.commands) sub.exitOverride().configureOutput({ writeOut: () => {}, writeErr: (s) => errors.push(s), outputError: (s) => errors.push(s) });
  const { inSession } = await import('./commands/runtime.js');
  const session: Session = { sqlite, argv: words, notes: [] };
  try {
    await inSession(session, () => program.parseAsync([...words], { from: 'user' }));
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.help' || e.code === 'commander.version') return undefined;
      throw invalid('bad-command', `"schoolctl ${line}" is not a command schoolctl runs: ${e.message.replace(/^error: /, '')}`);
    }
    throw e;
  }
  return session.result;
}

function exitFor(
  e: unknown,
  json: boolean,
  CommanderError: typeof import('commander').CommanderError,
  renderDecision: typeof import('./commands/render.js').renderDecision,
): number {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
    if (json) writeJsonError('usage', e.message.replace(/^error: /, ''));
    return EXIT.invalid;
  }
  if (e instanceof SchoolctlError) {
    process.stderr.write(`schoolctl: ${safeText(e.message, { newline: true })}\n`);
    if (e.exitStatus === EXIT.denied && e.payload) {
      if (json) process.stdout.write(`${JSON.stringify(e.payload, null, 2)}\n`);
      else process.stderr.write(`${renderDecision(e.payload as Parameters<typeof renderDecision>[0])}\n`);
    } else if (json) {
      writeJsonError(e.code, e.message);
    }
    return e.exitStatus;
  }
  const err = e as { code?: string; message?: string; stack?: string };
  if (err?.code === 'SQLITE_READONLY') {
    const msg = 'The model is read-only and this command changes it; nothing was changed.';
    process.stderr.write(`schoolctl: ${msg}\n`);
    if (json) writeJsonError('read-only-model', msg);
    return EXIT.other;
  }
  if (err?.code === 'SQLITE_BUSY' || err?.code === 'SQLITE_LOCKED') {
    const msg = 'The model is locked by another writer and stayed locked for 10 s; try again when it is done.';
    process.stderr.write(`schoolctl: ${msg}\n`);
    if (json) writeJsonError('locked', msg);
    return EXIT.other;
  }
  const msg = `internal error: ${err?.message ?? String(e)}. This is a bug in schoolctl; run with DEBUG=schoolctl for the stack and report it.`;
  process.stderr.write(`schoolctl: ${msg}\n`);
  if (process.env.DEBUG?.includes('schoolctl') && err?.stack) process.stderr.write(`${err.stack}\n`);
  if (json) writeJsonError('internal', msg);
  return EXIT.other;
}

function writeJsonError(code: string, message: string): void {
  process.stdout.write(`${JSON.stringify({ error: { code, message } }, null, 2)}\n`);
}

/** Every help page as printed (the top level, each group, each command), for tests of their examples. */
export async function helpPages(): Promise<{ command: string; text: string }[]> {
  const pages = [{ command: 'schoolctl', text: topHelp() }];
  for (const g of GROUPS) {
    const program = await buildProgram([g.name]);
    const walk = (cmd: Command, path: string) => {
      let text = '';
      cmd.configureOutput({ writeOut: (s) => void (text += s), writeErr: (s) => void (text += s) });
      cmd.outputHelp();
      pages.push({ command: path, text });
      for (const sub of cmd.commands) walk(sub, `${path} ${sub.name()}`);
    };
    const top = program.commands.find((c) => c.name() === g.name);
    if (top) walk(top, `schoolctl ${g.name}`);
  }
  return pages;
}

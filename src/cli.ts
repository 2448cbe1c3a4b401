// The entry point: global options, lazy command groups, and the one place that turns errors into
// exit statuses. Start-up loads commander alone; a group's module loads only when it runs.

import type { Command } from 'commander';
import type { Sqlite } from './db/open.js';
import { EXIT, SchoolctlError, invalid, shellWords } from './model/errors.js';
import type { CommandResult, Session } from './commands/runtime.js';
import { configureColour, renderDecision } from './commands/render.js';
import { safeText } from './model/text-safety.js';

interface Group {
  readonly name: string;
  readonly summary: string;
  readonly load: () => Promise<{ register(program: Command): void }>;
}

/** Every command group. Modules add one line here. */
const GROUPS: readonly Group[] = [
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
];

const GLOBAL_OPTIONS: readonly [flags: string, description: string][] = [
  ['--db <file>', 'the model (default: $SCHOOLCTL_DB, else ./schoolctl.db)'],
  ['--json', 'machine output on stdout, one JSON document'],
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
function topHelp(): string {
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
    'Run "schoolctl COMMAND --help" for a command\'s options and examples.',
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
  const withValue = new Set(['--db', '--as']);
  for (let i = 0; i < argv.length; i++) {
    const w = argv[i];
    if (withValue.has(w)) i++;
    else if (!w.startsWith('-')) return w;
  }
  return undefined;
}

/** The program with the named group's commands registered (the others as names only). */
async function buildProgram(argv: readonly string[]): Promise<Command> {
  const { Command } = await import('commander');
  const program = globalOptions(new Command('schoolctl'))
    .description(DESCRIPTION)
    .showHelpAfterError(false)
    .configureHelp({ showGlobalOptions: true, helpWidth: HELP_WIDTH, minWidthToWrap: 20 })
    .exitOverride()
    .configureOutput({
      outputError: (str, write) => write(str.replace(/^error: /, 'schoolctl: ')),
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

export async function main(argv: string[]): Promise<void> {
  endQuietlyOnClosedPipe();
  if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h')) return void process.stdout.write(topHelp());
  if (argv.length === 1 && argv[0] === '--version') return void process.stdout.write(`${VERSION}\n`);
  if (argv.length === 0) {
    process.stderr.write(topHelp());
    process.exitCode = EXIT.invalid;
    return;
  }
  const { CommanderError } = await import('commander');
  await configureColour(argv);
  const json = argv.includes('--json');
  const program = await buildProgram(argv);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    process.exitCode = exitFor(e, json, CommanderError);
  }
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

function exitFor(e: unknown, json: boolean, CommanderError: typeof import('commander').CommanderError): number {
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

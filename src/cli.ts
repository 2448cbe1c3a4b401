// The entry point: global options, lazy command groups, and the one place that turns errors into
// exit statuses. Start-up loads commander alone; a group's module loads only when it runs.

import { Command, CommanderError } from 'commander';
import { EXIT, SchoolctlError } from './model/errors.js';
import { configureColour, renderDecision } from './commands/render.js';

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
  { name: 'whocan', summary: 'explain an access decision, or list everyone who is allowed', load: () => import('./commands/whocan.js') },
  { name: 'doctor', summary: 'every known misconfiguration, each with its fix', load: () => import('./commands/doctor.js') },
  { name: 'import', summary: 'import a CSV file of one kind (users, units, enrolments …), all or nothing', load: () => import('./commands/import.js') },
  { name: 'export', summary: 'export one kind as CSV or JSON, or the whole site as the file apply reads', load: () => import('./commands/export.js') },
  { name: 'apply', summary: 'make the model match a declarative site file (--plan shows the changes first)', load: () => import('./commands/apply.js') },
  { name: 'generate', summary: 'a synthetic site of any size, deterministic from a seed, as CSV files or a model', load: () => import('./commands/generate.js') },
  { name: 'audit', summary: 'who changed what, when, with which command', load: () => import('./commands/audit.js') },
];

function globalOptions(program: Command): Command {
  return program
    .option('--db <file>', 'the model (default: $SCHOOLCTL_DB, else ./schoolctl.db)')
    .option('--json', 'machine output on stdout, one JSON document')
    .option('--as <user>', 'act as that user: the change is checked against their rights')
    .option('--no-input', 'never prompt; a missing argument is an error')
    .option('--yes', 'confirm destructive changes without asking')
    .option('--quiet', 'no progress or hints on stderr')
    .option('--no-color', 'no colours (also NO_COLOR, or when stdout is not a TTY)');
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

export async function main(argv: string[]): Promise<void> {
  configureColour(argv);
  const json = argv.includes('--json');
  const program = globalOptions(new Command('schoolctl'))
    .description('A school site\'s access set-up in one SQLite file, with every access decision explained.')
    .version('0.1.0', '--version')
    .showHelpAfterError(false)
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    .configureOutput({
      outputError: (str, write) => write(str.replace(/^error: /, 'schoolctl: ')),
    })
    .addHelpText(
      'after',
      '\nExamples:\n  $ schoolctl demo\n  $ schoolctl whocan messages --user j.devries\n  $ schoolctl whocan create-courses unit:north\n  $ schoolctl profiles matrix --section privacy\n',
    );

  const word = groupWord(argv);
  const group = GROUPS.find((g) => g.name === word);
  if (group) {
    (await group.load()).register(program);
  } else {
    for (const g of GROUPS) program.command(g.name).description(g.summary);
  }

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    process.exitCode = exitFor(e, json);
  }
}

function exitFor(e: unknown, json: boolean): number {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
    if (json) writeJsonError('usage', e.message.replace(/^error: /, ''));
    return EXIT.invalid;
  }
  if (e instanceof SchoolctlError) {
    process.stderr.write(`schoolctl: ${e.message}\n`);
    if (e.exitStatus === EXIT.denied && e.payload) {
      if (json) process.stdout.write(`${JSON.stringify(e.payload, null, 2)}\n`);
      else process.stderr.write(`${renderDecision(e.payload as Parameters<typeof renderDecision>[0])}\n`);
    } else if (json) {
      writeJsonError(e.code, e.message);
    }
    return e.exitStatus;
  }
  const err = e as { code?: string; message?: string; stack?: string };
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

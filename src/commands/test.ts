// `test FILE.yaml…`: access assertions for CI, each judged by the one engine over one set of facts
// per file, in this one process. `test --write FILE` pins the site's current answers as a test file.

import type { Command } from 'commander';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { accessTestText, readAccessTestFile, type AccessTestFile } from '../db/access-tests/test-file.js';
import { siteFileModel, siteQuestions } from '../db/access-tests/test-site.js';
import { DOCTOR_CHECKS, runDoctorChecks, type Finding } from '../db/doctor/doctor-checks.js';
import { createFacts } from '../db/facts/sqlite-facts.js';
import { openModel, type Sqlite } from '../db/open.js';
import { pinCurrentAnswers } from '../model/access-test-pins.js';
import { evaluateAssertion, type AccessTestEnv } from '../model/access-tests.js';
import { EXIT, SchoolctlError, invalid, shellWords } from '../model/errors.js';
import { decisionEngine } from '../model/registry.js';
import type { Decision } from '../model/trace.js';
import { humanReport, junitReport, tapReport, type TestedAssertion, type TestedFile, type TestRun } from './test-reports.js';
import { action, examples, requireInputFile, type Ctx } from './runtime.js';

const FORMATS = ['junit', 'tap', 'json'] as const;
type Format = (typeof FORMATS)[number];

interface TestOpts {
  format?: string;
  write?: string;
}

function env(db: Sqlite): AccessTestEnv {
  const facts = createFacts(db);
  let findings: Finding[] | undefined;
  return { engine: decisionEngine(), facts, doctorFindings: () => (findings ??= runDoctorChecks(db, facts)) };
}

/** The model a test file is judged on: its model, its site file on a temporary model, or --db. */
async function modelFor(ctx: Ctx, file: AccessTestFile, opened: Map<string, Sqlite>): Promise<{ db: Sqlite; site: string }> {
  if (!file.site) return { db: await ctx.open(), site: `model ${ctx.dbPath}` };
  const key = `${file.site.kind}:${file.site.path}`;
  let db = opened.get(key);
  if (!db) {
    try {
      db = file.site.kind === 'model' ? await openModel(file.site.path) : await siteFileModel(file.site.path);
    } catch (e) {
      if (e instanceof SchoolctlError) throw invalid('bad-test-file', `${file.path}:${file.site.line}: ${file.site.kind} ${file.site.path}: ${e.message}`);
      throw e;
    }
    opened.set(key, db);
  }
  return { db, site: `${file.site.kind} ${file.site.path}` };
}

async function runFile(ctx: Ctx, file: AccessTestFile, opened: Map<string, Sqlite>, problems: string[]): Promise<TestedFile> {
  const { db, site } = await modelFor(ctx, file, opened);
  const { runCommand } = await import('../cli.js');
  const results: TestedAssertion[] = [];
  // What-if commands and every assertion see one snapshot; nothing of it is kept.
  db.exec('BEGIN');
  try {
    for (const w of file.whatIf) {
      try {
        await runCommand(db, w.words);
      } catch (e) {
        if (!(e instanceof SchoolctlError)) throw e;
        throw invalid('bad-test-file', `${file.path}:${w.line}: what-if "schoolctl ${shellWords(w.words)}" failed: ${e.message}`);
      }
    }
    // Fix assertions compare with what whocan prints: the narrowest verified fix (whose reach
    // alone is measured, as whocan's human answer does).
    const { verifiedDecision } = await import('./fix-check.js');
    const fixDecisions = new Map<unknown, Decision>();
    for (const { assertion } of file.assertions) {
      if (assertion.kind !== 'fix') continue;
      const q = assertion.question;
      try {
        fixDecisions.set(assertion, await verifiedDecision(db, decisionEngine(), q.action, assertion.user, q.target, { term: q.term, project: q.project }, 'narrowest'));
      } catch (err) {
        if (!(err instanceof SchoolctlError) || err.exitStatus !== EXIT.invalid) throw err;
      }
    }
    const e: AccessTestEnv = { ...env(db), fixDecision: (a) => fixDecisions.get(a) };
    for (const { assertion, line } of file.assertions) {
      const started = performance.now();
      try {
        const r = evaluateAssertion(e, assertion);
        results.push({ ...r, file: file.path, line, ms: performance.now() - started });
      } catch (err) {
        if (!(err instanceof SchoolctlError) || err.exitStatus !== EXIT.invalid) throw err;
        problems.push(`${file.path}:${line}: "${assertion.name}": ${err.message}`);
      }
    }
  } finally {
    if (db.inTransaction) db.exec('ROLLBACK');
  }
  return { file: file.path, site, whatIf: file.whatIf.map((w) => shellWords(w.words)), results };
}

async function runTests(ctx: Ctx, paths: string[], format: Format | undefined) {
  if (!paths.length) throw invalid('missing-file', 'Give one or more test files (schoolctl test access.yaml), or --write FILE to write one.');
  const checks = DOCTOR_CHECKS.map((c) => c.key);
  const files: AccessTestFile[] = [];
  const problems: string[] = [];
  for (const p of paths) {
    requireInputFile(p, 'give a test file (YAML)');
    try {
      files.push(readAccessTestFile(p, readFileSync(p, 'utf8'), checks));
    } catch (e) {
      if (!(e instanceof SchoolctlError)) throw e;
      problems.push(e.message);
    }
  }
  if (problems.length) throw invalid('bad-test-file', problems.join('\n'));
  const opened = new Map<string, Sqlite>();
  const tested: TestedFile[] = [];
  try {
    for (const f of files) tested.push(await runFile(ctx, f, opened, problems));
  } finally {
    for (const db of opened.values()) db.close();
  }
  if (problems.length) throw invalid('bad-test-file', `${problems.length} assertion(s) cannot be judged; nothing was reported:\n${problems.join('\n')}`);
  const all = tested.flatMap((f) => f.results);
  const failed = all.filter((r) => !r.passed).length;
  const run: TestRun = { passed: all.length - failed, failed, files: tested };
  const exitStatus = failed ? EXIT.denied : EXIT.ok;
  if (format === 'junit' || format === 'tap') {
    ctx.note(`${run.passed} passed, ${run.failed} failed`);
    return { data: run, human: format === 'junit' ? await junitReport(run, new Date()) : tapReport(run), exitStatus };
  }
  if (format === 'json') return { data: run, human: '', asJson: true, exitStatus };
  return { data: run, human: humanReport(run), exitStatus };
}

async function writeTests(ctx: Ctx, out: string, paths: string[]) {
  if (paths.length) throw invalid('bad-arguments', `--write writes one test file and runs none; give the test files (${paths.join(', ')}) without --write.`);
  const db = await ctx.open();
  const e = env(db);
  const today = new Date().toISOString().slice(0, 10);
  const groups = pinCurrentAnswers(e, siteQuestions(db, e.facts, today));
  const count = groups.reduce((n, g) => n + g.assertions.length, 0);
  const header = [
    `Access tests written by "schoolctl test --write" on ${today}: the answers the model gave then.`,
    'Run: schoolctl --db MODEL test THIS-FILE (exit 0 all pass, 1 any fails, 2 a bad file).',
    'Edit freely: rename, delete or add assertions. Kinds: allow, deny (user), who (users, or',
    'includes/excludes), only (users, profiles, units), fix (user, command), doctor (none or check',
    'keys). Add "site: FILE.yaml" or "model: FILE.db" to name the site, "what-if:" for commands on top.',
  ];
  const text = accessTestText(groups, header);
  if (out === '-') return { data: { written: '-', assertions: count }, human: text.trimEnd() };
  if (existsSync(out)) await ctx.confirm(`${out} exists; replace it with the pinned answers?`);
  writeFileSync(out, text);
  return { data: { written: out, assertions: count }, human: `Wrote ${out}: ${count} assertion(s) pinning the current answers; run "schoolctl test ${shellWords([out])}".` };
}

async function test(ctx: Ctx, paths: string[], opts: TestOpts) {
  if (opts.format !== undefined && !FORMATS.includes(opts.format as Format)) {
    throw invalid('bad-format', `--format "${opts.format}" is not a report format; valid: ${FORMATS.join(', ')}.`);
  }
  if (opts.format && ctx.json && opts.format !== 'json') throw invalid('bad-format', `--json and --format ${opts.format} ask for two reports; give one.`);
  if (opts.write !== undefined) return writeTests(ctx, opts.write, paths);
  return runTests(ctx, paths, opts.format as Format | undefined);
}

export function register(program: Command): void {
  examples(
    program
      .command('test')
      .argument('[files...]', 'test files (YAML): a site, and named assertions about who may do what')
      .option('--format <format>', `a machine report on stdout: ${FORMATS.join(', ')} (JUnit XML, TAP 14, the JSON document)`)
      .option('--write <file>', 'write a test file pinning the current answers (menus, behaviour, user management, doctor); - for stdout')
      .description('access assertions for CI: exit 0 when all pass, 1 when any fails (each failure with its trace), 2 for a bad test file')
      .addHelpText(
        'after',
        '\nA test file names its site ("site: FILE.yaml", applied to a temporary model,\n' +
          'or "model: FILE.db"; without either, the model of --db), optional "what-if:"\n' +
          'commands run on top and rolled back, and "tests:", each with a name and one\n' +
          'of: allow/deny (user), who (users, or includes/excludes), only (users,\n' +
          'profiles, units), fix (user, command) and doctor (none, or check keys). All\n' +
          'but doctor take target, term and project as whocan does.',
      )
      .action(action(test)),
    [
      'schoolctl test fixtures/demo-access.yaml',
      'schoolctl test fixtures/demo-access.yaml --format junit > access-report.xml',
      'schoolctl test --write access.yaml',
    ],
  );
}

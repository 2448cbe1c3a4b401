// What every command shares: global options, opening the model, one transaction per change with
// its audit record, `--as` guards judged by the decision engine, and printing a result.

import type { Command } from 'commander';
import { AsyncLocalStorage } from 'node:async_hooks';
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { recordAudit } from '../db/stores/audit-store.js';
import { mayHaveImpact } from '../db/doctor/impact-kinds.js';
import { createModelFile, openModel, scratchModel, type NewModel, type Sqlite } from '../db/open.js';
import { driftMark, driftWarnings } from '../db/rosters/sync-records.js';
import { createFacts } from '../db/facts/sqlite-facts.js';
import { ChangeLog, snapshot, touchedBy } from '../db/change-log.js';
import { confirmNoEscalation } from '../model/escalation.js';
import { actionNeed, needsSentence, VERIFIED_UP_TO, whoCould, type Need, type WhoCouldVerify } from '../model/refusal.js';
import type { DB } from '../db/schema.js';
import type { Facts } from '../model/facts.js';
import { decisionEngine } from '../model/registry.js';
import { EXIT, SchoolctlError, held, invalid, shellWords } from '../model/errors.js';
import { firstUnsafeCharacter, safeText } from '../model/text-safety.js';
import { writeJsonTo } from './json-out.js';
import { terminalSafe } from './render.js';
import { accessDiff, type AccessDiff } from '../model/access-surface.js';
import { brokenLimit, summarize, type Limits } from '../model/access-summary.js';
import { changedFacts, openBefore, stopTracking, trackChanges } from '../db/change-tracking.js';
import { accessDiffJson, accessSummaryLines, renderAccessDiff } from './access-render.js';
import type { Decision, Target } from '../model/trace.js';
import { outputSettings, takeTables, type OutputFormat } from './render.js';

export interface GlobalOptions {
  db?: string;
  json?: boolean;
  as?: string;
  input?: boolean;
  yes?: boolean;
  quiet?: boolean;
  color?: boolean;
  dryRun?: boolean;
  output?: string;
  wide?: boolean;
  pager?: boolean;
}

export interface CommandResult {
  /** The `--json` document. */
  readonly data: unknown;
  /** The human rendering, printed on stdout. */
  readonly human: string;
  readonly exitStatus?: number;
  /** Print `data` as the JSON document even without --json (a report format that is JSON). */
  readonly asJson?: boolean;
}

export interface AuditChange {
  readonly entity: string;
  readonly id: string;
  readonly before: unknown;
  readonly after: unknown;
}

/**
 * A command run in-process on a connection that is already open (the demo's moves, `--what-if`,
 * verifying a fix): its change nests as a savepoint in the caller's transaction, and its result
 * is kept here instead of being printed.
 */
export interface Session {
  readonly sqlite: Sqlite;
  readonly argv: readonly string[];
  readonly notes: string[];
  result?: CommandResult;
}

const sessions = new AsyncLocalStorage<Session>();

export function inSession<T>(session: Session, fn: () => Promise<T>): Promise<T> {
  return sessions.run(session, fn);
}

export class Tx {
  readonly changes: AuditChange[] = [];
  constructor(
    private readonly kysely: Kysely<DB> | undefined,
    readonly sqlite: Sqlite,
  ) {}
  /** The query builder; absent in a change declared `raw` (it writes through `sqlite` only). */
  get db(): Kysely<DB> {
    if (!this.kysely) throw new Error('this change was declared raw: it writes through tx.sqlite, without the query builder');
    return this.kysely;
  }
  record(entity: string, id: string, before: unknown, after: unknown): void {
    if (JSON.stringify(before) !== JSON.stringify(after)) this.changes.push({ entity, id, before: before ?? null, after: after ?? null });
  }
}

export class Ctx {
  private sqliteDb?: Sqlite;
  private kyselyDb?: Kysely<DB>;

  constructor(
    readonly opts: GlobalOptions,
    readonly argv: readonly string[],
  ) {}

  /** Set by `action` for commands that only read the model: it is opened as it is. */
  readOnly = false;
  /** A new model being built beside its target (init, demo, apply, generate --db). */
  private newModel?: NewModel;
  /** The old model held under its write lock while a new one replaces it (init --force). */
  replacing?: { moveAside(): string; release(): void; backup?: string };

  get dbPath(): string {
    return modelPath(this.opts.db ?? (process.env.SCHOOLCTL_DB || undefined) ?? './schoolctl.db');
  }

  /** `--json` or `-o json`: one JSON document on stdout, nothing else. */
  get json(): boolean {
    return this.opts.json === true || this.opts.output === 'json';
  }

  /** `-o json|yaml|csv`: a document for programs, so no prompts and no progress. */
  get machineOutput(): boolean {
    return this.json || this.opts.output === 'yaml' || this.opts.output === 'csv';
  }

  /** Prompts only on a TTY, never under CI or --no-input. */
  get interactive(): boolean {
    return this.opts.input !== false && !process.env.CI && process.stdin.isTTY === true && process.stderr.isTTY === true && !this.machineOutput;
  }

  get actor(): string {
    return this.opts.as ?? `owner:${safeUsername()}`;
  }

  /** The session this command runs in, when it runs in-process on a caller's connection. */
  private readonly session = sessions.getStore();

  /** Whether this command runs in-process for a caller (runCommand): nothing of it is printed. */
  get inSession(): boolean {
    return this.session !== undefined;
  }

  /** Whether the command judged or made a change: `--as` on anything else means nothing. */
  actedAs = false;

  /** The model; with `create`, a new one built beside the target and renamed into place when the command succeeds. */
  async open(create = false): Promise<Sqlite> {
    if (!this.sqliteDb) {
      if (this.session) this.sqliteDb = this.session.sqlite;
      else if (create) {
        this.newModel = await createModelFile(this.dbPath);
        this.sqliteDb = this.newModel.db;
      } else this.sqliteDb = await openModel(this.dbPath, { mode: this.readOnly ? 'read' : 'write' });
      this.checkActor();
    }
    return this.sqliteDb;
  }

  /** A throw-away model in memory (a plan for a model that does not exist yet). */
  async openScratch(): Promise<Sqlite> {
    this.sqliteDb ??= await scratchModel();
    return this.sqliteDb;
  }

  /** `--as` names a real user of this model (exit 2 otherwise), so the audit always has a real actor. */
  private checkActor(): void {
    const as = this.opts.as;
    if (as === undefined) return;
    if (as.trim() === '') throw invalid('bad-as', '--as needs a username: the user whose rights the change is judged by (for example --as a.visser).');
    if (as === 'external' || !this.facts().user(as)) {
      throw invalid('unknown-user', `--as "${safeText(as)}" is not a user of this model; "schoolctl users list" shows them.`);
    }
  }

  get sqlite(): Sqlite {
    if (!this.sqliteDb) throw new Error('model not opened');
    return this.sqliteDb;
  }

  /** The query builder, loaded only by commands that use it (whocan stays on raw statements). */
  async kdb(): Promise<Kysely<DB>> {
    if (!this.kyselyDb) {
      const { Kysely, SqliteDialect } = await import('kysely');
      this.kyselyDb = new Kysely<DB>({ dialect: new SqliteDialect({ database: this.sqlite }) });
    }
    return this.kyselyDb;
  }

  /** Fresh facts: they cache profiles, so read them again after a change. */
  facts(): Facts {
    return createFacts(this.sqlite);
  }

  /** Under `--as`, refuses (exit 1, with the trace) unless the engine allows the action. */
  guard(action: string, target: string | Target | null, what: string): void {
    if (this.opts.as === undefined) return;
    this.actedAs = true;
    const facts = this.facts();
    const decision = decisionEngine().decide(facts, action, this.opts.as, target);
    if (decision.decision === 'deny') {
      const last = [...decision.trace].reverse().find((s) => s.result === 'fail');
      throw refusal(facts, this.opts.as, `${this.opts.as} may not ${what}: ${last?.detail ?? `${action} is denied`}.`, decision, [actionNeed(action, decision.target)]);
    }
  }

  /** Guardrails a command sets before its change (`apply`, `import`: --max-loss, --max-gain). */
  limits?: Limits;
  /** The access diff of the last change, when a dry run or a guardrail computed it. */
  accessDiff?: AccessDiff;

  /** Whether this change is a dry run: made, diffed and rolled back (never inside a session). */
  get dryRun(): boolean {
    // A new model is built whole and then thrown away (finish), so its own steps are not rolled back.
    return this.opts.dryRun === true && !this.session && !this.newModel;
  }

  /**
   * Runs one change as one transaction, with its audit record. Under --dry-run (or a guardrail)
   * the access diff against the model before the change is computed inside the transaction; a
   * dry run then rolls back, so nothing is written, not even the audit. A `raw` change writes
   * through `tx.sqlite` alone, so the query builder is never loaded for it (a faster start).
   */
  async change<T>(summary: string, fn: (tx: Tx) => Promise<T> | T, how: { raw?: boolean } = {}): Promise<{ result: T; changes: AuditChange[] }> {
    const sqlite = this.sqlite;
    const tx = new Tx(how.raw ? undefined : await this.kdb(), sqlite);
    // Inside a caller's transaction (a session) the change is a savepoint of it.
    const nested = sqlite.inTransaction;
    // The bench measures a plan without its access diff (the ratio of the two is a target).
    const diffing =
      !nested && (this.dryRun || this.limits?.maxLoss !== undefined || this.limits?.maxGain !== undefined) && !process.env.SCHOOLCTL_PLAN_WITHOUT_ACCESS_DIFF;
    // An in-memory model has no second connection: copy it before the change starts.
    const memoryBefore = diffing && sqlite.memory ? openBefore(sqlite) : undefined;
    sqlite.exec(nested ? 'SAVEPOINT schoolctl_change' : 'BEGIN IMMEDIATE');
    const as = this.opts.as;
    if (as !== undefined) this.actedAs = true;
    // Under --as the model before the change is kept, and every row the change writes is logged.
    const before = as !== undefined ? snapshot(sqlite) : undefined;
    const log = before ? ChangeLog.start(sqlite) : undefined;
    // The impact check compares with the model as committed: a second connection on a file, and
    // on an in-memory model (which has none) a copy taken now, unless one was taken already.
    const ownCopy = !before && !memoryBefore && sqlite.memory && !nested && !this.newModel ? snapshot(sqlite) : undefined;
    const committedCopy = before ?? memoryBefore ?? ownCopy;
    try {
      const drift = driftMark(sqlite);
      if (diffing) trackChanges(sqlite);
      const result = await fn(tx);
      if (before && log) this.confirmNoEscalation(as!, before, log);
      if (diffing) {
        const committed = memoryBefore ?? openBefore(sqlite);
        try {
          this.accessDiff = accessDiff(decisionEngine(), createFacts(committed), createFacts(sqlite), { changed: changedFacts(sqlite) });
        } finally {
          committed.close();
        }
      }
      if (this.dryRun) {
        sqlite.exec('ROLLBACK');
        return { result, changes: tx.changes };
      }
      if (diffing && this.accessDiff) {
        const s = summarize(this.accessDiff);
        const broken = brokenLimit(s, this.limits ?? {});
        if (broken) {
          throw held('guardrail', `Nothing changed: ${broken}.\n${accessSummaryLines(s).join('\n')}`, accessDiffJson(this.accessDiff, s));
        }
        stopTracking(sqlite);
      }
      // A new model has nothing to break; a session's caller answers for the whole change.
      if (!nested && !this.newModel && tx.changes.some(mayHaveImpact)) await this.announceImpact(committedCopy);
      // A change to what a sync owns lands, with a warning that the next sync undoes it (docs/rosters.md).
      for (const w of driftWarnings(sqlite, drift)) this.note(w);
      if (tx.changes.length > 0) {
        recordAudit(sqlite, { at: new Date().toISOString(), actor: this.actor, command: this.commandLine(), summary, changes: JSON.stringify(tx.changes) });
      }
      sqlite.exec(nested ? 'RELEASE schoolctl_change' : 'COMMIT');
      return { result, changes: tx.changes };
    } catch (e) {
      if (nested) sqlite.exec('ROLLBACK TO schoolctl_change; RELEASE schoolctl_change');
      else if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
      throw e;
    } finally {
      log?.stop();
      before?.close();
      memoryBefore?.close();
      ownCopy?.close();
    }
  }

  /** The one escalation check (DOMAIN.md §8): refuses (exit 1) and so rolls back a change that fails it. */
  private confirmNoEscalation(actor: string, before: Sqlite, log: ChangeLog): void {
    const touched = touchedBy(log.rows(), before, this.sqlite);
    if (touched.length === 0) return;
    const beforeFacts = createFacts(before);
    const verdict = confirmNoEscalation({ before: beforeFacts, after: this.facts(), actor, touched });
    if (verdict.outcome.allow) return;
    const lines = verdict.refusals.flatMap((r) => (r.places.length ? r.places.map((p) => `${p}: ${r.detail}`) : [r.detail]));
    const decision: Decision = {
      action: 'change',
      subject: { user: actor, profile: beforeFacts.user(actor)?.profile.name ?? null },
      target: null,
      decision: 'deny',
      trace: verdict.outcome.trace,
      fixes: [],
    };
    const needs = verdict.refusals.flatMap((r) => (r.need ? [r.need] : []));
    const afterFacts = this.facts();
    // Those who meet the needs are judged by the same rule on the same change, when few enough.
    const verify = { upTo: VERIFIED_UP_TO, check: (u: string) => confirmNoEscalation({ before: beforeFacts, after: afterFacts, actor: u, touched }).outcome.allow };
    throw refusal(
      beforeFacts,
      actor,
      lines.length === 1 ? `${actor} may not make this change: ${lines[0]}; nothing was changed.` : `${actor} may not make this change; nothing was changed:\n${lines.join('\n')}\n`,
      decision,
      needs,
      verify,
    );
  }

  /**
   * High-impact changes say what they do: the consequences (compared with the model as committed,
   * inside the open transaction) go to stderr, and need --yes or a yes at a TTY; without either
   * the change is refused (exit 2) and rolled back.
   */
  private async announceImpact(committedCopy: Sqlite | undefined): Promise<void> {
    const { committedImpactState, consequences, impactState } = await import('../db/doctor/impact.js');
    const committed = committedCopy ? impactState(committedCopy) : committedImpactState(this.sqlite.name);
    const found = consequences(committed, impactState(this.sqlite));
    if (!found.length) return;
    const list = found.map((c) => `  - ${safeText(c)}`).join("\n");
    if (this.opts.yes) {
      if (!this.opts.quiet) process.stderr.write(`This change also:\n${list}\n`);
      return;
    }
    if (!this.interactive) throw invalid('needs-confirmation', `This change also:\n${list}\nNothing changed: pass --yes to make it anyway.`);
    process.stderr.write(`This change also:\n${list}\n`);
    const { confirm } = await import('@inquirer/prompts');
    if (!(await confirm({ message: 'Make the change anyway?', default: false }))) throw invalid('not-confirmed', 'Nothing changed: the change was not confirmed.');
  }

  /** The command as typed, without --db (audit records what was done, not where). */
  commandLine(): string {
    const words: string[] = [];
    for (let i = 0; i < this.argv.length; i++) {
      const w = this.argv[i];
      if (w === '--db') {
        i++;
        continue;
      }
      if (w.startsWith('--db=')) continue;
      words.push(w);
    }
    return `schoolctl ${shellWords(words)}`;
  }

  /**
   * Destructive changes need consent: --yes, or a yes at a prompt on a TTY. Without a TTY (CI,
   * scripts, --no-input) a missing --yes is invalid input, so nothing is removed by accident.
   */
  async confirm(question: string): Promise<void> {
    if (this.opts.yes) return;
    if (!this.interactive) {
      throw invalid('needs-confirmation', `${question} This removes data: pass --yes to confirm.`);
    }
    const { confirm } = await import('@inquirer/prompts');
    if (!(await confirm({ message: question, default: false }))) throw invalid('not-confirmed', 'Nothing changed: the change was not confirmed.');
  }

  /** Progress and hints on stderr (never stdout, so --json stays one document), unless --quiet. */
  note(message: string): void {
    if (this.session) this.session.notes.push(message);
    else if (!this.opts.quiet) process.stderr.write(`${message}\n`);
  }

  /** Keeps the result for the session, or prints it; a dry run adds its access diff. */
  async print(result: CommandResult): Promise<void> {
    if (this.dryRun && this.accessDiff && !(result as { accessShown?: boolean }).accessShown) result = withAccessDiff(result, this.accessDiff);
    if (this.session) this.session.result = result;
    else await printResult(this, result);
  }

  /** Ends the command: a new model goes into place only when it succeeded; a failed one leaves no file. */
  finish(ok: boolean): void {
    if (this.session) return; // a session's connection belongs to its caller
    try {
      if (this.newModel) {
        if (ok && this.opts.dryRun) {
          this.newModel.discard();
          this.note(`Dry run: the new model was built and thrown away; nothing was written to ${safeText(this.dbPath)}.`);
        } else if (ok) {
          if (this.replacing) this.replacing.backup = this.replacing.moveAside();
          this.newModel.place(this.replacing !== undefined || this.replaceTarget);
        } else this.newModel.discard();
        this.newModel = undefined;
      } else if (this.sqliteDb?.open) this.sqliteDb.close();
    } finally {
      this.replacing?.release();
      this.replacing = undefined;
    }
  }

  /** Set when the new model may replace a file at its path without a backup (demo over a demo). */
  replaceTarget = false;

  close(): void {
    this.finish(false);
  }
}

/**
 * An `--as` refusal (exit 1, no fixes): the sentence, then what the change needs and who could make
 * it instead, a reverse lookup through the engine on the model as it was; `--json` carries both
 * as `lacking` and `whoCould` beside the decision.
 */
export function refusal(facts: Facts, actor: string, message: string, decision: Decision, needs: readonly Need[], verify?: WhoCouldVerify): SchoolctlError {
  const who = whoCould(decisionEngine(), facts, needs, actor, verify);
  const text = needs.length ? `${message}${message.endsWith('\n') ? '' : ' '}${needsSentence(needs, who)}.` : message.trimEnd();
  return new SchoolctlError(EXIT.denied, 'denied', text, { ...decision, fixes: [], lacking: needs, whoCould: who } satisfies Decision);
}

/** Commands that only read the model: they open it as it is, read-only when it cannot be written. */
const READ_COMMANDS = new Set([
  'profiles list', 'profiles show', 'profiles matrix', 'profiles settings',
  'policies list', 'policies show', 'units tree', 'users show', 'users list', 'courses list', 'projects list',
  'parents list', 'terms list', 'supervisor list', 'ilp-templates list', 'portal users', 'portal project list',
  'portal afdeling list', 'portal klas list', 'portal team list', 'portal sectie list', 'schoolfunction list',
  'schoolfunction rights', 'workflow show', 'workflow status', 'workflow external', 'whocan', 'doctor', 'audit', 'export',
]);

function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** The model path as given, refused (exit 2) when it cannot name a model file. */
export function modelPath(path: string): string {
  if (path === '') throw invalid('bad-db', '--db is empty; give the model file, for example --db school.db.');
  if (path === ':memory:' || path.startsWith('file:')) throw invalid('bad-db', `--db "${path}" keeps nothing; give a model file, for example --db school.db.`);
  let directory = /[\\/]$/.test(path);
  try {
    directory ||= statSync(path).isDirectory();
  } catch {
    // a missing file is fine: init, demo, apply and generate create it
  }
  if (directory) throw invalid('bad-db', `--db "${path}" is a directory; give a model file, for example --db ${join(path, 'schoolctl.db')}.`);
  return path;
}

/**
 * The access diff of schoolctl command lines as if they had run: made inside a transaction on this
 * connection (each a savepoint), diffed against the model before them, then rolled back. The
 * what-if of the demo tour; fix verification and blast radius build on it.
 */
export async function previewAccess(sqlite: Sqlite, commands: readonly (readonly string[])[]): Promise<AccessDiff> {
  const { runCommand } = await import('../cli.js');
  const memoryBefore = sqlite.memory ? openBefore(sqlite) : undefined;
  sqlite.exec('BEGIN IMMEDIATE');
  try {
    trackChanges(sqlite);
    for (const words of commands) await runCommand(sqlite, words);
    const before = memoryBefore ?? openBefore(sqlite);
    try {
      return accessDiff(decisionEngine(), createFacts(before), createFacts(sqlite), { changed: changedFacts(sqlite) });
    } finally {
      before.close();
    }
  } finally {
    if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
    memoryBefore?.close();
  }
}

/** A dry run's result: the command's own output (the configuration change), then the access diff. */
function withAccessDiff(result: CommandResult, diff: AccessDiff): CommandResult {
  const own = result.data !== null && typeof result.data === 'object' && !Array.isArray(result.data) ? (result.data as Record<string, unknown>) : { result: result.data };
  // One summary for both renderings: counting 124,000 changes twice cost a quarter of a second.
  const summary = summarize(diff);
  return {
    ...result,
    data: { ...own, dryRun: true, access: accessDiffJson(diff, summary) },
    human: [result.human, renderAccessDiff(diff, summary), 'Dry run: nothing was changed.'].filter(Boolean).join('\n'),
  };
}

function safeUsername(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** Builds a commander action that runs a command body with a context and prints its result. */
export function action<A extends unknown[]>(body: (ctx: Ctx, ...args: A) => Promise<CommandResult>) {
  return async (...args: unknown[]) => {
    const cmd = args[args.length - 1] as Command;
    refuseUnsafeInput(cmd, args.slice(0, -1));
    const ctx = new Ctx(cmd.optsWithGlobals() as GlobalOptions, sessions.getStore()?.argv ?? process.argv.slice(2));
    ctx.readOnly = READ_COMMANDS.has(commandPath(cmd));
    let ok = false;
    try {
      const result = await body(ctx, ...(args.slice(0, -1) as A));
      if (ctx.opts.as !== undefined && !ctx.actedAs) {
        // A read is not filtered by user, so --as on it would suggest a view it does not give.
        throw invalid(
          'as-on-read',
          `--as ${safeText(ctx.opts.as)} means nothing for "${cmd.parent && cmd.parent.parent ? `${cmd.parent.name()} ` : ''}${cmd.name()}": it reads the whole model and is not filtered by user; leave --as out (whocan ACTION --user USER shows what one user may do).`,
        );
      }
      ctx.finish(true);
      ok = true;
      await ctx.print(result);
    } finally {
      if (!ok) ctx.finish(false);
    }
  };
}

/**
 * Control and bidi characters are invalid in every argument and option value (names, emails, ids):
 * refused at the door (exit 2), naming the field and the escaped character.
 */
function refuseUnsafeInput(cmd: Command, values: unknown[]): void {
  const check = (field: string, v: unknown) => {
    for (const s of Array.isArray(v) ? v : [v]) {
      if (typeof s !== 'string') continue;
      const ch = firstUnsafeCharacter(s);
      if (ch) throw invalid('unsafe-characters', `${field} "${safeText(s)}" holds the control character ${ch}; give printable text without control or bidi characters.`);
    }
  };
  cmd.registeredArguments.forEach((a, i) => check(`<${a.name()}>`, values[i]));
  const opts = cmd.optsWithGlobals() as Record<string, unknown>;
  const flags = [...cmd.options, ...(cmd.parent?.options ?? []), ...(cmd.parent?.parent?.options ?? [])];
  for (const [key, v] of Object.entries(opts)) check(flags.find((o) => o.attributeName() === key)?.long ?? `--${key}`, v);
}

export async function printResult(ctx: Ctx, result: CommandResult): Promise<void> {
  const format = (ctx.opts.output ?? (ctx.json ? 'json' : 'table')) as OutputFormat;
  if (ctx.json || result.asJson) await writeJsonTo(process.stdout, result.data);
  else if (format === 'yaml') process.stdout.write(await (await import('./output-formats.js')).toYaml(result.data));
  else if (format === 'csv') process.stdout.write(await (await import('./output-formats.js')).toCsv(takeTables(), result.data));
  else if (result.human) {
    const human = terminalSafe(result.human);
    page(ctx, human.endsWith('\n') ? human : `${human}\n`);
  }
  if (result.exitStatus) process.exitCode = result.exitStatus;
}

/**
 * Human output longer than the screen goes through $PAGER (default `less -FRX`) on a TTY,
 * never in a pipe and never under --no-pager.
 */
function page(ctx: Ctx, text: string): void {
  const rows = process.stdout.rows;
  const long = process.stdout.isTTY === true && rows > 0 && text.split('\n').length - 1 > rows;
  if (!long || ctx.opts.pager === false || !outputSettings().pager || process.env.CI) {
    process.stdout.write(text);
    return;
  }
  const pager = process.env.PAGER?.trim() || 'less -FRX';
  const r = spawnSync(pager, { input: text, stdio: ['pipe', 'inherit', 'inherit'], shell: true });
  // No such pager: print the text instead.
  if (r.error || r.status === 127) process.stdout.write(text);
}

const EXAMPLES = new WeakMap<Command, readonly string[]>();

/** The examples a command's help page prints. */
export function examplesOf(cmd: Command): readonly string[] {
  return EXAMPLES.get(cmd) ?? [];
}

/** Runnable examples at the end of a command's help; a long one is continued with "\\" to stay within 80 columns. */
export function examples(cmd: Command, lines: string[]): Command {
  EXAMPLES.set(cmd, lines);
  return cmd.addHelpText('after', `\nExamples:\n${lines.map((l) => `  $ ${continued(l)}`).join('\n')}\n`);
}

/** A shell line broken at spaces outside quotes and before any trailing comment, so each printed line fits 80 columns, each but the last ending in " \\". */
function continued(line: string): string {
  const width = 76; // after "  $ ", and continuation lines indented as far
  if (line.length <= width) return line;
  const words: string[] = [];
  let word = '';
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '#' && word === '') {
      word = line.slice(i); // a trailing comment stays whole: a break inside it would run its words
      break;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === ' ') {
      words.push(word);
      word = '';
      continue;
    }
    word += ch;
  }
  words.push(word);
  const out: string[] = [];
  let cur = '';
  for (const w of words) {
    if (cur && cur.length + 1 + w.length > width - 2) {
      out.push(`${cur} \\`);
      cur = `      ${w}`;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  out.push(cur);
  return out.join('\n');
}

/** A value in a change line: plain words, lists joined, never a JSON blob. */
function plainValue(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (Array.isArray(v)) return v.length ? v.map(plainValue).join(', ') : '—';
  if (typeof v === 'object') return Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k} ${plainValue(x)}`).join(', ');
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return String(v);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One change as lines of `field: before → after` (only the fields that differ). */
export function changeLines(c: AuditChange): string[] {
  const before = isRecord(c.before) ? c.before : undefined;
  const after = isRecord(c.after) ? c.after : undefined;
  if (!before && !after) return [`${c.entity} ${c.id}: ${plainValue(c.before)} → ${plainValue(c.after)}`];
  const what = c.before === null ? ' (new)' : c.after === null ? ' (removed)' : '';
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
  const fields = keys
    .filter((k) => plainValue(before?.[k]) !== plainValue(after?.[k]))
    .map((k) => `  ${k}: ${plainValue(before?.[k])} → ${plainValue(after?.[k])}`);
  return [`${c.entity} ${c.id}${what}:`, ...fields];
}

/** The result of a change: what changed, field: before → after, or that nothing did. */
export function changeResult(changes: readonly AuditChange[], what: string) {
  return {
    data: { changed: changes.length, changes },
    human: changes.length ? changes.flatMap(changeLines).map((l) => safeText(l)).join('\n') : `Nothing changed: ${safeText(what)} already had these values.`,
  };
}


/** Commander's parser for a count option (`--max-loss 50`): a whole number, 0 or more. */
export function count(flag: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value)) throw invalid('bad-number', `${flag} takes a whole number of people, 0 or more; "${value}" is not one.`);
    return Number(value);
  };
}

/** Commander's collector for a repeatable option (`--unit A --unit B` → ['A', 'B']). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** A file the user named to read: exit 2 when it is missing or a directory, naming what to give instead. */
export function requireInputFile(file: string, give: string): void {
  let directory: boolean;
  try {
    directory = statSync(file).isDirectory();
  } catch {
    throw invalid('no-file', `There is no file "${file}"; ${give}.`);
  }
  if (directory) throw invalid('no-file', `"${file}" is a directory, not a file; ${give}.`);
}

// What every command shares: global options, opening the model, one transaction per change with
// its audit record, `--as` guards judged by the decision engine, and printing a result.

import type { Command } from 'commander';
import { AsyncLocalStorage } from 'node:async_hooks';
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { Kysely } from 'kysely';
import { recordAudit } from '../db/stores/audit-store.js';
import { openModel, type Sqlite } from '../db/open.js';
import { createFacts } from '../db/facts/sqlite-facts.js';
import type { DB } from '../db/schema.js';
import type { Facts } from '../model/facts.js';
import { decisionEngine } from '../model/registry.js';
import { EXIT, SchoolctlError, invalid, shellWords } from '../model/errors.js';
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
    readonly db: Kysely<DB>,
    readonly sqlite: Sqlite,
  ) {}
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

  get dbPath(): string {
    return this.opts.db ?? process.env.SCHOOLCTL_DB ?? './schoolctl.db';
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

  /** Whether this command runs in-process for a caller (nothing of it is printed). */
  get inSession(): boolean {
    return this.session !== undefined;
  }

  async open(create = false): Promise<Sqlite> {
    if (!this.sqliteDb) this.sqliteDb = this.session?.sqlite ?? (await openModel(this.dbPath, { create }));
    return this.sqliteDb;
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
    if (!this.opts.as) return;
    const decision = decisionEngine().decide(this.facts(), action, this.opts.as, target);
    if (decision.decision === 'deny') {
      const last = [...decision.trace].reverse().find((s) => s.result === 'fail');
      throw new SchoolctlError(
        EXIT.denied,
        'denied',
        `${this.opts.as} may not ${what}: ${last?.detail ?? `${action} is denied`}.`,
        { ...decision, fixes: [] } satisfies Decision,
      );
    }
  }

  /** Runs one change as one transaction, with its audit record. */
  async change<T>(summary: string, fn: (tx: Tx) => Promise<T> | T): Promise<{ result: T; changes: AuditChange[] }> {
    const sqlite = this.sqlite;
    const tx = new Tx(await this.kdb(), sqlite);
    // Inside a caller's transaction (a session) the change is a savepoint of it.
    const nested = sqlite.inTransaction;
    sqlite.exec(nested ? 'SAVEPOINT schoolctl_change' : 'BEGIN IMMEDIATE');
    try {
      const result = await fn(tx);
      if (tx.changes.length > 0) {
        await recordAudit(tx.db, { at: new Date().toISOString(), actor: this.actor, command: this.commandLine(), summary, changes: JSON.stringify(tx.changes) });
      }
      sqlite.exec(nested ? 'RELEASE schoolctl_change' : 'COMMIT');
      return { result, changes: tx.changes };
    } catch (e) {
      if (nested) sqlite.exec('ROLLBACK TO schoolctl_change; RELEASE schoolctl_change');
      else if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
      throw e;
    }
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

  /** Keeps the result for the session, or prints it. */
  async print(result: CommandResult): Promise<void> {
    if (this.session) this.session.result = result;
    else await printResult(this, result);
  }

  close(): void {
    // A session's connection belongs to its caller.
    if (!this.session) this.sqliteDb?.close();
  }
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
    const ctx = new Ctx(cmd.optsWithGlobals() as GlobalOptions, sessions.getStore()?.argv ?? process.argv.slice(2));
    try {
      const result = await body(ctx, ...(args.slice(0, -1) as A));
      await ctx.print(result);
    } finally {
      ctx.close();
    }
  };
}

export async function printResult(ctx: Ctx, result: CommandResult): Promise<void> {
  const format = (ctx.opts.output ?? (ctx.json ? 'json' : 'table')) as OutputFormat;
  if (ctx.json) process.stdout.write(`${JSON.stringify(result.data, null, 2)}\n`);
  else if (format === 'yaml') process.stdout.write(await (await import('./output-formats.js')).toYaml(result.data));
  else if (format === 'csv') process.stdout.write(await (await import('./output-formats.js')).toCsv(takeTables(), result.data));
  else if (result.human) page(ctx, result.human.endsWith('\n') ? result.human : `${result.human}\n`);
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

export function examples(cmd: Command, lines: string[]): Command {
  return cmd.addHelpText('after', `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`);
}

/** The result of a change: what changed, before → after, or that nothing did. */
export function changeResult(changes: readonly AuditChange[], what: string) {
  const fmt = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  return {
    data: { changed: changes.length, changes },
    human: changes.length
      ? changes.map((c) => `${c.entity} ${c.id}: ${fmt(c.before)} → ${fmt(c.after)}`).join('\n')
      : `Nothing changed: ${what} already had these values.`,
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

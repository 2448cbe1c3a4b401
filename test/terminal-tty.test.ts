// schoolctl at a real terminal (tmux): what a person sees and types. Few and robust: each step
// polls the screen until it shows what is expected, with a timeout, never a fixed sleep.

import { execFileSync, spawnSync } from 'node:child_process';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BIN, demoDb, run } from './helpers.js';

const hasTmux = spawnSync('sh', ['-c', 'command -v tmux']).status === 0;
// One tmux server per test: a server still shutting down cannot take the next session.
let started = 0;
let SOCKET = '';

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
}

/** Starts one command in a fresh 100×30 terminal; the pane stays open after it ends. */
function start(db: string, ...args: string[]): void {
  startSized(100, db, ...args);
}

function startSized(width: number, db: string, ...args: string[]): void {
  SOCKET = `schoolctl-test-${process.pid}-${++started}`;
  const quoted = [process.execPath, BIN, '--db', db, ...args].map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
  // CI is unset: this is a person at a terminal.
  tmux('new-session', '-d', '-x', String(width), '-y', '30', '-s', 'main', `env -u CI NO_COLOR=1 ${quoted}; echo "exit status $?"; sleep 120`);
}

function screen(): string {
  return tmux('capture-pane', '-p', '-t', 'main');
}

/** The screen once it matches `pattern`; fails with the screen when it never does. */
async function waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < until) {
    last = screen();
    if (pattern.test(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the terminal never showed ${pattern}; it shows:\n${last}`);
}

describe.runIf(hasTmux)('at a terminal', () => {
  let db: string;
  beforeAll(() => {
    db = demoDb();
  });
  afterEach(() => {
    spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
  });

  it('users add asks for the missing profile; typing narrows the list; Enter creates the user', async () => {
    start(db, 'users', 'add', 'x.new');
    const asked = await waitFor(/profile \(type to narrow the list\):[\s\S]*Student/);
    expect(asked).toContain('Staff');
    tmux('send-keys', '-t', 'main', 'sta');
    const narrowed = await waitFor(/narrow the list\): sta\n[\s\S]*Staff/);
    expect(narrowed).not.toContain('Student');
    tmux('send-keys', '-t', 'main', 'Enter');
    await waitFor(/exit status 0/);
    expect(run(db, 'users', 'show', 'x.new', '--json').json.profile).toBe('Staff');
  });

  it('a table fits the terminal it is drawn in, in a box with a ruled header', async () => {
    startSized(60, db, 'supervisor', 'list', '--no-pager');
    const shown = await waitFor(/exit status 0/);
    const lines = shown.split('\n').filter((l) => l.includes('│') || l.includes('─'));
    expect(lines.length).toBeGreaterThan(4);
    expect(shown).toMatch(/├[─┼]+┤/);
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(60);
  });

  // Big enough that generation runs for seconds: progress shows only while there is work left.
  it('generate shows what it does, users done of the total, rate and time left', async () => {
    const fresh = `${db}.generated.db`;
    startSized(120, fresh, 'generate', '--users', '600000');
    const shown = await waitFor(/generating .*: [\d,]+ of 600,000 users \(\d+%\) · [\d,]+ users\/s · .* left|exit status/);
    expect(shown).toMatch(/of 600,000 users \(\d+%\)/);
    await waitFor(/exit status 0/, 60_000);
  });

  it('import from standard input at a terminal says so and how to end it', async () => {
    start(db, 'import', 'terms', '-');
    await waitFor(/Reading terms CSV from standard input .*Ctrl-D/);
    tmux('send-keys', '-t', 'main', '-l', 'id,name,from,to,org\n2027-T1,2027-T1,2027-01-04,2027-07-09,\n');
    tmux('send-keys', '-t', 'main', 'C-d');
    await waitFor(/exit status 0/);
    expect(run(db, 'terms', 'list', '--json').json.map((t: { id: string }) => t.id)).toContain('2027-T1');
  });

  it('a confirmation answered "n" changes nothing', async () => {
    start(db, 'users', 'remove', 'j.devries');
    await waitFor(/Remove user j\.devries .*\?/);
    tmux('send-keys', '-t', 'main', 'n', 'Enter');
    const after = await waitFor(/exit status 2/);
    expect(after).toContain('Nothing changed');
    expect(run(db, 'users', 'show', 'j.devries').status).toBe(0);
  });
});

describe('without a terminal', () => {
  let db: string;
  beforeAll(() => {
    db = demoDb();
  });

  it('a missing option is exit 2, naming the flag and a few of the values it takes', () => {
    const r = run(db, 'users', 'add', 'x.new');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/users add needs --profile \(a profile, such as .*Staff.*"schoolctl profiles list" lists them\)/);
    expect(run(db, 'users', 'show', 'x.new').status).toBe(2);
  });

  it('a missing argument of a command names it the same way, in --json too', () => {
    const r = run(db, 'whocan', '--json');
    expect(r.status).toBe(2);
    expect(r.json.error.code).toBe('missing-argument');
    expect(r.json.error.message).toMatch(/whocan needs <action> \(an action, such as dashboard/);
    const p = run(db, 'policies', 'apply', 'No mass messages');
    expect(p.stderr).toMatch(/needs one of --profile \(.*\), --unit \(.*\) or --user \(/);
  });
});

// Help that teaches: topic pages within 80 columns, the same text in the man page, and one
// "did you mean" for commands, options, topics and names.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HELP_TOPICS } from '../src/commands/help-topics.js';
import { didYouMean } from '../src/model/did-you-mean.js';
import { demoDb, run } from './helpers.js';

describe('help topics', () => {
  it('every page fits 80 columns', () => {
    for (const t of HELP_TOPICS) for (const line of t.text.split('\n')) expect([...line].length, `${t.name}: ${line}`).toBeLessThanOrEqual(80);
  });

  it('the man page built from the same text holds every topic', () => {
    const man = readFileSync(join(__dirname, '..', 'dist', 'schoolctl.1'), 'utf8');
    expect(man).toMatch(/^\.TH SCHOOLCTL 1/);
    for (const t of HELP_TOPICS) expect(man).toContain(`schoolctl help ${t.name}`);
    expect(man).toContain('strictest wins');
  });

  it('help TOPIC prints the page; a group links to its topics', () => {
    const r = run(null, 'help', 'policies');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('the strictest wins');
    expect(run(null, 'whocan', '--help').stdout).toContain('See also "schoolctl help TOPIC" for: trace');
  });
});

describe('did you mean', () => {
  let db: string;
  beforeAll(() => {
    db = demoDb();
  });

  it('is one wording, and says nothing when no name is close', () => {
    expect(didYouMean('mesages', ['messages', 'calendar'])).toBe('; did you mean "messages"?');
    expect(didYouMean('staf', ['Staff', 'Student'])).toBe('; did you mean "Staff"?');
    expect(didYouMean('--xyz', ['--db', '--as'])).toBe('');
  });

  it.each([
    [['usres', 'list'], /unknown command 'usres'; did you mean "users"\?/],
    [['users', 'lst'], /users has no command 'lst'; did you mean "list"\?/],
    [['users', 'list', '--profle', 'Staff'], /unknown option '--profle'; did you mean "--profile"\?/],
    [['help', 'tarce'], /no help topic or command "tarce"; did you mean "trace"\?/],
    [['users', 'show', 'j.devris'], /no user "j.devris"; did you mean "j.devries"\?/],
    [['users', 'join', 'j.devries', '--unit', 'nort'], /no unit "nort"; did you mean "north"\?/],
    [['users', 'set-profile', 'j.devries', 'staf'], /no profile "staf"; did you mean "Staff"\?/],
  ])('%j is exit 2 with a suggestion', (words, message) => {
    const r = run(db, ...(words as string[]));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message as RegExp);
  });
});

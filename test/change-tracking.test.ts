// What a change logs for the access diff: a new policy stands for no setting key by itself (its
// settings and assignments carry theirs), so its diff skips the families that read none of them,
// and stays the diff that skips nothing.

import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../src/cli';
import { changedFacts, trackChanges } from '../src/db/change-tracking';
import { createFacts } from '../src/db/facts/sqlite-facts';
import { accessDiff, pointKey } from '../src/model/access-surface';
import { decisionEngine } from '../src/model/registry';
import { demoDb } from './helpers';

const engine = decisionEngine();

async function diffOf(file: string, commands: string[][]) {
  const sqlite = new Database(file);
  sqlite.pragma('foreign_keys = ON');
  sqlite.exec('BEGIN IMMEDIATE');
  try {
    trackChanges(sqlite);
    for (const words of commands) await runCommand(sqlite, words);
    const beforeDb = new Database(file, { readonly: true });
    try {
      const before = createFacts(beforeDb);
      const after = createFacts(sqlite);
      const changed = changedFacts(sqlite);
      const keyOf = (c: { change: string; user: string } & Parameters<typeof pointKey>[0]) => `${c.change}|${c.user}|${pointKey(c)}`;
      const tracked = accessDiff(engine, before, after, { changed });
      const whole = accessDiff(engine, before, after);
      return { changed, skipped: tracked.skipped, tracked: tracked.changes.map(keyOf).sort(), whole: whole.changes.map(keyOf).sort() };
    } finally {
      beforeDb.close();
    }
  } finally {
    sqlite.exec('ROLLBACK');
    sqlite.close();
  }
}

describe('change tracking', () => {
  const demo = demoDb();

  it('a new policy that switches messages off for a profile logs only the messages key, and skips supervision and workflow', async () => {
    const d = await diffOf(demo, [
      ['policies', 'create', 'Quiet'],
      ['policies', 'set', 'Quiet', 'messages=off'],
      ['policies', 'apply', 'Quiet', '--profile', 'Student'],
    ]);
    expect([...d.changed.keys]).toEqual(['messages']);
    expect(d.skipped).toEqual(expect.arrayContaining(['supervisors', 'workflow']));
    expect(d.tracked.length).toBeGreaterThan(0);
    expect(d.tracked).toEqual(d.whole);
  });

  it('a new policy that sets the mentor role still reaches the supervision rules, and the diff is the whole one', async () => {
    const d = await diffOf(demo, [
      ['policies', 'create', 'Mentors'],
      ['policies', 'apply', 'Mentors', '--profile', 'Staff'],
      ['policies', 'set', 'Mentors', 'mentor-role=off'],
    ]);
    expect(d.changed.keys.has('mentor-role')).toBe(true);
    expect(d.skipped).not.toContain('supervisors');
    expect(d.tracked).toEqual(d.whole);
  });

  it('a deleted policy still stands for every key', async () => {
    const d = await diffOf(demo, [['policies', 'delete', 'South quiet hours', '--yes']]);
    expect(d.changed.keys.has('*')).toBe(true);
    expect(d.tracked).toEqual(d.whole);
  });
});

// --dry-run on every changing command: exit 0, the change and its access diff printed, and the
// model file byte for byte as it was (not even an audit record). Guardrails hold with exit 4.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoDb, run, tempDb } from './helpers';

const FIXTURES = join(__dirname, '..', 'fixtures');

/** Changing commands of every command group, on the demo's names. */
const CHANGES: string[][] = [
  ['profiles', 'set', 'Student', 'messages=off'],
  ['profiles', 'create', 'Helper', '--level', '25'],
  ['profiles', 'rename', 'Teaching Assistant', 'Assistant'],
  ['policies', 'create', 'Exam calm', '--org', 'south'],
  ['policies', 'set', 'North messaging', 'messages=off'],
  ['policies', 'unset', 'North messaging', 'initiate-communication-to-students'],
  ['policies', 'apply', 'South quiet hours', '--profile', 'Staff'],
  ['policies', 'unapply', 'South quiet hours', '--profile', 'Student'],
  ['policies', 'delete', 'No mass messages', '--yes'],
  ['units', 'add', 'new-class', '--kind', 'class', '--parent', 'north'],
  ['units', 'move', '3C', '--parent', 'north'],
  ['users', 'add', 'new.user', '--profile', 'Student', '--unit', '5A'],
  ['users', 'join', 's.bakker', '--unit', '6A'],
  ['users', 'leave', 's.bakker', '--unit', '5A'],
  ['users', 'set', 's.bakker', '--share-details', 'off'],
  ['users', 'set-profile', 's.bakker', 'Guest'],
  ['users', 'remove', 's.bakker', '--yes'],
  ['courses', 'add', 'new-course', '--unit', 'north'],
  ['courses', 'enrol', 'math-5a', 'l.bakker', '--role', 'learner'],
  ['projects', 'add', 'new-project', '--unit', 'north'],
  ['projects', 'add-member', 'science-fair', 's.bakker'],
  ['parents', 'link', 'p.bakker', 'l.bakker'],
  ['terms', 'add', '2027-T1', '--from', '2027-01-05', '--to', '2027-07-09'],
  ['supervisor', 'add-mentor', 'c.meijer', '--class', '5B'],
  ['supervisor', 'add-headteacher', 'c.meijer', '--org', 'south'],
  ['supervisor', 'remove-mentor', 'j.devries', '--yes'],
  ['ilp-templates', 'add', 'Exam plan'],
  ['workflow', 'set', 'behaviour', 'group-registration', '--parent', 'on'],
  ['workflow', 'reset', 'attendance', 'course:math-5a', '--term', '2026-T2', '--yes'],
  ['portal', 'project', 'add', '2026-2027'],
  ['portal', 'user', 'c.meijer', '--type', 'werknemer', '--admin'],
  ['portal', 'afdeling', 'add', 'middenbouw', '--project', '2025-2026'],
  ['schoolfunction', 'assign', 'decaan', 'j.devries', '--project', '2025-2026', '--afdeling', 'onderbouw'],
  ['schoolfunction', 'settings', 'leerling', 'view-all-schedules=on', '--project', '2025-2026'],
  ['import', 'users', join(FIXTURES, 'demo-csv', 'users.csv')],
  ['apply', join(FIXTURES, 'demo-site.yaml')],
];

const hash = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('--dry-run', () => {
  let db: string;
  beforeAll(() => {
    db = demoDb();
  });

  it('changes nothing, for every changing command of every group', () => {
    const before = hash(db);
    const audit = run(db, 'audit', '--json').stdout;
    const failed: string[] = [];
    for (const words of CHANGES) {
      const r = run(db, ...words, '--dry-run', '--json');
      if (r.status !== 0 || !r.json?.access?.summary || r.json.dryRun !== true) failed.push(`${words.join(' ')}: exit ${r.status} ${r.stderr}`);
      if (hash(db) !== before) failed.push(`${words.join(' ')} changed the model file`);
    }
    expect(failed).toEqual([]);
    expect(run(db, 'audit', '--json').stdout).toBe(audit);
  }, 300_000);

  it('builds a new model (init, demo, generate) and throws it away, writing no file and replacing none', () => {
    for (const words of [['init'], ['demo'], ['generate', '--users', '50']]) {
      const fresh = tempDb();
      const r = run(fresh, ...words, '--dry-run');
      expect(r.status, `${words.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stderr).toMatch(/Dry run: the new model was built and thrown away/);
      expect(existsSync(fresh), words.join(' ')).toBe(false);
      expect(readdirSync(dirname(fresh)), words.join(' ')).toEqual([]);
    }
    const before = hash(db);
    const replaced = run(db, 'init', '--force', '--yes', '--dry-run');
    expect(replaced.status).toBe(0);
    // It says what it would do, never that it did it.
    expect(replaced.stdout).toMatch(/^Would create .*: 6 default profiles, .*the old model would be kept as /);
    expect(hash(db)).toBe(before);
    expect(readdirSync(dirname(db)).filter((f) => f.includes('.bak-'))).toEqual([]);
  });

  it('prints the change, then who loses what, with the rule', () => {
    const r = run(db, 'policies', 'apply', 'South quiet hours', '--profile', 'Staff', '--dry-run');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/South quiet hours.*profile Staff/);
    expect(r.stdout).toMatch(/messages: 4 people lose, 0 gain/);
    expect(r.stdout).toMatch(/- c\.meijer loses messages: messages is off for c\.meijer \(policy South quiet hours/);
    expect(r.stdout).toMatch(/Dry run: nothing was changed\./);
  });

  it('holds a change that takes Messages from more than --max-loss people (exit 4), and lets it through with a larger N', () => {
    const before = hash(db);
    const held = run(db, 'import', 'policy-assignments', join(FIXTURES, 'demo-csv', 'policy-assignments.csv'), '--max-loss', '0');
    // The demo already holds these rows: nothing would change, so nothing is held.
    expect(held.status).toBe(0);
    const site = readFileSync(join(FIXTURES, 'demo-site.yaml'), 'utf8').replace('profiles: [ Student ] }', 'profiles: [ Student, Staff ] }');
    expect(site).toContain('Student, Staff');
    const file = join(db, '..', 'site.yaml');
    require('node:fs').writeFileSync(file, site);
    const stop = run(db, 'apply', file, '--max-loss', '3');
    expect(stop.status).toBe(4);
    expect(stop.stderr).toMatch(/Nothing changed: 4 people would lose access, more than --max-loss 3/);
    expect(stop.stderr).toMatch(/messages: 4 people lose/);
    expect(hash(db)).toBe(before);
    const plan = run(db, 'apply', file, '--plan', '--exit-code');
    expect(plan.status).toBe(4);
    const go = run(db, 'apply', file, '--max-loss', '4');
    expect(go.status).toBe(0);
    expect(run(db, 'whocan', 'messages', '--user', 'c.meijer').status).toBe(1);
    expect(run(db, 'apply', file, '--plan', '--exit-code').status).toBe(0);
  });
});

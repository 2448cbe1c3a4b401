// A deny with its verified, ranked fixes, end to end: `whocan ACTION --user U` as a support engineer
// runs it (start-up, the check, every alternative tried in a rolled-back transaction, the narrowest
// one's reach measured), median of several runs over a few denies of the site's own learners.

import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { BIN, median } from './decisions.js';

export interface FixFigures {
  denies: string[];
  /** Median of the human answer (the narrowest fix with its reach, the count of the others). */
  ms: number;
  /** Median of `--json` (the reach of every alternative measured). */
  jsonMs: number;
}

export function measureDenyWithFixes(path: string, runs = 5): FixFigures {
  const db = new Database(path, { readonly: true });
  // Two learners far apart in the site: generated schools are filled in order, so another school.
  const learner = (order: string) =>
    db.prepare(`SELECT u.username FROM users u JOIN profiles p ON p.id = u.profile_id WHERE p.role_in_hierarchy = 'student' ORDER BY u.id ${order} LIMIT 1 OFFSET 100`).pluck().get() as string;
  const [subject, other] = [learner('ASC'), learner('DESC')];
  db.close();
  const questions = [
    ['create-courses', '--user', subject],
    ['search-user', `user:${other}`, '--user', subject],
    ['tab:mentor', '--user', subject],
  ];
  const time = (args: string[]) => {
    const t = performance.now();
    const r = spawnSync(process.execPath, [BIN, '--db', path, 'whocan', ...args], { encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, NO_COLOR: '1' } });
    const ms = performance.now() - t;
    if (r.status !== 1) throw new Error(`whocan ${args.join(' ')} should deny (exit 1), got ${r.status}: ${r.stderr}`);
    if (!args.includes('--json') && !/^Fix \(run in order; also gives/m.test(r.stdout)) throw new Error(`whocan ${args.join(' ')} printed no verified fix:\n${r.stdout}`);
    return ms;
  };
  const human: number[] = [];
  const json: number[] = [];
  for (let i = 0; i < runs; i++) {
    for (const q of questions) {
      human.push(time(q));
      if (i < 2) json.push(time([...q, '--json']));
    }
  }
  return { denies: questions.map((q) => q.join(' ')), ms: median(human), jsonMs: median(json) };
}

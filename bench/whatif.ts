// What-if benchmarks, end to end (one process each, as a user runs them) on a copy of the bench
// site: a profile-wide dry run, a one-membership and a one-enrolment dry run, and `apply --plan` with one policy
// changed, beside the same plan without the access diff. Peak memory is the process's max RSS.

import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { BIN, median } from './decisions.js';
import { onSiteCopy, runMeasured } from './measured.js';

export interface Timed {
  command: string;
  ms: number;
  peakMB: number;
  detail: string;
  /** The run passed its time limit: `ms` is only a lower bound. */
  stopped?: boolean;
}

function timed(db: string, args: string[], runs: number, env: Record<string, string> = {}, timeoutMs = 120_000): Timed {
  const times: number[] = [];
  let peak = 0;
  let detail = '';
  for (let i = 0; i < runs; i++) {
    const r = runMeasured(db, [...args, '--json'], timeoutMs, env);
    times.push(r.ms);
    // A run past the time limit is reported as at least the limit, so a slow row never stalls the bench.
    if (r.stopped) return { command: args.join(' '), ms: timeoutMs, peakMB: 0, detail: `stopped after ${timeoutMs / 1000} s`, stopped: true };
    if (r.status !== 0 && r.status !== 4) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
    peak = Math.max(peak, r.peakMB);
    const doc = JSON.parse(r.stdout) as { access?: { summary: { gain: number; loss: number; changes: number } } };
    if (doc.access) detail = `${doc.access.summary.loss} lose, ${doc.access.summary.gain} gain (${doc.access.summary.changes} decisions)`;
  }
  return { command: args.join(' '), ms: median(times), peakMB: Math.round(peak), detail };
}

/** Time limit of each `apply --plan` run (BENCH_PLAN_LIMIT_S, default 600 s). */
const PLAN_LIMIT_MS = Number(process.env.BENCH_PLAN_LIMIT_S ?? 600) * 1000;

export interface WhatIfFigures {
  users: number;
  profileWide: Timed;
  membership: Timed;
  enrolment: Timed;
  planWithDiff: Timed;
  planWithoutDiff: Timed;
  planRatio: number;
}

export function measureWhatIf(site: string, users: number, runs = 3): WhatIfFigures {
  return onSiteCopy(site, 'schoolctl-bench-whatif-', (db, dir) => {
    const probe = new Database(db, { readonly: true });
    const learner = probe.prepare(`SELECT u.username FROM users u JOIN profiles p ON p.id = u.profile_id WHERE p.name = 'Student' ORDER BY u.id LIMIT 1 OFFSET 50`).pluck().get() as string;
    const klass = probe.prepare(`SELECT id FROM units WHERE kind = 'class' AND id NOT IN (SELECT unit_id FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.username = ?) ORDER BY id LIMIT 1`).pluck().get(learner) as string;
    // A teacher enrolled in a course they do not teach: their view of its learners and its batches moves.
    const course = probe.prepare(`SELECT id FROM courses ORDER BY id LIMIT 1`).pluck().get() as string;
    const teacher = probe.prepare(
      `SELECT u.username FROM users u JOIN profiles p ON p.id = u.profile_id WHERE p.name = 'Staff' AND u.id NOT IN (SELECT user_id FROM course_members WHERE course_id = ?) ORDER BY u.id LIMIT 1`,
    ).pluck().get(course) as string;
    probe.close();
    const profileWide = timed(db, ['profiles', 'set', 'Student', 'messages=off', '--dry-run'], runs);
    const membership = timed(db, ['users', 'join', learner, '--unit', klass, '--dry-run'], 1, {}, 60_000);
    const enrolment = timed(db, ['courses', 'enrol', course, teacher, '--role', 'teacher', '--dry-run'], 1, {}, 60_000);
    const exported = spawnSync(process.execPath, [BIN, '--db', db, 'export', 'site'], { encoding: 'utf8', maxBuffer: 1 << 30 });
    const doc = parse(exported.stdout) as Record<string, unknown>;
    doc.policies = [...((doc.policies as unknown[]) ?? []), { name: 'Bench quiet hours', settings: { messages: 'off' }, profiles: ['Student'] }];
    const file = join(dir, 'site.yaml');
    writeFileSync(file, stringify(doc));
    // The plan of a 200,000-user site file takes minutes on a loaded machine (reading the YAML and
    // checking every row, before any diff): one run each, with a limit long enough to finish.
    const planWithDiff = timed(db, ['apply', file, '--plan'], 1, {}, PLAN_LIMIT_MS);
    const planWithoutDiff = timed(db, ['apply', file, '--plan'], 1, { SCHOOLCTL_PLAN_WITHOUT_ACCESS_DIFF: '1' }, PLAN_LIMIT_MS);
    // Two runs stopped at the same limit say nothing about their ratio: it is not measured (NaN, MISSED).
    const planRatio = planWithDiff.stopped || planWithoutDiff.stopped ? Number.NaN : +(planWithDiff.ms / planWithoutDiff.ms).toFixed(2);
    return { users, profileWide, membership, enrolment, planWithDiff, planWithoutDiff, planRatio };
  });
}

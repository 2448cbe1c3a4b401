// `whocan --user U --all` (everything one person may do), end to end, one process per person as a
// user runs it, with the process's peak memory: a learner, a parent, a teacher who mentors no one, the mentor of the
// most classes, a headteacher of a school, and that headteacher with the portal admin flag too
// (every portal target allowed). On a copy of the bench site, which is given supervisors, workflow
// and a portal project first when it has none.

import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { BIN, median } from './decisions.js';
import { enrichSite } from './enrich.js';
import { onSiteCopy, runMeasured } from './measured.js';

export interface PersonRun {
  /** Which kind of person. */
  kind: string;
  user: string;
  ms: number;
  peakMB: number;
  /** Actions allowed, and targets allowed over all targeted actions. */
  actions: number;
  targets: number;
}

export interface PersonFigures {
  users: number;
  runs: PersonRun[];
}

function timed(db: string, kind: string, user: string, runs: number): PersonRun {
  const times: number[] = [];
  let peak = 0;
  let actions = 0;
  let targets = 0;
  for (let i = 0; i < runs; i++) {
    const r = runMeasured(db, ['whocan', '--user', user, '--all', '--json'], 600_000);
    times.push(r.ms);
    if (r.stopped) return { kind, user, ms: 600_000, peakMB: 0, actions: 0, targets: 0 };
    if (r.status !== 0) throw new Error(`whocan --user ${user} --all failed: ${r.stderr}`);
    peak = Math.max(peak, r.peakMB);
    const doc = JSON.parse(r.stdout) as { modules: Record<string, { decision: string; targets?: string[] }[]> };
    const rows = Object.values(doc.modules).flat();
    actions = rows.filter((x) => x.decision === 'allow').length;
    targets = rows.reduce((n, x) => n + (x.targets?.length ?? 0), 0);
  }
  return { kind, user, ms: median(times), peakMB: Math.round(peak), actions, targets };
}

export function measurePersonAccess(site: string, users: number, runs = 3): PersonFigures {
  return onSiteCopy(site, 'schoolctl-bench-person-', (db) => {
    const probe = new Database(db, { readonly: true });
    const mentors = probe.prepare('SELECT count(*) FROM mentors').pluck().get() as number;
    probe.close();
    if (mentors === 0) enrichSite(db);
    const q = new Database(db, { readonly: true });
    const one = (sql: string) => q.prepare(sql).pluck().get() as string;
    const people: [string, string][] = [
      ['learner', one(`SELECT u.username FROM users u JOIN profiles p ON p.id = u.profile_id WHERE p.name = 'Student' ORDER BY u.id LIMIT 1 OFFSET 50`)],
      ['parent', one('SELECT u.username FROM parent_links l JOIN users u ON u.id = l.parent_id GROUP BY u.id ORDER BY count(*) DESC, u.id LIMIT 1')],
      ['teacher, no mentor', one(`SELECT u.username FROM course_members c JOIN users u ON u.id = c.user_id WHERE c.role = 'teacher' AND u.id NOT IN (SELECT user_id FROM mentors) GROUP BY u.id ORDER BY count(*) DESC, u.id LIMIT 1`)],
      ['mentor', one('SELECT u.username FROM mentor_classes m JOIN users u ON u.id = m.mentor_id GROUP BY u.id ORDER BY count(*) DESC, u.id LIMIT 1')],
      ['headteacher', one('SELECT u.username FROM headteacher_orgs h JOIN users u ON u.id = h.user_id ORDER BY u.id LIMIT 1')],
    ];
    q.close();
    const out = people.map(([kind, user]) => timed(db, kind, user, runs));
    // The same headteacher with the portal admin flag: every right on every portal target.
    const head = people[people.length - 1][1];
    const r = spawnSync(process.execPath, [BIN, '--db', db, '--quiet', 'portal', 'user', head, '--type', 'werknemer', '--admin'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`portal user ${head} --admin failed: ${r.stderr}`);
    out.push(timed(db, 'headteacher, portal admin', head, runs));
    return { users, runs: out };
  });
}

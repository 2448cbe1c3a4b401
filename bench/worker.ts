// One measurement in its own process, so peak memory (maxRSS) belongs to that measurement alone.
// Usage: node dist/bench/worker.js baseline|floor|import DB FILE  → prints {"rows","seconds","cpuSeconds","maxRssMB"}

import Database from 'better-sqlite3';
import { parse } from 'csv-parse';
import { createReadStream } from 'node:fs';

async function baseline(dbPath: string, file: string, withMemberships = false): Promise<number> {
  // csv-parse streaming into one raw prepared insert in one transaction: the floor to compare with.
  const db = new Database(dbPath);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  const profiles = new Map((db.prepare('SELECT name, id FROM profiles').raw().all() as [string, number][]).map(([n, id]) => [n, id]));
  const insert = db.prepare('INSERT INTO users (username, name, email, external_id, profile_id) VALUES (?, ?, ?, ?, ?)');
  const join = db.prepare('INSERT INTO memberships (user_id, unit_id, role) VALUES (?, ?, NULL)');
  let rows = 0;
  db.exec('BEGIN');
  const parser = createReadStream(file, { highWaterMark: 1 << 20 }).pipe(parse({ bom: true, from_line: 2 }));
  await new Promise<void>((resolve, reject) => {
    parser.on('readable', () => {
      let r: string[] | null;
      while ((r = parser.read()) !== null) {
        const id = insert.run(r[0], r[1], r[2] || null, r[3] || null, profiles.get(r[4]) ?? null).lastInsertRowid;
        if (withMemberships && r[5]) for (const u of r[5].split(';')) join.run(id, u);
        rows++;
      }
    });
    parser.on('end', () => resolve());
    parser.on('error', reject);
  });
  db.exec('COMMIT');
  db.close();
  return rows;
}

async function viaCli(dbPath: string, file: string): Promise<number> {
  const { main } = await import('../src/cli.js');
  const out: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((s: string) => (out.push(String(s)), true)) as typeof process.stdout.write;
  await main(['--db', dbPath, '--quiet', '--json', 'import', 'users', file]);
  process.stdout.write = write;
  const doc = JSON.parse(out.join(''));
  if (process.exitCode) throw new Error(`import failed: ${out.join('')}`);
  return doc.created + doc.updated + doc.unchanged;
}

/** The raw pipeline for a OneRoster bundle: csv-parse each file into one prepared insert, nothing checked. */
async function rosterBaseline(dbPath: string, dir: string): Promise<number> {
  const db = new Database(dbPath);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  const student = db.prepare(`SELECT id FROM profiles WHERE name = 'Student'`).pluck().get() as number;
  const userIds = new Map<string, number>();
  let rows = 0;
  const each = async (name: string, fn: (r: string[]) => void) => {
    const parser = createReadStream(`${dir}/${name}`, { highWaterMark: 1 << 20 }).pipe(parse({ bom: true, from_line: 2, relax_column_count: true }));
    await new Promise<void>((resolve, reject) => {
      parser.on('readable', () => {
        let r: string[] | null;
        while ((r = parser.read()) !== null) {
          fn(r);
          rows++;
        }
      });
      parser.on('end', () => resolve());
      parser.on('error', reject);
    });
  };
  db.exec('BEGIN');
  const unit = db.prepare(`INSERT INTO units (id, kind, name, parent_id) VALUES (?, ?, ?, ?)`);
  await each('orgs.csv', (r) => unit.run(r[0], r[4] === 'school' ? 'school' : 'organisation', r[3], r[6] || null));
  const course = db.prepare('INSERT OR IGNORE INTO courses (id, unit_id, name) VALUES (?, ?, ?)');
  await each('courses.csv', (r) => course.run(r[0], r[7], r[4]));
  await each('classes.csv', (r) => course.run(r[0], r[9], r[3]));
  const user = db.prepare('INSERT INTO users (username, name, email, external_id, profile_id) VALUES (?, ?, ?, ?, ?)');
  const member = db.prepare('INSERT OR IGNORE INTO memberships (user_id, unit_id, role) VALUES (?, ?, NULL)');
  await each('users.csv', (r) => {
    const id = Number(user.run(r[6], `${r[8]} ${r[9]}`, r[12] || null, r[0], student).lastInsertRowid);
    userIds.set(r[0], id);
    for (const o of r[4].split(',')) if (o) member.run(id, o);
  });
  const enrol = db.prepare('INSERT OR IGNORE INTO course_members (course_id, user_id, role) VALUES (?, ?, ?)');
  await each('enrollments.csv', (r) => enrol.run(r[3], userIds.get(r[5]), r[6] === 'student' ? 'learner' : 'teacher'));
  db.exec('COMMIT');
  db.close();
  return rows;
}

async function rosterViaCli(dbPath: string, dir: string): Promise<number> {
  const { main } = await import('../src/cli.js');
  const out: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((s: string) => (out.push(String(s)), true)) as typeof process.stdout.write;
  await main(['--db', dbPath, '--quiet', '--json', 'import', 'oneroster', dir]);
  process.stdout.write = write;
  if (process.exitCode) throw new Error(`import failed: ${out.join('')}`);
  const doc = JSON.parse(out.join('')) as { counts: Record<string, { created: number; updated: number; unchanged: number }> };
  return Object.values(doc.counts).reduce((n, c) => n + c.created + c.updated + c.unchanged, 0);
}

const [mode, dbPath, file] = process.argv.slice(2);
const t0 = process.hrtime.bigint();
const c0 = process.cpuUsage();
// floor: the same raw loop that also inserts each user's memberships, i.e. the work import does
// with nothing checked; it shows how much of the gap to the baseline is the memberships themselves.
const rows =
  mode === 'baseline' ? await baseline(dbPath, file)
  : mode === 'floor' ? await baseline(dbPath, file, true)
  : mode === 'roster-baseline' ? await rosterBaseline(dbPath, file)
  : mode === 'roster' ? await rosterViaCli(dbPath, file)
  : await viaCli(dbPath, file);
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu = process.cpuUsage(c0);
// CPU seconds (user + system) as well as wall time: on a shared machine the CPU time of each side
// is what other processes disturb least.
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
process.stdout.write(`${JSON.stringify({ rows, seconds, cpuSeconds, maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);

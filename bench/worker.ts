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

const [mode, dbPath, file] = process.argv.slice(2);
const t0 = process.hrtime.bigint();
const c0 = process.cpuUsage();
// floor: the same raw loop that also inserts each user's memberships, i.e. the work import does
// with nothing checked; it shows how much of the gap to the baseline is the memberships themselves.
const rows = mode === 'baseline' ? await baseline(dbPath, file) : mode === 'floor' ? await baseline(dbPath, file, true) : await viaCli(dbPath, file);
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu = process.cpuUsage(c0);
// CPU seconds (user + system) as well as wall time: on a shared machine the CPU time of each side
// is what other processes disturb least.
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
process.stdout.write(`${JSON.stringify({ rows, seconds, cpuSeconds, maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);

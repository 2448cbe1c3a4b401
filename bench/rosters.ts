// `import oneroster` of a generated bundle against the raw pipeline on the same files in the same run
// (csv-parse into prepared inserts), its peak memory, and a re-import of the same bundle (nothing to
// change) against the first import.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = join(here, '..', '..', 'bin', 'schoolctl.js');
const WORKER = join(here, 'worker.js');

interface Measure {
  rows: number;
  seconds: number;
  cpuSeconds: number;
  maxRssMB: number;
}

export interface RosterFigures {
  users: number;
  rows: number;
  baselineRowsPerS: number;
  importRowsPerS: number;
  ratio: number;
  /** the same ratio of CPU seconds (user + system), which a shared machine disturbs least */
  cpuRatio: number;
  importPeakMB: number;
  reimportPeakMB: number;
  reimportRatio: number;
  reimportCpuRatio: number;
}

const measure = (mode: string, db: string, dir: string): Measure => JSON.parse(execFileSync(process.execPath, [WORKER, mode, db, dir], { encoding: 'utf8', maxBuffer: 1 << 26 })) as Measure;

export function measureRosters(sizes: number[]): RosterFigures[] {
  const out: RosterFigures[] = [];
  for (const users of sizes) {
    const dir = mkdtempSync(join(tmpdir(), 'schoolctl-bench-roster-'));
    try {
      const bundle = join(dir, 'bundle');
      execFileSync(process.execPath, [BIN, '--quiet', 'generate', '--users', String(users), '--seed', '1', '--format', 'oneroster', '--out', bundle]);
      const fresh = (name: string) => {
        const db = join(dir, `${name}.db`);
        execFileSync(process.execPath, [BIN, '--db', db, '--quiet', 'init']);
        return db;
      };
      const base = measure('roster-baseline', fresh('baseline'), bundle);
      const db = fresh('import');
      const first = measure('roster', db, bundle);
      const again = measure('roster', db, bundle);
      const row = {
        users,
        rows: first.rows,
        baselineRowsPerS: Math.round(base.rows / base.seconds),
        importRowsPerS: Math.round(first.rows / first.seconds),
        ratio: +(base.seconds / first.seconds).toFixed(2),
        cpuRatio: +(base.cpuSeconds / first.cpuSeconds).toFixed(2),
        importPeakMB: first.maxRssMB,
        reimportPeakMB: again.maxRssMB,
        reimportRatio: +(again.seconds / first.seconds).toFixed(2),
        reimportCpuRatio: +(again.cpuSeconds / first.cpuSeconds).toFixed(2),
      };
      process.stderr.write(`${JSON.stringify(row)}\n`);
      out.push(row);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return out;
}

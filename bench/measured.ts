// One schoolctl process as a user runs it, with its wall time and its own peak memory, on a copy of
// a bench site: shared by the benches that time whole commands (what-if, whocan --all).

import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BIN } from './decisions.js';

/** Prints the process's peak memory on stderr when it exits. */
const RSS = `data:text/javascript,process.on('exit',()=>process.stderr.write('\\nmaxrss '+process.resourceUsage().maxRSS+'\\n'))`;

export interface Measured {
  ms: number;
  peakMB: number;
  status: number | null;
  stdout: string;
  stderr: string;
  /** The run passed its time limit and was stopped. */
  stopped: boolean;
}

/** `schoolctl --db DB ARGS…` once, with colour off and no prompts, stopped after `timeoutMs`. */
export function runMeasured(db: string, args: string[], timeoutMs: number, env: Record<string, string> = {}): Measured {
  const t = performance.now();
  const r = spawnSync(process.execPath, ['--import', RSS, BIN, '--db', db, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, timeout: timeoutMs, env: { ...process.env, NO_COLOR: '1', CI: 'true', ...env } });
  const ms = performance.now() - t;
  const stopped = (r.error as { code?: string } | undefined)?.code === 'ETIMEDOUT';
  const peakMB = Number(/maxrss (\d+)/.exec(r.stderr ?? '')?.[1] ?? 0) / 1024;
  return { ms, peakMB, status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', stopped };
}

/** Runs `work` on a copy of the bench site in a temporary folder, removed afterwards. */
export function onSiteCopy<T>(site: string, prefix: string, work: (db: string, dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    const db = join(dir, 'model.db');
    copyFileSync(site, db);
    return work(db, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

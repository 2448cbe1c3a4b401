// Shell completion of live values: each request is one process, as the shell starts it. Runs
// are interleaved with `node -e 0`, so load on the shared machine hits both alike.

import { spawnSync } from 'node:child_process';
import { median, percentile } from './decisions.js';

export interface CompletionRequest {
  readonly words: string;
  readonly p50ms: number;
  readonly p95ms: number;
  readonly candidates: number;
}

export interface CompletionFigures {
  readonly runs: number;
  readonly requests: CompletionRequest[];
  /** Node's own start-up in the same rounds. */
  readonly nodeP50ms: number;
  readonly nodeP95ms: number;
  readonly worstP95ms: number;
}

export function measureCompletion(bin: string, db: string, user: string, runs = 40): CompletionFigures {
  const prefix = user.slice(0, 3);
  const requests = [
    ['users', 'join', prefix],
    ['whocan', 'search-user', `user:${prefix}`],
    ['users', 'join', user, '--unit', ''],
    ['users', 'add', 'x', '--profile', ''],
    ['profiles', 'set', 'Staff', 'mess'],
  ].map((words) => ({ words, times: [] as number[], candidates: 0 }));
  const node: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    node.push(performance.now() - t);
    for (const r of requests) {
      const start = performance.now();
      const p = spawnSync(process.execPath, [bin, '__complete', '--db', db, ...r.words], { encoding: 'utf8' });
      r.times.push(performance.now() - start);
      if (p.status !== 0 || p.stderr) throw new Error(`__complete ${r.words.join(' ')} failed: ${p.stderr}`);
      r.candidates = p.stdout.split('\n').filter(Boolean).length;
      if (r.candidates === 0) throw new Error(`__complete ${r.words.join(' ')} found nothing`);
    }
  }
  const out = requests.map((r) => ({ words: r.words.join(' '), p50ms: median(r.times), p95ms: percentile(r.times, 95), candidates: r.candidates }));
  return { runs, requests: out, nodeP50ms: median(node), nodeP95ms: percentile(node, 95), worstP95ms: Math.max(...out.map((r) => r.p95ms)) };
}

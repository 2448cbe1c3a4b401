// Shell completion of live values: each request is one process, as the shell starts it.

import { spawnSync } from 'node:child_process';
import { median } from './decisions.js';

export interface CompletionFigures {
  /** The median wall time of one request, per request. */
  readonly requests: { readonly words: string; readonly ms: number; readonly candidates: number }[];
  readonly worstMs: number;
}

export function measureCompletion(bin: string, db: string, user: string, runs = 15): CompletionFigures {
  const prefix = user.slice(0, 3);
  const requests = [
    ['users', 'join', prefix],
    ['whocan', 'search-user', `user:${prefix}`],
    ['users', 'add', 'x', '--profile', ''],
    ['profiles', 'set', 'Staff', 'mess'],
  ].map((words) => {
    const times: number[] = [];
    let candidates = 0;
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      const r = spawnSync(process.execPath, [bin, '__complete', '--db', db, ...words], { encoding: 'utf8' });
      times.push(performance.now() - t);
      if (r.status !== 0) throw new Error(`__complete ${words.join(' ')} failed: ${r.stderr}`);
      candidates = r.stdout.split('\n').filter(Boolean).length;
      if (candidates === 0) throw new Error(`__complete ${words.join(' ')} found nothing`);
    }
    return { words: words.join(' '), ms: median(times), candidates };
  });
  return { requests, worstMs: Math.max(...requests.map((r) => r.ms)) };
}

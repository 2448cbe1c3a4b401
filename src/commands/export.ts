// `export KIND [--format csv|json]`: exactly the columns `import KIND` reads, in a stable order, so
// export → import into a fresh model → export gives the same bytes. `export site` writes the file
// that `apply` reads.

import type { Command } from 'commander';
import type { Writable } from 'node:stream';
import { csvLine } from '../db/bulk/csv.js';
import type { Sqlite } from '../db/open.js';
import { BULK_KINDS } from '../db/bulk/registry.js';
import { invalid } from '../model/errors.js';
import { requireKind } from './import.js';
import { startProgress } from './progress.js';
import { examples, Ctx, type GlobalOptions } from './runtime.js';

/** Writes text in large chunks, waiting for the pipe when it is full. */
export class ChunkWriter {
  private buf = '';
  constructor(private readonly out: Writable) {}
  async write(s: string): Promise<void> {
    this.buf += s;
    if (this.buf.length > 1 << 16) await this.flush();
  }
  async flush(): Promise<void> {
    if (!this.buf) return;
    const chunk = this.buf;
    this.buf = '';
    if (!this.out.write(chunk)) await new Promise<void>((resolve) => this.out.once('drain', () => resolve()));
  }
}

/** Writes one kind as CSV or JSON to a stream. */
export async function writeKind(db: Sqlite, kindName: string, format: string, out: Writable, onRow?: (rows: number) => void): Promise<number> {
  const kind = requireKind(kindName);
  const names = kind.columns.map((c) => c.name);
  const w = new ChunkWriter(out);
  let n = 0;
  if (format === 'csv') {
    await w.write(csvLine(names));
    for (const row of kind.exportRows(db)) {
      await w.write(csvLine(row.map((c) => (c === null || c === undefined ? '' : String(c)))));
      onRow?.(++n);
    }
  } else {
    await w.write('[');
    for (const row of kind.exportRows(db)) {
      const obj: Record<string, string> = {};
      names.forEach((c, i) => (obj[c] = row[i] === null || row[i] === undefined ? '' : String(row[i])));
      await w.write(`${n ? ',' : ''}\n  ${JSON.stringify(obj)}`);
      onRow?.(++n);
    }
    await w.write(n ? '\n]\n' : ']\n');
  }
  await w.flush();
  return n;
}

async function exportCommand(ctx: Ctx, what: string, dir: string | undefined, opts: { format?: string; version?: string }) {
  if (what === 'oneroster') {
    const { exportOneRosterCommand } = await import('./rosters.js');
    return exportOneRosterCommand(ctx, dir, opts.version);
  }
  if (dir !== undefined) throw invalid('bad-argument', `export ${what} writes to standard output and takes no folder ("${dir}"); only export oneroster DIR writes files.`);
  // A reader that stops early (`| head`) ends the export quietly.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  if (what === 'site') {
    const { siteText } = await import('../db/site/site-file.js');
    const { writeTextTo } = await import('./json-out.js');
    const format = opts.format ?? (ctx.json ? 'json' : 'yaml');
    if (format !== 'yaml' && format !== 'json') throw invalid('bad-format', `Format "${format}" is not valid for export site; use yaml or json.`);
    const db = await ctx.open();
    // A section and an entry at a time: memory stays flat however large the site is.
    await writeTextTo(process.stdout, siteText(db, format));
    return;
  }
  const format = opts.format ?? (ctx.json ? 'json' : 'csv');
  if (format !== 'csv' && format !== 'json') throw invalid('bad-format', `Format "${format}" is not valid; use csv or json.`);
  requireKind(what);
  const db = await ctx.open();
  // Progress only when the rows go to a file or a pipe, not to the same terminal.
  const progress = process.stdout.isTTY ? undefined : startProgress(ctx, `exporting ${what}`);
  await writeKind(db, what, format, process.stdout, progress && ((n) => progress.update(n)));
  progress?.end();
}

export function register(program: Command): void {
  examples(
    program
      .command('export')
      .argument('<kind>', `site, oneroster, or one of: ${BULK_KINDS.map((k) => k.name).join(', ')}`)
      .argument('[dir]', 'oneroster only: the folder to write the bundle into')
      .option('--format <format>', 'csv (default) or json; for site: yaml (default) or json')
      .option('--version <version>', 'oneroster only: 1.1 (default) or 1.2')
      .description('write one kind in the columns import reads (or the whole site as the file apply reads) to standard output')
      .action(async (what: string, dir: string | undefined, _opts: unknown, cmd: Command) => {
        const ctx = new Ctx(cmd.optsWithGlobals() as GlobalOptions, process.argv.slice(2));
        try {
          const result = await exportCommand(ctx, what, dir, cmd.opts() as { format?: string; version?: string });
          if (result) ctx.print(result);
        } finally {
          ctx.close();
        }
      }),
    ['schoolctl export users > users.csv', 'schoolctl export enrolments --format json', 'schoolctl export site > site.yaml', 'schoolctl export oneroster roster-out/ --version 1.2'],
  );
}

// `import oneroster DIR|FILE.zip` (and, through the same path, `import ims-enterprise FILE.xml`):
// a real roster into the model, checked whole first and applied all or nothing. Parsing and
// printing only; the work is in src/db/rosters/.

import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findKind } from '../db/bulk/registry.js';
import type { RowChange } from '../db/bulk/runner.js';
import { openBundle } from '../db/rosters/oneroster-files.js';
import { importOneRoster, type RosterOutcome } from '../db/rosters/oneroster-import.js';
import { clearDrift, lastDriftId, type GoneRecord } from '../db/rosters/sync-records.js';
import { unzipBundle } from '../db/rosters/zip.js';
import { invalid } from '../model/errors.js';
import { SITE_TARGET } from '../model/school-scope.js';
import type { CommandResult, Ctx } from './runtime.js';

const ROLLBACK = Symbol('rollback');
const AUDIT_ROWS = 100;
/** The kinds a roster writes, whose rights an `--as` actor needs (the same as `import KIND`). */
const ROSTER_KINDS = ['units', 'terms', 'users', 'memberships', 'parents', 'courses', 'enrolments'];

export interface RosterCommandOptions {
  readonly dryRun?: boolean;
  readonly plan?: boolean;
  readonly prune?: boolean;
  readonly lenient?: boolean;
}

/** Guards, runs and reports one roster; `load` turns the input into an outcome inside the transaction. */
export async function runRoster(ctx: Ctx, label: string, opts: RosterCommandOptions, load: () => Promise<RosterOutcome>) {
  const db = await ctx.open();
  for (const k of ROSTER_KINDS) {
    const kind = findKind(k)!;
    ctx.guard(kind.right, SITE_TARGET, `import a roster (its ${kind.name} need ${kind.right} at site level)`);
  }
  const plan = opts.plan === true || opts.dryRun === true;
  let outcome: RosterOutcome | undefined;
  try {
    await ctx.change(`import ${label}`, async (tx) => {
      const driftBefore = lastDriftId(db);
      outcome = await load();
      if (outcome.problems.length || plan) throw ROLLBACK;
      // Under --as, each profile the roster hands out must sit below the actor's own (DOMAIN.md §8).
      for (const p of outcome.assignedProfiles) ctx.guard('assign-profile', { kind: 'profile', id: p }, `give users profile ${p}`);
      // --max-loss and --max-gain are judged by ctx.change on the access diff, after this returns.
      clearDrift(db, outcome.source, driftBefore, Object.values(outcome.modes).every((m) => m === 'bulk'));
      const rows = [...outcome.changes, ...outcome.deleted.map(removal), ...(opts.prune ? outcome.gone.map(removal) : [])];
      if (outcome.changeCount <= AUDIT_ROWS) for (const c of rows) tx.record(c.entity, c.id, c.before, c.after);
      else tx.record('import', outcome.source, null, { changed: outcome.changeCount, removed: outcome.deleted.length + (opts.prune ? outcome.gone.length : 0) });
    });
  } catch (e) {
    if (e !== ROLLBACK) throw e;
  }
  const o = outcome!;
  if (o.problems.length) {
    const shown = o.problems.slice(0, 200);
    const more = o.problems.length > shown.length ? `\n… and ${o.problems.length - shown.length} more problem(s) not shown` : '';
    throw invalid('bad-roster', `${label} has ${o.problems.length} problem(s); nothing was imported:\n${shown.join('\n')}${more}`);
  }
  // A dry run goes through the whole import (the access diff is taken) and is rolled back after:
  // its report says what would happen, as a plan does.
  return report(o, label, plan, ctx.dryRun === true, opts);
}

function removal(g: GoneRecord): RowChange {
  return { kind: g.entity, entity: g.entity, status: 'update', id: g.label, before: { exists: true }, after: null };
}

function report(o: RosterOutcome, label: string, plan: boolean, dryRun: boolean, opts: RosterCommandOptions) {
  const would = plan || dryRun;
  const count = (k: string) => o.counts[k] ?? { create: 0, update: 0, same: 0 };
  const kinds = Object.keys(o.counts);
  const data = {
    source: o.source,
    version: o.version,
    files: o.modes,
    plan,
    dryRun,
    counts: Object.fromEntries(kinds.map((k) => [k, { created: count(k).create, updated: count(k).update, unchanged: count(k).same }])),
    changed: o.changeCount,
    changes: o.changes,
    removed: o.deleted.map((g) => ({ entity: g.entity, id: g.label })),
    gone: o.gone.map((g) => ({ entity: g.entity, id: g.label })),
    pruned: opts.prune === true && !would,
    warnings: o.warnings,
  };
  const lines: string[] = [];
  const verb = plan ? 'Plan for' : dryRun ? 'Would import' : 'Imported';
  const summary = kinds
    .filter((k) => count(k).create + count(k).update + count(k).same > 0)
    .map((k) => `${k} ${count(k).create} ${would ? 'to create' : 'created'}, ${count(k).update} ${would ? 'to update' : 'updated'}, ${count(k).same} unchanged`)
    .join('; ');
  lines.push(`${verb} ${label} (${o.source.startsWith('ims:') ? 'IMS Enterprise' : `OneRoster ${o.version}`}, source ${o.source}): ${summary || 'nothing in it'}.`);
  if (plan) {
    for (const c of o.changes.slice(0, 40)) lines.push(`  ${c.status === 'create' ? '+' : '~'} ${c.entity} ${c.id}`);
    if (o.changeCount > 40) lines.push(`  … and ${o.changeCount - 40} more change(s)`);
  } else if (o.changeCount === 0 && !o.deleted.length) lines.push(dryRun ? 'Nothing would change: the model already matches the roster.' : 'Nothing changed: the model already matches the roster.');
  if (o.deleted.length) lines.push(`${plan ? 'To remove' : dryRun ? 'Would remove' : 'Removed'} (tobedeleted): ${o.deleted.map((g) => `${g.entity} ${g.label}`).join(', ')}`);
  if (o.gone.length) {
    const what = o.gone.slice(0, 20).map((g) => `  - ${g.entity} ${g.label}`);
    if (o.gone.length > 20) what.push(`  … and ${o.gone.length - 20} more`);
    const how = opts.prune ? (would ? 'would be removed (--prune)' : 'removed (--prune)') : 'kept; pass --prune to remove them';
    lines.push(`Gone from the source (${o.gone.length}: in the model from ${o.source}, left out of its bulk files), ${how}:`, ...what);
  }
  if (o.warnings.length) lines.push('Warnings:', ...o.warnings.slice(0, 50).map((w) => `  - ${w}`), ...(o.warnings.length > 50 ? [`  … and ${o.warnings.length - 50} more`] : []));
  if (plan) lines.push('Nothing was changed (plan).');
  return { data, human: lines.join('\n') };
}

/** `import oneroster DIR|FILE.zip` */
export async function importOneRosterCommand(ctx: Ctx, target: string, opts: RosterCommandOptions): Promise<CommandResult> {
  let dir = target;
  let cleanup = () => {};
  let isFile = false;
  try {
    isFile = statSync(target).isFile();
  } catch {
    /* openBundle names the missing folder */
  }
  if (isFile) {
    if (!/\.zip$/i.test(target)) throw invalid('not-oneroster', `${target} is a file, not a OneRoster bundle; give the bundle's folder or its .zip file.`);
    const tmp = mkdtempSync(join(tmpdir(), 'schoolctl-oneroster-'));
    cleanup = () => rmSync(tmp, { recursive: true, force: true });
    try {
      await unzipBundle(target, tmp);
    } catch (e) {
      cleanup();
      throw e;
    }
    dir = tmp;
  }
  try {
    const folderName = isFile ? target.replace(/^.*[\\/]/, '').replace(/\.zip$/i, '') : undefined;
    const bundle = openBundle(dir, undefined);
    const named = folderName && bundle.source === `oneroster:${dir.replace(/^.*[\\/]/, '')}` ? { ...bundle, source: `oneroster:${folderName}` } : bundle;
    return await runRoster(ctx, target, opts, () => importOneRoster(ctx.sqlite, named, opts));
  } finally {
    cleanup();
  }
}

/** `import ims-enterprise FILE.xml` */
export async function importImsCommand(ctx: Ctx, file: string, opts: RosterCommandOptions): Promise<CommandResult> {
  const { requireInputFile } = await import('./runtime.js');
  requireInputFile(file, 'give an IMS Enterprise 1.1 XML file');
  const { readImsEnterprise } = await import('../db/rosters/ims-enterprise.js');
  const ims = await readImsEnterprise(file);
  return runRoster(ctx, file, opts, () => {
    // An id the file marks Old → New: the model's user keeps their record under the new id.
    const move = ctx.sqlite.prepare('UPDATE users SET external_id = ? WHERE external_id = ? AND NOT EXISTS (SELECT 1 FROM users WHERE external_id = ?)');
    for (const r of ims.renamedIds) move.run(r.id, r.old, r.id);
    return importOneRoster(ctx.sqlite, ims.bundle, opts);
  });
}

/** `export oneroster DIR [--version 1.1|1.2]` */
export async function exportOneRosterCommand(ctx: Ctx, dir: string | undefined, version: string | undefined): Promise<CommandResult> {
  if (!dir) throw invalid('missing-argument', 'export oneroster needs the folder to write the bundle into, e.g. schoolctl export oneroster roster-out/.');
  const v = version ?? '1.1';
  if (v !== '1.1' && v !== '1.2') throw invalid('bad-version', `--version "${v}" is not a OneRoster version this writes; use 1.1 or 1.2.`);
  let existing: string[] = [];
  try {
    existing = readdirSync(dir).filter((f) => /\.csv$/i.test(f));
  } catch {
    /* a new folder */
  }
  if (existing.length) throw invalid('exists', `${dir} already holds CSV files (${existing.slice(0, 3).join(', ')}); give an empty or new folder.`);
  const { exportOneRoster } = await import('../db/rosters/oneroster-export.js');
  const o = await exportOneRoster(await ctx.open(), dir, v);
  return {
    data: o,
    human: `Wrote a OneRoster ${o.version} bulk bundle (source ${o.systemName}) to ${dir}: ${Object.entries(o.rows).map(([k, n]) => `${n} ${k}`).join(', ')}.`,
  };
}

// `workflow`: the phases that decide when learners, parents and external systems see a term's
// attendance, behaviour and assessment (DOMAIN.md §6): the switches, the batches and their phases,
// advancing under the responsible person's name, an administrator's reset, and the external export.

import type { Command } from 'commander';
import { requireCourse, requireUnit } from '../db/stores/lookups.js';
import { batchLearnerRows, listBatches, readSwitches, writeBatchPhase, writeSwitches } from '../db/facts/workflow-facts.js';
import { invalid } from '../model/errors.js';
import type { Facts } from '../model/facts.js';
import { decisionEngine } from '../model/registry.js';
import { actionNeed } from '../model/refusal.js';
import { batchName, resolveTerm } from '../model/workflow-rules.js';
import {
  AUDIENCES,
  WORKFLOW,
  WORKFLOW_AREAS,
  firstPhase,
  isArea,
  nextPhase,
  phaseDef,
  roleName,
  type Audience,
  type BatchKind,
  type PhaseKey,
  type PhaseSwitches,
  type WorkflowArea,
} from '../model/workflow-phases.js';
import { table } from './render.js';
import { action, changeResult, examples, refusal, type Ctx } from './runtime.js';

function parseArea(raw: string): WorkflowArea {
  if (!isArea(raw)) throw invalid('unknown-area', `There is no workflow area "${raw}"; areas are ${WORKFLOW_AREAS.join(', ')}.`);
  return raw;
}

function parsePhase(area: WorkflowArea, raw: string): PhaseKey {
  const p = phaseDef(area, raw);
  if (!p) throw invalid('unknown-phase', `Area ${area} has no phase "${raw}"; its phases are ${WORKFLOW[area].phases.map((x) => x.key).join(', ')}.`);
  return p.key;
}

function parseOnOff(flag: string, raw: string): boolean {
  if (raw === 'on') return true;
  if (raw === 'off') return false;
  throw invalid('bad-value', `--${flag} "${raw}" is not valid; use on or off.`);
}

/** The term given, else the default one (DOMAIN.md §1), with a note saying which. */
function termFor(ctx: Ctx, facts: Facts, raw: string | undefined): string {
  const t = resolveTerm(facts, raw, null);
  if (!t.id) throw invalid('no-terms', 'There are no terms, and workflow runs per term; add one first, for example: schoolctl terms add 2025-T1 --from 2025-09-01 --to 2025-12-19.');
  if (!raw && !ctx.json) ctx.note(`Using ${t.step.detail}.`);
  return t.id;
}

interface BatchTarget {
  readonly kind: BatchKind;
  readonly id: string;
}

/** A `course:ID` or `class:ID` target of the kind the area's batches are (and `unit:ID` where allowed). */
function parseBatchTarget(ctx: Ctx, area: WorkflowArea, raw: string, allowUnit: boolean): BatchTarget | { kind: 'unit'; id: string } {
  const m = /^(course|class|unit):(.+)$/.exec(raw);
  const want = WORKFLOW[area].batchKind;
  const valid = `${want}:ID${allowUnit ? ' or unit:ID' : ''}`;
  if (!m || (m[1] === 'unit' && !allowUnit)) throw invalid('bad-target', `Target "${raw}" is not valid here; ${area} batches are named ${valid}.`);
  const [, kind, id] = m;
  if (kind === 'unit') return { kind: 'unit', id: requireUnit(ctx.sqlite, id).id };
  if (kind !== want) throw invalid('wrong-batch-kind', `${area} batches are ${want === 'course' ? 'courses' : 'classes or groups'}: use ${want}:ID, not ${raw}.`);
  if (kind === 'course') return { kind: 'course', id: requireCourse(ctx.sqlite, id).id };
  return { kind: 'class', id: requireUnit(ctx.sqlite, id, ['class', 'group']).id };
}

function requireBatch(facts: Facts, area: WorkflowArea, term: string, t: BatchTarget) {
  const b = facts.batch(area, term, t.kind, t.id);
  if (!b) {
    const org = facts.term(term)?.orgId;
    throw invalid(
      'no-batch',
      `${batchName(t)} has no ${area} batch in term ${term}: a batch exists once its ${t.kind === 'course' ? 'course' : 'class or group'} has learners${org ? ` and lies in school ${org}, which owns the term` : ''}.`,
    );
  }
  return b;
}

const yesNo = (b: boolean) => (b ? 'on' : 'off');

// ---- show / set ----

async function show(ctx: Ctx, rawArea: string | undefined) {
  const db = await ctx.open();
  const areas = rawArea ? [parseArea(rawArea)] : WORKFLOW_AREAS;
  const names = ctx.facts().supervisorNames();
  const rows = areas.flatMap((area) =>
    WORKFLOW[area].phases.map((p) => {
      const s = readSwitches(db, area, p.key);
      return {
        area,
        phase: p.key,
        title: p.title,
        description: p.description,
        responsible: p.responsible ? roleName(p.responsible, names) : null,
        learner: s.learner,
        parent: s.parent,
        external: s.external,
        transition: p.transition,
        editors: p.editors.map((r) => roleName(r, names)),
      };
    }),
  );
  const parts: string[] = [];
  for (const area of areas) {
    parts.push(`${WORKFLOW[area].title} (batches per term and ${WORKFLOW[area].batchKind === 'course' ? 'course' : 'class or group'})`);
    parts.push(
      await table(
        ['phase', 'description', 'responsible role', 'learner', 'parent', 'external systems', 'transition action'],
        rows
          .filter((r) => r.area === area)
          .map((r) => [{ text: [r.phase, r.title] }, r.description, r.responsible ?? '—', yesNo(r.learner), yesNo(r.parent), yesNo(r.external), r.transition ?? '—']),
      ),
    );
  }
  return { data: rows, human: parts.join('\n') };
}

async function set(ctx: Ctx, rawArea: string, rawPhase: string, opts: Partial<Record<Audience, string>>) {
  const db = await ctx.open();
  const area = parseArea(rawArea);
  const phase = parsePhase(area, rawPhase);
  const wanted = AUDIENCES.filter((a) => opts[a] !== undefined).map((a) => [a, parseOnOff(a, opts[a]!)] as const);
  if (!wanted.length) throw invalid('nothing-to-set', 'Give at least one of --learner on|off, --parent on|off, --external on|off.');
  ctx.guard('workflow-management', null, `change the workflow switches of ${area} ${phase}`);
  const { changes } = await ctx.change(`workflow set ${area} ${phase}`, (tx) => {
    const before = readSwitches(db, area, phase);
    const after: PhaseSwitches = { ...before, ...Object.fromEntries(wanted) };
    writeSwitches(db, area, phase, after);
    for (const a of AUDIENCES) tx.record('workflow-switch', `${area}/${phase}/${a}`, yesNo(before[a]), yesNo(after[a]));
  });
  return changeResult(changes, `${area} ${phase}`);
}

// ---- status ----

async function status(ctx: Ctx, rawArea: string, rawTarget: string | undefined, opts: { term?: string }) {
  const db = await ctx.open();
  const area = parseArea(rawArea);
  const facts = ctx.facts();
  const term = termFor(ctx, facts, opts.term);
  const filter = rawTarget ? parseBatchTarget(ctx, area, rawTarget, true) : undefined;
  const names = facts.supervisorNames();
  const engine = decisionEngine();
  const rows = listBatches(db, area, term, filter).map((b) => {
    const p = phaseDef(area, b.phase)!;
    const may = p.responsible ? engine.whoCan(facts, `advance-${area}`, batchName(b), { term }).allowed.map((a) => ({ user: a.user, because: a.because })) : [];
    return {
      area,
      term,
      batch: batchName(b),
      name: b.name,
      unit: b.unitId,
      learners: b.learners,
      phase: b.phase,
      responsible: p.responsible ? roleName(p.responsible, names) : null,
      next: nextPhase(area, b.phase) ?? null,
      mayAdvance: may,
    };
  });
  if (!rows.length) {
    const what = WORKFLOW[area].batchKind === 'course' ? 'course' : 'class or group';
    return { data: rows, human: `No ${area} batches in term ${term}${rawTarget ? ` for ${rawTarget}` : ''}: a batch exists once its ${what} has learners.` };
  }
  const human = await table(
    ['batch', 'learners', 'phase', 'responsible role', 'may advance'],
    rows.map((r) => [
      r.batch,
      r.learners,
      r.phase,
      r.responsible ?? '— (completed)',
      r.responsible ? (r.mayAdvance.map((m) => m.user).join(', ') || 'nobody (see "schoolctl doctor")') : '—',
    ]),
  );
  return { data: rows, human: `${area}, term ${term}\n${human}` };
}

// ---- advance / reset ----

async function advance(ctx: Ctx, rawArea: string, rawTarget: string, opts: { term?: string }) {
  const db = await ctx.open();
  const area = parseArea(rawArea);
  if (!ctx.opts.as) {
    throw invalid('missing-as', `workflow advance needs --as USER: a batch moves on only under the name of its responsible person (for example --as j.devries).`);
  }
  const facts = ctx.facts();
  const term = termFor(ctx, facts, opts.term);
  const target = parseBatchTarget(ctx, area, rawTarget, false) as BatchTarget;
  const b = requireBatch(facts, area, term, target);
  const next = nextPhase(area, b.phase);
  const label = `${area} ${term} ${batchName(b)}`;
  if (!next) {
    throw invalid(
      'batch-completed',
      `${label} is already ${b.phase}; there is no phase after it. An administrator can put it back with: schoolctl workflow reset ${area} --term ${term} ${batchName(b)} --phase PHASE --yes.`,
    );
  }
  const decision = decisionEngine().decide(facts, `advance-${area}`, ctx.opts.as, target, { term });
  if (decision.decision === 'deny') {
    const last = [...decision.trace].reverse().find((s) => s.result === 'fail');
    throw refusal(facts, ctx.opts.as, `${ctx.opts.as} may not advance ${label}: ${last?.detail ?? 'denied'}.`, decision, [actionNeed(`advance-${area}`, decision.target, { term })]);
  }
  const { changes } = await ctx.change(`workflow advance ${label}`, (tx) => {
    const now = ctx.facts().batch(area, term, target.kind, target.id);
    if (now?.phase !== b.phase) throw invalid('batch-moved', `${label} moved to ${now?.phase ?? 'nowhere'} while this command ran; nothing changed. Check "schoolctl workflow status ${area} --term ${term}".`);
    writeBatchPhase(db, { area, term, kind: target.kind, id: target.id }, next, ctx.opts.as!);
    tx.record('workflow-batch', `${area}/${term}/${batchName(b)}`, { phase: b.phase }, { phase: next });
  });
  const p = phaseDef(area, b.phase)!;
  const n = phaseDef(area, next)!;
  const names = facts.supervisorNames();
  return {
    data: { area, term, batch: batchName(b), from: b.phase, to: next, by: ctx.opts.as, changes },
    human: `${label}: ${b.phase} → ${next} (${ctx.opts.as}: ${p.transition})${n.responsible ? `\nNext: the ${roleName(n.responsible, names)} (${n.transition})` : ''}`,
  };
}

async function reset(ctx: Ctx, rawArea: string, rawTarget: string, opts: { term?: string; phase?: string }) {
  const db = await ctx.open();
  const area = parseArea(rawArea);
  const facts = ctx.facts();
  const term = termFor(ctx, facts, opts.term);
  const target = parseBatchTarget(ctx, area, rawTarget, false) as BatchTarget;
  const phase = opts.phase ? parsePhase(area, opts.phase) : firstPhase(area);
  const b = requireBatch(facts, area, term, target);
  const label = `${area} ${term} ${batchName(b)}`;
  if (!ctx.opts.yes) throw invalid('needs-yes', `workflow reset puts ${label} back from ${b.phase} to ${phase}; add --yes to confirm.`);
  ctx.guard('workflow-management', null, `reset ${label}`);
  const { changes } = await ctx.change(`workflow reset ${label}`, (tx) => {
    const now = ctx.facts().batch(area, term, target.kind, target.id)!;
    if (now.phase !== phase) writeBatchPhase(db, { area, term, kind: target.kind, id: target.id }, phase, ctx.actor);
    tx.record('workflow-batch', `${area}/${term}/${batchName(b)}`, { phase: now.phase }, { phase });
  });
  return changeResult(changes, label);
}

// ---- external ----

/** A cell a spreadsheet would run as a formula gets a leading quote (shared/CLI.md). */
function safeCell(v: string | null): string {
  if (v === null) return '';
  return /^[=+\-@]/.test(v) ? `'${v}` : v;
}

async function external(ctx: Ctx, rawArea: string, opts: { term?: string; format?: string }) {
  const db = await ctx.open();
  const area = parseArea(rawArea);
  const format = opts.format ?? 'csv';
  if (format !== 'csv' && format !== 'json') throw invalid('bad-format', `--format "${format}" is not valid; use csv or json.`);
  const facts = ctx.facts();
  const term = termFor(ctx, facts, opts.term);
  const rows: { username: string; name: string; externalId: string | null; area: string; term: string; batch: string; phase: string }[] = [];
  for (const { batch, learners } of batchLearnerRows(db, area, term)) {
    if (!facts.phaseSwitches(area, batch.phase).external) continue;
    for (const l of learners) rows.push({ username: l.username, name: l.name, externalId: l.externalId, area, term, batch: batchName(batch), phase: batch.phase });
  }
  rows.sort((a, b) => a.username.localeCompare(b.username) || a.batch.localeCompare(b.batch));
  if (format === 'json' || ctx.json) return { data: rows, human: '', asJson: true };
  const { stringify } = await import('csv-stringify/sync');
  const csv = stringify(
    rows.map((r) => [r.username, r.name, r.externalId, r.area, r.term, r.batch, r.phase].map(safeCell)),
    { header: true, columns: ['username', 'name', 'external_id', 'area', 'term', 'batch', 'phase'] },
  );
  return { data: rows, human: csv };
}

export function register(program: Command): void {
  const wf = program.command('workflow').description('workflow phases: when learners, parents and external systems see attendance, behaviour and assessment');
  examples(
    wf.command('show').argument('[area]', `one of ${WORKFLOW_AREAS.join(', ')}`).description("the admin page's table: phases, responsible roles, switches, transition actions").action(action(show)),
    ['schoolctl workflow show', 'schoolctl workflow show attendance --json'],
  );
  examples(
    wf
      .command('set')
      .argument('<area>')
      .argument('<phase>')
      .option('--learner <on|off>', 'learners see the area in this phase')
      .option('--parent <on|off>', 'parents see the area in this phase')
      .option('--external <on|off>', 'external systems receive the area in this phase')
      .description('set the visibility switches of one phase (needs Workflow management under --as)')
      .action(action(set)),
    ['schoolctl workflow set attendance group-registration --learner on --parent on', 'schoolctl workflow set assessment completed --external on'],
  );
  examples(
    wf
      .command('status')
      .argument('<area>')
      .argument('[target]', 'course:ID, class:ID or unit:ID to narrow the list')
      .option('--term <term>', 'the term (default: the current term)')
      .description('batches of a term, their current phase and who may advance each')
      .action(action(status)),
    ['schoolctl workflow status attendance --term 2025-T1', 'schoolctl workflow status behaviour --term 2025-T1 unit:north --json'],
  );
  examples(
    wf
      .command('advance')
      .argument('<area>')
      .argument('<target>', 'course:ID (attendance, assessment) or class:ID (behaviour)')
      .option('--term <term>', 'the term (default: the current term)')
      .description("move a batch on by one phase, as its responsible person (--as is required)")
      .action(action(advance)),
    ['schoolctl workflow advance attendance --term 2026-T2 course:math-3c --as j.devries', 'schoolctl workflow advance behaviour --term 2026-T2 class:5A --as j.devries'],
  );
  examples(
    wf
      .command('reset')
      .argument('<area>')
      .argument('<target>', 'course:ID or class:ID')
      .option('--term <term>', 'the term (default: the current term)')
      .option('--phase <phase>', "the phase to put the batch in (default: the area's first)")
      .description('put a batch back to an earlier phase (Workflow management; needs --yes)')
      .action(action(reset)),
    ['schoolctl workflow reset assessment --term 2025-T1 course:math-5a --yes', 'schoolctl workflow reset attendance --term 2025-T1 course:math-5a --phase group-registration --yes'],
  );
  examples(
    wf
      .command('external')
      .argument('<area>')
      .option('--term <term>', 'the term (default: the current term)')
      .option('--format <format>', 'csv (default) or json')
      .description('what external systems may receive now: the learners whose batch is in a phase with External systems on')
      .action(action(external)),
    ['schoolctl workflow external assessment --term 2025-T1 > assessment.csv', 'schoolctl workflow external attendance --format json'],
  );
}

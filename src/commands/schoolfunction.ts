// `schoolfunction`: who holds which school function per project and over which scope, the rights
// catalogue, and the Instellingen switches (DOMAIN.md §7). Changes need the portal
// admin flag under --as.

import type { Command } from 'commander';
import { requireUser } from '../db/stores/lookups.js';
import {
  addScope,
  assignmentId,
  createAssignment,
  deleteAssignment,
  listAssignments,
  removeScope,
  requirePortalProject,
  requireStructure,
  scopesOf,
  setSwitch,
  switchValue,
  type ScopeKind,
} from '../db/stores/portal-store.js';
import { command, invalid } from '../model/errors.js';
import {
  ADMIN_HOLDER,
  FUNCTIONS,
  FUNCTION_SCOPE,
  HOLDERS,
  HOLDER_TITLES,
  RIGHTS,
  USER_TYPES,
  isFunction,
  isUserType,
  normaliseHolder,
  portalActionKeys,
  scopeMismatch,
  switchKeys,
  type Holder,
  type SchoolFunction,
} from '../model/schoolfunction-rights.js';
import { nearestKey } from '../model/settings-catalogue.js';
import { requirePortalType } from './portal.js';
import { table } from './render.js';
import { action, collect, changeResult, examples, type Ctx } from './runtime.js';
import { didYouMean } from '../model/did-you-mean.js';

interface ScopeOpts {
  project: string;
  afdeling?: string[];
  klas?: string[];
  team?: string;
  sectie?: string;
}


const SCOPE_HELP: Record<string, string> = {
  afdeling: '--afdeling A (one or more afdelingen)',
  klas: '--klas K (one or more klassen)',
  team: '--team T (one team)',
  sectie: '--sectie S (one sectie)',
};

function adminHint(): string {
  return `${ADMIN_HOLDER} is the admin flag, not an assigned function: ${command('portal', 'user', 'USER', '--type', 'werknemer', '--admin')}`;
}

export function parseFunction(raw: string): SchoolFunction {
  const f = normaliseHolder(raw);
  if (isFunction(f)) return f;
  if (f === ADMIN_HOLDER || f === 'admin') throw invalid('admin-flag', `${adminHint()}.`);
  if (isUserType(f)) throw invalid('user-type', `"${raw}" is a user type, set with "schoolctl portal user USER --type ${f}"; functions are: ${FUNCTIONS.join(', ')}.`);
  throw invalid('unknown-function', `There is no school function "${raw}"${didYouMean(f, FUNCTIONS) || '.'} Functions are: ${FUNCTIONS.join(', ')}.`);
}

function parseHolder(raw: string): Holder {
  const h = normaliseHolder(raw);
  if ((HOLDERS as readonly string[]).includes(h)) return h as Holder;
  if (h === ADMIN_HOLDER || h === 'admin') throw invalid('admin-flag', `The admin flag has no switches: it holds every right. ${adminHint()}.`);
  throw invalid('unknown-function', `There is no school function or user type "${raw}"${didYouMean(h, HOLDERS) || '.'} Valid: ${HOLDERS.join(', ')}.`);
}

/** The scope options given, checked against the scope the function takes. */
function scopeOf(fn: SchoolFunction, opts: ScopeOpts, required: boolean): { kind: ScopeKind; ids: string[] } | null {
  const given: { kind: ScopeKind; ids: string[] }[] = [];
  if (opts.afdeling?.length) given.push({ kind: 'afdeling', ids: opts.afdeling });
  if (opts.klas?.length) given.push({ kind: 'klas', ids: opts.klas });
  if (opts.team) given.push({ kind: 'team', ids: [opts.team] });
  if (opts.sectie) given.push({ kind: 'sectie', ids: [opts.sectie] });
  const mismatch = scopeMismatch(fn, given.map((g) => g.kind), required);
  if (mismatch?.problem === 'takes-none') throw invalid('wrong-scope', `${fn} is project-wide and takes no scope; drop --${given.map((g) => g.kind).join(' and --')}.`);
  if (mismatch?.problem === 'wrong-kind') throw invalid('wrong-scope', `${fn} is scoped by ${SCOPE_HELP[mismatch.want]}, not --${mismatch.given}.`);
  if (mismatch?.problem === 'missing') throw invalid('missing-scope', `${fn} needs its scope: ${SCOPE_HELP[mismatch.want]}.`);
  if (given.length === 0 || FUNCTION_SCOPE[fn] === 'project') return null;
  return given[0];
}

function scopeView(scope: { kind: ScopeKind; id: string }[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const s of scope) (out[s.kind] ??= []).push(s.id);
  return out;
}

function scopeLabel(scope: { kind: ScopeKind; id: string }[]): string {
  return scope.length ? Object.entries(scopeView(scope)).map(([k, ids]) => `${k} ${ids.join(', ')}`).join('; ') : 'project-wide';
}

async function assign(ctx: Ctx, rawFn: string, username: string, opts: ScopeOpts) {
  const db = await ctx.open();
  const fn = parseFunction(rawFn);
  const project = requirePortalProject(db, opts.project);
  const scope = scopeOf(fn, opts, true);
  for (const id of scope?.ids ?? []) requireStructure(db, scope!.kind, project, id);
  const u = requirePortalType(db, username, 'werknemer', 'only werknemers hold school functions');
  ctx.guard('portal-admin', null, `assign school function ${fn}`);
  const { changes } = await ctx.change(`schoolfunction assign ${fn} ${u.username}`, (tx) => {
    let id = assignmentId(db, project, fn, u.id);
    const before = id === undefined ? null : scopeLabel(scopesOf(db, id));
    if (id === undefined) id = createAssignment(db, project, fn, u.id);
    for (const s of scope?.ids ?? []) addScope(db, id, scope!.kind, s);
    tx.record('schoolfunction', `${project}/${fn}/${u.username}`, before, scopeLabel(scopesOf(db, id)));
  });
  return changeResult(changes, `${u.username} as ${fn}`);
}

async function remove(ctx: Ctx, rawFn: string, username: string, opts: ScopeOpts) {
  const db = await ctx.open();
  const fn = parseFunction(rawFn);
  const project = requirePortalProject(db, opts.project);
  const u = requireUser(db, username);
  const scope = scopeOf(fn, opts, false);
  const id = assignmentId(db, project, fn, u.id);
  if (id === undefined) throw invalid('not-assigned', `${u.username} is not ${fn} in ${project}; "schoolctl schoolfunction list --project ${project}" shows who is.`);
  const held = scopesOf(db, id);
  for (const s of scope?.ids ?? []) {
    if (!held.some((h) => h.kind === scope!.kind && h.id === s)) throw invalid('not-assigned', `${u.username} is ${fn} in ${project} for ${scopeLabel(held)}, not for ${scope!.kind} ${s}.`);
  }
  ctx.guard('portal-admin', null, `remove school function ${fn}`);
  const { changes } = await ctx.change(`schoolfunction remove ${fn} ${u.username}`, (tx) => {
    if (scope) for (const s of scope.ids) removeScope(db, id, scope.kind, s);
    const left = scopesOf(db, id);
    const gone = !scope || left.length === 0;
    if (gone) deleteAssignment(db, id);
    tx.record('schoolfunction', `${project}/${fn}/${u.username}`, scopeLabel(held), gone ? null : scopeLabel(left));
  });
  return changeResult(changes, `${u.username} as ${fn}`);
}

async function list(ctx: Ctx, opts: { project?: string; function?: string; user?: string }) {
  const db = await ctx.open();
  const project = opts.project ? requirePortalProject(db, opts.project) : undefined;
  const fn = opts.function ? parseFunction(opts.function) : undefined;
  const user = opts.user ? requireUser(db, opts.user).id : undefined;
  const rows = listAssignments(db, { project, function: fn, user }).map((r) => ({ ...r, scope: scopeView(r.scope) }));
  return {
    data: rows,
    human: rows.length
      ? await table(['project', 'function', 'user', 'scope'], rows.map((r) => [r.project, r.function, r.user, Object.entries(r.scope).map(([k, ids]) => `${k} ${ids.join(', ')}`).join('; ') || 'project-wide']))
      : 'No school functions assigned.',
  };
}

async function rights(_ctx: Ctx, rawHolder: string | undefined) {
  let rows;
  if (rawHolder && [ADMIN_HOLDER, 'admin'].includes(normaliseHolder(rawHolder))) {
    rows = portalActionKeys().map((key) => ({ key, holder: ADMIN_HOLDER, access: key.startsWith('view-') ? 'view' : 'edit', switch: false, label: 'alle kijk- en bewerkrechten in het portal' }));
    return {
      data: rows,
      human: `${ADMIN_HOLDER} (the admin flag) holds every right, without switches: ${rows.length} actions.\n${rows.map((r) => r.key).join('\n')}`,
    };
  }
  const holder = rawHolder ? parseHolder(rawHolder) : undefined;
  const catalogue = RIGHTS.filter((r) => !holder || r.holder === holder);
  rows = catalogue.map((r) => ({ key: r.key, holder: r.holder, access: r.access, switch: r.switch, label: r.label }));
  const human = await table(
    ['key', 'holder', 'access', 'switch', 'scope', 'label'],
    catalogue.map((r) => [r.key, r.holder, r.access, r.switch ? 'yes' : '', r.scope, r.details ? `${r.label} ${r.details.map((d) => `• ${d}`).join(' ')}` : r.label]),
  );
  const holders = new Set(catalogue.map((r) => r.holder)).size;
  return { data: rows, human: `${human}\n${catalogue.length} right(s) of ${holders} holder(s)${holder ? ` (${HOLDER_TITLES[holder]})` : ''}; ${ADMIN_HOLDER} holds them all.` };
}

async function settings(ctx: Ctx, rawHolder: string, words: string[], opts: { project: string }) {
  const db = await ctx.open();
  const holder = parseHolder(rawHolder);
  const project = requirePortalProject(db, opts.project);
  const keys = switchKeys(holder);
  const assignments = words.map((w) => {
    const m = /^([a-z0-9-]+)=(on|off)$/.exec(w);
    if (!m) throw invalid('bad-assignment', `"${w}" is not RIGHT=on or RIGHT=off.`);
    if (!keys.includes(m[1])) {
      const near = nearestKey(m[1], keys);
      throw invalid(
        'not-a-switch',
        keys.length
          ? `"${m[1]}" is not an Instellingen switch of ${holder}${near ? `; did you mean "${near}"?` : ''} Its switches are: ${keys.join(', ')}.`
          : `${holder} has no Instellingen switches: every right of it is always on.`,
      );
    }
    return { key: m[1], on: m[2] === 'on' };
  });
  if (assignments.length === 0) {
    const rows = keys.map((key) => ({ key, holder, project, value: switchValue(db, project, holder, key) ? 'on' : 'off' }));
    return {
      data: rows,
      human: rows.length ? await table(['switch', 'value'], rows.map((r) => [r.key, r.value])) : `${holder} has no Instellingen switches: every right of it is always on.`,
    };
  }
  ctx.guard('portal-admin', null, `change the Instellingen switches of ${holder}`);
  const { changes } = await ctx.change(`schoolfunction settings ${holder}`, (tx) => {
    for (const a of assignments) {
      const before = switchValue(db, project, holder, a.key) ? 'on' : 'off';
      setSwitch(db, project, holder, a.key, a.on);
      tx.record('schoolfunction-switch', `${project}/${holder}/${a.key}`, before, a.on ? 'on' : 'off');
    }
  });
  return changeResult(changes, `the switches of ${holder} in ${project}`);
}

function scopeOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--project <project>', 'the school year, such as 2025-2026')
    .option('--afdeling <afdeling>', 'an afdeling (decaan, maatwerkcoordinator; repeatable)', collect)
    .option('--klas <klas>', 'a klas (mentor; repeatable)', collect)
    .option('--team <team>', 'the team (teamleider)')
    .option('--sectie <sectie>', 'the sectie (sectieleider)');
}

export function register(program: Command): void {
  const sf = program.command('schoolfunction').description('school functions of the schedule portal: assignments, rights and Instellingen switches');
  examples(
    scopeOptions(sf.command('assign').argument('<function>', FUNCTIONS.join(', ')).argument('<username>', 'a werknemer'))
      .description('give a werknemer a school function in a project, with the scope the function takes')
      .action(action(assign)),
    [
      'schoolctl schoolfunction assign mentor j.devries --project 2025-2026 --klas 3A',
      'schoolctl schoolfunction assign decaan d.decaan --project 2025-2026 --afdeling bovenbouw',
      'schoolctl schoolfunction assign teamleider a.visser --project 2025-2026 --team team-onderbouw',
      'schoolctl schoolfunction assign roostermaker-school b.mulder --project 2025-2026',
    ],
  );
  examples(
    scopeOptions(sf.command('remove').argument('<function>').argument('<username>'))
      .description('take a school function away (with scope options: only those klassen, afdelingen, team or sectie)')
      .action(action(remove)),
    ['schoolctl schoolfunction remove mentor j.devries --project 2025-2026', 'schoolctl schoolfunction remove mentor j.devries --project 2025-2026 --klas 3A'],
  );
  examples(
    sf
      .command('list')
      .option('--project <project>', 'only this school year')
      .option('--function <function>', 'only this function')
      .option('--user <username>', 'only this user')
      .description('assigned school functions with their scope')
      .action(action(list)),
    ['schoolctl schoolfunction list --project 2025-2026', 'schoolctl schoolfunction list --function mentor --json'],
  );
  examples(
    sf
      .command('rights')
      .argument('[function]', `a function, a user type (${USER_TYPES.join(', ')}) or ${ADMIN_HOLDER}`)
      .description('the rights catalogue of the schedule portal: one row per right and holder')
      .action(action(rights)),
    ['schoolctl schoolfunction rights mentor', 'schoolctl schoolfunction rights --json'],
  );
  examples(
    sf
      .command('settings')
      .argument('<function>', 'a function or user type')
      .argument('[switches...]', 'RIGHT=on or RIGHT=off; none shows the switches')
      .requiredOption('--project <project>', 'the school year')
      .description('the Instellingen switches of a function or user type in a project (all off until set)')
      .action(action(settings)),
    [
      'schoolctl schoolfunction settings mentor edit-prognoses=on --project 2025-2026',
      'schoolctl schoolfunction settings leerling view-own-schedule=on view-student-names=on --project 2025-2026',
      'schoolctl schoolfunction settings teamleider --project 2025-2026',
    ],
  );
}

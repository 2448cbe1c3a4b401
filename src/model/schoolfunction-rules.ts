// School-function rights as `whocan` actions (DOMAIN.md §7): every right of the catalogue is an
// action judged on its target within one portal project. The admin flag allows everything; a
// function allows within its scope, and a switch right only while its Instellingen switch is on.

import type { ActionDef, EvalContext, LookupContext, ReachContext, TargetKindDef } from './engine.js';
import { command, invalid } from './errors.js';
import type { Facts, UserFact } from './facts.js';
import type { FunctionAssignmentFact, PortalUserFact } from './schoolfunction-facts.js';
import {
  ADMIN_HOLDER,
  FUNCTION_SCOPE,
  actionDescription,
  isFunction,
  portalActionKeys,
  rowsGranting,
  type RightRow,
  type SchoolFunction,
} from './schoolfunction-rights.js';
import { allow, deny, fail, info, pass, withChildren, type Outcome, type Source, type Target, type TraceStep } from './trace.js';

export const PORTAL_TARGET_KINDS_LIST = ['klas', 'afdeling', 'team', 'sectie', 'user'] as const;

/** Throws exit 2 for a project that does not exist. */
export function requirePortalProject(facts: Facts, project: string): void {
  if (!facts.portalProjectExists(project)) {
    throw invalid('unknown-project', `There is no portal project "${project}"; "schoolctl portal project list" shows them (a project is a school year such as 2025-2026).`);
  }
}

function existsIn(check: (facts: Facts, project: string, id: string) => boolean) {
  return (facts: Facts, id: string, opts: { project?: string }) => {
    if (!opts.project) return false;
    requirePortalProject(facts, opts.project);
    return check(facts, opts.project, id);
  };
}

export const PORTAL_TARGET_KINDS: TargetKindDef[] = [
  { kind: 'klas', description: 'portal klas', exists: existsIn((f, p, id) => f.portalKlas(p, id) !== undefined) },
  { kind: 'afdeling', description: 'portal afdeling', exists: existsIn((f, p, id) => f.portalAfdelingen(p).includes(id)) },
  { kind: 'team', description: 'portal team', exists: existsIn((f, p, id) => f.portalTeam(p, id) !== undefined) },
  { kind: 'sectie', description: 'portal sectie', exists: existsIn((f, p, id) => f.portalSectie(p, id) !== undefined) },
];

function src(fields: Record<string, unknown>): Source {
  return { kind: 'schoolfunction', ...fields };
}

const SCOPE_FLAG = { afdeling: '--afdeling', klas: '--klas', team: '--team', sectie: '--sectie' } as const;
/** Narrowest first: the fix that grants the least. */
const SCOPE_RANK = { klas: 0, afdeling: 1, sectie: 2, team: 3, project: 4 } as const;

export function scopeText(a: FunctionAssignmentFact): string {
  const parts: string[] = [];
  if (a.afdelingen.length) parts.push(`afdeling${a.afdelingen.length > 1 ? 'en' : ''} ${a.afdelingen.join(', ')}`);
  if (a.klassen.length) parts.push(`klas${a.klassen.length > 1 ? 'sen' : ''} ${a.klassen.join(', ')}`);
  if (a.teams.length) parts.push(`team ${a.teams.join(', ')}`);
  if (a.secties.length) parts.push(`sectie ${a.secties.join(', ')}`);
  return parts.length ? parts.join('; ') : 'the whole project';
}

function scopeSource(a: FunctionAssignmentFact, project: string): Record<string, unknown> {
  const scope = FUNCTION_SCOPE[a.function];
  const ids = scope === 'afdeling' ? a.afdelingen : scope === 'klas' ? a.klassen : scope === 'team' ? a.teams : scope === 'sectie' ? a.secties : [];
  return { function: a.function, project, scope: scope === 'project' ? 'project' : { [scope]: ids } };
}

interface Coverage {
  readonly ok: boolean;
  readonly detail: string;
  /** For a scope reached through a team: each team's check, in the order they were consulted. */
  readonly children?: TraceStep[];
}

type TeamFact = NonNullable<ReturnType<Facts['portalTeam']>>;

function list(ids: readonly string[]): string {
  return ids.length ? ids.join(', ') : 'none';
}

/** Whether one team holds an afdeling: the step nested under the scope step that asked. */
function teamAfdelingStep(project: string, t: TeamFact, afdeling: string, what: string): TraceStep {
  const s = src({ project, team: t.id, afdelingen: [...t.afdelingen] });
  return t.afdelingen.includes(afdeling)
    ? pass('team-afdeling', `team ${t.id} holds afdeling ${list(t.afdelingen)}, and ${what} is in afdeling ${afdeling}`, s)
    : fail('team-afdeling', `team ${t.id} holds afdeling ${list(t.afdelingen)}, not afdeling ${afdeling} of ${what}`, s);
}

function teamMemberStep(project: string, t: TeamFact, username: string): TraceStep {
  const s = src({ project, team: t.id });
  return t.members.includes(username) ? pass('team-member', `${username} is a member of team ${t.id}`, s) : fail('team-member', `${username} is not a member of team ${t.id}`, s);
}

/** Whether a function's scope contains the target: an afdeling its klassen, a klas its students, a team its afdelingen and members. */
export function coverage(facts: Facts, project: string, a: FunctionAssignmentFact, target: Target | null): Coverage {
  const scope = FUNCTION_SCOPE[a.function];
  const fn = a.function;
  if (scope === 'project') return { ok: true, detail: `${fn} is project-wide: it covers everything in ${project}` };
  if (!target) return { ok: true, detail: `no target given: ${fn} for ${scopeText(a)}` };
  const teams = () => a.teams.map((t) => facts.portalTeam(project, t)).filter((t) => t !== undefined);
  // Each team is asked in turn until one covers the target: those asked are the scope step's children.
  const consultTeams = (ask: (t: TeamFact) => TraceStep[]): TraceStep[] => {
    const out: TraceStep[] = [];
    for (const t of teams()) {
      const steps = ask(t);
      out.push(...steps);
      if (steps.some((x) => x.result === 'pass')) break;
    }
    return out;
  };
  const outside = (what: string) => ({ ok: false, detail: `${what} is outside ${fn}'s scope (${scopeText(a)})` });
  switch (target.kind) {
    case 'klas': {
      const k = facts.portalKlas(project, target.id)!;
      if (scope === 'klas') return a.klassen.includes(k.id) ? { ok: true, detail: `klas ${k.id} is one of ${fn}'s klassen` } : outside(`klas ${k.id}`);
      if (scope === 'afdeling')
        return a.afdelingen.includes(k.afdeling) ? { ok: true, detail: `klas ${k.id} is in afdeling ${k.afdeling}, one of ${fn}'s afdelingen` } : outside(`klas ${k.id} (afdeling ${k.afdeling})`);
      if (scope === 'team') {
        const children = consultTeams((x) => [teamAfdelingStep(project, x, k.afdeling, `klas ${k.id}`)]);
        const t = teams().find((x) => x.afdelingen.includes(k.afdeling));
        return { ...(t ? { ok: true, detail: `klas ${k.id} is in afdeling ${k.afdeling}, which belongs to team ${t.id}` } : outside(`klas ${k.id} (afdeling ${k.afdeling})`)), children };
      }
      return outside(`klas ${k.id}`);
    }
    case 'afdeling': {
      if (scope === 'afdeling') return a.afdelingen.includes(target.id) ? { ok: true, detail: `afdeling ${target.id} is one of ${fn}'s afdelingen` } : outside(`afdeling ${target.id}`);
      if (scope === 'team') {
        const children = consultTeams((x) => [teamAfdelingStep(project, x, target.id, `afdeling ${target.id}`)]);
        const t = teams().find((x) => x.afdelingen.includes(target.id));
        return { ...(t ? { ok: true, detail: `afdeling ${target.id} belongs to team ${t.id}` } : outside(`afdeling ${target.id}`)), children };
      }
      return outside(`afdeling ${target.id} (a whole afdeling)`);
    }
    case 'team':
      return scope === 'team' && a.teams.includes(target.id) ? { ok: true, detail: `team ${target.id} is ${fn}'s team` } : outside(`team ${target.id}`);
    case 'sectie':
      return scope === 'sectie' && a.secties.includes(target.id) ? { ok: true, detail: `sectie ${target.id} is ${fn}'s sectie` } : outside(`sectie ${target.id}`);
    case 'user': {
      const u = facts.user(target.id)!;
      const klassen = facts.studentKlassen(project, u.id);
      if (scope === 'klas') {
        const k = klassen.find((x) => a.klassen.includes(x));
        return k ? { ok: true, detail: `${u.username} is a student of klas ${k}, one of ${fn}'s klassen` } : outside(`${u.username}${klassen.length ? ` (klas ${klassen.join(', ')})` : ''}`);
      }
      if (scope === 'afdeling') {
        for (const id of klassen) {
          const k = facts.portalKlas(project, id)!;
          if (a.afdelingen.includes(k.afdeling)) return { ok: true, detail: `${u.username} is a student of klas ${k.id} in afdeling ${k.afdeling}, one of ${fn}'s afdelingen` };
        }
        return outside(`${u.username}${klassen.length ? ` (klas ${klassen.join(', ')})` : ''}`);
      }
      if (scope === 'team') {
        const throughTeam = (): Coverage => {
          for (const t of teams()) {
            if (t.members.includes(u.username)) return { ok: true, detail: `${u.username} is a member of team ${t.id}` };
            for (const id of klassen) {
              const k = facts.portalKlas(project, id)!;
              if (t.afdelingen.includes(k.afdeling)) return { ok: true, detail: `${u.username} is a student of klas ${k.id} in afdeling ${k.afdeling}, which belongs to team ${t.id}` };
            }
          }
          return outside(u.username);
        };
        const children = consultTeams((x) => [
          teamMemberStep(project, x, u.username),
          ...klassen.map((id) => teamAfdelingStep(project, x, facts.portalKlas(project, id)!.afdeling, `${u.username}'s klas ${id}`)),
        ]);
        return { ...throughTeam(), children };
      }
      const s = a.secties.find((id) => facts.portalSectie(project, id)?.members.includes(u.username));
      return s ? { ok: true, detail: `${u.username} is a member of sectie ${s}` } : outside(u.username);
    }
    default:
      return outside(`${target.kind}:${target.id}`);
  }
}

/** The scope option that would make a function cover the target, or undefined when none fits. */
export function scopeArgFor(facts: Facts, project: string, fn: SchoolFunction, target: Target | null): string[] | undefined {
  const scope = FUNCTION_SCOPE[fn];
  if (scope === 'project') return [];
  const flag = SCOPE_FLAG[scope];
  const klasOf = (): { id: string; afdeling: string } | undefined => {
    if (target?.kind === 'klas') return facts.portalKlas(project, target.id);
    if (target?.kind === 'user') {
      const u = facts.user(target.id);
      const k = u && facts.studentKlassen(project, u.id)[0];
      return k ? facts.portalKlas(project, k) : undefined;
    }
    return undefined;
  };
  let id: string | undefined;
  if (scope === 'klas') id = !target ? facts.portalKlassen(project)[0]?.id : klasOf()?.id;
  else if (scope === 'afdeling') id = !target ? facts.portalAfdelingen(project)[0] : target.kind === 'afdeling' ? target.id : klasOf()?.afdeling;
  else if (scope === 'team') {
    const all = facts.portalTeams(project);
    if (!target) id = all[0]?.id;
    else if (target.kind === 'team') id = target.id;
    else if (target.kind === 'afdeling') id = all.find((t) => t.afdelingen.includes(target.id))?.id;
    else {
      const afd = klasOf()?.afdeling;
      id = all.find((t) => (target.kind === 'user' && t.members.includes(target.id)) || (afd !== undefined && t.afdelingen.includes(afd)))?.id;
    }
  } else {
    const all = facts.portalSecties(project);
    if (!target) id = all[0]?.id;
    else if (target.kind === 'sectie') id = target.id;
    else if (target.kind === 'user') id = all.find((s) => s.members.includes(target.id))?.id;
  }
  return id === undefined ? undefined : [flag, id];
}

interface Attempt {
  readonly row: RightRow;
  readonly steps: TraceStep[];
  readonly allowed: boolean;
  readonly because: string;
  /** Commands that would turn this path into an allow, if known. */
  readonly fixes?: string[];
}

function switchStep(project: string, row: RightRow, on: boolean): TraceStep {
  const s = src({ function: row.holder, project, right: row.key, switch: on ? 'on' : 'off' });
  const detail = `Instellingen switch ${row.key} is ${on ? 'on' : 'off'} for ${row.holder} in ${project}`;
  return on ? pass('instellingen-switch', detail, s) : fail('instellingen-switch', `${detail}${row.access === 'edit' ? ' (the matching view right is not affected)' : ''}`, s);
}

function settingsFix(project: string, row: RightRow): string {
  return command('schoolfunction', 'settings', row.holder, `${row.key}=on`, '--project', project);
}

function rightStep(row: RightRow, actionKey: string): TraceStep {
  const via = row.key === actionKey ? '' : ` (which includes ${actionKey})`;
  return pass('right', `${row.holder} has the right "${row.label}"${via}${row.switch ? ', an Instellingen switch' : ''}`, src({ function: row.holder, right: row.key }));
}

function userTypeAttempt(facts: Facts, project: string, subject: UserFact, row: RightRow, target: Target | null, actionKey: string): Attempt {
  const steps: TraceStep[] = [rightStep(row, actionKey)];
  let scopeOk = true;
  let scopeDetail = '';
  if (row.scope === 'own') {
    if (!target) scopeDetail = `no target: ${subject.username}'s own data`;
    else if (target.kind === 'user' && target.id === subject.username) scopeDetail = `user:${target.id} is ${subject.username} themself`;
    else if (target.kind === 'user' && row.holder === 'ouder' && facts.isParentOf(subject.id, facts.user(target.id)!.id)) scopeDetail = `${target.id} is a child of ${subject.username}`;
    else {
      scopeOk = false;
      scopeDetail = `${target.kind}:${target.id} is not ${subject.username}'s own${row.holder === 'ouder' ? ' or a child of theirs' : ''}: this right covers only their own data`;
    }
  } else if (row.holder === 'leerling' && row.key === 'view-all-schedules') {
    const klassen = facts.studentKlassen(project, subject.id);
    scopeOk = klassen.length > 0;
    scopeDetail = scopeOk ? `${subject.username} takes part in ${project} (klas ${klassen.join(', ')})` : `${subject.username} is a student of no klas in ${project}`;
  } else scopeDetail = `the right covers the whole project ${project}`;
  steps.push(scopeOk ? pass('scope', scopeDetail, src({ function: row.holder, project, scope: row.scope })) : fail('scope', scopeDetail, src({ function: row.holder, project, scope: row.scope })));
  if (!scopeOk) return { row, steps, allowed: false, because: '' };
  const on = facts.portalSwitch(project, row.holder, row.key);
  steps.push(switchStep(project, row, on));
  return {
    row,
    steps,
    allowed: on,
    because: `user type ${row.holder}: ${scopeDetail}; switch ${row.key} on in ${project}`,
    fixes: on ? undefined : [settingsFix(project, row)],
  };
}

function functionAttempt(facts: Facts, project: string, subject: UserFact, a: FunctionAssignmentFact, row: RightRow, target: Target | null, actionKey: string): Attempt {
  const steps: TraceStep[] = [
    pass('schoolfunction', `${subject.username} is ${a.function} in ${project} for ${scopeText(a)}`, src(scopeSource(a, project))),
    rightStep(row, actionKey),
  ];
  const cov = coverage(facts, project, a, target);
  steps.push(withChildren(cov.ok ? pass('scope', cov.detail, src(scopeSource(a, project))) : fail('scope', cov.detail, src(scopeSource(a, project))), cov.children ?? []));
  const on = !row.switch || facts.portalSwitch(project, a.function, row.key);
  if (cov.ok && row.switch) steps.push(switchStep(project, row, on));
  const fixes: string[] = [];
  if (!cov.ok) {
    const arg = scopeArgFor(facts, project, a.function, target);
    if (arg) fixes.push(command('schoolfunction', 'assign', a.function, subject.username, '--project', project, ...arg));
    else return { row, steps, allowed: false, because: '' };
  }
  if (row.switch && !facts.portalSwitch(project, a.function, row.key)) fixes.push(settingsFix(project, row));
  return {
    row,
    steps,
    allowed: cov.ok && on,
    because: `${a.function} (${scopeText(a)}) in ${project}: ${cov.detail}${row.switch ? `; switch ${row.key} on for ${a.function}` : ''}`,
    fixes,
  };
}

/** Fewest commands first; then widening a function the user holds over a new one; then the narrowest scope. */
function rank(o: { fixes: readonly string[]; fn: string; held: boolean }): number {
  const scope = isFunction(o.fn) ? FUNCTION_SCOPE[o.fn] : 'project';
  return o.fixes.length * 100 + (o.held ? 0 : 10) + SCOPE_RANK[scope];
}

export function judgeRight(ctx: EvalContext, actionKey: string): Outcome {
  const { facts, subject, target } = ctx;
  const project = ctx.project!;
  requirePortalProject(facts, project);
  const trace: TraceStep[] = [];
  const pu: PortalUserFact | undefined = facts.portalUser(subject.id);
  if (pu?.admin) {
    trace.push(pass('portal-admin', `${subject.username} has the admin flag (${ADMIN_HOLDER}): every right in the portal`, src({ function: ADMIN_HOLDER, project })));
    return allow(trace, `${ADMIN_HOLDER} (admin flag): every right`);
  }
  trace.push(info('portal-admin', `${subject.username} has no admin flag`, src({ function: ADMIN_HOLDER })));
  if (!pu) {
    trace.push(fail('portal-user-type', `${subject.username} has no portal user type (leerling, werknemer or ouder), so holds no portal right; "schoolctl portal user ${subject.username} --type …" gives one`));
    return deny(trace);
  }
  trace.push(info('portal-user-type', `${subject.username} is of portal user type ${pu.type}${pu.type === 'werknemer' ? '' : '; only werknemers hold school functions'}`, src({ userType: pu.type })));
  const rows = rowsGranting(actionKey);
  const attempts: Attempt[] = [];
  const held = pu.type === 'werknemer' ? facts.functionAssignments(project, subject.id) : [];
  for (const row of rows) {
    if (row.holder === pu.type) attempts.push(userTypeAttempt(facts, project, subject, row, target, actionKey));
    const a = held.find((x) => x.function === row.holder);
    if (a) attempts.push(functionAttempt(facts, project, subject, a, row, target, actionKey));
  }
  const ok = attempts.find((x) => x.allowed);
  if (ok) return allow([...trace, ...ok.steps], ok.because);
  for (const x of attempts) trace.push(...x.steps);
  const holders = [...new Set(rows.map((r) => r.holder))];
  const heldNames = held.map((h) => h.function);
  if (attempts.length === 0) {
    trace.push(
      fail(
        'schoolfunction',
        `${actionKey} belongs to ${holders.join(', ')}; ${subject.username} ${pu.type === 'werknemer' ? `holds ${heldNames.length ? `only ${heldNames.join(', ')}` : 'no school function'} in ${project}` : `is of user type ${pu.type}`}`,
        src({ project, holders }),
      ),
    );
  }
  // Fixes: the cheapest way in, preferring the narrowest scope (least privilege).
  const options: { fixes: string[]; fn: string; held: boolean }[] = attempts.filter((x) => x.fixes?.length).map((x) => ({ fixes: x.fixes!, fn: x.row.holder, held: true }));
  if (pu.type === 'werknemer') {
    for (const row of rows) {
      if (!isFunction(row.holder) || heldNames.includes(row.holder)) continue;
      const arg = scopeArgFor(facts, project, row.holder, target);
      if (!arg) continue;
      const fixes = [command('schoolfunction', 'assign', row.holder, subject.username, '--project', project, ...arg)];
      if (row.switch && !facts.portalSwitch(project, row.holder, row.key)) fixes.push(settingsFix(project, row));
      options.push({ fixes, fn: row.holder, held: false });
    }
  }
  options.sort((x, y) => rank(x) - rank(y));
  return deny(trace, options[0]?.fixes ?? []);
}

/**
 * The structure targets (klas, afdeling, team, sectie) a person can be allowed on for one right in
 * one project, the inverse of `judgeRight`: everything for the admin flag, for a user-type row that
 * covers the whole project and for a project-wide function; nothing through a row for one's own
 * data; else what each held function's scope covers (`coverage`: a klas its klassen, an afdeling
 * itself and its klassen, a team itself, its afdelingen and their klassen, a sectie itself).
 * Undefined means every target.
 */
export function rightReach(key: string, { facts, subject, project }: ReachContext): Target[] | undefined {
  if (!project) return undefined;
  const pu = facts.portalUser(subject.id);
  if (!pu) return [];
  if (pu.admin) return undefined;
  const rows = rowsGranting(key);
  if (rows.some((r) => r.holder === pu.type && r.scope !== 'own')) return undefined;
  const held = pu.type === 'werknemer' ? facts.functionAssignments(project, subject.id).filter((a) => rows.some((r) => r.holder === a.function)) : [];
  if (held.some((a) => FUNCTION_SCOPE[a.function] === 'project')) return undefined;
  const out: Target[] = [];
  const klassenIn = (afdelingen: readonly string[]) => {
    for (const k of facts.portalKlassen(project)) if (afdelingen.includes(k.afdeling)) out.push({ kind: 'klas', id: k.id });
  };
  for (const a of held) {
    const scope = FUNCTION_SCOPE[a.function];
    if (scope === 'klas') out.push(...a.klassen.map((id) => ({ kind: 'klas', id })));
    else if (scope === 'afdeling') {
      out.push(...a.afdelingen.map((id) => ({ kind: 'afdeling', id })));
      klassenIn(a.afdelingen);
    } else if (scope === 'team') {
      const afdelingen = a.teams.flatMap((t) => facts.portalTeam(project, t)?.afdelingen ?? []);
      out.push(...a.teams.map((id) => ({ kind: 'team', id })), ...afdelingen.map((id) => ({ kind: 'afdeling', id })));
      klassenIn(afdelingen);
    } else if (scope === 'sectie') out.push(...a.secties.map((id) => ({ kind: 'sectie', id })));
  }
  return out;
}

function candidates(key: string) {
  return ({ facts, project }: LookupContext): string[] => {
    requirePortalProject(facts, project!);
    const rows = rowsGranting(key);
    const fns = [...new Set(rows.map((r) => r.holder).filter(isFunction))];
    const types = [...new Set(rows.filter((r) => !isFunction(r.holder) && facts.portalSwitch(project!, r.holder, r.key)).map((r) => r.holder))];
    return [
      ...facts.portalAdmins(),
      ...facts.functionHolders(project!, fns),
      ...types.flatMap((t) => facts.portalUsersOfType(t as 'leerling' | 'werknemer' | 'ouder')),
    ];
  };
}

function rightAction(key: string): ActionDef {
  const holders = [...new Set(rowsGranting(key).map((r) => r.holder))];
  return {
    key,
    description: `${actionDescription(key)} (portal; ${holders.join(', ')}, ${ADMIN_HOLDER})`,
    targetKinds: [...PORTAL_TARGET_KINDS_LIST],
    targetRequired: false,
    module: 'schoolfunctions',
    needsProject: true,
    evaluate: (ctx) => judgeRight(ctx, key),
    candidates: candidates(key),
    reach: (ctx) => rightReach(key, ctx),
    // The admin flag allows every right before any target is looked at (`judgeRight`).
    targetFree: ({ facts, subject }) => facts.portalUser(subject.id)?.admin === true,
  };
}

/** `portal-admin`: what `--as` is judged by for every change to portal data (DOMAIN.md §8). */
const portalAdmin: ActionDef = {
  key: 'portal-admin',
  description: `Change portal data: projects, user types, structures, school functions and Instellingen switches (the admin flag, ${ADMIN_HOLDER})`,
  targetKinds: [],
  targetRequired: false,
  module: 'schoolfunctions',
  evaluate({ facts, subject }) {
    const pu = facts.portalUser(subject.id);
    if (pu?.admin) return allow([pass('portal-admin', `${subject.username} has the portal admin flag (${ADMIN_HOLDER})`, src({ function: ADMIN_HOLDER }))]);
    const trace = [fail('portal-admin', `${subject.username} ${pu ? `is a ${pu.type} without` : 'has no portal user type and no'} admin flag; only the ${ADMIN_HOLDER} changes portal data`, src({ function: ADMIN_HOLDER }))];
    return deny(trace, [command('portal', 'user', subject.username, '--type', pu?.type ?? 'werknemer', '--admin', ...(pu?.role ? ['--role', pu.role] : []))]);
  },
  candidates: ({ facts }) => facts.portalAdmins(),
};

export function schoolfunctionActions(): ActionDef[] {
  return [portalAdmin, ...portalActionKeys().map(rightAction)];
}

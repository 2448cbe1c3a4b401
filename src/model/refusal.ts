// An `--as` refusal says what the actor lacks and who could make the change instead: a reverse
// lookup of the lacking right through the one engine, kept cheap (the first names listed, the
// rest counted). No fixes: giving oneself the right is exactly what `--as` refuses.

import type { DecisionEngine, EvalOptions } from './engine.js';
import { EXTERNAL_USERNAME } from './engine.js';
import type { Facts } from './facts.js';
import { SITE_TARGET } from './school-scope.js';
import { formatTarget, type Target } from './trace.js';

/** How many names a refusal's JSON lists before it only counts; human output names fewer. */
export const WHO_COULD_LISTED = 20;
export const WHO_COULD_SHOWN = 5;

/** One thing the refused change needs that the actor does not have. */
export interface Need {
  /** The right, as an action key `whocan` takes; null when only a security level is needed. */
  readonly right: string | null;
  /** Its target, as `KIND:ID`. */
  readonly target: string | null;
  /** The right is needed at site level (a change to what belongs to the whole site). */
  readonly siteLevel?: boolean;
  readonly term?: string;
  readonly project?: string;
  /** The value the right must be held at or above (a grant passes on only what is held). */
  readonly atLeast?: string;
  /** A profile above this security level is needed too. */
  readonly aboveLevel?: number;
  /** No one may: a rule of the model, not a right anyone holds. */
  readonly noOne?: boolean;
  /** The need in words: "manage-profile profile:Student", "a profile above security level 50". */
  readonly text: string;
}

export interface WhoCould {
  /** The first of them by name (at most WHO_COULD_LISTED). */
  readonly users: readonly string[];
  /** How many more there are. */
  readonly more: number;
  /** Set when the change had more distinct needs than are judged: only the first this many were. */
  readonly judgedNeeds?: number;
}

/** The most distinct needs a refusal judges (a bulk change can refuse thousands of rows). */
export const NEEDS_JUDGED = 20;
/** The most needs a refusal's sentence names. */
const NEEDS_NAMED = 3;

/** The need of a guard: the action the engine denied, on its target. */
export function actionNeed(action: string, target: Target | null, opts: EvalOptions = {}): Need {
  const site = target?.kind === SITE_TARGET.kind;
  const t = target && !site ? formatTarget(target) : null;
  const extra = [opts.term ? `--term ${opts.term}` : '', opts.project ? `--project ${opts.project}` : ''].filter(Boolean).join(' ');
  return {
    right: action,
    target: t,
    ...(site ? { siteLevel: true } : {}),
    ...(opts.term ? { term: opts.term } : {}),
    ...(opts.project ? { project: opts.project } : {}),
    text: [action, t, site ? 'at site level' : '', extra].filter(Boolean).join(' '),
  };
}

/** `KIND:ID` back into a target. */
function targetOf(raw: string): Target {
  const at = raw.indexOf(':');
  return { kind: raw.slice(0, at), id: raw.slice(at + 1) };
}

/**
 * Everyone (but the actor) who meets every need, on the model as it was: each right is one reverse
 * lookup of the engine, the sets are intersected, a security level filters. Needs the engine
 * cannot answer (a target gone) are left out rather than guessed.
 */
/** A check of the whole change for one would-be actor, run when few enough remain to afford it. */
export interface WhoCouldVerify {
  readonly check: (username: string) => boolean;
  /** Run only when at most this many users meet the needs. */
  readonly upTo: number;
}

/** The most would-be actors whose whole change is judged again (each is one run of the rule). */
export const VERIFIED_UP_TO = 50;

export function whoCould(engine: DecisionEngine, facts: Facts, needs: readonly Need[], actor: string, verify?: WhoCouldVerify): WhoCould {
  if (needs.length === 0 || needs.some((n) => n.noOne)) return { users: [], more: 0 };
  let found: Set<string> | undefined;
  const seen = new Set<string>();
  let judged = 0;
  let capped = false;
  for (const n of needs) {
    const key = JSON.stringify([n.right, n.target, n.term, n.project, n.atLeast, n.siteLevel]);
    if (n.right === null || seen.has(key)) continue;
    seen.add(key);
    if (judged === NEEDS_JUDGED) {
      capped = true;
      continue;
    }
    judged++;
    const allowed = holders(engine, facts, n);
    if (!allowed) continue;
    found = found ? new Set([...found].filter((u) => allowed.has(u))) : allowed;
  }
  const above = Math.max(-Infinity, ...needs.map((n) => n.aboveLevel ?? -Infinity));
  let users = found ? [...found] : Number.isFinite(above) ? [...facts.allUsernames()] : [];
  users = users.filter((u) => u !== actor && u !== EXTERNAL_USERNAME);
  if (Number.isFinite(above)) users = users.filter((u) => (facts.user(u)?.profile.level ?? -1) > above);
  if (verify && users.length <= verify.upTo) users = users.filter((u) => verify.check(u));
  users.sort((a, b) => a.localeCompare(b));
  return { users: users.slice(0, WHO_COULD_LISTED), more: Math.max(0, users.length - WHO_COULD_LISTED), ...(capped ? { judgedNeeds: judged } : {}) };
}

/** Who holds a need's right, per the engine; undefined when it cannot say. */
function holders(engine: DecisionEngine, facts: Facts, n: Need): Set<string> | undefined {
  // A grant at site level needs the right at site level, as does what belongs to the site.
  const target = n.target ? targetOf(n.target) : n.siteLevel || n.atLeast === 'site' ? SITE_TARGET : undefined;
  const opts = { term: n.term, project: n.project };
  try {
    // The action's candidates (a set query: the few who may hold it) are judged one by one; only
    // an action without them takes the whole reverse lookup.
    const def = engine.action(n.right!);
    const names = def.candidates?.({ facts, target: target ?? null, ...opts });
    if (names === undefined) return new Set(engine.whoCan(facts, n.right!, target, opts).allowed.map((a) => a.user));
    const allowed = new Set<string>();
    for (const name of new Set(names)) {
      const subject = facts.user(name);
      if (subject && def.evaluate({ facts, subject, external: false, target: target ?? null, ...opts }).allow) allowed.add(name);
    }
    return allowed;
  } catch {
    return undefined;
  }
}

/** "who can: a.beheer, root (and 3 more)", or that no one can. */
export function whoCouldText(w: WhoCould, shown = WHO_COULD_SHOWN, noOne = false): string {
  const total = w.users.length + w.more;
  if (noOne) return 'no one could make it as it stands';
  if (total === 0) return 'no other user could make it either';
  const names = w.users.slice(0, shown);
  const rest = total - names.length;
  return `who can${w.judgedNeeds ? ` (judged on the first ${w.judgedNeeds} needs)` : ''}: ${names.join(', ')}${rest ? ` (and ${rest} more)` : ''}`;
}

/** The sentence a refusal ends with: what it needs (the first few) and who could make the change instead. */
export function needsSentence(needs: readonly Need[], w: WhoCould): string {
  const texts = [...new Set(needs.map((n) => n.text))];
  const named = texts.slice(0, NEEDS_NAMED).join('; and ');
  const more = texts.length > NEEDS_NAMED ? `; and ${texts.length - NEEDS_NAMED} more (see --json)` : '';
  return `It needs ${named}${more}; ${whoCouldText(w, WHO_COULD_SHOWN, needs.some((n) => n.noOne))}`;
}

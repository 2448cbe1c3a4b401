// The access surface (every decision the engine makes about a person as subject) and the access
// diff of two models (DOMAIN.md §10). Pure: it reads two `Facts` and asks the one engine. Why it
// is exact and fast is written down in docs/architecture.md ("The access surface and its diff").

import type { SubjectSignatures } from './access-facts.js';
import { targetedDiff } from './access-diff-targeted.js';
import './access-facts.js';
import type { ActionDef, DecisionEngine, EvalOptions } from './engine.js';
import type { Facts, UserFact } from './facts.js';
import { effectiveSetting } from './policy-resolution.js';
import { formatTarget, type Outcome, type Source, type Target, type TraceStep } from './trace.js';

/** One (action, target, term, project) the surface decides for every person. */
export interface SurfacePoint {
  readonly action: string;
  readonly target: Target | null;
  readonly term?: string;
  readonly project?: string;
}

/** The rule that decided, from a trace: the last failing step of a deny, the last passing of an allow. */
export interface DecidingRule {
  readonly rule: string;
  readonly detail: string;
  readonly source?: Source;
}

export interface AccessChange extends SurfacePoint {
  readonly user: string;
  readonly module: string;
  readonly change: 'gain' | 'loss';
  /** The person's schools (after the change; before it for someone removed). */
  schools: readonly string[];
  readonly before: DecidingRule;
  readonly after: DecidingRule;
}

export interface AccessDiff {
  /** Every (person, action, target) whose decision differs, sorted by action, target, user. */
  readonly changes: readonly AccessChange[];
  /** Families left out because nothing they read changed (only when `changed` was given). */
  readonly skipped: readonly string[];
}

/** What a change touched: tables, and the setting keys of changed profile and policy rows. */
export interface ChangedFacts {
  readonly tables: ReadonlySet<string>;
  /** Setting keys whose profile or policy values or assignments changed; '*' for any. */
  readonly keys: ReadonlySet<string>;
  /** Every membership row the change added, removed or altered (user id, unit id), when known. */
  readonly memberships?: readonly { readonly userId: number; readonly unitId: string }[];
  /** Every user whose mentor or headteacher assignment rows the change added, removed or altered, when known. */
  readonly supervisors?: readonly number[];
  /** Every enrolment row (user id, course id) the change added, removed or altered, when known. */
  readonly enrolments?: readonly { readonly userId: number; readonly courseId: string }[];
  /** Every parent link the change added or removed, when known. */
  readonly parentLinks?: readonly { readonly parentId: number; readonly childId: number }[];
  /** Every stored workflow batch phase the change added, removed or altered, when known. */
  readonly batches?: readonly { readonly area: string; readonly term: string; readonly kind: string; readonly id: string }[];
}

/**
 * The families of actions and what each reads. A family whose tables and keys a change did not
 * touch cannot change any decision, so the diff skips it. `keys` undefined: every setting key.
 */
interface Family {
  readonly name: string;
  readonly modules: readonly string[];
  readonly tables: readonly string[];
  readonly keys?: readonly string[];
}

const PEOPLE = ['users', 'profiles', 'memberships', 'units', 'unit_ancestors', 'parent_links'];
const SETTINGS = ['profile_settings', 'policies', 'policy_settings', 'policy_assignments'];
const SUPERVISION = ['mentors', 'mentor_learners', 'mentor_classes', 'headteachers', 'headteacher_orgs'];

export const FAMILIES: readonly Family[] = [
  { name: 'settings', modules: ['profiles', 'administration'], tables: [...PEOPLE, ...SETTINGS] },
  {
    name: 'supervisors',
    modules: ['supervisors'],
    tables: [...PEOPLE, ...SETTINGS, ...SUPERVISION, 'ilp_templates'],
    keys: ['mentor-role', 'headteacher-role', 'share-ilp'],
  },
  {
    name: 'workflow',
    modules: ['workflow'],
    tables: [...PEOPLE, ...SETTINGS, ...SUPERVISION, 'courses', 'course_members', 'terms', 'workflow_switches', 'workflow_batches'],
    keys: ['mentor-role', 'headteacher-role'],
  },
  {
    name: 'schoolfunctions',
    modules: ['schoolfunctions'],
    tables: ['users', 'parent_links', 'portal_projects', 'portal_users', 'portal_afdelingen', 'portal_klassen', 'portal_klas_students', 'portal_teams',
      'portal_team_afdelingen', 'portal_team_members', 'portal_secties', 'portal_sectie_members', 'schoolfunction_assignments', 'schoolfunction_scopes',
      'schoolfunction_switches'],
    keys: [],
  },
];

/** Actions outside the surface: user-to-user reach is n² pairs, decided by settings the surface holds. */
export const OUTSIDE_SURFACE: ReadonlySet<string> = new Set(['privacy']);

function familyOf(def: ActionDef): Family | undefined {
  return FAMILIES.find((f) => f.modules.includes(def.module));
}

function touched(f: Family, changed: ChangedFacts): boolean {
  const settingTables = new Set(SETTINGS);
  for (const t of f.tables) {
    if (!changed.tables.has(t)) continue;
    if (!settingTables.has(t) || f.keys === undefined) return true;
    if (changed.keys.has('*') || f.keys.some((k) => changed.keys.has(k))) return true;
  }
  return false;
}

/** The target lists a surface is built from; a targeted diff passes shorter ones (see `membershipDiff`). */
export interface SurfaceLists {
  schools(): readonly string[];
  learners(): readonly string[];
  courses(): readonly string[];
  classes(): readonly string[];
  /** The portal structure targets of a project to keep (`personSurface`); undefined keeps all. */
  portalTargets?(project: string): ((t: Target) => boolean) | undefined;
  /** A project's structure targets, when the caller keeps them for many actions. */
  portalStructure?(project: string): readonly Target[];
}

/** A portal project's structure as targets: its klassen, afdelingen, teams and secties. */
function portalStructure(facts: Facts, project: string): Target[] {
  const of = (kind: string, ids: readonly string[]) => ids.map((id) => ({ kind, id }));
  return [
    ...of('klas', facts.portalKlassen(project).map((k) => k.id)),
    ...of('afdeling', facts.portalAfdelingen(project)),
    ...of('team', facts.portalTeams(project).map((t) => t.id)),
    ...of('sectie', facts.portalSecties(project).map((s) => s.id)),
  ];
}

function siteLists(facts: Facts): SurfaceLists {
  return { schools: () => facts.schoolIds(), learners: () => facts.learnerUsernames(), courses: () => facts.courseIds(), classes: () => facts.classIds() };
}

/** The targets that matter for one action on one model (docs/architecture.md lists them). */
export function surfacePoints(def: ActionDef, facts: Facts, lists: SurfaceLists = siteLists(facts)): SurfacePoint[] {
  const a = def.key;
  const of = (kind: string, ids: readonly string[]) => ids.map((id) => ({ kind, id }));
  const targets = (): (Target | null)[] => {
    if (def.targetKinds.length === 0) return [null];
    switch (def.module) {
      case 'profiles':
        // A scope decision reads a target only through its school: the schools stand for their units.
        return [null, ...of('unit', lists.schools())];
      case 'administration':
        return def.targetKinds.includes('profile') ? of('profile', facts.profiles().map((p) => p.name)) : of('unit', lists.schools());
      case 'supervisors':
        return [...(def.targetRequired ? [] : [null]), ...of('learner', lists.learners())];
      case 'workflow':
        if (def.targetKinds[0] === 'learner') return of('learner', lists.learners());
        return def.targetKinds[0] === 'course' ? of('course', lists.courses()) : of('class', lists.classes());
      case 'schoolfunctions':
        return [null];
      default:
        return [];
    }
  };
  const list = targets();
  // Workflow decisions depend on the term (its batches' phases): every term is its own point.
  if (def.needsTerm || def.module === 'workflow') return facts.termIds().flatMap((term) => list.map((target) => ({ action: a, target, term })));
  if (def.needsProject) {
    return facts.portalProjectIds().flatMap((project) => {
      const structure = lists.portalStructure?.(project) ?? portalStructure(facts, project);
      const keep = lists.portalTargets?.(project);
      return [null, ...(keep ? structure.filter(keep) : structure)].map((target) => ({ action: a, target, project }));
    });
  }
  return list.map((target) => ({ action: a, target }));
}

export function pointKey(p: SurfacePoint): string {
  return `${p.action}\u0000${formatTarget(p.target)}\u0000${p.term ?? ''}\u0000${p.project ?? ''}`;
}

/** What a setting signature reads (`subjectSignatures`): profile, own policy assignments, schools. */
const SIGNATURE_TABLES = ['users', 'policy_assignments', 'memberships', 'units', 'unit_ancestors', 'parent_links'];

/** The setting keys a setting-decided action reads (besides the profile levels, logged as '*'). */
function settingKeysOf(def: ActionDef): readonly string[] | undefined {
  if (def.module === 'profiles') return [def.key];
  if (def.module === 'administration') return ['user-and-access-rights-management'];
  return undefined;
}

/**
 * A setting action none of whose keys a change touched, when the change touched nothing about
 * people either: every effective value it reads is the same on both models, so is every decision.
 */
function settingUntouched(def: ActionDef, changed: ChangedFacts): boolean {
  const keys = settingKeysOf(def);
  if (!keys || changed.keys.has('*')) return false;
  for (const t of changed.tables) if (!SETTINGS.includes(t)) return false;
  return !keys.some((k) => changed.keys.has(k));
}

/** Points decided by the user's settings alone (profile, own policies, schools): evaluated per group. */
function settingDecided(def: ActionDef, p: SurfacePoint): boolean {
  return def.module === 'profiles' || def.module === 'administration' || (def.key === 'share-ilp' && p.target === null);
}

export function decidingRule(o: Outcome | undefined): DecidingRule {
  if (!o) return { rule: 'not-in-model', detail: 'not in this model' };
  const want = o.allow ? 'pass' : 'fail';
  let step: TraceStep | undefined;
  for (let i = o.trace.length - 1; i >= 0 && !step; i--) if (o.trace[i].result === want) step = o.trace[i];
  step ??= o.trace[o.trace.length - 1];
  if (!step) return { rule: o.allow ? 'allow' : 'deny', detail: o.allow ? 'allowed' : 'denied' };
  return step.source ? { rule: step.rule, detail: step.detail, source: step.source } : { rule: step.rule, detail: step.detail };
}

export function evaluateAt(def: ActionDef, facts: Facts, subject: UserFact, p: SurfacePoint): Outcome {
  const opts: EvalOptions = { term: p.term, project: p.project };
  return def.evaluate({ facts, subject, external: false, target: p.target, ...opts });
}

/** Everyone's setting signature on one model, with each signature's first member. */
interface SignatureGroups {
  readonly list: SubjectSignatures;
  readonly reps: ReadonlyMap<string, string>;
  /** Each user's signature by username, made only when a diff needs to look users up by name. */
  byUser?: Map<string, string>;
}

/** One model's view for the diff: its points per action, and users grouped by setting signature. */
class ModelSide {
  readonly points = new Map<string, SurfacePoint>();
  private groups?: SignatureGroups;
  private readonly groupOutcomes = new Map<string, { outcome: Outcome; at: string }>();
  private readonly mySchools = new Map<string, ReadonlySet<string>>();

  constructor(
    readonly facts: Facts,
    readonly defs: readonly ActionDef[],
  ) {
    for (const def of defs) for (const p of surfacePoints(def, facts)) this.points.set(pointKey(p), p);
  }

  /** The side whose groups this one takes, read only when a diff needs them. */
  private adopted?: ModelSide;

  /** Takes the other model's signature groups (only when nothing a signature reads differs). */
  adopt(other: ModelSide): void {
    this.adopted = other;
  }

  /** Whether both sides hold the very same groups (one adopted the other's). */
  sharesGroupsWith(other: ModelSide): boolean {
    return this.signatureGroups() === other.signatureGroups();
  }

  signatureGroups(): SignatureGroups {
    if (!this.groups && this.adopted) this.groups = this.adopted.signatureGroups();
    if (!this.groups) {
      const list = this.facts.subjectSignatures(true);
      const reps = new Map<string, string>();
      const { usernames, signatures } = list;
      for (let i = 0; i < usernames.length; i++) if (!reps.has(signatures[i])) reps.set(signatures[i], usernames[i]);
      this.groups = { list, reps };
    }
    return this.groups;
  }

  /** Each user's setting signature, by username, in the list's (username) order. */
  signatures(): Map<string, string> {
    const g = this.signatureGroups();
    if (!g.byUser) {
      const byUser = new Map<string, string>();
      const { usernames, signatures } = g.list;
      for (let i = 0; i < usernames.length; i++) byUser.set(usernames[i], signatures[i]);
      g.byUser = byUser;
    }
    return g.byUser;
  }

  representative(sig: string): string {
    return this.signatureGroups().reps.get(sig)!;
  }

  /** The decision of a setting-decided point for everyone of a signature group (on its first member). */
  groupOutcome(def: ActionDef, sig: string, key: string, p: SurfacePoint): { allow: boolean; rule: DecidingRule } {
    // A scope target outside the group's schools decides like any other such school: one evaluation.
    const outside = p.target?.kind === 'unit' && !this.schoolsOf(sig).has(p.target.id);
    const k = outside ? `${sig}\u0001${def.key}\u0001outside` : `${sig}\u0001${key}`;
    let o = this.groupOutcomes.get(k);
    if (!o) {
      const subject = this.facts.user(this.representative(sig))!;
      o = { outcome: evaluateAt(def, this.facts, subject, p), at: p.target?.id ?? '' };
      this.groupOutcomes.set(k, o);
    }
    const rule = decidingRule(o.outcome);
    if (!outside || o.at === p.target!.id) return { allow: o.outcome.allow, rule };
    const detail = rule.detail.split(`unit:${o.at} `).join(`unit:${p.target!.id} `).split(`school ${o.at};`).join(`school ${p.target!.id};`);
    return { allow: o.outcome.allow, rule: { ...rule, detail } };
  }

  private schoolsOf(sig: string): ReadonlySet<string> {
    let s = this.mySchools.get(sig);
    if (!s) {
      const rep = this.facts.user(this.representative(sig))!;
      s = new Set(this.facts.userSchools(rep.id));
      this.mySchools.set(sig, s);
    }
    return s;
  }
}

export interface DiffOptions {
  /** What changed, when known (a dry run knows): families that read none of it are skipped. */
  readonly changed?: ChangedFacts;
  /** Only these actions. */
  readonly actions?: ReadonlySet<string>;
}

/** The access diff of two models: exact, the same as checking every surface triple on both one by one. */
export function accessDiff(engine: DecisionEngine, before: Facts, after: Facts, opts: DiffOptions = {}): AccessDiff {
  const skipped: string[] = [];
  const defs = engine.actions().filter((d) => {
    if (OUTSIDE_SURFACE.has(d.module)) return false;
    if (opts.actions && !opts.actions.has(d.key)) return false;
    const fam = familyOf(d);
    if (!fam) return false;
    if (opts.changed && !touched(fam, opts.changed)) {
      if (!skipped.includes(fam.name)) skipped.push(fam.name);
      return false;
    }
    return !(opts.changed && settingUntouched(d, opts.changed));
  });
  // Every family skipped (a change that wrote nothing any of them reads): no decision to judge.
  if (!defs.length) return { changes: [], skipped };
  const moved = opts.changed && membershipsOnly(opts.changed);
  if (moved) {
    const targeted = membershipDiff(defs, before, after, moved);
    if (targeted) return { changes: targeted.sort(compareChanges), skipped };
  }
  // An enrolment, batch phase, parent link or phase switch change alone: decided around what it touched.
  const around = opts.changed && targetedDiff(defs, before, after, opts.changed, skipped);
  if (around) return { changes: around.sort(compareChanges), skipped };
  const B = new ModelSide(before, defs);
  const A = new ModelSide(after, defs);
  // Nothing a signature reads changed: both models group everyone alike, so read the groups once.
  if (opts.changed && !SIGNATURE_TABLES.some((t) => opts.changed!.tables.has(t))) B.adopt(A);
  const changes: AccessChange[] = [];
  const byKey = new Map(defs.map((d) => [d.key, d]));
  const keys = new Set([...B.points.keys(), ...A.points.keys()]);
  const groupedKeys: string[] = [];
  const subjectKeys: string[] = [];
  // A change to supervision (assignments, roles) alone moves only some supervisors' decisions.
  const subjects = opts.changed && defs.some((d) => SUPERVISED.has(d.module)) ? supervisionSubjects(before, after, opts.changed) : undefined;
  for (const key of keys) {
    const p = (B.points.get(key) ?? A.points.get(key))!;
    const def = byKey.get(p.action)!;
    if (settingDecided(def, p)) groupedKeys.push(key);
    else if (subjects && SUPERVISED.has(def.module)) subjectKeys.push(key);
    else diffByCandidates(def, key, B, A, changes);
  }
  if (subjects && subjectKeys.length) diffBySubjects(subjectKeys, byKey, subjects, B, A, changes);
  // A person's schools are those of their signature: on the model after the change, else before.
  const schools = new Map<string, readonly string[]>();
  const of = (sig: string) => {
    let s = schools.get(sig);
    if (!s) schools.set(sig, (s = sig.split('|')[2].split(',').filter(Boolean)));
    return s;
  };
  if (changes.length) {
    const sa = A.signatures();
    const sb = B.signatures();
    for (const c of changes) {
      const sig = sa.get(c.user) ?? sb.get(c.user);
      c.schools = sig ? of(sig) : [];
    }
  }
  // The grouped changes know their signatures already (the most of a profile-wide change).
  if (groupedKeys.length) diffByGroups(groupedKeys, byKey, B, A, changes, of);
  changes.sort(compareChanges);
  return { changes, skipped };
}

/** The modules whose decisions read supervision: their subject's own assignments and roles. */
const SUPERVISED: ReadonlySet<string> = new Set(['supervisors', 'workflow']);

/** Tables the supervised families read besides the settings and supervision ones. */
const SUPERVISED_OTHER = new Set(
  FAMILIES.filter((f) => f.modules.some((m) => SUPERVISED.has(m)))
    .flatMap((f) => f.tables)
    .filter((t) => !SETTINGS.includes(t) && !SUPERVISION.includes(t)),
);

/**
 * The people whose supervisor and workflow decisions a supervision-only change can move
 * (docs/architecture.md, "A supervision change"): everyone whose assignment rows changed, and every
 * assigned mentor or headteacher (on either model) whose effective role settings differ. Undefined
 * when the change touched anything else those families read (then every subject is judged).
 */
function supervisionSubjects(B: Facts, A: Facts, changed: ChangedFacts): string[] | undefined {
  if (!changed.supervisors) return undefined;
  for (const t of changed.tables) if (SUPERVISED_OTHER.has(t)) return undefined;
  const names = new Set<string>();
  for (const id of changed.supervisors) {
    for (const f of [B, A]) {
      const u = f.userById(id);
      if (u) names.add(u.username);
    }
  }
  if (SETTINGS.some((t) => changed.tables.has(t))) {
    for (const f of [B, A]) {
      for (const name of [...f.mentorUsernames(), ...f.headteacherUsernames()]) {
        if (names.has(name)) continue;
        const b = B.user(name);
        const a = A.user(name);
        if (!b || !a || SUBJECT_KEYS.some((k) => effectiveSetting(B, b, k).value !== effectiveSetting(A, a, k).value)) names.add(name);
      }
    }
  }
  return [...names];
}

/**
 * Whether a supervisor holds anything at a point on one model: they mentor or head the learner, or
 * head an organisation above one of the learner's classes or courses (where a batch lies), or
 * mentor a learner of the batch or head an organisation above it. Only such a holding reads what
 * a supervision change touched; without one on either model the decision is the same on both.
 */
function holdsAt(f: Facts, subjectId: number, p: SurfacePoint, cache: Map<string, boolean>): boolean {
  const t = p.target;
  if (!t) return true;
  const key = `${t.kind}\u0000${t.id}`;
  let held = cache.get(key);
  if (held !== undefined) return held;
  if (t.kind === 'learner') {
    const l = f.user(t.id);
    held =
      l !== undefined &&
      (f.mentorPaths(subjectId, l.id).length > 0 ||
        f.headteacherPaths(subjectId, l.id).length > 0 ||
        (f.isHeadteacher(subjectId) &&
          [...f.unitIdsOf(l.id), ...f.courseIdsOf(l.id).map((c) => f.course(c)?.unitId)].some((u) => u !== undefined && f.headteacherOrgsAbove(subjectId, u).length > 0)));
  } else if (t.kind === 'class' || t.kind === 'course') {
    const unit = t.kind === 'course' ? f.course(t.id)?.unitId : t.id;
    held = f.mentorBatchLearner(subjectId, t.kind, t.id) !== undefined || (unit !== undefined && f.headteacherOrgsAbove(subjectId, unit).length > 0);
  } else {
    held = true;
  }
  cache.set(key, held);
  return held;
}

/** Each point decided for the given subjects alone, on both models, where they hold something on either. */
function diffBySubjects(keys: readonly string[], byKey: Map<string, ActionDef>, subjects: readonly string[], B: ModelSide, A: ModelSide, out: AccessChange[]): void {
  const users = subjects.map((name) => ({ name, b: B.facts.user(name), a: A.facts.user(name), heldB: new Map<string, boolean>(), heldA: new Map<string, boolean>() }));
  for (const key of keys) {
    const pb = B.points.get(key);
    const pa = A.points.get(key);
    const p = (pb ?? pa)!;
    const def = byKey.get(p.action)!;
    for (const u of users) {
      if (!((pb && u.b && holdsAt(B.facts, u.b.id, pb, u.heldB)) || (pa && u.a && holdsAt(A.facts, u.a.id, pa, u.heldA)))) continue;
      const ob = pb && u.b ? evaluateAt(def, B.facts, u.b, pb) : undefined;
      const oa = pa && u.a ? evaluateAt(def, A.facts, u.a, pa) : undefined;
      if ((ob?.allow === true) !== (oa?.allow === true)) out.push(change(def, p, u.name, decidingRule(ob), decidingRule(oa), oa?.allow === true));
    }
  }
}

/** More moved memberships than this and the whole-site path is cheaper than following each person. */
const MAX_MOVED_PEOPLE = 200;

/** The memberships a change moved, when it changed nothing else any family reads. */
function membershipsOnly(changed: ChangedFacts): ChangedFacts['memberships'] {
  const m = changed.memberships;
  if (!m?.length) return undefined;
  const read = new Set(FAMILIES.flatMap((f) => f.tables));
  for (const t of changed.tables) if (t !== 'memberships' && read.has(t)) return undefined;
  return new Set(m.map((r) => r.userId)).size <= MAX_MOVED_PEOPLE ? m : undefined;
}

/** Settings a supervisor or workflow decision reads about its subject. */
const SUBJECT_KEYS = ['mentor-role', 'headteacher-role', 'share-ilp'];

/**
 * The diff of a change that only moved memberships, decided around the people it moved
 * (docs/architecture.md, "A membership change"): the moved users and their parents on every
 * setting point; the moved users as targets, and their classes and courses, for every subject;
 * the menu entries of everyone who mentors or heads a moved user. Undefined when a moved person's
 * own supervisor settings differ between the models: then the whole-site path decides. `others`:
 * more moved people (user ids) beyond those of `moved` (a parent link moves both of its people).
 */
export function membershipDiff(defs: readonly ActionDef[], B: Facts, A: Facts, moved: NonNullable<ChangedFacts['memberships']>, others: readonly number[] = []): AccessChange[] | undefined {
  const sides = [B, A];
  const ids = [...new Set([...moved.map((r) => r.userId), ...others])];
  const nameOf = (id: number) => (B.userById(id) ?? A.userById(id))?.username;
  const movedNames = ids.map(nameOf).filter((n): n is string => n !== undefined);
  // A parent's schools are their children's too: the parents' setting signatures moved with them.
  const people = new Set(movedNames);
  for (const f of sides) for (const id of ids) for (const p of f.parentsOf(id)) people.add(p);
  for (const name of people) {
    const b = B.user(name);
    const a = A.user(name);
    if (!b || !a) return undefined;
    for (const k of SUBJECT_KEYS) if (effectiveSetting(B, b, k).value !== effectiveSetting(A, a, k).value) return undefined;
  }
  // Menu entries count learners: everyone who mentors or heads a moved user, on either model.
  const tabSubjects = new Set(people);
  for (const f of sides) {
    for (const id of ids) for (const s of [...f.mentorsOf(id), ...f.headteachersOf(id)]) tabSubjects.add(s.username);
  }
  // Targets whose decisions read the moved memberships: the moved learners, the classes they moved
  // in or out of and their other classes (a mentor through one class covers them in every batch),
  // and the courses they are enrolled in (same reason).
  const units = new Set(moved.map((r) => r.unitId));
  const courses = new Set<string>();
  for (const f of sides) {
    for (const id of ids) {
      for (const u of f.unitIdsOf(id)) units.add(u);
      for (const c of f.courseIdsOf(id)) courses.add(c);
    }
  }
  const listsOf = (f: Facts): SurfaceLists => {
    let schoolIds: readonly string[] | undefined;
    return {
    // Read once per model, not once per action.
    schools: () => (schoolIds ??= f.schoolIds()),
    learners: () => movedNames.filter((n) => {
      const u = f.user(n);
      return u !== undefined && f.isLearner(u.id);
    }),
    courses: () => [...courses].filter((c) => f.course(c) !== undefined).sort(),
    classes: () => [...units].filter((u) => {
      const k = f.unit(u)?.kind;
      return k === 'class' || k === 'group';
    }).sort(),
    };
  };
  const lb = listsOf(B);
  const la = listsOf(A);
  const out: AccessChange[] = [];
  const schools = new Map<string, readonly string[]>();
  const schoolsOf = (user: string) => {
    let s = schools.get(user);
    if (!s) {
      const u = A.user(user) ?? B.user(user);
      const f = A.user(user) ? A : B;
      schools.set(user, (s = u ? [...new Set(f.userSchools(u.id))].sort() : []));
    }
    return s;
  };
  // A scope point unit:S outside a person's schools decides like every other school outside them
  // (as in `groupOutcome`): one evaluation per person, action and model stands for all of them.
  const outside = new Map<string, boolean>();
  const ownSchools = new Map<string, ReadonlySet<string>>();
  const allowAt = (def: ActionDef, f: Facts, side: string, u: UserFact, pt: SurfacePoint): boolean => {
    if (pt.target?.kind === 'unit' && settingDecided(def, pt)) {
      const who = `${side}\u0000${u.username}`;
      let mine = ownSchools.get(who);
      if (!mine) ownSchools.set(who, (mine = new Set(f.userSchools(u.id))));
      if (!mine.has(pt.target.id)) {
        const k = `${who}\u0000${def.key}`;
        let allow = outside.get(k);
        if (allow === undefined) outside.set(k, (allow = evaluateAt(def, f, u, pt).allow));
        return allow;
      }
    }
    return evaluateAt(def, f, u, pt).allow;
  };
  // A setting decision reads the person's profile, own policies and schools (their signature). A
  // membership change writes no profile or policy, so a person whose schools are the same on both
  // models has the same signature there, hence the same decision on every setting point.
  const same = new Map<string, boolean>();
  const sameSignature = (user: string): boolean => {
    let r = same.get(user);
    if (r === undefined) {
      const b = B.user(user);
      const a = A.user(user);
      const sb = b ? new Set(B.userSchools(b.id)) : undefined;
      const sa = a ? [...new Set(A.userSchools(a.id))] : undefined;
      same.set(user, (r = sb !== undefined && sa !== undefined && sb.size === sa.length && sa.every((x) => sb.has(x))));
    }
    return r;
  };
  const assigned = (user: string): boolean =>
    sides.some((f) => {
      const u = f.user(user);
      return u !== undefined && (f.isMentor(u.id) || f.isHeadteacher(u.id));
    });
  const one = (def: ActionDef, p: SurfacePoint, pb: SurfacePoint | undefined, pa: SurfacePoint | undefined, user: string) => {
    const ub = pb && B.user(user);
    const ua = pa && A.user(user);
    const allowB = ub ? allowAt(def, B, 'b', ub, pb!) : false;
    const allowA = ua ? allowAt(def, A, 'a', ua, pa!) : false;
    if (allowB === allowA) return;
    // A change is told from both traces, evaluated at this very point.
    const ob = ub ? evaluateAt(def, B, ub, pb!) : undefined;
    const oa = ua ? evaluateAt(def, A, ua, pa!) : undefined;
    out.push({ ...change(def, p, user, decidingRule(ob), decidingRule(oa), allowA), schools: schoolsOf(user) });
  };
  for (const def of defs) {
    const pb = new Map(surfacePoints(def, B, lb).map((p) => [pointKey(p), p]));
    const pa = new Map(surfacePoints(def, A, la).map((p) => [pointKey(p), p]));
    for (const key of new Set([...pb.keys(), ...pa.keys()])) {
      const b = pb.get(key);
      const a = pa.get(key);
      const p = (b ?? a)!;
      if (settingDecided(def, p)) {
        for (const user of people) if (!sameSignature(user)) one(def, p, b, a, user);
      } else if (p.target === null) {
        // A menu entry shows only for an assigned mentor or headteacher: anyone else is denied on both.
        for (const user of tabSubjects) if (!def.key.startsWith('tab:') || assigned(user)) one(def, p, b, a, user);
      } else {
        const before = diffAt(def, B, b, A, a);
        for (const c of before) out.push({ ...c, schools: schoolsOf(c.user) });
      }
    }
  }
  return out;
}

/** Code-point order: stable across machines, and far faster than localeCompare on 100,000s of rows. */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareChanges(x: AccessChange, y: AccessChange): number {
  // Most pairs lie at one point (the same target object): only their usernames differ.
  if (x.target === y.target && x.action === y.action && x.term === y.term && x.project === y.project) return cmp(x.user, y.user);
  return (
    cmp(x.action, y.action) ||
    cmp(x.project ?? '', y.project ?? '') ||
    cmp(x.term ?? '', y.term ?? '') ||
    cmp(x.target?.kind ?? '', y.target?.kind ?? '') ||
    cmp(x.target?.id ?? '', y.target?.id ?? '') ||
    cmp(x.user, y.user)
  );
}

function change(def: ActionDef, p: SurfacePoint, user: string, b: DecidingRule, a: DecidingRule, gain: boolean): AccessChange {
  // The same fields in the same order either way; the literal is the common case, made 100,000s of times.
  if (!p.term && !p.project) return { action: p.action, target: p.target, user, module: def.module, change: gain ? 'gain' : 'loss', schools: [], before: b, after: a };
  return { action: p.action, target: p.target, ...(p.term ? { term: p.term } : {}), ...(p.project ? { project: p.project } : {}), user, module: def.module, change: gain ? 'gain' : 'loss', schools: [], before: b, after: a };
}

/** Allowed users of one point, among the action's candidates (every allowed user is one of them). */
function allowedAt(def: ActionDef, facts: Facts, p: SurfacePoint | undefined): Map<string, Outcome> {
  const allowed = new Map<string, Outcome>();
  if (!p) return allowed;
  const names = def.candidates?.({ facts, target: p.target, term: p.term, project: p.project }) ?? facts.allUsernames();
  for (const name of names) {
    if (allowed.has(name)) continue;
    const subject = facts.user(name);
    if (!subject) continue;
    const o = evaluateAt(def, facts, subject, p);
    if (o.allow) allowed.set(name, o);
  }
  return allowed;
}

function diffByCandidates(def: ActionDef, key: string, B: ModelSide, A: ModelSide, out: AccessChange[]): void {
  out.push(...diffAt(def, B.facts, B.points.get(key), A.facts, A.points.get(key)));
}

/** The changes at one point from the allowed sets of both models (each from the action's candidates). */
export function diffAt(def: ActionDef, B: Facts, pb: SurfacePoint | undefined, A: Facts, pa: SurfacePoint | undefined): AccessChange[] {
  const out: AccessChange[] = [];
  const p = (pb ?? pa)!;
  const inB = allowedAt(def, B, pb);
  const inA = allowedAt(def, A, pa);
  const other = (facts: Facts, pt: SurfacePoint | undefined, user: string): Outcome | undefined => {
    const subject = pt && facts.user(user);
    return subject ? evaluateAt(def, facts, subject, pt!) : undefined;
  };
  for (const [user, o] of inB) if (!inA.has(user)) out.push(change(def, p, user, decidingRule(o), decidingRule(other(A, pa, user)), false));
  for (const [user, o] of inA) if (!inB.has(user)) out.push(change(def, p, user, decidingRule(other(B, pb, user)), decidingRule(o), true));
  return out;
}

/**
 * Setting-decided points: users with the same signature in both models share every decision, so
 * each (before group, after group) cell is judged once per point and expanded to its members.
 */
function diffByGroups(
  keys: readonly string[],
  byKey: Map<string, ActionDef>,
  B: ModelSide,
  A: ModelSide,
  out: AccessChange[],
  schoolsOf: (sig: string) => readonly string[],
): void {
  const cells = new Map<string, { b?: string; a?: string; users: string[] }>();
  if (B.sharesGroupsWith(A)) {
    // One grouping for both models: a cell is a signature, read straight from the lists.
    const { usernames, signatures } = A.signatureGroups().list;
    for (let i = 0; i < usernames.length; i++) {
      const sig = signatures[i];
      let c = cells.get(sig);
      if (!c) cells.set(sig, (c = { b: sig, a: sig, users: [] }));
      c.users.push(usernames[i]);
    }
  } else {
    const sb = B.signatures();
    const sa = A.signatures();
    const add = (user: string, b?: string, a?: string) => {
      const k = `${b ?? ''}\u0001${a ?? ''}\u0001${b === undefined ? 0 : 1}${a === undefined ? 0 : 1}`;
      let c = cells.get(k);
      if (!c) cells.set(k, (c = { b, a, users: [] }));
      c.users.push(user);
    };
    for (const [user, s] of sb) add(user, s, sa.get(user));
    for (const [user, s] of sa) if (!sb.has(user)) add(user, undefined, s);
  }
  // Each point's lookups once, not once per cell.
  const points = keys.map((key) => {
    const pb = B.points.get(key);
    const pa = A.points.get(key);
    const p = (pb ?? pa)!;
    return { key, pb, pa, p, def: byKey.get(p.action)! };
  });
  for (const cell of cells.values()) {
    const schools = schoolsOf((cell.a ?? cell.b)!);
    for (const { key, pb: kb, pa: ka, p, def } of points) {
      const pb = cell.b !== undefined ? kb : undefined;
      const pa = cell.a !== undefined ? ka : undefined;
      const ob = pb ? B.groupOutcome(def, cell.b!, key, pb) : undefined;
      const oa = pa ? A.groupOutcome(def, cell.a!, key, pa) : undefined;
      const allowB = ob?.allow === true;
      const allowA = oa?.allow === true;
      if (allowB === allowA) continue;
      const rb = ob && pb ? personal(B, def, cell.b!, pb, ob) : () => decidingRule(undefined);
      const ra = oa && pa ? personal(A, def, cell.a!, pa, oa) : () => decidingRule(undefined);
      for (const user of cell.users) {
        const c = change(def, p, user, rb(user), ra(user), allowA);
        c.schools = schools;
        out.push(c);
      }
    }
  }
}

/** Stands for a member's name in a group's texts: no username and no trace text holds a NUL. */
const SLOT = '\u0000member\u0000';

/** The subject with SLOT for a name: the engine's texts about it show where a member's name goes. */
function slotted(subject: UserFact): UserFact {
  return { ...subject, username: SLOT };
}

/** A text with SLOT for the member's name, told about each member (split once). */
function filled(text: string): (user: string) => string {
  const parts = text.split(SLOT);
  return parts.length === 1 ? () => text : (user) => parts.join(user);
}

/** A rule with SLOT for the member's name (its detail and its source's texts), told about each member. */
function filledRule(t: DecidingRule): (user: string) => DecidingRule {
  const detail = filled(t.detail);
  const source = t.source ? Object.entries(t.source).map(([k, v]) => [k, typeof v === 'string' && v.includes(SLOT) ? filled(v) : undefined, v] as const) : undefined;
  const named = source?.some(([, f]) => f !== undefined);
  return (user) => {
    if (!t.source) return { rule: t.rule, detail: detail(user) };
    const s = named ? (Object.fromEntries(source!.map(([k, f, v]) => [k, f ? f(user) : v])) as unknown as Source) : t.source;
    return { rule: t.rule, detail: detail(user), source: s };
  };
}

/** Whether a rule's texts hold a name anywhere (its detail or its source). */
function mentions(r: DecidingRule, name: string): boolean {
  return r.detail.includes(name) || (r.source !== undefined && Object.values(r.source).some((v) => typeof v === 'string' && v.includes(name)));
}

/**
 * A group's rule at a point told about each member. A rule that names no one is everyone's. One
 * that names the representative is judged again at this very point, for them and with SLOT for
 * their name, which shows where a member's name goes (the name may also be part of other words:
 * "s" in "messages"; and a scope text told from another school may not read right here). When
 * SLOT filled with the representative's name gives their own rule, it is filled for everyone;
 * else each member is judged on their own.
 */
function personal(side: ModelSide, def: ActionDef, sig: string, p: SurfacePoint, o: { allow: boolean; rule: DecidingRule }): (user: string) => DecidingRule {
  const r = o.rule;
  const rep = side.representative(sig);
  if (!mentions(r, rep)) return () => r;
  const subject = side.facts.user(rep)!;
  const own = evaluateAt(def, side.facts, subject, p);
  const truth = decidingRule(own);
  const t = evaluateAt(def, side.facts, slotted(subject), p);
  const fill = filledRule(decidingRule(t));
  if (own.allow === o.allow && t.allow === o.allow && JSON.stringify(fill(rep)) === JSON.stringify(truth)) return (user) => (user === rep ? truth : fill(user));
  return (user) => decidingRule(evaluateAt(def, side.facts, side.facts.user(user)!, p));
}

/**
 * The first username of each signature, in the order of the list (a group's representative). The
 * facts hand out one list per snapshot, so this is made once per snapshot too: a test file's
 * hundreds of lookups at 200,000 users each walked the whole list before.
 */
const firstsOf = new WeakMap<SubjectSignatures, ReadonlyMap<string, string>>();
function signatureFirsts(list: SubjectSignatures): ReadonlyMap<string, string> {
  let firsts = firstsOf.get(list);
  if (!firsts) {
    const made = new Map<string, string>();
    const { usernames, signatures } = list;
    for (let i = 0; i < usernames.length; i++) if (!made.has(signatures[i])) made.set(signatures[i], usernames[i]);
    firstsOf.set(list, (firsts = made));
  }
  return firsts;
}

/**
 * A reverse lookup of a setting-decided action through the same grouping: one evaluation per
 * setting signature instead of one per user (undefined when the action is not setting-decided).
 */
export function groupedAllowed(def: ActionDef, facts: Facts, target: Target | null, opts: EvalOptions): { user: string; profile: string; because: string }[] | undefined {
  if (!settingDecided(def, { action: def.key, target })) return undefined;
  // Facts without the bulk reads (a test's in-memory facts) take the per-user path.
  if (typeof facts.subjectSignatures !== 'function') return undefined;
  const withSchools = target !== null || facts.anySchoolPolicyAssigned();
  const list = facts.subjectSignatures(withSchools);
  // One evaluation per group, on its first member; then the members in the list's (username) order.
  const verdicts = new Map<string, { profile: string; because: string; rep?: string; told?: (user: string) => string } | null>();
  for (const [sig, first] of signatureFirsts(list)) {
    const rep = facts.user(first)!;
    const o = def.evaluate({ facts, subject: rep, external: false, target, ...opts });
    if (!o.allow) {
      verdicts.set(sig, null);
      continue;
    }
    const because = o.because ?? 'allowed';
    // The reason told about each member: judged once more with SLOT for the representative's name
    // when it names them (see `personal`), else each member on their own.
    let told: ((user: string) => string) | undefined;
    if (because.includes(rep.username)) {
      const t = def.evaluate({ facts, subject: slotted(rep), external: false, target, ...opts });
      const fill = filled(t.because ?? 'allowed');
      told =
        t.allow && fill(rep.username) === because
          ? fill
          : (user) => def.evaluate({ facts, subject: facts.user(user)!, external: false, target, ...opts }).because ?? 'allowed';
    }
    verdicts.set(sig, { profile: rep.profile.name, because, rep: rep.username, told });
  }
  const allowed: { user: string; profile: string; because: string }[] = [];
  const { usernames, signatures } = list;
  for (let i = 0; i < usernames.length; i++) {
    const v = verdicts.get(signatures[i]);
    if (v) allowed.push({ user: usernames[i], profile: v.profile, because: v.told && usernames[i] !== v.rep ? v.told(usernames[i]) : v.because });
  }
  return allowed;
}

/** Code-point order, which is SQLite's BINARY order of the same text: the order the surface's lists are read in. */
function byCodePoint(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/**
 * The surface lists of one action cut down to the targets the person can reach (`ActionDef.reach`),
 * in the surface's own order and only among its own targets; undefined when the action names no
 * reach (every target is judged).
 */
function reachedLists(def: ActionDef, facts: Facts, subject: UserFact, learner: (name: string) => boolean, structure: (project: string) => readonly Target[]): SurfaceLists | undefined {
  if (!def.reach) return undefined;
  if (def.needsProject) {
    const all = siteLists(facts);
    return {
      ...all,
      portalStructure: structure,
      portalTargets: (project) => {
        const reached = def.reach!({ facts, subject, project });
        if (!reached) return undefined;
        const keys = new Set([...reached].map(formatTarget));
        return (t) => keys.has(formatTarget(t));
      },
    };
  }
  const reached = def.reach({ facts, subject });
  if (!reached) return undefined;
  const ids: Record<string, Set<string>> = { learner: new Set(), course: new Set(), class: new Set() };
  for (const t of reached) ids[t.kind]?.add(t.id);
  const sorted = (set: Set<string>, keep: (id: string) => boolean) => [...set].filter(keep).sort(byCodePoint);
  return {
    schools: () => facts.schoolIds(),
    learners: () => sorted(ids.learner, learner),
    courses: () => sorted(ids.course, (c) => facts.course(c) !== undefined),
    classes: () =>
      sorted(ids.class, (u) => {
        const k = facts.unit(u)?.kind;
        return k === 'class' || k === 'group';
      }),
  };
}

/**
 * The facts a person's decisions ask again and again with the same arguments: the same learner's
 * supervision paths for every workflow action and term, the same course or unit for every learner
 * of a batch, the same portal structure and functions for every right. Each answer is kept for
 * the run, which reads one snapshot of the model.
 */
const REPEATED: readonly (keyof Facts)[] = [
  'mentorPaths',
  'headteacherPaths',
  'headteacherOrgsAbove',
  'isCourseTeacher',
  'isParentOf',
  'isLearner',
  'term',
  'unitSchool',
  'course',
  'ilpTemplateCount',
  'phaseSwitches',
  'policyCandidates',
  'sharedTeachingCourses',
  'portalProjectExists',
  'portalUser',
  'functionAssignments',
  'portalSwitch',
  'studentKlassen',
  'portalKlassen',
  'portalKlas',
  'portalAfdelingen',
  'portalTeams',
  'portalTeam',
  'portalSecties',
  'portalSectie',
];

function remembering(facts: Facts): Facts {
  const f = Object.create(facts) as Record<string, unknown>;
  for (const name of REPEATED) {
    const ask = (facts[name] as (...args: unknown[]) => unknown).bind(facts);
    const known = new Map<string, unknown>();
    f[name] = (...args: unknown[]) => {
      let key = '';
      for (const a of args) key += `${typeof a === 'object' && a !== null ? (a as { id: number }).id : String(a)}\u0000`;
      if (known.has(key)) return known.get(key);
      const v = ask(...args);
      known.set(key, v);
      return v;
    };
  }
  return f as unknown as Facts;
}

export interface PersonSurfaceOptions {
  /** Judge only the targets the person can reach (`ActionDef.reach`); default true. */
  readonly reach?: boolean;
  /** Judge once what an action decides without reading the target (`ActionDef.targetFree`); default true. */
  readonly targetFree?: boolean;
}

/**
 * Everything one person may do: every surface point with its decision (the `whocan --user U --all`
 * view), one at a time so nothing but the caller's summary is kept. A targeted action judges only
 * the targets its `reach` names: every other target of the surface is denied to the person (the
 * contract of `reach`), so the allowed points are exactly those of judging every target. An
 * action that decides the person without reading the target (`targetFree`: the portal admin flag)
 * is judged once per project, and that outcome is given for each of its targets.
 */
export function* personSurface(engine: DecisionEngine, model: Facts, subject: UserFact, opts: PersonSurfaceOptions = {}): Generator<{ def: ActionDef; point: SurfacePoint; outcome: Outcome }> {
  const facts = remembering(model);
  const learners = new Map<string, boolean>();
  const learner = (name: string) => {
    let r = learners.get(name);
    if (r === undefined) {
      const u = facts.user(name);
      learners.set(name, (r = u !== undefined && facts.isLearner(u.id)));
    }
    return r;
  };
  // Every school-function right reads the same structure of a project.
  const structures = new Map<string, readonly Target[]>();
  const structure = (project: string) => {
    let t = structures.get(project);
    if (!t) structures.set(project, (t = portalStructure(facts, project)));
    return t;
  };
  for (const def of surfaceActions(engine)) {
    const lists = opts.reach === false || def.targetKinds.length === 0 ? undefined : reachedLists(def, facts, subject, learner, structure);
    // An action that decides this person without reading the target: one evaluation per project
    // (or term) stands for all its targets.
    const free = opts.targetFree !== false && def.targetFree !== undefined;
    const alike = new Map<string, Outcome>();
    for (const point of surfacePoints(def, facts, lists)) {
      if (free && def.targetFree!({ facts, subject, project: point.project })) {
        const k = `${point.term ?? ''}\u0000${point.project ?? ''}`;
        let o = alike.get(k);
        if (!o) alike.set(k, (o = evaluateAt(def, facts, subject, point)));
        yield { def, point, outcome: o };
      } else yield { def, point, outcome: evaluateAt(def, facts, subject, point) };
    }
  }
}

/** The actions of a person's surface, in the engine's order. */
export function surfaceActions(engine: DecisionEngine): ActionDef[] {
  return engine.actions().filter((def) => !OUTSIDE_SURFACE.has(def.module));
}

// A OneRoster bundle into the model, as rows of the bulk kinds (units, terms, users, memberships,
// parents, courses, enrolments), so every check of a CSV import applies to a roster too. It runs
// inside the caller's transaction; the caller rolls back when there is any problem or for a plan.
// The mapping and what is tolerated are written down in docs/rosters.md.

import type { Sqlite } from '../open.js';
import { ModelCache, type Row } from '../bulk/kind.js';
import { findKind } from '../bulk/registry.js';
import { KindRun, type Counts, type RowChange } from '../bulk/runner.js';
import { rebuildAncestors } from '../stores/hierarchy-store.js';
import { activeChangeLog } from '../change-log.js';
import { withIndexAside } from '../bulk/index-aside.js';
import { readRosterFile, type Bundle, type FileReadNotes, type RosterRecord } from './oneroster-files.js';
import { rosterDate } from './roster-dates.js';
import { goneRecords, removeRecord, takeOwnership, type GoneRecord, type SyncEntity } from './sync-records.js';

export interface RosterOptions {
  /** contradictions become warnings, with the choice made */
  readonly lenient?: boolean;
  /** remove what a bulk file leaves out */
  readonly prune?: boolean;
}

export interface RosterOutcome {
  readonly source: string;
  readonly version: string;
  readonly modes: Record<string, string>;
  readonly problems: readonly string[];
  readonly warnings: readonly string[];
  readonly counts: Record<string, Counts>;
  readonly changes: readonly RowChange[];
  readonly changeCount: number;
  /** delta `tobedeleted` rows that removed a record */
  readonly deleted: readonly GoneRecord[];
  /** what the model holds from this source that a bulk file leaves out */
  readonly gone: readonly GoneRecord[];
  readonly pruned: boolean;
  readonly assignedProfiles: readonly string[];
}

/** OneRoster role words onto hierarchy roles (docs/rosters.md); other words take their profile's role. */
const HIERARCHY_OF: Record<string, string> = {
  student: 'student',
  teacher: 'teacher', aide: 'teacher', proctor: 'teacher', counselor: 'teacher',
  administrator: 'administrator', principal: 'administrator', siteadministrator: 'administrator', districtadministrator: 'administrator', systemadministrator: 'administrator',
  parent: 'guest', guardian: 'guest', relative: 'guest',
};
const PARENT_WORDS = new Set(['parent', 'guardian', 'relative']);
const RANK: Record<string, number> = { guest: 1, student: 2, teacher: 3, administrator: 4 };
const ORG_KIND: Record<string, string> = { district: 'organisation', local: 'organisation', state: 'organisation', national: 'organisation', school: 'school', department: 'organisation' };
const SESSION_TYPES = ['gradingperiod', 'semester', 'schoolyear', 'term'];
const ENROL_ROLE: Record<string, string> = { student: 'learner', teacher: 'teacher', administrator: 'teacher', proctor: 'teacher', aide: 'teacher' };

interface Org {
  readonly line: number;
  readonly kind: string;
  readonly type: string;
  readonly name: string;
  readonly parent: string | null;
}

class CellsRow implements Row {
  constructor(private readonly cells: Record<string, string>) {}
  get(c: string): string {
    return this.cells[c] ?? '';
  }
  has(c: string): boolean {
    return c in this.cells;
  }
}

const ROSTER_DISPLAY: Record<string, string> = {
  users: 'users.csv', orgs: 'orgs.csv', classes: 'classes.csv', roles: 'roles.csv', enrollments: 'enrollments.csv', courses: 'courses.csv', academicSessions: 'academicSessions.csv', demographics: 'demographics.csv',
};

const list = (v: string): string[] => v.split(',').map((s) => s.trim()).filter((s) => s !== '');

export async function importOneRoster(db: Sqlite, bundle: Bundle, opts: RosterOptions = {}): Promise<RosterOutcome> {
  const problems: string[] = [];
  const warnings: string[] = [...bundle.warnings];
  const model = new ModelCache(db);
  model.source = bundle.source;
  const runs = new Map<string, KindRun>();
  const run = (kind: string): KindRun => {
    let r = runs.get(kind);
    if (!r) {
      // The roster finds keys given twice itself (by sourcedId), so the runner keeps no key table.
      r = new KindRun(findKind(kind)!, db, model, 500, 10_000, false);
      runs.set(kind, r);
    }
    return r;
  };
  const at = (file: string, line: number, column: string) => `${file} line ${line} column ${column}`;
  /** Feeds one row to a kind; its problems name the roster file, line and column. */
  const feed = (kind: string, cells: Record<string, string>, file: string, line: number, columns: Record<string, string>) => {
    const r = run(kind);
    const before = r.problems.length;
    r.row(new CellsRow(cells), `${file} line ${line}`);
    for (let i = before; i < r.problems.length; i++) {
      const p = r.problems[i];
      problems.push(`${at(file, line, columns[p.error.column] ?? p.error.column)}: value "${p.error.value}" is not ${p.error.expected}, valid: ${p.error.valid}`);
    }
  };
  const contradiction = (what: string, choice: string) => {
    if (opts.lenient) warnings.push(`${what}; --lenient: ${choice}`);
    else problems.push(`${what}; correct it in the source system, or pass --lenient to import it with ${choice}`);
  };
  const seen = new SeenRecords(db);
  const levels = new Map((db.prepare('SELECT id, level FROM profiles').raw().all() as [number, number][]).map(([id, level]) => [id, level]));
  const levelOf = (profileId: number): number => levels.get(profileId) ?? -1;
  const deletions: GoneRecord[] = [];
  /** How each file is named in problems: its CSV name, or the XML file it came from. */
  const F = bundle.display ?? ROSTER_DISPLAY;
  const modes: Record<string, string> = {};
  for (const [k, f] of bundle.files) modes[k] = f.mode;
  const modelTerm = db.prepare('SELECT 1 FROM terms WHERE id = ?').pluck();

  /** Reads one file if the bundle has it; each record's status decides whether it counts. */
  const read = async (key: string, onRecord: (r: RosterRecord) => void, onDelete?: (r: RosterRecord) => void) => {
    const file = bundle.files.get(key);
    if (!file) return;
    const notes: FileReadNotes = { ignored: [], problems, warnings };
    let inactive = 0;
    let skipped = 0;
    const given = bundle.records?.get(key);
    const source = given ? async (_f: unknown, _k: unknown, each: (r: RosterRecord) => void) => given.forEach(each) : readRosterFile;
    await source(
      file,
      key,
      (r) => {
        const status = r.get('status').toLowerCase();
        if (status === '' || status === 'active') onRecord(r);
        else if (status === 'tobedeleted') {
          if (file.mode === 'delta') onDelete?.(r);
          else skipped++;
        } else if (status === 'inactive') {
          inactive++;
          onRecord(r);
        } else problems.push(`${at(file.name, r.line, r.header('status'))}: value "${r.get('status')}" is not a status, valid: active, tobedeleted (or empty in a bulk file)`);
      },
      notes,
    );
    if (notes.ignored.length) {
      const known = notes.ignored.filter((c) => /^(metadata\.|ext_)/i.test(c));
      const other = notes.ignored.filter((c) => !/^(metadata\.|ext_)/i.test(c));
      if (other.length) warnings.push(`${file.name}: column(s) ${other.join(', ')} are not read`);
      if (known.length) warnings.push(`${file.name}: ${known.length} extension column(s) not read (${known.slice(0, 4).join(', ')}${known.length > 4 ? ' …' : ''})`);
    }
    if (inactive) warnings.push(`${file.name}: ${inactive} row(s) with status "inactive", which is not a OneRoster status; read as active`);
    if (skipped) warnings.push(`${file.name}: ${skipped} row(s) marked tobedeleted in a bulk file; left out of the snapshot`);
  };

  // 1. orgs → units, parents before children.
  const orgs = new Map<string, Org>();
  await read(
    'orgs',
    (r) => {
      const id = r.get('sourcedId');
      const type = r.get('type');
      let kind = ORG_KIND[type.toLowerCase()];
      if (!kind && /^ext:/i.test(type)) kind = 'organisation';
      if (!kind) return void problems.push(`${at(F.orgs, r.line, r.header('type'))}: value "${type}" is not an org type, valid: district, school, department, local, state, national, or ext:…`);
      const prev = orgs.get(id);
      if (prev) return void problems.push(`${at(F.orgs, r.line, r.header('sourcedId'))}: value "${id}" is not unique in the file (also on line ${prev.line}), valid: one row per sourcedId`);
      orgs.set(id, { line: r.line, kind, type: type.toLowerCase(), name: r.get('name'), parent: r.get('parentSourcedId') || null });
    },
    (r) => deletions.push({ entity: 'unit', key: r.get('sourcedId'), label: r.get('sourcedId') }),
  );
  for (const [id, o] of orgs) {
    if (o.parent && !orgs.has(o.parent) && !model.units.has(o.parent)) problems.push(`${at(F.orgs, o.line, 'parentSourcedId')}: value "${o.parent}" is not an org of the bundle or a unit of the model, valid: the sourcedId of another org, or empty`);
    if (o.type === 'department') {
      const p = o.parent ? orgs.get(o.parent) : undefined;
      if (!p || p.type !== 'school') problems.push(`${at(F.orgs, o.line, 'parentSourcedId')}: value "${o.parent ?? ''}" is not a school, valid: a department sits under its school (the sourcedId of an org of type school)`);
    }
    void id;
  }

  // 2. academicSessions → terms; courses and classes are read whole (they are few) for the references.
  const sessions = new Map<string, { line: number; parent: string | null }>();
  await read(
    'academicSessions',
    (r) => {
      const id = r.get('sourcedId');
      const type = r.get('type');
      if (!SESSION_TYPES.includes(type.toLowerCase())) problems.push(`${at(F.academicSessions, r.line, r.header('type'))}: value "${type}" is not a session type, valid: schoolYear, semester, term, gradingPeriod`);
      const dates: Record<string, string> = {};
      for (const c of ['startDate', 'endDate']) {
        const d = rosterDate(r.get(c));
        if ('error' in d) problems.push(`${at(F.academicSessions, r.line, r.header(c))}: value "${r.get(c)}" is not ${d.error}`);
        else dates[c] = d.date;
      }
      if (sessions.has(id)) return void problems.push(`${at(F.academicSessions, r.line, r.header('sourcedId'))}: value "${id}" is not unique in the file (also on line ${sessions.get(id)!.line}), valid: one row per sourcedId`);
      sessions.set(id, { line: r.line, parent: r.get('parentSourcedId') || null });
      if (dates.startDate && dates.endDate) {
        feed('terms', { id, name: r.get('title'), from: dates.startDate, to: dates.endDate }, F.academicSessions, r.line, { id: r.header('sourcedId'), name: r.header('title'), from: r.header('startDate'), to: r.header('endDate') });
        seen.add('term', id);
      }
    },
    (r) => deletions.push({ entity: 'term', key: r.get('sourcedId'), label: r.get('sourcedId') }),
  );
  for (const [, s] of sessions) {
    if (s.parent && !sessions.has(s.parent) && !modelTerm.get(s.parent)) problems.push(`${at(F.academicSessions, s.line, 'parentSourcedId')}: value "${s.parent}" is not a session of the bundle or a term of the model, valid: the sourcedId of another session, or empty`);
  }

  const courses = new Map<string, { line: number; org: string; title: string }>();
  await read(
    'courses',
    (r) => {
      const id = r.get('sourcedId');
      if (courses.has(id)) return void problems.push(`${at(F.courses, r.line, r.header('sourcedId'))}: value "${id}" is not unique in the file (also on line ${courses.get(id)!.line}), valid: one row per sourcedId`);
      courses.set(id, { line: r.line, org: r.get('orgSourcedId'), title: r.get('title') });
    },
    (r) => deletions.push({ entity: 'course', key: r.get('sourcedId'), label: r.get('sourcedId') }),
  );
  const classes = new Map<string, { line: number; school: string; title: string; homeroom: boolean; course: string; terms: string }>();
  await read(
    'classes',
    (r) => {
      const id = r.get('sourcedId');
      const type = r.get('classType').toLowerCase();
      if (type !== 'homeroom' && type !== 'scheduled') problems.push(`${at(F.classes, r.line, r.header('classType'))}: value "${r.get('classType')}" is not a class type, valid: homeroom, scheduled`);
      const school = r.get('schoolSourcedId');
      const org = orgs.get(school);
      if (org && org.type !== 'school') problems.push(`${at(F.classes, r.line, r.header('schoolSourcedId'))}: value "${school}" is not a school (${F.orgs} line ${org.line} makes it a ${org.type}), valid: the sourcedId of an org of type school`);
      const course = r.get('courseSourcedId');
      if (course !== '' || !bundle.records) if (!courses.has(course) && !model.courses.has(course)) problems.push(`${at(F.classes, r.line, r.header('courseSourcedId'))}: value "${course}" is not a course of the bundle or the model, valid: a sourcedId of courses.csv`);
      if (r.has('termSourcedIds')) {
        for (const t of list(r.get('termSourcedIds'))) {
          if (!sessions.has(t) && !modelTerm.get(t)) problems.push(`${at(F.classes, r.line, r.header('termSourcedIds'))}: value "${t}" is not a session of the bundle or a term of the model, valid: sourcedIds of academicSessions.csv`);
        }
      }
      if (classes.has(id) || courses.has(id)) {
        const other = classes.has(id) ? `line ${classes.get(id)!.line}` : `${F.courses} line ${courses.get(id)!.line}`;
        return void problems.push(`${at(F.classes, r.line, r.header('sourcedId'))}: value "${id}" is not unique (also on ${other}; classes and courses both become courses), valid: one sourcedId per class and course`);
      }
      classes.set(id, { line: r.line, school, title: r.get('title'), homeroom: type === 'homeroom', course, terms: list(r.get('termSourcedIds')).join(',') });
    },
    (r) => deletions.push({ entity: 'course', key: r.get('sourcedId'), label: r.get('sourcedId') }),
  );

  // Units: orgs parents first (then homeroom classes under their school).
  const placed = new Set<string>();
  const place = (id: string, depth = 0): void => {
    const o = orgs.get(id)!;
    if (placed.has(id) || depth > 64) return;
    if (o.parent && orgs.has(o.parent)) place(o.parent, depth + 1);
    placed.add(id);
    feed('units', { id, kind: o.kind, name: o.name || id, parent: o.parent ?? '' }, F.orgs, o.line, { id: 'sourcedId', kind: 'type', name: 'name', parent: 'parentSourcedId' });
    seen.add('unit', id);
  };
  for (const id of orgs.keys()) place(id);
  for (const [id, c] of classes) {
    if (!c.homeroom) continue;
    const org = orgs.get(id);
    if (org) {
      problems.push(`${at(F.classes, c.line, 'sourcedId')}: value "${id}" is not unique (also ${F.orgs} line ${org.line}; a homeroom and an org both become units), valid: one sourcedId per homeroom class and org`);
      continue;
    }
    feed('units', { id, kind: 'class', name: c.title || id, parent: c.school }, F.classes, c.line, { id: 'sourcedId', kind: 'classType', name: 'title', parent: 'schoolSourcedId' });
    seen.add('unit', id);
  }
  runs.get('units')?.finish();

  // 3. roles.csv (1.2): every role of a person; the highest picks the profile, each is a membership.
  if (bundle.version === '1.2' || bundle.records?.has('roles')) {
    await read(
      'roles',
      (r) => {
        const user = r.get('userSourcedId');
        const word = r.get('role');
        const org = r.get('orgSourcedId');
        if (!HIERARCHY_OF[word.toLowerCase()] && !model.profile(word)) {
          problems.push(`${at(F.roles, r.line, r.header('role'))}: value "${word}" is not a role that a profile maps, valid: ${model.profileValid()} (a site adds one with schoolctl profiles set PROFILE map-from-profile=…)`);
          return;
        }
        const roleType = r.get('roleType').toLowerCase();
        if (roleType && roleType !== 'primary' && roleType !== 'secondary') problems.push(`${at(F.roles, r.line, r.header('roleType'))}: value "${r.get('roleType')}" is not a role type, valid: primary, secondary`);
        if (!orgs.has(org) && !model.units.has(org)) problems.push(`${at(F.roles, r.line, r.header('orgSourcedId'))}: value "${org}" is not an org of the bundle or a unit of the model, valid: a sourcedId of orgs.csv`);
        seen.role(user, word.toLowerCase(), org, r.line);
      },
      (r) => deletions.push({ entity: 'membership', key: `${r.get('userSourcedId')}@${r.get('orgSourcedId')}`, label: `${r.get('userSourcedId')}@${r.get('orgSourcedId')}` }),
    );
  }

  // 4. users → users, with their memberships and agents kept for after.
  // A person is looked up in the model by sourcedId (their external id) and what the bundle says of
  // them sits in two typed arrays by user id, not in a Map: memory stays flat for millions of users.
  const people = new People();
  const byExternal = db.prepare('SELECT id, username, profile_id, name, email FROM users WHERE external_id = ?').raw();
  const roleOfProfile = new Map([...model.profiles.values()].map((p) => [p.id, p.role]));
  const lookUp = (sourcedId: string): Person | undefined => {
    const r = byExternal.get(sourcedId) as [number, string, number, string, string | null] | undefined;
    if (!r) return undefined;
    return { id: r[0], username: r[1], flags: people.flags(r[0]), line: people.line(r[0]), role: roleOfProfile.get(r[2]) ?? '', profileId: r[2], name: r[3], email: r[4] };
  };
  /** Once every user is in, people are looked up through a bounded cache: a school's rows come together. */
  let recent: Map<string, Person> | undefined;
  const person = (sourcedId: string): Person | undefined => {
    let p = recent?.get(sourcedId);
    if (!p) {
      p = lookUp(sourcedId);
      if (p && recent) {
        if (recent.size >= 20_000) recent.clear();
        recent.set(sourcedId, p);
      }
    }
    if (p) model.knownUser(p.username, p.id);
    return p;
  };
  /** The role words users.csv or roles.csv give a person of the bundle (for a problem's text). */
  const wordsOf = (sourcedId: string) => seen.info('user', sourcedId) ?? '';
  /** Feeds one membership right after its user; one user holds one membership per unit. */
  const membership = (user: string, userId: number, username: string, unit: string, role: string, file: string, line: number, column: string) => {
    const had = seen.member(`${user}@${unit}`, userId, unit);
    if (had === undefined) {
      problems.push(`${at(file, line, column)}: value "${unit}" is not unique among the orgs of ${user}, valid: each org once per user`);
      return;
    }
    // The model holds this membership with this role already: counted unchanged, not checked or written again.
    if (had === role) return void run('memberships').same();
    feed('memberships', { username, unit, role }, file, line, { username: file === F.roles ? 'userSourcedId' : 'sourcedId', unit: column, role: 'role' });
  };
  const rename = db.prepare('UPDATE users SET username = ? WHERE external_id = ?');
  const usernameOwner = db.prepare('SELECT external_id FROM users WHERE username = ?').pluck();
  const renames: RowChange[] = [];
  let spaced = 0;
  await read(
    'users',
    (r) => {
      const id = r.get('sourcedId');
      const prev = person(id);
      if (prev && prev.flags & IN_BUNDLE) {
        contradiction(`${F.users} line ${r.line} and line ${prev.line} both give the person ${id}`, `the row on line ${prev.line} (the first)`);
        return;
      }
      let username = r.get('username');
      if (/\s/.test(username)) {
        const fixed = username.trim().replace(/\s+/g, '.');
        if (++spaced <= 10) warnings.push(`${at(F.users, r.line, r.header('username'))}: username "${username}" has spaces; imported as ${fixed}`);
        username = fixed;
      }
      const takenBy = seen.addWith('username', username.toLowerCase(), `${r.line}\u0001${id}`);
      if (takenBy !== undefined) {
        const [takenLine, takenId] = takenBy.split('\u0001');
        const other = `${username}.${id}`;
        contradiction(`${F.users} line ${r.line} gives ${id} the username ${username}, which line ${takenLine} gives ${takenId}`, `username ${other} for ${id}`);
        if (!opts.lenient) return;
        username = other;
        seen.addWith('username', username.toLowerCase(), `${r.line}\u0001${id}`);
      }
      let words: string[];
      const memberships: { unit: string; role: string; file: string; line: number; column: string }[] = [];
      if (bundle.version === '1.1') {
        const word = r.get('role');
        if (!r.has('role')) {
          problems.push(`${at(F.users, r.line, 'role')}: the column role is missing; a OneRoster 1.1 users.csv gives each user's role (1.2 gives them in roles.csv)`);
          return;
        }
        const unmapped = list(word).find((w) => !HIERARCHY_OF[w.toLowerCase()] && !model.profile(w));
        if (unmapped !== undefined || word === '') {
          problems.push(`${at(F.users, r.line, r.header('role'))}: value "${unmapped ?? word}" is not a role that a profile maps, valid: ${model.profileValid()} (a site adds one with schoolctl profiles set PROFILE map-from-profile=…)`);
          return;
        }
        words = list(word.toLowerCase());
        // Memberships with their own role (an IMS file's group roles) come through the roles records.
        const own = seen.rolesOf(id);
        if (own.length) {
          for (const x of own) memberships.push({ unit: x.org, role: hierarchyOf(model, x.word), file: F.roles, line: x.line, column: 'orgSourcedId' });
        } else for (const org of list(r.get('orgSourcedIds'))) {
          if (!orgs.has(org) && !model.units.has(org)) problems.push(`${at(F.users, r.line, r.header('orgSourcedIds'))}: value "${org}" is not an org of the bundle or a unit of the model, valid: sourcedIds of orgs.csv`);
          else memberships.push({ unit: org, role: hierarchyOf(model, word), file: F.users, line: r.line, column: r.header('orgSourcedIds') });
        }
      } else {
        const roles = seen.rolesOf(id);
        if (!roles.length) {
          contradiction(`${F.users} line ${r.line}: ${id} has no role in roles.csv`, 'the lowest profile, Guest');
          if (!opts.lenient) return;
          words = ['guest'];
        } else words = roles.map((x) => x.word);
        const byOrg = new Map<string, { role: string; line: number }>();
        for (const x of roles) {
          const role = hierarchyOf(model, x.word);
          const had = byOrg.get(x.org);
          if (!had || RANK[role] > RANK[had.role]) byOrg.set(x.org, { role, line: x.line });
        }
        for (const [org, m] of byOrg) memberships.push({ unit: org, role: m.role, file: F.roles, line: m.line, column: 'orgSourcedId' });
      }
      // The highest profile among the person's roles (by security level) is the profile.
      let profile: { id: number; name: string; level: number } | undefined;
      for (const w of words) {
        const p = model.profile(w) ?? model.profile(defaultProfileOf(w));
        const level = p ? levelOf(p.id) : -1;
        if (p && (!profile || level > profile.level)) profile = { id: p.id, name: p.name, level };
      }
      if (!profile) return void problems.push(`${at(F.users, r.line, 'role')}: value "${words.join(', ')}" is not a role that a profile maps, valid: ${model.profileValid()}`);
      // sourcedId is the stable key: a user the SIS renamed keeps their record.
      const had = prev?.username;
      if (had !== undefined && had !== username) {
        const owner = usernameOwner.get(username) as string | null | undefined;
        if (owner !== undefined && owner !== id) problems.push(`${at(F.users, r.line, r.header('username'))}: value "${username}" is not free, valid: a username no other user has (the model gives it to ${owner ? `external id ${owner}` : 'a user without an external id'})`);
        else {
          rename.run(username, id);
          renames.push({ kind: 'users', entity: 'user', status: 'update', id: username, before: { username: had }, after: { username } });
        }
      }
      const given = r.get('preferredGivenName') || r.get('givenName');
      const family = r.get('preferredFamilyName') || r.get('familyName');
      const name = `${given} ${family}`.trim() || username;
      const email = r.get('email');
      // The model holds this user as the row gives them (found by sourcedId above): counted
      // unchanged, not checked or written again.
      if (prev && prev.username === username && prev.name === name && prev.email === (email || null) && prev.profileId === profile.id) {
        run('users').same();
        model.knownUser(username, prev.id);
      } else {
        feed('users', { username, name, email, external_id: id, profile: profile.name }, F.users, r.line, {
          username: r.header('username'),
          name: r.has('givenName') ? r.header('givenName') : 'givenName',
          email: r.header('email'),
          external_id: r.header('sourcedId'),
          profile: bundle.version === '1.1' ? r.header('role') : 'role',
        });
      }
      seen.addWith('user', id, words.join(', '));
      const me = model.lastUser(username);
      if (me === undefined) return; // the row's problems are listed
      let flags = IN_BUNDLE;
      for (const w of words) flags |= (PARENT_WORDS.has(w) ? PARENT : 0) | HIERARCHY_FLAG[hierarchyOf(model, w)];
      people.set(me, flags, r.line);
      for (const m of memberships) membership(id, me, username, m.unit, m.role, m.file, m.line, m.column);
      for (const a of list(r.get('agentSourcedIds'))) seen.agent(id, me, username, a, r.line, r.header('agentSourcedIds'));
    },
    (r) => deletions.push({ entity: 'user', key: r.get('sourcedId'), label: r.get('sourcedId') }),
  );
  if (spaced > 10) warnings.push(`${F.users}: ${spaced - 10} more username(s) with spaces, each imported with dots for the spaces`);

  // 5. agents → parent links: the one whose role is parent, guardian or relative is the parent.
  recent = new Map();
  for (const a of seen.agents()) {
    // The person whose row lists the agent was noted with it; the page's join found the agent and
    // whether the model links the two either way.
    const user = { id: a.userId, username: a.username, flags: people.flags(a.userId) };
    const agent = a.agentId === null ? undefined : { id: a.agentId, username: a.agentName!, flags: people.flags(a.agentId), role: roleOfProfile.get(a.agentProfile!) ?? '' };
    if (agent) model.knownUser(agent.username, agent.id);
    if (!agent) {
      problems.push(`${at(F.users, a.line, a.column)}: value "${a.agent}" is not a user of the bundle or the model, valid: sourcedIds of users.csv`);
      continue;
    }
    const agentName = agent.username;
    const agentInBundle = (agent.flags & IN_BUNDLE) !== 0;
    const agentIsParent = agentInBundle ? (agent.flags & PARENT) !== 0 : agent.role === 'guest';
    const userIsParent = (user.flags & PARENT) !== 0;
    // Else a student's agent is their parent (a teacher who is also a parent, in 1.1's one role).
    const userIsStudent = (user.flags & STUDENT) !== 0;
    const agentIsStudent = agentInBundle ? (agent.flags & STUDENT) !== 0 : agent.role === 'student';
    let parent: string;
    let child: string;
    if (userIsParent && !agentIsParent) [parent, child] = [a.user, a.agent];
    else if (agentIsParent && !userIsParent) [parent, child] = [a.agent, a.user];
    else if (!userIsParent && !agentIsParent && userIsStudent && !agentIsStudent) [parent, child] = [a.agent, a.user];
    else if (!userIsParent && !agentIsParent && agentIsStudent && !userIsStudent) [parent, child] = [a.user, a.agent];
    else {
      warnings.push(`${at(F.users, a.line, a.column)}: agent ${a.agent} of ${a.user}: ${userIsParent ? 'both are parents, guardians or relatives' : 'neither is a parent, guardian or relative, and not one of them a student'}; no parent link`);
      continue;
    }
    if (!seen.add('parent-link', `${parent}>${child}`)) continue;
    const [parentName, childName] = parent === a.user ? [user.username, agentName] : [agentName, user.username];
    const [parentId, childId] = parent === a.user ? [user.id, agent.id] : [agent.id, user.id];
    // A link the model holds already is counted unchanged, not checked or written again.
    if (parentId !== childId && (parent === a.user ? a.userIsParent : a.agentIsParent)) run('parents').same();
    else feed('parents', { parent: parentName, child: childName }, F.users, a.line, { parent: a.column, child: a.column });
  }

  // 6. courses and classes → courses.
  for (const [id, c] of courses) {
    feed('courses', { id, unit: c.org, name: c.title || id }, F.courses, c.line, { id: 'sourcedId', unit: 'orgSourcedId', name: 'title' });
    seen.add('course', id);
  }
  for (const [id, c] of classes) {
    feed('courses', { id, unit: c.school, name: c.title || id }, F.classes, c.line, { id: 'sourcedId', unit: 'schoolSourcedId', name: 'title' });
    seen.add('course', id);
  }

  // 7. enrollments → course teachers and learners (and the students of a homeroom as its members).
  // The stream checks what each row says by itself and appends it to a temporary table (no index,
  // no lookup per row); then one join reads each row with its user and the role the model holds,
  // a page at a time, and only a row that differs from the model is written.
  const enrolIn = db.prepare('INSERT INTO temp.roster_enrol_in (course, user_sid, role, line) VALUES (?, ?, ?, ?)');
  let userColumn: string | undefined;
  const userColumnAt = new Map<number, string>();
  await read(
    'enrollments',
    (r) => {
      const cls = r.get('classSourcedId');
      const word = r.get('role').toLowerCase();
      const role = ENROL_ROLE[word];
      if (!role) return void problems.push(`${at(F.enrollments, r.line, r.header('role'))}: value "${r.get('role')}" is not an enrolment role, valid: student, teacher, administrator, proctor, aide`);
      const school = r.get('schoolSourcedId');
      if (school) {
        const org = orgs.get(school);
        if (org && org.type !== 'school') problems.push(`${at(F.enrollments, r.line, r.header('schoolSourcedId'))}: value "${school}" is not a school (${F.orgs} line ${org.line} makes it a ${org.type}), valid: the sourcedId of an org of type school`);
        else if (!org && !model.units.has(school)) problems.push(`${at(F.enrollments, r.line, r.header('schoolSourcedId'))}: value "${school}" is not an org of the bundle or a unit of the model, valid: a sourcedId of orgs.csv of type school`);
      }
      if (!classes.has(cls) && !model.courses.has(cls)) return void problems.push(`${at(F.enrollments, r.line, r.header('classSourcedId'))}: value "${cls}" is not a class of the bundle or a course of the model, valid: a sourcedId of classes.csv`);
      const column = r.header('userSourcedId');
      if (userColumn === undefined) userColumn = column;
      else if (column !== userColumn) userColumnAt.set(r.line, column);
      enrolIn.run(cls, r.get('userSourcedId'), word, r.line);
    },
    (r) => {
      deletions.push({ entity: 'course-member', key: `${r.get('classSourcedId')}/${r.get('userSourcedId')}`, label: `${r.get('classSourcedId')}/${r.get('userSourcedId')}` });
    },
  );
  {
    const userCol = (line: number) => userColumnAt.get(line) ?? userColumn ?? 'userSourcedId';
    const cols = (line: number) => ({ course: 'classSourcedId', username: userCol(line), role: 'role' });
    // Rows that name a course member an earlier row named already (another term, say): by row id.
    const firstOf = new Map<number, number>();
    for (const [later, first] of db
      .prepare(
        `SELECT e.rowid, d.first FROM (SELECT course, user_sid, min(rowid) AS first FROM temp.roster_enrol_in GROUP BY course, user_sid HAVING count(*) > 1) d
         JOIN temp.roster_enrol_in e ON e.course = d.course AND e.user_sid = d.user_sid AND e.rowid > d.first`,
      )
      .raw()
      .iterate() as Iterable<[number, number]>) firstOf.set(later, first);
    /** The role and line a course member's first row gave them (only for members named twice). */
    const firstRole = new Map<number, { role: string; line: number }>();
    const firsts = new Set(firstOf.values());
    const page = db
      .prepare(
        `SELECT e.rowid, e.course, e.user_sid, e.role, e.line, u.id, u.username, m.role FROM temp.roster_enrol_in e
         LEFT JOIN main.users u ON u.external_id = e.user_sid LEFT JOIN main.course_members m ON m.course_id = e.course AND m.user_id = u.id
         WHERE e.rowid > ? ORDER BY e.rowid LIMIT 2000`,
      )
      .raw();
    // Under --as the change log names each written row's place: the kind writes then, not this loop.
    const direct = activeChangeLog(db) === undefined;
    const upsert = db.prepare('INSERT INTO course_members (course_id, user_id, role, source) VALUES (?, ?, ?, ?) ON CONFLICT (course_id, user_id) DO UPDATE SET role = excluded.role');
    const write = (cls: string, userId: number, username: string, role: string, had: string | null, line: number) => {
      if (!direct) return feed('enrolments', { course: cls, username, role }, F.enrollments, line, cols(line));
      upsert.run(cls, userId, role, bundle.source);
      run('enrolments').written(had === null ? 'create' : 'update', `${cls}/${username}`, had === null ? null : { role: had }, { role });
    };
    let named = 0;
    // A first import brings many more enrolments than the model holds: their by-user index is built
    // once after the rows instead of taking an insert per row (see docs/rosters.md).
    const incoming = direct ? (db.prepare('SELECT count(*) FROM temp.roster_enrol_in').pluck().get() as number) : 0;
    withIndexAside(db, 'course_members_user', incoming, () => {
      for (let after = 0; ; ) {
        const rows = page.all(after) as [number, string, string, string, number, number | null, string | null, string | null][];
        if (!rows.length) break;
        after = rows[rows.length - 1][0];
        for (const [rowid, cls, user, word, line, userId, username, had] of rows) {
          let role = ENROL_ROLE[word];
          if (userId === null || username === null) {
            problems.push(`${at(F.enrollments, line, userCol(line))}: value "${user}" is not a user of the bundle or the model, valid: a sourcedId of users.csv`);
            continue;
          }
          const flags = people.flags(userId);
          model.knownUser(username, userId);
          if (flags & IN_BUNDLE) {
            const isStudentOnly = (flags & STUDENT) !== 0 && (flags & (TEACHER | ADMINISTRATOR)) === 0;
            const staffOnly = (flags & STUDENT) === 0 && (flags & (TEACHER | ADMINISTRATOR)) !== 0;
            const clash = (role === 'teacher' && isStudentOnly) || (role === 'learner' && staffOnly);
            if (clash) {
              const own = isStudentOnly ? 'learner' : 'teacher';
              contradiction(`${F.enrollments} line ${line} enrols ${user} in ${cls} as ${word}, but ${F.users} line ${people.line(userId)} gives them the role ${wordsOf(user)}`, `${user} enrolled as ${own}, as ${F.users} says`);
              if (!opts.lenient) continue;
              role = own;
            }
          }
          // One person, one role per course: a second row for another term is the same enrolment.
          const firstRow = firstOf.get(rowid);
          const first = firstRow === undefined ? undefined : firstRole.get(firstRow);
          if (first !== undefined) {
            const { role: was, line: wasLine } = first;
            if (was !== role) {
              const keep = was === 'teacher' ? was : role;
              contradiction(`${F.enrollments} line ${line} enrols ${user} in ${cls} as ${role}, and line ${wasLine} as ${was}`, `${user} as ${keep}`);
              if (opts.lenient && keep !== was) feed('enrolments', { course: cls, username, role: keep }, F.enrollments, line, cols(line));
            }
            continue;
          }
          // The first row of a member named again later (or a later row whose first row was refused).
          if (firstRow !== undefined) firstRole.set(firstRow, { role, line });
          else if (firsts.has(rowid)) firstRole.set(rowid, { role, line });
          named++;
          // The model holds this enrolment with this role already: counted unchanged, not written again.
          if (had === role) run('enrolments').same();
          else write(cls, userId, username, role, had, line);
          if (role === 'learner' && classes.get(cls)?.homeroom) {
            const was = seen.member(`${user}@${cls}`, userId, cls);
            if (was === 'student') run('memberships').same();
            else if (was !== undefined) feed('memberships', { username, unit: cls, role: 'student' }, F.enrollments, line, { username: userCol(line), unit: 'classSourcedId', role: 'role' });
          }
        }
      }
    });
    seen.counts.set('course-member', named);
  }

  // 8. demographics hold nothing schoolctl models, but a row about no one is a broken reference.
  await read('demographics', (r) => {
    const id = r.get('sourcedId');
    if (!person(id)) problems.push(`${at(F.demographics, r.line, r.header('sourcedId'))}: value "${id}" is not a user of the bundle or the model, valid: a sourcedId of users.csv`);
  });

  for (const r of runs.values()) if (r !== runs.get('units')) r.finish();

  // Term parents: the terms kind has no column for them.
  const changes: RowChange[] = [...renames];
  const setParent = db.prepare('UPDATE terms SET parent_id = ? WHERE id = ? AND parent_id IS NOT ?');
  for (const [id, s] of sessions) {
    if (setParent.run(s.parent, id, s.parent).changes) changes.push({ kind: 'terms', entity: 'term', status: 'update', id, before: null, after: { parent: s.parent } });
  }

  // A class's course and terms: export writes the course back as a class.
  const setClass = db.prepare('UPDATE courses SET roster_course = ?, roster_terms = ? WHERE id = ? AND (roster_course IS NOT ? OR roster_terms IS NOT ?)');
  if (!problems.length) for (const [id, c] of classes) setClass.run(c.course || null, c.terms, id, c.course || null, c.terms);

  const counts: Record<string, Counts> = {};
  let changeCount = changes.length;
  for (const [k, r] of runs) {
    counts[k] = r.counts;
    changes.push(...r.changes);
    changeCount += r.changeCount;
  }

  // Delta removals, then what bulk files leave out (removed only with --prune).
  const deleted: GoneRecord[] = [];
  if (!problems.length) {
    for (const d of deletions) {
      const p = removeRecord(db, d);
      if (p === true) deleted.push(d);
      else if (p) problems.push(p);
    }
  }
  // Every record the run named becomes the source's first: then what is gone is what the source
  // holds beyond what the run named, and where the two counts agree (a re-import) nothing is.
  if (!problems.length) {
    // Course members are named one by one only when something needs them: a member of the model
    // that another source (or none) holds, a count of the source's members that differs from what
    // the run named, or a delta that removed records (what is gone is compared then).
    const members = db.prepare('SELECT count(*) FROM course_members WHERE source = ?').pluck().get(bundle.source) as number;
    const others = db.prepare('SELECT EXISTS (SELECT 1 FROM course_members WHERE source <> ?)').pluck().get(bundle.source) as number;
    if (deleted.length || others || members !== (seen.counts.get('course-member') ?? 0)) seen.nameEnrolled();
    changeCount += takeOwnership(db, bundle.source, seen.table);
  }
  const bulkEntities = bulkOwned(bundle);
  const gone = problems.length ? [] : goneRecords(db, bundle.source, bulkEntities, seen.table, deleted.length ? undefined : seen.counts);
  if (opts.prune && !problems.length) {
    for (const g of gone) {
      const p = removeRecord(db, g);
      if (typeof p === 'string') problems.push(p);
    }
  }
  if (deleted.length || (opts.prune && gone.length)) rebuildAncestors(db);
  changeCount += deleted.length + (opts.prune ? gone.length : 0);
  seen.drop();
  return {
    source: bundle.source,
    version: bundle.version,
    modes,
    problems,
    warnings,
    counts,
    changes,
    changeCount,
    deleted,
    gone,
    pruned: opts.prune === true,
    assignedProfiles: [...model.assignedProfiles],
  };
}

function hierarchyOf(model: ModelCache, word: string): string {
  return HIERARCHY_OF[word.toLowerCase()] ?? model.profile(word)?.role ?? 'guest';
}

/** The default profile of a OneRoster word when no profile maps it (only reached for known words). */
function defaultProfileOf(word: string): string {
  const h = HIERARCHY_OF[word];
  return h === 'student' ? 'Student' : h === 'teacher' ? 'Staff' : h === 'administrator' ? 'Administrator' : 'Parent';
}

/** What the bundle says of a person, as bits: in the bundle, a parent word, and the hierarchy roles of their words. */
const IN_BUNDLE = 1;
const PARENT = 2;
const STUDENT = 4;
const TEACHER = 8;
const ADMINISTRATOR = 16;
const HIERARCHY_FLAG: Record<string, number> = { student: STUDENT, teacher: TEACHER, administrator: ADMINISTRATOR, guest: 0 };

interface Person {
  readonly id: number;
  readonly username: string;
  /** 0 for a user of the model that the bundle does not hold */
  readonly flags: number;
  /** the person's line of users.csv */
  readonly line: number;
  /** the role in hierarchy of the user's profile */
  readonly role: string;
  /** as the model holds them (a person looked up by sourcedId) */
  readonly profileId?: number;
  readonly name?: string;
  readonly email?: string | null;
}

/** The bundle's people by user id: a byte of flags and a line each, in arrays that grow. */
class People {
  private bits = new Uint8Array(1024);
  private lines = new Int32Array(1024);
  set(id: number, flags: number, line: number): void {
    if (id >= this.bits.length) {
      const size = Math.max(id + 1, this.bits.length * 2);
      const bits = new Uint8Array(size);
      bits.set(this.bits);
      const lines = new Int32Array(size);
      lines.set(this.lines);
      this.bits = bits;
      this.lines = lines;
    }
    this.bits[id] = flags;
    this.lines[id] = line;
  }
  flags(id: number): number {
    return this.bits[id] ?? 0;
  }
  line(id: number): number {
    return this.lines[id] ?? 0;
  }
}

/** The entities a snapshot decides about: every file that can hold them is bulk (or not in the bundle). */
function bulkOwned(bundle: Bundle): SyncEntity[] {
  const bulk = (k: string) => bundle.files.get(k)?.mode === 'bulk';
  const notDelta = (k: string) => bundle.files.get(k)?.mode !== 'delta';
  const out: SyncEntity[] = [];
  if (bulk('users')) out.push('user', 'parent-link');
  if (bulk('orgs') && notDelta('classes')) out.push('unit');
  if ((bundle.version === '1.2' ? bulk('roles') : bulk('users')) && notDelta('enrollments')) out.push('membership');
  if ((bulk('courses') || bulk('classes')) && notDelta('courses') && notDelta('classes')) out.push('course');
  if (bulk('enrollments')) out.push('course-member');
  if (bulk('academicSessions')) out.push('term');
  return out;
}

/** An agent row of users.csv with the agent as the model holds them (null: no user) and the model's links of the two. */
interface AgentRow {
  id: number;
  user: string;
  userId: number;
  username: string;
  agent: string;
  line: number;
  column: string;
  agentId: number | null;
  agentName: string | null;
  agentProfile: number | null;
  /** 1 when the model links the row's user as the agent's parent */
  userIsParent: number;
  /** 1 when the model links the agent as the row's user's parent */
  agentIsParent: number;
}

/** Keys the roster keeps for itself beside the sync keys: usernames taken, to find one given twice. */
type ScratchEntity = SyncEntity | 'username';

/**
 * The records a run names, by entity and sync key, in a temporary table (flat memory for millions),
 * with the people of the bundle, their 1.2 roles and their agents: nothing per user is kept in memory.
 */
class SeenRecords {
  readonly table = 'temp.roster_seen';
  /** how many keys of each entity the run named */
  readonly counts = new Map<string, number>();
  private readonly insert;
  private readonly infoOf;
  private readonly addRole;
  private readonly roleRows;
  private readonly addAgent;
  private readonly agentRows;
  private readonly nameEnrolledStmt;
  private readonly addMember;
  private roleCount = 0;
  constructor(db: Sqlite) {
    db.exec(`DROP TABLE IF EXISTS temp.roster_seen; CREATE TEMP TABLE roster_seen (entity TEXT NOT NULL, key TEXT NOT NULL, info TEXT, PRIMARY KEY (entity, key)) WITHOUT ROWID;
      DROP TABLE IF EXISTS temp.roster_roles; CREATE TEMP TABLE roster_roles (user TEXT NOT NULL, word TEXT NOT NULL, org TEXT NOT NULL, line INTEGER NOT NULL);
      CREATE INDEX temp.roster_roles_user ON roster_roles (user);
      DROP TABLE IF EXISTS temp.roster_agents; CREATE TEMP TABLE roster_agents (user TEXT NOT NULL, user_id INTEGER NOT NULL, username TEXT NOT NULL, agent TEXT NOT NULL, line INTEGER NOT NULL, col TEXT NOT NULL);
      DROP TABLE IF EXISTS temp.roster_enrolled; CREATE TEMP TABLE roster_enrolled (course TEXT NOT NULL, user INTEGER NOT NULL, PRIMARY KEY (course, user)) WITHOUT ROWID;
      DROP TABLE IF EXISTS temp.roster_enrol_in; CREATE TEMP TABLE roster_enrol_in (course TEXT NOT NULL, user_sid TEXT NOT NULL, role TEXT NOT NULL, line INTEGER NOT NULL)`);
    // Course members are named set-based, after the rows: their user by sourcedId, by course and user id.
    this.nameEnrolledStmt = db.prepare('INSERT OR IGNORE INTO temp.roster_enrolled (course, user) SELECT e.course, u.id FROM temp.roster_enrol_in e JOIN main.users u ON u.external_id = e.user_sid');
    this.addMember = db
      .prepare(`INSERT OR IGNORE INTO temp.roster_seen (entity, key, info) VALUES ('membership', ?, NULL) RETURNING (SELECT coalesce(m.role, '') FROM main.memberships m WHERE m.user_id = ? AND m.unit_id = ?)`)
      .pluck();
    this.insert = db.prepare('INSERT OR IGNORE INTO temp.roster_seen (entity, key, info) VALUES (?, ?, ?)');
    this.infoOf = db.prepare('SELECT info FROM temp.roster_seen WHERE entity = ? AND key = ?').pluck();
    this.addRole = db.prepare('INSERT INTO temp.roster_roles (user, word, org, line) VALUES (?, ?, ?, ?)');
    this.roleRows = db.prepare('SELECT word, org, line FROM temp.roster_roles WHERE user = ? ORDER BY rowid');
    this.addAgent = db.prepare('INSERT INTO temp.roster_agents (user, user_id, username, agent, line, col) VALUES (?, ?, ?, ?, ?, ?)');
    this.agentRows = db.prepare(
      `SELECT a.rowid AS id, a.user, a.user_id AS userId, a.username, a.agent, a.line, a.col AS column, u.id AS agentId, u.username AS agentName, u.profile_id AS agentProfile,
         EXISTS (SELECT 1 FROM main.parent_links l WHERE l.parent_id = a.user_id AND l.child_id = u.id) AS userIsParent,
         EXISTS (SELECT 1 FROM main.parent_links l WHERE l.parent_id = u.id AND l.child_id = a.user_id) AS agentIsParent
       FROM temp.roster_agents a LEFT JOIN main.users u ON u.external_id = a.agent WHERE a.rowid > ? ORDER BY a.rowid LIMIT 2000`,
    );
    this.drop = () => db.exec('DROP TABLE IF EXISTS temp.roster_seen; DROP TABLE IF EXISTS temp.roster_roles; DROP TABLE IF EXISTS temp.roster_agents; DROP TABLE IF EXISTS temp.roster_enrolled; DROP TABLE IF EXISTS temp.roster_enrol_in');
  }
  /** Records the key: true the first time, false when the run named it already. */
  add(entity: ScratchEntity, key: string): boolean {
    if (!this.insert.run(entity, key, null).changes) return false;
    this.counts.set(entity, (this.counts.get(entity) ?? 0) + 1);
    return true;
  }
  /** Records the key with its info; the info of the first time when it was there already. */
  addWith(entity: ScratchEntity, key: string, info: string): string | undefined {
    if (this.insert.run(entity, key, info).changes) {
      this.counts.set(entity, (this.counts.get(entity) ?? 0) + 1);
      return undefined;
    }
    return (this.infoOf.get(entity, key) as string | null) ?? '';
  }
  /** The info a key was recorded with, or undefined when the run has not named it. */
  info(entity: ScratchEntity, key: string): string | undefined {
    return (this.infoOf.get(entity, key) as string | null | undefined) ?? undefined;
  }
  /** Names every course member the enrolment rows gave in temp.roster_enrolled, for what is gone and owned. */
  nameEnrolled(): void {
    this.nameEnrolledStmt.run();
  }
  /**
   * Records a membership by its sync key: the role the model holds for it ('' the profile's, null:
   * none), or undefined when the run named it already.
   */
  member(key: string, userId: number, unit: string): string | null | undefined {
    const had = this.addMember.get(key, userId, unit) as string | null | undefined;
    if (had !== undefined) this.counts.set('membership', (this.counts.get('membership') ?? 0) + 1);
    return had;
  }
  role(user: string, word: string, org: string, line: number): void {
    this.addRole.run(user, word, org, line);
    this.roleCount++;
  }
  /** A person's roles (roles.csv, or an IMS file's group roles), in file order. */
  rolesOf(user: string): { word: string; org: string; line: number }[] {
    return this.roleCount ? (this.roleRows.all(user) as { word: string; org: string; line: number }[]) : [];
  }
  agent(user: string, userId: number, username: string, agent: string, line: number, column: string): void {
    this.addAgent.run(user, userId, username, agent, line, column);
  }
  /** Every agent row, read a page at a time so the caller may write between pages. */
  *agents(): Generator<AgentRow> {
    let after = 0;
    for (;;) {
      const page = this.agentRows.all(after) as AgentRow[];
      if (!page.length) return;
      yield* page;
      after = page[page.length - 1].id;
    }
  }
  drop: () => void;
}

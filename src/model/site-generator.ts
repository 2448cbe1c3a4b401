// A synthetic site of any size, the same for the same seed: schools with lower and upper years,
// classes of about 28 learners, five courses per class taught by the school's staff (so each
// teacher has several), a few teachers in two schools, parents with one to three children, one
// administrator per school, a project per school and two terms. Pure: it yields rows in the
// columns of the bulk kinds, and a sink writes them (CSV files or a model).

export interface GenerateOptions {
  readonly users: number;
  readonly schools: number;
  readonly seed: number;
}

export type GeneratedRow =
  | { kind: 'units'; cells: [id: string, kind: string, name: string, parent: string] }
  | { kind: 'users'; cells: [username: string, name: string, email: string, externalId: string, profile: string, units: string] }
  | { kind: 'parents'; cells: [parent: string, child: string] }
  | { kind: 'courses'; cells: [id: string, unit: string, name: string] }
  | { kind: 'enrolments'; cells: [course: string, username: string, role: string] }
  | { kind: 'projects'; cells: [id: string, unit: string, name: string] }
  | { kind: 'project-members'; cells: [project: string, username: string] }
  | { kind: 'terms'; cells: [id: string, name: string, from: string, to: string, org: string] };

/** mulberry32: small, fast, good enough for test data, and ours (no Math.random). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['Anna', 'Bram', 'Daan', 'Emma', 'Finn', 'Julia', 'Lars', 'Lotte', 'Milan', 'Noor', 'Sem', 'Sophie', 'Tess', 'Thijs', 'Zoë', 'Jesse', 'Fleur', 'Ruben', 'Sara', 'Luuk'];
const LAST = ['de Jong', 'Jansen', 'de Vries', 'van den Berg', 'Bakker', 'Visser', 'Smit', 'Meijer', 'Mulder', 'de Boer', 'Peters', 'Dekker', 'Hendriks', 'Dijkstra', 'Bos', 'Vos'];
const SUBJECTS = ['math', 'dutch', 'english', 'science', 'art'];
export const CLASS_SIZE = 28;

/** The kinds in the order they import (each refers only to the ones before it). */
export const GENERATED_KINDS = ['units', 'users', 'parents', 'courses', 'enrolments', 'projects', 'project-members', 'terms'] as const;

export function* generateSite(o: GenerateOptions): Generator<GeneratedRow> {
  const rnd = prng(o.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const schools = Math.max(1, o.schools);
  let serial = 0;
  const person = (profile: string, school: string, units: string[]): GeneratedRow & { kind: 'users' } => {
    serial++;
    const first = pick(FIRST);
    const last = pick(LAST);
    const username = `${first[0].toLowerCase()}.${last.replace(/ /g, '').toLowerCase()}${serial.toString(36)}`;
    return { kind: 'users', cells: [username, `${first} ${last}`, `${username}@${school}.example.org`, `ext-${serial}`, profile, units.join(';')] };
  };

  yield { kind: 'terms', cells: ['2025-T1', '2025-T1', '2025-09-01', '2025-12-19', ''] };
  yield { kind: 'terms', cells: ['2026-T2', '2026-T2', '2026-01-05', '2026-07-10', ''] };
  yield person('System Administrator', 'site', []);

  // Shares of the users: learners 62 %, a parent for every two learners or so, staff 4.5 %, admins one per school.
  const staffTotal = Math.max(schools, Math.round(o.users * 0.045));
  const learnersTotal = Math.max(schools, Math.round(o.users * 0.62));
  let fromPrevious: string[] = [];
  for (let s = 0; s < schools; s++) {
    const sid = `school${String(s + 1).padStart(3, '0')}`;
    const lower = `${sid}-lower`;
    const upper = `${sid}-upper`;
    yield { kind: 'units', cells: [sid, 'school', `School ${s + 1}`, ''] };
    yield { kind: 'units', cells: [lower, 'organisation', `School ${s + 1} lower years`, sid] };
    yield { kind: 'units', cells: [upper, 'organisation', `School ${s + 1} upper years`, sid] };
    const club = `${sid}-club`;
    yield { kind: 'units', cells: [club, 'group', `School ${s + 1} club`, sid] };
    const learners = Math.floor(learnersTotal / schools) + (s < learnersTotal % schools ? 1 : 0);
    const classes = Math.max(1, Math.round(learners / CLASS_SIZE));
    const classIds: string[] = [];
    for (let c = 0; c < classes; c++) {
      const cid = `${sid}-c${c + 1}`;
      classIds.push(cid);
      yield { kind: 'units', cells: [cid, 'class', `Class ${c + 1}`, c < classes / 2 ? lower : upper] };
    }
    const admin = person('Administrator', sid, [sid]);
    yield admin;
    const staff: string[] = [];
    const nStaff = Math.floor(staffTotal / schools) + (s < staffTotal % schools ? 1 : 0);
    const next = s + 1 < schools ? `school${String(s + 2).padStart(3, '0')}` : undefined;
    const shared = next ? Math.ceil(nStaff / 20) : 0;
    for (let t = 0; t < nStaff; t++) {
      // The first few teachers also teach in the next school: a teacher in two schools.
      const u = person('Staff', sid, t < shared ? [sid, next!] : [sid]);
      staff.push(u.cells[0]);
      yield u;
    }
    staff.push(...fromPrevious);
    fromPrevious = staff.slice(0, shared);
    let course = 0;
    let left = learners;
    for (let c = 0; c < classes; c++) {
      const cid = classIds[c];
      const size = c === classes - 1 ? left : Math.min(left, CLASS_SIZE);
      left -= size;
      const members: string[] = [];
      for (let k = 0; k < size; k++) {
        const u = person('Student', sid, rnd() < 0.1 ? [cid, club] : [cid]);
        members.push(u.cells[0]);
        yield u;
      }
      // Families: one parent for one to three children of the class.
      for (let k = 0; k < members.length; ) {
        const n = Math.min(members.length - k, 1 + Math.floor(rnd() * 3));
        const p = person('Parent', sid, []);
        yield p;
        for (let j = 0; j < n; j++) yield { kind: 'parents', cells: [p.cells[0], members[k + j]] };
        k += n;
      }
      for (const subject of SUBJECTS) {
        const id = `${cid}-${subject}`;
        yield { kind: 'courses', cells: [id, cid, `${subject[0].toUpperCase()}${subject.slice(1)} ${cid}`] };
        yield { kind: 'enrolments', cells: [id, staff.length ? staff[course++ % staff.length] : admin.cells[0], 'teacher'] };
        for (const m of members) yield { kind: 'enrolments', cells: [id, m, 'learner'] };
      }
      if (c === 0) {
        const pid = `${sid}-fair`;
        yield { kind: 'projects', cells: [pid, sid, `Science fair ${s + 1}`] };
        for (const m of [...members.slice(0, 8), ...staff.slice(0, 2)]) yield { kind: 'project-members', cells: [pid, m] };
      }
    }
  }
  // Guests fill up to the requested number of users.
  while (serial < o.users) yield person('Guest', 'site', []);
}

// The model as a OneRoster 1.1 or 1.2 bulk bundle that `import oneroster` reads back to the same
// model (for a model made from a roster; docs/rosters.md lists what other models lose). Rows stream
// from prepared statements into the files; nothing is held whole.

import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { csvLine } from '../bulk/csv.js';
import type { Sqlite } from '../open.js';

const ORGS = 'sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId';
const SESSIONS = 'sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear';
const COURSES = 'sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,subjects,subjectCodes';
const CLASSES = 'sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods';
const USERS_11 = 'sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password';
const USERS_12 =
  'sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns';
const ROLES = 'sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId';
const ENROLLMENTS = 'sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate';

/** The OneRoster word for a hierarchy role, which `import oneroster` maps back to it. */
const WORD_OF: Record<string, string> = { student: 'student', teacher: 'teacher', administrator: 'administrator', guest: 'guardian' };
const ONEROSTER_WORDS = new Set(['administrator', 'aide', 'counselor', 'districtadministrator', 'guardian', 'parent', 'principal', 'proctor', 'relative', 'siteadministrator', 'student', 'systemadministrator', 'teacher']);

class CsvFile {
  private readonly out: WriteStream;
  private buf = '';
  rows = 0;
  constructor(path: string, header: string) {
    this.out = createWriteStream(path);
    this.buf = `${header}\n`;
  }
  async row(cells: readonly (string | null | undefined)[]): Promise<void> {
    this.buf += csvLine(cells.map((c) => c ?? ''));
    this.rows++;
    if (this.buf.length > 1 << 16) await this.flush();
  }
  private async flush(): Promise<void> {
    const chunk = this.buf;
    this.buf = '';
    if (!this.out.write(chunk)) await new Promise<void>((r) => this.out.once('drain', () => r()));
  }
  async close(): Promise<void> {
    await this.flush();
    await new Promise<void>((r, j) => this.out.end((e?: Error | null) => (e ? j(e) : r())));
  }
}

export interface ExportOutcome {
  readonly dir: string;
  readonly version: '1.1' | '1.2';
  readonly systemName: string;
  readonly rows: Record<string, number>;
}

/** The profile's word: its own name when that is a OneRoster role, else the first OneRoster word its Map from profile lists. */
function profileWords(db: Sqlite): Map<number, string> {
  const out = new Map<number, string>();
  const rows = db
    .prepare(`SELECT p.id, p.name, p.role_in_hierarchy AS role, coalesce(s.value, '') AS map FROM profiles p LEFT JOIN profile_settings s ON s.profile_id = p.id AND s.key = 'map-from-profile'`)
    .all() as { id: number; name: string; role: string; map: string }[];
  for (const p of rows) {
    const own = ONEROSTER_WORDS.has(p.name.toLowerCase()) ? p.name.toLowerCase() : undefined;
    const mapped = p.map.split(',').map((w) => w.trim()).filter((w) => w !== '');
    const word = own ?? mapped.find((w) => ONEROSTER_WORDS.has(w.toLowerCase())) ?? mapped[0] ?? p.name;
    out.set(p.id, word);
  }
  return out;
}

export async function exportOneRoster(db: Sqlite, dir: string, version: '1.1' | '1.2'): Promise<ExportOutcome> {
  mkdirSync(dir, { recursive: true });
  const source = db.prepare(`SELECT source FROM users WHERE source LIKE 'oneroster:%' GROUP BY source ORDER BY count(*) DESC LIMIT 1`).pluck().get() as string | undefined;
  const systemName = source ? source.slice('oneroster:'.length) : 'schoolctl';
  const rows: Record<string, number> = {};
  const words = profileWords(db);
  const file = (name: string, header: string) => new CsvFile(join(dir, name), header);
  const sourced = (ext: string | null, username: string) => ext ?? username;

  // orgs: schools and organisations; an organisation under a school is its department.
  const orgs = file('orgs.csv', ORGS);
  for (const u of db
    .prepare(
      `SELECT u.id, u.kind, u.name, u.parent_id, p.kind AS parent_kind FROM units u LEFT JOIN units p ON p.id = u.parent_id
       WHERE u.kind IN ('school', 'organisation') ORDER BY (SELECT max(depth) FROM unit_ancestors a WHERE a.unit_id = u.id), u.id`,
    )
    .iterate() as Iterable<{ id: string; kind: string; name: string; parent_id: string | null; parent_kind: string | null }>) {
    const type = u.kind === 'school' ? 'school' : u.parent_kind === 'school' ? 'department' : 'district';
    await orgs.row([u.id, '', '', u.name, type, '', u.parent_id]);
  }
  await orgs.close();
  rows.orgs = orgs.rows;

  const sessions = file('academicSessions.csv', SESSIONS);
  for (const t of db.prepare('SELECT id, name, starts, ends, parent_id FROM terms ORDER BY starts, id').iterate() as Iterable<{ id: string; name: string; starts: string; ends: string; parent_id: string | null }>) {
    await sessions.row([t.id, '', '', t.name, t.parent_id ? 'term' : 'schoolYear', t.starts, t.ends, t.parent_id, t.ends.slice(0, 4)]);
  }
  await sessions.close();
  rows.academicSessions = sessions.rows;

  // Courses a class names are catalogue courses; the rest are classes (a hand-made course gets a course of its own).
  const courses = file('courses.csv', COURSES);
  const classes = file('classes.csv', CLASSES);
  const schoolOf = db.prepare(`SELECT a.ancestor_id FROM unit_ancestors a JOIN units s ON s.id = a.ancestor_id AND s.kind = 'school' WHERE a.unit_id = ? ORDER BY a.depth LIMIT 1`).pluck();
  const anyTerm = db.prepare('SELECT id FROM terms ORDER BY starts DESC LIMIT 1').pluck().get() as string | undefined;
  const all = db.prepare(`SELECT c.id, c.unit_id, c.name, c.roster_course, c.roster_terms, (SELECT kind FROM units WHERE id = c.id) AS unit_kind
      FROM courses c ORDER BY c.id`).all() as {
    id: string; unit_id: string; name: string; roster_course: string | null; roster_terms: string | null; unit_kind: string | null;
  }[];
  // A catalogue course is one some class names; one set of those names instead of a subquery per course,
  // which scanned every course for each (courses.roster_course has no index) and made the export quadratic.
  const catalogue = new Set(db.prepare('SELECT DISTINCT roster_course FROM courses WHERE roster_course IS NOT NULL').pluck().all() as string[]);
  // A course in a class or group unit is written in the nearest school or organisation (orgs.csv holds no classes).
  const orgOf = db.prepare(`SELECT a.ancestor_id FROM unit_ancestors a JOIN units s ON s.id = a.ancestor_id AND s.kind IN ('school', 'organisation') WHERE a.unit_id = ? ORDER BY a.depth LIMIT 1`).pluck();
  const org = (unit: string) => (orgOf.get(unit) as string | undefined) ?? unit;
  const classIds = new Set<string>();
  for (const c of all) {
    if (catalogue.has(c.id) || (c.roster_course === null && !courseHasMembers(db, c.id))) {
      await courses.row([c.id, '', '', '', c.name, '', '', org(c.unit_id), '', '']);
      continue;
    }
    let course = c.roster_course;
    if (course === null) {
      course = `course-of-${c.id}`;
      await courses.row([course, '', '', '', c.name, '', '', org(c.unit_id), '', '']);
    }
    const school = (schoolOf.get(c.unit_id) as string | undefined) ?? c.unit_id;
    await classes.row([c.id, '', '', c.name, '', course, '', c.unit_kind === 'class' ? 'homeroom' : 'scheduled', '', school, c.roster_terms ?? anyTerm ?? '', '', '', '']);
    classIds.add(c.id);
  }
  await courses.close();
  await classes.close();
  rows.courses = courses.rows;
  rows.classes = classes.rows;

  // users (1.1: role and orgs in the row; 1.2: in roles.csv), agents from the parent links both ways.
  const users = file('users.csv', version === '1.1' ? USERS_11 : USERS_12);
  const roles = version === '1.2' ? file('roles.csv', ROLES) : undefined;
  const orgsOf = db.prepare(`SELECT m.unit_id, coalesce(m.role, p.role_in_hierarchy) AS role FROM memberships m JOIN units u ON u.id = m.unit_id JOIN users x ON x.id = m.user_id JOIN profiles p ON p.id = x.profile_id
     WHERE m.user_id = ? AND u.kind IN ('school', 'organisation') ORDER BY m.unit_id`);
  const agentsOf = db.prepare(`SELECT coalesce(o.external_id, o.username) FROM parent_links l JOIN users o ON o.id = l.parent_id WHERE l.child_id = ?
     UNION SELECT coalesce(o.external_id, o.username) FROM parent_links l JOIN users o ON o.id = l.child_id WHERE l.parent_id = ? ORDER BY 1`).pluck();
  const profileRole = new Map((db.prepare('SELECT id, role_in_hierarchy FROM profiles').all() as { id: number; role_in_hierarchy: string }[]).map((p) => [p.id, p.role_in_hierarchy]));
  for (const u of db.prepare('SELECT id, username, name, email, external_id, profile_id FROM users ORDER BY username').iterate() as Iterable<{
    id: number; username: string; name: string; email: string | null; external_id: string | null; profile_id: number;
  }>) {
    const id = sourced(u.external_id, u.username);
    const [given, ...rest] = u.name.split(' ');
    const family = rest.join(' ');
    const word = words.get(u.profile_id) ?? 'student';
    const memberships = orgsOf.all(u.id) as { unit_id: string; role: string }[];
    const agents = (agentsOf.all(u.id, u.id) as string[]).join(',');
    if (version === '1.1') {
      await users.row([id, '', '', 'true', memberships.map((m) => m.unit_id).join(','), word, u.username, '', given, family, '', '', u.email, '', '', agents, '', '']);
    } else {
      await users.row([id, '', '', 'true', u.username, '', given, family, '', '', u.email, '', '', agents, '', '', '', '', '', '', memberships[0]?.unit_id ?? '', '']);
      let primary = true;
      for (const m of memberships) {
        // The profile's own word where the membership has the profile's role, so the highest role gives the profile back.
        const w = m.role === profileRole.get(u.profile_id) ? word : WORD_OF[m.role] ?? word;
        await roles!.row([`${id}-${m.unit_id}`, '', '', id, primary ? 'primary' : 'secondary', w, '', '', m.unit_id, '']);
        primary = false;
      }
    }
  }
  await users.close();
  rows.users = users.rows;
  if (roles) {
    await roles.close();
    rows.roles = roles.rows;
  }

  const enrollments = file('enrollments.csv', ENROLLMENTS);
  for (const e of db
    .prepare(`SELECT m.course_id, m.role, coalesce(u.external_id, u.username) AS user, c.unit_id FROM course_members m JOIN users u ON u.id = m.user_id JOIN courses c ON c.id = m.course_id ORDER BY m.course_id, u.username`)
    .iterate() as Iterable<{ course_id: string; role: string; user: string; unit_id: string }>) {
    if (!classIds.has(e.course_id)) continue;
    const school = (schoolOf.get(e.unit_id) as string | undefined) ?? e.unit_id;
    await enrollments.row([`${e.course_id}-${e.user}`, '', '', e.course_id, school, e.user, e.role === 'learner' ? 'student' : 'teacher', e.role === 'teacher' ? 'true' : 'false', '', '']);
  }
  await enrollments.close();
  rows.enrollments = enrollments.rows;

  const manifest = file('manifest.csv', 'propertyName,value');
  const written = ['academicSessions', 'classes', 'courses', 'enrollments', 'orgs', 'users', ...(version === '1.2' ? ['roles'] : [])];
  const keys = ['academicSessions', 'categories', 'classes', 'classResources', 'courses', 'courseResources', 'demographics', 'enrollments', 'lineItems', 'orgs', 'resources', 'results', 'users', ...(version === '1.2' ? ['roles', 'userProfiles'] : [])];
  for (const [k, v] of [['manifest.version', '1.0'], ['oneroster.version', version], ['source.systemName', systemName], ['source.systemCode', 'schoolctl']]) await manifest.row([k, v]);
  for (const k of keys) await manifest.row([`file.${k}`, written.includes(k) ? 'bulk' : 'absent']);
  await manifest.close();
  return { dir, version, systemName, rows };
}

function courseHasMembers(db: Sqlite, id: string): boolean {
  return db.prepare('SELECT 1 FROM course_members WHERE course_id = ? LIMIT 1').pluck().get(id) !== undefined;
}

// An IMS Enterprise 1.1 XML file (with or without a default namespace, or prefixed), streamed through
// saxes and turned into the records a OneRoster bundle would hold, so it imports through exactly the
// same checks. Problems name the XML file, the line and the element path. The group-type decision is
// in docs/rosters.md.

import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { SaxesParser } from 'saxes';
import { invalid } from '../../model/errors.js';
import type { Bundle, RosterRecord } from './oneroster-files.js';

type Kind = 'school' | 'organisation' | 'homeroom' | 'scheduled';

/** Group types, lower-cased, onto what they become; any other type is an organisation. */
const GROUP_KINDS: Record<string, Kind> = {
  school: 'school', skole: 'school', schule: 'school',
  class: 'homeroom', basisgruppe: 'homeroom', klasse: 'homeroom', homeroom: 'homeroom',
  course: 'scheduled', undervisningsgruppe: 'scheduled', section: 'scheduled', kurs: 'scheduled', 'teaching group': 'scheduled', lerngruppe: 'scheduled',
};

/** Membership roletypes onto the OneRoster words the import maps (01 Learner … 08 TeachingAssistant). */
const ROLETYPE_WORD: Record<string, string> = { '01': 'student', '02': 'teacher', '03': 'guest', '04': 'guest', '05': 'administrator', '06': 'teacher', '07': 'administrator', '08': 'teacher' };
const RANK: Record<string, number> = { guest: 1, student: 2, teacher: 3, administrator: 4 };

class Rec implements RosterRecord {
  constructor(
    readonly line: number,
    private readonly cells: Record<string, string>,
    private readonly paths: Record<string, string>,
  ) {}
  get(c: string): string {
    return (this.cells[c] ?? '').trim();
  }
  has(c: string): boolean {
    return c in this.cells;
  }
  header(c: string): string {
    return this.paths[c] ?? c;
  }
}

interface Person { line: number; ids: { id: string; type: string }[]; userid: string; given: string; family: string; fn: string; email: string; roles: string[]; }
interface Group { line: number; id: string; type: string; name: string; parent: string; }
interface Member { line: number; group: string; member: string; idtype: string; roles: string[]; }

export interface ImsRead {
  readonly bundle: Bundle;
  /** external ids that changed: Old → New (sourcedidtype) */
  readonly renamedIds: readonly { old: string; id: string }[];
}

export async function readImsEnterprise(path: string): Promise<ImsRead> {
  const name = basename(path);
  const persons: Person[] = [];
  const groups: Group[] = [];
  const members: Member[] = [];
  const problems: string[] = [];
  const stack: string[] = [];
  let text = '';
  let person: Person | undefined;
  let group: Group | undefined;
  let membershipGroup = '';
  let member: Member | undefined;
  let sourced: { id: string; type: string } | undefined;
  let relation: { relation: string; id: string } | undefined;
  let root: string | undefined;
  const parser = new SaxesParser({ xmlns: false, position: true });
  const local = (n: string) => n.slice(n.indexOf(':') + 1).toLowerCase();
  const inside = (...names: string[]) => names.every((n, i) => stack[stack.length - names.length + i] === n);
  parser.on('opentag', (tag) => {
    const n = local(tag.name);
    if (!root) root = n;
    stack.push(n);
    text = '';
    const attr = (a: string) => {
      for (const [k, v] of Object.entries(tag.attributes)) if (local(k) === a.toLowerCase()) return String(v);
      return '';
    };
    if (n === 'person' && stack.length === 2) person = { line: parser.line, ids: [], userid: '', given: '', family: '', fn: '', email: '', roles: [] };
    else if (n === 'group' && stack.length === 2) group = { line: parser.line, id: '', type: '', name: '', parent: '' };
    else if (n === 'membership' && stack.length === 2) membershipGroup = '';
    else if (n === 'member' && inside('membership', 'member')) member = { line: parser.line, group: membershipGroup, member: '', idtype: '1', roles: [] };
    else if (n === 'sourcedid') sourced = { id: '', type: '' };
    else if (n === 'institutionrole' && person) person.roles.push(attr('institutionroletype'));
    else if (n === 'role' && member) {
      const status = attr('status');
      member.roles.push(`${attr('roletype')}${status === '0' ? ':inactive' : ''}`);
    } else if (n === 'relationship' && group) relation = { relation: attr('relation'), id: '' };
  });
  parser.on('text', (t) => (text += t));
  parser.on('cdata', (t) => (text += t));
  parser.on('closetag', (tag) => {
    const n = local(tag.name);
    const value = text.trim();
    text = '';
    stack.pop();
    if (n === 'sourcedidtype' && sourced) sourced.type = value.toLowerCase();
    else if (n === 'id' && sourced) sourced.id = value;
    else if (n === 'sourcedid' && sourced) {
      if (relation) relation.id = sourced.id;
      else if (member) member.member = sourced.id;
      else if (person) person.ids.push(sourced);
      else if (group) group.id = sourced.id;
      else if (inside('membership')) membershipGroup = sourced.id;
      sourced = undefined;
    } else if (person) {
      if (n === 'userid') person.userid = value;
      else if (n === 'given') person.given = value;
      else if (n === 'family') person.family = value;
      else if (n === 'fn') person.fn = value;
      else if (n === 'email') person.email = value;
      else if (n === 'person') {
        persons.push(person);
        person = undefined;
      }
    } else if (group) {
      if (n === 'typevalue' || (n === 'scheme' && !group.type)) group.type = n === 'typevalue' ? value : group.type;
      else if (n === 'short' && !group.name) group.name = value;
      else if (n === 'long') group.name = value;
      else if (n === 'relationship' && relation) {
        if (relation.relation === '1' && relation.id) group.parent = relation.id;
        relation = undefined;
      } else if (n === 'group') {
        groups.push(group);
        group = undefined;
      }
    } else if (member) {
      if (n === 'idtype') member.idtype = value;
      else if (n === 'member') {
        members.push(member);
        member = undefined;
      }
    }
  });
  parser.on('error', (e) => {
    throw e;
  });
  try {
    for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 18 })) parser.write(chunk as string);
    parser.close();
  } catch (e) {
    throw invalid('bad-xml', `${name} is not well-formed XML: ${(e as Error).message.replace(/^[^:]*:(\d+:\d+): /, 'line $1: ')}; nothing was imported.`);
  }
  if (root !== 'enterprise') throw invalid('not-ims', `${name} is not an IMS Enterprise file: its root element is <${root ?? 'nothing'}>, not <enterprise>.`);

  // Groups: the type decides; a class's school is the nearest school above it.
  const kindOf = new Map<string, Kind>();
  for (const g of groups) kindOf.set(g.id, GROUP_KINDS[g.type.toLowerCase()] ?? 'organisation');
  const byId = new Map(groups.map((g) => [g.id, g]));
  const schoolAbove = (id: string): string => {
    let cur = byId.get(id)?.parent ?? '';
    for (let i = 0; cur && i < 64; i++) {
      if (kindOf.get(cur) === 'school') return cur;
      cur = byId.get(cur)?.parent ?? '';
    }
    return byId.get(id)?.parent ?? '';
  };
  const orgs: RosterRecord[] = [];
  const classes: RosterRecord[] = [];
  const gp = { sourcedId: 'group/sourcedid/id', name: 'group/description', type: 'group/grouptype/typevalue', parentSourcedId: 'group/relationship/sourcedid/id' };
  for (const g of groups) {
    const k = kindOf.get(g.id)!;
    if (k === 'school' || k === 'organisation') orgs.push(new Rec(g.line, { sourcedId: g.id, name: g.name || g.id, type: k === 'school' ? 'school' : 'district', parentSourcedId: g.parent }, gp));
    else classes.push(new Rec(g.line, { sourcedId: g.id, title: g.name || g.id, courseSourcedId: '', classType: k, schoolSourcedId: schoolAbove(g.id) }, { ...gp, title: gp.name, schoolSourcedId: gp.parentSourcedId, classType: gp.type }));
  }

  // Persons: the New id is the key; an Old one tells the import whom it was.
  const renamedIds: { old: string; id: string }[] = [];
  const users: RosterRecord[] = [];
  const up = { sourcedId: 'person/sourcedid/id', username: 'person/userid', givenName: 'person/name/n/given', familyName: 'person/name/n/family', email: 'person/email', role: 'person/institutionrole' };
  for (const p of persons) {
    const id = (p.ids.find((x) => x.type === 'new') ?? p.ids.find((x) => x.type !== 'old') ?? p.ids[0])?.id ?? '';
    for (const o of p.ids) if (o.type === 'old' && o.id && o.id !== id) renamedIds.push({ old: o.id, id });
    const [given, ...rest] = p.fn.split(' ');
    const roles = p.roles.filter((r) => r !== '');
    users.push(new Rec(p.line, { sourcedId: id, username: p.userid || id, givenName: p.given || given || '', familyName: p.family || rest.join(' '), email: p.email, role: roles.join(','), orgSourcedIds: '' }, up));
    if (!roles.length) problems.push(`${name} line ${p.line} column person/institutionrole: person ${id} has no institutionrole; give one (Student, Staff, Guest, Administrator …)`);
  }

  // Memberships: in an org group a hierarchy role, in a class group an enrolment; several roles per member: the highest.
  const roles: RosterRecord[] = [];
  const enrollments: RosterRecord[] = [];
  const mp = { userSourcedId: 'membership/member/sourcedid/id', orgSourcedId: 'membership/sourcedid/id', role: 'membership/member/role', classSourcedId: 'membership/sourcedid/id', sourcedId: 'membership/member/sourcedid/id' };
  for (const m of members) {
    if (m.idtype === '2') continue; // a group in a group: the relationship says that already
    const active = m.roles.filter((r) => !r.endsWith(':inactive'));
    const words = active.map((r) => ROLETYPE_WORD[r.padStart(2, '0')]).filter((w): w is string => !!w);
    if (!words.length) {
      if (active.length) problems.push(`${name} line ${m.line} column membership/member/role: value "${active.join(', ')}" is not a roletype, valid: 01 Learner, 02 Instructor, 03 ContentDeveloper, 04 Member, 05 Manager, 06 Mentor, 07 Administrator, 08 TeachingAssistant`);
      continue;
    }
    const word = words.reduce((a, b) => (RANK[hier(b)] > RANK[hier(a)] ? b : a));
    const k = kindOf.get(m.group);
    if (k === 'homeroom' || k === 'scheduled') {
      if (word === 'guest') continue; // a content developer or member of a course is no teacher or learner
      enrollments.push(new Rec(m.line, { sourcedId: `${m.group}/${m.member}`, classSourcedId: m.group, schoolSourcedId: schoolAbove(m.group), userSourcedId: m.member, role: word === 'student' ? 'student' : 'teacher' }, mp));
    } else roles.push(new Rec(m.line, { userSourcedId: m.member, orgSourcedId: m.group, role: word, roleType: '' }, mp));
  }
  if (problems.length) throw invalid('bad-roster', `${name} has ${problems.length} problem(s); nothing was imported:\n${problems.join('\n')}`);
  // Every person needs a roles entry for the import to take their memberships from the groups.
  const display = Object.fromEntries(['orgs', 'classes', 'users', 'roles', 'enrollments', 'courses', 'academicSessions', 'demographics'].map((k) => [k, name]));
  const files = new Map(
    (['orgs', 'classes', 'users', 'roles', 'enrollments'] as const).map((k) => [k, { name, path: path, mode: 'bulk' as const }]),
  );
  const records = new Map<string, readonly RosterRecord[]>([['orgs', orgs], ['classes', classes], ['users', users], ['roles', roles], ['enrollments', enrollments]]);
  return { bundle: { dir: path, version: '1.1', source: `ims:${name}`, files, warnings: [], records, display }, renamedIds };
}

function hier(word: string): string {
  return word === 'student' ? 'student' : word === 'teacher' ? 'teacher' : word === 'administrator' ? 'administrator' : 'guest';
}

// Loads a declarative site document (the demo fixture's shape) into a freshly initialised model.
// Every value goes through the same validation as the commands.

import { invalid } from '../model/errors.js';
import { UNIT_KINDS, type UnitKind } from '../model/facts.js';
import { checkPlacement, rebuildAncestors } from './hierarchy-store.js';
import { checkIdentifier, checkUsername, requirePolicy, requireProfile, requireUnit, requireUser } from './lookups.js';
import type { Sqlite } from './open.js';
import { checkLevel, checkProfileName, checkRole, parseAssignments } from './profiles-store.js';

export interface SiteDocument {
  profiles?: Record<string, { level?: number; like?: string; roleInHierarchy?: string; settings?: Record<string, string | number | boolean> }>;
  policies?: { name: string; org?: string; settings?: Record<string, string | number | boolean>; profiles?: string[]; users?: string[]; units?: string[] }[];
  units?: { id: string; kind: string; parent?: string; name?: string }[];
  users?: { username: string; name?: string; email?: string; profile: string; units?: string[]; children?: string[]; shareDetails?: boolean }[];
  courses?: { id: string; unit: string; name?: string; teachers?: string[]; learners?: string[] }[];
  projects?: { id: string; unit: string; name?: string; members?: string[] }[];
  terms?: { id: string; from: string; to: string; org?: string; name?: string }[];
}

function words(settings: Record<string, string | number | boolean> | undefined): string[] {
  return Object.entries(settings ?? {}).map(([k, v]) => `${k}=${typeof v === 'boolean' ? (v ? 'on' : 'off') : v}`);
}

/** Loads the document; returns how many rows of each kind were created. */
export function loadSite(db: Sqlite, doc: SiteDocument): Record<string, number> {
  const counts: Record<string, number> = {};
  const bump = (k: string, n = 1) => (counts[k] = (counts[k] ?? 0) + n);

  for (const u of doc.units ?? []) {
    checkIdentifier('Unit', u.id);
    if (!(UNIT_KINDS as readonly string[]).includes(u.kind)) throw invalid('bad-unit-kind', `Unit ${u.id}: kind "${u.kind}" is not valid; use ${UNIT_KINDS.join(', ')}.`);
    const parent = u.parent ? requireUnit(db, u.parent).id : null;
    checkPlacement(db, u.id, u.kind as UnitKind, parent);
    db.prepare('INSERT INTO units (id, kind, name, parent_id) VALUES (?, ?, ?, ?)').run(u.id, u.kind, u.name ?? u.id, parent);
    rebuildAncestors(db);
    bump('units');
  }

  for (const [name, p] of Object.entries(doc.profiles ?? {})) {
    const existing = db.prepare('SELECT id FROM profiles WHERE name = ? COLLATE NOCASE').pluck().get(name) as number | undefined;
    let id = existing;
    if (id === undefined) {
      const level = checkLevel(p.level ?? NaN, db);
      const like = requireProfile(db, p.like ?? 'Guest');
      const role = p.roleInHierarchy ? checkRole(p.roleInHierarchy) : like.role_in_hierarchy;
      id = Number(db.prepare('INSERT INTO profiles (name, level, role_in_hierarchy) VALUES (?, ?, ?)').run(checkProfileName(db, name), level, role).lastInsertRowid);
      db.prepare('INSERT INTO profile_settings (profile_id, key, value) SELECT ?, key, value FROM profile_settings WHERE profile_id = ?').run(id, like.id);
      bump('profiles');
    }
    const upd = db.prepare('UPDATE profile_settings SET value = ? WHERE profile_id = ? AND key = ?');
    for (const a of words(p.settings).length ? parseAssignments(words(p.settings)) : []) upd.run(a.value, id, a.def.key);
  }

  const addUser = db.prepare('INSERT INTO users (username, name, email, profile_id, share_details) VALUES (?, ?, ?, ?, ?)');
  const join = db.prepare('INSERT INTO memberships (user_id, unit_id, role) VALUES (?, ?, NULL)');
  for (const u of doc.users ?? []) {
    checkUsername(u.username);
    const profile = requireProfile(db, u.profile);
    const id = Number(addUser.run(u.username, u.name ?? u.username, u.email ?? null, profile.id, u.shareDetails === false ? 0 : 1).lastInsertRowid);
    for (const unit of u.units ?? []) join.run(id, requireUnit(db, unit).id);
    bump('users');
  }
  const link = db.prepare('INSERT OR IGNORE INTO parent_links (parent_id, child_id) VALUES (?, ?)');
  for (const u of doc.users ?? []) {
    for (const child of u.children ?? []) {
      link.run(requireUser(db, u.username).id, requireUser(db, child).id);
      bump('parent links');
    }
  }

  for (const c of doc.courses ?? []) {
    checkIdentifier('Course', c.id);
    db.prepare('INSERT INTO courses (id, unit_id, name) VALUES (?, ?, ?)').run(c.id, requireUnit(db, c.unit).id, c.name ?? c.id);
    const enrol = db.prepare('INSERT INTO course_members (course_id, user_id, role) VALUES (?, ?, ?)');
    for (const t of c.teachers ?? []) enrol.run(c.id, requireUser(db, t).id, 'teacher');
    for (const l of c.learners ?? []) enrol.run(c.id, requireUser(db, l).id, 'learner');
    bump('courses');
  }
  for (const p of doc.projects ?? []) {
    checkIdentifier('Project', p.id);
    db.prepare('INSERT INTO projects (id, unit_id, name) VALUES (?, ?, ?)').run(p.id, requireUnit(db, p.unit).id, p.name ?? p.id);
    for (const m of p.members ?? []) db.prepare('INSERT INTO project_members (project_id, user_id) VALUES (?, ?)').run(p.id, requireUser(db, m).id);
    bump('projects');
  }
  for (const t of doc.terms ?? []) {
    checkIdentifier('Term', t.id);
    db.prepare('INSERT INTO terms (id, name, starts, ends, org_id) VALUES (?, ?, ?, ?, ?)').run(t.id, t.name ?? t.id, t.from, t.to, t.org ? requireUnit(db, t.org, ['school']).id : null);
    bump('terms');
  }

  for (const p of doc.policies ?? []) {
    const org = p.org ? requireUnit(db, p.org, ['school']).id : null;
    const id = Number(db.prepare('INSERT INTO policies (name, org_id) VALUES (?, ?)').run(p.name, org).lastInsertRowid);
    const setp = db.prepare('INSERT INTO policy_settings (policy_id, key, value) VALUES (?, ?, ?)');
    for (const a of words(p.settings).length ? parseAssignments(words(p.settings), true) : []) setp.run(id, a.def.key, a.value);
    const assign = db.prepare('INSERT OR IGNORE INTO policy_assignments (policy_id, target_kind, target_id, via_unit) VALUES (?, ?, ?, ?)');
    for (const pr of p.profiles ?? []) assign.run(id, 'profile', requireProfile(db, pr).id, null);
    for (const u of p.users ?? []) assign.run(id, 'user', requireUser(db, u).id, null);
    for (const unit of p.units ?? []) {
      const members = db
        .prepare('SELECT DISTINCT m.user_id FROM memberships m JOIN unit_ancestors a ON a.unit_id = m.unit_id WHERE a.ancestor_id = ?')
        .pluck()
        .all(requireUnit(db, unit).id) as number[];
      for (const m of members) assign.run(id, 'user', m, unit);
    }
    requirePolicy(db, p.name);
    bump('policies');
  }
  return counts;
}

// The core model's sections of the site file: profiles, policies, units, users, courses, projects
// and terms. Each reads the shape the demo fixture uses and writes it back in a canonical order.

import { DEFAULT_PROFILES } from '../../model/settings-catalogue.js';
import { differingSettings, isDefaultProfile } from '../bulk/kinds/profiles.js';
import type { Sqlite } from '../open.js';
import { compact, eachItem, entryOf, isMap, listOf, scalar, text, texts, type ShapeProblem, type SiteBatch, type SiteRow, type SiteSection } from './section.js';

const notIn = (db: Sqlite, sql: string, fileIds: Set<string>, what: string, remove?: string) => {
  const ids = (db.prepare(sql).pluck().all() as string[]).filter((id) => !fileIds.has(id.toLowerCase()));
  return ids.length ? { what, ids, remove } : undefined;
};

const idsOf = (value: unknown, field: string): Set<string> => {
  const ids = new Set<string>();
  // A list entry that is not a mapping stands for '' (it names nothing).
  eachItem(value, (e) => ids.add(isMap(e) ? String(scalar(e[field]) ?? '').toLowerCase() : ''));
  return ids;
};

function settingRows(settings: unknown, path: string, kind: 'profile' | 'policy', owner: string, problems: ShapeProblem[]): SiteRow[] {
  if (settings === undefined || settings === null) return [];
  if (!isMap(settings)) {
    problems.push({ path, message: 'is not a mapping of setting keys to values' });
    return [];
  }
  const rows: SiteRow[] = [];
  for (const [key, raw] of Object.entries(settings)) {
    const value = scalar(raw);
    if (value === undefined) problems.push({ path: `${path}.${key}`, message: 'is not a single value' });
    else rows.push({ path: `${path}.${key}`, cells: { [kind]: owner, setting: key, value }, fields: { [kind]: '', setting: '', value: '' } });
  }
  return rows;
}

export const profilesSection: SiteSection = {
  key: 'profiles',
  toBatches(value, problems) {
    if (value === undefined || value === null) return [];
    if (!isMap(value)) {
      problems.push({ path: 'profiles', message: 'is not a mapping of profile names to their level, role in hierarchy and settings' });
      return [];
    }
    const profiles: SiteRow[] = [];
    const settings: SiteRow[] = [];
    for (const [name, raw] of Object.entries(value)) {
      const path = `profiles.${name}`;
      const e = raw === null ? {} : entryOf(raw, path, problems, ['level', 'roleInHierarchy', 'settings']);
      if (!e) continue;
      const def = DEFAULT_PROFILES.find((p) => p.name.toLowerCase() === name.toLowerCase());
      const level = text(e, 'level', path, problems, !def);
      const role = text(e, 'roleInHierarchy', path, problems) ?? def?.roleInHierarchy ?? 'guest';
      if (level !== undefined || e.roleInHierarchy !== undefined) {
        profiles.push({ path, cells: { name, level: level ?? String(def?.level ?? ''), role_in_hierarchy: role }, fields: { name: '', role_in_hierarchy: 'roleInHierarchy' } });
      }
      settings.push(...settingRows(e.settings, `${path}.settings`, 'profile', name, problems));
    }
    return [
      { kind: 'profiles', rows: profiles },
      { kind: 'profile-settings', rows: settings },
    ];
  },
  fromModel(db) {
    const out: Record<string, unknown> = {};
    for (const p of db.prepare('SELECT id, name, level, role_in_hierarchy FROM profiles ORDER BY level DESC').all() as { id: number; name: string; level: number; role_in_hierarchy: string }[]) {
      const settings = differingSettings(db, p);
      const custom = !isDefaultProfile(p.name);
      const def = DEFAULT_PROFILES.find((d) => d.name === p.name);
      const moved = def && (def.level !== p.level || def.roleInHierarchy !== p.role_in_hierarchy);
      if (!custom && !moved && settings.length === 0) continue;
      out[p.name] = compact({
        level: custom || moved ? p.level : undefined,
        roleInHierarchy: custom || moved ? p.role_in_hierarchy : undefined,
        settings: settings.length ? Object.fromEntries(settings) : undefined,
      });
    }
    return Object.keys(out).length ? out : undefined;
  },
  notInFile(db, value) {
    const named = new Set([...Object.keys(isMap(value) ? value : {}), ...DEFAULT_PROFILES.map((p) => p.name)].map((n) => n.toLowerCase()));
    return notIn(db, 'SELECT name FROM profiles ORDER BY level DESC', named, 'profile(s)', 'remove with schoolctl profiles delete NAME');
  },
};

const POLICY_FIELDS = ['name', 'org', 'settings', 'profiles', 'users', 'units'];

export const policiesSection: SiteSection = {
  key: 'policies',
  toBatches(value, problems) {
    const policies: SiteRow[] = [];
    const settings: SiteRow[] = [];
    const assignments: SiteRow[] = [];
    const viaUnits: { path: string; policy: string; unit: string }[] = [];
    listOf(value, 'policies', problems, 'policies').forEach((raw, i) => {
      const path = `policies[${i}]`;
      const e = entryOf(raw, path, problems, POLICY_FIELDS);
      if (!e) return;
      const name = text(e, 'name', path, problems, true);
      if (name === undefined) return;
      const org = text(e, 'org', path, problems);
      policies.push({ path, cells: { name, org: org ?? '' } });
      settings.push(...settingRows(e.settings, `${path}.settings`, 'policy', name, problems));
      (texts(e, 'profiles', path, problems) ?? []).forEach((p, j) =>
        assignments.push({ path: `${path}.profiles[${j}]`, cells: { policy: name, kind: 'profile', target: p, via_unit: '' }, fields: { target: '' } }),
      );
      (texts(e, 'users', path, problems) ?? []).forEach((u, j) =>
        assignments.push({ path: `${path}.users[${j}]`, cells: { policy: name, kind: 'user', target: u, via_unit: '' }, fields: { target: '' } }),
      );
      (texts(e, 'units', path, problems) ?? []).forEach((u, j) => viaUnits.push({ path: `${path}.units[${j}]`, policy: name, unit: u }));
    });
    const batches: SiteBatch[] = [
      { kind: 'policies', rows: policies },
      { kind: 'policy-settings', rows: settings },
      { kind: 'policy-assignments', rows: assignments },
    ];
    if (viaUnits.length) {
      // A unit stands for its current members and those of the units below (DOMAIN.md §3), counted
      // once users and memberships of the same file are in place.
      batches.push({
        kind: 'policy-assignments',
        rows: (db, model, problem) => {
          const members = db.prepare(
            `SELECT DISTINCT u.username FROM memberships m JOIN unit_ancestors a ON a.unit_id = m.unit_id JOIN users u ON u.id = m.user_id WHERE a.ancestor_id = ? ORDER BY 1`,
          ).pluck();
          const rows: SiteRow[] = [];
          // A user named directly, or reached through an earlier unit, is assigned once.
          const taken = new Set(assignments.filter((a) => a.cells.kind === 'user').map((a) => `${a.cells.policy.toLowerCase()}\u0000${a.cells.target}`));
          for (const v of viaUnits) {
            if (!model.units.has(v.unit)) {
              problem(v.path, { column: 'via_unit', value: v.unit, expected: 'a unit', valid: 'a unit of the model or of the file' });
              continue;
            }
            for (const username of members.all(v.unit) as string[]) {
              const key = `${v.policy.toLowerCase()}\u0000${username}`;
              if (taken.has(key)) continue;
              taken.add(key);
              rows.push({ path: v.path, cells: { policy: v.policy, kind: 'user', target: username, via_unit: v.unit }, fields: { via_unit: '' } });
            }
          }
          return rows;
        },
      });
    }
    return batches;
  },
  fromModel(db) {
    const policies = db.prepare('SELECT id, name, org_id FROM policies ORDER BY name').all() as { id: number; name: string; org_id: string | null }[];
    if (!policies.length) return undefined;
    const settings = db.prepare('SELECT key, value FROM policy_settings WHERE policy_id = ? ORDER BY key').raw();
    const profiles = db.prepare(`SELECT p.name FROM policy_assignments a JOIN profiles p ON p.id = a.target_id WHERE a.policy_id = ? AND a.target_kind = 'profile' ORDER BY p.level DESC`).pluck();
    const users = db.prepare(`SELECT u.username FROM policy_assignments a JOIN users u ON u.id = a.target_id WHERE a.policy_id = ? AND a.target_kind = 'user' AND a.via_unit IS NULL ORDER BY 1`).pluck();
    const units = db.prepare(`SELECT DISTINCT via_unit FROM policy_assignments WHERE policy_id = ? AND via_unit IS NOT NULL ORDER BY 1`).pluck();
    return policies.map((p) => {
      const s = settings.all(p.id) as [string, string][];
      const pr = profiles.all(p.id) as string[];
      const us = users.all(p.id) as string[];
      const un = units.all(p.id) as string[];
      return compact({
        name: p.name,
        org: p.org_id ?? undefined,
        settings: s.length ? Object.fromEntries(s) : undefined,
        profiles: pr.length ? pr : undefined,
        users: us.length ? us : undefined,
        units: un.length ? un : undefined,
      });
    });
  },
  notInFile(db, value) {
    return notIn(db, 'SELECT name FROM policies ORDER BY name', idsOf(value, 'name'), 'policy(ies)', 'remove with schoolctl policies delete NAME');
  },
};

export const unitsSection: SiteSection = {
  key: 'units',
  itemwise: true,
  toBatches(value, problems) {
    const rows: SiteRow[] = [];
    listOf(value, 'units', problems, 'units').forEach((raw, i) => {
      const path = `units[${i}]`;
      const e = entryOf(raw, path, problems, ['id', 'kind', 'parent', 'name']);
      if (!e) return;
      const id = text(e, 'id', path, problems, true);
      const kind = text(e, 'kind', path, problems, true);
      if (id === undefined || kind === undefined) return;
      const cells: Record<string, string> = { id, kind, parent: text(e, 'parent', path, problems) ?? '' };
      const name = text(e, 'name', path, problems);
      cells.name = name ?? id;
      rows.push({ path, cells });
    });
    return [{ kind: 'units', rows }];
  },
  fromModel(db) {
    const rows = db
      .prepare(`SELECT u.id, u.kind, u.name, u.parent_id FROM units u ORDER BY (SELECT max(depth) FROM unit_ancestors a WHERE a.unit_id = u.id), u.id`)
      .all() as { id: string; kind: string; name: string; parent_id: string | null }[];
    if (!rows.length) return undefined;
    return rows.map((u) => compact({ id: u.id, kind: u.kind, parent: u.parent_id ?? undefined, name: u.name === u.id ? undefined : u.name }));
  },
  notInFile(db, value) {
    return notIn(db, 'SELECT id FROM units ORDER BY id', idsOf(value, 'id'), 'unit(s)', 'remove with schoolctl units remove ID');
  },
};

const USER_FIELDS = ['username', 'name', 'email', 'externalId', 'profile', 'units', 'roles', 'children', 'shareDetails'];

export const usersSection: SiteSection = {
  key: 'users',
  itemwise: true,
  toBatches(value, problems) {
    const users: SiteRow[] = [];
    const memberships: SiteRow[] = [];
    const sharing: SiteRow[] = [];
    const parents: SiteRow[] = [];
    listOf(value, 'users', problems, 'users').forEach((raw, i) => {
      const path = `users[${i}]`;
      const e = entryOf(raw, path, problems, USER_FIELDS);
      if (!e) return;
      const username = text(e, 'username', path, problems, true);
      const profile = text(e, 'profile', path, problems, true);
      if (username === undefined || profile === undefined) return;
      const cells: Record<string, string> = { username, profile };
      const name = text(e, 'name', path, problems);
      if (name !== undefined) cells.name = name;
      const email = text(e, 'email', path, problems);
      if (email !== undefined) cells.email = email;
      const externalId = text(e, 'externalId', path, problems);
      if (externalId !== undefined) cells.external_id = externalId;
      const units = texts(e, 'units', path, problems);
      if (units !== undefined) cells.units = units.join(';');
      users.push({ path, cells, fields: { external_id: 'externalId' } });
      const roles = e.roles;
      if (roles !== undefined && roles !== null) {
        if (!isMap(roles)) problems.push({ path: `${path}.roles`, message: 'is not a mapping of unit ids to hierarchy roles' });
        else
          for (const [unit, r] of Object.entries(roles)) {
            memberships.push({ path: `${path}.roles.${unit}`, cells: { username, unit, role: scalar(r) ?? '' }, fields: { unit: '', role: '', username: '' } });
          }
      }
      if (e.shareDetails !== undefined) {
        const share = typeof e.shareDetails === 'boolean' ? (e.shareDetails ? 'on' : 'off') : String(e.shareDetails);
        sharing.push({ path, cells: { username, share_details: share }, fields: { share_details: 'shareDetails' } });
      }
      (texts(e, 'children', path, problems) ?? []).forEach((c, j) => parents.push({ path: `${path}.children[${j}]`, cells: { parent: username, child: c }, fields: { child: '', parent: '' } }));
    });
    return [
      { kind: 'users', rows: users },
      { kind: 'memberships', rows: memberships },
      { kind: 'share-details', rows: sharing },
      { kind: 'parents', rows: parents },
    ];
  },
  fromModel(db) {
    const out = [...usersSection.entries!(db)];
    return out.length ? out : undefined;
  },
  *entries(db) {
    const rows = db
      .prepare(
        `SELECT u.id, u.username, u.name, u.email, u.external_id, p.name AS profile, u.share_details,
           (SELECT group_concat(unit_id, ';') FROM (SELECT unit_id FROM memberships WHERE user_id = u.id ORDER BY unit_id)) AS units
         FROM users u JOIN profiles p ON p.id = u.profile_id ORDER BY u.username`,
      )
      .iterate() as Iterable<{ id: number; username: string; name: string; email: string | null; external_id: string | null; profile: string; share_details: number; units: string | null }>;
    const roles = db.prepare('SELECT unit_id, role FROM memberships WHERE user_id = ? AND role IS NOT NULL ORDER BY unit_id').raw();
    const children = db.prepare('SELECT c.username FROM parent_links l JOIN users c ON c.id = l.child_id WHERE l.parent_id = ? ORDER BY 1').pluck();
    for (const u of rows) {
      const r = roles.all(u.id) as [string, string][];
      const ch = children.all(u.id) as string[];
      yield compact({
          username: u.username,
          name: u.name === u.username ? undefined : u.name,
          email: u.email ?? undefined,
          externalId: u.external_id ?? undefined,
          profile: u.profile,
          units: u.units ? u.units.split(';') : undefined,
          roles: r.length ? Object.fromEntries(r) : undefined,
          children: ch.length ? ch : undefined,
          shareDetails: u.share_details ? undefined : false,
        });
    }
  },
  notInFile(db, value) {
    return notIn(db, 'SELECT username FROM users ORDER BY username', idsOf(value, 'username'), 'user(s)', 'remove with schoolctl users remove USERNAME');
  },
};

function placeSection(key: 'courses' | 'projects', kind: string, memberKind: string, lists: { field: string; role?: string }[]): SiteSection {
  return {
    key,
    itemwise: true,
    toBatches(value, problems) {
      const places: SiteRow[] = [];
      const members: SiteRow[] = [];
      listOf(value, key, problems, key).forEach((raw, i) => {
        const path = `${key}[${i}]`;
        const e = entryOf(raw, path, problems, ['id', 'unit', 'name', ...lists.map((l) => l.field)]);
        if (!e) return;
        const id = text(e, 'id', path, problems, true);
        const unit = text(e, 'unit', path, problems, true);
        if (id === undefined || unit === undefined) return;
        places.push({ path, cells: { id, unit, name: text(e, 'name', path, problems) ?? id } });
        for (const l of lists) {
          (texts(e, l.field, path, problems) ?? []).forEach((u, j) => {
            const cells: Record<string, string> = { [kind]: id, username: u };
            if (l.role) cells.role = l.role;
            members.push({ path: `${path}.${l.field}[${j}]`, cells, fields: { username: '', [kind]: '' } });
          });
        }
      });
      return [
        { kind: key, rows: places },
        { kind: memberKind, rows: members },
      ];
    },
    fromModel(db) {
      const out = [...this.entries!(db)];
      return out.length ? out : undefined;
    },
    *entries(db) {
      const rows = db.prepare(`SELECT id, unit_id, name FROM ${key} ORDER BY id`).all() as { id: string; unit_id: string; name: string }[];
      const table = key === 'courses' ? 'course_members' : 'project_members';
      const col = key === 'courses' ? 'course_id' : 'project_id';
      for (const p of rows) {
        const out: Record<string, unknown> = { id: p.id, unit: p.unit_id, name: p.name === p.id ? undefined : p.name };
        for (const l of lists) {
          const who = db
            .prepare(`SELECT u.username FROM ${table} m JOIN users u ON u.id = m.user_id WHERE m.${col} = ? ${l.role ? 'AND m.role = ?' : ''} ORDER BY 1`)
            .pluck()
            .all(...(l.role ? [p.id, l.role] : [p.id])) as string[];
          out[l.field] = who.length ? who : undefined;
        }
        yield compact(out);
      }
    },
    notInFile(db, value) {
      return notIn(db, `SELECT id FROM ${key} ORDER BY id`, idsOf(value, 'id'), `${kind}(s)`);
    },
  };
}

export const coursesSection = placeSection('courses', 'course', 'enrolments', [
  { field: 'teachers', role: 'teacher' },
  { field: 'learners', role: 'learner' },
]);
export const projectsSection = placeSection('projects', 'project', 'project-members', [{ field: 'members' }]);

export const termsSection: SiteSection = {
  key: 'terms',
  toBatches(value, problems) {
    const rows: SiteRow[] = [];
    listOf(value, 'terms', problems, 'terms').forEach((raw, i) => {
      const path = `terms[${i}]`;
      const e = entryOf(raw, path, problems, ['id', 'name', 'from', 'to', 'org']);
      if (!e) return;
      const id = text(e, 'id', path, problems, true);
      const from = text(e, 'from', path, problems, true);
      const to = text(e, 'to', path, problems, true);
      if (id === undefined || from === undefined || to === undefined) return;
      rows.push({ path, cells: { id, name: text(e, 'name', path, problems) ?? id, from, to, org: text(e, 'org', path, problems) ?? '' } });
    });
    return [{ kind: 'terms', rows }];
  },
  fromModel(db) {
    const rows = db.prepare('SELECT id, name, starts, ends, org_id FROM terms ORDER BY starts, id').all() as { id: string; name: string; starts: string; ends: string; org_id: string | null }[];
    if (!rows.length) return undefined;
    return rows.map((t) => compact({ id: t.id, name: t.name === t.id ? undefined : t.name, from: t.starts, to: t.ends, org: t.org_id ?? undefined }));
  },
  notInFile(db, value) {
    return notIn(db, 'SELECT id FROM terms ORDER BY id', idsOf(value, 'id'), 'term(s)', 'remove with schoolctl terms remove ID');
  },
};

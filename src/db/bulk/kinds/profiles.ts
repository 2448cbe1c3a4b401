// profiles (name,level,role_in_hierarchy) and profile-settings (profile,setting,value). A new
// profile starts from the defaults of the default profile with its role in hierarchy; export
// writes only the settings that differ from that base, so a fresh model reads them back the same.

import { HIERARCHY_ROLES } from '../../../model/facts.js';
import { CATALOGUE, DEFAULT_PROFILES, findSetting, nearestKey, normaliseValue, validValues } from '../../../model/settings-catalogue.js';
import type { Sqlite } from '../../open.js';
import { err, type BulkKind, type CellError } from '../kind.js';

const ROLE_BASE: Record<string, number> = { administrator: 1, teacher: 2, student: 3, guest: 5 };

/** Index into DEFAULT_PROFILES whose catalogue defaults a profile starts from. */
export function baseIndex(name: string, role: string): number {
  const i = DEFAULT_PROFILES.findIndex((p) => p.name.toLowerCase() === name.toLowerCase());
  return i >= 0 ? i : (ROLE_BASE[role] ?? 5);
}

/** Settings of a profile that differ from its base, by catalogue order. */
export function differingSettings(db: Sqlite, profile: { id: number; name: string; role_in_hierarchy: string }): [string, string][] {
  const values = new Map(
    (db.prepare('SELECT key, value FROM profile_settings WHERE profile_id = ?').all(profile.id) as { key: string; value: string }[]).map((r) => [r.key, r.value]),
  );
  const base = baseIndex(profile.name, profile.role_in_hierarchy);
  const out: [string, string][] = [];
  for (const def of CATALOGUE) {
    const v = values.get(def.key);
    if (v !== undefined && v !== def.defaults[base]) out.push([def.key, v]);
  }
  return out;
}

export function isDefaultProfile(name: string): boolean {
  return DEFAULT_PROFILES.some((p) => p.name.toLowerCase() === name.toLowerCase());
}

interface ProfileData {
  id: number | undefined;
  name: string;
  level: number;
  role: string;
}

export const profilesKind: BulkKind<ProfileData> = {
  name: 'profiles',
  summary: 'profiles with their security level and role in hierarchy',
  entity: 'profile',
  right: 'user-and-access-rights-management',
  columns: [
    { name: 'name', required: true, about: 'profile name' },
    { name: 'level', required: true, about: 'security level, a unique whole number from 10 to 100' },
    { name: 'role_in_hierarchy', required: true, about: HIERARCHY_ROLES.join(', ') },
  ],
  key: ['name'],
  open(db, model) {
    const find = db.prepare('SELECT id, name, level, role_in_hierarchy FROM profiles WHERE name = ? COLLATE NOCASE');
    const levelOwner = db.prepare('SELECT name FROM profiles WHERE level = ? AND name <> ? COLLATE NOCASE').pluck();
    const insert = db.prepare('INSERT INTO profiles (name, level, role_in_hierarchy) VALUES (?, ?, ?)');
    const insertSetting = db.prepare('INSERT INTO profile_settings (profile_id, key, value) VALUES (?, ?, ?)');
    const update = db.prepare('UPDATE profiles SET level = ?, role_in_hierarchy = ? WHERE id = ?');
    return {
      check(row) {
        const errors: CellError[] = [];
        const name = row.get('name').trim();
        if (!name || name.length > 80 || /[\u0000-\u001f]/.test(name)) errors.push(err('name', name, 'a profile name', '1–80 printable characters'));
        const rawLevel = row.get('level').trim();
        const level = Number(rawLevel);
        if (!/^\d+$/.test(rawLevel) || level < 10 || level > 100) errors.push(err('level', rawLevel, 'a security level', 'a whole number from 10 to 100'));
        else {
          const owner = levelOwner.get(level, name) as string | undefined;
          if (owner) errors.push(err('level', rawLevel, 'free', `a level no other profile has (${owner} has ${level})`));
        }
        const role = row.get('role_in_hierarchy').trim().toLowerCase();
        if (!(HIERARCHY_ROLES as readonly string[]).includes(role)) errors.push(err('role_in_hierarchy', row.get('role_in_hierarchy'), 'a role in hierarchy', HIERARCHY_ROLES.join(', ')));
        if (errors.length) return { errors };
        const before = find.get(name) as { id: number; name: string; level: number; role_in_hierarchy: string } | undefined;
        const after = { level, roleInHierarchy: role };
        if (!before) return { status: 'create', id: name, after, data: { id: undefined, name, level, role } };
        const same = before.level === level && before.role_in_hierarchy === role;
        return { status: same ? 'same' : 'update', id: before.name, before: { level: before.level, roleInHierarchy: before.role_in_hierarchy }, after, data: { id: before.id, name, level, role } };
      },
      apply(v) {
        const d = v.data;
        if (d.id !== undefined) update.run(d.level, d.role, d.id);
        else {
          const id = Number(insert.run(d.name, d.level, d.role).lastInsertRowid);
          const base = baseIndex(d.name, d.role);
          for (const def of CATALOGUE) insertSetting.run(id, def.key, def.defaults[base]);
        }
        model.reloadProfiles();
      },
    };
  },
  *exportRows(db) {
    yield* db.prepare('SELECT name, level, role_in_hierarchy FROM profiles ORDER BY level DESC').raw().iterate() as Iterable<string[]>;
  },
};

export const profileSettingsKind: BulkKind<{ profileId: number; key: string; value: string }> = {
  name: 'profile-settings',
  summary: 'profile setting values (export writes those that differ from the defaults)',
  entity: 'profile-setting',
  right: 'user-and-access-rights-management',
  columns: [
    { name: 'profile', required: true, about: 'profile name' },
    { name: 'setting', required: true, about: 'setting key (schoolctl profiles settings)' },
    { name: 'value', required: true, about: 'a value valid for the setting' },
  ],
  key: ['profile', 'setting'],
  open(db, model) {
    const find = db.prepare('SELECT value FROM profile_settings WHERE profile_id = ? AND key = ?').pluck();
    const upsert = db.prepare('INSERT INTO profile_settings (profile_id, key, value) VALUES (?, ?, ?) ON CONFLICT (profile_id, key) DO UPDATE SET value = excluded.value');
    return {
      check(row) {
        const errors: CellError[] = [];
        const profileName = row.get('profile').trim();
        const profile = model.profiles.get(profileName.toLowerCase());
        if (!profile) errors.push(err('profile', profileName, 'a profile', model.profileNames().join(', ')));
        const key = row.get('setting').trim();
        const def = findSetting(key);
        if (!def) {
          const near = nearestKey(key);
          errors.push(err('setting', key, 'a setting', near ? `did you mean ${near}? (schoolctl profiles settings lists them)` : 'a key from schoolctl profiles settings'));
        }
        const raw = row.get('value');
        const value = def ? normaliseValue(def, raw) : null;
        if (def && value === null) errors.push(err('value', raw, `a value for ${key}`, validValues(def)));
        if (errors.length) return { errors };
        const had = find.get(profile!.id, key) as string | undefined;
        const id = `${profile!.name}/${key}`;
        const data = { profileId: profile!.id, key, value: value! };
        if (had === undefined) return { status: 'create', id, after: { value }, data };
        return { status: had === value ? 'same' : 'update', id, before: { value: had }, after: { value }, data };
      },
      apply(v) {
        upsert.run(v.data.profileId, v.data.key, v.data.value);
        if (v.data.key === 'map-from-profile') model.reloadProfiles();
      },
    };
  },
  *exportRows(db) {
    const profiles = db.prepare('SELECT id, name, role_in_hierarchy FROM profiles ORDER BY level DESC').all() as { id: number; name: string; role_in_hierarchy: string }[];
    for (const p of profiles) for (const [k, v] of differingSettings(db, p)) yield [p.name, k, v];
  },
};

// Profiles and their settings.

import type { Kysely } from 'kysely';
import { invalid } from '../../model/errors.js';
import { HIERARCHY_ROLES, type HierarchyRole } from '../../model/facts.js';
import {
  CATALOGUE,
  DEFAULT_PROFILES,
  findSetting,
  normaliseValue,
  validValues,
  type SettingDef,
} from '../../model/settings-catalogue.js';
import type { ProfileRow } from './lookups.js';
import type { Sqlite } from '../open.js';
import type { DB } from '../schema.js';
import { didYouMean } from '../../model/did-you-mean.js';

/** The six default profiles with the catalogue's defaults. */
export function seedDefaultProfiles(db: Sqlite): void {
  const insertProfile = db.prepare('INSERT INTO profiles (name, level, role_in_hierarchy) VALUES (?, ?, ?)');
  const insertSetting = db.prepare('INSERT INTO profile_settings (profile_id, key, value) VALUES (?, ?, ?)');
  DEFAULT_PROFILES.forEach((p, i) => {
    const id = Number(insertProfile.run(p.name, p.level, p.roleInHierarchy).lastInsertRowid);
    for (const s of CATALOGUE) insertSetting.run(id, s.key, s.defaults[i]);
  });
}

export function listProfiles(db: Sqlite): ProfileRow[] {
  return db.prepare('SELECT id, name, level, role_in_hierarchy FROM profiles ORDER BY level DESC').all() as ProfileRow[];
}

export function profileSettings(db: Sqlite, profileId: number): Map<string, string> {
  const rows = db.prepare('SELECT key, value FROM profile_settings WHERE profile_id = ?').all(profileId) as { key: string; value: string }[];
  return new Map(rows.map((r) => [r.key, r.value]));
}

export interface Assignment {
  readonly def: SettingDef;
  readonly value: string;
}

/** Parses KEY=VALUE words against the catalogue; every bad word is one sentence naming what is valid. */
export function parseAssignments(words: readonly string[], forPolicy = false): Assignment[] {
  if (words.length === 0) throw invalid('missing-setting', 'Give at least one KEY=VALUE (for example messages=on); "schoolctl profiles settings" lists the keys.');
  const seen = new Set<string>();
  return words.map((w) => {
    const eq = w.indexOf('=');
    if (eq <= 0) throw invalid('bad-assignment', `"${w}" is not KEY=VALUE (for example messages=on or quota=51200).`);
    const key = w.slice(0, eq).trim();
    const raw = w.slice(eq + 1);
    const def = findSetting(key);
    if (!def) {
      throw invalid('unknown-setting', `There is no setting "${key}"${didYouMean(key, CATALOGUE.map((s) => s.key)) || '.'} "schoolctl profiles settings" lists every key.`);
    }
    if (forPolicy && def.notInPolicies) {
      throw invalid('not-in-policies', `Policies cannot set ${key} (${def.label}); set it on the profile instead.`);
    }
    if (seen.has(key)) throw invalid('duplicate-setting', `Setting ${key} is given twice.`);
    seen.add(key);
    const value = normaliseValue(def, raw);
    if (value === null) throw invalid('bad-value', `"${raw}" is not a valid value for ${key} (${def.label}); valid: ${validValues(def)}.`);
    return { def, value };
  });
}

export function checkLevel(raw: string | number, db: Sqlite, exceptProfileId?: number): number {
  const level = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isInteger(level) || level < 10 || level > 100 || String(raw).trim() === '') {
    throw invalid('bad-level', `Security level "${raw}" is not valid; use a whole number from 10 to 100.`);
  }
  const taken = db.prepare('SELECT name FROM profiles WHERE level = ? AND id IS NOT ?').pluck().get(level, exceptProfileId ?? null) as string | undefined;
  if (taken) throw invalid('level-taken', `Security level ${level} already belongs to profile ${taken}; each profile needs a unique level.`);
  return level;
}

export function checkRole(raw: string): HierarchyRole {
  const r = raw.toLowerCase() as HierarchyRole;
  if (!HIERARCHY_ROLES.includes(r)) throw invalid('bad-role', `Role in hierarchy "${raw}" is not valid; use ${HIERARCHY_ROLES.join(', ')}.`);
  return r;
}

export function checkProfileName(db: Sqlite, name: string, exceptId?: number): string {
  const n = name.trim();
  if (n.length === 0 || n.length > 80 || /[\u0000-\u001f]/.test(n)) throw invalid('bad-name', `Profile name "${name}" is not valid; use 1–80 printable characters.`);
  const other = db.prepare('SELECT name FROM profiles WHERE name = ? COLLATE NOCASE AND id IS NOT ?').pluck().get(n, exceptId ?? null);
  if (other) throw invalid('name-taken', `There is already a profile named "${other}".`);
  return n;
}

export async function profileName(db: Kysely<DB>, profileId: number): Promise<string> {
  return (await db.selectFrom('profiles').select('name').where('id', '=', profileId).executeTakeFirstOrThrow()).name;
}

/** How many users hold each profile, by profile id. */
export async function profileUserCounts(db: Kysely<DB>): Promise<Map<number, number>> {
  const rows = await db.selectFrom('users').select(['profile_id', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('profile_id').execute();
  return new Map(rows.map((r) => [r.profile_id, r.n]));
}

export async function profileUserCount(db: Kysely<DB>, profileId: number): Promise<number> {
  return (await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('profile_id', '=', profileId).executeTakeFirstOrThrow()).n;
}

/** A prepared statement, so `profiles set` (and its dry run) runs without the query builder. */
export function updateProfileSettings(db: Sqlite, profileId: number, values: readonly { key: string; value: string }[]): void {
  const update = db.prepare('UPDATE profile_settings SET value = ? WHERE profile_id = ? AND key = ?');
  for (const { key, value } of values) update.run(value, profileId, key);
}

/** A new profile with a copy of another profile's settings. */
export async function createProfile(db: Kysely<DB>, profile: { name: string; level: number; role: string }, likeId: number): Promise<void> {
  const { insertId } = await db
    .insertInto('profiles')
    .values({ name: profile.name, level: profile.level, role_in_hierarchy: profile.role })
    .executeTakeFirstOrThrow();
  const id = Number(insertId);
  await db
    .insertInto('profile_settings')
    .columns(['profile_id', 'key', 'value'])
    .expression((eb) => eb.selectFrom('profile_settings').select([eb.val(id).as('profile_id'), 'key', 'value']).where('profile_id', '=', likeId))
    .execute();
}

export async function renameProfile(db: Kysely<DB>, profileId: number, name: string): Promise<void> {
  await db.updateTable('profiles').set({ name }).where('id', '=', profileId).execute();
}

export async function updateProfile(db: Kysely<DB>, profileId: number, level: number, role: string): Promise<void> {
  await db.updateTable('profiles').set({ level, role_in_hierarchy: role }).where('id', '=', profileId).execute();
}

/** Deletes the profile with its policy assignments (its settings go with it). */
export async function deleteProfile(db: Kysely<DB>, profileId: number): Promise<void> {
  await db.deleteFrom('policy_assignments').where('target_kind', '=', 'profile').where('target_id', '=', profileId).execute();
  await db.deleteFrom('profiles').where('id', '=', profileId).execute();
}

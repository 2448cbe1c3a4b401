// users: username,name,email,external_id,profile,units. The units cell lists the user's
// memberships (separated by ;) and replaces them; roles per membership are the memberships kind.
// This is the hot path of a school-year import: prepared statements only, no per-row query builder.

import { EMAIL_RE, checkUsernameCell, err, someOf, type BulkKind, type CellError } from '../kind.js';

interface UserData {
  existingId: number | undefined;
  username: string;
  name: string | undefined;
  email: string | null | undefined;
  externalId: string | null | undefined;
  profileId: number;
  units: string[] | undefined;
  unitsChanged: boolean;
}

export const usersKind: BulkKind<UserData> = {
  name: 'users',
  summary: 'users with their profile and unit memberships',
  right: 'user-and-access-rights-management',
  entity: 'user',
  columns: [
    { name: 'username', required: true, about: 'unique login name' },
    { name: 'name', about: 'display name (default: the username)' },
    { name: 'email', about: 'email address, may be empty' },
    { name: 'external_id', about: 'id in the source system, unique, may be empty' },
    { name: 'profile', required: true, about: 'a profile name, or an external role its Map from profile names (Learner → Student)' },
    { name: 'units', about: 'unit ids separated by ; (replaces the memberships)' },
  ],
  key: ['username'],
  ownDuplicateCheck: true,
  checkedTables: ['users', 'memberships'],
  open(db, model) {
    const find = db.prepare('SELECT id, name, email, external_id, profile_id FROM users WHERE username = ?');
    const byExternal = db.prepare('SELECT username FROM users WHERE external_id = ?').pluck();
    const unitsOf = db.prepare('SELECT unit_id FROM memberships WHERE user_id = ? ORDER BY unit_id').pluck();
    const insert = db.prepare('INSERT INTO users (username, name, email, external_id, profile_id, source) VALUES (?, ?, ?, ?, ?, ?)');
    const update = db.prepare('UPDATE users SET name = ?, email = ?, external_id = ?, profile_id = ? WHERE id = ?');
    const join = db.prepare('INSERT OR IGNORE INTO memberships (user_id, unit_id, role, source) VALUES (?, ?, NULL, ?)');
    const leave = db.prepare('DELETE FROM memberships WHERE user_id = ? AND unit_id = ?');
    const profileName = new Map([...model.profiles.values()].map((p) => [p.id, p.name]));
    // Users created by this run have ids above maxBefore; users that existed are marked once seen.
    const maxBefore = (db.prepare('SELECT coalesce(max(id), 0) FROM users').pluck().get() as number) ?? 0;
    const seen = new Uint8Array(maxBefore + 1);
    // On an empty table (the first load of a school year) no row can exist but one of this run, which
    // the unique indexes catch on insert: the two lookups per row are skipped.
    const emptyAtStart = maxBefore === 0;
    return {
      check(row, detail) {
        const errors: CellError[] = [];
        const username = row.get('username');
        checkUsernameCell('username', username, errors);
        const name = row.has('name') ? row.get('name').trim() || username : undefined;
        let email: string | null | undefined;
        if (row.has('email')) {
          email = row.get('email').trim() || null;
          if (email !== null && !EMAIL_RE.test(email)) errors.push(err('email', email, 'an email address', 'name@example.org, or empty'));
        }
        const externalId = row.has('external_id') ? row.get('external_id').trim() || null : undefined;
        const rawProfile = row.get('profile').trim();
        const profile = model.profile(rawProfile);
        if (!profile) errors.push(err('profile', rawProfile, 'a profile', model.profileValid()));
        let units: string[] | undefined;
        if (row.has('units')) {
          const cell = row.get('units');
          units = cell === '' ? [] : cell.indexOf(';') < 0 ? [cell.trim()] : cell.split(';').map((u) => u.trim()).filter((u) => u !== '');
          for (const u of units) {
            if (!model.units.has(u)) errors.push(err('units', u, 'a unit', `${someOf([...model.units.keys()].sort())} (import units first)`));
          }
          if (units.length > 1) units = [...new Set(units)].sort();
        }
        const existing = emptyAtStart ? undefined : (find.get(username) as { id: number; name: string; email: string | null; external_id: string | null; profile_id: number } | undefined);
        if (existing) {
          if (existing.id > maxBefore || seen[existing.id]) errors.push(err('username', username, 'unique in the file', 'each username on one row only'));
          else seen[existing.id] = 1;
          model.knownUser(username, existing.id);
        }
        if (externalId && !emptyAtStart && (!existing || existing.external_id !== externalId)) {
          const owner = byExternal.get(externalId) as string | undefined;
          if (owner !== undefined && owner !== username) errors.push(err('external_id', externalId, 'unused', `an external id that no other user has (${owner} has it)`));
        }
        if (errors.length) return { errors };
        if (!existing || existing.profile_id !== profile!.id) model.assignedProfiles.add(profile!.name);
        const data: UserData = { existingId: existing?.id, username, name, email, externalId, profileId: profile!.id, units, unitsChanged: false };
        if (!existing) {
          return {
            status: 'create',
            id: username,
            after: detail ? { name: name ?? username, email: email ?? null, externalId: externalId ?? null, profile: profile!.name, units: units ?? [] } : null,
            data,
          };
        }
        const before = { name: existing.name, email: existing.email, externalId: existing.external_id, profile: profileName.get(existing.profile_id) ?? String(existing.profile_id) };
        const after = {
          name: name ?? existing.name,
          email: email === undefined ? existing.email : email,
          externalId: externalId === undefined ? existing.external_id : externalId,
          profile: profile!.name,
        };
        let same = before.name === after.name && before.email === after.email && before.externalId === after.externalId && existing.profile_id === profile!.id;
        if (units !== undefined) {
          const had = unitsOf.all(existing.id) as string[];
          if (had.length !== units.length || had.some((u, i) => u !== units![i])) {
            data.unitsChanged = true;
            same = false;
            return { status: 'update', id: username, before: { ...before, units: had }, after: { ...after, units }, data };
          }
        }
        return same ? { status: 'same', id: username, data } : { status: 'update', id: username, before, after, data };
      },
      apply(v) {
        const d = v.data;
        if (d.existingId === undefined) {
          let id: number;
          try {
            id = Number(insert.run(d.username, d.name ?? d.username, d.email ?? null, d.externalId ?? null, d.profileId, model.source).lastInsertRowid);
          } catch (e) {
            const msg = (e as Error).message;
            if (msg.includes('users.username')) return [err('username', d.username, 'unique in the file', 'each username on one row only')];
            if (msg.includes('users.external_id')) return [err('external_id', d.externalId ?? '', 'unused', 'an external id that no other user has')];
            throw e;
          }
          model.knownUser(d.username, id);
          if (d.units) for (const u of d.units) join.run(id, u, model.source);
          return;
        }
        const a = v.after as { name: string; email: string | null; externalId: string | null };
        update.run(a.name, a.email, a.externalId, d.profileId, d.existingId);
        if (d.unitsChanged && d.units) {
          const had = unitsOf.all(d.existingId) as string[];
          for (const u of had) if (!d.units.includes(u)) leave.run(d.existingId, u);
          for (const u of d.units) join.run(d.existingId, u, model.source);
        }
      },
    };
  },
  *exportRows(db) {
    const rows = db
      .prepare(
        `SELECT u.username, u.name, coalesce(u.email, '') AS email, coalesce(u.external_id, '') AS external_id, p.name AS profile,
           coalesce((SELECT group_concat(unit_id, ';') FROM (SELECT unit_id FROM memberships WHERE user_id = u.id ORDER BY unit_id)), '') AS units
         FROM users u JOIN profiles p ON p.id = u.profile_id ORDER BY u.username`,
      )
      .raw()
      .iterate() as Iterable<string[]>;
    yield* rows;
  },
};

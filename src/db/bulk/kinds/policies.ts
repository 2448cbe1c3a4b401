// policies (name,org), policy-settings (policy,setting,value) and policy-assignments
// (policy,kind,target,via_unit). A via_unit records the unit shortcut that assigned a user
// (DOMAIN.md §3); it is kept for the record and does not assign anyone by itself.

import { findSetting, nearestKey, normaliseValue, validValues } from '../../../model/settings-catalogue.js';
import { err, someOf, type BulkKind, type CellError, type ModelCache, userCell } from '../kind.js';
import { isPolicyName } from '../../stores/lookups.js';

export const policiesKind: BulkKind<{ id: number | undefined; name: string; org: string | null }> = {
  name: 'policies',
  summary: 'policies and the organisation that owns each (site or a school)',
  entity: 'policy',
  right: 'policy-management',
  columns: [
    { name: 'name', required: true, about: 'policy name' },
    { name: 'org', about: 'the owning school, empty for the site' },
  ],
  key: ['name'],
  open(db, model) {
    const insert = db.prepare('INSERT INTO policies (name, org_id) VALUES (?, ?)');
    const update = db.prepare('UPDATE policies SET org_id = ? WHERE id = ?');
    return {
      check(row) {
        const errors: CellError[] = [];
        const name = row.get('name').trim();
        if (!isPolicyName(name)) errors.push(err('name', name, 'a policy name', '1–80 printable characters'));
        const org = row.get('org').trim() || null;
        if (org !== null && model.units.get(org)?.kind !== 'school') {
          const schools = [...model.units.entries()].filter(([, u]) => u.kind === 'school').map(([k]) => k).sort();
          errors.push(err('org', org, 'a school', `${someOf(schools)}, or empty for the site`));
        }
        if (errors.length) return { errors };
        const before = model.policies.get(name.toLowerCase());
        const after = { owner: org ?? 'site' };
        if (!before) return { status: 'create', id: name, after, data: { id: undefined, name, org } };
        return { status: before.org === org ? 'same' : 'update', id: before.name, before: { owner: before.org ?? 'site' }, after, data: { id: before.id, name: before.name, org } };
      },
      apply(v) {
        const d = v.data;
        let id = d.id;
        if (id === undefined) id = Number(insert.run(d.name, d.org).lastInsertRowid);
        else update.run(d.org, id);
        model.policies.set(d.name.toLowerCase(), { id, name: d.name, org: d.org });
      },
    };
  },
  *exportRows(db) {
    yield* db.prepare(`SELECT name, coalesce(org_id, '') FROM policies ORDER BY name`).raw().iterate() as Iterable<string[]>;
  },
};

/** The policy a cell names, or one error for the cell: the kinds that refer to policies. */
function policyCell(model: ModelCache, name: string, errors: CellError[]): { id: number; name: string } | undefined {
  const policy = model.policies.get(name.toLowerCase());
  if (!policy) errors.push(err('policy', name, 'a policy', `${someOf([...model.policies.values()].map((p) => p.name).sort())} (import policies first)`));
  return policy;
}

export const policySettingsKind: BulkKind<{ policyId: number; key: string; value: string }> = {
  name: 'policy-settings',
  summary: 'the setting values each policy sets',
  entity: 'policy-setting',
  right: 'policy-management',
  columns: [
    { name: 'policy', required: true, about: 'policy name' },
    { name: 'setting', required: true, about: 'setting key' },
    { name: 'value', required: true, about: 'a value valid for the setting' },
  ],
  key: ['policy', 'setting'],
  open(db, model) {
    const find = db.prepare('SELECT value FROM policy_settings WHERE policy_id = ? AND key = ?').pluck();
    const upsert = db.prepare('INSERT INTO policy_settings (policy_id, key, value) VALUES (?, ?, ?) ON CONFLICT (policy_id, key) DO UPDATE SET value = excluded.value');
    return {
      check(row) {
        const errors: CellError[] = [];
        const policy = policyCell(model, row.get('policy').trim(), errors);
        const key = row.get('setting').trim();
        const def = findSetting(key);
        if (!def) {
          const near = nearestKey(key);
          errors.push(err('setting', key, 'a setting', near ? `did you mean ${near}? (schoolctl profiles settings lists them)` : 'a key from schoolctl profiles settings'));
        } else if (def.notInPolicies) errors.push(err('setting', key, 'a setting policies may set', 'any setting but role in hierarchy and map-from-profile'));
        const raw = row.get('value');
        const value = def ? normaliseValue(def, raw) : null;
        if (def && value === null) errors.push(err('value', raw, `a value for ${key}`, validValues(def)));
        if (errors.length) return { errors };
        const had = find.get(policy!.id, key) as string | undefined;
        const id = `${policy!.name}/${key}`;
        const data = { policyId: policy!.id, key, value: value! };
        if (had === undefined) return { status: 'create', id, after: { value }, data };
        return { status: had === value ? 'same' : 'update', id, before: { value: had }, after: { value }, data };
      },
      apply(v) {
        upsert.run(v.data.policyId, v.data.key, v.data.value);
      },
    };
  },
  *exportRows(db) {
    yield* db.prepare('SELECT p.name, s.key, s.value FROM policy_settings s JOIN policies p ON p.id = s.policy_id ORDER BY p.name, s.key').raw().iterate() as Iterable<string[]>;
  },
};

export const policyAssignmentsKind: BulkKind<{ policyId: number; kind: string; targetId: number; via: string | null }> = {
  name: 'policy-assignments',
  summary: 'which profiles and users each policy is assigned to',
  entity: 'policy-assignment',
  right: 'policy-management',
  columns: [
    { name: 'policy', required: true, about: 'policy name' },
    { name: 'kind', required: true, about: 'profile or user' },
    { name: 'target', required: true, about: 'the profile name or username' },
    { name: 'via_unit', about: 'the unit whose members were assigned at once, or empty' },
  ],
  key: ['policy', 'kind', 'target'],
  open(db, model) {
    const find = db.prepare('SELECT coalesce(via_unit, \'\') FROM policy_assignments WHERE policy_id = ? AND target_kind = ? AND target_id = ?').pluck();
    const upsert = db.prepare(
      'INSERT INTO policy_assignments (policy_id, target_kind, target_id, via_unit) VALUES (?, ?, ?, ?) ON CONFLICT (policy_id, target_kind, target_id) DO UPDATE SET via_unit = excluded.via_unit',
    );
    return {
      check(row) {
        const errors: CellError[] = [];
        const policy = policyCell(model, row.get('policy').trim(), errors);
        const kind = row.get('kind').trim().toLowerCase();
        const target = row.get('target').trim();
        let targetId: number | undefined;
        if (kind === 'profile') {
          targetId = model.profiles.get(target.toLowerCase())?.id;
          if (targetId === undefined) errors.push(err('target', target, 'a profile', model.profileNames().join(', ')));
        } else if (kind === 'user') {
          targetId = userCell(model, 'target', target, errors);
        } else errors.push(err('kind', row.get('kind'), 'an assignment kind', 'profile, user'));
        const via = row.get('via_unit').trim() || null;
        if (via !== null && kind === 'profile') errors.push(err('via_unit', via, 'empty for a profile', 'empty: only users are assigned through a unit'));
        else if (via !== null && !model.units.has(via)) errors.push(err('via_unit', via, 'a unit', someOf([...model.units.keys()].sort())));
        if (errors.length) return { errors };
        const had = find.get(policy!.id, kind, targetId) as string | undefined;
        const id = `${policy!.name}→${kind} ${target}`;
        const data = { policyId: policy!.id, kind, targetId: targetId!, via };
        const show = (v: string | null) => ({ assigned: v ? `via ${v}` : 'directly' });
        if (had === undefined) return { status: 'create', id, after: show(via), data };
        return { status: had === (via ?? '') ? 'same' : 'update', id, before: show(had || null), after: show(via), data };
      },
      apply(v) {
        upsert.run(v.data.policyId, v.data.kind, v.data.targetId, v.data.via);
      },
    };
  },
  *exportRows(db) {
    yield* db
      .prepare(
        `SELECT p.name, a.target_kind, coalesce(pr.name, u.username), coalesce(a.via_unit, '') FROM policy_assignments a
         JOIN policies p ON p.id = a.policy_id
         LEFT JOIN profiles pr ON a.target_kind = 'profile' AND pr.id = a.target_id
         LEFT JOIN users u ON a.target_kind = 'user' AND u.id = a.target_id
         ORDER BY p.name, a.target_kind, 3`,
      )
      .raw()
      .iterate() as Iterable<string[]>;
  },
};

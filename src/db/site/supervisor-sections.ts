// The supervisors' sections of the site file (DOMAIN.md §5), as fixtures/demo-site.yaml
// has them: `supervisorNames` (setting → name), `ilpTemplates` (names),
// `mentors` ({ user, learners, classes }) and `headteachers` ({ user, orgs }). They become rows of
// the supervisor-names, ilp-templates, mentors and headteachers kinds.

import type { Sqlite } from '../open.js';
import { SUPERVISOR_NAME_KEYS } from '../facts/supervisor-facts.js';
import { compact, entryOf, isMap, listOf, scalar, text, texts, type SiteRow, type SiteSection } from './section.js';

const notIn = (db: Sqlite, sql: string, named: Set<string>, what: string, remove: string) => {
  const ids = (db.prepare(sql).pluck().all() as string[]).filter((id) => !named.has(id.toLowerCase()));
  return ids.length ? { what, ids, remove } : undefined;
};

const usersOf = (value: unknown): Set<string> =>
  new Set((Array.isArray(value) ? value : []).map((e) => (isMap(e) ? String(scalar(e.user) ?? '').toLowerCase() : '')));

export const supervisorNamesSection: SiteSection = {
  key: 'supervisorNames',
  toBatches(value, problems) {
    if (value === undefined || value === null) return [];
    if (!isMap(value)) {
      problems.push({ path: 'supervisorNames', message: `is not a mapping of name settings (${Object.values(SUPERVISOR_NAME_KEYS).join(', ')}) to names` });
      return [];
    }
    const rows: SiteRow[] = [];
    for (const [key, raw] of Object.entries(value)) {
      const v = scalar(raw);
      if (v === undefined) problems.push({ path: `supervisorNames.${key}`, message: 'is not a single value' });
      else rows.push({ path: `supervisorNames.${key}`, cells: { setting: key, value: v }, fields: { setting: '', value: '' } });
    }
    return [{ kind: 'supervisor-names', rows }];
  },
  fromModel(db) {
    const find = db.prepare('SELECT value FROM site_settings WHERE key = ?').pluck();
    const out: Record<string, string> = {};
    for (const key of Object.values(SUPERVISOR_NAME_KEYS)) {
      const v = find.get(key) as string | undefined;
      if (v !== undefined) out[key] = v;
    }
    return Object.keys(out).length ? out : undefined;
  },
};

export const ilpTemplatesSection: SiteSection = {
  key: 'ilpTemplates',
  toBatches(value, problems) {
    const rows: SiteRow[] = [];
    listOf(value, 'ilpTemplates', problems, 'ILP template names').forEach((raw, i) => {
      const name = scalar(raw);
      if (name === undefined) problems.push({ path: `ilpTemplates[${i}]`, message: 'is not a single value (a template name)' });
      else rows.push({ path: `ilpTemplates[${i}]`, cells: { name }, fields: { name: '' } });
    });
    return [{ kind: 'ilp-templates', rows }];
  },
  fromModel(db) {
    const names = db.prepare('SELECT name FROM ilp_templates ORDER BY name').pluck().all() as string[];
    return names.length ? names : undefined;
  },
  notInFile(db, value) {
    const named = new Set((Array.isArray(value) ? value : []).map((v) => String(scalar(v) ?? '').trim().toLowerCase()));
    return notIn(db, 'SELECT name FROM ilp_templates ORDER BY name', named, 'ILP template(s)', 'remove with schoolctl ilp-templates remove NAME');
  },
};

export const mentorsSection: SiteSection = {
  key: 'mentors',
  toBatches(value, problems) {
    const rows: SiteRow[] = [];
    listOf(value, 'mentors', problems, 'mentors').forEach((raw, i) => {
      const path = `mentors[${i}]`;
      const e = entryOf(raw, path, problems, ['user', 'learners', 'classes']);
      if (!e) return;
      const user = text(e, 'user', path, problems, true);
      if (user === undefined) return;
      const learners = texts(e, 'learners', path, problems) ?? [];
      const classes = texts(e, 'classes', path, problems) ?? [];
      const fields = (extra: Record<string, string>) => ({ mentor: 'user', ...extra });
      if (!learners.length && !classes.length) rows.push({ path, cells: { mentor: user, learner: '', class: '' }, fields: fields({}) });
      learners.forEach((l, j) => rows.push({ path, cells: { mentor: user, learner: l, class: '' }, fields: fields({ learner: `learners[${j}]` }) }));
      classes.forEach((c, j) => rows.push({ path, cells: { mentor: user, learner: '', class: c }, fields: fields({ class: `classes[${j}]` }) }));
    });
    return [{ kind: 'mentors', rows }];
  },
  fromModel(db) {
    const mentors = db.prepare('SELECT u.id, u.username FROM mentors t JOIN users u ON u.id = t.user_id ORDER BY u.username').all() as { id: number; username: string }[];
    if (!mentors.length) return undefined;
    const learners = db.prepare('SELECT u.username FROM mentor_learners ml JOIN users u ON u.id = ml.learner_id WHERE ml.mentor_id = ? ORDER BY 1').pluck();
    const classes = db.prepare('SELECT unit_id FROM mentor_classes WHERE mentor_id = ? ORDER BY 1').pluck();
    return mentors.map((m) => {
      const l = learners.all(m.id) as string[];
      const c = classes.all(m.id) as string[];
      return compact({ user: m.username, learners: l.length ? l : undefined, classes: c.length ? c : undefined });
    });
  },
  notInFile(db, value) {
    return notIn(db, 'SELECT u.username FROM mentors t JOIN users u ON u.id = t.user_id ORDER BY 1', usersOf(value), 'mentor(s)', 'remove with schoolctl supervisor remove-mentor USERNAME');
  },
};

export const headteachersSection: SiteSection = {
  key: 'headteachers',
  toBatches(value, problems) {
    const rows: SiteRow[] = [];
    listOf(value, 'headteachers', problems, 'headteachers').forEach((raw, i) => {
      const path = `headteachers[${i}]`;
      const e = entryOf(raw, path, problems, ['user', 'orgs']);
      if (!e) return;
      const user = text(e, 'user', path, problems, true);
      if (user === undefined) return;
      const orgs = texts(e, 'orgs', path, problems) ?? [];
      if (!orgs.length) rows.push({ path, cells: { headteacher: user, org: '' }, fields: { headteacher: 'user' } });
      orgs.forEach((o, j) => rows.push({ path, cells: { headteacher: user, org: o }, fields: { headteacher: 'user', org: `orgs[${j}]` } }));
    });
    return [{ kind: 'headteachers', rows }];
  },
  fromModel(db) {
    const heads = db.prepare('SELECT u.id, u.username FROM headteachers t JOIN users u ON u.id = t.user_id ORDER BY u.username').all() as { id: number; username: string }[];
    if (!heads.length) return undefined;
    const orgs = db.prepare('SELECT unit_id FROM headteacher_orgs WHERE user_id = ? ORDER BY 1').pluck();
    return heads.map((h) => {
      const o = orgs.all(h.id) as string[];
      return compact({ user: h.username, orgs: o.length ? o : undefined });
    });
  },
  notInFile(db, value) {
    return notIn(
      db,
      'SELECT u.username FROM headteachers t JOIN users u ON u.id = t.user_id ORDER BY 1',
      usersOf(value),
      'headteacher(s)',
      'remove with schoolctl supervisor remove-headteacher USERNAME',
    );
  },
};

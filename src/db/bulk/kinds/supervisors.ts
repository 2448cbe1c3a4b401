// Supervisors (DOMAIN.md §5) as bulk kinds: ilp-templates (name), mentors (mentor,learner,class:
// one row per direct learner or class, both empty for a mentor with neither), headteachers
// (headteacher,org) and supervisor-names (setting,value). Each row is checked exactly as the
// `supervisor add-mentor` / `add-headteacher` / `settings` and `ilp-templates add` commands check it.

import { checkRole, selfSupervision, type SupervisorRole } from '../../../model/supervisor-rules.js';
import type { Sqlite } from '../../open.js';
import { createFacts } from '../../facts/sqlite-facts.js';
import { SUPERVISOR_NAME_KEYS } from '../../facts/supervisor-facts.js';
import { addHeadteacher, addIlpTemplate, addMentor, eligibleOrgs, setName } from '../../stores/supervisor-store.js';
import { SiteRowView } from '../../site/section.js';
import { err, someOf, type BulkKind, type CellError, type ModelCache, type Row, userCell } from '../kind.js';

const RIGHT = 'supervisor-management';

const printable = (v: string, max: number) => v.length > 0 && v.length <= max && !/[\u0000-\u001f]/.test(v);

export const ilpTemplatesKind: BulkKind<{ name: string }> = {
  name: 'ilp-templates',
  summary: 'Individual Learning Plan templates',
  entity: 'ilp-template',
  right: RIGHT,
  columns: [{ name: 'name', required: true, about: 'the template name (1–80 printable characters)' }],
  key: ['name'],
  open(db) {
    const find = db.prepare('SELECT name FROM ilp_templates WHERE name = ?').pluck();
    return {
      check(row) {
        const name = row.get('name').trim();
        if (!printable(name, 80)) return { errors: [err('name', row.get('name'), 'a valid ILP template name', '1–80 printable characters')] };
        const had = find.get(name) as string | undefined;
        return had === undefined ? { status: 'create', id: name, after: { template: name }, data: { name } } : { status: 'same', id: had, data: { name } };
      },
      apply(v) {
        addIlpTemplate(db, v.data.name, new Date().toISOString());
      },
    };
  },
  *exportRows(db) {
    yield* db.prepare('SELECT name FROM ilp_templates ORDER BY name').raw().iterate() as Iterable<string[]>;
  },
};

/**
 * Whether a user may hold a supervisor role: an existing user whose effective mentor-role or
 * headteacher-role is on (profile and policies, as `supervisor add-*` judges it). Cached per user.
 */
function roleChecker(db: Sqlite, model: ModelCache, role: SupervisorRole, column: string) {
  const facts = createFacts(db);
  const seen = new Map<string, { id: number } | CellError>();
  return (username: string): { id: number } | CellError => {
    const cached = seen.get(username);
    if (cached) return cached;
    let out: { id: number } | CellError;
    const id = model.userId(username);
    const subject = id === undefined ? undefined : facts.user(username);
    if (id === undefined || !subject) out = err(column, username, 'a user', 'an existing username (import users first)');
    else {
      const c = checkRole(facts, subject, role);
      if (c.on) out = { id };
      else {
        const source = c.trace[c.trace.length - 1]?.source;
        const where =
          source?.kind === 'policy' ? `policy ${String(source.policy)} (applied to ${String(source.appliedTo)}) switches it off` : `profile ${subject.profile.name} has it off`;
        out = err(column, username, `a user whose ${role}-role is on (${where})`, c.fixes.length ? `a user whose ${role}-role is on, or switch it on: ${c.fixes.join(' && ')}` : `a user whose ${role}-role is on`);
      }
    }
    seen.set(username, out);
    return out;
  };
}

/**
 * A site-file entry (one mentor with many learners) becomes several rows with the same path for the
 * user: its problem is reported once per entry, not once per row. CSV lines each report their own.
 */
function oncePerEntry() {
  const reported = new Set<string>();
  return (row: Row, e: CellError): boolean => {
    if (!(row instanceof SiteRowView)) return true;
    const key = `${row.site.path}\u0000${e.column}\u0000${e.value}`;
    if (reported.has(key)) return false;
    reported.add(key);
    return true;
  };
}

interface MentorData {
  mentorId: number;
  learnerId: number | null;
  unit: string | null;
}

export const mentorsKind: BulkKind<MentorData> = {
  name: 'mentors',
  summary: 'mentors with their direct learners and classes (one row each; both empty for a mentor with neither)',
  entity: 'mentor',
  right: RIGHT,
  columns: [
    { name: 'mentor', required: true, about: 'the mentor: a user whose mentor-role is on' },
    { name: 'learner', about: 'a learner the mentor has directly, or empty' },
    { name: 'class', about: 'a class or group whose learners the mentor has, or empty' },
  ],
  key: ['mentor', 'learner', 'class'],
  open(db, model) {
    const mentor = roleChecker(db, model, 'mentor', 'mentor');
    const fresh = oncePerEntry();
    const facts = createFacts(db);
    const isMentor = db.prepare('SELECT 1 FROM mentors WHERE user_id = ?').pluck();
    const hasLearner = db.prepare('SELECT 1 FROM mentor_learners WHERE mentor_id = ? AND learner_id = ?').pluck();
    const hasClass = db.prepare('SELECT 1 FROM mentor_classes WHERE mentor_id = ? AND unit_id = ?').pluck();
    const classes = () => [...model.units.entries()].filter(([, u]) => u.kind === 'class' || u.kind === 'group').map(([id]) => id).sort();
    return {
      check(row) {
        const errors: CellError[] = [];
        const username = row.get('mentor').trim();
        const m = mentor(username);
        if ('column' in m && fresh(row, m)) errors.push(m);
        const learner = row.get('learner').trim();
        let learnerId: number | null = null;
        if (learner) {
          const id = userCell(model, 'learner', learner, errors);
          if (id !== undefined && !facts.isLearner(id)) errors.push(err('learner', learner, 'a learner', 'a user whose hierarchy role is student in some unit or by profile'));
          else if (id !== undefined) learnerId = id;
        }
        const unit = row.get('class').trim();
        if (unit) {
          const u = model.units.get(unit);
          if (!u || (u.kind !== 'class' && u.kind !== 'group')) errors.push(err('class', unit, 'a class or group', someOf(classes())));
        }
        if (errors.length === 0 && !('column' in m)) {
          const self = selfSupervision(facts, facts.user(username)!, 'mentor', { learners: learner ? [learner] : [], units: unit ? [unit] : [] });
          if (self) errors.push(err(learner ? 'learner' : 'class', learner || unit, `a learner other than ${username}, or a class or group ${username} is not a learner in`, self));
        }
        if (errors.length || 'column' in m) return { errors };
        const mentorId = (m as { id: number }).id;
        const data = { mentorId, learnerId, unit: unit || null };
        const id = [username, learner, unit].filter(Boolean).join('/');
        const exists = learnerId !== null ? hasLearner.get(mentorId, learnerId) : unit ? hasClass.get(mentorId, unit) : isMentor.get(mentorId);
        if (exists) return { status: 'same', id, data };
        return { status: 'create', id, after: compactPart({ learner, class: unit }), data };
      },
      apply(v) {
        addMentor(db, v.data.mentorId, v.data.learnerId === null ? [] : [v.data.learnerId], v.data.unit === null ? [] : [v.data.unit]);
      },
    };
  },
  *exportRows(db) {
    yield* db
      .prepare(
        `SELECT u.username, coalesce(l.username, ''), coalesce(r.unit_id, '') FROM mentors t JOIN users u ON u.id = t.user_id
         LEFT JOIN (SELECT mentor_id, learner_id, NULL AS unit_id, 0 AS part FROM mentor_learners
                    UNION ALL SELECT mentor_id, NULL, unit_id, 1 FROM mentor_classes) r ON r.mentor_id = t.user_id
         LEFT JOIN users l ON l.id = r.learner_id
         ORDER BY u.username, r.part, l.username, r.unit_id`,
      )
      .raw()
      .iterate() as Iterable<string[]>;
  },
};

function compactPart(o: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = { mentor: true };
  for (const [k, v] of Object.entries(o)) if (v) out[k] = v;
  return out;
}

export const headteachersKind: BulkKind<{ userId: number; org: string | null }> = {
  name: 'headteachers',
  summary: 'headteachers with the schools and organisations they head (one row each)',
  entity: 'headteacher',
  right: RIGHT,
  columns: [
    { name: 'headteacher', required: true, about: 'the headteacher: a user whose headteacher-role is on' },
    { name: 'org', about: 'a school or organisation the headteacher belongs to (directly or through a unit below it), or empty' },
  ],
  key: ['headteacher', 'org'],
  open(db, model) {
    const head = roleChecker(db, model, 'headteacher', 'headteacher');
    const facts = createFacts(db);
    const fresh = oncePerEntry();
    const isHead = db.prepare('SELECT 1 FROM headteachers WHERE user_id = ?').pluck();
    const hasOrg = db.prepare('SELECT 1 FROM headteacher_orgs WHERE user_id = ? AND unit_id = ?').pluck();
    return {
      check(row) {
        const errors: CellError[] = [];
        const username = row.get('headteacher').trim();
        const h = head(username);
        if ('column' in h && fresh(row, h)) errors.push(h);
        const org = row.get('org').trim();
        if (org) {
          const u = model.units.get(org);
          if (!u || (u.kind !== 'school' && u.kind !== 'organisation')) {
            const orgs = [...model.units.entries()].filter(([, x]) => x.kind === 'school' || x.kind === 'organisation').map(([id]) => id).sort();
            errors.push(err('org', org, 'a school or organisation', someOf(orgs)));
          } else {
            const userId = model.userId(username);
            if (userId !== undefined) {
              const allowed = eligibleOrgs(db, userId);
              if (!allowed.includes(org)) {
                errors.push(err('org', org, `a school or organisation ${username} belongs to (directly or through a unit below it)`, allowed.join(', ') || `none (${username} belongs to no school or organisation)`));
              }
            }
          }
        }
        if (errors.length === 0 && !('column' in h) && org) {
          const self = selfSupervision(facts, facts.user(username)!, 'headteacher', { units: [org] });
          if (self) errors.push(err('org', org, `a school or organisation ${username} is not a learner in`, self));
        }
        if (errors.length || 'column' in h) return { errors };
        const userId = (h as { id: number }).id;
        const data = { userId, org: org || null };
        const id = org ? `${username}/${org}` : username;
        const exists = org ? hasOrg.get(userId, org) : isHead.get(userId);
        if (exists) return { status: 'same', id, data };
        return { status: 'create', id, after: org ? { headteacher: true, org } : { headteacher: true }, data };
      },
      apply(v) {
        addHeadteacher(db, v.data.userId, v.data.org === null ? [] : [v.data.org]);
      },
    };
  },
  *exportRows(db) {
    yield* db
      .prepare(
        `SELECT u.username, coalesce(o.unit_id, '') FROM headteachers t JOIN users u ON u.id = t.user_id
         LEFT JOIN headteacher_orgs o ON o.user_id = t.user_id ORDER BY u.username, o.unit_id`,
      )
      .raw()
      .iterate() as Iterable<string[]>;
  },
};

const NAME_SETTINGS = Object.values(SUPERVISOR_NAME_KEYS) as string[];

export const supervisorNamesKind: BulkKind<{ key: string; value: string }> = {
  name: 'supervisor-names',
  summary: 'the renamable names of the supervisor roles and tools (supervisor settings)',
  entity: 'site-setting',
  right: RIGHT,
  columns: [
    { name: 'setting', required: true, about: NAME_SETTINGS.join(', ') },
    { name: 'value', required: true, about: '1–60 printable characters' },
  ],
  key: ['setting'],
  open(db) {
    const find = db.prepare('SELECT value FROM site_settings WHERE key = ?').pluck();
    return {
      check(row) {
        const errors: CellError[] = [];
        const key = row.get('setting').trim().toLowerCase();
        if (!NAME_SETTINGS.includes(key)) errors.push(err('setting', row.get('setting'), 'a supervisor name setting', NAME_SETTINGS.join(', ')));
        const value = row.get('value').trim();
        if (!printable(value, 60)) errors.push(err('value', row.get('value'), 'a valid name', '1–60 printable characters'));
        if (errors.length) return { errors };
        const had = find.get(key) as string | undefined;
        const data = { key, value };
        if (had === undefined) return { status: 'create', id: key, after: { value }, data };
        return { status: had === value ? 'same' : 'update', id: key, before: { value: had }, after: { value }, data };
      },
      apply(v) {
        setName(db, v.data.key, v.data.value);
      },
    };
  },
  *exportRows(db) {
    const find = db.prepare('SELECT value FROM site_settings WHERE key = ?').pluck();
    for (const key of NAME_SETTINGS) {
      const v = find.get(key) as string | undefined;
      if (v !== undefined) yield [key, v];
    }
  },
};

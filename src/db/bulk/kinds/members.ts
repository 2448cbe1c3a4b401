// enrolments (course,username,role) and project-members (project,username).

import { err, type BulkKind, type CellError, userCell } from '../kind.js';
import { unknownIn } from './places.js';

const COURSE_ROLES = ['teacher', 'learner'];

export const enrolmentsKind: BulkKind<{ course: string; userId: number; role: string }> = {
  name: 'enrolments',
  summary: 'course members: teachers and learners',
  entity: 'course-member',
  right: 'course-management',
  columns: [
    { name: 'course', required: true, about: 'the course' },
    { name: 'username', required: true, about: 'the member' },
    { name: 'role', required: true, about: COURSE_ROLES.join(' or ') },
  ],
  key: ['course', 'username'],
  open(db, model) {
    const find = db.prepare('SELECT role FROM course_members WHERE course_id = ? AND user_id = ?').pluck();
    const upsert = db.prepare('INSERT INTO course_members (course_id, user_id, role, source) VALUES (?, ?, ?, ?) ON CONFLICT (course_id, user_id) DO UPDATE SET role = excluded.role');
    return {
      check(row) {
        const errors: CellError[] = [];
        const course = row.get('course').trim();
        if (!model.courses.has(course)) errors.push(unknownIn('course', course, model.courses, 'course'));
        const username = row.get('username').trim();
        const userId = userCell(model, 'username', username, errors);
        const role = row.get('role').trim().toLowerCase();
        if (!COURSE_ROLES.includes(role)) errors.push(err('role', row.get('role'), 'a course role', COURSE_ROLES.join(', ')));
        if (errors.length) return { errors };
        const had = find.get(course, userId) as string | undefined;
        const id = `${course}/${username}`;
        const data = { course, userId: userId!, role };
        if (had === undefined) return { status: 'create', id, after: { role }, data };
        return { status: had === role ? 'same' : 'update', id, before: { role: had }, after: { role }, data };
      },
      apply(v) {
        upsert.run(v.data.course, v.data.userId, v.data.role, model.source);
      },
    };
  },
  *exportRows(db) {
    yield* db
      .prepare(`SELECT m.course_id, u.username, m.role FROM course_members m JOIN users u ON u.id = m.user_id ORDER BY m.course_id, u.username`)
      .raw()
      .iterate() as Iterable<string[]>;
  },
};

export const projectMembersKind: BulkKind<{ project: string; userId: number }> = {
  name: 'project-members',
  summary: 'project members',
  entity: 'project-member',
  right: 'project-management',
  columns: [
    { name: 'project', required: true, about: 'the project' },
    { name: 'username', required: true, about: 'the member' },
  ],
  key: ['project', 'username'],
  open(db, model) {
    const find = db.prepare('SELECT 1 FROM project_members WHERE project_id = ? AND user_id = ?').pluck();
    const insert = db.prepare('INSERT OR IGNORE INTO project_members (project_id, user_id) VALUES (?, ?)');
    return {
      check(row) {
        const errors: CellError[] = [];
        const project = row.get('project').trim();
        if (!model.projects.has(project)) errors.push(unknownIn('project', project, model.projects, 'project'));
        const username = row.get('username').trim();
        const userId = userCell(model, 'username', username, errors);
        if (errors.length) return { errors };
        const id = `${project}/${username}`;
        const data = { project, userId: userId! };
        return find.get(project, userId) ? { status: 'same', id, data } : { status: 'create', id, after: { member: true }, data };
      },
      apply(v) {
        insert.run(v.data.project, v.data.userId);
      },
    };
  },
  *exportRows(db) {
    yield* db
      .prepare(`SELECT m.project_id, u.username FROM project_members m JOIN users u ON u.id = m.user_id ORDER BY m.project_id, u.username`)
      .raw()
      .iterate() as Iterable<string[]>;
  },
};

export const parentsKind: BulkKind<{ parentId: number; childId: number }> = {
  name: 'parents',
  summary: 'links between parents and their children',
  entity: 'parent-link',
  right: 'user-and-access-rights-management',
  columns: [
    { name: 'parent', required: true, about: 'the parent user' },
    { name: 'child', required: true, about: 'the child user' },
  ],
  key: ['parent', 'child'],
  open(db, model) {
    const find = db.prepare('SELECT 1 FROM parent_links WHERE parent_id = ? AND child_id = ?').pluck();
    const insert = db.prepare('INSERT OR IGNORE INTO parent_links (parent_id, child_id, source) VALUES (?, ?, ?)');
    return {
      check(row) {
        const errors: CellError[] = [];
        const parent = row.get('parent').trim();
        const child = row.get('child').trim();
        const parentId = userCell(model, 'parent', parent, errors);
        const childId = userCell(model, 'child', child, errors);
        if (childId !== undefined && parent === child) errors.push(err('child', child, 'another user than the parent', 'a child who is not the parent'));
        if (errors.length) return { errors };
        const id = `${parent}→${child}`;
        const data = { parentId: parentId!, childId: childId! };
        return find.get(parentId, childId) ? { status: 'same', id, data } : { status: 'create', id, after: { linked: true }, data };
      },
      apply(v) {
        insert.run(v.data.parentId, v.data.childId, model.source);
      },
    };
  },
  *exportRows(db) {
    yield* db
      .prepare(`SELECT p.username, c.username FROM parent_links l JOIN users p ON p.id = l.parent_id JOIN users c ON c.id = l.child_id ORDER BY 1, 2`)
      .raw()
      .iterate() as Iterable<string[]>;
  },
};

export const shareDetailsKind: BulkKind<{ userId: number; share: number }> = {
  name: 'share-details',
  summary: 'whether users share their detailed information (export lists those who do not)',
  entity: 'user-share-details',
  right: 'user-and-access-rights-management',
  columns: [
    { name: 'username', required: true, about: 'the user' },
    { name: 'share_details', required: true, about: 'on or off' },
  ],
  key: ['username'],
  open(db, model) {
    const find = db.prepare('SELECT share_details FROM users WHERE id = ?').pluck();
    const update = db.prepare('UPDATE users SET share_details = ? WHERE id = ?');
    return {
      check(row) {
        const errors: CellError[] = [];
        const username = row.get('username').trim();
        const userId = userCell(model, 'username', username, errors);
        const raw = row.get('share_details').trim().toLowerCase();
        if (raw !== 'on' && raw !== 'off') errors.push(err('share_details', row.get('share_details'), 'on or off', 'on, off'));
        if (errors.length) return { errors };
        const share = raw === 'on' ? 1 : 0;
        const had = find.get(userId) as number;
        const data = { userId: userId!, share };
        return had === share ? { status: 'same', id: username, data } : { status: 'update', id: username, before: { shareDetails: had === 1 }, after: { shareDetails: share === 1 }, data };
      },
      apply(v) {
        update.run(v.data.share, v.data.userId);
      },
    };
  },
  *exportRows(db) {
    yield* db.prepare(`SELECT username, 'off' FROM users WHERE share_details = 0 ORDER BY username`).raw().iterate() as Iterable<string[]>;
  },
};

// Where `generate` writes: one CSV file per kind (what `import` reads), or straight into a model
// with prepared statements in one transaction (the fast path for benchmarks and scale tests).

import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { GENERATED_KINDS, type GeneratedRow } from '../../model/site-generator.js';
import { rebuildAncestors } from '../stores/hierarchy-store.js';
import type { Sqlite } from '../open.js';
import { csvLine } from './csv.js';
import { findKind } from './registry.js';

export interface Sink {
  write(row: GeneratedRow): Promise<void> | void;
  close(): Promise<void> | void;
}

export class CsvSink implements Sink {
  private readonly files = new Map<string, { stream: WriteStream; buf: string }>();
  readonly counts: Record<string, number> = {};
  constructor(readonly dir: string) {
    for (const k of GENERATED_KINDS) {
      const stream = createWriteStream(join(dir, `${k}.csv`));
      this.files.set(k, { stream, buf: csvLine(findKind(k)!.columns.map((c) => c.name)) });
      this.counts[k] = 0;
    }
  }
  async write(row: GeneratedRow): Promise<void> {
    const f = this.files.get(row.kind)!;
    f.buf += csvLine(row.cells);
    this.counts[row.kind]++;
    if (f.buf.length > 1 << 16) {
      const chunk = f.buf;
      f.buf = '';
      if (!f.stream.write(chunk)) await new Promise<void>((r) => f.stream.once('drain', () => r()));
    }
  }
  async close(): Promise<void> {
    await Promise.all(
      [...this.files.values()].map(
        (f) =>
          new Promise<void>((resolve, reject) => {
            f.stream.on('error', reject);
            f.stream.end(f.buf, () => resolve());
          }),
      ),
    );
  }
}

/** Inserts rows as they come; users get their ids from the insert, kept in a map for the links. */
export class DbSink implements Sink {
  readonly counts: Record<string, number> = {};
  private readonly ids = new Map<string, number>();
  private readonly profiles: Map<string, number>;
  private readonly st;
  constructor(private readonly db: Sqlite) {
    this.profiles = new Map((db.prepare('SELECT name, id FROM profiles').raw().all() as [string, number][]).map(([n, id]) => [n, id]));
    this.st = {
      unit: db.prepare('INSERT INTO units (id, kind, name, parent_id) VALUES (?, ?, ?, ?)'),
      user: db.prepare('INSERT INTO users (username, name, email, external_id, profile_id) VALUES (?, ?, ?, ?, ?)'),
      member: db.prepare('INSERT INTO memberships (user_id, unit_id, role) VALUES (?, ?, NULL)'),
      parent: db.prepare('INSERT OR IGNORE INTO parent_links (parent_id, child_id) VALUES (?, ?)'),
      course: db.prepare('INSERT INTO courses (id, unit_id, name) VALUES (?, ?, ?)'),
      enrol: db.prepare('INSERT INTO course_members (course_id, user_id, role) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET role = excluded.role'),
      project: db.prepare('INSERT INTO projects (id, unit_id, name) VALUES (?, ?, ?)'),
      projectMember: db.prepare('INSERT OR IGNORE INTO project_members (project_id, user_id) VALUES (?, ?)'),
      term: db.prepare('INSERT INTO terms (id, name, starts, ends, org_id) VALUES (?, ?, ?, ?, ?)'),
    };
  }
  write(row: GeneratedRow): void {
    this.counts[row.kind] = (this.counts[row.kind] ?? 0) + 1;
    const c = row.cells as readonly string[];
    switch (row.kind) {
      case 'units':
        this.st.unit.run(c[0], c[1], c[2], c[3] || null);
        break;
      case 'users': {
        const id = Number(this.st.user.run(c[0], c[1], c[2] || null, c[3] || null, this.profiles.get(c[4]) ?? null).lastInsertRowid);
        this.ids.set(c[0], id);
        if (c[5]) for (const u of c[5].split(';')) this.st.member.run(id, u);
        break;
      }
      case 'parents':
        this.st.parent.run(this.ids.get(c[0]), this.ids.get(c[1]));
        break;
      case 'courses':
        this.st.course.run(c[0], c[1], c[2]);
        break;
      case 'enrolments':
        this.st.enrol.run(c[0], this.ids.get(c[1]), c[2]);
        break;
      case 'projects':
        this.st.project.run(c[0], c[1], c[2]);
        break;
      case 'project-members':
        this.st.projectMember.run(c[0], this.ids.get(c[1]));
        break;
      case 'terms':
        this.st.term.run(c[0], c[1], c[2], c[3], c[4] || null);
        break;
    }
  }
  close(): void {
    rebuildAncestors(this.db);
  }
}

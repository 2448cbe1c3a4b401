// An index set aside during a large write is built again with its own definition, also when the
// write fails, and only set aside when the incoming rows outnumber those there.

import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { withIndexAside } from '../src/db/bulk/index-aside';

function db() {
  const d = new Database(':memory:');
  d.exec('CREATE TABLE t (a INTEGER NOT NULL, b INTEGER NOT NULL, PRIMARY KEY (a, b)) WITHOUT ROWID; CREATE INDEX t_b ON t(b, a)');
  d.exec('INSERT INTO t VALUES (1, 1), (1, 2), (2, 1)');
  return d;
}
const sqlOf = (d: Database.Database) => d.prepare("SELECT sql FROM sqlite_master WHERE name = 't_b'").pluck().get();

describe('withIndexAside', () => {
  it('drops the index for a write that outnumbers the table and creates it again as it was', () => {
    const d = db();
    const before = sqlOf(d);
    d.exec('BEGIN');
    const during = withIndexAside(d, 't_b', 4, () => {
      for (let i = 10; i < 14; i++) d.prepare('INSERT INTO t VALUES (?, ?)').run(i, i);
      return sqlOf(d);
    });
    d.exec('COMMIT');
    expect(during).toBeUndefined();
    expect(sqlOf(d)).toBe(before);
    expect(d.prepare('EXPLAIN QUERY PLAN SELECT a FROM t WHERE b = 12').all().map((r) => (r as { detail: string }).detail).join()).toMatch(/t_b/);
    expect(d.prepare('SELECT count(*) FROM t INDEXED BY t_b WHERE b >= 0').pluck().get()).toBe(7);
  });

  it('keeps the index while the write is not larger than the table, and outside a transaction', () => {
    const d = db();
    d.exec('BEGIN');
    expect(withIndexAside(d, 't_b', 3, () => sqlOf(d))).toBeDefined();
    d.exec('COMMIT');
    expect(withIndexAside(d, 't_b', 1000, () => sqlOf(d))).toBeDefined();
  });

  it('creates the index again when the write throws, and a rollback leaves the table as it was', () => {
    const d = db();
    d.exec('BEGIN');
    expect(() =>
      withIndexAside(d, 't_b', 10, () => {
        d.prepare('INSERT INTO t VALUES (5, 5)').run();
        throw new Error('refused');
      }),
    ).toThrow('refused');
    expect(sqlOf(d)).toBeDefined();
    d.exec('ROLLBACK');
    expect(sqlOf(d)).toBeDefined();
    expect(d.prepare('SELECT count(*) FROM t').pluck().get()).toBe(3);
  });
});

// Where an access test file's assertions are judged: a model file, or a site file applied to a
// temporary in-memory model; and what `test --write` asks about a site.

import { readFileSync } from 'node:fs';
import type { SiteQuestions } from '../../model/access-test-pins.js';
import type { Facts } from '../../model/facts.js';
import { LEARNER_MEMBERSHIP } from '../facts/supervisor-facts.js';
import { scratchModel, type Sqlite } from '../open.js';
import { loadSite } from '../site/site-loader.js';
import { parseSiteText } from '../site/site-file.js';
import { seedDefaultProfiles } from '../stores/profiles-store.js';

/** A temporary model holding the site file, through apply's own path (a new model, then the file). */
export async function siteFileModel(path: string): Promise<Sqlite> {
  const doc = parseSiteText(readFileSync(path, 'utf8'), path);
  const db = await scratchModel();
  db.exec('BEGIN');
  try {
    seedDefaultProfiles(db);
    loadSite(db, doc as Record<string, unknown>);
    db.exec('COMMIT');
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}

/** The site's supervisors, classes with learners, schools and the term behaviour is pinned to. */
export function siteQuestions(db: Sqlite, facts: Facts, today: string): SiteQuestions {
  const supervisors = [...new Set([...facts.mentorUsernames(), ...facts.headteacherUsernames()])].sort();
  const rows = db
    .prepare(
      `SELECT c.id, c.name, u.username AS learner
       FROM units c JOIN memberships m ON m.unit_id = c.id JOIN users u ON u.id = m.user_id
       WHERE c.kind IN ('class', 'group') AND ${LEARNER_MEMBERSHIP}
       ORDER BY c.id, u.username`,
    )
    .all() as { id: string; name: string; learner: string }[];
  // Each class is asked about through its first learner who does not already stand for another.
  const byClass = new Map<string, { name: string; learners: string[] }>();
  for (const r of rows) {
    const c = byClass.get(r.id) ?? { name: r.name, learners: [] };
    c.learners.push(r.learner);
    byClass.set(r.id, c);
  }
  const used = new Set<string>();
  const classes = [...byClass].map(([id, c]) => {
    const learner = c.learners.find((l) => !used.has(l)) ?? c.learners[0];
    used.add(learner);
    return { id, name: c.name, learner, learners: c.learners.length };
  });
  const schools = db.prepare(`SELECT id, name FROM units WHERE kind = 'school' ORDER BY id`).all() as { id: string; name: string }[];
  // A site term (one that covers every school): the one containing today, else the one that started last.
  const term = db
    .prepare(
      `SELECT id FROM terms ORDER BY org_id IS NOT NULL, (starts <= @today AND ends >= @today) DESC, CASE WHEN starts <= @today THEN starts END DESC, starts LIMIT 1`,
    )
    .pluck()
    .get({ today }) as string | undefined;
  return { supervisors, classes, schools, term };
}

// `export site` writes the site file a section and a list entry at a time (memory stays flat as the
// site grows): the streamed text must be exactly what stringifying the whole document gives.

import { afterAll, describe, expect, it } from 'vitest';
import { openModel, type Sqlite } from '../src/db/open.js';
import { exportSiteText, siteText } from '../src/db/site/site-file.js';
import { demoDb, generatedDb, run } from './helpers';

const opened: Sqlite[] = [];
afterAll(() => opened.forEach((db) => db.close()));

async function check(path: string, users: number) {
  const db = await openModel(path, { mode: 'read' });
  opened.push(db);
  for (const format of ['yaml', 'json'] as const) {
    const pieces = [...siteText(db, format)];
    const whole = exportSiteText(db, format);
    // Really in pieces: at least one per user.
    expect(pieces.length).toBeGreaterThan(users);
    expect(pieces.join('') === whole).toBe(true);
  }
  // And what the command writes is that text.
  expect(run(path, 'export', 'site').stdout).toBe(exportSiteText(db, 'yaml'));
}

describe('export site in pieces', () => {
  it('gives the whole-document text on the demo', async () => {
    await check(demoDb(), 10);
  });

  it('gives the whole-document text on a generated 2,000-user site', async () => {
    await check(generatedDb(2000, 3), 2000);
  });
});

// The site file read in pieces (a section and a list entry at a time, for memory) gives exactly
// what the whole-document parse gives: the same value for every input it splits, the same error
// for every input it does not, and it is really used for the export's shapes.

import { afterEach, describe, expect, it } from 'vitest';
import { parseSiteText } from '../src/db/site/site-file.js';
import { SiteItems } from '../src/db/site/section.js';

function plain(doc: unknown): unknown {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return doc;
  return Object.fromEntries(Object.entries(doc).map(([k, v]) => [k, v instanceof SiteItems ? Array.from({ length: v.length }, (_, i) => v.at(i)) : v]));
}

function outcome(text: string, whole: boolean): { value?: unknown; error?: string; pieces?: boolean } {
  if (whole) process.env.SCHOOLCTL_SITE_PARSE = 'whole';
  else delete process.env.SCHOOLCTL_SITE_PARSE;
  try {
    const doc = parseSiteText(text, 'site.yaml');
    const pieces = !!doc && typeof doc === 'object' && Object.values(doc).some((v) => v instanceof SiteItems);
    return { value: plain(doc), pieces };
  } catch (e) {
    return { error: (e as Error).message };
  } finally {
    delete process.env.SCHOOLCTL_SITE_PARSE;
  }
}

const same = (text: string) => {
  const a = outcome(text, false);
  const b = outcome(text, true);
  expect({ value: a.value, error: a.error }).toEqual({ value: b.value, error: b.error });
  return a;
};

afterEach(() => delete process.env.SCHOOLCTL_SITE_PARSE);

const users = (n: number, line: (i: number) => string) => Array.from({ length: n }, (_, i) => line(i)).join('\n');

describe('the site file read in pieces', () => {
  it('splits the export shape (flow entries) and the block shape, with comments, blank lines and CRLF', () => {
    const flow = `# header\nunits:\n  - { id: s1, kind: school, name: School 1 }\n\n# between\nusers:\n${users(1203, (i) => `  - { username: u${i}, profile: Student, units: [s1], roles: { s1: member } }`)}\ncourses:\n  - { id: c1, unit: s1, learners: [u1, u2] }\n`;
    expect(same(flow).pieces).toBe(true);
    const block = `units:\n- id: s1\n  kind: school\n# a comment in column 1\n- id: s2\n  kind: school\n  parent: s1\nusers:\n${users(700, (i) => `  - username: u${i}\n    profile: Student\n    children:\n      - u${i + 1}\n    shareDetails: ${i % 2 ? 'false' : 'true'}`)}\nterms:\n  - id: T1\n    from: 2025-09-01\n    to: 2025-12-19\npolicies: []\n`;
    expect(same(block).pieces).toBe(true);
    expect(same(block.replace(/\n/g, '\r\n')).pieces).toBe(true);
  });

  it('keeps values JSON cannot hold, block scalars and names with & or * that are no aliases', () => {
    const text = `users:\n  - username: a\n    name: |\n      Line one\n      - not an entry\n    profile: Student\n  - username: "b & c *"\n    profile: .nan\n    email: .inf\n  - username: -0\n    profile: Student\n`;
    const r = same(text);
    expect(r.pieces).toBe(true);
  });

  it('gives the whole-document result for what it cannot split: anchors, aliases, markers, flow top levels, odd indentation', () => {
    for (const text of [
      `users:\n  - &a { username: a, profile: Student }\n  - *a\n`,
      `units:\n  - { id: s1, kind: school }\nusers:\n  - { username: a, profile: Student, units: [*x] }\n`,
      `---\nusers:\n  - { username: a, profile: Student }\n`,
      `{ users: [ { username: a, profile: Student } ] }\n`,
      `users:\n    - { username: a, profile: Student }\n  - { username: b, profile: Student }\n`,
      `users:\n  - { username: a, profile: Student }\n  x: 1\n`,
      ` users:\n  - { username: a }\n`,
      `users:\n  - { username: a, profile: Student }\nusers:\n  - { username: b, profile: Student }\n`,
      `users:\n\t- { username: a }\n`,
      `null:\n  - a\n`,
      '',
      '# only a comment\n',
      `users:\n`,
      `rooms:\n  - 1\n`,
    ]) {
      expect(same(text).pieces).not.toBe(true);
    }
  });

  it('reports the same error: an entry left open, a key twice, a value too long, YAML errors before long values', () => {
    const long = 'x'.repeat(70_000).replace(/(.{60000})/, '$1\n      ');
    for (const text of [
      `users:\n  - { username: "a\n  - b", profile: Student }\n`,
      `users:\n  - { username: a, profile: Student }\n  - { username: b, username: c }\n`,
      `users:\n  - { username: a, profile: Student }\n  - username: b\n    name: |\n      ${long}\n`,
      `users:\n  - username: b\n    name: |\n      ${long}\n  - { username: [ }\n`,
    ]) {
      const r = same(text);
      expect(r.error).toBeDefined();
    }
  });
});

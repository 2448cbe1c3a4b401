import { describe, expect, it } from 'vitest';
import { demoDb, run, runFix, tempDb } from './helpers';

describe('the command line', () => {
  it('init creates a model with six default profiles and profiles list shows them', () => {
    const db = tempDb();
    expect(run(db, 'init').status).toBe(0);
    const r = run(db, 'profiles', 'list', '--json');
    expect(r.status).toBe(0);
    expect(r.json.map((p: { name: string }) => p.name)).toEqual(['System Administrator', 'Administrator', 'Staff', 'Student', 'Parent', 'Guest']);
    expect(r.json[0]).toMatchObject({ level: 100, roleInHierarchy: 'administrator' });
  });

  it('a deny prints a fix that, when run, turns the decision into allow', () => {
    const db = demoDb();
    const deny = run(db, 'whocan', 'messages', '--user', 'l.bakker', '--json');
    expect(deny.status).toBe(1);
    expect(deny.json.decision).toBe('deny');
    expect(deny.json.fixes.length).toBeGreaterThan(0);
    for (const fix of deny.json.fixes) expect(runFix(db, fix).status).toBe(0);
    const after = run(db, 'whocan', 'messages', '--user', 'l.bakker', '--json');
    expect(after.status).toBe(0);
    expect(after.json.decision).toBe('allow');
  });
});

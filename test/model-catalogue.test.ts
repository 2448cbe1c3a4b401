import { describe, expect, it } from 'vitest';
import { CATALOGUE, DEFAULT_PROFILES, SECTIONS, normaliseValue, nearestKey, strictnessRank } from '../src/model/settings-catalogue';

describe('the settings catalogue', () => {
  it('gives every row a key, a label, a section, a kind and a valid default for all six profiles', () => {
    expect(CATALOGUE.length).toBeGreaterThan(70);
    for (const s of CATALOGUE) {
      expect(s.key).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(s.label.length).toBeGreaterThan(2);
      expect(SECTIONS).toContain(s.section);
      expect(s.defaults).toHaveLength(DEFAULT_PROFILES.length);
      for (const d of s.defaults) expect(normaliseValue(s, d), `${s.key} default "${d}"`).toBe(d);
    }
  });

  it('has unique keys and labels', () => {
    expect(new Set(CATALOGUE.map((s) => s.key)).size).toBe(CATALOGUE.length);
    expect(new Set(CATALOGUE.map((s) => s.label)).size).toBe(CATALOGUE.length);
  });

  it('holds every section of the profile page and the two supervisor role switches, off by default', () => {
    for (const section of SECTIONS) expect(CATALOGUE.some((s) => s.section === section), section).toBe(true);
    for (const key of ['mentor-role', 'headteacher-role']) {
      const s = CATALOGUE.find((c) => c.key === key)!;
      expect(s.kind).toBe('on-off');
      expect(s.defaults.every((d) => d === 'off')).toBe(true);
    }
  });

  it('gives administrator profiles a 30 minute logout and the others 80, at most eight hours', () => {
    const logout = CATALOGUE.find((s) => s.key === 'automatic-logout-time')!;
    DEFAULT_PROFILES.forEach((p, i) => expect(logout.defaults[i]).toBe(p.roleInHierarchy === 'administrator' ? '30' : '80'));
    expect(normaliseValue(logout, '480')).toBe('480');
    expect(normaliseValue(logout, '481')).toBeNull();
    expect(normaliseValue(logout, '0')).toBeNull();
  });

  it('orders values strictest first, with 0 (unlimited) the largest recipient limit', () => {
    const find = (k: string) => CATALOGUE.find((s) => s.key === k)!;
    expect(strictnessRank(find('create-courses'), 'disabled')!).toBeLessThan(strictnessRank(find('create-courses'), 'school')!);
    expect(strictnessRank(find('create-courses'), 'school')!).toBeLessThan(strictnessRank(find('create-courses'), 'site')!);
    expect(strictnessRank(find('sharing-permissions'), 'site')!).toBeLessThan(strictnessRank(find('sharing-permissions'), 'community')!);
    expect(strictnessRank(find('email-recipient-limit'), '500')!).toBeLessThan(strictnessRank(find('email-recipient-limit'), '0')!);
    expect(strictnessRank(find('html-level'), 'highly-restricted')!).toBeLessThan(strictnessRank(find('html-level'), 'restricted')!);
    expect(strictnessRank(find('start-url'), 'dashboard')).toBeNull();
  });

  it('accepts a custom start URL but not a bare word', () => {
    const s = CATALOGUE.find((c) => c.key === 'start-url')!;
    expect(normaliseValue(s, 'https://school.example/welcome')).toBe('https://school.example/welcome');
    expect(normaliseValue(s, 'homepage')).toBeNull();
  });

  it('suggests the nearest key for a typo', () => {
    expect(nearestKey('mesages')).toBe('messages');
    expect(nearestKey('create-course')).toBe('create-courses');
  });
});

// The shape of one bulk kind (a CSV file's worth of one thing: users, units, enrolments …) and the
// shared model cache every kind validates against. A module adds a kind with one file in ./kinds
// and one line in ./registry.ts.

import type { Sqlite } from '../open.js';

/** One problem with one cell: printed as `line N: column C: value "V" is not EXPECTED, valid: VALID`. */
export interface CellError {
  readonly column: string;
  readonly value: string;
  /** what the value should have been, after "is not" (e.g. "a profile") */
  readonly expected: string;
  /** what would be valid (a list, a format or a remedy) */
  readonly valid: string;
}

/** One input row: a CSV record or an entry of the site file. */
export interface Row {
  /** The cell of a column, '' when empty or absent; a leading `'` before = + - @ is already stripped. */
  get(column: string): string;
  /** Whether the input has this column at all (absent optional columns leave a value unchanged). */
  has(column: string): boolean;
}

export type Status = 'create' | 'update' | 'same';

/** What one valid row would do; `data` is the kind's own parsed row, handed back to `apply`. */
export interface Verdict<D = unknown> {
  readonly status: Status;
  /** the row's key, e.g. "j.devries" or "math-5a/s.bakker" */
  readonly id: string;
  readonly before?: Record<string, unknown> | null;
  readonly after?: Record<string, unknown> | null;
  readonly data: D;
}

export type Check<D = unknown> = Verdict<D> | { readonly errors: readonly CellError[] };

/** The prepared statements and caches of one kind for one run. */
export interface KindWriter<D = unknown> {
  /**
   * Validates a row against the model as it stands (earlier rows of the run already applied).
   * `detail` false: the caller keeps no more before/after records, so a kind may skip building them.
   */
  check(row: Row, detail: boolean): Check<D>;
  /** Applies a valid row that is not `same`; problems only the model can find (a unique key) come back. */
  apply(verdict: Verdict<D>): readonly CellError[] | void;
  /** After the last row (e.g. rebuild the hierarchy's closure table once). */
  finish?(): void;
}

export interface ColumnDef {
  readonly name: string;
  readonly required?: boolean;
  readonly about: string;
}

export interface BulkKind<D = unknown> {
  /** The kind's name on the command line: `schoolctl import NAME FILE.csv`. */
  readonly name: string;
  readonly summary: string;
  /** Every column, in export order: export writes exactly what import reads. */
  readonly columns: readonly ColumnDef[];
  /** The columns that identify a row; a row whose key exists updates it. */
  readonly key: readonly string[];
  /** Whether the kind finds duplicate keys itself (else the runner keeps a set of keys). */
  /**
   * The kind checks every reference of a row itself (profiles, units) and deletes no parent row,
   * so a large import may run with SQLite's per-row foreign-key checks off; the touched tables are
   * checked once, whole, before the commit.
   */
  readonly checkedTables?: readonly string[];
  readonly ownDuplicateCheck?: boolean;
  /** The audit entity of one row. */
  readonly entity: string;
  /**
   * The action an `--as` actor is judged by (target: the site) to import this kind: an administration
   * setting needed at site level, or an action that takes no target, such as the portal's `portal-admin`.
   */
  readonly right: string;
  open(db: Sqlite, model: ModelCache): KindWriter<D>;
  /** Every row of the model, in a stable order, cells in `columns` order. */
  exportRows(db: Sqlite): Iterable<string[]>;
}

export const err = (column: string, value: string, expected: string, valid: string): CellError => ({ column, value, expected, valid });

/** Lists for "valid:" without flooding the terminal. */
/** The id of the user a cell names, or one error for the cell: every kind that refers to users. */
export function userCell(model: ModelCache, column: string, username: string, errors: CellError[]): number | undefined {
  const id = model.userId(username);
  if (id === undefined) errors.push(err(column, username, 'a user', 'an existing username (import users first)'));
  return id;
}

export function someOf(values: readonly string[], max = 12): string {
  return values.length <= max ? values.join(', ') : `${values.slice(0, max).join(', ')} … (${values.length} in all)`;
}

export const USERNAME_RE = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;
export const IDENTIFIER_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const IDENTIFIER_VALID = '1–64 letters, digits, dots, dashes or underscores, starting with a letter or digit';
export const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function checkUsernameCell(column: string, v: string, errors: CellError[]): void {
  if (!USERNAME_RE.test(v) || v === 'external') errors.push(err(column, v, 'a valid username', 'letters, digits, dots, dashes, underscores or @, not "external"'));
}

export function checkIdCell(column: string, v: string, errors: CellError[]): void {
  if (!IDENTIFIER_RE.test(v)) errors.push(err(column, v, 'a valid id', IDENTIFIER_VALID));
}

export interface UnitInfo {
  kind: string;
  parent: string | null;
}

/**
 * What every kind looks things up in: profiles, units, courses, projects and policies are few and
 * cached whole; users can be millions and are looked up one by one with a prepared statement.
 * Kinds that create such things add them here, so later rows and later kinds of the same run see them.
 */
export class ModelCache {
  readonly profiles = new Map<string, { id: number; name: string; role: string }>();
  /** lower-cased external role (Map from profile) → profile name */
  readonly mappedRoles = new Map<string, string>();
  /** lower-cased external role → the role as the profile spells it */
  private readonly roleSpelling = new Map<string, string>();
  readonly units = new Map<string, UnitInfo>();
  readonly courses = new Map<string, string>();
  readonly projects = new Map<string, string>();
  readonly policies = new Map<string, { id: number; name: string; org: string | null }>();
  /** Profiles the run gives to users, so `--as` can be checked against each (lower levels only). */
  readonly assignedProfiles = new Set<string>();
  /** Where the records this run creates come from (migration 005): csv, site-file, oneroster:<name> … */
  source = 'csv';
  private readonly userStmt;

  constructor(readonly db: Sqlite) {
    this.userStmt = db.prepare('SELECT id FROM users WHERE username = ?').pluck();
    this.reloadProfiles();
    for (const u of db.prepare('SELECT id, kind, parent_id FROM units').all() as { id: string; kind: string; parent_id: string | null }[]) {
      this.units.set(u.id, { kind: u.kind, parent: u.parent_id });
    }
    for (const c of db.prepare('SELECT id, unit_id FROM courses').all() as { id: string; unit_id: string }[]) this.courses.set(c.id, c.unit_id);
    for (const p of db.prepare('SELECT id, unit_id FROM projects').all() as { id: string; unit_id: string }[]) this.projects.set(p.id, p.unit_id);
    for (const p of db.prepare('SELECT id, name, org_id FROM policies').all() as { id: number; name: string; org_id: string | null }[]) {
      this.policies.set(p.name.toLowerCase(), { id: p.id, name: p.name, org: p.org_id });
    }
  }

  reloadProfiles(): void {
    this.profiles.clear();
    this.mappedRoles.clear();
    this.roleSpelling.clear();
    const rows = this.db.prepare('SELECT id, name, role_in_hierarchy AS role FROM profiles ORDER BY level DESC').all() as { id: number; name: string; role: string }[];
    for (const p of rows) this.profiles.set(p.name.toLowerCase(), p);
    const maps = this.db
      .prepare(`SELECT p.name, s.value FROM profile_settings s JOIN profiles p ON p.id = s.profile_id WHERE s.key = 'map-from-profile' AND s.value <> '' ORDER BY p.level DESC`)
      .all() as { name: string; value: string }[];
    // Map from profile may list several external roles, separated by commas (Learner, student).
    for (const m of maps) {
      for (const value of m.value.split(',').map((v) => v.trim()).filter((v) => v !== '')) {
        if (this.mappedRoles.has(value.toLowerCase())) continue;
        this.mappedRoles.set(value.toLowerCase(), m.name);
        this.roleSpelling.set(value.toLowerCase(), value);
      }
    }
  }

  profileNames(): string[] {
    return [...this.profiles.values()].map((p) => p.name);
  }

  /** A profile by name, or by the external role its Map from profile names (IMS `Learner` → Student). */
  profile(nameOrRole: string): { id: number; name: string; role: string } | undefined {
    const l = nameOrRole.toLowerCase();
    const direct = this.profiles.get(l);
    if (direct) return direct;
    const mapped = this.mappedRoles.get(l);
    return mapped ? this.profiles.get(mapped.toLowerCase()) : undefined;
  }

  profileValid(): string {
    // Grouped per profile: "Instructor, teacher (→ Staff); Learner (→ Student)".
    const byProfile = new Map<string, string[]>();
    for (const [r, p] of this.mappedRoles) {
      if (r === p.toLowerCase() || this.profiles.has(r)) continue;
      let l = byProfile.get(p);
      if (!l) byProfile.set(p, (l = []));
      l.push(this.roleSpelling.get(r) ?? r);
    }
    const roles = [...byProfile].map(([p, rs]) => `${rs.join(', ')} (→ ${p})`);
    return `${this.profileNames().join(', ')}${roles.length ? `, or a mapped role: ${roles.join('; ')}` : ''}`;
  }

  userId(username: string): number | undefined {
    if (username === this.knownName) return this.knownId;
    return this.userStmt.get(username) as number | undefined;
  }

  private knownName?: string;
  private knownId?: number;
  /**
   * A user just read from or written to the model (the users kind notes each row's user), so the
   * next row about them is not looked up again.
   */
  knownUser(username: string, id: number): void {
    this.knownName = username;
    this.knownId = id;
  }

  /** The id of the user last noted, when that user is `username`. */
  lastUser(username: string): number | undefined {
    return username === this.knownName ? this.knownId : undefined;
  }

  /** The school at or above a unit, if any. */
  schoolOf(unitId: string): string | undefined {
    let cur: string | null = unitId;
    for (let i = 0; cur && i < 64; i++) {
      const u = this.units.get(cur);
      if (!u) return undefined;
      if (u.kind === 'school') return cur;
      cur = u.parent;
    }
    return undefined;
  }
}

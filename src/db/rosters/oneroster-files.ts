// A OneRoster CSV bundle on disk: which files it has, in which mode (bulk, delta), which version,
// and each file read as records whose columns are matched by name, as real files need
// (docs/rosters.md "What is tolerated"). Reading streams through csv-parse; nothing is kept whole.

import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { invalid } from '../../model/errors.js';
import { CsvRecordReader } from '../bulk/csv-records.js';

export type FileMode = 'bulk' | 'delta';

export interface BundleFile {
  /** the file name as the spec spells it, e.g. `users.csv` */
  readonly name: string;
  readonly path: string;
  readonly mode: FileMode;
}

export interface Bundle {
  readonly dir: string;
  readonly version: '1.1' | '1.2';
  /** `oneroster:<source.systemName or folder name>` */
  readonly source: string;
  readonly files: ReadonlyMap<string, BundleFile>;
  /** what was tolerated in the manifest and the file list */
  readonly warnings: readonly string[];
  /** records already read (an IMS Enterprise file), by file key, instead of CSV files on disk */
  readonly records?: ReadonlyMap<string, readonly RosterRecord[]>;
  /** how each file key is named in problems (default: its CSV file name) */
  readonly display?: Record<string, string>;
}

/** The files schoolctl reads, by manifest key, and the columns it uses of each (R = required). */
export const ROSTER_FILES: Record<string, { readonly file: string; readonly columns: Record<string, boolean> }> = {
  orgs: { file: 'orgs.csv', columns: { sourcedId: true, status: false, dateLastModified: false, name: true, type: true, identifier: false, parentSourcedId: false } },
  academicSessions: {
    file: 'academicSessions.csv',
    columns: { sourcedId: true, status: false, dateLastModified: false, title: true, type: true, startDate: true, endDate: true, parentSourcedId: false, schoolYear: false },
  },
  courses: {
    file: 'courses.csv',
    columns: { sourcedId: true, status: false, dateLastModified: false, schoolYearSourcedId: false, title: true, courseCode: false, grades: false, orgSourcedId: true, subjects: false, subjectCodes: false },
  },
  classes: {
    file: 'classes.csv',
    columns: {
      sourcedId: true, status: false, dateLastModified: false, title: true, grades: false, courseSourcedId: true, classCode: false, classType: true, location: false,
      schoolSourcedId: true, termSourcedIds: false, subjects: false, subjectCodes: false, periods: false,
    },
  },
  users: {
    file: 'users.csv',
    columns: {
      sourcedId: true, status: false, dateLastModified: false, enabledUser: false, orgSourcedIds: false, role: false, username: true, userIds: false, givenName: false,
      familyName: false, middleName: false, identifier: false, email: false, sms: false, phone: false, agentSourcedIds: false, grades: false, password: false,
      userMasterIdentifier: false, preferredGivenName: false, preferredMiddleName: false, preferredFamilyName: false, primaryOrgSourcedId: false, pronouns: false,
    },
  },
  roles: {
    file: 'roles.csv',
    columns: { sourcedId: false, status: false, dateLastModified: false, userSourcedId: true, roleType: false, role: true, beginDate: false, endDate: false, orgSourcedId: true, userProfileSourcedId: false },
  },
  enrollments: {
    file: 'enrollments.csv',
    columns: { sourcedId: true, status: false, dateLastModified: false, classSourcedId: true, schoolSourcedId: false, userSourcedId: true, role: true, primary: false, beginDate: false, endDate: false },
  },
  demographics: {
    file: 'demographics.csv',
    columns: {
      sourcedId: true, status: false, dateLastModified: false, birthDate: false, sex: false, americanIndianOrAlaskaNative: false, asian: false, blackOrAfricanAmerican: false,
      nativeHawaiianOrOtherPacificIslander: false, white: false, demographicRaceTwoOrMoreRaces: false, hispanicOrLatinoEthnicity: false, countryOfBirthCode: false,
      stateOfBirthAbbreviation: false, cityOfBirth: false, publicSchoolResidenceStatus: false,
    },
  },
};

/** Misspellings seen in published bundles, lower-cased, onto the spec's column. */
const COLUMN_ALIASES: Record<string, string> = {
  userid: 'userIds',
  agents: 'agentSourcedIds',
  agentsourcedid: 'agentSourcedIds',
  prefferedgivenname: 'preferredGivenName',
  prefferedfamilyname: 'preferredFamilyName',
  prefferedmiddlename: 'preferredMiddleName',
  datalastmodified: 'dateLastModified',
  orgsourcedid: 'orgSourcedIds',
  termsourcedid: 'termSourcedIds',
};

/** Files of other roster formats, to say what a folder is when it is not a OneRoster bundle. */
const LOOKALIKES: { readonly what: string; readonly files: readonly string[] }[] = [
  { what: 'a School Data Sync export (School.csv, Section.csv, Student.csv, Teacher.csv …)', files: ['school.csv', 'section.csv', 'student.csv', 'teacher.csv', 'studentenrollment.csv', 'teacherroster.csv'] },
  { what: 'a Clever export (schools.csv, sections.csv, students.csv, teachers.csv …)', files: ['schools.csv', 'sections.csv', 'students.csv', 'teachers.csv'] },
  { what: 'schoolctl CSV kinds (import them with "schoolctl import KIND FILE.csv")', files: ['units.csv', 'memberships.csv', 'enrolments.csv'] },
];

function lowerNames(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of readdirSync(dir)) out.set(f.toLowerCase(), f);
  return out;
}

/** Opens a bundle folder: the manifest if there is one, else the files that are there, all bulk. */
export function openBundle(dir: string, sourceName?: string): Bundle {
  if (!existsSync(dir)) throw invalid('no-file', `There is no folder "${dir}"; give a OneRoster bundle: a folder or .zip with manifest.csv, orgs.csv, users.csv ….`);
  if (!statSync(dir).isDirectory()) throw invalid('no-file', `"${dir}" is not a folder or a .zip file; give a OneRoster bundle: a folder or .zip with manifest.csv, orgs.csv, users.csv ….`);
  const names = lowerNames(dir);
  const warnings: string[] = [];
  const known = Object.values(ROSTER_FILES).map((f) => f.file.toLowerCase());
  if (!names.has('manifest.csv') && !known.some((f) => names.has(f))) {
    const like = LOOKALIKES.find((l) => l.files.filter((f) => names.has(f)).length >= 2);
    const seen = [...names.values()].filter((f) => f.toLowerCase().endsWith('.csv')).slice(0, 6);
    throw invalid(
      'not-oneroster',
      `${dir} is not a OneRoster bundle: it has no manifest.csv and none of orgs.csv, users.csv, enrollments.csv${like ? `; it looks like ${like.what}` : seen.length ? `; its CSV files are ${seen.join(', ')}` : '; it holds no CSV files'}.`,
    );
  }
  const manifest = names.has('manifest.csv') ? readManifest(join(dir, names.get('manifest.csv')!), warnings) : undefined;
  if (!manifest) warnings.push('manifest.csv: missing; every file present is read as a bulk snapshot');
  const files = new Map<string, BundleFile>();
  for (const [key, def] of Object.entries(ROSTER_FILES)) {
    const present = names.get(def.file.toLowerCase());
    const declared = manifest?.files.get(key.toLowerCase());
    if (declared === 'absent') {
      if (present) warnings.push(`manifest.csv: file.${key} is absent, but ${present} is there; it is not read`);
      continue;
    }
    if (!present) {
      if (declared) warnings.push(`manifest.csv: file.${key} is ${declared}, but there is no ${def.file}; nothing of it is read`);
      continue;
    }
    let mode: FileMode = 'bulk';
    if (declared === 'delta') mode = 'delta';
    else if (declared === undefined && manifest) warnings.push(`manifest.csv: no file.${key} line, but ${present} is there; read as bulk`);
    files.set(key, { name: def.file, path: join(dir, present), mode });
  }
  let version: '1.1' | '1.2' = manifest?.version ?? (files.has('roles') ? '1.2' : '1.1');
  if (version === '1.1' && files.has('roles')) {
    warnings.push('manifest.csv: oneroster.version is 1.1, but roles.csv is there; read as 1.2');
    version = '1.2';
  }
  const name = sourceName ?? manifest?.systemName ?? basename(dir.replace(/[\\/]+$/, ''));
  return { dir, version, source: `oneroster:${name}`, files, warnings };
}

interface Manifest {
  version?: '1.1' | '1.2';
  systemName?: string;
  files: Map<string, string>;
}

/** Every file key of the 1.1 and 1.2 manifests, lower-cased. */
const MANIFEST_FILES = new Set(
  [
    'academicSessions', 'categories', 'classes', 'classResources', 'courses', 'courseResources', 'demographics', 'enrollments', 'lineItems', 'orgs', 'resources', 'results',
    'users', 'lineItemLearningObjectiveIds', 'lineItemScoreScales', 'resultLearningObjectiveIds', 'resultScoreScales', 'roles', 'scoreScales', 'userProfiles', 'userResources',
  ].map((k) => k.toLowerCase()),
);

function readManifest(path: string, warnings: string[]): Manifest {
  const out: Manifest = { files: new Map() };
  // The manifest is a few dozen lines: read whole, split simply (values are plain words).
  const text = readFileText(path);
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    if (i === 0 || raw.trim() === '') return;
    const [k, ...rest] = raw.split(',');
    const key = unquote(k).trim();
    const value = unquote(rest.join(',')).trim();
    const lk = key.toLowerCase();
    if (lk.startsWith('file.')) {
      const v = value.toLowerCase();
      if (!MANIFEST_FILES.has(lk.slice(5))) warnings.push(`manifest.csv line ${i + 1}: ${key} is not a OneRoster file; ignored`);
      else if (v === '') warnings.push(`manifest.csv line ${i + 1}: ${key} has no value; read as bulk if the file is there`);
      else if (v !== 'absent' && v !== 'bulk' && v !== 'delta') warnings.push(`manifest.csv line ${i + 1}: ${key} is "${value}", not absent, bulk or delta; read as bulk if the file is there`);
      else out.files.set(lk.slice(5), v);
    } else if (lk === 'oneroster.version') {
      if (value.startsWith('1.2')) out.version = '1.2';
      else if (value === '1.1' || value === '1.1.0') out.version = '1.1';
      else warnings.push(`manifest.csv line ${i + 1}: oneroster.version "${value}" is not 1.1 or 1.2; the version is taken from the files`);
    } else if (lk === 'source.systemname') {
      if (value) out.systemName = value;
    } else if (lk !== 'manifest.version' && lk !== 'source.systemcode') {
      warnings.push(`manifest.csv line ${i + 1}: key "${key}" is not a manifest key; ignored`);
    }
  });
  return out;
}

function unquote(s: string | undefined): string {
  const t = (s ?? '').trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).replace(/""/g, '"') : t;
}

function readFileText(path: string): string {
  return readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
}

/** One record of a roster file, cells by the spec's column name. */
export interface RosterRecord {
  get(column: string): string;
  has(column: string): boolean;
  readonly line: number;
  /** the column as the file spells it, for problems */
  header(column: string): string;
}

export interface FileReadNotes {
  readonly ignored: string[];
  readonly problems: string[];
  readonly warnings: string[];
}

/**
 * Streams one file, calling `onRecord` for every record. Columns are matched by name in any order and
 * case; unknown and empty column names are ignored (and listed); a missing required column is a
 * problem of line 1. A record with fewer cells reads the missing ones as empty; one with more cells
 * is fine while the extra cells are empty.
 */
export function readRosterFile(file: BundleFile, key: string, onRecord: (r: RosterRecord) => void, notes: FileReadNotes): Promise<void> {
  const spec = ROSTER_FILES[key].columns;
  const canonical = new Map(Object.keys(spec).map((c) => [c.toLowerCase(), c]));
  let index: Record<string, number> | undefined;
  let raw: string[] = [];
  let width = 0;
  let shortRows = 0;
  let longRows = 0;
  let cells: string[] = [];
  let line = 0;
  const rec: RosterRecord = {
    get: (c) => {
      const i = index![c];
      return i === undefined ? '' : (cells[i] ?? '').trim();
    },
    has: (c) => index![c] !== undefined,
    get line() {
      return line;
    },
    header: (c) => raw[index![c] ?? -1] ?? c,
  };
  return new Promise((resolve, reject) => {
    let failed = false;
    const reader = new CsvRecordReader(
      file.path,
      (batch) => {
        if (failed) return;
        try {
          let k = 0;
          for (let m = 0; m < batch.meta.length; m += 3) {
            const n = batch.meta[m];
            line = batch.meta[m + 1];
            const broken = batch.meta[m + 2];
            cells = batch.cells.slice(k, k + n);
            k += n;
            if (!index) {
              raw = cells.map((c) => c.trim());
              width = raw.length;
              index = Object.create(null) as Record<string, number>;
              const renamed: string[] = [];
              raw.forEach((h, i) => {
                const lh = h.toLowerCase();
                const c = canonical.get(lh) ?? COLUMN_ALIASES[lh.replace(/[^a-z]/g, '')];
                if (h === '' || !c || !(c in spec)) {
                  notes.ignored.push(h === '' ? `column ${i + 1} (no name)` : h);
                  return;
                }
                if (index![c] !== undefined) {
                  notes.problems.push(`${file.name} line 1 column ${h}: the column ${c} is given twice (also as ${raw[index![c]]}); give each column once`);
                  return;
                }
                if (c.toLowerCase() !== lh) renamed.push(`${h} as ${c}`);
                index![c] = i;
              });
              if (renamed.length) notes.warnings.push(`${file.name} line 1: column(s) read by their spec name: ${renamed.join(', ')}`);
              for (const [c, required] of Object.entries(spec)) {
                if (required && index[c] === undefined) notes.problems.push(`${file.name} line 1 column ${c}: the required column ${c} is missing; the header has ${raw.join(',')}`);
              }
              if (notes.problems.length) {
                failed = true;
                reader.stop();
                resolve();
                return;
              }
              continue;
            }
            if (broken >= 0) {
              notes.problems.push(`${file.name} line ${line} column ${raw[broken] ?? broken + 1}: the cell holds bytes that are not UTF-8; save the file as UTF-8`);
              continue;
            }
            if (n < width) shortRows++;
            else if (n > width) {
              const extra = cells.slice(width).findIndex((c) => c.trim() !== '');
              if (extra >= 0) {
                notes.problems.push(`${file.name} line ${line} column ${width + extra + 1}: value "${cells[width + extra]}" lies beyond the header's ${width} columns; a row has at most ${width} cells`);
                continue;
              }
              longRows++;
            }
            onRecord(rec);
          }
        } catch (e) {
          failed = true;
          reader.stop();
          reject(e);
        }
      },
      (end) => {
        if (failed) return;
        if (end.fatal) return reject(Object.assign(new Error(end.fatal.message), { code: end.fatal.code }));
        if (end.malformed) notes.problems.push(`${file.name} line ${end.malformed.line}: the CSV is not well-formed: ${end.malformed.message}`);
        else if (!index) {
          const required = Object.entries(spec).filter(([, r]) => r).map(([c]) => c);
          notes.problems.push(`${file.name} line 1: the file is empty; a header with ${required.join(', ')} is needed`);
        }
        if (shortRows) notes.warnings.push(`${file.name}: ${shortRows} row(s) with fewer cells than the header; the missing cells read as empty`);
        if (longRows) notes.warnings.push(`${file.name}: ${longRows} row(s) with empty cells beyond the header; ignored`);
        resolve();
      },
      // Small batches: a batch is alive while it is handled, and a big one lives long enough to be
      // promoted to the old generation, which then grows (re-import of 200,000 users: 263 MB).
      256,
    );
  });
}

// Access test files: reading one (every problem named by its line, through the YAML package's line
// counter) and writing one that `test --write` pins. The assertions themselves are src/model's.

import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseShell } from 'shell-quote';
import { Document, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { ASSERTION_KINDS, type Assertion, type AssertionKind, type Question } from '../../model/access-tests.js';
import type { PinnedGroup } from '../../model/access-test-pins.js';
import { command, invalid } from '../../model/errors.js';
import { nearestKey } from '../../model/settings-catalogue.js';
import { safeText } from '../../model/text-safety.js';

export interface LocatedAssertion {
  readonly assertion: Assertion;
  readonly line: number;
}

/** A command run on top of the site before the assertions, in a transaction that is rolled back. */
export interface WhatIf {
  readonly words: readonly string[];
  readonly line: number;
}

export interface AccessTestFile {
  readonly path: string;
  /** The model, or the site file applied to a temporary model; absent: the model of --db. */
  readonly site?: { readonly kind: 'model' | 'site'; readonly path: string; readonly line: number };
  readonly whatIf: readonly WhatIf[];
  readonly assertions: readonly LocatedAssertion[];
}

const TOP_KEYS = ['site', 'model', 'what-if', 'tests'];
const QUESTION = ['target', 'term', 'project'];
const FIELDS: Record<AssertionKind, readonly string[]> = {
  allow: ['user', ...QUESTION],
  deny: ['user', ...QUESTION],
  who: [...QUESTION, 'users', 'includes', 'excludes'],
  only: [...QUESTION, 'users', 'profiles', 'units'],
  fix: ['user', ...QUESTION, 'command', 'commands'],
  doctor: [],
};

/** A command line as a shell would split it, without a leading `schoolctl`; a string names what is wrong. */
export function commandWords(text: string): string[] | string {
  const parts = parseShell(text, (key) => `$${key}`);
  const words: string[] = [];
  for (const p of parts) {
    if (typeof p !== 'string') return `"${text}" is not one schoolctl command (it holds ${'op' in p ? `the shell operator ${p.op}` : 'a comment'})`;
    words.push(p);
  }
  if (words[0] === 'schoolctl') words.shift();
  if (!words.length) return `"${text}" names no command`;
  return words;
}

/** Reads and checks a whole test file; every problem is reported with its line, and none is evaluated. */
export function readAccessTestFile(path: string, text: string, doctorChecks: readonly string[]): AccessTestFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const problems: string[] = [];
  const at = (node: Node | null | undefined, message: string) => {
    const line = node?.range ? lines.linePos(node.range[0]).line : 1;
    problems.push(`${path}:${line}: ${message}`);
  };
  const lineOf = (node: Node | null | undefined) => (node?.range ? lines.linePos(node.range[0]).line : 1);
  if (doc.errors.length) {
    const e = doc.errors[0];
    throw invalid('bad-test-file', `${path}:${e.linePos?.[0].line ?? 1}:${e.linePos?.[0].col ?? 1}: not valid YAML: ${e.message.split('\n')[0]}`);
  }
  const root = doc.contents;
  if (!isMap(root)) throw invalid('bad-test-file', `${path}:1: a test file is a mapping with "tests" (and optionally "site" or "model", and "what-if").`);

  const scalar = (node: unknown, what: string): string | undefined => {
    if (isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number') && String(node.value).trim() !== '') return String(node.value);
    at(node as Node, `${what} must be a name or text, not ${describe(node)}`);
    return undefined;
  };
  const list = (node: unknown, what: string): string[] => {
    if (isScalar(node)) return [scalar(node, what)].filter((x): x is string => x !== undefined);
    if (!isSeq(node)) {
      at(node as Node, `${what} must be a list of names, not ${describe(node)}`);
      return [];
    }
    return node.items.map((i) => scalar(i, `an entry of ${what}`)).filter((x): x is string => x !== undefined);
  };

  let site: AccessTestFile['site'];
  const whatIf: WhatIf[] = [];
  const assertions: LocatedAssertion[] = [];
  for (const pair of root.items as Pair<Node, Node>[]) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!TOP_KEYS.includes(key)) {
      at(pair.key, `"${safeText(key)}" is not a key of a test file; keys: ${TOP_KEYS.join(', ')}`);
      continue;
    }
    if (key === 'site' || key === 'model') {
      if (site) {
        at(pair.key, 'a test file names one site: "site" (a site file) or "model" (a model file), not both');
        continue;
      }
      const given = scalar(pair.value, key);
      if (given === undefined) continue;
      const file = resolve(dirname(path), given);
      let problem: string | undefined;
      try {
        if (statSync(file).isDirectory()) problem = `is a directory, not a ${key} file`;
      } catch {
        problem = 'does not exist';
      }
      if (problem) at(pair.value, `${key} "${safeText(given)}" ${problem} (paths are relative to the test file)`);
      else site = { kind: key, path: file, line: lineOf(pair.value) };
    } else if (key === 'what-if') {
      if (!isSeq(pair.value)) {
        at(pair.value, `what-if must be a list of schoolctl commands, not ${describe(pair.value)}`);
        continue;
      }
      for (const item of pair.value.items as Node[]) {
        const text = scalar(item, 'a what-if command');
        if (text === undefined) continue;
        const words = commandWords(text);
        if (typeof words === 'string') at(item, safeText(words));
        else whatIf.push({ words, line: lineOf(item) });
      }
    } else {
      if (!isSeq(pair.value) || pair.value.items.length === 0) {
        at(pair.value ?? pair.key, `tests must be a non-empty list of assertions (${ASSERTION_KINDS.join(', ')}), not ${describe(pair.value)}`);
        continue;
      }
      for (const item of (pair.value as YAMLSeq<Node>).items) {
        const a = readAssertion(item, doctorChecks, { at, scalar, list, problems });
        if (a) assertions.push({ assertion: a, line: lineOf(item) });
      }
    }
  }
  if (!root.items.some((p) => isScalar(p.key) && p.key.value === 'tests')) at(root, 'a test file needs "tests": a list of assertions');
  const seen = new Map<string, number>();
  for (const a of assertions) {
    const first = seen.get(a.assertion.name);
    if (first !== undefined) problems.push(`${path}:${a.line}: the name "${safeText(a.assertion.name)}" is already used on line ${first}; each assertion needs its own`);
    else seen.set(a.assertion.name, a.line);
  }
  if (problems.length) throw invalid('bad-test-file', problems.join('\n'));
  return { path, site, whatIf, assertions };
}

/** "an allow", "a deny": the kind with its article, for messages. */
function aKind(kind: AssertionKind): string {
  return `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind}`;
}

function describe(node: unknown): string {
  if (node === null || node === undefined || (isScalar(node) && (node.value === null || node.value === ''))) return 'empty';
  if (isSeq(node)) return 'a list';
  if (isMap(node)) return 'a mapping';
  if (isScalar(node)) return `"${safeText(String(node.value))}"`;
  return 'this';
}

interface Reader {
  at(node: Node | null | undefined, message: string): void;
  scalar(node: unknown, what: string): string | undefined;
  list(node: unknown, what: string): string[];
  readonly problems: readonly string[];
}

function readAssertion(item: Node, doctorChecks: readonly string[], r: Reader): Assertion | undefined {
  const { at, scalar, list } = r;
  if (!isMap(item)) {
    at(item, `an assertion is a mapping with a name and one of ${ASSERTION_KINDS.join(', ')}, not ${describe(item)}`);
    return undefined;
  }
  const map = item as YAMLMap<Node, Node>;
  const fields = new Map<string, Pair<Node, Node>>();
  for (const p of map.items) fields.set(isScalar(p.key) ? String(p.key.value) : '', p);
  const kinds = ASSERTION_KINDS.filter((k) => fields.has(k));
  if (kinds.length !== 1) {
    at(item, kinds.length ? `an assertion has one kind, not ${kinds.join(' and ')}` : `an assertion needs one of ${ASSERTION_KINDS.join(', ')}`);
    return undefined;
  }
  const kind = kinds[0];
  const before = r.problems.length;
  const name = fields.has('name') ? scalar(fields.get('name')!.value, 'name') : (at(item, `this ${kind} assertion needs a name`), undefined);
  const allowedFields = ['name', kind, ...FIELDS[kind]];
  for (const [k, p] of fields) {
    if (!allowedFields.includes(k)) {
      const near = nearestKey(k, allowedFields);
      at(p.key, `"${safeText(k)}" is not a field of ${aKind(kind)} assertion${near ? ` (did you mean "${near}"?)` : ''}; it takes ${allowedFields.join(', ')}`);
    }
  }
  const value = fields.get(kind)!.value;
  const opt = (k: string) => (fields.has(k) ? scalar(fields.get(k)!.value, k) : undefined);
  const names = (k: string) => (fields.has(k) ? list(fields.get(k)!.value, k) : undefined);
  const need = (k: string) => (fields.has(k) ? opt(k) : (at(item, `${aKind(kind)} assertion needs ${k}`), undefined));

  if (kind === 'doctor') {
    const checks = isScalar(value) && value.value === 'none' ? [] : isSeq(value) ? list(value, 'doctor') : (at(value, 'doctor must be none, or a list of check keys'), []);
    for (const [i, c] of checks.entries()) {
      if (!doctorChecks.includes(c)) {
        const near = nearestKey(c, doctorChecks);
        at(isSeq(value) ? (value.items[i] as Node) : value, `"${safeText(c)}" is not a doctor check${near ? ` (did you mean "${near}"?)` : ''}; checks: ${doctorChecks.join(', ')}`);
      }
    }
    return r.problems.length === before && name ? { kind, name, checks } : undefined;
  }
  const action = scalar(value, kind);
  const term = opt('term');
  const project = opt('project');
  const target = opt('target');
  const question: Question = { action: action ?? '', ...(target ? { target } : {}), ...(term ? { term } : {}), ...(project ? { project } : {}) };
  let a: Assertion | undefined;
  if (kind === 'allow' || kind === 'deny') {
    const user = need('user');
    if (user) a = { kind, name: name ?? '', question, user };
  } else if (kind === 'fix') {
    const user = need('user');
    let commands: string[] = [];
    if (fields.has('command') === fields.has('commands')) at(item, 'a fix assertion needs command (one command) or commands (a list run in order), one of them');
    else {
      const texts = fields.has('command') ? [opt('command')].filter((x): x is string => x !== undefined) : names('commands')!;
      commands = texts.flatMap((t) => {
        const words = commandWords(t);
        if (typeof words === 'string') {
          at(fields.get(fields.has('command') ? 'command' : 'commands')!.value, safeText(words));
          return [];
        }
        // Written the way the engine prints fixes, so quoting and spacing do not matter.
        return [command(...words)];
      });
    }
    if (user) a = { kind, name: name ?? '', question, user, commands };
  } else if (kind === 'who') {
    const exactly = names('users');
    const includes = names('includes');
    const excludes = names('excludes');
    if (exactly && (includes || excludes)) at(item, 'a who assertion takes users (the exact set) or includes/excludes, not both');
    else if (!exactly && !includes && !excludes) at(item, 'a who assertion needs users (the exact set allowed), or includes and/or excludes');
    a = { kind, name: name ?? '', question, ...(exactly ? { exactly } : {}), ...(includes ? { includes } : {}), ...(excludes ? { excludes } : {}) };
  } else {
    const users = names('users') ?? [];
    const profiles = names('profiles') ?? [];
    const units = names('units') ?? [];
    if (!fields.has('users') && !fields.has('profiles') && !fields.has('units')) at(item, 'an only assertion needs users, profiles or units: the people who may');
    a = { kind, name: name ?? '', question, users, profiles, units };
  }
  return r.problems.length === before && name && action ? a : undefined;
}

/** The text of a test file that pins the given groups, with comments saying how to use and edit it. */
export function accessTestText(groups: readonly PinnedGroup[], header: readonly string[]): string {
  const plain = (a: Assertion): Record<string, unknown> => {
    if (a.kind === 'doctor') return { name: a.name, doctor: a.checks.length ? [...a.checks] : 'none' };
    const q = { [a.kind]: a.question.action, ...(a.question.target ? { target: a.question.target } : {}), ...(a.question.term ? { term: a.question.term } : {}), ...(a.question.project ? { project: a.question.project } : {}) };
    switch (a.kind) {
      case 'allow':
      case 'deny':
        return { name: a.name, ...q, user: a.user };
      case 'fix':
        return { name: a.name, ...q, user: a.user, commands: [...a.commands] };
      case 'who':
        return { name: a.name, ...q, ...(a.exactly ? { users: [...a.exactly] } : {}), ...(a.includes ? { includes: [...a.includes] } : {}), ...(a.excludes ? { excludes: [...a.excludes] } : {}) };
      case 'only':
        return { name: a.name, ...q, users: [...a.users], profiles: [...a.profiles], units: [...a.units] };
    }
  };
  const kept = groups.filter((g) => g.assertions.length > 0);
  const doc = new Document({ tests: kept.flatMap((g) => g.assertions.map(plain)) });
  const seq = doc.get('tests') as YAMLSeq<YAMLMap>;
  let i = 0;
  for (const g of kept) {
    const first = seq.items[i];
    first.commentBefore = ` ${g.title}\n ${g.note}`;
    if (i > 0) first.spaceBefore = true;
    i += g.assertions.length;
  }
  // One assertion per line: a long file stays easy to scan, edit and diff.
  for (const item of seq.items) item.flow = true;
  doc.commentBefore = header.map((l) => ` ${l}`).join('\n');
  return doc.toString({ lineWidth: 0, flowCollectionPadding: true });
}

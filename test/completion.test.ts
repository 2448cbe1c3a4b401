// Shell completion: the scripts run in real shells against a demo model; the candidates come
// from `schoolctl __complete`, which reads the model and never writes it.

import Database from 'better-sqlite3';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CommandSpec } from '../src/commands/command-spec.js';
import { completions } from '../src/commands/complete.js';
import type { Vocabulary } from '../src/commands/vocabulary.js';
import { prefixQuery, VALUE_KINDS } from '../src/db/stores/model-prefix.cjs';
import { BIN, demoDb, run } from './helpers.js';

let db: string;
let binDir: string;
const hasShell = (name: string) => spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;

beforeAll(() => {
  db = demoDb();
  // The scripts call `schoolctl` by name, as an installed one would be.
  binDir = mkdtempSync(join(tmpdir(), 'schoolctl-bin-'));
  writeFileSync(join(binDir, 'schoolctl'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(join(binDir, 'schoolctl'), 0o755);
});

const env = () => ({ ...process.env, PATH: `${binDir}:${process.env.PATH}`, SCHOOLCTL_DB: db, CI: 'true' });

/** COMPREPLY for a command line typed up to its end, split into COMP_WORDS the way bash does. */
function bashComplete(line: string): string[] {
  const script = `
    eval "$(schoolctl completion bash)"
    COMP_LINE="$1"; COMP_POINT=\${#COMP_LINE}
    COMP_WORDS=(); w=""
    # bash breaks words at blanks and also at = and :, which become words of their own.
    for ((i = 0; i < \${#COMP_LINE}; i++)); do
      c="\${COMP_LINE:i:1}"
      if [[ $c == " " ]]; then [[ -n $w ]] && COMP_WORDS+=("$w"); w=""
      elif [[ $c == "=" || $c == ":" ]]; then [[ -n $w ]] && COMP_WORDS+=("$w"); COMP_WORDS+=("$c"); w=""
      else w+="$c"; fi
    done
    COMP_WORDS+=("$w")
    [[ -z $w && \${COMP_LINE: -1} != " " ]] && unset 'COMP_WORDS[-1]'
    COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 ))
    _schoolctl
    printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync('bash', ['-c', script, 'bash', line], { encoding: 'utf8', env: env() }).split('\n').filter(Boolean);
}

describe('bash completion', () => {
  it('completes groups, subcommands and options', () => {
    expect(bashComplete('schoolctl us')).toEqual(['users']);
    expect(bashComplete('schoolctl users j')).toEqual(['join']);
    expect(bashComplete('schoolctl users add x --pro')).toEqual(['--profile']);
  });

  it('completes users, units and profiles from the model', () => {
    expect(bashComplete('schoolctl users join j.de')).toEqual(['j.devries']);
    expect(bashComplete('schoolctl users join j.devries --unit nor')).toEqual(['north', 'north-lower', 'north-upper']);
    expect(bashComplete('schoolctl users add x --profile St')).toEqual(['Staff', 'Student']);
  });

  it('completes setting keys with their values after KEY=', () => {
    expect(bashComplete('schoolctl profiles set Staff messag')).toEqual(['messages=']);
    expect(bashComplete('schoolctl profiles set Staff messages=')).toEqual(['off', 'on']);
    expect(bashComplete('schoolctl profiles set Staff messages=o')).toEqual(['off', 'on']);
  });

  it('completes actions and the KIND:ID targets of the chosen action', () => {
    expect(bashComplete('schoolctl whocan search-u')).toContain('search-user');
    expect(bashComplete('schoolctl whocan search-user ')).toEqual(['user:']);
    expect(bashComplete('schoolctl whocan search-user user:j.de')).toEqual(['j.devries']);
  });

  it('reads the model without writing to it', () => {
    const before = statSync(db).mtimeMs;
    expect(run(db, '__complete', 'users', 'join', '').stdout).toContain('j.devries');
    expect(statSync(db).mtimeMs).toBe(before);
  });

  it('prints the script for each shell and refuses an unknown one with exit 2', () => {
    for (const shell of ['bash', 'zsh', 'fish']) expect(run(null, 'completion', shell).stdout).toContain('__complete');
    const r = run(null, 'completion', 'tcsh');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('"tcsh"; use bash, zsh or fish');
  });
});

describe.runIf(hasShell('zsh'))('zsh completion', () => {
  it('offers what __complete found, through compadd', () => {
    // compadd is zsh's completion builtin; outside a completion it is replaced by a printer.
    const script = `
      compdef() { :; }
      source <(schoolctl completion zsh)
      compadd() { while [[ $1 != -- ]]; do shift; done; shift; print -l -- "$@"; }
      words=(schoolctl users add x --profile St); CURRENT=6
      _schoolctl`;
    const out = execFileSync('zsh', ['-c', script], { encoding: 'utf8', env: env() });
    expect(out.split('\n').filter(Boolean)).toEqual(['Staff', 'Student']);
  });
});

describe.runIf(hasShell('fish'))('fish completion', () => {
  it('completes live values through complete -C', () => {
    const out = execFileSync('fish', ['-c', 'schoolctl completion fish | source; complete -C "schoolctl users join j.de"'], { encoding: 'utf8', env: env() });
    expect(out.split('\n').filter(Boolean)).toEqual(['j.devries']);
  });
});

// The shells reach the fast entry, which reads the words the build wrote (dist/command-spec.json);
// here its answers are held against those of the modules themselves, for every kind of value.
describe('the fast entry', () => {
  const fast = createRequire(import.meta.url)('../dist/src/commands/complete-fast.cjs');
  const snapshot = () => fast.readSnapshot();

  it('answers as the modules do, for every command, option and argument and every kind of value', async () => {
    const spec = snapshot();
    expect(spec?.lexicon).toBeDefined();
    const lines: string[][] = [];
    const kindOf: string[] = [];
    const add = (words: string[], v: Vocabulary | undefined) => {
      lines.push(words);
      kindOf.push(!v ? 'none' : 'live' in v ? v.live : 'special' in v ? v.special : 'fixed');
    };
    const walk = async (cmd: CommandSpec, path: string[]) => {
      for (const p of ['', '-', '--', 'a']) add([...path, p], undefined);
      for (const o of cmd.options.filter((x) => x.value)) for (const p of ['', 'a', 's', 'n', 'j.d', 'm', '2']) add([...path, o.long ?? o.short ?? '', p], o.values);
      // Each argument after plausible earlier ones: the first candidate the modules give there.
      const before: string[] = [];
      for (const a of cmd.args) {
        for (const p of ['', 'a', 's', 'n', 'j.d', 'm', 'messages=', 'messages=o', 'user:', 'unit:n', 'class:']) add([...path, ...before, p], a.values);
        before.push((await completions([...path, ...before, '']))[0] ?? 'x');
      }
      for (const c of cmd.commands) await walk(c, [...path, c.name]);
    };
    await walk(spec, []);
    for (const a of spec.lexicon.actions) for (const k of a.targetKinds) add(['whocan', a.key, `${k}:`], { special: 'target' });
    for (const s of spec.lexicon.settings) add(['profiles', 'set', 'Staff', `${s.key}=`], { special: 'setting' });
    add(['help', ''], undefined);

    process.env.SCHOOLCTL_DB = db;
    const answered = new Set<string>();
    const differ: string[] = [];
    for (const [i, words] of lines.entries()) {
      const [before, now] = [await completions(words), await fast.snapshotCompletions(spec, words)];
      if (JSON.stringify(now) !== JSON.stringify(before)) differ.push(`${words.join(' ')}: ${before.slice(0, 3)} / ${now.slice(0, 3)}`);
      if (now.length) answered.add(kindOf[i]);
    }
    delete process.env.SCHOOLCTL_DB;
    expect(differ.slice(0, 5)).toEqual([]);
    // Every kind of value was asked for and answered, so the comparison covered it.
    expect([...VALUE_KINDS, 'setting', 'action', 'target', 'bulk-kind', 'fixed'].filter((k) => !answered.has(k))).toEqual([]);
  });

  it('reaches the shell through bin/schoolctl.js with the same answers', async () => {
    for (const words of [['users', 'join', 'j.de'], ['whocan', 'search-user', 'user:j'], ['users', 'add', 'x', '--profile', ''], ['profiles', 'set', 'Staff', 'messages='], ['portal', ''], ['help', 'w']]) {
      const r = run(db, '__complete', ...words);
      expect([r.status, r.stderr]).toEqual([0, '']);
      expect(r.stdout.split('\n').filter(Boolean)).toEqual(await completions(['--db', db, ...words]));
    }
  });

  it('has no snapshot to read when the file is missing or was written before the words were in it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'schoolctl-spec-'));
    writeFileSync(join(dir, 'old.json'), JSON.stringify({ name: 'schoolctl', options: [], args: [], commands: [] }));
    expect(fast.readSnapshot(join(dir, 'missing.json'))).toBeUndefined();
    expect(fast.readSnapshot(join(dir, 'old.json'))).toBeUndefined();
  });

  it('offers no model values for a missing or unreadable model, without a word on stderr, and exits 0', () => {
    const dir = mkdtempSync(join(tmpdir(), 'schoolctl-odd-'));
    writeFileSync(join(dir, 'text.db'), 'not a model\n');
    writeFileSync(join(dir, 'empty.db'), '');
    for (const odd of [join(dir, 'missing.db'), join(dir, 'text.db'), join(dir, 'empty.db'), dir]) {
      for (const words of [['users', 'join', ''], ['whocan', 'search-user', 'user:'], ['users', 'add', 'x', '--profile', '']]) {
        const r = run(odd, '__complete', ...words);
        expect([r.status, r.stdout, r.stderr]).toEqual([0, '', '']);
      }
      // The words that need no model are still there.
      expect(run(odd, '__complete', 'us').stdout).toBe('users\n');
    }
    expect(readdirSync(dir).sort()).toEqual(['empty.db', 'text.db']);
  });
});

describe('the prefix read', () => {
  it('is answered by the index of the id column, not a scan of the table', () => {
    const model = new Database(db, { readonly: true });
    // The portal's lists are keyed by (school year, id): short lists, read whole.
    const keyedById = VALUE_KINDS.filter((k) => !['afdeling', 'klas', 'team', 'sectie'].includes(k));
    const plans = keyedById.map((k) => [k, model.prepare(`EXPLAIN QUERY PLAN ${prefixQuery(k)}`).all('a', 'a\u{10ffff}', 50).map((r: any) => r.detail).join('; ')]);
    model.close();
    for (const [kind, plan] of plans) expect(`${kind}: ${plan}`).toMatch(/: SEARCH \w+ USING (?:(?:COVERING )?INDEX \S+|PRIMARY KEY) \(\w+>\? AND \w+<\?\)/);
  });
});

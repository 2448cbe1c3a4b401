// Shell completion: the scripts run in real shells against a demo model; the candidates come
// from `schoolctl __complete`, which reads the model and never writes it.

import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
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

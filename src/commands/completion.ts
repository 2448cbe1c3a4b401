// `completion bash|zsh|fish`: a script that asks `schoolctl __complete` for the candidates, so
// completion knows the same commands, options and live names as the installed schoolctl.

import type { Command } from 'commander';
import { invalid } from '../model/errors.js';
import { action, examples } from './runtime.js';

const BASH = `# schoolctl completion for bash: eval "$(schoolctl completion bash)"
_schoolctl() {
  local line="\${COMP_LINE:0:COMP_POINT}" cur="\${COMP_WORDS[COMP_CWORD]}" words
  # bash splits KEY=VALUE and KIND:ID at = and :; schoolctl gets the whole word and cuts its answer.
  [[ $cur == "=" || $cur == ":" ]] && cur=""
  read -ra words <<< "$line"
  [[ $line =~ [[:space:]]$ || -z $line ]] && words+=("")
  local IFS=$'\\n'
  COMPREPLY=($(SCHOOLCTL_COMP_CUR="$cur" "\${words[0]:-schoolctl}" __complete "\${words[@]:1}" 2>/dev/null))
  if [[ \${#COMPREPLY[@]} -eq 1 && \${COMPREPLY[0]} == *[=:] ]]; then compopt -o nospace 2>/dev/null; fi
}
complete -o default -F _schoolctl schoolctl
`;

const ZSH = `#compdef schoolctl
# schoolctl completion for zsh: source <(schoolctl completion zsh)
_schoolctl() {
  local -a candidates
  candidates=("\${(@f)$(\${words[1]} __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  candidates=(\${candidates:#})
  if (( \${#candidates} == 0 )); then _files; return; fi
  local -a whole partial
  whole=(\${candidates:#*[=:]})
  partial=(\${(M)candidates:#*[=:]})
  (( \${#whole} )) && compadd -Q -- "\${whole[@]}"
  (( \${#partial} )) && compadd -Q -S '' -- "\${partial[@]}"
  (( \${#whole} + \${#partial} ))
}
if (( $+functions[compdef] )); then compdef _schoolctl schoolctl; fi
`;

const FISH = `# schoolctl completion for fish: schoolctl completion fish | source
function __schoolctl_complete
    set -l words (commandline -opc) (commandline -ct)
    $words[1] __complete $words[2..-1] 2>/dev/null
end
complete -c schoolctl -f -a '(__schoolctl_complete)'
`;

export const SCRIPTS: Readonly<Record<string, string>> = { bash: BASH, zsh: ZSH, fish: FISH };

async function completion(_ctx: unknown, shell: string) {
  const script = SCRIPTS[shell];
  if (!script) throw invalid('bad-shell', `There is no completion for "${shell}"; use bash, zsh or fish.`);
  return { data: { shell, script }, human: script };
}

export function register(program: Command): void {
  examples(
    program
      .command('completion')
      .argument('<shell>', 'bash, zsh or fish')
      .description('print the shell completion script: groups, subcommands, options and the names in the model')
      .addHelpText('after', '\nSet-up, once (bash): echo \'eval "$(schoolctl completion bash)"\' >> ~/.bashrc\nzsh: source <(schoolctl completion zsh) in ~/.zshrc\nfish: schoolctl completion fish > ~/.config/fish/completions/schoolctl.fish\nNames come from the model of --db or $SCHOOLCTL_DB, read only.')
      .action(action(completion)),
    ['schoolctl completion bash', 'mkdir -p ~/.zfunc && schoolctl completion zsh > ~/.zfunc/_schoolctl', 'mkdir -p ~/.config/fish/completions && schoolctl completion fish > ~/.config/fish/completions/schoolctl.fish'],
  );
}

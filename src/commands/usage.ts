// An unknown command or option, reported with the same "did you mean" as every other name.

import { didYouMean } from '../model/did-you-mean.js';
import { invalid, type SchoolctlError } from '../model/errors.js';
import { loadSpec } from './command-spec.js';
import { locate } from './complete.js';

export async function explainUnknown(argv: readonly string[], e: { code?: string; message?: string }): Promise<SchoolctlError> {
  const word = /'([^']+)'/.exec(e.message ?? '')?.[1] ?? '';
  const at = locate(await loadSpec(), argv);
  if (e.code === 'commander.unknownOption') {
    const flag = word.split('=')[0];
    const names = at.chain.flatMap((c) => c.options.map((o) => o.long).filter((l): l is string => !!l));
    return invalid('usage', `unknown option '${flag}'${didYouMean(flag, names) || '.'} "${['schoolctl', ...at.path, '--help'].join(' ')}" lists the options.`);
  }
  const names = at.cmd.commands.map((c) => c.name);
  const where = at.path.length ? `${['schoolctl', ...at.path].join(' ')} has no command '${word}'` : `unknown command '${word}'`;
  return invalid('usage', `${where}${didYouMean(word, names) || '.'} "${['schoolctl', ...at.path, '--help'].join(' ')}" lists them.`);
}

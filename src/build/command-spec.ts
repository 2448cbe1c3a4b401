// Build step: writes dist/command-spec.json (the command tree and every word shell completion
// offers, which its fast entry reads) and
// dist/schoolctl.1 (the man page: the top-level help and every help topic, the same text).

import { writeFileSync } from 'node:fs';
import { topHelp } from '../cli.js';
import { buildSpec, SPEC_FILE } from '../commands/command-spec.js';
import { completionSpec } from '../commands/complete.js';
import { HELP_TOPICS } from '../commands/help-topics.js';

writeFileSync(SPEC_FILE, `${JSON.stringify(await completionSpec(await buildSpec()))}\n`);

/** Text as roff shows it verbatim: backslashes escaped, no line read as a request. */
const verbatim = (text: string) => ['.nf', ...text.split('\n').map((l) => l.replace(/\\/g, '\\e').replace(/^([.'])/, '\\&$1')), '.fi'].join('\n');

const man = [
  '.TH SCHOOLCTL 1 "" "schoolctl" "User Commands"',
  '.SH NAME',
  "schoolctl \\- a school site's access set-up in one SQLite file, with every access decision explained",
  '.SH DESCRIPTION',
  verbatim(topHelp().trimEnd()),
  ...HELP_TOPICS.flatMap((t) => [`.SH ${t.name.toUpperCase().replace(/-/g, ' ')}`, `${t.title} (schoolctl help ${t.name})`, '.PP', verbatim(t.text)]),
  '',
].join('\n');
writeFileSync(new URL('../../schoolctl.1', import.meta.url), man);

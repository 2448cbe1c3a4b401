// Build step: writes dist/command-spec.json, the command tree that shell completion reads.

import { writeFileSync } from 'node:fs';
import { buildSpec, SPEC_FILE } from '../commands/command-spec.js';

writeFileSync(SPEC_FILE, `${JSON.stringify(await buildSpec())}\n`);

#!/usr/bin/env node
// CommonJS (bin/package.json), so that a shell completion request starts without the ES-module
// loader: `__complete` goes to the small entry that reads the prebuilt command words and the model.
// Everything else loads the compiled CLI in dist/ (`npm install` builds it through prepare).
const argv = process.argv.slice(2);
const fast = argv.includes('__complete') ? require('../dist/src/commands/complete-fast.cjs') : undefined;
const words = fast && fast.completionWords(argv);
const full = () => import('../dist/src/cli.js').then((cli) => cli.main(argv));
if (words) fast.complete(words).then((done) => done || full());
else full();

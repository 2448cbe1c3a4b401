#!/usr/bin/env node
// The compiled CLI lives in dist/; `npm install` builds it through the prepare script.
import('../dist/src/cli.js').then((cli) => cli.main(process.argv.slice(2)));

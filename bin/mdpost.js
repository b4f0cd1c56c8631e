#!/usr/bin/env node
'use strict';
// Entry point: the compiled CLI, bundled with its code cache, lives in dist/bundle/ (built by
// `npm install` / `npm run build`; bin/load-bundle.cjs loads it). This file is CommonJS
// (bin/package.json): an ES module entry starts Node's module loader first, ~8 ms of every run.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const entry = join(__dirname, '../dist/bundle/mdpost.cjs');
if (!existsSync(entry)) {
  process.stderr.write('mdpost: not built yet; run `npm install` (or `npm run build`) in the mdpost folder first\n');
  process.exit(1);
}
// Output piped into `head` and the like: stop quietly when the reader has gone.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}
const { loadBundle } = require('./load-bundle.cjs');
const { exports: cli, cacheUsed } = loadBundle(entry);
if (process.env.MDPOST_TRACE) cli.trace(`bundle loaded, ${cacheUsed ? 'from its code cache' : 'compiled (no usable code cache)'}`);
cli.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});

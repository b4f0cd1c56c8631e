#!/usr/bin/env node
// Entry point: the compiled CLI, bundled, lives in dist/bundle/ (built by `npm install` / `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/bundle/mdpost.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
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
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));

#!/usr/bin/env node
// Entry point: the compiled CLI, bundled with its code cache, lives in dist/bundle/ (built by
// `npm install` / `npm run build`; bin/load-bundle.cjs loads it).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../dist/bundle/mdpost.cjs', import.meta.url));
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
const { loadBundle } = createRequire(import.meta.url)('./load-bundle.cjs');
const { exports: cli, cacheUsed } = loadBundle(entry);
if (process.env.MDPOST_TRACE) cli.trace(`bundle loaded, ${cacheUsed ? 'from its code cache' : 'compiled (no usable code cache)'}`);
process.exitCode = await cli.main(process.argv.slice(2));

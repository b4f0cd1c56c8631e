// The command line and the worker entry bundled into one CommonJS file each (dist/bundle/), from
// tsc's output in dist/, each with a V8 code cache beside it (bin/load-bundle.cjs loads them).
// Node loads ~120 modules one by one otherwise, ~80 ms of every run's start (and of each worker
// thread's); split into ES module chunks they still cost ~50 ms of Node's ES module loader and
// ~25 ms of compiling, most of which one CommonJS file compiled from its cache saves. The packages
// every run loads (commander, cli-progress, fft.js, tinyglobby) are bundled too. piscina stays
// outside, since it starts its worker threads from its own files, and so do vega and vega-lite,
// loaded only for plots (ES modules only: the bundle imports them).
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { build } from 'esbuild';

const { writeCodeCache } = createRequire(import.meta.url)('../bin/load-bundle.cjs');

rmSync('dist/bundle', { recursive: true, force: true });

// commander requires node:child_process at its top, for subcommands run as separate executables,
// which mdpost has none of; loading it (with net, stream, dgram …) costs ~3 ms of every start.
// Its one use, childProcess.spawn, loads it when called.
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (args) => (/[\\/]commander[\\/]/.test(args.importer) ? { path: 'lazy-child-process', namespace: 'mdpost-lazy' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'mdpost-lazy' }, () => ({
      contents: "module.exports = { spawn: (...args) => require('node:child_process').spawn(...args) };",
      loader: 'js',
    }));
  },
};

for (const [name, entry] of [
  // The command line, and its trace for bin/mdpost.js to say how the bundle was loaded.
  ['mdpost', "export * from './dist/src/cli/main.js';\nexport { trace } from './dist/src/trace.js';\n"],
  ['task', "export { default } from './dist/workers/task.js';\nexport { trace } from './dist/src/trace.js';\n"],
]) {
  await build({
    stdin: { contents: entry, resolveDir: '.', sourcefile: `${name}-entry.js` },
    outfile: `dist/bundle/${name}.cjs`,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: ['piscina', 'vega', 'vega-lite'],
    // The first line identifies this build for its code cache; the modules keep the strict mode of
    // ES modules; a module's own URL is its bundle's.
    banner: {
      js: `// mdpost-build ${randomBytes(16).toString('hex')}\n'use strict';\nvar __mdpostModuleUrl = require('node:url').pathToFileURL(__filename).href;`,
    },
    define: { 'import.meta.url': '__mdpostModuleUrl' },
    sourcemap: true,
    charset: 'ascii',
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [lazyChildProcess],
  });
}

// import() of a package left outside: run through bin/load-bundle.cjs's import (see there). And
// the bundles are made pure ASCII, the few other characters left (in comments and regular
// expressions) written as \u escapes, which mean the same there: bin/load-bundle.cjs then reads
// them as one-byte strings, ~2.5 ms faster than decoding UTF-8 (and V8 scans them faster).
for (const name of ['mdpost', 'task']) {
  const file = `dist/bundle/${name}.cjs`;
  const code = readFileSync(file, 'utf8')
    .replace(/\bimport\((?="(vega|vega-lite)"\))/g, '__mdpostImport(')
    .replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (/\bimport\(/.test(code)) throw new Error(`${file} imports something the bundle loader cannot: ${/\bimport\(.{0,40}/.exec(code)[0]}`);
  writeFileSync(file, code);
}

// piscina's worker thread requires its entry by path: this one loads the worker's bundle.
writeFileSync(
  'dist/bundle/worker.cjs',
  `'use strict';
const { loadBundle } = require('../../bin/load-bundle.cjs');
const { exports: task, cacheUsed } = loadBundle(require('node:path').join(__dirname, 'task.cjs'));
if (process.env.MDPOST_TRACE) task.trace(\`bundle loaded, \${cacheUsed ? 'from its code cache' : 'compiled (no usable code cache)'}\`);
module.exports = task.default;
`,
);

// The caches hold what a start compiles: every module's top level, and for the command line the
// registration of all its commands. (V8 refuses a cache made under other command-line flags, such
// as a NODE_OPTIONS=--max-old-space-size at build time but not at run time: it only costs time.)
await writeCodeCache(resolve('dist/bundle/mdpost.cjs'), (cli) => cli.buildProgram());
await writeCodeCache(resolve('dist/bundle/task.cjs'));

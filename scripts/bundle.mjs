// The command line and the worker entry bundled into a few files (dist/bundle/), from tsc's output
// in dist/: Node loads ~120 modules one by one otherwise, ~80 ms of every run's start (and of each
// worker thread's). The packages every run loads (commander, cli-progress, fft.js, tinyglobby) are
// bundled too: Node's ES module loader reads a CommonJS package through a slow path (its exports
// are found by parsing it), ~15 ms for commander alone. piscina stays outside, since it starts
// its worker threads from its own files, and so do vega and vega-lite, loaded only for plots.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

rmSync('dist/bundle', { recursive: true, force: true });

await build({
  entryPoints: { mdpost: 'dist/src/cli/main.js', task: 'dist/workers/task.js' },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['piscina', 'vega', 'vega-lite'],
  // Bundled CommonJS packages require Node's built-ins, which an ES module can do only through a
  // require of its own.
  banner: { js: "import { createRequire as __mdpostRequire } from 'node:module'; const require = __mdpostRequire(import.meta.url);" },
  sourcemap: true,
  logLevel: 'warning',
});

// The command line and the worker entry bundled into a few files (dist/bundle/), from tsc's output
// in dist/: Node loads ~120 modules one by one otherwise, ~80 ms of every run's start (and of each
// worker thread's). Packages stay outside the bundle, loaded from node_modules as usual.
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
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});

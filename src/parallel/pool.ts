import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Piscina } from 'piscina';
import { packageRoot, runsBundled } from '../package-files.js';

/**
 * The worker pool. Its entry point is the compiled workers/task.js (built by `npm run build`,
 * which `npm install` and `npm test` run); from the sources under vitest the same compiled file
 * is used. The bundled command line (dist/bundle/) has its own entry beside it, which loads the
 * worker's bundle with its code cache, so that a worker thread compiles little to start.
 */
export function workerFile(): string {
  const file = runsBundled() ? join(dirname(fileURLToPath(import.meta.url)), 'worker.cjs') : join(packageRoot(), 'dist/workers/task.js');
  if (!existsSync(file)) throw new Error(`worker entry ${file} is missing: run npm run build`);
  return file;
}

export function createPool(threads: number): Piscina {
  // With every core folding frames, V8's background compiler thread gets no core of its own, and
  // hot loops wait in the slower tiers for their optimised code. Compiling on the thread that
  // needs the code instead measured 7% faster with 2 workers on 2 cores (and 2% slower with 1,
  // so only here). It changes when code is compiled, never what it computes.
  setFlagsFromString('--no-concurrent-recompilation');
  return new Piscina({
    filename: pathToFileURL(workerFile()).href,
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 1000,
    atomics: 'disabled',
  });
}

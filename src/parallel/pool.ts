import { existsSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';

/**
 * The worker pool. Its entry point is the compiled workers/task.js (built by `npm run build`,
 * which `npm install` and `npm test` run); from the sources under vitest the same compiled file
 * is used.
 */
export function workerFile(): string {
  const here = fileURLToPath(import.meta.url);
  const root = here.includes(`${sep}dist${sep}src${sep}`) ? resolve(dirname(here), '../../..') : resolve(dirname(here), '../..');
  const file = join(root, 'dist/workers/task.js');
  if (!existsSync(file)) throw new Error(`worker entry ${file} is missing: run npm run build`);
  return file;
}

export function createPool(threads: number): Piscina {
  return new Piscina({
    filename: pathToFileURL(workerFile()).href,
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 1000,
    atomics: 'disabled',
  });
}

import { expect } from 'vitest';
import { ANALYSES } from '../../src/analyses/index.js';
import type { RawOptions } from '../../src/pipeline/options.js';
import { documentJson, documentOf } from '../../src/report/document.js';
import { analyzeFile, type RunOptions } from '../../src/run/analyze-file.js';
import { specOf } from './analyze.js';

/** Cut even small files into many slices, batches and stolen pieces, so that boundaries fall everywhere. */
export const fine = (workers: number, batchBytes = 100_000): RunOptions => ({ workers, minParallelBytes: 0, sliceBytes: 1, batchBytes, stealBytes: 1 });

/** How close two numbers must be: |a − b| ≤ rel·max(|a|, |b|) + abs; NaN equal to NaN when nanEqual. */
export interface Closeness {
  rel: number;
  abs?: number;
  nanEqual?: boolean;
}

/** Every number of two results equal within `within` (default 1e-12 relative; counts exactly), everything else exactly. */
export function expectSame(a: unknown, b: unknown, path = 'result', within: Closeness = { rel: 1e-12 }): void {
  if (typeof a === 'number' && typeof b === 'number') {
    if (a !== b && !(within.nanEqual && Number.isNaN(a) && Number.isNaN(b))) {
      expect(Math.abs(a - b), path).toBeLessThanOrEqual(within.rel * Math.max(Math.abs(a), Math.abs(b)) + (within.abs ?? 0));
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    expect(b.length, path).toBe(a.length);
    a.forEach((x, i) => expectSame(x, b[i], `${path}[${i}]`, within));
    return;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    expect(Object.keys(b as object).sort(), path).toEqual(Object.keys(a as object).sort());
    for (const k of Object.keys(a as object)) expectSame((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`, within);
    return;
  }
  expect(b, path).toEqual(a);
}

/** The results document of an analysis (warnings left out: they name threads' pieces). */
export async function resultJson(file: string, options: RawOptions, run: RunOptions) {
  const r = documentJson(documentOf(await analyzeFile(specOf(file, options), run), ANALYSES, 'test'));
  delete r.warnings;
  return r;
}

/** 1, 2 and 3 workers give the same results document. */
export async function expectSameForWorkers(file: string, options: RawOptions, batchBytes?: number): Promise<void> {
  const one = await resultJson(file, options, { workers: 1 });
  for (const w of [2, 3]) expectSame(one, await resultJson(file, options, fine(w, batchBytes)), `${w} workers`);
}

import { ANALYSES } from '../analyses/index.js';
import { formatByName } from '../io/formats.js';
import { TrajectoryReader, truncationWarning } from '../io/reader.js';
import { isGzip, streamBytes } from '../io/source.js';
import { serialParallel, type Parallel } from '../pipeline/contract.js';
import { finish, type Finished } from '../pipeline/finish.js';
import { Folder, type FoldState } from '../pipeline/fold.js';
import { makePlan, readerOptions, type Plan } from '../pipeline/plan.js';
import type { AnalysisSpec } from '../pipeline/spec.js';
import type { SavedFold } from '../pipeline/state-codec.js';
import { trace } from '../trace.js';
import { breather } from './breather.js';
import { lineAtOffset } from './line-at-offset.js';
import type { RunOptions } from './run-options.js';

export { breather } from './breather.js';
export type { RunOptions } from './run-options.js';

export const MIN_PARALLEL_BYTES = 32 << 20;

/**
 * The size thresholds can be lowered from the environment (MDPOST_MIN_PARALLEL_BYTES,
 * MDPOST_SLICE_BYTES, MDPOST_BATCH_BYTES, MDPOST_STEAL_BYTES), so that tests run through the
 * command line can cut a small file into many slices. They change how the work is split, never
 * the numbers.
 */
function tuningFromEnv(): RunOptions {
  const read = (name: string) => {
    const v = Number(process.env[name]);
    return Number.isInteger(v) && v > 0 ? v : undefined;
  };
  const out: RunOptions = {};
  const pairs: [keyof RunOptions, string][] = [
    ['minParallelBytes', 'MDPOST_MIN_PARALLEL_BYTES'],
    ['sliceBytes', 'MDPOST_SLICE_BYTES'],
    ['batchBytes', 'MDPOST_BATCH_BYTES'],
    ['stealBytes', 'MDPOST_STEAL_BYTES'],
  ];
  for (const [key, name] of pairs) {
    const v = read(name);
    if (v !== undefined) (out as Record<string, number>)[key] = v;
  }
  return out;
}

/** The run was stopped (Ctrl-C): the command decides how to end. */
export class Cancelled extends Error {
  override name = 'Cancelled';
}

/**
 * Analyse one trajectory: plan from its first frames, fold every frame into the analyses'
 * states, finish. With several workers an uncompressed file is cut into frame-aligned slices
 * that workers read and parse themselves; a gzip file is decompressed here and handed out in
 * frame-aligned batches. States merge in file order, and finishing work that splits (the FFT
 * MSD) runs across the workers. The numbers do not depend on the number of workers.
 */
export async function analyzeFile(spec: AnalysisSpec, options: RunOptions = {}): Promise<Finished> {
  return run(spec, options, async ({ plan, state, warnings, parallel }) => {
    const result = await finish(plan, ANALYSES, state, parallel);
    trace('finished');
    result.warnings.push(...warnings);
    return result;
  });
}

/**
 * Fold the frames of one trajectory (or of its `spec.frames.range`) without finishing: the
 * partial state that `mdpost merge` joins with the states of the other ranges.
 */
export async function foldFile(spec: AnalysisSpec, options: RunOptions = {}): Promise<SavedFold> {
  return run(spec, options, async ({ plan, state, warnings }) => ({ plan, state, warnings }));
}

interface Folded {
  plan: Plan;
  state: FoldState;
  warnings: string[];
  parallel: Parallel;
}

async function run<T>(spec: AnalysisSpec, given: RunOptions, then: (f: Folded) => Promise<T>): Promise<T> {
  const options = { ...tuningFromEnv(), ...given };
  let workers = options.workers ?? 1;
  if (workers > 1 && (await streamBytes(spec.file)) < (options.minParallelBytes ?? MIN_PARALLEL_BYTES)) workers = 1;
  const gz = await isGzip(spec.file);
  // `workers` threads in all: with slices of a plain file this thread folds slices too (it is
  // warm from planning, and its share needs no transfer); with gzip it decompresses instead.
  // The pool's threads start (and load their code) while this one plans.
  // (The pool's code is loaded only for a run that uses it.)
  const pool = workers > 1 ? (await import('../parallel/pool.js')).createPool(gz ? workers : workers - 1) : null;
  const work = async (): Promise<T> => {
    trace('start');
    const plan = await makePlan(spec, ANALYSES);
    trace('planned');
    if (pool) {
      const slices = gz ? null : await (await import('../parallel/slices.js')).planSlices(plan, workers, options.sliceBytes);
      trace(`sliced: ${slices?.length ?? 'none'}`);
      if ((gz && formatByName(plan.format).framing) || slices) {
        const { inWorkers, poolParallel } = await import('./in-workers.js');
        const { state, warnings } = await inWorkers(plan, pool, workers, slices, options);
        return await then({ plan, state, warnings, parallel: poolParallel(pool, workers) });
      }
    }
    const { state, warnings } = await inThisThread(plan, options);
    return await then({ plan, state, warnings, parallel: serialParallel(ANALYSES) });
  };
  try {
    const working = work();
    if (!options.cancelled) return await working;
    // Once stopped, the work fails as the pool goes: that is expected, not an error to report.
    working.catch(() => {});
    return await Promise.race([working, options.cancelled.then(() => Promise.reject(new Cancelled('stopped')))]);
  } finally {
    await pool?.destroy();
    trace('pool closed');
  }
}

async function inThisThread(plan: Plan, options: RunOptions): Promise<{ state: FoldState; warnings: string[] }> {
  const r = plan.spec.frames.byteRange;
  // Read as a worker reads its slice: the plan has the topology and what the parser carries from
  // frame to frame, so the first frame is not taken apart again for names and types.
  const reader = await TrajectoryReader.open(plan.spec.file, {
    ...readerOptions(plan.spec.read),
    atoms: plan.readAtoms,
    format: plan.format,
    topologyKnown: true,
    parserState: plan.parserState,
    ...(r ? { range: { start: r.start, end: r.end, firstFrame: r.firstFrame, firstLine: null } } : {}),
  });
  const folder = new Folder(plan, ANALYSES);
  const breathe = breather();
  for await (const frame of reader.frames()) {
    if (folder.done(frame.index)) break;
    folder.add(frame);
    if (await breathe()) {
      const p = reader.progress();
      options.onProgress?.(p.done, p.total);
    }
  }
  trace('folded');
  const warnings = [...reader.warnings];
  if (reader.truncated && reader.truncated.line === null && !formatByName(plan.format).binary) {
    warnings.push(truncationWarning(plan.spec.file, reader.truncated.frame, await lineAtOffset(plan.spec.file, reader.truncated.offset)));
  }
  return { state: folder.state(), warnings };
}

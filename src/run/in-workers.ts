import type { Piscina } from 'piscina';
import { ANALYSES } from '../analyses/index.js';
import { formatByName } from '../io/formats.js';
import { truncationWarning } from '../io/reader.js';
import { openByteSource } from '../io/source.js';
import { InputError, ParseError } from '../model/errors.js';
import { frameBatches } from '../parallel/batches.js';
import type { Slice } from '../parallel/slices.js';
import { SliceControl, steal } from '../parallel/steal.js';
import { foldSlice, isFailure, type FoldedSlice, type FoldTask, type TaskFailure } from '../parallel/task.js';
import { serialParallel, type Parallel } from '../pipeline/contract.js';
import type { FoldState } from '../pipeline/fold.js';
import { mergeAll } from '../pipeline/merge.js';
import type { Plan } from '../pipeline/plan.js';
import { foldFromWire } from '../pipeline/state-codec.js';
import { trace } from '../trace.js';
import { breather } from './breather.js';
import { lineAtOffset } from './line-at-offset.js';
import type { RunOptions } from './run-options.js';

/**
 * Folding and finishing in the worker pool (analyzeFile with several workers): loaded only by a
 * run that starts a pool.
 */

export /** Finishing tasks split between the pool's threads and this one, on memory all of them read. */
function poolParallel(pool: Piscina, workers: number): Parallel {
  return {
    threads: workers,
    alloc: (n) => new Float64Array(new SharedArrayBuffer(8 * Math.max(1, n))),
    async map<A, R>(analysis: string, task: string, args: A[]): Promise<R[]> {
      // The first runs here while the pool runs the rest.
      const [mine, ...rest] = args;
      const theirs = rest.map((a) => pool.run({ kind: 'analysis', analysis, task, args: a }) as Promise<R>);
      const here = mine === undefined ? [] : await serialParallel(ANALYSES).map<A, R>(analysis, task, [mine]);
      return [...here, ...(await Promise.all(theirs))];
    },
  };
}

export async function inWorkers(plan: Plan, pool: Piscina, workers: number, slices: Slice[] | null, options: RunOptions): Promise<{ state: FoldState; warnings: string[] }> {
  const parts = slices ? await foldSlices(plan, pool, workers - 1, slices, options) : await foldBatches(plan, pool, workers, options.batchBytes ?? BATCH_BYTES, options);
  trace('folded');
  const failed = parts.find(isFailure);
  if (failed) throw await rebuildError(plan, failed);
  const folded = parts as FoldedSlice[];
  const warnings = folded.flatMap((f) => f.warnings);
  const cut = formatByName(plan.format).binary ? undefined : folded.find((f) => f.truncated && f.truncated.line === null)?.truncated;
  if (cut) warnings.push(truncationWarning(plan.spec.file, cut.frame, await lineAtOffset(plan.spec.file, cut.offset)));
  const state = mergeAll(plan, ANALYSES, folded.map((f) => foldFromWire(plan, ANALYSES, f.state)));
  trace('merged');
  return { state, warnings };
}

function foldTask(plan: Plan, slice: FoldTask['slice'], control?: SliceControl): FoldTask {
  return { kind: 'fold', plan, slice, ...(control ? { control: control.buffer } : {}) };
}

/**
 * Slices are taken in file order by whoever is free: each pool thread, and this thread (which
 * reads its slices itself). Every thread reads and parses its own byte range of the file. A
 * thread left without a slice takes the second half of the rest of the busiest one (steal.ts),
 * until the rests are too small to share; the pieces are merged in file order.
 */
async function foldSlices(plan: Plan, pool: Piscina, poolThreads: number, slices: Slice[], options: RunOptions): Promise<(FoldedSlice | TaskFailure)[]> {
  const total = slices[slices.length - 1].end - slices[0].start;
  const minPiece = options.stealBytes ?? MIN_PIECE_BYTES;
  const folded: { start: number; result: FoldedSlice | TaskFailure }[] = [];
  const running = new Set<SliceControl>();
  let next = 0;
  let done = 0;
  const take = async (): Promise<Slice | null> => {
    if (next < slices.length) return slices[next++];
    return steal(running);
  };
  const loop = (fold: (task: FoldTask) => Promise<FoldedSlice | TaskFailure>) => async () => {
    for (let slice = await take(); slice; slice = await take()) {
      const control = SliceControl.create(slice, minPiece);
      running.add(control);
      let result: FoldedSlice | TaskFailure;
      try {
        result = await fold(foldTask(plan, slice, control));
      } finally {
        // Closed here too: a thread that died mid-slice must not leave a thief waiting on it.
        control.close();
        running.delete(control);
      }
      folded.push({ start: slice.start, result });
      done += control.end - slice.start;
      options.onProgress?.(done, total);
    }
  };
  const inPool = (task: FoldTask) => pool.run(task) as Promise<FoldedSlice | TaskFailure>;
  // This thread yields often while folding: a pool thread that has finished waits on the event
  // loop here both to hand in its result and to ask this thread for a piece.
  const here = (task: FoldTask) => foldSlice(task, breather(4));
  await Promise.all([...Array.from({ length: poolThreads }, loop(inPool)), loop(here)()]);
  trace(`folded in ${folded.length} pieces`);
  return folded.sort((a, b) => a.start - b.start).map((f) => f.result);
}

/** A busy thread hands over part of its slice only when both parts keep at least this much (~15 ms of work). */
const MIN_PIECE_BYTES = 1 << 20;

/** Batches of about this many decompressed bytes go to the workers. */
const BATCH_BYTES = 16 << 20;

/**
 * A gzip stream cannot be entered in the middle: this thread decompresses it and cuts it into
 * frame-aligned batches (batches.ts); the workers parse and fold them. At most two batches per
 * worker are in flight, so memory stays bounded.
 */
async function foldBatches(plan: Plan, pool: Piscina, workers: number, batchBytes: number, options: RunOptions): Promise<(FoldedSlice | TaskFailure)[]> {
  const src = await openByteSource(plan.spec.file);
  const framing = formatByName(plan.format).framing!;
  const results: Promise<FoldedSlice | TaskFailure>[] = [];
  const inFlight: Promise<unknown>[] = [];
  try {
    for await (const batch of frameBatches(src, framing, plan.framing, batchBytes)) {
      const task = foldTask(plan, { start: batch.start, end: batch.start + batch.bytes.length, firstFrame: batch.firstFrame, firstLine: batch.firstLine, bytes: batch.bytes });
      const run = pool.run(task, { transferList: [batch.bytes.buffer as ArrayBuffer] }) as Promise<FoldedSlice | TaskFailure>;
      // If reading fails below, the pool is shut down with these in flight: their rejections are expected.
      run.catch(() => {});
      results.push(run);
      inFlight.push(run);
      options.onProgress?.(src.fileBytesRead, src.fileBytes);
      if (inFlight.length >= 2 * workers) await inFlight.shift();
    }
  } finally {
    await src.close();
  }
  const out = await Promise.all(results);
  const last = out[out.length - 1];
  if (last && !isFailure(last)) last.warnings.push(...src.notes.map((n) => `${plan.spec.file}: ${n}`));
  return out;
}

/** The error a worker reported, as the serial reader would have put it (line numbers resolved here). */
async function rebuildError(plan: Plan, f: TaskFailure): Promise<Error> {
  const e = f.failure;
  if (e.kind !== 'parse') return new InputError(e.message);
  const err = new ParseError(e.file!, e.line ?? null, e.offset!, e.detail!, e.frame ?? null);
  if (err.line === null && !formatByName(plan.format).binary) err.setLine(await lineAtOffset(plan.spec.file, e.offset!));
  return err;
}


import { open } from 'node:fs/promises';
import type { Piscina } from 'piscina';
import { ANALYSES } from '../analyses/index.js';
import { formatByName } from '../io/formats.js';
import { TrajectoryReader, truncationWarning } from '../io/reader.js';
import { isGzip, openByteSource, streamBytes } from '../io/source.js';
import { countLines } from '../io/text-lines.js';
import { InputError, ParseError } from '../model/errors.js';
import { frameBatches } from '../parallel/batches.js';
import { planSlices, type Slice } from '../parallel/slices.js';
import { SliceControl, steal } from '../parallel/steal.js';
import { foldSlice, isFailure, type FoldedSlice, type FoldTask, type TaskFailure } from '../parallel/task.js';
import { serialParallel, type Parallel } from '../pipeline/contract.js';
import { finish, type Finished } from '../pipeline/finish.js';
import { Folder, type FoldState } from '../pipeline/fold.js';
import { mergeAll } from '../pipeline/merge.js';
import { makePlan, readerOptions, type Plan } from '../pipeline/plan.js';
import type { AnalysisSpec } from '../pipeline/spec.js';
import { foldFromWire, type SavedFold } from '../pipeline/state-codec.js';
import { trace } from '../trace.js';

export interface RunOptions {
  /** Worker threads; 1 (the default) runs everything in this thread. */
  workers?: number;
  onProgress?: (doneBytes: number, totalBytes: number) => void;
  /**
   * Below this many (decompressed) bytes one thread is faster than starting workers
   * (default 32 MB). Tests lower it, with the slice and batch sizes, to cut small files finely.
   */
  minParallelBytes?: number;
  sliceBytes?: number;
  batchBytes?: number;
  /** Smallest piece of a slice handed to an idle thread (default 1 MB); tests lower it. */
  stealBytes?: number;
  /** Settles when the run should stop (the command's Ctrl-C): the pool is shut down and the run rejects. */
  cancelled?: Promise<unknown>;
}

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
      const slices = gz ? null : await planSlices(plan, workers, options.sliceBytes);
      trace(`sliced: ${slices?.length ?? 'none'}`);
      if ((gz && formatByName(plan.format).framing) || slices) {
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

/** Finishing tasks split between the pool's threads and this one, on memory all of them read. */
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

async function inThisThread(plan: Plan, options: RunOptions): Promise<{ state: FoldState; warnings: string[] }> {
  const r = plan.spec.frames.byteRange;
  const reader = await TrajectoryReader.open(plan.spec.file, {
    ...readerOptions(plan.spec.read),
    atoms: plan.readAtoms,
    ...(r ? { format: plan.format, range: { start: r.start, end: r.end, firstFrame: r.firstFrame, firstLine: null }, parserState: plan.parserState } : {}),
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

async function inWorkers(plan: Plan, pool: Piscina, workers: number, slices: Slice[] | null, options: RunOptions): Promise<{ state: FoldState; warnings: string[] }> {
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

/**
 * A long loop in this thread must let the event loop run now and then — for the pool's
 * messages, for progress and for Ctrl-C. Returns true when it did (every `ms`).
 */
export function breather(ms = 20): () => Promise<boolean> {
  let last = performance.now();
  return async () => {
    const now = performance.now();
    if (now - last < ms) return false;
    last = now;
    await new Promise((r) => setImmediate(r));
    return true;
  };
}

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

/** 1-based line number of a byte offset of an uncompressed file (an error path: read to it once). */
async function lineAtOffset(path: string, offset: number): Promise<number> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(16 << 20);
    let pos = 0;
    let lines = 1;
    while (pos < offset) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, offset - pos), pos);
      if (bytesRead === 0) break;
      lines += countLines(buf, 0, bytesRead);
      pos += bytesRead;
    }
    return lines;
  } finally {
    await fh.close();
  }
}

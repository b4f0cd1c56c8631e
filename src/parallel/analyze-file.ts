import { open } from 'node:fs/promises';
import type { Piscina } from 'piscina';
import { countFrameStarts, countLines, hasFrameMarker, markerFrameStart } from '../io/framing.js';
import { TrajectoryReader, truncationWarning } from '../io/reader.js';
import { isGzip, openByteSource, streamBytes } from '../io/source.js';
import { addSums, type MsdSeries, type MsdSums } from '../analysis/msd.js';
import { InputError, ParseError } from '../model/errors.js';
import { Folder, type FoldState } from './fold.js';
import { finish, msdWork, type AnalysisResult, type MsdCompute } from './finish.js';
import { mergeFolds } from './merge.js';
import { makePlan, readerOptions, type Plan } from './plan.js';
import { createPool } from './pool.js';
import { planSlices, type Slice } from './slices.js';
import { SliceControl, steal } from './steal.js';
import type { SavedFold } from './state-file.js';
import { trace } from './trace.js';
import type { AnalysisSpec } from './spec.js';
import { foldFromWire, foldSlice, isFailure, type FoldTask, type MsdTask, type TaskFailure, type WireFold } from './task.js';

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

/**
 * Analyse one trajectory: plan from its first frames, fold every frame into the analyses'
 * states, finish. With several workers an uncompressed file is cut into frame-aligned slices
 * that workers read and parse themselves; a gzip file is decompressed here and handed out in
 * frame-aligned batches. States merge in file order (merge.ts), and the FFT MSD is split across
 * the workers by particle. The numbers do not depend on the number of workers.
 */
export async function analyzeFile(spec: AnalysisSpec, options: RunOptions = {}): Promise<AnalysisResult> {
  return run(spec, options, async ({ plan, state, warnings, msd }) => {
    const result = await finish(plan, state, msd);
    trace('finished');
    result.warnings.push(...warnings);
    return result;
  });
}

/**
 * Fold the frames of one trajectory (or of its `spec.frames` range) without finishing: the
 * partial state that `mdpost merge` joins with the states of the other ranges.
 */
export async function foldFile(spec: AnalysisSpec, options: RunOptions = {}): Promise<SavedFold> {
  return run(spec, options, async ({ plan, state, warnings }) => ({ plan, state, warnings }));
}

interface Folded {
  plan: Plan;
  state: FoldState;
  warnings: string[];
  /** The FFT MSD, in this thread or split across the pool. */
  msd: MsdCompute;
}

async function run<T>(spec: AnalysisSpec, given: RunOptions, then: (f: Folded) => Promise<T>): Promise<T> {
  const options = { ...tuningFromEnv(), ...given };
  let workers = options.workers ?? 1;
  if (workers > 1 && (await streamBytes(spec.file)) < (options.minParallelBytes ?? MIN_PARALLEL_BYTES)) workers = 1;
  const gz = await isGzip(spec.file);
  // `workers` threads in all: with slices of a plain file this thread folds slices too (it is
  // warm from planning, and its share needs no transfer); with gzip it decompresses instead.
  // The pool's threads start (and load their code) while this one plans.
  const pool = workers > 1 ? createPool(gz ? workers : workers - 1) : null;
  const onSigint = () => {
    void (pool ? pool.destroy() : Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSigint);
  try {
    trace('start');
    const plan = await makePlan(spec);
    trace('planned');
    if (pool) {
      const slices = gz ? null : await planSlices(plan, workers, options.sliceBytes);
      trace(`sliced: ${slices?.length ?? 'none'}`);
      if (gz || slices) {
        const { state, warnings } = await inWorkers(plan, pool, workers, slices, options);
        return await then({ plan, state, warnings, msd: (series) => msdInWorkers(pool, series, workers) });
      }
    }
    const { state, warnings } = await inThisThread(plan, options);
    return await then({ plan, state, warnings, msd: async (series) => msdWork(series, 0, series.particles) });
  } finally {
    process.removeListener('SIGINT', onSigint);
    await pool?.destroy();
    trace('pool closed');
  }
}

async function inThisThread(plan: Plan, options: RunOptions): Promise<{ state: FoldState; warnings: string[] }> {
  const r = plan.spec.byteRange;
  const reader = await TrajectoryReader.open(plan.spec.file, {
    ...readerOptions(plan.spec),
    ...(r ? { format: plan.format, range: { start: r.start, end: r.end, firstFrame: r.firstFrame, firstLine: null }, parserState: plan.parserState } : {}),
  });
  const folder = new Folder(plan);
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
  if (reader.truncated && reader.truncated.line === null) {
    warnings.push(truncationWarning(plan.spec.file, reader.truncated.frame, await lineAtOffset(plan.spec.file, reader.truncated.offset)));
  }
  return { state: folder.state(), warnings };
}

async function inWorkers(plan: Plan, pool: Piscina, workers: number, slices: Slice[] | null, options: RunOptions): Promise<{ state: FoldState; warnings: string[] }> {
  const parts = slices ? await foldSlices(plan, pool, workers - 1, slices, options) : await foldBatches(plan, pool, workers, options.batchBytes ?? BATCH_BYTES, options);
  trace('folded');
  const failed = parts.find(isFailure);
  if (failed) throw await rebuildError(plan, failed);
  const wires = parts as WireFold[];
  const warnings = wires.flatMap((f) => f.warnings);
  const cut = wires.find((f) => f.truncated && f.truncated.line === null)?.truncated;
  if (cut) warnings.push(truncationWarning(plan.spec.file, cut.frame, await lineAtOffset(plan.spec.file, cut.offset)));
  // The joined MSD series go straight onto shared memory, where the pool's threads read their particles.
  const state = mergeFolds(plan, wires.map(foldFromWire), (n) => new Float64Array(new SharedArrayBuffer(8 * n)));
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
async function foldSlices(plan: Plan, pool: Piscina, poolThreads: number, slices: Slice[], options: RunOptions): Promise<(WireFold | TaskFailure)[]> {
  const total = slices[slices.length - 1].end - slices[0].start;
  const minPiece = options.stealBytes ?? MIN_PIECE_BYTES;
  const folded: { start: number; result: WireFold | TaskFailure }[] = [];
  const running = new Set<SliceControl>();
  let next = 0;
  let done = 0;
  const take = async (): Promise<Slice | null> => {
    if (next < slices.length) return slices[next++];
    return steal(running);
  };
  const loop = (fold: (task: FoldTask) => Promise<WireFold | TaskFailure>) => async () => {
    for (let slice = await take(); slice; slice = await take()) {
      const control = SliceControl.create(slice, minPiece);
      running.add(control);
      let result: WireFold | TaskFailure;
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
  const inPool = (task: FoldTask) => pool.run(task) as Promise<WireFold | TaskFailure>;
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
 * frame-aligned batches (by frame marker, or every N + 2 lines for XYZ), counting frames and
 * lines as it goes; the workers parse and fold the batches. At most two batches per worker are
 * in flight, so memory stays bounded.
 */
async function foldBatches(plan: Plan, pool: Piscina, workers: number, batchBytes: number, options: RunOptions): Promise<(WireFold | TaskFailure)[]> {
  const src = await openByteSource(plan.spec.file);
  const results: Promise<WireFold | TaskFailure>[] = [];
  const inFlight: Promise<unknown>[] = [];
  let buf = Buffer.allocUnsafe(2 * batchBytes + 1);
  let len = 0;
  let eof = false;
  let base = 0;
  let frame = 0;
  let line = 1;
  const perFrame = plan.natoms + 2;
  const grow = () => {
    const bigger = Buffer.allocUnsafe(2 * buf.length);
    buf.copy(bigger, 0, 0, len);
    buf = bigger;
  };
  const readMore = async () => {
    if (len === buf.length - 1) grow();
    const n = await src.read(buf, len, buf.length - 1 - len);
    if (n === 0) eof = true;
    len += n;
  };
  try {
    while (!eof || len > 0) {
      while (!eof && len < batchBytes + Math.min(batchBytes, 1 << 20)) await readMore();
      let cut = eof ? len : cutAfter(plan, buf, Math.min(batchBytes, len - 1), len, perFrame);
      if (cut < 0) {
        // One frame larger than the batch: read on until it ends.
        if (!eof) {
          grow();
          await readMore();
          continue;
        }
        cut = len;
      }
      if (cut === 0) break;
      const bytes = Buffer.alloc(cut);
      buf.copy(bytes, 0, 0, cut);
      const frames = hasFrameMarker(plan.format) ? countFrameStarts(plan.framing, buf, 0, cut) : Math.floor(countLines(buf, 0, cut) / perFrame);
      const lines = countLines(buf, 0, cut);
      const task = foldTask(plan, { start: base, end: base + cut, firstFrame: frame, firstLine: line, bytes });
      const run = pool.run(task, { transferList: [bytes.buffer] }) as Promise<WireFold | TaskFailure>;
      results.push(run);
      inFlight.push(run);
      frame += frames;
      line += lines;
      base += cut;
      buf.copyWithin(0, cut, len);
      len -= cut;
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

/** The first frame start at or after `from` (XYZ: the first line boundary that is a multiple of N + 2 lines). */
function cutAfter(plan: Plan, buf: Buffer, from: number, end: number, perFrame: number): number {
  if (hasFrameMarker(plan.format)) return markerFrameStart(plan.framing, buf, from, end);
  let lines = countLines(buf, 0, from);
  let p = from > 0 ? buf.lastIndexOf(10, from - 1) + 1 : 0;
  for (;;) {
    if (lines % perFrame === 0 && p >= from) return p;
    const nl = buf.indexOf(10, p);
    if (nl < 0 || nl >= end) return -1;
    lines++;
    p = nl + 1;
  }
}

/** The FFT MSD split by particle across the pool's threads and this one, the series shared (not copied) between them. */
async function msdInWorkers(pool: Piscina, series: MsdSeries, workers: number): Promise<MsdSums> {
  const values = series.frames * 3 * series.particles;
  if (series.particles < 2 || values < 200_000) return msdWork(series, 0, series.particles);
  // The merge put the series on shared memory already; a series from elsewhere is copied there.
  let shared = series.data.subarray(0, values);
  if (!(shared.buffer instanceof SharedArrayBuffer)) {
    shared = new Float64Array(new SharedArrayBuffer(8 * values));
    shared.set(series.data.subarray(0, values));
  }
  const parts = Math.min(workers, series.particles);
  const range = (k: number) => [Math.floor((k * series.particles) / parts), Math.floor(((k + 1) * series.particles) / parts)];
  const tasks: Promise<MsdSums>[] = [];
  for (let k = 1; k < parts; k++) {
    const [from, to] = range(k);
    const task: MsdTask = { kind: 'msd', data: shared, particles: series.particles, frames: series.frames, from, to };
    tasks.push(pool.run(task) as Promise<MsdSums>);
  }
  const [from, to] = range(0);
  const mine = msdWork(series, from, to);
  const sums = [mine, ...(await Promise.all(tasks))];
  return sums.reduce((a, b) => addSums(a, b));
}

/** The error a worker reported, as the serial reader would have put it (line numbers resolved here). */
async function rebuildError(plan: Plan, f: TaskFailure): Promise<Error> {
  const e = f.failure;
  if (e.kind !== 'parse') return new InputError(e.message);
  const err = new ParseError(e.file!, e.line ?? null, e.offset!, e.detail!, e.frame ?? null);
  if (err.line === null) err.setLine(await lineAtOffset(plan.spec.file, e.offset!));
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

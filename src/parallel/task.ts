import { TrajectoryReader } from '../io/reader.js';
import { InputError, ParseError } from '../model/errors.js';
import type { MsdSums } from '../analysis/msd.js';
import { msdSums } from '../analysis/msd.js';
import { Folder, type FoldState } from './fold.js';
import { seriesFromWire, seriesToWire, type WireSeries } from './merge.js';
import { readerOptions, type Plan } from './plan.js';
import { SliceControl } from './steal.js';
import { trace } from './trace.js';

/**
 * The work a worker thread does, as plain data in and out: fold the frames of one slice of a
 * file, or compute the FFT MSD sums of a range of particles. Errors a user must fix come back as
 * data (structured cloning loses their class), with everything needed to rebuild the message.
 */
export interface FoldTask {
  kind: 'fold';
  plan: Plan;
  slice: { start: number; end: number; firstFrame: number; firstLine: number | null; bytes?: Buffer };
  /** A SliceControl's shared block: other threads may take the rest of this slice (steal.ts). */
  control?: SharedArrayBuffer;
}

export interface MsdTask {
  kind: 'msd';
  /** frames × particles × 3 displacements, on a SharedArrayBuffer (read by all workers, copied by none). */
  data: Float64Array;
  particles: number;
  frames: number;
  from: number;
  to: number;
}

export type Task = FoldTask | MsdTask;

export interface WireFold extends Omit<FoldState, 'msd'> {
  msd: WireSeries[];
  warnings: string[];
  truncated: TrajectoryReader['truncated'];
}

export interface TaskFailure {
  failure: {
    kind: 'parse' | 'input';
    message: string;
    file?: string;
    line?: number | null;
    offset?: number;
    detail?: string;
    frame?: number | null;
  };
}

/** Fold one slice; `pause` (this thread only) lets the event loop run between frames. */
export async function foldSlice(task: FoldTask, pause?: () => Promise<boolean>): Promise<WireFold | TaskFailure> {
  const { plan } = task;
  // A Buffer arrives from another thread as a plain Uint8Array.
  const raw = task.slice.bytes as Uint8Array | undefined;
  const slice = raw && !Buffer.isBuffer(raw) ? { ...task.slice, bytes: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength) } : task.slice;
  const control = task.control ? new SliceControl(task.control) : null;
  trace(`slice ${slice.start}–${slice.end} begins`);
  try {
    const reader = await TrajectoryReader.open(plan.spec.file, {
      ...readerOptions(plan.spec),
      format: plan.format,
      range: slice,
      parserState: plan.parserState,
      topologyKnown: true,
    });
    const folder = new Folder(plan);
    for await (const frame of reader.frames()) {
      if (folder.done(frame.index)) break;
      folder.add(frame);
      if (control) await control.afterFrame(plan, reader.next, (offset) => reader.stopAt(offset));
      if (pause) await pause();
    }
    control?.close();
    const state = folder.state();
    trace(`slice ${slice.start}–${reader.next.offset} folded`);
    return { ...state, msd: state.msd.map(seriesToWire), warnings: reader.warnings, truncated: reader.truncated };
  } catch (e) {
    return failureOf(e);
  } finally {
    control?.close();
  }
}

export function failureOf(e: unknown): TaskFailure {
  if (e instanceof ParseError) {
    return { failure: { kind: 'parse', message: e.message, file: e.file, line: e.line, offset: e.offset, detail: e.detail, frame: e.frame } };
  }
  if (e instanceof InputError) return { failure: { kind: 'input', message: e.message } };
  throw e;
}

export function isFailure(x: unknown): x is TaskFailure {
  return typeof x === 'object' && x !== null && 'failure' in x;
}

export function msdPart(task: MsdTask): MsdSums {
  // The shared series is read once, block by block, into this thread's own memory (msdSums).
  return msdSums(task.data, task.particles, task.from, task.to, 0, task.frames);
}

export function foldFromWire(w: WireFold): FoldState {
  return { ...w, msd: w.msd.map(seriesFromWire) };
}

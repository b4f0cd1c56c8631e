import { ANALYSES } from '../analyses/index.js';
import { TrajectoryReader } from '../io/reader.js';
import { InputError, ParseError } from '../model/errors.js';
import { taskOf } from '../pipeline/contract.js';
import { Folder } from '../pipeline/fold.js';
import { readerOptions, type Plan } from '../pipeline/plan.js';
import { foldToWire, type WireFold } from '../pipeline/state-codec.js';
import { trace } from '../trace.js';
import { SliceControl } from './steal.js';

/**
 * The work a worker thread does, as plain data in and out: fold the frames of one slice of a
 * file, or run one of an analysis's finishing tasks (e.g. the FFT MSD of a range of particles).
 * Errors a user must fix come back as data (structured cloning loses their class), with
 * everything needed to rebuild the message.
 */
export interface FoldTask {
  kind: 'fold';
  plan: Plan;
  slice: { start: number; end: number; firstFrame: number; firstLine: number | null; bytes?: Buffer };
  /** A SliceControl's shared block: other threads may take the rest of this slice (steal.ts). */
  control?: SharedArrayBuffer;
}

export interface AnalysisTask {
  kind: 'analysis';
  analysis: string;
  task: string;
  args: unknown;
}

export type Task = FoldTask | AnalysisTask;

export interface FoldedSlice {
  state: WireFold;
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
export async function foldSlice(task: FoldTask, pause?: () => Promise<boolean>): Promise<FoldedSlice | TaskFailure> {
  const { plan } = task;
  // A Buffer arrives from another thread as a plain Uint8Array.
  const raw = task.slice.bytes as Uint8Array | undefined;
  const slice = raw && !Buffer.isBuffer(raw) ? { ...task.slice, bytes: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength) } : task.slice;
  const control = task.control ? new SliceControl(task.control) : null;
  trace(`slice ${slice.start}–${slice.end} begins`);
  try {
    const reader = await TrajectoryReader.open(plan.spec.file, {
      ...readerOptions(plan.spec.read),
      atoms: plan.readAtoms,
      format: plan.format,
      range: slice,
      parserState: plan.parserState,
      topologyKnown: true,
    });
    const folder = new Folder(plan, ANALYSES);
    for await (const frame of reader.frames()) {
      if (folder.done(frame.index)) break;
      folder.add(frame);
      if (control) await control.afterFrame(plan, reader.next, (offset) => reader.stopAt(offset));
      if (pause) await pause();
    }
    control?.close();
    trace(`slice ${slice.start}–${reader.next.offset} folded`);
    return { state: foldToWire(ANALYSES, folder.state()), warnings: reader.warnings, truncated: reader.truncated };
  } catch (e) {
    return failureOf(e);
  } finally {
    control?.close();
  }
}

export function runAnalysisTask(task: AnalysisTask): unknown {
  return taskOf(ANALYSES, task.analysis, task.task)(task.args as never);
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

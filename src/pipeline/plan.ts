import type { FramingContext, ParserState } from '../io/format.js';
import { TrajectoryReader, type OpenOptions } from '../io/reader.js';
import { isGzip, openByteSource, streamBytes } from '../io/source.js';
import { boxFromVectors } from '../model/box.js';
import { InputError } from '../model/errors.js';
import { cloneFrame, type Frame, type Topology } from '../model/frame.js';
import { frameInterval } from '../model/timing.js';
import { findMolecules, type Molecules } from '../select/molecules.js';
import { select, type SelectionContext } from '../select/selection.js';
import { Unwrapper } from '../select/unwrap.js';
import type { AnalysisRegistry, PrepareContext } from './contract.js';
import type { AnalysisSpec, ReadSpec } from './spec.js';
import { resolveTopology } from './topology.js';
import { trace } from '../trace.js';

/**
 * Everything decided before the frames are folded: the reading options, the time between
 * frames and which frames are used, and each analysis prepared from the first frame (its
 * selections, binning, …). Plain data, so one plan serves the main thread, worker threads and
 * batch shards alike.
 */
export interface Plan {
  spec: AnalysisSpec;
  format: string;
  natoms: number;
  /** Time between stored frames of the file, ps (null when unknown). */
  dtPs: number | null;
  dtSource: string | null;
  /** How frames are stamped, to check even spacing: by step or by time, with the first frame's value. */
  spacing: { by: 'step' | 'time' | 'none'; first: number; delta: number };
  /** Frames used: first ≤ index ≤ last (null: to the end) with (index − first) % stride = 0. */
  firstFrame: number;
  lastFrame: number | null;
  stride: number;
  /** The part of the run this process folds (spec.frames.range): rangeFirst ≤ index < rangeEnd. */
  rangeFirst: number;
  rangeEnd: number | null;
  /** Whether frames are unwrapped for the analyses (every frame). */
  needsUnwrapped: boolean;
  /** The atoms unwrapped, ascending (null: all). */
  unwrapAtoms: Int32Array | null;
  /** The atoms whose positions the fold reads, ascending (null: all): the reader may skip the rest. */
  readAtoms: Int32Array | null;
  /** Whether any analysis depends on the time between frames (then frames must be evenly spaced). */
  needsTime: boolean;
  /** The analyses asked for, prepared, in registry order. */
  analyses: { key: string; prepared: unknown }[];
  molecules: { count: number; source: string } | null;
  /** What a reader of a later slice of the file needs from the frames before it. */
  parserState: ParserState | null;
  framing: FramingContext;
  notes: string[];
}

/**
 * Read buffer for the first frames of a text file, at most: two frames of 40 000 atoms fit (a
 * frame that does not fit is parsed again from its start once the buffer has grown).
 */
const HEAD_BUFFER_BYTES = 4 << 20;

export function readerOptions(read: ReadSpec): OpenOptions {
  return {
    format: read.format ?? undefined,
    box: read.box ? boxFromVectors(read.box) : null,
    typeMap: read.typeMap ? new Map(read.typeMap) : null,
  };
}

/** Read the first two frames and decide the plan; throws InputError for anything a user must fix. */
export async function makePlan(spec: AnalysisSpec, registry: AnalysisRegistry): Promise<Plan> {
  const { reader, head } = await readHead(spec);
  if (head.length === 0) throw new InputError(`${spec.file}: no complete frame`);
  trace('plan: first frames read');
  const resolved = await resolveTopology(spec, reader.topology!);
  trace('plan: topology resolved');
  const top = resolved.topology;
  const first = head[0];
  const notes: string[] = [...resolved.notes, ...reader.notes];

  const timing = frameInterval({ dtPs: spec.read.dtPs, timestepPs: spec.read.timestepPs, unusualTime: spec.read.unusualTime }, first, head[1] ?? null, spec.file);
  // Frames are numbered by their stamps where the file has them (this is how a slice of the file
  // read by a worker knows which frames it holds), and their spacing is checked against them.
  let spacing: Plan['spacing'] = { by: 'none', first: 0, delta: 0 };
  const second = head[1] ?? null;
  if (first.step !== null && second?.step != null && second.step > first.step) spacing = { by: 'step', first: first.step, delta: second.step - first.step };
  else if (first.timePs !== null && second?.timePs != null && second.timePs > first.timePs) spacing = { by: 'time', first: first.timePs, delta: second.timePs - first.timePs };

  const dt = timing.dtPs;
  const fr = spec.frames;
  const needTime = fr.beginPs != null || fr.endPs != null;
  if (needTime && dt === null) throw new InputError(`${spec.file}: --begin/--end need the time between frames; give --dt or --timestep`);
  const firstFrame = fr.beginPs != null ? Math.max(0, Math.ceil(fr.beginPs / dt! - 1e-9)) : 0;
  const lastFrame = fr.endPs != null ? Math.floor(fr.endPs / dt! + 1e-9) : null;
  if (lastFrame !== null && lastFrame < firstFrame) throw new InputError(`--begin ${fr.beginPs} ps is after --end ${fr.endPs} ps`);

  // Molecules and whole-molecule offsets from the first frame's unwrapped positions, found once, when first needed
  // (unwrapping every atom of a large box is a noticeable part of a short run's start-up).
  const u0 = () => new Unwrapper(top.natoms).update(first);
  let mols: Molecules | null = null;
  const selections: SelectionContext = { topology: top, molecules: () => (mols ??= findMolecules(top, u0(), first.box, resolved.molIdsFrom === 'topology file' ? 'topology mol ids' : 'mol column')) };
  const context: PrepareContext = {
    file: spec.file,
    topology: top,
    first,
    select: (text) => select(text, selections),
    molecules: selections.molecules,
    dtPs: dt,
    dtUsedPs: dt !== null ? dt * fr.stride : null,
    timeHint: reader.fileFormat.timeHint ?? null,
    notes,
    sample: (maxFrames) => sampleFrames(spec, firstFrame, lastFrame, fr.stride, maxFrames),
  };
  const analyses: Plan['analyses'] = [];
  let needsUnwrapped = false;
  let needsTime = false;
  // The atoms each analysis reads and unwraps (null once one needs all): joined below.
  let unwrapLists: Int32Array[] | null = [];
  let readLists: Int32Array[] | null = [];
  for (const a of registry.all) {
    if (!(a.key in spec.analyses)) continue;
    const prepared = await a.prepare(spec.analyses[a.key], context);
    analyses.push({ key: a.key, prepared });
    trace(`plan: ${a.key} prepared`);
    const reads = a.readAtoms?.(prepared) ?? null;
    if (reads === null) readLists = null;
    else readLists?.push(reads);
    if (a.needsUnwrapped(prepared)) {
      needsUnwrapped = true;
      const atoms = a.unwrappedAtoms?.(prepared) ?? null;
      if (atoms === null) unwrapLists = null;
      else unwrapLists?.push(atoms);
    }
    needsTime ||= a.needsTime === true;
  }

  if (needsUnwrapped && !first.box && !spec.read.box) {
    const choice = spec.read.unwrap;
    if ((choice === 'auto' && !first.unwrapped) || choice === 'jumps' || choice === 'images') {
      throw new InputError(
        `${spec.file}: the MSD needs continuous (unwrapped) coordinates, and this file has no cell to unwrap them with; ` +
          'give --box "a b c" (Å) if the coordinates are wrapped in a periodic cell, or --unwrap none if they are already continuous (CP2K and many AIMD codes write them so)',
      );
    }
  }

  const format = reader.fileFormat;
  const framingExtra = format.framing?.kind === 'marker' && format.framing.context ? format.framing.context(await fileHead(spec.file), top.natoms) : {};
  return {
    spec,
    format: format.name,
    natoms: top.natoms,
    dtPs: dt,
    dtSource: timing.source,
    spacing,
    firstFrame,
    lastFrame,
    stride: fr.stride,
    rangeFirst: fr.range?.[0] ?? 0,
    rangeEnd: fr.range?.[1] ?? null,
    needsUnwrapped,
    unwrapAtoms: needsUnwrapped && unwrapLists ? atomUnion(top.natoms, unwrapLists) : null,
    // The unwrapper reads the atoms it unwraps (all when that is null).
    readAtoms: readLists && (!needsUnwrapped || unwrapLists) ? atomUnion(top.natoms, needsUnwrapped ? [...readLists, ...unwrapLists!] : readLists) : null,
    needsTime,
    analyses,
    molecules: mols ? { count: (mols as Molecules).count, source: (mols as Molecules).source } : null,
    parserState: reader.parserState(),
    framing: { format: format.name, natoms: top.natoms, ...framingExtra },
    notes,
  };
}

/**
 * The atoms of any of `lists` (indices below natoms, repeats allowed), ascending, each once: by a
 * mark per atom, which in the plan's cold code is several times cheaper than sets and sorting.
 */
export function atomUnion(natoms: number, lists: readonly ArrayLike<number>[]): Int32Array {
  const mark = new Uint8Array(natoms);
  let count = 0;
  for (const list of lists) {
    for (let k = 0; k < list.length; k++) {
      const i = list[k];
      count += 1 - mark[i];
      mark[i] = 1;
    }
  }
  const out = new Int32Array(count);
  for (let i = 0, q = 0; q < count; i++) if (mark[i] === 1) out[q++] = i;
  return out;
}

/**
 * The first two frames: the first in full, the second for its stamps (step, time) only. A format
 * that can read stamps alone (readsStampsOnly: the LAMMPS dump steps over the atom lines, XTC over
 * the bit stream; decoding or parsing the second frame cold is a noticeable part of a short run's
 * start-up) is entered again where the second frame begins; the others read both in full.
 */
async function readHead(spec: AnalysisSpec): Promise<{ reader: TrajectoryReader; head: Frame[] }> {
  // A smaller first read of text than the 16 MB a long read takes.
  const options: OpenOptions = { ...readerOptions(spec.read), bufferBytes: HEAD_BUFFER_BYTES };
  const reader = await TrajectoryReader.open(spec.file, options);
  const stampsAlone = reader.readsStampsOnly;
  const head: Frame[] = [];
  for await (const f of reader.frames()) {
    head.push(cloneFrame(f));
    trace(`plan: frame ${head.length - 1} read`);
    if (head.length === (stampsAlone ? 1 : 2)) break;
  }
  if (!stampsAlone || head.length === 0) return { reader, head };
  // A plain file is entered where the second frame begins; a compressed one is read from its start.
  const from = reader.next;
  const range = (await isGzip(spec.file)) ? undefined : { start: from.offset, end: await streamBytes(spec.file), firstFrame: from.frame, firstLine: from.line };
  const stamps = await TrajectoryReader.open(spec.file, { ...options, format: reader.format, stampsOnly: true, range, topologyKnown: true, parserState: reader.parserState() });
  for await (const f of stamps.frames()) {
    if (f.index === 0) continue;
    head.push(cloneFrame(f));
    trace('plan: stamps of frame 1 read');
    break;
  }
  return { reader, head };
}

/** The first `maxFrames` used frames of the run, read from the top of the file (frames reused). */
async function* sampleFrames(spec: AnalysisSpec, firstFrame: number, lastFrame: number | null, stride: number, maxFrames: number): AsyncGenerator<Frame> {
  if (!(maxFrames > 0)) return;
  const reader = await TrajectoryReader.open(spec.file, readerOptions(spec.read));
  let n = 0;
  for await (const f of reader.frames()) {
    if (lastFrame !== null && f.index > lastFrame) break;
    if (f.index < firstFrame || (f.index - firstFrame) % stride !== 0) continue;
    yield f;
    if (++n >= maxFrames) break;
  }
}

async function fileHead(path: string): Promise<Buffer> {
  const src = await openByteSource(path);
  try {
    const buf = Buffer.alloc(4096);
    const n = await src.read(buf, 0, buf.length);
    return buf.subarray(0, n);
  } finally {
    await src.close();
  }
}

/** "Na" or "O, H" — the elements a set of atoms holds. */
export function elementSummary(top: Topology, atoms: Int32Array): string {
  if (!top.elements) return '';
  const set = new Set<string>();
  for (const i of atoms) set.add(top.elements[i]);
  return [...set].join(', ');
}

/** Frame numbers must follow the stamps: needed for time-dependent analyses and for frame selection. */
export function spacingMatters(plan: Plan): boolean {
  return plan.needsTime || plan.firstFrame > 0 || plan.lastFrame !== null || plan.stride > 1;
}

/** The file index a frame's stamp implies (null when the file has no usable stamps). */
export function indexFromStamp(plan: Plan, frame: { step: number | null; timePs: number | null }): number | null {
  const sp = plan.spacing;
  if (sp.by === 'step' && frame.step !== null) {
    const k = (frame.step - sp.first) / sp.delta;
    return Number.isInteger(k) && k >= 0 ? k : null;
  }
  if (sp.by === 'time' && frame.timePs !== null) {
    const k = Math.round((frame.timePs - sp.first) / sp.delta);
    return k >= 0 && Math.abs(sp.first + k * sp.delta - frame.timePs) <= 1e-6 * Math.max(1, Math.abs(frame.timePs)) ? k : null;
  }
  return null;
}

/** Frames must be evenly spaced by their stamps (when the analysis depends on it). */
export function checkSpacing(plan: Plan, frame: Frame): void {
  if (!spacingMatters(plan)) return;
  const k = frame.index;
  const sp = plan.spacing;
  if (sp.by === 'step' && frame.step !== null) {
    const expected = sp.first + k * sp.delta;
    if (frame.step !== expected) {
      throw new InputError(
        `${plan.spec.file}, frame ${k}: step ${frame.step} breaks the even spacing of the frames (expected ${expected}: step ${sp.first} + ${k} × ${sp.delta})` +
          (frame.step <= sp.first + (k - 1) * sp.delta ? '; a restarted run appended to the same file repeats steps — cut the overlap first' : ''),
      );
    }
  } else if (sp.by === 'time' && frame.timePs !== null) {
    const expected = sp.first + k * sp.delta;
    if (Math.abs(frame.timePs - expected) > 1e-6 * Math.max(1, Math.abs(expected))) {
      throw new InputError(`${plan.spec.file}, frame ${k}: time ${frame.timePs} ps breaks the even spacing of the frames (expected ${expected} ps)`);
    }
  }
}

/** Whether a frame belongs to the part of the run this process folds. */
export function inRange(plan: Plan, index: number): boolean {
  return index >= plan.rangeFirst && (plan.rangeEnd === null || index < plan.rangeEnd);
}

export function isUsed(plan: Plan, index: number): boolean {
  return index >= plan.firstFrame && (plan.lastFrame === null || index <= plan.lastFrame) && (index - plan.firstFrame) % plan.stride === 0;
}

/** Time between used frames, ps (stride × dt), or null. */
export function dtUsedPs(plan: Plan): number | null {
  return plan.dtPs !== null ? plan.dtPs * plan.stride : null;
}

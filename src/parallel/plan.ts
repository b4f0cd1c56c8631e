import type { FormatName, ParserState } from '../io/format.js';
import type { FramingContext } from '../io/framing.js';
import { openByteSource } from '../io/source.js';
import { TrajectoryReader, type OpenOptions } from '../io/reader.js';
import { boxFromVectors } from '../model/box.js';
import { InputError } from '../model/errors.js';
import { cloneFrame, type Frame, type Topology } from '../model/frame.js';
import { frameInterval } from '../model/timing.js';
import { maxRmax } from '../analysis/rdf.js';
import { ionKind, type IonKind } from '../select/ions.js';
import { findMolecules, type Molecules } from '../select/molecules.js';
import { particlesOf, type ParticleDef } from '../select/particles.js';
import { select, selectionNeedsMolecules, type SelectionContext } from '../select/selection.js';
import { Unwrapper } from '../select/unwrap.js';
import { DEFAULT_BIN_WIDTH_A, type AnalysisSpec } from './spec.js';

/**
 * Everything decided before the frames are folded: the reading options, the time between
 * frames and which frames are used, the particles each MSD follows and the atoms of each g(r)
 * pair. Plain data, so one plan serves the main thread, worker threads and batch shards alike.
 */
export interface Plan {
  spec: AnalysisSpec;
  format: FormatName;
  natoms: number;
  /** Time between stored frames of the file, ps (null when unknown: then no MSD). */
  dtPs: number | null;
  dtSource: string | null;
  /** How frames are stamped, to check even spacing: by step or by time, with the first frame's value. */
  spacing: { by: 'step' | 'time' | 'none'; first: number; delta: number };
  /** Frames used: first ≤ index ≤ last (null: to the end) with (index − first) % stride = 0. */
  firstFrame: number;
  lastFrame: number | null;
  stride: number;
  /** The part of the run this process folds (spec.frames): rangeFirst ≤ index < rangeEnd. */
  rangeFirst: number;
  rangeEnd: number | null;
  msd: { selection: string; def: ParticleDef; elements: string; ion: IonKind | null }[];
  rdf: { a: string; b: string; atomsA: Int32Array; atomsB: Int32Array }[];
  rmaxA: number;
  bins: number;
  /** Mass fraction of every atom, for the system's centre of mass (--remove-drift). */
  driftWeights: Float64Array | null;
  molecules: { count: number; source: string } | null;
  /** What a reader of a later slice of the file needs from the frames before it. */
  parserState: ParserState | null;
  framing: FramingContext;
  notes: string[];
}

/**
 * Read buffer for the first frames only: two frames of 40 000 atoms fit (a frame that does not
 * fit is parsed again from its start once the buffer has grown).
 */
const HEAD_BUFFER_BYTES = 4 << 20;

export function readerOptions(spec: AnalysisSpec): OpenOptions {
  return {
    format: spec.format ?? undefined,
    box: spec.box ? boxFromVectors(spec.box) : null,
    typeMap: spec.typeMap ? new Map(spec.typeMap) : null,
  };
}

/** Read the first two frames and decide the plan; throws InputError for anything a user must fix. */
export async function makePlan(spec: AnalysisSpec): Promise<Plan> {
  if (spec.msd.length === 0 && spec.rdf.length === 0) {
    throw new InputError('nothing to compute: give at least one --msd SELECTION or --rdf "A,B" (see mdpost analyze --help)');
  }
  // Two frames are needed: a smaller first read than the 16 MB a long read takes.
  const reader = await TrajectoryReader.open(spec.file, { ...readerOptions(spec), bufferBytes: HEAD_BUFFER_BYTES });
  const head: Frame[] = [];
  for await (const f of reader.frames()) {
    head.push(cloneFrame(f));
    if (head.length === 2) break;
  }
  if (head.length === 0) throw new InputError(`${spec.file}: no complete frame`);
  const top = reader.topology!;
  const first = head[0];
  const notes: string[] = [];

  const timing = frameInterval({ dtPs: spec.dtPs, timestepPs: spec.timestepPs }, first, head[1] ?? null, spec.file);
  // Frames are numbered by their stamps where the file has them (this is how a slice of the file
  // read by a worker knows which frames it holds), and their spacing is checked against them.
  let spacing: Plan['spacing'] = { by: 'none', first: 0, delta: 0 };
  const second = head[1] ?? null;
  if (first.step !== null && second?.step != null && second.step > first.step) spacing = { by: 'step', first: first.step, delta: second.step - first.step };
  else if (first.timePs !== null && second?.timePs != null && second.timePs > first.timePs) spacing = { by: 'time', first: first.timePs, delta: second.timePs - first.timePs };

  const dt = timing.dtPs;
  const needTime = spec.beginPs != null || spec.endPs != null;
  if (needTime && dt === null) throw new InputError(`${spec.file}: --begin/--end need the time between frames; give --dt or --timestep`);
  const firstFrame = spec.beginPs != null ? Math.max(0, Math.ceil(spec.beginPs / dt! - 1e-9)) : 0;
  const lastFrame = spec.endPs != null ? Math.floor(spec.endPs / dt! + 1e-9) : null;
  if (lastFrame !== null && lastFrame < firstFrame) throw new InputError(`--begin ${spec.beginPs} ps is after --end ${spec.endPs} ps`);
  if (spec.msd.length > 0 && dt === null) {
    throw new InputError(
      `${spec.file}: the MSD needs the time between frames, and the file does not say; give --dt (e.g. --dt 0.5ps) or --timestep (e.g. --timestep 1fs for LAMMPS steps)`,
    );
  }

  // Molecules and whole-molecule offsets from the first frame's unwrapped positions.
  const u0 = new Unwrapper(top.natoms).update(first);
  let mols: Molecules | null = null;
  const ctx: SelectionContext = {
    topology: top,
    molecules: () => (mols ??= findMolecules(top, u0, first.box)),
  };
  const msd = spec.msd.map((text) => {
    const sel = select(text, ctx);
    const def = particlesOf(sel, top, sel.kind === 'molecules' ? ctx.molecules() : null, first.box);
    return { selection: text, def, elements: elementSummary(top, sel.atoms), ion: ionKind(sel, top, ctx) };
  });
  if (spec.msd.some(selectionNeedsMolecules) || spec.rdf.some(([a, b]) => selectionNeedsMolecules(a) || selectionNeedsMolecules(b))) ctx.molecules();

  let rmaxA = spec.rmaxA ?? 0;
  let bins = spec.bins ?? 0;
  const rdf = spec.rdf.map(([a, b]) => ({ a, b, atomsA: select(a, ctx).atoms, atomsB: select(b, ctx).atoms }));
  if (rdf.length > 0) {
    if (!first.box) throw new InputError(`${spec.file}: g(r) needs a periodic cell and this file has none; give --box "a b c" (Å)`);
    if (!first.box.pbc.every((p) => p)) notes.push('the cell is not periodic along every axis; g(r) treats it as periodic in all three');
    const limit = maxRmax(first.box);
    if (spec.rmaxA == null) rmaxA = Math.floor(limit * 100) / 100;
    else if (rmaxA > limit) {
      throw new InputError(`--rmax ${rmaxA} Å exceeds ${limit.toFixed(3)} Å, half the smallest distance between opposite faces of the cell, beyond which minimum-image distances stop being unique; use --rmax ${Math.floor(limit * 100) / 100} or less`);
    }
    if (!(rmaxA > 0)) throw new InputError('--rmax must be positive');
    if (spec.bins == null) bins = Math.max(10, Math.round(rmaxA / DEFAULT_BIN_WIDTH_A));
  }

  let driftWeights: Float64Array | null = null;
  if (spec.removeDrift) {
    driftWeights = new Float64Array(top.natoms);
    const masses = top.masses;
    if (!masses || masses.some((m) => !(m > 0))) notes.push('--remove-drift: some masses are unknown; the drift is the mean of all atoms, unweighted');
    const w = masses && masses.every((m) => m > 0) ? masses : new Float64Array(top.natoms).fill(1);
    const total = w.reduce((a, b) => a + b, 0);
    for (let i = 0; i < top.natoms; i++) driftWeights[i] = w[i] / total;
  }

  return {
    spec,
    format: reader.format,
    natoms: top.natoms,
    dtPs: dt,
    dtSource: timing.source,
    spacing,
    firstFrame,
    lastFrame,
    stride: spec.stride,
    rangeFirst: spec.frames?.[0] ?? 0,
    rangeEnd: spec.frames?.[1] ?? null,
    msd,
    rdf,
    rmaxA,
    bins,
    driftWeights,
    molecules: mols ? { count: (mols as Molecules).count, source: (mols as Molecules).source } : null,
    parserState: reader.parserState(),
    framing: { format: reader.format, natoms: top.natoms, title: reader.format === 'xdatcar' ? await firstLine(spec.file) : undefined },
    notes,
  };
}

async function firstLine(path: string): Promise<string> {
  const src = await openByteSource(path);
  try {
    const buf = Buffer.alloc(4096);
    const n = await src.read(buf, 0, buf.length);
    return buf.toString('latin1', 0, n).split('\n')[0].replace(/\r$/, '');
  } finally {
    await src.close();
  }
}

/** "Na" or "O, H" — the elements a selection holds. */
function elementSummary(top: Topology, atoms: Int32Array): string {
  if (!top.elements) return '';
  const set = new Set<string>();
  for (const i of atoms) set.add(top.elements[i]);
  return [...set].join(', ');
}

/** Frame numbers must follow the stamps: needed for the MSD's lags and for frame selection. */
export function spacingMatters(plan: Plan): boolean {
  return plan.msd.length > 0 || plan.firstFrame > 0 || plan.lastFrame !== null || plan.stride > 1;
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


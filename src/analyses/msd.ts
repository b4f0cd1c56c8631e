import type { TopLevelSpec } from 'vega-lite';
import { directionalCurve, directionalStderrFactor, msdAlong, normalizeDims, type Dims } from '../analysis/directional.js';
import { autoWindow, diffusion, dUnits, requestedWindow, type Diffusion, type FitWindow } from '../analysis/diffusion.js';
import { addSums, msdCurve, stepMsdSums, type MsdCurve, type MsdSeries, type MsdSums } from '../analysis/msd.js';
import { multiTauAutoWindow, multiTauRequestedWindow, MULTI_TAU_STDERR_METHOD } from '../analysis/multi-tau-fit.js';
import { addMultiTau, emptyMultiTau, mergeMultiTau, multiTauCurve, MULTI_TAU_POINTS, type MultiTauMsd } from '../analysis/multi-tau-msd.js';
import { StepSeries, type Steps } from '../analysis/step-series.js';
import { InputError } from '../model/errors.js';
import { parseTimePs } from '../model/units.js';
import { concatAtoms, type Analysis, type Join, type Parallel } from '../pipeline/contract.js';
import { elementSummary } from '../pipeline/plan.js';
import { ionKind, type IonKind } from '../select/ions.js';
import { particlePositions, particlesOf, type ParticleDef } from '../select/particles.js';
import { escapeHtml as e, formatNumber as f, scientific, slug, withError } from '../report/format.js';
import { array, bool, dWithError, fail, num, nums, object, str, strs, type Json } from '../report/json-check.js';
import { logThin, selectionColors } from '../report/plots.js';
import type { DriftResult } from './drift.js';

/**
 * Mean squared displacement over all time origins (FFT) of atoms or of molecules' centres of
 * mass, and the diffusion coefficient D = slope/6 with its standard error. Its state is every
 * particle's unwrapped series — all time origins need the whole series — kept compactly (float32
 * steps, 12 bytes per particle and frame) as the chunks of the ranges that were folded and
 * merged; the FFT splits across the pool's threads by particle. A run whose series would outgrow
 * the memory budget (--max-memory) switches, with a note, to the order-n multiple-tau MSD, whose
 * memory does not grow with the run: exact up to 15 frames, origins every 2^k frames beyond.
 */
export interface MsdConfig {
  selections: string[];
  /** 'auto', or a window [from, to] in ps. */
  fit: 'auto' | [number, number];
  /** --max-memory (bytes), or null for the default (a quarter of the machine's memory). */
  maxMemoryBytes?: number | null;
  /** `--msd-dims`: the axes D is measured along (absent: all three). */
  dims?: Dims;
}

/**
 * The machine's memory (bytes), for the default budget: the command line sets it (the science
 * never asks the operating system); a library caller who sets nothing gets 8 GiB.
 */
export const msdMemory = { machineBytes: 8 * 2 ** 30 };
/** The default --max-memory: this fraction of the machine's memory. */
export const DEFAULT_MEMORY_FRACTION = 0.25;

export interface MsdPrepared {
  fit: MsdConfig['fit'];
  dims?: Dims;
  /** Time between used frames, ps. */
  dtPs: number;
  series: { selection: string; def: ParticleDef; elements: string; ion: IonKind | null }[];
  /** Bytes the stored series of all selections may take before the MSD turns multiple-tau. */
  budgetBytes?: number;
  /** Stored frames per used frame (--stride): used frame indices are file index / stride. */
  strideFrames?: number;
}

/**
 * Per selection: the chunks of consecutive ranges of frames, in order (never changed once
 * merged), or — past the memory budget — the multiple-tau accumulator.
 */
export interface MsdState {
  chunks: StepSeries[][];
  multiTau: (MultiTauMsd | null)[];
  /** The steps are stored in float32 (the float64 ones would not fit the budget). */
  float32: boolean;
  /** Scratch for one frame's particle positions, per selection. */
  scratch: Float64Array[];
}

type WireSeries =
  | { particles: number; firstIndex: number; frames: number; first: Float64Array; last: Float64Array; steps: Steps }
  | { multiTau: MultiTauMsd };

export interface MsdResult {
  selection: string;
  kind: 'atoms' | 'molecules';
  count: number;
  /** Cation or anion of the salt, for t⁺ (null: neither, or not known). */
  ion: IonKind | null;
  curve: MsdCurve;
  /** The axes D is measured along (the curve keeps all three components). */
  dims: Dims;
  diffusion: Diffusion;
}

/** The `msd` entries of the results document (lengths Å, times ps). */
export interface MsdSection {
  selection: string;
  kind: 'atoms' | 'molecules';
  count: number;
  /** The axes D is measured along: xyz, or a plane or axis (--msd-dims); the MSD components are always all three. */
  dims: Dims;
  lag_ps: number[];
  msd_A2: number[];
  msd_x_A2: number[];
  msd_y_A2: number[];
  msd_z_A2: number[];
  fit: { from_ps: number; to_ps: number; auto: boolean };
  loglog_slope: number;
  D: { A2_per_ps: number; A2_per_ns: number; cm2_per_s: number; stderr_A2_per_ps: number; stderr_A2_per_ns: number; stderr_cm2_per_s: number; method: string };
  notes: string[];
}

/** The FFT sums of particles [from, to) of a series that all threads read (shared memory). */
interface FftTask {
  steps: Steps;
  particles: number;
  frames: number;
  from: number;
  to: number;
  /** The reference point's position per frame (frames × 3), subtracted (--remove-drift), or null. */
  drift: Float64Array | null;
}

export const msdAnalysis: Analysis<MsdConfig, MsdPrepared, MsdState, MsdResult[], MsdSection[]> = {
  key: 'msd',
  title: 'mean squared displacement and diffusion coefficient',
  needsTime: true,
  example: { msd: ['Na', 'FSI'] },
  options: [
    {
      key: 'msd',
      flag: '--msd <selection>',
      help: 'MSD and D of a selection: "Na", "FSI", "type 3", "index 0:15", "O and not H2O" (repeatable)',
      commands: ['analyze', 'batch'],
      repeatable: true,
    },
    {
      key: 'fit',
      flag: '--fit <window>',
      help: '"auto" (default) or T0:T1 in ps, e.g. 10:50 or 10ps:50ps',
      defaultText: 'auto',
      commands: ['analyze', 'batch'],
      parse: parseFitWindow,
    },
    {
      key: 'msdDims',
      flag: '--msd-dims <axes>',
      help: 'measure D in a plane or along an axis: xy, xz, yz, x, y or z (D = slope / (2·d)); the MSD components stay all three',
      defaultText: 'xyz',
      commands: ['analyze', 'batch'],
      parse: (text, name) => {
        const dims = normalizeDims(text);
        if (!dims) throw new InputError(`${name}: expected xyz, xy, xz, yz, x, y or z, not ${JSON.stringify(text)}`);
        return dims;
      },
    },
    {
      key: 'maxMemory',
      flag: '--max-memory <size>',
      help: 'memory the MSD (and --conductivity, which shares it) may keep (e.g. 2GB, 500MB): past it they turn to order-n multiple-tau correlators, whose memory does not grow with the run (exact up to 15 frames, origins every 2^k frames beyond)',
      defaultText: "a quarter of the machine's memory",
      commands: ['analyze', 'batch'],
      parse: parseMemorySize,
    },
  ],

  configure(o) {
    const selections = o.get<string[]>('msd') ?? [];
    if (selections.length === 0) return null;
    const dims = o.get<Dims>('msdDims') ?? 'xyz';
    const maxMemoryBytes = o.get<number>('maxMemory') ?? null;
    // Defaults leave the configuration as it was (no key), so specs compare equal.
    return { selections, fit: o.get<MsdConfig['fit']>('fit') ?? 'auto', ...(maxMemoryBytes !== null ? { maxMemoryBytes } : {}), ...(dims !== 'xyz' ? { dims } : {}) };
  },

  prepare(config, ctx) {
    if (ctx.dtUsedPs === null) {
      throw new InputError(
        `${ctx.file}: the MSD needs the time between frames, and the file does not say; give --dt (e.g. --dt 0.5ps) or --timestep (e.g. --timestep 1fs for LAMMPS steps)${ctx.timeHint ? ` — ${ctx.timeHint}` : ''}`,
      );
    }
    const selections = { topology: ctx.topology, molecules: ctx.molecules };
    const series = config.selections.map((text) => {
      const sel = ctx.select(text);
      const def = particlesOf(sel, ctx.topology, sel.kind === 'molecules' ? ctx.molecules() : null, ctx.first.box);
      return { selection: text, def, elements: elementSummary(ctx.topology, sel.atoms), ion: ionKind(sel, ctx.topology, selections) };
    });
    const budgetBytes = config.maxMemoryBytes ?? Math.floor(DEFAULT_MEMORY_FRACTION * msdMemory.machineBytes);
    const strideFrames = ctx.dtPs !== null && ctx.dtPs > 0 ? Math.max(1, Math.round(ctx.dtUsedPs / ctx.dtPs)) : 1;
    return { fit: config.fit, dims: config.dims, dtPs: ctx.dtUsedPs, series, budgetBytes, strideFrames };
  },

  needsUnwrapped: () => true,
  unwrappedAtoms: (p) => concatAtoms(p.series.map((s) => s.def.member)),
  readAtoms: (p) => concatAtoms(p.series.map((s) => s.def.member)),

  create(p) {
    return { chunks: p.series.map(() => []), multiTau: p.series.map(() => null), float32: false, scratch: p.series.map((s) => new Float64Array(3 * s.def.count)) };
  },

  add(p, st, { frame, unwrapped }) {
    const index = Math.floor(frame.index / (p.strideFrames ?? 1));
    for (let s = 0; s < p.series.length; s++) {
      particlePositions(p.series[s].def, unwrapped!, st.scratch[s]);
      const mt = st.multiTau[s];
      if (mt) {
        addMultiTau(mt, index, st.scratch[s]);
        continue;
      }
      const chunks = st.chunks[s];
      if (chunks.length === 0) chunks.push(new StepSeries(p.series[s].def.count, index, 64, st.float32));
      chunks[chunks.length - 1].add(st.scratch[s]);
    }
    if (storedBytes(st) > budgetOf(p)) {
      if (!st.float32 && storedBytes(st) / 2 <= budgetOf(p)) toFloat32(st);
      else toMultiTau(st);
    }
  },

  merge(p, a, b, join) {
    const shifts = p.series.map((s) => particleShift(s.def, join));
    const exact = a.multiTau.every((m) => !m) && b.multiTau.every((m) => !m);
    const bytes = storedBytes(a) + storedBytes(b);
    const float32 = a.float32 || b.float32 || bytes > budgetOf(p);
    // Float32 steps take half the bytes of float64 ones.
    const bytes32 = a.float32 && b.float32 ? bytes : a.float32 || b.float32 ? storedBytes(a.float32 ? a : b) + storedBytes(a.float32 ? b : a) / 2 : bytes / 2;
    if (exact && (!float32 || bytes32 <= budgetOf(p))) {
      const as32 = (c: StepSeries) => (float32 ? c.toFloat32() : c);
      return {
        chunks: a.chunks.map((own, s) => [...own.map(as32), ...b.chunks[s].map((c) => as32(shifts[s] ? c.shifted(shifts[s]!) : c))]),
        multiTau: a.multiTau.map(() => null),
        float32,
        scratch: a.scratch,
      };
    }
    return {
      chunks: a.chunks.map(() => []),
      multiTau: p.series.map((ser, s) => mergeMultiTau(multiTauOf(a, s, ser.def.count), multiTauOf(b, s, ser.def.count), shifts[s])),
      float32: false,
      scratch: a.scratch,
    };
  },

  encode(st) {
    return st.chunks.map((chunks, s): WireSeries => {
      const mt = st.multiTau[s];
      if (mt) return { multiTau: mt };
      const j = chunks.length === 0 ? new StepSeries(st.scratch[s].length / 3, 0, 0) : chunks.length === 1 ? chunks[0] : StepSeries.join(chunks);
      return { particles: j.particles, firstIndex: j.firstIndex, frames: j.frames, first: j.first, last: j.last, steps: j.steps.subarray(0, j.frames * 3 * j.particles) };
    });
  },

  decode(p, wire) {
    const list = wire as WireSeries[];
    return {
      chunks: list.map((w) => ('multiTau' in w || w.frames === 0 ? [] : [StepSeries.of(w.particles, w.firstIndex, w.frames, w.first, w.last, w.steps)])),
      multiTau: list.map((w) => ('multiTau' in w ? w.multiTau : null)),
      float32: list.some((w) => !('multiTau' in w) && w.steps instanceof Float32Array),
      scratch: p.series.map((s) => new Float64Array(3 * s.def.count)),
    };
  },

  async finish(p, st, env) {
    const drift = env.result<DriftResult>('drift');
    const out: MsdResult[] = [];
    for (let s = 0; s < p.series.length; s++) {
      const { selection, def, ion } = p.series[s];
      const dims = p.dims ?? 'xyz';
      const mt = st.multiTau[s];
      if (mt) {
        if (mt.frames < 5) throw new InputError(`${env.file}: ${mt.frames} frames are too few for an MSD (need at least 5)`);
        const curve = multiTauCurve(mt, p.dtPs);
        // directionalCurve reads `frames` values: here the lags, fewer than the run's frames.
        const along = dims === 'xyz' ? curve : { ...directionalCurve({ ...curve, frames: curve.lagPs.length }, dims), frames: curve.frames };
        const { window, notes } = fitWindow(p.fit, along, env.file, true);
        notes.unshift(
          `the MSD is the order-n multiple-tau one (Dubbeldam et al. 2009; LAMMPS fix ave/correlate/long): every particle's series over ${mt.frames} frames would need ${mb(12 * mt.frames * def.count)} MB${p.series.length > 1 ? ' (with the other selections, more than' : ' (more than'} --max-memory ${mb(budgetOf(p))} MB); exact at lags up to ${MULTI_TAU_POINTS - 1} frames, time origins every 2^k frames at lags of ${MULTI_TAU_POINTS / 2}·2^k frames and more`,
        );
        if (drift) notes.push('--remove-drift is not applied to a multiple-tau MSD (it needs every frame of the series): D is with the drift');
        const d = diffusion(along, window, p.dtPs, notes);
        out.push({ selection, kind: def.kind, count: def.count, ion, curve, dims, diffusion: directional({ ...d, method: MULTI_TAU_STDERR_METHOD }, dims) });
        continue;
      }
      // One contiguous series, where the pool's threads can read it without a copy.
      const chunks = st.chunks[s];
      const series =
        chunks.length === 1 && env.parallel.threads === 1
          ? chunks[0]
          : StepSeries.join(chunks.length ? chunks : [new StepSeries(def.count, 0, 0)], (n, f32) => stepsOn(env.parallel, n, f32));
      if (series.frames < 5) throw new InputError(`${env.file}: ${series.frames} frames are too few for an MSD (need at least 5)`);
      const sums = await fftSums(series, drift ? drift.centreA : null, env.parallel);
      const curve = msdCurve(sums, p.dtPs);
      const along = directionalCurve(curve, dims);
      const { window, notes } = fitWindow(p.fit, along, env.file, false);
      if (series.float32) notes.unshift(`every particle's series was kept in float32 to stay within --max-memory ${mb(budgetOf(p))} MB: the MSD is exact to about 10⁻⁸ relative`);
      out.push({ selection, kind: def.kind, count: def.count, ion, curve, dims, diffusion: directional(diffusion(along, window, p.dtPs, notes), dims) });
    }
    return out;
  },

  tasks: {
    fftSums: (t: FftTask): MsdSums => stepMsdSums(t.steps, t.particles, t.from, t.to, t.frames, t.drift),
  },

  document: {
    key: 'msd',
    toJson: (results) => results.map(sectionOf),
    read: (raw, where) => array(raw, where).map((m, k) => readSection(m, `${where}[${k}]`)),
    text: msdText,
    html: msdHtml,
    csv: (sections) => sections.map((m) => ({ name: `msd-${slug(m.selection)}.csv`, text: msdCsv(m) })),
    plots: (sections) => (sections.length ? [{ name: 'msd', label: 'MSD', caption: 'MSD on log–log axes with the fit window', spec: msdPlotSpec(sections), csvs: sections.map((m) => `msd-${slug(m.selection)}.csv`) }] : []),
    summary: (sections) => sections.map((m) => ({ group: 'D', label: m.selection, value: m.D.A2_per_ps, stderr: Number.isFinite(m.D.stderr_A2_per_ps) ? m.D.stderr_A2_per_ps : null, diffusion: true, fit: true })),
    notes: (sections) => sections.flatMap((m) => m.notes.map((n) => `${m.selection}: ${n}`)),
  },
};

/** `--fit auto` or `--fit T0:T1` (times with units, ps when bare). */
function parseFitWindow(text: string, name: string): MsdConfig['fit'] {
  if (text === 'auto') return 'auto';
  const m = /^([^:]+):([^:]+)$/.exec(text);
  if (!m) throw new InputError(`${name}: expected "auto" or T0:T1 (ps), e.g. 10:50, not ${JSON.stringify(text)}`);
  const from = parseTimePs(m[1], name), to = parseTimePs(m[2], name);
  if (!(to > from) || from < 0) throw new InputError(`${name}: the window must run forward from t ≥ 0, not ${JSON.stringify(text)}`);
  return [from, to];
}

/** A chunk of the later range, continuing the earlier one: its particles shifted by their atoms' mass-weighted shift. */
export function continued(chunk: MsdSeries, def: ParticleDef, join: Join): MsdSeries {
  const shift = particleShift(def, join);
  if (!shift) return chunk;
  return chunk.withOrigin(chunk.origin.map((v, j) => v + shift[j]));
}

/**
 * How the later of two joined ranges continues the earlier, per particle (3 each): its atoms'
 * mass-weighted shift; null when nothing moves.
 */
export function particleShift(def: ParticleDef, join: Join): Float64Array | null {
  const shift = join.atomShift;
  if (!shift) return null;
  const out = new Float64Array(3 * def.count);
  for (let q = 0; q < def.count; q++) {
    for (let r = def.start[q]; r < def.start[q + 1]; r++) {
      const i = 3 * def.member[r], w = def.weight[r];
      out[3 * q] += w * shift[i];
      out[3 * q + 1] += w * shift[i + 1];
      out[3 * q + 2] += w * shift[i + 2];
    }
  }
  return out;
}

/** The budget of the stored series. */
function budgetOf(p: MsdPrepared): number {
  return p.budgetBytes ?? Math.floor(DEFAULT_MEMORY_FRACTION * msdMemory.machineBytes);
}

/** Bytes the exact series of a state hold. */
function storedBytes(st: MsdState): number {
  let bytes = 0;
  for (const chunks of st.chunks) for (const c of chunks) bytes += c.bytes;
  return bytes;
}

/** A selection's series as a multiple-tau accumulator (the stored frames replayed into one when exact). */
function multiTauOf(st: MsdState, s: number, particles: number): MultiTauMsd {
  const own = st.multiTau[s];
  if (own) return own;
  const mt = emptyMultiTau(particles);
  for (const chunk of st.chunks[s]) for (const { index, positions } of chunk.positions()) addMultiTau(mt, index, positions);
  return mt;
}

/** Every selection of a state stored in float32. */
function toFloat32(st: MsdState): void {
  st.chunks = st.chunks.map((chunks) => chunks.map((c) => c.toFloat32()));
  st.float32 = true;
}

/** Every selection of a state turned multiple-tau, its stored series dropped. */
function toMultiTau(st: MsdState): void {
  for (let s = 0; s < st.chunks.length; s++) {
    st.multiTau[s] = multiTauOf(st, s, st.scratch[s].length / 3);
    st.chunks[s] = [];
  }
  st.float32 = false;
}

function mb(bytes: number): string {
  return (bytes / 1e6).toPrecision(3);
}

/** `--max-memory`: a size with a unit (kB, MB, GB, TB; KiB … TiB), MB when bare. */
function parseMemorySize(text: string, name: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:([kmgt])(i?)b?|b)?\s*$/i.exec(text);
  if (!m) throw new InputError(`${name}: expected a size such as 2GB, 500MB or 1.5GiB, not ${JSON.stringify(text)}`);
  const unit = m[2] ? m[2].toLowerCase() : text.trim().toLowerCase().endsWith('b') ? '' : 'm';
  const power = unit ? 'kmgt'.indexOf(unit) + 1 : 0;
  const bytes = Number(m[1]) * (m[3] ? 1024 : 1000) ** power;
  if (!(bytes > 0)) throw new InputError(`${name}: the memory budget must be positive, not ${JSON.stringify(text)}`);
  return Math.floor(bytes);
}

/** `n` float64 or float32 values on memory the pool's threads read without a copy. */
function stepsOn(parallel: Parallel, n: number, float32: boolean): Steps {
  if (!float32) return parallel.alloc(n);
  const f = parallel.alloc(Math.ceil(n / 2));
  return new Float32Array(f.buffer, f.byteOffset, n);
}

/** Below this many values the FFT runs in one thread (handing it out costs more). */
const MIN_SPLIT_VALUES = 200_000;

/** The FFT sums of a series, split by particle across the pool's threads. */
async function fftSums(series: StepSeries, drift: Float64Array | null, parallel: Parallel): Promise<MsdSums> {
  const values = series.frames * 3 * series.particles;
  const parts = series.particles < 2 || values < MIN_SPLIT_VALUES ? 1 : Math.min(parallel.threads, series.particles);
  const steps = series.steps.subarray(0, values);
  const tasks: FftTask[] = Array.from({ length: parts }, (_, k) => ({
    steps,
    particles: series.particles,
    frames: series.frames,
    from: Math.floor((k * series.particles) / parts),
    to: Math.floor(((k + 1) * series.particles) / parts),
    drift,
  }));
  const sums = await parallel.map<FftTask, MsdSums>('msd', 'fftSums', tasks);
  return sums.reduce((a, b) => addSums(a, b));
}

/** D along fewer than three axes: its error and method as directional.ts says. */
function directional(d: Diffusion, dims: Dims): Diffusion {
  if (dims === 'xyz') return d;
  const k = dims.length;
  return { ...d, stderrA2PerPs: d.stderrA2PerPs * directionalStderrFactor(dims), method: `${d.method}; along ${dims} only: D = slope / ${2 * k} of the MSD along ${dims}, the error √(3/${k}) times that of the three-dimensional formula` };
}

/** The fit window: --fit T0:T1, or found from the data. */
function fitWindow(fit: MsdConfig['fit'], curve: MsdCurve, file: string, multiTau: boolean): { window: FitWindow; notes: string[] } {
  try {
    if (multiTau) return fit === 'auto' ? multiTauAutoWindow(curve) : multiTauRequestedWindow(curve, fit[0], fit[1]);
    if (fit === 'auto') return autoWindow(curve);
    return requestedWindow(curve, fit[0], fit[1]);
  } catch (err) {
    if (err instanceof RangeError) throw new InputError(`${file}: ${err.message}`);
    throw err;
  }
}

function sectionOf(m: MsdResult): MsdSection {
  const d = m.diffusion;
  const err = dUnits(d.stderrA2PerPs);
  return {
    selection: m.selection,
    kind: m.kind,
    count: m.count,
    dims: m.dims,
    lag_ps: Array.from(m.curve.lagPs),
    msd_A2: Array.from(m.curve.msdA2),
    msd_x_A2: Array.from(m.curve.msdXA2),
    msd_y_A2: Array.from(m.curve.msdYA2),
    msd_z_A2: Array.from(m.curve.msdZA2),
    fit: { from_ps: d.window.fromPs, to_ps: d.window.toPs, auto: d.window.auto },
    loglog_slope: d.logLogSlope,
    D: { ...dUnits(d.dA2PerPs), stderr_A2_per_ps: err.A2_per_ps, stderr_A2_per_ns: err.A2_per_ns, stderr_cm2_per_s: err.cm2_per_s, method: d.method },
    notes: d.notes,
  };
}

function readSection(raw: unknown, where: string): MsdSection {
  const m = object(raw, where);
  const kind = str(m, 'kind', where);
  if (kind !== 'atoms' && kind !== 'molecules') fail(`${where}.kind`, `expected "atoms" or "molecules", not ${JSON.stringify(kind)}`);
  const fit = object(m.fit, `${where}.fit`);
  const d = object(m.D, `${where}.D`);
  const w = `${where}.D`;
  const section: MsdSection = {
    selection: str(m, 'selection', where),
    kind: kind as MsdSection['kind'],
    count: num(m, 'count', where),
    dims: readDims(m, where),
    lag_ps: nums(m, 'lag_ps', where),
    msd_A2: nums(m, 'msd_A2', where),
    msd_x_A2: nums(m, 'msd_x_A2', where),
    msd_y_A2: nums(m, 'msd_y_A2', where),
    msd_z_A2: nums(m, 'msd_z_A2', where),
    fit: { from_ps: num(fit, 'from_ps', `${where}.fit`), to_ps: num(fit, 'to_ps', `${where}.fit`), auto: bool(fit, 'auto', `${where}.fit`) },
    loglog_slope: m.loglog_slope === null ? NaN : num(m, 'loglog_slope', where),
    D: { ...dWithError(d, w), method: str(d, 'method', w) },
    notes: strs(m, 'notes', where),
  };
  if (section.msd_A2.length !== section.lag_ps.length) fail(`${where}.msd_A2`, `holds ${section.msd_A2.length} values for ${section.lag_ps.length} lags`);
  return section;
}

/** `dims` of a section (absent in documents from before --msd-dims: all three axes). */
function readDims(m: Json, where: string): Dims {
  if (m.dims === undefined) return 'xyz';
  const dims = normalizeDims(str(m, 'dims', where));
  if (!dims || dims !== m.dims) fail(`${where}.dims`, `expected xyz, xy, xz, yz, x, y or z, not ${JSON.stringify(m.dims)}`);
  return dims;
}

function msdText(sections: MsdSection[]): string[] {
  if (sections.length === 0) return [];
  const dims = [...new Set(sections.map((m) => m.dims))];
  const rule = dims.length === 1 ? `D = slope / ${2 * dims[0].length}${dims[0] === 'xyz' ? '' : `, along ${dims[0]}`}` : 'D = slope / (2 × the axes D is measured along)';
  const lines = ['', `Mean squared displacement and diffusion coefficient (${rule})`];
  const w = Math.max(...sections.map((m) => m.selection.length));
  for (const m of sections) {
    const d = m.D;
    const value =
      d.stderr_A2_per_ps > 0
        ? `D = ${withError(d.A2_per_ps, d.stderr_A2_per_ps)} Å²/ps = ${withError(d.A2_per_ns, d.stderr_A2_per_ns)} Å²/ns = ${scientific(d.cm2_per_s, d.stderr_cm2_per_s)} cm²/s`
        : `D = ${f(d.A2_per_ps, 3)} Å²/ps = ${f(d.A2_per_ns, 3)} Å²/ns = ${d.cm2_per_s.toExponential(2)} cm²/s, without a standard error (see the note)`;
    lines.push(`  ${m.selection.padEnd(w)}  ${String(m.count).padStart(5)} ${m.kind === 'molecules' ? 'molecules' : 'atoms    '}  ${value}`);
    const along = m.dims === 'xyz' ? '' : `, D along ${m.dims} only (slope / ${2 * m.dims.length} of the MSD along ${m.dims})`;
    lines.push(`  ${''.padEnd(w)}  fit ${f(m.fit.from_ps, 4)}–${f(m.fit.to_ps, 4)} ps${m.fit.auto ? ' (auto)' : ''}, log–log slope ${f(m.loglog_slope, 3)}${along}`);
    for (const n of m.notes) lines.push(`  ${''.padEnd(w)}  note: ${n}`);
  }
  lines.push('  ± is one standard error: Brownian covariance of the MSD propagated through the fit (see the JSON "method")');
  return lines;
}

function msdHtml(sections: MsdSection[]): string {
  if (sections.length === 0) return '';
  const rows = sections
    .map((m) => {
      const d = m.D;
      return `<tr><td>${e(m.selection)}${m.dims === 'xyz' ? '' : ` (D along ${m.dims})`}</td><td>${m.count} ${m.kind}</td><td>${withError(d.A2_per_ps, d.stderr_A2_per_ps)}</td><td>${withError(d.A2_per_ns, d.stderr_A2_per_ns)}</td><td>${d.stderr_cm2_per_s > 0 ? scientific(d.cm2_per_s, d.stderr_cm2_per_s) : d.cm2_per_s.toExponential(2)}</td><td>${f(m.fit.from_ps, 4)}–${f(m.fit.to_ps, 4)}${m.fit.auto ? ' (auto)' : ''}</td><td>${f(m.loglog_slope, 3)}</td></tr>`;
    })
    .join('\n');
  return `<h2>Diffusion coefficients</h2>
<table><tr><th>selection</th><th>particles</th><th>D (Å²/ps)</th><th>D (Å²/ns)</th><th>D (cm²/s)</th><th>fit window (ps)</th><th>log–log slope</th></tr>
${rows}</table>
<p>± is one standard error: ${e(sections[0].D.method)}.</p>`;
}

/** One row per lag, units in the header. */
function msdCsv(m: MsdSection): string {
  const rows = ['lag_ps,msd_A2,msd_x_A2,msd_y_A2,msd_z_A2'];
  for (let i = 0; i < m.lag_ps.length; i++) rows.push(`${m.lag_ps[i]},${m.msd_A2[i]},${m.msd_x_A2[i]},${m.msd_y_A2[i]},${m.msd_z_A2[i]}`);
  return rows.join('\n') + '\n';
}

/** The MSDs of all selections on log–log axes, with each fit window shaded and the fitted line dashed. */
export function msdPlotSpec(sections: MsdSection[]): TopLevelSpec {
  const curve: Json[] = [];
  const fits: Json[] = [];
  const windows: Json[] = [];
  for (const m of sections) {
    const lag = m.lag_ps;
    const msd = m.dims === 'xyz' ? m.msd_A2 : msdAlong(m.dims, m.msd_x_A2, m.msd_y_A2, m.msd_z_A2);
    for (const i of logThin(lag.length)) if (msd[i] > 0) curve.push({ selection: m.selection, lag_ps: lag[i], msd_A2: msd[i] });
    // Lags need not be evenly spaced (a multiple-tau MSD): the window's ends by value.
    const nearest = (t: number) => lag.reduce((best, x, i) => (Math.abs(x - t) < Math.abs(lag[best] - t) ? i : best), 0);
    const from = nearest(m.fit.from_ps), to = nearest(m.fit.to_ps);
    // The fitted straight line, drawn over the window (sampled in log t so it shows on log axes).
    const slope = 2 * m.dims.length * m.D.A2_per_ps;
    const mid = (msd[from] + msd[to]) / 2 - slope * ((m.fit.from_ps + m.fit.to_ps) / 2);
    for (let k = 0; k <= 20; k++) {
      const t = m.fit.from_ps * Math.pow(m.fit.to_ps / m.fit.from_ps, k / 20);
      const y = slope * t + mid;
      if (y > 0) fits.push({ selection: m.selection, lag_ps: t, msd_A2: y });
    }
    windows.push({ selection: m.selection, from_ps: m.fit.from_ps, to_ps: m.fit.to_ps });
  }
  // One legend for both layers, drawn as the curves are (the shading would give faint squares).
  const color = {
    field: 'selection',
    type: 'nominal',
    title: 'selection',
    scale: selectionColors(sections.map((m) => m.selection)),
    legend: { symbolType: 'stroke', symbolStrokeWidth: 2.5, symbolOpacity: 1 },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Mean squared displacement',
      subtitle: sections.every((m) => m.dims === 'xyz') ? 'shaded: fit window; dashed: fitted line (D = slope / 6)' : 'shaded: fit window; dashed: fitted line; along the axes of D (D = slope / (2 × axes))',
    },
    width: 480,
    height: 320,
    layer: [
      {
        data: { values: windows },
        mark: { type: 'rect', opacity: 0.08 },
        encoding: { x: { field: 'from_ps', type: 'quantitative' }, x2: { field: 'to_ps' }, color },
      },
      {
        data: { values: curve },
        mark: { type: 'line', strokeWidth: 2 },
        encoding: {
          x: { field: 'lag_ps', type: 'quantitative', scale: { type: 'log' }, title: 'lag time t (ps)' },
          y: { field: 'msd_A2', type: 'quantitative', scale: { type: 'log' }, title: 'MSD (Å²)' },
          color,
        },
      },
      {
        data: { values: fits },
        mark: { type: 'line', strokeDash: [6, 4], strokeWidth: 1.5, color: 'black' },
        encoding: { x: { field: 'lag_ps', type: 'quantitative' }, y: { field: 'msd_A2', type: 'quantitative' }, detail: { field: 'selection' } },
      },
    ],
  } as TopLevelSpec;
}

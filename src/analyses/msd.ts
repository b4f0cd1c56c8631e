import type { TopLevelSpec } from 'vega-lite';
import { directionalCurve, directionalStderrFactor, msdAlong, normalizeDims, type Dims } from '../analysis/directional.js';
import { autoWindow, diffusion, dUnits, requestedWindow, type Diffusion, type FitWindow } from '../analysis/diffusion.js';
import { addSums, msdCurve, msdSums, MsdSeries, type MsdCurve, type MsdSums } from '../analysis/msd.js';
import { InputError } from '../model/errors.js';
import { parseTimePs } from '../model/units.js';
import { type Analysis, type Join } from '../pipeline/contract.js';
import { elementSummary } from '../pipeline/plan.js';
import { ionKind, type IonKind } from '../select/ions.js';
import { particlePositions, particlesOf, type ParticleDef } from '../select/particles.js';
import { escapeHtml as e, formatNumber as f, scientific, slug, withError } from '../report/format.js';
import { array, bool, fail, num, numOrNaN, nums, object, str, strs, type Json } from '../report/json-check.js';
import { logThin, selectionColors } from '../report/plots.js';
import type { DriftResult } from './drift.js';

/**
 * Mean squared displacement over all time origins (FFT) of atoms or of molecules' centres of
 * mass, and the diffusion coefficient D = slope/6 with its standard error. Its state is every
 * particle's unwrapped series — all time origins need the whole series — kept as the chunks of
 * the ranges that were folded and merged; the FFT splits across the pool's threads by particle.
 */
export interface MsdConfig {
  selections: string[];
  /** 'auto', or a window [from, to] in ps. */
  fit: 'auto' | [number, number];
  /** `--msd-dims`: the axes D is measured along (absent: all three). */
  dims?: Dims;
}

export interface MsdPrepared {
  fit: MsdConfig['fit'];
  dims?: Dims;
  /** Time between used frames, ps. */
  dtPs: number;
  series: { selection: string; def: ParticleDef; elements: string; ion: IonKind | null }[];
}

/** Per selection: the chunks of consecutive ranges of frames, in order (never changed once merged). */
export interface MsdState {
  chunks: MsdSeries[][];
  /** Scratch for one frame's particle positions, per selection. */
  scratch: Float64Array[];
}

interface WireSeries {
  particles: number;
  frames: number;
  origin: Float64Array;
  data: Float64Array;
}

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
  data: Float64Array;
  particles: number;
  frames: number;
  from: number;
  to: number;
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
  ],

  configure(o) {
    const selections = o.get<string[]>('msd') ?? [];
    if (selections.length === 0) return null;
    const dims = o.get<Dims>('msdDims') ?? 'xyz';
    return { selections, fit: o.get<MsdConfig['fit']>('fit') ?? 'auto', ...(dims !== 'xyz' ? { dims } : {}) };
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
    return { fit: config.fit, dims: config.dims, dtPs: ctx.dtUsedPs, series };
  },

  needsUnwrapped: () => true,
  unwrappedAtoms: (p) => Int32Array.from(new Set(p.series.flatMap((s) => Array.from(s.def.member)))),

  create(p) {
    return { chunks: p.series.map((s) => [new MsdSeries(s.def.count)]), scratch: p.series.map((s) => new Float64Array(3 * s.def.count)) };
  },

  add(p, st, { unwrapped }) {
    for (let s = 0; s < p.series.length; s++) {
      particlePositions(p.series[s].def, unwrapped!, st.scratch[s]);
      const chunks = st.chunks[s];
      chunks[chunks.length - 1].add(st.scratch[s]);
    }
  },

  merge(p, a, b, join) {
    return {
      chunks: a.chunks.map((own, s) => [...own, ...b.chunks[s].map((c) => continued(c, p.series[s].def, join))]),
      scratch: a.scratch,
    };
  },

  encode(st) {
    return st.chunks.map((chunks): WireSeries => {
      const s = chunks.length === 1 ? chunks[0] : MsdSeries.concat(chunks);
      return { particles: s.particles, frames: s.frames, origin: s.origin, data: s.data.subarray(0, s.frames * 3 * s.particles) };
    });
  },

  decode(p, wire) {
    const list = wire as WireSeries[];
    return {
      chunks: list.map((w) => [MsdSeries.of(w.particles, w.frames, w.origin, w.data)]),
      scratch: p.series.map((s) => new Float64Array(3 * s.def.count)),
    };
  },

  async finish(p, st, env) {
    const drift = env.result<DriftResult>('drift');
    const out: MsdResult[] = [];
    for (let s = 0; s < p.series.length; s++) {
      // One contiguous series, where the pool's threads can read it without a copy.
      const series = MsdSeries.concat(st.chunks[s], env.parallel.alloc);
      if (series.frames < 5) throw new InputError(`${env.file}: ${series.frames} frames are too few for an MSD (need at least 5)`);
      if (drift) series.subtractDrift(drift.centreA);
      const sums = await fftSums(series, env.parallel);
      const curve = msdCurve(sums, p.dtPs);
      const dims = p.dims ?? 'xyz';
      const along = directionalCurve(curve, dims);
      const { window, notes } = fitWindow(p.fit, along, env.file);
      const { selection, def, ion } = p.series[s];
      out.push({ selection, kind: def.kind, count: def.count, ion, curve, dims, diffusion: directional(diffusion(along, window, p.dtPs, notes), dims) });
    }
    return out;
  },

  tasks: {
    fftSums: (t: FftTask): MsdSums => msdSums(t.data, t.particles, t.from, t.to, 0, t.frames),
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
  const shift = join.atomShift;
  if (!shift) return chunk;
  const origin = chunk.origin.slice();
  for (let q = 0; q < def.count; q++) {
    for (let r = def.start[q]; r < def.start[q + 1]; r++) {
      const i = 3 * def.member[r], w = def.weight[r];
      origin[3 * q] += w * shift[i];
      origin[3 * q + 1] += w * shift[i + 1];
      origin[3 * q + 2] += w * shift[i + 2];
    }
  }
  return chunk.withOrigin(origin);
}

/** Below this many values the FFT runs in one thread (handing it out costs more). */
const MIN_SPLIT_VALUES = 200_000;

/** The FFT sums of a series, split by particle across the pool's threads. */
async function fftSums(series: MsdSeries, parallel: import('../pipeline/contract.js').Parallel): Promise<MsdSums> {
  const values = series.frames * 3 * series.particles;
  const parts = series.particles < 2 || values < MIN_SPLIT_VALUES ? 1 : Math.min(parallel.threads, series.particles);
  const data = series.data.subarray(0, values);
  const tasks: FftTask[] = Array.from({ length: parts }, (_, k) => ({
    data,
    particles: series.particles,
    frames: series.frames,
    from: Math.floor((k * series.particles) / parts),
    to: Math.floor(((k + 1) * series.particles) / parts),
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
function fitWindow(fit: MsdConfig['fit'], curve: MsdCurve, file: string): { window: FitWindow; notes: string[] } {
  try {
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
    D: {
      A2_per_ps: num(d, 'A2_per_ps', w),
      A2_per_ns: num(d, 'A2_per_ns', w),
      cm2_per_s: num(d, 'cm2_per_s', w),
      stderr_A2_per_ps: numOrNaN(d, 'stderr_A2_per_ps', w),
      stderr_A2_per_ns: numOrNaN(d, 'stderr_A2_per_ns', w),
      stderr_cm2_per_s: numOrNaN(d, 'stderr_cm2_per_s', w),
      method: str(d, 'method', w),
    },
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
  const lines = ['', 'Mean squared displacement and diffusion coefficient (D = slope / 6)'];
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
    const dt = lag.length > 1 ? lag[1] - lag[0] : 1;
    const from = Math.round(m.fit.from_ps / dt), to = Math.round(m.fit.to_ps / dt);
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

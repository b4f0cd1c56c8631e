import type { TopLevelSpec } from 'vega-lite';
import { addCell, addCellSums, cellMean, emptyCellSums, type CellSums } from '../analysis/cell-mean.js';
import { addBlocked, blockedBlocks, blockedBytes, blockedLags, emptyBlocked, mergeBlocked, type BlockedMultiTau, type PairKernel } from '../analysis/blocked-multi-tau.js';
import { collectiveSeries } from '../analysis/charge-msd.js';
import { linearFit, MAX_LAG_FRACTION, type FitWindow } from '../analysis/diffusion.js';
import { ionCharge, parseChargeList, type ChargeSource } from '../analysis/ion-charges.js';
import { MsdSeries } from '../analysis/msd.js';
import { DEFAULT_BLOCKS, nernstEinstein, onsager, ONSAGER_STDERR_METHOD, type Estimate, type OnsagerResult } from '../analysis/onsager.js';
import { boundedLastLag, boundedWindow, conductivityKernel, conductivitySample, conductivitySampleWidth, conductivityValues, onsagerBounded } from '../analysis/onsager-bounded.js';
import { InputError } from '../model/errors.js';
import { type Analysis, type Join } from '../pipeline/contract.js';
import { particlePositions, particlesOf, type ParticleDef } from '../select/particles.js';
import { escapeHtml as e, formatNumber as f, slug, withError } from '../report/format.js';
import { array, bool, fail, num, numOrNull, nums, object, str, strs, type Json } from '../report/json-check.js';
import { selectionColors } from '../report/plots.js';
import { continued, DEFAULT_MEMORY_FRACTION, msdMemory, particleShift, type MsdResult } from './msd.js';

/**
 * `--conductivity --temperature T`: the ionic conductivity from the collective (Einstein–
 * Helfand) charge displacement beside the Nernst–Einstein estimate, their ratio, the Onsager
 * coefficients L_ij (total, self and distinct) and the transference number they give. The
 * science, its definitions and the block method of its errors are in src/analysis/onsager.ts
 * and charge-msd.ts; here: which `--msd` selections are ions and their charges
 * (analysis/ion-charges.ts), the fit window, the state and the reports.
 *
 * The state is each ion species' per-ion unwrapped series (the self terms and every block need
 * them) and the whole system's centre of mass, both `MsdSeries` that join across slices as the
 * MSD's do (each ion and the COM shifted by its atoms' mass-weighted shift), and the sums of the
 * cell volume. Those series take 24 bytes per ion and frame: past the memory budget the state
 * turns, with a note, to one order-n multiple-tau correlator of every ion's barycentric position
 * and the COM (analysis/onsager-bounded.ts), whose memory grows with the logarithm of the run,
 * not with it, and which keeps its sums by sub-block so that the blocks of the errors are read
 * at the end, when the run's length is known.
 *
 * The budget is the MSD's --max-memory, shared: the conductivity keeps its exact series while
 * they and the MSD's float64 series of every --msd selection (24 bytes per particle and frame)
 * fit in it together — frames ≤ budget / (24 B × (MSD particles + ions + 1)) — so that the two
 * never hold more than the budget between them (the MSD, past that point, keeps float32 steps
 * or turns multiple-tau within the budget by its own rule). The rule depends only on the number
 * of frames, so every way of cutting the run into slices decides alike.
 *
 * Decisions:
 * - σ_NE uses the D that the MSD reports (each on its own window, with its Brownian error). The
 *   ionicity and Haven ratio compare σ_EH with the self parts over σ_EH's own window (the
 *   Nernst–Einstein sum of the barycentric self terms), their error from the blocks' joint
 *   covariance: the D's windows may reach lags five times longer, and a ratio of slopes over
 *   different lags mixes time scales (on the shipped run 1.60 against 1.40 on one window).
 * - The fit window is the first cation's (`--fit`, or its automatic one), ended at half a block
 *   when it reaches further: the block error fits every block over the same window, within the
 *   first half of each, as the MSD fit does for a whole run. A window that would hold fewer
 *   than two lags takes fewer blocks (down to 2).
 * - Ions whose charges do not add up to zero (beyond 1% of their total charge) are refused:
 *   σ_EH of a charged set depends on the frame it is measured in, and the counter-ions' share of
 *   the current is missing — the number would be wrong, not merely uncertain. A smaller net
 *   charge (rounded partial charges) is noted.
 */
export interface ConductivityConfig {
  /** The `--msd` selections. */
  selections: string[];
  temperatureK: number;
  /** `--charges`: selection text → charge (e). */
  charges: [string, number][];
  blocks: number;
  /** --max-memory (bytes); absent: the default (a quarter of the machine's memory). */
  maxMemoryBytes?: number;
}

export interface IonSpecies {
  selection: string;
  /** Position among the `--msd` selections (and the MSD's results). */
  msdIndex: number;
  def: ParticleDef;
  chargeE: number;
  source: ChargeSource;
}

export interface ConductivityPrepared {
  dtPs: number;
  temperatureK: number;
  blocks: number;
  ions: IonSpecies[];
  /** The whole system's centre of mass: one particle of every atom, mass-weighted. */
  com: ParticleDef;
  notes: string[];
  /** The shared memory budget (bytes). */
  budgetBytes: number;
  /** Frames the exact series may hold within the budget, beside the MSD's (more: multiple-tau). */
  exactFrames: number;
  /** Stored frames per used frame (--stride): used frame indices are file index / stride. */
  strideFrames: number;
}

/**
 * The exact series (chunks of consecutive ranges, in order), or — past the budget — the bounded
 * correlator (the series then empty); the cell sums either way.
 */
export interface ConductivityState {
  ions: MsdSeries[][];
  com: MsdSeries[];
  cell: CellSums;
  /** One frame's positions: each species' ions, then the COM. */
  scratch: Float64Array[];
  /** Used frames folded, and the used-frame index of the first (−1 before any). */
  frames: number;
  firstIndex: number;
  bounded: BlockedMultiTau | null;
  /** One frame's sample of the correlator. */
  sample: Float64Array;
}

interface WireSeries {
  particles: number;
  frames: number;
  origin: Float64Array;
  data: Float64Array;
}

type Wire =
  | { ions: WireSeries[]; com: WireSeries; cell: CellSums; firstIndex?: number }
  | { bounded: BlockedMultiTau; cell: CellSums };

export interface Ratio {
  value: number;
  stderr: number | null;
}

export interface ConductivityResult {
  temperatureK: number;
  /** Time between the frames used, ps. */
  dtPs: number;
  volumeA3: number;
  ions: { selection: string; kind: 'atoms' | 'molecules'; count: number; chargeE: number; source: ChargeSource }[];
  window: FitWindow;
  /** σ_EH, L_ij, t_i and their block errors; `onsager.sigmaNE` is the barycentric self part over the same window. */
  onsager: OnsagerResult;
  /** Nernst–Einstein from the MSD's D (mS/cm). */
  sigmaNE: Ratio;
  ionicity: Ratio;
  haven: Ratio;
  /** The cation's Onsager transference number (null unless there is exactly one cation species). */
  tPlusOnsager: Estimate | null;
  /** N₊z₊²D₊ / Σ N z² D from the MSD's D. */
  tPlusNernstEinstein: Ratio | null;
  notes: string[];
}

/** The `conductivity` section of the results document (mS/cm, ps, Å). */
export interface ConductivitySection {
  temperature_K: number;
  volume_A3: number;
  ions: { selection: string; charge: number; count: number; charge_source: ChargeSource; kind: 'atoms' | 'molecules' }[];
  fit: { from_ps: number; to_ps: number; auto: boolean };
  sigma_NE_mS_per_cm: number;
  sigma_NE_stderr_mS_per_cm: number | null;
  sigma_EH_mS_per_cm: number;
  sigma_EH_stderr_mS_per_cm: number | null;
  haven_ratio: number | null;
  haven_ratio_stderr: number | null;
  ionicity: number | null;
  ionicity_stderr: number | null;
  onsager_mS_per_cm: Record<string, number>;
  onsager_stderr_mS_per_cm: Record<string, number>;
  onsager_self_mS_per_cm: Record<string, number>;
  onsager_self_stderr_mS_per_cm: Record<string, number>;
  onsager_distinct_mS_per_cm: Record<string, number>;
  onsager_distinct_stderr_mS_per_cm: Record<string, number>;
  sigma_onsager_mS_per_cm: number;
  sigma_onsager_stderr_mS_per_cm: number;
  transference_onsager: Record<string, { value: number; stderr: number }>;
  t_plus_onsager: number | null;
  t_plus_onsager_stderr: number | null;
  t_plus_nernst_einstein: number | null;
  t_plus_nernst_einstein_stderr: number | null;
  error: { method: string; blocks: number; dof: number; block_ps: number; variance_scale: number };
  lag_ps: number[];
  charge_msd_e2A2: number[];
  /** ⟨ΔR̃_i·ΔR̃_j⟩ (barycentric species sums), Å², by pair. */
  onsager_msd_A2: Record<string, number[]>;
  /** Σ_{α∈i} ⟨|Δr̃_α|²⟩, Å², by species. */
  self_msd_A2: Record<string, number[]>;
  method: string;
  notes: string[];
}

const METHOD =
  'Ions: the --msd selections that carry charge, molecular ions as centres of mass. ' +
  'Nernst–Einstein σ_NE = e²/(V k_B T) Σ_s N_s z_s² D_s with the D of the MSD; ' +
  'Einstein–Helfand σ_EH = e²/(6 V k_B T) d/dt ⟨|Σ_i z_i Δr_i(t)|²⟩ (all time origins, FFT), slope over the fit window; ' +
  'Onsager e²L_ij = e²/(6 V k_B T) d/dt ⟨ΔR_i(t)·ΔR_j(t)⟩ with R_i the summed positions of species i in the barycentric frame (each displacement minus the whole system’s centre-of-mass displacement), ' +
  'cross terms by polarisation, self part Σ over each ion with itself, distinct part the rest; ' +
  't⁺(Onsager) = (z₊² L₊₊ + z₊ z₋ L₊₋) / Σ_ij z_i z_j L_ij; ionicity σ_EH/σ_NE and Haven ratio σ_NE/σ_EH with σ_NE as the self parts over the window of σ_EH (errors from the joint covariance of the blocks); V the mean cell volume';

/** Ions' net charge above this share of their total charge is refused; below it, noted. */
const NET_CHARGE_REFUSED = 0.01;

export const conductivityAnalysis: Analysis<ConductivityConfig, ConductivityPrepared, ConductivityState, ConductivityResult, ConductivitySection> = {
  key: 'conductivity',
  title: 'ionic conductivity (Einstein–Helfand, Nernst–Einstein) and Onsager coefficients',
  standalone: false,
  needsTime: true,
  after: ['msd'],
  example: { msd: ['Na', 'FSI'], conductivity: true, temperature: '298' },
  options: [
    {
      key: 'conductivity',
      flag: '--conductivity',
      help: 'ionic conductivity of the charged --msd selections: σ (Einstein–Helfand and Nernst–Einstein), Haven ratio, Onsager L_ij and t⁺; needs --temperature; shares --max-memory with the MSD (past it, an order-n multiple-tau correlator whose memory does not grow with the run)',
      commands: ['analyze', 'batch'],
      boolean: true,
    },
    {
      key: 'temperature',
      flag: '--temperature <T>',
      help: 'temperature of the run, K (e.g. 298 or 353.15K), for --conductivity and --viscosity; a batch takes each run\'s "temperature"',
      commands: ['analyze', 'batch'],
      parse: parseTemperatureK,
    },
    {
      key: 'charges',
      flag: '--charges <list>',
      help: 'charges of the --msd ions, e.g. "Na=+1,FSI=-1" (default: the topology\'s charges, else the formal charges of known ions)',
      commands: ['analyze', 'batch'],
      parse: (text, name) => parseChargeList(text, name, (m) => new InputError(m)),
    },
    {
      key: 'conductivityBlocks',
      flag: '--conductivity-blocks <n>',
      help: 'blocks the run is cut into for the errors of σ_EH and L_ij (at least 2)',
      defaultText: String(DEFAULT_BLOCKS),
      commands: ['analyze', 'batch'],
      parse: (text, name) => {
        const n = Number(text);
        if (!Number.isInteger(n) || n < 2) throw new InputError(`${name}: expected a whole number of blocks, at least 2, not ${JSON.stringify(text)}`);
        return n;
      },
    },
  ],

  configure(o) {
    if (!o.get<boolean>('conductivity')) return null;
    const selections = o.get<string[]>('msd') ?? [];
    if (selections.length === 0) throw new InputError('--conductivity needs the ions as --msd selections, e.g. --msd Na --msd FSI');
    const temperatureK = o.get<number>('temperature');
    if (temperatureK === undefined) {
      throw new InputError('--conductivity needs the temperature of the run: --temperature T in K (e.g. --temperature 298); in a batch job file, each run\'s "temperature"');
    }
    const dims = o.get<string>('msdDims') ?? 'xyz';
    if (dims !== 'xyz') throw new InputError(`--conductivity uses the three-dimensional D of each ion; it cannot be combined with --msd-dims ${dims}`);
    const charges = o.get<[string, number][]>('charges') ?? [];
    const unknown = charges.filter(([s]) => !selections.includes(s));
    if (unknown.length > 0) {
      throw new InputError(`--charges names ${unknown.map(([s]) => JSON.stringify(s)).join(', ')}, which ${unknown.length === 1 ? 'is' : 'are'} not among the --msd selections (${selections.map((s) => JSON.stringify(s)).join(', ')})`);
    }
    const maxMemoryBytes = o.get<number>('maxMemory');
    return { selections, temperatureK, charges, blocks: o.get<number>('conductivityBlocks') ?? DEFAULT_BLOCKS, ...(maxMemoryBytes !== undefined ? { maxMemoryBytes } : {}) };
  },

  prepare(config, ctx) {
    if (ctx.dtUsedPs === null) throw new InputError(`${ctx.file}: the conductivity needs the time between frames; give --dt or --timestep`);
    if (!ctx.first.box) {
      throw new InputError(`${ctx.file}: the conductivity needs the cell volume, and this file has no cell; give --box "a b c" (Å)`);
    }
    const top = ctx.topology;
    const given = new Map(config.charges);
    const ions: IonSpecies[] = [];
    const notes: string[] = [];
    const unknown: { text: string; why: string }[] = [];
    let msdParticles = 0;
    config.selections.forEach((text, msdIndex) => {
      const sel = ctx.select(text);
      const def = particlesOf(sel, top, sel.kind === 'molecules' ? ctx.molecules() : null, ctx.first.box);
      msdParticles += def.count;
      const c = ionCharge(sel, def, top, ctx.molecules, given);
      if (c.kind === 'ion') ions.push({ selection: text, msdIndex, def, chargeE: c.chargeE, source: c.source });
      else if (c.kind === 'part') notes.push(`--msd ${JSON.stringify(text)} selects parts of molecules, not ions: left out of the conductivity`);
      else if (c.kind === 'conflict') throw new InputError(`${ctx.file}: --conductivity: --msd ${JSON.stringify(text)}: ${c.why}`);
      else if (c.kind === 'unknown') unknown.push({ text, why: c.why });
    });
    if (unknown.length > 0) {
      const which = unknown.map((u) => `--msd ${JSON.stringify(u.text)} (${u.why})`).join(' and ');
      throw new InputError(
        `${ctx.file}: --conductivity: the charge of ${which} is unknown; give it with --charges, e.g. --charges ${JSON.stringify(`${unknown[0].text}=-1`)} (0 for a neutral selection), ` +
          'or give the force field\'s charges with --topology (a LAMMPS data file) or a dump with a q column',
      );
    }
    if (ions.length === 0) throw new InputError(`${ctx.file}: --conductivity: none of the --msd selections is a charged ion (the cation and the anion, e.g. --msd Na --msd FSI)`);
    const net = ions.reduce((a, s) => a + s.chargeE * s.def.count, 0);
    const total = ions.reduce((a, s) => a + Math.abs(s.chargeE) * s.def.count, 0);
    const list = ions.map((s) => `${s.selection} ${signed(s.chargeE)} × ${s.def.count}`).join(', ');
    if (Math.abs(net) > NET_CHARGE_REFUSED * total) {
      throw new InputError(
        `${ctx.file}: --conductivity: the ions carry a net charge of ${signed(net)} e (${list}): their counter-ions are missing from the current; ` +
          'add them as --msd selections (e.g. --msd FSI), or correct their charges with --charges',
      );
    }
    if (Math.abs(net) > 1e-6 * Math.max(1, total)) notes.push(`the ions carry a net charge of ${signed(net)} e (${list}), under 1% of their total: rounded partial charges`);

    const masses = top.masses;
    const known = masses !== null && masses.every((m) => m > 0);
    if (!known) notes.push('some masses are unknown: the barycentric frame of the Onsager coefficients follows the mean of all atoms, unweighted');
    const w = known ? masses : new Float64Array(top.natoms).fill(1);
    const sum = w.reduce((a, b) => a + b, 0);
    const com: ParticleDef = {
      kind: 'atoms',
      count: 1,
      start: Int32Array.of(0, top.natoms),
      member: Int32Array.from({ length: top.natoms }, (_, i) => i),
      weight: Float64Array.from(w, (m) => m / sum),
      offset: new Float64Array(3 * top.natoms),
    };
    const budgetBytes = config.maxMemoryBytes ?? Math.floor(DEFAULT_MEMORY_FRACTION * msdMemory.machineBytes);
    const ionCount = ions.reduce((a, s) => a + s.def.count, 0);
    const exactFrames = exactFramesWithin(budgetBytes, msdParticles, ionCount);
    const strideFrames = ctx.dtPs !== null && ctx.dtPs > 0 ? Math.max(1, Math.round(ctx.dtUsedPs / ctx.dtPs)) : 1;
    return { dtPs: ctx.dtUsedPs, temperatureK: config.temperatureK, blocks: config.blocks, ions, com, notes, budgetBytes, exactFrames, strideFrames };
  },

  needsUnwrapped: () => true,

  create(p) {
    return {
      ions: p.ions.map((s) => [new MsdSeries(s.def.count)]),
      com: [new MsdSeries(1)],
      cell: emptyCellSums(),
      scratch: scratchOf(p),
      frames: 0,
      firstIndex: -1,
      bounded: null,
      sample: new Float64Array(sampleWidth(p)),
    };
  },

  add(p, st, { frame, unwrapped }) {
    const index = Math.floor(frame.index / p.strideFrames);
    for (let s = 0; s < p.ions.length; s++) particlePositions(p.ions[s].def, unwrapped!, st.scratch[s]);
    const c = st.scratch[p.ions.length];
    particlePositions(p.com, unwrapped!, c);
    addCell(st.cell, frame.box);
    if (st.frames === 0) st.firstIndex = index;
    st.frames++;
    if (st.bounded) {
      addBlocked(st.bounded, index, conductivitySample(st.scratch, st.sample), kernelOf(p));
      return;
    }
    for (let s = 0; s < p.ions.length; s++) {
      const chunks = st.ions[s];
      chunks[chunks.length - 1].add(st.scratch[s]);
    }
    st.com[st.com.length - 1].add(c);
    if (st.frames > p.exactFrames) {
      st.bounded = boundedOf(p, st);
      st.ions = p.ions.map(() => []);
      st.com = [];
    }
  },

  merge(p, a, b, join) {
    const frames = a.frames + b.frames;
    const firstIndex = a.frames > 0 ? a.firstIndex : b.firstIndex;
    if (!a.bounded && !b.bounded && frames <= p.exactFrames) {
      return {
        ions: a.ions.map((own, s) => [...own, ...b.ions[s].map((c) => continued(c, p.ions[s].def, join))]),
        com: [...a.com, ...b.com.map((c) => continued(c, p.com, join))],
        cell: addCellSums(a.cell, b.cell),
        scratch: a.scratch,
        frames,
        firstIndex,
        bounded: null,
        sample: a.sample,
      };
    }
    return {
      ions: p.ions.map(() => []),
      com: [],
      cell: addCellSums(a.cell, b.cell),
      scratch: a.scratch,
      frames,
      firstIndex,
      bounded: mergeBlocked(boundedOf(p, a), boundedOf(p, b), sampleShift(p, join), kernelOf(p)),
      sample: a.sample,
    };
  },

  encode(st): Wire {
    if (st.bounded) return { bounded: st.bounded, cell: { ...st.cell } };
    const wire = (chunks: MsdSeries[]): WireSeries => {
      const s = chunks.length === 1 ? chunks[0] : MsdSeries.concat(chunks);
      return { particles: s.particles, frames: s.frames, origin: s.origin, data: s.data.subarray(0, s.frames * 3 * s.particles) };
    };
    return { ions: st.ions.map(wire), com: wire(st.com), cell: { ...st.cell }, firstIndex: st.firstIndex };
  },

  decode(p, raw) {
    const w = raw as Wire;
    const common = { cell: { ...w.cell }, scratch: scratchOf(p), sample: new Float64Array(sampleWidth(p)) };
    if ('bounded' in w) return { ...common, ions: p.ions.map(() => []), com: [], frames: w.bounded.frames, firstIndex: w.bounded.firstIndex, bounded: w.bounded };
    const series = (x: WireSeries) => MsdSeries.of(x.particles, x.frames, x.origin, x.data);
    return { ...common, ions: w.ions.map((x) => [series(x)]), com: [series(w.com)], frames: w.com.frames, firstIndex: w.firstIndex ?? (w.com.frames > 0 ? 0 : -1), bounded: null };
  },

  async finish(p, st, env) {
    const msd = env.result<MsdResult[]>('msd');
    if (!msd) throw new Error('internal: the conductivity runs after the MSD');
    const volumeA3 = cellMean(st.cell).volumeA3;
    if (volumeA3 === null) throw new InputError(`${env.file}: the conductivity needs the cell volume, and some frames have no cell`);
    const notes = [...p.notes];

    // The fit window: the first cation's, within half a block. Its ends as lags in frames (the
    // MSD's own lag indices are frames only when it is not multiple-tau).
    const cation = p.ions.find((s) => s.chargeE > 0)!;
    if (p.ions.filter((s) => s.chargeE > 0).length > 1) notes.push(`the fit window is that of the first cation, ${cation.selection}`);
    const own = msd[cation.msdIndex].diffusion.window;
    const ownFrom = Math.round(own.fromPs / p.dtPs), ownTo = Math.round(own.toPs / p.dtPs);
    let r: OnsagerResult;
    try {
      r = st.bounded ? finishBounded(p, st.bounded, volumeA3, { from: ownFrom, to: ownTo, auto: own.auto }, cation.selection, notes, env.file) : finishExact(p, st, volumeA3, { from: ownFrom, to: ownTo, auto: own.auto }, cation.selection, notes, env.file);
    } catch (err) {
      if (err instanceof RangeError) throw new InputError(`${env.file}: ${err.message}`);
      throw err;
    }
    notes.push(...r.notes);

    const ds = p.ions.map((s) => msd[s.msdIndex].diffusion);
    const se = (x: number) => (Number.isFinite(x) && x > 0 ? x : null);
    const neSpecies = p.ions.map((s, k) => ({ ions: s.def.count, chargeE: s.chargeE, dA2PerPs: ds[k].dA2PerPs, stderrA2PerPs: se(ds[k].stderrA2PerPs) ?? NaN }));
    const ne = nernstEinstein(neSpecies, volumeA3, p.temperatureK);
    const sigmaNE: Ratio = { value: ne.value, stderr: se(ne.stderr) };
    const cations = p.ions.map((_, k) => k).filter((k) => p.ions[k].chargeE > 0);
    let tPlusNE: Ratio | null = null;
    if (cations.length === 1) {
      const k = cations[0];
      const w = neSpecies.map((s) => s.ions * s.chargeE * s.chargeE);
      const x = neSpecies.map((s, i) => w[i] * s.dA2PerPs);
      const total = x.reduce((a, b) => a + b, 0);
      const t = x[k] / total;
      // ∂t/∂D_i = w_i (δ_ik − t) / total.
      const v = neSpecies.reduce((a, s, i) => a + ((w[i] * ((i === k ? 1 : 0) - t)) / total) ** 2 * s.stderrA2PerPs ** 2, 0);
      tPlusNE = { value: t, stderr: se(Math.sqrt(v)) };
    }
    return {
      temperatureK: p.temperatureK,
      dtPs: p.dtPs,
      volumeA3,
      ions: p.ions.map((s) => ({ selection: s.selection, kind: s.def.kind, count: s.def.count, chargeE: s.chargeE, source: s.source })),
      window: r.window,
      onsager: r,
      sigmaNE,
      ionicity: { value: r.ionicity.value, stderr: se(r.ionicity.stderr) },
      haven: { value: r.haven.value, stderr: se(r.haven.stderr) },
      tPlusOnsager: cations.length === 1 ? r.transference[cations[0]] : null,
      tPlusNernstEinstein: tPlusNE,
      notes,
    };
  },

  document: {
    key: 'conductivity',
    toJson: sectionOf,
    read: readSection,
    text: conductivityText,
    html: conductivityHtml,
    csv: (c) => [{ name: 'conductivity.csv', text: conductivityCsv(c) }],
    plots: (c) => [
      { name: 'charge-msd', label: 'charge MSD', caption: 'MSD of the total charge displacement with the fit window (σ_EH from its slope)', spec: chargeMsdPlotSpec(c), csvs: ['conductivity.csv'] },
      { name: 'onsager', label: 'Onsager', caption: '⟨ΔR_i·ΔR_j⟩ of the ion species in the barycentric frame (L_ij from their slopes)', spec: onsagerPlotSpec(c), csvs: ['conductivity.csv'] },
    ],
    summary: (c) => [
      ...(['EH', 'NE'] as const).map((k) => {
        const value = k === 'EH' ? c.sigma_EH_mS_per_cm : c.sigma_NE_mS_per_cm;
        const stderr = k === 'EH' ? c.sigma_EH_stderr_mS_per_cm : c.sigma_NE_stderr_mS_per_cm;
        return { group: 'sigma', label: k, heading: `σ_${k} mS/cm`, unit: 'mS/cm', value, stderr, fit: true, csv: { [`sigma_${k} [mS/cm]`]: value, [`sigma_${k} stderr [mS/cm]`]: stderr } };
      }),
      { group: 'haven', label: '', heading: 'Haven', value: c.haven_ratio, stderr: c.haven_ratio_stderr },
      ...(c.t_plus_onsager !== null ? [{ group: 't_plus_onsager', label: '', heading: 't⁺ Onsager', value: c.t_plus_onsager, stderr: c.t_plus_onsager_stderr }] : []),
    ],
    notes: (c) => c.notes.map((n) => `conductivity: ${n}`),
  },
};

/** Bytes per particle and frame of the exact float64 series (the MSD's and the conductivity's alike). */
const EXACT_BYTES = 24;

/**
 * Frames the conductivity's exact series (ions and the COM) may hold within the budget, beside
 * the MSD's float64 series of `msdParticles` particles.
 */
export function exactFramesWithin(budgetBytes: number, msdParticles: number, ions: number): number {
  return Math.floor(budgetBytes / (EXACT_BYTES * (msdParticles + ions + 1)));
}

const scratchOf = (p: ConductivityPrepared) => [...p.ions.map((s) => new Float64Array(3 * s.def.count)), new Float64Array(3)];
const sampleWidth = (p: ConductivityPrepared) => conductivitySampleWidth(p.ions.map((s) => s.def.count));

const kernels = new WeakMap<ConductivityPrepared, PairKernel>();
/** The correlator's pair kernel for these ions (made once per prepared plan: it holds scratch). */
function kernelOf(p: ConductivityPrepared): PairKernel {
  let k = kernels.get(p);
  if (!k) {
    k = conductivityKernel(
      p.ions.map((s) => s.def.count),
      p.ions.map((s) => s.chargeE),
    );
    kernels.set(p, k);
  }
  return k;
}

const emptyCorrelator = (p: ConductivityPrepared) => emptyBlocked(sampleWidth(p), conductivityValues(p.ions.length));

/** A state's frames as the bounded correlator: its own, or its exact series replayed into a new one. */
function boundedOf(p: ConductivityPrepared, st: ConductivityState): BlockedMultiTau {
  if (st.bounded) return st.bounded;
  const mt = emptyCorrelator(p);
  const rows = scratchOf(p);
  const sample = new Float64Array(mt.width);
  const kernel = kernelOf(p);
  let index = st.firstIndex;
  // The species' chunks and the COM's cover the same ranges of frames, chunk for chunk.
  st.com.forEach((com, c) => {
    const parts = [...st.ions.map((chunks) => chunks[c]), com];
    for (let t = 0; t < com.frames; t++) {
      parts.forEach((part, s) => {
        const w = 3 * part.particles;
        for (let j = 0; j < w; j++) rows[s][j] = part.origin[j] + part.data[t * w + j];
      });
      addBlocked(mt, index++, conductivitySample(rows, sample), kernel);
    }
  });
  return mt;
}

/** How a later range's samples continue an earlier one's: each ion's shift less the COM's (barycentric), then the COM's. */
function sampleShift(p: ConductivityPrepared, join: Join): Float64Array | null {
  const com = particleShift(p.com, join);
  const ions = p.ions.map((s) => particleShift(s.def, join));
  if (!com && ions.every((x) => !x)) return null;
  const out = new Float64Array(sampleWidth(p));
  let o = 0;
  p.ions.forEach((s, k) => {
    for (let j = 0; j < 3 * s.def.count; j++) out[o++] = (ions[k]?.[j] ?? 0) - (com?.[j % 3] ?? 0);
  });
  for (let d = 0; d < 3; d++) out[o + d] = com?.[d] ?? 0;
  return out;
}

interface OwnWindow {
  /** Lags in frames. */
  from: number;
  to: number;
  auto: boolean;
}

const speciesOf = (p: ConductivityPrepared) => p.ions.map((s) => ({ name: s.selection, chargeE: s.chargeE, ions: s.def.count }));

/** σ_EH, L_ij and their block errors from every ion's exact series (all time origins, FFT). */
function finishExact(p: ConductivityPrepared, st: ConductivityState, volumeA3: number, own: OwnWindow, cationName: string, notes: string[], file: string): OnsagerResult {
  const ions = st.ions.map((chunks) => MsdSeries.concat(chunks));
  const com = MsdSeries.concat(st.com);
  const frames = com.frames;
  let blocks = p.blocks;
  const lastLag = (m: number) => Math.floor((Math.floor(frames / m) - 1) * MAX_LAG_FRACTION);
  while (blocks > 2 && lastLag(blocks) - own.from < 1) blocks--;
  if (lastLag(blocks) - own.from < 1) {
    throw new InputError(
      `${file}: the conductivity's fit window starts at ${f(own.from * p.dtPs, 4)} ps (the ${cationName} window), but even 2 blocks of this run hold lags only up to ${f(Math.max(0, lastLag(2)) * p.dtPs, 4)} ps; ` +
        'give an earlier window with --fit, or a longer run',
    );
  }
  if (blocks < p.blocks) notes.push(`the errors come from ${blocks} blocks, not ${p.blocks}: more would leave the fit window fewer than two lags in the first half of each block`);
  const to = Math.min(own.to, lastLag(blocks));
  if (to < own.to) {
    notes.push(
      `the fit window is the ${cationName} MSD's (${f(own.from * p.dtPs, 4)}–${f(own.to * p.dtPs, 4)} ps) ended at ${f(to * p.dtPs, 4)} ps, half of one of the ${blocks} blocks the errors come from`,
    );
  }
  const window: FitWindow = { from: own.from, to, fromPs: own.from * p.dtPs, toPs: to * p.dtPs, auto: own.auto };
  const species = p.ions.map((s, k) => ({ name: s.selection, chargeE: s.chargeE, ions: s.def.count, seriesA: ions[k].data }));
  const collective = collectiveSeries(
    ions.map((x) => x.data),
    p.ions.map((s) => s.def.count),
    com.data,
    frames,
  );
  return onsager({ species, collective, dtPs: p.dtPs, volumeA3, temperatureK: p.temperatureK }, { window, blocks });
}

/** The same from the bounded correlator, over the lags it holds in the window. */
function finishBounded(p: ConductivityPrepared, mt: BlockedMultiTau, volumeA3: number, own: OwnWindow, cationName: string, notes: string[], file: string): OnsagerResult {
  const lags = blockedLags(mt);
  const windowFor = (m: number) => {
    const last = boundedLastLag(mt, m);
    return last === null ? null : { window: boundedWindow(lags, own.from, Math.min(own.to, last), p.dtPs, own.auto), last };
  };
  let blocks = p.blocks;
  while (blocks > 2 && !windowFor(blocks)?.window) blocks--;
  const fit = windowFor(blocks);
  if (!fit?.window) {
    throw new InputError(
      `${file}: the conductivity's fit window starts at ${f(own.from * p.dtPs, 4)} ps (the ${cationName} window), but even 2 blocks of this run hold fewer than two of its multiple-tau lags from there ` +
        `(up to ${f(Math.max(0, fit?.last ?? 0) * p.dtPs, 4)} ps); give an earlier window with --fit, or a longer run`,
    );
  }
  if (blocks < p.blocks) {
    notes.push(
      `the errors come from ${blocks} blocks, not ${p.blocks}: more would leave the fit window fewer than two lags in the first half of each block, or outnumber the whole sub-blocks of ${mt.subFrames} frames they are made of`,
    );
  }
  if (fit.last < own.to) {
    notes.push(
      `the fit window is the ${cationName} MSD's (${f(own.from * p.dtPs, 4)}–${f(own.to * p.dtPs, 4)} ps) ended at ${f(fit.window.toPs, 4)} ps, within half of one of the ${blocks} blocks the errors come from`,
    );
  }
  const layout = blockedBlocks(mt, blocks)!;
  const ions = p.ions.reduce((a, s) => a + s.def.count, 0);
  const usedFrames = layout.blockFrames * blocks;
  notes.unshift(
    `every ion's series over ${mt.frames} frames would need ${mb(EXACT_BYTES * (ions + 1) * mt.frames)} MB, more than --max-memory ${mb(p.budgetBytes)} MB leaves beside the MSD's series: ` +
      `σ_EH, the Onsager coefficients and their errors come from an order-n multiple-tau correlator of every ion and the centre of mass (Dubbeldam et al. 2009; ${mb(blockedBytes(mt))} MB), ` +
      `exact at lags up to ${mt.points - 1} frames, time origins every 2^k frames at lags of ${mt.points / 2}·2^k frames and more; ` +
      `the ${blocks} blocks are ${layout.blockFrames / mt.subFrames} sub-blocks of ${mt.subFrames} frames each (${usedFrames} of the ${mt.frames} frames)`,
  );
  return onsagerBounded({ species: speciesOf(p), correlator: mt, dtPs: p.dtPs, volumeA3, temperatureK: p.temperatureK }, { window: fit.window, blocks });
}

const mb = (bytes: number) => (bytes / 1e6).toPrecision(3);

/** `--temperature 298`, `298K`, `353.15 K`. */
export function parseTemperatureK(text: string, name: string): number {
  const bare = text.trim().replace(/\s*K$/, '');
  const t = bare === '' ? NaN : Number(bare);
  if (!(t > 0) || !Number.isFinite(t)) throw new InputError(`${name}: expected a temperature in K, e.g. 298 or 353.15K, not ${JSON.stringify(text)}`);
  return t;
}

const signed = (z: number) => `${z > 0 ? '+' : z < 0 ? '−' : ''}${Number(Math.abs(z).toPrecision(6))}`;

/** a / b with first-order error propagation, a and b independent. */
const finite = (x: number) => (Number.isFinite(x) ? x : null);
const pairKey = (a: string, b: string) => `${a},${b}`;

function sectionOf(c: ConductivityResult): ConductivitySection {
  const r = c.onsager;
  const names = c.ions.map((i) => i.selection);
  const l: Record<string, number> = {}, ls: Record<string, number> = {};
  const self: Record<string, number> = {}, selfS: Record<string, number> = {};
  const distinct: Record<string, number> = {}, distinctS: Record<string, number> = {};
  const curves: Record<string, number[]> = {};
  for (let i = 0; i < names.length; i++) {
    for (let j = i; j < names.length; j++) {
      const k = pairKey(names[i], names[j]);
      l[k] = r.l[i][j].total.value;
      ls[k] = r.l[i][j].total.stderr;
      distinct[k] = r.l[i][j].distinct.value;
      distinctS[k] = r.l[i][j].distinct.stderr;
      curves[k] = Array.from(r.curves.pairA2[i][j]);
    }
    const k = pairKey(names[i], names[i]);
    self[k] = r.l[i][i].self!.value;
    selfS[k] = r.l[i][i].self!.stderr;
  }
  return {
    temperature_K: c.temperatureK,
    volume_A3: c.volumeA3,
    ions: c.ions.map((i) => ({ selection: i.selection, charge: i.chargeE, count: i.count, charge_source: i.source, kind: i.kind })),
    fit: { from_ps: c.window.fromPs, to_ps: c.window.toPs, auto: c.window.auto },
    sigma_NE_mS_per_cm: c.sigmaNE.value,
    sigma_NE_stderr_mS_per_cm: c.sigmaNE.stderr,
    sigma_EH_mS_per_cm: r.sigmaEH.value,
    sigma_EH_stderr_mS_per_cm: finite(r.sigmaEH.stderr),
    haven_ratio: finite(c.haven.value),
    haven_ratio_stderr: c.haven.stderr,
    ionicity: finite(c.ionicity.value),
    ionicity_stderr: c.ionicity.stderr,
    onsager_mS_per_cm: l,
    onsager_stderr_mS_per_cm: ls,
    onsager_self_mS_per_cm: self,
    onsager_self_stderr_mS_per_cm: selfS,
    onsager_distinct_mS_per_cm: distinct,
    onsager_distinct_stderr_mS_per_cm: distinctS,
    sigma_onsager_mS_per_cm: r.sigmaOnsager.value,
    sigma_onsager_stderr_mS_per_cm: r.sigmaOnsager.stderr,
    transference_onsager: Object.fromEntries(names.map((n, i) => [n, { value: r.transference[i].value, stderr: r.transference[i].stderr }])),
    t_plus_onsager: c.tPlusOnsager ? finite(c.tPlusOnsager.value) : null,
    t_plus_onsager_stderr: c.tPlusOnsager ? finite(c.tPlusOnsager.stderr) : null,
    t_plus_nernst_einstein: c.tPlusNernstEinstein ? finite(c.tPlusNernstEinstein.value) : null,
    t_plus_nernst_einstein_stderr: c.tPlusNernstEinstein?.stderr ?? null,
    error: { method: ONSAGER_STDERR_METHOD, blocks: r.error.blocks, dof: r.error.dof, block_ps: (r.error.blockFrames - 1) * c.dtPs, variance_scale: r.error.varianceScale },
    lag_ps: Array.from(r.curves.lagPs),
    charge_msd_e2A2: Array.from(r.curves.chargeE2A2),
    onsager_msd_A2: curves,
    self_msd_A2: Object.fromEntries(names.map((n, i) => [n, Array.from(r.curves.selfA2[i])])),
    method: METHOD,
    notes: c.notes,
  };
}

/** A map of numbers (null read as NaN: JSON's stand-in for a number it cannot hold). */
function numberMap(o: Json, key: string, where: string): Record<string, number> {
  const m = object(o[key], `${where}.${key}`);
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(m)) {
    if (typeof v !== 'number' && v !== null) fail(`${where}.${key}.${k}`, 'expected a number');
    out[k] = v === null ? NaN : (v as number);
  }
  return out;
}

function readSection(raw: unknown, where: string): ConductivitySection {
  const c = object(raw, where);
  const fit = object(c.fit, `${where}.fit`);
  const err = object(c.error, `${where}.error`);
  const ew = `${where}.error`;
  const curves = (key: string) => {
    const m = object(c[key], `${where}.${key}`);
    return Object.fromEntries(Object.keys(m).map((k) => [k, nums(m, k, `${where}.${key}`)]));
  };
  const tr = object(c.transference_onsager, `${where}.transference_onsager`);
  const section: ConductivitySection = {
    temperature_K: num(c, 'temperature_K', where),
    volume_A3: num(c, 'volume_A3', where),
    ions: array(c.ions, `${where}.ions`).map((x, k) => {
      const w = `${where}.ions[${k}]`;
      const i = object(x, w);
      const source = str(i, 'charge_source', w);
      if (source !== 'topology' && source !== '--charges' && source !== 'formal') fail(`${w}.charge_source`, `expected "topology", "--charges" or "formal", not ${JSON.stringify(source)}`);
      const kind = str(i, 'kind', w);
      if (kind !== 'atoms' && kind !== 'molecules') fail(`${w}.kind`, `expected "atoms" or "molecules", not ${JSON.stringify(kind)}`);
      return { selection: str(i, 'selection', w), charge: num(i, 'charge', w), count: num(i, 'count', w), charge_source: source as ChargeSource, kind: kind as 'atoms' | 'molecules' };
    }),
    fit: { from_ps: num(fit, 'from_ps', `${where}.fit`), to_ps: num(fit, 'to_ps', `${where}.fit`), auto: bool(fit, 'auto', `${where}.fit`) },
    sigma_NE_mS_per_cm: num(c, 'sigma_NE_mS_per_cm', where),
    sigma_NE_stderr_mS_per_cm: numOrNull(c, 'sigma_NE_stderr_mS_per_cm', where),
    sigma_EH_mS_per_cm: num(c, 'sigma_EH_mS_per_cm', where),
    sigma_EH_stderr_mS_per_cm: numOrNull(c, 'sigma_EH_stderr_mS_per_cm', where),
    haven_ratio: numOrNull(c, 'haven_ratio', where),
    haven_ratio_stderr: numOrNull(c, 'haven_ratio_stderr', where),
    ionicity: numOrNull(c, 'ionicity', where),
    ionicity_stderr: numOrNull(c, 'ionicity_stderr', where),
    onsager_mS_per_cm: numberMap(c, 'onsager_mS_per_cm', where),
    onsager_stderr_mS_per_cm: numberMap(c, 'onsager_stderr_mS_per_cm', where),
    onsager_self_mS_per_cm: numberMap(c, 'onsager_self_mS_per_cm', where),
    onsager_self_stderr_mS_per_cm: numberMap(c, 'onsager_self_stderr_mS_per_cm', where),
    onsager_distinct_mS_per_cm: numberMap(c, 'onsager_distinct_mS_per_cm', where),
    onsager_distinct_stderr_mS_per_cm: numberMap(c, 'onsager_distinct_stderr_mS_per_cm', where),
    sigma_onsager_mS_per_cm: num(c, 'sigma_onsager_mS_per_cm', where),
    sigma_onsager_stderr_mS_per_cm: num(c, 'sigma_onsager_stderr_mS_per_cm', where),
    transference_onsager: Object.fromEntries(
      Object.keys(tr).map((k) => {
        const t = object(tr[k], `${where}.transference_onsager.${k}`);
        return [k, { value: num(t, 'value', `${where}.transference_onsager.${k}`), stderr: num(t, 'stderr', `${where}.transference_onsager.${k}`) }];
      }),
    ),
    t_plus_onsager: numOrNull(c, 't_plus_onsager', where),
    t_plus_onsager_stderr: numOrNull(c, 't_plus_onsager_stderr', where),
    t_plus_nernst_einstein: numOrNull(c, 't_plus_nernst_einstein', where),
    t_plus_nernst_einstein_stderr: numOrNull(c, 't_plus_nernst_einstein_stderr', where),
    error: { method: str(err, 'method', ew), blocks: num(err, 'blocks', ew), dof: num(err, 'dof', ew), block_ps: num(err, 'block_ps', ew), variance_scale: num(err, 'variance_scale', ew) },
    lag_ps: nums(c, 'lag_ps', where),
    charge_msd_e2A2: nums(c, 'charge_msd_e2A2', where),
    onsager_msd_A2: curves('onsager_msd_A2'),
    self_msd_A2: curves('self_msd_A2'),
    method: str(c, 'method', where),
    notes: strs(c, 'notes', where),
  };
  if (section.charge_msd_e2A2.length !== section.lag_ps.length) fail(`${where}.charge_msd_e2A2`, `holds ${section.charge_msd_e2A2.length} values for ${section.lag_ps.length} lags`);
  return section;
}

/** The pairs of ion species in the order the section lists them: (i, j ≥ i). */
function pairs(c: ConductivitySection): { key: string; self: boolean }[] {
  const names = c.ions.map((i) => i.selection);
  const out: { key: string; self: boolean }[] = [];
  for (let i = 0; i < names.length; i++) for (let j = i; j < names.length; j++) out.push({ key: pairKey(names[i], names[j]), self: i === j });
  return out;
}

const pm = (x: number | null, s: number | null) => (x === null || !Number.isFinite(x) ? '—' : withError(x, s !== null && Number.isFinite(s) ? s : null));

function conductivityText(c: ConductivitySection): string[] {
  const ions = c.ions.map((i) => `${i.selection} ${signed(i.charge)} × ${i.count} (${i.charge_source === 'topology' ? 'topology charges' : i.charge_source === 'formal' ? 'formal charge' : '--charges'})`).join(', ');
  const lines = ['', `Ionic conductivity at ${f(c.temperature_K, 6)} K, mean cell volume ${f(c.volume_A3, 6)} Å³; ions ${ions}`];
  const ne = `${pm(c.sigma_NE_mS_per_cm, c.sigma_NE_stderr_mS_per_cm)} mS/cm`, eh = `${pm(c.sigma_EH_mS_per_cm, c.sigma_EH_stderr_mS_per_cm)} mS/cm`;
  const w = Math.max(ne.length, eh.length);
  lines.push(`  σ_NE = ${ne.padEnd(w)}   Nernst–Einstein, from the D above`);
  lines.push(`  σ_EH = ${eh.padEnd(w)}   Einstein–Helfand, slope of the charge MSD over ${f(c.fit.from_ps, 4)}–${f(c.fit.to_ps, 4)} ps${c.fit.auto ? ' (auto)' : ''}`);
  lines.push(`  ionicity σ_EH/σ_NE = ${pm(c.ionicity, c.ionicity_stderr)}; Haven ratio σ_NE/σ_EH = ${pm(c.haven_ratio, c.haven_ratio_stderr)} (σ_NE there: the self parts over σ_EH's window)`);
  const rows = pairs(c).map(({ key, self }) => [
    key,
    pm(c.onsager_mS_per_cm[key], c.onsager_stderr_mS_per_cm[key]),
    self ? pm(c.onsager_self_mS_per_cm[key], c.onsager_self_stderr_mS_per_cm[key]) : '—',
    pm(c.onsager_distinct_mS_per_cm[key], c.onsager_distinct_stderr_mS_per_cm[key]),
  ]);
  const head = ['e²L_ij (mS/cm)', 'total', 'self', 'distinct'];
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k].length)));
  const line = (cells: string[]) => '  ' + cells.map((x, k) => x.padEnd(widths[k])).join('   ').trimEnd();
  lines.push(line(head), ...rows.map(line));
  const tOn = c.t_plus_onsager !== null ? `t⁺ (Onsager) = ${pm(c.t_plus_onsager, c.t_plus_onsager_stderr)}` : 't⁺ (Onsager): not defined for more than one cation species';
  const tNE = c.t_plus_nernst_einstein !== null ? `; t⁺ (Nernst–Einstein, N z² D) = ${pm(c.t_plus_nernst_einstein, c.t_plus_nernst_einstein_stderr)}` : '';
  lines.push(`  ${tOn}${tNE}`);
  lines.push(
    `  ± is one standard error: σ_NE from the errors of D; σ_EH, L_ij and t⁺ (Onsager) from ${c.error.blocks} blocks of ${f(c.error.block_ps, 4)} ps (${c.error.dof} degrees of freedom: ±1 holds the truth in ${Math.round(100 * withinOneError(c.error.dof))}% of runs); ratios by propagation`,
  );
  for (const n of c.notes) lines.push(`  note: ${n}`);
  return lines;
}

/** P(|t| ≤ 1) for Student's t with `dof` degrees of freedom (scipy.stats.t), 0.683 in the limit. */
const WITHIN_ONE = [0.5, 0.577, 0.609, 0.626, 0.637, 0.644, 0.649, 0.653, 0.657, 0.659, 0.661, 0.663, 0.664, 0.666, 0.667, 0.668, 0.669, 0.669, 0.67, 0.671];
function withinOneError(dof: number): number {
  return dof >= 1 && dof <= WITHIN_ONE.length ? WITHIN_ONE[dof - 1] : 0.683;
}

function conductivityHtml(c: ConductivitySection): string {
  const ions = c.ions.map((i) => `<tr><td>${e(i.selection)}</td><td>${i.count} ${i.kind}</td><td>${e(signed(i.charge))}</td><td>${e(i.charge_source)}</td></tr>`).join('\n');
  const rows = pairs(c)
    .map(({ key, self }) => `<tr><td>${e(key)}</td><td>${pm(c.onsager_mS_per_cm[key], c.onsager_stderr_mS_per_cm[key])}</td><td>${self ? pm(c.onsager_self_mS_per_cm[key], c.onsager_self_stderr_mS_per_cm[key]) : '—'}</td><td>${pm(c.onsager_distinct_mS_per_cm[key], c.onsager_distinct_stderr_mS_per_cm[key])}</td></tr>`)
    .join('\n');
  return `<h2>Ionic conductivity</h2>
<p>T = ${f(c.temperature_K, 6)} K, mean cell volume ${f(c.volume_A3, 6)} Å³, fit window ${f(c.fit.from_ps, 4)}–${f(c.fit.to_ps, 4)} ps${c.fit.auto ? ' (auto)' : ''}.</p>
<table><tr><th>ion</th><th>count</th><th>charge (e)</th><th>charge from</th></tr>
${ions}</table>
<table><tr><th>quantity</th><th>value</th></tr>
<tr><td>σ_NE (Nernst–Einstein), mS/cm</td><td>${pm(c.sigma_NE_mS_per_cm, c.sigma_NE_stderr_mS_per_cm)}</td></tr>
<tr><td>σ_EH (Einstein–Helfand), mS/cm</td><td>${pm(c.sigma_EH_mS_per_cm, c.sigma_EH_stderr_mS_per_cm)}</td></tr>
<tr><td>ionicity σ_EH/σ_NE</td><td>${pm(c.ionicity, c.ionicity_stderr)}</td></tr>
<tr><td>Haven ratio σ_NE/σ_EH</td><td>${pm(c.haven_ratio, c.haven_ratio_stderr)}</td></tr>
<tr><td>t⁺ (Onsager)</td><td>${c.t_plus_onsager !== null ? pm(c.t_plus_onsager, c.t_plus_onsager_stderr) : '—'}</td></tr>
<tr><td>t⁺ (Nernst–Einstein)</td><td>${c.t_plus_nernst_einstein !== null ? pm(c.t_plus_nernst_einstein, c.t_plus_nernst_einstein_stderr) : '—'}</td></tr>
</table>
<table><tr><th>e²L_ij, mS/cm</th><th>total</th><th>self</th><th>distinct</th></tr>
${rows}</table>
<p>± is one standard error: σ_NE from the errors of D; σ_EH, L_ij and t⁺ (Onsager) by ${e(c.error.method)} (${c.error.blocks} blocks, ${c.error.dof} degrees of freedom). ${e(c.method)}.</p>`;
}

/** One row per lag: the charge MSD, each pair's ⟨ΔR_i·ΔR_j⟩ and each species' self sum. */
function conductivityCsv(c: ConductivitySection): string {
  const pairKeys = Object.keys(c.onsager_msd_A2);
  const selfKeys = Object.keys(c.self_msd_A2);
  const head = ['lag_ps', 'charge_msd_e2A2', ...pairKeys.map((k) => `cross_${k.split(',').map(slug).join('_')}_A2`), ...selfKeys.map((k) => `self_${slug(k)}_A2`)];
  const rows = [head.join(',')];
  for (let m = 0; m < c.lag_ps.length; m++) {
    rows.push([c.lag_ps[m], c.charge_msd_e2A2[m], ...pairKeys.map((k) => c.onsager_msd_A2[k][m]), ...selfKeys.map((k) => c.self_msd_A2[k][m])].join(','));
  }
  return rows.join('\n') + '\n';
}

/** Whether the lags are every frame's (all time origins), not a multiple-tau correlator's. */
function evenLags(c: ConductivitySection): boolean {
  const n = c.lag_ps.length;
  if (n < 3) return true;
  const dt = c.lag_ps[1] - c.lag_ps[0];
  return Math.abs(c.lag_ps[n - 1] - (n - 1) * dt) <= 1e-9 * c.lag_ps[n - 1];
}

/** Lags up to half the run (half the longest lag of a multiple-tau correlator), at most ~300 evenly spaced. */
function shownLags(c: ConductivitySection): number[] {
  if (!evenLags(c)) {
    const half = c.lag_ps[c.lag_ps.length - 1] * MAX_LAG_FRACTION;
    return c.lag_ps.flatMap((t, m) => (t <= half ? [m] : []));
  }
  const last = Math.max(1, Math.floor((c.lag_ps.length - 1) * MAX_LAG_FRACTION));
  const step = Math.max(1, Math.ceil(last / 300));
  const out: number[] = [];
  for (let m = 0; m <= last; m += step) out.push(m);
  return out;
}

function windowIndices(c: ConductivitySection): [number, number] {
  if (!evenLags(c)) {
    const nearest = (t: number) => c.lag_ps.reduce((best, x, i) => (Math.abs(x - t) < Math.abs(c.lag_ps[best] - t) ? i : best), 0);
    return [nearest(c.fit.from_ps), nearest(c.fit.to_ps)];
  }
  const dt = c.lag_ps.length > 1 ? c.lag_ps[1] - c.lag_ps[0] : 1;
  return [Math.round(c.fit.from_ps / dt), Math.round(c.fit.to_ps / dt)];
}

/** The charge MSD against lag with the fit window shaded and the fitted line dashed. */
function chargeMsdPlotSpec(c: ConductivitySection): TopLevelSpec {
  const curve = shownLags(c).map((m) => ({ lag_ps: c.lag_ps[m], msd: c.charge_msd_e2A2[m] }));
  const [from, to] = windowIndices(c);
  const fit = linearFit(c.lag_ps, c.charge_msd_e2A2, from, to);
  const line = [c.fit.from_ps, c.fit.to_ps].map((t) => ({ lag_ps: t, msd: fit.slope * t + fit.intercept }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Charge MSD ⟨|Σ z_i Δr_i(t)|²⟩', subtitle: `shaded: fit window; dashed: fitted line; σ_EH = ${pm(c.sigma_EH_mS_per_cm, c.sigma_EH_stderr_mS_per_cm)} mS/cm` },
    width: 480,
    height: 320,
    layer: [
      { data: { values: [{ from_ps: c.fit.from_ps, to_ps: c.fit.to_ps }] }, mark: { type: 'rect', opacity: 0.1, color: '#1f77b4' }, encoding: { x: { field: 'from_ps', type: 'quantitative' }, x2: { field: 'to_ps' } } },
      {
        data: { values: curve },
        mark: { type: 'line', strokeWidth: 2 },
        encoding: { x: { field: 'lag_ps', type: 'quantitative', title: 'lag time t (ps)' }, y: { field: 'msd', type: 'quantitative', title: 'charge MSD (e²·Å²)' } },
      },
      { data: { values: line }, mark: { type: 'line', strokeDash: [6, 4], strokeWidth: 1.5, color: 'black' }, encoding: { x: { field: 'lag_ps', type: 'quantitative' }, y: { field: 'msd', type: 'quantitative' } } },
    ],
  } as TopLevelSpec;
}

/** ⟨ΔR_i·ΔR_j⟩ of every pair of ion species, with the fit window shaded. */
function onsagerPlotSpec(c: ConductivitySection): TopLevelSpec {
  const values: Json[] = [];
  const keys = Object.keys(c.onsager_msd_A2);
  for (const m of shownLags(c)) for (const k of keys) values.push({ pair: k, lag_ps: c.lag_ps[m], value: c.onsager_msd_A2[k][m] });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Onsager correlations ⟨ΔR_i·ΔR_j⟩ (barycentric)', subtitle: 'shaded: fit window; e²L_ij = e²/(6 V k_B T) × slope' },
    width: 480,
    height: 320,
    layer: [
      { data: { values: [{ from_ps: c.fit.from_ps, to_ps: c.fit.to_ps }] }, mark: { type: 'rect', opacity: 0.08, color: 'gray' }, encoding: { x: { field: 'from_ps', type: 'quantitative' }, x2: { field: 'to_ps' } } },
      {
        data: { values },
        mark: { type: 'line', strokeWidth: 2 },
        encoding: {
          x: { field: 'lag_ps', type: 'quantitative', title: 'lag time t (ps)' },
          y: { field: 'value', type: 'quantitative', title: '⟨ΔR_i·ΔR_j⟩ (Å²)' },
          color: { field: 'pair', type: 'nominal', title: 'i,j', scale: selectionColors(keys) },
        },
      },
    ],
  } as TopLevelSpec;
}

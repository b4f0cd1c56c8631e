import { collectiveMsd, selfMsdSums, type CollectiveMsd } from './charge-msd.js';
import { conductivityMsPerCm } from './conductivity-units.js';
import { diffusion, linearFit, MAX_LAG_FRACTION, windowFromTimes, type Diffusion, type FitWindow } from './diffusion.js';
import { msdCurve, type MsdSeries, type MsdSums } from './msd.js';

/**
 * Ionic conductivity and Onsager transport coefficients from the MSDs of ion displacements.
 *
 * Ions: species s has N_s ions of charge z_s (e); a molecular ion moves as its centre of mass.
 * V is the cell volume, T the temperature, e the elementary charge; ⟨…⟩ averages over every
 * time origin of the run, Δx(t) = x(t₀ + t) − x(t₀).
 *
 * - Nernst–Einstein: σ_NE = e²/(V k_B T) · Σ_s N_s z_s² D_s, ions moving independently. Here
 *   D_s = slope(⟨|Δr̃_α|²⟩)/6 from the same barycentric self MSD as the self part below, fitted
 *   over the same window, so σ_NE is exactly the self part of σ.
 * - Einstein–Helfand: σ_EH = e²/(6 V k_B T) · d/dt ⟨|Σ_i z_i Δr_i(t)|²⟩, the all-origin MSD
 *   (FFT) of the total charge displacement, slope over the fit window.
 * - Onsager coefficients in the barycentric frame (each ion's displacement minus the whole
 *   system's centre-of-mass displacement): L_ij = 1/(6 V k_B T) · d/dt ⟨ΔR̃_i(t)·ΔR̃_j(t)⟩ with
 *   R̃_i = Σ_{α∈i} r̃_α over the ions of species i; cross terms by polarisation (charge-msd.ts
 *   says why). Reported as e²·L_ij in mS/cm, L_ii split into its self part (Σ over each ion
 *   with itself, 1/(6 V k_B T) · d/dt Σ_{α∈i} ⟨|Δr̃_α|²⟩) and the distinct rest; L_ij for i ≠ j
 *   is all distinct.
 * - σ = e² Σ_ij z_i z_j L_ij; for an electroneutral set of ions it equals σ_EH to rounding (the
 *   charge displacement does not see the COM), otherwise the two differ by the COM's share.
 * - Transference number of species i (Onsager): t_i = Σ_j z_i z_j L_ij / Σ_jk z_j z_k L_jk; for
 *   a binary salt t⁺ = (z₊² L₊₊ + z₊ z₋ L₊₋) / Σ_ij z_i z_j L_ij.
 * - Ionicity σ_EH/σ_NE and Haven ratio H = σ_NE/σ_EH.
 *
 * ## Uncertainty: blocks
 *
 * A collective MSD has one sample per time origin of one system, so the Brownian covariance
 * that gives D its error (N independent particles) does not apply. The run is split into M
 * consecutive blocks (default 5); every slope above is computed in each block over the same
 * window (lags within the first half of a block, the rule the MSD fit follows for a whole run);
 * the blocks' slopes are independent samples, and their covariance / M estimates the
 * covariance of the whole run's slopes. Every reported number is the whole run's, and its
 * standard error comes from that covariance: linear combinations (L_ij, σ, σ_EH, σ_NE) exactly,
 * ratios (t_i, ionicity, Haven ratio) by first-order propagation — which keeps the
 * correlations between numerator and denominator (σ_NE and σ_EH share the self terms).
 *
 * The whole run's MSD averages over more origins than the M blocks together (origins whose
 * window straddles a block boundary), so cov/M overstates its variance by the ratio of
 * Var(block slope)/M to Var(run slope). For a random walk — any pair of collective coordinates
 * with independent Gaussian increments — that ratio depends only on the lags and the two
 * lengths, not on D, and the covariance is scaled by it (`varianceScale` ≤ 1: ~0.94 for a
 * window a tenth of a block long, ~0.72 for one reaching half a block; walkSlopeVariance).
 *
 * With M − 1 degrees of freedom the error is itself uncertain: ±1 standard error holds the
 * true value in P(|t_{M−1}| ≤ 1) of runs — 62.6% for M = 5, 65.7% for M = 10, against 68% for
 * a known error — and the tails are wide (±3 holds only 96% for M = 5). Measured on 3000
 * synthetic runs of independent walkers (test/analysis/onsager.test.ts): σ_EH within ±1 in
 * 62.9% (M = 5) and 64.0% (M = 10). Quote dof with the error.
 *
 * Past the memory budget the same estimates come from a multiple-tau correlator whose sums are
 * kept by sub-block (onsager-bounded.ts): onsagerFromSlopes below is shared by both paths.
 *
 * kinisi (MSCDBootstrap) takes another route: the variance of the squared charge displacement
 * over (roughly) independent origins at each lag, a modelled covariance between lags and a
 * generalised least-squares fit. Blocks need no model of that covariance, and carry the
 * correlations between all the slopes to the ratios for free.
 */
export interface IonSpecies {
  name: string;
  chargeE: number;
  ions: number;
  /** Unwrapped ion positions (centres of mass of molecular ions) or displacements, frames × ions × 3, Å. */
  seriesA: Float64Array;
}

export interface OnsagerInput {
  species: IonSpecies[];
  /** The collective state: species sums then the COM (charge-msd.ts `collectiveSeries`). */
  collective: MsdSeries;
  dtPs: number;
  volumeA3: number;
  temperatureK: number;
}

export interface OnsagerOptions {
  /** Fit window: lag indices (`FitWindow` from diffusion.ts) or times in ps, snapped to lags. */
  window: FitWindow | { fromPs: number; toPs: number };
  /** Blocks for the standard errors (default 5; at least 2). */
  blocks?: number;
}

export interface Estimate {
  value: number;
  /** One standard error (blocks, with `dof` degrees of freedom). */
  stderr: number;
}

export interface OnsagerCoefficient {
  /** e²·L_ij, mS/cm. */
  total: Estimate;
  /** Self part (i = j only), mS/cm. */
  self: Estimate | null;
  /** Distinct part: total − self (i = j) or total (i ≠ j), mS/cm. */
  distinct: Estimate;
}

export interface OnsagerResult {
  window: FitWindow;
  species: { name: string; chargeE: number; ions: number; diffusion: Diffusion }[];
  /** l[i][j] = l[j][i], mS/cm. */
  l: OnsagerCoefficient[][];
  /** Einstein–Helfand, mS/cm. */
  sigmaEH: Estimate;
  /** e² Σ_ij z_i z_j L_ij, mS/cm. */
  sigmaOnsager: Estimate;
  /** Nernst–Einstein, mS/cm; `stderrBrownian` propagates the D's Brownian-covariance errors (species taken as independent). */
  sigmaNE: Estimate & { stderrBrownian: number };
  /** Onsager transference number of each species. */
  transference: Estimate[];
  /** σ_EH / σ_NE. */
  ionicity: Estimate;
  /** σ_NE / σ_EH. */
  haven: Estimate;
  error: { method: string; blocks: number; dof: number; blockFrames: number; varianceScale: number };
  curves: {
    lagPs: Float64Array;
    /** ⟨|Σ z ΔR|²⟩, e²·Å². */
    chargeE2A2: Float64Array;
    /** ⟨ΔR̃_i·ΔR̃_j⟩, Å². */
    pairA2: Float64Array[][];
    /** Σ_{α∈i} ⟨|Δr̃_α|²⟩, Å². */
    selfA2: Float64Array[];
  };
  notes: string[];
}

export const ONSAGER_STDERR_METHOD =
  'block averaging: the run cut into M consecutive blocks, every slope fitted in each over the same window; ' +
  'covariance of the block slopes / M, scaled by the random-walk ratio Var(run slope)/(Var(block slope)/M); ' +
  'ratios by first-order propagation; M − 1 degrees of freedom';

export const DEFAULT_BLOCKS = 5;

/** Lag window from indices or from times (snapped as `--fit` is). */
export function onsagerWindow(frames: number, dtPs: number, spec: FitWindow | { fromPs: number; toPs: number }): FitWindow {
  if ('from' in spec) return spec;
  const zeros = new Float64Array(frames);
  return windowFromTimes(msdCurve({ x: zeros, y: zeros, z: zeros, particles: 1 }, dtPs), spec.fromPs, spec.toPs);
}

/** Slopes of one stretch of frames: pairs i ≤ j (row by row), then self sums, then the charge. */
function slopeVector(coll: CollectiveMsd, self: Float64Array[], w: FitWindow): Float64Array {
  const s = self.length;
  const out = new Float64Array(pairCount(s) + s + 1);
  let k = 0;
  const slope = (y: Float64Array) => linearFit(coll.lagPs, y, w.from, w.to).slope;
  for (let i = 0; i < s; i++) for (let j = i; j < s; j++) out[k++] = slope(coll.pair[i][j]);
  for (let i = 0; i < s; i++) out[k++] = slope(self[i]);
  out[k] = slope(coll.charge);
  return out;
}

const pairCount = (s: number) => (s * (s + 1)) / 2;
/** Index of pair (i, j) in the slope vector. */
function pairIndex(s: number, i: number, j: number): number {
  const [a, b] = i <= j ? [i, j] : [j, i];
  return a * s - (a * (a - 1)) / 2 + (b - a);
}

function totalOf(sums: MsdSums): Float64Array {
  const out = new Float64Array(sums.x.length);
  for (let m = 0; m < out.length; m++) out[m] = sums.x[m] + sums.y[m] + sums.z[m];
  if (out.length > 0) out[0] = 0;
  return out;
}

/** Rows of the collective state, as a frames × 3 COM series (only its differences matter). */
function comSeries(state: MsdSeries): Float64Array {
  const w = 3 * state.particles, c = w - 3;
  const out = new Float64Array(3 * state.frames);
  for (let t = 0; t < state.frames; t++) for (let d = 0; d < 3; d++) out[3 * t + d] = state.data[t * w + c + d];
  return out;
}

export function onsager(input: OnsagerInput, options: OnsagerOptions): OnsagerResult {
  const { species, collective, dtPs, volumeA3, temperatureK } = input;
  const s = species.length;
  const frames = collective.frames;
  const m = options.blocks ?? DEFAULT_BLOCKS;
  if (!(Number.isInteger(m) && m >= 2)) throw new RangeError(`blocks for the conductivity's error must be a whole number ≥ 2, not ${m}`);
  for (const sp of species) {
    if (sp.seriesA.length < 3 * sp.ions * frames) throw new Error(`internal: ${sp.name} series holds fewer than ${frames} frames of ${sp.ions} ions`);
  }
  if (collective.particles !== s + 1) throw new Error(`internal: collective state of ${collective.particles - 1} species for ${s}`);
  const window = onsagerWindow(frames, dtPs, options.window);
  if (!(window.from >= 0 && window.to > window.from)) throw new RangeError(`the conductivity fit window needs two lags or more (lags ${window.from}–${window.to})`);
  const blockFrames = Math.floor(frames / m);
  const lastLag = Math.floor((blockFrames - 1) * MAX_LAG_FRACTION);
  if (window.to > lastLag) {
    const blockPs = (blockFrames - 1) * dtPs;
    throw new RangeError(
      `the conductivity fit window ends at ${window.toPs} ps, but the error estimate cuts the run into ${m} blocks of ${Number(blockPs.toPrecision(6))} ps ` +
        `and fits within the first half of each (up to ${Number((lastLag * dtPs).toPrecision(6))} ps): end the window earlier or use fewer blocks`,
    );
  }
  const n = species.map((sp) => sp.ions);
  const z = species.map((sp) => sp.chargeE);
  const com = comSeries(collective);
  const ionsIn = (first: number, count: number) => species.map((sp) => selfMsdSums(sp.seriesA, sp.ions, com, first, count));

  // The whole run.
  const coll = collectiveMsd(collective, n, z, dtPs);
  const selfSums = ionsIn(0, frames);
  const selfA2 = selfSums.map(totalOf);
  const full = slopeVector(coll, selfA2, window);

  // Blocks.
  const blockSlopes: Float64Array[] = [];
  for (let b = 0; b < m; b++) {
    const first = b * blockFrames;
    const bc = collectiveMsd(collective, n, z, dtPs, first, blockFrames);
    blockSlopes.push(slopeVector(bc, ionsIn(first, blockFrames).map(totalOf), window));
  }
  const varianceScale = blockVarianceScale(window.from, window.to, frames, blockFrames, m);
  const diffusions = species.map((_, i) => diffusion(msdCurve(selfSums[i], dtPs), window, dtPs));
  return onsagerFromSlopes({
    species: species.map((sp) => ({ name: sp.name, chargeE: sp.chargeE, ions: sp.ions })),
    window,
    full,
    blockSlopes,
    blockFrames,
    varianceScale,
    volumeA3,
    temperatureK,
    diffusions,
    curves: { lagPs: coll.lagPs, chargeE2A2: coll.charge, pairA2: coll.pair, selfA2 },
  });
}

/**
 * What every estimate is made of: the slopes over one window of the whole run and of each block,
 * in slopeVector's order (pairs i ≤ j row by row, then each species' self sum, then the charge),
 * with the scale of the blocks' covariance, and what the result reports besides.
 */
export interface OnsagerSlopes {
  species: { name: string; chargeE: number; ions: number }[];
  window: FitWindow;
  full: Float64Array;
  blockSlopes: Float64Array[];
  blockFrames: number;
  varianceScale: number;
  volumeA3: number;
  temperatureK: number;
  /** Each species' D from its barycentric self MSD over the window, with its Brownian error. */
  diffusions: Diffusion[];
  curves: OnsagerResult['curves'];
}

/** σ_EH, L_ij, σ_NE, t_i, ionicity and Haven ratio with their block errors, from the slopes. */
export function onsagerFromSlopes(x: OnsagerSlopes): OnsagerResult {
  const { species, window, full, blockSlopes, blockFrames, varianceScale, volumeA3, temperatureK, diffusions } = x;
  const s = species.length;
  const m = blockSlopes.length;
  const n = species.map((sp) => sp.ions);
  const z = species.map((sp) => sp.chargeE);
  const k = full.length;
  const mean = new Float64Array(k);
  for (const v of blockSlopes) for (let a = 0; a < k; a++) mean[a] += v[a] / m;
  const cov = new Float64Array(k * k);
  for (const v of blockSlopes) for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) cov[a * k + b] += ((v[a] - mean[a]) * (v[b] - mean[b]) * varianceScale) / ((m - 1) * m);

  // Everything below is a linear combination c·slopes, or a ratio of two.
  const toMs = conductivityMsPerCm(1 / 6, volumeA3, temperatureK);
  const dot = (c: Float64Array, v: Float64Array) => c.reduce((acc, ci, a) => acc + ci * v[a], 0);
  const covOf = (c1: Float64Array, c2: Float64Array) => {
    let q = 0;
    for (let a = 0; a < k; a++) if (c1[a] !== 0) for (let b = 0; b < k; b++) q += c1[a] * cov[a * k + b] * c2[b];
    return q;
  };
  const linear = (c: Float64Array): Estimate => ({ value: toMs * dot(c, full), stderr: toMs * Math.sqrt(Math.max(0, covOf(c, c))) });
  const ratio = (num: Float64Array, den: Float64Array): Estimate => {
    const a = dot(num, full), b = dot(den, full);
    const r = a / b;
    const v = (covOf(num, num) - 2 * r * covOf(num, den) + r * r * covOf(den, den)) / (b * b);
    return { value: r, stderr: Math.sqrt(Math.max(0, v)) };
  };
  const basis = (...terms: [number, number][]) => {
    const c = new Float64Array(k);
    for (const [index, weight] of terms) c[index] += weight;
    return c;
  };
  const selfIndex = (i: number) => pairCount(s) + i;
  const chargeIndex = k - 1;

  const l: OnsagerCoefficient[][] = [];
  for (let i = 0; i < s; i++) {
    l.push([]);
    for (let j = 0; j < s; j++) {
      const total = linear(basis([pairIndex(s, i, j), 1]));
      l[i].push(
        i === j
          ? { total, self: linear(basis([selfIndex(i), 1])), distinct: linear(basis([pairIndex(s, i, i), 1], [selfIndex(i), -1])) }
          : { total, self: null, distinct: total },
      );
    }
  }
  const sigmaTerms: [number, number][] = [];
  for (let i = 0; i < s; i++) for (let j = 0; j < s; j++) sigmaTerms.push([pairIndex(s, i, j), z[i] * z[j]]);
  const sigmaC = basis(...sigmaTerms);
  const neC = basis(...z.map((zi, i): [number, number] => [selfIndex(i), zi * zi]));
  const ehC = basis([chargeIndex, 1]);
  const transference = z.map((zi, i) => ratio(basis(...z.map((zj, j): [number, number] => [pairIndex(s, i, j), zi * zj])), sigmaC));

  const sigmaNE = linear(neC);
  let brownian = 0;
  diffusions.forEach((d, i) => (brownian += (z[i] * z[i] * 6 * n[i] * d.stderrA2PerPs) ** 2));

  const notes: string[] = [];
  const netCharge = z.reduce((acc, zi, i) => acc + zi * n[i], 0);
  if (Math.abs(netCharge) > 1e-9) {
    notes.push(`the ions carry a net charge of ${Number(netCharge.toPrecision(6))} e: σ_EH (lab frame) and e²Σ z_i z_j L_ij (barycentric frame) differ by the centre of mass's share`);
  }
  const sigmaEH = linear(ehC);
  if (!(sigmaEH.value > 2 * sigmaEH.stderr)) {
    notes.push('σ_EH is not resolved from zero (less than two standard errors): the ionicity, Haven ratio and transference numbers are not meaningful; a longer run is needed');
  }
  return {
    window,
    species: species.map((sp, i) => ({ name: sp.name, chargeE: sp.chargeE, ions: sp.ions, diffusion: diffusions[i] })),
    l,
    sigmaEH,
    sigmaOnsager: linear(sigmaC),
    sigmaNE: { ...sigmaNE, stderrBrownian: toMs * Math.sqrt(brownian) },
    transference,
    ionicity: ratio(ehC, neC),
    haven: ratio(neC, ehC),
    error: { method: ONSAGER_STDERR_METHOD, blocks: m, dof: m - 1, blockFrames, varianceScale },
    curves: x.curves,
    notes,
  };
}

/**
 * Variance (in units of the step variance², per axis) of the least-squares slope over lags
 * [from, to] of the all-origin MSD of a random walk of `frames` frames with independent unit
 * steps — exactly, not to leading order in lag/run as diffusion.ts's slopeVariance: near half a
 * block the leading-order formula misjudges the block-to-run ratio by ~20%.
 *
 * The MSD at lag m is a mean of squared sums of m steps; two such sums, over intervals [k, k+m)
 * and [k', k'+m'), have covariance ov = the overlap of the intervals, and Cov(X², Y²) = 2·ov²
 * for Gaussian sums. So Var(Σ_m w_m MSD(m)) = 2 Σ_{m,m'} w_m w_m' G(m, m') / ((F−m)(F−m')),
 * with G(m, m') = Σ over pairs of origins of ov². The overlap depends only on the offset
 * d = k' − k of the origins; for m ≤ m', and lags within the first half of the run (so that
 * every offset below has origin pairs), it rises as u = d + m' from 1 to m with F − m − m' + u
 * pairs each, stays m for m' − m offsets with F − m' pairs, and falls as v = m − d from m − 1 to
 * 1 with F − m − m' + v pairs — sums of powers, in closed form.
 */
export function walkSlopeVariance(from: number, to: number, frames: number): number {
  if (2 * to > frames - 1) throw new Error(`internal: lag ${to} past half of a ${frames}-frame run`);
  const s2 = (k: number) => (k * (k + 1) * (2 * k + 1)) / 6;
  const s3 = (k: number) => ((k * (k + 1)) / 2) ** 2;
  let mean = 0;
  for (let m = from; m <= to; m++) mean += m;
  mean /= to - from + 1;
  let sxx = 0;
  for (let m = from; m <= to; m++) sxx += (m - mean) ** 2;
  let v = 0;
  for (let m = Math.max(1, from); m <= to; m++) {
    const wm = (m - mean) / sxx;
    const sq = s2(m) + s2(m - 1), cube = s3(m) + s3(m - 1);
    for (let m2 = m; m2 <= to; m2++) {
      const g = (frames - m - m2) * sq + cube + (m2 - m) * (frames - m2) * m * m;
      const term = (wm * ((m2 - mean) / sxx) * g) / ((frames - m) * (frames - m2));
      v += m2 === m ? term : 2 * term;
    }
  }
  return 2 * v;
}

/** Var(run slope) / (Var(block slope) / M) for a random walk (walkSlopeVariance). */
export function blockVarianceScale(from: number, to: number, frames: number, blockFrames: number, blocks: number): number {
  return walkSlopeVariance(from, to, frames) / (walkSlopeVariance(from, to, blockFrames) / blocks);
}

/**
 * Nernst–Einstein σ (mS/cm) from diffusion coefficients fitted elsewhere (e.g. each species'
 * own automatic window), with the errors propagated as independent.
 */
export function nernstEinstein(
  species: readonly { ions: number; chargeE: number; dA2PerPs: number; stderrA2PerPs: number }[],
  volumeA3: number,
  temperatureK: number,
): Estimate {
  let x = 0, v = 0;
  for (const sp of species) {
    const w = sp.ions * sp.chargeE * sp.chargeE;
    x += w * sp.dA2PerPs;
    v += (w * sp.stderrA2PerPs) ** 2;
  }
  return { value: conductivityMsPerCm(x, volumeA3, temperatureK), stderr: conductivityMsPerCm(Math.sqrt(v), volumeA3, temperatureK) };
}

import { blockedBlocks, blockedLags, blockedMeans, type BlockedMultiTau, type PairKernel } from './blocked-multi-tau.js';
import { diffusion, linearFit, MAX_LAG_FRACTION, type FitWindow } from './diffusion.js';
import type { MsdCurve } from './msd.js';
import { onsagerFromSlopes, type OnsagerResult } from './onsager.js';

/**
 * The conductivity's quantities (onsager.ts) in memory that does not grow with the run: every
 * MSD they are slopes of — each pair of species' ⟨ΔR̃_i·ΔR̃_j⟩, each species' self sum
 * Σ_α ⟨|Δr̃_α|²⟩ and the charge MSD ⟨|Σ z ΔR|²⟩ — from one multiple-tau correlator
 * (blocked-multi-tau.ts) whose samples are every ion's barycentric position and the centre of
 * mass, and whose sums are kept by sub-block, so that the blocks of the error estimate are read
 * from the same pass. The estimates and their errors then follow exactly as for the all-origin
 * MSDs (onsagerFromSlopes), over the lags the correlator holds inside the fit window.
 *
 * Sample of a frame: r̃_α = r_α − r_com for every ion (species by species, 3 each), then r_com
 * (3, lab frame). Values per pair, in onsager.ts's slope order: ΔR̃_i·ΔR̃_j for i ≤ j (row by
 * row), Σ_α∈i |Δr̃_α|² per species, then |Σ_i z_i ΔR_i|² with ΔR_i = ΔR̃_i + N_i Δr_com.
 *
 * What differs from the all-origin path: at lags of 8·2^k frames and more the time origins are
 * every 2^k frames (nearly the information of all of them, as for the multiple-tau MSD); the
 * blocks are whole sub-blocks (blocked-multi-tau.ts), so up to a few sub-blocks at the ends of
 * the run stay out of the error estimate (never out of the values); and the covariance scale
 * is the random walk's over the lags fitted (walkSlopeVarianceAt), origins taken as all.
 */

/** Numbers per sample for species of these ion counts. */
export function conductivitySampleWidth(ionsPerSpecies: readonly number[]): number {
  return 3 * ionsPerSpecies.reduce((a, b) => a + b, 0) + 3;
}

/** Values per pair: S(S+1)/2 pairs, S self sums, the charge. */
export function conductivityValues(species: number): number {
  return (species * (species + 1)) / 2 + species + 1;
}

/** The pair kernel of a sample laid out as above. */
export function conductivityKernel(ionsPerSpecies: readonly number[], chargesE: readonly number[]): PairKernel {
  const s = ionsPerSpecies.length;
  const net = ionsPerSpecies.reduce((a, n, i) => a + n * chargesE[i], 0);
  const r = new Float64Array(3 * s);
  const com = 3 * ionsPerSpecies.reduce((a, b) => a + b, 0);
  const pairs = (s * (s + 1)) / 2;
  return (x, y, out, at) => {
    let o = 0;
    for (let i = 0; i < s; i++) {
      let sx = 0, sy = 0, sz = 0, self = 0;
      const end = o + 3 * ionsPerSpecies[i];
      for (; o < end; o += 3) {
        const dx = x[o] - y[o], dy = x[o + 1] - y[o + 1], dz = x[o + 2] - y[o + 2];
        self += dx * dx + dy * dy + dz * dz;
        sx += dx;
        sy += dy;
        sz += dz;
      }
      r[3 * i] = sx;
      r[3 * i + 1] = sy;
      r[3 * i + 2] = sz;
      out[at + pairs + i] += self;
    }
    let k = at;
    for (let i = 0; i < s; i++) for (let j = i; j < s; j++) out[k++] += r[3 * i] * r[3 * j] + r[3 * i + 1] * r[3 * j + 1] + r[3 * i + 2] * r[3 * j + 2];
    let q = 0;
    for (let d = 0; d < 3; d++) {
      let c = net * (x[com + d] - y[com + d]);
      for (let i = 0; i < s; i++) c += chargesE[i] * r[3 * i + d];
      q += c * c;
    }
    out[at + pairs + s] += q;
  };
}

/**
 * One frame's sample from `rows`: each species' ion positions (3 per ion), then the COM's
 * position as the last row (Å): every ion's position minus the COM's, then the COM.
 */
export function conductivitySample(rows: readonly Float64Array[], out: Float64Array): Float64Array {
  const comA = rows[rows.length - 1];
  let o = 0;
  for (let s = 0; s + 1 < rows.length; s++) {
    const p = rows[s];
    for (let j = 0; j < p.length; j += 3) {
      out[o++] = p[j] - comA[0];
      out[o++] = p[j + 1] - comA[1];
      out[o++] = p[j + 2] - comA[2];
    }
  }
  out[o] = comA[0];
  out[o + 1] = comA[1];
  out[o + 2] = comA[2];
  return out;
}

export interface BoundedOnsagerInput {
  species: { name: string; chargeE: number; ions: number }[];
  correlator: BlockedMultiTau;
  dtPs: number;
  volumeA3: number;
  temperatureK: number;
}

/**
 * The fit window on the correlator's lags: those in [fromFrames, toFrames] (lag indices into
 * `lags`), or null when fewer than two lie there.
 */
export function boundedWindow(lags: readonly number[], fromFrames: number, toFrames: number, dtPs: number, auto: boolean): FitWindow | null {
  let from = -1, to = -1;
  lags.forEach((l, i) => {
    if (l >= fromFrames && l <= toFrames) {
      if (from < 0) from = i;
      to = i;
    }
  });
  if (from < 0 || to <= from) return null;
  return { from, to, fromPs: lags[from] * dtPs, toPs: lags[to] * dtPs, auto };
}

/** The longest lag (frames) the blocks fit: half a block; null when the run has fewer whole sub-blocks than blocks. */
export function boundedLastLag(mt: BlockedMultiTau, blocks: number): number | null {
  const b = blockedBlocks(mt, blocks);
  return b ? Math.floor((b.blockFrames - 1) * MAX_LAG_FRACTION) : null;
}

export function onsagerBounded(input: BoundedOnsagerInput, options: { window: FitWindow; blocks: number }): OnsagerResult {
  const { species, correlator: mt, dtPs, volumeA3, temperatureK } = input;
  const { window, blocks: m } = options;
  const s = species.length;
  const lags = blockedLags(mt);
  const lagPs = Float64Array.from(lags, (l) => l * dtPs);
  const layout = blockedBlocks(mt, m);
  if (!layout) throw new RangeError(`the run holds fewer whole sub-blocks than the ${m} blocks of the conductivity's error`);
  if (2 * lags[window.to] > layout.blockFrames - 1) throw new Error('internal: the conductivity window reaches past half a block');
  const slopes = (values: Float64Array[]) => Float64Array.from(values, (y) => linearFit(lagPs, y, window.from, window.to).slope);
  const whole = blockedMeans(mt, lags);
  const full = slopes(whole);
  const blockSlopes = layout.blocks.map((b) => slopes(blockedMeans(mt, lags, b)));
  const fitted = lags.slice(window.from, window.to + 1);
  const varianceScale = walkSlopeVarianceAt(fitted, mt.frames) / (walkSlopeVarianceAt(fitted, layout.blockFrames) / m);

  const pairs = (s * (s + 1)) / 2;
  const pairA2: Float64Array[][] = species.map(() => []);
  let k = 0;
  for (let i = 0; i < s; i++) for (let j = i; j < s; j++) pairA2[i][j] = pairA2[j][i] = whole[k++];
  const selfA2 = species.map((_, i) => whole[pairs + i]);
  const diffusions = species.map((sp, i) => {
    const perIon = selfA2[i].map((v) => v / sp.ions);
    // The self sums are kept as totals over the axes: the components are not.
    const none = new Float64Array(lags.length).fill(NaN);
    const curve: MsdCurve = { lagPs, msdA2: perIon, msdXA2: none, msdYA2: none, msdZA2: none, particles: sp.ions, frames: mt.frames };
    return diffusion(curve, window, dtPs);
  });
  return onsagerFromSlopes({
    species,
    window,
    full,
    blockSlopes,
    blockFrames: layout.blockFrames,
    varianceScale,
    volumeA3,
    temperatureK,
    diffusions,
    curves: { lagPs, chargeE2A2: whole[pairs + s], pairA2, selfA2 },
  });
}

/**
 * walkSlopeVariance (onsager.ts) over any set of lags (frames, increasing, all within the first
 * half of the run): the variance of the least-squares slope, fitted over those lags, of the
 * all-origin MSD of a unit-step random walk of `frames` frames. The same closed form: the
 * covariance of the MSD at lags m ≤ m′ does not depend on which other lags are fitted.
 */
export function walkSlopeVarianceAt(lags: readonly number[], frames: number): number {
  if (2 * lags[lags.length - 1] > frames - 1) throw new Error(`internal: lag ${lags[lags.length - 1]} past half of a ${frames}-frame run`);
  const s2 = (k: number) => (k * (k + 1) * (2 * k + 1)) / 6;
  const s3 = (k: number) => ((k * (k + 1)) / 2) ** 2;
  const mean = lags.reduce((a, b) => a + b, 0) / lags.length;
  let sxx = 0;
  for (const m of lags) sxx += (m - mean) ** 2;
  let v = 0;
  for (let a = 0; a < lags.length; a++) {
    const m = lags[a];
    if (m < 1) continue;
    const wm = (m - mean) / sxx;
    const sq = s2(m) + s2(m - 1), cube = s3(m) + s3(m - 1);
    for (let b = a; b < lags.length; b++) {
      const m2 = lags[b];
      const g = (frames - m - m2) * sq + cube + (m2 - m) * (frames - m2) * m * m;
      const term = (wm * ((m2 - mean) / sxx) * g) / ((frames - m) * (frames - m2));
      v += b === a ? term : 2 * term;
    }
  }
  return 2 * v;
}

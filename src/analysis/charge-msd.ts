import { SeriesMsdSum } from './fft-msd.js';
import { MsdSeries, type MsdSums } from './msd.js';

/**
 * Collective mean squared displacements: of each ion species' summed displacement, of pairs of
 * species (the cross terms of the Onsager coefficients), and of the total charge displacement —
 * all over every time origin (FFT, fft-msd.ts).
 *
 * Ions: species s has N_s ions of charge z_s (e); a molecular ion moves as its centre of mass.
 * R_s(t) = Σ_{α∈s} r_α(t) is the species' summed position. In the barycentric frame every ion's
 * displacement is taken relative to the whole system's centre of mass (COM), so
 * ΔR̃_s = ΔR_s − N_s·ΔR_com.
 *
 * ## The mergeable state
 *
 * Collective terms need no per-ion series: per frame, one summed position per species and the
 * system's COM — 3·(S + 1) numbers, where the per-ion MSD state holds 3·N. That state is an
 * `MsdSeries` of S + 1 pseudo-particles (species sums first, the COM last; `collectiveRow`
 * makes one frame's row), so slices fold and join exactly as the MSD's state does:
 *
 * - each slice stores its rows relative to its own first row (`origin`, absolute);
 * - `MsdSeries.concat` re-references consecutive slices to the first one's origin, so the
 *   joined series equals one pass's — provided the slices continue each other's unwrapped
 *   positions. When a slice unwrapped on its own from its first frame as read, an ion that had
 *   crossed the cell before the slice began is off by whole cell vectors: add, to the slice's
 *   `origin`, for each species the sum over its ions of that shift (each ion's shift being the
 *   mass-weighted shift of its atoms), and for the COM the mass-weighted shift of all atoms —
 *   the same per-atom shift the MSD join applies (src/parallel/merge.ts), through a
 *   `ParticleDef` whose "particle" is a whole species.
 *
 * Self terms (Σ over the ions of one species of each ion's own MSD) do need the per-ion series,
 * which the MSD of the ions keeps anyway; `selfMsdSums` reads them in the barycentric frame.
 *
 * ## Cross terms
 *
 * ⟨ΔR̃_i·ΔR̃_j⟩ comes from polarisation, (MSD(R̃_i + R̃_j) − MSD(R̃_i) − MSD(R̃_j)) / 2. The
 * all-origin average is bilinear in the two series, so the identity is exact, not an
 * approximation; it reuses the tested FFT MSD unchanged instead of adding a second, cross-
 * correlation transform, and costs S(S+1)/2 MSDs of 3 series each — nothing next to the per-ion
 * MSDs. The price is rounding relative to the self terms (~1e-13 of MSD(R̃_i) + MSD(R̃_j)),
 * negligible for any cross term a run can resolve.
 */

/** One frame's row of the collective state: each species' summed ion position, then the COM (Å). */
export function collectiveRow(ionPositionsA: readonly Float64Array[], comA: ArrayLike<number>, out = new Float64Array(3 * (ionPositionsA.length + 1))): Float64Array {
  const s = ionPositionsA.length;
  for (let i = 0; i < s; i++) {
    const p = ionPositionsA[i];
    let x = 0, y = 0, z = 0;
    for (let j = 0; j + 2 < p.length; j += 3) {
      x += p[j];
      y += p[j + 1];
      z += p[j + 2];
    }
    out[3 * i] = x;
    out[3 * i + 1] = y;
    out[3 * i + 2] = z;
  }
  out[3 * s] = comA[0];
  out[3 * s + 1] = comA[1];
  out[3 * s + 2] = comA[2];
  return out;
}

/**
 * The collective state of a whole run from per-species ion series (frames × ions × 3 each,
 * unwrapped positions or displacements, Å; arrays may run past the last frame, as an
 * `MsdSeries`'s `data` does) and the COM series (frames × 3).
 */
export function collectiveSeries(ionSeriesA: readonly Float64Array[], ionsPerSpecies: readonly number[], comA: Float64Array, frames: number): MsdSeries {
  const s = ionSeriesA.length;
  const out = new MsdSeries(s + 1, frames);
  const row = new Float64Array(3 * (s + 1));
  const views: Float64Array[] = ionSeriesA.map(() => new Float64Array(0));
  for (let t = 0; t < frames; t++) {
    for (let i = 0; i < s; i++) {
      const w = 3 * ionsPerSpecies[i];
      views[i] = ionSeriesA[i].subarray(t * w, (t + 1) * w);
    }
    out.add(collectiveRow(views, comA.subarray(3 * t, 3 * t + 3), row));
  }
  return out;
}

/** Collective MSDs of one stretch of frames, at lags 0…frames−1. */
export interface CollectiveMsd {
  lagPs: Float64Array;
  /** pair[i][j] (= pair[j][i]): ⟨ΔR̃_i·ΔR̃_j⟩ in the barycentric frame, Å². */
  pair: Float64Array[][];
  /** ⟨|Σ_s z_s ΔR_s|²⟩, the total charge displacement in the frame of the input, e²·Å². */
  charge: Float64Array;
  frames: number;
}

/** Sum of the all-origin MSDs of the x, y, z series held in `xyz` (frames × 3, interleaved). */
function msd3(xyz: Float64Array, frames: number): Float64Array {
  const sum = new SeriesMsdSum(frames);
  for (let d = 0; d < 3; d++) sum.add(xyz, d, 3);
  const out = new Float64Array(frames);
  sum.addTo(out);
  if (frames > 0) out[0] = 0;
  return out;
}

/**
 * Collective MSDs over frames [firstFrame, firstFrame + frames) of the collective state
 * (`collectiveSeries`); `ionsPerSpecies` gives N_s (for the barycentric shift), `chargesE` z_s.
 */
export function collectiveMsd(
  state: MsdSeries,
  ionsPerSpecies: readonly number[],
  chargesE: readonly number[],
  dtPs: number,
  firstFrame = 0,
  frames = state.frames - firstFrame,
): CollectiveMsd {
  const s = ionsPerSpecies.length;
  if (state.particles !== s + 1) throw new Error(`internal: collective state of ${state.particles - 1} species for ${s}`);
  const w = 3 * state.particles;
  const com = 3 * s;
  // Barycentric species sums R̃_s and the charge sum, frames × 3 each.
  const bary = ionsPerSpecies.map(() => new Float64Array(3 * frames));
  const charge = new Float64Array(3 * frames);
  for (let k = 0; k < frames; k++) {
    const row = (firstFrame + k) * w;
    for (let i = 0; i < s; i++) {
      for (let d = 0; d < 3; d++) {
        const r = state.data[row + 3 * i + d];
        bary[i][3 * k + d] = r - ionsPerSpecies[i] * state.data[row + com + d];
        charge[3 * k + d] += chargesE[i] * r;
      }
    }
  }
  const self = bary.map((b) => msd3(b, frames));
  const pair: Float64Array[][] = self.map(() => []);
  const both = new Float64Array(3 * frames);
  for (let i = 0; i < s; i++) {
    pair[i][i] = self[i];
    for (let j = i + 1; j < s; j++) {
      for (let q = 0; q < both.length; q++) both[q] = bary[i][q] + bary[j][q];
      const sum = msd3(both, frames);
      const cross = new Float64Array(frames);
      for (let m = 0; m < frames; m++) cross[m] = 0.5 * (sum[m] - self[i][m] - self[j][m]);
      pair[i][j] = pair[j][i] = cross;
    }
  }
  const lagPs = Float64Array.from({ length: frames }, (_, m) => m * dtPs);
  return { lagPs, pair, charge: msd3(charge, frames), frames };
}

/**
 * Σ over ions of each ion's own all-origin MSD, in the barycentric frame (every displacement
 * minus the COM's), along x, y and z, over frames [firstFrame, firstFrame + frames).
 * `ionSeriesA` is frames × ions × 3 (Å); `comA` frames × 3, or null for the frame of the input.
 * The result is msd.ts's `MsdSums`, so `msdCurve` and `diffusion` take it as they are.
 */
export function selfMsdSums(ionSeriesA: Float64Array, ions: number, comA: Float64Array | null, firstFrame: number, frames: number): MsdSums {
  const sums = [new SeriesMsdSum(frames), new SeriesMsdSum(frames), new SeriesMsdSum(frames)];
  const stride = 3 * ions;
  // Two ions at a time, copied out into contiguous series (a frame's row is `stride` apart).
  const buf = new Float64Array(2 * frames);
  for (let q = 0; q < ions; q += 2) {
    const pair = q + 1 < ions;
    for (let d = 0; d < 3; d++) {
      for (let k = 0; k < frames; k++) {
        const t = firstFrame + k;
        const c = comA ? comA[3 * t + d] : 0;
        buf[k] = ionSeriesA[t * stride + 3 * q + d] - c;
        if (pair) buf[frames + k] = ionSeriesA[t * stride + 3 * q + 3 + d] - c;
      }
      if (pair) sums[d].addPair(buf, 0, frames, 1);
      else sums[d].add(buf, 0, 1);
    }
  }
  const out: MsdSums = { x: new Float64Array(frames), y: new Float64Array(frames), z: new Float64Array(frames), particles: ions };
  sums[0].addTo(out.x);
  sums[1].addTo(out.y);
  sums[2].addTo(out.z);
  return out;
}

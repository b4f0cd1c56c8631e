import { MAX_CN, type RdfState } from './rdf.js';

/**
 * g(r), n(r) and the first coordination shell from a g(r) state: the first peak and the first
 * minimum — found on a smoothed curve so that noise does not pass for structure — the
 * coordination number at that minimum, and how the per-ion coordination numbers are spread.
 */
export interface ShellPoint {
  rA: number;
  g: number;
}

export interface CnDistribution {
  /** Counted within this distance (the CN-bin edge nearest the first minimum, within 0.03 Å), Å. */
  cutoffA: number;
  /** Fraction of (ion, frame) samples with k neighbours; the key `${MAX_CN}+` collects the rest. */
  fractions: Record<string, number>;
  mean: number;
}

export interface RdfResult {
  rmaxA: number;
  bins: number;
  frames: number;
  nA: number;
  nB: number;
  meanVolumeA3: number;
  /** Bin centres, Å. */
  rA: Float64Array;
  g: Float64Array;
  /** Running coordination number at the outer edge of each bin. */
  cn: Float64Array;
  firstPeak: ShellPoint | null;
  firstMin: ShellPoint | null;
  /** n(r) at the first minimum. */
  cnFirstShell: number | null;
  cnDistribution: CnDistribution | null;
  notes: string[];
}

/** Width (Å) of the Gaussian that smooths g(r) before peaks and minima are located. */
export const SMOOTHING_A = 0.05;

export function finishRdf(st: RdfState): RdfResult {
  const { frames, nA, nB } = st;
  const dr = st.rmaxA / st.bins;
  const notes: string[] = [];
  // Bins beyond what every frame counted are left out (a cell that shrank during the run).
  const bins = st.reachA < st.rmaxA * (1 - 1e-12) ? Math.floor(st.reachA / dr + 1e-9) : st.bins;
  const rmaxA = bins === st.bins ? st.rmaxA : bins * dr;
  if (bins < st.bins) {
    notes.push(`r_max reduced from ${st.rmaxA.toFixed(2)} to ${rmaxA.toFixed(2)} Å: the cell shrank during the run (NpT) to where minimum-image distances are unique only up to ${st.reachA.toFixed(2)} Å`);
  }
  const meanVolume = frames > 0 ? st.volumeSumA3 / frames : NaN;
  const pairs = nA * nB - st.overlap;
  const rA = new Float64Array(bins);
  const g = new Float64Array(bins);
  const cn = new Float64Array(bins);
  let cum = 0;
  for (let i = 0; i < bins; i++) {
    const r0 = i * dr, r1 = (i + 1) * dr;
    rA[i] = (r0 + r1) / 2;
    const shell = (4 / 3) * Math.PI * (r1 * r1 * r1 - r0 * r0 * r0);
    g[i] = frames > 0 && pairs > 0 ? st.counts[i] / ((frames * shell * pairs) / meanVolume) : 0;
    cum += st.counts[i];
    cn[i] = frames > 0 && nA > 0 ? cum / (frames * nA) : 0;
  }
  const shell = firstShell(rA, g, dr, notes);
  const result: RdfResult = {
    rmaxA,
    bins,
    frames,
    nA,
    nB,
    meanVolumeA3: meanVolume,
    rA,
    g,
    cn,
    firstPeak: shell.peak,
    firstMin: shell.min,
    cnFirstShell: null,
    cnDistribution: null,
    notes,
  };
  if (shell.min) {
    result.cnFirstShell = runningCnAt(cn, dr, shell.min.rA);
    result.cnDistribution = cnDistributionAt(st, shell.min.rA);
  }
  return result;
}

/** n(r) at any r by linear interpolation between bin edges (n(0) = 0). */
export function runningCnAt(cn: Float64Array, dr: number, r: number): number {
  const x = r / dr; // position in units of bins; cn[i] sits at edge i+1
  if (x <= 0) return 0;
  const i = Math.floor(x);
  const lo = i === 0 ? 0 : cn[Math.min(i, cn.length) - 1];
  const hi = cn[Math.min(i, cn.length - 1)];
  return lo + (hi - lo) * (x - i);
}

function cnDistributionAt(st: RdfState, r: number): CnDistribution | null {
  const width = (st.rmaxA / st.bins) * st.cnStep;
  const b = Math.round(r / width) - 1;
  if (b < 0 || b >= st.cnBins) return null;
  const stride = MAX_CN + 1;
  let total = 0, sum = 0;
  for (let k = 0; k <= MAX_CN; k++) {
    total += st.cnHist[b * stride + k];
    sum += k * st.cnHist[b * stride + k];
  }
  if (total === 0) return null;
  const fractions: Record<string, number> = {};
  for (let k = 0; k <= MAX_CN; k++) {
    const c = st.cnHist[b * stride + k];
    if (c > 0) fractions[k === MAX_CN ? `${MAX_CN}+` : String(k)] = c / total;
  }
  return { cutoffA: (b + 1) * width, fractions, mean: sum / total };
}

/** g smoothed by a Gaussian of width SMOOTHING_A (at least one bin), edges handled by renormalising. */
export function smooth(g: Float64Array, dr: number): Float64Array {
  const sigma = Math.max(SMOOTHING_A, dr) / dr; // in bins
  const half = Math.ceil(3 * sigma);
  const w = Array.from({ length: 2 * half + 1 }, (_, k) => Math.exp(-0.5 * ((k - half) / sigma) ** 2));
  const out = new Float64Array(g.length);
  for (let i = 0; i < g.length; i++) {
    let s = 0, ws = 0;
    for (let k = -half; k <= half; k++) {
      const j = i + k;
      if (j < 0 || j >= g.length) continue;
      s += w[k + half] * g[j];
      ws += w[k + half];
    }
    out[i] = s / ws;
  }
  return out;
}

/**
 * The first peak is found on the smoothed g(r): its first local maximum that rises at least a
 * fifth of the way from 1 to the highest point (so a small bump before the real shell does not
 * count); none if g never exceeds 1.2. It is reported as the histogram shows it — the height a
 * reader measures on the plot: the highest bin within the smoothing width of the smoothed
 * maximum, refined by a parabola through it and its two neighbours. The first minimum follows
 * the peak on the smoothed curve (noise must not pass for a minimum): the lowest point before
 * g(r) rises again by 3% of the peak's depth (at least 0.03: water's shallow O–O minimum counts,
 * smoothed noise does not); where the bottom is flat (an empty gap between shells), the middle of
 * the flat stretch. Its g is the histogram's there. A minimum above SHALLOW_MIN_G is noted: the
 * first shell then runs into the second, and a coordination number counted at it depends on
 * where exactly the cutoff falls.
 */
export const RISE_FRACTION = 0.03;
export const RISE_MIN = 0.03;
export const SHALLOW_MIN_G = 0.6;

export const SHELL_METHOD =
  `first peak: the highest histogram bin near the maximum of g(r) smoothed over ${SMOOTHING_A} Å, refined by a parabola through it and its neighbours; ` +
  `first minimum: located on g(r) smoothed over ${SMOOTHING_A} Å (noise must not pass for a minimum), its g read from the histogram`;

export function firstShell(rA: Float64Array, g: Float64Array, dr: number, notes: string[] = []): { peak: ShellPoint | null; min: ShellPoint | null } {
  const s = smooth(g, dr);
  let top = 0;
  for (let i = 1; i < s.length; i++) if (s[i] > s[top]) top = i;
  if (s.length === 0 || s[top] < 1.2) {
    notes.push('g(r) never rises above 1.2: no coordination shell to speak of');
    return { peak: null, min: null };
  }
  const threshold = 1 + 0.2 * (s[top] - 1);
  let p = 0;
  while (p < s.length && s[p] < threshold) p++;
  while (p + 1 < s.length && s[p + 1] >= s[p]) p++;
  const peak = histogramPeak(rA, g, dr, p);
  let m = p;
  let i = p + 1;
  for (; i < s.length; i++) {
    if (s[i] < s[m]) m = i;
    else if (s[i] - s[m] > Math.max(RISE_FRACTION * (s[p] - s[m]), RISE_MIN)) break;
  }
  if (i >= s.length) {
    notes.push(`g(r) does not rise again after its minimum before r_max = ${(rA[rA.length - 1] + dr / 2).toFixed(2)} Å: the first minimum may lie beyond; give a larger --rmax`);
    return { peak, min: null };
  }
  // The flat bottom: neighbours within 2% of the depth of the lowest point.
  const flat = s[m] + 0.02 * (s[p] - s[m]);
  let lo = m, hi = m;
  while (lo - 1 > p && s[lo - 1] <= flat) lo--;
  while (hi + 1 < s.length && s[hi + 1] <= flat) hi++;
  const mid = Math.round((lo + hi) / 2);
  if (s[mid] > SHALLOW_MIN_G) {
    notes.push(
      `the first minimum is shallow (g = ${s[mid].toFixed(2)} at ${rA[mid].toFixed(2)} Å): the first shell runs into the second, and the coordination number counted there depends on where exactly the cutoff falls`,
    );
  }
  return { peak, min: { rA: rA[mid], g: g[mid] } };
}

/** The peak of the histogram near bin p of the smoothed curve: its highest bin, refined by a parabola. */
function histogramPeak(rA: Float64Array, g: Float64Array, dr: number, p: number): ShellPoint {
  const reach = Math.max(1, Math.ceil(SMOOTHING_A / dr));
  let b = p;
  for (let k = Math.max(0, p - reach); k <= Math.min(g.length - 1, p + reach); k++) if (g[k] > g[b]) b = k;
  if (b === 0 || b === g.length - 1) return { rA: rA[b], g: g[b] };
  const l = g[b - 1], c = g[b], r = g[b + 1];
  const curvature = l - 2 * c + r;
  if (!(curvature < 0)) return { rA: rA[b], g: c };
  const offset = Math.max(-0.5, Math.min(0.5, (l - r) / (2 * curvature)));
  return { rA: rA[b] + offset * dr, g: c - ((l - r) * (l - r)) / (8 * curvature) };
}

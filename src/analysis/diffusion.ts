import { CM2_PER_S_PER_A2_PER_PS } from '../model/units.js';
import type { MsdCurve } from './msd.js';

/**
 * Diffusion coefficients from the Einstein relation, D = slope(MSD vs t) / 6 in three dimensions,
 * with a fit window chosen from the data and a standard error that accounts for the correlation
 * between lags.
 */
export interface FitWindow {
  fromPs: number;
  toPs: number;
  /** Lag indices [from, to], inclusive. */
  from: number;
  to: number;
  auto: boolean;
}

export interface LineFit {
  slope: number;
  intercept: number;
  points: number;
}

/** Ordinary least squares y = slope·x + intercept over indices [i0, i1]. */
export function linearFit(x: ArrayLike<number>, y: ArrayLike<number>, i0: number, i1: number): LineFit {
  let sx = 0, sy = 0;
  const n = i1 - i0 + 1;
  for (let i = i0; i <= i1; i++) {
    sx += x[i];
    sy += y[i];
  }
  const mx = sx / n, my = sy / n;
  let sxx = 0, sxy = 0;
  for (let i = i0; i <= i1; i++) {
    sxx += (x[i] - mx) * (x[i] - mx);
    sxy += (x[i] - mx) * (y[i] - my);
  }
  const slope = sxx > 0 ? sxy / sxx : NaN;
  return { slope, intercept: my - slope * mx, points: n };
}

/** Slope of log MSD against log t over [i0, i1] (1 for diffusion, 2 for ballistic motion). */
export function logLogSlope(curve: MsdCurve, i0: number, i1: number): number {
  const lx: number[] = [], ly: number[] = [];
  for (let i = Math.max(1, i0); i <= i1; i++) {
    if (curve.msdA2[i] > 0) {
      lx.push(Math.log(curve.lagPs[i]));
      ly.push(Math.log(curve.msdA2[i]));
    }
  }
  return lx.length >= 2 ? linearFit(lx, ly, 0, lx.length - 1).slope : NaN;
}

/**
 * The fit starts where the local log–log slope has come within this of 1: past the ballistic
 * start (slope 2) and past the sub-diffusive stretch of an ion rattling in its solvation cage
 * (slope well below 1), both of which would bias D.
 */
export const LOCAL_SLOPE_TOLERANCE = 0.15;
/** Lags past this fraction of the run have few independent origins and are not fitted. */
export const MAX_LAG_FRACTION = 0.5;

/**
 * The fit window from the data. It ends at half the run: past that, few independent time
 * origins remain and the MSD gets noisy. Its start is the earliest lag (on a logarithmic grid up
 * to a quarter of the run) where the motion has become diffusive — local log–log slope
 * log₂(MSD(2t)/MSD(t)) within 1 ± 0.15 there and for two octaves of lag after, which puts it
 * past the ballistic start and past any caged, sub-diffusive stretch — and from which the MSD is
 * linear to the end of the window: log–log slope over the window within 1 ± 0.1. If no start
 * qualifies (a run too short to reach the diffusive regime, or caged ions), the start whose window
 * is closest to linear is used and a note says so.
 */
export function autoWindow(curve: MsdCurve): { window: FitWindow; notes: string[] } {
  const notes: string[] = [];
  const last = Math.floor((curve.frames - 1) * MAX_LAG_FRACTION);
  if (last < 2) throw new RangeError('too few frames to fit an MSD (need at least 5)');
  const candidates = new Set<number>();
  const maxStart = Math.max(1, Math.floor(last / 2));
  for (let k = 0; k <= 40; k++) candidates.add(Math.max(1, Math.round(Math.pow(maxStart, k / 40))));
  const sorted = [...candidates].sort((a, b) => a - b);
  const localSlope = (m: number) => {
    const a = curve.msdA2[m], b = curve.msdA2[2 * m];
    return a > 0 && b > 0 ? Math.log2(b / a) : NaN;
  };
  const inBand = sorted.map((m) => Math.abs(localSlope(m) - 1) <= LOCAL_SLOPE_TOLERANCE);
  let best = -1;
  let bestDev = Infinity;
  for (let k = 0; k < sorted.length; k++) {
    const m = sorted[k];
    // Diffusive from m on: the local slope stays near 1 for two octaves of lag (or to the last
    // start), so that a slope passing through 1 on its way from 2 down into a cage does not count.
    let stays = true;
    for (let j = k; j < sorted.length && sorted[j] <= 4 * m; j++) stays &&= inBand[j];
    const dev = Math.abs(logLogSlope(curve, m, last) - 1);
    if (stays && dev <= LINEAR_TOLERANCE) {
      return { window: windowOf(curve, m, last, true), notes };
    }
    if (Number.isFinite(dev) && dev < bestDev) {
      bestDev = dev;
      best = m;
    }
  }
  if (best < 0) best = maxStart;
  const slope = logLogSlope(curve, best, last);
  notes.push(
    `the MSD does not become diffusive (log–log slope steadily near 1) over any window ending at half the run; the closest, from ${Number(curve.lagPs[best].toPrecision(6))} ps, has log–log slope ${slope.toFixed(2)}: ` +
      'the run may be too short to reach the diffusive regime, so D is uncertain beyond its error bar',
  );
  return { window: windowOf(curve, best, last, true), notes };
}

/** How far from 1 the log–log slope over an automatic window may be. */
export const LINEAR_TOLERANCE = 0.1;

function windowOf(curve: MsdCurve, from: number, to: number, auto: boolean): FitWindow {
  return { from, to, fromPs: curve.lagPs[from], toPs: curve.lagPs[to], auto };
}

/** The window of `--fit T0:T1` (ps), snapped to the lags the data has. */
export function windowFromTimes(curve: MsdCurve, fromPs: number, toPs: number): FitWindow {
  const dt = curve.lagPs[1] - curve.lagPs[0];
  // Times stored as float32 (XTC, TRR) give dt = 0.20000000298 ps for 0.2: the 20 ps lag is then
  // 99.9999985 lags away, and must still count as lag 100.
  const snap = (lags: number) => Math.min(0.01, Math.max(1e-9, 1e-6 * Math.abs(lags)));
  const from = Math.max(1, Math.ceil(fromPs / dt - snap(fromPs / dt)));
  const to = Math.min(curve.frames - 1, Math.floor(toPs / dt + snap(toPs / dt)));
  if (!(to > from)) {
    throw new RangeError(
      `the fit window ${fromPs}–${toPs} ps holds fewer than two lags of this run (lags ${dt} ps apart, up to ${curve.lagPs[curve.frames - 1]} ps)`,
    );
  }
  return windowOf(curve, from, to, false);
}

/**
 * The window of `--fit T0:T1` as asked, held inside the run: a window that runs past the last
 * lag with two time origins is cut there, and one reaching past half the run (where few
 * independent origins remain) is fitted as asked; both with a note, which the report shows.
 */
export function requestedWindow(curve: MsdCurve, fromPs: number, toPs: number): { window: FitWindow; notes: string[] } {
  const notes: string[] = [];
  const last = curve.frames >= 2 ? curve.lagPs[Math.max(1, curve.frames - 2)] : 0;
  const dt = curve.lagPs[1] - curve.lagPs[0];
  let to = toPs;
  if (toPs > last + 1e-9 * dt) {
    notes.push(`the fit window ${fromPs}–${toPs} ps runs past the end of the run: fitted up to ${Number(last.toPrecision(6))} ps instead, the last lag with two time origins`);
    to = last;
  }
  const window = windowFromTimes(curve, fromPs, to);
  const half = (curve.frames - 1) * dt * MAX_LAG_FRACTION;
  if (window.toPs > half * (1 + 1e-9)) {
    notes.push(`the fit window reaches lags past half the run (${Number(half.toPrecision(6))} ps), where few independent time origins remain: D is noisier there, and its standard error is less reliable`);
  }
  return { window, notes };
}

export interface Diffusion {
  window: FitWindow;
  /** Mean log–log slope of the MSD over the window (1 for normal diffusion). */
  logLogSlope: number;
  dA2PerPs: number;
  /** Standard error of D, Å²/ps. */
  stderrA2PerPs: number;
  /** How the standard error was estimated. */
  method: string;
  notes: string[];
}

/** The three units papers use. */
export function dUnits(dA2PerPs: number): { A2_per_ps: number; A2_per_ns: number; cm2_per_s: number } {
  return { A2_per_ps: dA2PerPs, A2_per_ns: dA2PerPs * 1e3, cm2_per_s: dA2PerPs * CM2_PER_S_PER_A2_PER_PS };
}

export const STDERR_METHOD =
  'least-squares slope error with the covariance of MSD values of independent particles in Brownian motion ' +
  '(all time origins; Cov[MSD(t1), MSD(t2)] = 24 D² (t1² t2 − t1³/3) / (N (T − t2)) for t1 ≤ t2)';

/**
 * Variance of the least-squares slope of the MSD over the window, given the covariance of the
 * MSD at different lags. Successive lags of one MSD share most of their displacements, so they
 * are strongly correlated, and the textbook error of a straight-line fit — which treats them as
 * independent — is far too small. For N independent particles in Brownian motion with diffusion
 * coefficient D, averaged over all time origins of a run whose origins for lag t span T − t, the
 * MSD at lags t1 ≤ t2 has (in 3-D, to leading order in t/T)
 *
 *   Cov[MSD(t1), MSD(t2)] = 24 D² (t1² t2 − t1³/3) / (N (T − t2)),
 *
 * from Cov(X², Y²) = 2 Cov(X, Y)² for Gaussian displacements and the overlap of the two time
 * intervals (for t1 = t2 this is Qian, Sheetz & Elson's (4/9)·MSD²·t/T). The slope's variance is
 * wᵀΣw with w the least-squares weights; Σ is a sum of two separable terms, so the double sum
 * takes O(L) with running sums instead of O(L²).
 */
export function slopeVariance(lagPs: ArrayLike<number>, i0: number, i1: number, spanPs: number, dA2PerPs: number, particles: number): number {
  let mean = 0;
  for (let i = i0; i <= i1; i++) mean += lagPs[i];
  mean /= i1 - i0 + 1;
  let sxx = 0;
  for (let i = i0; i <= i1; i++) sxx += (lagPs[i] - mean) ** 2;
  const k = (24 * dA2PerPs * dA2PerPs) / particles;
  // Σ_ij (i ≤ j) = k · [a_i·b_j − c_i·e_j] with a = t², c = t³/3, b = t/(T − t), e = 1/(T − t).
  let sumWA = 0, sumWC = 0, q = 0;
  for (let j = i0; j <= i1; j++) {
    const t = lagPs[j];
    const w = (t - mean) / sxx;
    const rest = spanPs - t;
    const b = t / rest, e = 1 / rest, a = t * t, c = (t * t * t) / 3;
    q += 2 * w * (b * sumWA - e * sumWC); // pairs i < j
    q += w * w * (a * b - c * e); // i = j
    sumWA += w * a;
    sumWC += w * c;
  }
  return Math.max(0, k * q);
}

/**
 * D from the whole run's MSD over the window (slope / 6), and its standard error: the variance
 * of that same least-squares slope under the Brownian covariance of the MSD (slopeVariance),
 * evaluated at the fitted D. A short run or a single ion gives a wide error; the estimate
 * assumes independent particles with Gaussian displacements, so strongly correlated or hopping
 * motion can make the true error larger.
 */
export function diffusion(curve: MsdCurve, window: FitWindow, dtPs: number, notes: string[] = []): Diffusion {
  const fit = linearFit(curve.lagPs, curve.msdA2, window.from, window.to);
  const d = fit.slope / 6;
  const alpha = logLogSlope(curve, window.from, window.to);
  const out: Diffusion = { window, logLogSlope: alpha, dA2PerPs: d, stderrA2PerPs: 0, method: STDERR_METHOD, notes: [...notes] };
  if (window.auto ? notes.length === 0 && Math.abs(alpha - 1) > LINEAR_TOLERANCE : Math.abs(alpha - 1) > 0.25) {
    out.notes.push(`the log–log slope of the MSD over the fit window is ${alpha.toFixed(2)}, not 1: the motion there is ${alpha < 1 ? 'sub' : 'super'}-diffusive, and D describes it only roughly`);
  }
  if (!(d > 0)) {
    out.notes.push('the MSD does not grow over the fit window: no diffusion to measure');
    return out;
  }
  const span = (curve.frames - 1) * dtPs;
  out.stderrA2PerPs = Math.sqrt(slopeVariance(curve.lagPs, window.from, window.to, span, d, curve.particles)) / 6;
  if (!(out.stderrA2PerPs > 0) || !Number.isFinite(out.stderrA2PerPs)) {
    out.stderrA2PerPs = NaN;
    out.notes.push('no standard error: the Brownian covariance of the MSD cannot be evaluated over this window (it needs lags shorter than the run)');
  }
  return out;
}

/**
 * The cation transference number from the Nernst–Einstein picture, t⁺ = D⁺/(D⁺ + D⁻), with
 * its standard error by propagation (ion correlations are ignored, as the estimate itself does).
 */
export function transferenceNumber(dPlus: number, sPlus: number | null, dMinus: number, sMinus: number | null): { t: number; stderr: number | null } {
  const sum = dPlus + dMinus;
  const t = dPlus / sum;
  if (sPlus === null || sMinus === null) return { t, stderr: null };
  const dtdp = dMinus / (sum * sum);
  const dtdm = -dPlus / (sum * sum);
  return { t, stderr: Math.sqrt(dtdp * dtdp * sPlus * sPlus + dtdm * dtdm * sMinus * sMinus) };
}

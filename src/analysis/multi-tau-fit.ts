import { LINEAR_TOLERANCE, LOCAL_SLOPE_TOLERANCE, logLogSlope, MAX_LAG_FRACTION, type FitWindow } from './diffusion.js';
import type { MsdCurve } from './msd.js';

/**
 * Fit windows on a multiple-tau MSD, whose lags are not evenly spaced (0 … p−1 frames, then p/2
 * … p−1 times 2, 4, 8 …): the rules of diffusion.ts's autoWindow and requestedWindow, stated in
 * lag times rather than lag indices. `curve.frames` is the run's frame count.
 */
export function multiTauAutoWindow(curve: MsdCurve): { window: FitWindow; notes: string[] } {
  const notes: string[] = [];
  const lags = curve.lagPs;
  const dt = lags[1] - lags[0];
  const half = (curve.frames - 1) * dt * MAX_LAG_FRACTION;
  const last = lastAtOrBelow(lags, half);
  if (last < 2) throw new RangeError('too few frames to fit an MSD (need at least 5)');
  const byLag = new Map<number, number>();
  lags.forEach((t, i) => byLag.set(Math.round(t / dt), i));
  const localSlope = (i: number) => {
    const j = byLag.get(2 * Math.round(lags[i] / dt));
    const a = curve.msdA2[i], b = j === undefined ? NaN : curve.msdA2[j];
    return a > 0 && b > 0 ? Math.log2(b / a) : NaN;
  };
  const maxStart = lastAtOrBelow(lags, lags[last] / 2);
  let best = -1;
  let bestDev = Infinity;
  for (let i = 1; i <= Math.max(1, maxStart); i++) {
    let stays = true;
    for (let j = i; j <= maxStart && lags[j] <= 4 * lags[i]; j++) stays &&= Math.abs(localSlope(j) - 1) <= LOCAL_SLOPE_TOLERANCE;
    const dev = Math.abs(logLogSlope(curve, i, last) - 1);
    if (stays && dev <= LINEAR_TOLERANCE) return { window: windowOf(curve, i, last, true), notes };
    if (Number.isFinite(dev) && dev < bestDev) {
      bestDev = dev;
      best = i;
    }
  }
  if (best < 0) best = Math.max(1, maxStart);
  notes.push(
    `the MSD does not become diffusive (log–log slope steadily near 1) over any window ending at half the run; the closest, from ${Number(lags[best].toPrecision(6))} ps, has log–log slope ${logLogSlope(curve, best, last).toFixed(2)}: ` +
      'the run may be too short to reach the diffusive regime, so D is uncertain beyond its error bar',
  );
  return { window: windowOf(curve, best, last, true), notes };
}

/** `--fit T0:T1` on a multiple-tau MSD: the lags inside the window (cut at the run's end, with a note). */
export function multiTauRequestedWindow(curve: MsdCurve, fromPs: number, toPs: number): { window: FitWindow; notes: string[] } {
  const notes: string[] = [];
  const lags = curve.lagPs;
  const dt = lags[1] - lags[0];
  const end = lags[lags.length - 1];
  let to = toPs;
  if (toPs > end + 1e-9 * dt) {
    notes.push(`the fit window ${fromPs}–${toPs} ps runs past the longest lag of the run: fitted up to ${Number(end.toPrecision(6))} ps instead`);
    to = end;
  }
  const i0 = Math.max(1, lags.findIndex((t) => t >= fromPs - 1e-9 * dt));
  const i1 = lastAtOrBelow(lags, to + 1e-9 * dt);
  if (!(i0 > 0 && i1 > i0)) throw new RangeError(`the fit window ${fromPs}–${toPs} ps holds fewer than two lags of this run's multiple-tau MSD (up to ${end} ps)`);
  const half = (curve.frames - 1) * dt * MAX_LAG_FRACTION;
  if (lags[i1] > half * (1 + 1e-9)) {
    notes.push(`the fit window reaches lags past half the run (${Number(half.toPrecision(6))} ps), where few independent time origins remain: D is noisier there, and its standard error is less reliable`);
  }
  return { window: windowOf(curve, i0, i1, false), notes };
}

/**
 * How D's standard error is found on a multiple-tau MSD: the same Brownian covariance as for the
 * FFT MSD, over the lags fitted. It assumes every time origin; a level's origins are at most
 * 2t/p apart at lag t, and for Brownian motion origins that close carry nearly the information of
 * all of them, so the error is underestimated by a few per cent at most.
 */
export const MULTI_TAU_STDERR_METHOD =
  'least-squares slope error with the covariance of MSD values of independent particles in Brownian motion, ' +
  'over the multiple-tau lags fitted (as for all time origins: Cov[MSD(t1), MSD(t2)] = 24 D² (t1² t2 − t1³/3) / (N (T − t2)) for t1 ≤ t2; ' +
  'the origins every 2^k frames at lag t ≥ 2^(k+3) frames carry nearly the same information)';

function lastAtOrBelow(lags: Float64Array, t: number): number {
  let i = 0;
  while (i + 1 < lags.length && lags[i + 1] <= t) i++;
  return i;
}

function windowOf(curve: MsdCurve, from: number, to: number, auto: boolean): FitWindow {
  return { from, to, fromPs: curve.lagPs[from], toPs: curve.lagPs[to], auto };
}

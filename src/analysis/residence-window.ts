import { InputError } from '../model/errors.js';
import { bridgeGaps, clipRuns, eventFrames, joinRuns, measure, pairsByCation, wholeRegion, type Region, type ResidenceTotals, type StayRuns } from './residence-runs.js';

/**
 * A residence state of bounded size: the numbers of residence.ts exact at lags up to L frames,
 * for a tolerance k and an exchange window w fixed in advance, from a state whose size does not
 * grow with the run.
 *
 * Every number residence.ts reports is a sum over time of terms that see the 0/1 series a(t) of
 * a pair only within a short reach: a(t)a(t+τ) spans τ ≤ L frames; Π b(s) over [t, t+τ] spans
 * L frames of the bridged series b, and b(t) depends on a within k frames; a stay after
 * bridging, and its frames, are counted at its first frame and at each frame. For such a sum F
 * and two consecutive ranges A and B, every term of the whole that is not a term of A alone or
 * of B alone lies within L + 2k frames of the cut, and so
 *     F(A ∪ B) = F(A) + F(B) + F(tail A ∪ head B) − F(tail A) − F(head B)
 * exactly, term by term, for a tail of A and a head of B each at least L + 2k frames long (or
 * all of it), each taken as a run of its own (inclusion–exclusion; all terms are integers, so
 * the float sums are exact below 2⁵³).
 *
 * Exchanges are not such a sum: departures take arrivals in time order, so who takes which can
 * in principle cascade along a dense chain of events. But at a frame x with no event of a cation
 * in [x − w, x) (a *cut*), nothing before x can pair with anything after it, and the matching
 * falls apart into independent pieces there. So per cation the head is extended to the first
 * cut at least M = L + 2k + w + 2 frames in (M keeps the events around it clear of what bridging
 * at the range's start can change), plus k frames so that the events before the cut are known;
 * the tail likewise back from M frames before the end. Merging recounts the exchanges between
 * the tail's cut and the head's cut, and the same inclusion–exclusion holds per cation.
 *
 * The state of a range is then, per cation, only the stays within its head [0, headEnd) and its
 * tail [tailStart, frames) (cut to them), with the range's own totals — each as if the range were
 * the whole run: sums at lags 0 … min(L, frames − 1), exchange counts, stays and their frames. A
 * cation whose head reaches its tail keeps every stay (headEnd = frames, tailStart = 0): then
 * merging is the exact concatenation of residence.ts. The head and tail are fixed by the series
 * (the first cut after M, the last before frames − M), so the state of a run does not depend on
 * where it was cut into ranges: merges are pure, associative and exact.
 *
 * Size: per cation, the stays of the partners met within its head and tail, 2(M + k) frames and
 * the few frames to a cut (with w = 2 frames a cut is two quiet frames; a cation that never has
 * one keeps its whole range — bounded by the run, not by M, in that case only), plus per kind
 * 2·8 bytes per lag, independent of the run's length.
 */
export interface WindowParams {
  /** L: sums are kept at lags 0 … L frames. */
  maxLagFrames: number;
  /** k: absences of at most k frames are bridged for S(τ), stays and exchanges. */
  toleranceFrames: number;
  /** w: an exchange pairs a departure and an arrival at most w frames apart. */
  exchangeWindowFrames: number;
}

export interface ResidenceWindow extends WindowParams {
  /** Per cation, the kept stays lie in [0, headEnd) and [tailStart, frames); headEnd ≥ tailStart: all are kept. */
  headEnd: Int32Array;
  tailStart: Int32Array;
  /** The range's totals, as if it were the whole run, at lags 0 … min(L + 1, frames) − 1. */
  totals: ResidenceTotals;
}

/** M: how far past a range's start a head's cut lies at least (and before its end, a tail's). */
export function windowReach(p: WindowParams): number {
  return p.maxLagFrames + 2 * p.toleranceFrames + p.exchangeWindowFrames + 2;
}

export function lagsOf(p: WindowParams, frames: number): number {
  return Math.min(p.maxLagFrames + 1, frames);
}

export function emptyTotals(kinds: number, lags: number): ResidenceTotals {
  return {
    lags,
    intermittent: new Float64Array(kinds * lags),
    continuous: new Float64Array(kinds * lags),
    exchanges: new Float64Array(kinds * kinds),
    stays: new Float64Array(kinds),
    stayFrames: new Float64Array(kinds),
  };
}

/** Σ sign·x over totals of fewer or as many lags, into totals of `lags` lags. */
function combine(kinds: number, lags: number, terms: [ResidenceTotals, number][]): ResidenceTotals {
  const out = emptyTotals(kinds, lags);
  for (const [t, sign] of terms) {
    const n = Math.min(t.lags, lags);
    for (let k = 0; k < kinds; k++) {
      for (let tau = 0; tau < n; tau++) {
        out.intermittent[k * lags + tau] += sign * t.intermittent[k * t.lags + tau];
        out.continuous[k * lags + tau] += sign * t.continuous[k * t.lags + tau];
      }
    }
    for (let i = 0; i < out.exchanges.length; i++) out.exchanges[i] += sign * t.exchanges[i];
    for (let k = 0; k < kinds; k++) {
      out.stays[k] += sign * t.stays[k];
      out.stayFrames[k] += sign * t.stayFrames[k];
    }
  }
  return out;
}

/** The first cut x, from ≤ x ≤ limit, among sorted event frames (null: none). */
function firstCut(events: number[], from: number, limit: number, w: number): number | null {
  let x = from, i = 0;
  while (x <= limit) {
    while (i < events.length && events[i] < x - w) i++;
    let last = -1;
    for (let j = i; j < events.length && events[j] < x; j++) last = events[j];
    if (last < 0) return x;
    x = last + w + 1;
  }
  return null;
}

/** The last cut y, floor ≤ y ≤ from, among sorted event frames (null: none). */
function lastCut(events: number[], from: number, floor: number, w: number): number | null {
  let y = from, i = events.length - 1;
  while (y >= floor) {
    while (i >= 0 && events[i] >= y) i--;
    let first = -1;
    for (let j = i; j >= 0 && events[j] >= y - w; j--) first = events[j];
    if (first < 0) return y;
    y = first;
  }
  return null;
}

export interface WindowedRuns {
  runs: StayRuns;
  window: ResidenceWindow;
}

const complete = (w: ResidenceWindow, c: number) => w.headEnd[c] >= w.tailStart[c];

/**
 * Heads and tails of the range `known` spans, and its stays cut to them. Per cation, `head` /
 * `tail` give an inherited bound, or null to search `region`'s events (exact on
 * [trustFrom, trustTo)) for the cut.
 */
function settle(
  p: WindowParams,
  known: StayRuns,
  region: Region,
  trustFrom: Int32Array,
  trustTo: Int32Array,
  head: (c: number) => number | null,
  tail: (c: number) => number | null,
  totals: ResidenceTotals,
): WindowedRuns {
  const T = known.frames, nc = known.cations;
  const M = windowReach(p), k = p.toleranceFrames, w = p.exchangeWindowFrames;
  const headEnd = new Int32Array(nc), tailStart = new Int32Array(nc);
  const bridged = bridgeGaps(region.runs, k);
  const at = pairsByCation(region.runs);
  for (let c = 0; c < nc; c++) {
    let h = head(c), t = tail(c);
    if (h === null || t === null) {
      const events = eventFrames(region, bridged, at, c).filter((f) => f >= trustFrom[c] && f < trustTo[c]);
      if (h === null) {
        const x = firstCut(events, M, trustTo[c], w);
        h = x === null ? T : x + k;
      }
      if (t === null) {
        const y = T - M >= 0 ? lastCut(events, T - M, trustFrom[c], w) : null;
        t = y === null ? 0 : y - k - 1;
      }
    }
    if (h >= t) [h, t] = [T, 0];
    headEnd[c] = h;
    tailStart[c] = t;
  }
  const runs = clipRuns(known, (c) => (headEnd[c] >= tailStart[c] ? [0, T] : [0, headEnd[c], tailStart[c], T]));
  return { runs, window: { ...p, headEnd, tailStart, totals } };
}

export function emptyWindowed(kinds: string[], cations: number, p: WindowParams): WindowedRuns {
  const runs: StayRuns = {
    kinds: [...kinds],
    cations,
    frames: 0,
    pairCation: new Int32Array(0),
    pairPartner: new Int32Array(0),
    pairKind: new Int32Array(0),
    pairRuns: new Int32Array(1),
    runStart: new Int32Array(0),
    runEnd: new Int32Array(0),
  };
  return { runs, window: { ...p, headEnd: new Int32Array(cations), tailStart: new Int32Array(cations), totals: emptyTotals(kinds.length, 0) } };
}

/** The bounded state of a range whose every stay is given. */
export function windowOf(full: StayRuns, p: WindowParams): WindowedRuns {
  const region = wholeRegion(full);
  const totals = measure(region, lagsOf(p, full.frames), p.toleranceFrames, p.exchangeWindowFrames);
  return settle(p, full, region, region.lo, region.hi, () => null, () => null, totals);
}

export function sameParams(a: WindowParams, b: WindowParams): boolean {
  return a.maxLagFrames === b.maxLagFrames && a.toleranceFrames === b.toleranceFrames && a.exchangeWindowFrames === b.exchangeWindowFrames;
}

/** The bounded state of range a followed by range b (pure: neither input changes). */
export function mergeWindowed(a: WindowedRuns, b: WindowedRuns): WindowedRuns {
  const p = a.window;
  if (!sameParams(p, b.window)) {
    throw new InputError(`residence: cannot merge states kept for other lags or tolerances (L ${p.maxLagFrames}, k ${p.toleranceFrames}, w ${p.exchangeWindowFrames} frames vs ${b.window.maxLagFrames}, ${b.window.toleranceFrames}, ${b.window.exchangeWindowFrames})`);
  }
  const Ta = a.runs.frames, Tb = b.runs.frames, nc = a.runs.cations, nk = a.runs.kinds.length;
  const k = p.toleranceFrames;
  // Per cation: the seam runs from a's tail (or all of a) to b's head (or all of b); exchanges
  // are recounted between the cuts that bound them.
  const lo = new Int32Array(nc), hiB = new Int32Array(nc), from = new Int32Array(nc), to = new Int32Array(nc);
  for (let c = 0; c < nc; c++) {
    const ca = complete(a.window, c), cb = complete(b.window, c);
    lo[c] = ca ? 0 : a.window.tailStart[c];
    from[c] = ca ? 0 : a.window.tailStart[c] + k + 1;
    hiB[c] = cb ? Tb : b.window.headEnd[c];
    to[c] = Ta + (cb ? Tb : b.window.headEnd[c] - k);
  }
  const known = joinRuns(a.runs, b.runs);
  const hiSeam = hiB.map((h) => Ta + h);
  const seam: Region = { runs: clipRuns(known, (c) => [lo[c], hiSeam[c]]), lo, hi: hiSeam };
  const tailA: Region = { runs: clipRuns(a.runs, (c) => [lo[c], Ta]), lo, hi: new Int32Array(nc).fill(Ta) };
  const headB: Region = { runs: clipRuns(b.runs, (c) => [0, hiB[c]], Ta, Ta + Tb), lo: new Int32Array(nc).fill(Ta), hi: hiSeam };
  const lags = lagsOf(p, Ta + Tb);
  const m = (r: Region) => measure(r, lags, k, p.exchangeWindowFrames, from, to);
  const totals = combine(nk, lags, [
    [a.window.totals, 1],
    [b.window.totals, 1],
    [m(seam), 1],
    [m(tailA), -1],
    [m(headB), -1],
  ]);
  return settle(
    p,
    known,
    seam,
    from,
    to,
    (c) => (complete(a.window, c) ? null : a.window.headEnd[c]),
    (c) => (complete(b.window, c) ? null : Ta + b.window.tailStart[c]),
    totals,
  );
}

import { InputError } from '../model/errors.js';

/**
 * The stays of (cation, partner) pairs in shells as runs of frames, and the numbers residence.ts
 * reports computed from them: the sums behind C(τ) and S(τ), stays, and exchange counts (the
 * definitions are in residence.ts). Each is computed over a *region*: per cation a span of frames
 * [lo, hi) taken as if it were a whole run (an arrival needs a frame before it inside, a
 * departure a frame after it), so that the same functions measure a whole run, one range of it,
 * or the frames around the cut between two ranges (residence-window.ts).
 */
export interface StayRuns {
  kinds: string[];
  cations: number;
  frames: number;
  /** Pairs in ascending (cation, partner) order. */
  pairCation: Int32Array;
  pairPartner: Int32Array;
  pairKind: Int32Array;
  /** Runs of pair i are [pairRuns[i], pairRuns[i+1]) in runStart/runEnd, in time order. */
  pairRuns: Int32Array;
  /** First frame of each stay and the first frame after it; stays of a pair neither overlap nor touch. */
  runStart: Int32Array;
  runEnd: Int32Array;
}

export interface BridgedRuns {
  pairRuns: Int32Array;
  runStart: Int32Array;
  runEnd: Int32Array;
}

/** Stays and the span of frames, per cation, that they are measured over. */
export interface Region {
  runs: StayRuns;
  lo: Int32Array;
  hi: Int32Array;
}

/** Per kind: Σ_t a(t)a(t+τ) and Σ_t Π a over [t, t+τ] at lags 0 … lags−1 ([kind·lags + τ]), exchanges [from·kinds + to], stays and their frames (after bridging). */
export interface ResidenceTotals {
  lags: number;
  intermittent: Float64Array;
  continuous: Float64Array;
  exchanges: Float64Array;
  stays: Float64Array;
  stayFrames: Float64Array;
}

export function wholeRegion(runs: StayRuns): Region {
  return { runs, lo: new Int32Array(runs.cations), hi: new Int32Array(runs.cations).fill(runs.frames) };
}

/** Where each cation's pairs begin: pairs of cation c are [at[c], at[c+1]). */
export function pairsByCation(s: StayRuns): Int32Array {
  const at = new Int32Array(s.cations + 1);
  for (let i = 0; i < s.pairCation.length; i++) at[s.pairCation[i] + 1]++;
  for (let c = 0; c < s.cations; c++) at[c + 1] += at[c];
  return at;
}

/** A growable Int32Array. */
export class IntList {
  data = new Int32Array(64);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = new Int32Array(2 * this.data.length);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }
  take(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

/** Builds a StayRuns pair by pair, in (cation, partner) order. */
export class RunsBuilder {
  private readonly cation = new IntList();
  private readonly partner = new IntList();
  private readonly kind = new IntList();
  private readonly bounds = new IntList();
  private readonly start = new IntList();
  private readonly end = new IntList();

  constructor() {
    this.bounds.push(0);
  }

  /** Adds a run to the pair begun last (true), or begins a pair with it. */
  run(cation: number, partner: number, kind: number, s: number, e: number): void {
    const n = this.cation.length;
    if (n === 0 || this.cation.data[n - 1] !== cation || this.partner.data[n - 1] !== partner) {
      this.cation.push(cation);
      this.partner.push(partner);
      this.kind.push(kind);
      this.bounds.push(this.start.length);
    }
    const r = this.start.length;
    if (r > this.bounds.data[this.cation.length - 1] && this.end.data[r - 1] === s) {
      this.end.data[r - 1] = e; // one stay across a cut
    } else {
      this.start.push(s);
      this.end.push(e);
    }
    this.bounds.data[this.cation.length] = this.start.length;
  }

  build(kinds: string[], cations: number, frames: number): StayRuns {
    return {
      kinds: [...kinds],
      cations,
      frames,
      pairCation: this.cation.take(),
      pairPartner: this.partner.take(),
      pairKind: this.kind.take(),
      pairRuns: this.bounds.take(),
      runStart: this.start.take(),
      runEnd: this.end.take(),
    };
  }
}

/**
 * The stays of a range followed by those of the next (shifted by the first's frames), pairs
 * matched by cation and partner, a stay that reaches the end of the first joined with one that
 * starts the second.
 */
export function joinRuns(a: StayRuns, b: StayRuns): StayRuns {
  const out = new RunsBuilder();
  const na = a.pairCation.length, nb = b.pairCation.length;
  const shift = a.frames;
  let i = 0, j = 0;
  while (i < na || j < nb) {
    const cmp = i >= na ? 1 : j >= nb ? -1 : a.pairCation[i] - b.pairCation[j] || a.pairPartner[i] - b.pairPartner[j];
    if (cmp === 0 && a.pairKind[i] !== b.pairKind[j]) throw new InputError('residence: cannot merge states whose partners differ in kind');
    if (cmp <= 0) {
      for (let s = a.pairRuns[i]; s < a.pairRuns[i + 1]; s++) out.run(a.pairCation[i], a.pairPartner[i], a.pairKind[i], a.runStart[s], a.runEnd[s]);
      i++;
    }
    if (cmp >= 0) {
      for (let s = b.pairRuns[j]; s < b.pairRuns[j + 1]; s++) out.run(b.pairCation[j], b.pairPartner[j], b.pairKind[j], shift + b.runStart[s], shift + b.runEnd[s]);
      j++;
    }
  }
  return out.build(a.kinds, a.cations, a.frames + b.frames);
}

/**
 * The stays cut to spans of frames per cation (spans(c): ascending, disjoint [from, to) pairs,
 * flattened), moved by `shift` frames; pairs left without a stay are dropped.
 */
export function clipRuns(s: StayRuns, spans: (c: number) => number[], shift = 0, frames = s.frames): StayRuns {
  const out = new RunsBuilder();
  let c = -1, span: number[] = [];
  for (let i = 0; i < s.pairCation.length; i++) {
    if (s.pairCation[i] !== c) {
      c = s.pairCation[i];
      span = spans(c);
    }
    for (let r = s.pairRuns[i]; r < s.pairRuns[i + 1]; r++) {
      for (let q = 0; q < span.length; q += 2) {
        const from = Math.max(s.runStart[r], span[q]), to = Math.min(s.runEnd[r], span[q + 1]);
        if (from < to) out.run(c, s.pairPartner[i], s.pairKind[i], from + shift, to + shift);
      }
    }
  }
  return out.build(s.kinds, s.cations, frames);
}

/** The pairs' stays after bridging absences of at most `tolerance` frames between two stays. */
export function bridgeGaps(s: { pairCation: Int32Array; pairRuns: Int32Array; runStart: Int32Array; runEnd: Int32Array }, tolerance: number): BridgedRuns {
  if (tolerance <= 0) return { pairRuns: s.pairRuns, runStart: s.runStart, runEnd: s.runEnd };
  const n = s.pairCation.length;
  const pairRuns = new Int32Array(n + 1);
  const runStart = new Int32Array(s.runStart.length), runEnd = new Int32Array(s.runStart.length);
  let r = 0;
  for (let i = 0; i < n; i++) {
    for (let q = s.pairRuns[i]; q < s.pairRuns[i + 1]; q++) {
      if (q > s.pairRuns[i] && s.runStart[q] - runEnd[r - 1] <= tolerance) {
        runEnd[r - 1] = s.runEnd[q];
        continue;
      }
      runStart[r] = s.runStart[q];
      runEnd[r++] = s.runEnd[q];
    }
    pairRuns[i + 1] = r;
  }
  return { pairRuns, runStart: runStart.slice(0, r), runEnd: runEnd.slice(0, r) };
}

/** Add ramp(τ − b) = max(0, τ − b), times w, at lags 0 … L−1, to the second differences d2 (length L + 1). */
function addRamp(d2: Float64Array, b: number, w: number): void {
  const L = d2.length - 1;
  if (b >= 0) {
    if (b + 1 < L) d2[b + 1] += w;
  } else {
    d2[0] -= w * b;
    if (L > 1) d2[1] += w * (1 + b);
  }
}

/** Values from second differences, in place (the first L entries). */
function integrateTwice(d2: Float64Array): void {
  let slope = 0, v = 0;
  for (let i = 0; i < d2.length; i++) {
    slope += d2[i];
    v += slope;
    d2[i] = v;
  }
}

/**
 * Σ_pairs Σ_t a(t)·a(t+τ) for τ = 0 … lags−1, per kind ([k·lags + τ]): over pairs of stays
 * (I, J) with J not before I, the overlap of I and J − τ, a trapezoid in τ with corners at
 * s_J − e_I, min(s_J − s_I, e_J − e_I), max(…), e_J − s_I.
 */
export function intermittentSums(s: StayRuns, lags: number): Float64Array {
  const nk = s.kinds.length;
  const out = new Float64Array(nk * lags);
  const d2 = new Float64Array(lags + 1);
  for (let k = 0; k < nk; k++) {
    d2.fill(0);
    for (let i = 0; i < s.pairCation.length; i++) {
      if (s.pairKind[i] !== k) continue;
      const r1 = s.pairRuns[i + 1];
      for (let p = s.pairRuns[i]; p < r1; p++) {
        const si = s.runStart[p], ei = s.runEnd[p];
        for (let q = p; q < r1; q++) {
          const sj = s.runStart[q], ej = s.runEnd[q];
          const t1 = sj - ei;
          if (t1 + 1 >= lags && t1 >= 0) break;
          const a = sj - si, b = ej - ei;
          addRamp(d2, t1, 1);
          addRamp(d2, Math.min(a, b), -1);
          addRamp(d2, Math.max(a, b), -1);
          addRamp(d2, ej - si, 1);
        }
      }
    }
    integrateTwice(d2);
    out.set(d2.subarray(0, lags), k * lags);
  }
  return out;
}

/** Σ over stays of max(0, L − τ), per kind: the continuous counterpart of intermittentSums. */
export function continuousSums(s: StayRuns, runs: BridgedRuns, lags: number): Float64Array {
  const nk = s.kinds.length;
  const out = new Float64Array(nk * lags);
  const d2 = new Float64Array(lags + 1);
  for (let k = 0; k < nk; k++) {
    d2.fill(0);
    for (let i = 0; i < s.pairCation.length; i++) {
      if (s.pairKind[i] !== k) continue;
      for (let p = runs.pairRuns[i]; p < runs.pairRuns[i + 1]; p++) {
        const len = runs.runEnd[p] - runs.runStart[p];
        addRamp(d2, -len, 1);
        addRamp(d2, 0, -2);
        addRamp(d2, len, 1);
      }
    }
    integrateTwice(d2);
    out.set(d2.subarray(0, lags), k * lags);
  }
  return out;
}

/**
 * Events are packed in one number, frame · 2²⁴ + the pair's rank among its cation's pairs (which
 * are in partner order), so that a typed sort puts them in time order, ties by partner.
 */
const RANK = 2 ** 24;

/**
 * Arrivals (a stay beginning after the region's first frame) and departures (one ending before
 * its end) at cation c, pairs [i0, i1), from bridged stays; each list in time order.
 */
function shellEvents(runs: BridgedRuns, i0: number, i1: number, lo: number, hi: number): { leaving: Float64Array; entering: Float64Array } {
  if (i1 - i0 >= RANK) throw new RangeError('internal: too many partners of one cation');
  let nl = 0, ne = 0;
  for (let p = runs.pairRuns[i0]; p < runs.pairRuns[i1]; p++) {
    if (runs.runStart[p] > lo) ne++;
    if (runs.runEnd[p] < hi) nl++;
  }
  const leaving = new Float64Array(nl), entering = new Float64Array(ne);
  nl = ne = 0;
  for (let i = i0; i < i1; i++) {
    for (let p = runs.pairRuns[i]; p < runs.pairRuns[i + 1]; p++) {
      if (runs.runStart[p] > lo) entering[ne++] = runs.runStart[p] * RANK + (i - i0);
      if (runs.runEnd[p] < hi) leaving[nl++] = runs.runEnd[p] * RANK + (i - i0);
    }
  }
  return { leaving: leaving.sort(), entering: entering.sort() };
}

/**
 * Exchanges among the events of one cation (pairs from i0), [from·kinds + to] added to counts:
 * departures in time order (ties: ascending partner), each taking the unused arrival of another
 * partner nearest in time within the window (ties: the earlier, then the lower partner).
 */
function matchExchanges(s: StayRuns, i0: number, leaving: Float64Array, entering: Float64Array, window: number, counts: Float64Array): void {
  const nk = s.kinds.length;
  const used = new Uint8Array(entering.length);
  const frameOf = (x: number) => Math.floor(x / RANK), rankOf = (x: number) => x % RANK;
  let lo = 0;
  for (const d of leaving) {
    const frame = frameOf(d), rank = rankOf(d);
    while (lo < entering.length && frameOf(entering[lo]) < frame - window) lo++;
    let best = -1, bestGap = Infinity;
    for (let q = lo; q < entering.length && frameOf(entering[q]) <= frame + window; q++) {
      if (used[q] || rankOf(entering[q]) === rank) continue;
      const gap = Math.abs(frameOf(entering[q]) - frame);
      if (gap < bestGap) {
        best = q;
        bestGap = gap;
      }
    }
    if (best >= 0) {
      used[best] = 1;
      counts[s.pairKind[i0 + rank] * nk + s.pairKind[i0 + rankOf(entering[best])]]++;
    }
  }
}

/**
 * Frames of a cation's arrivals and departures (after bridging) in a region, ascending: where
 * the exchange matching can be cut (residence-window.ts).
 */
export function eventFrames(region: Region, bridged: BridgedRuns, at: Int32Array, c: number): number[] {
  const { leaving, entering } = shellEvents(bridged, at[c], at[c + 1], region.lo[c], region.hi[c]);
  return [...leaving, ...entering].map((x) => Math.floor(x / RANK)).sort((x, y) => x - y);
}

/**
 * The totals of a region at lags 0 … lags−1, with absences of at most `tolerance` frames
 * bridged; exchanges with the given window, counted among events at frames [from[c], to[c])
 * only (all when not given).
 */
export function measure(region: Region, lags: number, tolerance: number, window: number, from?: Int32Array, to?: Int32Array): ResidenceTotals {
  const s = region.runs;
  const nk = s.kinds.length;
  const bridged = bridgeGaps(s, tolerance);
  const stays = new Float64Array(nk), stayFrames = new Float64Array(nk);
  for (let i = 0; i < s.pairCation.length; i++) {
    const k = s.pairKind[i];
    stays[k] += bridged.pairRuns[i + 1] - bridged.pairRuns[i];
    for (let p = bridged.pairRuns[i]; p < bridged.pairRuns[i + 1]; p++) stayFrames[k] += bridged.runEnd[p] - bridged.runStart[p];
  }
  const exchanges = new Float64Array(nk * nk);
  const at = pairsByCation(s);
  for (let c = 0; c < s.cations; c++) {
    if (at[c] === at[c + 1]) continue;
    let { leaving, entering } = shellEvents(bridged, at[c], at[c + 1], region.lo[c], region.hi[c]);
    if (from && to) {
      const inside = (x: number) => x >= from[c] * RANK && x < to[c] * RANK;
      leaving = leaving.filter(inside);
      entering = entering.filter(inside);
    }
    matchExchanges(s, at[c], leaving, entering, window, exchanges);
  }
  return { lags, intermittent: intermittentSums(s, lags), continuous: continuousSums(s, bridged, lags), exchanges, stays, stayFrames };
}

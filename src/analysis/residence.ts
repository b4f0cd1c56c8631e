import { InputError } from '../model/errors.js';
import { checkSameShape, WireReader, type FrameShells, type ShellDefinition } from './solvation-shell.js';

/**
 * How long partners stay in a cation's first shell (solvation-shell.ts), per partner kind.
 *
 * Definitions. For a (cation, partner) pair let a(t) = 1 at the frames t = 0 … T−1 at which the
 * partner is in the cation's shell, else 0.
 * - Intermittent residence correlation (Rapaport; Impey, Madden & McDonald 1983):
 *     C(τ) = [Σ_pairs Σ_{t<T−τ} a(t)·a(t+τ) / (T − τ)] / [Σ_pairs Σ_t a(t) / T],
 *   so C(0) = 1; a partner that leaves and comes back still counts. The sum runs over the pairs
 *   of the kind (all cations together): a ratio of averages, not an average of ratios.
 * - τ_res: the first lag at which C falls below 1/e, interpolated linearly between that lag and
 *   the one before; when C stays at or above 1/e up to the longest lag, τ_res is "longer than the
 *   run" (null, with a note).
 * - An exponential time: ln C(τ) = ln A − τ/τ_exp fitted by least squares over the lags where
 *   0.9 ≥ C ≥ 0.15 (past the quick loss of partners that flicker at the cutoff, before the
 *   floor of chance contacts), at lags up to half the run — fitted only when C has fallen below
 *   1/e there and at least 5 lags qualify; otherwise null with a note saying why.
 * - Continuous survival S(τ), with a tolerance of k frames: first every absence of at most k
 *   frames between two stays is bridged (a(t) set to 1 there; Impey's t* = k·dt); then
 *   S(τ) = [Σ_pairs Σ_t Π_{s=t…t+τ} a(s) / (T − τ)] / [same at τ = 0]: the partners still there
 *   without a break (longer than k frames). MDAnalysis' SurvivalProbability with
 *   `intermittency=k` bridges gaps the same way but averages N(t, t+τ)/N(t) over origins t,
 *   per selection; the two normalisations differ when the shell size fluctuates.
 * - Exchange events: after bridging (k as above), a departure of partner P from cation c is a
 *   frame e with P absent at e and present at e−1; an arrival of partner Q is a frame s with Q
 *   present at s and absent at s−1 (frames 0 and T have neither). An exchange is a departure
 *   and an arrival at the same cation of a different partner at most w frames apart
 *   (|s − e| ≤ w, default w = 2). Departures are taken in time order (ties: ascending partner);
 *   each takes the unused arrival nearest in time (ties: the earlier, then the lower partner),
 *   and each event serves one exchange at most. Exchanges are counted by (kind leaving, kind
 *   entering) and reported per cation per ns of run: count / (cations · (T−1)·dt).
 *
 * State and merging. The state of a range of frames lists every pair ever in contact in it,
 * with its stays as runs [start, end) of frames relative to the range's first frame — the 0/1
 * series run-length encoded. Merging the states of two consecutive ranges concatenates the runs
 * in time (pairs matched by cation and partner; a run that reaches the end of the first range
 * and one that starts the second are joined), which is exactly the state of the two ranges
 * folded in one pass: the merge is pure, associative and exact.
 *
 * Memory: 8 bytes per run plus 16 per pair, not pairs × frames bits. On the shipped NaFSI/water
 * run (14 Na⁺, 401 frames of 0.5 ps) there are 0.26 runs per cation-frame (flickering at the
 * cutoff included) and each Na⁺ meets ~44 new partners per 200 ps. Scaled to 1000 cations over
 * 10⁵ frames (50 ns): 2.6·10⁷ runs (205 MB) and 1.1·10⁷ pairs (176 MB), where a dense bitset
 * would take 1.1·10⁷ pairs × 10⁵ frames / 8 ≈ 140 GB. What bounds it is the number of entries
 * into shells (one run each) and of distinct partners met, both linear in cations × frames,
 * not their product with the partners. While folding, a range also keeps 12 bytes per closed
 * run and a map entry (~50–80 bytes) per pair seen in that range.
 *
 * Finishing. Σ_t a(t)a(t+τ) of a pair is a sum over its pairs of runs (I, J), J not before I,
 * of the overlap of I with J shifted back by τ — a trapezoid in τ, added in O(1) as four ramps
 * in a second-difference array, so C(τ) at every lag costs O(run pairs + lags). Measured (CPU
 * time) against an FFT of each pair's series over its span (first to last contact) and a direct
 * sum on bitsets over the span (popcounts of shifted words), all giving the same sums:
 *   shipped run (696 pairs, 1440 runs, 401 frames): runs 0.7 ms, bits 21–31 ms, FFT 66–77 ms;
 *   980 cations × 20 050 frames, 2.4·10⁶ pairs that each meet once (5·10⁶ runs): runs 0.16 s,
 *   bits 5.3 s, FFT 25 s (the whole finish, with S(τ) and exchanges, 3 s);
 *   the same with partners coming back all along (48 720 pairs of ~100 runs over the whole run):
 *   runs 4.9 s, FFT ~7 min, bits ~33 min (both extrapolated from 200 pairs).
 * Runs per pair are few and spans short at realistic sizes; the quadratic cost in runs of one
 * pair only shows for pairs that keep meeting, where the alternatives are far slower still.
 */
export interface ResidenceState {
  kinds: string[];
  cations: number;
  frames: number;
  /** Pairs ever in contact, in ascending (cation, partner) order. */
  pairCation: Int32Array;
  pairPartner: Int32Array;
  pairKind: Int32Array;
  /** Runs of pair i are [pairRuns[i], pairRuns[i+1]) in runStart/runEnd, in time order. */
  pairRuns: Int32Array;
  /** First frame of each stay and the first frame after it (relative to the range; end ≤ frames); stays of a pair neither overlap nor touch. */
  runStart: Int32Array;
  runEnd: Int32Array;
}

export function emptyResidenceState(def: ShellDefinition): ResidenceState {
  return {
    kinds: [...def.kinds],
    cations: def.cations.length,
    frames: 0,
    pairCation: new Int32Array(0),
    pairPartner: new Int32Array(0),
    pairKind: new Int32Array(0),
    pairRuns: new Int32Array(1),
    runStart: new Int32Array(0),
    runEnd: new Int32Array(0),
  };
}

/** A growable Int32Array. */
class IntList {
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
}

/**
 * Folds frames into a residence state: per pair, the stay in progress; a stay is logged when
 * the pair comes back after a break or when the state is taken.
 */
export class ResidenceTracker {
  private readonly ids = new Map<number, number>();
  private readonly cation = new IntList();
  private readonly partner = new IntList();
  /** First frame of each pair's latest stay, and the last frame it was seen. */
  private readonly openStart = new IntList();
  private readonly lastSeen = new IntList();
  private readonly logPair = new IntList();
  private readonly logStart = new IntList();
  private readonly logEnd = new IntList();
  private frame = 0;
  private readonly partners: number;

  constructor(readonly def: ShellDefinition) {
    this.partners = def.partnerKind.length;
  }

  add(shells: FrameShells): void {
    const t = this.frame++;
    const P = this.partners;
    for (let c = 0; c < this.def.cations.length; c++) {
      for (let e = shells.start[c]; e < shells.start[c + 1]; e++) {
        const p = shells.partner[e];
        const key = c * P + p;
        let id = this.ids.get(key);
        if (id === undefined) {
          id = this.cation.length;
          this.ids.set(key, id);
          this.cation.push(c);
          this.partner.push(p);
          this.openStart.push(t);
          this.lastSeen.push(t);
          continue;
        }
        const last = this.lastSeen.data[id];
        if (last === t) continue;
        if (last !== t - 1) {
          this.logPair.push(id);
          this.logStart.push(this.openStart.data[id]);
          this.logEnd.push(last + 1);
          this.openStart.data[id] = t;
        }
        this.lastSeen.data[id] = t;
      }
    }
  }

  /** The state so far, as plain data (the tracker goes on folding). */
  state(): ResidenceState {
    const n = this.cation.length;
    const runsOf = new Int32Array(n + 1);
    for (let r = 0; r < this.logPair.length; r++) runsOf[this.logPair.data[r] + 1]++;
    for (let i = 0; i < n; i++) runsOf[i + 1]++; // the latest stay of each pair
    // Pairs in (cation, partner) order.
    const order = Int32Array.from({ length: n }, (_, i) => i).sort((i, j) => this.cation.data[i] - this.cation.data[j] || this.partner.data[i] - this.partner.data[j]);
    const pairRuns = new Int32Array(n + 1);
    for (let q = 0; q < n; q++) pairRuns[q + 1] = pairRuns[q] + runsOf[order[q] + 1];
    const rankOf = new Int32Array(n);
    order.forEach((id, q) => (rankOf[id] = q));
    const total = pairRuns[n];
    const runStart = new Int32Array(total), runEnd = new Int32Array(total);
    const fill = pairRuns.slice(0, n);
    // Logged stays are in time order per pair; the latest comes after them.
    for (let r = 0; r < this.logPair.length; r++) {
      const q = rankOf[this.logPair.data[r]];
      runStart[fill[q]] = this.logStart.data[r];
      runEnd[fill[q]++] = this.logEnd.data[r];
    }
    for (let id = 0; id < n; id++) {
      const q = rankOf[id];
      runStart[fill[q]] = this.openStart.data[id];
      runEnd[fill[q]++] = this.lastSeen.data[id] + 1;
    }
    const pairCation = Int32Array.from(order, (id) => this.cation.data[id]);
    const pairPartner = Int32Array.from(order, (id) => this.partner.data[id]);
    return {
      kinds: [...this.def.kinds],
      cations: this.def.cations.length,
      frames: this.frame,
      pairCation,
      pairPartner,
      pairKind: Int32Array.from(pairPartner, (p) => this.def.partnerKind[p]),
      pairRuns,
      runStart,
      runEnd,
    };
  }
}

/** The state of a range of frames followed by the next range (a pure function: neither input changes). */
export function mergeResidence(a: ResidenceState, b: ResidenceState): ResidenceState {
  checkSameShape('residence', a, b);
  const na = a.pairCation.length, nb = b.pairCation.length;
  const pairCation = new Int32Array(na + nb), pairPartner = new Int32Array(na + nb), pairKind = new Int32Array(na + nb);
  const pairRuns = new Int32Array(na + nb + 1);
  const runStart = new Int32Array(a.runStart.length + b.runStart.length), runEnd = new Int32Array(runStart.length);
  const shift = a.frames;
  let i = 0, j = 0, n = 0, r = 0;
  while (i < na || j < nb) {
    const cmp = i >= na ? 1 : j >= nb ? -1 : a.pairCation[i] - b.pairCation[j] || a.pairPartner[i] - b.pairPartner[j];
    const from = cmp <= 0 ? a : b, k = cmp <= 0 ? i : j;
    pairCation[n] = from.pairCation[k];
    pairPartner[n] = from.pairPartner[k];
    pairKind[n] = from.pairKind[k];
    if (cmp <= 0) {
      for (let s = a.pairRuns[i]; s < a.pairRuns[i + 1]; s++, r++) {
        runStart[r] = a.runStart[s];
        runEnd[r] = a.runEnd[s];
      }
    }
    if (cmp >= 0) {
      if (cmp === 0 && a.pairKind[i] !== b.pairKind[j]) throw new InputError('residence: cannot merge states whose partners differ in kind');
      let s = b.pairRuns[j];
      if (cmp === 0 && runEnd[r - 1] === shift && b.runStart[s] === 0) {
        runEnd[r - 1] = shift + b.runEnd[s]; // one stay across the cut
        s++;
      }
      for (; s < b.pairRuns[j + 1]; s++, r++) {
        runStart[r] = shift + b.runStart[s];
        runEnd[r] = shift + b.runEnd[s];
      }
    }
    if (cmp <= 0) i++;
    if (cmp >= 0) j++;
    pairRuns[++n] = r;
  }
  return {
    kinds: [...a.kinds],
    cations: a.cations,
    frames: a.frames + b.frames,
    pairCation: pairCation.slice(0, n),
    pairPartner: pairPartner.slice(0, n),
    pairKind: pairKind.slice(0, n),
    pairRuns: pairRuns.slice(0, n + 1),
    runStart: runStart.slice(0, r),
    runEnd: runEnd.slice(0, r),
  };
}

const WIRE = 'residence';
const VERSION = 1;

export function encodeResidence(s: ResidenceState): Record<string, unknown> {
  return { analysis: WIRE, version: VERSION, ...s };
}

export function decodeResidence(value: unknown): ResidenceState {
  const w = new WireReader(value, WIRE, VERSION);
  const kinds = w.strings('kinds');
  const cations = w.count('cations');
  const frames = w.count('frames');
  const pairCation = w.indices('pairCation', undefined, 0, cations);
  const n = pairCation.length;
  const pairPartner = w.indices('pairPartner', n, 0, 0x7fffffff);
  const pairKind = w.indices('pairKind', n, 0, kinds.length);
  const pairRuns = w.array('pairRuns', Int32Array, n + 1);
  const runStart = w.array('runStart', Int32Array);
  const runEnd = w.array('runEnd', Int32Array, runStart.length);
  if (pairRuns[0] !== 0 || pairRuns[n] !== runStart.length) w.fail('pairRuns does not cover the runs');
  for (let i = 0; i < n; i++) {
    if (i > 0 && (pairCation[i - 1] - pairCation[i] || pairPartner[i - 1] - pairPartner[i]) >= 0) w.fail(`pair ${i} is out of order`);
    if (pairRuns[i + 1] <= pairRuns[i]) w.fail(`pair ${i} has no stay`);
    let after = -1;
    for (let s = pairRuns[i]; s < pairRuns[i + 1]; s++) {
      if (!(runStart[s] > after && runStart[s] < runEnd[s] && runEnd[s] <= frames)) w.fail(`stay ${s} [${runStart[s]}, ${runEnd[s]}) is not after the previous one within ${frames} frames`);
      after = runEnd[s];
    }
  }
  return { kinds, cations, frames, pairCation, pairPartner, pairKind, pairRuns, runStart, runEnd };
}

export interface ResidenceOptions {
  /** Time between frames, ps. */
  dtPs: number;
  /** Longest lag of the correlation functions, frames (default and at most: frames − 1). */
  maxLagFrames?: number;
  /** Absences of at most this many frames are bridged for S(τ) and exchanges (default 0). */
  toleranceFrames?: number;
  /** An exchange pairs a departure and an arrival at most this many frames apart (default 2). */
  exchangeWindowFrames?: number;
}

export interface ExponentialFit {
  tauPs: number;
  prefactor: number;
  fromPs: number;
  toPs: number;
  /** Root mean square of the residuals of ln C over the window. */
  rmsLog: number;
}

export interface KindResidence {
  kind: string;
  /** (cation, partner) pairs of this kind ever in contact. */
  pairs: number;
  /** Stays (after bridging) and their mean length, ps (stays cut by the run's ends count as they are). */
  stays: number;
  meanStayPs: number;
  lagPs: Float64Array;
  /** Intermittent C(τ), C(0) = 1. */
  intermittent: Float64Array;
  /** Continuous survival S(τ) with the tolerance, S(0) = 1. */
  continuous: Float64Array;
  /** τ_res from C (null: longer than the run). */
  residencePs: number | null;
  /** The same 1/e rule on S. */
  continuousResidencePs: number | null;
  fit: ExponentialFit | null;
  notes: string[];
}

export interface ExchangeCount {
  from: string;
  to: string;
  events: number;
  perCationPerNs: number;
}

export interface ResidenceResult {
  frames: number;
  dtPs: number;
  cations: number;
  toleranceFrames: number;
  exchangeWindowFrames: number;
  kinds: KindResidence[];
  /** Exchanges by (kind leaving, kind entering), every combination that occurred. */
  exchanges: ExchangeCount[];
  /** All exchanges, and those where the entering partner's kind differs from the leaving one's, per cation per ns. */
  exchangesPerCationPerNs: number;
  crossKindExchangesPerCationPerNs: number;
  notes: string[];
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
 * The pairs' stays after bridging absences of at most `tolerance` frames: runs in the same
 * layout as the state's.
 */
export function bridgeGaps(s: ResidenceState, tolerance: number): { pairRuns: Int32Array; runStart: Int32Array; runEnd: Int32Array } {
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

/**
 * Σ_pairs Σ_t a(t)·a(t+τ) for τ = 0 … lags−1, per kind ([k·lags + τ]): over pairs of stays
 * (I, J) with J not before I, the overlap of I and J − τ, a trapezoid in τ with corners at
 * s_J − e_I, min(s_J − s_I, e_J − e_I), max(…), e_J − s_I.
 */
export function intermittentSums(s: ResidenceState, lags: number): Float64Array {
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
function continuousSums(s: ResidenceState, runs: ReturnType<typeof bridgeGaps>, lags: number): Float64Array {
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

/** Normalised correlation from raw sums at lags 0 … lags−1 over T frames. */
function normalise(raw: Float64Array, T: number): Float64Array {
  const c = new Float64Array(raw.length);
  const c0 = raw[0] / T;
  for (let tau = 0; tau < raw.length; tau++) c[tau] = raw[tau] / (T - tau) / c0;
  return c;
}

/** The first lag (fractional, linearly interpolated) where c falls below 1/e; null if it never does. */
export function firstBelow(c: Float64Array, level = Math.exp(-1)): number | null {
  for (let tau = 1; tau < c.length; tau++) {
    if (c[tau] < level) return tau - 1 + (c[tau - 1] - level) / (c[tau - 1] - c[tau]);
  }
  return null;
}

export const FIT_UPPER = 0.9;
export const FIT_LOWER = 0.15;
const FIT_MIN_LAGS = 5;

function fitExponential(c: Float64Array, dtPs: number, T: number, notes: string[]): ExponentialFit | null {
  const half = Math.min(c.length - 1, Math.floor((T - 1) / 2));
  let from = 1;
  while (from <= half && c[from] > FIT_UPPER) from++;
  let to = from;
  while (to + 1 <= half && c[to + 1] >= FIT_LOWER) to++;
  if (from > half || to - from + 1 < FIT_MIN_LAGS) {
    notes.push(`no exponential fit: fewer than ${FIT_MIN_LAGS} lags with ${FIT_UPPER} ≥ C ≥ ${FIT_LOWER} within half the run`);
    return null;
  }
  if (!(c[to] < Math.exp(-1))) {
    notes.push(`no exponential fit: C(τ) does not fall below 1/e within half the run (${(half * dtPs).toPrecision(3)} ps)`);
    return null;
  }
  let n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (let tau = from; tau <= to; tau++) {
    const y = Math.log(c[tau]);
    n++;
    sx += tau;
    sy += y;
    sxx += tau * tau;
    sxy += tau * y;
  }
  const slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  const intercept = (sy - slope * sx) / n;
  if (!(slope < 0)) {
    notes.push('no exponential fit: ln C(τ) does not decrease over the fit window');
    return null;
  }
  let ss = 0;
  for (let tau = from; tau <= to; tau++) ss += (Math.log(c[tau]) - intercept - slope * tau) ** 2;
  return { tauPs: -dtPs / slope, prefactor: Math.exp(intercept), fromPs: from * dtPs, toPs: to * dtPs, rmsLog: Math.sqrt(ss / n) };
}

interface ShellEvent {
  frame: number;
  partner: number;
  kind: number;
}

/** Exchanges per (kind leaving, kind entering), [from·kinds + to], from bridged stays. */
export function countExchanges(s: ResidenceState, runs: ReturnType<typeof bridgeGaps>, window: number): Float64Array {
  const nk = s.kinds.length;
  const counts = new Float64Array(nk * nk);
  const T = s.frames;
  let i = 0;
  while (i < s.pairCation.length) {
    const c = s.pairCation[i];
    const leaving: ShellEvent[] = [], entering: ShellEvent[] = [];
    for (; i < s.pairCation.length && s.pairCation[i] === c; i++) {
      for (let p = runs.pairRuns[i]; p < runs.pairRuns[i + 1]; p++) {
        if (runs.runStart[p] > 0) entering.push({ frame: runs.runStart[p], partner: s.pairPartner[i], kind: s.pairKind[i] });
        if (runs.runEnd[p] < T) leaving.push({ frame: runs.runEnd[p], partner: s.pairPartner[i], kind: s.pairKind[i] });
      }
    }
    const byTime = (x: ShellEvent, y: ShellEvent) => x.frame - y.frame || x.partner - y.partner;
    leaving.sort(byTime);
    entering.sort(byTime);
    const used = new Uint8Array(entering.length);
    let lo = 0;
    for (const d of leaving) {
      while (lo < entering.length && entering[lo].frame < d.frame - window) lo++;
      let best = -1;
      for (let q = lo; q < entering.length && entering[q].frame <= d.frame + window; q++) {
        if (used[q] || entering[q].partner === d.partner) continue;
        if (best < 0 || Math.abs(entering[q].frame - d.frame) < Math.abs(entering[best].frame - d.frame)) best = q;
      }
      if (best >= 0) {
        used[best] = 1;
        counts[d.kind * nk + entering[best].kind]++;
      }
    }
  }
  return counts;
}

export function finishResidence(s: ResidenceState, options: ResidenceOptions): ResidenceResult {
  const { dtPs } = options;
  if (!(dtPs > 0)) throw new InputError('residence times need the time between frames (dt > 0)');
  const T = s.frames;
  const tolerance = options.toleranceFrames ?? 0;
  const window = options.exchangeWindowFrames ?? 2;
  if (!Number.isInteger(tolerance) || tolerance < 0) throw new InputError(`residence: the tolerance must be a whole number of frames ≥ 0 (got ${tolerance})`);
  if (!Number.isInteger(window) || window < 0) throw new InputError(`residence: the exchange window must be a whole number of frames ≥ 0 (got ${window})`);
  const maxLag = options.maxLagFrames ?? T - 1;
  if (!Number.isInteger(maxLag) || maxLag < 0) throw new InputError(`residence: the longest lag must be a whole number of frames ≥ 0 (got ${maxLag})`);
  const lags = Math.max(0, Math.min(T, maxLag + 1));
  const notes: string[] = [];
  if (T < 2) notes.push('fewer than two frames: no residence times');
  const nk = s.kinds.length;
  const raw = intermittentSums(s, lags);
  const bridged = bridgeGaps(s, tolerance);
  const rawS = continuousSums(s, bridged, lags);
  const lagPs = Float64Array.from({ length: lags }, (_, t) => t * dtPs);
  const kinds: KindResidence[] = s.kinds.map((kind, k) => {
    const kindNotes: string[] = [];
    let pairs = 0, stays = 0, frames = 0;
    for (let i = 0; i < s.pairKind.length; i++) {
      if (s.pairKind[i] !== k) continue;
      pairs++;
      stays += bridged.pairRuns[i + 1] - bridged.pairRuns[i];
      for (let p = bridged.pairRuns[i]; p < bridged.pairRuns[i + 1]; p++) frames += bridged.runEnd[p] - bridged.runStart[p];
    }
    const empty = lags === 0 || raw[k * lags] === 0;
    const intermittent = empty ? new Float64Array(lags).fill(NaN) : normalise(raw.subarray(k * lags, (k + 1) * lags), T);
    const continuous = empty ? new Float64Array(lags).fill(NaN) : normalise(rawS.subarray(k * lags, (k + 1) * lags), T);
    let residencePs: number | null = null, continuousResidencePs: number | null = null, fit: ExponentialFit | null = null;
    if (empty) kindNotes.push(`no ${kind} was ever in a shell`);
    else {
      const tau = firstBelow(intermittent);
      residencePs = tau === null ? null : tau * dtPs;
      if (tau === null) kindNotes.push(`C(τ) stays above 1/e up to the longest lag (${((lags - 1) * dtPs).toPrecision(4)} ps): the residence time is longer than the run`);
      const tauS = firstBelow(continuous);
      continuousResidencePs = tauS === null ? null : tauS * dtPs;
      if (tauS === null) kindNotes.push('S(τ) stays above 1/e up to the longest lag: the continuous residence time is longer than the run');
      fit = fitExponential(intermittent, dtPs, T, kindNotes);
    }
    return { kind, pairs, stays, meanStayPs: stays > 0 ? (frames / stays) * dtPs : NaN, lagPs, intermittent, continuous, residencePs, continuousResidencePs, fit, notes: kindNotes };
  });
  const counts = countExchanges(s, bridged, window);
  const perNs = (x: number) => (T > 1 && s.cations > 0 ? x / (s.cations * (((T - 1) * dtPs) / 1000)) : NaN);
  const exchanges: ExchangeCount[] = [];
  let all = 0, cross = 0;
  for (let a = 0; a < nk; a++) {
    for (let b = 0; b < nk; b++) {
      const x = counts[a * nk + b];
      all += x;
      if (a !== b) cross += x;
      if (x > 0) exchanges.push({ from: s.kinds[a], to: s.kinds[b], events: x, perCationPerNs: perNs(x) });
    }
  }
  return {
    frames: T,
    dtPs,
    cations: s.cations,
    toleranceFrames: tolerance,
    exchangeWindowFrames: window,
    kinds,
    exchanges,
    exchangesPerCationPerNs: perNs(all),
    crossKindExchangesPerCationPerNs: perNs(cross),
    notes,
  };
}

import { InputError } from '../model/errors.js';
import { IntList, joinRuns, measure, wholeRegion, type StayRuns } from './residence-runs.js';
import { emptyWindowed, lagsOf, mergeWindowed, windowOf, windowReach, type ResidenceWindow, type WindowParams } from './residence-window.js';
import { checkSameShape, WireReader, type FrameShells, type ShellDefinition } from './solvation-shell.js';

export { bridgeGaps, intermittentSums, type StayRuns } from './residence-runs.js';
export type { ResidenceWindow, WindowParams } from './residence-window.js';

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
 *   run" (null, with a note); in a bounded state, "longer than the longest lag kept".
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
 * State and merging. Two kinds of state, both of a range of frames, with stays as runs
 * [start, end) of frames relative to the range's first frame (the 0/1 series run-length
 * encoded), pairs matched by cation and partner:
 * - Every stay (window null; `new ResidenceTracker(def)`): merging concatenates the runs in time
 *   (a run that reaches the end of the first range and one that starts the second are joined),
 *   which is exactly the state of the two ranges folded in one pass, and any lag, tolerance or
 *   window can be asked for at the end. 8 bytes per run plus 16 per pair: linear in the run
 *   (on the shipped NaFSI/water run, 14 Na⁺ over 401 frames of 0.5 ps, 0.26 runs per
 *   cation-frame and ~44 new partners per Na⁺ per 200 ps; 1000 cations over 10⁵ frames would
 *   keep 2.6·10⁷ runs, 205 MB, and 1.1·10⁷ pairs, 176 MB).
 * - Bounded (`new ResidenceTracker(def, { maxLagFrames: L, toleranceFrames: k,
 *   exchangeWindowFrames: w })`, residence-window.ts): the numbers at lags up to L for that k
 *   and w, from the range's own totals and only the stays near its two ends; merging adds the
 *   totals and recounts what straddles the cut, exactly. Its size does not grow with the run.
 *   The tracker folds chunks of a few L frames with every stay and merges each in: it keeps one
 *   chunk's pairs and stays, and forgets the partners of earlier chunks.
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
export interface ResidenceState extends StayRuns {
  /** null: every stay of the range is kept; else the bounded state's heads, tails and totals (residence-window.ts). */
  window: ResidenceWindow | null;
}

export function emptyResidenceState(def: ShellDefinition, window: WindowParams | null = null): ResidenceState {
  if (window) {
    const w = emptyWindowed(def.kinds, def.cations.length, window);
    return { ...w.runs, window: w.window };
  }
  return { ...new RunTracker(def).runs(), window: null };
}

/**
 * Folds frames into every stay: per pair, the stay in progress; a stay is logged when the pair
 * comes back after a break or when the runs are taken.
 */
class RunTracker {
  private readonly ids = new Map<number, number>();
  private readonly cation = new IntList();
  private readonly partner = new IntList();
  /** First frame of each pair's latest stay, and the last frame it was seen. */
  private readonly openStart = new IntList();
  private readonly lastSeen = new IntList();
  private readonly logPair = new IntList();
  private readonly logStart = new IntList();
  private readonly logEnd = new IntList();
  frames = 0;
  private readonly partners: number;

  constructor(readonly def: ShellDefinition) {
    this.partners = def.partnerKind.length;
  }

  add(shells: FrameShells): void {
    const t = this.frames++;
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

  /** The stays so far, as plain data (the tracker goes on folding). */
  runs(): StayRuns {
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
      frames: this.frames,
      pairCation,
      pairPartner,
      pairKind: Int32Array.from(pairPartner, (p) => this.def.partnerKind[p]),
      pairRuns,
      runStart,
      runEnd,
    };
  }
}

/** Frames folded with every stay before they are merged into a bounded state: eight times its reach (what a merge recounts is about three reaches per cation), at least this many. */
const MIN_CHUNK_FRAMES = 1024;

/**
 * Folds frames into a residence state: every stay (no window), or a bounded state for the
 * window's lags, tolerance and exchange window.
 */
export class ResidenceTracker {
  private chunk: RunTracker;
  private done: ReturnType<typeof windowOf> | null;
  private readonly chunkFrames: number;

  constructor(
    readonly def: ShellDefinition,
    readonly window: WindowParams | null = null,
  ) {
    if (window) checkWindow(window);
    this.chunk = new RunTracker(def);
    this.done = window ? emptyWindowed(def.kinds, def.cations.length, window) : null;
    this.chunkFrames = window ? Math.max(MIN_CHUNK_FRAMES, 8 * windowReach(window)) : Infinity;
  }

  add(shells: FrameShells): void {
    this.chunk.add(shells);
    if (this.chunk.frames >= this.chunkFrames) {
      this.done = mergeWindowed(this.done!, windowOf(this.chunk.runs(), this.window!));
      this.chunk = new RunTracker(this.def);
    }
  }

  /** The state so far, as plain data (the tracker goes on folding). */
  state(): ResidenceState {
    const runs = this.chunk.runs();
    if (!this.window) return { ...runs, window: null };
    const m = mergeWindowed(this.done!, windowOf(runs, this.window));
    return { ...m.runs, window: m.window };
  }
}

function checkWindow(p: WindowParams): void {
  for (const [name, v, min] of [['longest lag', p.maxLagFrames, 1], ['tolerance', p.toleranceFrames, 0], ['exchange window', p.exchangeWindowFrames, 0]] as const) {
    if (!Number.isInteger(v) || v < min || v > 0x3fffffff) throw new InputError(`residence: the ${name} must be a whole number of frames ≥ ${min} (got ${v})`);
  }
}

const runsOf = (s: ResidenceState): StayRuns => ({ kinds: s.kinds, cations: s.cations, frames: s.frames, pairCation: s.pairCation, pairPartner: s.pairPartner, pairKind: s.pairKind, pairRuns: s.pairRuns, runStart: s.runStart, runEnd: s.runEnd });

/** The state of a range of frames followed by the next range (a pure function: neither input changes). */
export function mergeResidence(a: ResidenceState, b: ResidenceState): ResidenceState {
  checkSameShape('residence', a, b);
  if (!a.window !== !b.window) throw new InputError('residence: cannot merge a state that keeps every stay with a bounded one');
  if (!a.window || !b.window) return { ...joinRuns(runsOf(a), runsOf(b)), window: null };
  const m = mergeWindowed({ runs: runsOf(a), window: a.window }, { runs: runsOf(b), window: b.window });
  return { ...m.runs, window: m.window };
}

const WIRE = 'residence';
const VERSION = 1;
const WINDOW_WIRE = 'residence window';

export function encodeResidence(s: ResidenceState): Record<string, unknown> {
  const { window, ...runs } = s;
  const t = window?.totals;
  return {
    analysis: WIRE,
    version: VERSION,
    ...runs,
    window: window
      ? {
          analysis: WINDOW_WIRE,
          version: VERSION,
          maxLagFrames: window.maxLagFrames,
          toleranceFrames: window.toleranceFrames,
          exchangeWindowFrames: window.exchangeWindowFrames,
          headEnd: window.headEnd,
          tailStart: window.tailStart,
          lags: t!.lags,
          intermittent: t!.intermittent,
          continuous: t!.continuous,
          exchanges: t!.exchanges,
          stays: t!.stays,
          stayFrames: t!.stayFrames,
        }
      : null,
  };
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
  const rawWindow = (value as { window?: unknown }).window;
  const window = rawWindow === undefined || rawWindow === null ? null : decodeWindow(rawWindow, kinds.length, cations, frames);
  if (pairRuns[0] !== 0 || pairRuns[n] !== runStart.length) w.fail('pairRuns does not cover the runs');
  for (let i = 0; i < n; i++) {
    if (i > 0 && (pairCation[i - 1] - pairCation[i] || pairPartner[i - 1] - pairPartner[i]) >= 0) w.fail(`pair ${i} is out of order`);
    if (pairRuns[i + 1] <= pairRuns[i]) w.fail(`pair ${i} has no stay`);
    let after = -1;
    const c = pairCation[i];
    const hole = window && window.headEnd[c] < window.tailStart[c] ? [window.headEnd[c], window.tailStart[c]] : null;
    for (let s = pairRuns[i]; s < pairRuns[i + 1]; s++) {
      if (!(runStart[s] > after && runStart[s] < runEnd[s] && runEnd[s] <= frames)) w.fail(`stay ${s} [${runStart[s]}, ${runEnd[s]}) is not after the previous one within ${frames} frames`);
      if (hole && runEnd[s] > hole[0] && runStart[s] < hole[1]) w.fail(`stay ${s} [${runStart[s]}, ${runEnd[s]}) of cation ${c} is not within its head [0, ${hole[0]}) or tail [${hole[1]}, ${frames})`);
      after = runEnd[s];
    }
  }
  return { kinds, cations, frames, pairCation, pairPartner, pairKind, pairRuns, runStart, runEnd, window };
}

function decodeWindow(value: unknown, nk: number, cations: number, frames: number): ResidenceWindow {
  const w = new WireReader(value, WINDOW_WIRE, VERSION);
  const params = { maxLagFrames: w.count('maxLagFrames'), toleranceFrames: w.count('toleranceFrames'), exchangeWindowFrames: w.count('exchangeWindowFrames') };
  try {
    checkWindow(params);
  } catch (e) {
    w.fail((e as Error).message);
  }
  const headEnd = w.indices('headEnd', cations, 0, frames + 1);
  const tailStart = w.indices('tailStart', cations, 0, frames + 1);
  const reach = windowReach(params), k = params.toleranceFrames;
  for (let c = 0; c < cations; c++) {
    if (headEnd[c] >= tailStart[c]) {
      if (headEnd[c] !== frames || tailStart[c] !== 0) w.fail(`cation ${c} keeps every stay but its head and tail are not the whole range`);
    } else if (headEnd[c] < reach + k || tailStart[c] > frames - reach - k - 1) {
      w.fail(`cation ${c}'s head [0, ${headEnd[c]}) or tail [${tailStart[c]}, ${frames}) is shorter than the ${reach + k} frames a merge needs`);
    }
  }
  const lags = w.count('lags');
  if (lags !== lagsOf(params, frames)) w.fail(`${lags} lags, expected ${lagsOf(params, frames)}`);
  const totals = {
    lags,
    intermittent: w.tally('intermittent', nk * lags),
    continuous: w.tally('continuous', nk * lags),
    exchanges: w.tally('exchanges', nk * nk),
    stays: w.tally('stays', nk),
    stayFrames: w.tally('stayFrames', nk),
  };
  return { ...params, headEnd, tailStart, totals };
}

export interface ResidenceOptions {
  /** Time between frames, ps. */
  dtPs: number;
  /** Longest lag of the correlation functions, frames (default and at most: frames − 1, or the bounded state's). */
  maxLagFrames?: number;
  /** Absences of at most this many frames are bridged for S(τ) and exchanges (default 0, or the bounded state's). */
  toleranceFrames?: number;
  /** An exchange pairs a departure and an arrival at most this many frames apart (default 2, or the bounded state's). */
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
  /** (cation, partner) pairs of this kind ever in contact (null: a bounded state of a long run no longer knows). */
  pairs: number | null;
  /** Stays (after bridging) and their mean length, ps (stays cut by the run's ends count as they are). */
  stays: number;
  meanStayPs: number;
  lagPs: Float64Array;
  /** Intermittent C(τ), C(0) = 1. */
  intermittent: Float64Array;
  /** Continuous survival S(τ) with the tolerance, S(0) = 1. */
  continuous: Float64Array;
  /** τ_res from C (null: longer than the run, or than the longest lag kept). */
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
  const within = half < Math.floor((T - 1) / 2) ? 'the longest lag' : 'half the run';
  let from = 1;
  while (from <= half && c[from] > FIT_UPPER) from++;
  let to = from;
  while (to + 1 <= half && c[to + 1] >= FIT_LOWER) to++;
  if (from > half || to - from + 1 < FIT_MIN_LAGS) {
    notes.push(`no exponential fit: fewer than ${FIT_MIN_LAGS} lags with ${FIT_UPPER} ≥ C ≥ ${FIT_LOWER} within ${within}`);
    return null;
  }
  if (!(c[to] < Math.exp(-1))) {
    notes.push(`no exponential fit: C(τ) does not fall below 1/e within ${within} (${(half * dtPs).toPrecision(3)} ps)`);
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

export function finishResidence(s: ResidenceState, options: ResidenceOptions): ResidenceResult {
  const { dtPs } = options;
  if (!(dtPs > 0)) throw new InputError('residence times need the time between frames (dt > 0)');
  const T = s.frames;
  const win = s.window;
  const tolerance = options.toleranceFrames ?? win?.toleranceFrames ?? 0;
  const window = options.exchangeWindowFrames ?? win?.exchangeWindowFrames ?? 2;
  if (!Number.isInteger(tolerance) || tolerance < 0) throw new InputError(`residence: the tolerance must be a whole number of frames ≥ 0 (got ${tolerance})`);
  if (!Number.isInteger(window) || window < 0) throw new InputError(`residence: the exchange window must be a whole number of frames ≥ 0 (got ${window})`);
  if (win && (tolerance !== win.toleranceFrames || window !== win.exchangeWindowFrames)) {
    throw new InputError(`residence: this state was kept for a tolerance of ${win.toleranceFrames} and an exchange window of ${win.exchangeWindowFrames} frames, not ${tolerance} and ${window}`);
  }
  const available = win ? win.totals.lags : T;
  const maxLag = options.maxLagFrames ?? available - 1;
  if (!Number.isInteger(maxLag) || maxLag < 0) throw new InputError(`residence: the longest lag must be a whole number of frames ≥ 0 (got ${maxLag})`);
  const lags = Math.max(0, Math.min(available, maxLag + 1));
  const notes: string[] = [];
  if (T < 2) notes.push('fewer than two frames: no residence times');
  const nk = s.kinds.length;
  const totals = win ? win.totals : measure(wholeRegion(s), lags, tolerance, window);
  const stride = totals.lags;
  const everyStay = !win || win.headEnd.every((h, c) => h >= win.tailStart[c]);
  const pairs = new Array<number>(nk).fill(0);
  for (let i = 0; i < s.pairKind.length; i++) pairs[s.pairKind[i]]++;
  const lagPs = Float64Array.from({ length: lags }, (_, t) => t * dtPs);
  const beyond = lags === T ? 'the run' : 'the longest lag kept';
  const kinds: KindResidence[] = s.kinds.map((kind, k) => {
    const kindNotes: string[] = [];
    const stays = totals.stays[k], frames = totals.stayFrames[k];
    const raw = totals.intermittent.subarray(k * stride, k * stride + lags), rawS = totals.continuous.subarray(k * stride, k * stride + lags);
    const empty = lags === 0 || raw[0] === 0;
    const intermittent = empty ? new Float64Array(lags).fill(NaN) : normalise(raw, T);
    const continuous = empty ? new Float64Array(lags).fill(NaN) : normalise(rawS, T);
    let residencePs: number | null = null, continuousResidencePs: number | null = null, fit: ExponentialFit | null = null;
    if (empty) kindNotes.push(`no ${kind} was ever in a shell`);
    else {
      const tau = firstBelow(intermittent);
      residencePs = tau === null ? null : tau * dtPs;
      if (tau === null) kindNotes.push(`C(τ) stays above 1/e up to the longest lag (${((lags - 1) * dtPs).toPrecision(4)} ps): the residence time is longer than ${beyond}`);
      const tauS = firstBelow(continuous);
      continuousResidencePs = tauS === null ? null : tauS * dtPs;
      if (tauS === null) kindNotes.push(`S(τ) stays above 1/e up to the longest lag: the continuous residence time is longer than ${beyond}`);
      fit = fitExponential(intermittent, dtPs, T, kindNotes);
    }
    return { kind, pairs: everyStay ? pairs[k] : null, stays, meanStayPs: stays > 0 ? (frames / stays) * dtPs : NaN, lagPs, intermittent, continuous, residencePs, continuousResidencePs, fit, notes: kindNotes };
  });
  const counts = totals.exchanges;
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

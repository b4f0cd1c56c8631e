import { MULTI_TAU_POINTS, shiftedLevel } from './multi-tau-msd.js';

/**
 * A multiple-tau correlator whose memory does not grow with the run, for quantities that are
 * sums over pairs of samples (x(t₀), x(t₀ + t)) — the MSDs of a conductivity — and whose
 * contributions are kept apart by where in the run each pair lies, so that the correlation of
 * any stretch of whole sub-blocks (a block of the error estimate) is read exactly at the end,
 * though the blocks are chosen only then, when the run's length is known.
 *
 * Levels as in multi-tau-msd.ts (Dubbeldam, Ford, Ellis & Snurr, Mol. Simul. 35, 1084 (2009);
 * the layout of LAMMPS `fix ave/correlate/long`): level k holds the samples at used frames u
 * that are multiples of 2^k, pairs them ℓ = 1 … p−1 samples apart at level 0 and ℓ = p/2 … p−1
 * beyond, and keeps the first and last p samples for joining ranges. Levels are aligned on the
 * run's frame indices, so a stretch of the run correlated on its own holds exactly the pairs of
 * the whole run's correlator whose two samples both lie in it.
 *
 * Sub-blocks: the run is cut into stretches of `subFrames` frames (a power of two, aligned on
 * frame indices: sub-block a holds frames a·L … a·L + L − 1), at most MAX_SUB_BLOCKS of them
 * over the frames folded; when more are needed, L doubles and neighbouring sub-blocks' sums are
 * added. A pair whose earlier sample lies in sub-block a and later one in sub-block a + d adds
 * its kernel's values (and a count) to bin (a, d) of its level and lag. The whole run's sums
 * are all the bins; those of sub-blocks [A, B) the bins with A ≤ a and a + d < B. Two samples
 * Δ frames apart lie ⌊Δ/L⌋ or ⌊Δ/L⌋ + 1 sub-blocks apart, so each lag has two bins per
 * sub-block, whatever its length.
 *
 * Memory: per level, the first and last p samples (`width` numbers each) and the bins —
 * (sub-blocks that hold one of its samples) × lags × 2 × (values + 1) — independent of the
 * run's length beyond the logarithm of its levels. The state is plain data: the kernel is given
 * to each call, never stored.
 */

/** Adds one pair's values at out[at … at + values): `later` is the sample ℓ·2^k frames after `earlier`. */
export type PairKernel = (later: Float64Array, earlier: Float64Array, out: Float64Array, at: number) => void;

export interface BlockedLevel {
  /** The first and the last (up to) p samples, oldest first. */
  head: Float64Array[];
  tail: Float64Array[];
  /** Sample index (u / 2^k) of head[0] and of the last sample. */
  firstSample: number;
  lastSample: number;
  /** Sub-block index of bins[0]. */
  firstBin: number;
  /**
   * Per sub-block of the pairs' earlier sample (from firstBin): lags × 2 × (values + 1) numbers
   * — for lag slot ℓ − (the level's shortest lag), the pairs whose later sample lies ⌊Δ/L⌋ and
   * ⌊Δ/L⌋ + 1 sub-blocks on (Δ = ℓ·2^k frames): the kernel's sums then the pair count; an empty
   * array where no pair starts.
   */
  bins: Float64Array[];
}

export interface BlockedMultiTau {
  /** Numbers per sample. */
  width: number;
  /** Numbers the kernel adds per pair. */
  values: number;
  points: number;
  /** Used frames folded, and the index of the first (−1 before any). */
  frames: number;
  firstIndex: number;
  /** Frames per sub-block (L, a power of two). */
  subFrames: number;
  levels: (BlockedLevel | null)[];
}

/** At most this many sub-blocks span the frames folded: blocks of the error estimate are groups of whole ones. */
export const MAX_SUB_BLOCKS = 64;
/** Levels enough for 2⁴⁰ frames. */
const MAX_LEVELS = 40;

export function emptyBlocked(width: number, values: number, points = MULTI_TAU_POINTS): BlockedMultiTau {
  if (points < 4 || points % 2) throw new Error('internal: multiple-tau points must be even and ≥ 4');
  return { width, values, points, frames: 0, firstIndex: -1, subFrames: 1, levels: [] };
}

/** Smallest lag (in samples) a level accumulates. */
function minLag(level: number, points: number): number {
  return level === 0 ? 1 : points / 2;
}

const lagSlots = (level: number, points: number) => points - minLag(level, points);

/** The sub-block length of a run of frames first … last: the shortest power of two that cuts it into at most MAX_SUB_BLOCKS. */
export function subFramesFor(first: number, last: number, atLeast = 1): number {
  let l = atLeast;
  while (Math.floor(last / l) - Math.floor(first / l) + 1 > MAX_SUB_BLOCKS) l *= 2;
  return l;
}

function newLevel(sample: number): BlockedLevel {
  return { head: [], tail: [], firstSample: sample, lastSample: sample - 1, firstBin: 0, bins: [] };
}

/** Where a pair's numbers go in its sub-block's bins: lag ℓ of level k, d sub-blocks apart. */
function binAt(mt: BlockedMultiTau, k: number, lag: number, d: number, subFrames = mt.subFrames): number {
  const e = d - Math.floor((lag * 2 ** k) / subFrames);
  if (e !== 0 && e !== 1) throw new Error('internal: a multiple-tau pair further apart than its lag allows');
  return (2 * (lag - minLag(k, mt.points)) + e) * (mt.values + 1);
}

/** The bins of sub-block `a` (allocated on first use; the list grows at either end). */
function binOf(mt: BlockedMultiTau, level: BlockedLevel, k: number, a: number): Float64Array {
  const size = 2 * lagSlots(k, mt.points) * (mt.values + 1);
  if (level.bins.length === 0) level.firstBin = a;
  while (a < level.firstBin) {
    level.bins.unshift(new Float64Array(0));
    level.firstBin--;
  }
  while (a >= level.firstBin + level.bins.length) level.bins.push(new Float64Array(0));
  const i = a - level.firstBin;
  if (level.bins[i].length === 0) level.bins[i] = new Float64Array(size);
  return level.bins[i];
}

/** Pairs between sample `x` (index j) and the earlier samples `earlier` (the last of index lastIndex). */
function addPairs(mt: BlockedMultiTau, level: BlockedLevel, k: number, earlier: Float64Array[], lastIndex: number, x: Float64Array, j: number, kernel: PairKernel): void {
  const p = mt.points;
  const lo = minLag(k, p);
  const block = 2 ** k;
  const n = earlier.length;
  const bLater = Math.floor((j * block) / mt.subFrames);
  for (let q = 0; q < n; q++) {
    const lag = j - (lastIndex - (n - 1 - q));
    if (lag < lo || lag >= p) continue;
    const a = Math.floor(((j - lag) * block) / mt.subFrames);
    const bins = binOf(mt, level, k, a);
    const at = binAt(mt, k, lag, bLater - a);
    kernel(x, earlier[q], bins, at);
    bins[at + mt.values]++;
  }
}

/** The level's bins at a longer sub-block length (a multiple of the current one): neighbours' sums added. */
function coarsened(mt: BlockedMultiTau, level: BlockedLevel, k: number, subFrames: number): BlockedLevel {
  const f = subFrames / mt.subFrames;
  const p = mt.points;
  const stride = mt.values + 1;
  const out: BlockedLevel = { ...level, bins: [], firstBin: 0 };
  level.bins.forEach((bin, i) => {
    if (bin.length === 0) return;
    const a = level.firstBin + i;
    const a2 = Math.floor(a / f);
    const target = binOf(mt, out, k, a2);
    for (let lag = minLag(k, p); lag < p; lag++) {
      for (let e = 0; e < 2; e++) {
        const d = Math.floor((lag * 2 ** k) / mt.subFrames) + e;
        const from = binAt(mt, k, lag, d);
        if (bin[from + mt.values] === 0) continue;
        const to = binAt(mt, k, lag, Math.floor((a + d) / f) - a2, subFrames);
        for (let v = 0; v < stride; v++) target[to + v] += bin[from + v];
      }
    }
  });
  return out;
}

/** The state at a longer sub-block length (new levels; `mt` unchanged). */
function withSubFrames(mt: BlockedMultiTau, subFrames: number): BlockedMultiTau {
  if (subFrames === mt.subFrames) return mt;
  return { ...mt, subFrames, levels: mt.levels.map((l, k) => l && coarsened(mt, l, k, subFrames)) };
}

/** Fold in the sample (`width` numbers) of used frame `index`; frames come in order. */
export function addBlocked(mt: BlockedMultiTau, index: number, sample: Float64Array, kernel: PairKernel): void {
  if (mt.frames > 0 && index !== mt.firstIndex + mt.frames) throw new Error('internal: multiple-tau frames out of order');
  if (mt.frames === 0) mt.firstIndex = index;
  mt.frames++;
  const l = subFramesFor(mt.firstIndex, index, mt.subFrames);
  if (l !== mt.subFrames) Object.assign(mt, withSubFrames(mt, l));
  const p = mt.points;
  let block = 1;
  for (let k = 0; k < MAX_LEVELS && index % block === 0; k++, block *= 2) {
    const j = index / block;
    let level = mt.levels[k];
    if (!level) level = mt.levels[k] = newLevel(j);
    addPairs(mt, level, k, level.tail, level.lastSample, sample, j, kernel);
    const x = sample.slice(0, mt.width);
    if (level.tail.length === p) level.tail.shift();
    level.tail.push(x);
    if (level.head.length < p) level.head.push(x);
    level.lastSample = j;
  }
}

/** Two levels' bins added, as new arrays. */
function addedBins(mt: BlockedMultiTau, k: number, la: BlockedLevel, lb: BlockedLevel): BlockedLevel {
  const out: BlockedLevel = { ...la, bins: [], firstBin: 0 };
  for (const l of [la, lb]) {
    l.bins.forEach((bin, i) => {
      if (bin.length === 0) return;
      const target = binOf(mt, out, k, l.firstBin + i);
      for (let s = 0; s < bin.length; s++) target[s] += bin[s];
    });
  }
  return out;
}

/**
 * The state of a's frames then b's (b's samples moved by `shift` when its unwrapping started
 * elsewhere: the pairs within b are differences and do not move); a and b are left unchanged.
 * The pairs that straddle the join are made from a's last p samples and b's first p, as one
 * pass would have made them.
 */
export function mergeBlocked(a: BlockedMultiTau, b: BlockedMultiTau, shift: Float64Array | null, kernel: PairKernel): BlockedMultiTau {
  if (b.frames === 0) return a;
  if (a.frames === 0) return { ...b, levels: b.levels.map((l) => l && shiftedLevel(l, shift)) };
  if (a.width !== b.width || a.values !== b.values || a.points !== b.points) throw new Error('internal: merging multiple-tau correlators of different shapes');
  if (b.firstIndex !== a.firstIndex + a.frames) throw new Error('internal: multiple-tau ranges that do not follow one another');
  const p = a.points;
  const subFrames = subFramesFor(a.firstIndex, b.firstIndex + b.frames - 1, Math.max(a.subFrames, b.subFrames));
  const ca = withSubFrames(a, subFrames), cb = withSubFrames(b, subFrames);
  const out: BlockedMultiTau = { width: a.width, values: a.values, points: p, frames: a.frames + b.frames, firstIndex: a.firstIndex, subFrames, levels: [] };
  for (let k = 0; k < Math.max(ca.levels.length, cb.levels.length); k++) {
    const la = ca.levels[k] ?? null;
    const lb = cb.levels[k] ? shiftedLevel(cb.levels[k]!, shift) : null;
    if (!la || !lb) {
      out.levels.push(la ?? lb);
      continue;
    }
    const level: BlockedLevel = {
      ...addedBins(out, k, la, lb),
      head: [...la.head, ...lb.head].slice(0, p),
      tail: [...la.tail, ...lb.tail].slice(-p),
      firstSample: la.firstSample,
      lastSample: lb.lastSample,
    };
    for (let q = 0; q < lb.head.length; q++) addPairs(out, level, k, la.tail, la.lastSample, lb.head[q], lb.firstSample + q, kernel);
    out.levels.push(level);
  }
  return out;
}

/** The lags (frames) the correlator holds pairs at over the whole run: 0, then increasing. */
export function blockedLags(mt: BlockedMultiTau): number[] {
  const p = mt.points;
  const lags: number[] = [0];
  for (let k = 0; k < mt.levels.length; k++) {
    const level = mt.levels[k];
    if (!level) continue;
    const d0 = (lag: number) => Math.floor((lag * 2 ** k) / mt.subFrames);
    for (let lag = minLag(k, p); lag < p; lag++) {
      const any = level.bins.some((bin) => bin.length > 0 && (bin[binAt(mt, k, lag, d0(lag)) + mt.values] > 0 || bin[binAt(mt, k, lag, d0(lag) + 1) + mt.values] > 0));
      if (any) lags.push(lag * 2 ** k);
    }
  }
  return lags;
}

/** A stretch of whole sub-blocks [fromSub, toSub), by sub-block index. */
export interface SubBlocks {
  fromSub: number;
  toSub: number;
}

/**
 * Each value's mean over the pairs at each of `lags` (frames, as blockedLags gives them; lag 0
 * → 0): over the whole run, or over the pairs that lie within `within`. NaN where no pair is.
 */
export function blockedMeans(mt: BlockedMultiTau, lags: readonly number[], within: SubBlocks | null = null): Float64Array[] {
  const p = mt.points;
  const stride = mt.values + 1;
  const out = Array.from({ length: mt.values }, () => new Float64Array(lags.length));
  const sums = new Float64Array(stride);
  lags.forEach((lag, i) => {
    if (lag === 0) return;
    // The level that holds this lag: the lowest k with lag = ℓ·2^k, ℓ in the level's range.
    let k = 0;
    while (lag / 2 ** k >= p) k++;
    const ell = lag / 2 ** k;
    const level = mt.levels[k];
    sums.fill(0);
    if (level && Number.isInteger(ell) && ell >= minLag(k, p)) {
      const d0 = Math.floor(lag / mt.subFrames);
      level.bins.forEach((bin, b) => {
        if (bin.length === 0) return;
        const a = level.firstBin + b;
        for (let d = d0; d <= d0 + 1; d++) {
          if (within && (a < within.fromSub || a + d >= within.toSub)) continue;
          const at = binAt(mt, k, ell, d);
          for (let v = 0; v < stride; v++) sums[v] += bin[at + v];
        }
      });
    }
    const n = sums[mt.values];
    for (let v = 0; v < mt.values; v++) out[v][i] = n > 0 ? sums[v] / n : NaN;
  });
  return out;
}

/**
 * `blocks` blocks of equal numbers of whole sub-blocks, from the first sub-block that lies
 * wholly in the run (a partial sub-block at either end, and the sub-blocks left over, stay out
 * of the blocks as the frames left over do in an exact block average); null when there are
 * fewer whole sub-blocks than blocks.
 */
export function blockedBlocks(mt: BlockedMultiTau, blocks: number): { blocks: SubBlocks[]; blockFrames: number } | null {
  const l = mt.subFrames;
  const last = mt.firstIndex + mt.frames - 1;
  const fromSub = Math.ceil(mt.firstIndex / l);
  const toSub = Math.floor((last + 1) / l);
  const per = Math.floor((toSub - fromSub) / blocks);
  if (per < 1) return null;
  return { blocks: Array.from({ length: blocks }, (_, b) => ({ fromSub: fromSub + b * per, toSub: fromSub + (b + 1) * per })), blockFrames: per * l };
}

/**
 * Bytes a correlator holds: its samples (a sample in both the head and the tail once) and bins —
 * the same however the run was cut into ranges and merged.
 */
export function blockedBytes(mt: BlockedMultiTau): number {
  let bytes = 0;
  for (const l of mt.levels) {
    if (!l) continue;
    const headEnd = l.firstSample + l.head.length - 1, tailStart = l.lastSample - l.tail.length + 1;
    const samples = l.head.length + l.tail.length - Math.max(0, headEnd - tailStart + 1);
    bytes += 8 * samples * mt.width;
    for (const b of l.bins) bytes += b.byteLength;
  }
  return bytes;
}

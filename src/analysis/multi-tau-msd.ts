import type { MsdCurve } from './msd.js';

/**
 * The order-n (multiple-tau) MSD: memory that grows with the logarithm of the run, not with it.
 * Frenkel & Smit's order-n algorithm as revisited by Dubbeldam, Ford, Ellis & Snurr (Mol. Simul.
 * 35, 1084 (2009)), with the block layout of LAMMPS `fix ave/correlate/long` (p points per
 * level, levels twice as coarse each):
 *
 * - level k holds the positions at the used frames whose index u is a multiple of 2^k (sample
 *   j = u / 2^k). Positions, not block averages: the displacement over ℓ samples of level k is the
 *   sum of the velocities over those 2^k·ℓ frames (Dubbeldam's block sums), so every lag is
 *   unbiased;
 * - level 0 accumulates Σ|x(j + ℓ) − x(j)|² over every pair of frames ℓ = 1 … p−1 apart — the
 *   exact MSD, every time origin, as the FFT method gives it;
 * - level k ≥ 1 accumulates the lags ℓ·2^k, ℓ = p/2 … p−1 (shorter ones are on the level below),
 *   with time origins every 2^k frames: at a lag t the origins are at most 2t/p apart, and
 *   origins that close add little beyond all of them (their windows overlap almost wholly).
 *
 * Memory: for each level the first and last p samples (for merging) and p sums, whatever the run
 * length. Levels are aligned on the run's frame indices, so the state of a range of frames merges
 * with the next range's exactly as one pass would have gone on: the sums add, and the pairs that
 * straddle the join are made from the first range's last p samples and the second's first p.
 */
export interface MultiTauLevel {
  /** The first and the last (up to) `points` samples, 3 per particle each, oldest first. */
  head: Float64Array[];
  tail: Float64Array[];
  /** Sample index (u / 2^k) of head[0] and of the last sample. */
  firstSample: number;
  lastSample: number;
  /** Σ over particles and pairs of Δx², Δy², Δz² at lag ℓ samples: sums[3ℓ + axis]. */
  sums: Float64Array;
  /** Pairs of samples (time origins) at lag ℓ, per particle. */
  pairs: Float64Array;
}

export interface MultiTauMsd {
  particles: number;
  /** Points per level (p). */
  points: number;
  /** Used frames folded, and the index of the first. */
  frames: number;
  firstIndex: number;
  levels: (MultiTauLevel | null)[];
}

/** p, as LAMMPS `fix ave/correlate/long`'s default: exact up to 15 frames, 8 lags per octave beyond. */
export const MULTI_TAU_POINTS = 16;
/** Levels enough for 2⁴⁰ frames; a level allocates only when a sample reaches it. */
const MAX_LEVELS = 40;

export function emptyMultiTau(particles: number, points = MULTI_TAU_POINTS): MultiTauMsd {
  if (points < 4 || points % 2) throw new Error('internal: multiple-tau points must be even and ≥ 4');
  return { particles, points, frames: 0, firstIndex: -1, levels: [] };
}

/** Smallest lag (in samples) a level accumulates. */
function minLag(level: number, points: number): number {
  return level === 0 ? 1 : points / 2;
}

function newLevel(points: number, sample: number): MultiTauLevel {
  return { head: [], tail: [], firstSample: sample, lastSample: sample - 1, sums: new Float64Array(3 * points), pairs: new Float64Array(points) };
}

/** Add the pairs between sample `x` (index j) and the earlier samples `earlier` (last index `lastIndex`). */
function addPairs(level: MultiTauLevel, k: number, points: number, earlier: Float64Array[], lastIndex: number, x: Float64Array, j: number): void {
  const lo = minLag(k, points);
  const n = earlier.length;
  const sums = level.sums;
  for (let q = 0; q < n; q++) {
    const lag = j - (lastIndex - (n - 1 - q));
    if (lag < lo || lag >= points) continue;
    const y = earlier[q];
    let sx = 0, sy = 0, sz = 0;
    for (let i = 0; i < x.length; i += 3) {
      const dx = x[i] - y[i], dy = x[i + 1] - y[i + 1], dz = x[i + 2] - y[i + 2];
      sx += dx * dx;
      sy += dy * dy;
      sz += dz * dz;
    }
    sums[3 * lag] += sx;
    sums[3 * lag + 1] += sy;
    sums[3 * lag + 2] += sz;
    level.pairs[lag]++;
  }
}

/** Fold in the positions (3 per particle, unwrapped) of used frame `index`; frames come in order. */
export function addMultiTau(mt: MultiTauMsd, index: number, positions: Float64Array): void {
  if (mt.frames > 0 && index !== mt.firstIndex + mt.frames) throw new Error('internal: multiple-tau frames out of order');
  if (mt.frames === 0) mt.firstIndex = index;
  mt.frames++;
  const p = mt.points;
  const w = 3 * mt.particles;
  let block = 1;
  for (let k = 0; k < MAX_LEVELS && index % block === 0; k++, block *= 2) {
    const j = index / block;
    let level = mt.levels[k];
    // Levels begin in order: a multiple of 2^k is one of 2^(k−1).
    if (!level) level = mt.levels[k] = newLevel(p, j);
    addPairs(level, k, p, level.tail, level.lastSample, positions, j);
    const x = positions.slice(0, w);
    if (level.tail.length === p) level.tail.shift();
    level.tail.push(x);
    if (level.head.length < p) level.head.push(x);
    level.lastSample = j;
  }
}

/**
 * A level's samples moved by `shift` (one number per sample value) as new arrays, a sample in both
 * the head and the tail as one. Any level of kept samples (this MSD's, the conductivity's blocked
 * correlator's).
 */
export function shiftedLevel<L extends { head: Float64Array[]; tail: Float64Array[] }>(level: L, shift: Float64Array | null): L {
  if (!shift) return level;
  const moved = new Map<Float64Array, Float64Array>();
  const move = (x: Float64Array) => {
    let y = moved.get(x);
    if (!y) moved.set(x, (y = x.map((v, i) => v + shift[i])));
    return y;
  };
  return { ...level, head: level.head.map(move), tail: level.tail.map(move) };
}

/**
 * The state of a's frames then b's (b's positions moved by `shift`, 3 per particle, when its
 * unwrapping started elsewhere); a and b are left unchanged (the result may share their arrays,
 * which nothing changes once stored).
 */
export function mergeMultiTau(a: MultiTauMsd, b: MultiTauMsd, shift: Float64Array | null): MultiTauMsd {
  if (b.frames === 0) return a;
  if (a.frames === 0) return { ...b, levels: b.levels.map((l) => l && shiftedLevel(l, shift)) };
  if (a.particles !== b.particles || a.points !== b.points) throw new Error('internal: merging multiple-tau MSDs of different shapes');
  if (b.firstIndex !== a.firstIndex + a.frames) throw new Error('internal: multiple-tau ranges that do not follow one another');
  const p = a.points;
  const levels: (MultiTauLevel | null)[] = [];
  for (let k = 0; k < Math.max(a.levels.length, b.levels.length); k++) {
    const la = a.levels[k] ?? null;
    const lb = b.levels[k] ? shiftedLevel(b.levels[k]!, shift) : null;
    if (!la || !lb) {
      levels.push(la ?? lb);
      continue;
    }
    const out: MultiTauLevel = {
      head: [...la.head, ...lb.head].slice(0, p),
      tail: [...la.tail, ...lb.tail].slice(-p),
      firstSample: la.firstSample,
      lastSample: lb.lastSample,
      sums: la.sums.map((v, i) => v + lb.sums[i]),
      pairs: la.pairs.map((v, i) => v + lb.pairs[i]),
    };
    // Pairs across the join: b's first samples against a's last ones.
    for (let q = 0; q < lb.head.length; q++) addPairs(out, k, p, la.tail, la.lastSample, lb.head[q], lb.firstSample + q);
    levels.push(out);
  }
  return { particles: a.particles, points: p, frames: a.frames + b.frames, firstIndex: a.firstIndex, levels };
}

/** The MSD at the lags the levels hold (lag 0, then increasing), as an MsdCurve of the run. */
export function multiTauCurve(mt: MultiTauMsd, dtPs: number): MsdCurve {
  const p = mt.points;
  const lags: number[] = [0];
  const values: [number, number, number][] = [[0, 0, 0]];
  let block = 1;
  for (let k = 0; k < mt.levels.length; k++, block *= 2) {
    const level = mt.levels[k];
    if (!level) continue;
    for (let lag = minLag(k, p); lag < p; lag++) {
      const n = level.pairs[lag];
      if (!(n > 0)) continue;
      const d = n * mt.particles;
      lags.push(lag * block);
      values.push([level.sums[3 * lag] / d, level.sums[3 * lag + 1] / d, level.sums[3 * lag + 2] / d]);
    }
  }
  const n = lags.length;
  const curve: MsdCurve = {
    lagPs: Float64Array.from(lags, (l) => l * dtPs),
    msdA2: Float64Array.from(values, (v) => v[0] + v[1] + v[2]),
    msdXA2: Float64Array.from(values, (v) => v[0]),
    msdYA2: Float64Array.from(values, (v) => v[1]),
    msdZA2: Float64Array.from(values, (v) => v[2]),
    particles: mt.particles,
    frames: mt.frames,
  };
  if (n !== curve.lagPs.length) throw new Error('internal');
  return curve;
}

/** Bytes a multiple-tau state holds (its samples and sums). */
export function multiTauBytes(mt: MultiTauMsd): number {
  let bytes = 0;
  for (const l of mt.levels) if (l) bytes += 8 * (new Set([...l.head, ...l.tail]).size * 3 * mt.particles + l.sums.length + l.pairs.length);
  return bytes;
}

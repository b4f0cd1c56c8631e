import { withRoom } from '../model/grow.js';
import { SeriesMsdSum } from './fft-msd.js';
import { wasmStepMsdSums } from './msd-wasm.js';

/**
 * The MSD's state: every particle's unwrapped position at every frame — all time origins need
 * the whole series, which is why the MSD, unlike g(r), cannot be folded frame by frame.
 *
 * Stored as displacements from each particle's first position (frames × particles × 3), in
 * float64 so that a run folded in slices by several threads and joined gives the same numbers
 * as one pass, to rounding.
 */
export class MsdSeries {
  frames = 0;
  /** Position of each particle in the first frame, Å. */
  readonly origin: Float64Array;
  data: Float64Array;

  constructor(
    readonly particles: number,
    initialFrames = 64,
  ) {
    this.origin = new Float64Array(3 * particles);
    this.data = new Float64Array(3 * particles * Math.max(1, initialFrames));
  }

  /** Append one frame of particle positions (3 per particle, unwrapped). */
  add(positions: Float64Array): void {
    const w = 3 * this.particles;
    if (this.frames === 0) this.origin.set(positions.subarray(0, w));
    this.data = withRoom(this.data, this.frames * w, (this.frames + 1) * w);
    const base = this.frames * w;
    const o = this.origin;
    for (let j = 0; j < w; j++) this.data[base + j] = positions[j] - o[j];
    this.frames++;
  }

  /**
   * Series that continue one another in time (consecutive chunks of one run) joined into one,
   * in a single allocation (`alloc`, e.g. onto shared memory for other threads to read).
   */
  static concat(parts: MsdSeries[], alloc: (values: number) => Float64Array = (n) => new Float64Array(n)): MsdSeries {
    const particles = parts[0].particles;
    if (parts.some((p) => p.particles !== particles)) throw new Error('internal: MSD series of different particle counts');
    const w = 3 * particles;
    const frames = parts.reduce((n, p) => n + p.frames, 0);
    const out = new MsdSeries(particles, 0);
    out.data = alloc(Math.max(1, frames) * w);
    const first = parts.find((p) => p.frames > 0);
    if (!first) return out;
    out.origin.set(first.origin);
    const shift = new Float64Array(w);
    for (const part of parts) {
      // Re-reference each chunk to the first one's origin; the values then continue seamlessly.
      for (let j = 0; j < w; j++) shift[j] = part.origin[j] - first.origin[j];
      const base = out.frames * w;
      for (let k = 0; k < part.frames; k++) for (let j = 0; j < w; j++) out.data[base + k * w + j] = part.data[k * w + j] + shift[j];
      out.frames += part.frames;
    }
    return out;
  }

  /** The trimmed data, a copy. */
  trimmed(): Float64Array {
    return this.data.slice(0, this.frames * 3 * this.particles);
  }

  /** A series over existing data (not copied). */
  static of(particles: number, frames: number, origin: Float64Array, data: Float64Array): MsdSeries {
    const s = new MsdSeries(particles, 0);
    s.origin.set(origin);
    s.data = data;
    s.frames = frames;
    return s;
  }

  /** The same displacements from another origin (the data is shared, not copied). */
  withOrigin(origin: Float64Array): MsdSeries {
    return MsdSeries.of(this.particles, this.frames, origin, this.data);
  }

  /**
   * Subtract the motion of a reference point (the system's centre of mass, 3 per frame) from
   * every particle: --remove-drift.
   */
  subtractDrift(centre: Float64Array): void {
    const w = 3 * this.particles;
    const data = this.data;
    for (let t = 0; t < this.frames; t++) {
      const dx = centre[3 * t] - centre[0], dy = centre[3 * t + 1] - centre[1], dz = centre[3 * t + 2] - centre[2];
      for (let j = 0; j < w; j += 3) {
        data[t * w + j] -= dx;
        data[t * w + j + 1] -= dy;
        data[t * w + j + 2] -= dz;
      }
    }
  }
}

/** Sums over particles of the MSD along x, y and z at lags 0…frames−1 (Å²). */
export interface MsdSums {
  x: Float64Array;
  y: Float64Array;
  z: Float64Array;
  particles: number;
}

/**
 * The FFT MSD summed over particles [from, to) and over the frames [firstFrame, firstFrame +
 * frames) of the series. Work splits across threads by particle; sums then add.
 */
export function msdSums(
  data: Float64Array,
  particles: number,
  from: number,
  to: number,
  firstFrame: number,
  frames: number,
): MsdSums {
  const sums = [new SeriesMsdSum(frames), new SeriesMsdSum(frames), new SeriesMsdSum(frames)];
  const stride = 3 * particles;
  // Particles are taken a block at a time, their frames copied out row by row into contiguous
  // series: reading one coordinate down the frames directly strides through memory a whole
  // frame apart, a cache miss per value.
  const block = Math.max(1, Math.min(to - from, TRANSPOSE_BLOCK));
  const series = new Float64Array(3 * block * frames);
  for (let p0 = from; p0 < to; p0 += block) {
    const width = 3 * Math.min(block, to - p0);
    for (let k = 0; k < frames; k++) {
      const row = (firstFrame + k) * stride + 3 * p0;
      for (let j = 0; j < width; j++) series[j * frames + k] = data[row + j];
    }
    addSeriesBlock(sums, series, width / 3, frames);
  }
  return sumsOf(sums, frames, to - from);
}

/**
 * msdSums over a series stored as steps between frames (StepSeries: row 0 zero, row t
 * the step into frame t), rebuilt into positions in float64 as it is copied out; `drift`
 * (frames × 3, the reference point's position, Å) is subtracted from every particle when given.
 * By the WebAssembly module when it is in use (src/analysis/msd-wasm.ts: a run's one call
 * would otherwise run cold JavaScript), else by stepMsdSumsJs; the two agree to rounding.
 */
export function stepMsdSums(steps: Float64Array | Float32Array, particles: number, from: number, to: number, frames: number, drift: Float64Array | null): MsdSums {
  return wasmStepMsdSums(steps, particles, from, to, frames, drift) ?? stepMsdSumsJs(steps, particles, from, to, frames, drift);
}

/** stepMsdSums in JavaScript, with SeriesMsdSum: the specification of the WebAssembly module. */
export function stepMsdSumsJs(steps: Float64Array | Float32Array, particles: number, from: number, to: number, frames: number, drift: Float64Array | null): MsdSums {
  const sums = [new SeriesMsdSum(frames), new SeriesMsdSum(frames), new SeriesMsdSum(frames)];
  const stride = 3 * particles;
  const block = Math.max(1, Math.min(to - from, TRANSPOSE_BLOCK));
  const series = new Float64Array(3 * block * frames);
  for (let p0 = from; p0 < to; p0 += block) {
    const width = 3 * Math.min(block, to - p0);
    for (let j = 0; j < width; j++) series[j * frames] = 0;
    for (let k = 1; k < frames; k++) {
      const row = k * stride + 3 * p0;
      for (let j = 0; j < width; j++) series[j * frames + k] = series[j * frames + k - 1] + steps[row + j];
    }
    if (drift) {
      for (let j = 0; j < width; j++) {
        const axis = j % 3;
        for (let k = 0; k < frames; k++) series[j * frames + k] -= drift[3 * k + axis] - drift[axis];
      }
    }
    addSeriesBlock(sums, series, width / 3, frames);
  }
  return sumsOf(sums, frames, to - from);
}

/** Adds a block of `count` particles' series (particle-major, x y z each `frames` long) to the per-axis sums. */
function addSeriesBlock(sums: SeriesMsdSum[], series: Float64Array, count: number, frames: number): void {
  // Two particles' series of the same axis share one complex transform.
  let q = 0;
  for (; q + 1 < count; q += 2) for (let axis = 0; axis < 3; axis++) sums[axis].addPair(series, (3 * q + axis) * frames, (3 * q + 3 + axis) * frames, 1);
  for (; q < count; q++) for (let axis = 0; axis < 3; axis++) sums[axis].add(series, (3 * q + axis) * frames, 1);
}

function sumsOf(sums: SeriesMsdSum[], frames: number, particles: number): MsdSums {
  const out: MsdSums = { x: new Float64Array(frames), y: new Float64Array(frames), z: new Float64Array(frames), particles };
  sums[0].addTo(out.x);
  sums[1].addTo(out.y);
  sums[2].addTo(out.z);
  return out;
}

/** Particles per block copied out of the frames × particles × 3 series (a few cache lines per frame). */
const TRANSPOSE_BLOCK = 16;

export function addSums(a: MsdSums, b: MsdSums): MsdSums {
  const add = (u: Float64Array, v: Float64Array) => u.map((x, i) => x + v[i]);
  return { x: add(a.x, b.x), y: add(a.y, b.y), z: add(a.z, b.z), particles: a.particles + b.particles };
}

export interface MsdCurve {
  /** Lag times, ps. */
  lagPs: Float64Array;
  /** MSD averaged over particles and time origins, Å². */
  msdA2: Float64Array;
  msdXA2: Float64Array;
  msdYA2: Float64Array;
  msdZA2: Float64Array;
  particles: number;
  frames: number;
}

export function msdCurve(sums: MsdSums, dtPs: number): MsdCurve {
  const n = sums.x.length;
  const p = sums.particles;
  const lagPs = new Float64Array(n);
  const msdA2 = new Float64Array(n);
  const msdXA2 = new Float64Array(n), msdYA2 = new Float64Array(n), msdZA2 = new Float64Array(n);
  for (let m = 0; m < n; m++) {
    lagPs[m] = m * dtPs;
    msdXA2[m] = sums.x[m] / p;
    msdYA2[m] = sums.y[m] / p;
    msdZA2[m] = sums.z[m] / p;
    msdA2[m] = msdXA2[m] + msdYA2[m] + msdZA2[m];
  }
  // Lag 0 is exactly zero; the FFT leaves ~1e-16 of rounding there.
  if (n > 0) msdA2[0] = msdXA2[0] = msdYA2[0] = msdZA2[0] = 0;
  return { lagPs, msdA2, msdXA2, msdYA2, msdZA2, particles: p, frames: n };
}

/**
 * An MSD series: every particle's unwrapped trajectory kept as steps between consecutive frames
 * (frames × particles × 3), with the first and last positions in float64. Steps are float64
 * (24 bytes per particle and frame), or float32 (12 bytes) when the memory budget asks for it.
 *
 * Steps, not displacements from the first frame, because they do not depend on where a range of
 * frames begins: a run folded in slices by several threads and joined stores the very same
 * values as one pass (the step into a slice's first frame is made when the slices are joined,
 * from the same two float64 positions one pass would use, and float32 steps are the float64
 * ones rounded, whenever that happens). Positions are rebuilt by summing the steps in float64.
 * Float32 rounding of each step (relative 6·10⁻⁸) adds up as a random walk: MSDs move by a few
 * 10⁻⁹ relative, far below their statistical error (float64 steps keep them to rounding).
 */
export type Steps = Float64Array | Float32Array;

export class StepSeries {
  frames = 0;
  /** Position of each particle in the first and the last frame, Å. */
  readonly first: Float64Array;
  readonly last: Float64Array;
  /** Row t: position at frame t minus position at frame t − 1 (row 0: zeros until joined). */
  steps: Steps;

  constructor(
    readonly particles: number,
    /** Index of the first frame among the run's used frames (for aligning multiple-tau levels). */
    readonly firstIndex: number,
    initialFrames = 64,
    float32 = false,
  ) {
    this.first = new Float64Array(3 * particles);
    this.last = new Float64Array(3 * particles);
    const n = 3 * particles * Math.max(1, initialFrames);
    this.steps = float32 ? new Float32Array(n) : new Float64Array(n);
  }

  get float32(): boolean {
    return this.steps instanceof Float32Array;
  }

  /** Bytes the stored steps take. */
  get bytes(): number {
    return this.frames * 3 * this.particles * this.steps.BYTES_PER_ELEMENT;
  }

  /** Bytes per frame of float64 steps (what storing a frame costs before any rounding). */
  static bytesPerFrame(particles: number, float32: boolean): number {
    return 3 * particles * (float32 ? 4 : 8);
  }

  /** The same series with float32 steps (a copy; the float64 steps rounded). */
  toFloat32(): StepSeries {
    if (this.float32) return this;
    return StepSeries.of(this.particles, this.firstIndex, this.frames, this.first, this.last, Float32Array.from(this.steps.subarray(0, this.frames * 3 * this.particles)));
  }

  /** Append one frame of particle positions (3 per particle, unwrapped). */
  add(positions: Float64Array): void {
    const w = 3 * this.particles;
    const need = (this.frames + 1) * w;
    if (this.steps.length < need) {
      const size = Math.max(need, 2 * this.steps.length);
      const grown = this.float32 ? new Float32Array(size) : new Float64Array(size);
      grown.set(this.steps.subarray(0, this.frames * w));
      this.steps = grown;
    }
    const last = this.last;
    if (this.frames === 0) {
      this.first.set(positions.subarray(0, w));
      this.steps.fill(0, 0, w);
    } else {
      const base = this.frames * w;
      for (let j = 0; j < w; j++) this.steps[base + j] = positions[j] - last[j];
    }
    last.set(positions.subarray(0, w));
    this.frames++;
  }

  /** The same steps with the positions moved by `shift` (3 per particle): the steps are shared. */
  shifted(shift: Float64Array): StepSeries {
    const s = StepSeries.of(this.particles, this.firstIndex, this.frames, this.first, this.last, this.steps);
    for (let j = 0; j < shift.length; j++) {
      s.first[j] += shift[j];
      s.last[j] += shift[j];
    }
    return s;
  }

  /** A series over existing steps (first and last copied, steps not). */
  static of(particles: number, firstIndex: number, frames: number, first: Float64Array, last: Float64Array, steps: Steps): StepSeries {
    const s = new StepSeries(particles, firstIndex, 0);
    s.first.set(first);
    s.last.set(last);
    s.steps = steps;
    s.frames = frames;
    return s;
  }

  /**
   * Consecutive series of one run joined into one, in a single allocation (`alloc`: e.g. shared
   * memory that the pool's threads read), in float32 if any part is. The step into each later
   * part's first frame is the difference of the two float64 positions, as one pass made it.
   */
  static join(parts: StepSeries[], alloc: (values: number, float32: boolean) => Steps = (n, f32) => (f32 ? new Float32Array(n) : new Float64Array(n))): StepSeries {
    const float32 = parts.some((p) => p.float32);
    if (float32) parts = parts.map((p) => p.toFloat32());
    const filled = parts.filter((p) => p.frames > 0);
    const particles = parts[0].particles;
    const w = 3 * particles;
    const frames = filled.reduce((n, p) => n + p.frames, 0);
    const out = new StepSeries(particles, filled.length ? filled[0].firstIndex : parts[0].firstIndex, 0);
    out.steps = alloc(Math.max(1, frames) * w, float32);
    if (!filled.length) return out;
    out.first.set(filled[0].first);
    let at = 0;
    let prev: StepSeries | null = null;
    for (const part of filled) {
      out.steps.set(part.steps.subarray(0, part.frames * w), at);
      if (prev) for (let j = 0; j < w; j++) out.steps[at + j] = part.first[j] - prev.last[j];
      at += part.frames * w;
      prev = part;
    }
    out.last.set(prev!.last);
    out.frames = frames;
    return out;
  }

  /**
   * Displacements from the first frame (frames × particles × 3, Å): the steps summed, as the
   * FFT path rebuilds them. A new array on every read (for inspection and tests).
   */
  get data(): Float64Array {
    const w = 3 * this.particles;
    const out = new Float64Array(this.frames * w);
    for (let t = 1; t < this.frames; t++) for (let j = 0; j < w; j++) out[t * w + j] = out[(t - 1) * w + j] + this.steps[t * w + j];
    return out;
  }

  /** Positions frame by frame (rebuilt from the steps; `out` is reused), with their run indices. */
  *positions(): Generator<{ index: number; positions: Float64Array }> {
    const w = 3 * this.particles;
    const x = Float64Array.from(this.first);
    for (let t = 0; t < this.frames; t++) {
      if (t > 0) for (let j = 0; j < w; j++) x[j] += this.steps[t * w + j];
      yield { index: this.firstIndex + t, positions: x };
    }
  }
}

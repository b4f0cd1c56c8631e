import FFT from 'fft.js';

/**
 * Mean squared displacement of one coordinate series over all time origins, by FFT
 * (Calandrini et al., J. Chim. Phys. 2011; the algorithm MDAnalysis EinsteinMSD, freud and
 * tidynamics use):
 *
 *   MSD(m) = 1/(N−m) Σ_k [x(k+m) − x(k)]² = S1(m) − 2·S2(m)
 *   S2(m)  = 1/(N−m) Σ_k x(k)·x(k+m)          — an autocorrelation, by FFT in O(N log N)
 *   S1(m)  = 1/(N−m) Σ_k [x(k)² + x(k+m)²]    — a running sum
 *
 * Series are shifted to zero mean first: the MSD does not change, and the two large terms that
 * cancel stay small, which keeps the result accurate at short lags.
 */
const ffts = new Map<number, FFT>();
function fftOf(size: number): FFT {
  let f = ffts.get(size);
  if (!f) {
    f = new FFT(size);
    ffts.set(size, f);
  }
  return f;
}

/** Smallest power of two ≥ n (and ≥ 4, the FFT's minimum). */
function pow2AtLeast(n: number): number {
  let p = 4;
  while (p < n) p *= 2;
  return p;
}

/**
 * The MSD of many series of the same length (one coordinate of many particles), summed. The
 * transform is linear, so the autocorrelations need not be transformed back one by one: the
 * power spectra add up and one inverse transform of their sum gives ΣS2 — half the transforms
 * of doing each series alone (and pairs of series share one complex transform). ΣS1 adds up as
 * it goes.
 */
export class SeriesMsdSum {
  readonly frames: number;
  private readonly size: number;
  /** A centred series, zero-padded (no wrap-around in the correlation). */
  private readonly padded: Float64Array;
  /** Two centred series as the real and imaginary parts of one, zero-padded. */
  private readonly packed: Float64Array;
  private readonly spectrum: Float64Array;
  /** Σ |F(x)|² over the series added, bins 0…size/2. */
  private readonly power: Float64Array;
  /** Σ S1(m)·(N − m): the running sums of squares, not yet divided. */
  private readonly s1: Float64Array;

  constructor(frames: number) {
    this.frames = frames;
    this.size = pow2AtLeast(2 * frames);
    this.padded = new Float64Array(this.size);
    this.packed = new Float64Array(2 * this.size);
    this.spectrum = new Float64Array(2 * this.size);
    this.power = new Float64Array(this.size / 2 + 1);
    this.s1 = new Float64Array(frames);
  }

  /** Add the series x[offset + k·stride], k = 0…N−1. */
  add(x: Float64Array, offset: number, stride: number): void {
    const c = this.padded;
    this.centre(x, offset, stride, c, 0, 1);
    fftOf(this.size).realTransform(this.spectrum, c);
    const spec = this.spectrum;
    const power = this.power;
    // realTransform fills bins 0…size/2; the rest mirror them for a real series.
    for (let k = 0; k <= this.size / 2; k++) power[k] += spec[2 * k] * spec[2 * k] + spec[2 * k + 1] * spec[2 * k + 1];
  }

  /**
   * Add two series (x[a + k·stride] and x[b + k·stride]) with one complex transform of
   * z = x₁ + i·x₂, cheaper than two real ones. Their spectra are X₁(k) = (Z(k) + Z*(−k))/2 and
   * X₂(k) = (Z(k) − Z*(−k))/2i, so |X₁(k)|² + |X₂(k)|² = (|Z(k)|² + |Z(−k)|²)/2: the sum of the
   * power spectra needs no unpacking.
   */
  addPair(x: Float64Array, a: number, b: number, stride: number): void {
    const z = this.packed;
    this.centre(x, a, stride, z, 0, 2);
    this.centre(x, b, stride, z, 1, 2);
    fftOf(this.size).transform(this.spectrum, z);
    const spec = this.spectrum;
    const power = this.power;
    const size = this.size;
    for (let k = 0; k <= size / 2; k++) {
      const j = 2 * ((size - k) % size);
      power[k] += 0.5 * (spec[2 * k] * spec[2 * k] + spec[2 * k + 1] * spec[2 * k + 1] + spec[j] * spec[j] + spec[j + 1] * spec[j + 1]);
    }
  }

  /**
   * Write the series x[offset + k·stride] less its mean into out[at + k·step], and add its S1
   * terms: a running sum of squares, removing one term from each end per lag.
   */
  private centre(x: Float64Array, offset: number, stride: number, out: Float64Array, at: number, step: number): void {
    const n = this.frames;
    let mean = 0;
    for (let k = 0; k < n; k++) mean += x[offset + k * stride];
    mean /= n;
    let q = 0;
    for (let k = 0; k < n; k++) {
      const c = x[offset + k * stride] - mean;
      out[at + k * step] = c;
      q += 2 * c * c;
    }
    const s1 = this.s1;
    for (let m = 0; m < n; m++) {
      if (m > 0) {
        const head = out[at + (m - 1) * step], tail = out[at + (n - m) * step];
        q -= head * head + tail * tail;
      }
      s1[m] += q;
    }
  }

  /** Add the summed MSD at every lag m = 0…N−1 into `out[m]` (callers sum dimensions too, and divide once). */
  addTo(out: Float64Array): void {
    const size = this.size;
    const n = this.frames;
    // The summed power spectrum is real and symmetric, so its inverse transform is its forward one / size.
    const full = new Float64Array(size);
    for (let k = 0; k <= size / 2; k++) {
      full[k] = this.power[k];
      if (k > 0 && k < size / 2) full[size - k] = this.power[k];
    }
    const corr = this.spectrum;
    fftOf(size).realTransform(corr, full);
    for (let m = 0; m < n; m++) out[m] += (this.s1[m] - (2 * corr[2 * m]) / size) / (n - m);
  }
}

/** Add the MSD of one series x[offset + k·stride], k = 0…N−1, at every lag into `out`. */
export function addSeriesMsd(x: Float64Array, offset: number, stride: number, frames: number, out: Float64Array): void {
  const sum = new SeriesMsdSum(frames);
  sum.add(x, offset, stride);
  sum.addTo(out);
}

/** The same MSD by the direct double sum, O(N²): the reference the FFT version is tested against. */
export function directSeriesMsd(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  for (let m = 0; m < n; m++) {
    let s = 0;
    for (let k = 0; k + m < n; k++) {
      const d = x[k + m] - x[k];
      s += d * d;
    }
    out[m] = s / (n - m);
  }
  return out;
}

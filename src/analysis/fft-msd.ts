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

/** Reusable work arrays for one FFT size. */
export class MsdWorkspace {
  readonly size: number;
  readonly padded: Float64Array;
  readonly spectrum: Float64Array;
  readonly power: Float64Array;
  readonly corr: Float64Array;
  readonly centred: Float64Array;

  constructor(readonly frames: number) {
    this.size = pow2AtLeast(2 * frames);
    this.padded = new Float64Array(this.size);
    this.spectrum = new Float64Array(2 * this.size);
    this.power = new Float64Array(this.size);
    this.corr = new Float64Array(2 * this.size);
    this.centred = new Float64Array(frames);
  }
}

/**
 * Add the MSD of the series x[offset + k·stride], k = 0…N−1, at every lag m = 0…N−1 into
 * `out[m]` (so a caller sums dimensions and particles and divides once).
 */
export function addSeriesMsd(x: Float64Array, offset: number, stride: number, ws: MsdWorkspace, out: Float64Array): void {
  const n = ws.frames;
  const c = ws.centred;
  let mean = 0;
  for (let k = 0; k < n; k++) mean += x[offset + k * stride];
  mean /= n;
  for (let k = 0; k < n; k++) c[k] = x[offset + k * stride] - mean;

  // S2 by FFT: |F(x)|² transformed back is the autocorrelation (zero-padded: no wrap-around).
  const f = fftOf(ws.size);
  ws.padded.fill(0);
  ws.padded.set(c);
  f.realTransform(ws.spectrum, ws.padded);
  const size = ws.size;
  const spec = ws.spectrum;
  const power = ws.power;
  // realTransform fills the first half; the power spectrum of a real series is symmetric.
  for (let k = 0; k <= size / 2; k++) {
    const p = spec[2 * k] * spec[2 * k] + spec[2 * k + 1] * spec[2 * k + 1];
    power[k] = p;
    if (k > 0 && k < size / 2) power[size - k] = p;
  }
  // The power spectrum is real and symmetric, so its inverse transform is its forward one / size.
  f.realTransform(ws.corr, power);

  // S1 by a running sum of squares, removing one term from each end per lag.
  let q = 0;
  for (let k = 0; k < n; k++) q += 2 * c[k] * c[k];
  for (let m = 0; m < n; m++) {
    if (m > 0) q -= c[m - 1] * c[m - 1] + c[n - m] * c[n - m];
    const s1 = q / (n - m);
    const s2 = ws.corr[2 * m] / size / (n - m);
    out[m] += s1 - 2 * s2;
  }
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

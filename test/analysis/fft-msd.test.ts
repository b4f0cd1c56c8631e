import { describe, expect, it } from 'vitest';
import { addSeriesMsd, directSeriesMsd, SeriesMsdSum } from '../../src/analysis/fft-msd.js';
import { gaussian } from '../support/random.js';

describe('MSD over all time origins by FFT', () => {
  it.each([2, 3, 7, 64, 100, 1000, 1023])('equals the direct double sum for a series of %i frames', (n) => {
    const g = gaussian(n);
    const x = new Float64Array(n);
    for (let k = 1; k < n; k++) x[k] = x[k - 1] + g(); // a random walk
    for (let k = 0; k < n; k++) x[k] += 1000; // far from the origin, as unwrapped coordinates are
    const fast = new Float64Array(n);
    addSeriesMsd(x, 0, 1, n, fast);
    const slow = directSeriesMsd(x);
    for (let m = 0; m < n; m++) expect(Math.abs(fast[m] - slow[m])).toBeLessThanOrEqual(1e-9 * Math.max(1, slow[m]));
  });

  it('reads a strided series (one coordinate of interleaved particles) and adds into its output', () => {
    const n = 50;
    const data = new Float64Array(3 * 2 * n); // 2 particles × xyz per frame
    for (let t = 0; t < n; t++) data[t * 6 + 4] = t * t; // y of particle 1
    const out = new Float64Array(n).fill(1);
    addSeriesMsd(data, 4, 6, n, out);
    const direct = directSeriesMsd(Array.from({ length: n }, (_, t) => t * t));
    for (let m = 0; m < n; m++) expect(out[m]).toBeCloseTo(1 + direct[m], 6);
  });

  it('sums the MSDs of many series, alone or in pairs, from one inverse transform of their summed power spectra', () => {
    const n = 300;
    const walks = 7;
    const g = gaussian(3 * n * walks);
    const data = new Float64Array(walks * n);
    for (let w = 0; w < walks; w++) for (let k = 1; k < n; k++) data[w * n + k] = data[w * n + k - 1] + (w + 1) * g();
    const sum = new SeriesMsdSum(n);
    const expected = new Float64Array(n);
    for (let w = 0; w < walks; w++) {
      // the first six in pairs through one complex transform, the seventh alone
      if (w % 2 === 0 && w + 1 < walks) sum.addPair(data, w * n, (w + 1) * n, 1);
      else if (w === walks - 1) sum.add(data, w * n, 1);
      directSeriesMsd(data.subarray(w * n, (w + 1) * n)).forEach((v, m) => (expected[m] += v));
    }
    const out = new Float64Array(n);
    sum.addTo(out);
    for (let m = 0; m < n; m++) expect(Math.abs(out[m] - expected[m])).toBeLessThanOrEqual(1e-9 * Math.max(1, expected[m]));
  });
});

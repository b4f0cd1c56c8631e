import { describe, expect, it } from 'vitest';
import { collectiveSeries } from '../../src/analysis/charge-msd.js';
import { conductivityMsPerCm } from '../../src/analysis/conductivity-units.js';
import { slopeVariance } from '../../src/analysis/diffusion.js';
import { blockVarianceScale, nernstEinstein, onsager, onsagerWindow, walkSlopeVariance, type OnsagerResult } from '../../src/analysis/onsager.js';
import { gaussian } from '../support/random.js';

const V = 8000, T = 300;

interface Walkers {
  counts: number[];
  charges: number[];
  /** Å²/ps per species. */
  d: number[];
  frames: number;
  dtPs: number;
  seed: number;
}

/** Independent Gaussian random walks per species; the COM is held still (a heavy solvent). */
function walkers(w: Walkers): Float64Array[] {
  const g = gaussian(w.seed);
  return w.counts.map((n, s) => {
    const a = new Float64Array(w.frames * n * 3);
    const sd = Math.sqrt(2 * w.d[s] * w.dtPs);
    for (let j = 0; j < 3 * n; j++) a[j] = 20 * g();
    for (let t = 1; t < w.frames; t++) for (let j = 0; j < 3 * n; j++) a[t * 3 * n + j] = a[(t - 1) * 3 * n + j] + sd * g();
    return a;
  });
}

function analyse(series: Float64Array[], w: Pick<Walkers, 'counts' | 'charges' | 'frames' | 'dtPs'>, window: { fromPs: number; toPs: number }, blocks?: number, com?: Float64Array): OnsagerResult {
  const species = w.counts.map((n, s) => ({ name: `s${s}`, chargeE: w.charges[s], ions: n, seriesA: series[s] }));
  const collective = collectiveSeries(series, w.counts, com ?? new Float64Array(3 * w.frames), w.frames);
  return onsager({ species, collective, dtPs: w.dtPs, volumeA3: V, temperatureK: T }, { window, blocks });
}

/** σ_NE of independent walkers: e²/(V k_B T) Σ N z² D. */
const sigmaTrue = (w: Walkers) => conductivityMsPerCm(w.counts.reduce((a, n, s) => a + n * w.charges[s] ** 2 * w.d[s], 0), V, T);

describe('uncorrelated walkers of both charges', () => {
  // One run, 10 blocks: 9 degrees of freedom, so ±4 standard errors hold the truth in 99.7% of
  // runs (the tails of t₉ are wide: ±3 only 98.5%); the coverage tests below check calibration.
  const w: Walkers = { counts: [16, 16], charges: [1, -1], d: [0.2, 0.1], frames: 4000, dtPs: 0.1, seed: 77 };
  const r = analyse(walkers(w), w, { fromPs: 1, toPs: 15 }, 10);

  it('σ_EH → σ_NE (Haven ratio 1, ionicity 1) within their errors, and L₊₋ → 0', () => {
    const truth = sigmaTrue(w);
    expect(Math.abs(r.sigmaNE.value - truth)).toBeLessThan(3 * r.sigmaNE.stderrBrownian);
    expect(Math.abs(r.sigmaEH.value - truth)).toBeLessThan(4 * r.sigmaEH.stderr);
    expect(Math.abs(r.haven.value - 1)).toBeLessThan(4 * r.haven.stderr);
    expect(Math.abs(r.ionicity.value - 1)).toBeLessThan(4 * r.ionicity.stderr);
    expect(Math.abs(r.l[0][1].total.value)).toBeLessThan(4 * r.l[0][1].total.stderr);
    for (const i of [0, 1]) expect(Math.abs(r.l[i][i].distinct.value)).toBeLessThan(4 * r.l[i][i].distinct.stderr);
    // The collective error is far wider than the self one: one sample per origin, not 32.
    expect(r.sigmaEH.stderr).toBeGreaterThan(3 * r.sigmaNE.stderrBrownian);
    // t⁺ → D⁺/(D⁺ + D⁻) = 2/3 when ions move independently.
    expect(Math.abs(r.transference[0].value - 2 / 3)).toBeLessThan(4 * r.transference[0].stderr);
    expect(r.transference[0].value + r.transference[1].value).toBeCloseTo(1, 12);
    expect(r.error).toMatchObject({ blocks: 10, dof: 9, blockFrames: 400 });
    expect(r.notes).toEqual([]);
  });

  it('self parts give D and σ_NE: e²L_ii(self) = e² N_i D_i / (V k_B T)', () => {
    for (const i of [0, 1]) {
      const d = r.species[i].diffusion;
      expect(Math.abs(d.dA2PerPs - w.d[i])).toBeLessThan(3 * d.stderrA2PerPs); // Brownian error, N = 16
      expect(r.l[i][i].self!.value).toBeCloseTo(conductivityMsPerCm(w.counts[i] * d.dA2PerPs, V, T), 9);
    }
    expect(r.sigmaNE.value).toBeCloseTo(r.l[0][0].self!.value + r.l[1][1].self!.value, 9);
    expect(r.sigmaOnsager.value).toBeCloseTo(r.l[0][0].total.value + r.l[1][1].total.value - 2 * r.l[0][1].total.value, 9);
    // Electroneutral ions: the charge displacement does not see the COM, σ_EH = e²Σ z z L.
    expect(r.sigmaEH.value).toBeCloseTo(r.sigmaOnsager.value, 9);
  });
});

describe('standard errors from blocks are honest', () => {
  // 3 + 3 walkers, 400 frames of 0.1 ps, fit 0.2–1.9 ps: the true σ_EH is σ_NE, L₊₋ is 0 and H
  // is 1. Over independent runs, count how often ±1 and ±2 standard errors hold the truth. With
  // M blocks the error has M − 1 degrees of freedom: expected P(|t₄| ≤ 1) = 0.626,
  // P(|t₄| ≤ 2) = 0.884 for M = 5; P(|t₉| ≤ 1) = 0.657, P(|t₉| ≤ 2) = 0.923 for M = 10.
  // Measured over 3000 runs (binomial spread ±0.009):
  //   M = 5:  σ_EH 0.629 / 0.861, L₊₋ 0.621 / 0.894, H 0.617 / 0.874;
  //   M = 10: σ_EH 0.640 / 0.898, L₊₋ 0.652 / 0.920, H 0.652 / 0.914.
  // Here fewer runs, to keep the suite short: bounds are ~3 binomial spreads.
  const base: Walkers = { counts: [3, 3], charges: [1, -1], d: [0.2, 0.1], frames: 400, dtPs: 0.1, seed: 0 };
  function coverage(blocks: number, runs: number) {
    const hits = { eh: [0, 0], cross: [0, 0], haven: [0, 0] };
    const count = (h: number[], z: number) => {
      if (Math.abs(z) <= 1) h[0]++;
      if (Math.abs(z) <= 2) h[1]++;
    };
    for (let run = 0; run < runs; run++) {
      const w = { ...base, seed: 5000 + run };
      const r = analyse(walkers(w), w, { fromPs: 0.2, toPs: 1.9 }, blocks);
      count(hits.eh, (r.sigmaEH.value - sigmaTrue(w)) / r.sigmaEH.stderr);
      count(hits.cross, r.l[0][1].total.value / r.l[0][1].total.stderr);
      count(hits.haven, (r.haven.value - 1) / r.haven.stderr);
    }
    return Object.values(hits).map(([one, two]) => [one / runs, two / runs]);
  }

  it('M = 5: about 63% of 300 runs within one standard error, 88% within two', () => {
    for (const [one, two] of coverage(5, 300)) {
      expect(one).toBeGreaterThan(0.54);
      expect(one).toBeLessThan(0.71);
      expect(two).toBeGreaterThan(0.8);
    }
  });

  it('M = 10: about 66% of 150 runs within one standard error, 92% within two', () => {
    for (const [one, two] of coverage(10, 150)) {
      expect(one).toBeGreaterThan(0.54);
      expect(one).toBeLessThan(0.78);
      expect(two).toBeGreaterThan(0.84);
    }
  });
});

describe('rigid ion pairs that always move together', () => {
  // Each anion sits at a fixed offset from its cation: the charge never moves. 10 blocks, checks
  // at ±4 standard errors as above.
  const w: Walkers = { counts: [8, 8], charges: [1, -1], d: [0.15, 0.15], frames: 2000, dtPs: 0.1, seed: 9 };
  const cations = walkers({ ...w, counts: [8], charges: [1], d: [0.15] })[0];
  const anions = cations.map((x, j) => x + 2.5 * Math.cos(j % 24));
  const r = analyse([cations, anions], w, { fromPs: 1, toPs: 9 }, 10);

  it('σ_EH = 0 and L₊₋ = L₊₊ = L₋₋ for a neutral pair', () => {
    expect(Math.abs(r.sigmaEH.value)).toBeLessThan(1e-9 * r.sigmaNE.value);
    expect(Math.abs(r.sigmaOnsager.value)).toBeLessThan(1e-9 * r.sigmaNE.value);
    expect(r.l[0][1].total.value / r.l[0][0].total.value).toBeCloseTo(1, 9);
    expect(r.l[1][1].total.value / r.l[0][0].total.value).toBeCloseTo(1, 9);
    // Each ion diffuses as before (D of the 8 independent pairs); the pairs are independent of
    // one another, so the distinct part of L₊₊ is only noise.
    for (const i of [0, 1]) expect(Math.abs(r.species[i].diffusion.dA2PerPs - 0.15)).toBeLessThan(3 * r.species[i].diffusion.stderrA2PerPs);
    expect(r.sigmaNE.value).toBeCloseTo(r.l[0][0].self!.value + r.l[1][1].self!.value, 9);
    expect(Math.abs(r.l[0][0].distinct.value)).toBeLessThan(4 * r.l[0][0].distinct.stderr);
    expect(r.notes.join(' ')).toMatch(/σ_EH is not resolved from zero/);
    expect(Math.abs(r.ionicity.value)).toBeLessThan(1e-9);
  });
});

describe('a pure-self system', () => {
  it('one ion per species: no distinct parts, and σ_NE is the diagonal of σ', () => {
    const w: Walkers = { counts: [1, 1, 1], charges: [1, -1, 2], d: [0.3, 0.1, 0.05], frames: 1500, dtPs: 0.2, seed: 4 };
    const r = analyse(walkers(w), w, { fromPs: 1, toPs: 20 });
    for (let i = 0; i < 3; i++) {
      const scale = r.l[i][i].total.value;
      expect(Math.abs(r.l[i][i].distinct.value)).toBeLessThan(1e-10 * scale);
      expect(r.l[i][i].self!.value).toBeCloseTo(scale, 9);
    }
    const diagonal = r.l.reduce((a, row, i) => a + w.charges[i] ** 2 * row[i].total.value, 0);
    expect(r.sigmaNE.value).toBeCloseTo(diagonal, 9);
    expect(r.notes.join(' ')).toMatch(/net charge of 2 e/);
  });

  it('a single ion: σ_EH = σ_NE exactly, Haven ratio 1 with no spread, t = 1', () => {
    const w: Walkers = { counts: [1], charges: [2], d: [0.4], frames: 1000, dtPs: 0.1, seed: 8 };
    const r = analyse(walkers(w), w, { fromPs: 0.5, toPs: 5 });
    expect(r.sigmaEH.value / r.sigmaNE.value).toBeCloseTo(1, 10);
    expect(r.haven.value).toBeCloseTo(1, 10);
    expect(r.haven.stderr).toBeLessThan(1e-8);
    expect(r.transference[0].value).toBe(1);
    // A lone ion's σ_NE carries the D error of one particle in both methods.
    expect(r.sigmaNE.stderr).toBeGreaterThan(0.05 * r.sigmaNE.value);
  });
});

describe('net charge and the COM', () => {
  it('with a moving COM, σ_EH = e²Σ z z L for neutral ions but not for charged ones', () => {
    const w = { counts: [3, 3], charges: [1, -1], frames: 800, dtPs: 0.1 };
    const g = gaussian(21);
    const series = walkers({ ...w, d: [0.2, 0.2], seed: 3 });
    const com = new Float64Array(3 * w.frames);
    for (let t = 1; t < w.frames; t++) for (let d = 0; d < 3; d++) com[3 * t + d] = com[3 * (t - 1) + d] + 0.2 * g();
    const neutral = analyse(series, w, { fromPs: 0.5, toPs: 5 }, 5, com);
    expect(neutral.sigmaEH.value).toBeCloseTo(neutral.sigmaOnsager.value, 9);
    const charged = analyse(series, { ...w, charges: [1, -0.5] }, { fromPs: 0.5, toPs: 5 }, 5, com);
    expect(Math.abs(charged.sigmaEH.value / charged.sigmaOnsager.value - 1)).toBeGreaterThan(0.01);
    expect(charged.notes[0]).toMatch(/net charge of 1.5 e: σ_EH \(lab frame\) and e²Σ z_i z_j L_ij \(barycentric frame\) differ/);
  });
});

describe('fit window and blocks', () => {
  const w: Walkers = { counts: [2, 2], charges: [1, -1], d: [0.1, 0.1], frames: 500, dtPs: 0.5, seed: 1 };
  const series = walkers(w);

  it('a window in ps snaps to the lags; in lag indices it is taken as it is', () => {
    expect(onsagerWindow(500, 0.5, { fromPs: 1.2, toPs: 9.9 })).toMatchObject({ from: 3, to: 19, fromPs: 1.5, toPs: 9.5 });
    const r = analyse(series, w, { fromPs: 1, toPs: 10 });
    expect([r.window.from, r.window.to]).toEqual([2, 20]);
  });

  it('refuses a window that does not fit in the first half of a block, and fewer than two blocks', () => {
    // 5 blocks of 100 frames: lags up to 49 (24.5 ps).
    expect(() => analyse(series, w, { fromPs: 1, toPs: 25 })).toThrow(
      /window ends at 25 ps, but the error estimate cuts the run into 5 blocks of 49.5 ps and fits within the first half of each \(up to 24.5 ps\): end the window earlier or use fewer blocks/,
    );
    expect(() => analyse(series, w, { fromPs: 1, toPs: 25 }, 4)).not.toThrow();
    expect(() => analyse(series, w, { fromPs: 1, toPs: 5 }, 1)).toThrow(/whole number ≥ 2, not 1/);
  });
});

describe('the random-walk variance ratio that scales the block covariance', () => {
  it('walkSlopeVariance equals 2·tr(A²) of the quadratic form the slope is in the steps', () => {
    // Unit Gaussian steps ε (frames − 1 of them): slope = εᵀAε with A = Σ_m w_m/(F−m) Σ_k v vᵀ,
    // v the indicator of the steps k…k+m−1; Var(εᵀAε) = 2·tr(A²).
    for (const [from, to, frames] of [[1, 5, 12], [2, 12, 25], [0, 9, 19], [4, 4 + 1, 30]]) {
      const n = frames - 1;
      const a = new Float64Array(n * n);
      let mean = 0;
      for (let m = from; m <= to; m++) mean += m / (to - from + 1);
      let sxx = 0;
      for (let m = from; m <= to; m++) sxx += (m - mean) ** 2;
      for (let m = from; m <= to; m++) {
        const c = (m - mean) / sxx / (frames - m);
        for (let k = 0; k + m < frames; k++) for (let p = k; p < k + m; p++) for (let q = k; q < k + m; q++) a[p * n + q] += c;
      }
      let tr = 0;
      for (let p = 0; p < n; p++) for (let q = 0; q < n; q++) tr += a[p * n + q] * a[q * n + p];
      expect(walkSlopeVariance(from, to, frames) / (2 * tr)).toBeCloseTo(1, 12);
    }
  });

  it('agrees with the leading-order Brownian covariance for short lags, and departs from it near half the run', () => {
    // diffusion.ts's slopeVariance in units of frames: unit steps per axis are D = 1/2, and its
    // 3-D MSD is three independent axes' worth, so one axis has a third of its variance.
    const lags = Float64Array.from({ length: 5000 }, (_, m) => m);
    const brown = (from: number, to: number, frames: number) => slopeVariance(lags, from, to, frames - 1, 0.5, 1) / 3;
    expect(walkSlopeVariance(5, 40, 4000) / brown(5, 40, 4000)).toBeCloseTo(1, 2);
    expect(Math.abs(walkSlopeVariance(5, 199, 400) / brown(5, 199, 400) - 1)).toBeGreaterThan(0.1);
    // Blocks much longer than the window: the ratio tends to 1; a window reaching half a block: ~0.74.
    expect(blockVarianceScale(2, 20, 100_000, 20_000, 5)).toBeGreaterThan(0.99);
    expect(blockVarianceScale(5, 199, 2000, 400, 5)).toBeCloseTo(0.7357, 3);
  });
});

describe('Nernst–Einstein from diffusion coefficients fitted elsewhere', () => {
  it('σ_NE = e²/(V k_B T) Σ N z² D, errors added in quadrature', () => {
    const ne = nernstEinstein(
      [
        { ions: 14, chargeE: 1, dA2PerPs: 0.079, stderrA2PerPs: 0.015 },
        { ions: 14, chargeE: -1, dA2PerPs: 0.087, stderrA2PerPs: 0.016 },
      ],
      13473.1,
      298,
    );
    expect(ne.value).toBeCloseTo(conductivityMsPerCm(14 * 0.079 + 14 * 0.087, 13473.1, 298), 12);
    expect(ne.stderr).toBeCloseTo(conductivityMsPerCm(Math.hypot(14 * 0.015, 14 * 0.016), 13473.1, 298), 12);
  });
});

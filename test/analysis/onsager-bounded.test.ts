import { describe, expect, it } from 'vitest';
import { addBlocked, blockedBlocks, blockedBytes, blockedLags, blockedMeans, emptyBlocked, mergeBlocked, type BlockedMultiTau } from '../../src/analysis/blocked-multi-tau.js';
import { collectiveMsd, collectiveSeries, selfMsdSums } from '../../src/analysis/charge-msd.js';
import { onsager, walkSlopeVariance } from '../../src/analysis/onsager.js';
import { boundedWindow, conductivityKernel, conductivitySample, conductivitySampleWidth, conductivityValues, onsagerBounded, walkSlopeVarianceAt } from '../../src/analysis/onsager-bounded.js';
import { gaussian } from '../support/random.js';

const V = 8000, T = 300;

interface Run {
  counts: number[];
  charges: number[];
  /** Own diffusion coefficient per species, Å²/ps. */
  d: number[];
  /** Each ion of species 1 also takes this fraction of the step of ion i of species 0: correlated pairs. */
  coupling: number;
  frames: number;
  dtPs: number;
  seed: number;
}

/** Ion positions per species (frames × ions × 3) and a wandering COM (frames × 3). */
function simulate(r: Run): { ions: Float64Array[]; com: Float64Array } {
  const g = gaussian(r.seed);
  const ions = r.counts.map((n) => new Float64Array(r.frames * n * 3));
  const com = new Float64Array(r.frames * 3);
  r.counts.forEach((n, s) => {
    for (let j = 0; j < 3 * n; j++) ions[s][j] = 20 * g();
  });
  const step0 = new Float64Array(3 * r.counts[0]);
  for (let t = 1; t < r.frames; t++) {
    for (let d = 0; d < 3; d++) com[3 * t + d] = com[3 * (t - 1) + d] + 0.05 * g();
    r.counts.forEach((n, s) => {
      const sd = Math.sqrt(2 * r.d[s] * r.dtPs);
      const w = 3 * n;
      for (let j = 0; j < w; j++) {
        let step = sd * g();
        if (s === 0) step0[j] = step;
        else step += r.coupling * step0[j % step0.length];
        ions[s][t * w + j] = ions[s][(t - 1) * w + j] + step;
      }
    });
  }
  return { ions, com };
}

function rowsAt(r: Run, sim: { ions: Float64Array[]; com: Float64Array }, t: number): Float64Array[] {
  return [...r.counts.map((n, s) => sim.ions[s].subarray(t * 3 * n, (t + 1) * 3 * n)), sim.com.subarray(3 * t, 3 * t + 3)];
}

function correlate(r: Run, sim: { ions: Float64Array[]; com: Float64Array }, first: number, end: number, startIndex = 0, shift: Float64Array | null = null): BlockedMultiTau {
  const mt = emptyBlocked(conductivitySampleWidth(r.counts), conductivityValues(r.counts.length));
  const kernel = conductivityKernel(r.counts, r.charges);
  const sample = new Float64Array(mt.width);
  for (let t = first; t < end; t++) {
    conductivitySample(rowsAt(r, sim, t), sample);
    if (shift) for (let j = 0; j < sample.length; j++) sample[j] -= shift[j];
    addBlocked(mt, startIndex + t, sample, kernel);
  }
  return mt;
}

function exact(r: Run, sim: { ions: Float64Array[]; com: Float64Array }, window: { fromPs: number; toPs: number }, blocks: number) {
  const species = r.counts.map((n, s) => ({ name: `s${s}`, chargeE: r.charges[s], ions: n, seriesA: sim.ions[s] }));
  const collective = collectiveSeries(sim.ions, r.counts, sim.com, r.frames);
  return onsager({ species, collective, dtPs: r.dtPs, volumeA3: V, temperatureK: T }, { window, blocks });
}

describe('the blocked multiple-tau correlator of a conductivity', () => {
  const r: Run = { counts: [5, 4], charges: [1, -1.25], d: [0.2, 0.1], coupling: 0.5, frames: 3000, dtPs: 0.1, seed: 3 };
  const sim = simulate(r);
  const mt = correlate(r, sim, 0, r.frames);

  it('cuts 3000 frames into at most 64 sub-blocks of a power of two frames (64: 47 of them)', () => {
    expect(mt.subFrames).toBe(64);
    expect(blockedBlocks(mt, 5)).toEqual({ blocks: [0, 1, 2, 3, 4].map((b) => ({ fromSub: 9 * b, toSub: 9 * b + 9 })), blockFrames: 576 });
  });

  it('at lags under 16 frames equals the all-origin MSDs (FFT) of the whole run and of a block of whole sub-blocks: pairs, self sums, charge', () => {
    const lags = blockedLags(mt);
    expect(lags.slice(0, 20)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 20, 22]);
    for (const [first, frames, within] of [
      [0, r.frames, null],
      [2 * 64, 3 * 64, { fromSub: 2, toSub: 5 }],
    ] as const) {
      const coll = collectiveMsd(collectiveSeries(sim.ions, r.counts, sim.com, r.frames), r.counts, r.charges, r.dtPs, first, frames);
      const self = r.counts.map((n, s) => selfMsdSums(sim.ions[s], n, sim.com, first, frames));
      const means = blockedMeans(mt, lags, within);
      for (let lag = 1; lag < 16; lag++) {
        const expected = [coll.pair[0][0][lag], coll.pair[0][1][lag], coll.pair[1][1][lag], ...self.map((x) => x.x[lag] + x.y[lag] + x.z[lag]), coll.charge[lag]];
        expected.forEach((e, v) => expect(Math.abs(means[v][lag] - e), `value ${v} lag ${lag}`).toBeLessThan(1e-9 * Math.abs(e) + 1e-9));
      }
    }
  });

  it('merges consecutive ranges exactly, whatever the cuts and however the later range was unwrapped', () => {
    const shift = Float64Array.from({ length: mt.width }, (_, j) => (j % 7) * 30 - 90);
    for (const cuts of [[1], [17, 1000], [64, 65, 2999], [1500]]) {
      const edges = [0, ...cuts, r.frames];
      let merged = correlate(r, sim, 0, edges[1]);
      for (let k = 1; k + 1 < edges.length; k++) {
        // The later range's samples off by whole "cells": the merge moves them back.
        const part = correlate(r, sim, edges[k], edges[k + 1], 0, shift);
        merged = mergeBlocked(merged, part, shift, conductivityKernel(r.counts, r.charges));
      }
      expect(merged.subFrames).toBe(mt.subFrames);
      const lags = blockedLags(mt);
      expect(blockedLags(merged)).toEqual(lags);
      for (const within of [null, { fromSub: 3, toSub: 20 }]) {
        const a = blockedMeans(mt, lags, within), b = blockedMeans(merged, lags, within);
        a.forEach((x, v) => x.forEach((e, i) => (Number.isNaN(e) ? expect(b[v][i]).toBeNaN() : expect(Math.abs(b[v][i] - e), `cuts ${cuts} value ${v} lag ${lags[i]}`).toBeLessThan(1e-10 * Math.abs(e) + 1e-10))));
      }
    }
  });

  it('holds memory that grows with the logarithm of the run, not with it: 32× the frames, 1.7× the bytes', () => {
    const small: Run = { ...r, counts: [3, 3], frames: 64_000 };
    const long = simulate(small);
    const bytes = [2000, 64_000].map((n) => blockedBytes(correlate(small, long, 0, n)));
    // Per level: up to 2 × 16 samples of 21 numbers, and per sub-block that holds one of its
    // samples 2 × 8 lag bins (2 × 15 at level 0) of 7 numbers: ~60 kB a level whose samples fall
    // in every one of the ≤ 64 sub-blocks — 6 levels at 2000 frames (L = 32), 11 at 64 000 (L = 1024).
    expect(bytes[0]).toBeLessThan(500_000);
    expect(bytes[1] - bytes[0]).toBeLessThan(5 * 70_000);
  });

  it('walkSlopeVarianceAt over every lag of a window is walkSlopeVariance', () => {
    for (const [from, to, frames] of [[1, 14, 300], [5, 60, 121], [0, 9, 1000]]) {
      const lags = Array.from({ length: to - from + 1 }, (_, i) => from + i);
      expect(walkSlopeVarianceAt(lags, frames) / walkSlopeVariance(from, to, frames) - 1).toBeCloseTo(0, 12);
    }
  });
});

describe('bounded against exact on one run', () => {
  // 20 cations (D 0.2 Å²/ps) and 20 anions (0.1) each dragged by 0.6 of its cation's step, a
  // wandering COM, 20 000 frames of 1 ps; fit 20–400 ps, 5 blocks. Measured over seeds 1–8
  // (bounded − exact, in units of the exact error): σ_EH rms 0.16 (max 0.30), σ_NE (self parts)
  // 0.38 (0.89), Haven ratio 0.18 (0.39), L₊₊ 0.20 (0.49), L₊₋ 0.17 (0.28), L₋₋ 0.12 (0.18),
  // L₊₊ distinct 0.18 (0.31): the two fit different lags (every lag against the multiple-tau
  // ones) of one noisy curve. The errors themselves, from 5 blocks (4 degrees of freedom) that
  // are not the same frames, differ by 0.4–2.4×.
  const r: Run = { counts: [20, 20], charges: [1, -1], d: [0.2, 0.1], coupling: 0.6, frames: 20000, dtPs: 1, seed: 1 };
  const sim = simulate(r);
  const e = exact(r, sim, { fromPs: 20, toPs: 400 }, 5);
  const mt = correlate(r, sim, 0, r.frames);
  const window = boundedWindow(blockedLags(mt), 20, 400, 1, false)!;
  const b = onsagerBounded({ species: e.species.map(({ name, chargeE, ions }) => ({ name, chargeE, ions })), correlator: mt, dtPs: 1, volumeA3: V, temperatureK: T }, { window, blocks: 5 });

  it('fits the multiple-tau lags in the window, in 5 blocks of 7 sub-blocks of 512 frames', () => {
    expect([window.fromPs, window.toPs]).toEqual([20, 384]);
    expect(b.error).toMatchObject({ blocks: 5, dof: 4, blockFrames: 3584 });
    expect(b.error.varianceScale).toBeGreaterThan(0.8);
    expect(b.error.varianceScale).toBeLessThan(1);
  });

  it('gives σ_EH, σ_NE, the Haven ratio and every L_ij (total, self, distinct) of the exact path within their errors', () => {
    const pairs: [string, { value: number; stderr: number }, { value: number; stderr: number }][] = [
      ['σ_EH', e.sigmaEH, b.sigmaEH],
      ['σ_NE', e.sigmaNE, b.sigmaNE],
      ['Haven', e.haven, b.haven],
      ['ionicity', e.ionicity, b.ionicity],
      ['t⁺', e.transference[0], b.transference[0]],
    ];
    for (let i = 0; i < 2; i++) {
      for (let j = i; j < 2; j++) pairs.push([`L${i}${j}`, e.l[i][j].total, b.l[i][j].total], [`L${i}${j} distinct`, e.l[i][j].distinct, b.l[i][j].distinct]);
      pairs.push([`L${i}${i} self`, e.l[i][i].self!, b.l[i][i].self!]);
    }
    // The drag is resolved: L₊₋ over five errors from zero, in both.
    expect(e.l[0][1].total.value).toBeGreaterThan(5 * e.l[0][1].total.stderr);
    expect(b.l[0][1].total.value).toBeGreaterThan(5 * b.l[0][1].total.stderr);
    for (const [name, x, y] of pairs) {
      expect(Math.abs(y.value - x.value), name).toBeLessThan(x.stderr);
      expect(y.stderr / x.stderr, name).toBeGreaterThan(1 / 3);
      expect(y.stderr / x.stderr, name).toBeLessThan(3);
    }
    // D of each species from its self part, against the walkers' own: D₊ = 0.2, D₋ = 0.1 + 0.6²·0.2.
    [0.2, 0.1 + 0.36 * 0.2].forEach((d, i) => expect(Math.abs(b.species[i].diffusion.dA2PerPs - d)).toBeLessThan(3 * b.species[i].diffusion.stderrA2PerPs));
  });
});

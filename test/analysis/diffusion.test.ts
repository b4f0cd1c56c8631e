import { describe, expect, it } from 'vitest';
import { autoWindow, diffusion, linearFit, slopeVariance, transferenceNumber, windowFromTimes } from '../../src/analysis/diffusion.js';
import { msdCurve, type MsdSums } from '../../src/analysis/msd.js';
import { curveOf, randomWalkSeries } from '../support/synthetic.js';

describe('D of random walks with a known diffusion coefficient', () => {
  it('recovers D within its standard error, and the error is small for many particles', () => {
    const D = 0.25, dt = 0.2;
    const c = curveOf(randomWalkSeries(200, 2000, D, dt, 1), dt);
    const { window } = autoWindow(c);
    const d = diffusion(c, window, dt);
    expect(Math.abs(d.dA2PerPs - D)).toBeLessThan(3 * d.stderrA2PerPs);
    expect(d.stderrA2PerPs / D).toBeLessThan(0.05);
    expect(d.logLogSlope).toBeCloseTo(1, 1);
    expect(d.notes).toEqual([]);
  });

  it('gives honest error bars: about 68% of independent runs land within one standard error', () => {
    const D = 1.0, dt = 0.1;
    let within1 = 0, within2 = 0;
    const runs = 300;
    for (let run = 0; run < runs; run++) {
      const c = curveOf(randomWalkSeries(20, 300, D, dt, 1000 + run), dt);
      const d = diffusion(c, windowFromTimes(c, 1, 15), dt);
      const z = Math.abs(d.dA2PerPs - D) / d.stderrA2PerPs;
      if (z <= 1) within1++;
      if (z <= 2) within2++;
    }
    // Binomial spread over 300 runs is ±2.7%; the Brownian covariance is a leading-order formula.
    expect(within1 / runs).toBeGreaterThan(0.6);
    expect(within1 / runs).toBeLessThan(0.78);
    expect(within2 / runs).toBeGreaterThan(0.9);
  });

  it('shows a large error for a single ion over a short run (10 ps of AIMD at 1 fs)', () => {
    const D = 0.1, dt = 0.001;
    const c = curveOf(randomWalkSeries(1, 10_000, D, dt, 7), dt);
    const d = diffusion(c, windowFromTimes(c, 0.5, 5), dt);
    expect(d.stderrA2PerPs / D).toBeGreaterThan(0.25);
  });
});

describe('slope variance', () => {
  it('the O(L) running sums equal the O(L²) double sum of wᵀΣw', () => {
    const lag = Array.from({ length: 60 }, (_, i) => i * 0.5);
    const [i0, i1, T, D, N] = [3, 50, 40, 0.7, 5];
    const mean = lag.slice(i0, i1 + 1).reduce((a, b) => a + b, 0) / (i1 - i0 + 1);
    const sxx = lag.slice(i0, i1 + 1).reduce((a, t) => a + (t - mean) ** 2, 0);
    const w = (i: number) => (lag[i] - mean) / sxx;
    const cov = (i: number, j: number) => {
      const [t1, t2] = lag[i] <= lag[j] ? [lag[i], lag[j]] : [lag[j], lag[i]];
      return (24 * D * D * (t1 * t1 * t2 - (t1 * t1 * t1) / 3)) / (N * (T - t2));
    };
    let q = 0;
    for (let i = i0; i <= i1; i++) for (let j = i0; j <= i1; j++) q += w(i) * w(j) * cov(i, j);
    expect(slopeVariance(lag, i0, i1, T, D, N)).toBeCloseTo(q, 12);
  });
});

describe('the automatic fit window', () => {
  /** MSD of a particle with velocity memory: ballistic (∝ t²) below τ, diffusive (6Dt) above. */
  function langevinCurve(frames: number, dt: number, tau: number, D: number) {
    const lag = Float64Array.from({ length: frames }, (_, i) => i * dt);
    const msd = lag.map((t) => 6 * D * (t - tau * (1 - Math.exp(-t / tau))));
    const sums: MsdSums = { x: msd.map((v) => v / 3), y: msd.map((v) => v / 3), z: msd.map((v) => v / 3), particles: 1 };
    return msdCurve(sums, dt);
  }

  it('starts after the ballistic start and ends at half the run', () => {
    const c = langevinCurve(4001, 0.01, 0.5, 1);
    const { window, notes } = autoWindow(c);
    expect(window.toPs).toBeCloseTo(20, 9);
    expect(window.fromPs).toBeGreaterThan(1); // several τ in: the log–log slope is near 1 from there
    expect(window.fromPs).toBeLessThan(10);
    expect(notes).toEqual([]);
    const d = diffusion(c, window, 0.01);
    expect(d.dA2PerPs).toBeCloseTo(1, 2);
  });

  it('says so when the MSD never becomes linear (caged ions)', () => {
    const lag = Float64Array.from({ length: 1000 }, (_, i) => i * 0.1);
    const plateau = lag.map((t) => 3 * (1 - Math.exp(-t)));
    const c = msdCurve({ x: plateau.map((v) => v / 3), y: plateau.map((v) => v / 3), z: plateau.map((v) => v / 3), particles: 1 }, 0.1);
    const { notes } = autoWindow(c);
    expect(notes[0]).toMatch(/does not become diffusive .* over any window ending at half the run/);
  });

  it('starts after an ion has left its cage, not where the slope passes 1 on its way down from ballistic', () => {
    // Ballistic (∝ t²) below 0.2 ps, rattling in a cage of 10 Å² (slope near 0), then diffusion
    // with 6D = 0.3 Å²/ps: the slope over an octave, log₂(MSD(2t)/MSD(t)), reaches 0.85 only at
    // t ≈ 139 ps (a start taken as soon as the window's mean slope is within 0.1 of 1 is ~125 ps).
    const dt = 0.1;
    const lag = Float64Array.from({ length: 20001 }, (_, i) => i * dt);
    const msd = lag.map((t) => 10 * (1 - Math.exp(-((t / 0.2) ** 2))) + 0.3 * t);
    const c = msdCurve({ x: msd.map((v) => v / 3), y: msd.map((v) => v / 3), z: msd.map((v) => v / 3), particles: 1 }, dt);
    const { window, notes } = autoWindow(c);
    expect(notes).toEqual([]);
    expect(window.fromPs).toBeGreaterThan(135);
    const octave = (t: number) => Math.log2(c.msdA2[Math.round((2 * t) / dt)] / c.msdA2[Math.round(t / dt)]);
    for (const t of [window.fromPs, 2 * window.fromPs, 4 * window.fromPs]) expect(Math.abs(octave(Math.min(t, 500)) - 1)).toBeLessThanOrEqual(0.15);
    expect(window.toPs).toBeCloseTo(1000, 9);
    expect(diffusion(c, window, dt).dA2PerPs).toBeCloseTo(0.05, 4);
  });

  it('--fit snaps to the lags the run has and refuses an empty window', () => {
    const c = langevinCurve(101, 0.5, 0.1, 1);
    const w = windowFromTimes(c, 9.9, 20.2);
    expect([w.fromPs, w.toPs]).toEqual([10, 20]);
    expect(() => windowFromTimes(c, 10.1, 10.4)).toThrow(/fewer than two lags/);
    // An XTC's float32 times: 0.2 ps stored as 0.20000000298 ps. --fit 2:20 is lags 10–100, as
    // gmx msd and MDAnalysis take it, not 10–99.
    const f32 = langevinCurve(201, Math.fround(0.2), 0.1, 1);
    const x = windowFromTimes(f32, 2, 20);
    expect([x.from, x.to]).toEqual([10, 100]);
  });
});

describe('linear fit and the transference number', () => {
  it('fits an exact line', () => {
    const fit = linearFit([0, 1, 2, 3, 4], [1, 3, 5, 7, 9], 1, 4);
    expect(fit.slope).toBeCloseTo(2, 14);
    expect(fit.intercept).toBeCloseTo(1, 14);
  });

  it('t⁺ = D⁺/(D⁺ + D⁻) with the error propagated', () => {
    const { t, stderr } = transferenceNumber(1, 0.1, 3, 0.3);
    expect(t).toBeCloseTo(0.25, 14);
    // ∂t/∂D⁺ = D⁻/S² = 3/16, ∂t/∂D⁻ = −D⁺/S² = −1/16
    expect(stderr).toBeCloseTo(Math.hypot((3 / 16) * 0.1, (1 / 16) * 0.3), 14);
  });
});

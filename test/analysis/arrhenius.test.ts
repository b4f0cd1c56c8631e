import { describe, expect, it } from 'vitest';
import { arrheniusFit, BOLTZMANN_EV_PER_K } from '../../src/analysis/arrhenius.js';

const exact = (ea: number, d0: number, t: number) => d0 * Math.exp(-ea / (BOLTZMANN_EV_PER_K * t));

describe('Arrhenius fit of D(T)', () => {
  it('recovers the activation energy and prefactor of exact data', () => {
    const points = [300, 330, 360, 400].map((t) => ({ temperatureK: t, d: exact(0.25, 1e3, t), stderr: 0.05 * exact(0.25, 1e3, t) }));
    const fit = arrheniusFit(points)!;
    expect(fit.eaEv).toBeCloseTo(0.25, 10);
    expect(fit.d0).toBeCloseTo(1e3, 6);
    expect(fit.temperatures).toBe(4);
    // error from the weights alone (the points do not scatter): σ(ln D) = 0.05
    const x = points.map((p) => 1 / p.temperatureK);
    const mx = x.reduce((a, b) => a + b, 0) / x.length;
    const sxx = x.reduce((a, v) => a + (v - mx) ** 2, 0) / 0.05 ** 2;
    expect(fit.stderrEv).toBeCloseTo(BOLTZMANN_EV_PER_K / Math.sqrt(sxx), 10);
  });

  it('widens the error when the points scatter more than their error bars say', () => {
    const t = [300, 330, 360, 400, 450];
    const scatter = [1.3, 0.8, 1.25, 0.75, 1.2];
    const points = t.map((T, k) => ({ temperatureK: T, d: exact(0.3, 50, T) * scatter[k], stderr: 0.01 * exact(0.3, 50, T) }));
    const fit = arrheniusFit(points)!;
    const tight = arrheniusFit(points.map((p) => ({ ...p, d: exact(0.3, 50, p.temperatureK) })))!;
    expect(fit.stderrEv!).toBeGreaterThan(5 * tight.stderrEv!);
  });

  it('needs at least two temperatures', () => {
    expect(arrheniusFit([{ temperatureK: 300, d: 1, stderr: 0.1 }, { temperatureK: 300, d: 1.1, stderr: 0.1 }])).toBeNull();
  });
});

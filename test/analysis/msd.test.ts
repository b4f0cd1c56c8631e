import { describe, expect, it } from 'vitest';
import { MsdSeries } from '../../src/analysis/msd.js';
import { curveOf } from '../support/synthetic.js';

describe('MSD of ballistic motion is v²t², per axis and in total', () => {
  it('for particles moving at constant velocities', () => {
    const particles = 4, frames = 200, dt = 0.5;
    const v = [
      [0.1, 0, 0],
      [0, -0.2, 0.05],
      [0.3, 0.3, 0.3],
      [-0.01, 0.02, -0.03],
    ];
    const series = new MsdSeries(particles);
    for (let t = 0; t < frames; t++) {
      const p = new Float64Array(3 * particles);
      for (let q = 0; q < particles; q++) for (let d = 0; d < 3; d++) p[3 * q + d] = 50 + q + v[q][d] * t * dt;
      series.add(p);
    }
    const c = curveOf(series, dt);
    const mean = (d: number) => v.reduce((s, w) => s + w[d] * w[d], 0) / particles;
    const v2 = mean(0) + mean(1) + mean(2);
    for (const m of [0, 1, 2, 10, 99, 199]) {
      const t = m * dt;
      expect(c.lagPs[m]).toBe(t);
      const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, b));
      close(c.msdA2[m], v2 * t * t);
      close(c.msdXA2[m], mean(0) * t * t);
      close(c.msdYA2[m], mean(1) * t * t);
      close(c.msdZA2[m], mean(2) * t * t);
    }
  });
});

describe('MsdSeries', () => {
  it('appending a later chunk equals adding its frames one by one', () => {
    const all = new MsdSeries(2), a = new MsdSeries(2), b = new MsdSeries(2);
    for (let t = 0; t < 10; t++) {
      const p = Float64Array.from([t, 2 * t, 3, 100 - t, 7, t * t]);
      all.add(p);
      (t < 6 ? a : b).add(p);
    }
    a.append(b);
    expect(a.frames).toBe(10);
    expect(a.trimmed()).toEqual(all.trimmed());
  });
});

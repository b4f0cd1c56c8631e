import { describe, expect, it } from 'vitest';
import { addSums, MsdSeries, msdSums } from '../../src/analysis/msd.js';
import { directSeriesMsd } from '../../src/analysis/fft-msd.js';
import { gaussian } from '../support/random.js';
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
  it('joining consecutive chunks equals adding their frames one by one', () => {
    const all = new MsdSeries(2), a = new MsdSeries(2), b = new MsdSeries(2), c = new MsdSeries(2);
    for (let t = 0; t < 10; t++) {
      const p = Float64Array.from([t, 2 * t, 3, 100 - t, 7, t * t]);
      all.add(p);
      (t < 6 ? a : t < 9 ? b : c).add(p);
    }
    const joined = MsdSeries.concat([a, new MsdSeries(2), b, c], (n) => new Float64Array(new SharedArrayBuffer(8 * n)));
    expect(joined.frames).toBe(10);
    expect(joined.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(joined.origin).toEqual(all.origin);
    expect(joined.trimmed()).toEqual(all.trimmed());
  });
});

describe('msdSums: the FFT MSD summed over a range of particles and frames', () => {
  // 37 random walkers over 120 frames: more particles than one block of the transposition, and
  // not a multiple of it.
  const particles = 37, frames = 120;
  const g = gaussian(3 * particles * frames);
  const data = new Float64Array(3 * particles * frames);
  for (let t = 1; t < frames; t++) for (let j = 0; j < 3 * particles; j++) data[t * 3 * particles + j] = data[(t - 1) * 3 * particles + j] + (1 + (j % 5)) * g();
  const direct = (from: number, to: number, first: number, n: number, axis: number) => {
    const out = new Float64Array(n);
    for (let p = from; p < to; p++) {
      const x = Array.from({ length: n }, (_, k) => data[(first + k) * 3 * particles + 3 * p + axis]);
      directSeriesMsd(x).forEach((v, m) => (out[m] += v));
    }
    return out;
  };
  const close = (a: Float64Array, b: Float64Array) => a.forEach((v, m) => expect(Math.abs(v - b[m])).toBeLessThanOrEqual(1e-9 * Math.max(1, b[m])));

  it('equals the direct double sum of every particle, per axis', () => {
    const s = msdSums(data, particles, 0, particles, 0, frames);
    expect(s.particles).toBe(particles);
    close(s.x, direct(0, particles, 0, frames, 0));
    close(s.y, direct(0, particles, 0, frames, 1));
    close(s.z, direct(0, particles, 0, frames, 2));
  });

  it('adds up over ranges of particles (how threads split it), and reads a window of frames', () => {
    const whole = msdSums(data, particles, 0, particles, 30, 80);
    const split = addSums(msdSums(data, particles, 0, 19, 30, 80), msdSums(data, particles, 19, particles, 30, 80));
    close(split.x, whole.x);
    close(split.z, whole.z);
    close(whole.y, direct(0, particles, 30, 80, 1));
  });
});

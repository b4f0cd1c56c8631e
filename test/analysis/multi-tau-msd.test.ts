import { describe, expect, it } from 'vitest';
import { diffusion } from '../../src/analysis/diffusion.js';
import { msdCurve, stepMsdSums } from '../../src/analysis/msd.js';
import { multiTauAutoWindow, multiTauRequestedWindow } from '../../src/analysis/multi-tau-fit.js';
import { addMultiTau, emptyMultiTau, mergeMultiTau, multiTauBytes, multiTauCurve, type MultiTauMsd } from '../../src/analysis/multi-tau-msd.js';
import { StepSeries } from '../../src/analysis/step-series.js';
import { gaussian } from '../support/random.js';
import { NAFSI_DUMP } from '../support/nafsi.js';
import { analyzeOf } from '../support/analyze.js';

/** Random walks (Gaussian steps of variance 2·D·dt per axis): frames of positions, one array each. */
function walk(particles: number, frames: number, dA2PerPs: number, dtPs: number, seed: number): Float64Array[] {
  const g = gaussian(seed);
  const pos = Float64Array.from({ length: 3 * particles }, () => 10 * g());
  const sd = Math.sqrt(2 * dA2PerPs * dtPs);
  const out: Float64Array[] = [];
  for (let t = 0; t < frames; t++) {
    if (t > 0) for (let j = 0; j < pos.length; j++) pos[j] += sd * g();
    out.push(pos.slice());
  }
  return out;
}

function multiTauOf(frames: Float64Array[], particles: number, first = 0, points?: number): MultiTauMsd {
  const mt = emptyMultiTau(particles, points);
  frames.forEach((x, t) => addMultiTau(mt, first + t, x));
  return mt;
}

function exactCurve(frames: Float64Array[], particles: number, dtPs: number) {
  const s = new StepSeries(particles, 0, frames.length);
  for (const x of frames) s.add(x);
  return msdCurve(stepMsdSums(s.steps, particles, 0, particles, s.frames, null), dtPs);
}

describe('the multiple-tau MSD', () => {
  const dt = 0.1;
  const frames = walk(7, 700, 0.3, dt, 5);

  it('equals the FFT MSD over all time origins at lags under p frames, and holds the lags p/2·2^k … (p−1)·2^k beyond', () => {
    const mt = multiTauOf(frames, 7);
    const c = multiTauCurve(mt, dt);
    const exact = exactCurve(frames, 7, dt);
    for (let lag = 1; lag < 16; lag++) {
      expect(c.lagPs[lag]).toBeCloseTo(lag * dt, 12);
      // float32 steps rebuilt by the FFT path: agreement to ~1e-7 relative.
      expect(Math.abs(c.msdA2[lag] / exact.msdA2[lag] - 1)).toBeLessThan(1e-6);
      expect(Math.abs(c.msdXA2[lag] / exact.msdXA2[lag] - 1)).toBeLessThan(1e-6);
    }
    const lagsInFrames = Array.from(c.lagPs, (t) => Math.round(t / dt));
    expect(lagsInFrames.slice(16, 24)).toEqual([16, 18, 20, 22, 24, 26, 28, 30]);
    expect(lagsInFrames.slice(24, 32)).toEqual([32, 36, 40, 44, 48, 52, 56, 60]);
    expect(lagsInFrames[lagsInFrames.length - 1]).toBeLessThan(700);
  });

  it('at a lag of level k, averages over the time origins every 2^k frames: checked by hand at lag 40 (level 2)', () => {
    const mt = multiTauOf(frames, 7);
    const c = multiTauCurve(mt, dt);
    const i = Array.from(c.lagPs).findIndex((t) => Math.round(t / dt) === 40);
    let sum = 0, n = 0;
    for (let t0 = 0; t0 + 40 < frames.length; t0 += 4) {
      for (let j = 0; j < 21; j++) sum += (frames[t0 + 40][j] - frames[t0][j]) ** 2;
      n++;
    }
    expect(c.msdA2[i]).toBeCloseTo(sum / (7 * n), 9);
  });

  it('merging the states of consecutive ranges, cut anywhere, gives one pass’s sums; the inputs are left as they were', () => {
    const whole = multiTauCurve(multiTauOf(frames, 7), dt);
    for (const cuts of [[1], [37], [64, 65], [100, 333, 512], [699]]) {
      const edges = [0, ...cuts, frames.length];
      const parts = edges.slice(0, -1).map((a, k) => multiTauOf(frames.slice(a, edges[k + 1]), 7, a));
      const before = structuredClone(parts);
      const merged = parts.reduce((x, y) => mergeMultiTau(x, y, null));
      expect(parts).toEqual(before);
      const c = multiTauCurve(merged, dt);
      expect(Array.from(c.lagPs)).toEqual(Array.from(whole.lagPs));
      c.msdA2.forEach((v, i) => expect(Math.abs(v - whole.msdA2[i])).toBeLessThanOrEqual(1e-12 * whole.msdA2[i]));
    }
  });

  it('a later range unwrapped from elsewhere (a whole-cell shift) merges as if it had not been', () => {
    const shift = Float64Array.from({ length: 21 }, (_, j) => (j % 3 === 0 ? 30 : j % 3 === 1 ? -30 : 0));
    const a = multiTauOf(frames.slice(0, 250), 7, 0);
    const b = multiTauOf(frames.slice(250).map((x) => x.map((v, j) => v - shift[j])), 7, 250);
    const c = multiTauCurve(mergeMultiTau(a, b, shift), dt);
    const whole = multiTauCurve(multiTauOf(frames, 7), dt);
    c.msdA2.forEach((v, i) => expect(Math.abs(v - whole.msdA2[i])).toBeLessThanOrEqual(1e-9 * whole.msdA2[i]));
  });

  it('keeps memory that grows with the logarithm of the run: 10× the frames, a few levels more', () => {
    const short = multiTauBytes(multiTauOf(walk(5, 1000, 0.3, dt, 9), 5));
    const long = multiTauBytes(multiTauOf(walk(5, 10_000, 0.3, dt, 9), 5));
    expect(long / short).toBeLessThan(1.5);
  });

  it('gives D of a random walk as the exact MSD does, within a fraction of the standard error', () => {
    const D = 0.25, n = 40, len = 4000;
    const f = walk(n, len, D, dt, 77);
    const exact = exactCurve(f, n, dt);
    const c = multiTauCurve(multiTauOf(f, n), dt);
    const from = 2, to = (len / 2) * dt;
    const { window } = multiTauRequestedWindow(c, from, to);
    const dMt = diffusion(c, window, dt);
    // The exact method's fit over the same window, on every lag.
    const i0 = Math.round(from / dt), i1 = Math.round(to / dt);
    const dEx = diffusion(exact, { from: i0, to: i1, fromPs: from, toPs: to, auto: false }, dt);
    expect(Math.abs(dMt.dA2PerPs - D)).toBeLessThan(3 * dMt.stderrA2PerPs);
    expect(Math.abs(dMt.dA2PerPs - dEx.dA2PerPs)).toBeLessThan(0.5 * dEx.stderrA2PerPs);
    expect(dMt.stderrA2PerPs / dEx.stderrA2PerPs).toBeGreaterThan(0.8);
    expect(dMt.stderrA2PerPs / dEx.stderrA2PerPs).toBeLessThan(1.25);
    const auto = multiTauAutoWindow(c);
    expect(auto.notes).toEqual([]);
    expect(Math.abs(diffusion(c, auto.window, dt).dA2PerPs - D)).toBeLessThan(3 * dMt.stderrA2PerPs);
  });
});

describe('the MSD past --max-memory', () => {
  it('turns multiple-tau, says so, agrees with the exact MSD, and gives the same numbers with 1 and 2 workers', async () => {
    const exact = await analyzeOf(NAFSI_DUMP, { msd: ['Na'], fit: '5:20' });
    const small = await analyzeOf(NAFSI_DUMP, { msd: ['Na'], fit: '5:20', maxMemory: '20kB' }, { workers: 1 });
    const two = await analyzeOf(NAFSI_DUMP, { msd: ['Na'], fit: '5:20', maxMemory: '20kB' }, { workers: 2, minParallelBytes: 0, sliceBytes: 1, stealBytes: 1 });
    const [e, m, m2] = [exact.msd[0], small.msd[0], two.msd[0]];
    expect(e.diffusion.notes.join(' ')).not.toMatch(/multiple-tau/);
    expect(m.diffusion.notes[0]).toMatch(/order-n multiple-tau.*--max-memory 0\.0200 MB/);
    expect(m.diffusion.method).toMatch(/multiple-tau lags/);
    for (let i = 1; i < 16; i++) expect(Math.abs(m.curve.msdA2[i] / e.curve.msdA2[i] - 1)).toBeLessThan(1e-6);
    expect(Math.abs(m.diffusion.dA2PerPs - e.diffusion.dA2PerPs)).toBeLessThan(0.5 * e.diffusion.stderrA2PerPs);
    // Each slice replays its own float32 steps from its own float64 start: 2.6e-10 apart measured.
    m2.curve.msdA2.forEach((v, i) => expect(Math.abs(v - m.curve.msdA2[i])).toBeLessThanOrEqual(3e-9 * m.curve.msdA2[i]));
  });

  it('first keeps the series in float32 when that fits: the exact MSD to ~1e-8, the same with 1 and 2 workers', async () => {
    const exact = await analyzeOf(NAFSI_DUMP, { msd: ['Na'], fit: '5:20' });
    const run = (workers: number) => analyzeOf(NAFSI_DUMP, { msd: ['Na'], fit: '5:20', maxMemory: '100kB' }, { workers, minParallelBytes: 0, sliceBytes: 1, stealBytes: 1 });
    const [one, two] = [(await run(1)).msd[0], (await run(2)).msd[0]];
    const e = exact.msd[0];
    expect(one.diffusion.notes[0]).toMatch(/kept in float32 to stay within --max-memory 0\.100 MB/);
    // Float32 steps: 2.5e-9 relative measured.
    one.curve.msdA2.forEach((v, i) => expect(Math.abs(v - e.curve.msdA2[i])).toBeLessThanOrEqual(3e-8 * e.curve.msdA2[i]));
    // Slices store the same float32 steps as one pass.
    two.curve.msdA2.forEach((v, i) => expect(Math.abs(v - one.curve.msdA2[i])).toBeLessThanOrEqual(1e-12 * one.curve.msdA2[i]));
  });
});

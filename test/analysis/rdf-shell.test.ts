import { describe, expect, it } from 'vitest';
import { firstShell, runningCnAt, smooth } from '../../src/analysis/rdf-shell.js';
import { gaussian } from '../support/random.js';

function curve(dr: number, rmax: number, f: (r: number) => number, noise = 0, seed = 1) {
  const g = gaussian(seed);
  const n = Math.round(rmax / dr);
  const rA = Float64Array.from({ length: n }, (_, i) => (i + 0.5) * dr);
  return { rA, g: rA.map((r) => Math.max(0, f(r) + noise * g())) };
}

/** A liquid-like g(r): nothing below 2 Å, a sharp first peak at 2.3 Å, a minimum near 3.1 Å, a second shell at 4.5 Å. */
const liquid = (r: number) =>
  r < 1.9 ? 0 : 1 + 7 * Math.exp(-(((r - 2.3) / 0.12) ** 2)) - 0.9 * Math.exp(-(((r - 3.1) / 0.35) ** 2)) + 0.4 * Math.exp(-(((r - 4.5) / 0.5) ** 2));

describe('first peak and first minimum', () => {
  it('are found on a clean curve', () => {
    const { rA, g } = curve(0.01, 10, liquid);
    const { peak, min } = firstShell(rA, g, 0.01);
    expect(peak!.rA).toBeCloseTo(2.3, 1);
    expect(min!.rA).toBeGreaterThan(2.9);
    expect(min!.rA).toBeLessThan(3.3);
  });

  it('are not fooled by noise (wiggles of ±0.15 on every bin)', () => {
    const clean = firstShell(...(Object.values(curve(0.01, 10, liquid)) as [Float64Array, Float64Array]), 0.01);
    for (let seed = 1; seed <= 20; seed++) {
      const { rA, g } = curve(0.01, 10, liquid, 0.15, seed);
      const { peak, min } = firstShell(rA, g, 0.01);
      expect(Math.abs(peak!.rA - 2.3)).toBeLessThan(0.05);
      expect(Math.abs(min!.rA - clean.min!.rA)).toBeLessThan(0.2);
    }
  });

  it('give the peak height the histogram shows (its highest bin, refined by a parabola), not the lower height of the smoothed curve', () => {
    // A sharp first peak (width 0.05 Å, as Na–O in water) in bins of 0.02 Å: smoothing over
    // 0.05 Å lowers its top by a tenth, which a reader of the plot would not find there.
    const sharp = (r: number) => (r < 1.9 ? 0 : 1 + 7 * Math.exp(-(((r - 2.31) / 0.05) ** 2)) - 0.9 * Math.exp(-(((r - 3.1) / 0.35) ** 2)));
    const { rA, g } = curve(0.02, 10, sharp);
    const { peak } = firstShell(rA, g, 0.02);
    const highest = Math.max(...g);
    expect(peak!.g).toBeGreaterThanOrEqual(highest);
    expect(peak!.g).toBeLessThan(8.0 + 1e-9);
    expect(Math.abs(peak!.rA - 2.31)).toBeLessThan(0.01);
    expect(Math.max(...smooth(g, 0.02))).toBeLessThan(0.95 * highest);
  });

  it('ignore a small bump before the real first shell', () => {
    const { rA, g } = curve(0.01, 10, (r) => liquid(r) + (r > 1.5 && r < 1.9 ? 0.3 * Math.exp(-(((r - 1.7) / 0.05) ** 2)) : 0));
    expect(firstShell(rA, g, 0.01).peak!.rA).toBeCloseTo(2.3, 1);
  });

  it('put a flat-bottomed minimum (an empty gap between shells) in the middle of the gap', () => {
    const shells = (r: number) => (Math.abs(r - 2) < 0.3 ? 10 : Math.abs(r - 4) < 0.3 ? 10 : r > 5 ? 1 : 0);
    const { rA, g } = curve(0.01, 8, shells);
    const { min } = firstShell(rA, g, 0.01);
    expect(min!.rA).toBeCloseTo(3, 1);
    expect(min!.g).toBeCloseTo(0, 6);
  });

  it('find the shallow minimum of water O–O (g ≈ 0.98 between shells)', () => {
    const water = (r: number) => (r < 2.4 ? 0 : 1 + 2.1 * Math.exp(-(((r - 2.75) / 0.13) ** 2)) - 0.03 * Math.exp(-(((r - 3.5) / 0.25) ** 2)) + 0.07 * Math.exp(-(((r - 4.5) / 0.35) ** 2)));
    const { rA, g } = curve(0.02, 11, water);
    const { peak, min } = firstShell(rA, g, 0.02);
    expect(peak!.rA).toBeCloseTo(2.75, 1);
    expect(min!.rA).toBeGreaterThan(3.2);
    expect(min!.rA).toBeLessThan(3.9);
  });

  it('report no shell for a structureless g(r), and no minimum if g does not rise again before r_max', () => {
    const flat = curve(0.02, 10, () => 1, 0.02);
    expect(firstShell(flat.rA, flat.g, 0.02)).toEqual({ peak: null, min: null });
    const cut = curve(0.01, 2.9, liquid);
    const notes: string[] = [];
    const s = firstShell(cut.rA, cut.g, 0.01, notes);
    expect(s.peak).not.toBeNull();
    expect(s.min).toBeNull();
    expect(notes[0]).toMatch(/give a larger --rmax/);
  });
});

describe('running coordination number between bin edges', () => {
  it('interpolates linearly, with n(0) = 0 and cn[i] at the outer edge of bin i', () => {
    const cn = Float64Array.from([1, 3, 6]);
    expect(runningCnAt(cn, 0.5, 0)).toBe(0);
    expect(runningCnAt(cn, 0.5, 0.25)).toBe(0.5);
    expect(runningCnAt(cn, 0.5, 0.5)).toBe(1);
    expect(runningCnAt(cn, 0.5, 0.75)).toBe(2);
    expect(runningCnAt(cn, 0.5, 1.5)).toBe(6);
  });
});

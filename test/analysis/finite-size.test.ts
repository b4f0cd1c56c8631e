import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cubicEdgeA, fitViscosity, isCubic, yehHummer, yehHummerCorrection, YEH_HUMMER_XI } from '../../src/analysis/finite-size.js';
import { boxFromLengthsAngles, boxFromVectors, orthorhombicBox } from '../../src/model/box.js';
import { FIXTURES } from '../support/io.js';

const ref = JSON.parse(readFileSync(join(FIXTURES, 'peers/onsager/fits.json'), 'utf8')).yeh_hummer_tip3p;

describe('Yeh–Hummer correction D∞ = D_PBC + k_B T ξ / (6π η L)', () => {
  it('matches a hand calculation: water-like η = 0.89 mPa·s, T = 298.15 K, L = 30 Å', () => {
    // k_B T = 4.116405e-21 J; × ξ = 1.167946e-20 J; 6π η L = 6π · 0.89e-3 Pa·s · 30e-10 m
    // = 5.032831e-11 Pa·s·m; ratio 2.320655e-10 m²/s = 2.320655e-2 Å²/ps.
    expect(YEH_HUMMER_XI).toBe(2.837297);
    expect(yehHummerCorrection(298.15, 0.89, 30)).toBeCloseTo(0.02320655, 7);
    expect(yehHummerCorrection(298.15, 0.89, 60)).toBeCloseTo(0.02320655 / 2, 7);
  });

  it('propagates the errors of D and η', () => {
    const corr = yehHummerCorrection(300, 0.5, 25);
    const d = yehHummer({ dA2PerPs: 0.2, stderrA2PerPs: 0.01 }, 300, { mPaS: 0.5, stderr: 0.05 }, 25);
    expect(d.value).toBeCloseTo(0.2 + corr, 14);
    expect(d.stderr).toBeCloseTo(Math.hypot(0.01, 0.1 * corr), 14);
    expect(yehHummer({ dA2PerPs: 0.2, stderrA2PerPs: null }, 300, { mPaS: 0.5, stderr: null }, 25).stderr).toBeNull();
  });
});

describe('η and D∞ from D at several box sizes', () => {
  // TIP3P water at 298 K, five cubic boxes: box lengths, D_PBC and errors as kinisi
  // (github.com/kinisi-dev/kinisi, kinisi/tests/test_yeh_hummer.py and the example in
  // kinisi/yeh_hummer.py) quotes them from Yeh & Hummer, J. Phys. Chem. B 108, 15873 (2004),
  // in 1e-5 cm²/s (= 0.1 Å²/ps). Reference fit: np.polyfit with weights 1/σ
  // (test/fixtures/peers/onsager/make_fits_reference.py).
  const L = [18.58, 23.42, 29.51, 37.19, 46.86];
  const D = [4.884, 5.123, 5.315, 5.466, 5.59];
  const S = [0.032, 0.027, 0.014, 0.011, 0.013];
  const fit = fitViscosity(L.map((l, i) => ({ boxLengthA: l, dA2PerPs: D[i] * 0.1, stderrA2PerPs: S[i] * 0.1 })), 298)!;

  it('the weighted line equals numpy\'s, and η comes out as TIP3P\'s (~0.28 mPa·s, a third of real water\'s)', () => {
    expect(ref.box_length_A).toEqual(L);
    expect(fit.dInfinite.value).toBeCloseTo(ref.intercept_A2_per_ps, 12);
    expect(fit.slopeA3PerPs).toBeCloseTo(ref.slope_A3_per_ps, 11);
    ref.cov_intercept_slope.forEach((v: number, k: number) => expect(Math.abs(fit.covariance[k] / v - 1)).toBeLessThan(1e-9));
    expect(fit.chi2).toBeCloseTo(ref.chi2, 10);
    expect(fit.dof).toBe(3);
    expect(Math.abs(fit.viscosityMPaS!.value / ref.viscosity_mPa_s - 1)).toBeLessThan(1e-10);
    expect(Math.abs(fit.viscosityMPaS!.stderr! / ref.viscosity_stderr_mPa_s - 1)).toBeLessThan(1e-9);
    expect(fit.viscosityMPaS!.value).toBeGreaterThan(0.25);
    expect(fit.viscosityMPaS!.value).toBeLessThan(0.35);
    // D∞ = 6.05e-5 cm²/s, above every finite box; the smallest box is 0.117 Å²/ps (19%) short of it.
    expect(fit.dInfinite.value).toBeCloseTo(0.6053, 4);
    expect(yehHummerCorrection(298, fit.viscosityMPaS!.value, L[0])).toBeCloseTo(ref.correction_smallest_box_A2_per_ps, 12);
    expect(fit.notes).toEqual([]);
  });

  it('recovers η and D∞ of exact Yeh–Hummer data, and refuses a slope of the wrong sign', () => {
    const exact = [20, 30, 40, 60].map((l) => ({ boxLengthA: l, dA2PerPs: 0.5 - yehHummerCorrection(330, 0.7, l), stderrA2PerPs: 0.01 }));
    const f = fitViscosity(exact, 330)!;
    expect(f.viscosityMPaS!.value).toBeCloseTo(0.7, 10);
    expect(f.dInfinite.value).toBeCloseTo(0.5, 12);
    const wrong = fitViscosity([{ boxLengthA: 20, dA2PerPs: 0.5, stderrA2PerPs: null }, { boxLengthA: 40, dA2PerPs: 0.4, stderrA2PerPs: null }, { boxLengthA: 30, dA2PerPs: 0.45, stderrA2PerPs: null }], 300)!;
    expect(wrong.viscosityMPaS).toBeNull();
    expect(wrong.notes[0]).toMatch(/does not grow with the box size/);
    expect(fitViscosity([{ boxLengthA: 20, dA2PerPs: 0.5, stderrA2PerPs: null }], 300)).toBeNull();
  });
});

describe('cubic cells', () => {
  it('says whether a cell is cubic within a tolerance, whatever its orientation', () => {
    expect(cubicEdgeA(orthorhombicBox(23.7952, 23.7952, 23.7952))).toBeCloseTo(23.7952, 12);
    expect(isCubic(orthorhombicBox(20, 20, 20.01))).toBe(false);
    expect(isCubic(orthorhombicBox(20, 20, 20.01), 1e-3)).toBe(true);
    expect(isCubic(boxFromLengthsAngles(20, 20, 20, 90, 90, 91))).toBe(false);
    // A cube rotated by 30° about z is still a cube.
    const c = Math.cos(Math.PI / 6) * 15, s = Math.sin(Math.PI / 6) * 15;
    expect(cubicEdgeA(boxFromVectors([c, s, 0, -s, c, 0, 0, 0, 15]))).toBeCloseTo(15, 12);
    expect(isCubic(orthorhombicBox(20, 20, 40))).toBe(false);
  });
});

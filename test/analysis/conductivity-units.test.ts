import { describe, expect, it } from 'vitest';
import { conductivityMsPerCm } from '../../src/analysis/conductivity-units.js';

describe('conductivity in mS/cm from Å², ps, Å³, K and e', () => {
  it('matches a hand calculation: one monovalent ion, D = 1 Å²/ps, V = 1000 Å³, T = 300 K', () => {
    // e² = 2.566969966535570e-38 C², k_B·T = 4.141947e-21 J, D = 1e-8 m²/s, V = 1e-27 m³:
    // σ = 2.566969966535570e-46 / 4.141947e-48 S/m = 61.9749592772570 S/m = 619.749592772570 mS/cm.
    expect(conductivityMsPerCm(1, 1000, 300)).toBeCloseTo(619.74959277257, 9);
    // Linear in N z² D, inverse in V and T: a divalent ion (z² = 4) with D = 2 in the same cell.
    expect(conductivityMsPerCm(4 * 2, 1000, 300)).toBeCloseTo(4957.99674218056, 8);
    expect(conductivityMsPerCm(1, 2000, 300)).toBeCloseTo(619.74959277257 / 2, 9);
    expect(conductivityMsPerCm(1, 1000, 600)).toBeCloseTo(619.74959277257 / 2, 9);
  });

  it("matches pymatgen-analysis-diffusion's get_conversion_factor for LiFePO4 at 600 K", () => {
    // pymatgen-analysis-diffusion, src/pymatgen/analysis/diffusion/analyzer.py (2025.11.15):
    //   get_conversion_factor = 1000 · n / (V[cm³] · N_A) · z² · (N_A e)² / (R T), mS/cm per cm²/s;
    // its test (tests/.../test_analyzer.py) expects 41370704.343540139 ± 20 ("scipy constants
    // changed") for pymatgen's LiFePO4 test structure: 4 Li (z = 1, valence electrons),
    // V = 299.60796771125047 Å³ (src/pymatgen/util/structures/LiFePO4.json).
    const volumeA3 = 299.60796771125047;
    const D_CM2_PER_S_IN_A2_PER_PS = 1e4;
    const factor = conductivityMsPerCm(4 * 1 * D_CM2_PER_S_IN_A2_PER_PS, volumeA3, 600);
    expect(Math.abs(factor - 41370704.343540139)).toBeLessThan(20);
    // Their formula with the exact 2019 SI constants (R = N_A k_B, what scipy ≥ 1.4 has):
    const NA = 6.02214076e23, e = 1.602176634e-19, R = 8.314462618;
    const theirs = ((1000 * 4) / (volumeA3 * 1e-24 * NA)) * (NA * e) ** 2 / (R * 600);
    expect(Math.abs(factor / theirs - 1)).toBeLessThan(1e-9); // R is rounded to 10 digits
  });
});

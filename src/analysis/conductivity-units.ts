/**
 * Ionic conductivity in the unit electrolyte papers use, mS/cm, from the units mdpost computes
 * in: Å, ps, Å³, K and charges in e. Exact SI constants (2019 redefinition).
 *
 *   σ = e² X / (V k_B T)
 *
 * X is a charge-weighted diffusivity in e²·Å²/ps: Σ_s N_s z_s² D_s for the Nernst–Einstein
 * estimate, the slope of the charge MSD / 6 for the Einstein–Helfand one, and the slope of
 * ⟨ΔR_i·ΔR_j⟩ / 6 for an Onsager coefficient expressed as e²·L_ij.
 *
 * Unit arithmetic: e² [C²] · X [Å²/ps = 1e-20 m² / 1e-12 s = 1e-8 m²/s] / (V [Å³ = 1e-30 m³] ·
 * k_B T [J]) gives S/m (C²/(J·s·m) = S/m), and 1 S/m = 10 mS/cm.
 */
export const ELEMENTARY_CHARGE_C = 1.602176634e-19;
export const BOLTZMANN_J_PER_K = 1.380649e-23;

/** 1 S/m in mS/cm. */
const MS_PER_CM_PER_S_PER_M = 10;

/** σ (mS/cm) = e²·X / (V k_B T), X in e²·Å²/ps, V in Å³, T in K. */
export function conductivityMsPerCm(xE2A2PerPs: number, volumeA3: number, temperatureK: number): number {
  const xM2PerS = xE2A2PerPs * 1e-8;
  const volumeM3 = volumeA3 * 1e-30;
  const sPerM = (ELEMENTARY_CHARGE_C * ELEMENTARY_CHARGE_C * xM2PerS) / (volumeM3 * BOLTZMANN_J_PER_K * temperatureK);
  return sPerM * MS_PER_CM_PER_S_PER_M;
}

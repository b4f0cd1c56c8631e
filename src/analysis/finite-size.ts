import { boxAngles, boxLengths, type Box } from '../model/box.js';
import { BOLTZMANN_J_PER_K } from './conductivity-units.js';

/**
 * Finite-size correction of self-diffusion coefficients under periodic boundaries (Yeh & Hummer,
 * J. Phys. Chem. B 108, 15873 (2004)): a particle drags its periodic images through the solvent's
 * hydrodynamic flow, which slows it by an amount ∝ 1/L in a cubic cell of edge L:
 *
 *   D∞ = D_PBC + k_B T ξ / (6π η L),   ξ = 2.837297 (the cubic lattice's Ewald-like sum),
 *
 * with η the shear viscosity. Units here: D in Å²/ps, η in mPa·s (= cP), L in Å, T in K. The
 * constant ξ belongs to cubic cells only (other shapes have their own, direction-dependent
 * corrections), hence `cubicEdgeA`.
 *
 * Conversely, D_PBC against 1/L over several box sizes is a line whose intercept is D∞ and whose
 * slope is −k_B T ξ/(6π η): the viscosity from diffusion alone (`fitViscosity`).
 */
export const YEH_HUMMER_XI = 2.837297;

/** 1 m²/s in Å²/ps. */
const A2_PER_PS_PER_M2_PER_S = 1e8;

/** k_B T ξ / (6π η) in Å³/ps (the correction times L), η in mPa·s. */
function hydrodynamicA3PerPs(temperatureK: number, viscosityMPaS: number): number {
  const m3PerS = (BOLTZMANN_J_PER_K * temperatureK * YEH_HUMMER_XI) / (6 * Math.PI * viscosityMPaS * 1e-3);
  return m3PerS * A2_PER_PS_PER_M2_PER_S * 1e10; // m³/s → Å²/ps · Å
}

/** A fitted value with its standard error (null when the data cannot give one). */
export interface FitValue {
  value: number;
  stderr: number | null;
}

/** The correction k_B T ξ / (6π η L), Å²/ps. */
export function yehHummerCorrection(temperatureK: number, viscosityMPaS: number, boxLengthA: number): number {
  return hydrodynamicA3PerPs(temperatureK, viscosityMPaS) / boxLengthA;
}

/**
 * D∞ from D_PBC in a cubic cell of edge L, with the errors of D and η (if known) propagated as
 * independent; the correction scales as 1/η, so its relative error is η's.
 */
export function yehHummer(
  d: { dA2PerPs: number; stderrA2PerPs: number | null },
  temperatureK: number,
  viscosity: { mPaS: number; stderr: number | null },
  boxLengthA: number,
): FitValue {
  const corr = yehHummerCorrection(temperatureK, viscosity.mPaS, boxLengthA);
  const value = d.dA2PerPs + corr;
  if (d.stderrA2PerPs === null) return { value, stderr: null };
  const rel = viscosity.stderr === null ? 0 : viscosity.stderr / viscosity.mPaS;
  return { value, stderr: Math.hypot(d.stderrA2PerPs, corr * rel) };
}

/**
 * The edge of a cubic cell (Å), or null when the cell is not cubic: edge lengths equal within
 * `tolerance` (relative) and angles within `tolerance` radians of 90°. Rotation does not matter.
 */
export function cubicEdgeA(box: Box, tolerance = 1e-4): number | null {
  const lengths = boxLengths(box);
  const mean = (lengths[0] + lengths[1] + lengths[2]) / 3;
  if (!(mean > 0)) return null;
  if (lengths.some((l) => Math.abs(l - mean) > tolerance * mean)) return null;
  if (boxAngles(box).some((a) => Math.abs(((a - 90) * Math.PI) / 180) > tolerance)) return null;
  return mean;
}

export function isCubic(box: Box, tolerance = 1e-4): boolean {
  return cubicEdgeA(box, tolerance) !== null;
}

export interface SizePoint {
  boxLengthA: number;
  dA2PerPs: number;
  stderrA2PerPs: number | null;
}

export interface ViscosityFit {
  /** Intercept at 1/L = 0, Å²/ps. */
  dInfinite: FitValue;
  /** η, mPa·s; null when D does not grow with L (no hydrodynamic slope to read). */
  viscosityMPaS: FitValue | null;
  /** dD/d(1/L), Å³/ps (negative for the Yeh–Hummer effect). */
  slopeA3PerPs: number;
  /** Covariance of (intercept, slope). */
  covariance: [number, number, number];
  chi2: number;
  dof: number;
  notes: string[];
}

/**
 * D∞ and η from D_PBC at several cubic box sizes: a straight line in 1/L, weighted by 1/σ_D² when
 * every point has an error (and scaled up by √(χ²/dof) when the points scatter more than their
 * errors say, as the Arrhenius fit does), unweighted with the residual variance otherwise.
 * η's error is first-order: η ∝ 1/slope.
 */
export function fitViscosity(points: readonly SizePoint[], temperatureK: number): ViscosityFit | null {
  const sizes = new Set(points.map((p) => p.boxLengthA)).size;
  if (sizes < 2) return null;
  const x = points.map((p) => 1 / p.boxLengthA);
  const y = points.map((p) => p.dA2PerPs);
  const weighted = points.every((p) => p.stderrA2PerPs !== null && p.stderrA2PerPs > 0);
  const w = points.map((p) => (weighted ? 1 / p.stderrA2PerPs! ** 2 : 1));
  const sw = w.reduce((a, b) => a + b, 0);
  const mx = w.reduce((a, wi, i) => a + wi * x[i], 0) / sw;
  const my = w.reduce((a, wi, i) => a + wi * y[i], 0) / sw;
  const sxx = w.reduce((a, wi, i) => a + wi * (x[i] - mx) ** 2, 0);
  const slope = w.reduce((a, wi, i) => a + wi * (x[i] - mx) * (y[i] - my), 0) / sxx;
  const intercept = my - slope * mx;
  const dof = points.length - 2;
  const chi2 = w.reduce((a, wi, i) => a + wi * (y[i] - intercept - slope * x[i]) ** 2, 0);
  // (XᵀWX)⁻¹ for the columns (1, x): var(slope) = 1/Sxx, var(intercept) = 1/Σw + mx²/Sxx, cov = −mx/Sxx.
  let scale: number | null;
  if (weighted) scale = dof > 0 ? Math.max(1, chi2 / dof) : 1;
  else scale = dof > 0 ? chi2 / dof : null;
  const s = scale ?? NaN;
  const covariance: [number, number, number] = [s * (1 / sw + (mx * mx) / sxx), s * (-mx / sxx), s / sxx];
  const sd = (v: number) => (scale === null ? null : Math.sqrt(v));
  const notes: string[] = [];
  let viscosity: FitValue | null = null;
  if (slope < 0) {
    const eta = hydrodynamicA3PerPs(temperatureK, 1) / -slope;
    const se = sd(covariance[2]);
    viscosity = { value: eta, stderr: se === null ? null : (eta * se) / -slope };
  } else {
    notes.push('D does not grow with the box size here: no hydrodynamic slope to read a viscosity from');
  }
  return { dInfinite: { value: intercept, stderr: sd(covariance[0]) }, viscosityMPaS: viscosity, slopeA3PerPs: slope, covariance, chi2, dof, notes };
}

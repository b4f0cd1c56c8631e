import type { MsdCurve } from './msd.js';

/**
 * Diffusion in a plane or along an axis (`--msd-dims xy`, `z`, …): channels of a porous host, a
 * slab near an interface. With d of the three Cartesian directions, the MSD along them grows as
 * 2·d·D·t, so D = slope / (2d).
 *
 * The fit and its Brownian error (diffusion.ts) are written for the three-dimensional MSD,
 * slope 6D. They are reused unchanged on the directional MSD scaled by 3/d, whose slope is 6D:
 * the fitted D is then the directional D, and the log–log slopes that choose the automatic
 * window do not see the scale. Its error needs one correction: the MSD along d independent axes
 * has d/3 of the three-dimensional covariance at the same D (each axis adds Cov[x²(t₁), x²(t₂)]
 * = 8 D² (t₁² t₂ − t₁³/3) / (N (T − t₂))), so the scaled MSD has (3/d)² · d/3 = 3/d times the
 * covariance diffusion.ts assumes, and D's standard error is √(3/d) times what it computes.
 */
export type Dims = 'xyz' | 'xy' | 'xz' | 'yz' | 'x' | 'y' | 'z';

export const DIMS: readonly Dims[] = ['xyz', 'xy', 'xz', 'yz', 'x', 'y', 'z'];

/** "yx" → "xy"; null when the text names no set of distinct axes. */
export function normalizeDims(text: string): Dims | null {
  const letters = text.trim().toLowerCase().split('');
  if (letters.length === 0 || new Set(letters).size !== letters.length) return null;
  const sorted = letters.sort().join('');
  return (DIMS as readonly string[]).includes(sorted) ? (sorted as Dims) : null;
}

/** The MSD along the chosen axes scaled by 3/d: diffusion.ts fits its D directly (see above). */
export function directionalCurve(curve: MsdCurve, dims: Dims): MsdCurve {
  if (dims === 'xyz') return curve;
  const scale = 3 / dims.length;
  const parts = [dims.includes('x') ? curve.msdXA2 : null, dims.includes('y') ? curve.msdYA2 : null, dims.includes('z') ? curve.msdZA2 : null];
  const msdA2 = new Float64Array(curve.frames);
  for (let m = 0; m < curve.frames; m++) {
    let s = 0;
    for (const p of parts) if (p) s += p[m];
    msdA2[m] = scale * s;
  }
  return { ...curve, msdA2 };
}

/** Factor on the standard error diffusion.ts gives for the scaled directional MSD. */
export function directionalStderrFactor(dims: Dims): number {
  return Math.sqrt(3 / dims.length);
}

/** The MSD along the chosen axes (unscaled), from its components, Å². */
export function msdAlong(dims: Dims, x: ArrayLike<number>, y: ArrayLike<number>, z: ArrayLike<number>): number[] {
  return Array.from({ length: x.length }, (_, m) => (dims.includes('x') ? x[m] : 0) + (dims.includes('y') ? y[m] : 0) + (dims.includes('z') ? z[m] : 0));
}

import type { Frame } from '../model/frame.js';

/**
 * Unwrapped positions from wrapped ones and image flags: r + ix·a + iy·b + iz·c. For LAMMPS's
 * restricted triclinic cells this is LAMMPS's own x + ix·xprd + iy·xy + iz·xz, etc.
 */
export function unwrapWithImages(frame: Frame, out: Float64Array = new Float64Array(3 * frame.natoms)): Float64Array {
  const n = frame.natoms;
  const p = frame.positions;
  if (frame.unwrapped || !frame.images) {
    out.set(p.subarray(0, 3 * n));
    return out;
  }
  if (!frame.box) throw new Error('image flags without a cell');
  const m = frame.box.matrix;
  const img = frame.images;
  for (let i = 0; i < n; i++) {
    const j = 3 * i;
    const a = img[j], b = img[j + 1], c = img[j + 2];
    out[j] = p[j] + a * m[0] + b * m[3] + c * m[6];
    out[j + 1] = p[j + 1] + a * m[1] + b * m[4] + c * m[7];
    out[j + 2] = p[j + 2] + a * m[2] + b * m[5] + c * m[8];
  }
  return out;
}

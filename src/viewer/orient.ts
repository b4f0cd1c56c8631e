import { boxFromLengthsAngles, inverseMatrix, isOrthorhombic, summarizeBox, type Box } from '../model/box.js';

/**
 * PDB's CRYST1 (and DCD's cell record) give a cell by its lengths and angles, which implies the
 * standard orientation: a along x, b in the xy plane. LAMMPS cells are already so; a VASP cell
 * need not be. This rotation takes positions from the file's frame into the standard one
 * (r' = r·H⁻¹·H′ for row vectors), leaving every distance as it was.
 */
export interface Orientation {
  /** 3×3 rotation (rows), or null when the cell is already standard. */
  rotation: Float64Array | null;
  standard: Box;
}

export function standardOrientation(box: Box): Orientation {
  const m = box.matrix;
  if (isOrthorhombic(box) || (m[1] === 0 && m[2] === 0 && m[5] === 0)) return { rotation: null, standard: box };
  const s = summarizeBox(box);
  const standard = boxFromLengthsAngles(s.a, s.b, s.c, s.alpha, s.beta, s.gamma);
  const inv = inverseMatrix(box);
  const h = standard.matrix;
  const rot = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) rot[3 * i + j] = inv[3 * i] * h[j] + inv[3 * i + 1] * h[3 + j] + inv[3 * i + 2] * h[6 + j];
  return { rotation: rot, standard: { matrix: standard.matrix, origin: box.origin, pbc: box.pbc } };
}

/** Rotate positions (3 per atom) in place. */
export function rotate(positions: Float32Array | Float64Array, n: number, rot: Float64Array | null): void {
  if (!rot) return;
  for (let j = 0; j < 3 * n; j += 3) {
    const x = positions[j], y = positions[j + 1], z = positions[j + 2];
    positions[j] = x * rot[0] + y * rot[3] + z * rot[6];
    positions[j + 1] = x * rot[1] + y * rot[4] + z * rot[7];
    positions[j + 2] = x * rot[2] + y * rot[5] + z * rot[8];
  }
}

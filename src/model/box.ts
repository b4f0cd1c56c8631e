/**
 * A periodic cell: three cell vectors a, b, c (rows of `matrix`, Å) and the position of its lower
 * corner. Orthorhombic cells are the special case with a zero off-diagonal; LAMMPS's restricted
 * triclinic cells (a along x, b in the xy plane) and VASP's arbitrary lattices are both stored as
 * plain vectors, so every consumer handles one representation.
 *
 * A position r and its fractional coordinates s are related by r = origin + s·H, with H the
 * matrix whose rows are a, b, c.
 */
export interface Box {
  /** [ax, ay, az, bx, by, bz, cx, cy, cz], Å. */
  readonly matrix: Float64Array;
  /** Lower corner of the cell, Å (LAMMPS xlo ylo zlo; zero for VASP and extended XYZ). */
  readonly origin: Float64Array;
  /** Periodicity along a, b, c. */
  readonly pbc: readonly [boolean, boolean, boolean];
}

export interface BoxSummary {
  a: number;
  b: number;
  c: number;
  alpha: number;
  beta: number;
  gamma: number;
  volume: number;
}

export function boxFromVectors(
  m: ArrayLike<number>,
  origin: ArrayLike<number> = [0, 0, 0],
  pbc: readonly [boolean, boolean, boolean] = [true, true, true],
): Box {
  return { matrix: Float64Array.from(m), origin: Float64Array.from(origin), pbc };
}

export function orthorhombicBox(lx: number, ly: number, lz: number, origin: ArrayLike<number> = [0, 0, 0]): Box {
  return boxFromVectors([lx, 0, 0, 0, ly, 0, 0, 0, lz], origin);
}

/** The cell with lengths a, b, c (Å) and angles α, β, γ (degrees), a along x and b in the xy plane. */
export function boxFromLengthsAngles(a: number, b: number, c: number, alphaDeg: number, betaDeg: number, gammaDeg: number): Box {
  const rad = Math.PI / 180;
  const ca = Math.cos(alphaDeg * rad), cb = Math.cos(betaDeg * rad);
  const cg = Math.cos(gammaDeg * rad), sg = Math.sin(gammaDeg * rad);
  const cx = c * cb;
  const cy = (c * (ca - cb * cg)) / sg;
  const cz = Math.sqrt(Math.max(0, c * c - cx * cx - cy * cy));
  return boxFromVectors([a, 0, 0, b * cg, b * sg, 0, cx, cy, cz]);
}

export function isOrthorhombic(box: Box): boolean {
  const m = box.matrix;
  return m[1] === 0 && m[2] === 0 && m[3] === 0 && m[5] === 0 && m[6] === 0 && m[7] === 0;
}

function norm(x: number, y: number, z: number): number {
  return Math.sqrt(x * x + y * y + z * z);
}

export function boxLengths(box: Box): [number, number, number] {
  const m = box.matrix;
  return [norm(m[0], m[1], m[2]), norm(m[3], m[4], m[5]), norm(m[6], m[7], m[8])];
}

/** α (between b and c), β (a, c), γ (a, b), degrees. */
export function boxAngles(box: Box): [number, number, number] {
  const m = box.matrix;
  const [la, lb, lc] = boxLengths(box);
  const angle = (i: number, j: number, li: number, lj: number) => {
    const cos = (m[i] * m[j] + m[i + 1] * m[j + 1] + m[i + 2] * m[j + 2]) / (li * lj);
    return (Math.acos(Math.min(1, Math.max(-1, cos))) * 180) / Math.PI;
  };
  return [angle(3, 6, lb, lc), angle(0, 6, la, lc), angle(0, 3, la, lb)];
}

/** a · (b × c); positive for a right-handed cell. */
function tripleProduct(m: Float64Array): number {
  return (
    m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6])
  );
}

export function boxVolume(box: Box): number {
  return Math.abs(tripleProduct(box.matrix));
}

/** H⁻¹ (rows), so that s = (r − origin)·H⁻¹. */
export function inverseMatrix(box: Box): Float64Array {
  const m = box.matrix;
  const det = tripleProduct(m);
  if (det === 0 || !Number.isFinite(det)) throw new RangeError('the cell vectors are not independent (zero volume)');
  const inv = new Float64Array(9);
  inv[0] = (m[4] * m[8] - m[5] * m[7]) / det;
  inv[1] = (m[2] * m[7] - m[1] * m[8]) / det;
  inv[2] = (m[1] * m[5] - m[2] * m[4]) / det;
  inv[3] = (m[5] * m[6] - m[3] * m[8]) / det;
  inv[4] = (m[0] * m[8] - m[2] * m[6]) / det;
  inv[5] = (m[2] * m[3] - m[0] * m[5]) / det;
  inv[6] = (m[3] * m[7] - m[4] * m[6]) / det;
  inv[7] = (m[1] * m[6] - m[0] * m[7]) / det;
  inv[8] = (m[0] * m[4] - m[1] * m[3]) / det;
  return inv;
}

/**
 * Distances between opposite faces of the cell (V/|b×c|, V/|c×a|, V/|a×b|). A sphere of radius
 * r fits in the cell without meeting its own periodic image when r ≤ min(width)/2, which is
 * the largest r for which minimum-image distances are unique.
 */
export function perpendicularWidths(box: Box): [number, number, number] {
  const m = box.matrix;
  const v = boxVolume(box);
  const cross = (i: number, j: number) =>
    norm(m[i + 1] * m[j + 2] - m[i + 2] * m[j + 1], m[i + 2] * m[j] - m[i] * m[j + 2], m[i] * m[j + 1] - m[i + 1] * m[j]);
  return [v / cross(3, 6), v / cross(6, 0), v / cross(0, 3)];
}

export function summarizeBox(box: Box): BoxSummary {
  const [a, b, c] = boxLengths(box);
  const [alpha, beta, gamma] = boxAngles(box);
  return { a, b, c, alpha, beta, gamma, volume: boxVolume(box) };
}

/** True when two cells have the same vectors (the origin may differ). */
export function sameCell(x: Box, y: Box): boolean {
  for (let i = 0; i < 9; i++) if (x.matrix[i] !== y.matrix[i]) return false;
  return true;
}

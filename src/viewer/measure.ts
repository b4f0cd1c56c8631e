import { inverseMatrix, type Box } from '../model/box.js';

/**
 * Distances and angles between atoms with periodic boundaries: each vector is the shortest
 * image (rounding fractional coordinates, then the 27 neighbouring images, which is exact in
 * skewed triclinic cells too) — what a figure's "Na–O 2.4 Å" means, whereas a ruler drawn between
 * two atoms shown at opposite faces of the cell would measure across it.
 */
export class MinimumImage {
  private readonly inv: Float64Array | null;

  constructor(private readonly box: Box | null) {
    this.inv = box ? inverseMatrix(box) : null;
  }

  /** Shortest vector from atom i to atom j (positions x, y, z interleaved, Å). */
  vector(positions: ArrayLike<number>, i: number, j: number): [number, number, number] {
    const d: [number, number, number] = [positions[3 * j] - positions[3 * i], positions[3 * j + 1] - positions[3 * i + 1], positions[3 * j + 2] - positions[3 * i + 2]];
    const box = this.box, inv = this.inv;
    if (!box || !inv) return d;
    const m = box.matrix;
    const s = [0, 1, 2].map((k) => (box.pbc[k] ? Math.round(d[0] * inv[k] + d[1] * inv[3 + k] + d[2] * inv[6 + k]) : 0));
    for (let c = 0; c < 3; c++) d[c] -= s[0] * m[c] + s[1] * m[3 + c] + s[2] * m[6 + c];
    let best = d, best2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
    const range = (k: number) => (box.pbc[k] ? [-1, 0, 1] : [0]);
    for (const a of range(0)) {
      for (const b of range(1)) {
        for (const c of range(2)) {
          if (a === 0 && b === 0 && c === 0) continue;
          const e: [number, number, number] = [0, 1, 2].map((x) => d[x] + a * m[x] + b * m[3 + x] + c * m[6 + x]) as [number, number, number];
          const e2 = e[0] * e[0] + e[1] * e[1] + e[2] * e[2];
          if (e2 < best2) {
            best = e;
            best2 = e2;
          }
        }
      }
    }
    return best;
  }

  distance(positions: ArrayLike<number>, i: number, j: number): number {
    const [x, y, z] = this.vector(positions, i, j);
    return Math.hypot(x, y, z);
  }

  /** The angle i–j–k at j, degrees. */
  angle(positions: ArrayLike<number>, i: number, j: number, k: number): number {
    const a = this.vector(positions, j, i), b = this.vector(positions, j, k);
    const dot = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    const cos = dot / (Math.hypot(...a) * Math.hypot(...b));
    return (Math.acos(Math.max(-1, Math.min(1, cos))) * 180) / Math.PI;
  }
}

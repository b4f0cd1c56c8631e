import { inverseMatrix, type Box } from '../model/box.js';
import type { Frame } from '../model/frame.js';

/**
 * Continuous ("unwrapped") trajectories of all atoms, frame by frame. Per frame it uses the best
 * the file offers: unwrapped columns as they are; wrapped coordinates with image flags as
 * x + n·H; otherwise the minimum-image jump from the previous frame's unwrapped position,
 * u(t) = u(t−1) + mic(x(t) − u(t−1)) in the current cell — which holds for a changing cell too,
 * and is right as long as no atom moves more than half a cell between stored frames.
 * The mode can change from frame to frame (LAMMPS dumps may change their columns).
 */
export class Unwrapper {
  private u: Float64Array;
  private started = false;
  private inv: Float64Array | null = null;
  private invOf: Box | null = null;
  /** How each frame was unwrapped, for the report. */
  readonly modes = new Set<'unwrapped columns' | 'image flags' | 'minimum-image jumps' | 'none (no cell)'>();

  constructor(readonly natoms: number) {
    this.u = new Float64Array(3 * natoms);
  }

  /** Unwrapped positions for this frame (the returned array is reused). */
  update(frame: Frame): Float64Array {
    const n = this.natoms;
    const x = frame.positions;
    const u = this.u;
    if (frame.unwrapped) {
      this.modes.add('unwrapped columns');
      u.set(x.subarray(0, 3 * n));
    } else if (frame.images && frame.box) {
      this.modes.add('image flags');
      const m = frame.box.matrix;
      const img = frame.images;
      for (let j = 0; j < 3 * n; j += 3) {
        const a = img[j], b = img[j + 1], c = img[j + 2];
        u[j] = x[j] + a * m[0] + b * m[3] + c * m[6];
        u[j + 1] = x[j + 1] + a * m[1] + b * m[4] + c * m[7];
        u[j + 2] = x[j + 2] + a * m[2] + b * m[5] + c * m[8];
      }
    } else if (!frame.box) {
      this.modes.add('none (no cell)');
      u.set(x.subarray(0, 3 * n));
    } else if (!this.started) {
      u.set(x.subarray(0, 3 * n));
    } else {
      this.modes.add('minimum-image jumps');
      jumpUnwrap(u, x, n, frame.box, this.inverse(frame.box));
    }
    this.started = true;
    return u;
  }

  /** Continue from a known unwrapped state (a worker's chunk starting after another's). */
  seed(unwrapped: Float64Array): void {
    this.u.set(unwrapped.subarray(0, 3 * this.natoms));
    this.started = true;
  }

  private inverse(box: Box): Float64Array {
    if (this.invOf !== box || !this.inv) {
      this.inv = inverseMatrix(box);
      this.invOf = box;
    }
    return this.inv;
  }
}

/** u ← u + mic(x − u), the minimum image by rounding fractional components. */
export function jumpUnwrap(u: Float64Array, x: Float64Array, n: number, box: Box, inv: Float64Array): void {
  const m = box.matrix;
  const [pa, pb, pc] = box.pbc;
  for (let j = 0; j < 3 * n; j += 3) {
    const dx = x[j] - u[j], dy = x[j + 1] - u[j + 1], dz = x[j + 2] - u[j + 2];
    const sa = pa ? Math.round(dx * inv[0] + dy * inv[3] + dz * inv[6]) : 0;
    const sb = pb ? Math.round(dx * inv[1] + dy * inv[4] + dz * inv[7]) : 0;
    const sc = pc ? Math.round(dx * inv[2] + dy * inv[5] + dz * inv[8]) : 0;
    u[j] += dx - (sa * m[0] + sb * m[3] + sc * m[6]);
    u[j + 1] += dy - (sa * m[1] + sb * m[4] + sc * m[7]);
    u[j + 2] += dz - (sa * m[2] + sb * m[5] + sc * m[8]);
  }
}

import { inverseMatrix, sameCell, type Box } from '../model/box.js';
import type { Frame } from '../model/frame.js';

export type UnwrapMode = 'unwrapped columns' | 'image flags' | 'minimum-image jumps' | 'none (no cell)';

/** Everything an Unwrapper carries from one frame to the next: enough to continue elsewhere. */
export interface UnwrapState {
  u: Float64Array;
  prevX: Float64Array;
  prevImages: Int32Array;
  prevHadImages: boolean;
  started: boolean;
  firstBox: Box | null;
  cellChanged: boolean;
}

/**
 * Continuous ("unwrapped") trajectories of all atoms, frame by frame, from the best the file
 * offers:
 *  - unwrapped columns (LAMMPS xu, xsu) are used as they are;
 *  - wrapped coordinates with image flags give x + n·H;
 *  - otherwise, minimum-image jumps between consecutive frames:
 *      u(t) = u(t−1) + d − round(d·H(t)⁻¹)·H(t),  d = x(t) − x(t−1).
 *
 * When the cell changes (NpT), x + n·H(t) mixes the whole history of box fluctuations into each
 * position and its MSD drifts (von Bülow, Bullerjahn & Hummer, J. Chem. Phys. 153, 021101
 * (2020)). From the first change of cell on, every frame is therefore unwrapped incrementally
 * from the previous one, with the current cell (their "toroidal" scheme); image flags, where
 * present, then only count the crossings: u(t) = u(t−1) + d + (n(t) − n(t−1))·H(t).
 * Jumps assume no atom moves more than half a cell between stored frames; image flags have no
 * such limit. The mode may change from frame to frame (LAMMPS dumps may change their columns).
 */
export class Unwrapper {
  private readonly u: Float64Array;
  private readonly prevX: Float64Array;
  private readonly prevImages: Int32Array;
  private prevHadImages = false;
  private started = false;
  private firstBox: Box | null = null;
  private cellChanged = false;
  private inv: Float64Array | null = null;
  private invOf: Box | null = null;
  /** How frames were unwrapped, for the report. */
  readonly modes = new Set<UnwrapMode>();

  constructor(readonly natoms: number) {
    this.u = new Float64Array(3 * natoms);
    this.prevX = new Float64Array(3 * natoms);
    this.prevImages = new Int32Array(3 * natoms);
  }

  /** Unwrapped positions for this frame (the returned array is reused). */
  update(frame: Frame): Float64Array {
    const n3 = 3 * this.natoms;
    const x = frame.positions;
    const u = this.u;
    const box = frame.box;
    if (box && this.firstBox && !this.cellChanged && !sameCell(box, this.firstBox)) this.cellChanged = true;
    if (box && !this.firstBox) this.firstBox = box;
    const images = frame.images;
    if (frame.unwrapped) {
      this.modes.add('unwrapped columns');
      u.set(x.subarray(0, n3));
    } else if (!box) {
      this.modes.add('none (no cell)');
      u.set(x.subarray(0, n3));
    } else if (images && (!this.started || !this.cellChanged)) {
      this.modes.add('image flags');
      addImages(u, x, images, this.natoms, box);
    } else if (images && this.prevHadImages) {
      this.modes.add('image flags');
      const m = box.matrix;
      const p = this.prevX, pi = this.prevImages;
      for (let j = 0; j < n3; j += 3) {
        const a = images[j] - pi[j], b = images[j + 1] - pi[j + 1], c = images[j + 2] - pi[j + 2];
        u[j] += x[j] - p[j] + a * m[0] + b * m[3] + c * m[6];
        u[j + 1] += x[j + 1] - p[j + 1] + a * m[1] + b * m[4] + c * m[7];
        u[j + 2] += x[j + 2] - p[j + 2] + a * m[2] + b * m[5] + c * m[8];
      }
    } else if (!this.started) {
      u.set(x.subarray(0, n3));
    } else {
      this.modes.add('minimum-image jumps');
      jumpUnwrap(u, this.prevX, x, this.natoms, box, this.inverse(box));
    }
    this.prevX.set(x.subarray(0, n3));
    this.prevHadImages = images !== null && !frame.unwrapped;
    if (this.prevHadImages) this.prevImages.set(images!.subarray(0, n3));
    this.started = true;
    return u;
  }

  /** A copy of the state after the last frame. */
  exportState(): UnwrapState {
    return {
      u: this.u.slice(),
      prevX: this.prevX.slice(),
      prevImages: this.prevImages.slice(),
      prevHadImages: this.prevHadImages,
      started: this.started,
      firstBox: this.firstBox,
      cellChanged: this.cellChanged,
    };
  }

  /** Continue from a state another Unwrapper (another slice of the run) ended in. */
  importState(st: UnwrapState): void {
    this.u.set(st.u);
    this.prevX.set(st.prevX);
    this.prevImages.set(st.prevImages);
    this.prevHadImages = st.prevHadImages;
    this.started = st.started;
    this.firstBox = st.firstBox;
    this.cellChanged = st.cellChanged;
  }

  private inverse(box: Box): Float64Array {
    if (this.invOf !== box || !this.inv) {
      this.inv = inverseMatrix(box);
      this.invOf = box;
    }
    return this.inv;
  }
}

/** u = x + n·H. */
function addImages(u: Float64Array, x: Float64Array, img: Int32Array, n: number, box: Box): void {
  const m = box.matrix;
  for (let j = 0; j < 3 * n; j += 3) {
    const a = img[j], b = img[j + 1], c = img[j + 2];
    u[j] = x[j] + a * m[0] + b * m[3] + c * m[6];
    u[j + 1] = x[j + 1] + a * m[1] + b * m[4] + c * m[7];
    u[j + 2] = x[j + 2] + a * m[2] + b * m[5] + c * m[8];
  }
}

/** u ← u + mic(x − prev): the minimum image of the step by rounding its fractional components. */
export function jumpUnwrap(u: Float64Array, prev: Float64Array, x: Float64Array, n: number, box: Box, inv: Float64Array): void {
  const m = box.matrix;
  const [pa, pb, pc] = box.pbc;
  for (let j = 0; j < 3 * n; j += 3) {
    const dx = x[j] - prev[j], dy = x[j + 1] - prev[j + 1], dz = x[j + 2] - prev[j + 2];
    const sa = pa ? Math.round(dx * inv[0] + dy * inv[3] + dz * inv[6]) : 0;
    const sb = pb ? Math.round(dx * inv[1] + dy * inv[4] + dz * inv[7]) : 0;
    const sc = pc ? Math.round(dx * inv[2] + dy * inv[5] + dz * inv[8]) : 0;
    u[j] += dx - (sa * m[0] + sb * m[3] + sc * m[6]);
    u[j + 1] += dy - (sa * m[1] + sb * m[4] + sc * m[7]);
    u[j + 2] += dz - (sa * m[2] + sb * m[5] + sc * m[8]);
  }
}

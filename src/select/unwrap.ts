import { inverseMatrix, perpendicularWidths, sameCell, type Box } from '../model/box.js';
import type { Frame } from '../model/frame.js';

export type UnwrapMode = 'unwrapped columns' | 'image flags' | 'minimum-image jumps' | 'as stored (continuous)' | 'none (no cell)';

/**
 * How to make trajectories continuous (`--unwrap`): `auto` takes the best the file offers;
 * `images` requires image flags; `jumps` unwraps by minimum image whatever the file's columns
 * say (for coordinates labelled unwrapped that are not); `none` takes the coordinates as
 * already continuous (CP2K and many AIMD codes write them so).
 */
export type UnwrapChoice = 'auto' | 'images' | 'jumps' | 'none';
export const UNWRAP_CHOICES: readonly UnwrapChoice[] = ['auto', 'images', 'jumps', 'none'];

/**
 * What unwrapping saw that could make an MSD wrong (added up over slices):
 *  - `nearHalf`: steps (per atom and axis, among `jumpSteps` unwrapped by minimum image) of more
 *    than 0.35 of the cell width: with frames that far apart, some steps of more than half a cell
 *    are indistinguishable from shorter ones the other way, and are folded back;
 *  - `claimedJumps`: steps of coordinates given as continuous (unwrapped columns, `--unwrap
 *    none`) of at least half the cell width, and `outside`: such coordinates found more than a
 *    quarter of the cell outside it. Wrapped coordinates under an unwrapped label jump by a cell
 *    width at every crossing and never leave the cell (MD codes rewrap atoms that strayed at
 *    most a neighbour-list skin out); truly continuous ones that jump (frames stored far apart) do;
 *  - `flips`: frames where the cell jumped to an equivalent one (LAMMPS `fix deform … flip yes`),
 *    which image flags do not survive: those steps were unwrapped by minimum image.
 */
export interface UnwrapChecks {
  jumpSteps: number;
  nearHalf: number;
  firstNearHalf: StepNote | null;
  continuousSteps: number;
  claimedJumps: number;
  outside: number;
  firstClaimedJump: StepNote | null;
  flips: number[];
  /** Frames whose cell differs from the first (NpT), with the coordinates given as unwrapped columns. */
  unwrappedColumnsInChangingCell: boolean;
}

export interface StepNote {
  frame: number;
  atom: number;
  /** Length of the step along the cell axis, and the cell's width there, Å. */
  stepA: number;
  widthA: number;
}

export function noChecks(): UnwrapChecks {
  return { jumpSteps: 0, nearHalf: 0, firstNearHalf: null, continuousSteps: 0, claimedJumps: 0, outside: 0, firstClaimedJump: null, flips: [], unwrappedColumnsInChangingCell: false };
}

/** The checks of two consecutive ranges of frames. */
export function addChecks(a: UnwrapChecks, b: UnwrapChecks): UnwrapChecks {
  const first = (x: StepNote | null, y: StepNote | null) => (x && (!y || x.frame <= y.frame) ? x : y);
  return {
    jumpSteps: a.jumpSteps + b.jumpSteps,
    nearHalf: a.nearHalf + b.nearHalf,
    firstNearHalf: first(a.firstNearHalf, b.firstNearHalf),
    continuousSteps: a.continuousSteps + b.continuousSteps,
    claimedJumps: a.claimedJumps + b.claimedJumps,
    outside: a.outside + b.outside,
    firstClaimedJump: first(a.firstClaimedJump, b.firstClaimedJump),
    flips: [...new Set([...a.flips, ...b.flips])].sort((x, y) => x - y),
    unwrappedColumnsInChangingCell: a.unwrappedColumnsInChangingCell || b.unwrappedColumnsInChangingCell,
  };
}

/** Everything an Unwrapper carries from one frame to the next: enough to continue elsewhere. */
export interface UnwrapState {
  u: Float64Array;
  prevX: Float64Array;
  prevImages: Int32Array;
  prevHadImages: boolean;
  prevBox: Box | null;
  started: boolean;
  firstBox: Box | null;
  cellChanged: boolean;
  /** The atoms unwrapped, as indices in the file (null: all); u, prevX and prevImages hold only theirs. */
  atoms: Int32Array | null;
}

/** A step of more than this fraction of the cell makes minimum-image unwrapping ambiguous. */
export const NEAR_HALF_CELL = 0.35;

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
 * A cell that jumps to an equivalent one (a LAMMPS box flip) remaps image flags without any
 * atom moving: that step is unwrapped by minimum image instead.
 * Jumps assume no atom moves more than half a cell between stored frames; image flags have no
 * such limit. The mode may change from frame to frame (LAMMPS dumps may change their columns).
 */
export class Unwrapper implements Unwrapping {
  private readonly u: Float64Array;
  private readonly prevX: Float64Array;
  private readonly prevImages: Int32Array;
  private prevHadImages = false;
  private prevBox: Box | null = null;
  private started = false;
  private firstBox: Box | null = null;
  private cellChanged = false;
  private inv: Float64Array | null = null;
  private invOf: Box | null = null;
  /** How frames were unwrapped, for the report. */
  readonly modes = new Set<UnwrapMode>();
  checks: UnwrapChecks = noChecks();

  constructor(
    readonly natoms: number,
    readonly choice: UnwrapChoice = 'auto',
  ) {
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
    const images = this.choice === 'auto' || this.choice === 'images' ? frame.images : null;
    const flipped = this.started && box !== null && this.prevBox !== null && isFlip(this.prevBox, box);
    if (flipped) this.checks.flips.push(frame.index);
    if ((this.choice === 'auto' && frame.unwrapped) || this.choice === 'none') {
      this.modes.add(frame.unwrapped && this.choice === 'auto' ? 'unwrapped columns' : 'as stored (continuous)');
      if (this.started && box) this.checkContinuous(x, box, frame.index);
      if (frame.unwrapped && this.cellChanged) this.checks.unwrappedColumnsInChangingCell = true;
      u.set(x.subarray(0, n3));
    } else if (!box) {
      this.modes.add('none (no cell)');
      u.set(x.subarray(0, n3));
    } else if (images && !flipped && (!this.started || !this.cellChanged)) {
      this.modes.add('image flags');
      addImages(u, x, images, this.natoms, box);
    } else if (images && this.prevHadImages && !flipped) {
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
      jumpUnwrap(u, this.prevX, x, this.natoms, box, this.inverse(box), this.checks, frame.index);
      // After a flip, image flags count crossings from the new cell on.
      if (flipped) this.cellChanged = true;
    }
    this.prevX.set(x.subarray(0, n3));
    this.prevHadImages = images !== null && !frame.unwrapped;
    if (this.prevHadImages) this.prevImages.set(images!.subarray(0, n3));
    this.prevBox = box;
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
      prevBox: this.prevBox,
      started: this.started,
      firstBox: this.firstBox,
      cellChanged: this.cellChanged,
      atoms: null,
    };
  }

  /** Continue from a state another Unwrapper (another slice of the run) ended in. */
  importState(st: UnwrapState): void {
    if (st.u.length !== this.u.length) throw new Error(`internal: an unwrapping state of ${st.u.length / 3} atoms continued with ${this.u.length / 3}`);
    this.u.set(st.u);
    this.prevX.set(st.prevX);
    this.prevImages.set(st.prevImages);
    this.prevHadImages = st.prevHadImages;
    this.prevBox = st.prevBox;
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

  /** Coordinates given as continuous should not step by half a cell between frames. */
  private checkContinuous(x: Float64Array, box: Box, frame: number): void {
    const inv = this.inverse(box);
    const p = this.prevX;
    const widths = perpendicularWidths(box);
    const o = box.origin;
    const ch = this.checks;
    for (let j = 0; j < 3 * this.natoms; j += 3) {
      const dx = x[j] - p[j], dy = x[j + 1] - p[j + 1], dz = x[j + 2] - p[j + 2];
      const rx = x[j] - o[0], ry = x[j + 1] - o[1], rz = x[j + 2] - o[2];
      for (let k = 0; k < 3; k++) {
        const s = dx * inv[k] + dy * inv[3 + k] + dz * inv[6 + k];
        if (Math.abs(s) >= 0.5) {
          ch.claimedJumps++;
          if (!ch.firstClaimedJump) ch.firstClaimedJump = { frame, atom: j / 3, stepA: Math.abs(s) * widths[k], widthA: widths[k] };
        }
        const f = rx * inv[k] + ry * inv[3 + k] + rz * inv[6 + k];
        if (f < -0.25 || f > 1.25) ch.outside++;
      }
    }
    ch.continuousSteps += 3 * this.natoms;
  }
}

/**
 * A cell that jumped to an equivalent one rather than deformed: a tilt changed by a sizeable
 * part of the cell in one frame (a box flip changes it by a whole box length; NpT moves a cell
 * by a fraction of a percent between frames).
 */
export function isFlip(a: Box, b: Box): boolean {
  const limit = 0.3 * Math.min(...perpendicularWidths(a));
  for (const k of [3, 6, 7]) if (Math.abs(b.matrix[k] - a.matrix[k]) > limit) return true;
  return false;
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

/**
 * u ← u + mic(x − prev): the minimum image of the step by rounding its fractional components,
 * counting the steps that come near half the cell (see UnwrapChecks).
 */
export function jumpUnwrap(u: Float64Array, prev: Float64Array, x: Float64Array, n: number, box: Box, inv: Float64Array, checks?: UnwrapChecks, frame = 0): void {
  const m = box.matrix;
  const [pa, pb, pc] = box.pbc;
  let near = 0;
  let firstNear = -1;
  let firstAxis = 0;
  let firstLength = 0;
  for (let j = 0; j < 3 * n; j += 3) {
    const dx = x[j] - prev[j], dy = x[j + 1] - prev[j + 1], dz = x[j + 2] - prev[j + 2];
    const fa = dx * inv[0] + dy * inv[3] + dz * inv[6];
    const fb = dx * inv[1] + dy * inv[4] + dz * inv[7];
    const fc = dx * inv[2] + dy * inv[5] + dz * inv[8];
    const sa = pa ? Math.round(fa) : 0;
    const sb = pb ? Math.round(fb) : 0;
    const sc = pc ? Math.round(fc) : 0;
    const ra = Math.abs(fa - sa), rb = Math.abs(fb - sb), rc = Math.abs(fc - sc);
    const worst = ra > rb ? (ra > rc ? 0 : 2) : rb > rc ? 1 : 2;
    const r = worst === 0 ? ra : worst === 1 ? rb : rc;
    if (r > NEAR_HALF_CELL) {
      near++;
      if (firstNear < 0) {
        firstNear = j / 3;
        firstAxis = worst;
        firstLength = r;
      }
    }
    u[j] += dx - (sa * m[0] + sb * m[3] + sc * m[6]);
    u[j + 1] += dy - (sa * m[1] + sb * m[4] + sc * m[7]);
    u[j + 2] += dz - (sa * m[2] + sb * m[5] + sc * m[8]);
  }
  if (checks) {
    checks.jumpSteps += n;
    checks.nearHalf += near;
    if (firstNear >= 0 && !checks.firstNearHalf) {
      const width = perpendicularWidths(box)[firstAxis];
      checks.firstNearHalf = { frame, atom: firstNear, stepA: firstLength * width, widthA: width };
    }
  }
}

/** What folding and merging use of an unwrapper, whole or over some atoms. */
export interface Unwrapping {
  update(frame: Frame): Float64Array;
  exportState(): UnwrapState;
  importState(st: UnwrapState): void;
  readonly modes: Set<UnwrapMode>;
  readonly checks: UnwrapChecks;
}

/**
 * An unwrapper of the atoms the analyses follow only (the 256 Na⁺ of a 40 000-atom box, say):
 * their positions are gathered into a small frame, unwrapped there, and scattered back into a
 * full-size array whose other atoms stay at zero. Unwrapping each atom depends on that atom
 * alone, so the numbers are those of unwrapping every atom.
 */
export class SubsetUnwrapper implements Unwrapping {
  private readonly inner: Unwrapper;
  private readonly u: Float64Array;
  private readonly x: Float64Array;
  private readonly img: Int32Array;
  private readonly view: Frame;

  constructor(
    readonly natoms: number,
    choice: UnwrapChoice,
    private readonly atoms: Int32Array,
  ) {
    const m = atoms.length;
    this.inner = new Unwrapper(m, choice);
    this.u = new Float64Array(3 * natoms);
    this.x = new Float64Array(3 * m);
    this.img = new Int32Array(3 * m);
    this.view = { index: 0, step: null, timePs: null, natoms: m, positions: this.x, unwrapped: false, images: null, box: null };
  }

  get modes(): Set<UnwrapMode> {
    return this.inner.modes;
  }

  /** The checks, naming atoms by their index in the file. */
  get checks(): UnwrapChecks {
    const c = this.inner.checks;
    const named = (s: StepNote | null) => (s ? { ...s, atom: this.atoms[s.atom] } : null);
    return { ...c, firstNearHalf: named(c.firstNearHalf), firstClaimedJump: named(c.firstClaimedJump) };
  }

  update(frame: Frame): Float64Array {
    const atoms = this.atoms, x = this.x, p = frame.positions;
    for (let q = 0; q < atoms.length; q++) {
      const i = 3 * atoms[q];
      x[3 * q] = p[i];
      x[3 * q + 1] = p[i + 1];
      x[3 * q + 2] = p[i + 2];
    }
    const view = this.view;
    view.index = frame.index;
    view.step = frame.step;
    view.timePs = frame.timePs;
    view.unwrapped = frame.unwrapped;
    view.box = frame.box;
    if (frame.images) {
      const img = this.img, src = frame.images;
      for (let q = 0; q < atoms.length; q++) {
        const i = 3 * atoms[q];
        img[3 * q] = src[i];
        img[3 * q + 1] = src[i + 1];
        img[3 * q + 2] = src[i + 2];
      }
      view.images = img;
    } else view.images = null;
    const uc = this.inner.update(view);
    const u = this.u;
    for (let q = 0; q < atoms.length; q++) {
      const i = 3 * atoms[q];
      u[i] = uc[3 * q];
      u[i + 1] = uc[3 * q + 1];
      u[i + 2] = uc[3 * q + 2];
    }
    return u;
  }

  exportState(): UnwrapState {
    return { ...this.inner.exportState(), atoms: this.atoms };
  }

  importState(st: UnwrapState): void {
    if (!st.atoms || st.atoms.length !== this.atoms.length || st.atoms.some((a, q) => a !== this.atoms[q])) {
      throw new Error('internal: an unwrapping state of other atoms continued here');
    }
    this.inner.importState(st);
  }
}

/** An unwrapper of all atoms, or of those listed (null: all). */
export function unwrapperFor(natoms: number, choice: UnwrapChoice, atoms: Int32Array | null): Unwrapping {
  return atoms && atoms.length < natoms ? new SubsetUnwrapper(natoms, choice, atoms) : new Unwrapper(natoms, choice);
}

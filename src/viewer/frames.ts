import { TrajectoryReader, type OpenOptions } from '../io/reader.js';
import { inverseMatrix, type Box } from '../model/box.js';
import { InputError } from '../model/errors.js';
import type { Topology } from '../model/frame.js';
import type { Molecules } from '../select/molecules.js';
import { rotate, standardOrientation } from './orient.js';

/**
 * The frames a viewer page shows: every `stride`-th frame of the file (the stride grows so that
 * at most `maxFrames` frames, and at most `maxBytes` of coordinates, go to the browser — never a
 * whole gigabyte), in float32, with each molecule made whole and its centre wrapped into the
 * cell (so nothing looks torn across the faces), rotated into the standard orientation.
 */
export interface ViewFrames {
  natoms: number;
  stride: number;
  fileFrames: number;
  stamps: { index: number; step: number | null; timePs: number | null }[];
  positions: Float32Array[];
  /** Wrapped positions as read (float64, file orientation) for shell searches. */
  raw: Float64Array[];
  boxes: (Box | null)[];
  rawBoxes: (Box | null)[];
  topology: Topology;
  notes: string[];
}

export interface ViewLimits {
  stride: number;
  maxFrames: number;
  maxBytes: number;
}

export const DEFAULT_LIMITS: ViewLimits = { stride: 1, maxFrames: 2000, maxBytes: 256 << 20 };

/** One pass over the file keeps every stride-th frame, and doubles the stride (dropping every other kept frame) when it has too many. */
export async function loadViewFrames(path: string, options: OpenOptions, limits: ViewLimits, molecules: (top: Topology, first: Float64Array, box: Box | null) => Molecules | null): Promise<ViewFrames> {
  const reader = await TrajectoryReader.open(path, options);
  let stride = limits.stride;
  const kept: { index: number; step: number | null; timePs: number | null; raw: Float64Array; box: Box | null }[] = [];
  let natoms = -1;
  let fileFrames = 0;
  let mols: Molecules | null = null;
  let budgetFrames = limits.maxFrames;
  for await (const f of reader.frames()) {
    fileFrames++;
    if (natoms < 0) {
      natoms = f.natoms;
      budgetFrames = Math.max(2, Math.min(limits.maxFrames, Math.floor(limits.maxBytes / (12 * natoms))));
      mols = molecules(reader.topology!, f.positions, f.box);
    }
    if (f.natoms !== natoms) throw new InputError(`${path}, frame ${f.index}: ${f.natoms} atoms, but the first frame had ${natoms}; the viewer needs the same atoms in every frame`);
    if (f.index % stride !== 0) continue;
    kept.push({ index: f.index, step: f.step, timePs: f.timePs, raw: f.positions.slice(0, 3 * natoms), box: f.box ? { matrix: f.box.matrix.slice(), origin: f.box.origin.slice(), pbc: f.box.pbc } : null });
    if (kept.length > budgetFrames) {
      // Too many: keep every other one and double the stride from here on.
      stride *= 2;
      const thinned = kept.filter((x) => x.index % stride === 0);
      kept.length = 0;
      kept.push(...thinned);
    }
  }
  if (natoms < 0) throw new InputError(`${path}: no complete frame to show`);
  const notes = [...reader.warnings];
  if (stride > limits.stride) notes.push(`showing every ${stride}th frame of ${fileFrames} (at most ${budgetFrames} frames go to the browser); --stride sets it`);
  const positions: Float32Array[] = [];
  const boxes: (Box | null)[] = [];
  for (const k of kept) {
    const p = Float64Array.from(k.raw);
    if (k.box) wrapMolecules(p, natoms, k.box, mols);
    const o = k.box ? standardOrientation(k.box) : null;
    if (o) rotate(p, natoms, o.rotation);
    positions.push(Float32Array.from(p));
    boxes.push(o ? o.standard : null);
  }
  return {
    natoms,
    stride,
    fileFrames,
    stamps: kept.map(({ index, step, timePs }) => ({ index, step, timePs })),
    positions,
    raw: kept.map((k) => k.raw),
    boxes,
    rawBoxes: kept.map((k) => k.box),
    topology: reader.topology!,
    notes,
  };
}

/**
 * Make each molecule whole (every atom at the minimum image of the molecule's first atom — for
 * the small molecules of electrolytes, and along bonds it would be no different) and move it by
 * whole cell vectors so its centre lies in the cell; single atoms are simply wrapped.
 */
export function wrapMolecules(p: Float64Array, n: number, box: Box, mols: Molecules | null): void {
  const inv = inverseMatrix(box);
  const m = box.matrix, o = box.origin;
  const frac = (x: number, y: number, z: number, k: number) => (x - o[0]) * inv[k] + (y - o[1]) * inv[3 + k] + (z - o[2]) * inv[6 + k];
  const shiftBy = (i: number, s: number[]) => {
    for (let d = 0; d < 3; d++) p[3 * i + d] -= s[0] * m[d] + s[1] * m[3 + d] + s[2] * m[6 + d];
  };
  if (!mols) {
    for (let i = 0; i < n; i++) {
      const s = [0, 1, 2].map((k) => Math.floor(frac(p[3 * i], p[3 * i + 1], p[3 * i + 2], k)));
      shiftBy(i, s.map((v, k) => (box.pbc[k] ? v : 0)));
    }
    return;
  }
  for (let q = 0; q < mols.count; q++) {
    const first = mols.atoms[mols.start[q]];
    const [x0, y0, z0] = [p[3 * first], p[3 * first + 1], p[3 * first + 2]];
    let cx = 0, cy = 0, cz = 0;
    const count = mols.start[q + 1] - mols.start[q];
    for (let r = mols.start[q]; r < mols.start[q + 1]; r++) {
      const i = mols.atoms[r];
      const s = [0, 1, 2].map((k) => Math.round(frac(p[3 * i] - x0 + o[0], p[3 * i + 1] - y0 + o[1], p[3 * i + 2] - z0 + o[2], k)));
      shiftBy(i, s.map((v, k) => (box.pbc[k] ? v : 0)));
      cx += p[3 * i];
      cy += p[3 * i + 1];
      cz += p[3 * i + 2];
    }
    const c = [0, 1, 2].map((k) => Math.floor(frac(cx / count, cy / count, cz / count, k)));
    for (let r = mols.start[q]; r < mols.start[q + 1]; r++) shiftBy(mols.atoms[r], c.map((v, k) => (box.pbc[k] ? v : 0)));
  }
}

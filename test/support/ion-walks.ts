import { tempFile } from './io.js';
import { gaussian } from './random.js';

/**
 * Ions as random walkers in a cubic cell, written as a LAMMPS dump (wrapped coordinates with
 * image flags, every atom its own molecule, a mass column and optionally a charge column), for
 * tests of the conductivity through the whole pipeline.
 *
 * A walker of diffusion coefficient D takes Gaussian steps of variance 2·D·dt per axis. An
 * anchor atom of huge mass that never moves holds the system's centre of mass still, so that
 * the barycentric frame of the Onsager coefficients is the frame of the file.
 */
export interface WalkerSpecies {
  element: string;
  count: number;
  /** Å²/ps. */
  d: number;
  massU: number;
  /** Written in a q column when `charges` is asked for. */
  chargeE?: number;
  /** Axes the walkers move along (default all three). */
  axes?: readonly (0 | 1 | 2)[];
  /** Move as the walker `index` of another species does, at this offset (Å): rigid pairs. */
  follows?: { species: number; offset: [number, number, number] };
  /** Also take this fraction of each step of the walker `index` of an earlier species: correlated ions, distinct L_ij ≠ 0. */
  drags?: { species: number; fraction: number };
}

export interface Walk {
  species: WalkerSpecies[];
  frames: number;
  dtPs: number;
  cellA: number;
  seed: number;
  /** Add the still anchor atom (element Xe, mass 1e9 u). */
  anchor?: boolean;
  charges?: boolean;
}

/** Unwrapped positions, frames × atoms × 3, atoms species by species (then the anchor). */
export function walkPositions(w: Walk): Float64Array {
  const g = gaussian(w.seed);
  const atoms = w.species.reduce((a, s) => a + s.count, 0) + (w.anchor ? 1 : 0);
  const first = w.species.map((_, k) => w.species.slice(0, k).reduce((a, s) => a + s.count, 0));
  const pos = new Float64Array(w.frames * atoms * 3);
  // Start on a lattice (no two atoms close), then walk.
  const side = Math.ceil(Math.cbrt(atoms));
  for (let i = 0; i < atoms; i++) {
    const [a, b, c] = [i % side, Math.floor(i / side) % side, Math.floor(i / side / side)];
    [a, b, c].forEach((v, d) => (pos[3 * i + d] = ((v + 0.5) * w.cellA) / side));
  }
  w.species.forEach((s, k) => {
    if (!s.follows) return;
    for (let q = 0; q < s.count; q++) for (let d = 0; d < 3; d++) pos[3 * (first[k] + q) + d] = pos[3 * (first[s.follows.species] + q) + d] + s.follows.offset[d];
  });
  for (let t = 1; t < w.frames; t++) {
    const row = t * atoms * 3, prev = (t - 1) * atoms * 3;
    for (let i = 0; i < 3 * atoms; i++) pos[row + i] = pos[prev + i];
    w.species.forEach((s, k) => {
      if (s.follows) return;
      const sd = Math.sqrt(2 * s.d * w.dtPs);
      for (let q = 0; q < s.count; q++) for (const d of s.axes ?? [0, 1, 2]) pos[row + 3 * (first[k] + q) + d] += sd * g();
      if (s.drags) {
        const j = first[s.drags.species];
        for (let q = 0; q < s.count; q++) for (let d = 0; d < 3; d++) pos[row + 3 * (first[k] + q) + d] += s.drags.fraction * (pos[row + 3 * (j + q) + d] - pos[prev + 3 * (j + q) + d]);
      }
    });
    w.species.forEach((s, k) => {
      if (!s.follows) return;
      for (let q = 0; q < s.count; q++) for (let d = 0; d < 3; d++) pos[row + 3 * (first[k] + q) + d] = pos[row + 3 * (first[s.follows.species] + q) + d] + s.follows.offset[d];
    });
  }
  return pos;
}

/** The walk as a LAMMPS dump: `id mol element mass [q] x y z ix iy iz`, steps 1 fs apart. */
export function writeWalkDump(name: string, w: Walk): string {
  const pos = walkPositions(w);
  const atoms: { element: string; mass: number; q: number }[] = [];
  for (const s of w.species) for (let q = 0; q < s.count; q++) atoms.push({ element: s.element, mass: s.massU, q: s.chargeE ?? 0 });
  if (w.anchor) atoms.push({ element: 'Xe', mass: 1e9, q: 0 });
  const n = atoms.length;
  const L = w.cellA;
  const steps = Math.round(w.dtPs * 1000);
  const parts: string[] = [];
  for (let t = 0; t < w.frames; t++) {
    parts.push(`ITEM: TIMESTEP\n${t * steps}\nITEM: NUMBER OF ATOMS\n${n}\nITEM: BOX BOUNDS pp pp pp\n0 ${L}\n0 ${L}\n0 ${L}\nITEM: ATOMS id mol element mass ${w.charges ? 'q ' : ''}x y z ix iy iz\n`);
    for (let i = 0; i < n; i++) {
      const r = [0, 1, 2].map((d) => pos[(t * n + i) * 3 + d]);
      const image = r.map((x) => Math.floor(x / L));
      const wrapped = r.map((x, d) => (x - image[d] * L).toFixed(6));
      parts.push(`${i + 1} ${i + 1} ${atoms[i].element} ${atoms[i].mass} ${w.charges ? `${atoms[i].q} ` : ''}${wrapped.join(' ')} ${image.join(' ')}\n`);
    }
  }
  return tempFile(name, parts.join(''));
}

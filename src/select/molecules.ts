import { boxFromVectors, inverseMatrix, perpendicularWidths, type Box } from '../model/box.js';
import { CellGrid } from '../model/cell-grid.js';
import { covalentRadius, hillFormula, isFreeCation } from '../model/elements.js';
import type { Topology } from '../model/frame.js';

/**
 * Molecules of a system: from a topology file's bonds when it has them (complete), otherwise
 * from molecule ids (a topology file's, or a LAMMPS dump's `mol` column; id 0 means "no
 * molecule" in LAMMPS, so such atoms stand alone), otherwise from bonds found by distance.
 */
export interface Molecules {
  count: number;
  /** Molecule of each atom. */
  ofAtom: Int32Array;
  /** Atoms of molecule k are atoms[start[k] … start[k+1]). */
  start: Int32Array;
  atoms: Int32Array;
  /** Hill formula of each molecule. */
  formula: string[];
  source: MoleculeSource;
  /** Bonds as atom pairs (i, j), i < j. */
  bonds: Int32Array;
  /**
   * Lattice translation (integers along a, b, c) for each atom that makes its molecule whole
   * in the reference positions: x + image·H puts bonded atoms next to each other.
   */
  wholeImage: Int32Array;
}

/**
 * Where molecules came from: 'topology bonds' (a topology file's bonds), 'topology mol ids' (a
 * topology file's molecule ids), 'mol column' (the trajectory's), 'bonds' (found by distance).
 */
export type MoleculeSource = 'topology bonds' | 'topology mol ids' | 'mol column' | 'bonds';

/** Bonds are d < BOND_TOLERANCE · (r_i + r_j) with Cordero covalent radii. */
export const BOND_TOLERANCE = 1.2;

/**
 * Pairs of atoms closer than 1.2 × the sum of their covalent radii, with minimum-image distances
 * in the cell (orthorhombic or triclinic), or plain distances without one. Free cations (Li⁺,
 * Na⁺, K⁺, Mg²⁺, …) are never bonded.
 */
export function findBonds(positions: Float64Array, elements: readonly string[], box: Box | null): Int32Array {
  const n = elements.length;
  const radius = new Float64Array(n);
  const bondable: number[] = [];
  let rmax = 0;
  for (let i = 0; i < n; i++) {
    const r = isFreeCation(elements[i]) ? NaN : covalentRadius(elements[i]);
    radius[i] = r;
    if (r > 0) {
      bondable.push(i);
      rmax = Math.max(rmax, r);
    }
  }
  if (bondable.length === 0) return new Int32Array(0);
  const cutoff = 2 * rmax * BOND_TOLERANCE;
  const cell = box ?? boundingBox(positions, bondable, cutoff);
  const grid = new CellGrid(cell, Math.min(cutoff, maxCutoff(cell)), 1);
  const atoms = Int32Array.from(bondable);
  grid.fill(positions, atoms, atoms.length);
  const pairs: number[] = [];
  const cells = new Int32Array(grid.maxNeighbours);
  const shifts = new Float64Array(3 * grid.maxNeighbours);
  const [na, nb, nc] = grid.n;
  for (let ia = 0; ia < na; ia++) {
    for (let ib = 0; ib < nb; ib++) {
      for (let ic = 0; ic < nc; ic++) {
        const c = (ia * nb + ib) * nc + ic;
        const k = grid.neighbours(ia, ib, ic, cells, shifts);
        for (let p = grid.cellStart[c]; p < grid.cellStart[c + 1]; p++) {
          const i = atoms[grid.index[p]];
          for (let q = 0; q < k; q++) {
            const cj = cells[q];
            for (let s = grid.cellStart[cj]; s < grid.cellStart[cj + 1]; s++) {
              const j = atoms[grid.index[s]];
              if (j <= i) continue; // each pair once (a pair has one image this close)
              const dx = grid.x[s] + shifts[3 * q] - grid.x[p];
              const dy = grid.y[s] + shifts[3 * q + 1] - grid.y[p];
              const dz = grid.z[s] + shifts[3 * q + 2] - grid.z[p];
              const lim = BOND_TOLERANCE * (radius[i] + radius[j]);
              if (dx * dx + dy * dy + dz * dz < lim * lim) pairs.push(i, j);
            }
          }
        }
      }
    }
  }
  return Int32Array.from(pairs);
}

/** The largest cutoff a cell allows for unique minimum images. */
function maxCutoff(box: Box): number {
  return Math.min(...perpendicularWidths(box)) / 2;
}

/** A non-periodic cell enclosing the atoms with a margin, for files without a cell. */
function boundingBox(positions: Float64Array, atoms: number[], margin: number): Box {
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (const i of atoms) {
    for (let d = 0; d < 3; d++) {
      lo[d] = Math.min(lo[d], positions[3 * i + d]);
      hi[d] = Math.max(hi[d], positions[3 * i + d]);
    }
  }
  const len = [0, 1, 2].map((d) => Math.max(hi[d] - lo[d] + 2 * margin, 4 * margin));
  return boxFromVectors([len[0], 0, 0, 0, len[1], 0, 0, 0, len[2]], [lo[0] - margin, lo[1] - margin, lo[2] - margin], [false, false, false]);
}

/**
 * The molecules of a system, given reference positions (the first frame, unwrapped where the
 * file allows): the topology's bonds (Topology.bonds, set only when a topology file's bonds are
 * complete), else its molecule ids (`molIdSource` says whose), else bonds found by distance.
 * Molecules are made whole along the topology's bonds, or along the bonds found by distance.
 */
export function findMolecules(top: Topology, positions: Float64Array, box: Box | null, molIdSource: 'mol column' | 'topology mol ids' = 'mol column'): Molecules {
  const n = top.natoms;
  const elements = top.elements;
  const bonds = top.bonds ?? (elements ? findBonds(positions, elements, box) : new Int32Array(0));
  const ofAtom = new Int32Array(n);
  let source: Molecules['source'];
  if (top.molIds && !top.bonds) {
    source = molIdSource;
    const ids = new Map<number, number>();
    let next = 0;
    for (let i = 0; i < n; i++) {
      const mol = top.molIds[i];
      if (mol === 0) {
        ofAtom[i] = next++;
        continue;
      }
      let k = ids.get(mol);
      if (k === undefined) {
        k = next++;
        ids.set(mol, k);
      }
      ofAtom[i] = k;
    }
  } else {
    source = top.bonds ? 'topology bonds' : 'bonds';
    // Connected components of the bond graph (union–find with path halving).
    const parent = Int32Array.from({ length: n }, (_, i) => i);
    const find = (i: number) => {
      while (parent[i] !== i) {
        parent[i] = parent[parent[i]];
        i = parent[i];
      }
      return i;
    };
    for (let b = 0; b < bonds.length; b += 2) {
      const ri = find(bonds[b]), rj = find(bonds[b + 1]);
      if (ri !== rj) parent[Math.max(ri, rj)] = Math.min(ri, rj);
    }
    const label = new Int32Array(n).fill(-1);
    let next = 0;
    for (let i = 0; i < n; i++) {
      const r = find(i);
      if (label[r] < 0) label[r] = next++;
      ofAtom[i] = label[r];
    }
  }
  const count = ofAtom.reduce((m, k) => Math.max(m, k + 1), 0);
  const start = new Int32Array(count + 1);
  for (let i = 0; i < n; i++) start[ofAtom[i] + 1]++;
  for (let k = 0; k < count; k++) start[k + 1] += start[k];
  const fill = start.slice(0, count);
  const atoms = new Int32Array(n);
  for (let i = 0; i < n; i++) atoms[fill[ofAtom[i]]++] = i;
  const formula = new Array<string>(count);
  for (let k = 0; k < count; k++) {
    const counts = new Map<string, number>();
    for (let p = start[k]; p < start[k + 1]; p++) {
      const el = elements ? elements[atoms[p]] : `type${top.types ? top.types[atoms[p]] : '?'}`;
      counts.set(el, (counts.get(el) ?? 0) + 1);
    }
    formula[k] = hillFormula(counts);
  }
  const wholeImage = makeWhole(positions, box, bonds, { count, start, atoms, ofAtom });
  return { count, ofAtom, start, atoms, formula, source, bonds, wholeImage };
}

/**
 * Lattice translations that make every molecule whole: a walk along bonds from each molecule's
 * first atom puts each bonded neighbour at its minimum image (right even for chains longer than
 * half the cell); atoms no bond reaches (a `mol` column without bondable elements) are put at the
 * minimum image of the molecule's first atom.
 */
function makeWhole(
  positions: Float64Array,
  box: Box | null,
  bonds: Int32Array,
  mols: { count: number; start: Int32Array; atoms: Int32Array; ofAtom: Int32Array },
): Int32Array {
  const n = mols.ofAtom.length;
  const image = new Int32Array(3 * n);
  if (!box) return image;
  const inv = inverseMatrix(box);
  const m = box.matrix;
  // Adjacency in CSR form.
  const deg = new Int32Array(n + 1);
  for (let b = 0; b < bonds.length; b++) deg[bonds[b] + 1]++;
  for (let i = 0; i < n; i++) deg[i + 1] += deg[i];
  const adj = new Int32Array(bonds.length);
  const fill = deg.slice(0, n);
  for (let b = 0; b < bonds.length; b += 2) {
    const i = bonds[b], j = bonds[b + 1];
    if (mols.ofAtom[i] !== mols.ofAtom[j]) continue; // a bond across molecules of a mol column
    adj[fill[i]++] = j;
    adj[fill[j]++] = i;
  }
  const seen = new Uint8Array(n);
  const queue = new Int32Array(n);
  const whole = positions.slice(0, 3 * n);
  /** Move atom j by whole cell vectors to the image nearest atom i (as placed so far). */
  const place = (i: number, j: number) => {
    const dx = whole[3 * j] - whole[3 * i], dy = whole[3 * j + 1] - whole[3 * i + 1], dz = whole[3 * j + 2] - whole[3 * i + 2];
    for (let k = 0; k < 3; k++) {
      if (!box.pbc[k]) continue;
      const shift = Math.round(dx * inv[k] + dy * inv[3 + k] + dz * inv[6 + k]);
      if (shift === 0) continue;
      image[3 * j + k] -= shift;
      whole[3 * j] -= shift * m[3 * k];
      whole[3 * j + 1] -= shift * m[3 * k + 1];
      whole[3 * j + 2] -= shift * m[3 * k + 2];
    }
  };
  for (let k = 0; k < mols.count; k++) {
    const root = mols.atoms[mols.start[k]];
    let head = 0, tail = 0;
    queue[tail++] = root;
    seen[root] = 1;
    while (head < tail) {
      const i = queue[head++];
      for (let e = deg[i]; e < fill[i]; e++) {
        const j = adj[e];
        if (seen[j]) continue;
        seen[j] = 1;
        place(i, j);
        queue[tail++] = j;
      }
    }
    for (let p = mols.start[k]; p < mols.start[k + 1]; p++) {
      const j = mols.atoms[p];
      if (!seen[j]) {
        seen[j] = 1;
        place(root, j);
      }
    }
  }
  return image;
}

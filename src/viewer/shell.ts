import type { Box } from '../model/box.js';
import { CellGrid } from '../model/cell-grid.js';
import type { FrameShell } from './api.js';

/**
 * The first coordination shell of each highlighted atom in one frame: the shell atoms within
 * `cutoffA`, by minimum-image distances in the periodic cell (orthorhombic or triclinic) —
 * what Mol*'s own distance queries, which ignore periodicity, cannot give.
 */
export function frameShell(frame: number, positions: Float64Array, box: Box | null, highlight: Int32Array, shellAtoms: Int32Array, cutoffA: number): FrameShell {
  const perAtom: FrameShell['perAtom'] = [];
  const all = new Set<number>();
  if (!box) {
    for (const i of highlight) {
      const neighbours: number[] = [];
      for (const j of shellAtoms) {
        if (j === i) continue;
        const d = Math.hypot(positions[3 * j] - positions[3 * i], positions[3 * j + 1] - positions[3 * i + 1], positions[3 * j + 2] - positions[3 * i + 2]);
        if (d < cutoffA) neighbours.push(j);
      }
      neighbours.forEach((j) => all.add(j));
      perAtom.push({ atom: i, neighbours });
    }
    return { frame, shellAtoms: [...all].sort((a, b) => a - b), perAtom };
  }
  const grid = new CellGrid(box, cutoffA, 1);
  grid.fill(positions, shellAtoms, shellAtoms.length);
  const cells = new Int32Array(grid.maxNeighbours);
  const shifts = new Float64Array(3 * grid.maxNeighbours);
  const own = new CellGrid(box, cutoffA, 1);
  own.fill(positions, highlight, highlight.length);
  const [na, nb, nc] = grid.n;
  const found = new Map<number, number[]>();
  for (let ia = 0; ia < na; ia++) {
    for (let ib = 0; ib < nb; ib++) {
      for (let ic = 0; ic < nc; ic++) {
        const c = (ia * nb + ib) * nc + ic;
        if (own.cellStart[c] === own.cellStart[c + 1]) continue;
        const k = grid.neighbours(ia, ib, ic, cells, shifts);
        for (let p = own.cellStart[c]; p < own.cellStart[c + 1]; p++) {
          const i = highlight[own.index[p]];
          const list: number[] = [];
          for (let q = 0; q < k; q++) {
            for (let s = grid.cellStart[cells[q]]; s < grid.cellStart[cells[q] + 1]; s++) {
              const j = shellAtoms[grid.index[s]];
              if (j === i) continue;
              const dx = grid.x[s] + shifts[3 * q] - own.x[p], dy = grid.y[s] + shifts[3 * q + 1] - own.y[p], dz = grid.z[s] + shifts[3 * q + 2] - own.z[p];
              if (dx * dx + dy * dy + dz * dz < cutoffA * cutoffA) list.push(j);
            }
          }
          found.set(i, list.sort((a, b) => a - b));
        }
      }
    }
  }
  for (const i of highlight) {
    const neighbours = found.get(i) ?? [];
    neighbours.forEach((j) => all.add(j));
    perAtom.push({ atom: i, neighbours });
  }
  return { frame, shellAtoms: [...all].sort((a, b) => a - b), perAtom };
}

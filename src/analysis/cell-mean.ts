import { boxVolume, type Box } from '../model/box.js';
import { cubicEdgeA } from './finite-size.js';

/**
 * The mean cell of the frames an analysis used: the volume (for the conductivity's
 * e²/(V k_B T)) and, when every frame's cell is cubic, the mean edge (for the Yeh–Hummer
 * correction, whose constant ξ belongs to cubic lattices). Sums only, so the states of ranges
 * of frames add.
 */
export interface CellSums {
  frames: number;
  /** Frames with a cell. */
  withCell: number;
  volumeA3: number;
  /** Frames whose cell is cubic, and the sum of their edges, Å. */
  cubic: number;
  edgeA: number;
}

export function emptyCellSums(): CellSums {
  return { frames: 0, withCell: 0, volumeA3: 0, cubic: 0, edgeA: 0 };
}

/** One frame's cell folded in (mutates the sums). */
export function addCell(sums: CellSums, box: Box | null): void {
  sums.frames++;
  if (!box) return;
  sums.withCell++;
  sums.volumeA3 += boxVolume(box);
  const edge = cubicEdgeA(box);
  if (edge !== null) {
    sums.cubic++;
    sums.edgeA += edge;
  }
}

export function addCellSums(a: CellSums, b: CellSums): CellSums {
  return { frames: a.frames + b.frames, withCell: a.withCell + b.withCell, volumeA3: a.volumeA3 + b.volumeA3, cubic: a.cubic + b.cubic, edgeA: a.edgeA + b.edgeA };
}

export interface CellMean {
  /** Mean volume over the frames, Å³ (null when some frame has no cell). */
  volumeA3: number | null;
  /** Mean edge, Å, when every frame's cell is cubic (null otherwise). */
  cubicEdgeA: number | null;
}

export function cellMean(sums: CellSums): CellMean {
  const all = sums.frames > 0 && sums.withCell === sums.frames;
  return {
    volumeA3: all ? sums.volumeA3 / sums.frames : null,
    cubicEdgeA: all && sums.cubic === sums.frames ? sums.edgeA / sums.frames : null,
  };
}

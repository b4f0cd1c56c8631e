import type { Box } from './box.js';

/**
 * One stored configuration. Readers reuse a frame's arrays for the next frame (parsing into the
 * same memory is what keeps them fast and their memory flat): keep a frame past the next read
 * only through `cloneFrame`.
 */
export interface Frame {
  /** 0-based number of this frame in the file (before any --begin/--stride selection). */
  index: number;
  /** MD step when the file stores it (LAMMPS TIMESTEP, XDATCAR configuration number). */
  step: number | null;
  /** Simulation time in ps when the file stores it in known units. */
  timePs: number | null;
  natoms: number;
  /** x, y, z of each atom, interleaved, Å; atoms in topology order (sorted by id where ids exist). */
  positions: Float64Array;
  /** True when `positions` are already unwrapped (LAMMPS xu/xsu columns). */
  unwrapped: boolean;
  /** Periodic image of each atom (ix, iy, iz interleaved) when the file stores image flags. */
  images: Int32Array | null;
  box: Box | null;
}

/** Identity of the atoms, from the header and the first frame. */
export interface Topology {
  natoms: number;
  /** Element symbol of each atom ("Na"); null when the file only has LAMMPS types and no map was given. */
  elements: string[] | null;
  /** LAMMPS atom type of each atom. */
  types: Int32Array | null;
  /** Atom ids (LAMMPS `id`), ascending. */
  ids: Int32Array | null;
  /** Molecule id of each atom (LAMMPS `mol`). */
  molIds: Int32Array | null;
  /** Mass of each atom, g/mol (from a mass column, or from the element). */
  masses: Float64Array | null;
  /** Atom names as a force field or the file gives them (OW, HW1, NA; an XYZ file's labels). */
  names: string[] | null;
  /**
   * 1 for each atom whose element was guessed from its name (GRO; PDB atoms without an element in
   * columns 77–78), 0 where the file gives it; null or absent when the file gives every element.
   */
  elementsGuessed?: Uint8Array | null;
  /** Residue name and number of each atom (GRO, PDB). */
  resnames: string[] | null;
  resids: Int32Array | null;
  /** Partial charge of each atom, e (a LAMMPS data file or dump `q` column). */
  charges: Float64Array | null;
  /** Bonds as atom pairs (i, j), i < j, 0-based, from a topology file. */
  bonds: Int32Array | null;
}

export function cloneFrame(f: Frame): Frame {
  return {
    ...f,
    positions: f.positions.slice(0, 3 * f.natoms),
    images: f.images ? f.images.slice(0, 3 * f.natoms) : null,
    box: f.box ? { matrix: f.box.matrix.slice(), origin: f.box.origin.slice(), pbc: f.box.pbc } : null,
  };
}

/** Count of atoms per element, in order of first appearance. */
export function speciesCounts(top: Topology): Map<string, number> {
  const counts = new Map<string, number>();
  if (top.elements) for (const e of top.elements) counts.set(e, (counts.get(e) ?? 0) + 1);
  else if (top.types) {
    for (const t of [...top.types].sort((a, b) => a - b)) counts.set(`type ${t}`, (counts.get(`type ${t}`) ?? 0) + 1);
  }
  return counts;
}

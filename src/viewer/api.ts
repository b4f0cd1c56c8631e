/**
 * What the `mdpost view` server tells its page (web/), as JSON. Lengths in Å, times in ps.
 *
 *   GET /api/info               → ViewInfo
 *   GET /api/topology.pdb       → PDB of the first view frame: CRYST1 (the cell), elements, CONECT bonds
 *   GET /api/trajectory.dcd     → DCD (CHARMM, little-endian) of all view frames, with the cell per frame
 *   GET /api/shell?frame=K      → FrameShell of view frame K
 *   GET /api/analysis           → ViewAnalysis (or 404 when there is none)
 *
 * Atom indices are 0-based in topology order (the order of atoms in the PDB and the DCD).
 * Positions in the PDB and DCD are those of the file, with each molecule made whole and its
 * centre put inside the cell, so molecules do not appear torn across the cell's faces; a cell
 * that is not in the standard orientation (a along x, b in the xy plane) is rotated into it, as
 * PDB's CRYST1 requires.
 */
export interface ViewInfo {
  file: string;
  format: string;
  natoms: number;
  /** Frames the page can show (after --stride and subsampling). */
  frames: number;
  /** Every `stride`-th frame of the file is shown. */
  stride: number;
  /** Frames in the file. */
  fileFrames: number;
  /** Per view frame: its index in the file, the MD step and the time (null when unknown). */
  stamps: { index: number; step: number | null; timePs: number | null }[];
  /** Element of each atom. */
  elements: string[];
  /** The highlighted selection (drawn as spheres) and the atoms it holds. */
  highlight: { selection: string; atoms: number[] };
  /** The atoms counted in a highlighted atom's first shell, and the shell radius. */
  shell: { selection: string; cutoffA: number; source: string };
  /** Why frames were left out, when they were. */
  notes: string[];
}

export interface FrameShell {
  frame: number;
  /** Atoms within the shell radius of any highlighted atom (periodic boundaries), sorted. */
  shellAtoms: number[];
  /** For each highlighted atom, its shell neighbours. */
  perAtom: { atom: number; neighbours: number[] }[];
}

export interface ViewAnalysis {
  /** The analysis JSON (the `mdpost analyze --json` document). */
  analysis: Record<string, unknown>;
  /** Vega-Lite specs, the same as the HTML report's. */
  plots: { title: string; spec: Record<string, unknown> }[];
}

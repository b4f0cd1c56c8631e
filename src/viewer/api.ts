/**
 * What the `mdpost view` server tells its page (web/), as JSON. Lengths in Å, times in ps.
 *
 *   GET /api/info               → ViewInfo
 *   GET /api/topology.pdb       → PDB of the first view frame: CRYST1 (the cell), elements, CONECT bonds
 *   GET /api/trajectory.dcd     → DCD (CHARMM, little-endian) of all view frames, with the cell per frame
 *   GET /api/shell?frame=K      → FrameShell of view frame K
 *   GET /api/analysis           → ViewAnalysis (or 404 when there is none)
 *   GET /api/select?text=SEL    → SelectionAnswer
 *   GET /api/atom?index=I       → AtomInfo
 *   GET /api/measure?frame=K&atoms=I,J[,L] → Measurement (minimum image)
 *   GET /api/frame.pdb?frame=K  → the frame as PDB (CRYST1, names, residues, bonds), as a download
 *   GET /api/frame.xyz?frame=K  → the frame as extended XYZ (Lattice, Time in fs, Step), as a download
 *   GET /api/solvation/setup?SOLV            → SolvationSetup
 *   GET /api/solvation/frame?frame=K&SOLV    → FrameSolvation
 *   GET /api/solvation/timeline?SOLV         → SolvationTimeline
 * where SOLV is `ions=SEL&shell=SEL&cutoff=SPEC`, each optional (absent or empty: the default
 * of ViewInfo.solvation); SPEC is "3.2" (every kind), "H2O=3.2,FSI=3.4" (those kinds; the others
 * by default) or empty (every kind by default).
 *
 * A request the server cannot answer is a 4xx with one line of text: for a selection, a cutoff
 * or a frame the user gave, the line the command line prints ("mdpost: error: …").
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
  /** The page's solvation controls at start: the selections and cutoff spec it sends (SOLV). */
  solvation: { ions: string; shell: string; cutoff: string };
}

export interface SelectionAnswer {
  selection: string;
  /** Selected atoms, ascending. */
  atoms: number[];
  /** 'molecules' when the text names molecules only (FSI, H2O). */
  kind: 'atoms' | 'molecules';
  /** Every atom is a free metal cation (Li, Na …): ion-pair classes apply. */
  cations: boolean;
}

export interface AtomInfo {
  index: number;
  element: string | null;
  type: number | null;
  name: string | null;
  resname: string | null;
  resid: number | null;
  /** mdpost's molecule (0-based index; the selection language's `mol` counts from 1). */
  molecule: { index: number; formula: string; kind: string; atoms: number };
}

export interface Measurement {
  frame: number;
  atoms: number[];
  /** Minimum-image distances between consecutive atoms, Å. */
  distancesA: number[];
  /** For three atoms, the angle at the middle one, degrees. */
  angleDeg: number | null;
}

export type IonClass = 'SSIP' | 'CIP' | 'AGG';

/** A partner kind (H2O, FSI, chain …) with its cutoff. */
export interface KindSetup {
  name: string;
  /** Molecules of this kind that have shell atoms. */
  molecules: number;
  shellAtoms: number;
  cutoffA: number;
  /** How the cutoff was chosen: given, from the analysis, or the first minimum of a g(r). */
  source: string;
  anion: boolean;
}

export interface SolvationSetup {
  ions: { selection: string; atoms: number[]; cations: boolean };
  shell: { selection: string; atoms: number };
  cutoff: string;
  kinds: KindSetup[];
  /** Kinds the ion-pair classes are relative to; empty when the ions are not cations or there is no anion. */
  anions: string[];
  /** Atoms of solvent molecules (neither ions nor highlighted), which the page may hide. */
  solventAtoms: number[];
  /** What the analysis document says over the whole run, when it has a solvation entry for these ions. */
  run: { cn: Record<string, number>; classes: Record<IonClass, number> | null; anion: string | null } | null;
  notes: string[];
}

export interface FrameSolvation {
  frame: number;
  /** Each highlighted atom, in the order of setup.ions.atoms. */
  ions: {
    atom: number;
    class: IonClass | null;
    /** Partner molecules in its first shell; kind indexes setup.kinds; contacts are its shell atoms within the cutoff. */
    partners: { molecule: number; kind: number; contacts: number[] }[];
  }[];
  /** Every atom of every partner molecule (whole molecules), ascending. */
  partnerAtoms: number[];
  /** Shell atoms within their kind's cutoff of some highlighted atom, ascending. */
  contactAtoms: number[];
}

export interface SolvationTimeline {
  timePs: (number | null)[];
  /** Highlighted cations in each class at each frame (null when classes do not apply). */
  classes: Record<IonClass, number[]> | null;
  /** Mean number of partner molecules of each kind per highlighted atom, at each frame. */
  partners: Record<string, number[]>;
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

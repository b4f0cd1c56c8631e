import type { Box } from '../model/box.js';
import { InputError } from '../model/errors.js';
import type { AtomKinds } from '../model/topology.js';

/**
 * Where the elements of a topology came from. For a file whose atoms were resolved in more than
 * one way, the weakest way that was used (guessed from names < from masses < file); the notes
 * say which atoms or types were resolved how.
 */
export type ElementSource = 'file' | 'guessed from names' | 'from masses';

/**
 * What a topology file says about the atoms of a system, in the order a trajectory of the same
 * system stores them: file order for GRO and PDB; ascending atom id for a LAMMPS data file, which
 * is the order mdpost's dump reader uses. Every array has `natoms` entries (`bonds` two per bond);
 * a field is null when the file does not have it.
 */
export interface TopologyData {
  format: 'lammps-data' | 'gro' | 'pdb';
  natoms: number;
  /** Atom names (GRO, PDB). */
  names: string[] | null;
  /** Residue name of each atom (GRO, PDB). */
  resnames: string[] | null;
  /** Residue number of each atom as written (GRO wraps at 100000; PDB's 4-digit wrap is undone). */
  resids: Int32Array | null;
  /**
   * Element symbol of each atom ("Na"), or null for an atom whose element could not be told
   * (a virtual site MW, an unknown name, a mass that matches no element). The whole array is null
   * when no atom has one.
   */
  elements: (string | null)[] | null;
  elementSource: ElementSource | null;
  /** LAMMPS atom type of each atom (1-based). */
  types: Int32Array | null;
  /** Names of LAMMPS atom types: `Atom Type Labels`, or the first word of the comment after each mass. */
  typeLabels: Map<number, string> | null;
  /** g/mol: from a LAMMPS `Masses` section, otherwise from the element (NaN where unknown). */
  masses: Float64Array | null;
  /** Partial charges, e (LAMMPS `q`). */
  charges: Float64Array | null;
  /** Formal charges, e (PDB columns 79–80). */
  formalCharges: Int32Array | null;
  /** Molecule of each atom: LAMMPS `mol` (0 = none), or numbered 1… from the bonds. */
  molIds: Int32Array | null;
  /** Bonded pairs i < j (0-based indices in this order of atoms), sorted. */
  bonds: Int32Array | null;
  /** Atom ids (LAMMPS id, PDB serial, GRO atom number as written). */
  ids: Int32Array | null;
  /** The cell, Å. */
  box: Box | null;
  /** Coordinates the file stores, Å, x y z interleaved. */
  positions: Float64Array;
  /** LAMMPS image flags when the data file has them (ix iy iz interleaved). */
  images: Int32Array | null;
  /** What a user should know: guesses made, records skipped. */
  notes: string[];
  /**
   * The atoms grouped by kind, when the reader knows them: each atom's name, residue name,
   * element and mass are those of its kind, and names and masses are given (absent or null: not
   * known). Names, residue names, elements and masses may then be made when first read.
   */
  kinds?: AtomKinds | null;
}

export function topologyError(file: string, line: number | null, detail: string): InputError {
  return new InputError(line === null ? `${file}: ${detail}` : `${file}, line ${line}: ${detail}`);
}

/** The lines of a text, without their line ends (\n or \r\n). */
export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.length > 0 && l.charCodeAt(l.length - 1) === 13) lines[i] = l.slice(0, -1);
  }
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** A short, printable excerpt of a line for error messages. */
export function quote(line: string, max = 60): string {
  return JSON.stringify(line.length > max ? line.slice(0, max) + '…' : line);
}

/**
 * The number of atoms in each atom's residue, a residue being a run of consecutive atoms with
 * the same residue number and name (how GROMACS and MDAnalysis group them).
 */
export function residueSizes(resids: ArrayLike<number>, resnames: readonly string[]): Int32Array {
  const n = resnames.length;
  const size = new Int32Array(n);
  let start = 0;
  for (let i = 1; i <= n; i++) {
    if (i === n || resids[i] !== resids[i - 1] || resnames[i] !== resnames[i - 1]) {
      for (let k = start; k < i; k++) size[k] = i - start;
      start = i;
    }
  }
  return size;
}

/** Bonds as sorted pairs i < j with duplicates removed. */
export function normalizeBonds(pairs: ArrayLike<number>): Int32Array {
  const list: [number, number][] = [];
  for (let b = 0; b + 1 < pairs.length; b += 2) {
    const i = pairs[b], j = pairs[b + 1];
    list.push(i < j ? [i, j] : [j, i]);
  }
  list.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: number[] = [];
  for (let k = 0; k < list.length; k++) {
    if (k > 0 && list[k][0] === list[k - 1][0] && list[k][1] === list[k - 1][1]) continue;
    out.push(list[k][0], list[k][1]);
  }
  return Int32Array.from(out);
}

/**
 * Molecules as connected components of the bond graph, numbered 1, 2, … in order of each
 * molecule's first atom; an atom without bonds is a molecule of its own.
 */
export function moleculesFromBonds(natoms: number, bonds: ArrayLike<number>): Int32Array {
  const parent = Int32Array.from({ length: natoms }, (_, i) => i);
  const find = (i: number) => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  for (let b = 0; b + 1 < bonds.length; b += 2) {
    const ri = find(bonds[b]), rj = find(bonds[b + 1]);
    if (ri !== rj) parent[Math.max(ri, rj)] = Math.min(ri, rj);
  }
  const label = new Int32Array(natoms);
  const mol = new Int32Array(natoms);
  let next = 0;
  for (let i = 0; i < natoms; i++) {
    const r = find(i);
    if (label[r] === 0) label[r] = ++next;
    mol[i] = label[r];
  }
  return mol;
}

/** "OW (3), MW (3)": the names and how many atoms carry each, for notes. */
export function describeCounts(counts: Map<string, number>, max = 8): string {
  const parts = [...counts].slice(0, max).map(([k, v]) => `${k} (${v})`);
  if (counts.size > max) parts.push(`… ${counts.size - max} more`);
  return parts.join(', ');
}

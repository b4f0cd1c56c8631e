import type { Box } from '../model/box.js';
import type { Topology } from '../model/frame.js';
import type { Molecules } from '../select/molecules.js';
import { wrapMolecules } from './frames.js';
import { rotate, standardOrientation } from './orient.js';
import { writePdb } from './pdb.js';

/**
 * One frame to download, as the 3D view shows it: each molecule whole with its centre in the
 * cell, the cell in the standard orientation (a along x, b in the xy plane; PDB's CRYST1 allows
 * no other) — in full precision, from the positions as read, not from the float32 the page got.
 */
export interface FrameExport {
  /** Element (or "X<type>") of each atom. */
  elements: readonly string[];
  topology: Topology;
  molecules: Molecules;
  residueNames: string[];
  file: string;
}

export interface ShownFrame {
  positions: Float64Array;
  box: Box | null;
  step: number | null;
  timePs: number | null;
  /** The frame's index in the file. */
  index: number;
}

function shown(raw: Float64Array, box: Box | null, mols: Molecules): { positions: Float64Array; box: Box | null } {
  const p = Float64Array.from(raw);
  if (!box) return { positions: p, box: null };
  wrapMolecules(p, p.length / 3, box, mols);
  const o = standardOrientation(box);
  rotate(p, p.length / 3, o.rotation);
  return { positions: p, box: o.standard };
}

/** PDB with CRYST1, atom names (a topology's, else elements), molecules as residues, CONECT bonds; the time and step in the title as GROMACS writes them. */
export function framePdb(x: FrameExport, f: ShownFrame): string {
  const { positions, box } = shown(f.positions, f.box, x.molecules);
  const stamp = [f.timePs !== null ? `t= ${f.timePs.toFixed(5)}` : null, f.step !== null ? `step= ${f.step}` : null].filter((s) => s !== null).join(' ');
  return writePdb({
    elements: x.elements,
    positions,
    box,
    residueOf: x.molecules.ofAtom,
    residueNames: x.residueNames,
    bonds: x.molecules.bonds,
    names: x.topology.names,
    title: `frame ${f.index} ${stamp}`.trim(),
  });
}

/**
 * Extended XYZ (ASE, OVITO, mdpost read it): the cell vectors in Lattice, pbc, Time in fs (the
 * unit of GPUMD's dump_exyz and mdpost's reader) and Step, positions to 10⁻⁶ Å.
 */
export function frameXyz(x: FrameExport, f: ShownFrame): string {
  const { positions, box } = shown(f.positions, f.box, x.molecules);
  const n = x.elements.length;
  const keys: string[] = [];
  if (box) {
    keys.push(`Lattice="${Array.from(box.matrix, (v) => fmt(v)).join(' ')}"`);
  }
  keys.push('Properties=species:S:1:pos:R:3');
  if (f.timePs !== null) keys.push(`Time=${fmt(f.timePs * 1000)}`);
  if (f.step !== null) keys.push(`Step=${f.step}`);
  if (box) keys.push(`pbc="${box.pbc.map((p) => (p ? 'T' : 'F')).join(' ')}"`);
  const lines = [String(n), keys.join(' ')];
  for (let i = 0; i < n; i++) lines.push(`${x.elements[i]} ${fmt(positions[3 * i])} ${fmt(positions[3 * i + 1])} ${fmt(positions[3 * i + 2])}`);
  return lines.join('\n') + '\n';
}

/** Six decimals, no "-0". */
function fmt(v: number): string {
  const s = v.toFixed(6);
  return s === '-0.000000' ? '0.000000' : s;
}


import { describe, expect, it } from 'vitest';
import { boxFromVectors } from '../../src/model/box.js';
import { atomicMass } from '../../src/model/elements.js';
import type { Topology } from '../../src/model/frame.js';
import { emptyTopology } from '../../src/model/topology.js';
import { findMolecules } from '../../src/select/molecules.js';
import { parseSelection, select, type SelectionContext } from '../../src/select/selection.js';
import { assemble, FSI, WATER } from '../support/molecules.js';

const box = boxFromVectors([20, 0, 0, 0, 20, 0, 0, 0, 20]);

/**
 * A GROMACS-like system: an FSI⁻ (residue 1, FSI), two waters (residues 2–3, SOL: OW HW1 HW2)
 * and a Na⁺ (residue 4, NA), with the names, residues and LAMMPS-like types and mol ids a
 * topology file gives.
 */
function system(): { top: Topology; ctx: SelectionContext } {
  const { elements, positions } = assemble([
    { atoms: FSI, at: [3, 3, 3] },
    { atoms: WATER, at: [10, 2, 2] },
    { atoms: WATER, at: [2, 10, 9] },
    { atoms: [['Na', 0, 0, 0]], at: [12, 12, 12] },
  ]);
  const fsiNames = elements.slice(0, 9).map((e, i) => `${e}${i + 1}`);
  const top: Topology = {
    ...emptyTopology(elements.length),
    elements,
    masses: Float64Array.from(elements, atomicMass),
    names: [...fsiNames, 'OW', 'HW1', 'HW2', 'OW', 'HW1', 'HW2', 'NA'],
    resnames: [...Array(9).fill('FSI'), 'SOL', 'SOL', 'SOL', 'SOL', 'SOL', 'SOL', 'NA'],
    resids: Int32Array.from([...Array(9).fill(1), 2, 2, 2, 3, 3, 3, 4]),
    types: Int32Array.from([...Array(9).fill(1), 2, 3, 3, 2, 3, 3, 4]),
    molIds: Int32Array.from([...Array(9).fill(7), 8, 8, 8, 9, 9, 9, 10]),
  };
  let mols: ReturnType<typeof findMolecules> | null = null;
  return { top, ctx: { topology: top, molecules: () => (mols ??= findMolecules(top, positions, box)) } };
}

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

describe('selection keywords of MDAnalysis and VMD', () => {
  const { top, ctx } = system();
  const atoms = (text: string) => Array.from(select(text, ctx).atoms);

  it('name selects atom names as written, several at once, with fnmatch wildcards', () => {
    expect(atoms('name OW')).toEqual([9, 12]);
    expect(atoms('name OW HW1')).toEqual([9, 10, 12, 13]);
    expect(atoms('name HW*')).toEqual([10, 11, 13, 14]);
    expect(atoms('name HW?')).toEqual([10, 11, 13, 14]);
    expect(atoms('name HW[!1]')).toEqual([11, 14]);
    expect(atoms('name O*')).toEqual([3, 4, 5, 6, 9, 12]);
    // Names are compared as written: OW is no ow.
    expect(() => select('name ow', ctx)).toThrow(/matches nothing; .*; names OW \(2\), HW1 \(2\), HW2 \(2\), N1 \(1\)/);
  });

  it('resname, resid (numbers, ranges, "to") and mol select residues and molecules', () => {
    expect(atoms('resname SOL')).toEqual(range(9, 14));
    expect(atoms('resname FSI NA')).toEqual([...range(0, 8), 15]);
    expect(atoms('resname F*')).toEqual(range(0, 8));
    expect(atoms('resid 2')).toEqual(range(9, 11));
    expect(atoms('resid 2:3')).toEqual(range(9, 14));
    expect(atoms('resid 2-3')).toEqual(range(9, 14));
    expect(atoms('resid 2 to 3')).toEqual(range(9, 14));
    expect(atoms('resid 1 4')).toEqual([...range(0, 8), 15]);
    expect(atoms('mol 8')).toEqual(range(9, 11));
    expect(atoms('mol 9:10')).toEqual(range(12, 15));
    expect(select('resname SOL', ctx).kind).toBe('atoms');
  });

  it('combines the new keywords with the old ones', () => {
    expect(atoms('name OW and resid 3')).toEqual([12]);
    expect(atoms('element O and not resname SOL')).toEqual(atoms('O and FSI'));
    expect(atoms('element Na Cl')).toEqual([15]);
    expect(atoms('type 2 and (resid 2 or resid 3)')).toEqual([9, 12]);
    expect(atoms('index 0:1 15')).toEqual([0, 1, 15]);
    expect(atoms('water')).toEqual(atoms('H2O'));
    expect(atoms('mol FSI')).toEqual(range(0, 8));
    expect(select('mol FSI', ctx).kind).toBe('molecules');
    // A bare label that is no element selects atoms by name, as it selected labels before.
    expect(atoms('OW')).toEqual([9, 12]);
  });

  it('numbers molecules from 1 for "mol" when the file has no molecule ids, and reads LAMMPS mol ids as residues (as MDAnalysis)', () => {
    const noIds: Topology = { ...top, molIds: null, resids: null, resnames: null };
    const c: SelectionContext = { topology: noIds, molecules: ctx.molecules };
    expect(Array.from(select('mol 2', c).atoms)).toEqual(range(9, 11));
    expect(() => select('mol 9', c)).toThrow(/matches nothing.*\(numbered 1–4\)/);
    const lammps: Topology = { ...top, resids: null, resnames: null, names: null };
    expect(Array.from(select('resid 9', { topology: lammps, molecules: ctx.molecules }).atoms)).toEqual(range(12, 14));
  });
});

describe('selection errors say what was meant and how to get it', () => {
  const { top, ctx } = system();

  it('answers keywords of other programs with the keyword mdpost has, or why it has none', () => {
    expect(() => parseSelection('resnum 12')).toThrow('selection "resnum 12": "resnum" is not a keyword here: did you mean resid (residue numbers as the file writes them)?');
    expect(() => parseSelection('segid A')).toThrow(/"segid" is not supported: mdpost reads no segments or chains \(mdpost selects with element, name, type, resname, resid, mol, index/);
    expect(() => parseSelection('chain A and name OW')).toThrow(/"chain" is not supported/);
    expect(() => parseSelection('bynum 1:10')).toThrow(/did you mean index \(0-based: bynum 1 is index 0\)/);
    expect(() => parseSelection('around 3.5 name OW')).toThrow(/distance-based selections are not supported/);
    expect(() => parseSelection('protein')).toThrow(/"protein" is not supported/);
    // A misspelt keyword followed by its value: the nearest keywords.
    expect(() => parseSelection('resnme FSI')).toThrow('selection "resnme FSI": unknown keyword "resnme": did you mean resname?');
    expect(() => parseSelection('nam OW')).toThrow(/unknown keyword "nam": did you mean name\?/);
    expect(() => parseSelection('foo 3')).toThrow(/unknown keyword "foo" \(mdpost selects with/);
    // Not the old complaint about a complete selection.
    expect(() => parseSelection('resname FSI')).not.toThrow();
    expect(() => parseSelection('Na O')).toThrow('selection "Na O": unexpected "O" after a complete selection (join terms with "and" or "or")');
    expect(() => parseSelection('type OW')).toThrow(/"type" needs LAMMPS type numbers, e.g. "type 3" or "type 1:2"; for atom names write "name OW"/);
    expect(() => parseSelection('resid A')).toThrow(/"resid" needs residue numbers, e.g. "resid 12" or "resid 1:10", not "A"/);
    expect(() => parseSelection('resid 5:2')).toThrow(/resid range 5:2 is empty/);
    expect(() => parseSelection('name')).toThrow(/"name" needs atom names/);
  });

  it('says the file has no names, residues or types, and how to give them', () => {
    // A LAMMPS dump: types, mol ids and (with --type-map) elements, no names or residues.
    const dump: Topology = { ...top, names: null, resnames: null, resids: null };
    const c: SelectionContext = { topology: dump, molecules: ctx.molecules };
    expect(() => select('resname FSI', c)).toThrow(
      'selection "resname FSI": the file has no residue names (it has elements); give --topology with a GRO or PDB file, or select molecules by name or formula (FSI, H2O, mol:F2NO4S2)',
    );
    expect(() => select('name OW', { ...c, topology: { ...dump, elements: null } })).toThrow(
      'selection "name OW": the file has no atom names (it has LAMMPS types ("type 3")); give --topology with a GRO or PDB file (or a LAMMPS data file with type labels)',
    );
    const xyz: Topology = { ...top, types: null, molIds: null, resids: null };
    expect(() => select('type 3', { topology: xyz, molecules: ctx.molecules })).toThrow(/the file has no LAMMPS types; give --topology with the LAMMPS data file/);
    expect(() => select('resid 3', { topology: xyz, molecules: ctx.molecules })).toThrow(/the file has no residue numbers .*give --topology/);
  });
});

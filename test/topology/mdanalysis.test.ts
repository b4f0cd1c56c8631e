import { describe, expect, it } from 'vitest';
import { summarizeBox } from '../../src/model/box.js';
import { parseGro } from '../../src/topology/gro.js';
import { parseLammpsData } from '../../src/topology/lammps-data.js';
import { parsePdb } from '../../src/topology/pdb.js';
import type { TopologyData } from '../../src/topology/topology-data.js';
import { fixtureText } from './fixtures.js';

/**
 * mdpost's topology parsers against MDAnalysis 2.4.2 on files written by GROMACS 2022.5
 * (pdb2gmx, solvate, genion, insert-molecules, mdrun, trjconv, editconf), LAMMPS 29 Sep 2021
 * (write_data) and MDAnalysis's own PDBWriter. test/fixtures/topology/mdanalysis/make_reference.py
 * wrote reference.json.gz; MDAnalysis keeps coordinates, masses and charges in float32.
 * Measured agreement: masses 1.3e-6 g/mol, cell lengths and angles 3.3e-6 (Å, degrees),
 * coordinates 4.6e-7 Å, charges 1.7e-8 e; names, residues, ids, types, elements and bonds exact.
 * Tolerances are 10× those.
 */
interface Ref {
  n_atoms: number;
  attrs: string[];
  names?: string[];
  guessed_elements?: string[];
  resnames: string[] | null;
  resids: number[];
  ids: number[];
  types: string[];
  masses: number[];
  charges: number[] | null;
  elements: string[] | null;
  bonds: [number, number][] | null;
  dimensions: number[] | null;
  first_positions: number[][];
  last_positions: number[][];
}
const reference: { files: Record<string, Ref> } = JSON.parse(fixtureText('mdanalysis/reference.json.gz'));

const PARSERS: Record<string, (text: string, file: string) => TopologyData> = { gro: parseGro, pdb: parsePdb, data: parseLammpsData };
function parse(rel: string): TopologyData {
  const ext = rel.replace(/\.gz$/, '').split('.').pop()!;
  return PARSERS[ext](fixtureText(rel), rel);
}

/** MDAnalysis's upper-case guesses ("NA") and element columns, as symbols ("Na"). */
const symbol = (s: string) => (s.length > 1 ? s[0] + s.slice(1).toLowerCase() : s);

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** a b c (Å) and α β γ (degrees) as MDAnalysis's `dimensions`. */
function expectSameCell(top: TopologyData, dims: number[] | null, tol: number) {
  expect(dims).not.toBeNull();
  const s = summarizeBox(top.box!);
  expect(maxAbsDiff([s.a, s.b, s.c, s.alpha, s.beta, s.gamma], dims!)).toBeLessThan(tol);
}

function expectSamePositions(top: TopologyData, ref: Ref, tol: number) {
  const n = top.natoms;
  const first = Array.from(top.positions.subarray(0, 9));
  const last = Array.from(top.positions.subarray(3 * n - 9));
  expect(maxAbsDiff(first, ref.first_positions.flat())).toBeLessThan(tol);
  expect(maxAbsDiff(last, ref.last_positions.flat())).toBeLessThan(tol);
}

function bondList(top: TopologyData): [number, number][] {
  const out: [number, number][] = [];
  for (let b = 0; b < top.bonds!.length; b += 2) out.push([top.bonds![b], top.bonds![b + 1]]);
  return out;
}

describe.each([['gromacs/system.gro'], ['gromacs/md.gro.gz'], ['gromacs/water-ions.gro']])('%s (GROMACS) as MDAnalysis reads it', (rel) => {
  const ref = reference.files[rel];
  const top = parse(rel);

  it('the same atoms: names, residue names and numbers, atom numbers', () => {
    expect(top.natoms).toBe(ref.n_atoms);
    expect(top.names).toEqual(ref.names);
    expect(top.resnames).toEqual(ref.resnames);
    expect(Array.from(top.resids!)).toEqual(ref.resids);
    expect(Array.from(top.ids!)).toEqual(ref.ids);
  });

  it('the same elements as MDAnalysis guesses from the names (its atom types), and masses within 1.3e-5 g/mol', () => {
    expect(top.elementSource).toBe('guessed from names');
    expect(top.elements).toEqual(ref.types.map(symbol));
    expect(maxAbsDiff(top.masses!, ref.masses)).toBeLessThan(1.3e-5);
  });

  it('the same cell and coordinates (nm × 10)', () => {
    expectSameCell(top, ref.dimensions, 3.3e-5);
    expectSamePositions(top, ref, 4.6e-6);
  });
});

describe.each([['gromacs/system.pdb'], ['gromacs/system-editconf.pdb.gz'], ['gromacs/frames.pdb.gz'], ['mdanalysis/nacl-water-mda.pdb']])(
  '%s as MDAnalysis reads it',
  (rel) => {
    const ref = reference.files[rel];
    const top = parse(rel);

    it('the same atoms of the first model: names, residue names and numbers, serials', () => {
      expect(top.natoms).toBe(ref.n_atoms);
      expect(top.names).toEqual(ref.names);
      expect(top.resnames).toEqual(ref.resnames);
      expect(Array.from(top.resids!)).toEqual(ref.resids);
      expect(Array.from(top.ids!)).toEqual(ref.ids);
    });

    it('the same elements: the element column where there is one, else MDAnalysis\'s guess from the names', () => {
      if (ref.elements) {
        expect(top.elementSource).toBe('file');
        expect(top.elements).toEqual(ref.elements);
      } else {
        expect(top.elementSource).toBe('guessed from names');
        expect(top.elements).toEqual(ref.types.map(symbol));
      }
      expect(maxAbsDiff(top.masses!, ref.masses)).toBeLessThan(1.3e-5);
    });

    it('the same CONECT bonds and cell', () => {
      if (ref.bonds === null) expect(top.bonds).toBeNull();
      else expect(bondList(top)).toEqual(ref.bonds);
      expectSameCell(top, ref.dimensions, 3.3e-5);
      expectSamePositions(top, ref, 4.6e-6);
    });
  },
);

describe.each([['lammps/nacl-water.data'], ['lammps/lif-charge.data'], ['lammps/alcu-atomic.data']])('%s (LAMMPS write_data) as MDAnalysis reads it', (rel) => {
  const ref = reference.files[rel];
  const top = parse(rel);

  it('the same atoms in the same order (sorted by id): ids, types, masses, charges, molecules', () => {
    expect(top.natoms).toBe(ref.n_atoms);
    expect(Array.from(top.ids!)).toEqual(ref.ids);
    expect(Array.from(top.types!, String)).toEqual(ref.types);
    expect(maxAbsDiff(top.masses!, ref.masses)).toBeLessThan(1.3e-5);
    if (ref.charges) expect(maxAbsDiff(top.charges!, ref.charges)).toBeLessThan(1.7e-7);
    else expect(top.charges).toBeNull();
    if (ref.attrs.includes('resids') && top.molIds) expect(Array.from(top.molIds)).toEqual(ref.resids);
  });

  it('the same bonds, cell and coordinates', () => {
    if (ref.bonds && ref.bonds.length > 0) expect(bondList(top)).toEqual(ref.bonds);
    else expect(top.bonds === null || top.bonds.length === 0).toBe(true);
    expectSameCell(top, ref.dimensions, 3.3e-5);
    expectSamePositions(top, ref, 4.6e-6);
  });
});

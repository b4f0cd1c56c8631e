import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TrajectoryReader } from '../../src/io/reader.js';
import { elementFromMass, parseLammpsData } from '../../src/topology/lammps-data.js';
import { REPO } from '../support/io.js';
import { NAFSI_DUMP } from '../support/nafsi.js';
import { fixtureText } from './fixtures.js';

const data = (...lines: string[]) => lines.join('\n') + '\n';

/** Two waters and a Na⁺, atoms listed out of id order, with every kind of section to skip. */
const FULL = data(
  'LAMMPS data file: hand-made',
  '',
  '7 atoms',
  '3 atom types',
  '4 bonds',
  '1 bond types',
  '2 angles',
  '1 angle types',
  '2 extra bond per atom',
  '',
  '-1.0 9.0 xlo xhi',
  '0 10 ylo yhi',
  '2.5 12.5 zlo zhi',
  '1.5 -0.5 0.25 xy xz yz',
  '',
  'Masses',
  '',
  '1 15.9994 # OW',
  '2 1.008 # HW',
  '3 22.98977 # Na+',
  '',
  'Pair Coeffs # lj/cut/coul/long',
  '',
  '1 0.1553 3.166',
  '2 0 0',
  '3 0.13 2.35',
  '',
  'Bond Coeffs # harmonic',
  '',
  '1 554.1 1.0',
  '',
  'Atoms # full',
  '',
  '5 2 1 -0.8476 5.0 5.0 5.0 0 0 0',
  '1 1 1 -0.8476 1.0 1.0 3.0 0 0 1',
  '7 3 3 1.0 8.0 8.0 8.0 -1 2 0',
  '2 1 2 0.4238 1.8 1.0 3.0 0 0 1',
  '6 2 2 0.4238 5.8 5.0 5.0 0 0 0',
  '3 1 2 0.4238 1.0 1.8 3.0 0 0 1',
  '4 2 2 0.4238 5.0 5.8 5.0 0 0 0',
  '',
  'Velocities',
  '',
  '1 0 0 0', '2 0 0 0', '3 0 0 0', '4 0 0 0', '5 0 0 0', '6 0 0 0', '7 0 0 0',
  '',
  'Bonds',
  '',
  '1 1 1 2',
  '2 1 3 1',
  '3 1 5 4',
  '4 1 6 5',
  '',
  'Angles',
  '',
  '1 1 2 1 3',
  '2 1 4 5 6',
);

describe('parseLammpsData on a hand-made atom style full file', () => {
  const top = parseLammpsData(FULL, 'w.data');

  it('sorts atoms by id and keeps each column with its atom', () => {
    expect(top.format).toBe('lammps-data');
    expect(top.natoms).toBe(7);
    expect(Array.from(top.ids!)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(Array.from(top.types!)).toEqual([1, 2, 2, 2, 1, 2, 3]);
    expect(Array.from(top.molIds!)).toEqual([1, 1, 1, 2, 2, 2, 3]);
    expect(Array.from(top.charges!)).toEqual([-0.8476, 0.4238, 0.4238, 0.4238, -0.8476, 0.4238, 1]);
    expect(Array.from(top.positions.subarray(0, 6))).toEqual([1, 1, 3, 1.8, 1, 3]);
    expect(Array.from(top.positions.subarray(18))).toEqual([8, 8, 8]);
    expect(Array.from(top.images!.subarray(18))).toEqual([-1, 2, 0]);
    expect(Array.from(top.masses!)).toEqual([15.9994, 1.008, 1.008, 1.008, 15.9994, 1.008, 22.98977]);
  });

  it('bonds become sorted pairs of 0-based indices in id order', () => {
    expect(Array.from(top.bonds!)).toEqual([0, 1, 0, 2, 3, 4, 4, 5]);
  });

  it('the box: lengths from lo/hi, the tilts in b and c, the lower corner as origin', () => {
    expect(Array.from(top.box!.matrix)).toEqual([10, 0, 0, 1.5, 10, 0, -0.5, 0.25, 10]);
    expect(Array.from(top.box!.origin)).toEqual([-1, 0, 2.5]);
  });

  it('elements from the masses, the Masses comments kept as type labels', () => {
    expect(top.elements).toEqual(['O', 'H', 'H', 'H', 'O', 'H', 'Na']);
    expect(top.elementSource).toBe('from masses');
    expect([...top.typeLabels!]).toEqual([[1, 'OW'], [2, 'HW'], [3, 'Na+']]);
    expect(top.notes.join('\n')).toMatch(/elements of types 1, 2, 3 from their masses/);
    expect(top.names).toBeNull();
    expect(top.resnames).toBeNull();
  });
});

describe('sections mdpost does not need are skipped, whatever their order', () => {
  it('Dihedrals, Impropers, PairIJ Coeffs, class 2 cross terms and any other "… Coeffs", before and after Atoms', () => {
    const text = data(
      't', '', '2 atoms', '1 atom types', '1 bonds', '1 bond types', '0 1 xlo xhi', '0 1 ylo yhi', '0 1 zlo zhi', '',
      'Unforeseen Coeffs', '', '1 2 3', '',
      'PairIJ Coeffs # lj/cut', '', '1 1 0.1 3.0', '',
      'BondBond Coeffs', '', '1 0 1.0 1.0', '',
      'Nonstandard/package Coeffs', '', 'OW OW 1 2 3', '',
      'Atoms # molecular', '', '2 1 1 0.5 0 0', '1 1 1 0 0 0', '',
      'Dihedrals', '', '1 1 1 2 1 2', '',
      'Bonds', '', '1 1 2 1', '',
      'Impropers', '', '1 1 1 2 1 2', '',
      'Masses', '', '1 12.011 # C',
    );
    const top = parseLammpsData(text, 's.data');
    expect(Array.from(top.positions)).toEqual([0, 0, 0, 0.5, 0, 0]);
    expect(Array.from(top.bonds!)).toEqual([0, 1]);
    expect(top.elements).toEqual(['C', 'C']);
  });

  it('a line of words inside Atoms is an unknown section name, and says so', () => {
    const text = data('t', '', '1 atoms', '1 atom types', '', 'Atoms # atomic', '', '1 1 0 0 0', '', 'Charges', '', '1 0.5');
    expect(() => parseLammpsData(text, 'u.data')).toThrow(/^u\.data, line 10: expected a line of Atoms \(starting with a number\) or a section name, found "Charges"/);
  });
});

describe('atom styles', () => {
  const header = (extra = '') => ['t', '', '3 atoms', '2 atom types', extra, '0 10 xlo xhi', '0 10 ylo yhi', '0 10 zlo zhi', '', 'Masses', '', '1 6.941', '2 18.998403', ''];

  it('atomic (id type x y z), from its comment or from 5 columns', () => {
    for (const style of ['Atoms # atomic', 'Atoms']) {
      const top = parseLammpsData(data(...header(), style, '', '3 2 3 3 3', '1 1 1 1 1', '2 2 2 2 2'), 'a.data');
      expect(Array.from(top.types!)).toEqual([1, 2, 2]);
      expect(Array.from(top.positions)).toEqual([1, 1, 1, 2, 2, 2, 3, 3, 3]);
      expect(top.charges).toBeNull();
      expect(top.molIds).toBeNull();
      expect(top.elements).toEqual(['Li', 'F', 'F']);
    }
    expect(parseLammpsData(data(...header(), 'Atoms', '', '1 1 1 1 1', '2 2 2 2 2', '3 2 3 3 3'), 'a.data').notes.join()).toMatch(/atom style atomic, told from the 5 columns/);
  });

  it('charge (id type q x y z): six columns whose third is a charge, not a type', () => {
    const top = parseLammpsData(data(...header(), 'Atoms', '', '1 1 1.0 0 0 0', '2 2 -1.0 2 0 0', '3 2 -1 4 0 0'), 'c.data');
    expect(Array.from(top.charges!)).toEqual([1, -1, -1]);
    expect(Array.from(top.types!)).toEqual([1, 2, 2]);
    expect(top.notes.join()).toMatch(/atom style charge, told from the 6 columns/);
  });

  it('molecular (id mol type x y z): six columns whose second exceeds the number of types, or a file with bonds', () => {
    const top = parseLammpsData(data(...header(), 'Atoms', '', '1 7 1 0 0 0 0 0 0', '2 7 2 2 0 0 0 0 0', '3 9 2 4 0 0 0 0 1'), 'm.data');
    expect(Array.from(top.molIds!)).toEqual([7, 7, 9]);
    expect(Array.from(top.types!)).toEqual([1, 2, 2]);
    expect(Array.from(top.images!)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1]);
    const bonded = parseLammpsData(
      data(...header('1 bonds\n1 bond types'), 'Atoms', '', '1 1 1 0 0 0', '2 1 2 1 0 0', '3 2 2 4 0 0', '', 'Bonds', '', '1 1 1 2'),
      'mb.data',
    );
    expect(Array.from(bonded.molIds!)).toEqual([1, 1, 2]);
    expect(bonded.charges).toBeNull();
  });

  it('six columns that fit both charge and molecular are an error asking for the style comment', () => {
    expect(() => parseLammpsData(data(...header(), 'Atoms', '', '1 1 1 0 0 0', '2 2 2 2 0 0', '3 2 2 4 0 0'), 'amb.data')).toThrow(
      /^amb\.data, line 15: cannot tell atom style charge \(id type q x y z\) from molecular \(id mol type x y z\): write "Atoms # charge" or "Atoms # molecular"/,
    );
  });

  it('a style mdpost does not read is an error that lists those it does', () => {
    expect(() => parseLammpsData(data(...header(), 'Atoms # hybrid sphere dipole', '', '1 1 0 0 0 1 1'), 'h.data')).toThrow(
      /^h\.data, line 15: atom style "hybrid sphere dipole" is not one mdpost reads \(full, amoeba, molecular/,
    );
  });

  it('mol ids all 0 (or no mol column) with bonds: molecules from the bonds, numbered from 1', () => {
    const top = parseLammpsData(
      data('t', '', '4 atoms', '1 atom types', '2 bonds', '1 bond types', '0 1 xlo xhi', '0 1 ylo yhi', '0 1 zlo zhi', '', 'Masses', '', '1 12.011', '', 'Atoms # molecular', '', '1 0 1 0 0 0', '2 0 1 0 0 0', '3 0 1 0 0 0', '4 0 1 0 0 0', '', 'Bonds', '', '1 1 4 2', '2 1 3 4'),
      'z.data',
    );
    expect(Array.from(top.molIds!)).toEqual([1, 2, 2, 2]);
    expect(top.notes.join()).toMatch(/molecules from the bonds \(every mol id is 0\)/);
  });
});

describe('type labels and Masses comments', () => {
  const withLabels = (labels: string[], masses: string[], atomsType = ['1', '2']) =>
    data(
      't', '', '2 atoms', `${labels.length || masses.length} atom types`, '0 5 xlo xhi', '0 5 ylo yhi', '0 5 zlo zhi', '',
      ...(labels.length ? ['Atom Type Labels', '', ...labels.map((l, k) => `${k + 1} ${l}`), ''] : []),
      'Masses', '', ...masses, '',
      'Atoms # atomic', '', `1 ${atomsType[0]} 0 0 0`, `2 ${atomsType[1]} 1 1 1`,
    );

  it('Atom Type Labels name the types, and Atoms and Masses may use the labels', () => {
    const top = parseLammpsData(withLabels(['Na', 'OW'], ['Na 22.99', 'OW 15.999'], ['OW', 'Na']), 'l.data');
    expect([...top.typeLabels!]).toEqual([[1, 'Na'], [2, 'OW']]);
    expect(Array.from(top.types!)).toEqual([2, 1]);
    expect(Array.from(top.masses!)).toEqual([15.999, 22.99]);
    expect(top.elements).toEqual(['O', 'Na']);
  });

  it('a label that is an element symbol and fits the mass is the file\'s word: source "file"', () => {
    const top = parseLammpsData(withLabels(['O', 'H'], ['1 15.9994', '2 1.008']), 's.data');
    expect(top.elements).toEqual(['O', 'H']);
    expect(top.elementSource).toBe('file');
  });

  it('the mass wins over a label it contradicts: GAFF\'s "na" with 14.01 g/mol is nitrogen', () => {
    const top = parseLammpsData(withLabels([], ['1 14.01 # na', '2 12.01 # ca']), 'g.data');
    expect(top.elements).toEqual(['N', 'C']);
    expect(top.notes.join('\n')).toMatch(/type 1: the Masses comment "na" reads as Na, but its mass 14.01 is N's: taken as N/);
  });

  it('united-atom masses (CH2 14.027, CH3 15.035) match no element; the label decides, within reach of the mass', () => {
    const top = parseLammpsData(withLabels([], ['1 14.027 # CH2', '2 15.035 # CH3']), 'ua.data');
    expect(top.elements).toEqual(['C', 'C']);
    expect(top.elementSource).toBe('guessed from names');
  });

  it('a label whose element the mass rules out gives no element: Martini\'s P4 at 72 g/mol is no phosphorus', () => {
    const top = parseLammpsData(withLabels([], ['1 72.0 # P4', '2 72.0 # SNa']), 'cg.data');
    expect(top.elements).toBeNull();
    expect(top.notes.join('\n')).toMatch(/no element for atom types 1 \("P4"\) \(mass 72\), 2 \("SNa"\) \(mass 72\)/);
  });

  it('all masses 1 are reduced (LJ) units: no element from masses', () => {
    const top = parseLammpsData(withLabels([], ['1 1.0', '2 1.0']), 'lj.data');
    expect(top.elements).toBeNull();
    expect(top.notes.join('\n')).toMatch(/reduced \(LJ\) units/);
  });
});

describe('elementFromMass: the nearest standard atomic weight within 0.1 g/mol, unambiguous', () => {
  it.each([
    [15.9994, 'O'], [16.0, 'O'], [15.999, 'O'], [1.008, 'H'], [1.00794, 'H'], [1.0, 'H'], [12.011, 'C'], [12.0, 'C'],
    [14.0067, 'N'], [14.01, 'N'], [22.98977, 'Na'], [22.99, 'Na'], [6.941, 'Li'], [6.94, 'Li'], [35.453, 'Cl'],
    [32.06, 'S'], [32.065, 'S'], [18.9984, 'F'], [19.0, 'F'], [30.97376, 'P'], [39.0983, 'K'], [24.305, 'Mg'],
    [65.38, 'Zn'], [40.078, 'Ca'], [39.948, 'Ar'], [58.933, 'Co'], [10.81, 'B'],
  ] as const)('%d g/mol → %s', (m, el) => {
    expect(elementFromMass(m)).toBe(el);
  });
  it.each([
    [14.027, 'united-atom CH2'], [14.02, 'nearer CH2 than N'], [13.019, 'CH'], [15.035, 'CH3'], [16.043, 'CH4'],
    [40.0, 'Ar 0.052 and Ca 0.078 away'], [3.024, 'a repartitioned hydrogen'], [2.014, 'deuterium'], [72.0, 'a coarse-grained bead'],
    [0, 'zero'], [-1, 'negative'], [NaN, 'NaN'],
  ] as const)('%d g/mol (%s) → null', (m) => {
    expect(elementFromMass(m)).toBeNull();
  });
});

describe('boxes', () => {
  const box = (...lines: string[]) => parseLammpsData(data('t', '', '1 atoms', '1 atom types', ...lines, '', 'Atoms # atomic', '', '1 1 0 0 0'), 'b.data');
  it('orthorhombic with an offset origin', () => {
    const b = box('-2 3 xlo xhi', '1 5 ylo yhi', '0 1.5 zlo zhi').box!;
    expect(Array.from(b.matrix)).toEqual([5, 0, 0, 0, 4, 0, 0, 0, 1.5]);
    expect(Array.from(b.origin)).toEqual([-2, 1, 0]);
  });
  it('general triclinic: avec, bvec, cvec and abc origin (LAMMPS 2024)', () => {
    const b = box('5 0 0 avec', '1 4 0 bvec', '0.5 0.5 3 cvec', '-1 -2 -3 abc origin').box!;
    expect(Array.from(b.matrix)).toEqual([5, 0, 0, 1, 4, 0, 0.5, 0.5, 3]);
    expect(Array.from(b.origin)).toEqual([-1, -2, -3]);
  });
  it('no box lines: LAMMPS\'s default -0.5 … 0.5, with a note', () => {
    const top = box();
    expect(Array.from(top.box!.matrix)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(top.notes.join()).toMatch(/default/);
  });
});

describe('a LAMMPS write_data file (full, triclinic, ids 40–42 deleted, atoms out of id order)', () => {
  const top = parseLammpsData(fixtureText('lammps/nacl-water.data'), 'nacl-water.data');
  it('has 41 waters and 3 Na⁺ and 3 Cl⁻ as molecules, 82 bonds, elements from masses', () => {
    expect(top.natoms).toBe(129);
    expect(top.ids![38]).toBe(39);
    expect(top.ids![39]).toBe(43);
    const molSizes = new Map<number, number>();
    for (const m of top.molIds!) molSizes.set(m, (molSizes.get(m) ?? 0) + 1);
    expect([...molSizes.values()].filter((s) => s === 3).length).toBe(41);
    expect([...molSizes.values()].filter((s) => s === 1).length).toBe(6);
    expect(molSizes.has(14)).toBe(false);
    expect(top.bonds!.length / 2).toBe(82);
    const counts = new Map<string, number>();
    for (const e of top.elements!) counts.set(e!, (counts.get(e!) ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual({ O: 41, H: 82, Na: 3, Cl: 3 });
    expect(top.charges!.reduce((s, q) => s + q, 0)).toBeCloseTo(0, 9);
  });
});

describe('the shipped NaFSI/water data file, beside its dump', async () => {
  const path = join(REPO, 'trajectories/nafsi-water/nafsi-water.data');
  const top = parseLammpsData(readFileSync(path, 'utf8'), path);
  const reader = await TrajectoryReader.open(NAFSI_DUMP);
  for await (const _frame of reader.frames()) break;
  const dump = reader.topology!;

  it('names its types by the first word of each Masses comment, which is the element as written', () => {
    expect([...top.typeLabels!.values()]).toEqual(['Na', 'N', 'S', 'O', 'F', 'O', 'H']);
    expect(top.elementSource).toBe('file');
  });

  it('has the atoms of the dump in the dump\'s order: the same ids, types, molecules and elements', () => {
    expect(top.natoms).toBe(dump.natoms);
    expect(Array.from(top.ids!)).toEqual(Array.from(dump.ids!));
    expect(Array.from(top.types!)).toEqual(Array.from(dump.types!));
    expect(Array.from(top.molIds!)).toEqual(Array.from(dump.molIds!));
    expect(top.elements).toEqual(dump.elements);
  });

  it('14 FSI⁻ of 9 atoms, 388 waters and 14 Na⁺ as molecules; 888 bonds; neutral', () => {
    const sizes = new Map<number, number>();
    for (const m of top.molIds!) sizes.set(m, (sizes.get(m) ?? 0) + 1);
    const bySize = new Map<number, number>();
    for (const s of sizes.values()) bySize.set(s, (bySize.get(s) ?? 0) + 1);
    expect(Object.fromEntries(bySize)).toEqual({ 9: 14, 3: 388, 1: 14 });
    expect(top.bonds!.length / 2).toBe(888);
    expect(Math.abs(top.charges!.reduce((s, q) => s + q, 0))).toBeLessThan(1e-9);
  });
});

describe('parseLammpsData errors name the file, the line and what was expected', () => {
  const lines = FULL.split('\n');
  const replace = (from: string, to: string | null) => lines.flatMap((l) => (l === from ? (to === null ? [] : [to]) : [l])).join('\n');
  it.each([
    ['no atoms count', replace('7 atoms', null), /^x\.data: expected an "N atoms" line in the header/],
    ['an unknown header line', replace('2 angles', '2 angels'), /^x\.data, line 7: expected a header line/],
    ['a count that is not a number', replace('4 bonds', 'four bonds'), /^x\.data, line 5: expected a count \(a whole number\) in the header line "four bonds"/],
    ['xlo ≥ xhi', replace('-1.0 9.0 xlo xhi', '9 -1 xlo xhi'), /^x\.data, line 11: expected xlo < xhi/],
    ['fewer Atoms lines than atoms', replace('4 2 2 0.4238 5.0 5.8 5.0 0 0 0', null), /^x\.data, line 32: the header says 7 atoms, but the Atoms section has 6 lines/],
    ['fewer Bonds lines than bonds', replace('4 1 6 5', null), /^x\.data, line 52: the header says 4 bonds, but the Bonds section has 3 lines/],
    ['a Masses line short of types', replace('3 22.98977 # Na+', null), /^x\.data, line 16: the header says 3 atom types, but the Masses section has 2 lines/],
    ['a coordinate that is not a number', replace('7 3 3 1.0 8.0 8.0 8.0 -1 2 0', '7 3 3 1.0 8.0 eight 8.0 -1 2 0'), /^x\.data, line 36: expected y in column 6 \(atom style full\), found "eight"/],
    ['a type beyond the atom types', replace('7 3 3 1.0 8.0 8.0 8.0 -1 2 0', '7 3 4 1.0 8.0 8.0 8.0 -1 2 0'), /^x\.data, line 36: expected an atom type from 1 to 3, found 4/],
    ['a wrong column count', replace('7 3 3 1.0 8.0 8.0 8.0 -1 2 0', '7 3 3 8.0 8.0 8.0'), /^x\.data, line 36: expected 7 columns \(id mol type q x y z\), or 10 with image flags, for atom style full; found 6/],
    ['image flags on some lines only', replace('7 3 3 1.0 8.0 8.0 8.0 -1 2 0', '7 3 3 1.0 8.0 8.0 8.0'), /^x\.data, line 36: expected 10 columns like the first atom line, found 7/],
    ['a repeated atom id', replace('7 3 3 1.0 8.0 8.0 8.0 -1 2 0', '5 3 3 1.0 8.0 8.0 8.0 -1 2 0'), /^x\.data, line 36: atom id 5 appears twice in Atoms \(also on line 34\)/],
    ['a bond to an atom that is not there', replace('3 1 5 4', '3 1 5 9'), /^x\.data, line 56: bond 3 names atom id 9, which is not in Atoms/],
    ['a bond of an atom to itself', replace('3 1 5 4', '3 1 5 5'), /^x\.data, line 56: bond 3 joins atom 5 to itself/],
    ['a malformed bond line', replace('3 1 5 4', '3 1 5'), /^x\.data, line 56: expected "bond-id bond-type atom1 atom2"/],
    ['no Atoms section', FULL.slice(0, FULL.indexOf('Atoms # full')), /^x\.data: the header says 7 atoms but there is no Atoms section/],
    ['no Bonds section', FULL.slice(0, FULL.indexOf('Bonds\n')), /^x\.data: the header says 4 bonds but there is no Bonds section/],
    ['a section twice', FULL + 'Masses\n\n1 1\n2 1\n3 1\n', /^x\.data, line 6\d: the section "Masses" appears a second time/],
    ['a negative mass', replace('2 1.008 # HW', '2 -1.008 # HW'), /^x\.data, line 19: expected "type mass" with a positive mass/],
  ])('%s', (_what, text, message) => {
    expect(() => parseLammpsData(text, 'x.data')).toThrow(message);
  });
});

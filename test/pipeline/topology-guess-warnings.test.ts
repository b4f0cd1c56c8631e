import { describe, expect, it } from 'vitest';
import { namedAtomsTopology } from '../../src/io/named-atoms.js';
import { ambiguousGuess } from '../../src/model/atom-names.js';
import { atomicMass } from '../../src/model/elements.js';
import type { Topology } from '../../src/model/frame.js';
import { atomKindsOf, emptyTopology } from '../../src/model/topology.js';
import { combineTopology, trajectoryOnly, type ResolvedTopology } from '../../src/pipeline/topology.js';
import { wasmGroAvailable } from '../../src/topology/gro-wasm.js';
import { parseGro, parseGroBytes } from '../../src/topology/gro.js';
import { parsePdb } from '../../src/topology/pdb.js';
import type { TopologyData } from '../../src/topology/topology-data.js';
import { readAll, tempFile } from '../support/io.js';
import { uniform } from '../support/random.js';

/**
 * Elements guessed from names that could be read otherwise (`ambiguousGuess`) are warned of in
 * the resolved topology's notes — the warnings `mdpost analyze` and `mdpost info` print and put
 * in their JSON — once per name and residue, with the count of atoms. A .gro topology's atoms
 * are looked at per kind (no pass over the atoms unless some kind is in doubt); every other path
 * atom by atom: the same topology without its kinds, the same atoms as a PDB file without
 * element columns, and the .gro file read as the trajectory itself. All must say the same.
 */

if (!wasmGroAvailable()) throw new Error('gro-atoms.wasm is not built (npm run build makes it)');

type Atom = [resid: number, resname: string, name: string];

function gro(atoms: Atom[]): string {
  const lines = atoms.map(
    ([resid, resname, name], i) =>
      `${String(resid % 100000).padStart(5)}${resname.padEnd(5)}${name.padStart(5)}${String((i + 1) % 100000).padStart(5)}${xyz(i, 3, 8)}`,
  );
  return ['made by a test', String(atoms.length).padStart(5), ...lines, '   2.50000   2.50000   2.50000'].join('\n') + '\n';
}

/** Distinct places (nm, %8.3f fields) on a grid in the 2.5 nm box, so no reader sees overlapping atoms. */
function xyz(i: number, decimals: number, width: number): string {
  const c = [i % 10, Math.floor(i / 10) % 10, Math.floor(i / 100) % 10].map((k) => (0.1 + 0.23 * k) * (decimals === 3 ? 1 : 10));
  return c.map((v) => v.toFixed(decimals).padStart(width)).join('');
}

/** The same atoms as a PDB file without element columns (serial 7–11, name 13–16, residue 18–21 and 23–26, x y z 31–54, Å). */
function pdb(atoms: Atom[]): string {
  const lines = atoms.map(([resid, resname, name], i) => {
    const nameField = name.length < 4 ? ` ${name.padEnd(3)}` : name;
    const coords = xyz(i, 3, 8).trim().split(/\s+/).map((v) => (Number(v) * 10).toFixed(3).padStart(8)).join('');
    return `ATOM  ${String(i + 1).padStart(5)} ${nameField} ${resname.padEnd(4)}${String(resid % 10000).padStart(4)}    ${coords}  1.00  0.00`;
  });
  return ['CRYST1   25.000   25.000   25.000  90.00  90.00  90.00 P 1           1', ...lines, 'END'].join('\n') + '\n';
}

const FILES = { trajectory: 'run.xtc', topology: 'conf.gro' };

/** Every path's resolved topology for these atoms, named by the path. */
async function everyPath(atoms: Atom[]): Promise<Record<string, ResolvedTopology>> {
  const text = gro(atoms);
  const n = atoms.length;
  const xtc = (): Topology => emptyTopology(n);
  const wasm = parseGroBytes(Buffer.from(text, 'latin1'), 'conf.gro');
  const plain = parseGro(text, 'conf.gro');
  const withoutKinds: TopologyData = { ...plain, kinds: null };
  const asTrajectory = (await readAll(tempFile(`t${Math.random().toString(36).slice(2)}.gro`, text))).reader.topology!;
  const byKind = { wasm: combineTopology(xtc(), wasm, FILES), plain: combineTopology(xtc(), plain, FILES) };
  for (const r of Object.values(byKind)) expect(atomKindsOf(r.topology), 'the per-kind path').not.toBeNull();
  return {
    ...byKind,
    'atom by atom': combineTopology(xtc(), withoutKinds, FILES),
    'a PDB without element columns': combineTopology(xtc(), parsePdb(pdb(atoms), 'conf.gro'), FILES),
    'the .gro file as the trajectory': trajectoryOnly(asTrajectory, false, 'conf.gro'),
  };
}

/** The notes of every path, which must be the same; returned once. */
async function warnings(atoms: Atom[]): Promise<string[]> {
  const paths = await everyPath(atoms);
  const first = Object.values(paths)[0].notes;
  for (const [how, r] of Object.entries(paths)) expect(r.notes, how).toEqual(first);
  return first;
}

function water(resid: number, names = ['OW', 'HW1', 'HW2']): Atom[] {
  return names.map((name) => [resid, 'SOL', name]);
}

describe('warned of', () => {
  // Na⁺ and Cl⁻ written as one residue SALT of several atoms, amid water.
  const salt: Atom[] = [...water(1), [2, 'SALT', 'NA'], [2, 'SALT', 'CL'], [2, 'SALT', 'NA'], [2, 'SALT', 'CL'], ...water(3), [4, 'SALT', 'NA'], [4, 'SALT', 'CL']];

  it('NA in a residue SALT of several atoms: nitrogen, maybe sodium — the file, the count, both readings, what to do', async () => {
    expect(await warnings(salt)).toEqual([
      'conf.gro: 3 atoms NA in residue SALT taken as N (14.007 g/mol) but may be Na (22.990 g/mol) — ' +
        "NA in a residue of several atoms not named for ions (NA, SOD, ION …) is read as a molecule's atom; " +
        'masses and selections by element follow N. If they are Na, name them Na in conf.gro (a symbol in chemical case is that element) ' +
        'or give --topology a PDB with elements in columns 77–78',
    ]);
  });

  it('…and the masses and elements are those guessed (N, not Na), on every path', async () => {
    for (const [how, r] of Object.entries(await everyPath(salt))) {
      const top = r.topology;
      const na = [3, 5, 10];
      const cl = [4, 6, 11];
      for (const i of na) {
        expect(top.elements![i], how).toBe('N');
        expect(top.masses![i], how).toBe(atomicMass('N'));
      }
      for (const i of cl) expect(top.masses![i], how).toBe(atomicMass('Cl'));
    }
  });

  it('CA alone in a residue DUM: calcium, maybe a carbon; MN alone: manganese, maybe a dummy mass', async () => {
    const atoms: Atom[] = [...water(1), [2, 'DUM', 'CA'], ...water(3), [4, 'DUM', 'MN'], [5, 'DUM', 'MN']];
    expect(await warnings(atoms)).toEqual([
      'conf.gro: 1 atom CA in residue DUM taken as Ca (40.078 g/mol) but may be C (12.011 g/mol) — ' +
        'an atom alone in its residue is read as an ion (the name by itself reads as C); masses and selections by element follow Ca. ' +
        'If it is C, name it C in conf.gro or give --topology a PDB with elements in columns 77–78',
      'conf.gro: 2 atoms MN in residue DUM taken as Mn (54.938 g/mol) but may be dummy masses (no element) — ' +
        'GROMACS names its dummy masses MN1, MN2 …, and residue DUM is not named for Mn ions; masses and selections by element follow Mn. ' +
        'If they are dummy masses, give them a virtual-site name (DUM, VS1) in conf.gro',
    ]);
  });

  it('one line per name and residue: NA in SALT and in MIX apart, NA alone in SALT not in doubt', async () => {
    const atoms: Atom[] = [[1, 'SALT', 'NA'], [1, 'SALT', 'CL'], [2, 'MIX', 'NA'], [2, 'MIX', 'CS'], [3, 'SALT', 'NA'], [4, 'SALT', 'NA'], [4, 'SALT', 'CL']];
    const w = await warnings(atoms);
    expect(w.map((s) => /: (\d+ atoms? \S+ in residue \S+)/.exec(s)![1])).toEqual(['2 atoms NA in residue SALT', '1 atom NA in residue MIX', '1 atom CS in residue MIX']);
  });
});

describe('not warned of', () => {
  it('GROMACS water with Na⁺ and Cl⁻ each in its own residue (the benchmark system)', async () => {
    const atoms: Atom[] = [];
    let resid = 1;
    for (let k = 0; k < 40; k++) atoms.push(...water(resid++));
    for (let k = 0; k < 3; k++) atoms.push([resid++, 'NA', 'NA']);
    for (let k = 0; k < 3; k++) atoms.push([resid++, 'CL', 'CL']);
    expect(await warnings(atoms)).toEqual([]);
  });

  it('a protein residue (CA the alpha carbon), TIP4P water, CHARMM and charged ion names', async () => {
    const ala: Atom[] = ['N', 'H', 'CA', 'HA', 'CB', 'HB1', 'HB2', 'HB3', 'C', 'O'].map((name) => [1, 'ALA', name]);
    const atoms: Atom[] = [...ala, ...water(2, ['OW', 'HW1', 'HW2', 'MW']), [3, 'SOD', 'SOD'], [4, 'CLA', 'CLA'], [5, 'ION', 'NA+'], [5, 'ION', 'CL-']];
    expect(await warnings(atoms)).toEqual([]);
  });

  it('PEO, TFSI and FSI with the names their builders give (CA a carbon, CL&P type-like names)', async () => {
    const peo: Atom[] = ['CA', 'HA1', 'HA2', 'OS', 'CA', 'HA1', 'HA2', 'OS', 'C1', 'O1', 'H11'].map((name) => [1, 'PEO', name]);
    const tfsi: Atom[] = ['NBT', 'SBT', 'OBT', 'OBT', 'CBT', 'FBT', 'FBT', 'FBT', 'SBT', 'OBT', 'OBT', 'CBT', 'FBT', 'FBT', 'FBT'].map((name) => [2, 'TF2', name]);
    const fsi: Atom[] = ['N', 'S1', 'S2', 'O1', 'O2', 'O3', 'O4', 'F1', 'F2'].map((name) => [3, 'FSI', name]);
    const emim: Atom[] = ['NA1', 'CR', 'NA2', 'CW1', 'CW2', 'HAR', 'HA1', 'HA2', 'C1M', 'H1M1'].map((name) => [4, 'EMI', name]);
    expect(await warnings([...peo, ...tfsi, ...fsi, ...emim, [5, 'NA', 'NA'], [6, 'LI', 'LI']])).toEqual([]);
  });
});

describe('per kind and atom by atom agree', () => {
  // Names that are in doubt in some residues and not in others, in residues of one atom and of several.
  const NAMES = ['NA', 'CA', 'CL', 'CS', 'MN', 'MN1', 'HG', 'NA1', 'Na', 'NA+', 'OW', 'SOD', 'CD'];
  const RESNAMES = ['SALT', 'NA', 'LIG', 'DUM', 'ALA', 'HEM', 'ION', 'CA', 'MN'];

  it.each([1, 2, 3, 4, 5, 6])('random system %i', async (seed) => {
    const u = uniform(seed);
    const pick = <T>(a: T[]) => a[Math.floor(u() * a.length)];
    const atoms: Atom[] = [];
    for (let resid = 1; atoms.length < 300; resid++) {
      const resname = pick(RESNAMES);
      const size = u() < 0.4 ? 1 : 2 + Math.floor(u() * 4);
      for (let k = 0; k < size; k++) atoms.push([resid, resname, pick(NAMES)]);
    }
    const w = await warnings(atoms);
    // Independently: count atom by atom with ambiguousGuess, residues as runs of (number, name).
    const expected = new Map<string, number>();
    for (let i = 0; i < atoms.length; ) {
      let j = i + 1;
      while (j < atoms.length && atoms[j][0] === atoms[i][0] && atoms[j][1] === atoms[i][1]) j++;
      for (let k = i; k < j; k++) {
        const g = ambiguousGuess(atoms[k][2], { resname: atoms[k][1], residueSize: j - i });
        if (g) expected.set(`${atoms[k][2]} ${atoms[k][1]} ${g.element}`, (expected.get(`${atoms[k][2]} ${atoms[k][1]} ${g.element}`) ?? 0) + 1);
      }
      i = j;
    }
    const said = new Map(w.map((s) => {
      const m = /: (\d+) atoms? (\S+) in residue (\S+) taken as (\w+)/.exec(s)!;
      return [`${m[2]} ${m[3]} ${m[4]}`, Number(m[1])];
    }));
    expect(said).toEqual(expected);
    expect(expected.size).toBeGreaterThan(2);
  });
});

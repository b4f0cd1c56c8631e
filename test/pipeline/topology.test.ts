import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TrajectoryReader, type OpenOptions } from '../../src/io/reader.js';
import { atomicMass } from '../../src/model/elements.js';
import type { Topology } from '../../src/model/frame.js';
import { elementsFromLabels, emptyTopology } from '../../src/model/topology.js';
import { combineTopology, readTopologyFile, resolveTopology, topologyKind, type ResolvedTopology } from '../../src/pipeline/topology.js';
import { findBonds, findMolecules } from '../../src/select/molecules.js';
import { select } from '../../src/select/selection.js';
import { parseGro } from '../../src/topology/gro.js';
import { parseLammpsData } from '../../src/topology/lammps-data.js';
import { parsePdb } from '../../src/topology/pdb.js';
import { FIXTURES, REPO, tempFile } from '../support/io.js';

const NAFSI = join(REPO, 'trajectories/nafsi-water');
const SIM = join(FIXTURES, 'sim');
const GMX = join(SIM, 'gromacs-nacl-water');
const NAMES_XYZ = join(FIXTURES, 'pipeline/nacl-water-names.xyz.gz');

/** The topology a trajectory's reader makes from its first frame, with that frame's positions. */
async function firstFrame(path: string, options: OpenOptions = {}): Promise<{ top: Topology; positions: Float64Array }> {
  const reader = await TrajectoryReader.open(path, options);
  for await (const f of reader.frames()) return { top: reader.topology!, positions: f.positions.slice(0, 3 * f.natoms) };
  throw new Error(`${path}: no frame`);
}

/** A GRO file: residue number, residue name, atom name and x y z (nm) per atom, then a cubic box (nm). */
function gro(atoms: [number, string, string, number, number, number][], box = 2): string {
  const lines = atoms.map(([resid, resname, name, x, y, z], i) =>
    `${String(resid).padStart(5)}${resname.padEnd(5)}${name.padStart(5)}${String(i + 1).padStart(5)}${[x, y, z].map((v) => v.toFixed(3).padStart(8)).join('')}`,
  );
  return ['test', String(atoms.length).padStart(5), ...lines, `   ${box.toFixed(5)}   ${box.toFixed(5)}   ${box.toFixed(5)}`].join('\n') + '\n';
}

/** Two SPC waters (O at the origin of each) and a Na⁺ and a Cl⁻, as GROMACS names them. */
const WATER_IONS = gro([
  [1, 'SOL', 'OW', 0.5, 0.5, 0.5],
  [1, 'SOL', 'HW1', 0.6, 0.5, 0.5],
  [1, 'SOL', 'HW2', 0.467, 0.594, 0.5],
  [2, 'SOL', 'OW', 1.2, 1.2, 1.2],
  [2, 'SOL', 'HW1', 1.3, 1.2, 1.2],
  [2, 'SOL', 'HW2', 1.167, 1.294, 1.2],
  [3, 'NA', 'NA', 0.9, 0.2, 1.6],
  [4, 'CL', 'CL', 1.6, 1.6, 0.3],
]);

/** A trajectory's own topology from element labels (as an XYZ file or a dump's element column gives it). */
function labelled(labels: string[], extra: Partial<Topology> = {}): Topology {
  const { elements, masses } = elementsFromLabels(labels);
  return { ...emptyTopology(labels.length), elements, masses, ...extra };
}

const files = { trajectory: 'run.xyz', topology: 'conf.gro' };

describe('topology files are told by content, then by name', () => {
  it('knows a LAMMPS data file by its "N atoms" header line, a GRO file by its count and columns, a PDB file by its records', () => {
    expect(topologyKind('x', 'LAMMPS data\n\n5 atoms\n2 atom types\n')).toBe('lammps-data');
    expect(topologyKind('x', WATER_IONS)).toBe('gro');
    expect(topologyKind('x', 'REMARK made by hand\nCRYST1   10.000   10.000   10.000  90.00  90.00  90.00 P 1           1\nATOM      1  OW  SOL     1       0.000   0.000   0.000\n')).toBe('pdb');
    // Content wins over the name; the name decides only when the content says nothing.
    expect(topologyKind('conf.pdb', WATER_IONS)).toBe('gro');
    expect(topologyKind('system.data.gz', 'nothing to see')).toBe('lammps-data');
    expect(topologyKind('data.nafsi', 'nothing to see')).toBe('lammps-data');
    expect(topologyKind('x.gro', 'nothing to see')).toBe('gro');
    expect(topologyKind('x.ent', 'nothing to see')).toBe('pdb');
    expect(topologyKind('x.txt', '3\ncomment\nNa 0 0 0\n')).toBeNull();
  });

  it('reads gzip-compressed topology files, and refuses what is no topology file', async () => {
    const data = await readTopologyFile(join(GMX, 'traj.gro.gz'));
    expect(data.format).toBe('gro');
    expect(data.natoms).toBe(1012);
    await expect(readTopologyFile(tempFile('what.txt', '3\ncomment\nNa 0 0 0\n'))).rejects.toThrow(/what\.txt: not a topology file mdpost reads/);
    await expect(readTopologyFile(join(GMX, 'missing.gro'))).rejects.toThrow(/missing\.gro: no such file/);
  });
});

describe('combining a trajectory with a topology file', () => {
  const data = parseGro(WATER_IONS, 'conf.gro');

  it('takes names, residues and masses from the topology file, elements guessed from its names', () => {
    const r = combineTopology(labelled(['O', 'H', 'H', 'O', 'H', 'H', 'Na', 'Cl']), data, files);
    expect(r.topology.names).toEqual(['OW', 'HW1', 'HW2', 'OW', 'HW1', 'HW2', 'NA', 'CL']);
    expect(r.topology.resnames).toEqual(['SOL', 'SOL', 'SOL', 'SOL', 'SOL', 'SOL', 'NA', 'CL']);
    expect(Array.from(r.topology.resids!)).toEqual([1, 1, 1, 2, 2, 2, 3, 4]);
    expect(r.topology.elements).toEqual(['O', 'H', 'H', 'O', 'H', 'H', 'Na', 'Cl']);
    expect(r.notes).toEqual([]);
    expect(r.elementsFrom).toBe('conf.gro, guessed from names: OW→O, HW1→H, HW2→H, NA→Na, CL→Cl');
    expect(r.guessed).toEqual([['OW', 'O'], ['HW1', 'H'], ['HW2', 'H'], ['NA', 'Na'], ['CL', 'Cl']]);
  });

  it('refuses a topology of another atom count, naming both files and both counts', () => {
    expect(() => combineTopology(labelled(['O', 'H', 'H']), data, files)).toThrow(
      "conf.gro has 8 atoms but run.xyz has 3 atoms per frame: a topology must list the trajectory's atoms, in the same order",
    );
  });

  it('refuses files that list the atoms in another order', () => {
    // The trajectory has H O H where the topology has OW HW1 HW2: OW would be H in one water and O in the other.
    const swapped = labelled(['O', 'H', 'H', 'H', 'O', 'H', 'Na', 'Cl']);
    expect(() => combineTopology(swapped, data, files)).toThrow(
      'conf.gro and run.xyz do not list the same atoms in the same order: atoms 0 and 3 (0-based) are both OW (SOL) in conf.gro, but O and H in run.xyz',
    );
    // LAMMPS types and ids, where both files have them, must be the same atom by atom.
    const lmp = parseLammpsData(LMP_DATA, 'system.data');
    const dump = { ...emptyTopology(4), types: Int32Array.from([1, 2, 2, 2]), ids: Int32Array.from([1, 2, 3, 4]) };
    expect(() => combineTopology(dump, lmp, { trajectory: 'dump.lammpstrj', topology: 'system.data' })).toThrow(
      'atom index 1 has atom type 3 in system.data but 2 in dump.lammpstrj: the two files do not list the same atoms in the same order',
    );
    // Without types in the trajectory (an XYZ of the run), each LAMMPS type must be one element.
    expect(() => combineTopology(labelled(['Na', 'H', 'O', 'H']), lmp, { trajectory: 'run.xyz', topology: 'system.data' })).toThrow(
      'system.data and run.xyz do not list the same atoms in the same order: atoms 2 and 3 (0-based) are both type 2 (HW) in system.data, but O and H in run.xyz',
    );
    expect(combineTopology(labelled(['Na', 'O', 'H', 'H']), lmp, { trajectory: 'run.xyz', topology: 'system.data' }).notes).toEqual([]);
    const renumbered = { ...dump, types: Int32Array.from([1, 3, 2, 2]), ids: Int32Array.from([1, 2, 3, 5]) };
    expect(() => combineTopology(renumbered, lmp, { trajectory: 'dump.lammpstrj', topology: 'system.data' })).toThrow(/atom index 3 has atom id 4 in system.data but 5 in dump.lammpstrj/);
  });

  it('keeps the topology file’s element where the trajectory names another for the same kind of atom, with a warning', () => {
    // Every Cl is labelled Br in the trajectory: a consistent disagreement, not another order.
    const r = combineTopology(labelled(['O', 'H', 'H', 'O', 'H', 'H', 'Na', 'Br']), data, files);
    expect(r.topology.elements![7]).toBe('Cl');
    expect(r.topology.masses![7]).toBeCloseTo(atomicMass('Cl'), 12);
    expect(r.notes).toEqual([
      "the topology file and the trajectory disagree on elements: 1 atom like CL (CL) is Cl in conf.gro but Br in run.xyz; the topology file's elements are used",
    ]);
  });

  it('gives an atom without an element a label that is no element: its name, or the name with "?" when it reads as a symbol', () => {
    const tip4p = parseGro(
      gro([
        [1, 'SOL', 'OW', 0.5, 0.5, 0.5],
        [1, 'SOL', 'HW1', 0.6, 0.5, 0.5],
        [1, 'SOL', 'HW2', 0.467, 0.594, 0.5],
        [1, 'SOL', 'MW', 0.51, 0.51, 0.5],
        [2, 'ALA', 'MN', 1.5, 1.5, 1.5],
        [2, 'ALA', 'CB', 1.6, 1.5, 1.5],
      ]),
      'tip4p.gro',
    );
    expect(tip4p.elements).toEqual(['O', 'H', 'H', null, null, 'C']);
    // A trajectory with no names (a DCD, say): the labels come from the topology's names.
    const r = combineTopology(emptyTopology(6), tip4p, { trajectory: 'run.dcd', topology: 'tip4p.gro' });
    expect(r.topology.elements).toEqual(['O', 'H', 'H', 'MW', 'MN?', 'C']);
    expect(Number.isNaN(r.topology.masses![3])).toBe(true);
    // Never bonded, and still selected by name or as an element label.
    const positions = Float64Array.from(tip4p.positions);
    const bonds = findBonds(positions, r.topology.elements!, tip4p.box);
    expect(bonds.length).toBe(4);
    expect(new Set(bonds)).toEqual(new Set([0, 1, 2]));
    const ctx = { topology: r.topology, molecules: () => findMolecules(r.topology, positions, tip4p.box) };
    expect(Array.from(select('name MW', ctx).atoms)).toEqual([3]);
    expect(Array.from(select('element MW', ctx).atoms)).toEqual([3]);
    expect(() => select('element Mn', ctx)).toThrow(/matches nothing/);
    // Where the topology has no element and the trajectory has one, the trajectory's is taken.
    const withAr = combineTopology(labelled(['O', 'H', 'H', 'Ar', 'C', 'C']), tip4p, { trajectory: 'run.xyz', topology: 'tip4p.gro' });
    expect(withAr.topology.elements).toEqual(['O', 'H', 'H', 'Ar', 'C', 'C']);
    expect(withAr.elementsFrom).toMatch(/; 2 atoms without one there from the trajectory$/);
  });

  it('takes LAMMPS types, ids, mol ids, masses and charges from a data file, and names from its type labels', () => {
    const lmp = parseLammpsData(LMP_DATA, 'system.data');
    const dump = { ...emptyTopology(4), types: Int32Array.from([1, 3, 2, 2]), ids: Int32Array.from([1, 2, 3, 4]) };
    const r = combineTopology(dump, lmp, { trajectory: 'dump.lammpstrj', topology: 'system.data' });
    const t = r.topology;
    expect(t.elements).toEqual(['Na', 'O', 'H', 'H']);
    expect(t.names).toEqual(['Na', 'OW', 'HW', 'HW']);
    expect(Array.from(t.masses!)).toEqual([22.99, 15.9994, 1.008, 1.008]);
    expect(Array.from(t.charges!)).toEqual([1, -0.8476, 0.4238, 0.4238]);
    expect(Array.from(t.molIds!)).toEqual([1, 2, 2, 2]);
    expect(r.molIdsFrom).toBe('topology file');
    expect(Array.from(t.bonds!)).toEqual([1, 2, 1, 3]);
    // Na is a label that names its element; OW and HW are told by their masses.
    expect(r.elementsFrom).toBe('the masses in system.data: HW→H, OW→O');
    // The dump's own mass column would not override the data file's masses.
    const withMass = combineTopology({ ...dump, masses: Float64Array.from([23, 16, 1, 1]) }, lmp, { trajectory: 'd', topology: 'system.data' });
    expect(withMass.topology.masses![0]).toBe(22.99);
  });

  it('uses a topology file’s bonds for molecules only when they are complete', () => {
    // CONECT for the first water only (GROMACS writes no CONECT for SETTLE waters): the second water has none.
    const pdb = [
      'CRYST1   20.000   20.000   20.000  90.00  90.00  90.00 P 1           1',
      'ATOM      1  OW  SOL     1       5.000   5.000   5.000  1.00  0.00           O',
      'ATOM      2  HW1 SOL     1       6.000   5.000   5.000  1.00  0.00           H',
      'ATOM      3  HW2 SOL     1       4.670   5.940   5.000  1.00  0.00           H',
      'ATOM      4  OW  SOL     2      12.000  12.000  12.000  1.00  0.00           O',
      'ATOM      5  HW1 SOL     2      13.000  12.000  12.000  1.00  0.00           H',
      'ATOM      6  HW2 SOL     2      11.670  12.940  12.000  1.00  0.00           H',
      'CONECT    1    2    3',
    ];
    const partial = combineTopology(labelled(['O', 'H', 'H', 'O', 'H', 'H']), parsePdb(pdb.join('\n'), 'w.pdb'), { trajectory: 'w.xyz', topology: 'w.pdb' });
    expect(partial.topology.bonds).toBeNull();
    expect(partial.notes).toEqual(['the CONECT records of w.pdb leave out 3 atoms that are bonded by distance (atom index 3 the first): molecules are found from distances instead']);
    const complete = combineTopology(labelled(['O', 'H', 'H', 'O', 'H', 'H']), parsePdb([...pdb, 'CONECT    4    5    6'].join('\n'), 'w.pdb'), { trajectory: 'w.xyz', topology: 'w.pdb' });
    expect(Array.from(complete.topology.bonds!)).toEqual([0, 1, 0, 2, 3, 4, 3, 5]);
    expect(complete.notes).toEqual([]);
    const m = findMolecules(complete.topology, parsePdb(pdb.join('\n'), 'w.pdb').positions, null);
    expect(m.source).toBe('topology bonds');
    expect(m.formula).toEqual(['H2O', 'H2O']);
    expect(findMolecules(partial.topology, parsePdb(pdb.join('\n'), 'w.pdb').positions, null).source).toBe('bonds');
  });
});

describe('a bead-spring topology (reduced units, no elements)', () => {
  it('uses its bonds as they are, since there are no elements to check them against', () => {
    const beads = LMP_DATA.replace('1 22.99\n2 1.008\n3 15.9994', '1 1.0\n2 1.0\n3 1.0').replace(/Atom Type Labels\n\n1 Na\n2 HW\n3 OW\n\n/, '');
    const data = parseLammpsData(beads, 'beads.data');
    expect(data.elements).toBeNull();
    const r = combineTopology({ ...emptyTopology(4), types: Int32Array.from([1, 3, 2, 2]) }, data, { trajectory: 'd', topology: 'beads.data' });
    expect(r.topology.elements).toBeNull();
    expect(Array.from(r.topology.bonds!)).toEqual([1, 2, 1, 3]);
    const m = findMolecules(r.topology, data.positions, data.box);
    expect(m.source).toBe('topology bonds');
    expect(Array.from(m.ofAtom)).toEqual([0, 1, 1, 1]);
    expect(r.elementsFrom).toBe('none: neither beads.data nor the trajectory names elements');
  });
});

/** A small atom style full data file: a Na⁺ and an SPC/E water, with type labels. */
const LMP_DATA = `LAMMPS data file

4 atoms
3 atom types
2 bonds
1 bond types

0 20 xlo xhi
0 20 ylo yhi
0 20 zlo zhi

Atom Type Labels

1 Na
2 HW
3 OW

Masses

1 22.99
2 1.008
3 15.9994

Atoms # full

1 1 1 1.0 10 10 10
2 2 3 -0.8476 2 2 2
3 2 2 0.4238 3 2 2
4 2 2 0.4238 1.667 2.943 2

Bonds

1 1 2 3
2 1 2 4
`;

describe('resolving the topology of a real LAMMPS run from its data file', () => {
  it('gives the shipped NaFSI/water dump the data file’s elements, charges, bonds and molecules, atom for atom', async () => {
    const { top: dump, positions } = await firstFrame(join(NAFSI, 'nafsi-water.lammpstrj.gz'));
    const noElements: Topology = { ...dump, elements: null, masses: null, molIds: null };
    const r = await resolveTopology({ file: 'nafsi-water.lammpstrj.gz', read: { topology: join(NAFSI, 'nafsi-water.data'), typeMap: null } }, noElements);
    const t = r.topology;
    // The dump's element column (dump_modify element Na N S O F O H) and the data file agree on every atom.
    expect(t.elements).toEqual(dump.elements);
    expect(r.notes).toEqual([]);
    expect(r.elementsFrom).toBe(`the type names of ${join(NAFSI, 'nafsi-water.data')}`);
    // 14 NaFSI + 388 SPC/E waters: neutral, each Na +1, each FSI −1 (2 × 1.02 − 0.66 − 4 × 0.53 − 2 × 0.13).
    const q = t.charges!;
    expect(q.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 9);
    const m = findMolecules(t, positions, null, 'topology mol ids');
    expect(m.source).toBe('topology bonds');
    expect(m.count).toBe(14 + 14 + 388);
    const charge = (k: number) => Array.from(m.atoms.subarray(m.start[k], m.start[k + 1])).reduce((a, i) => a + q[i], 0);
    const byFormula = new Map<string, number[]>();
    for (let k = 0; k < m.count; k++) byFormula.set(m.formula[k], [...(byFormula.get(m.formula[k]) ?? []), charge(k)]);
    expect([...byFormula.keys()].sort()).toEqual(['F2NO4S2', 'H2O', 'Na']);
    for (const [f, want] of [['F2NO4S2', -1], ['H2O', 0], ['Na', 1]] as const) for (const c of byFormula.get(f)!) expect(c).toBeCloseTo(want, 9);
    // The same molecules as the dump's own mol column.
    const fromMolColumn = findMolecules(dump, positions, null);
    expect(fromMolColumn.source).toBe('mol column');
    expect(Array.from(m.ofAtom)).toEqual(Array.from(fromMolColumn.ofAtom));
    // Masses are the data file's (22.99 for Na, not the standard 22.98977).
    expect(t.masses![dump.elements!.indexOf('Na')]).toBe(22.99);
  });

  it('takes elements from the masses of a write_data file without labels, equal to the dump’s element column', async () => {
    const { top: dump } = await firstFrame(join(SIM, 'lammps-data-dcd/traj.lammpstrj.gz'));
    const r = await resolveTopology(
      { file: 'traj.lammpstrj.gz', read: { topology: join(SIM, 'lammps-data-dcd/system.data'), typeMap: null } },
      { ...dump, elements: null, masses: null },
    );
    expect(r.topology.elements).toEqual(dump.elements);
    expect(r.elementsFrom).toBe(`the masses in ${join(SIM, 'lammps-data-dcd/system.data')}: type 1→Na, type 2→N, type 3→S, type 4→O, type 5→F, type 6→O, type 7→H`);
    expect(r.topology.names).toBeNull();
    expect(r.kind).toBe('lammps-data');
  });
});

describe('resolving without a topology file', () => {
  it('says which labels were taken for which element', async () => {
    const { top } = await firstFrame(NAMES_XYZ);
    const r: ResolvedTopology = await resolveTopology({ file: NAMES_XYZ, read: { topology: null, typeMap: null } }, top);
    expect(r.topology).toBe(top);
    expect(r.elementsFrom).toBe('guessed from names: OW→O, HW1→H, HW2→H, NA→Na, CL→Cl');
    expect(r.file).toBeNull();
  });

  it('says how to get elements for a dump with types only', async () => {
    const typesOnly = { ...emptyTopology(2), types: Int32Array.from([1, 2]) };
    const r = await resolveTopology({ file: 'd', read: { topology: null, typeMap: null } }, typesOnly);
    expect(r.elementsFrom).toBe('none: the file has LAMMPS atom types only (give --type-map, or --topology with a LAMMPS data file)');
  });

  it('gives the GROMACS frames as MDAnalysis writes them the elements of the GRO and PDB topologies', async () => {
    const { top } = await firstFrame(NAMES_XYZ);
    for (const t of ['traj.gro.gz', 'traj.pdb.gz']) {
      const r = await resolveTopology({ file: NAMES_XYZ, read: { topology: join(GMX, t), typeMap: null } }, top);
      expect(r.topology.elements).toEqual(top.elements);
      expect(r.topology.names).toEqual(top.names);
      expect(r.notes).toEqual([]);
      expect(r.topology.resnames!.slice(995, 998)).toEqual(['SOL', 'NA', 'NA']);
    }
  });
});

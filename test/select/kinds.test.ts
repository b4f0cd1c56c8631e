import { describe, expect, it } from 'vitest';
import type { Topology } from '../../src/model/frame.js';
import { atomKindsOf, atomsOfKinds, elementsFromLabels, emptyTopology, kindedTopology, perAtom, type AtomKinds } from '../../src/model/topology.js';
import { combineTopology, type ResolvedTopology } from '../../src/pipeline/topology.js';
import { select } from '../../src/select/selection.js';
import { readGroAtoms, wasmGroAvailable } from '../../src/topology/gro-wasm.js';
import { parseGro, parseGroBytes } from '../../src/topology/gro.js';
import { parseLammpsData } from '../../src/topology/lammps-data.js';
import { parsePdb } from '../../src/topology/pdb.js';
import type { TopologyData } from '../../src/topology/topology-data.js';
import { uniform } from '../support/random.js';
import { selectionOutcome, topologyContext } from '../support/selection-outcome.js';

/**
 * A topology read from a .gro file groups its atoms by kind (name columns, and whether the
 * residue has one atom or several), and selections of elements, names and residue names are then
 * answered once per kind and by one scan of the atoms' kinds. These tests hold that fast path to
 * the general, atom-by-atom evaluation (the same topology as a new object, which has no kinds):
 * the same atoms, the same errors; and combineTopology's per-kind masses and guessed names to
 * its per-atom ones.
 */

if (!wasmGroAvailable()) throw new Error('gro-atoms.wasm is not built (npm run build makes it)');

type Atom = [resid: number, resname: string, name: string];

/** A .gro file of these atoms, in GROMACS's layout, all at one place in a 2.5 nm box. */
function gro(atoms: Atom[]): string {
  const lines = atoms.map(([resid, resname, name], i) => `${String(resid).padStart(5)}${resname.padEnd(5)}${name.padStart(5)}${String(i + 1).padStart(5)}   0.100   0.200   0.300`);
  return ['made by a test', String(atoms.length).padStart(5), ...lines, '   2.50000   2.50000   2.50000'].join('\n') + '\n';
}

const files = { trajectory: 'run.xtc', topology: 'conf.gro' };

/** The topology of an XTC-like trajectory (no names, no elements) with this topology file. */
function resolved(data: TopologyData, traj: Topology = emptyTopology(data.natoms)): ResolvedTopology {
  return combineTopology(traj, data, files);
}


/** The same selection on the topology with its kinds and on a copy without: the same outcome. */
function agree(text: string, top: Topology): unknown {
  const general = selectionOutcome(text, { ...top });
  expect(selectionOutcome(text, top), text).toEqual(general);
  return general;
}

const SELECTIONS = [
  'all', 'Na', 'NA', 'na', 'element Na', 'O', 'element O', 'H', 'Cl', 'element Cl Na', 'N', 'C', 'S', 'Li',
  'OW', 'element OW', 'element MW', 'MW', 'element HW1 HW2', 'element X', 'name OW', 'name NA', 'name H*', 'name ?W? O*', 'name [HO]W*', 'name [!H]*', 'name MW',
  'resname SOL', 'resname N*', 'resname LIG', 'resname Q*', 'not Na', 'not all', 'not not O', 'Na or name OW', 'O and resname SOL', 'element O or element MW',
  'not (name HW1 or element Na)', '(O or H) and not resname SOL', 'name NA and not Na', 'Na and name NA and resname NA', 'OW or MW or name HW2', 'resname SOL and name MW',
  'type 1', 'index 0:3', 'index 2 or Na', 'resid 1:3', 'resid 2 and name OW', 'mol 1', 'FSI', 'name',
];

describe('selections by kind give what the general evaluation gives', () => {
  // Interleaved kinds: waters (four-site, MW a virtual site), ions whose name is also an element's
  // in another residue (NA: sodium alone, nitrogen in LIG), an atom without a name, residues of
  // one and of several atoms of the same names.
  const atoms: Atom[] = [
    [1, 'SOL', 'OW'], [1, 'SOL', 'HW1'], [1, 'SOL', 'HW2'], [1, 'SOL', 'MW'],
    [2, 'NA', 'NA'],
    [3, 'LIG', 'NA'], [3, 'LIG', 'C1'], [3, 'LIG', ''], [3, 'LIG', 'O'],
    [4, 'SOL', 'OW'], [4, 'SOL', 'HW1'], [4, 'SOL', 'HW2'], [4, 'SOL', 'MW'],
    [5, 'CL', 'CL'],
    [6, 'NA', 'NA'],
    [7, 'LIG', 'NA'],
    [8, 'SOL', 'OW'], [8, 'SOL', 'HW1'], [8, 'SOL', 'HW2'], [8, 'SOL', 'MW'],
    [9, '', 'X'],
  ];
  const text = gro(atoms);

  for (const [how, data] of [
    ['the WebAssembly reader', () => parseGroBytes(Buffer.from(text, 'latin1'), 'conf.gro')],
    ['the plain reader', () => parseGro(text, 'conf.gro')],
  ] as const) {
    it(`of a topology from ${how}`, () => {
      const r = resolved(data());
      expect(atomKindsOf(r.topology)).not.toBeNull();
      for (const s of SELECTIONS) agree(s, r.topology);
      // What the cases above are: atom by atom.
      // NA alone in its residue is sodium, in a residue of several atoms nitrogen.
      expect(agree('Na', r.topology)).toEqual({ atoms: [4, 14, 15], kind: 'atoms', molecules: null });
      expect(agree('N', r.topology)).toEqual({ atoms: [5], kind: 'atoms', molecules: null });
      expect(agree('MW', r.topology)).toEqual({ atoms: [3, 12, 19], kind: 'atoms', molecules: null });
      expect(agree('name NA and not Na', r.topology)).toEqual({ atoms: [5], kind: 'atoms', molecules: null });
      // The atom without a name, and with no element, is labelled "?" and selected by that label.
      expect(r.topology.elements![7]).toBe('?');
      expect(agree('element ?', r.topology)).toEqual({ atoms: [7], kind: 'atoms', molecules: null });
      expect(agree('Li', r.topology)).toEqual({ error: expect.stringMatching(/^selection "Li" matches nothing; the file has /) });
    });
  }

  it('is used only while the topology’s names, residue names and elements are those it was made with', () => {
    const r = resolved(parseGroBytes(Buffer.from(text, 'latin1'), 'conf.gro'));
    const top = r.topology;
    expect(atomKindsOf(top)).not.toBeNull();
    const relabelled = { ...top };
    expect(atomKindsOf(relabelled)).toBeNull();
    top.elements = top.elements!.map((e) => (e === 'Na' ? 'K' : e));
    expect(atomKindsOf(top)).toBeNull();
    expect(agree('K', top)).toEqual({ atoms: [4, 14, 15], kind: 'atoms', molecules: null });
  });

  it('refuses writes into its names, residue names and elements in place, which the kinds would not see', () => {
    const top = resolved(parseGroBytes(Buffer.from(text, 'latin1'), 'conf.gro')).topology;
    expect(() => {
      top.elements![4] = 'K';
    }).toThrow(TypeError);
    expect(() => {
      top.names![0] = 'XX';
    }).toThrow(TypeError);
    expect(() => top.resnames!.push('SOL')).toThrow(TypeError);
    expect(top.elements![4]).toBe('Na');
    expect(atomKindsOf(top)).not.toBeNull();
  });

  it('reads no per-atom array: they are made only when something reads them, once', () => {
    const data = parseGroBytes(Buffer.from(text, 'latin1'), 'conf.gro');
    const kinds = data.kinds!;
    const made: string[] = [];
    const { names: _n, resnames: _r, elements: _e, masses: _m, ...fields } = emptyTopology(data.natoms);
    const top = kindedTopology(
      fields,
      {
        names: () => (made.push('names'), perAtom(kinds, kinds.names)),
        resnames: () => (made.push('resnames'), perAtom(kinds, kinds.resnames!)),
        elements: () => (made.push('elements'), perAtom(kinds, kinds.elements.map((e) => e ?? '?'))),
        masses: () => (made.push('masses'), data.masses),
      },
      { ...kinds, elements: kinds.elements.map((e) => e ?? '?') },
    );
    for (const s of ['Na', 'name OW or resname LIG', 'not element MW', 'all']) select(s, topologyContext(top));
    expect(made).toEqual([]);
    // Reading them (a copy reads all) makes each once, as the kinds say.
    const copy = { ...top };
    expect([...made].sort()).toEqual(['elements', 'masses', 'names', 'resnames']);
    expect(top.names).toBe(copy.names);
    expect(top.elements![4]).toBe('Na');
    expect(top.masses![4]).toBeCloseTo(22.99, 2);
    expect(made).toHaveLength(4);
    // Masses set anew leave the kinds in use; names set anew do not.
    top.masses = new Float64Array(top.natoms);
    expect(atomKindsOf(top)).not.toBeNull();
    top.names = [...top.names!];
    expect(atomKindsOf(top)).toBeNull();
    for (const s of SELECTIONS) expect(selectionOutcome(s, top)).toEqual(selectionOutcome(s, copy));
  });

  it('random topologies and random selections', () => {
    const u = uniform(20261127);
    const pick = <T>(a: readonly T[]): T => a[Math.floor(u() * a.length)];
    const resnames = ['SOL', 'NA', 'CL', 'LIG', 'FSI', ''];
    const names = ['OW', 'HW1', 'HW2', 'MW', 'NA', 'CL', 'C1', 'O', 'S', 'F1', 'N', 'LI', ''];
    const term = (): string =>
      pick([
        () => pick(['Na', 'O', 'H', 'Cl', 'N', 'C', 'S', 'F', 'Li', 'OW', 'MW', '?', 'all']),
        () => `element ${pick(['Na', 'O', 'MW', 'HW1', 'C1'])}`,
        () => `name ${pick(names.filter((n) => n !== ''))}${u() < 0.3 ? ' H*' : ''}`,
        () => `resname ${pick(['SOL', 'NA', 'L*', 'FSI'])}`,
        () => `not ${term()}`,
        () => `(${term()} ${pick(['and', 'or'])} ${term()})`,
      ])();
    let fast = 0;
    for (let t = 0; t < 60; t++) {
      const atoms: Atom[] = [];
      let resid = 1;
      const natoms = 1 + Math.floor(u() * 40);
      while (atoms.length < natoms) {
        const resname = pick(resnames);
        const size = 1 + Math.floor(u() * 3);
        for (let k = 0; k < size && atoms.length < natoms; k++) atoms.push([resid, resname, pick(names)]);
        resid++;
      }
      const data = u() < 0.5 ? parseGroBytes(Buffer.from(gro(atoms), 'latin1'), 'conf.gro') : parseGro(gro(atoms), 'conf.gro');
      const r = resolved(data);
      if (atomKindsOf(r.topology)) fast++;
      for (let s = 0; s < 20; s++) agree(term(), r.topology);
    }
    // Nearly every one has kinds (not those whose names give no element at all).
    expect(fast).toBeGreaterThan(50);
  });
});

describe('combineTopology by kind gives what it gives atom by atom', () => {
  /** Everything a resolved topology says, comparable with toEqual (NaN masses included). */
  const contents = (r: ResolvedTopology) => ({ ...r, topology: { ...r.topology, masses: Array.from(r.topology.masses ?? []) } });

  it('the same elements, masses, guessed names and notes as without the kinds', () => {
    const text = gro([
      [1, 'SOL', 'OW'], [1, 'SOL', 'HW1'], [1, 'SOL', 'HW2'], [1, 'SOL', 'MW'], [2, 'NA', 'NA'], [3, 'LIG', 'NA'], [3, 'LIG', 'C1'], [3, 'LIG', ''],
      [4, 'SOL', 'OW'], [4, 'SOL', 'HW1'], [4, 'SOL', 'HW2'], [4, 'SOL', 'MW'], [5, 'DUM', 'DUM'],
    ]);
    for (const data of [parseGroBytes(Buffer.from(text, 'latin1'), 'conf.gro'), parseGro(text, 'conf.gro')]) {
      const byKind = resolved(data);
      expect(atomKindsOf(byKind.topology)).not.toBeNull();
      const byAtom = resolved({ ...data, kinds: null });
      expect(atomKindsOf(byAtom.topology)).toBeNull();
      expect(contents(byKind)).toEqual(contents(byAtom));
      expect(byKind.guessed).toEqual([['OW', 'O'], ['HW1', 'H'], ['HW2', 'H'], ['NA', 'Na'], ['NA', 'N'], ['C1', 'C']]);
      expect(byKind.topology.elements).toEqual(['O', 'H', 'H', 'MW', 'Na', 'N', 'C', '?', 'O', 'H', 'H', 'MW', 'DUM']);
    }
  });

  it('leaves the kinds out where a trajectory names elements: its labels fill the atoms the file gives none', () => {
    const text = gro([[1, 'SOL', 'OW'], [1, 'SOL', 'HW1'], [1, 'SOL', 'HW2'], [1, 'SOL', 'MW'], [2, 'NA', 'NA']]);
    const data = parseGroBytes(Buffer.from(text, 'latin1'), 'conf.gro');
    const { elements, masses } = elementsFromLabels(['O', 'H', 'H', 'X', 'Na']);
    const traj: Topology = { ...emptyTopology(5), elements, masses };
    const r = resolved(data, traj);
    expect(atomKindsOf(r.topology)).toBeNull();
    expect(contents(r)).toEqual(contents(resolved({ ...data, kinds: null }, traj)));
    for (const s of SELECTIONS) agree(s, r.topology);
  });

  it('.pdb and LAMMPS data topologies have no kinds: selections on them are the general evaluation', () => {
    const pdb = parsePdb(
      [
        'CRYST1   20.000   20.000   20.000  90.00  90.00  90.00 P 1           1',
        'ATOM      1  OW  SOL     1       5.000   5.000   5.000  1.00  0.00           O',
        'ATOM      2  HW1 SOL     1       6.000   5.000   5.000  1.00  0.00           H',
        'ATOM      3  HW2 SOL     1       4.670   5.940   5.000  1.00  0.00           H',
        'HETATM    4 NA    NA     2      12.000  12.000  12.000  1.00  0.00          NA',
      ].join('\n'),
      'w.pdb',
    );
    const lmp = parseLammpsData(
      ['LAMMPS data', '', '3 atoms', '2 atom types', '', '0 20 xlo xhi', '0 20 ylo yhi', '0 20 zlo zhi', '', 'Masses', '', '1 22.99 # Na', '2 15.9994 # OW', '', 'Atoms # atomic', '', '1 1 1 1 1', '2 2 2 2 2', '3 2 3 3 3', ''].join('\n'),
      'system.data',
    );
    for (const data of [pdb, lmp]) {
      const r = combineTopology(emptyTopology(data.natoms), data, { trajectory: 'run.dcd', topology: data.format === 'pdb' ? 'w.pdb' : 'system.data' });
      expect(atomKindsOf(r.topology)).toBeNull();
      for (const s of SELECTIONS) agree(s, r.topology);
    }
    expect(selectionOutcome('Na', combineTopology(emptyTopology(4), pdb, { trajectory: 'run.dcd', topology: 'w.pdb' }).topology)).toEqual({ atoms: [3], kind: 'atoms', molecules: null });
    expect(selectionOutcome('type 2', combineTopology(emptyTopology(3), lmp, { trajectory: 'run.dcd', topology: 'system.data' }).topology)).toEqual({ atoms: [1, 2], kind: 'atoms', molecules: null });
  });
});

describe('atomsOfKinds', () => {
  it('the WebAssembly scan of a .gro reader’s kinds and the plain one agree', () => {
    const u = uniform(7);
    const atoms: Atom[] = Array.from({ length: 3000 }, (_, i) => [1 + Math.floor(i / 3), i % 7 === 0 ? 'NA' : 'SOL', ['OW', 'HW1', 'HW2', 'NA', 'C', 'MW'][Math.floor(u() * 6)]]);
    const kinds = parseGroBytes(Buffer.from(gro(atoms), 'latin1'), 'big.gro').kinds!;
    const plain: AtomKinds = { ...kinds, ofAtom: kinds.ofAtom.slice() };
    for (let t = 0; t < 20; t++) {
      const hit = new Uint8Array(kinds.names.length);
      for (const p of kinds.order) hit[p] = u() < 0.4 ? 1 : 0;
      const fast = atomsOfKinds(kinds, hit);
      const slow = atomsOfKinds(plain, hit);
      expect(Array.from(fast)).toEqual(Array.from(slow));
      expect(Array.from(slow)).toEqual(Array.from(kinds.ofAtom.keys()).filter((i) => hit[kinds.ofAtom[i]] === 1));
    }
  });

  it('a large file’s masses and selections come from a memory of their own, as a small one’s from the parse’s', () => {
    const u = uniform(11);
    const atoms: Atom[] = Array.from({ length: 2000 }, (_, i) => [1 + Math.floor(i / 4), i % 5 === 0 ? 'NA' : 'SOL', ['OW', 'HW1', 'NA', 'MW', 'C'][Math.floor(u() * 5)]]);
    const bytes = Buffer.from(gro(atoms), 'latin1');
    const start = bytes.indexOf(10, bytes.indexOf(10) + 1) + 1;
    // Every parse's memory kept (the default for a file this small), or none.
    const kept = readGroAtoms(bytes, start, atoms.length, 8)!;
    const own = readGroAtoms(bytes, start, atoms.length, 8, 0)!;
    const npairs = 2 * kept.kindColumns.length;
    const pairMass = Float64Array.from({ length: npairs }, (_, q) => 1 + q * 0.5);
    expect(Array.from(own.masses(pairMass))).toEqual(Array.from(kept.masses(pairMass)));
    expect(Array.from(kept.masses(pairMass))).toEqual(Array.from(kept.pairs, (q) => pairMass[q]));
    for (let t = 0; t < 10; t++) {
      const hit = Uint8Array.from({ length: npairs }, () => (u() < 0.5 ? 1 : 0));
      expect(Array.from(own.atomsOf(hit))).toEqual(Array.from(kept.atomsOf(hit)));
      expect(Array.from(own.atomsOf(hit))).toEqual(Array.from(kept.pairs.keys()).filter((i) => hit[kept.pairs[i]] === 1));
    }
  });
});

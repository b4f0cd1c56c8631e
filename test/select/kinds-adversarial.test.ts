import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { elementFromAtomName, massOfElement } from '../../src/model/atom-names.js';
import { atomicNumber } from '../../src/model/elements.js';
import type { Topology } from '../../src/model/frame.js';
import { atomKindsOf, emptyTopology } from '../../src/model/topology.js';
import { combineTopology, readTopologyFile } from '../../src/pipeline/topology.js';
import { wasmGroAvailable } from '../../src/topology/gro-wasm.js';
import { parseGro, parseGroBytes, parseGroFast } from '../../src/topology/gro.js';
import type { TopologyData } from '../../src/topology/topology-data.js';
import { FIXTURES, tempFile } from '../support/io.js';
import { uniform } from '../support/random.js';
import { selectionOutcome } from '../support/selection-outcome.js';

/**
 * Adversarial inputs for the kinds fast path (a .gro topology's atoms grouped by name columns and
 * one-atom residue or not; selections of elements, names and residue names answered per kind).
 * The expectation here is independent of the readers: the .gro text cut into its columns by this
 * test, residues as runs of equal (number, trimmed name), each atom's element from
 * elementFromAtomName with its own residue's size, a site label (the name, "?" appended where it
 * reads as a symbol) where it has none, and the mass of that element — a plain Topology object
 * with no kinds, on which select runs atom by atom. Both readers' topologies, combined as for an
 * XTC trajectory (no names, no elements), must give the same arrays and the same selections.
 */

if (!wasmGroAvailable()) throw new Error('gro-atoms.wasm is not built (npm run build makes it)');

type Atom = [resid: number, resname: string, name: string];

/** An atom line in GROMACS's layout (%5d%-5s%5s%5d%8.3f×3); resid and atom number modulo 100 000. */
function atomLine([resid, resname, name]: Atom, i: number, extra = ''): string {
  const num = (v: number) => String(((v % 100000) + 100000) % 100000).padStart(5);
  return `${num(resid)}${resname.padEnd(5).slice(0, 5)}${name.padStart(5).slice(0, 5)}${num(i + 1)}   0.100   0.200   0.300${extra}`;
}

function gro(atoms: Atom[], opts: { eol?: string; extra?: string; raw?: string[] } = {}): string {
  const lines = opts.raw ?? atoms.map((a, i) => atomLine(a, i, opts.extra));
  const eol = opts.eol ?? '\n';
  return ['made by a test', String(lines.length).padStart(5), ...lines, '   2.50000   2.50000   2.50000'].join(eol) + eol;
}

/** The element label combineTopology gives an atom without an element. */
function siteLabel(name: string): string {
  return atomicNumber(name) > 0 || name === '' ? `${name}?` : name;
}

/** The topology the .gro text says, cut into columns here: no kinds, every array per atom. */
function expected(text: string): Topology {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const n = Number(lines[1].trim());
  const atomLines = lines.slice(2, 2 + n);
  const resids = Int32Array.from(atomLines, (l) => Number(l.slice(0, 5)));
  const resnames = atomLines.map((l) => l.slice(5, 10).trim());
  const names = atomLines.map((l) => l.slice(10, 15).trim());
  const size = new Array<number>(n).fill(0);
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && resids[j] === resids[i] && resnames[j] === resnames[i]) j++;
    for (let k = i; k < j; k++) size[k] = j - i;
    i = j;
  }
  const guessed = names.map((name, i) => elementFromAtomName(name, { resname: resnames[i], residueSize: size[i] }));
  return {
    ...emptyTopology(n),
    names,
    resnames,
    resids,
    elements: guessed.map((el, i) => el ?? siteLabel(names[i])),
    masses: Float64Array.from(guessed, (el) => massOfElement(el)),
  };
}

const files = { trajectory: 'run.xtc', topology: 'conf.gro' };


/** What a topology says, comparable with toEqual (NaN masses included). */
function arrays(top: Topology): unknown {
  return {
    natoms: top.natoms,
    names: top.names,
    resnames: top.resnames,
    resids: top.resids && Array.from(top.resids),
    elements: top.elements,
    masses: top.masses && Array.from(top.masses),
  };
}

const SELECTIONS = [
  'all', 'not all', 'Na', 'N', 'C', 'Ca', 'CA', 'element Ca', 'K', 'Mg', 'Zn', 'Cl', 'O', 'H', 'S', 'Li', 'Se', 'Hg',
  'element CA', 'element NA', 'name CA', 'name NA', 'name na', 'na', 'name ca', 'MW', 'element MW', 'MN1?', 'element MN?', 'element ?', 'MN?',
  'name H*', 'name ?W*', 'name [A-Z][A-Z]', 'name *1', 'name OW1 HW2', 'resname SOL NA', 'resname *', 'resname ?', 'resname ALA LIG', 'resname sol',
  'name CA and resname ALA', 'Ca or name NA', 'not (Na or Cl)', 'not not Ca', 'not (all)', 'not name *', 'Ca and not Ca', 'element Xx',
  'Na and resid 1:3', 'resid 0 and name NA', 'resid 99999', 'index 0:2 or Ca', 'index 3 and not N', 'not index 0', 'type 1 or Na', 'Zn and index 1',
];

/** The two readers' topologies, combined as for an XTC trajectory. */
function readers(text: string): [string, Topology, TopologyData][] {
  const bytes = Buffer.from(text, 'latin1');
  const fast = parseGroFast(bytes, 'conf.gro');
  const out: [string, Topology, TopologyData][] = [];
  if (fast) out.push(['WebAssembly reader', combineTopology(emptyTopology(fast.natoms), fast, files).topology, fast]);
  const plain = parseGro(text, 'conf.gro');
  out.push(['plain reader', combineTopology(emptyTopology(plain.natoms), plain, files).topology, plain]);
  return out;
}

/** Both readers' topologies (with kinds) give the arrays and the selections of the .gro text. */
function holds(text: string, opts: { fast?: boolean; selections?: string[] } = {}): Topology {
  const want = expected(text);
  const got = readers(text);
  if (opts.fast !== false) expect(got.map(([how]) => how), 'the WebAssembly reader reads this file').toContain('WebAssembly reader');
  for (const [how, top] of got) {
    expect(atomKindsOf(top), how).not.toBeNull();
    for (const s of opts.selections ?? SELECTIONS) expect(selectionOutcome(s, top), `${how}: ${s}`).toEqual(selectionOutcome(s, want));
    // After the selections (which read no array), the arrays are the text's.
    expect(arrays(top), how).toEqual(arrays(want));
  }
  return want;
}

describe('element guesses that depend on more than the name: kinds give what the .gro says', () => {
  it('ions of two-letter names alone, in ion residues of several atoms, in proteins and in other molecules', () => {
    const atoms: Atom[] = [
      [1, 'CA', 'CA'], // calcium: a residue of one atom
      [2, 'ALA', 'N'], [2, 'ALA', 'CA'], [2, 'ALA', 'C'], [2, 'ALA', 'MN1'], // alpha carbon; a dummy mass in a protein
      [3, 'LIG', 'CA'], // a residue of one atom named LIG: calcium
      [4, 'LIG', 'CA'], [4, 'LIG', 'NA'], [4, 'LIG', 'CL'], // a molecule: C, N, Cl
      [5, 'ION', 'NA'], [5, 'ION', 'CL'], [5, 'ION', 'CA'], [5, 'ION', 'MG'], [5, 'ION', 'ZN'], [5, 'ION', 'K'], // ions sharing a residue number
      [6, 'SALT', 'NA'], [6, 'SALT', 'CL'], // not an ion residue, several atoms: N and Cl
      [7, 'SALT', 'NA'], // alone: Na
      [8, 'MN', 'MN'], // manganese alone
      [9, 'ALA', 'MN'], // a one-atom residue named ALA: an ion residue by size
      [10, 'K', 'K'], [11, 'MG', 'MG'], [12, 'ZN', 'ZN'], [13, 'CL', 'CL'],
      [14, 'CA', 'CA'], [14, 'CA', 'CA'], // two calcium in one residue named CA
      [15, 'HG', 'HG'], [16, 'GLY', 'HG'], [16, 'GLY', 'SE'],
    ];
    const want = holds(gro(atoms));
    // What the cases are (checked against the guessing rule, atom by atom).
    expect(want.elements!.slice(0, 15)).toEqual(['Ca', 'N', 'C', 'C', 'MN1', 'Ca', 'C', 'N', 'Cl', 'Na', 'Cl', 'Ca', 'Mg', 'Zn', 'K']);
    expect(want.elements!.slice(15, 19)).toEqual(['N', 'Cl', 'Na', 'Mn']);
  });

  it('a residue cut in two by another (interleaved kinds): each run of the residue is a residue of its own', () => {
    const atoms: Atom[] = [
      [1, 'SOL', 'OW'], [1, 'SOL', 'HW1'], [2, 'CA', 'CA'], [1, 'SOL', 'HW2'], // HW2 alone
      [3, 'LIG', 'CA'], [3, 'LIG', 'NA'], [4, 'NA', 'NA'], [3, 'LIG', 'CA'], // the last CA alone: Ca
      [5, 'LIG', 'NA'], [6, 'LIG', 'NA'], [6, 'LIG', 'NA'], [7, 'LIG', 'NA'],
    ];
    const want = holds(gro(atoms));
    expect(want.elements).toEqual(['O', 'H', 'Ca', 'H', 'C', 'N', 'Na', 'Ca', 'Na', 'N', 'N', 'Na']);
  });

  it('names with digits, lowercase letters, leading spaces, left-justified columns; empty names and residue names', () => {
    const raw = [
      '    1SOL     OW    1   0.100   0.200   0.300',
      '    1SOL    OW1    2   0.100   0.200   0.300',
      '    1SOL    HW2    3   0.100   0.200   0.300',
      '    1SOL     MW    4   0.100   0.200   0.300',
      '    2SOL  OW       5   0.100   0.200   0.300', // the same name, left-justified: another kind, same atom
      '    2SOL  HW1      6   0.100   0.200   0.300',
      '    3 SOL  OW      7   0.100   0.200   0.300', // residue name with a leading space
      '    3 SOL HW1      8   0.100   0.200   0.300',
      '    4na      na    9   0.100   0.200   0.300', // lowercase sodium alone
      '    5lig     na   10   0.100   0.200   0.300',
      '    5lig     ca   11   0.100   0.200   0.300',
      '    6Na      Na   12   0.100   0.200   0.300',
      '    7LIG   Ca     13   0.100   0.200   0.300',
      '    7LIG   Ca     14   0.100   0.200   0.300',
      '    8             15   0.100   0.200   0.300', // no residue name, no atom name
      '    9        NA   16   0.100   0.200   0.300', // no residue name, alone
      '    9        CA   17   0.100   0.200   0.300',
      '   10DUM    DUM   18   0.100   0.200   0.300',
      '   11X      X1X   19   0.100   0.200   0.300',
      '   12SOL  1HW 2   20   0.100   0.200   0.300', // a name with an inner space
      '   12SOL  CL-     21   0.100   0.200   0.300',
      '   12SOL  C1\'     22   0.100   0.200   0.300',
    ];
    const want = holds(gro([], { raw }));
    expect(want.elements!.slice(0, 12)).toEqual(['O', 'O', 'H', 'MW', 'O', 'H', 'O', 'H', 'Na', 'N', 'C', 'Na']);
  });

  it('residue numbers wrapped at 100 000 and repeated: residues are runs, whatever the number', () => {
    const atoms: Atom[] = [
      [99998, 'NA', 'NA'], [99999, 'LIG', 'CA'], [100000, 'LIG', 'CA'], // two one-atom residues across the wrap (99999, then 0)
      [100001, 'LIG', 'CA'], [100001, 'LIG', 'NA'], // a molecule at resid 1
      [1, 'LIG', 'CA'], // the number again but another residue? No: a run, so it joins resid 1 above
      [2, 'LIG', 'NA'], [102, 'LIG', 'NA'],
      [199999, 'SOL', 'OW'], [199999, 'SOL', 'HW1'], [200000, 'SOL', 'HW2'], // a water cut by the wrap: HW2 is alone (resid 0)
    ];
    const want = holds(gro(atoms));
    expect(want.elements).toEqual(['Na', 'Ca', 'Ca', 'C', 'N', 'C', 'Na', 'Na', 'O', 'H', 'H']);
    expect(Array.from(want.resids!)).toEqual([99998, 99999, 0, 1, 1, 1, 2, 102, 99999, 99999, 0]);
  });

  it('atom numbers wrapped at 100 000, velocities after x y z, CRLF line ends', () => {
    const atoms: Atom[] = Array.from({ length: 30 }, (_, i): Atom => (i % 3 === 2 ? [i, 'CA', 'CA'] : [Math.floor(i / 3) + 1000, 'LIG', i % 3 ? 'NA' : 'CA']));
    const base = gro(atoms);
    for (const text of [gro(atoms, { extra: '  0.1000 -0.2000  0.3000' }), gro(atoms, { eol: '\r\n' }), gro(atoms, { eol: '\r\n', extra: '  0.1000 -0.2000  0.3000' })]) {
      const top = holds(text);
      expect(arrays(top)).toEqual(arrays(expected(base)));
    }
    // Atom numbers past 99 999 (written modulo 100 000) change nothing.
    const lines = atoms.map((a, i) => atomLine(a, i + 99990));
    holds(gro([], { raw: lines }));
  });
});

describe('selections mixing kinds terms with others, and selections that select nothing', () => {
  it('random topologies of tricky names and random selections: kinds agree with the .gro text', () => {
    const u = uniform(20261127 + 7);
    const pick = <T>(a: readonly T[]): T => a[Math.floor(u() * a.length)];
    const resnames = ['SOL', 'NA', 'CA', 'ION', 'ALA', 'LIG', 'na', ''];
    const names = ['OW', 'OW1', 'HW1', 'HW2', 'MW', 'NA', 'na', 'CA', 'Ca', 'CL', 'MG', 'ZN', 'K', 'MN1', 'SE', 'HG', 'X', ''];
    const term = (): string =>
      pick([
        () => pick(['Na', 'N', 'C', 'Ca', 'Cl', 'Mg', 'Zn', 'K', 'H', 'O', 'Se', 'Hg', 'MW', 'MN1', 'X', 'X?', '?', 'all']),
        () => `element ${pick(['Na', 'CA', 'MW', 'OW1', 'na', 'Mn'])}`,
        () => `name ${pick(names.filter((n) => n !== ''))}${u() < 0.3 ? ' *1' : ''}`,
        () => `resname ${pick(['SOL', 'NA', 'C*', 'ION', '?', 'na'])}`,
        () => `resid ${pick(['1', '2:4', '0', '99999'])}`,
        () => `index ${Math.floor(u() * 3)}:${3 + Math.floor(u() * 3)}`,
        () => `not ${term()}`,
        () => `(${term()} ${pick(['and', 'or'])} ${term()})`,
      ])();
    let cases = 0;
    for (let t = 0; t < 50; t++) {
      const atoms: Atom[] = [];
      let resid = 99996 + Math.floor(u() * 3);
      const natoms = 6 + Math.floor(u() * 30);
      while (atoms.length < natoms) {
        const resname = pick(resnames);
        const size = 1 + Math.floor(u() * 3);
        for (let k = 0; k < size && atoms.length < natoms; k++) atoms.push([resid, resname, pick(names)]);
        // Now and then the next residue takes the same number (a run continues).
        if (u() < 0.8) resid++;
      }
      const text = gro(atoms);
      const selections = Array.from({ length: 25 }, term);
      const want = expected(text);
      if (!want.elements!.some((e) => elementFromAtomName(e) !== null)) continue;
      holds(text, { selections });
      cases++;
    }
    expect(cases).toBeGreaterThan(40);
  });

  it('a selection of nothing says what the general evaluation says', () => {
    const text = gro([[1, 'SOL', 'OW'], [1, 'SOL', 'HW1'], [1, 'SOL', 'HW2'], [2, 'NA', 'NA']]);
    for (const [how, top] of readers(text)) {
      for (const s of ['Li', 'not all', 'name Q*', 'resname XYZ', 'Na and O', 'not (Na or O or H)', 'element MW']) {
        const o = selectionOutcome(s, top) as { error?: string };
        expect(o.error, `${how}: ${s}`).toMatch(new RegExp(`^selection ${JSON.stringify(s).replace(/[()*?[\]]/g, '\\$&')} matches nothing; the file has O \\(1\\), H \\(2\\), Na \\(1\\)`));
        expect(o).toEqual(selectionOutcome(s, expected(text)));
      }
    }
  });
});

/**
 * The topology file at `path`, read as mdpost reads it (readTopologyFile) for a trajectory without
 * names, takes the kinds path and gives what its .gro `text` says; returned for further checks.
 */
async function expectReadAsText(path: string, text: string): Promise<Topology> {
  const data = await readTopologyFile(path);
  const top = combineTopology(emptyTopology(data.natoms), data, files).topology;
  expect(atomKindsOf(top)).not.toBeNull();
  const want = expected(text);
  for (const s of SELECTIONS) expect(selectionOutcome(s, top), s).toEqual(selectionOutcome(s, want));
  expect(arrays(top)).toEqual(arrays(want));
  return top;
}

describe('files as mdpost reads them: gzip, CRLF, through readTopologyFile', () => {
  it('a .gro.gz with CRLF line ends and velocities gives the text’s topology', async () => {
    const atoms: Atom[] = [[1, 'SOL', 'OW'], [1, 'SOL', 'HW1'], [1, 'SOL', 'HW2'], [2, 'CA', 'CA'], [3, 'ALA', 'CA'], [3, 'ALA', 'N'], [4, 'NA', 'NA']];
    const text = gro(atoms, { eol: '\r\n', extra: '  0.1000 -0.2000  0.3000' });
    await expectReadAsText(tempFile('kinds-adversarial.gro.gz', text), text);
  });
});

describe('name columns of any bytes, spacing and line ends: both readers give the text’s atoms', () => {
  it('random name columns (tabs, no-break spaces, bytes past 127, digits, signs, inner spaces), random line ends and velocities', () => {
    const u = uniform(424242);
    const pick = <T>(a: readonly T[]): T => a[Math.floor(u() * a.length)];
    const pieces = ['NA', 'CA', 'na', 'Ca', 'CL', 'OW', 'HW1', 'MW', 'K', 'MG', 'ZN', 'C1\'', 'NA+', 'CL-', '1HB', 'SE', 'X', 'Ö', '\t', '\u00a0', ' ', '', 'SOL', 'ALA', 'ION'];
    const column = () => {
      let s = '';
      while (s.length < 5 && u() < 0.7) s += pick(pieces);
      s = s.slice(0, 5);
      return u() < 0.5 ? s.padStart(5) : s.padEnd(5);
    };
    let read = 0;
    for (let t = 0; t < 60; t++) {
      // A few kinds of column pair, repeated in runs, with residue numbers that repeat and wrap.
      const pairs = Array.from({ length: 1 + Math.floor(u() * 6) }, () => [column(), column()]);
      const natoms = 4 + Math.floor(u() * 40);
      let resid = 99990 + Math.floor(u() * 20);
      const raw: string[] = [];
      for (let i = 0; i < natoms; i++) {
        const [resname, name] = pick(pairs);
        if (u() < 0.5) resid++;
        raw.push(`${String(resid % 100000).padStart(5)}${resname}${name}${String((i + 1) % 100000).padStart(5)}   0.100   0.200   0.300${u() < 0.2 ? '  0.1000 -0.2000  0.3000' : ''}`);
      }
      const text = gro([], { raw, eol: u() < 0.3 ? '\r\n' : '\n' });
      const want = expected(text);
      // No atom with an element: no kinds (nothing to compare by kind).
      if (!raw.some((_, i) => elementFromAtomName(want.names![i], { resname: want.resnames![i] }) !== null || want.elements![i] !== siteLabel(want.names![i]))) continue;
      if (parseGroFast(Buffer.from(text, 'latin1'), 'conf.gro')) read++;
      holds(text, { fast: false, selections: ['Na', 'N', 'C', 'Ca', 'Cl', 'O', 'H', 'MW', 'not Na', 'name NA* CA', 'resname ?O* SOL', 'element ?', 'name *\t*', 'Ca or resid 99999 0'] });
    }
    // The WebAssembly reader reads the files of spaces only (tabs and no-break spaces are left to parseGro).
    expect(read).toBeGreaterThan(5);
  });
});

describe('trajectories that bring masses or types, and copies of the topology', () => {
  const text = gro([
    [1, 'SOL', 'OW'], [1, 'SOL', 'HW1'], [1, 'SOL', 'HW2'], [1, 'SOL', 'MW'], [2, 'NA', 'NA'], [3, 'LIG', 'NA'], [3, 'LIG', 'CA'], [4, 'CA', 'CA'], [5, 'DUM', 'MN'],
  ]);

  it('a trajectory’s masses fill the atoms the .gro gives none (MW), by kind as atom by atom; its types stay', () => {
    for (const data of [parseGroBytes(Buffer.from(text, 'latin1'), 'conf.gro'), parseGro(text, 'conf.gro')]) {
      const traj: Topology = { ...emptyTopology(9), masses: Float64Array.from([1, 2, 3, 4.5, 5, 6, 7, 8, 9.5]), types: Int32Array.from([1, 2, 2, 3, 4, 5, 6, 7, 8]) };
      const byKind = combineTopology(traj, data, files).topology;
      const byAtom = combineTopology(traj, { ...data, kinds: null }, files).topology;
      expect(atomKindsOf(byKind)).not.toBeNull();
      expect(atomKindsOf(byAtom)).toBeNull();
      expect(arrays(byKind)).toEqual(arrays(byAtom));
      // The file's masses where it has them (MN alone in its residue is manganese), the trajectory's for MW.
      expect(Array.from(byKind.masses!)).toEqual([15.999, 1.008, 1.008, 4.5, 22.99, 14.007, 12.011, 40.078, 54.938].map((m, i) => (i === 3 ? m : expect.closeTo(m, 2))));
      expect(Array.from(byKind.types!)).toEqual(Array.from(traj.types!));
      for (const s of [...SELECTIONS, 'type 3', 'type 1:2 and O', 'MW or type 8']) expect(selectionOutcome(s, byKind), s).toEqual(selectionOutcome(s, byAtom));
    }
  });

  it('a structured clone (as a plan sent to a worker) holds the values of the lazy arrays, and selects the same atoms', () => {
    const data = parseGroBytes(Buffer.from(text, 'latin1'), 'conf.gro');
    const top = combineTopology(emptyTopology(9), data, files).topology;
    const clone = structuredClone(top);
    expect(atomKindsOf(clone)).toBeNull();
    expect(arrays(clone)).toEqual(arrays(expected(text)));
    for (const s of SELECTIONS) expect(selectionOutcome(s, clone), s).toEqual(selectionOutcome(s, top));
    // The topology file's data too (its getters read, its kinds plain arrays).
    const dataClone = structuredClone(data);
    expect(dataClone.names).toEqual(expected(text).names);
    expect(Array.from(dataClone.masses!)).toEqual(Array.from(data.masses!));
    expect(Array.from(dataClone.kinds!.ofAtom)).toEqual(Array.from(data.kinds!.ofAtom));
    // Kinds rebuilt from the clone's data select as the original's.
    const again = combineTopology(emptyTopology(9), dataClone, files).topology;
    expect(atomKindsOf(again)).not.toBeNull();
    for (const s of SELECTIONS) expect(selectionOutcome(s, again), s).toEqual(selectionOutcome(s, top));
  });
});

describe('large and multi-frame files', () => {
  it('more kinds than the WebAssembly reader keeps (65 536): the plain reader’s kinds give the text’s atoms', () => {
    const n = 75000;
    const id = (i: number) => i.toString(36).toUpperCase().padStart(4, 'Q');
    const atoms: Atom[] = Array.from({ length: n }, (_, i): Atom => (i % 10 === 9 ? [i, 'NA', 'NA'] : [i, `R${id(i)}`.slice(0, 5), i % 2 ? 'CA' : 'OW']));
    const text = gro(atoms);
    expect(parseGroFast(Buffer.from(text, 'latin1'), 'big.gro')).toBeNull();
    holds(text, { fast: false, selections: ['Na', 'Ca', 'C', 'O', 'name CA and not C', 'resname R* and Na', 'not (O or C)'] });
  });

  it('a trajectory .gro.gz as topology: the first frame’s atoms', async () => {
    const path = join(FIXTURES, 'sim/gromacs-nacl-water/traj.gro.gz');
    const text = gunzipSync(readFileSync(path)).toString('latin1');
    const top = await expectReadAsText(path, text);
    expect(selectionOutcome('Na', top)).toEqual({ atoms: Array.from({ length: 8 }, (_, k) => 996 + k), kind: 'atoms', molecules: null });
  });
});

describe('x y z fields of other widths (gmx -ndec), with velocities', () => {
  it('widths 7 to 16: both readers (where the WebAssembly one reads them) give the text’s atoms', () => {
    const atoms: Atom[] = [[1, 'SOL', 'OW'], [1, 'SOL', 'HW1'], [1, 'SOL', 'HW2'], [2, 'CA', 'CA'], [3, 'ALA', 'CA'], [3, 'ALA', 'N'], [4, 'NA', 'NA'], [5, 'LIG', 'NA'], [5, 'LIG', 'CL']];
    const read: number[] = [];
    for (let w = 7; w <= 16; w++) {
      const f = (v: number, width: number) => v.toFixed(width - 5).padStart(width);
      const raw = atoms.map((a, i) => atomLine(a, i).slice(0, 20) + [0.1, -1.25, 2.5].map((v) => f(v, w)).join('') + [0.5, -0.25, 1].map((v) => f(v, w + 1)).join(''));
      const text = gro([], { raw });
      if (parseGroFast(Buffer.from(text, 'latin1'), 'conf.gro')) read.push(w);
      const want = holds(text, { fast: false });
      expect(want.elements).toEqual(['O', 'H', 'H', 'Ca', 'C', 'N', 'Na', 'N', 'Cl']);
    }
    // The WebAssembly reader takes lines whose x y z end by byte 64.
    expect(read).toEqual([7, 8, 9, 10, 11, 12, 13, 14]);
  });
});

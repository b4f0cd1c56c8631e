import { describe, expect, it } from 'vitest';
import { atomicMass } from '../../src/model/elements.js';
import { decodeHybrid36, parsePdb } from '../../src/topology/pdb.js';

interface AtomSpec {
  record?: string;
  serial: number | string;
  /** The 4-character name field (columns 13–16) as written: " OW ", "NA  ". */
  name: string;
  altLoc?: string;
  resname: string;
  chain?: string;
  resSeq: number | string;
  xyz?: number[];
  element?: string;
  charge?: string;
}

/** An ATOM/HETATM record in wwPDB 3.3 columns. */
function atom(a: AtomSpec): string {
  const [x, y, z] = a.xyz ?? [0, 0, 0];
  return (
    (a.record ?? 'ATOM').padEnd(6) + String(a.serial).padStart(5) + ' ' + a.name.padEnd(4) + (a.altLoc ?? ' ') +
    a.resname.padEnd(4) + (a.chain ?? ' ') + String(a.resSeq).padStart(4) + '    ' +
    [x, y, z].map((v) => v.toFixed(3).padStart(8)).join('') + '  1.00  0.00' + ' '.repeat(10) +
    (a.element ?? '').padStart(2) + (a.charge ?? '')
  );
}
const cryst1 = (a: number, b: number, c: number, al: number, be: number, ga: number) =>
  'CRYST1' + [a, b, c].map((v) => v.toFixed(3).padStart(9)).join('') + [al, be, ga].map((v) => v.toFixed(2).padStart(7)).join('') + ' P 1           1';
const conect = (...serials: (number | string)[]) => 'CONECT' + serials.map((s) => String(s).padStart(5)).join('');

describe('decodeHybrid36 (the PDB convention past 99999 atoms / 9999 residues)', () => {
  it.each([
    ['    1', 5, 1], ['99999', 5, 99999], ['A0000', 5, 100000], ['A0001', 5, 100001], ['A000Z', 5, 100035], ['A0010', 5, 100036],
    ['ZZZZZ', 5, 100000 + 26 * 36 ** 4 - 1], ['a0000', 5, 100000 + 26 * 36 ** 4], ['9999', 4, 9999], ['A000', 4, 10000], ['a000', 4, 10000 + 26 * 36 ** 3],
  ] as const)('%s (width %d) = %d', (field, width, value) => {
    expect(decodeHybrid36(field, width)).toBe(value);
  });
  it('blank, mixed-case, short letter fields and "*****" are no number', () => {
    for (const f of ['     ', 'Ab000', 'A00', '*****', '186a0']) expect(decodeHybrid36(f, 5), f).toBeNull();
  });
});

const WATER_NA = [
  'TITLE     water and ions',
  cryst1(20, 21, 22, 90, 90, 90),
  atom({ serial: 1, name: ' OW ', resname: 'SOL', resSeq: 1, xyz: [1, 2, 3], element: 'O' }),
  atom({ serial: 2, name: ' HW1', resname: 'SOL', resSeq: 1, xyz: [1.5, 2, 3], element: 'H' }),
  atom({ serial: 3, name: ' HW2', resname: 'SOL', resSeq: 1, xyz: [1, 2.5, 3], element: 'H' }),
  atom({ record: 'HETATM', serial: 4, name: 'NA  ', resname: 'NA', resSeq: 2, xyz: [-5.25, 0.125, 10], element: 'NA', charge: '1+' }),
  atom({ record: 'HETATM', serial: 5, name: 'CL  ', resname: 'CL', resSeq: 3, element: 'Cl', charge: '1-' }),
  'TER       6      CL     3',
  conect(1, 2, 3),
  conect(2, 1),
  conect(3, 1),
  'END',
].join('\n');

describe('parsePdb on hand-made files', () => {
  it('reads names, residues, serials, Å coordinates, element columns and formal charges', () => {
    const top = parsePdb(WATER_NA, 'w.pdb');
    expect(top.format).toBe('pdb');
    expect(top.natoms).toBe(5);
    expect(top.names).toEqual(['OW', 'HW1', 'HW2', 'NA', 'CL']);
    expect(top.resnames).toEqual(['SOL', 'SOL', 'SOL', 'NA', 'CL']);
    expect(Array.from(top.resids!)).toEqual([1, 1, 1, 2, 3]);
    expect(Array.from(top.ids!)).toEqual([1, 2, 3, 4, 5]);
    expect(Array.from(top.positions.subarray(9, 12))).toEqual([-5.25, 0.125, 10]);
    expect(top.elements).toEqual(['O', 'H', 'H', 'Na', 'Cl']);
    expect(top.elementSource).toBe('file');
    expect(Array.from(top.masses!)).toEqual(['O', 'H', 'H', 'Na', 'Cl'].map(atomicMass));
    expect(Array.from(top.formalCharges!)).toEqual([0, 0, 0, 1, -1]);
    expect(top.charges).toBeNull();
    expect(top.molIds).toBeNull();
  });

  it('CONECT: serials to indices, each bond once with i < j', () => {
    expect(Array.from(parsePdb(WATER_NA, 'w.pdb').bonds!)).toEqual([0, 1, 0, 2]);
  });

  it('CRYST1 a b c α β γ: a along x, b in the xy plane', () => {
    const box = parsePdb(WATER_NA, 'w.pdb').box!;
    [20, 0, 0, 0, 21, 0, 0, 0, 22].forEach((v, k) => expect(box.matrix[k]).toBeCloseTo(v, 12));
    const hex = parsePdb([cryst1(10, 10, 12, 90, 90, 120), atom({ serial: 1, name: 'LI  ', resname: 'LI', resSeq: 1 })].join('\n'), 'h.pdb').box!;
    const expected = [10, 0, 0, -5, 5 * Math.sqrt(3), 0, 0, 0, 12];
    hex.matrix.forEach((v, k) => expect(v).toBeCloseTo(expected[k], 10));
  });

  it('the 1 Å CRYST1 placeholder and a missing CRYST1 mean no cell', () => {
    const placeholder = parsePdb([cryst1(1, 1, 1, 90, 90, 90), atom({ serial: 1, name: ' C1 ', resname: 'MOL', resSeq: 1 })].join('\n'), 'p.pdb');
    expect(placeholder.box).toBeNull();
    expect(placeholder.notes.join()).toMatch(/placeholder/);
    expect(parsePdb(atom({ serial: 1, name: ' C1 ', resname: 'MOL', resSeq: 1 }), 'n.pdb').box).toBeNull();
  });

  it('without element columns, guesses from names with the residue: NA alone is sodium, NA in a protein nitrogen', () => {
    const text = [
      atom({ serial: 1, name: ' N  ', resname: 'HIS', resSeq: 1 }),
      atom({ serial: 2, name: ' NA ', resname: 'HIS', resSeq: 1 }),
      atom({ serial: 3, name: ' CA ', resname: 'HIS', resSeq: 1 }),
      atom({ serial: 4, name: 'NA  ', resname: 'NA', resSeq: 2 }),
      atom({ serial: 5, name: 'CA  ', resname: 'CA', resSeq: 3 }),
      atom({ serial: 6, name: ' MW ', resname: 'TIP4', resSeq: 4 }),
    ].join('\n');
    const top = parsePdb(text, 'g.pdb');
    expect(top.elements).toEqual(['N', 'N', 'C', 'Na', 'Ca', null]);
    expect(top.resnames![5]).toBe('TIP4');
    expect(top.elementSource).toBe('guessed from names');
    expect(top.masses![5]).toBeNaN();
    expect(top.notes.join('\n')).toMatch(/no element column/);
    expect(top.notes.join('\n')).toMatch(/no element for the names MW \(1\)/);
  });

  it('element columns that hold no symbol, or only some atoms with one: guessed, and said', () => {
    const text = [
      atom({ serial: 1, name: ' OW ', resname: 'SOL', resSeq: 1, element: 'O' }),
      atom({ serial: 2, name: ' HW1', resname: 'SOL', resSeq: 1, element: 'X' }),
      atom({ serial: 3, name: ' HW2', resname: 'SOL', resSeq: 1 }),
    ].join('\n');
    const top = parsePdb(text, 'e.pdb');
    expect(top.elements).toEqual(['O', 'H', 'H']);
    expect(top.elementSource).toBe('guessed from names');
    expect(top.notes.join('\n')).toMatch(/hold no element symbol for X \(1\)/);
    expect(top.notes.join('\n')).toMatch(/2 of 3 atoms have no element/);
  });

  it('MODEL/ENDMDL: the first model only; CONECT after the models still counts', () => {
    const model = (n: number, x: number) => [
      `MODEL     ${String(n).padStart(4)}`,
      atom({ serial: 1, name: ' O1 ', resname: 'EC', resSeq: 1, xyz: [x, 0, 0], element: 'O' }),
      atom({ serial: 2, name: ' C1 ', resname: 'EC', resSeq: 1, xyz: [x + 1.4, 0, 0], element: 'C' }),
      'TER',
      'ENDMDL',
    ];
    const text = [...model(1, 0), ...model(2, 5), atom({ serial: 3, name: ' X  ', resname: 'EC', resSeq: 1 }), conect(1, 2), 'END'].join('\n');
    const top = parsePdb(text, 'm.pdb');
    expect(top.natoms).toBe(2);
    expect(top.positions[0]).toBe(0);
    expect(Array.from(top.bonds!)).toEqual([0, 1]);
    expect(top.notes.join()).toMatch(/first of 2 models/);
  });

  it('MDAnalysis-style CONECT with more than four partners on a line; bonds named twice count once', () => {
    const atoms = [1, 2, 3, 4, 5, 6].map((s) => atom({ serial: s, name: s === 1 ? ' S1 ' : ` F${s - 1} `, resname: 'SF6', resSeq: 1 }));
    const top = parsePdb([...atoms, conect(1, 2, 3, 4, 5, 6, 7), conect(2, 1), 'END'].join('\n'), 's.pdb');
    expect(Array.from(top.bonds!)).toEqual([0, 1, 0, 2, 0, 3, 0, 4, 0, 5]);
    expect(top.notes.join()).toMatch(/1 CONECT entries name serials that are no atom/);
  });

  it('hybrid-36 serials past 99999, in ATOM and CONECT records', () => {
    const text = [
      atom({ serial: 99999, name: ' OW ', resname: 'SOL', resSeq: 9999 }),
      atom({ serial: 'A0000', name: ' HW1', resname: 'SOL', resSeq: 9999 }),
      atom({ serial: 'A0001', name: ' HW2', resname: 'SOL', resSeq: 9999 }),
      conect(99999, 'A0000', 'A0001'),
    ].join('\n');
    const top = parsePdb(text, 'h36.pdb');
    expect(Array.from(top.ids!)).toEqual([99999, 100000, 100001]);
    expect(Array.from(top.bonds!)).toEqual([0, 1, 0, 2]);
  });

  it('serials that wrap (GROMACS writes them modulo 100000) make CONECT ambiguous: bonds left out, with a note', () => {
    const text = [
      atom({ serial: 99999, name: ' OW ', resname: 'SOL', resSeq: 1 }),
      atom({ serial: 0, name: ' HW1', resname: 'SOL', resSeq: 1 }),
      atom({ serial: 1, name: ' HW2', resname: 'SOL', resSeq: 1 }),
      atom({ serial: 1, name: 'NA  ', resname: 'NA', resSeq: 2 }),
      conect(99999, 0, 1),
    ].join('\n');
    const top = parsePdb(text, 'wrap.pdb');
    expect(top.bonds).toBeNull();
    expect(top.notes.join()).toMatch(/CONECT records left out/);
  });

  it('residue numbers that wrap past 9999 are counted on, as MDAnalysis does; 4-character residue names are whole', () => {
    const text = [9998, 9999, 0, 1].map((r, k) => atom({ serial: k + 1, name: ' OH2', resname: 'TIP3', resSeq: r })).join('\n');
    const top = parsePdb(text, 'r.pdb');
    expect(Array.from(top.resids!)).toEqual([9998, 9999, 10000, 10001]);
    expect(top.resnames).toEqual(['TIP3', 'TIP3', 'TIP3', 'TIP3']);
    expect(top.elements).toEqual(['O', 'O', 'O', 'O']);
  });

  it('atoms with an alternate location are all kept, with a note', () => {
    const text = ['A', 'B'].map((alt, k) => atom({ serial: k + 1, name: ' OG ', altLoc: alt, resname: 'SER', resSeq: 1 })).join('\n');
    const top = parsePdb(text, 'alt.pdb');
    expect(top.natoms).toBe(2);
    expect(top.notes.join()).toMatch(/2 atoms have an alternate location/);
  });
});

describe('parsePdb errors name the file, the line and what was expected', () => {
  const good = atom({ serial: 1, name: ' OW ', resname: 'SOL', resSeq: 1 });
  it.each([
    ['no atoms', 'TITLE nothing\nEND', /^x\.pdb: expected ATOM or HETATM records/],
    ['an ATOM line cut before z', good.slice(0, 50), /^x\.pdb, line 1: expected an ATOM record with x y z in columns 31–54/],
    ['a coordinate that is not a number', good.slice(0, 38) + '   abc  ' + good.slice(46), /^x\.pdb, line 1: expected y \(Å\) in columns 39–46, found "   abc  "/],
    ['a residue number that is not one', good.slice(0, 22) + '  ?1' + good.slice(26), /^x\.pdb, line 1: expected a residue number in columns 23–26/],
    ['an unreadable formal charge', good + 'x+', /^x\.pdb, line 1: expected a formal charge/],
    ['a CRYST1 with a word for a length', 'CRYST1   abc    10.000   10.000  90.00  90.00  90.00 P 1', /^x\.pdb, line 1: expected CRYST1 a b c/],
    ['a CONECT with a word for a serial', good + '\n' + 'CONECT    1  two', /^x\.pdb, line 2: expected bonded atom serials/],
  ])('%s', (_what, text, message) => {
    expect(() => parsePdb(text, 'x.pdb')).toThrow(message);
  });
});

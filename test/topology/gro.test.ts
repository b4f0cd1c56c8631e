import { describe, expect, it } from 'vitest';
import { parseGro } from '../../src/topology/gro.js';
import { atomicMass } from '../../src/model/elements.js';

/** A .gro atom line in GROMACS's layout: %5d%-5s%5s%5d then x y z as %{w}.{p}f. */
function atom(resid: number, resname: string, name: string, n: number, xyz: number[], p = 3, extra = ''): string {
  const w = p + 5;
  return (
    String(resid).padStart(5) + resname.padEnd(5) + name.padStart(5) + String(n).padStart(5) +
    xyz.map((x) => x.toFixed(p).padStart(w)).join('') + extra
  );
}

const TIP4P_NA = [
  'TIP4P water and a sodium ion, t= 0.0',
  '    5',
  atom(1, 'SOL', 'OW', 1, [0.1, 0.2, 0.3]),
  atom(1, 'SOL', 'HW1', 2, [0.15, 0.2, 0.3]),
  atom(1, 'SOL', 'HW2', 3, [0.1, 0.25, 0.3]),
  atom(1, 'SOL', 'MW', 4, [0.11, 0.21, 0.3]),
  atom(2, 'NA', 'NA', 5, [1.234, -0.5, 2.0]),
  '   3.00000   3.10000   3.20000',
  '',
].join('\n');

describe('parseGro on hand-made files', () => {
  it('reads names, residues, atom numbers and nm → Å coordinates; a 3-number box is orthorhombic', () => {
    const top = parseGro(TIP4P_NA, 'w.gro');
    expect(top.format).toBe('gro');
    expect(top.natoms).toBe(5);
    expect(top.names).toEqual(['OW', 'HW1', 'HW2', 'MW', 'NA']);
    expect(top.resnames).toEqual(['SOL', 'SOL', 'SOL', 'SOL', 'NA']);
    expect(Array.from(top.resids!)).toEqual([1, 1, 1, 1, 2]);
    expect(Array.from(top.ids!)).toEqual([1, 2, 3, 4, 5]);
    expect(Array.from(top.positions.subarray(12))).toEqual([12.34, -5, 20]);
    expect(Array.from(top.box!.matrix)).toEqual([30, 0, 0, 0, 31, 0, 0, 0, 32]);
    expect(Array.from(top.box!.origin)).toEqual([0, 0, 0]);
    expect(top.bonds).toBeNull();
    expect(top.types).toBeNull();
  });

  it('guesses elements from names and residues; the TIP4P virtual site has none and a NaN mass, and a note says so', () => {
    const top = parseGro(TIP4P_NA, 'w.gro');
    expect(top.elements).toEqual(['O', 'H', 'H', null, 'Na']);
    expect(top.elementSource).toBe('guessed from names');
    expect(top.masses![0]).toBe(atomicMass('O'));
    expect(top.masses![3]).toBeNaN();
    expect(top.masses![4]).toBe(atomicMass('Na'));
    expect(top.notes.join('\n')).toMatch(/no element for the names MW \(1\)/);
  });

  it('an atom named NA inside a molecule is a nitrogen; alone in its residue, sodium', () => {
    const text = ['x', '    3', atom(1, 'LIG', 'NA', 1, [0, 0, 0]), atom(1, 'LIG', 'C1', 2, [0.1, 0, 0]), atom(2, 'ION', 'NA', 3, [0.5, 0.5, 0.5]), '1 1 1'].join('\n');
    expect(parseGro(text, 'l.gro').elements).toEqual(['N', 'C', 'Na']);
  });

  it('reads the field width from the decimal points (%10.5f) and ignores velocity columns', () => {
    const v = [0.1234, -0.5, 0.25].map((x) => x.toFixed(6).padStart(11)).join('');
    const text = ['precise', '    1', atom(7, 'LI', 'LI', 1, [1.23456, 2.5, -0.00001], 5, v), '2.0 2.0 2.0'].join('\n');
    const top = parseGro(text, 'p.gro');
    expect(top.positions[0]).toBeCloseTo(12.3456, 12);
    expect(top.positions[1]).toBeCloseTo(25, 12);
    expect(top.positions[2]).toBeCloseTo(-0.0001, 12);
    expect(top.elements).toEqual(['Li']);
  });

  it('a 9-number box line is v1x v2y v3z v1y v1z v2x v2z v3x v3y (the rhombic dodecahedron of gmx editconf)', () => {
    const text = ['d', '    1', atom(1, 'K', 'K', 1, [0, 0, 0]), '   2.20166   2.20166   1.55681   0.00000   0.00000   0.00000   0.00000   1.10083   1.10083'].join('\n');
    const m = Array.from(parseGro(text, 'd.gro').box!.matrix);
    const expected = [22.0166, 0, 0, 0, 22.0166, 0, 11.0083, 11.0083, 15.5681];
    m.forEach((x, k) => expect(x).toBeCloseTo(expected[k], 10));
  });

  it('reads the first frame of a multi-frame file, with Windows line ends', () => {
    const frame = (x: number) => ['t', '    1', atom(1, 'CL', 'CL', 1, [x, 0, 0]), '1 1 1'];
    const top = parseGro([...frame(0.5), ...frame(0.7)].join('\r\n') + '\r\n', 'm.gro');
    expect(top.natoms).toBe(1);
    expect(top.names).toEqual(['CL']);
    expect(top.positions[0]).toBeCloseTo(5, 12);
    expect(top.elements).toEqual(['Cl']);
  });

  it('a zero box line means no cell, with a note', () => {
    const top = parseGro(['t', '    1', atom(1, 'NA', 'NA', 1, [0, 0, 0]), '   0.00000   0.00000   0.00000'].join('\n'), 'z.gro');
    expect(top.box).toBeNull();
    expect(top.notes.join()).toMatch(/no periodic box/);
  });
});

describe('parseGro reads every layout the same way', () => {
  it('GROMACS-layout lines give Number() of each field, in Å, and the atom numbers as written', () => {
    // A deterministic spread of values: signs, zeros, large and small, 3 and 5 decimals.
    for (const p of [3, 5]) {
      const xyz = Array.from({ length: 300 }, (_, k) => [((k * 7919) % 20011) / 1000 - 10, -((k * 104729) % 9973) / 10 ** p, k % 3 === 0 ? 0 : (k * 31) / 7]);
      const lines = xyz.map((r, k) => atom(k + 1, k % 2 ? 'SOL' : 'NA', k % 2 ? 'OW' : 'NA', k + 1, r, p));
      const top = parseGro(['t', String(xyz.length).padStart(5), ...lines, '5 5 5'].join('\n'), 'r.gro');
      const w = p + 5;
      lines.forEach((line, k) => {
        for (let d = 0; d < 3; d++) expect(top.positions[3 * k + d]).toBe(Number(line.slice(20 + d * w, 20 + (d + 1) * w)) * 10);
      });
      expect(Array.from(top.ids!)).toEqual(xyz.map((_, k) => k + 1));
    }
  });

  it('lines of other layouts (a tab, an exponent, a trailing space in a number, "1.") are read field by field', () => {
    const text = [
      't',
      '    4',
      atom(1, 'SOL', 'OW', 1, [0.1, 0.2, 0.3]),
      '    2SOL    HW1    2 1.50e-1   0.200   0.300',
      '3    SOL    HW2    3   0.100  \t0.250   0.300',
      '   -4NA      NA 5         1. -0.500    2.000',
      '1 1 1',
    ].join('\n');
    const top = parseGro(text, 'o.gro');
    expect(Array.from(top.resids!)).toEqual([1, 2, 3, -4]);
    expect(Array.from(top.ids!)).toEqual([1, 2, 3, 5]);
    expect(Array.from(top.positions)).toEqual([1, 2, 3, 1.5, 2, 3, 1, 2.5, 3, 10, -5, 20]);
    expect(top.elements).toEqual(['O', 'H', 'H', 'Na']);
  });
});

describe('parseGro errors name the file, the line and what was expected', () => {
  const ok = TIP4P_NA.split('\n');
  const withLine = (k: number, text: string) => ok.map((l, i) => (i === k ? text : l)).join('\n');
  it.each([
    ['a count that is not a number', withLine(1, ' five'), /^w\.gro, line 2: expected the number of atoms/],
    ['more atoms than lines', withLine(1, '    9'), /^w\.gro, line 8: the file ends here: line 2 says 9 atoms, and only 6 atom lines follow it/],
    ['a missing box line', ok.slice(0, 7).join('\n'), /^w\.gro, line 7: the file ends here: line 2 says 5 atoms, and the box line after them is missing/],
    ['a coordinate that is not a number', withLine(4, atom(1, 'SOL', 'HW2', 3, [0.1, 0.25, 0.3]).replace('0.250', '0.2x0')), /^w\.gro, line 5: expected y \(nm\) in columns 29–36/],
    ['a short atom line', withLine(3, '    1SOL    HW1    2   0.150   0.200'), /^w\.gro, line 4: expected atom 2 of 5 with x y z in columns 21–44/],
    ['a residue number that is not one', withLine(6, atom(2, 'NA', 'NA', 5, [1, 1, 1]).replace('    2NA', '   xxNA')), /^w\.gro, line 7: expected a residue number in columns 1–5/],
    ['a box line with 4 numbers', withLine(7, '3 3 3 3'), /^w\.gro, line 8: expected the box line after 5 atoms: 3 or 9 numbers/],
    ['a first atom line without decimal points where GROMACS puts them', withLine(2, '    1SOL     OW    1 0.1 0.2 0.3'), /^w\.gro, line 3: expected an atom line with x y z from column 21/],
    ['a one-line file', 'title only', /^w\.gro, line 2: expected the number of atoms/],
  ])('%s', (_what, text, message) => {
    expect(() => parseGro(text, 'w.gro')).toThrow(message);
  });

  it('are InputErrors', async () => {
    const { InputError } = await import('../../src/model/errors.js');
    expect(() => parseGro('x\n 3\n', 'w.gro')).toThrow(InputError);
  });
});

import { describe, expect, it } from 'vitest';
import { HAVE_SHARED, pos, readAll, readError, shared, tempFile } from '../support/io.js';

const fixedCell = `Li2 Cl1
           1
    10.000000    0.000000    0.000000
     0.000000   10.000000    0.000000
     1.000000    0.000000   12.000000
   Li   Cl
    2    1
Direct configuration=     1
  0.10000000  0.20000000  0.30000000
  0.50000000  0.50000000  0.50000000
  0.00000000  0.00000000  0.90000000
Direct configuration=     2
  0.11000000  0.20000000  0.30000000
  0.50000000  0.51000000  0.50000000
  0.00000000  0.00000000  0.95000000
`;

describe('VASP XDATCAR', () => {
  it('reads a fixed-cell file: species, counts, fractional → Cartesian (r = s·H)', async () => {
    const { frames, reader } = await readAll(tempFile('XDATCAR', fixedCell));
    expect(reader.format).toBe('xdatcar');
    expect(reader.topology!.elements).toEqual(['Li', 'Li', 'Cl']);
    expect(frames.map((f) => f.step)).toEqual([1, 2]);
    // atom 2: s = (0, 0, 0.9) → 0.9·c = (0.9, 0, 10.8)
    const p = pos(frames[0], 2);
    expect(p[0]).toBeCloseTo(0.9, 12);
    expect(p[2]).toBeCloseTo(10.8, 12);
    expect(frames[1].box).toEqual(frames[0].box);
  });

  it('reads a variable-cell (NpT) file where every frame repeats the header', async () => {
    const second = fixedCell.split('\n').slice(0, 7).join('\n').replace('10.000000    0.000000    0.000000', '11.000000    0.000000    0.000000');
    const text = fixedCell.split('Direct configuration=     2')[0] + second + '\nDirect configuration=     2\n  0.5 0.5 0.5\n  0 0 0\n  0.1 0.1 0.1\n';
    const { frames } = await readAll(tempFile('npt.XDATCAR', text));
    expect(frames).toHaveLength(2);
    expect(frames[0].box!.matrix[0]).toBe(10);
    expect(frames[1].box!.matrix[0]).toBe(11);
    expect(pos(frames[1], 0)[0]).toBeCloseTo(0.5 * 11 + 0.5 * 1, 12); // s·H with the new a and c
  });

  it('applies the scale factor to the cell and to Cartesian coordinates, and ignores species labels after them', async () => {
    const text = fixedCell.replace(/^ {11}1$/m, '  2.0').replace(/Direct configuration=\s+1\n(.*\n){3}/, 'Cartesian configuration= 1\n 1 2 3 Li\n 4 5 6 Li\n 7 8 9 Cl\n');
    const { frames } = await readAll(tempFile('cart.XDATCAR', text));
    expect(frames[0].box!.matrix[0]).toBe(20);
    expect(pos(frames[0], 2)).toEqual([14, 16, 18]);
  });

  it('reads a negative scale as the cell volume', async () => {
    const text = fixedCell.replace(/^ {11}1$/m, '-9600');
    const { frames } = await readAll(tempFile('vol.XDATCAR', text));
    // V0 = 10·10·12 = 1200 Å³ → factor (9600/1200)^(1/3) = 2
    expect(frames[0].box!.matrix[0]).toBeCloseTo(20, 12);
  });

  it('explains that a VASP 4 file without species names is not supported', async () => {
    const err = await readError(tempFile('v4.XDATCAR', fixedCell.replace('   Li   Cl\n', '')));
    expect(err.message).toMatch(/line 6, frame 0: expected the species names \(VASP 5 XDATCAR\); found "    2    1" — a VASP 4 file/);
  });

  it('names the line of a malformed coordinate', async () => {
    const err = await readError(tempFile('bad.XDATCAR', fixedCell.replace('0.51000000', '0.51O00000')));
    expect(err.message).toMatch(/line 14, frame 1: expected a coordinate \(a number\), not "0.51O00000"/);
  });

  it('reports counts that do not add up to the atom lines of a frame', async () => {
    const err = await readError(tempFile('count.XDATCAR', fixedCell.replace('    2    1', '    2    2')));
    expect(err.message).toMatch(/line 12, frame 0: expected a coordinate \(a number\), not "Direct"/);
  });

  it.skipIf(!HAVE_SHARED)('reads the shared argyrodite.XDATCAR (Li6PS5Cl, 416 atoms × 140 frames)', async () => {
    const { frames, reader } = await readAll(shared('argyrodite.XDATCAR'));
    expect(frames).toHaveLength(140);
    expect(reader.topology!.natoms).toBe(416);
    const counts = new Map<string, number>();
    for (const e of reader.topology!.elements!) counts.set(e, (counts.get(e) ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual({ Li: 192, Cl: 32, S: 160, P: 32 });
    expect(frames[139].step).toBe(140);
  });
});

import { describe, expect, it } from 'vitest';
import { ParseError } from '../../src/model/errors.js';
import { orthorhombicBox } from '../../src/model/box.js';
import { HAVE_SHARED, pos, readAll, readError, shared, tempFile } from '../support/io.js';

const twoFrames = `3
water, frame 0
O 0.000 0.000 0.000
H 0.757 0.586 0.000
H -0.757 0.586 0.000
3
water, frame 1
O 0.100 0.000 0.000
H 0.857 0.586 0.000
H -0.657 0.586 0.000
`;

describe('plain XYZ', () => {
  it('reads frames, elements and positions', async () => {
    const { frames, reader } = await readAll(tempFile('w.xyz', twoFrames));
    expect(reader.format).toBe('xyz');
    expect(frames).toHaveLength(2);
    expect(reader.topology?.elements).toEqual(['O', 'H', 'H']);
    expect(reader.topology?.masses?.[0]).toBeCloseTo(15.999, 3);
    expect(pos(frames[1], 2)).toEqual([-0.657, 0.586, 0]);
    expect(frames[0].box).toBeNull();
    expect(frames.map((f) => f.index)).toEqual([0, 1]);
  });

  it('takes the cell from the caller, since the format has none', async () => {
    const box = orthorhombicBox(10, 11, 12);
    const { frames } = await readAll(tempFile('w.xyz', twoFrames), { box });
    expect(Array.from(frames[1].box!.matrix)).toEqual([10, 0, 0, 0, 11, 0, 0, 0, 12]);
  });

  it('accepts atomic numbers for elements and ignores extra columns', async () => {
    const text = '2\n\n11 1 2 3 0.5 0.5 0.5\n8 4 5 6 extra words here\n';
    const { frames, reader } = await readAll(tempFile('z.xyz', text));
    expect(reader.topology?.elements).toEqual(['Na', 'O']);
    expect(pos(frames[0], 1)).toEqual([4, 5, 6]);
  });

  it('reads CRLF line endings, tabs, and blank lines at the end', async () => {
    const text = twoFrames.replace(/ /g, '\t').replace(/\n/g, '\r\n') + '\r\n\r\n';
    const { frames } = await readAll(tempFile('crlf.xyz', text));
    expect(frames).toHaveLength(2);
    expect(pos(frames[1], 1)).toEqual([0.857, 0.586, 0]);
  });

  it('reads gzip-compressed files (recognised by content, not name)', async () => {
    const { frames } = await readAll(tempFile('w.xyz.gz', twoFrames));
    expect(frames).toHaveLength(2);
    expect(pos(frames[1], 0)).toEqual([0.1, 0, 0]);
  });

  it('keeps the complete frames of a file whose last frame is cut off, with a warning', async () => {
    const cut = twoFrames.slice(0, twoFrames.lastIndexOf('H 0.857') + 5);
    const { frames, reader } = await readAll(tempFile('cut.xyz', cut));
    expect(frames).toHaveLength(1);
    expect(reader.warnings).toHaveLength(1);
    expect(reader.warnings[0]).toMatch(/last frame \(frame 1, from line 6\) is incomplete.*1 complete frame/);
  });

  it('names file, line and frame for a malformed number', async () => {
    const bad = twoFrames.replace('H 0.857 0.586', 'H 0.857 0.5x6');
    const path = tempFile('bad.xyz', bad);
    const err = await readError(path);
    expect(err).toBeInstanceOf(ParseError);
    expect(err.message).toBe(`${path}, line 9, frame 1: expected y (a number), not "0.5x6"; found "H 0.857 0.5x6 0.000"`);
  });

  it('reports a frame with fewer atom lines than its count line says, at the next frame\'s count line', async () => {
    const short = twoFrames.replace('H -0.757 0.586 0.000\n', '');
    const path = tempFile('short.xyz', short);
    const err = await readError(path);
    expect(err).toBeInstanceOf(ParseError);
    expect(err.message).toBe(
      `${path}, line 5, frame 0: the frame declares 3 atoms but has only 2 atom lines: this line holds a lone integer (the next frame's atom count); found "3"`,
    );
  });

  it('reports a short frame after the first (atoms parsed by the compiled row parser) the same way', async () => {
    const three = twoFrames + twoFrames.slice(0, twoFrames.indexOf('3\nwater, frame 1'));
    const short = three.replace('H -0.657 0.586 0.000\n', '');
    const err = await readError(tempFile('short2.xyz', short));
    expect(err.message).toMatch(/line 10, frame 1: the frame declares 3 atoms but has only 2 atom lines: this line holds a lone integer/);
  });

  it('reports a blank line where an atom line is due', async () => {
    const err = await readError(tempFile('blank.xyz', twoFrames.replace('H 0.857 0.586 0.000\n', '\n')));
    expect(err.message).toMatch(/line 9, frame 1: the frame declares 3 atoms but has only 1 atom line: this line is blank; found ""/);
  });

  it('keeps the precise message for a damaged atom line (a short line, a malformed number, a lone symbol)', async () => {
    const noZ = await readError(tempFile('noz.xyz', twoFrames.replace('H 0.857 0.586 0.000', 'H 0.857 0.586')));
    expect(noZ.message).toMatch(/line 9, frame 1: expected z \(a number\), but the line ends; found "H 0.857 0.586"$/);
    const bad = await readError(tempFile('badx.xyz', twoFrames.replace('H 0.857 0.586 0.000', 'H 0.8.57 0.586 0.000')));
    expect(bad.message).toMatch(/line 9, frame 1: expected x \(a number\), not "0.8.57"/);
    const lone = await readError(tempFile('lone.xyz', twoFrames.replace('H 0.857 0.586 0.000', 'H')));
    expect(lone.message).toMatch(/line 9, frame 1: expected x \(a number\), but the line ends; found "H"$/);
  });

  it('reports a count line that is not a number', async () => {
    const err = await readError(tempFile('nocount.xyz', twoFrames.replace(/^3\n/, '3 atoms\n')), { format: 'xyz' });
    expect(err.message).toMatch(/line 1, frame 0: expected the number of atoms alone on the line; found "3 atoms"/);
  });

  it('reports a frame count line that is missing between frames', async () => {
    const err = await readError(tempFile('nocount2.xyz', twoFrames.replace('3\nwater, frame 1\n', 'water, frame 1\n')));
    expect(err.message).toMatch(/line 6, frame 1: expected the number of atoms \(an integer\), not "water,"/);
  });
});

describe('extended XYZ', () => {
  const ext = `2
Properties=id:I:1:species:S:1:vel:R:3:pos:R:3 Lattice="10.0 0.0 0.0 1.0 9.0 0.0 0.5 0.5 8.0" Time=1500.0 pbc="T T T" comment="a quoted, spaced value"
7 Na 0.1 0.2 0.3 1.0 2.0 3.0
8 O 0.1 0.2 0.3 4.0 5.0 6.0
2
pos:R:3 is not here Lattice="11 0 0 0 11 0 0 0 11" properties=species:S:1:pos:R:3 time=2000
Na 1.5 2.5 3.5
O 4.5 5.5 6.5
`;

  it('reads columns named by Properties= in any order, the cell and the time (fs)', async () => {
    const { frames, reader } = await readAll(tempFile('a.extxyz', ext));
    expect(reader.format).toBe('extxyz');
    expect(reader.topology?.elements).toEqual(['Na', 'O']);
    expect(pos(frames[0], 1)).toEqual([4, 5, 6]);
    expect(Array.from(frames[0].box!.matrix)).toEqual([10, 0, 0, 1, 9, 0, 0.5, 0.5, 8]);
    expect(frames[0].timePs).toBeCloseTo(1.5, 12);
    expect(pos(frames[1], 0)).toEqual([1.5, 2.5, 3.5]);
    expect(frames[1].box!.matrix[0]).toBe(11);
    expect(frames[1].timePs).toBeCloseTo(2.0, 12);
  });

  it("reads CP2K's EXTXYZ trajectory: Step=, Time= in fs, the cell from Lattice=", async () => {
    // CP2K's title for FORMAT EXTXYZ (motion_utils.F, write_trajectory): the cell as 9 F19.10,
    // Step as I8, Time as F12.3 in fs, Energy as F20.10, each trimmed; atoms as (A, 3F20.10).
    const f = (x: number, d: number) => x.toFixed(d);
    let text = '';
    for (const [k, step] of [0, 20, 40].entries()) {
      text += `${'2'.padStart(8)}\nLattice="${[9, 0, 0, 0.8, 8.5, 0, -0.6, 0.4, 9.5].map((v) => f(v, 10)).join(' ')}" Properties=species:S:1:pos:R:3 pbc="T T T" Step=${step} Time=${f(step * 0.5, 3)} Energy=${f(-1234.5678901234 - k, 10)}\n`;
      text += `  Na ${f(1 + 0.1 * k, 10).padStart(20)} ${f(2, 10).padStart(20)} ${f(3, 10).padStart(20)}\n`;
      text += `   O ${f(4, 10).padStart(20)} ${f(5, 10).padStart(20)} ${f(6 - 0.1 * k, 10).padStart(20)}\n`;
    }
    const { frames, reader } = await readAll(tempFile('NaO-pos-1.xyz', text));
    expect(reader.format).toBe('extxyz');
    expect(frames.map((fr) => fr.step)).toEqual([0, 20, 40]);
    expect(frames.map((fr) => fr.timePs)).toEqual([0, 0.01, 0.02]);
    expect(Array.from(frames[2].box!.matrix)).toEqual([9, 0, 0, 0.8, 8.5, 0, -0.6, 0.4, 9.5]);
    expect(pos(frames[2], 0)[0]).toBeCloseTo(1.2, 12);
    expect(pos(frames[2], 1)[2]).toBeCloseTo(5.8, 12);
  });

  it('reports a frame with fewer atom lines than its count line says, whatever the column order', async () => {
    const short = ext.replace('8 O 0.1 0.2 0.3 4.0 5.0 6.0\n', '');
    const err = await readError(tempFile('short.extxyz', short));
    expect(err.message).toMatch(/line 4, frame 0: the frame declares 2 atoms but has only 1 atom line: this line holds a lone integer \(the next frame's atom count\); found "2"/);
    // pos first: the count line parses as x, and y is missing
    const posFirst = `2\nProperties=pos:R:3:species:S:1\n1 2 3 Na\n2\nProperties=pos:R:3:species:S:1\n1 2 3 Na\n4 5 6 O\n`;
    const err2 = await readError(tempFile('short-pos.extxyz', posFirst));
    expect(err2.message).toMatch(/line 4, frame 0: the frame declares 2 atoms but has only 1 atom line: this line holds a lone integer/);
  });

  it('names the comment line when Lattice= is malformed', async () => {
    const err = await readError(tempFile('b.extxyz', ext.replace('Lattice="11 0 0 0 11 0 0 0 11"', 'Lattice="11 0 0"')));
    expect(err.message).toMatch(/line 6, frame 1: expected Lattice="ax ay az bx by bz cx cy cz" \(9 numbers\)/);
  });

  it.skipIf(!HAVE_SHARED)('reads the shared extended.xyz (three structures, triclinic, extra columns)', async () => {
    const { frames, reader } = await readAll(shared('extended.xyz'));
    expect(frames).toHaveLength(3);
    expect(frames[0].natoms).toBe(192);
    expect(frames[0].box!.matrix[0]).toBe(8.43116035);
    expect(reader.topology?.elements?.slice(0, 5)).toEqual(['O', 'O', 'O', 'O', 'C']);
    expect(pos(frames[0], 0)).toEqual([2.33827271799, 4.55315540425, 11.5841360926]);
  });

  it.skipIf(!HAVE_SHARED)('reads the shared helium.xyz: 125 atoms × 397 frames', async () => {
    const { frames, reader } = await readAll(shared('helium.xyz'));
    expect(reader.format).toBe('xyz');
    expect(frames).toHaveLength(397);
    expect(frames.every((f) => f.natoms === 125)).toBe(true);
    expect(pos(frames[0], 0)).toEqual([0.49053, 8.41351, 0.0777257]);
  });
});

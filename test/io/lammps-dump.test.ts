import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { boxVolume, boxAngles } from '../../src/model/box.js';
import { unwrapWithImages } from '../../src/select/unwrap-images.js';
import { TrajectoryReader } from '../../src/io/reader.js';
import { ParseError } from '../../src/model/errors.js';
import { FIXTURES, HAVE_SHARED, pos, readAll, readError, shared, tempFile } from '../support/io.js';

const lammps = (name: string) => join(FIXTURES, 'io/lammps', name);

describe('LAMMPS dump written by LAMMPS (test/fixtures/io/lammps, see in.make-fixtures)', () => {
  it('converts the restricted triclinic bounding box with negative tilts back to the real cell', async () => {
    // in.make-fixtures: region prism 0 20 0 18 0 16 xy=-3.0 xz=2.5 yz=-1.5
    const { frames } = await readAll(lammps('tri-scaled.lammpstrj'));
    const box = frames[0].box!;
    expect(Array.from(box.matrix)).toEqual([20, 0, 0, -3, 18, 0, 2.5, -1.5, 16]);
    expect(Array.from(box.origin)).toEqual([0, 0, 0]);
    expect(boxVolume(box)).toBeCloseTo(20 * 18 * 16, 9);
  });

  it('unwraps scaled coordinates + image flags to the xu yu zu LAMMPS wrote for the same atoms', async () => {
    const scaled = await readAll(lammps('tri-scaled.lammpstrj'));
    const unwrapped = await readAll(lammps('tri-unwrapped.lammpstrj'));
    expect(scaled.frames).toHaveLength(5);
    expect(unwrapped.frames).toHaveLength(5);
    let crossed = 0;
    for (let k = 0; k < 5; k++) {
      const fs = scaled.frames[k], fu = unwrapped.frames[k];
      expect(fs.images).not.toBeNull();
      expect(fu.unwrapped).toBe(true);
      const mine = unwrapWithImages(fs);
      for (let i = 0; i < 50; i++) {
        // xs has 6 significant digits: agreement to ~1e-4 Å in a 20 Å cell.
        for (let d = 0; d < 3; d++) expect(Math.abs(mine[3 * i + d] - fu.positions[3 * i + d])).toBeLessThan(2e-4);
        if (fs.images![3 * i] !== 0 || fs.images![3 * i + 1] !== 0 || fs.images![3 * i + 2] !== 0) crossed++;
      }
    }
    expect(crossed).toBeGreaterThan(20); // the test means something only if atoms crossed faces
  });

  it('sorts atoms by id (the file lists them in descending order) and reads element, mol, type', async () => {
    const { frames, reader } = await readAll(lammps('tri-scaled.lammpstrj'));
    const top = reader.topology!;
    expect(Array.from(top.ids!)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(top.elements!.slice(0, 1)).toEqual(['Na']);
    expect(top.elements![24]).toBe('O');
    expect(top.elements![49]).toBe('H');
    expect(top.molIds![0]).toBe(1);
    expect(top.molIds![49]).toBe(2);
    expect(top.types![19]).toBe(1);
    expect(top.types![20]).toBe(2);
    expect(top.masses![0]).toBeCloseTo(22.98976928, 6);
    expect(frames[0].step).toBe(1000);
  });

  it('reads ITEM: TIME in the units ITEM: UNITS names (real → fs)', async () => {
    const { frames } = await readAll(lammps('tri-scaled.lammpstrj'));
    frames.forEach((f, k) => expect(f.timePs).toBeCloseTo(1 + 0.1 * k, 12));
  });

  it('reads dump atom (unsorted ids, scaled coordinates) like dump custom', async () => {
    const atom = await readAll(lammps('tri.atom'));
    const custom = await readAll(lammps('tri-scaled.lammpstrj'));
    for (let k = 0; k < 5; k++) {
      expect(atom.frames[k].positions).toEqual(custom.frames[k].positions);
      expect(atom.frames[k].images).toEqual(custom.frames[k].images);
    }
  });

  it('prefers wrapped coordinates with image flags when unwrapped columns are present too, in any column order', async () => {
    // Image flags keep more digits than xu (a larger number to the same precision) and, in a
    // changing cell, are unwrapped step by step instead of folding the box fluctuations in.
    const { frames, reader } = await readAll(lammps('ortho-mixed.lammpstrj'));
    expect(frames[0].unwrapped).toBe(false);
    expect(frames[0].images).not.toBeNull();
    // first atom line: z y x type xu ix yu iy zu iz id mass = 0.706126 9.66019 10.5697 1 30.5697 1 9.66019 0 16.7061 1 1 22.9898
    expect(pos(frames[0], 0)).toEqual([10.5697, 9.66019, 0.706126]);
    const u = unwrapWithImages(frames[0]);
    expect([u[0], u[1], u[2]].map((x) => Number(x.toPrecision(6)))).toEqual([30.5697, 9.66019, 16.7061]);
    expect(reader.topology!.masses![0]).toBe(22.9898);
  });
});

describe.skipIf(!HAVE_SHARED)('LAMMPS dumps from other projects (../shared/fixtures)', () => {
  it('polymer.lammpstrj: unsorted ids with image flags unwrap to the values its origin documents', async () => {
    const { frames, reader } = await readAll(shared('polymer.lammpstrj'));
    expect(frames).toHaveLength(42);
    expect(reader.topology!.natoms).toBe(1714);
    expect(frames[0].box!.matrix[0]).toBeCloseTo(58.0937, 9);
    const u = unwrapWithImages(frames[0]);
    const at = (i: number) => [u[3 * i], u[3 * i + 1], u[3 * i + 2]];
    const expected: [number, number[]][] = [
      [0, [51.8474, 100.348, 116.516]],
      [1189, [116.829, 91.2404, 79.8858]],
      [1327, [173.311, 87.853, 109.417]],
    ];
    for (const [i, xyz] of expected) at(i).forEach((v, d) => expect(v).toBeCloseTo(xyz[d], 3));
  });

  it('nacl.lammpstrj: scaled coordinates without ids are a rock-salt lattice of spacing 2.8201 Å', async () => {
    const { frames } = await readAll(shared('nacl.lammpstrj'));
    expect(frames).toHaveLength(6);
    const f = frames[0];
    // atom 1 sits one lattice spacing from atom 0 along z (xs 0.0625 → 0.1875 of 22.5608 Å)
    expect(pos(f, 1)[2] - pos(f, 0)[2]).toBeCloseTo(2.8201, 4);
    expect(pos(f, 0)[0]).toBeCloseTo(0, 6); // -1.41005 + 0.0625·22.5608: the origin is included
  });

  it('detect_best_pos_repr.lammpstrj: the column set and the atom count change between frames', async () => {
    const { frames, reader } = await readAll(shared('detect_best_pos_repr.lammpstrj'));
    expect(frames.map((f) => f.natoms)).toEqual([854, 854, 856, 856, 856]);
    // Each frame holds a different complete set: all (x y z + images taken); x y z + images (no
    // zu); xs ys zs + images (no z, no yu); xsu ysu zsu; xu yu zu.
    expect(frames.map((f) => f.unwrapped)).toEqual([false, false, false, true, true]);
    expect(frames[1].images).not.toBeNull();
    // Frame 1's wrapped coordinates + image flags must give the xu and yu columns it also holds.
    const text = readFileSync(shared('detect_best_pos_repr.lammpstrj'), 'latin1').split('\n');
    const header = text[873].split(/\s+/).slice(2);
    const [lx, ly] = [60, 60];
    const u = unwrapWithImages(frames[1]);
    const ids = reader.topology!.ids!;
    for (let line = 874; line < 874 + 854; line += 97) {
      const v = text[line].trim().split(/\s+/).map(Number);
      const col = (name: string) => v[header.indexOf(name)];
      const i = ids.indexOf(col('id'));
      expect(u[3 * i]).toBeCloseTo(col('xu'), 3);
      expect(u[3 * i + 1]).toBeCloseTo(col('yu'), 3);
      expect(col('xu')).toBeCloseTo(col('x') + col('ix') * lx, 3);
      expect(col('yu')).toBeCloseTo(col('y') + col('iy') * ly, 3);
    }
    expect(reader.topology!.ids![0]).toBe(1);
    expect(frames[0].box!.pbc).toEqual([true, true, false]);
  });
});

describe('LAMMPS dump edge cases', () => {
  const frame = (step: number, header = 'ITEM: BOX BOUNDS pp pp pp\n0 10\n0 10\n0 10\n') =>
    `ITEM: TIMESTEP\n${step}\nITEM: NUMBER OF ATOMS\n2\n${header}ITEM: ATOMS id type x y z\n2 1 1 2 3\n1 2 4 5 6\n`;

  it('reads the general triclinic form (BOX BOUNDS abc origin)', async () => {
    const text = frame(0, 'ITEM: BOX BOUNDS abc origin pp pp pp\n10 0 0 1\n2 9 0 2\n1 1 8 3\n');
    const { frames } = await readAll(tempFile('general.lammpstrj', text));
    expect(Array.from(frames[0].box!.matrix)).toEqual([10, 0, 0, 2, 9, 0, 1, 1, 8]);
    expect(Array.from(frames[0].box!.origin)).toEqual([1, 2, 3]);
  });

  it('converts xy xz yz bounds for positive tilts', async () => {
    // xlo_bound = xlo + min(0,xy,xz,xy+xz) = 0; xhi_bound = xhi + max(0, 2, 1, 3) = 13; ylo/yhi + yz = 0.5
    const text = frame(0, 'ITEM: BOX BOUNDS xy xz yz pp pp pp\n0 13 2\n0 9.5 1\n0 8 0.5\n');
    const { frames } = await readAll(tempFile('tilt.lammpstrj', text));
    expect(Array.from(frames[0].box!.matrix)).toEqual([10, 0, 0, 2, 9, 0, 1, 0.5, 8]);
    const [alpha, beta, gamma] = boxAngles(frames[0].box!);
    expect(gamma).toBeCloseTo((Math.acos(2 / Math.hypot(2, 9)) * 180) / Math.PI, 10);
    expect(alpha).toBeLessThan(90);
    expect(beta).toBeLessThan(90);
  });

  it('reads a 2-frame dump and puts atoms in id order', async () => {
    const { frames } = await readAll(tempFile('two.lammpstrj', frame(0) + frame(10)));
    expect(frames.map((f) => f.step)).toEqual([0, 10]);
    expect(pos(frames[1], 0)).toEqual([4, 5, 6]);
  });

  it('names an unknown section', async () => {
    const err = await readError(tempFile('unk.lammpstrj', frame(0) + frame(10).replace('ITEM: NUMBER OF ATOMS', 'ITEM: NUMBER OF BEES')));
    expect(err.message).toMatch(/line 14, frame 1: unknown section "ITEM: NUMBER OF BEES"/);
  });

  it('names a missing atom count', async () => {
    const err = await readError(tempFile('nocount.lammpstrj', frame(0).replace('ITEM: NUMBER OF ATOMS\n2\n', '')));
    expect(err.message).toMatch(/line 7, frame 0: expected "ITEM: NUMBER OF ATOMS" before the atoms/);
  });

  it('reports an atom count larger than the atom lines as a short frame, not as a malformed id', async () => {
    const err = await readError(tempFile('miscount.lammpstrj', frame(0).replace('ATOMS\n2\n', 'ATOMS\n3\n') + frame(10)));
    expect(err.message).toMatch(
      /line 12, frame 0: the frame declares 3 atoms but has only 2 atom lines: this line is an "ITEM:" line \(the next frame begins\); found "ITEM: TIMESTEP"$/,
    );
  });

  it('still names a malformed id as such', async () => {
    const err = await readError(tempFile('badid.lammpstrj', frame(0) + frame(10).replace('1 2 4 5 6', '1x 2 4 5 6')));
    expect(err.message).toMatch(/line 22, frame 1: expected id \(column 1\) \(an integer\), not "1x"/);
  });

  it('reports duplicate atom ids', async () => {
    const err = await readError(tempFile('dup.lammpstrj', frame(0).replace('1 2 4 5 6', '2 2 4 5 6')));
    expect(err.message).toMatch(/frame 0: atom id 2 appears twice/);
  });

  it('reports a frame without coordinate columns', async () => {
    const err = await readError(tempFile('nocoord.lammpstrj', frame(0).replace('id type x y z', 'id type vx vy vz')));
    expect(err.message).toMatch(/line 9, frame 0: no coordinate columns/);
  });

  it('keeps complete frames when the last is cut off', async () => {
    const text = frame(0) + frame(10) + frame(20).slice(0, 70);
    const { frames, reader } = await readAll(tempFile('cut.lammpstrj', text));
    expect(frames).toHaveLength(2);
    expect(reader.warnings[0]).toMatch(/frame 2, from line 23\) is incomplete/);
  });
});

describe('LAMMPS dump: TIMESTEP, NUMBER OF ATOMS, BOX BOUNDS and ATOMS are required in every frame', () => {
  // Lines of one frame: 1 TIMESTEP, 2 step, 3 NUMBER OF ATOMS, 4 count, 5 BOX BOUNDS, 6-8 bounds,
  // 9 ATOMS, 10-11 atoms. Frames after the first parse their atoms with the compiled row parser.
  const frame = (step: number) =>
    `ITEM: TIMESTEP\n${step}\nITEM: NUMBER OF ATOMS\n2\nITEM: BOX BOUNDS pp pp pp\n0 10\n0 10\n0 10\nITEM: ATOMS id type x y z\n2 1 1 2 3\n1 2 4 5 6\n`;
  const without = (text: string, section: string) => {
    const out = text.replace(section, '');
    expect(out).not.toBe(text);
    return out;
  };
  const TIMESTEP = 'ITEM: TIMESTEP\n10\n';
  const COUNT = 'ITEM: NUMBER OF ATOMS\n2\n';
  const BOX = 'ITEM: BOX BOUNDS pp pp pp\n0 10\n0 10\n0 10\n';

  it('refuses a file that starts with ITEM: NUMBER OF ATOMS (no TIMESTEP), naming line 1', async () => {
    const path = tempFile('notimestep.lammpstrj', without(frame(0), 'ITEM: TIMESTEP\n0\n') + frame(10));
    const err = await readError(path);
    expect(err).toBeInstanceOf(ParseError);
    expect(err.message).toBe(
      `${path}, line 1, frame 0: expected "ITEM: TIMESTEP" before "ITEM: NUMBER OF ATOMS" (a frame starts with its timestep, after the optional ITEM: UNITS and ITEM: TIME); found "ITEM: NUMBER OF ATOMS"`,
    );
  });

  it('refuses a later frame without ITEM: TIMESTEP', async () => {
    const err = await readError(tempFile('notimestep2.lammpstrj', frame(0) + without(frame(10), TIMESTEP) + frame(20)));
    expect(err.message).toMatch(/line 12, frame 1: expected "ITEM: TIMESTEP" before "ITEM: NUMBER OF ATOMS"/);
  });

  it('refuses a frame whose first section is BOX BOUNDS or ATOMS', async () => {
    const boxFirst = `${BOX}${TIMESTEP}${COUNT}ITEM: ATOMS id type x y z\n1 1 1 2 3\n2 2 4 5 6\n`;
    expect((await readError(tempFile('boxfirst.lammpstrj', frame(0) + boxFirst))).message).toMatch(
      /line 12, frame 1: expected "ITEM: TIMESTEP" before "ITEM: BOX BOUNDS pp pp pp"/,
    );
    const atomsOnly = 'ITEM: ATOMS id type x y z\n1 1 1 2 3\n';
    expect((await readError(tempFile('atomsonly.lammpstrj', atomsOnly))).message).toMatch(
      /line 1, frame 0: expected "ITEM: TIMESTEP" before "ITEM: ATOMS id type x y z"/,
    );
  });

  it('refuses a frame without ITEM: BOX BOUNDS, first or later', async () => {
    const first = await readError(tempFile('nobox.lammpstrj', without(frame(0), 'ITEM: BOX BOUNDS pp pp pp\n0 10\n0 10\n0 10\n') + frame(10)));
    expect(first).toBeInstanceOf(ParseError);
    expect(first.message).toMatch(/line 5, frame 0: expected "ITEM: BOX BOUNDS" \(the cell\) before the atoms; found "ITEM: ATOMS id type x y z"/);
    const later = await readError(tempFile('nobox2.lammpstrj', frame(0) + frame(10) + without(frame(20), BOX)));
    expect(later.message).toMatch(/line 27, frame 2: expected "ITEM: BOX BOUNDS" \(the cell\) before the atoms/);
  });

  it('refuses a later frame without ITEM: NUMBER OF ATOMS', async () => {
    const err = await readError(tempFile('nocount2.lammpstrj', frame(0) + without(frame(10), COUNT)));
    expect(err.message).toMatch(/line 18, frame 1: expected "ITEM: NUMBER OF ATOMS" before the atoms/);
  });

  it('refuses a frame without an ITEM: ATOMS section, where the next frame begins', async () => {
    const noAtoms = without(frame(10), 'ITEM: ATOMS id type x y z\n2 1 1 2 3\n1 2 4 5 6\n');
    const err = await readError(tempFile('noatoms.lammpstrj', frame(0) + noAtoms + frame(20)));
    expect(err.message).toMatch(/line 20, frame 1: expected "ITEM: ATOMS": this frame has no atoms section before the next frame's "ITEM: TIMESTEP"; found "ITEM: TIMESTEP"/);
    // The same when frames start with ITEM: TIME: the repeated TIME is where the next frame begins.
    const timed = (t: string, f: string) => `ITEM: TIME\n${t}\n${f}`;
    const err2 = await readError(tempFile('noatoms-time.lammpstrj', timed('0', frame(0)) + timed('1', noAtoms) + timed('2', frame(20))));
    expect(err2.message).toMatch(/line 24, frame 1: expected "ITEM: ATOMS": this frame has no atoms section before the next frame's "ITEM: TIME"/);
  });

  it('refuses atom lines without the ITEM: ATOMS line that names their columns', async () => {
    const err = await readError(tempFile('noheader.lammpstrj', frame(0) + without(frame(10), 'ITEM: ATOMS id type x y z\n')));
    expect(err.message).toMatch(/line 20, frame 1: expected an "ITEM:" line; this frame has had no "ITEM: ATOMS" line \(the column names\), so atom lines cannot start here; found "2 1 1 2 3"/);
  });

  it('refuses a section that appears twice in one frame', async () => {
    const err = await readError(tempFile('twobox.lammpstrj', frame(0) + frame(10).replace('ITEM: ATOMS', `${BOX}ITEM: ATOMS`)));
    expect(err.message).toMatch(/line 20, frame 1: "ITEM: BOX BOUNDS pp pp pp" appears a second time in this frame; expected "ITEM: ATOMS"/);
  });

  it('keeps ITEM: UNITS and ITEM: TIME optional, in every frame or in none', async () => {
    const plain = await readAll(tempFile('plain.lammpstrj', frame(0) + frame(10) + frame(20)));
    expect(plain.frames.map((f) => f.step)).toEqual([0, 10, 20]);
    expect(plain.frames.map((f) => f.timePs)).toEqual([null, null, null]);
    expect(pos(plain.frames[2], 0)).toEqual([4, 5, 6]);
    // LAMMPS writes UNITS with the first frame only, and TIME before TIMESTEP in each.
    const text = `ITEM: UNITS\nreal\nITEM: TIME\n0\n${frame(0)}ITEM: TIME\n5\n${frame(10)}ITEM: TIME\n10\n${frame(20)}`;
    const timed = await readAll(tempFile('timed.lammpstrj', text));
    expect(timed.frames.map((f) => f.step)).toEqual([0, 10, 20]);
    expect(timed.frames.map((f) => f.timePs)).toEqual([0, 0.005, 0.01]);
    expect(pos(timed.frames[2], 1)).toEqual([1, 2, 3]);
  });
});

describe('LAMMPS dump, hand-made (test/fixtures/io/lammps/hand-*.lammpstrj)', () => {
  it('hand-columns-change: the column set, the column order and the atom count change between frames', async () => {
    // Cell: x 2..12, y -5..5, z 0..20 (pp pp ff). Each frame stores the same motion another way;
    // the unwrapped positions (id order) below are worked out by hand from the lines of the file.
    const { frames, reader } = await readAll(lammps('hand-columns-change.lammpstrj'));
    expect(frames.map((f) => f.step)).toEqual([0, 10, 20, 30, 40]);
    expect(frames.map((f) => f.natoms)).toEqual([3, 3, 3, 4, 4]);
    // id type element xu yu zu │ x y z id ix iy iz │ id xs ys zs ix iy iz xu (no yu zu: not an
    // unwrapped set) │ id xsu ysu zsu │ x y z id ix iy iz again
    expect(frames.map((f) => f.unwrapped)).toEqual([true, false, false, true, false]);
    expect(frames.map((f) => f.images !== null)).toEqual([false, true, true, false, true]);
    expect(frames[0].box!.pbc).toEqual([true, true, false]);
    expect(Array.from(frames[0].box!.origin)).toEqual([2, -5, 0]);
    const top = reader.topology!;
    expect(Array.from(top.ids!)).toEqual([1, 2, 3]);
    expect(top.elements).toEqual(['Na', 'O', 'O']);
    const unwrapped = (k: number) => {
      const u = unwrapWithImages(frames[k]);
      return Array.from({ length: frames[k].natoms }, (_, i) => [u[3 * i], u[3 * i + 1], u[3 * i + 2]]);
    };
    const close = (got: number[][], want: number[][]) => {
      expect(got).toHaveLength(want.length);
      got.forEach((r, i) => r.forEach((v, d) => expect(v, `atom ${i}, axis ${d}`).toBeCloseTo(want[i][d], 12)));
    };
    // frame 0, xu yu zu as written (ids 2 1 3 in the file)
    expect(unwrapped(0)).toEqual([[3, 0, 1], [11.5, 4.5, 19], [7, -2, 10]]);
    // frame 1: id 1 x = 11.5 with ix = -1 → 11.5 − 10; id 2 (2.5, −4.5) with ix = iy = 1 → (12.5, 5.5)
    expect(pos(frames[1], 0)).toEqual([11.5, 0.5, 1]);
    expect(unwrapped(1)).toEqual([[1.5, 0.5, 1], [12.5, 5.5, 19.5], [7, -2, 10]]);
    // frame 2: x = 2 + 10·xs, y = −5 + 10·ys, z = 20·zs, then + images: id 1 xs 0.1 ix 1 → 3 + 10
    close(unwrapped(2), [[13, 1, 2], [12.5, 5.5, 19.5], [7, -2, 10]]);
    // frame 3: xsu holds the image: id 1 xsu 2.1 → 2 + 21; id 4 (new) xsu −0.2 ysu −0.5 → (0, −10)
    expect(frames[3].images).toBeNull();
    close(unwrapped(3), [[23, 1, 2], [12.5, 5.5, 19.5], [7, -2, 10], [0, -10, 5]]);
    // frame 4: id 4 at (2, −5) with images (−1, −1) → (−8, −15); id 1 at 11 with ix = 2 → 31
    expect(unwrapped(4)).toEqual([[31, 1, 2], [12.5, 5.5, 19.5], [7, -2, 10], [-8, -15, 5]]);
  });

  it('hand-xsu-triclinic: xsu ysu zsu in a tilted cell are r = origin + s·H, whole cells included', async () => {
    // BOX BOUNDS xy xz yz: bounds 0 13 / −2 7.5 / 0.5 6.5, tilts xy = 2, xz = −1, yz = 1.5 →
    // xlo = 0 − min(0, 2, −1, 1) = 1, xhi = 13 − max(0, 2, −1, 1) = 11, ylo = −2, yhi = 7.5 − 1.5 = 6:
    // a = (10, 0, 0), b = (2, 8, 0), c = (−1, 1.5, 6), origin (1, −2, 0.5).
    const { frames } = await readAll(lammps('hand-xsu-triclinic.lammpstrj'));
    expect(frames).toHaveLength(3);
    const box = frames[0].box!;
    expect(Array.from(box.matrix)).toEqual([10, 0, 0, 2, 8, 0, -1, 1.5, 6]);
    expect(Array.from(box.origin)).toEqual([1, -2, 0.5]);
    // The ix iy iz columns are ignored: xsu already holds the image.
    expect(frames[0].unwrapped).toBe(true);
    expect(frames[0].images).toBeNull();
    expect(frames[1].images).toBeNull();
    // metal units: TIME in ps
    expect(frames.map((f) => f.timePs)).toEqual([0, 0.1, 0.2]);
    const expectAt = (k: number, want: number[][]) =>
      want.forEach((w, i) => pos(frames[k], i).forEach((v, d) => expect(v, `frame ${k}, atom ${i}, axis ${d}`).toBeCloseTo(w[d], 12)));
    // s = (0.25, 0.5, 0.5):   x = 1 + 2.5 + 1 − 0.5,    y = −2 + 4 + 0.75,   z = 0.5 + 3
    // s = (1.25, −0.5, 2):    x = 1 + 12.5 − 1 − 2,     y = −2 − 4 + 3,      z = 0.5 + 12
    // s = (−0.75, 1.5, −1):   x = 1 − 7.5 + 3 + 1,      y = −2 + 12 − 1.5,   z = 0.5 − 6
    expectAt(0, [[4, 2.75, 3.5], [10.5, -3, 12.5], [-2.5, 8.5, -5.5]]);
    // Frame 1 (columns zsu ysu xsu id, atoms out of order): atom 1 moved two cells along a (+20, 0, 0),
    // atom 2 one along b (+2, +8, 0), atom 3 one back along c (+1, −1.5, −6).
    expectAt(1, [[24, 2.75, 3.5], [12.5, 5, 12.5], [-1.5, 7, -11.5]]);
    // Frame 2 stores the same positions as xs ys zs + ix iy iz: the image flags give them back.
    expect(frames[2].unwrapped).toBe(false);
    const u = unwrapWithImages(frames[2]);
    for (let j = 0; j < 9; j++) expect(u[j]).toBeCloseTo(frames[1].positions[j], 12);
  });
});

/**
 * Reading some atoms (ReaderOptions.atoms, the atoms a run's analyses read): once a frame has
 * been parsed in full, the rows of other atoms are stepped over after their id. The wanted
 * atoms' positions and image flags are those of a full read, whether the file lists atoms in id
 * order or not, and when the set of atoms changes between frames.
 */
describe('LAMMPS dump: reading some atoms', () => {
  /** A dump of n atoms over `frames` frames; ids in the order `idsOf(frame)`. */
  function dump(frames: number, idsOf: (f: number) => number[]): string {
    let text = '';
    for (let f = 0; f < frames; f++) {
      const ids = idsOf(f);
      text += `ITEM: TIMESTEP\n${10 * f}\nITEM: NUMBER OF ATOMS\n${ids.length}\nITEM: BOX BOUNDS pp pp pp\n0 20\n0 20\n0 20\nITEM: ATOMS id type x y z ix iy iz\n`;
      for (const id of ids) text += `${id} ${1 + (id % 3)} ${((id * 0.37 + f * 0.11) % 20).toFixed(4)} ${((id * 0.53 + f * 0.07) % 20).toFixed(4)} ${((id * 0.71 + f * 0.13) % 20).toFixed(4)} ${f % 3} ${-(id % 2)} ${id % 5}\n`;
    }
    return text;
  }
  const ascending = (n: number) => () => Array.from({ length: n }, (_, i) => i + 1);
  const shuffled = (n: number) => (f: number) => Array.from({ length: n }, (_, i) => ((i * 7 + 3 * f) % n) + 1);

  async function expectSameAtoms(path: string, atoms: number[]) {
    const full = await readAll(path);
    const some = await readAll(path, { atoms: Int32Array.from(atoms) });
    expect(some.frames.length).toBe(full.frames.length);
    for (let f = 0; f < full.frames.length; f++) {
      for (const i of atoms) {
        expect(pos(some.frames[f], i), `frame ${f}, atom ${i}`).toEqual(pos(full.frames[f], i));
        expect(Array.from(some.frames[f].images!.subarray(3 * i, 3 * i + 3))).toEqual(Array.from(full.frames[f].images!.subarray(3 * i, 3 * i + 3)));
      }
    }
    return full;
  }

  it.each([
    ['ids in order', ascending(50)],
    ['ids in a different order every frame', shuffled(50)],
  ])('%s: the wanted atoms read as in a full read', async (_what, idsOf) => {
    await expectSameAtoms(tempFile('some.lammpstrj', dump(6, idsOf)), [0, 7, 8, 31, 49]);
  });

  it('when atoms leave and the ids change, the frame is read in full and the table made again', async () => {
    // Frames 0–2 hold ids 1–50; frames 3–5 ids 2–51 (the same count, every slot one id later:
    // rows stepped over by the first table would be wanted ones); frame 6 holds 45 atoms, listed
    // out of order.
    const idsOf = (f: number) => (f < 3 ? ascending(50)() : f < 6 ? Array.from({ length: 50 }, (_, i) => i + 2) : shuffled(45)(f));
    await expectSameAtoms(tempFile('changing.lammpstrj', dump(7, idsOf)), [2, 39, 40, 44]);
  });

  it('steps over the other atoms: a damaged number in a row not wanted is not read, and a full read names it', async () => {
    const lines = dump(4, ascending(20)).split('\n');
    // Frame 2, atom id 12 (slot 11): its x.
    const line = 2 * 29 + 9 + 11;
    expect(lines[line].startsWith('12 ')).toBe(true);
    lines[line] = lines[line].replace(/^12 (\d) \S+/, '12 $1 1.2.3');
    const file = tempFile('damaged-other.lammpstrj', lines.join('\n'));
    expect((await readError(file)).message).toMatch(new RegExp(`line ${line + 1}.*"1\\.2\\.3"`));
    const some = await readAll(file, { atoms: Int32Array.from([0, 5]) });
    expect(some.frames.length).toBe(4);
    expect((await readError(file, { atoms: Int32Array.from([0, 11]) })).message).toMatch(new RegExp(`line ${line + 1}.*"1\\.2\\.3"`));
  });

  it('a reader given the ids of the first frame (a slice after the plan) steps over the other atoms from its first frame on', async () => {
    const lines = dump(3, ascending(20)).split('\n');
    // Frame 0, atom id 12 (slot 11): its x.
    const line = 9 + 11;
    lines[line] = lines[line].replace(/^12 (\d) \S+/, '12 $1 1.2.3');
    const file = tempFile('damaged-first.lammpstrj', lines.join('\n'));
    const plan = await TrajectoryReader.open(tempFile('clean-first.lammpstrj', dump(1, ascending(20))));
    for await (const _ of plan.frames());
    const state = plan.parserState()!;
    expect(Array.from(state.ids as Int32Array)).toEqual(ascending(20)());
    const atoms = Int32Array.from([0, 5]);
    // Without the ids, the first frame is parsed in full to learn them, and the damage is met.
    expect((await readError(file, { atoms, topologyKnown: true })).message).toMatch(new RegExp(`line ${line + 1}.*"1\\.2\\.3"`));
    const some = await readAll(file, { atoms, topologyKnown: true, parserState: state });
    const clean = await readAll(tempFile('clean.lammpstrj', dump(3, ascending(20))));
    expect(some.frames.length).toBe(3);
    for (let f = 0; f < 3; f++) for (const i of atoms) expect(pos(some.frames[f], i)).toEqual(pos(clean.frames[f], i));
  });

  it.each([
    ['other ids, as many', (f: number) => Array.from({ length: 50 }, (_, i) => i + 2 + f)],
    ['fewer atoms, out of order', (f: number) => shuffled(45)(f)],
  ])('ids given for another set of atoms (%s): the first frame is read in full and the wanted atoms are right', async (_what, idsOf) => {
    const plan = await TrajectoryReader.open(tempFile('plan-ids.lammpstrj', dump(1, ascending(50))));
    for await (const _ of plan.frames());
    const file = tempFile('other-ids.lammpstrj', dump(4, idsOf));
    const atoms = [0, 7, 31, 44];
    const full = await readAll(file);
    const some = await readAll(file, { atoms: Int32Array.from(atoms), topologyKnown: true, parserState: plan.parserState() });
    for (let f = 0; f < full.frames.length; f++) for (const i of atoms) expect(pos(some.frames[f], i), `frame ${f}, atom ${i}`).toEqual(pos(full.frames[f], i));
  });

  it('a duplicate id is still an error', async () => {
    const idsOf = (f: number) => (f < 2 ? ascending(10)() : [1, 2, 3, 4, 5, 5, 7, 8, 9, 10]);
    expect((await readError(tempFile('dup-some.lammpstrj', dump(3, idsOf)), { atoms: Int32Array.from([0]) })).message).toMatch(/atom id 5 appears twice/);
  });
});

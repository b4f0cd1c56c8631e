import { describe, expect, it } from 'vitest';
import { readAll, tempFile } from '../support/io.js';

describe('the q column of a LAMMPS dump', () => {
  it('is the topology\'s per-atom charges, in id order, from the first frame', async () => {
    const frame = (step: number, rows: string[]) =>
      `ITEM: TIMESTEP\n${step}\nITEM: NUMBER OF ATOMS\n3\nITEM: BOX BOUNDS pp pp pp\n0 10\n0 10\n0 10\nITEM: ATOMS id type q x y z\n${rows.join('\n')}\n`;
    const file = tempFile(
      'charges.lammpstrj',
      frame(0, ['3 2 -0.8476 1 1 1', '1 1 1.0 2 2 2', '2 3 0.4238 3 3 3']) + frame(10, ['1 1 1.0 2.1 2 2', '2 3 0.4238 3 3 3', '3 2 -0.8476 1 1 1']),
    );
    const { frames, reader } = await readAll(file);
    expect(frames).toHaveLength(2);
    expect(Array.from(reader.topology!.charges!)).toEqual([1, 0.4238, -0.8476]);
    expect(frames[1].positions[0]).toBe(2.1);
  });

  it('is absent when the dump has none', async () => {
    const file = tempFile('no-charges.lammpstrj', 'ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n1\nITEM: BOX BOUNDS pp pp pp\n0 10\n0 10\n0 10\nITEM: ATOMS id type x y z\n1 1 1 1 1\n');
    expect((await readAll(file)).reader.topology!.charges).toBeNull();
  });
});

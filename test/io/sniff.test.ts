import { describe, expect, it } from 'vitest';
import { sniffFormat } from '../../src/io/sniff.js';
import { readError, tempFile } from '../support/io.js';

describe('format recognition from content', () => {
  it.each([
    ['ITEM: TIMESTEP\n0\n', 'lammps-dump'],
    ['ITEM: UNITS\nreal\nITEM: TIME\n0\n', 'lammps-dump'],
    ['3\nwater\nO 0 0 0\n', 'xyz'],
    ['3\nLattice="1 0 0 0 1 0 0 0 1" Properties=species:S:1:pos:R:3\n', 'extxyz'],
    ['3\nProperties=species:S:1:pos:R:3\n', 'extxyz'],
    ['Li6PS5Cl\n1.0\n 1 0 0\n 0 1 0\n 0 0 1\nLi\n1\nDirect configuration= 1\n', 'xdatcar'],
    ['hello world\nthis is not a trajectory\n', null],
  ])('%j → %s', (text, format) => {
    expect(sniffFormat(text)?.name ?? null).toBe(format);
  });

  it('refuses an unknown format, naming the file and suggesting --format', async () => {
    const path = tempFile('notes.txt', 'hello world\nthis is not a trajectory\n');
    const err = await readError(path);
    expect(err.message).toMatch(/notes.txt: cannot tell the format from the first lines \(line 1 is "hello world"\).*give --format/);
  });

  it('refuses an empty file and a binary file', async () => {
    expect((await readError(tempFile('empty.xyz', ''))).message).toMatch(/empty.xyz: the file is empty/);
    expect((await readError(tempFile('bin.dcd', Buffer.from([0x54, 0, 0, 0, 0x43, 0x4f, 0x52, 0x44])))).message).toMatch(/binary file/);
  });

  it('refuses an unknown --format name', async () => {
    const err = await readError(tempFile('w.xyz', '1\n\nH 0 0 0\n'), { format: 'mol2' });
    expect(err.message).toMatch(/unknown format "mol2"; mdpost reads (?=.*\bxyz\b)(?=.*extxyz)(?=.*lammps-dump)(?=.*xdatcar)(?=.*\bpdb\b)(?=.*\bgro\b)/);
  });
});

import { describe, expect, it } from 'vitest';
import { concatAtoms } from '../../src/pipeline/contract.js';
import { atomUnion } from '../../src/pipeline/plan.js';
import { planOf } from '../support/analyze.js';
import { NAFSI_DUMP } from '../support/nafsi.js';

describe('the atoms a plan reads and unwraps', () => {
  it('are the union of every analysis’s lists: ascending, each atom once, whatever the order and repeats', () => {
    expect(Array.from(atomUnion(10, [Int32Array.of(7, 2, 2, 9), Int32Array.of(0, 7, 3)]))).toEqual([0, 2, 3, 7, 9]);
    expect(Array.from(atomUnion(5, []))).toEqual([]);
    expect(Array.from(atomUnion(5, [new Int32Array(0), Int32Array.of(4)]))).toEqual([4]);
    // Against sets and sorting, on random lists with many repeats.
    let seed = 12345;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
    for (let t = 0; t < 20; t++) {
      const natoms = 1 + rand(300);
      const lists = Array.from({ length: 1 + rand(4) }, () => Int32Array.from({ length: rand(400) }, () => rand(natoms)));
      const expected = [...new Set(lists.flatMap((l) => Array.from(l)))].sort((x, y) => x - y);
      expect(Array.from(atomUnion(natoms, lists))).toEqual(expected);
    }
  });

  it('concatAtoms keeps every list in order, one after the other', () => {
    expect(Array.from(concatAtoms([Int32Array.of(3, 1), new Int32Array(0), Int32Array.of(1, 8)]))).toEqual([3, 1, 1, 8]);
  });

  it('of an MSD and a g(r) together: the MSD’s ions and both g(r) groups, and only the ions unwrapped', async () => {
    const plan = await planOf(NAFSI_DUMP, { msd: ['Na'], rdf: ['Na,O'] });
    const top = plan.natoms;
    expect(plan.readAtoms).not.toBeNull();
    expect(plan.unwrapAtoms).not.toBeNull();
    const read = Array.from(plan.readAtoms!);
    const unwrapped = Array.from(plan.unwrapAtoms!);
    expect(read).toEqual([...new Set(read)].sort((x, y) => x - y));
    expect(read.every((i) => i >= 0 && i < top)).toBe(true);
    // Every unwrapped atom is read; the O atoms are read but not unwrapped.
    expect(unwrapped.every((i) => read.includes(i))).toBe(true);
    expect(read.length).toBeGreaterThan(unwrapped.length);
  });
});

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTrajectory } from '../../src/index.js';
import { boxFromVectors } from '../../src/model/box.js';
import { SubsetUnwrapper, Unwrapper, unwrapperFor } from '../../src/select/unwrap.js';
import { REPO } from '../support/io.js';

/**
 * Unwrapping only the atoms the analyses follow gives those atoms exactly the positions that
 * unwrapping every atom gives them: each atom's unwrapping depends on that atom alone.
 */
describe('unwrapping a subset of the atoms', () => {
  const flip = join(REPO, 'test/fixtures/peers/lammps/flip/flip.lammpstrj.gz');

  it('equals the whole unwrapper on the chosen atoms, frame by frame, across a LAMMPS box flip', async () => {
    const atoms = Int32Array.from([3, 17, 18, 250, 499]);
    const whole = new Unwrapper(500);
    const part = new SubsetUnwrapper(500, 'auto', atoms);
    let frames = 0;
    for await (const f of (await openTrajectory(flip)).frames()) {
      const u = whole.update(f);
      const v = part.update(f);
      for (const i of atoms) for (let d = 0; d < 3; d++) expect(v[3 * i + d]).toBe(u[3 * i + d]);
      expect(v[0]).toBe(0); // atoms not followed are left alone
      frames++;
    }
    expect(frames).toBe(51);
    expect([...part.modes]).toEqual([...whole.modes]);
    expect(part.checks.flips).toEqual([6, 16, 26, 36, 46]);
  });

  it('minimum-image jumps (image flags ignored), continued from an exported state as a slice boundary does', async () => {
    const atoms = Int32Array.from([0, 99, 100, 400]);
    const whole = new Unwrapper(500, 'jumps');
    let part = new SubsetUnwrapper(500, 'jumps', atoms);
    let k = 0;
    for await (const f of (await openTrajectory(flip)).frames()) {
      if (k === 20) {
        const next = new SubsetUnwrapper(500, 'jumps', atoms);
        next.importState(part.exportState());
        part = next;
      }
      const u = whole.update(f);
      const v = part.update(f);
      for (const i of atoms) for (let d = 0; d < 3; d++) expect(v[3 * i + d]).toBe(u[3 * i + d]);
      k++;
    }
    expect(part.modes.has('minimum-image jumps')).toBe(true);
  });

  it('names atoms in its checks by their index in the file', () => {
    const atoms = Int32Array.from([5, 7]);
    const part = new SubsetUnwrapper(8, 'none', atoms);
    const box = boxFromVectors([10, 0, 0, 0, 10, 0, 0, 0, 10]);
    const frame = (x7: number) => {
      const p = new Float64Array(24).fill(5);
      p[21] = x7;
      return { index: 0, step: null, timePs: null, natoms: 8, positions: p, unwrapped: true, images: null, box } as never;
    };
    part.update(frame(1));
    part.update(frame(8)); // atom 7 jumps by 7 Å across a 10 Å cell in coordinates taken as continuous
    expect(part.checks.claimedJumps).toBe(1);
    expect(part.checks.firstClaimedJump?.atom).toBe(7);
  });

  it('is used only when it leaves atoms out', () => {
    expect(unwrapperFor(4, 'auto', null)).toBeInstanceOf(Unwrapper);
    expect(unwrapperFor(4, 'auto', Int32Array.from([0, 1, 2, 3]))).toBeInstanceOf(Unwrapper);
    expect(unwrapperFor(4, 'auto', Int32Array.from([2]))).toBeInstanceOf(SubsetUnwrapper);
  });
});

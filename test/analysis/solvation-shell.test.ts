import { describe, expect, it } from 'vitest';
import { defineShells, ShellFinder, type FrameShells, type ShellDefinition } from '../../src/analysis/solvation-shell.js';
import { boxFromVectors, inverseMatrix, orthorhombicBox, type Box } from '../../src/model/box.js';
import { InputError } from '../../src/model/errors.js';
import { uniform } from '../support/random.js';
import { handBuiltScene } from './solvation-scene.js';

/** Shells as {cation: {molecule id: shell atoms within the cutoff}}. */
function asMap(def: ShellDefinition, s: FrameShells): Record<number, Record<number, number>> {
  const out: Record<number, Record<number, number>> = {};
  for (let c = 0; c < def.cations.length; c++) {
    out[c] = {};
    for (let e = s.start[c]; e < s.start[c + 1]; e++) out[c][def.partnerMolecule[s.partner[e]]] = s.atoms[e];
  }
  return out;
}

/**
 * Shells by brute force: every cation against every shell atom over the images n·H, n in
 * {−3 … 3}³ (enough for the tilts used here), shortest distance against the kind's cutoff.
 */
function bruteForce(def: ShellDefinition, positions: Float64Array, box: Box | null): Record<number, Record<number, number>> {
  const out: Record<number, Record<number, number>> = {};
  const m = box?.matrix;
  const range = box ? [-3, -2, -1, 0, 1, 2, 3] : [0];
  const shifts: number[] = [];
  for (const na of range) for (const nb of range) for (const nc of range) {
    shifts.push(...(m ? [0, 1, 2].map((d) => na * m[d] + nb * m[3 + d] + nc * m[6 + d]) : [0, 0, 0]));
  }
  def.cations.forEach((ci, c) => {
    out[c] = {};
    def.shellAtoms.forEach((j, q) => {
      let best = Infinity;
      const dx = positions[3 * j] - positions[3 * ci], dy = positions[3 * j + 1] - positions[3 * ci + 1], dz = positions[3 * j + 2] - positions[3 * ci + 2];
      for (let k = 0; k < shifts.length; k += 3) best = Math.min(best, (dx + shifts[k]) ** 2 + (dy + shifts[k + 1]) ** 2 + (dz + shifts[k + 2]) ** 2);
      const p = def.shellPartner[q];
      if (best < def.cutoffA[def.partnerKind[p]] ** 2) {
        const mol = def.partnerMolecule[p];
        out[c][mol] = (out[c][mol] ?? 0) + 1;
      }
    });
  });
  return out;
}

describe('the hand-built frame', () => {
  const scene = handBuiltScene();
  const shells = new ShellFinder(scene.def).find(scene.positions, scene.box);
  const map = asMap(scene.def, shells);

  it('finds each cation’s partners and how many of their shell atoms are within the cutoff', () => {
    expect(map).toEqual({
      0: { 100: 1, 101: 1, 102: 1, 103: 1, 1: 1 }, // A: 4 waters and X by one O
      1: { 1: 1, 104: 1, 105: 1 }, // B: X by its other O, 2 waters
      2: { 2: 2, 106: 1, 107: 1, 108: 1 }, // C: Y by both O, 3 waters
      3: { 109: 1, 110: 1, 111: 1, 112: 1, 113: 1 }, // D: 5 waters; the water at 3.1 Å and Z at 3.3 Å are out
      4: { 115: 1 }, // E: the water across the cell's face
    });
    expect(shells.count).toBe(5 + 3 + 4 + 5 + 1);
  });

  it('lists each cation’s partners in ascending partner order', () => {
    for (let c = 0; c < 5; c++) {
      for (let e = shells.start[c] + 1; e < shells.start[c + 1]; e++) expect(shells.partner[e]).toBeGreaterThan(shells.partner[e - 1]);
    }
  });

  it('agrees with brute force', () => {
    expect(map).toEqual(bruteForce(scene.def, scene.positions, scene.box));
  });
});

describe('minimum image across the periodic boundary', () => {
  /** One cation and water O atoms at the given positions (kind H2O, cutoff 3 Å). */
  const oneCation = (cation: number[], waters: number[][]) =>
    ({
      def: defineShells({ cations: [0], shellAtoms: waters.map((_, i) => i + 1), moleculeOf: waters.map((_, i) => i), kindOf: waters.map(() => 0), kinds: ['H2O'], cutoffA: [3] }),
      positions: Float64Array.from([...cation, ...waters.flat()]),
    });

  it('orthorhombic: across a face, an edge and a corner, and from atoms stored outside the cell', () => {
    const box = orthorhombicBox(20, 22, 24, [-1, -1, -1]);
    // The cell spans −1 … 19, −1 … 21, −1 … 23; the cation sits near its lower corner.
    const { def, positions } = oneCation([-0.5, -0.5, -0.5], [
      [18.5, -0.5, -0.5], // 1 Å across the x face
      [18.0, 20.5, -0.5], // 1.5 and 1 Å across an edge
      [18.5, 20.5, 22.5], // 1 Å in each of x, y, z across the corner
      [-0.5, -0.5, 2.6], // 3.1 Å directly: out
      [38.5, 42.5, -24.5], // the corner's atom again, a whole cell vector away along each axis
      [10, 10, 10], // far
    ]);
    expect(asMap(def, new ShellFinder(def).find(positions, box))).toEqual({ 0: { 0: 1, 1: 1, 2: 1, 4: 1 } });
  });

  it('triclinic: a partner close only through a tilted cell vector', () => {
    const box = boxFromVectors([20, 0, 0, 7, 19, 0, -5, 6, 18]);
    const m = box.matrix;
    const cation = [1, 1, 1];
    // 2.5 Å from the cation, then moved by −b + c: stored far away, close through the image.
    const near = [cation[0] + 1.5, cation[1] + 2, cation[2]];
    const far = [0, 1, 2].map((d) => near[d] - m[3 + d] + m[6 + d]);
    // 3.2 Å from the cation through −a: just out.
    const out = [cation[0] + 3.2 + m[0], cation[1], cation[2]];
    const { def, positions } = oneCation(cation, [far, out]);
    const shells = new ShellFinder(def).find(positions, box);
    expect(asMap(def, shells)).toEqual({ 0: { 0: 1 } });
    expect(asMap(def, shells)).toEqual(bruteForce(def, positions, box));
  });
});

describe('random systems against brute force', () => {
  /** Cations and molecules of 1–3 shell atoms of three kinds, stored at random images. */
  function randomSystem(seed: number, box: Box, cations: number, molecules: number) {
    const rand = uniform(seed);
    const m = box.matrix;
    const xyz: number[] = [];
    const point = () => {
      const s = [rand(), rand(), rand()].map((x) => x + Math.floor(rand() * 3) - 1);
      return [0, 1, 2].map((d) => box.origin[d] + s[0] * m[d] + s[1] * m[3 + d] + s[2] * m[6 + d]);
    };
    for (let c = 0; c < cations; c++) xyz.push(...point());
    const shellAtoms: number[] = [], moleculeOf: number[] = [], kindOf: number[] = [];
    for (let k = 0; k < molecules; k++) {
      const kind = k % 3;
      for (let a = 0; a <= kind; a++) {
        shellAtoms.push(xyz.length / 3);
        xyz.push(...point());
        moleculeOf.push(1000 + k);
        kindOf.push(kind);
      }
    }
    const def = defineShells({ cations: Array.from({ length: cations }, (_, c) => c), shellAtoms, moleculeOf, kindOf, kinds: ['H2O', 'FSI', 'chain'], cutoffA: [3.3, 4.1, 2.7] });
    return { def, positions: Float64Array.from(xyz) };
  }

  it.each([
    ['orthorhombic', orthorhombicBox(17, 19, 21, [0.3, -2, 5])],
    ['triclinic', boxFromVectors([18, 0, 0, 6, 17, 0, -4, 5, 16], [1, 2, 3])],
    ['triclinic, tilted the other way', boxFromVectors([18, 0, 0, -8, 17, 0, 7, -6, 16])],
  ])('%s cell', (_name, box) => {
    const { def, positions } = randomSystem(17, box, 25, 600);
    const shells = new ShellFinder(def).find(positions, box);
    const mine = asMap(def, shells);
    expect(mine).toEqual(bruteForce(def, positions, box));
    expect(Object.values(mine).reduce((n, s) => n + Object.keys(s).length, 0)).toBeGreaterThan(50);
  });

  it('the same lattice described by other cell vectors (a, b + a, c − b) gives the same shells', () => {
    const box = orthorhombicBox(22, 22, 22);
    const m = box.matrix;
    const sheared = boxFromVectors([m[0], m[1], m[2], m[3] + m[0], m[4] + m[1], m[5] + m[2], m[6] - m[3], m[7] - m[4], m[8] - m[5]]);
    const { def, positions } = randomSystem(23, box, 30, 900);
    const finder = new ShellFinder(def);
    const a = asMap(def, finder.find(positions, box));
    expect(asMap(def, finder.find(positions, sheared))).toEqual(a);
  });

  it('without a cell, plain distances', () => {
    const box = orthorhombicBox(15, 15, 15);
    const { def, positions } = randomSystem(29, box, 20, 400);
    const finder = new ShellFinder(def);
    expect(asMap(def, finder.find(positions, null))).toEqual(bruteForce(def, positions, null));
    // Next frame, everything moved a little: same answer as brute force (the loose cell is kept or renewed).
    const moved = positions.map((x, i) => x + Math.sin(i) * 0.7);
    expect(asMap(def, finder.find(moved, null))).toEqual(bruteForce(def, moved, null));
  });

  it('reuses its buffers from frame to frame', () => {
    const box = orthorhombicBox(15, 15, 15);
    const { def, positions } = randomSystem(31, box, 10, 200);
    const finder = new ShellFinder(def);
    const first = finder.find(positions, box);
    const arrays = [first.start, first.partner, first.atoms];
    const second = finder.find(positions.map((x) => x + 0.1), box);
    expect(second).toBe(first);
    expect([second.start, second.partner, second.atoms]).toEqual(arrays);
  });
});

describe('inputs that cannot describe shells', () => {
  const base = { cations: [0], shellAtoms: [1, 2, 3], moleculeOf: [7, 7, 8], kindOf: [0, 0, 1], kinds: ['H2O', 'FSI'], cutoffA: [3, 3.3] };

  it('numbers partners densely, keeping the caller’s molecule ids', () => {
    const def = defineShells(base);
    expect(Array.from(def.shellPartner)).toEqual([0, 0, 1]);
    expect(Array.from(def.partnerMolecule)).toEqual([7, 8]);
    expect(Array.from(def.partnerKind)).toEqual([0, 1]);
    expect(Array.from(def.partnerShellAtoms)).toEqual([2, 1]);
  });

  it.each([
    [{ ...base, kindOf: [0, 1, 1] }, /molecule 7 has shell atoms of two kinds/],
    [{ ...base, shellAtoms: [0, 2, 3] }, /atom 0 is both a cation and a shell atom/],
    [{ ...base, cutoffA: [3, -1] }, /cutoff of FSI must be a positive length/],
    [{ ...base, cutoffA: [3] }, /2 kinds but 1 cutoffs/],
    [{ ...base, kindOf: [0, 0, 2] }, /kind 2, not one of the 2 kinds/],
    [{ ...base, moleculeOf: [7, 7] }, /3 shell atoms but 2 molecule ids/],
  ])('%#: an InputError that says what is wrong', (input, message) => {
    expect(() => defineShells(input)).toThrow(InputError);
    expect(() => defineShells(input)).toThrow(message);
  });

  it('a cutoff longer than half the cell is refused (the minimum image would not be unique)', () => {
    const def = defineShells(base);
    const positions = new Float64Array(12);
    expect(() => new ShellFinder(def).find(positions, orthorhombicBox(6.5, 20, 20))).toThrow(/3\.3 Å exceeds half the cell's width \(3\.2500 Å\)/);
    // A tilted cell is judged by the distance between its faces, not its edge lengths.
    const tilted = boxFromVectors([20, 0, 0, 19, 6.4, 0, 0, 0, 20]);
    expect(inverseMatrix(tilted)).toBeTruthy();
    expect(() => new ShellFinder(def).find(positions, tilted)).toThrow(/exceeds half the cell's width/);
  });
});

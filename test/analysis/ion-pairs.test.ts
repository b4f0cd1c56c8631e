import { describe, expect, it } from 'vitest';
import { decodeIonPairs, encodeIonPairs, finishIonPairs, IonPairCounter, mergeIonPairs, type IonPairState } from '../../src/analysis/ion-pairs.js';
import { defineShells, ShellFinder, type FrameShells, type ShellDefinition } from '../../src/analysis/solvation-shell.js';
import { uniform } from '../support/random.js';
import { handBuiltScene } from './solvation-scene.js';

/** Shells given as, per cation, the partner indices in its shell. */
function shellsOf(perCation: number[][]): FrameShells {
  const start = new Int32Array(perCation.length + 1);
  const partner: number[] = [];
  perCation.forEach((ps, c) => {
    start[c] = partner.length;
    partner.push(...[...ps].sort((a, b) => a - b));
  });
  start[perCation.length] = partner.length;
  return { start, partner: Int32Array.from(partner), atoms: Int32Array.from(partner, () => 1), count: partner.length };
}

/** `cations` cations; partners of the given kinds (0 = H2O, 1 = FSI, 2 = TFSI). */
function definition(cations: number, partnerKinds: number[]): ShellDefinition {
  return defineShells({
    cations: Array.from({ length: cations }, (_, c) => c),
    shellAtoms: partnerKinds.map((_, p) => cations + p),
    moleculeOf: partnerKinds.map((_, p) => p),
    kindOf: partnerKinds,
    kinds: ['H2O', 'FSI', 'TFSI'],
    cutoffA: [3, 3, 3],
  });
}

describe('the hand-built frame (A shares X with B, C holds Y alone, D and E hold none, Z is free)', () => {
  const scene = handBuiltScene();
  const counter = new IonPairCounter(scene.def, [1]);
  counter.add(new ShellFinder(scene.def).find(scene.positions, scene.box));
  const st = counter.state();

  it('classes per cation: A and B AGG, C CIP, D and E SSIP', () => {
    expect(Array.from(st.cationClasses)).toEqual([2, 1, 2]);
    expect(Array.from(st.anionsPerCation.subarray(0, 3))).toEqual([2, 3, 0]);
  });

  it('classes per anion: X AGG (two cations), Y CIP, Z free', () => {
    expect(Array.from(st.anionClasses)).toEqual([1, 1, 1]);
    expect(Array.from(st.cationsPerAnion.subarray(0, 4))).toEqual([1, 1, 1, 0]);
  });

  it('fractions over cation-frames and anion-frames', () => {
    const r = finishIonPairs(st);
    expect(r.cation).toEqual({ SSIP: 2 / 5, CIP: 1 / 5, AGG: 2 / 5 });
    expect(r.anion).toEqual({ free: 1 / 3, CIP: 1 / 3, AGG: 1 / 3 });
    expect(r.anionByKind).toEqual([{ kind: 'FSI', anions: 3, free: 1 / 3, CIP: 1 / 3, AGG: 1 / 3 }]);
    expect(r.anionsPerCation).toEqual({ 0: 2 / 5, 1: 3 / 5 });
    expect(r.cationsPerAnion).toEqual({ 0: 1 / 3, 1: 1 / 3, 2: 1 / 3 });
    expect(r.meanAnionsPerCation).toBeCloseTo(3 / 5, 15);
    expect(r.meanCationsPerAnion).toBeCloseTo(1, 15);
  });
});

describe('the class definitions, case by case', () => {
  // Partners: 0, 1 waters; 2, 3, 4 FSI; 5 TFSI.
  const def = definition(3, [0, 0, 1, 1, 1, 2]);
  const classify = (perCation: number[][], anionKinds = [1]) => {
    const c = new IonPairCounter(def, anionKinds);
    c.add(shellsOf(perCation));
    return { cations: Array.from(c.state().cationClasses), anions: Array.from(c.state().anionClasses) };
  };

  it('a cation with two anions that no one else holds is AGG, and so are both anions', () => {
    expect(classify([[0, 2, 3], [1], []])).toEqual({ cations: [2, 0, 1], anions: [1, 0, 2] });
  });

  it('waters do not count; one private anion per cation is CIP on both sides', () => {
    expect(classify([[0, 1, 2], [3], [4]])).toEqual({ cations: [0, 3, 0], anions: [0, 3, 0] });
  });

  it('one anion shared by three cations: all AGG', () => {
    expect(classify([[2], [2, 0], [2, 1]])).toEqual({ cations: [0, 0, 3], anions: [2, 0, 1] });
  });

  it('only the named anion kinds count: TFSI is a neutral partner unless named; named too, classes are kept per kind', () => {
    expect(classify([[2, 5], [3], []])).toEqual({ cations: [1, 2, 0], anions: [1, 2, 0] });
    const both = new IonPairCounter(def, [1, 2]);
    both.add(shellsOf([[2, 5], [3], []]));
    expect(Array.from(both.state().cationClasses)).toEqual([1, 1, 1]);
    // FSI: 2 AGG (its cation holds TFSI too), 3 CIP, 4 free; TFSI: 5 AGG.
    expect(Array.from(both.state().anionClasses)).toEqual([1, 1, 1, 0, 0, 1]);
    expect(finishIonPairs(both.state()).anionByKind.map((k) => k.kind)).toEqual(['FSI', 'TFSI']);
  });

  it('on random shells, CIP cations equal CIP anions at every frame', () => {
    const rand = uniform(41);
    const big = definition(20, Array.from({ length: 60 }, (_, p) => (p < 40 ? 0 : 1)));
    const c = new IonPairCounter(big, [1]);
    for (let t = 0; t < 200; t++) {
      const before = [c.state().cationClasses[1], c.state().anionClasses[1]];
      c.add(shellsOf(Array.from({ length: 20 }, () => Array.from({ length: 60 }, (_, p) => p).filter((p) => rand() < (p < 40 ? 0.1 : 0.03)))));
      expect(c.state().cationClasses[1] - before[0]).toBe(c.state().anionClasses[1] - before[1]);
    }
    expect(c.state().cationClasses.every((x) => x > 100)).toBe(true);
  });

  it('refuses anion kinds that are not partner kinds', () => {
    expect(() => new IonPairCounter(def, [3])).toThrow(/anion kind 3 is not one of the 3 partner kinds/);
    expect(() => new IonPairCounter(def, [])).toThrow(/at least one anion kind/);
  });
});

describe('merging and encoding', () => {
  const rand = uniform(43);
  const def = definition(6, Array.from({ length: 20 }, (_, p) => (p < 12 ? 0 : 1)));
  const frames = Array.from({ length: 60 }, () => shellsOf(Array.from({ length: 6 }, () => Array.from({ length: 20 }, (_, p) => p).filter(() => rand() < 0.2))));
  const fold = (from: number, to: number): IonPairState => {
    const c = new IonPairCounter(def, [1]);
    for (let t = from; t < to; t++) c.add(frames[t]);
    return c.state();
  };
  const whole = fold(0, 60);

  it.each(Array.from({ length: 6 }, (_, i) => i))('two and three parts cut at random frames (draw %i)', () => {
    const [x, y] = [Math.floor(rand() * 61), Math.floor(rand() * 61)].sort((a, b) => a - b);
    expect(mergeIonPairs(fold(0, x), fold(x, 60))).toEqual(whole);
    expect(mergeIonPairs(mergeIonPairs(fold(0, x), fold(x, y)), fold(y, 60))).toEqual(whole);
  });

  it('merging is pure', () => {
    const a = fold(0, 30), b = fold(30, 60);
    const copies = structuredClone([a, b]);
    mergeIonPairs(a, b);
    expect([a, b]).toEqual(copies);
  });

  it('round trips through plain data and rejects damaged states', () => {
    expect(decodeIonPairs(structuredClone(encodeIonPairs(whole)))).toEqual(whole);
    const wire = () => structuredClone(encodeIonPairs(whole)) as Record<string, unknown>;
    expect(() => decodeIonPairs({ ...wire(), cationClasses: new Float64Array(2) })).toThrow(/"cationClasses" has 2 values, expected 3/);
    expect(() => decodeIonPairs({ ...wire(), anionsPerCation: new Float64Array(17).fill(-1) })).toThrow(/not a count/);
    expect(() => decodeIonPairs({ ...wire(), anionKinds: Int32Array.of(5) })).toThrow(/outside 0 … 2/);
    expect(() => decodeIonPairs({ ...wire(), frames: 1.5 })).toThrow(/"frames" should be a whole number/);
  });

  it('states counted against different anion kinds do not merge', () => {
    const other = new IonPairCounter(def, [0]).state();
    expect(() => mergeIonPairs(whole, other)).toThrow(/different anion kinds/);
  });
});

import { describe, expect, it } from 'vitest';
import {
  compositionLabel,
  CompositionCounter,
  decodeCompositions,
  encodeCompositions,
  finishCompositions,
  mergeCompositions,
  type CompositionState,
} from '../../src/analysis/shell-composition.js';
import { defineShells, ShellFinder, type FrameShells } from '../../src/analysis/solvation-shell.js';
import { orthorhombicBox } from '../../src/model/box.js';
import { uniform } from '../support/random.js';
import { handBuiltScene } from './solvation-scene.js';

describe('the hand-built frame', () => {
  const scene = handBuiltScene();
  const counter = new CompositionCounter(scene.def);
  counter.add(new ShellFinder(scene.def).find(scene.positions, scene.box));
  const r = finishCompositions(counter.state());

  it('each cation’s composition is one fifth of the cation-frames, labelled by kind', () => {
    expect(r.compositions.map((c) => [c.label, c.fraction])).toEqual([
      ['1 H2O', 0.2],
      ['2 H2O + 1 FSI', 0.2],
      ['3 H2O + 1 FSI', 0.2],
      ['4 H2O + 1 FSI', 0.2],
      ['5 H2O', 0.2],
    ]);
  });

  it('mean molecules and shell atoms by kind; FSI denticity; free molecules of each kind', () => {
    const [h2o, fsi] = r.kinds;
    expect(h2o.meanMolecules).toBeCloseTo((4 + 2 + 3 + 5 + 1) / 5, 15);
    expect(h2o.meanShellAtoms).toBeCloseTo(3, 15);
    expect(fsi.meanMolecules).toBeCloseTo(3 / 5, 15);
    expect(fsi.meanShellAtoms).toBeCloseTo((1 + 1 + 2) / 5, 15); // C holds Y by both O
    expect(fsi.denticity).toEqual({ 1: 2 / 3, 2: 1 / 3 });
    expect(fsi.moleculeDistribution).toEqual({ 0: 0.4, 1: 0.6 });
    expect(fsi.shellAtomDistribution).toEqual({ 0: 0.4, 1: 0.4, 2: 0.2 });
    // 16 waters (one just beyond D's cutoff) and 3 anions (Z free).
    expect([h2o.molecules, fsi.molecules]).toEqual([16, 3]);
    expect(h2o.freeFraction).toBeCloseTo(1 / 16, 15);
    expect(fsi.freeFraction).toBeCloseTo(1 / 3, 15);
    expect(r.meanMolecules).toBeCloseTo(18 / 5, 15);
  });
});

describe('a polymer host', () => {
  // A Na⁺ wrapped by two PEO chains: chain 1 by four ether O at 2.3 Å, chain 2 by one; the
  // chains' other ether O are far away. Cutoff 3.2 Å.
  const O = [
    [2.3, 0, 0], [-2.3, 0, 0], [0, 2.3, 0], [0, -2.3, 0], [6, 6, 6], [8, 6, 6], // chain 1
    [0, 0, 2.3], [0, 6, 8], [0, 8, 8], // chain 2
  ].map(([x, y, z]) => [x + 10, y + 10, z + 10]);
  const def = defineShells({
    cations: [0],
    shellAtoms: O.map((_, i) => i + 1),
    moleculeOf: [1, 1, 1, 1, 1, 1, 2, 2, 2],
    kindOf: O.map(() => 0),
    kinds: ['chain'],
    cutoffA: [3.2],
  });
  const counter = new CompositionCounter(def);
  counter.add(new ShellFinder(def).find(Float64Array.from([10, 10, 10, ...O.flat()]), orthorhombicBox(25, 25, 25)));
  const r = finishCompositions(counter.state());

  it('counts distinct chains and the ether O in the shell', () => {
    expect(r.kinds[0].meanMolecules).toBe(2);
    expect(r.kinds[0].meanShellAtoms).toBe(5);
    expect(r.kinds[0].denticity).toEqual({ 1: 0.5, 4: 0.5 });
    expect(r.compositions[0].label).toBe('2 chain');
    expect(r.kinds[0].freeFraction).toBe(0);
  });
});

/** Shells from, per cation, [partner, shell atoms] entries. */
function shellsOf(perCation: [number, number][][]): FrameShells {
  const start = new Int32Array(perCation.length + 1);
  const partner: number[] = [], atoms: number[] = [];
  perCation.forEach((es, c) => {
    start[c] = partner.length;
    for (const [p, a] of [...es].sort((x, y) => x[0] - y[0])) {
      partner.push(p);
      atoms.push(a);
    }
  });
  start[perCation.length] = partner.length;
  return { start, partner: Int32Array.from(partner), atoms: Int32Array.from(atoms), count: partner.length };
}

describe('several frames', () => {
  // Partners 0–7 water, 8–9 FSI; two cations.
  const def = defineShells({
    cations: [0, 1],
    shellAtoms: Array.from({ length: 10 }, (_, p) => 2 + p),
    moleculeOf: Array.from({ length: 10 }, (_, p) => p),
    kindOf: Array.from({ length: 10 }, (_, p) => (p < 8 ? 0 : 1)),
    kinds: ['H2O', 'FSI'],
    cutoffA: [3, 3],
  });

  it('most common composition first', () => {
    const c = new CompositionCounter(def);
    const six: [number, number][] = [0, 1, 2, 3, 4, 5].map((p) => [p, 1]);
    const fivePlusOne: [number, number][] = [[0, 1], [1, 1], [2, 1], [3, 1], [4, 1], [8, 2]];
    c.add(shellsOf([six, fivePlusOne]));
    c.add(shellsOf([six, fivePlusOne]));
    c.add(shellsOf([six, [[9, 1]]]));
    const r = finishCompositions(c.state());
    expect(r.compositions.map((x) => [x.label, x.fraction, x.counts])).toEqual([
      ['6 H2O', 3 / 6, [6, 0]],
      ['5 H2O + 1 FSI', 2 / 6, [5, 1]],
      ['1 FSI', 1 / 6, [0, 1]],
    ]);
    // FSI 8 is held in frames 1 and 2, FSI 9 in frame 3: 3 of 6 anion-frames bound.
    expect(r.kinds[1].freeFraction).toBeCloseTo(0.5, 15);
    expect(r.kinds[1].denticity).toEqual({ 1: 1 / 3, 2: 2 / 3 });
    expect(compositionLabel([0, 0], ['H2O', 'FSI'])).toBe('empty');
  });

  const rand = uniform(53);
  const frames = Array.from({ length: 50 }, () =>
    shellsOf([0, 1].map(() => Array.from({ length: 10 }, (_, p) => [p, 1 + Math.floor(rand() * 2)] as [number, number]).filter(() => rand() < 0.4))),
  );
  const fold = (from: number, to: number): CompositionState => {
    const c = new CompositionCounter(def);
    for (let t = from; t < to; t++) c.add(frames[t]);
    return c.state();
  };
  const whole = fold(0, 50);

  it.each(Array.from({ length: 6 }, (_, i) => i))('merges of parts cut at random frames equal one fold (draw %i)', () => {
    const [x, y] = [Math.floor(rand() * 51), Math.floor(rand() * 51)].sort((a, b) => a - b);
    expect(mergeCompositions(fold(0, x), fold(x, 50))).toEqual(whole);
    expect(mergeCompositions(fold(0, x), mergeCompositions(fold(x, y), fold(y, 50)))).toEqual(whole);
    expect(mergeCompositions(mergeCompositions(fold(0, x), fold(x, y)), fold(y, 50))).toEqual(whole);
  });

  it('merging is pure; encoding round trips and damaged states are refused', () => {
    const a = fold(0, 20), b = fold(20, 50);
    const copies = structuredClone([a, b]);
    mergeCompositions(a, b);
    expect([a, b]).toEqual(copies);
    expect(decodeCompositions(structuredClone(encodeCompositions(whole)))).toEqual(whole);
    const wire = () => structuredClone(encodeCompositions(whole)) as Record<string, unknown>;
    const rows = whole.compositions.slice();
    rows.set(whole.compositions.subarray(0, 2), 2);
    expect(() => decodeCompositions({ ...wire(), compositions: rows })).toThrow(/ascending order/);
    expect(() => decodeCompositions({ ...wire(), moleculeHist: new Float64Array(3) })).toThrow(/"moleculeHist" has 3 values/);
    expect(() => decodeCompositions({ ...wire(), analysis: 'residence' })).toThrow(/"residence" state/);
  });
});

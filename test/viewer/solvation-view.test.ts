import { describe, expect, it } from 'vitest';
import { boxFromVectors, orthorhombicBox } from '../../src/model/box.js';
import { InputError } from '../../src/model/errors.js';
import { findMolecules } from '../../src/select/molecules.js';
import { moleculeKinds } from '../../src/viewer/kinds.js';
import { MinimumImage } from '../../src/viewer/measure.js';
import { parseCutoffSpec, SolvationView, type SolvationSystem } from '../../src/viewer/solvation.js';
import { emptyTopology } from '../../src/model/topology.js';
import { handBuiltScene } from '../analysis/solvation-scene.js';

/**
 * The viewer's shells and classes on the hand-built frame of test/analysis/solvation-scene.ts
 * (20 Å cubic cell; cations A–E; anions X shared by A and B, Y private to C, Z free; E's water
 * across the x face), with the scene's cutoffs given: 3.0 Å for water, 3.2 Å for the anion.
 */
function sceneSystem(): { sys: SolvationSystem; names: string[]; cation: Record<string, number> } {
  const scene = handBuiltScene();
  const n = scene.positions.length / 3;
  const { def } = scene;
  const kindOfShell = new Map<number, number>();
  const molOfShell = new Map<number, number>();
  def.shellAtoms.forEach((a, j) => {
    kindOfShell.set(a, def.partnerKind[def.shellPartner[j]]);
    molOfShell.set(a, def.partnerMolecule[def.shellPartner[j]]);
  });
  const cations = new Set(def.cations);
  // Cations are Na; shell atoms O; an anion's central atom (followed by its O) N; the rest water H.
  const elements = Array.from({ length: n }, (_, i) => (cations.has(i) ? 'Na' : kindOfShell.has(i) ? 'O' : kindOfShell.get(i + 1) === 1 ? 'N' : 'H'));
  // Molecules by id, as the scene builds them (its atoms are too close for bonds by distance):
  // a water's H follow its O, an anion's N comes before its O; a cation stands alone (id 0).
  const molIds = Int32Array.from(elements, (e, i) => (e === 'Na' ? 0 : e === 'N' ? molOfShell.get(i + 1)! : e === 'H' ? (molOfShell.get(i - 1) ?? molOfShell.get(i - 2))! : molOfShell.get(i)!));
  const topology = { ...emptyTopology(n), elements, molIds };
  const molecules = findMolecules(topology, scene.positions, scene.box);
  // The scene's anions (N and two O) stand for FSI.
  molecules.formula = molecules.formula.map((f) => (f === 'NO2' ? 'F2NO4S2' : f));
  const sys: SolvationSystem = { topology, molecules, kinds: moleculeKinds(molecules), raw: [scene.positions], boxes: [scene.box], timesPs: [0], analysis: [] };
  return { sys, names: scene.cationNames, cation: Object.fromEntries(scene.cationNames.map((name, c) => [name, def.cations[c]])) };
}

const GIVEN = { ions: 'Na', shell: 'O', cutoff: 'H2O=3.0,FSI=3.2' };

describe('SolvationView on the hand-built frame', () => {
  const { sys, cation } = sceneSystem();

  it('finds the kinds, the anion and the cutoffs given', () => {
    const v = SolvationView.create(sys, GIVEN);
    expect(v.setup.kinds.map((k) => [k.name, k.cutoffA, k.source, k.anion])).toEqual([
      ['H2O', 3.0, 'given', false],
      ['FSI', 3.2, 'given', true],
    ]);
    expect(v.setup.anions).toEqual(['FSI']);
    expect(v.setup.ions).toEqual({ selection: 'Na', atoms: Object.values(cation), cations: true });
    // Solvent: the waters, every atom of them (3 each).
    expect(v.setup.solventAtoms.length).toBe(3 * sys.kinds.ofMolecule.filter((k) => sys.kinds.names[k] === 'H2O').length);
  });

  it('classes A, B AGG (a shared anion), C CIP, D and E SSIP; partners whole, contacts within the cutoff', () => {
    const v = SolvationView.create(sys, GIVEN);
    const f = v.frame(0);
    const byAtom = new Map(f.ions.map((i) => [i.atom, i]));
    const classOf = (name: string) => byAtom.get(cation[name])!.class;
    expect(['A', 'B', 'C', 'D', 'E'].map(classOf)).toEqual(['AGG', 'AGG', 'CIP', 'SSIP', 'SSIP']);
    const kinds = (name: string) => byAtom.get(cation[name])!.partners.map((p) => v.setup.kinds[p.kind].name).sort();
    expect(kinds('A')).toEqual(['FSI', 'H2O', 'H2O', 'H2O', 'H2O']);
    expect(kinds('B')).toEqual(['FSI', 'H2O', 'H2O']);
    expect(kinds('C')).toEqual(['FSI', 'H2O', 'H2O', 'H2O']);
    expect(kinds('D')).toEqual(['H2O', 'H2O', 'H2O', 'H2O', 'H2O']);
    expect(kinds('E')).toEqual(['H2O']);
    // C holds anion Y by both its O: two contacts; the partner is the whole molecule (N, O, O).
    const y = byAtom.get(cation.C)!.partners.find((p) => v.setup.kinds[p.kind].name === 'FSI')!;
    expect(y.contacts).toHaveLength(2);
    const yAtoms = Array.from(sys.molecules.atoms.subarray(sys.molecules.start[y.molecule], sys.molecules.start[y.molecule + 1]));
    expect(yAtoms.map((a) => sys.topology.elements![a]).sort()).toEqual(['N', 'O', 'O']);
    for (const a of yAtoms) expect(f.partnerAtoms).toContain(a);
    // Every partner molecule's atoms are drawn, and contacts are only shell atoms within their cutoff.
    const partnerMolecules = new Set(f.ions.flatMap((i) => i.partners.map((p) => p.molecule)));
    const expected = [...partnerMolecules].flatMap((m) => Array.from(sys.molecules.atoms.subarray(sys.molecules.start[m], sys.molecules.start[m + 1]))).sort((a, b) => a - b);
    expect(f.partnerAtoms).toEqual(expected);
    const image = new MinimumImage(sys.boxes[0]);
    for (const ion of f.ions) {
      for (const p of ion.partners) {
        const r = v.setup.kinds[p.kind].cutoffA;
        for (const c of p.contacts) expect(image.distance(sys.raw[0], ion.atom, c)).toBeLessThan(r);
      }
    }
    // E's water is across the x face: 1.9 Å by the minimum image.
    const e = byAtom.get(cation.E)!.partners[0];
    expect(image.distance(sys.raw[0], cation.E, e.contacts[0])).toBeCloseTo(1.9, 10);
  });

  it('classes a highlighted cation among all cations: B alone is still AGG (A shares its anion)', () => {
    const v = SolvationView.create(sys, { ...GIVEN, ions: `index ${cation.B}` });
    expect(v.setup.ions.atoms).toEqual([cation.B]);
    expect(v.frame(0).ions.map((i) => i.class)).toEqual(['AGG']);
    expect(v.timeline().classes).toEqual({ SSIP: [0], CIP: [0], AGG: [1] });
  });

  it('without classes for atoms that are not cations (water O around water O), partners by kind per atom', () => {
    const v = SolvationView.create(sys, { ions: 'O and H2O', shell: 'O', cutoff: '3.5' });
    expect(v.setup.ions.cations).toBe(false);
    expect(v.setup.anions).toEqual([]);
    expect(v.frame(0).ions.every((i) => i.class === null)).toBe(true);
    expect(v.timeline().classes).toBeNull();
  });

  it('the timeline counts classes and partners per ion at each frame', () => {
    const t = SolvationView.create(sys, GIVEN).timeline();
    expect(t.classes).toEqual({ SSIP: [2], CIP: [1], AGG: [2] });
    expect(t.partners.H2O[0]).toBeCloseTo((4 + 2 + 3 + 5 + 1) / 5, 12);
    expect(t.partners.FSI[0]).toBeCloseTo(3 / 5, 12);
  });

  it.each([
    [{ ions: 'Na and nme X' }, /^selection "Na and nme X": unknown keyword "nme": did you mean name\?/],
    [{ ions: 'Cl' }, /^selection "Cl" matches nothing/],
    [{ shell: 'Na' }, /^shell atoms "Na": none outside the highlighted atoms/],
    [{ cutoff: 'Cl=3' }, /no partner kind "Cl"; the kinds with shell atoms are H2O, FSI/],
    [{ cutoff: 'H2O=3,FSI' }, /expected KIND=LENGTH pairs/],
    [{ cutoff: '-1' }, /positive length/],
    [{ cutoff: '10.5' }, /shell cutoff 10\.5 Å for H2O exceeds half the cell's width \(10\.00 Å\)/],
  ])('refuses %o with an InputError', (change, message) => {
    const e = (() => {
      try {
        SolvationView.create(sys, { ...GIVEN, ...change });
      } catch (x) {
        return x as Error;
      }
      throw new Error('accepted');
    })();
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toMatch(message);
  });
});

describe('shell cutoffs as the page writes them', () => {
  it('one length for every kind, KIND=LENGTH pairs (any case, with units), or nothing', () => {
    expect(parseCutoffSpec('3.2', ['H2O'])).toEqual({ all: 3.2, byKind: new Map() });
    const spec = parseCutoffSpec(' h2o = 3.1 , FSI=0.34nm ', ['H2O', 'FSI']);
    expect(spec.all).toBeNull();
    expect([...spec.byKind.keys()]).toEqual(['H2O', 'FSI']);
    expect(spec.byKind.get('H2O')).toBe(3.1);
    expect(spec.byKind.get('FSI')).toBeCloseTo(3.4, 12);
    expect(parseCutoffSpec('', ['H2O'])).toEqual({ all: null, byKind: new Map() });
    expect(parseCutoffSpec('auto', ['H2O'])).toEqual({ all: null, byKind: new Map() });
  });
});

describe('minimum-image distances and angles', () => {
  it('match the nearest of all images, brute force, in a skewed triclinic cell', () => {
    const box = boxFromVectors([10, 0, 0, 6, 9, 0, -4, 3, 8], [0, 0, 0], [true, true, true]);
    const image = new MinimumImage(box);
    const m = box.matrix;
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 20 - 5;
    for (let t = 0; t < 200; t++) {
      const p = [rnd(), rnd(), rnd(), rnd(), rnd(), rnd()];
      let best = Infinity;
      for (let a = -3; a <= 3; a++) {
        for (let b = -3; b <= 3; b++) {
          for (let c = -3; c <= 3; c++) {
            const d = [0, 1, 2].map((x) => p[3 + x] - p[x] + a * m[x] + b * m[3 + x] + c * m[6 + x]);
            best = Math.min(best, Math.hypot(...d));
          }
        }
      }
      expect(image.distance(p, 0, 1)).toBeCloseTo(best, 10);
    }
  });

  it('an angle across a face: H–O–H of a water split by the cell wall', () => {
    const box = orthorhombicBox(10, 10, 10);
    const half = (104.52 / 2) * (Math.PI / 180);
    // O at x = 0.1, one H through the face at x ≈ 9.5: the angle is the water's.
    const p = [0.1, 5, 5, 0.1 - 0.9572 * Math.cos(half) + 10, 5 + 0.9572 * Math.sin(half), 5, 0.1 - 0.9572 * Math.cos(half) + 10, 5 - 0.9572 * Math.sin(half), 5];
    const image = new MinimumImage(box);
    expect(image.angle(p, 1, 0, 2)).toBeCloseTo(104.52, 10);
    expect(image.distance(p, 0, 1)).toBeCloseTo(0.9572, 12);
  });
});

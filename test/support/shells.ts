import { ResidenceTracker, type ResidenceState, type WindowParams } from '../../src/analysis/residence.js';
import { defineShells, type FrameShells, type ShellDefinition } from '../../src/analysis/solvation-shell.js';

/** A definition with `cations` cations and one shell atom per partner, partner p of kind kinds[p]. */
export function shellDefinition(cations: number, partnerKinds: number[], kindNames = ['H2O', 'FSI']): ShellDefinition {
  const P = partnerKinds.length;
  return defineShells({
    cations: Array.from({ length: cations }, (_, c) => c),
    shellAtoms: Array.from({ length: P }, (_, p) => cations + p),
    moleculeOf: Array.from({ length: P }, (_, p) => 100 + p),
    kindOf: partnerKinds,
    kinds: kindNames,
    cutoffA: kindNames.map(() => 3),
  });
}

/** The residence state of frames [from, to) of a presence table (every stay kept, or bounded by `window`). */
export function foldShells(def: ShellDefinition, a: ArrayLike<number>[][], from: number, to: number, window: WindowParams | null = null): ResidenceState {
  const tr = new ResidenceTracker(def, window);
  for (let t = from; t < to; t++) tr.add(frameShells(a, t));
  return tr.state();
}

/**
 * Frame t's shells from a presence table a[c][p][t] (1: partner p is in cation c's shell at
 * frame t), each partner one atom — for residence tests that build their series by hand.
 */
export function frameShells(a: ArrayLike<ArrayLike<number>>[][] | ArrayLike<number>[][], t: number): FrameShells {
  const start = new Int32Array(a.length + 1);
  const partner: number[] = [];
  a.forEach((row, c) => {
    start[c] = partner.length;
    row.forEach((s, p) => {
      if ((s as ArrayLike<number>)[t]) partner.push(p);
    });
  });
  start[a.length] = partner.length;
  return { start, partner: Int32Array.from(partner), atoms: Int32Array.from(partner, () => 1), count: partner.length };
}

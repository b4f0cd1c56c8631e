import type { FrameShells } from '../../src/analysis/solvation-shell.js';

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

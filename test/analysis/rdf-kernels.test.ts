import { describe, expect, it } from 'vitest';
import { RdfAccumulator } from '../../src/analysis/rdf.js';
import { orthorhombicBox, type Box } from '../../src/model/box.js';
import { bruteRdf as brute } from '../support/rdf-brute.js';
import { scrambled, uniform } from '../support/random.js';

/**
 * The kernels for a group with itself (each unordered pair visited once, per-ion counts kept by
 * grid slot) against brute force by the minimum image, which is the one image under r_max when
 * r_max ≤ half the cell. Groups are listed in a scrambled order, so that grid slots and list
 * positions differ.
 */

/** n atoms uniformly in the cell, partly outside it (the accumulator wraps them). */
function randomFrame(n: number, l: number[], u: () => number): Float64Array {
  return Float64Array.from({ length: 3 * n }, (_, k) => (1.4 * u() - 0.2) * l[k % 3]);
}

/** n atoms on the first sites of a 6 × 6 × 6 lattice spanning the cell, each moved up to ±0.2 Å. */
function latticeFrame(n: number, l: number[], u: () => number): Float64Array {
  return Float64Array.from({ length: 3 * n }, (_, k) => {
    const site = Math.floor(k / 3), d = k % 3;
    const index = d === 0 ? site % 6 : d === 1 ? Math.floor(site / 6) % 6 : Math.floor(site / 36);
    return (index * l[d]) / 6 + 0.4 * u() - 0.2;
  });
}

describe('g(r) of a group with itself equals brute force (pair counts and per-ion coordination)', () => {
  const cases: [string, number[], number][] = [
    // r_max well under half the cell: the forward half-stencil of columns.
    ['cube, r_max 0.4 L (stencil)', [16, 16, 16], 6.4],
    ['orthorhombic, r_max 0.35 of the shortest side (stencil)', [21, 15, 18], 5.2],
    // r_max half the cell: too few columns for the stencil, the slot kernel.
    ['cube, r_max L/2 (slots)', [13, 13, 13], 6.5],
  ];
  it.each(cases)('%s', (_name, l, rmax) => {
    const u = uniform(11);
    const box: Box = orthorhombicBox(l[0], l[1], l[2]);
    const n = 160;
    const group = scrambled(n, u);
    const bins = 4 * Math.round(rmax / 0.05);
    // Two random frames, and a jittered simple-cubic lattice whose nearest pair lies beyond the
    // first CN bins (which every ion then has empty).
    const frames = [randomFrame(n, l, u), randomFrame(n, l, u), latticeFrame(n, l, u)];
    const acc = new RdfAccumulator(group, group, rmax, bins);
    for (const pos of frames) acc.add(pos, box);
    const st = acc.state;
    const want = brute(frames, group, l, rmax, bins, st.cnStep, st.cnBins);
    expect(st.cnBins).toBeGreaterThan(50);
    expect(Array.from(st.counts)).toEqual(Array.from(want.counts));
    expect(Array.from(st.cnHist)).toEqual(Array.from(want.cnHist));
  });

  it('a frame with no pair within the coordination range: every ion has 0 neighbours at every CN bin', () => {
    const l = [30, 30, 30];
    const box = orthorhombicBox(30, 30, 30);
    // Four atoms on the corners of a square of side 9 Å: nearest pair 9 Å, beyond the 6.5 Å CN range.
    const pos = Float64Array.from([1, 1, 1, 10, 1, 1, 1, 10, 1, 10, 10, 1]);
    const group = Int32Array.from([2, 0, 3, 1]);
    const acc = new RdfAccumulator(group, group, 11, 220);
    acc.add(pos, box);
    const st = acc.state;
    const want = brute([pos], group, l, 11, 220, st.cnStep, st.cnBins);
    expect(Array.from(st.cnHist)).toEqual(Array.from(want.cnHist));
    expect(st.cnHist[0]).toBe(4);
    // The four sides (9 Å), each pair from either end; the diagonals (12.7 Å) lie beyond r_max.
    expect(st.counts.reduce((s, x) => s + x, 0)).toBe(8);
  });
});

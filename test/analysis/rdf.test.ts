import { describe, expect, it } from 'vitest';
import { emptyRdfState, MAX_CN, maxRmax, mergeRdfStates, RdfAccumulator } from '../../src/analysis/rdf.js';
import { finishRdf } from '../../src/analysis/rdf-shell.js';
import { boxFromVectors, orthorhombicBox, type Box } from '../../src/model/box.js';
import { HAVE_SHARED, readAll, shared } from '../support/io.js';
import { uniform } from '../support/random.js';

const range = (n: number, from = 0) => Int32Array.from({ length: n }, (_, i) => from + i);

/** Distances under r_max from A atom i to every B atom, every periodic image within ±2 cells, by brute force. */
function bruteDistances(pos: Float64Array, i: number, B: Int32Array, box: Box, rmax: number): number[] {
  const m = box.matrix;
  const r: number[] = [];
  for (const j of B) {
    for (let a = -2; a <= 2; a++) {
      for (let b = -2; b <= 2; b++) {
        for (let c = -2; c <= 2; c++) {
          if (i === j && a === 0 && b === 0 && c === 0) continue;
          const dx = pos[3 * j] + a * m[0] + b * m[3] + c * m[6] - pos[3 * i];
          const dy = pos[3 * j + 1] + a * m[1] + b * m[4] + c * m[7] - pos[3 * i + 1];
          const dz = pos[3 * j + 2] + a * m[2] + b * m[5] + c * m[8] - pos[3 * i + 2];
          const d = Math.hypot(dx, dy, dz);
          if (d < rmax) r.push(d);
        }
      }
    }
  }
  return r;
}

/** Pair histogram by brute force. */
function bruteCounts(pos: Float64Array, A: Int32Array, B: Int32Array, box: Box, rmax: number, bins: number): Float64Array {
  const counts = new Float64Array(bins);
  for (const i of A) for (const d of bruteDistances(pos, i, B, box, rmax)) counts[Math.floor((d * bins) / rmax)]++;
  return counts;
}

/** Per-ion coordination histogram by brute force: for each CN bin edge, how many A had k B within it. */
function bruteCnHist(pos: Float64Array, A: Int32Array, B: Int32Array, box: Box, rmax: number, bins: number, cnStep: number, cnBins: number): Float64Array {
  const hist = new Float64Array(cnBins * (MAX_CN + 1));
  for (const i of A) {
    const binsOf = bruteDistances(pos, i, B, box, rmax).map((d) => Math.floor((d * bins) / rmax));
    for (let c = 0; c < cnBins; c++) {
      const k = binsOf.filter((b) => b < (c + 1) * cnStep).length;
      hist[c * (MAX_CN + 1) + Math.min(k, MAX_CN)]++;
    }
  }
  return hist;
}

function randomPositions(n: number, box: Box, seed: number, spread = 1.5): Float64Array {
  const u = uniform(seed);
  const m = box.matrix;
  const p = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    // fractional coordinates partly outside [0, 1): the accumulator must wrap them itself
    const s = [0, 1, 2].map(() => spread * u() - (spread - 1) / 2);
    for (let d = 0; d < 3; d++) p[3 * i + d] = s[0] * m[d] + s[1] * m[3 + d] + s[2] * m[6 + d];
  }
  return p;
}

describe('pair counting with a cell list equals brute force over periodic images', () => {
  const cells: [string, Box][] = [
    ['cubic', orthorhombicBox(14, 14, 14)],
    ['orthorhombic, one short side', orthorhombicBox(20, 13, 17)],
    ['triclinic, LAMMPS tilts', boxFromVectors([15, 0, 0, -4, 14, 0, 3, -2.5, 13])],
    ['triclinic, a general VASP-like cell', boxFromVectors([12, 1, -0.5, 2, 13, 1.5, -1, 2.5, 14])],
  ];
  it.each(cells)('%s', (_name, box) => {
    const pos = randomPositions(150, box, 42);
    const A = range(40), B = range(150);
    const rmax = Math.floor(maxRmax(box) * 1000) / 1000;
    const bins = 50;
    const acc = new RdfAccumulator(A, B, rmax, bins);
    acc.add(pos, box);
    expect(Array.from(acc.state.counts)).toEqual(Array.from(bruteCounts(pos, A, B, box, rmax, bins)));
    expect(acc.state.overlap).toBe(40);
  });

  it.each(cells)('%s: per-ion neighbour counts (A partly in B, an atom on top of another)', (_name, box) => {
    const pos = randomPositions(120, box, 7);
    // Atom 5 (in A and B) sits exactly on atom 90 (only in B): distance 0 is a real neighbour.
    pos.copyWithin(3 * 5, 3 * 90, 3 * 91);
    const A = range(30), B = range(100, 20);
    const rmax = Math.floor(maxRmax(box) * 1000) / 1000;
    const bins = 4 * Math.round(rmax / 0.05);
    const acc = new RdfAccumulator(A, B, rmax, bins);
    acc.add(pos, box);
    const st = acc.state;
    expect(st.cnBins).toBeGreaterThan(50);
    expect(Array.from(st.counts)).toEqual(Array.from(bruteCounts(pos, A, B, box, rmax, bins)));
    expect(Array.from(st.cnHist)).toEqual(Array.from(bruteCnHist(pos, A, B, box, rmax, bins, st.cnStep, st.cnBins)));
  });
});

describe('g(r) normalisation', () => {
  it('an ideal gas has g(r) = 1 (uniform random points, 20 frames)', () => {
    const box = orthorhombicBox(30, 30, 30);
    const n = 2000;
    const acc = new RdfAccumulator(range(n), range(n), 15, 30);
    for (let f = 0; f < 20; f++) acc.add(randomPositions(n, box, 100 + f, 1), box);
    const g = finishRdf(acc.state);
    // Beyond 2 Å every bin holds thousands of pairs: g within a few % of 1, and on average 1.
    let sum = 0, count = 0;
    for (let i = 0; i < g.bins; i++) {
      if (g.rA[i] < 2) continue;
      expect(Math.abs(g.g[i] - 1)).toBeLessThan(0.05);
      sum += g.g[i];
      count++;
    }
    expect(Math.abs(sum / count - 1)).toBeLessThan(0.005);
    // n(r) of an ideal gas is the density times the sphere volume, with N − 1 partners.
    const rho = (n - 1) / 27000;
    expect(g.cn[g.bins - 1] / ((4 / 3) * Math.PI * 15 ** 3 * rho)).toBeCloseTo(1, 2);
    expect(g.firstPeak).toBeNull();
  });

  it('a perfect rock-salt lattice: 6 nearest neighbours of the other ion at a/2, 12 like ions at a/√2', () => {
    const a = 5.64, n = 4;
    const box = orthorhombicBox(n * a, n * a, n * a);
    const na: number[] = [], cl: number[] = [];
    const pos: number[] = [];
    for (let i = 0; i < 2 * n; i++)
      for (let j = 0; j < 2 * n; j++)
        for (let k = 0; k < 2 * n; k++) {
          (((i + j + k) & 1) === 0 ? na : cl).push(pos.length / 3);
          pos.push((i * a) / 2, (j * a) / 2, (k * a) / 2);
        }
    const p = Float64Array.from(pos);
    // 0.022 Å bins: no shell sits exactly on a bin edge, where rounding would pick the bin.
    const naCl = new RdfAccumulator(Int32Array.from(na), Int32Array.from(cl), 11, 500);
    naCl.add(p, box);
    const g = finishRdf(naCl.state);
    expect(g.firstPeak!.rA).toBeCloseTo(a / 2, 1);
    expect(g.cnFirstShell).toBe(6);
    expect(g.cnDistribution!.fractions).toEqual({ '6': 1 });
    const naNa = new RdfAccumulator(Int32Array.from(na), Int32Array.from(na), 11, 500);
    naNa.add(p, box);
    const h = finishRdf(naNa.state);
    expect(h.firstPeak!.rA).toBeCloseTo(a / Math.SQRT2, 1);
    expect(h.cnFirstShell).toBe(12);
  });

  it('a triclinic description of the same crystal gives the same g(r)', () => {
    // A cubic lattice, then the same periodic system with cell vectors (a, b + a, c + b).
    const L = 3, n = 5;
    const pos: number[] = [];
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) pos.push(i * L + 0.1, j * L + 0.2, k * L + 0.3);
    const p = Float64Array.from(pos);
    const S = n * L;
    const cubic = orthorhombicBox(S, S, S);
    const sheared = boxFromVectors([S, 0, 0, S, S, 0, 0, S, S]);
    const all = range(n * n * n);
    const rmax = Math.floor(maxRmax(sheared) * 100) / 100;
    const x = new RdfAccumulator(all, all, rmax, 100);
    const y = new RdfAccumulator(all, all, rmax, 100);
    x.add(p, cubic);
    y.add(p, sheared);
    expect(Array.from(y.state.counts)).toEqual(Array.from(x.state.counts));
    expect(finishRdf(y.state).cnFirstShell).toBe(6);
  });

  it('merging the states of two halves of a run equals one pass over all frames', () => {
    const box = boxFromVectors([16, 0, 0, 2, 15, 0, -1, 1, 14]);
    const A = range(30), B = range(80, 20);
    const whole = new RdfAccumulator(A, B, 7, 70);
    const first = new RdfAccumulator(A, B, 7, 70);
    const second = new RdfAccumulator(A, B, 7, 70);
    for (let f = 0; f < 6; f++) {
      const p = randomPositions(100, box, 7 + f);
      whole.add(p, box);
      (f < 3 ? first : second).add(p, box);
    }
    const before = Array.from(first.state.counts);
    const merged = mergeRdfStates(mergeRdfStates(emptyRdfState(30, 80, 10, 7, 70), first.state), second.state);
    expect(Array.from(first.state.counts), 'the merge leaves its inputs unchanged').toEqual(before);
    expect(merged.frames).toBe(6);
    expect(Array.from(merged.counts)).toEqual(Array.from(whole.state.counts));
    expect(Array.from(merged.cnHist)).toEqual(Array.from(whole.state.cnHist));
    expect(merged.volumeSumA3).toBeCloseTo(whole.state.volumeSumA3, 9);
  });

  it('counts a frame whose cell is narrower than twice r_max only up to half its smallest width', () => {
    const acc = new RdfAccumulator(range(2), range(2), 8, 10);
    acc.add(new Float64Array(6), orthorhombicBox(20, 15, 20));
    expect(acc.state.reachA).toBe(7.5);
  });
});

describe('a cell that shrinks during the run (NpT)', () => {
  it('counts pairs up to half the smallest cell in the frames where r_max no longer fits, and reports g(r) up to there, with a note', () => {
    // r_max from the first frame (half of 16 Å); later frames shrink to 14 Å: 7 Å is the reach.
    const A = Int32Array.from({ length: 40 }, (_, i) => i), B = Int32Array.from({ length: 120 }, (_, i) => i);
    const sides = [16, 15, 14, 15.5, 14.5, 16];
    const frames = sides.map((L, k) => ({ box: orthorhombicBox(L, L, L), p: randomPositions(120, orthorhombicBox(L, L, L), 50 + k) }));
    const shrinking = new RdfAccumulator(A, B, 8, 200);
    const fitting = new RdfAccumulator(A, B, 7, 175); // the same 0.04 Å bins, to 7 Å
    for (const f of frames) {
      shrinking.add(f.p, f.box);
      fitting.add(f.p, f.box);
    }
    expect(shrinking.state.reachA).toBe(maxRmax(orthorhombicBox(14, 14, 14)));
    const g = finishRdf(shrinking.state), ref = finishRdf(fitting.state);
    expect(g.bins).toBe(175);
    expect(g.rmaxA).toBeCloseTo(7, 12);
    expect(Array.from(g.g)).toEqual(Array.from(ref.g));
    expect(Array.from(g.cn)).toEqual(Array.from(ref.cn));
    expect(g.notes.join('\n')).toMatch(/r_max reduced from 8\.00 to 7\.00 Å: the cell shrank during the run \(NpT\)/);
    // Merged states keep the smaller reach.
    const wide = new RdfAccumulator(A, B, 8, 200);
    wide.add(frames[0].p, frames[0].box);
    expect(wide.state.reachA).toBe(8);
    expect(mergeRdfStates(wide.state, shrinking.state).reachA).toBe(7);
  });
});

describe.skipIf(!HAVE_SHARED)('nacl.lammpstrj (rock salt, spacing 2.8201 Å)', () => {
  it('first-shell coordination number exactly 6, then 18 with the second shell', async () => {
    const { frames } = await readAll(shared('nacl.lammpstrj'));
    const all = range(512);
    const acc = new RdfAccumulator(all, all, 5, 250);
    acc.add(frames[0].positions, frames[0].box!);
    const g = finishRdf(acc.state);
    expect(g.firstPeak!.rA).toBeCloseTo(2.82, 1);
    expect(g.cnFirstShell).toBe(6);
    // n(r) at 3.6 Å (between the shells) and 4.4 Å (past the 12 at 2.8201·√2 = 3.988 Å)
    expect(g.cn[Math.round(3.6 / 0.02) - 1]).toBe(6);
    expect(g.cn[Math.round(4.4 / 0.02) - 1]).toBe(18);
  });
});

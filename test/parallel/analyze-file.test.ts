import { describe, expect, it } from 'vitest';
import { boxFromVectors, inverseMatrix, orthorhombicBox, type Box } from '../../src/model/box.js';
import { analyzeOf } from '../support/analyze.js';
import { gaussian } from '../support/random.js';
import { assemble, FSI } from '../support/molecules.js';
import { writeExtxyz, writeLammpsDump, type SyntheticFrame } from '../support/write.js';


/** An FSI⁻ and two Na⁺ drifting at constant velocity through the cell (and across its faces many times). */
function ballisticFrames(box: Box | ((k: number) => Box), frames: number, dt: number) {
  const { elements, positions } = assemble([
    { atoms: FSI, at: [1, 1, 1] },
    { atoms: [['Na', 0, 0, 0]], at: [5, 5, 5] },
    { atoms: [['Na', 0, 0, 0]], at: [2, 7, 3] },
  ]);
  const v = [1.3, -0.7, 0.4]; // Å/ps for the FSI; the Na ions move differently
  const vNa = [
    [-2, 0.5, 1],
    [0.3, 2.2, -1.5],
  ];
  const out: SyntheticFrame[] = [];
  for (let k = 0; k < frames; k++) {
    const t = k * dt;
    const p = positions.slice();
    for (let i = 0; i < 9; i++) for (let d = 0; d < 3; d++) p[3 * i + d] += v[d] * t;
    for (let q = 0; q < 2; q++) for (let d = 0; d < 3; d++) p[3 * (9 + q) + d] += vNa[q][d] * t;
    out.push({ box: typeof box === 'function' ? box(k) : box, positions: p });
  }
  return { elements, frames: out, v, vNa };
}

describe('MSD through the whole pipeline: molecules crossing the cell do not jump', () => {
  it('FSI centre of mass and Na⁺ in a triclinic cell, unwrapped by minimum-image jumps (extended XYZ)', async () => {
    const box = boxFromVectors([12, 0, 0, 2, 11, 0, -1.5, 1, 10]);
    const { elements, frames, v, vNa } = ballisticFrames(box, 120, 0.5);
    const file = writeExtxyz('ballistic.extxyz', elements, frames);
    const r = await analyzeOf(file, { msd: ['FSI', 'Na'], dt: '0.5' });
    const [fsi, na] = r.msd;
    expect(fsi.kind).toBe('molecules');
    expect(fsi.count).toBe(1);
    const v2 = v[0] ** 2 + v[1] ** 2 + v[2] ** 2;
    const vNa2 = (vNa[0].reduce((a, x) => a + x * x, 0) + vNa[1].reduce((a, x) => a + x * x, 0)) / 2;
    for (const m of [1, 10, 59, 119]) {
      const t = m * 0.5;
      // Coordinates are written with 6 decimals: relative agreement ~1e-6.
      expect(fsi.curve.msdA2[m] / (v2 * t * t)).toBeCloseTo(1, 4);
      expect(na.curve.msdA2[m] / (vNa2 * t * t)).toBeCloseTo(1, 4);
    }
    expect(r.unwrapModes).toEqual(['minimum-image jumps']);
    expect(r.transference).not.toBeNull();
  });

  it('the same motion written as a LAMMPS dump with image flags gives the same MSD', async () => {
    const box = boxFromVectors([12, 0, 0, 2, 11, 0, -1.5, 1, 10]);
    const { elements, frames } = ballisticFrames(box, 60, 0.5);
    const xyz = await analyzeOf(writeExtxyz('b2.extxyz', elements, frames), { msd: ['FSI', 'Na'], dt: '0.5' });
    const mol = elements.map((_, i) => (i < 9 ? 1 : i - 7)); // FSI is molecule 1, each Na its own
    const dump = await analyzeOf(writeLammpsDump('b2.lammpstrj', elements, frames, mol), { msd: ['FSI', 'Na'], dt: '0.5' });
    expect(dump.unwrapModes).toEqual(['image flags']);
    for (let s = 0; s < 2; s++) {
      for (let m = 0; m < 60; m++) expect(dump.msd[s].curve.msdA2[m]).toBeCloseTo(xyz.msd[s].curve.msdA2[m], 3);
    }
  });

  it('a cell that changes every frame (NpT) is unwrapped step by step with the current cell, with or without image flags', async () => {
    // As in NpT MD, a change of cell rescales positions with it (fractional coordinates kept),
    // and each step then moves the atoms by d. The expected continuous trajectory is
    // u(t) = u(t−1) + [x(t) − x(t−1)] + [n(t) − n(t−1)]·H(t) (the "toroidal" scheme).
    const boxAt = (k: number) => boxFromVectors([12 + 0.5 * Math.sin(k / 5), 0, 0, 1, 11 + 0.3 * Math.cos(k / 7), 0, 0.5, -0.5, 10 + 0.2 * Math.sin(k / 3)]);
    const natoms = 3, steps = 150;
    const d = [1.1, -0.6, 0.45];
    const s = [0.1, 0.2, 0.3, 0.5, 0.5, 0.5, 0.9, 0.1, 0.6]; // fractional, unwrapped
    const frames: SyntheticFrame[] = [];
    const expected: number[][] = [];
    let prevX: number[] | null = null, prevN: number[] | null = null;
    let u: number[] = [];
    for (let k = 0; k < steps; k++) {
      const box = boxAt(k);
      const m = box.matrix;
      const inv = inverseMatrix(box);
      if (k > 0) for (let i = 0; i < natoms; i++) for (let c = 0; c < 3; c++) s[3 * i + c] += d[0] * inv[c] + d[1] * inv[3 + c] + d[2] * inv[6 + c];
      const cart = (f: number[]) => [0, 1, 2].map((q) => f[0] * m[q] + f[1] * m[3 + q] + f[2] * m[6 + q]);
      const x: number[] = [], n: number[] = [], unwrapped: number[] = [];
      for (let i = 0; i < natoms; i++) {
        const si = s.slice(3 * i, 3 * i + 3);
        const ni = si.map(Math.floor);
        x.push(...cart(si.map((v, c) => v - ni[c])));
        n.push(...ni);
        unwrapped.push(...cart(si));
      }
      if (!prevX) u = unwrapped.slice();
      else for (let i = 0; i < natoms; i++) {
        const dn = [0, 1, 2].map((c) => n[3 * i + c] - prevN![3 * i + c]);
        const shift = cart(dn);
        for (let c = 0; c < 3; c++) u[3 * i + c] += x[3 * i + c] - prevX[3 * i + c] + shift[c];
      }
      expected.push(u.slice());
      prevX = x;
      prevN = n;
      frames.push({ box, positions: Float64Array.from(unwrapped) });
    }
    const elements = ['Na', 'Na', 'Na'];
    for (const file of [writeExtxyz('npt.extxyz', elements, frames), writeLammpsDump('npt.lammpstrj', elements, frames)]) {
      const r = await analyzeOf(file, { msd: ['Na'], dt: '1' });
      for (const lag of [1, 40, 149]) {
        let sum = 0;
        for (let t = 0; t + lag < steps; t++) for (let j = 0; j < 9; j++) sum += (expected[t + lag][j] - expected[t][j]) ** 2;
        const want = sum / (steps - lag) / natoms;
        expect(r.msd[0].curve.msdA2[lag] / want, `${file}, lag ${lag}`).toBeCloseTo(1, 4);
      }
    }
  });

  it('--remove-drift takes out a common drift of the whole system', async () => {
    const box = orthorhombicBox(15, 15, 15);
    const g = gaussian(3);
    const n = 50, frames: SyntheticFrame[] = [];
    const p = Float64Array.from({ length: 3 * n }, () => 15 * Math.abs(g()) % 15);
    for (let k = 0; k < 80; k++) {
      frames.push({ box, positions: p.map((x, j) => x + (j % 3 === 0 ? 0.8 * k : 0)) }); // all atoms drift along x
    }
    const elements = Array.from({ length: n }, () => 'Ar');
    const file = writeExtxyz('drift.extxyz', elements, frames);
    const drifting = await analyzeOf(file, { msd: ['Ar'], dt: '1' });
    expect(drifting.msd[0].curve.msdA2[10]).toBeCloseTo(64, 2); // (0.8 Å/ps · 10 ps)²
    const still = await analyzeOf(file, { msd: ['Ar'], dt: '1', removeDrift: true });
    expect(still.msd[0].curve.msdA2[10]).toBeLessThan(1e-6);
  });
});

describe('frames used', () => {
  it('--begin, --end and --stride select frames by time and the lag grows with the stride', async () => {
    const box = orthorhombicBox(12, 11, 10);
    const { elements, frames, v } = ballisticFrames(box, 100, 0.5);
    const file = writeExtxyz('sel.extxyz', elements, frames);
    const r = await analyzeOf(file, { msd: ['FSI'], dt: '0.5', begin: '10', end: '40', stride: 3 });
    expect(r.framesUsed).toBe(21); // frames 20, 23, …, 80
    expect(r.dtUsedPs).toBe(1.5);
    const v2 = v[0] ** 2 + v[1] ** 2 + v[2] ** 2;
    expect(r.msd[0].curve.lagPs[4]).toBe(6);
    expect(r.msd[0].curve.msdA2[4] / (v2 * 36)).toBeCloseTo(1, 4);
  });

  it('refuses unevenly spaced frames (a restarted run appended to the same dump)', async () => {
    const box = orthorhombicBox(12, 11, 10);
    const { elements, frames } = ballisticFrames(box, 10, 0.5);
    const good = writeLammpsDump('uneven.lammpstrj', elements, frames);
    const text = (await import('node:fs')).readFileSync(good, 'latin1').replace('ITEM: TIMESTEP\n50\n', 'ITEM: TIMESTEP\n30\n');
    const bad = (await import('../support/io.js')).tempFile('uneven2.lammpstrj', text);
    await expect(analyzeOf(bad, { msd: ['Na'], timestep: '0.05' })).rejects.toThrow(/frame 5: step 30 breaks the even spacing.*restarted run/);
  });
});

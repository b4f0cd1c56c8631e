import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ViewInfo } from '../../src/viewer/api.js';
import { readDcd } from '../support/dcd.js';
import { readAll } from '../support/io.js';
import { GMX_RUN, LAMMPS_RUN } from '../support/sim.js';
import { startView } from './server.js';

/**
 * `mdpost view` on the binary formats, started as a user starts it: the GROMACS XTC, whose atoms
 * are named only by the run's GRO file, and the LAMMPS DCD, whose atoms are named only by the data
 * file. The page gets the elements of the topology file and, in /api/trajectory.dcd, the reader's
 * positions — moved by whole cell vectors only, so that molecules are whole (api.ts).
 */

type Frame = Awaited<ReturnType<typeof readAll>>['frames'][number];

async function get(base: string, path: string): Promise<Response> {
  const r = await fetch(new URL(path, base));
  expect(r.status, path).toBe(200);
  return r;
}

/**
 * The served frame holds the reader's frame: every coordinate differs from the file's by whole
 * cell lengths (orthorhombic cells, so per axis), up to the rounding to float32 (half an ulp at
 * < 64 Å is < 4e-6 Å). Returns the served positions as x y z per atom.
 */
function expectSameUpToCellVectors(served: number[][], f: Frame, natoms: number): Float64Array {
  const m = f.box!.matrix;
  const L = [m[0], m[4], m[8]];
  expect([m[1], m[2], m[3], m[5], m[6], m[7]]).toEqual([0, 0, 0, 0, 0, 0]);
  const out = new Float64Array(3 * natoms);
  let worst = 0, moved = 0;
  for (let i = 0; i < natoms; i++) {
    for (let d = 0; d < 3; d++) {
      const v = served[d][i];
      const raw = f.positions[3 * i + d];
      const n = Math.round((v - raw) / L[d]);
      expect(Math.abs(n), `atom ${i}`).toBeLessThanOrEqual(1);
      moved += +(n !== 0);
      worst = Math.max(worst, Math.abs(v - (raw + n * L[d])));
      out[3 * i + d] = v;
    }
  }
  expect(worst).toBeLessThan(4e-6);
  // Some coordinates really were moved (the file has molecules across the faces).
  expect(moved).toBeGreaterThan(0);
  return out;
}

/** Largest O–H distance of the waters (O then two H) starting at atom `first`. */
function longestOH(p: ArrayLike<number>, first: number, count: number): number {
  let worst = 0;
  for (let w = 0; w < count; w++) {
    const o = first + 3 * w;
    for (const h of [o + 1, o + 2]) worst = Math.max(worst, Math.hypot(p[3 * h] - p[3 * o], p[3 * h + 1] - p[3 * o + 1], p[3 * h + 2] - p[3 * o + 2]));
  }
  return worst;
}

describe('mdpost view on a GROMACS XTC with --topology conf.gro.gz', () => {
  it('describes the file with the GRO file’s elements and serves the reader’s first and last frames', async () => {
    const xtc = join(GMX_RUN, 'traj.xtc');
    const view = await startView([xtc, '--topology', join(GMX_RUN, 'conf.gro.gz')]);
    try {
      const info = (await (await get(view.url, 'api/info')).json()) as ViewInfo;
      expect(info).toMatchObject({ format: 'xtc', natoms: 1012, frames: 201, stride: 1, fileFrames: 201 });
      // The XTC names no atom: these are the GRO's (OW HW1 HW2 × 332, NA × 8, CL × 8).
      expect(info.elements).toEqual([...Array.from({ length: 332 }, () => ['O', 'H', 'H']).flat(), ...Array(8).fill('Na'), ...Array(8).fill('Cl')]);
      expect(info.highlight).toEqual({ selection: 'Na', atoms: [996, 997, 998, 999, 1000, 1001, 1002, 1003] });

      const { frames } = await readAll(xtc);
      expect(info.stamps[0]).toEqual({ index: 0, step: 0, timePs: frames[0].timePs });
      expect(info.stamps[200]).toEqual({ index: 200, step: 20000, timePs: frames[200].timePs });
      const dcd = readDcd(Buffer.from(await (await get(view.url, 'api/trajectory.dcd')).arrayBuffer()));
      expect(dcd.natoms).toBe(1012);
      expect(dcd.frames).toHaveLength(201);
      for (const k of [0, 200]) {
        const p = expectSameUpToCellVectors(dcd.frames[k].xyz, frames[k], 1012);
        // [a, γ, b, β, α, c] of the file's cubic cell (float32 nm × 10).
        dcd.frames[k].cell.forEach((v, j) => expect(v).toBeCloseTo([21.71104, 90, 21.71104, 90, 90, 21.71104][j], 4));
        expect(dcd.frames[k].cell[0]).toBe(frames[k].box!.matrix[0]);
        // GROMACS put the atoms in the cell one by one, splitting waters across the faces; served whole.
        expect(longestOH(frames[k].positions, 0, 332)).toBeGreaterThan(15);
        expect(longestOH(p, 0, 332)).toBeLessThan(1.05);
      }
      const pdb = await (await get(view.url, 'api/topology.pdb')).text();
      const atoms = pdb.split('\n').filter((l) => /^(ATOM|HETATM)/.test(l));
      expect(atoms.map((l) => l.slice(76, 78).trim().toLowerCase())).toEqual(info.elements.map((e) => e.toLowerCase()));
    } finally {
      await view.interrupt();
    }
  }, 180_000);
});

describe('mdpost view on a LAMMPS DCD with --topology system.data', () => {
  it('describes the file with the data file’s elements (from its masses) and serves the reader’s first and last frames', async () => {
    const dcdFile = join(LAMMPS_RUN, 'traj.dcd');
    const view = await startView([dcdFile, '--topology', join(LAMMPS_RUN, 'system.data')]);
    try {
      const info = (await (await get(view.url, 'api/info')).json()) as ViewInfo;
      expect(info).toMatchObject({ format: 'dcd', natoms: 752, frames: 101, stride: 1, fileFrames: 101 });
      // 8 FSI⁻ (F S N O O S O O F), 8 Na⁺, 224 waters (O H H), in the data file's atom order.
      expect(info.elements).toEqual([
        ...Array.from({ length: 8 }, () => ['F', 'S', 'N', 'O', 'O', 'S', 'O', 'O', 'F']).flat(),
        ...Array(8).fill('Na'),
        ...Array.from({ length: 224 }, () => ['O', 'H', 'H']).flat(),
      ]);
      expect(info.highlight.atoms).toEqual([72, 73, 74, 75, 76, 77, 78, 79]);

      const { frames } = await readAll(dcdFile);
      // Times from the header: DELTA 1 fs in AKMA units × NSAVC 500 → 0.5 ps per frame.
      expect(info.stamps[100].index).toBe(100);
      expect(info.stamps[100].timePs).toBe(frames[100].timePs);
      expect(info.stamps[100].timePs).toBeCloseTo(50, 4);
      const dcd = readDcd(Buffer.from(await (await get(view.url, 'api/trajectory.dcd')).arrayBuffer()));
      expect(dcd.natoms).toBe(752);
      expect(dcd.frames).toHaveLength(101);
      for (const k of [0, 100]) {
        const p = expectSameUpToCellVectors(dcd.frames[k].xyz, frames[k], 752);
        expect(dcd.frames[k].cell[0]).toBeCloseTo(19.778965, 5);
        // The dump's coordinates are wrapped atom by atom; served, every water is whole.
        expect(longestOH(frames[k].positions, 80, 224)).toBeGreaterThan(15);
        expect(longestOH(p, 80, 224)).toBeLessThan(1.05);
      }
    } finally {
      await view.interrupt();
    }
  }, 180_000);
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTrajectory } from '../../src/index.js';
import { Unwrapper } from '../../src/select/unwrap.js';
import { analyzeOf } from '../support/analyze.js';
import { mdpost } from '../support/cli.js';
import { REPO, tempFile } from '../support/io.js';
import { NAFSI_DUMP, NAFSI_XYZ } from '../support/nafsi.js';
import { gaussian, uniform } from '../support/random.js';

/**
 * Inputs that used to give a wrong D with exit 0 — now an error (exit 2) that says what to do,
 * or a loud warning in the terminal and the JSON.
 */
const BOX = '23.795186 23.795186 23.795186';

describe('coordinates that cannot be unwrapped', () => {
  it('an XYZ without a cell: the MSD is refused, and --unwrap none (already continuous) or --box are the ways on', async () => {
    const r = mdpost(['analyze', NAFSI_XYZ, '--dt', '0.5ps', '--msd', 'Na']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the MSD needs continuous \(unwrapped\) coordinates, and this file has no cell to unwrap them with; give --box .* or --unwrap none/);
    // Taken as continuous, these wrapped coordinates jump by a cell width: still no number.
    const none = mdpost(['analyze', NAFSI_XYZ, '--dt', '0.5ps', '--msd', 'Na', '--unwrap', 'none', '--box', BOX]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/moves [\d.]+ Å between frames across a cell 23\.8 Å wide, in coordinates taken as continuous/);
    const boxed = await analyzeOf(NAFSI_XYZ, { dt: '0.5ps', msd: ['Na'], box: BOX });
    expect(boxed.msd[0].diffusion.dA2PerPs).toBeCloseTo(0.0794, 3);
    // Said to be continuous with no cell at all, the wrapped coordinates still jump by about
    // what the atoms span (a cell width): refused, naming --box.
    const noCell = mdpost(['analyze', NAFSI_XYZ, '--dt', '0.5ps', '--msd', 'Na', '--unwrap', 'none']);
    expect(noCell.code).toBe(2);
    expect(noCell.stderr).toMatch(/frame \d+: atom \d+ moves 2\d\.?\d* Å between frames while the atoms followed span 2\d\.?\d* Å along that axis, .* wrapped in a periodic cell the file does not state; give --box/);
  });

  it('continuous coordinates without a cell (as CP2K writes them) are taken with --unwrap none, and give the D of the unwrapped run', async () => {
    // The shipped dump's Na, unwrapped with its image flags, written as a plain XYZ without a cell.
    const reader = await openTrajectory(NAFSI_DUMP);
    const uw = new Unwrapper(1304);
    let text = '';
    for await (const f of reader.frames()) {
      const u = uw.update(f);
      text += '14\nNa unwrapped\n';
      for (let i = 0; i < 1304; i++) if (reader.topology!.elements![i] === 'Na') text += `Na ${u[3 * i].toFixed(5)} ${u[3 * i + 1].toFixed(5)} ${u[3 * i + 2].toFixed(5)}\n`;
    }
    const file = tempFile('na-continuous.xyz', text);
    const r = await analyzeOf(file, { dt: '0.5ps', msd: ['Na'], unwrap: 'none' });
    const truth = await analyzeOf(NAFSI_DUMP, { msd: ['Na'] });
    expect(r.msd[0].diffusion.dA2PerPs / truth.msd[0].diffusion.dA2PerPs).toBeCloseTo(1, 6);
  });

  it('columns labelled unwrapped that jump by a box length (wrapped coordinates written as xu) are refused; --unwrap jumps reads them', async () => {
    // The shipped dump's wrapped x y z relabelled xu yu zu, as MDTraj's LAMMPS writer does.
    const text = readFileSync(join(REPO, 'trajectories/nafsi-water/nafsi-water.lammpstrj.gz'));
    const { gunzipSync } = await import('node:zlib');
    const relabelled = gunzipSync(text).toString('latin1').replace(/ITEM: ATOMS id mol type element x y z ix iy iz/g, 'ITEM: ATOMS id mol type element xu yu zu jx jy jz');
    const file = tempFile('mislabelled.lammpstrj', relabelled);
    const r = mdpost(['analyze', file, '--msd', 'Na']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/coordinates taken as continuous \(\d+ such steps in the run\), which never leave the cell: they are wrapped coordinates under an unwrapped label .* give --unwrap jumps/);
    const fixed = await analyzeOf(file, { msd: ['Na'], unwrap: 'jumps' });
    const truth = await analyzeOf(NAFSI_DUMP, { msd: ['Na'] });
    expect(fixed.msd[0].diffusion.dA2PerPs / truth.msd[0].diffusion.dA2PerPs).toBeCloseTo(1, 6);
  });

  it('frames too far apart for minimum-image unwrapping (a gas stored every picosecond) are refused, naming the fix', () => {
    // 50 atoms, Gaussian steps of σ = 4 Å per axis between frames in a 20 Å cell: steps beyond
    // half the cell are folded back and D comes out too small.
    const g = gaussian(3);
    const u = uniform(4);
    const n = 50;
    const x = new Float64Array(3 * n).map(() => 20 * u());
    let text = '';
    for (let k = 0; k < 60; k++) {
      text += `${n}\nLattice="20 0 0 0 20 0 0 0 20" Properties=species:S:1:pos:R:3 Time=${k * 1000}\n`;
      for (let i = 0; i < n; i++) text += `Ar ${[0, 1, 2].map((d) => (((x[3 * i + d] % 20) + 20) % 20).toFixed(4)).join(' ')}\n`;
      for (let j = 0; j < 3 * n; j++) x[j] += 4 * g();
    }
    const r = mdpost(['analyze', tempFile('gas.extxyz', text), '--msd', 'Ar']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the frames are too far apart to unwrap: \d+ of \d+ atom steps between frames .* span more than 35% of the cell .* store frames more often, or dump image flags/);
  });

  it('a cell that changes with coordinates given as unwrapped columns (NpT xu) is warned about in the terminal and the JSON', async () => {
    let text = '';
    const g = gaussian(5);
    const x = new Float64Array(30).map(() => 8 * g());
    for (let k = 0; k < 30; k++) {
      const L = 20 * (1 + 0.01 * Math.sin(k));
      text += `ITEM: TIMESTEP\n${k * 100}\nITEM: NUMBER OF ATOMS\n10\nITEM: BOX BOUNDS pp pp pp\n0 ${L}\n0 ${L}\n0 ${L}\nITEM: ATOMS id type xu yu zu\n`;
      for (let i = 0; i < 10; i++) text += `${i + 1} 1 ${x[3 * i].toFixed(4)} ${x[3 * i + 1].toFixed(4)} ${x[3 * i + 2].toFixed(4)}\n`;
      for (let j = 0; j < 30; j++) x[j] += 0.3 * g();
    }
    const r = await analyzeOf(tempFile('npt-xu.lammpstrj', text), { msd: ['type 1'], timestep: '1fs' });
    expect(r.warnings.join('\n')).toMatch(/the cell changes between frames, and the coordinates are unwrapped columns .* dump x y z with image flags/);
  });
});

describe('a LAMMPS box flip (fix deform … flip yes) remaps image flags without any atom crossing', () => {
  const dir = join(REPO, 'test/fixtures/peers/lammps/flip');
  // compute msd from the first frame, x y z and total, written by LAMMPS during the run (in.flip).
  const ref = readFileSync(join(dir, 'msd.txt'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => l.trim().split(/\s+/).map(Number));

  it('is detected, and unwrapped across by minimum image: no atom jumps; the y and z MSD equal LAMMPS compute msd', async () => {
    const reader = await openTrajectory(join(dir, 'flip.lammpstrj.gz'));
    const uw = new Unwrapper(500);
    let u0: Float64Array | null = null;
    let prev: Float64Array | null = null;
    let k = 0;
    let maxStep = 0;
    for await (const f of reader.frames()) {
      const u = uw.update(f);
      u0 ??= u.slice();
      if (prev) for (let j = 0; j < u.length; j++) maxStep = Math.max(maxStep, Math.abs(u[j] - prev[j]));
      prev = u.slice();
      const msd = [0, 1, 2].map((d) => {
        let s = 0;
        for (let i = 0; i < 500; i++) s += (u[3 * i + d] - u0![3 * i + d]) ** 2;
        return s / 500;
      });
      // y and z: the 6 significant digits of the dump. (x differs by the affine shear: LAMMPS's
      // x + n·H(t) carries an atom in an image cell along with the box's deformation, mdpost's
      // step-by-step unwrapping in a changing cell does not — see the README's conventions.)
      expect(Math.abs(msd[1] - ref[k][2]), `frame ${k}, y`).toBeLessThan(2e-3 + 1e-5 * ref[k][2]);
      expect(Math.abs(msd[2] - ref[k][3]), `frame ${k}, z`).toBeLessThan(2e-3 + 1e-5 * ref[k][3]);
      k++;
    }
    // xy grows by erate × L_y = 0.5 × 8.55 σ per τ, 0.86 σ between stored frames: it passes L/2
    // after 5 frames (flipping to −L/2 by the next stored frame), then every 10 frames.
    expect(uw.checks.flips).toEqual([6, 16, 26, 36, 46]);
    expect(k).toBe(51);
    // An LJ liquid moves far less than a cell width (≈ 8.5 σ) between stored frames.
    expect(maxStep).toBeLessThan(2);
  });

  it('the analysis warns that the cell flipped, and the run is not refused', async () => {
    const r = await analyzeOf(join(dir, 'flip.lammpstrj.gz'), { msd: ['type 1'], timestep: '0.005ps', fit: '1:5' });
    expect(r.warnings.join('\n')).toMatch(/the cell flipped to an equivalent one at frames? [\d, …]+ \(LAMMPS fix deform … flip yes\)/);
    expect(r.msd[0].diffusion.dA2PerPs).toBeGreaterThan(0);
  });
});

describe('time steps that contradict the file, or no MD run has', () => {
  it('--dt far from the file\'s own times, and --timestep that disagrees with ITEM: TIME, are refused naming both', () => {
    const dt = mdpost(['analyze', NAFSI_DUMP, '--msd', 'Na', '--dt', '0.4ps']);
    expect(dt.code).toBe(2);
    expect(dt.stderr).toMatch(/--dt 0\.4 ps gives 0\.4 ps between frames, but the file's own times say 0\.5 ps/);
    const ts = mdpost(['analyze', NAFSI_DUMP, '--msd', 'Na', '--timestep', '2fs']);
    expect(ts.code).toBe(2);
    expect(ts.stderr).toMatch(/--timestep 2 fs × 500 steps gives 1 ps between frames, but the file's own times say 0\.5 ps/);
    expect(mdpost(['analyze', NAFSI_DUMP, '--msd', 'Na', '--timestep', '1fs', '--json', '-']).code).toBe(0);
  });

  it('a time step outside what MD uses (a mistaken unit) is refused unless confirmed', () => {
    const big = mdpost(['analyze', NAFSI_XYZ, '--box', BOX, '--msd', 'Na', '--dt', '500']);
    expect(big.code).toBe(2);
    expect(big.stderr).toMatch(/--dt 500 ps is outside what MD runs use \(0\.01 fs – 100 ps\); check its unit .* --allow-unusual-time/);
    const ms = mdpost(['info', NAFSI_DUMP, '--timestep', '1ms']);
    expect(ms.code).toBe(2);
    expect(ms.stderr).toMatch(/--timestep .* is outside what MD runs use/);
    const confirmed = mdpost(['analyze', NAFSI_XYZ, '--box', BOX, '--msd', 'Na', '--dt', '500', '--allow-unusual-time', '--json', '-']);
    expect(confirmed.code).toBe(0);
    expect(JSON.parse(confirmed.stdout).input.dt_ps).toBe(500);
  });
});

describe('fit windows outside the run', () => {
  it('--fit 10:500 on a 200 ps run is cut to the run with a note in the terminal and the JSON, and D keeps its error', () => {
    const r = mdpost(['analyze', NAFSI_DUMP, '--msd', 'Na', '--fit', '10:500', '--json', '-']);
    expect(r.code).toBe(0);
    const m = JSON.parse(r.stdout).msd[0];
    expect(m.fit).toEqual({ from_ps: 10, to_ps: 199.5, auto: false });
    expect(m.notes.join('\n')).toMatch(/the fit window 10–500 ps runs past the end of the run: fitted up to 199\.5 ps/);
    expect(m.notes.join('\n')).toMatch(/reaches lags past half the run/);
    expect(m.D.stderr_A2_per_ps).toBeGreaterThan(0);
    const text = mdpost(['analyze', NAFSI_DUMP, '--msd', 'Na', '--fit', '10:500']);
    expect(text.stdout).toMatch(/note: the fit window 10–500 ps runs past the end of the run/);
    expect(text.stdout).toMatch(/D = [\d.]+ ± [\d.]+ Å²\/ps/);
  });
});

describe('times the file stores are read', () => {
  it("CP2K's XYZ comment (i = step, time = fs) and LAMMPS dump xyz (Atoms. Timestep: N)", () => {
    let cp2k = '', lammps = '';
    for (let k = 0; k < 6; k++) {
      cp2k += `2\n i =        ${k * 5}, time =        ${(k * 2.5).toFixed(3)}, E =    -1234.5678901234\nLi 0 0 ${0.1 * k}\nCl 1 1 1\n`;
      lammps += `2\nAtoms. Timestep: ${k * 100}\nLi 0 0 ${0.1 * k}\nCl 1 1 1\n`;
    }
    const a = JSON.parse(mdpost(['info', tempFile('cp2k-pos-1.xyz', cp2k), '--json']).stdout);
    expect([a.steps, a.time_ps, a.dt_ps, a.dt_source]).toEqual([[0, 25], [0, 0.0125], 0.0025, 'file times']);
    const b = JSON.parse(mdpost(['info', tempFile('dump.xyz', lammps), '--json', '--timestep', '1fs']).stdout);
    expect([b.steps, b.dt_ps]).toEqual([[0, 500], 0.1]);
  });

  it('ITEM: TIME without ITEM: UNITS is read in the unit its ratio to the step says, saying which', () => {
    const frame = (step: number, time: number) => `ITEM: TIME\n${time}\nITEM: TIMESTEP\n${step}\nITEM: NUMBER OF ATOMS\n1\nITEM: BOX BOUNDS pp pp pp\n0 10\n0 10\n0 10\nITEM: ATOMS id type x y z\n1 1 ${step / 1000} 1 1\n`;
    const real = mdpost(['info', tempFile('real.lammpstrj', [0, 1, 2].map((k) => frame(500 * k, 500 * k)).join('')), '--json']);
    const info = JSON.parse(real.stdout);
    expect(info.dt_ps).toBeCloseTo(0.5, 12);
    expect(real.stderr).toMatch(/ITEM: TIME without ITEM: UNITS: read in fs \(LAMMPS real units\), since time \/ step = 1/);
    const metal = JSON.parse(mdpost(['info', tempFile('metal.lammpstrj', [0, 1, 2].map((k) => frame(500 * k, 0.5 * k)).join('')), '--json']).stdout);
    expect(metal.dt_ps).toBeCloseTo(0.5, 12);
  });

  it('an XDATCAR without times: the error says --dt is POTIM × NBLOCK', () => {
    const r = mdpost(['analyze', join(REPO, 'test/fixtures/io/vasp/npt.XDATCAR'), '--msd', 'all']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the MSD needs the time between frames.*--dt is POTIM × NBLOCK/);
  });
});

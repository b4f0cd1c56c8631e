import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTrrHeader, createTrrHeader } from '../../src/io/binary/trr.js';
import { xdrCursor } from '../../src/io/binary/xdr.js';
import { sniffFormat } from '../../src/io/sniff.js';
import { ParseError } from '../../src/model/errors.js';
import { mdpost } from '../support/cli.js';
import { readAll, readError, tempFile } from '../support/io.js';
import { Agreement, dimensionsOf, fileBytes, GMX_RUN, maxAbsDiff, peerJson, type PeerTrajectory } from '../support/sim.js';

/**
 * GROMACS TRR through the reader, on the GROMACS NaCl/SPC/E run of test/fixtures/sim: traj.trr
 * (single precision; x every 200 steps, v and f at other intervals, so frames hold x, x v, x f,
 * x v f, f only, v only or v f), traj-double.trr (a double-precision build) and boxonly.trr
 * (frames with nothing but the cell). Frames without positions are passed over: mdpost numbers
 * and analyses the frames with positions.
 */
const TRR = join(GMX_RUN, 'traj.trr');
const DOUBLE = join(GMX_RUN, 'traj-double.trr');
const BOXONLY = join(GMX_RUN, 'boxonly.trr');
const agreement = new Agreement();
afterAll(() => agreement.report('TRR reader (largest deviations)'));

/** Offsets of every frame (with positions or not) and whether it has positions. */
function frames(b: Buffer): { offset: number; x: boolean; step: number }[] {
  const c = xdrCursor(b);
  const h = createTrrHeader();
  const out: { offset: number; x: boolean; step: number }[] = [];
  while (c.pos < c.end) {
    readTrrHeader(c, h);
    out.push({ offset: c.pos, x: h.xBytes !== 0, step: h.step });
    c.pos += h.frameBytes;
  }
  return out;
}

/** MDAnalysis's frames that have positions, in order. */
function withPositions(ref: PeerTrajectory) {
  return ref.frames.filter((f) => f.has_positions);
}

describe('the TRR reader', () => {
  it('is recognised by its magic number and version string; info tells precision and the frames passed over', () => {
    expect(sniffFormat(readFileSync(TRR).subarray(0, 4096))?.name).toBe('trr');
    const r = mdpost(['info', TRR]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^format +trr$/m);
    expect(r.stdout).toMatch(/^precision +single \(float32\)$/m);
    expect(r.stdout).toMatch(/^frames +101$/m);
    expect(r.stdout).toMatch(/^frames without positions +10 passed over \(4 with velocities, 7 with forces\)$/m);
    expect(r.stdout).toMatch(/^steps +0 … 20000 \(every 200\)$/m);
    expect(r.stdout).toMatch(/^dt +0\.4 ps between frames \(from file times\)$/m);
    expect(mdpost(['info', DOUBLE]).stdout).toMatch(/^precision +double \(float64\)$/m);
  });

  it('reads the frames with positions as MDAnalysis does: steps, times and cells exactly, positions as float32', async () => {
    const { frames: got } = await readAll(TRR);
    const ref = peerJson<PeerTrajectory>(join(GMX_RUN, 'peers/mdanalysis-traj.trr.json.gz'));
    const refX = withPositions(ref);
    expect(ref.n_frames).toBe(111);
    expect(got.length).toBe(refX.length);
    expect(got.length).toBe(101);
    got.forEach((f, k) => {
      const r = refX[k];
      expect(f.index).toBe(k);
      expect(f.step).toBe(r.step);
      expect(f.step).toBe(200 * k);
      expect(f.timePs).toBe(r.time);
      expect(dimensionsOf(f)!.map(Math.fround)).toEqual(r.dimensions!.map(Math.fround));
      // nm × 10 of a float32 is exact in double; MDAnalysis rounds it to float32: equal as float32.
      const worst = Math.max(...ref.subset_indices.map((a, j) => maxAbsDiff(Array.from(f.positions.subarray(3 * a, 3 * a + 3), Math.fround), r.positions![j].map(Math.fround))));
      expect(agreement.note('positions as float32, 20 atoms × 101 frames (Å)', worst)).toBe(0);
    });
    // All atoms of MDAnalysis's frames 0 and 110 (x v f and x v); frame 8 is f only.
    for (const [k, full] of Object.entries(ref.full_frames)) {
      const r = ref.frames[Number(k)];
      if (!r.has_positions) continue;
      const f = got[refX.indexOf(r)];
      expect(maxAbsDiff(Array.from(f.positions, Math.fround), full.positions.flat().map(Math.fround))).toBe(0);
    }
  });

  it('passes over frames with only the cell, and reads those around them', async () => {
    const { frames: got, reader } = await readAll(BOXONLY);
    const ref = peerJson<PeerTrajectory>(join(GMX_RUN, 'peers/mdanalysis-boxonly.trr.json.gz'));
    const refX = withPositions(ref);
    expect(got.map((f) => f.step)).toEqual([1400, 1600, 1800, 2000, 2200, 2400, 2600]);
    expect(got.map((f) => f.step)).toEqual(refX.map((f) => f.step));
    got.forEach((f, k) => {
      const worst = Math.max(...ref.subset_indices.map((a, j) => maxAbsDiff(Array.from(f.positions.subarray(3 * a, 3 * a + 3), Math.fround), refX[k].positions![j].map(Math.fround))));
      expect(worst).toBe(0);
    });
    expect(reader.details()['frames without positions']).toBe('2 passed over (2 with only the cell)');
  });

  it('reads double precision in full: positions to the 9 decimals (nm) of gmx_d trjconv', async () => {
    const { frames: got } = await readAll(DOUBLE);
    expect(got.map((f) => f.step)).toEqual([0, 50, 100, 150, 200, 250, 300, 350, 400, 450, 500]);
    // The GROMACS-96 file of step 400, written by the double-precision gmx_d: "%15.9f" in nm.
    const g96 = fileBytes(join(GMX_RUN, 'peers/gmx_d-traj-double-t0.8.g96.gz')).toString('latin1').split('\n');
    const from = g96.indexOf('POSITION') + 1;
    const f = got[8];
    expect(f.step).toBe(400);
    let worst = 0;
    for (let i = 0; i < f.natoms; i++) {
      const xyz = g96[from + i].trim().split(/\s+/).slice(-3).map((x) => 10 * Number(x));
      worst = Math.max(worst, maxAbsDiff(f.positions.subarray(3 * i, 3 * i + 3), xyz));
    }
    // Half a unit of the 9th decimal in nm is 5e-9 Å.
    expect(agreement.note('double positions vs gmx_d g96 (Å)', worst)).toBeLessThan(5.1e-9);
    // Not float32: some coordinate has more digits than a float32 holds.
    expect(Array.from(f.positions).some((x) => Math.fround(x) !== x)).toBe(true);
    // MDAnalysis reads the same file as float32.
    const ref = peerJson<PeerTrajectory>(join(GMX_RUN, 'peers/mdanalysis-traj-double.trr.json.gz'));
    withPositions(ref).forEach((r, k) => {
      expect(got[k].step).toBe(r.step);
      const dev = Math.max(...ref.subset_indices.map((a, j) => maxAbsDiff(got[k].positions.subarray(3 * a, 3 * a + 3), r.positions![j])));
      expect(agreement.note('double positions vs MDAnalysis float32 (Å)', dev)).toBeLessThan(4e-6);
    });
  });

  it('gives the XTC written in the same run the same positions, to the XTC precision', async () => {
    const trr = (await readAll(TRR)).frames;
    const xtc = (await readAll(join(GMX_RUN, 'traj.xtc'))).frames;
    let worst = 0;
    trr.forEach((f, k) => {
      expect(xtc[2 * k].step).toBe(f.step);
      worst = Math.max(worst, maxAbsDiff(f.positions, xtc[2 * k].positions));
    });
    // The XTC rounds to 0.001 nm: within half of it, plus the float32 of the TRR.
    expect(agreement.note('positions vs the XTC of the same steps (Å)', worst)).toBeLessThan(0.005 + 1e-5);
  });

  it('reads gzip-compressed TRR as the same frames', async () => {
    const plain = (await readAll(TRR)).frames;
    const gz = await readAll(tempFile('traj.trr.gz', readFileSync(TRR)));
    expect(gz.reader.format).toBe('trr');
    expect(gz.frames.length).toBe(101);
    gz.frames.forEach((f, k) => expect(maxAbsDiff(f.positions, plain[k].positions)).toBe(0));
  });

  it('keeps the complete frames of a file cut inside its last frame, with a warning', async () => {
    const b = readFileSync(TRR);
    const last = frames(b).at(-1)!;
    expect(last.x).toBe(true);
    const path = tempFile('cut.trr', b.subarray(0, b.length - 100));
    const { frames: got, reader } = await readAll(path);
    expect(got.length).toBe(100);
    expect(reader.warnings).toEqual([`${path}: the last frame (frame 100, from byte ${last.offset}) is incomplete — the file ends inside it; using the 100 complete frames`]);
  });

  it('rejects a wrong magic number or a frame of another atom count, naming the file and frame', async () => {
    const b = Buffer.from(readFileSync(TRR));
    const at = frames(b);
    // Raw frame 12 is the 11th with positions (after frame 8, forces only): mdpost's frame 11.
    expect(at.slice(0, 13).filter((f) => f.x).length).toBe(12);
    b.writeInt32BE(1994, at[12].offset);
    const path = tempFile('magic.trr', b);
    const e = await readError(path);
    expect(e).toBeInstanceOf(ParseError);
    expect(e.message).toBe(`${path}, frame 11: TRR: expected the frame magic number 1993, found 1994 (at byte ${at[12].offset})`);
    expect((await readError(join(GMX_RUN, 'traj.xtc'), { format: 'trr' })).message).toMatch(/traj\.xtc, frame 0: TRR: expected the frame magic number 1993, found 1995 \(at byte 0\)$/);
    const r = mdpost(['info', path]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([`mdpost: error: ${e.message}`]);
  });
});

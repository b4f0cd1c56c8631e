import { describe, expect, it } from 'vitest';
import { finishRdf } from '../../src/analysis/rdf-shell.js';
import { ANALYSES } from '../../src/analyses/index.js';
import type { MsdState } from '../../src/analyses/msd.js';
import type { RdfAccumulator } from '../../src/analysis/rdf.js';
import { TrajectoryReader } from '../../src/io/reader.js';
import { Folder } from '../../src/pipeline/fold.js';
import { makePlan, readerOptions } from '../../src/pipeline/plan.js';
import type { AnalysisSpec } from '../../src/pipeline/spec.js';
import { specOf } from '../support/analyze.js';
import { LAMMPS_PEER, NAFSI_DUMP, NAFSI_XYZ, numberRows, vectorBlocks } from '../support/nafsi.js';

/**
 * mdpost against the numbers LAMMPS computed while it ran the shipped NaFSI/water trajectory
 * (trajectories/nafsi-water/in.nafsi-water): compute msd (Na⁺), msd/chunk (FSI⁻ centres of mass),
 * both from the first frame as the only origin, and compute rdf (Na–O(FSI), Na–Ow), every frame.
 * The dump holds 6 significant digits, LAMMPS its own doubles: agreement to ~1e-3 Å².
 */
async function fold(spec: AnalysisSpec) {
  const plan = await makePlan(spec, ANALYSES);
  const folder = new Folder(plan, ANALYSES);
  const reader = await TrajectoryReader.open(spec.file, readerOptions(spec.read));
  for await (const f of reader.frames()) folder.add(f);
  return { plan, state: folder.state() };
}

/** Mean over particles of |r(t) − r(0)|² from a folded MSD series (stored as displacements from frame 0). */
function singleOrigin(series: { frames: number; particles: number; data: Float64Array }): Float64Array {
  const w = 3 * series.particles;
  const out = new Float64Array(series.frames);
  for (let t = 0; t < series.frames; t++) {
    let s = 0;
    for (let j = 0; j < w; j++) s += series.data[t * w + j] ** 2;
    out[t] = s / series.particles;
  }
  return out;
}

describe('LAMMPS compute msd and msd/chunk on the shipped trajectory', () => {
  it.each([
    ['LAMMPS dump with image flags', NAFSI_DUMP, {}],
    ['plain XYZ (wrapped, no cell: --box, unwrapped by jumps)', NAFSI_XYZ, { box: '23.795186 23.795186 23.795186' }],
  ])('Na⁺ and FSI⁻ centre of mass, %s', async (_name, file, extra) => {
    const { state } = await fold(specOf(file, { ...extra, dt: '0.5', msd: ['Na', 'FSI'] }));
    const series = (state.analyses.msd as MsdState).chunks;
    const na = singleOrigin(series[0][0]);
    const fsi = singleOrigin(series[1][0]);
    const refNa = numberRows(`${LAMMPS_PEER}/msd-na.txt`);
    const refFsi = numberRows(`${LAMMPS_PEER}/msd-fsi-com.txt`);
    expect(na.length).toBe(refNa.length);
    for (let t = 0; t < refNa.length; t++) {
      expect(Math.abs(na[t] - refNa[t][4]), `Na, frame ${t}`).toBeLessThan(2e-3 + 1e-5 * refNa[t][4]);
      expect(Math.abs(fsi[t] - refFsi[t][4]), `FSI, frame ${t}`).toBeLessThan(2e-3 + 1e-5 * refFsi[t][4]);
    }
    expect(refNa[400][4]).toBeGreaterThan(50); // the ions did travel several cell widths' worth of MSD
  });
});

describe('LAMMPS compute rdf on the shipped trajectory (200 bins to 8 Å, every frame)', () => {
  it("g(r) per bin within 0.02 and the running coordination number within 0.005 (measured: 0.016, 7e-4)", async () => {
    const { state } = await fold(specOf(NAFSI_DUMP, { rdf: ['Na,type 4', 'Na,type 6'], rmax: '8', bins: '200' }));
    const ours = (state.analyses.rdf as RdfAccumulator[]).map((acc) => finishRdf(acc.state));
    const blocks = vectorBlocks(`${LAMMPS_PEER}/rdf.txt`);
    expect(blocks).toHaveLength(401);
    for (const [pair, gCol, cnCol] of [
      [0, 2, 3],
      [1, 4, 5],
    ]) {
      let maxG = 0, maxCn = 0;
      for (let i = 0; i < 200; i++) {
        const g = blocks.reduce((s, b) => s + b.rows[i][gCol], 0) / blocks.length;
        const cn = blocks.reduce((s, b) => s + b.rows[i][cnCol], 0) / blocks.length;
        expect(ours[pair].rA[i]).toBeCloseTo(blocks[0].rows[i][1], 10);
        maxG = Math.max(maxG, Math.abs(ours[pair].g[i] - g));
        maxCn = Math.max(maxCn, Math.abs(ours[pair].cn[i] - cn));
      }
      expect(maxG, `pair ${pair}: largest g(r) difference`).toBeLessThan(0.02);
      expect(maxCn, `pair ${pair}: largest n(r) difference`).toBeLessThan(0.005);
    }
  });
});

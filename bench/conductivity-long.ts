/**
 * `node dist/bench/conductivity-long.js FRAMES IONS BUDGET_BYTES [SEED]`: the MSD and the
 * conductivity analyses (their create / add / finish, as a run folds them) over a synthetic run
 * of IONS cations (D = 0.2 Å²/ps) and IONS anions (0.1 Å²/ps, each also dragged by 0.6 of its
 * cation's step: L₊₋ > 0) among one heavy solvent particle that carries the centre of mass,
 * 1 ps frames, fit 10–1000 ps, with the memory budget given (--max-memory, shared by the two);
 * prints σ_EH, σ_NE (self parts), the Haven ratio and e²L₊₋ with their errors beside what the
 * walk's definition gives, whether the bounded correlator was used and its size, the seconds and
 * the peak memory. Run each case in a fresh process, so that each peak is its own; a budget of
 * 1e10 keeps the exact series, for the same run both ways.
 */
import { conductivityAnalysis, exactFramesWithin, type ConductivityPrepared } from '../src/analyses/conductivity.js';
import { ANALYSES } from '../src/analyses/index.js';
import { conductivityMsPerCm } from '../src/analysis/conductivity-units.js';
import { msdAnalysis, type MsdPrepared } from '../src/analyses/msd.js';
import { serialParallel } from '../src/pipeline/contract.js';
import { orthorhombicBox } from '../src/model/box.js';
import type { Frame } from '../src/model/frame.js';
import type { ParticleDef } from '../src/select/particles.js';

const [framesArg, ionsArg, budgetArg, seedArg = '1'] = process.argv.slice(2);
const frames = Number(framesArg), ions = Number(ionsArg), budgetBytes = Number(budgetArg);
const dtPs = 1, dPlus = 0.2, dMinus = 0.1, drag = 0.6;
const atoms = 2 * ions + 1;

/** Atoms first … first + count − 1, one particle each. */
const atomsOf = (first: number, count: number): ParticleDef => ({
  kind: 'atoms',
  count,
  start: Int32Array.from({ length: count + 1 }, (_, i) => i),
  member: Int32Array.from({ length: count }, (_, i) => first + i),
  weight: new Float64Array(count).fill(1),
  offset: new Float64Array(3 * count),
});
const cations = atomsOf(0, ions), anions = atomsOf(ions, ions);
// Masses 23 and 35 u, the solvent particle as heavy as 100 ions of each.
const masses = Float64Array.from({ length: atoms }, (_, i) => (i < ions ? 23 : i < 2 * ions ? 35 : 100 * ions * 58));
const total = masses.reduce((a, b) => a + b, 0);
const com: ParticleDef = {
  kind: 'atoms',
  count: 1,
  start: Int32Array.of(0, atoms),
  member: Int32Array.from({ length: atoms }, (_, i) => i),
  weight: Float64Array.from(masses, (m) => m / total),
  offset: new Float64Array(3 * atoms),
};

const fit: [number, number] = [10, 1000];
const msdPrepared: MsdPrepared = {
  fit,
  dtPs,
  series: [
    { selection: 'Na', def: cations, elements: 'Na', ion: 'cation' },
    { selection: 'FSI', def: anions, elements: 'FSI', ion: 'anion' },
  ],
  budgetBytes,
  strideFrames: 1,
};
const prepared: ConductivityPrepared = {
  dtPs,
  temperatureK: 300,
  blocks: 5,
  ions: [
    { selection: 'Na', msdIndex: 0, def: cations, chargeE: 1, source: '--charges' },
    { selection: 'FSI', msdIndex: 1, def: anions, chargeE: -1, source: '--charges' },
  ],
  com,
  notes: [],
  budgetBytes,
  exactFrames: exactFramesWithin(budgetBytes, 2 * ions, 2 * ions),
  strideFrames: 1,
};

let s = Number(seedArg) >>> 0;
const uniform = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
// Steps uniform in ±√3·sd: variance sd² per axis, cheaper than Gaussian.
const step = (d: number) => Math.sqrt(2 * d * dtPs) * Math.sqrt(3) * (2 * uniform() - 1);
const pos = new Float64Array(3 * atoms);
for (let j = 0; j < pos.length; j++) pos[j] = 30 * uniform();
const box = orthorhombicBox(60, 60, 60);
const frame = { index: 0, box } as Frame;
const t0 = performance.now();
const msdState = msdAnalysis.create(msdPrepared);
const state = conductivityAnalysis.create(prepared);
for (let t = 0; t < frames; t++) {
  if (t > 0) {
    for (let q = 0; q < ions; q++) {
      for (let d = 0; d < 3; d++) {
        const own = step(dPlus);
        pos[3 * q + d] += own;
        pos[3 * (ions + q) + d] += step(dMinus) + drag * own;
      }
    }
    for (let d = 0; d < 3; d++) pos[3 * 2 * ions + d] += step(0.01);
  }
  frame.index = t;
  msdAnalysis.add(msdPrepared, msdState, { frame, unwrapped: pos });
  conductivityAnalysis.add(prepared, state, { frame, unwrapped: pos });
}
const parallel = serialParallel(ANALYSES);
const msd = await msdAnalysis.finish(msdPrepared, msdState, { file: 'synthetic', result: () => undefined, parallel });
const r = await conductivityAnalysis.finish(prepared, state, { file: 'synthetic', result: <R>(key: string) => (key === 'msd' ? (msd as R) : undefined), parallel });
const o = r.onsager;
// What the walk's definition gives: per pair, the charge moves as 0.4 × the cation's step minus
// the anion's own; the anion diffuses with 0.1 + 0.6² × 0.2; the barycentric terms also carry
// the COM's motion, D_com = 0.01 × the solvent's weight² (the ions' share of the COM neglected):
// N·D_com in each species' self sum, N²·D_com in ⟨ΔR̃₊·ΔR̃₋⟩.
const toMs = (x: number) => conductivityMsPerCm(x, r.volumeA3, 300);
const dCom = (masses[2 * ions] / total) ** 2 * 0.01;
const dAnion = dMinus + drag * drag * dPlus;
const expected = {
  sigmaEH: toMs(ions * ((1 - drag) ** 2 * dPlus + dMinus)),
  sigmaSelf: toMs(ions * (dPlus + dAnion + 2 * dCom)),
  lPlusMinus: toMs(ions * drag * dPlus + ions * ions * dCom),
};
const note = r.notes.find((n) => n.includes('multiple-tau correlator'));
process.stdout.write(
  JSON.stringify({
    frames,
    ions: 2 * ions,
    budgetMB: budgetBytes / 1e6,
    bounded: note !== undefined,
    correlatorMB: note ? Number(/Dubbeldam et al\. 2009; ([\d.]+) MB/.exec(note)![1]) : null,
    exactSeriesMB: (24 * (2 * ions + 1) * frames) / 1e6,
    msdMultiTau: msd.some((m) => m.diffusion.notes.some((n) => n.includes('multiple-tau'))),
    expected: { ...expected, haven: expected.sigmaSelf / expected.sigmaEH },
    sigmaEH: o.sigmaEH,
    sigmaSelf: { value: o.sigmaNE.value, stderr: o.sigmaNE.stderr },
    haven: o.haven,
    lPlusMinus: o.l[0][1].total,
    window: [r.window.fromPs, r.window.toPs],
    blocks: o.error.blocks,
    blockPs: o.error.blockFrames * dtPs,
    notes: process.env.NOTES ? r.notes : undefined,
    seconds: (performance.now() - t0) / 1000,
    peakMB: process.resourceUsage().maxRSS / 1024,
  }) + '\n',
);

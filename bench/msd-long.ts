/**
 * `node dist/bench/msd-long.js FRAMES PARTICLES BUDGET_BYTES [SEED]`: the MSD analysis (its
 * create / add / finish, as a run folds it) over a synthetic random walk of PARTICLES particles
 * (D = 0.25 Å²/ps, 1 ps frames) and FRAMES frames, with the memory budget given; prints D, its
 * standard error, whether the multiple-tau method was used, the seconds and the peak memory.
 * bench/targets.ts runs it in a fresh process per case, so each peak is its own.
 */
import { msdAnalysis, type MsdPrepared } from '../src/analyses/msd.js';
import { ANALYSES } from '../src/analyses/index.js';
import { serialParallel } from '../src/pipeline/contract.js';
import type { Frame } from '../src/model/frame.js';

const [framesArg, particlesArg, budgetArg, seedArg = '1'] = process.argv.slice(2);
const frames = Number(framesArg), particles = Number(particlesArg);
const D = 0.25, dtPs = 1;
const prepared: MsdPrepared = {
  fit: [20, Math.min(frames / 2, 20_000)],
  dtPs,
  series: [
    {
      selection: 'walkers',
      def: {
        kind: 'atoms',
        count: particles,
        start: Int32Array.from({ length: particles + 1 }, (_, i) => i),
        member: Int32Array.from({ length: particles }, (_, i) => i),
        weight: new Float64Array(particles).fill(1),
        offset: new Float64Array(3 * particles),
      },
      elements: 'X',
      ion: null,
    },
  ],
  budgetBytes: Number(budgetArg),
  strideFrames: 1,
};
let s = Number(seedArg) >>> 0;
const uniform = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
const sd = Math.sqrt(2 * D * dtPs);
const pos = new Float64Array(3 * particles);
const t0 = performance.now();
const state = msdAnalysis.create(prepared);
const frame = { index: 0 } as Frame;
for (let t = 0; t < frames; t++) {
  // Steps uniform in ±√3·sd: variance sd² per axis, cheaper than Gaussian.
  if (t > 0) for (let j = 0; j < pos.length; j++) pos[j] += sd * Math.sqrt(3) * (2 * uniform() - 1);
  frame.index = t;
  msdAnalysis.add(prepared, state, { frame, unwrapped: pos });
}
const [r] = await msdAnalysis.finish(prepared, state, { file: 'synthetic', result: () => undefined, parallel: serialParallel(ANALYSES) });
process.stdout.write(
  JSON.stringify({
    frames,
    particles,
    budgetMB: Number(budgetArg) / 1e6,
    multiTau: r.diffusion.notes.some((n) => n.includes('multiple-tau')),
    float32: r.diffusion.notes.some((n) => n.includes('float32')),
    D: r.diffusion.dA2PerPs,
    stderr: r.diffusion.stderrA2PerPs,
    lags: r.curve.lagPs.length,
    notes: process.env.NOTES ? r.diffusion.notes : undefined,
    window: [r.diffusion.window.fromPs, r.diffusion.window.toPs],
    seconds: (performance.now() - t0) / 1000,
    peakMB: process.resourceUsage().maxRSS / 1024,
  }) + '\n',
);

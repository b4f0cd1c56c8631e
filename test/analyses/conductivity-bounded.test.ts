import { describe, expect, it } from 'vitest';
import type { ConductivitySection, ConductivityState } from '../../src/analyses/conductivity.js';
import { blockedBytes } from '../../src/analysis/blocked-multi-tau.js';
import { loadFold } from '../../src/run/state-file.js';
import { analyze, ANALYSES, documentJson, documentOf } from '../../src/index.js';
import type { RawOptions } from '../../src/pipeline/options.js';
import { analysisText } from '../../src/report/text.js';
import { writeWalkDump, type Walk } from '../support/ion-walks.js';
import { expectSame, fine, resultJson } from '../support/workers.js';
import { mdpost } from '../support/cli.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The conductivity past --max-memory: the same run analysed with every ion's series kept (the
 * exact, all-origin path) and with the bounded multiple-tau correlator, through the whole
 * pipeline, on walkers whose anions are dragged by their cations (distinct terms well away from
 * zero) among a heavy solvent, so that the centre of mass wanders (no anchor atom).
 */
const T = 300;
const walk: Walk = {
  species: [
    { element: 'Na', count: 12, d: 0.2, massU: 22.99, chargeE: 1 },
    { element: 'Cl', count: 12, d: 0.1, massU: 35.45, chargeE: -1, drags: { species: 0, fraction: 0.6 } },
    // A heavy solvent, outside the --msd selections: the centre of mass wanders, but slowly.
    { element: 'Ar', count: 24, d: 0.3, massU: 400 },
  ],
  frames: 4000,
  dtPs: 0.1,
  cellA: 25,
  seed: 5,
};
const file = writeWalkDump('dragged.lammpstrj', walk);
const options: RawOptions = { timestep: '1fs', temperature: String(T), conductivity: true, msd: ['Na', 'Cl'], fit: '1:15' };
// 2 MB: the conductivity's exact series may hold 2 MB / (24 B × (24 MSD particles + 24 ions + 1)) = 1700 frames;
// the MSD's 24 particles fit in float32 steps (2 MB / 12 B / 24 = 6944 frames).
const SMALL = '2MB';

async function run(extra: RawOptions) {
  const doc = documentOf(await analyze(file, { ...options, ...extra }, { workers: 1 }), ANALYSES, 'test');
  return { c: (documentJson(doc) as { conductivity: ConductivitySection }).conductivity, text: analysisText(doc, ANALYSES) };
}

describe('the conductivity past --max-memory', () => {
  const exact = run({});
  const bounded = run({ maxMemory: SMALL });

  it('says so in the terminal and the JSON notes: the correlator, its memory, its blocks', async () => {
    const { c, text } = await bounded;
    expect((await exact).c.notes.join(' ')).not.toMatch(/multiple-tau/);
    expect(c.notes[0]).toMatch(
      /^every ion's series over 4000 frames would need 2\.40 MB, more than --max-memory 2\.00 MB leaves beside the MSD's series: .*order-n multiple-tau correlator .*the 5 blocks are 12 sub-blocks of 64 frames each \(3840 of the 4000 frames\)$/,
    );
    expect(text).toContain(`note: ${c.notes[0]}`);
    expect(c.error).toMatchObject({ blocks: 5, dof: 4, block_ps: expect.closeTo(76.7, 9) });
  });

  it('holds the all-origin curves exactly at lags under 16 frames, then multiple-tau lags', async () => {
    const [e, b] = [(await exact).c, (await bounded).c];
    const frames = b.lag_ps.map((t) => Math.round(t / 0.1));
    expect(frames.slice(0, 24)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 20, 22, 24, 26, 28, 30]);
    for (let m = 1; m < 16; m++) {
      expect(Math.abs(b.charge_msd_e2A2[m] / e.charge_msd_e2A2[m] - 1)).toBeLessThan(1e-9);
      for (const k of Object.keys(e.onsager_msd_A2)) expect(Math.abs(b.onsager_msd_A2[k][m] - e.onsager_msd_A2[k][m])).toBeLessThan(1e-9 * e.self_msd_A2.Na[m]);
      for (const k of Object.keys(e.self_msd_A2)) expect(Math.abs(b.self_msd_A2[k][m] / e.self_msd_A2[k][m] - 1)).toBeLessThan(1e-9);
    }
  });

  it('gives σ_EH, every e²L_ij, the ionicity and Haven ratio of the exact path within a fraction of their errors', async () => {
    const [e, b] = [(await exact).c, (await bounded).c];
    // The fit window holds the multiple-tau lags within 1–15 ps.
    expect(b.fit).toEqual({ from_ps: 1, to_ps: 14.4, auto: false });
    const pairs: [string, number, number | null, number, number | null][] = [
      ['σ_EH', e.sigma_EH_mS_per_cm, e.sigma_EH_stderr_mS_per_cm, b.sigma_EH_mS_per_cm, b.sigma_EH_stderr_mS_per_cm],
      ['Haven', e.haven_ratio!, e.haven_ratio_stderr, b.haven_ratio!, b.haven_ratio_stderr],
      ['ionicity', e.ionicity!, e.ionicity_stderr, b.ionicity!, b.ionicity_stderr],
      ...Object.keys(e.onsager_mS_per_cm).flatMap((k): [string, number, number, number, number][] => [
        [`L ${k}`, e.onsager_mS_per_cm[k], e.onsager_stderr_mS_per_cm[k], b.onsager_mS_per_cm[k], b.onsager_stderr_mS_per_cm[k]],
        [`L distinct ${k}`, e.onsager_distinct_mS_per_cm[k], e.onsager_distinct_stderr_mS_per_cm[k], b.onsager_distinct_mS_per_cm[k], b.onsager_distinct_stderr_mS_per_cm[k]],
      ]),
      ...Object.keys(e.onsager_self_mS_per_cm).map((k): [string, number, number, number, number] => [`L self ${k}`, e.onsager_self_mS_per_cm[k], e.onsager_self_stderr_mS_per_cm[k], b.onsager_self_mS_per_cm[k], b.onsager_self_stderr_mS_per_cm[k]]),
    ];
    // The drag makes the cross terms real: L₊₋ several errors from zero.
    expect(e.onsager_mS_per_cm['Na,Cl']).toBeGreaterThan(5 * e.onsager_stderr_mS_per_cm['Na,Cl']);
    // Measured (bounded − exact) / exact error: 0.006 (L₊₊) … 0.76 (self part of L₋₋), σ_EH −0.11,
    // Haven ratio −0.06; the errors' ratio 0.64–1.17 (blocks of 768 frames against 800).
    for (const [name, ev, es, bv, bs] of pairs) {
      expect(Math.abs(bv - ev), name).toBeLessThan(es!);
      expect(bs! / es!, name).toBeGreaterThan(0.5);
      expect(bs! / es!, name).toBeLessThan(2);
    }
  });

  it('gives the same numbers as one process from Slurm pieces (analyze --frames --save-state, then merge), one piece exact and one bounded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mdpost-cond-'));
    const args = [file, '--timestep', '1fs', '--temperature', String(T), '--conductivity', '--msd', 'Na', '--msd', 'Cl', '--fit', '1:15', '--max-memory', SMALL];
    const pieces = ['0:1500', '1500:4000'].map((frames, k) => {
      const state = join(dir, `piece-${k}.mdstate`);
      const r = mdpost(['analyze', ...args, '--frames', frames, '--save-state', state]);
      expect(r.code, r.stderr).toBe(0);
      return state;
    });
    // 1500 frames are kept exactly (1700 fit), 2500 as the correlator (0.437 MB measured, its
    // exact series 1.5 MB; it grows with the logarithm of the frames: onsager-bounded.test.ts).
    const [first, second] = await Promise.all(pieces.map(async (f) => (await loadFold(f)).state.analyses.conductivity as ConductivityState));
    expect(first.bounded).toBeNull();
    expect(first.com[0].frames).toBe(1500);
    expect(second.ions.every((chunks) => chunks.length === 0)).toBe(true);
    expect(second.bounded!.frames).toBe(2500);
    expect(blockedBytes(second.bounded!)).toBeLessThan(0.5e6);
    const merged = mdpost(['merge', ...pieces, '--json', '-']);
    expect(merged.code, merged.stderr).toBe(0);
    const one = mdpost(['analyze', ...args, '--json', '-', '--workers', '1']);
    const [a, b] = [JSON.parse(one.stdout).conductivity, JSON.parse(merged.stdout).conductivity];
    expect(b.notes[0]).toMatch(/order-n multiple-tau correlator/);
    expectSame(a, b, 'merged pieces', { rel: 1e-10, abs: 1e-13 });
  });

  it('gives the same numbers with 1, 2 and 3 workers', async () => {
    const opts = { ...options, maxMemory: SMALL };
    const one = (await resultJson(file, opts, { workers: 1 })).conductivity;
    for (const w of [2, 3]) expectSame(one, (await resultJson(file, opts, fine(w))).conductivity, `${w} workers`, { rel: 1e-10, abs: 1e-13 });
  });
});

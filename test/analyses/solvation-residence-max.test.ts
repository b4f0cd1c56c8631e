import { describe, expect, it } from 'vitest';
import { ANALYSES } from '../../src/analyses/index.js';
import type { SolvationSection } from '../../src/analyses/solvation-document.js';
import { analyze, documentJson, documentOf } from '../../src/index.js';
import { NAFSI_DUMP } from '../support/nafsi.js';

/**
 * `--residence-max` on the shipped NaFSI/water run (401 frames of 0.5 ps, τ_res 33 ps for water
 * and 87 ps for FSI with these cutoffs): C(τ) is kept to that lag, exactly as over every lag, in
 * one pass or by 1–3 worker threads whose ranges are merged; a residence time past it is
 * reported as longer than the longest lag kept.
 */
const OPTIONS = { solvation: ['Na'], shellAtoms: 'O', shellCutoff: 'H2O=3.2473,FSI=3.3072' };

async function section(options: Record<string, unknown>, workers = 1): Promise<SolvationSection> {
  const run = await analyze(NAFSI_DUMP, { ...OPTIONS, ...options }, { workers, minParallelBytes: 0, batchBytes: 1 << 17 });
  return JSON.parse(JSON.stringify(documentJson(documentOf(run, ANALYSES, 'test')))).solvation[0];
}

describe('--residence-max', () => {
  it('C(τ) up to 50 ps is that over every lag, with the same exchanges and stays, in 1, 2 or 3 workers', async () => {
    const every = await section({});
    expect(every.lag_ps).toHaveLength(401);
    for (const workers of [1, 2, 3]) {
      const short = await section({ residenceMax: '50' }, workers);
      expect(short.lag_ps).toEqual(every.lag_ps.slice(0, 101));
      for (const kind of ['H2O', 'FSI']) {
        expect(short.partners[kind].C).toEqual(every.partners[kind].C.slice(0, 101));
        expect(short.partners[kind].mean_stay_ps).toBe(every.partners[kind].mean_stay_ps);
      }
      expect(short.partners.H2O.residence_ps).toBe(every.partners.H2O.residence_ps);
      expect(short.exchanges).toEqual(every.exchanges);
      // FSI stays longer than 50 ps: no τ_res, said why; nor a fit, whose window C > 0.15 lies beyond it.
      expect(short.partners.FSI.residence_ps).toBeNull();
      expect(short.partners.FSI.residence_note).toBe('C(τ) stays above 1/e up to the longest lag (50.00 ps): the residence time is longer than the longest lag kept (--residence-max)');
    }
  });

  it('takes times with units, and is an option of --solvation only', async () => {
    expect((await section({ residenceMax: '0.02ns' })).lag_ps.at(-1)).toBe(20);
    await expect(analyze(NAFSI_DUMP, { residenceMax: '50' })).rejects.toThrow(/--residence-max sets up solvation shells/);
    await expect(analyze(NAFSI_DUMP, { ...OPTIONS, residenceMax: '-5' })).rejects.toThrow(/--residence-max/);
  });
});

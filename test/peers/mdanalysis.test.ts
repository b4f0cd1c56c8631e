import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeOf } from '../support/analyze.js';
import { REPO } from '../support/io.js';
import { NAFSI_DUMP } from '../support/nafsi.js';

/**
 * mdpost against MDAnalysis 2.4.2 on the shipped trajectory (test/fixtures/peers/mdanalysis:
 * make_reference.py wrote nafsi-water.json with EinsteinMSD, InterRDF and a numpy centre-of-mass
 * MSD; its README lists the conventions). MDAnalysis works in float32.
 */
interface Ref {
  msd: Record<string, { lag_ps: number[]; msd_A2: number[]; fit: { from_ps: number; to_ps: number }; D_A2_per_ps: number; count: number }>;
  rdf: { a: string; b: string; types_a: number[]; types_b: number[]; same_group: boolean; exclusion_block: number[] | null; nbins: number; range: number[]; n_a: number; n_b: number; g: number[]; cn: number[]; r_A: number[] }[];
}
const ref: Ref = JSON.parse(readFileSync(join(REPO, 'test/fixtures/peers/mdanalysis/nafsi-water.json'), 'utf8'));

describe('MSD and D against MDAnalysis EinsteinMSD', async () => {
  const result = await analyzeOf(NAFSI_DUMP, { msd: ['Na', 'FSI'], fit: '10:100' });

  it.each([
    ['Na', 0],
    ['FSI', 1],
  ] as const)('%s: the MSD at every lag within 1e-5 relative, and D over 10–100 ps within 1e-6 (measured: 1e-6 and 1e-7)', (name, k) => {
    const mine = result.msd[k];
    const theirs = ref.msd[name];
    expect(mine.count).toBe(theirs.count);
    expect(mine.curve.frames).toBe(theirs.lag_ps.length);
    for (let m = 1; m < theirs.lag_ps.length; m++) {
      expect(mine.curve.lagPs[m]).toBeCloseTo(theirs.lag_ps[m], 12);
      expect(Math.abs(mine.curve.msdA2[m] - theirs.msd_A2[m])).toBeLessThan(1e-5 * Math.max(1, theirs.msd_A2[m]));
    }
    expect([mine.diffusion.window.fromPs, mine.diffusion.window.toPs]).toEqual([theirs.fit.from_ps, theirs.fit.to_ps]);
    expect(Math.abs(mine.diffusion.dA2PerPs / theirs.D_A2_per_ps - 1)).toBeLessThan(1e-6);
  });
});

describe('g(r) and n(r) against MDAnalysis InterRDF (275 bins to 11 Å)', async () => {
  const sel = (types: number[]) => `type ${types.join(' ')}`;
  const pairs = ref.rdf.filter((r) => !r.same_group);
  const result = await analyzeOf(NAFSI_DUMP, { rdf: [...pairs.map((r) => `${sel(r.types_a)},${sel(r.types_b)}`), 'type 6,type 6'], rmax: '11', bins: '275' });

  it.each(pairs.map((r, k) => [`${r.a}–${r.b}`, k] as const))('%s: g within 0.013 per bin, n(r) within 0.002 (measured: 1.3e-3, 1.8e-4)', (_name, k) => {
    const mine = result.rdf[k], theirs = pairs[k];
    expect([mine.nA, mine.nB]).toEqual([theirs.n_a, theirs.n_b]);
    let maxG = 0, maxCn = 0;
    for (let i = 0; i < 275; i++) {
      expect(mine.rA[i]).toBeCloseTo(theirs.r_A[i], 9);
      maxG = Math.max(maxG, Math.abs(mine.g[i] - theirs.g[i]));
      maxCn = Math.max(maxCn, Math.abs(mine.cn[i] - theirs.cn[i]));
    }
    expect(maxG).toBeLessThan(0.013);
    expect(maxCn).toBeLessThan(0.002);
  });

  it('a group with itself (water O–O): equal to InterRDF without self pairs, and N/(N−1) from its default', () => {
    const mine = result.rdf[pairs.length];
    const excluded = ref.rdf.find((r) => r.same_group && r.exclusion_block)!;
    const plain = ref.rdf.find((r) => r.same_group && !r.exclusion_block)!;
    const n = plain.n_a;
    for (let i = 1; i < 275; i++) {
      // Measured: 2.2e-4 in g, 7.7e-5 in n(r).
      expect(Math.abs(mine.g[i] - excluded.g[i])).toBeLessThan(0.003);
      // MDAnalysis by default counts each atom as its own neighbour at r = 0 and divides by N².
      expect(Math.abs(mine.g[i] - (plain.g[i] * n) / (n - 1))).toBeLessThan(0.003);
      expect(Math.abs(mine.cn[i] - (plain.cn[i] - 1))).toBeLessThan(0.001);
    }
  });
});

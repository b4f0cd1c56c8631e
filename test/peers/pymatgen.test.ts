import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeOf } from '../support/analyze.js';
import { HAVE_SHARED, readAll, REPO, shared } from '../support/io.js';

/**
 * mdpost against pymatgen on VASP AIMD of the Li conductor Li6PS5Cl (../shared/fixtures/
 * argyrodite.XDATCAR): what pymatgen's Xdatcar reads, the Li MSD of pymatgen-analysis-diffusion's
 * DiffusionAnalyzer (every time origin, lags 1–13.9 ps) and the Li–S g(r) of its
 * RadialDistributionFunction. test/fixtures/peers/pymatgen/make_reference.py wrote the numbers;
 * its README gives the conventions. Both sides compute in double precision.
 */
interface Ref {
  reader: { natoms: number; frames: number; species: Record<string, number>; lattice_A: number[]; positions: { frame: number; atom: number; xyz_A: number[] }[] };
  msd_li: { dt_ps: number; lag_ps: number[]; msd_A2: number[]; D_cm2_per_s: number };
  rdf_li_s: { rmax_A: number; bins: number; n_li: number; n_s: number; g: number[]; cn: number[] };
}
const ref: Ref = JSON.parse(readFileSync(join(REPO, 'test/fixtures/peers/pymatgen/argyrodite.json'), 'utf8'));
const FILE = shared('argyrodite.XDATCAR');

describe.skipIf(!HAVE_SHARED)('argyrodite.XDATCAR against pymatgen', async () => {
  const { frames, reader } = HAVE_SHARED ? await readAll(FILE) : { frames: [], reader: null };
  const options = { dt: ref.msd_li.dt_ps, msd: ['Li'], rdf: ['Li,S'], rmax: ref.rdf_li_s.rmax_A, bins: ref.rdf_li_s.bins };
  const result = HAVE_SHARED ? await analyzeOf(FILE, options) : null;

  it('reads the same atoms, cell and positions as pymatgen Xdatcar (to 1e-12 Å)', () => {
    const r = ref.reader;
    expect(frames.length).toBe(r.frames);
    expect(frames[0].natoms).toBe(r.natoms);
    const elements = reader!.topology!.elements;
    const counts: Record<string, number> = {};
    for (const e of elements) counts[e] = (counts[e] ?? 0) + 1;
    expect(counts).toEqual(r.species);
    const m = frames[0].box!.matrix;
    r.lattice_A.forEach((v, k) => expect(Math.abs(m[k] - v)).toBeLessThan(1e-9));
    for (const p of r.positions) {
      const mine = Array.from(frames[p.frame].positions.subarray(3 * p.atom, 3 * p.atom + 3));
      mine.forEach((v, d) => expect(Math.abs(v - p.xyz_A[d]), `frame ${p.frame} atom ${p.atom}`).toBeLessThan(1e-12));
    }
  });

  it('the Li MSD equals DiffusionAnalyzer\'s at each of its 130 lags (to 1e-12 relative)', () => {
    const mine = result!.msd[0];
    expect(mine.count).toBe(ref.rdf_li_s.n_li);
    const { lag_ps, msd_A2 } = ref.msd_li;
    expect(lag_ps.length).toBe(130);
    for (let k = 0; k < lag_ps.length; k++) {
      const m = Math.round(lag_ps[k] / ref.msd_li.dt_ps);
      expect(mine.curve.lagPs[m]).toBeCloseTo(lag_ps[k], 12);
      expect(Math.abs(mine.curve.msdA2[m] / msd_A2[k] - 1)).toBeLessThan(1e-12);
    }
  });

  it('the Li–S g(r) and n(r) equal RadialDistributionFunction\'s raw g(r) and coordination number (to 1e-12)', () => {
    const mine = result!.rdf[0];
    const theirs = ref.rdf_li_s;
    expect([mine.nA, mine.nB, mine.bins]).toEqual([theirs.n_li, theirs.n_s, theirs.bins]);
    for (let i = 0; i < theirs.bins; i++) {
      expect(Math.abs(mine.g[i] - theirs.g[i]), `bin ${i}`).toBeLessThan(1e-12);
      expect(Math.abs(mine.cn[i] - theirs.cn[i]), `bin ${i}`).toBeLessThan(1e-12);
    }
    expect(mine.cn[theirs.bins - 1]).toBeGreaterThan(10);
  });
});

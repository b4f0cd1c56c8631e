import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeOf } from '../support/analyze.js';
import { Agreement, atomsNamed, GMX_RUN, indexSelection, readGro, readXvg } from '../support/sim.js';

/**
 * mdpost against GROMACS's own analysis tools on the GROMACS NaCl/SPC/E run of test/fixtures/sim
 * (traj.xtc: 1012 atoms, 201 frames every 0.2 ps; the peers' conventions are in its README):
 * `gmx msd` of Cl⁻, `gmx rdf` of O(water)–O(water) and Na⁺–Cl⁻. (Na⁺ and water-O MSD and the
 * Na–O g(r) are compared in test/io/xtc.test.ts.)
 */
const XTC = join(GMX_RUN, 'traj.xtc');
const names = readGro(join(GMX_RUN, 'traj.gro.gz'))[0].names;
// Selections by index from the GRO's names, so that no topology code stands between file and peer.
const NA = indexSelection(atomsNamed(names, (n) => n === 'NA'));
const CL = indexSelection(atomsNamed(names, (n) => n === 'CL'));
const OW = indexSelection(atomsNamed(names, (n) => n === 'OW'));
const agreement = new Agreement();
afterAll(() => agreement.report('mdpost vs GROMACS tools (largest deviations)'));

describe('gmx msd', () => {
  it('gives the MSD and D of Cl⁻ that mdpost gives', async () => {
    // gmx msd (2022) ran on a copy relabelled 0, 200, 400 … (it needs whole-ps frame times): its tau
    // column is fs for our ps × 1000 and the D in its legend (1e-5 cm²/s) is 1000× too small;
    // MSD in nm² (× 100 → Å²), 6 digits; every frame an origin, no centre-of-mass correction, PBC
    // jumps removed frame to frame as mdpost unwraps. Fit 2–20 ps (lags 10…100; the window's ends
    // padded so that the float32 frame times select the same lags). 1e-5 cm²/s = 0.1 Å²/ps.
    const r = await analyzeOf(XTC, { msd: [CL], fit: '1.99:20.01' });
    const m = r.msd[0];
    expect(m.count).toBe(8);
    expect(m.diffusion.window).toMatchObject({ from: 10, to: 100 });
    const { rows, legends } = readXvg(join(GMX_RUN, 'peers/gmx-msd-cl.xvg.gz'));
    expect(rows.length).toBe(201);
    let rel = 0;
    rows.forEach(([tauFs, msdNm2], i) => {
      expect(tauFs).toBe(200 * i);
      if (i > 0) rel = Math.max(rel, Math.abs(m.curve.msdA2[i] / (100 * msdNm2) - 1));
    });
    expect(agreement.note('MSD Cl vs gmx msd (relative)', rel)).toBeLessThan(2e-5);
    // The legend's D has 4 significant digits after rescaling (1.038).
    const dGmx = 1000 * Number(/= ([\d.]+) /.exec(legends[0])![1]);
    expect(dGmx).toBeCloseTo(1.038, 6);
    expect(agreement.note('D Cl vs gmx msd (1e-5 cm²/s)', Math.abs(m.diffusion.dA2PerPs * 10 - dGmx))).toBeLessThan(6e-4);
  });
});

describe('gmx rdf', () => {
  // Ours in half bins (0.01 Å, edges at multiples of 0.01 Å), regrouped as gmx rdf -bin 0.002 -rmax 1.0
  // (nm) groups them: its row i is the bin centred on r = i·0.02 Å, [(i − ½)w, (i + ½)w] (the first
  // [0, w/2]), built from half bins of w/2, normalised by that bin's shell volume 4/3π(r₊³ − r₋³), N_ref
  // and ⟨N_sel/V⟩, printed to 3 decimals. Its -cn row i, the mean number of sel within (i + 1)·0.02 Å
  // of a ref atom, is our running CN at that edge.
  const run = analyzeOf(XTC, { rdf: [`${OW},${OW}`, `${NA},${CL}`], rmax: '10', bins: '1000' });

  /**
   * Compare our g(r) of pair k with gmx's rows. `toGmx` converts our normalisation to gmx's: both
   * count each ordered pair of distinct atoms once, but for a group with itself mdpost divides by the
   * N(N − 1) pairs there are and gmx by N² (its self pairs at r = 0 are dropped, the N² stays).
   */
  async function compare(k: number, file: string, toGmx: number, label: string, edgePairs: { g: number; cn: number }) {
    const g = (await run).rdf[k];
    const halfW = g.rmaxA / g.bins;
    const halfShell = (j: number) => (4 / 3) * Math.PI * (((j + 1) * halfW) ** 3 - (j * halfW) ** 3);
    // One pair in a gmx row is worth 1 / (frames · N_ref · N_sel / ⟨V⟩ · shell) of g (gmx's normalisation).
    const perPairDensity = (g.frames * g.nA * g.nB) / g.meanVolumeA3;
    const perRefFrame = g.frames * g.nA;
    const gmx = readXvg(join(GMX_RUN, `peers/gmx-rdf-${file}.xvg.gz`)).rows;
    const gmxCn = readXvg(join(GMX_RUN, `peers/gmx-rdf-cn-${file}.xvg.gz`)).rows;
    expect(gmx.length).toBe(500);
    expect(gmxCn.length).toBe(500);
    let worstG = 0, worstPairs = 0, worstCn = 0, worstCnPairs = 0;
    for (let i = 0; i < 500; i++) {
      const [rNm, gGmx] = gmx[i];
      expect(rNm).toBeCloseTo(i * 0.002, 9);
      const lo = Math.max(0, (i - 0.5) * 0.02), hi = (i + 0.5) * 0.02;
      const shell = (4 / 3) * Math.PI * (hi ** 3 - lo ** 3);
      // Our g × shell volume of each half bin is its pair count over the same normalisation.
      const ours = (toGmx * ((i > 0 ? g.g[2 * i - 1] * halfShell(2 * i - 1) : 0) + g.g[2 * i] * halfShell(2 * i))) / shell;
      const pairWorth = 1 / (perPairDensity * shell);
      const dg = Math.abs(ours - gGmx);
      worstG = Math.max(worstG, dg);
      // Beyond gmx's rounding to 3 decimals, in pairs: a pair whose distance lies on a bin edge
      // lands on either side in gmx's float32 and our double arithmetic.
      worstPairs = Math.max(worstPairs, Math.max(0, dg - 0.0005) / pairWorth);
      expect(dg, `${label} row ${i}`).toBeLessThanOrEqual(0.0005 + edgePairs.g * pairWorth);
      const dcn = Math.abs(g.cn[2 * i + 1] - gmxCn[i][1]);
      worstCn = Math.max(worstCn, dcn);
      worstCnPairs = Math.max(worstCnPairs, Math.max(0, dcn - 0.0005) * perRefFrame);
      expect(dcn, `${label} cn row ${i}`).toBeLessThanOrEqual(0.0005 + edgePairs.cn / perRefFrame);
    }
    agreement.note(`${label} g(r) vs gmx rdf (max |Δg|)`, worstG);
    agreement.note(`${label} g(r) vs gmx rdf (pairs beyond its rounding)`, worstPairs);
    agreement.note(`${label} CN vs gmx rdf -cn (max |Δ|)`, worstCn);
    agreement.note(`${label} CN vs gmx rdf -cn (pairs beyond rounding)`, worstCnPairs);
    return g;
  }

  // The XTC stores positions on a 0.01 Å grid and the bins' edges are multiples of 0.01 Å, so a
  // distance often lies exactly on an edge (d² an integer square in units of 1e-4 Å²: 3322 of the
  // water O–O pairs within 10 Å over the run, 12 on the edge at 2.97 Å alone); float32 (gmx) and
  // double (mdpost) rounding put such a pair on either side. Measured: up to 11.4 OW–OW pairs per
  // row beyond gmx's rounding, 5.0 in the running CN; Na–Cl (8 × 8 ions) 1.0 and 0.4.
  it('O(water)–O(water): the same g(r) once its N² normalisation is converted, and the same CN', async () => {
    const OW_EDGE = { g: 16, cn: 8 };
    const g = await compare(0, 'ow-ow', 331 / 332, 'OW–OW', OW_EDGE);
    expect([g.nA, g.nB, g.frames]).toEqual([332, 332, 201]);
    // Without the conversion ours would be g/332 above gmx's: 0.009 at the first peak (g = 2.9 at
    // 2.75 Å), about 36 pairs — well beyond the tolerance, so the conventions are really told apart.
    const i = 138; // the row at 2.76 Å
    const shell = (4 / 3) * Math.PI * (((i + 0.5) * 0.02) ** 3 - ((i - 0.5) * 0.02) ** 3);
    const pairWorth = g.meanVolumeA3 / (g.frames * 332 * 332 * shell);
    const gmxPeak = readXvg(join(GMX_RUN, 'peers/gmx-rdf-ow-ow.xvg.gz')).rows[i][1];
    expect(gmxPeak).toBe(2.874);
    expect(gmxPeak / 331).toBeGreaterThan(0.0005 + OW_EDGE.g * pairWorth);
  });

  it('Na⁺–Cl⁻: the same g(r) and CN (contact pairs at 2.7 Å)', async () => {
    const g = await compare(1, 'na-cl', 1, 'Na–Cl', { g: 2, cn: 2 });
    expect([g.nA, g.nB, g.frames]).toEqual([8, 8, 201]);
  });
});

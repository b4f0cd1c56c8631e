import { describe, expect, it } from 'vitest';
import { conductivityAnalysis, type ConductivitySection } from '../../src/analyses/conductivity.js';
import { msdAnalysis } from '../../src/analyses/msd.js';
import { conductivityMsPerCm } from '../../src/analysis/conductivity-units.js';
import { analyze, ANALYSES, documentJson, documentOf, specFromOptions } from '../../src/index.js';
import type { RawOptions } from '../../src/pipeline/options.js';
import { analysisText } from '../../src/report/text.js';
import { writeWalkDump, type Walk } from '../support/ion-walks.js';
import { NAFSI_DUMP } from '../support/nafsi.js';
import { REPO, tempFile } from '../support/io.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The conductivity through the whole pipeline — files written, read, unwrapped, folded, merged
 * and reported — on systems whose answer is known: independent walkers (σ_EH = σ_NE, Haven
 * ratio 1, no cross terms), rigid ion pairs (no current), a pure-self system (no distinct
 * parts); the unit conversion against pymatgen's published factor; where charges come from.
 */
const T = 300;

async function run(file: string, options: RawOptions) {
  const finished = await analyze(file, { timestep: '1fs', temperature: String(T), conductivity: true, ...options }, { workers: 1 });
  const doc = documentOf(finished, ANALYSES, 'test');
  const json = documentJson(doc) as Record<string, unknown>;
  return { c: json.conductivity as ConductivitySection, msd: json.msd as { selection: string; D: { A2_per_ps: number; cm2_per_s: number; stderr_A2_per_ps: number } }[], text: analysisText(doc, ANALYSES), doc };
}

/** Within k standard errors of a value. */
const within = (x: number, truth: number, stderr: number | null, k: number) => expect(Math.abs(x - truth), `${x} vs ${truth} ± ${stderr}`).toBeLessThan(k * stderr!);

describe('independent walkers of both charges', () => {
  // 16 Na⁺ (D 0.2 Å²/ps) and 16 Cl⁻ (D 0.1), 3000 frames 0.1 ps apart in a 30 Å cell, the COM
  // held by an anchor atom. 10 blocks: 9 degrees of freedom, so ±4 standard errors hold the
  // truth in 99.7% of runs.
  const walk: Walk = {
    species: [
      { element: 'Na', count: 16, d: 0.2, massU: 22.99, chargeE: 1 },
      { element: 'Cl', count: 16, d: 0.1, massU: 35.45, chargeE: -1 },
    ],
    frames: 3000,
    dtPs: 0.1,
    cellA: 30,
    seed: 44,
    anchor: true,
  };
  const file = writeWalkDump('walkers.lammpstrj', walk);
  const result = run(file, { msd: ['Na', 'Cl'], fit: '1:14', conductivityBlocks: '10' });
  const sigmaTrue = conductivityMsPerCm(16 * 0.2 + 16 * 0.1, 27000, T);

  it('σ_EH and σ_NE estimate e²/(V k_B T) Σ N z² D; the Haven ratio and ionicity are 1; cross terms vanish', async () => {
    const { c } = await result;
    expect(c.volume_A3).toBeCloseTo(27000, 6);
    expect(c.fit).toEqual({ from_ps: 1, to_ps: 14, auto: false });
    expect(c.ions).toEqual([
      { selection: 'Na', charge: 1, count: 16, charge_source: 'formal', kind: 'atoms' },
      { selection: 'Cl', charge: -1, count: 16, charge_source: 'formal', kind: 'atoms' },
    ]);
    within(c.sigma_NE_mS_per_cm, sigmaTrue, c.sigma_NE_stderr_mS_per_cm, 3);
    within(c.sigma_EH_mS_per_cm, sigmaTrue, c.sigma_EH_stderr_mS_per_cm, 4);
    within(c.haven_ratio!, 1, c.haven_ratio_stderr, 4);
    within(c.ionicity!, 1, c.ionicity_stderr, 4);
    within(c.onsager_mS_per_cm['Na,Cl'], 0, c.onsager_stderr_mS_per_cm['Na,Cl'], 4);
    for (const k of ['Na,Na', 'Cl,Cl']) within(c.onsager_distinct_mS_per_cm[k], 0, c.onsager_distinct_stderr_mS_per_cm[k], 4);
    // t⁺ = D⁺/(D⁺ + D⁻) = 2/3 both ways when ions move independently.
    within(c.t_plus_onsager!, 2 / 3, c.t_plus_onsager_stderr, 4);
    within(c.t_plus_nernst_einstein!, 2 / 3, c.t_plus_nernst_einstein_stderr, 3);
    // One sample per time origin of the whole system against one per ion: the collective error is far wider.
    expect(c.sigma_EH_stderr_mS_per_cm!).toBeGreaterThan(3 * c.sigma_NE_stderr_mS_per_cm!);
    expect(c.error).toMatchObject({ blocks: 10, dof: 9, block_ps: expect.closeTo(29.9, 9) });
    // Electroneutral ions: the charge displacement does not see the COM.
    expect(c.sigma_onsager_mS_per_cm).toBeCloseTo(c.sigma_EH_mS_per_cm, 9);
    expect(c.notes).toEqual([]);
  });

  it("σ_NE in mS/cm is pymatgen-analysis-diffusion's conversion factor times N z² D in cm²/s", async () => {
    // pymatgen's get_conversion_factor (mS/cm per cm²/s) is 1000·n/(V·N_A)·z²·(N_A e)²/(R T); its
    // test expects 41370704.343540139 ± 20 for 4 Li⁺ in V = 299.60796771125047 Å³ at 600 K. The
    // factor of N ions of charge z in V at T follows from it by its dependence on n z²/(V T).
    const factor = (n: number, v: number, t: number) => 41370704.343540139 * (n / 4) * (299.60796771125047 / v) * (600 / t);
    const { c, msd } = await result;
    const expected = msd.reduce((a, m, k) => a + factor(16 * c.ions[k].charge ** 2, c.volume_A3, T) * m.D.cm2_per_s, 0);
    expect(Math.abs(c.sigma_NE_mS_per_cm / expected - 1)).toBeLessThan(20 / 41370704);
  });

  it('prints σ_NE, σ_EH, the ionicity and Haven ratio, e²L_ij and t⁺ both ways, each with its error and unit', async () => {
    const { text, c } = await result;
    expect(text).toMatch(/^Ionic conductivity at 300 K, mean cell volume 27000 Å³; ions Na \+1 × 16 \(formal charge\), Cl −1 × 16 \(formal charge\)$/m);
    expect(text).toMatch(/^ {2}σ_NE = [\d.]+ ± [\d.]+ mS\/cm +Nernst–Einstein/m);
    expect(text).toMatch(/^ {2}σ_EH = [\d.]+ ± [\d.]+ mS\/cm +Einstein–Helfand, slope of the charge MSD over 1–14 ps$/m);
    expect(text).toMatch(/^ {2}ionicity σ_EH\/σ_NE = [\d.]+ ± [\d.]+; Haven ratio σ_NE\/σ_EH = [\d.]+ ± [\d.]+$/m);
    expect(text).toMatch(/^ {2}Na,Cl +-?[\d.]+ ± [\d.]+ +— +-?[\d.]+ ± [\d.]+$/m);
    expect(text).toMatch(/^ {2}t⁺ \(Onsager\) = [\d.]+ ± [\d.]+; t⁺ \(Nernst–Einstein, N z² D\) = [\d.]+ ± [\d.]+$/m);
    expect(text).toContain(`from 10 blocks of 29.9 ps (9 degrees of freedom: ±1 holds the truth in 66% of runs)`);
    expect(c.method).toMatch(/^Ions: the --msd selections that carry charge/);
  });

  it("the JSON section holds the issue's contract", async () => {
    const { c } = await result;
    for (const key of [
      'temperature_K', 'volume_A3', 'ions', 'fit', 'sigma_NE_mS_per_cm', 'sigma_NE_stderr_mS_per_cm', 'sigma_EH_mS_per_cm', 'sigma_EH_stderr_mS_per_cm',
      'haven_ratio', 'ionicity', 'onsager_mS_per_cm', 'onsager_self_mS_per_cm', 'onsager_distinct_mS_per_cm', 't_plus_onsager', 't_plus_onsager_stderr', 'method',
    ]) {
      expect(c, key).toHaveProperty(key);
    }
    expect(Object.keys(c.onsager_mS_per_cm)).toEqual(['Na,Na', 'Na,Cl', 'Cl,Cl']);
    expect(Object.keys(c.onsager_self_mS_per_cm)).toEqual(['Na,Na', 'Cl,Cl']);
    expect(Object.keys(c.onsager_distinct_mS_per_cm)).toEqual(['Na,Na', 'Na,Cl', 'Cl,Cl']);
    expect(c.temperature_K).toBe(T);
    // The section read back reports the same (the viewer and batch summaries read it so).
    expect(conductivityAnalysis.document.read(JSON.parse(JSON.stringify(c)), 'conductivity')).toEqual(c);
  });
});

describe('rigid ion pairs that always move together', () => {
  // Each Cl⁻ sits 2.8 Å from its Na⁺: the charge never moves.
  const walk: Walk = {
    species: [
      { element: 'Na', count: 8, d: 0.15, massU: 22.99 },
      { element: 'Cl', count: 8, d: 0, massU: 35.45, follows: { species: 0, offset: [2.8, 0, 0] } },
    ],
    frames: 2000,
    dtPs: 0.1,
    cellA: 30,
    seed: 9,
    anchor: true,
  };
  const result = run(writeWalkDump('pairs.lammpstrj', walk), { msd: ['Na', 'Cl'], fit: '1:9', conductivityBlocks: '10' });

  it('σ_EH → 0 and L₊₋ = L₊₊ = L₋₋ for a neutral pair; the ionicity is 0 and σ_EH is noted as unresolved', async () => {
    const { c } = await result;
    expect(Math.abs(c.sigma_EH_mS_per_cm)).toBeLessThan(1e-6 * c.sigma_NE_mS_per_cm);
    expect(c.onsager_mS_per_cm['Na,Cl'] / c.onsager_mS_per_cm['Na,Na']).toBeCloseTo(1, 6);
    expect(c.onsager_mS_per_cm['Cl,Cl'] / c.onsager_mS_per_cm['Na,Na']).toBeCloseTo(1, 6);
    expect(Math.abs(c.ionicity!)).toBeLessThan(1e-6);
    expect(c.notes.join(' ')).toMatch(/σ_EH is not resolved from zero/);
    // Each ion still diffuses: σ_NE is that of 16 ions of D = 0.15.
    within(c.sigma_NE_mS_per_cm, conductivityMsPerCm(16 * 0.15, 27000, T), c.sigma_NE_stderr_mS_per_cm, 3);
  });
});

describe('a pure-self system', () => {
  it('one ion of each charge: the distinct parts of L₊₊ and L₋₋ vanish, and each self part is its L', async () => {
    const walk: Walk = {
      species: [
        { element: 'Na', count: 1, d: 0.3, massU: 22.99 },
        { element: 'Cl', count: 1, d: 0.1, massU: 35.45 },
      ],
      frames: 1500,
      dtPs: 0.2,
      cellA: 20,
      seed: 4,
      anchor: true,
    };
    const { c } = await run(writeWalkDump('self.lammpstrj', walk), { msd: ['Na', 'Cl'], fit: '1:20' });
    for (const k of ['Na,Na', 'Cl,Cl']) {
      expect(Math.abs(c.onsager_distinct_mS_per_cm[k])).toBeLessThan(1e-9 * c.onsager_mS_per_cm[k]);
      expect(c.onsager_self_mS_per_cm[k]).toBeCloseTo(c.onsager_mS_per_cm[k], 9);
    }
  });
});

describe('where the charges come from', () => {
  const walk = (charges: boolean, q = 0.8): Walk => ({
    species: [
      { element: 'Na', count: 6, d: 0.2, massU: 22.99, chargeE: q },
      { element: 'Cl', count: 6, d: 0.1, massU: 35.45, chargeE: -q },
      { element: 'Ar', count: 4, d: 0.3, massU: 39.95, chargeE: 0 },
    ],
    frames: 600,
    dtPs: 0.1,
    cellA: 25,
    seed: 12,
    anchor: true,
    charges,
  });
  const plain = writeWalkDump('formal.lammpstrj', walk(false));
  const scaled = writeWalkDump('scaled-q.lammpstrj', walk(true));
  const options = { msd: ['Na', 'Cl'], fit: '1:5' };

  it("a dump's q column is the topology's charges: scaled ±0.8 charges scale σ and every e²L by 0.64, and t⁺ not at all", async () => {
    const formal = (await run(plain, options)).c;
    const q = (await run(scaled, options)).c;
    expect(q.ions.map((i) => [i.charge, i.charge_source])).toEqual([
      [expect.closeTo(0.8, 12), 'topology'],
      [expect.closeTo(-0.8, 12), 'topology'],
    ]);
    expect(formal.ions.map((i) => i.charge_source)).toEqual(['formal', 'formal']);
    for (const k of ['sigma_EH_mS_per_cm', 'sigma_NE_mS_per_cm', 'sigma_onsager_mS_per_cm'] as const) expect(q[k] / formal[k]).toBeCloseTo(0.64, 12);
    expect(q.onsager_mS_per_cm['Na,Cl'] / formal.onsager_mS_per_cm['Na,Cl']).toBeCloseTo(1, 12); // L_ij is per e², the charges enter σ
    expect(q.t_plus_onsager!).toBeCloseTo(formal.t_plus_onsager!, 12);
    expect(q.haven_ratio!).toBeCloseTo(formal.haven_ratio!, 12);
    // --charges gives the same without a q column.
    const given = (await run(plain, { ...options, charges: 'Na=+0.8,Cl=-0.8' })).c;
    expect(given.ions.map((i) => i.charge_source)).toEqual(['--charges', '--charges']);
    expect(given.sigma_EH_mS_per_cm).toBeCloseTo(q.sigma_EH_mS_per_cm, 10);
  });

  it('refuses (with how to give them) charges that are unknown, that contradict the topology, or that do not add up to zero', async () => {
    await expect(run(plain, { msd: ['Na', 'Cl', 'Ar'], fit: '1:5' })).rejects.toThrow(
      /--conductivity: the charge of --msd "Ar" \(mdpost knows no formal charge of Ar atoms\) is unknown; give it with --charges, e\.g\. --charges "Ar=-1" \(0 for a neutral selection\)/,
    );
    // A neutral selection, once said so, is left out of the ions.
    const withAr = (await run(plain, { msd: ['Na', 'Cl', 'Ar'], fit: '1:5', charges: 'Ar=0' })).c;
    expect(withAr.ions.map((i) => i.selection)).toEqual(['Na', 'Cl']);
    await expect(run(scaled, { ...options, charges: 'Na=+1' })).rejects.toThrow(/--msd "Na": --charges gives \+1 e, but the topology's charges sum to \+0\.8 e over each one.*leave it out of --charges/);
    await expect(run(plain, { msd: ['Na'], fit: '1:5' })).rejects.toThrow(/the ions carry a net charge of \+6 e \(Na \+1 × 6\): their counter-ions are missing from the current; add them as --msd selections/);
    await expect(run(plain, { ...options, charges: 'Na=+1,Cl=-0.5' })).rejects.toThrow(/net charge of \+3 e/);
  });

  it('refuses what cannot be computed: no temperature, no ions, --charges of no --msd selection, --msd-dims', () => {
    const spec = (o: RawOptions) => () => specFromOptions(plain, { timestep: '1fs', conductivity: true, ...o }, ANALYSES);
    expect(spec({ msd: ['Na', 'Cl'] })).toThrow(/--conductivity needs the temperature of the run: --temperature T in K/);
    expect(spec({ temperature: '300' })).toThrow(/--conductivity needs the ions as --msd selections/);
    expect(spec({ msd: ['Na', 'Cl'], temperature: '300', charges: 'K=+1' })).toThrow(/--charges names "K", which is not among the --msd selections/);
    expect(spec({ msd: ['Na', 'Cl'], temperature: '300', msdDims: 'z' })).toThrow(/cannot be combined with --msd-dims z/);
    expect(spec({ msd: ['Na', 'Cl'], temperature: '-3' })).toThrow(/--temperature: expected a temperature in K/);
    expect(spec({ msd: ['Na', 'Cl'], temperature: '300', charges: 'Na+1' })).toThrow(/--charges: expected selection=charge pairs/);
    expect(spec({ msd: ['Na', 'Cl'], temperature: '300', conductivityBlocks: '1' })).toThrow(/--conductivity-blocks: expected a whole number of blocks, at least 2/);
  });
});

describe('the shipped NaFSI/water trajectory', () => {
  const options = { msd: ['Na', 'FSI'], conductivity: true, temperature: '298' };
  const formal = analyze(NAFSI_DUMP, options, { workers: 1 });
  const dataFile = join(REPO, 'trajectories/nafsi-water/nafsi-water.data');
  const data = analyze(NAFSI_DUMP, { ...options, topology: dataFile }, { workers: 1 });
  // The same data file without its charges (atom style molecular): the same masses and
  // molecules, so that only where the charges come from differs.
  const uncharged = tempFile(
    'nafsi-water-molecular.data',
    readFileSync(dataFile, 'utf8')
      .replace('Atoms  # full', 'Atoms  # molecular')
      .replace(/^(\d+ \d+ \d+) (-?\d+\.\d+) (.*)$/gm, '$1 $3'),
  );
  const withoutCharges = analyze(NAFSI_DUMP, { ...options, topology: uncharged }, { workers: 1 });
  const section = async (f: ReturnType<typeof analyze>) => documentJson(documentOf(await f, ANALYSES, 'test')).conductivity as ConductivitySection;

  it("charges from the LAMMPS data file (CL&P's partial charges, summed over each FSI⁻) give the formal charges' results", async () => {
    const a = await section(withoutCharges), b = await section(data);
    expect(a.ions.map((i) => i.charge_source)).toEqual(['formal', 'formal']);
    expect(b.ions.map((i) => i.charge_source)).toEqual(['topology', 'topology']);
    expect(b.ions.map((i) => i.charge)).toEqual([1, expect.closeTo(-1, 12)]);
    const numbers = (s: ConductivitySection) => JSON.stringify({ ...s, ions: s.ions.map((i) => i.count) }, (_k, v) => (typeof v === 'number' ? Number(v.toPrecision(12)) : v));
    expect(numbers(b)).toEqual(numbers(a));
    // Without a topology the masses are the elements' (the data file's differ in the 4th digit), and so, slightly, the centres of mass.
    const c = await section(formal);
    expect(c.ions.map((i) => i.charge_source)).toEqual(['formal', 'formal']);
    expect(Math.abs(c.sigma_EH_mS_per_cm / b.sigma_EH_mS_per_cm - 1)).toBeLessThan(1e-4);
  });

  it('reports the automatic window of Na cut to half a block, with a note, and σ_EH below σ_NE', async () => {
    const c = await section(formal);
    const [na] = documentJson(documentOf(await formal, ANALYSES, 'test')).msd as { fit: { from_ps: number } }[];
    expect(c.fit).toEqual({ from_ps: na.fit.from_ps, to_ps: 19.5, auto: true });
    expect(c.notes[0]).toMatch(/^the fit window is the Na MSD's \(4\.5–100 ps\) ended at 19\.5 ps, half of one of the 5 blocks/);
    // 200 ps of 14 ion pairs: the ionicity is resolved from 1 only by about two standard errors.
    expect(c.ionicity!).toBeLessThan(1);
    expect(c.sigma_EH_stderr_mS_per_cm! / c.sigma_EH_mS_per_cm).toBeGreaterThan(0.1);
    expect(msdAnalysis.key).toBe('msd');
  });
});

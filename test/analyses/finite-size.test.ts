import { describe, expect, it } from 'vitest';
import { finiteSizeAnalysis, parseViscosityMPaS, type FiniteSizeSection } from '../../src/analyses/finite-size.js';
import type { MsdSection } from '../../src/analyses/msd.js';
import { yehHummerCorrection } from '../../src/analysis/finite-size.js';
import { analyze, ANALYSES, documentJson, documentOf, specFromOptions } from '../../src/index.js';
import { orthorhombicBox } from '../../src/model/box.js';
import { analysisText } from '../../src/report/text.js';
import { writeWalkDump } from '../support/ion-walks.js';
import { gaussian } from '../support/random.js';
import { writeLammpsDump } from '../support/write.js';

/**
 * The cell of every MSD run, and with `--viscosity` the Yeh–Hummer correction D∞ = D + k_B T ξ /
 * (6π η L), through the whole pipeline: L read from the file's cubic cell, the correction added
 * to each selection's D; another cell shape gets no D∞ and says why.
 */
async function run(file: string, options: Record<string, unknown>) {
  const doc = documentOf(await analyze(file, { timestep: '1fs', msd: ['Na'], fit: '1:10', ...options }, { workers: 1 }), ANALYSES, 'test');
  const json = documentJson(doc);
  return { f: json.finite_size as FiniteSizeSection, msd: json.msd as MsdSection[], text: analysisText(doc, ANALYSES) };
}

describe('Yeh–Hummer D∞ with --viscosity', () => {
  const cubic = writeWalkDump('cubic.lammpstrj', { species: [{ element: 'Na', count: 10, d: 0.2, massU: 22.99 }], frames: 400, dtPs: 0.1, cellA: 27.5, seed: 2 });

  it('adds k_B T ξ / (6π η L) to each D, with L the cubic cell\'s edge, and keeps D\'s error', async () => {
    const { f, msd, text } = await run(cubic, { viscosity: '0.89', temperature: '298.15' });
    expect(f).toMatchObject({ box_length_A: 27.5, cubic: true, temperature_K: 298.15, viscosity_mPa_s: 0.89, xi: 2.837297, notes: [] });
    expect(f.volume_A3).toBeCloseTo(27.5 ** 3, 8);
    const corr = yehHummerCorrection(298.15, 0.89, 27.5);
    // The test of yehHummerCorrection's hand calculation: 0.02320655 Å²/ps at L = 30 Å.
    expect(corr).toBeCloseTo((0.02320655 * 30) / 27.5, 7);
    expect(f.correction_A2_per_ps).toBe(corr);
    expect(f.D_infinite).toHaveLength(1);
    expect(f.D_infinite[0].selection).toBe('Na');
    expect(f.D_infinite[0].A2_per_ps - msd[0].D.A2_per_ps).toBeCloseTo(corr, 14);
    expect(f.D_infinite[0].stderr_A2_per_ps).toBe(msd[0].D.stderr_A2_per_ps);
    expect(f.D_infinite[0].cm2_per_s).toBeCloseTo(f.D_infinite[0].A2_per_ps * 1e-4, 18);
    expect(text).toMatch(/^Finite-size correction \(Yeh–Hummer\), η = 0\.89 mPa·s, T = 298\.15 K$/m);
    expect(text).toMatch(/^ {2}D∞ = D \+ k_B T ξ \/ \(6π η L\) = D \+ 0\.02532 Å²\/ps \(L = 27\.5 Å, cubic\)$/m);
    expect(text).toMatch(/^ {2}Na {2}D∞ = [\d.]+ ± [\d.]+ Å²\/ps = \([\d.]+ ± [\d.]+\)×10⁻⁵ cm²\/s$/m);
    expect(finiteSizeAnalysis.document.read(JSON.parse(JSON.stringify(f)), 'finite_size')).toEqual({ ...f, D_infinite: f.D_infinite.map((d) => ({ ...d })) });
  });

  it('without --viscosity reports the cell alone (for the batch\'s fit of D against 1/L), and prints nothing', async () => {
    const { f, text } = await run(cubic, {});
    expect(f).toMatchObject({ box_length_A: 27.5, cubic: true, viscosity_mPa_s: null, correction_A2_per_ps: null, D_infinite: [] });
    expect(text).not.toMatch(/Finite-size/);
  });

  it('gives no D∞ for a cell that is not cubic, and says why', async () => {
    const g = gaussian(5);
    const box = orthorhombicBox(30, 30, 40);
    const frames = Array.from({ length: 60 }, () => ({ box, positions: Float64Array.from({ length: 12 }, () => 10 + g()) }));
    const { f, text } = await run(writeLammpsDump('slab.lammpstrj', ['Na', 'Na', 'Na', 'Na'], frames), { viscosity: '0.89', temperature: '300', fit: '0.01:0.1' });
    expect(f).toMatchObject({ box_length_A: null, cubic: false, correction_A2_per_ps: null, D_infinite: [] });
    expect(f.volume_A3).toBeCloseTo(36000, 8);
    expect(f.notes).toEqual([expect.stringMatching(/^no D∞: the cell is not cubic in every frame, and the Yeh–Hummer constant ξ = 2\.837297 belongs to cubic cells/)]);
    expect(text).toMatch(/no D∞: the cell is not cubic/);
  });

  it('takes η in mPa·s, cP or Pa·s, and needs a temperature and an MSD', () => {
    expect(parseViscosityMPaS('0.89', '--viscosity')).toBe(0.89);
    expect(parseViscosityMPaS('0.89cP', '--viscosity')).toBe(0.89);
    expect(parseViscosityMPaS('8.9e-4Pa·s', '--viscosity')).toBeCloseTo(0.89, 14);
    expect(() => parseViscosityMPaS('-1', '--viscosity')).toThrow(/--viscosity: expected a viscosity in mPa·s/);
    expect(() => parseViscosityMPaS('1 poise', '--viscosity')).toThrow(/expected a viscosity/);
    expect(() => specFromOptions(cubic, { msd: ['Na'], viscosity: '0.89' }, ANALYSES)).toThrow(/--viscosity needs the temperature of the run for k_B T: --temperature T in K/);
    expect(() => specFromOptions(cubic, { rdf: ['Na,Na'], viscosity: '0.89', temperature: '300' }, ANALYSES)).toThrow(/--viscosity corrects the D of --msd selections; give at least one --msd/);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConductivitySection } from '../../src/analyses/conductivity.js';
import type { FiniteSizeSection } from '../../src/analyses/finite-size.js';
import type { MsdSection } from '../../src/analyses/msd.js';
import { arrheniusPlotSpec, summarize, summaryCsv, summaryJson, summaryText, type RowInput } from '../../src/batch/summary.js';
import type { AnalysisDocument } from '../../src/report/document.js';
import { FIXTURES } from '../support/io.js';

/**
 * The batch summary's fits across runs, on the documents of runs whose numbers are given: the
 * Yeh–Hummer line D against 1/L (η and D∞) on kinisi's TIP3P inputs, VTF beside Arrhenius with
 * the model the data prefer (AICc), for D and for σ, against numpy/scipy
 * (test/fixtures/peers/onsager/make_fits_reference.py).
 */
const ref = JSON.parse(readFileSync(join(FIXTURES, 'peers/onsager/fits.json'), 'utf8'));

/** A run's document holding only what the summary reads. */
function doc(options: { d?: [string, number, number][]; edgeA?: number | null; sigmaEH?: [number, number]; sigmaNE?: [number, number] }): AnalysisDocument {
  const sections: Record<string, unknown> = {};
  if (options.d) sections.msd = options.d.map(([selection, value, stderr]) => ({ selection, D: { A2_per_ps: value, stderr_A2_per_ps: stderr } }) as unknown as MsdSection);
  sections.finite_size = { box_length_A: options.edgeA ?? null, D_infinite: [] } as unknown as FiniteSizeSection;
  if (options.sigmaEH) {
    sections.conductivity = {
      sigma_EH_mS_per_cm: options.sigmaEH[0],
      sigma_EH_stderr_mS_per_cm: options.sigmaEH[1],
      sigma_NE_mS_per_cm: options.sigmaNE![0],
      sigma_NE_stderr_mS_per_cm: options.sigmaNE![1],
      haven_ratio: options.sigmaNE![0] / options.sigmaEH[0],
      haven_ratio_stderr: null,
      t_plus_onsager: null,
    } as unknown as ConductivitySection;
  }
  return { mdpost: 'test', input: {} as AnalysisDocument['input'], sections, warnings: [] };
}

const row = (index: number, temperatureK: number | null, analysis: AnalysisDocument): RowInput => ({ index, label: `run ${index}`, temperatureK, file: `run${index}`, status: 'ok', analysis });

describe('Yeh–Hummer across runs of several box sizes', () => {
  // TIP3P water at 298 K in five cubic boxes (kinisi's test inputs, from Yeh & Hummer 2004).
  const y = ref.yeh_hummer_tip3p;
  const rows = y.box_length_A.map((l: number, i: number) => row(i, 298, doc({ d: [['O', y.D_A2_per_ps[i], y.stderr_A2_per_ps[i]]], edgeA: l })));

  it('fits D against 1/L: D∞ and η as numpy gives them, in the batch\'s unit of D', () => {
    const s = summarize(rows, 'A2/ns');
    expect(s.sizes).toHaveLength(1);
    const fit = s.sizes[0];
    expect(fit).toMatchObject({ selection: 'O', temperature_K: 298 });
    expect(Math.abs(fit.d_infinite / (1000 * y.intercept_A2_per_ps) - 1)).toBeLessThan(1e-12);
    expect(Math.abs(fit.d_infinite_stderr! / (1000 * Math.sqrt(y.cov_intercept_slope[0])) - 1)).toBeLessThan(1e-9);
    expect(Math.abs(fit.viscosity_mPa_s! / y.viscosity_mPa_s - 1)).toBeLessThan(1e-10);
    expect(Math.abs(fit.viscosity_stderr_mPa_s! / y.viscosity_stderr_mPa_s - 1)).toBeLessThan(1e-9);
    expect(fit.points.map((p) => p.box_length_A)).toEqual(y.box_length_A);
    expect(summaryText(s)).toMatch(/^Yeh–Hummer, O at 298 K: D∞ = 605\.3 ± 2\.6 Å²\/ns from D against 1\/L over 5 runs \(L = 18\.58, 23\.42, 29\.51, 37\.19, 46\.86 Å\); η = 0\.285 ± 0\.011 mPa·s$/m);
    expect(summaryJson(s, 'test').yeh_hummer).toEqual(s.sizes);
  });

  it('needs two box sizes at one temperature, and cubic cells', () => {
    expect(summarize(rows.slice(0, 1), 'A2/ps').sizes).toEqual([]);
    expect(summarize(rows.map((r: RowInput, i: number) => ({ ...r, temperatureK: 290 + i })), 'A2/ps').sizes).toEqual([]);
    const notCubic = rows.map((r: RowInput, i: number) => row(i, 298, doc({ d: [['O', y.D_A2_per_ps[i], y.stderr_A2_per_ps[i]]], edgeA: null })));
    expect(summarize(notCubic, 'A2/ps').sizes).toEqual([]);
  });
});

describe('VTF beside Arrhenius, for D and for σ', () => {
  // D follows VTF (8 temperatures, 4% noise), σ_EH follows Arrhenius: each fit must equal
  // scipy's and each quantity must prefer its own model.
  const v = ref.vtf_data, a = ref.arrhenius_data;
  const rows = v.T_K.map((t: number, i: number) =>
    row(i, t, doc({ d: [['Na', v.y[i], v.stderr[i]]], edgeA: 30, sigmaEH: [a.y[i], a.stderr[i]], sigmaNE: [2 * a.y[i], 0.1 * a.y[i]] })),
  );
  const s = summarize(rows, 'A2/ps');
  const fitOf = (group: string, selection: string) => s.arrhenius.find((x) => x.group === group && x.selection === selection)!;

  it('D prefers VTF; its parameters and both AICc are scipy\'s', () => {
    const d = fitOf('D', 'Na');
    expect(d.comparison.preferred).toBe('VTF');
    expect(d.comparison.weightVtf!).toBeGreaterThan(0.999);
    const inSigma = (x: number, y: number, k: number) => expect(Math.abs(x - y) / Math.sqrt(v.vtf.cov[k][k])).toBeLessThan(1e-6);
    inSigma(Math.log(d.vtf!.a.value), v.vtf.ln_A, 0);
    inSigma(d.vtf!.bK.value, v.vtf.B_K, 1);
    inSigma(d.vtf!.t0K.value, v.vtf.T0_K, 2);
    expect(d.comparison.aiccVtf!).toBeCloseTo(v.aicc.vtf, 10);
    expect(d.comparison.aiccArrhenius!).toBeCloseTo(v.aicc.arrhenius, 10);
    expect(summaryText(s)).toMatch(/^VTF, Na: D = A·exp\(−B\/\(T − T₀\)\), B = \d+ ± \d+ K, T₀ = [\d.]+ ± [\d.]+ K, A = [\d.]+ Å²\/ps; AICc prefers VTF \(VTF weight 1\)$/m);
  });

  it('σ_EH prefers Arrhenius, fitted as D is (ln σ against 1/T), its Ea numpy\'s', () => {
    const sigma = fitOf('sigma', 'EH');
    expect(sigma.comparison.preferred).toBe('Arrhenius');
    expect(Math.abs(sigma.ea_eV / a.arrhenius.Ea_eV - 1)).toBeLessThan(1e-10);
    expect(sigma.unit).toBe('mS/cm');
    expect(sigma.comparison.aiccArrhenius!).toBeCloseTo(a.aicc.arrhenius, 10);
    expect(fitOf('sigma', 'NE').temperatures).toBe(8);
    const text = summaryText(s);
    expect(text).toMatch(/^Arrhenius, sigma\(EH\): Ea = [\d.]+ ± [\d.]+ eV from 8 runs at 8 temperatures \(sigma0 = [\d.]+ mS\/cm\)$/m);
    expect(text).toMatch(/^VTF, sigma\(EH\): .*; AICc prefers Arrhenius/m);
    // The table's columns: σ with its unit, the Haven ratio.
    expect(text.split('\n')[0]).toMatch(/σ_EH mS\/cm +σ_NE mS\/cm +Haven$/);
    expect(summaryCsv(s).split('\n')[0]).toContain('sigma_EH [mS/cm],sigma_EH stderr [mS/cm],sigma_NE [mS/cm],sigma_NE stderr [mS/cm],haven,haven stderr');
  });

  it('summary.json names the σ fits after their group, and holds each VTF fit with the model choice', () => {
    const j = summaryJson(s, 'test') as Record<string, unknown>;
    const sigmaFits = j.arrhenius_sigma as { selection: string; sigma0: number; points: { sigma: number }[] }[];
    expect(sigmaFits.map((f) => f.selection)).toEqual(['EH', 'NE']);
    expect(sigmaFits[0].points.map((p) => p.sigma)).toEqual(a.y);
    const vtf = j.vtf as { group: string; selection: string; vtf: { B_K: number; T0_K: number }; model_choice: { preferred: string } }[];
    expect(vtf.map((x) => [x.group, x.selection, x.model_choice.preferred])).toEqual([
      ['D', 'Na', 'VTF'],
      ['sigma', 'EH', 'Arrhenius'],
      ['sigma', 'NE', 'Arrhenius'],
    ]);
    expect(vtf[0].vtf.B_K).toBe(fitOf('D', 'Na').vtf!.bK.value);
  });

  it('the Arrhenius plot has a panel per quantity, each in its own unit, with the VTF curve', () => {
    const spec = arrheniusPlotSpec(s) as unknown as { hconcat: { title: { text: string }; layer: { encoding: { y: { title?: string } } }[] }[] };
    expect(spec.hconcat.map((p) => p.title.text)).toEqual(['Arrhenius plot of D', 'Arrhenius plot of σ']);
    expect(spec.hconcat.map((p) => p.layer[1].encoding.y.title)).toEqual(['ln D (D in Å²/ps)', 'ln σ (σ in mS/cm)']);
    expect(spec.hconcat[0].layer).toHaveLength(4);
  });

  it('with fewer than five temperatures, says that AICc cannot choose', () => {
    const few = summarize(rows.slice(0, 4), 'A2/ps');
    const d = few.arrhenius.find((x) => x.group === 'D')!;
    expect(d.comparison.preferred).toBeNull();
    expect(summaryText(few)).toMatch(/^VTF, Na: .*; comparing VTF with Arrhenius by AICc needs at least 5 temperatures \(have 4\)$/m);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ANALYSES } from '../../src/analyses/index.js';
import type { SolvationSection } from '../../src/analyses/solvation-document.js';
import { solvationAnalysis } from '../../src/analyses/solvation.js';
import { decodeResidence, type ResidenceState } from '../../src/analysis/residence.js';
import { survival } from '../support/survival.js';
import { analyze, documentJson, documentOf, foldFile, loadFold, saveFold } from '../../src/index.js';
import { mergeAll } from '../../src/pipeline/merge.js';
import type { Plan } from '../../src/pipeline/plan.js';
import type { RdfSection } from '../../src/analyses/rdf.js';
import { specOf } from '../support/analyze.js';
import { mdpost } from '../support/cli.js';
import { REPO, tempFile } from '../support/io.js';
import { NAFSI_DUMP } from '../support/nafsi.js';

/**
 * `mdpost analyze --solvation Na` on the shipped NaFSI/water trajectory (14 Na⁺, 14 FSI⁻, 388
 * H₂O, 401 frames of 0.5 ps) against test/fixtures/peers/solvation: numpy from the definitions
 * and MDAnalysis 2.4.2 SurvivalProbability, with the reference's shell atoms (O) and cutoffs
 * (Na–O water 3.2473 Å, Na–O FSI 3.3072 Å).
 *
 * The reference was computed from the coordinates rounded to 1e-4 Å (its README); on the file's
 * own coordinates exactly one (Na, partner, frame) membership of 32 337 differs, a water. So
 * everything about FSI and ion pairs must agree to rounding, and water's numbers must differ by
 * exactly what one more water in one cation-frame's shell makes (bounds below).
 */
const DIR = join(REPO, 'test/fixtures/peers/solvation');
const ref = JSON.parse(readFileSync(join(DIR, 'nafsi-water-shells.json'), 'utf8'));
const T: number = ref.frames;
const CATIONS = 14;
const ARGS = ['--solvation', 'Na', '--shell-atoms', 'O', '--shell-cutoff', 'H2O=3.2473,FSI=3.3072'];

function close(mine: number, theirs: number, tol = 1e-12): void {
  expect(Math.abs(mine - theirs)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(theirs)));
}

function sameDistribution(mine: Record<string, number>, theirs: Record<string, number>): void {
  expect(Object.keys(mine).sort()).toEqual(Object.keys(theirs).sort());
  for (const k of Object.keys(theirs)) close(mine[k], theirs[k]);
}

describe('mdpost analyze --solvation Na on the shipped trajectory, against the numpy reference', () => {
  let na: SolvationSection;
  beforeAll(() => {
    const r = mdpost(['analyze', NAFSI_DUMP, ...ARGS, '--json', '-']);
    expect(r.code, r.stderr).toBe(0);
    na = JSON.parse(r.stdout).solvation[0];
  });

  it('reads the system as the reference does', () => {
    expect(na).toMatchObject({ cation: 'Na', count: CATIONS, frames: T, dt_ps: ref.dt_ps, shell_atoms: 'O' });
    expect(Object.keys(na.partners)).toEqual(ref.kinds);
    ref.kinds.forEach((k: string, i: number) => {
      expect(na.partners[k].cutoff_A).toBe(ref.cutoff_A[i]);
      expect(na.partners[k].molecules).toBe(ref.composition.kinds[i].molecules);
    });
  });

  it('FSI: CN, shell O, denticity, free fraction, C(τ) at every lag, τ_res and its fit, to rounding', () => {
    const p = na.partners.FSI, c = ref.composition.kinds[1], r = ref.residence[1];
    close(p.cn, c.mean_molecules);
    close(p.shell_atoms_cn, c.mean_shell_atoms);
    sameDistribution(p.cn_distribution, c.molecule_distribution);
    sameDistribution(p.denticity, c.denticity);
    close(p.free_fraction, c.free_fraction);
    expect(p.C).toHaveLength(T);
    p.C.forEach((x, tau) => close(x, r.intermittent[tau]));
    close(p.residence_ps!, r.residence_ps);
    close(p.residence_fit_ps!, r.fit.tau_ps, 1e-9);
  });

  it('ion pairs per cation and per anion, and the free anions, to rounding', () => {
    const ip = na.ion_pairs!;
    expect(ip.anion).toBe('FSI');
    for (const k of ['SSIP', 'CIP', 'AGG'] as const) close(ip[k], ref.ion_pairs.cation[k]);
    for (const k of ['free', 'CIP', 'AGG'] as const) close(ip.per_anion[k], ref.ion_pairs.anion[k]);
    close(na.free_anion_fraction!, ref.ion_pairs.anion.free);
    sameDistribution(ip.anions_per_cation, ref.ion_pairs.anions_per_cation);
    sameDistribution(ip.cations_per_anion, ref.ion_pairs.cations_per_anion);
  });

  it('water: one more water in one cation-frame than on the rounded coordinates, and nothing else', () => {
    const p = na.partners.H2O, c = ref.composition.kinds[0], r = ref.residence[0];
    const one = 1 / (T * CATIONS);
    close(p.cn, c.mean_molecules + one);
    close(p.shell_atoms_cn, c.mean_shell_atoms + one);
    // That water was in no other shell then: one molecule-frame less free.
    close(p.free_fraction, c.free_fraction - 1 / (T * c.molecules));
    // The compositions in the same order; one cation-frame moved from 6 waters to 7.
    expect(na.shells.map((s) => s.label)).toEqual(ref.composition.compositions.map((s: { label: string }) => s.label));
    na.shells.forEach((s, i) => {
      const shift = s.label === '6 H2O' ? -one : s.label === '7 H2O' ? one : 0;
      expect(s.composition).toEqual(Object.fromEntries(ref.kinds.map((k: string, q: number) => [k, ref.composition.compositions[i].counts[q]])));
      close(s.fraction, ref.composition.compositions[i].fraction + shift);
    });
    // C(τ) = [S(τ)/(T−τ)] / [S(0)/T]: one more frame of presence moves S(0) by 1 and S(τ) by at most 2.
    const s0 = c.mean_molecules * T * CATIONS;
    p.C.forEach((x, tau) => expect(Math.abs(x - r.intermittent[tau]), `τ = ${tau}`).toBeLessThanOrEqual((2 * T) / (T - tau) / s0 + r.intermittent[tau] / s0));
    close(p.residence_ps!, r.residence_ps, 0.01 / r.residence_ps); // measured 0.0013 ps apart
    // The fit window lies where the extra frame only rescales C: the slope is the same.
    close(p.residence_fit_ps!, r.fit.tau_ps, 1e-9);
  });

  it('exchanges: those with FSI exactly; water → water within the two events one frame can make', () => {
    const x = na.exchanges!;
    const counts = ref.kinds.map((from: string) => ref.kinds.map((to: string) => x.by_kind.find((b) => b.from === from && b.to === to)?.events ?? 0));
    const theirs = ref.exchanges['0'].counts;
    expect([counts[0][1], counts[1][0], counts[1][1]]).toEqual([theirs[0][1], theirs[1][0], theirs[1][1]]);
    expect(Math.abs(counts[0][0] - theirs[0][0])).toBeLessThanOrEqual(2);
    close(x.cross_kind_per_cation_per_ns, ref.exchanges['0'].cross_kind_per_cation_per_ns);
    expect(x.window_ps).toBe(ref.exchange_window_frames * ref.dt_ps);
  });

  it('the contract keys of the section', () => {
    expect(Object.keys(na).slice(0, 4)).toEqual(['cation', 'count', 'shell_atoms', 'frames']);
    expect(Object.keys(na)).toEqual(expect.arrayContaining(['partners', 'ion_pairs', 'free_anion_fraction', 'shells', 'method']));
    expect(Object.keys(na.partners.H2O).slice(0, 5)).toEqual(['cutoff_A', 'cutoff_source', 'cn', 'residence_ps', 'residence_note']);
    expect(Object.keys(na.ion_pairs!).slice(0, 4)).toEqual(['anion', 'anions', 'SSIP', 'CIP']);
    expect(Object.keys(na.ion_pairs!)).toEqual(expect.arrayContaining(['AGG', 'per_anion']));
    expect(Object.keys(na.shells[0])).toEqual(['composition', 'label', 'fraction']);
    expect(na.method).toMatch(/SSIP/);
  });
});

/*
 * The residence state below was folded by the pipeline in three parts — each by two worker
 * threads, saved to and read from .mdstate files — and merged.
 */
describe('MDAnalysis SurvivalProbability, from the residence state folded in parts', () => {
  let residence: ResidenceState;
  beforeAll(async () => {
    const spec = specOf(NAFSI_DUMP, { solvation: ['Na'], shellAtoms: 'O', shellCutoff: 'H2O=3.2473,FSI=3.3072' });
    const states = [];
    let plan: Plan | null = null;
    for (const [k, range] of ([[0, 123], [123, 290], [290, null]] as [number, number | null][]).entries()) {
      const part = await foldFile({ ...spec, frames: { ...spec.frames, range } }, { workers: 2, minParallelBytes: 0, batchBytes: 1 << 17 });
      const path = tempFile(`solvation-part${k}.mdstate`, '');
      await saveFold(path, part);
      const loaded = await loadFold(path);
      plan ??= { ...loaded.plan, rangeFirst: 0, rangeEnd: null };
      states.push(loaded.state);
    }
    const merged = mergeAll(plan!, ANALYSES, states);
    const wire = solvationAnalysis.encode(merged.analyses.solvation as never) as { entries: { residence: unknown }[] };
    residence = decodeResidence(wire.entries[0].residence);
  });

  const tauMax: number = ref.survival_probability.tau_max_frames;
  it.each(['0', '2'])('FSI, intermittency = %s frames: MDAnalysis to 1e-12', (tol) => {
    expect(residence.frames).toBe(T);
    const theirs: number[] = ref.survival_probability.kinds.FSI[tol].sp_mean_over_na;
    survival(residence, 1, Number(tol), tauMax).forEach((x, tau) => close(x, theirs[tau]));
  });

  it.each(['0', '2'])('water, intermittency = %s frames: MDAnalysis within what one membership moves', (tol) => {
    const theirs: number[] = ref.survival_probability.kinds.H2O[tol].sp_mean_over_na;
    const mine = survival(residence, 0, Number(tol), tauMax);
    const diff = Math.max(...mine.map((x, tau) => Math.abs(x - theirs[tau])));
    // One extra frame of one pair changes one Na's N(t) at a few origins: measured 2.1e-5 (k = 0), 4.4e-5 (k = 2).
    expect(diff).toBeGreaterThan(0);
    expect(diff).toBeLessThan(4e-4);
  });
});

describe('default cutoffs: the first minima of g(r), as --rdf finds them', () => {
  async function doc(options: Record<string, unknown>) {
    const run = await analyze(NAFSI_DUMP, options);
    return JSON.parse(JSON.stringify(documentJson(documentOf(run, ANALYSES, 'test'))));
  }

  it('over a sample that covers the run: the --rdf minima, which are the reference cutoffs', async () => {
    const d = await doc({ solvation: ['Na'], shellAtoms: 'O', shellSample: '1000', rdf: ['Na,O and H2O', 'Na,O and FSI'] });
    const [w, f] = d.rdf as RdfSection[];
    const na = d.solvation[0] as SolvationSection;
    expect(na.partners.H2O).toMatchObject({ cutoff_A: w.first_min!.r_A, cutoff_source: 'g(r) minimum', cutoff_frames: T, cutoff_run_min_A: null });
    expect(na.partners.FSI).toMatchObject({ cutoff_A: f.first_min!.r_A, cutoff_source: 'g(r) minimum', cutoff_frames: T });
    close(na.partners.H2O.cutoff_A, 3.2473, 2e-5);
    close(na.partners.FSI.cutoff_A, 3.3072, 2e-5);
  });

  it('over fewer frames than the run: the whole run\'s g(r) is folded too, and a minimum far from the sample\'s is noted with the fix', async () => {
    const d = await doc({ solvation: ['Na'], shellAtoms: 'O', shellSample: '50', rdf: ['Na,O and H2O', 'Na,O and FSI'] });
    const [w, f] = d.rdf as RdfSection[];
    const na = d.solvation[0] as SolvationSection;
    expect(na.partners.H2O.cutoff_frames).toBe(50);
    expect(na.partners.H2O.cutoff_run_min_A).toBe(w.first_min!.r_A);
    expect(na.partners.FSI.cutoff_run_min_A).toBe(f.first_min!.r_A);
    // Water's minimum is found in 50 frames; FSI's (14 FSI) is 8 bins off.
    expect(na.partners.H2O.cutoff_A).toBe(w.first_min!.r_A);
    expect(Math.abs(na.partners.FSI.cutoff_A - f.first_min!.r_A)).toBeGreaterThan(0.1);
    expect(na.notes.filter((n) => n.startsWith('FSI: the first minimum of the g(r) over the whole run'))).toHaveLength(1);
    expect(na.notes.join('\n')).toContain(`--shell-cutoff FSI=${f.first_min!.r_A.toFixed(4)}`);
    expect(na.notes.some((n) => n.startsWith('H2O:'))).toBe(false);
  });

  it('a kind whose g(r) over the sample has no clear minimum takes that of all shell atoms, with a warning', async () => {
    const d = await doc({ solvation: ['Na'], shellAtoms: 'O', shellSample: '1' });
    const f = (d.solvation[0] as SolvationSection).partners.FSI;
    expect(f.cutoff_source).toBe('g(r) minimum of all shell atoms');
    expect(d.warnings.join('\n')).toMatch(/Na–FSI: the g\(r\) over the first frame has no clear first minimum .*a dip within the peak.*all its shell atoms, 3\.\d+ Å/);
  });

  it('by default the shell atoms are O, N and F: FSI touches Na by N and F too (numpy, make_default_shell_atoms.py)', async () => {
    const theirs = JSON.parse(readFileSync(join(DIR, 'nafsi-water-default-shell-atoms.json'), 'utf8'));
    const d = await doc({ solvation: ['Na'], shellCutoff: 'H2O=3.2473,FSI=3.3072' });
    const na = d.solvation[0] as SolvationSection;
    expect(na.shell_atoms).toBe('O, N, F of other molecules, and free halide ions');
    for (const k of ['H2O', 'FSI']) {
      expect(na.partners[k].shell_atom_elements).toBe(theirs.kinds[k].elements.join(', '));
      close(na.partners[k].cn, theirs.kinds[k].cn);
      close(na.partners[k].shell_atoms_cn, theirs.kinds[k].shell_atoms_cn);
    }
    // 84 more FSI contacts than by O alone (3205 vs 3121 Na–FSI memberships).
    expect(na.partners.FSI.cn).toBeGreaterThan(ref.composition.kinds[1].mean_molecules);
    for (const k of ['SSIP', 'CIP', 'AGG'] as const) close(na.ion_pairs![k], theirs.ion_pairs.cation[k]);
    for (const k of ['free', 'CIP', 'AGG'] as const) close(na.ion_pairs!.per_anion[k], theirs.ion_pairs.anion[k]);
  });

  it('1, 2 and 3 workers give the same section', async () => {
    const options = { solvation: ['Na'], end: '49.5ps', shellSample: '30' };
    const run = async (workers: number) => {
      const r = await analyze(NAFSI_DUMP, options, { workers, minParallelBytes: 0, batchBytes: 1 << 17 });
      return JSON.parse(JSON.stringify(documentJson(documentOf(r, ANALYSES, 'test')))).solvation;
    };
    const one = await run(1);
    for (const w of [2, 3]) expect(await run(w), `${w} workers`).toEqual(one);
  });
});

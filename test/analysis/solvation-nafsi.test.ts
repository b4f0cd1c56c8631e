import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { finishIonPairs, IonPairCounter, mergeIonPairs, type IonPairState } from '../../src/analysis/ion-pairs.js';
import { decodeResidence, encodeResidence, finishResidence, mergeResidence, ResidenceTracker, type ResidenceState } from '../../src/analysis/residence.js';
import { survival } from '../support/survival.js';
import { CompositionCounter, finishCompositions, mergeCompositions, type CompositionState } from '../../src/analysis/shell-composition.js';
import { defineShells, ShellFinder, type ShellDefinition } from '../../src/analysis/solvation-shell.js';
import { boxFromVectors, orthorhombicBox, type Box } from '../../src/model/box.js';
import { REPO } from '../support/io.js';

/**
 * Na⁺ shells on the shipped NaFSI/water trajectory (14 Na⁺, 14 FSI⁻, 388 H₂O, 401 frames of
 * 0.5 ps) against test/fixtures/peers/solvation/make_reference.py: numpy written from the
 * definitions, and MDAnalysis 2.4.2 SurvivalProbability. Cutoffs Na–O(water) 3.2473 Å and
 * Na–O(FSI) 3.3072 Å, the first minima of g(r). The frames come from the fixture, with the
 * coordinates the reference used (see the folder's README).
 */
const DIR = join(REPO, 'test/fixtures/peers/solvation');

interface Continuous {
  S: number[];
  residence_ps: number | null;
  stays: number;
  mean_stay_ps: number;
}
interface Ref {
  frames: number;
  dt_ps: number;
  cell_A: number[];
  cell_origin_A: number[];
  quantum_A: number;
  natoms: number;
  na_atoms: number[];
  shell_atoms: number[];
  shell_molecule: number[];
  shell_kind: number[];
  kinds: string[];
  cutoff_A: number[];
  composition: {
    kinds: { kind: string; molecules: number; mean_molecules: number; mean_shell_atoms: number; molecule_distribution: Record<string, number>; shell_atom_distribution: Record<string, number>; denticity: Record<string, number>; free_fraction: number }[];
    mean_molecules: number;
    compositions: { counts: number[]; label: string; fraction: number }[];
  };
  ion_pairs: { cation: Record<string, number>; anion: Record<string, number>; anions_per_cation: Record<string, number>; cations_per_anion: Record<string, number> };
  residence: { kind: string; pairs: number; intermittent: number[]; residence_ps: number | null; fit: { tau_ps: number; prefactor: number; from_ps: number; to_ps: number; rms_log: number } | null; continuous: Record<string, Continuous> }[];
  exchange_window_frames: number;
  exchanges: Record<string, { counts: number[][]; per_cation_per_ns: number; cross_kind_per_cation_per_ns: number }>;
  survival_probability: { tau_max_frames: number; kinds: Record<string, Record<string, { sp_mean_over_na: number[]; max_abs_diff_vs_ours: number }>> };
}

const ref: Ref = JSON.parse(readFileSync(join(DIR, 'nafsi-water-shells.json'), 'utf8'));

/**
 * Frame t: all Na and the O atoms within 4 Å of some Na, as integers × quantum; every other O
 * sits at a parking point ≥ 5 Å from every Na (layout in the README).
 */
function* frames(): Generator<Float64Array> {
  const bytes = gunzipSync(readFileSync(join(DIR, 'nafsi-water-frames.bin.gz')));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const positions = new Float64Array(3 * ref.natoms);
  const q = ref.quantum_A;
  let at = 0;
  for (let t = 0; t < ref.frames; t++) {
    const m = view.getUint16(at, true);
    const idx = Array.from({ length: m }, (_, i) => view.getUint16(at + 2 + 2 * i, true));
    at += 2 + 2 * m;
    const park = [0, 1, 2].map((d) => view.getInt32(at + 4 * d, true) * q);
    at += 12;
    for (const j of ref.shell_atoms) positions.set(park, 3 * j);
    for (let i = 0; i < m; i++) for (let d = 0; d < 3; d++) positions[3 * idx[i] + d] = view.getInt32(at + 4 * (3 * i + d), true) * q;
    at += 12 * m;
    yield positions;
  }
  if (at !== bytes.length) throw new Error(`fixture: ${bytes.length - at} bytes left over`);
}

const def: ShellDefinition = defineShells({
  cations: ref.na_atoms,
  shellAtoms: ref.shell_atoms,
  moleculeOf: ref.shell_molecule,
  kindOf: ref.shell_kind,
  kinds: ref.kinds,
  cutoffA: ref.cutoff_A,
});
const FSI = ref.kinds.indexOf('FSI');
const L = ref.cell_A[0];
const cubic = orthorhombicBox(L, L, L, ref.cell_origin_A);
const m = cubic.matrix;
/** The same lattice spanned by a, b + a, c − b: a triclinic description of the same periodic system. */
const sheared = boxFromVectors([m[0], m[1], m[2], m[3] + m[0], m[4] + m[1], m[5] + m[2], m[6] - m[3], m[7] - m[4], m[8] - m[5]], ref.cell_origin_A);

interface Folded {
  composition: CompositionState;
  ionPairs: IonPairState;
  residence: ResidenceState;
}

/** Fold frames [from, to) into the three states. */
function fold(box: Box, from = 0, to = ref.frames): Folded {
  const finder = new ShellFinder(def);
  const composition = new CompositionCounter(def), ionPairs = new IonPairCounter(def, [FSI]), residence = new ResidenceTracker(def);
  let t = 0;
  for (const positions of frames()) {
    if (t >= from && t < to) {
      const shells = finder.find(positions, box);
      composition.add(shells);
      ionPairs.add(shells);
      residence.add(shells);
    }
    t++;
  }
  return { composition: composition.state(), ionPairs: ionPairs.state(), residence: residence.state() };
}

const whole = fold(cubic);

function expectClose(mine: number, theirs: number, rel = 1e-12): void {
  expect(Math.abs(mine - theirs)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(theirs)));
}

function expectDistribution(mine: Record<string, number>, theirs: Record<string, number>): void {
  expect(Object.keys(mine).sort()).toEqual(Object.keys(theirs).sort());
  for (const k of Object.keys(theirs)) expectClose(mine[k], theirs[k]);
}

describe('Na⁺ shells in NaFSI/water against the numpy reference', () => {
  it('shell composition by kind: means, distributions, denticity, free molecules, compositions in order', () => {
    const r = finishCompositions(whole.composition);
    r.kinds.forEach((k, i) => {
      const theirs = ref.composition.kinds[i];
      expect([k.kind, k.molecules]).toEqual([theirs.kind, theirs.molecules]);
      expectClose(k.meanMolecules, theirs.mean_molecules);
      expectClose(k.meanShellAtoms, theirs.mean_shell_atoms);
      expectDistribution(k.moleculeDistribution, theirs.molecule_distribution);
      expectDistribution(k.shellAtomDistribution, theirs.shell_atom_distribution);
      expectDistribution(k.denticity, theirs.denticity);
      expectClose(k.freeFraction, theirs.free_fraction);
    });
    expectClose(r.meanMolecules, ref.composition.mean_molecules);
    expect(r.compositions.map((c) => c.label)).toEqual(ref.composition.compositions.map((c) => c.label));
    r.compositions.forEach((c, i) => {
      expect(c.counts).toEqual(ref.composition.compositions[i].counts);
      expectClose(c.fraction, ref.composition.compositions[i].fraction);
    });
    // As in the paper tables: mostly 6 waters; FSI in 34% of shells, mono- or bidentate.
    expect(r.compositions[0].label).toBe('6 H2O');
  });

  it('ion-pair classes per cation and per anion', () => {
    const r = finishIonPairs(whole.ionPairs);
    for (const k of ['SSIP', 'CIP', 'AGG'] as const) expectClose(r.cation[k], ref.ion_pairs.cation[k]);
    for (const k of ['free', 'CIP', 'AGG'] as const) expectClose(r.anion[k], ref.ion_pairs.anion[k]);
    expectDistribution(r.anionsPerCation, ref.ion_pairs.anions_per_cation);
    expectDistribution(r.cationsPerAnion, ref.ion_pairs.cations_per_anion);
  });

  it('intermittent C(τ) at every lag, τ_res and the exponential fit', () => {
    const r = finishResidence(whole.residence, { dtPs: ref.dt_ps });
    r.kinds.forEach((k, i) => {
      const theirs = ref.residence[i];
      expect(k.pairs).toBe(theirs.pairs);
      expect(k.intermittent.length).toBe(ref.frames);
      k.intermittent.forEach((c, tau) => expectClose(c, theirs.intermittent[tau]));
      expectClose(k.residencePs!, theirs.residence_ps!);
      expectClose(k.fit!.tauPs, theirs.fit!.tau_ps, 1e-9);
      expectClose(k.fit!.prefactor, theirs.fit!.prefactor, 1e-9);
      expect([k.fit!.fromPs, k.fit!.toPs]).toEqual([theirs.fit!.from_ps, theirs.fit!.to_ps]);
      expectClose(k.fit!.rmsLog, theirs.fit!.rms_log, 1e-6);
    });
  });

  it.each(['0', '2'])('continuous S(τ), stays and exchanges with a tolerance of %s frames', (tol) => {
    const r = finishResidence(whole.residence, { dtPs: ref.dt_ps, toleranceFrames: Number(tol), exchangeWindowFrames: ref.exchange_window_frames });
    r.kinds.forEach((k, i) => {
      const theirs = ref.residence[i].continuous[tol];
      k.continuous.forEach((s, tau) => expectClose(s, theirs.S[tau]));
      expectClose(k.continuousResidencePs!, theirs.residence_ps!);
      expect(k.stays).toBe(theirs.stays);
      expectClose(k.meanStayPs, theirs.mean_stay_ps);
    });
    const counts = ref.kinds.map((from) => ref.kinds.map((to) => r.exchanges.find((x) => x.from === from && x.to === to)?.events ?? 0));
    expect(counts).toEqual(ref.exchanges[tol].counts);
    expectClose(r.exchangesPerCationPerNs, ref.exchanges[tol].per_cation_per_ns);
    expectClose(r.crossKindExchangesPerCationPerNs, ref.exchanges[tol].cross_kind_per_cation_per_ns);
  });
});

describe('the same run described by a triclinic cell, and folded in parts', () => {
  it('the sheared cell (a, b + a, c − b) gives the same states', () => {
    expect(fold(sheared)).toEqual(whole);
  });

  it('three parts cut at frames 123 and 290, merged after a trip through plain data, give the whole run', () => {
    const parts = [fold(cubic, 0, 123), fold(cubic, 123, 290), fold(cubic, 290)];
    const wire = parts.map((p) => decodeResidence(structuredClone(encodeResidence(p.residence))));
    expect(mergeResidence(mergeResidence(wire[0], wire[1]), wire[2])).toEqual(whole.residence);
    expect(mergeCompositions(mergeCompositions(parts[0].composition, parts[1].composition), parts[2].composition)).toEqual(whole.composition);
    expect(mergeIonPairs(parts[0].ionPairs, mergeIonPairs(parts[1].ionPairs, parts[2].ionPairs))).toEqual(whole.ionPairs);
  });
});

describe('MDAnalysis SurvivalProbability', () => {
  // SurvivalProbability(u, "<kind's O> and around r_c index i").run(tau_max, residues=True,
  // intermittency=k), from our state's bridged stays (test/support/survival.ts).
  const tauMax = ref.survival_probability.tau_max_frames;
  it.each(['H2O', 'FSI'].flatMap((kind) => ['0', '2'].map((tol) => [kind, tol])))('%s, intermittency = tolerance = %s frames: its numbers from our shells and bridging, to 1e-12', (kind, tol) => {
    const theirs = ref.survival_probability.kinds[kind][tol].sp_mean_over_na;
    const mine = survival(whole.residence, ref.kinds.indexOf(kind), Number(tol), tauMax);
    mine.forEach((x, tau) => expectClose(x, theirs[tau]));
  });

  it('our pooled S(τ) is a ratio of sums over all pairs, not a mean over Na of per-origin ratios: 0.017 apart for water, 0.26 for FSI', () => {
    for (const [kind, tol, measured] of [['H2O', '0', 0.0167], ['H2O', '2', 0.0085], ['FSI', '0', 0.257], ['FSI', '2', 0.298]] as const) {
      const r = finishResidence(whole.residence, { dtPs: ref.dt_ps, toleranceFrames: Number(tol) });
      const s = r.kinds[ref.kinds.indexOf(kind)].continuous;
      const sp = ref.survival_probability.kinds[kind][tol].sp_mean_over_na;
      const diff = Math.max(...sp.map((x, tau) => Math.abs(x - s[tau])));
      expect(Math.abs(diff - measured)).toBeLessThan(0.001);
    }
  });
});

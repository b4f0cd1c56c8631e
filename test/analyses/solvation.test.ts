import { describe, expect, it } from 'vitest';
import { ANALYSES } from '../../src/analyses/index.js';
import type { SolvationSection } from '../../src/analyses/solvation-document.js';
import { analyze, documentJson, documentOf } from '../../src/index.js';
import { orthorhombicBox } from '../../src/model/box.js';
import type { RawOptions } from '../../src/pipeline/options.js';
import { solvationAnalysis } from '../../src/analyses/solvation.js';
import { planOf } from '../support/analyze.js';
import { writeLammpsDump, type SyntheticFrame } from '../support/write.js';

/**
 * The solvation analysis through the whole pipeline (file → plan → fold → merge → finish →
 * document), on hand-built LAMMPS dumps whose shells, ion pairs and residence times are known by
 * construction. Cells of 20 Å; molecules from the dump's mol column, named by formula (water
 * H2O, F2NO4S2 = FSI). Atoms that must stay out of every shell are parked ≥ 5 Å from every
 * cation.
 */
const L = 20;
const box = orthorhombicBox(L, L, L);
const DT_PS = 0.5;

type Vec = [number, number, number];

/** Atoms of a system, its molecules, and where each atom is at each frame. */
class Scene {
  elements: string[] = [];
  mol: number[] = [];
  private place: ((t: number) => Vec)[] = [];
  private nextMol = 1;

  atom(element: string, mol: number, at: (t: number) => Vec): void {
    this.elements.push(element);
    this.mol.push(mol);
    this.place.push(at);
  }

  cation(at: Vec): void {
    this.atom('Na', this.nextMol++, () => at);
  }

  /** A water whose O is at `o(t)` (H beside it, never shell atoms). */
  water(o: (t: number) => Vec): void {
    const m = this.nextMol++;
    this.atom('O', m, o);
    this.atom('H', m, (t) => add(o(t), [0.76, 0.59, 0]));
    this.atom('H', m, (t) => add(o(t), [-0.76, 0.59, 0]));
  }

  /** An FSI whose first O atoms are at `o(t)`; its other atoms (N, S, the rest of the O, F) sit by `park`. */
  fsi(o: ((t: number) => Vec)[], park: Vec): void {
    const m = this.nextMol++;
    const spot = (k: number) => add(park, [0.9 * (k % 3), 0.9 * Math.floor(k / 3), 0]);
    let k = 0;
    for (const el of ['N', 'S', 'S']) this.atom(el, m, () => spot(k++));
    for (let j = 0; j < 4; j++) this.atom('O', m, j < o.length ? o[j] : () => spot(k++));
    for (const el of ['F', 'F']) this.atom(el, m, () => spot(k++));
  }

  write(name: string, frames: number): string {
    const out: SyntheticFrame[] = [];
    for (let t = 0; t < frames; t++) out.push({ box, positions: Float64Array.from(this.place.flatMap((p) => p(t))) });
    return writeLammpsDump(name, this.elements, out, this.mol);
  }
}

function add(a: Vec, b: Vec): Vec {
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
}

const fixed = (v: Vec) => () => v;

/** The `solvation` section of the document of an analysis, as a user reads it (JSON: NaN is null). */
async function solvation(file: string, options: RawOptions, workers = 1): Promise<SolvationSection[]> {
  const run = await analyze(file, { dt: `${DT_PS}ps`, ...options }, { workers, minParallelBytes: 0, sliceBytes: 1, stealBytes: 1 });
  const doc = JSON.parse(JSON.stringify(documentJson(documentOf(run, ANALYSES, 'test'))));
  return doc.solvation;
}

describe('shells, compositions and ion pairs of hand-built frames', () => {
  /*
   * Cutoffs 3.0 Å for water, 3.2 Å for FSI; 30 frames, all alike except that anion Y leaves C at
   * frames 10–19:
   *   A (5, 5, 5):      4 waters at 2.4 Å, and anion X by one O at 2.4 Å        → X is shared: AGG
   *   B (5, 5, 12):     2 waters, and X by its other O at 2.4 Å                 → AGG
   *   C (15, 5, 5):     3 waters, and anion Y by two O at 2.26 Å (frames 10–19: Y 6 Å away)
   *                                                                            → CIP, SSIP while Y is away
   *   D (15, 15, 15):   5 waters; a 6th water O at 3.1 Å and an O of anion Z at 3.3 Å stay out
   *                                                                            → SSIP
   *   E (0.4, 10, 10):  1 water, across the x face of the cell (O at x = 18.5: 1.9 Å)
   *                                                                            → SSIP
   */
  const T = 30;
  const away = (t: number) => t >= 10 && t < 20;
  const s = new Scene();
  for (const c of [[5, 5, 5], [5, 5, 12], [15, 5, 5], [15, 15, 15], [0.4, 10, 10]] as Vec[]) s.cation(c);
  for (const o of [[7.4, 5, 5], [2.6, 5, 5], [5, 7.4, 5], [5, 2.6, 5]] as Vec[]) s.water(fixed(o)); // A
  s.fsi([fixed([5, 5, 7.4]), fixed([5, 5, 9.6])], [10, 10, 17]); // X: A and B
  for (const o of [[7.4, 5, 12], [5, 7.4, 12]] as Vec[]) s.water(fixed(o)); // B
  s.fsi([(t) => (away(t) ? [15, 13.2, 5.5] : [15, 7.2, 5.5]), (t) => (away(t) ? [15, 13.2, 4.5] : [15, 7.2, 4.5])], [10, 16, 8]); // Y: C
  for (const o of [[17.4, 5, 5], [12.6, 5, 5], [15, 5, 2.6]] as Vec[]) s.water(fixed(o)); // C
  for (const o of [[17.4, 15, 15], [12.6, 15, 15], [15, 17.4, 15], [15, 12.6, 15], [15, 15, 17.4], [15, 15, 11.9]] as Vec[]) s.water(fixed(o)); // D
  s.fsi([fixed([15, 18.3, 15]), fixed([15, 20.5, 16])], [8, 17, 1]); // Z: one O 3.3 Å from D, the other across the y face
  s.water(fixed([18.5, 10, 10])); // E
  const file = s.write('solvation-classes.lammpstrj', T);
  const options = { solvation: ['Na'], shellCutoff: 'H2O=3.0,FSI=3.2' };

  it('classes per cation: SSIP, CIP (a private anion), AGG (an anion shared); per anion: free, CIP, AGG', async () => {
    const [na] = await solvation(file, options);
    expect(na).toMatchObject({ cation: 'Na', count: 5, frames: T, shell_atoms: 'O, N, F of other molecules, and free halide ions' });
    const ip = na.ion_pairs!;
    expect(ip.anion).toBe('FSI');
    expect(ip.anions).toBe(3);
    // Cation-frames: A, B AGG; C CIP 20 frames, SSIP 10; D, E SSIP.
    expect(ip.SSIP).toBeCloseTo(70 / 150, 14);
    expect(ip.CIP).toBeCloseTo(20 / 150, 14);
    expect(ip.AGG).toBeCloseTo(60 / 150, 14);
    // Anion-frames: X AGG; Y CIP 20, free 10; Z free.
    expect(ip.per_anion.free).toBeCloseTo(40 / 90, 14);
    expect(ip.per_anion.CIP).toBeCloseTo(20 / 90, 14);
    expect(ip.per_anion.AGG).toBeCloseTo(30 / 90, 14);
    expect(na.free_anion_fraction).toBeCloseTo(40 / 90, 14);
    expect(ip.anions_per_cation).toEqual({ 0: 70 / 150, 1: 80 / 150 });
    expect(ip.cations_per_anion).toEqual({ 0: 40 / 90, 1: 20 / 90, 2: 30 / 90 });
  });

  it('coordination by kind and the compositions, most common first; cutoffs strict, partners across the boundary', async () => {
    const [na] = await solvation(file, options);
    expect(Object.keys(na.partners)).toEqual(['H2O', 'FSI']);
    const w = na.partners.H2O, f = na.partners.FSI;
    expect(w).toMatchObject({ cutoff_A: 3.0, cutoff_source: 'given', cutoff_frames: null, molecules: 16, anion: false, shell_atom_elements: 'O' });
    expect(f).toMatchObject({ cutoff_A: 3.2, cutoff_source: 'given', molecules: 3, anion: true, shell_atom_elements: 'F, N, O' });
    // Waters: A 4, B 2, C 3, D 5 (the 6th at 3.1 Å is out), E 1 (through the x face).
    expect(w.cn).toBeCloseTo(15 / 5, 14);
    expect(w.cn_distribution).toEqual({ 1: 0.2, 2: 0.2, 3: 0.2, 4: 0.2, 5: 0.2 });
    // FSI: A, B one each, C one for 20 of 30 frames (Z at 3.3 Å is out), by 1, 1 and 2 O.
    expect(f.cn).toBeCloseTo((2 + 20 / 30) / 5, 14);
    expect(f.shell_atoms_cn).toBeCloseTo((2 + (2 * 20) / 30) / 5, 14);
    expect(f.denticity).toEqual({ 1: 60 / 80, 2: 20 / 80 });
    expect(f.free_fraction).toBeCloseTo(40 / 90, 14);
    // 16 waters, 15 in shells.
    expect(w.free_fraction).toBeCloseTo(1 / 16, 14);
    expect(na.shells.map((c) => [c.label, c.fraction])).toEqual([
      ['1 H2O', 0.2],
      ['2 H2O + 1 FSI', 0.2],
      ['4 H2O + 1 FSI', 0.2],
      ['5 H2O', 0.2],
      ['3 H2O + 1 FSI', 20 / 150],
      ['3 H2O', 10 / 150],
    ]);
    expect(na.shells[0].composition).toEqual({ H2O: 1, FSI: 0 });
    expect(na.polymer).toBeNull();
  });

  it('residence: partners that never leave stay longer than the run; no exchanges', async () => {
    const [na] = await solvation(file, options);
    expect(na.partners.H2O.residence_ps).toBeNull();
    expect(na.partners.H2O.residence_note).toMatch(/longer than the run/);
    expect(na.partners.H2O.C.every((c) => c === 1)).toBe(true);
    expect(na.lag_ps).toHaveLength(T);
    expect(na.exchanges!.per_cation_per_ns).toBe(0);
  });

  it('a cutoff for every kind at once; the default shell atoms count FSI contacts by N and F too', async () => {
    const [all] = await solvation(file, { solvation: ['Na'], shellCutoff: '3.2' });
    expect(all.partners.H2O.cutoff_A).toBe(3.2);
    expect(all.partners.H2O.cn).toBeCloseTo(16 / 5, 14); // D's sixth water at 3.1 Å is in now
    // An FSI touching a Na by its N alone (2.0 Å); its other atoms 6 Å and more away.
    const t = new Scene();
    t.cation([10, 10, 10]);
    t.atom('N', 50, fixed([10, 12, 10]));
    for (const [k, el] of ['S', 'S', 'O', 'O', 'O', 'O', 'F', 'F'].entries()) t.atom(el, 50, fixed([16 + 0.5 * k, 16, 10]));
    t.water(fixed([12.4, 10, 10]));
    const [n] = await solvation(t.write('solvation-by-n.lammpstrj', 3), { solvation: ['Na'], shellCutoff: '3.2' });
    expect(n.partners.FSI.cn).toBe(1);
    expect(n.partners.FSI.shell_atoms_cn).toBe(1);
    const [o] = await solvation(t.write('solvation-by-n2.lammpstrj', 3), { solvation: ['Na'], shellCutoff: '3.2', shellAtoms: 'O' });
    expect(o.partners.FSI.cn).toBe(0);
    expect(o.shell_atoms).toBe('O');
  });

  it('a state folded with other cutoffs is refused, not merged into this plan', async () => {
    const [a, b] = await Promise.all(['3.0', '3.2'].map((r) => planOf(file, { dt: '0.5ps', solvation: ['Na'], shellCutoff: r })));
    const wire = structuredClone(solvationAnalysis.encode(solvationAnalysis.create(a.analyses[0].prepared as never)));
    expect(() => solvationAnalysis.decode(a.analyses[0].prepared as never, wire)).not.toThrow();
    expect(() => solvationAnalysis.decode(b.analyses[0].prepared as never, wire)).toThrow(/folded with other shell cutoffs than this plan's \(H2O 3\.2 Å, FSI 3\.2 Å\)/);
  });

  it.each([2, 3])('gives the same section with %i workers', async (workers) => {
    expect(await solvation(file, options, workers)).toEqual(await solvation(file, options, 1));
  });
});

describe('residence: a partner that leaves and returns, one that never leaves, exchanges', () => {
  /*
   * One Na⁺ at (0.5, 10, 10), by the x face of the cell, and its partners (present: O at 2.4 Å,
   * across the face for the waters; absent: parked 6 Å away), 40 frames of 0.5 ps:
   *   W1 frames 0–5 and 12–17 (leaves and comes back), W2 6–11, W3 18–23, W4 24–29: water
   *   F1 always (never leaves), F2 31–39: FSI
   * Exchanges (a departure and another partner's arrival at most 2 frames apart): W1→W2 at 6,
   * W2→W1 at 12, W1→W3 at 18, W3→W4 at 24 (water → water), W4→F2 at 30/31 (water → FSI).
   */
  const T = 40;
  const na: Vec = [0.5, 10, 10];
  const stays = { W1: [[0, 6], [12, 18]], W2: [[6, 12]], W3: [[18, 24]], W4: [[24, 30]], F1: [[0, T]], F2: [[31, T]] } as Record<string, [number, number][]>;
  const present = (name: string, t: number) => stays[name].some(([a, b]) => t >= a && t < b);
  const directions: Record<string, Vec> = { W1: [-1, 0, 0], W2: [0, 1, 0], W3: [0, -1, 0], W4: [0, 0, 1], F1: [0, 0, -1], F2: [0.6, 0.8, 0] };
  const where = (name: string) => (t: number) => add(na, directions[name].map((d) => d * (present(name, t) ? 2.4 : 6)) as Vec);
  const s = new Scene();
  s.cation(na);
  for (const w of ['W1', 'W2', 'W3', 'W4']) s.water(where(w));
  s.fsi([where('F1')], [8, 3, 3]);
  s.fsi([where('F2')], [8, 16, 16]);
  const file = s.write('solvation-residence.lammpstrj', T);
  const options = { solvation: ['Na'], shellCutoff: '3.0' };

  /** C(τ) straight from the definition: Σ_pairs Σ_t a(t)·a(t+τ)/(T−τ), normalised by its value at τ = 0. */
  function intermittent(names: string[]): number[] {
    const a = (name: string, t: number) => (present(name, t) ? 1 : 0);
    const raw = Array.from({ length: T }, (_, tau) => {
      let sum = 0;
      for (const n of names) for (let t = 0; t + tau < T; t++) sum += a(n, t) * a(n, t + tau);
      return sum / (T - tau);
    });
    return raw.map((x) => x / raw[0]);
  }

  it('the intermittent C(τ) of water counts a return; τ_res where it first falls below 1/e', async () => {
    const [sec] = await solvation(file, options);
    const expected = intermittent(['W1', 'W2', 'W3', 'W4']);
    sec.partners.H2O.C.forEach((c, tau) => expect(c, `τ = ${tau}`).toBeCloseTo(expected[tau], 13));
    // W1's return lifts C again at τ = 12 frames.
    expect(sec.partners.H2O.C[12]).toBeGreaterThan(sec.partners.H2O.C[11]);
    const k = expected.findIndex((c) => c < Math.exp(-1));
    const tau = (k - 1 + (expected[k - 1] - Math.exp(-1)) / (expected[k - 1] - expected[k])) * DT_PS;
    expect(sec.partners.H2O.residence_ps).toBeCloseTo(tau, 12);
    expect(sec.partners.H2O.residence_note).toBeNull();
    expect(sec.lag_ps.slice(0, 3)).toEqual([0, 0.5, 1]);
  });

  it('an FSI that never leaves: τ longer than the run, said in the note; its C(τ) as defined', async () => {
    const [sec] = await solvation(file, options);
    expect(sec.partners.FSI.residence_ps).toBeNull();
    expect(sec.partners.FSI.residence_note).toMatch(/longer than the run/);
    const expected = intermittent(['F1', 'F2']);
    sec.partners.FSI.C.forEach((c, tau) => expect(c).toBeCloseTo(expected[tau], 13));
  });

  it('exchanges per cation per ns: 4 water → water, 1 water → FSI over 39 × 0.5 ps', async () => {
    const [sec] = await solvation(file, options);
    const ns = ((T - 1) * DT_PS) / 1000;
    expect(sec.exchanges!.by_kind).toEqual([
      { from: 'H2O', to: 'H2O', events: 4, per_cation_per_ns: 4 / ns },
      { from: 'H2O', to: 'FSI', events: 1, per_cation_per_ns: 1 / ns },
    ]);
    expect(sec.exchanges!.per_cation_per_ns).toBeCloseTo(5 / ns, 10);
    expect(sec.exchanges!.cross_kind_per_cation_per_ns).toBeCloseTo(1 / ns, 10);
    expect(sec.exchanges!.window_ps).toBe(2 * DT_PS);
  });

  it('the same numbers when the run is cut into parts for 2 and 3 workers', async () => {
    const one = await solvation(file, options);
    for (const w of [2, 3]) expect(await solvation(file, options, w)).toEqual(one);
  });

  it('without the time between frames: shells and ion pairs, but no residence times, said why', async () => {
    const run = await analyze(file, options);
    const doc = JSON.parse(JSON.stringify(documentJson(documentOf(run, ANALYSES, 'test'))));
    expect(doc.input.dt_ps).toBeNull();
    const [sec] = doc.solvation as SolvationSection[];
    expect(sec.partners.H2O.residence_ps).toBeNull();
    expect(sec.partners.H2O.residence_note).toMatch(/time between frames is unknown/);
    expect(sec.exchanges).toBeNull();
    // F1 alone in the shell (frames 0–30): CIP; with F2 (31–39): AGG.
    expect([sec.ion_pairs!.SSIP, sec.ion_pairs!.CIP, sec.ion_pairs!.AGG]).toEqual([0, 31 / 40, 9 / 40]);
  });
});

describe('a polymer host', () => {
  /*
   * A Na⁺ wrapped by two PEO chains of 62 atoms (HO(CH2CH2O)9CH2CH2OH-like: 11 O): chain 1 by
   * four ether O at 2.3 Å, chain 2 by one; their other atoms ≥ 5 Å away. One water at 2.4 Å.
   */
  const s = new Scene();
  s.cation([10, 10, 10]);
  const chain = (mol: number, contacts: Vec[], row: number) => {
    const atoms = [...Array(11).fill('O'), ...Array(20).fill('C'), ...Array(31).fill('H')] as string[];
    atoms.forEach((el, k) => s.atom(el, mol, fixed(k < contacts.length ? contacts[k] : [1 + 0.3 * k, row, 2])));
  };
  chain(100, [[12.3, 10, 10], [7.7, 10, 10], [10, 12.3, 10], [10, 7.7, 10]], 1);
  chain(101, [[10, 10, 12.3]], 3);
  s.water(fixed([10, 10, 7.6]));
  const file = s.write('solvation-peo.lammpstrj', 4);

  it('counts distinct chains and the ether O in the shell', async () => {
    const [na] = await solvation(file, { solvation: ['Na'], shellCutoff: '3.2' });
    expect(Object.keys(na.partners)).toEqual(['chain', 'H2O']);
    expect(na.partners.chain).toMatchObject({ molecules: 2, cn: 2, shell_atoms_cn: 5, shell_atom_elements: 'O', anion: false });
    expect(na.partners.chain.denticity).toEqual({ 1: 0.5, 4: 0.5 });
    expect(na.polymer).toEqual({ chains: 2, ether_O: 5 });
    expect(na.shells).toEqual([{ composition: { chain: 2, H2O: 1 }, label: '2 chain + 1 H2O', fraction: 1 }]);
    expect(na.ion_pairs).toBeNull();
    expect(na.notes.join(' ')).toMatch(/no partner kind is an anion/);
  });
});


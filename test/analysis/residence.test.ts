import { describe, expect, it } from 'vitest';
import {
  decodeResidence,
  encodeResidence,
  finishResidence,
  intermittentSums,
  mergeResidence,
  ResidenceTracker,
} from '../../src/analysis/residence.js';
import { uniform } from '../support/random.js';
import { foldShells as fold, frameShells, shellDefinition as definition } from '../support/shells.js';

const bits = (s: string) => Array.from(s, Number);

/** C(τ) straight from the definition: Σ_pairs Σ_t a(t)a(t+τ)/(T−τ) over Σ a/T, for pairs of one kind. */
function directC(series: number[][], T: number): number[] {
  const raw = (tau: number) => series.reduce((sum, a) => sum + a.slice(0, T - tau).reduce((s, x, t) => s + x * a[t + tau], 0), 0);
  const c0 = raw(0) / T;
  return Array.from({ length: T }, (_, tau) => raw(tau) / (T - tau) / c0);
}

/** Random two-state (in/out of the shell) series: leave with probability pOut, enter with pIn per frame. */
function telegraph(rand: () => number, T: number, pOut: number, pIn: number): number[] {
  let x = rand() < pIn / (pIn + pOut) ? 1 : 0;
  return Array.from({ length: T }, () => {
    const now = x;
    x = x ? (rand() < pOut ? 0 : 1) : rand() < pIn ? 1 : 0;
    return now;
  });
}

describe('intermittent C(τ) and continuous S(τ) by hand', () => {
  // One water that stays 3 frames, is away 2, comes back for 4 and leaves: T = 10.
  const a = [[bits('1110011110')]];
  const def = definition(1, [0]);
  const st = fold(def, a, 0, 10);

  it('the state is the two stays as runs', () => {
    expect(Array.from(st.runStart)).toEqual([0, 5]);
    expect(Array.from(st.runEnd)).toEqual([3, 9]);
  });

  it('C(τ) = Σ a(t)a(t+τ)/(T−τ) over Σ a/T, counting the return', () => {
    // Products a(t)a(t+τ) counted by hand for τ = 0 … 9.
    const sums = [7, 5, 3, 2, 2, 3, 3, 2, 1, 0];
    const expected = sums.map((n, tau) => n / (10 - tau) / (7 / 10));
    const r = finishResidence(st, { dtPs: 0.5 });
    const h2o = r.kinds[0];
    expect(Array.from(intermittentSums(st, 10).subarray(0, 10))).toEqual(sums);
    h2o.intermittent.forEach((c, tau) => expect(c).toBeCloseTo(expected[tau], 12));
    // C(8) = (1/2)/0.7 = 0.714 and C(9) = 0: the first fall below 1/e is between lags 8 and 9.
    const tau = 8 + (expected[8] - Math.exp(-1)) / (expected[8] - expected[9]);
    expect(h2o.residencePs).toBeCloseTo(tau * 0.5, 12);
    expect(Array.from(h2o.lagPs.subarray(0, 3))).toEqual([0, 0.5, 1]);
  });

  it('S(τ) without tolerance counts unbroken stays only; a tolerance of 2 frames bridges the absence', () => {
    // Stays of 3 and 4 frames: Σ max(0, L − τ) = 7, 5, 3, 1, 0 …
    const strict = [7, 5, 3, 1, 0, 0, 0, 0, 0, 0].map((n, tau) => n / (10 - tau) / (7 / 10));
    finishResidence(st, { dtPs: 1 }).kinds[0].continuous.forEach((s, tau) => expect(s).toBeCloseTo(strict[tau], 12));
    // Bridged: one stay of 9 frames (0 … 8); S(0) counts the 2 bridged frames too.
    const bridged = Array.from({ length: 10 }, (_, tau) => Math.max(0, 9 - tau) / (10 - tau) / (9 / 10));
    const r = finishResidence(st, { dtPs: 1, toleranceFrames: 2 }).kinds[0];
    r.continuous.forEach((s, tau) => expect(s).toBeCloseTo(bridged[tau], 12));
    expect(r.stays).toBe(1);
    expect(r.meanStayPs).toBe(9);
    expect(finishResidence(st, { dtPs: 1, toleranceFrames: 1 }).kinds[0].stays).toBe(2);
  });

  it('a partner that never leaves: C ≡ 1, τ longer than the run, no exponential fit, each said in a note', () => {
    const always = fold(definition(1, [0]), [[bits('1'.repeat(20))]], 0, 20);
    const r = finishResidence(always, { dtPs: 0.5 }).kinds[0];
    expect(Array.from(r.intermittent)).toEqual(new Array(20).fill(1));
    expect(r.residencePs).toBeNull();
    expect(r.continuousResidencePs).toBeNull();
    expect(r.fit).toBeNull();
    expect(r.notes.join(' ')).toMatch(/longer than the run/);
    expect(r.notes.join(' ')).toMatch(/no exponential fit/);
  });

  it('a kind never seen in a shell gives NaN and says so', () => {
    const r = finishResidence(fold(definition(1, [0, 1]), [[bits('1111'), bits('0000')]], 0, 4), { dtPs: 1 });
    expect(r.kinds[1].pairs).toBe(0);
    expect(r.kinds[1].intermittent.every(Number.isNaN)).toBe(true);
    expect(r.kinds[1].notes[0]).toMatch(/no FSI was ever in a shell/);
  });
});

describe('C(τ) and S(τ) against the definitions on random series', () => {
  it('every lag, two kinds, several cations; and a shorter maximum lag gives the same prefix', () => {
    const rand = uniform(7);
    const T = 60;
    const kinds = [0, 0, 1, 0, 1];
    const a = Array.from({ length: 3 }, () => kinds.map((k) => telegraph(rand, T, k ? 0.1 : 0.3, 0.2)));
    const st = fold(definition(3, kinds), a, 0, T);
    const r = finishResidence(st, { dtPs: 1 });
    for (const k of [0, 1]) {
      const series = a.flatMap((row) => row.filter((_, p) => kinds[p] === k));
      const c = directC(series, T);
      r.kinds[k].intermittent.forEach((x, tau) => expect(x).toBeCloseTo(c[tau], 12));
      // Continuous: Σ_t Π_{s=t…t+τ} a(s), directly.
      const raw = (tau: number) => series.reduce((sum, s) => sum + s.slice(0, T - tau).reduce((n, _, t) => n + (s.slice(t, t + tau + 1).every((x) => x === 1) ? 1 : 0), 0), 0);
      r.kinds[k].continuous.forEach((x, tau) => expect(x).toBeCloseTo(raw(tau) / (T - tau) / (raw(0) / T), 12));
    }
    const short = finishResidence(st, { dtPs: 1, maxLagFrames: 7 });
    expect(short.kinds[0].intermittent.length).toBe(8);
    short.kinds[0].intermittent.forEach((x, tau) => expect(x).toBe(r.kinds[0].intermittent[tau]));
  });

  it('a two-state process with known rates: C(τ) = π + (1 − π)λ^τ, τ_res and the exponential time from it', () => {
    // Stationary two-state Markov chain: P(in at t+τ | in at t) = π + (1−π)λ^τ, λ = 1 − pOut − pIn.
    const rand = uniform(11);
    const pOut = 0.05, pIn = 0.0002, T = 1500, cations = 100, partners = 100;
    const pi = pIn / (pIn + pOut), lambda = 1 - pOut - pIn;
    // Simulated frame by frame, starting from the stationary occupancy.
    const inShell = Uint8Array.from({ length: cations * partners }, () => (rand() < pi ? 1 : 0));
    const tr = new ResidenceTracker(definition(cations, new Array(partners).fill(0)));
    const start = new Int32Array(cations + 1), partner = new Int32Array(cations * partners), atoms = new Int32Array(cations * partners).fill(1);
    for (let t = 0; t < T; t++) {
      let n = 0;
      for (let c = 0; c < cations; c++) {
        start[c] = n;
        for (let p = 0; p < partners; p++) if (inShell[c * partners + p]) partner[n++] = p;
      }
      start[cations] = n;
      tr.add({ start, partner, atoms, count: n });
      for (let i = 0; i < inShell.length; i++) inShell[i] = inShell[i] ? (rand() < pOut ? 0 : 1) : rand() < pIn ? 1 : 0;
    }
    const st = tr.state();
    const r = finishResidence(st, { dtPs: 0.5, maxLagFrames: 200 }).kinds[0];
    for (const tau of [1, 5, 10, 20, 40]) expect(Math.abs(r.intermittent[tau] - (pi + (1 - pi) * lambda ** tau))).toBeLessThan(0.03);
    const tauRes = (Math.log((Math.exp(-1) - pi) / (1 - pi)) / Math.log(lambda)) * 0.5;
    expect(Math.abs(r.residencePs! / tauRes - 1)).toBeLessThan(0.05);
    // The fit over its window (0.9 ≥ C ≥ 0.15) of the exact curve, whose floor π bends it a little
    // (2.4% from the sampled curve with this seed).
    const from = r.fit!.fromPs / 0.5, to = r.fit!.toPs / 0.5;
    const xs = Array.from({ length: to - from + 1 }, (_, i) => from + i);
    const ys = xs.map((tau) => Math.log(pi + (1 - pi) * lambda ** tau));
    const mx = xs.reduce((s, x) => s + x, 0) / xs.length, my = ys.reduce((s, y) => s + y, 0) / ys.length;
    const slope = xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
    expect(Math.abs(r.fit!.tauPs / (-0.5 / slope) - 1)).toBeLessThan(0.05);
    expect(r.fit!.rmsLog).toBeLessThan(0.05);
    // A stay lasts 1/pOut frames on average (geometric), here 10 ps.
    expect(Math.abs(r.meanStayPs / (0.5 / pOut) - 1)).toBeLessThan(0.02);
  });
});

describe('exchange events', () => {
  // Cation 0: water 0 leaves at frame 5 and FSI 2 arrives at 6 (an exchange H2O → FSI, 1 frame
  // apart); water 1 leaves at 10 with no arrival near; FSI 2 leaves at 14 as water 0 comes back
  // at 14 (FSI → H2O, 0 frames apart); water 1 comes back at 19, 3 frames after water 3 leaves
  // at 16 (an exchange H2O → H2O only for a window of 3 frames). Cation 1: water 3 flickers
  // (leaves and comes back), which is no exchange.
  const a = [
    [
      bits('11111000000000111111111'),
      bits('11111111110000000001111'),
      bits('00000011111111000000000'),
      bits('11111111111111110000000'),
    ],
    [bits('00000000000000000000000'), bits('00000000000000000000000'), bits('00000000000000000000000'), bits('00000000000000000000000')],
  ];
  a[1][3] = bits('11011101111111111111111');
  const T = 23;
  const def = definition(2, [0, 0, 1, 0]);
  const st = fold(def, a, 0, T);

  it('pairs a departure with the nearest arrival of another partner within the window', () => {
    const r = finishResidence(st, { dtPs: 0.5 });
    const byKinds = Object.fromEntries(r.exchanges.map((x) => [`${x.from}>${x.to}`, x.events]));
    expect(byKinds).toEqual({ 'H2O>FSI': 1, 'FSI>H2O': 1 });
    // Per cation per ns: 2 events / (2 cations × 22 frames × 0.5 ps).
    expect(r.exchangesPerCationPerNs).toBeCloseTo(2 / (2 * 0.011), 9);
    expect(r.crossKindExchangesPerCationPerNs).toBeCloseTo(2 / (2 * 0.011), 9);
    const wide = finishResidence(st, { dtPs: 0.5, exchangeWindowFrames: 3 });
    expect(Object.fromEntries(wide.exchanges.map((x) => [`${x.from}>${x.to}`, x.events]))).toEqual({ 'H2O>FSI': 1, 'FSI>H2O': 1, 'H2O>H2O': 1 });
    expect(wide.crossKindExchangesPerCationPerNs).toBeCloseTo(2 / (2 * 0.011), 9);
  });

  it('with a tolerance, absences it bridges are neither departures nor arrivals', () => {
    // Cation 1's flickering water is one stay once gaps of 1 frame are bridged; cation 0 is unchanged.
    const r = finishResidence(st, { dtPs: 0.5, toleranceFrames: 1 });
    expect(r.kinds[0].stays).toBe(2 + 2 + 1 + 1);
    expect(r.exchanges.map((x) => x.events)).toEqual([1, 1]);
  });
});

describe('merging: the states of consecutive ranges give the state of the whole run', () => {
  const rand = uniform(3);
  const T = 97;
  const kinds = [0, 1, 0, 0, 1, 2];
  const a = Array.from({ length: 4 }, () => kinds.map((k, p) => (p === 5 ? bits('1'.repeat(T)) : telegraph(rand, T, 0.15 + 0.1 * k, 0.1))));
  const def = definition(4, kinds, ['H2O', 'FSI', 'chain']);
  const whole = fold(def, a, 0, T);

  it.each(Array.from({ length: 12 }, (_, i) => i))('two and three parts cut at random frames (draw %i)', () => {
    const cut1 = Math.floor(rand() * (T + 1)), cut2 = Math.floor(rand() * (T + 1));
    const [x, y] = [Math.min(cut1, cut2), Math.max(cut1, cut2)];
    expect(mergeResidence(fold(def, a, 0, x), fold(def, a, x, T))).toEqual(whole);
    const p1 = fold(def, a, 0, x), p2 = fold(def, a, x, y), p3 = fold(def, a, y, T);
    expect(mergeResidence(mergeResidence(p1, p2), p3)).toEqual(whole);
    expect(mergeResidence(p1, mergeResidence(p2, p3))).toEqual(whole);
  });

  it('cuts at every frame, including empty ranges at either end', () => {
    for (let x = 0; x <= T; x++) expect(mergeResidence(fold(def, a, 0, x), fold(def, a, x, T))).toEqual(whole);
  });

  it('merging leaves its inputs unchanged, and a pair that stays across the cut is one stay', () => {
    const p1 = fold(def, a, 0, 40), p2 = fold(def, a, 40, T);
    const before = [structuredClone(p1), structuredClone(p2)];
    const m = mergeResidence(p1, p2);
    expect([p1, p2]).toEqual(before);
    const always = m.pairPartner.findIndex((p) => p === 5);
    expect(m.pairRuns[always + 1] - m.pairRuns[always]).toBe(1);
    expect(finishResidence(m, { dtPs: 1 })).toEqual(finishResidence(whole, { dtPs: 1 }));
  });

  it('a state taken mid-run does not disturb the tracker', () => {
    const tr = new ResidenceTracker(def);
    for (let t = 0; t < T; t++) {
      tr.add(frameShells(a, t));
      if (t === 50) tr.state();
    }
    expect(tr.state()).toEqual(whole);
  });

  it('states of different systems do not merge', () => {
    expect(() => mergeResidence(whole, fold(definition(3, kinds, ['H2O', 'FSI', 'chain']), a.slice(0, 3), 0, 5))).toThrow(/different systems/);
  });
});

describe('encoding', () => {
  const rand = uniform(5);
  const T = 40;
  const kinds = [0, 1, 0];
  const a = Array.from({ length: 2 }, () => kinds.map(() => telegraph(rand, T, 0.2, 0.2)));
  const st = fold(definition(2, kinds), a, 0, T);

  it('round trips through plain data (structured clone), and the decoded state merges and finishes alike', () => {
    const back = decodeResidence(structuredClone(encodeResidence(st)));
    expect(back).toEqual(st);
    expect(finishResidence(back, { dtPs: 0.5 })).toEqual(finishResidence(st, { dtPs: 0.5 }));
  });

  it('rejects states that are not residence states or are inconsistent', () => {
    const wire = () => structuredClone(encodeResidence(st)) as Record<string, unknown>;
    expect(() => decodeResidence({ ...wire(), analysis: 'rdf' })).toThrow(/"rdf" state/);
    expect(() => decodeResidence({ ...wire(), version: 2 })).toThrow(/version 2/);
    expect(() => decodeResidence({ ...wire(), frames: 3 })).toThrow(/within 3 frames/);
    expect(() => decodeResidence({ ...wire(), pairCation: new Int32Array(st.pairCation.length).fill(1) })).toThrow(/out of order/);
    expect(() => decodeResidence({ ...wire(), runEnd: new Int32Array(st.runEnd.length) })).toThrow(/stay 0/);
    expect(() => decodeResidence({ ...wire(), pairRuns: new Int32Array(3) })).toThrow(/pairRuns/);
    expect(() => decodeResidence({ ...wire(), runStart: Array.from(st.runStart) })).toThrow(/Int32Array/);
    expect(() => decodeResidence(null)).toThrow(/expected an object/);
  });
});

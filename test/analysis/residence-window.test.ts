import { describe, expect, it } from 'vitest';
import { decodeResidence, encodeResidence, finishResidence, mergeResidence, type ResidenceState, type WindowParams } from '../../src/analysis/residence.js';
import { measure, wholeRegion } from '../../src/analysis/residence-runs.js';
import { uniform } from '../support/random.js';
import { foldShells as fold, shellDefinition as definition } from '../support/shells.js';

/** Two-state series: leave with probability pOut, enter with pIn per frame. */
function telegraph(rand: () => number, T: number, pOut: number, pIn: number): Uint8Array {
  let x = rand() < 0.5 ? 1 : 0;
  return Uint8Array.from({ length: T }, () => {
    const now = x;
    x = x ? (rand() < pOut ? 0 : 1) : rand() < pIn ? 1 : 0;
    return now;
  });
}

/** The totals at lags 0 … L from every stay of the whole run (the unbounded state). */
function reference(whole: ResidenceState, p: WindowParams) {
  return measure(wholeRegion(whole), Math.min(p.maxLagFrames + 1, whole.frames), p.toleranceFrames, p.exchangeWindowFrames);
}

function expectTotals(st: ResidenceState, ref: ReturnType<typeof reference>): void {
  const t = st.window!.totals;
  expect(t.lags).toBe(ref.lags);
  expect(Array.from(t.intermittent)).toEqual(Array.from(ref.intermittent));
  expect(Array.from(t.continuous)).toEqual(Array.from(ref.continuous));
  expect(Array.from(t.exchanges)).toEqual(Array.from(ref.exchanges));
  expect(Array.from(t.stays)).toEqual(Array.from(ref.stays));
  expect(Array.from(t.stayFrames)).toEqual(Array.from(ref.stayFrames));
}

/** Random systems: some pairs flicker (cuts between exchanges are rare), some stay for long, some never come. */
function system(seed: number, cations: number, T: number) {
  const rand = uniform(seed);
  const kinds = [0, 1, 0, 0, 1, 0, 1, 0];
  const a = Array.from({ length: cations }, (_, c) =>
    kinds.map((k, p) => {
      if (p === 7) return c === 0 ? new Uint8Array(T).fill(1) : new Uint8Array(T);
      if (c === 1) return telegraph(rand, T, 0.45, 0.45); // an event at nearly every frame
      return telegraph(rand, T, k ? 0.05 : 0.2, 0.08 + 0.02 * p);
    }),
  );
  return { a, def: definition(cations, kinds) };
}

const params: WindowParams[] = [
  { maxLagFrames: 5, toleranceFrames: 0, exchangeWindowFrames: 2 },
  { maxLagFrames: 9, toleranceFrames: 2, exchangeWindowFrames: 2 },
  { maxLagFrames: 3, toleranceFrames: 1, exchangeWindowFrames: 4 },
  { maxLagFrames: 12, toleranceFrames: 3, exchangeWindowFrames: 0 },
];

describe('the bounded state equals every stay of the run, up to the longest lag', () => {
  const T = 400;
  const { a, def } = system(17, 4, T);
  const whole = fold(def, a, 0, T, null);

  it.each(params.map((p) => [p.maxLagFrames, p.toleranceFrames, p.exchangeWindowFrames, p]))('L = %i, k = %i, w = %i: cut at random frames into 2–6 ranges, merged in random order', (_l, _k, _w, p) => {
    const ref = reference(whole, p as WindowParams);
    const one = fold(def, a, 0, T, p as WindowParams);
    expectTotals(one, ref);
    // Short ranges keep every stay; long ones only their heads and tails.
    expect(one.runStart.length).toBeLessThan(whole.runStart.length);
    const rand = uniform(5 + (p as WindowParams).maxLagFrames);
    for (let draw = 0; draw < 25; draw++) {
      const cuts = [0, ...Array.from({ length: 1 + Math.floor(rand() * 5) }, () => Math.floor(rand() * (T + 1))).sort((x, y) => x - y), T];
      let parts = cuts.slice(1).map((to, i) => fold(def, a, cuts[i], to, p as WindowParams));
      while (parts.length > 1) {
        const i = Math.floor(rand() * (parts.length - 1));
        parts = [...parts.slice(0, i), mergeResidence(parts[i], parts[i + 1]), ...parts.slice(i + 2)];
      }
      // The same state as one pass, not only the same totals: merging is associative as data.
      expect(parts[0]).toEqual(one);
    }
  });

  it('finishes to the numbers of every stay, C(τ) and τ_res included, but for the pairs met', () => {
    const p = params[1];
    const bounded = finishResidence(fold(def, a, 0, T, p), { dtPs: 0.5 });
    const full = finishResidence(whole, { dtPs: 0.5, maxLagFrames: p.maxLagFrames, toleranceFrames: p.toleranceFrames, exchangeWindowFrames: p.exchangeWindowFrames });
    expect({ ...bounded, kinds: bounded.kinds.map((k) => ({ ...k, pairs: 0 })) }).toEqual({ ...full, kinds: full.kinds.map((k) => ({ ...k, pairs: 0 })) });
    expect(bounded.kinds.map((k) => k.pairs)).toEqual([null, null]);
  });

  it('a run shorter than its reach keeps every stay, as the unbounded state does', () => {
    const p = { maxLagFrames: 300, toleranceFrames: 0, exchangeWindowFrames: 2 };
    const st = fold(def, a, 0, T, p);
    const { window, ...runs } = st;
    const { window: none, ...all } = whole;
    expect(none).toBeNull();
    expect(runs).toEqual(all);
    expect(Array.from(window!.headEnd)).toEqual([T, T, T, T]);
    expect(finishResidence(st, { dtPs: 0.5 })).toEqual(finishResidence(whole, { dtPs: 0.5, maxLagFrames: 300 }));
  });

  it('the tracker folds in chunks of a few reaches: a run of many chunks, cut anywhere, is still exact', () => {
    const long = 3000;
    const s = system(23, 3, long);
    const p = params[2];
    const ref = reference(fold(s.def, s.a, 0, long, null), p);
    const one = fold(s.def, s.a, 0, long, p);
    expectTotals(one, ref);
    for (const cut of [1, 1023, 1024, 1500, 2999]) expect(mergeResidence(fold(s.def, s.a, 0, cut, p), fold(s.def, s.a, cut, long, p))).toEqual(one);
  });
});

describe('bounded states on the wire and in merges', () => {
  const T = 120;
  const { a, def } = system(3, 3, T);
  const p = params[0];
  const st = fold(def, a, 0, T, p);

  it('round trip through plain data', () => {
    const back = decodeResidence(structuredClone(encodeResidence(st)));
    expect(back).toEqual(st);
  });

  it('rejects damaged windows with a message, and merges only like with like', () => {
    const wire = () => structuredClone(encodeResidence(st)) as Record<string, unknown> & { window: Record<string, unknown> };
    const damaged = (patch: Record<string, unknown>) => {
      const w = wire();
      return { ...w, window: { ...w.window, ...patch } };
    };
    expect(() => decodeResidence(damaged({ lags: 99 }))).toThrow(/99 lags, expected 6/);
    expect(() => decodeResidence(damaged({ intermittent: new Float64Array(3) }))).toThrow(/"intermittent" has 3 values/);
    expect(() => decodeResidence(damaged({ exchanges: new Float64Array(4).fill(-1) }))).toThrow(/not a count/);
    expect(() => decodeResidence(damaged({ headEnd: new Int32Array(3).fill(T + 1) }))).toThrow(/outside 0 … 120/);
    expect(() => decodeResidence(damaged({ maxLagFrames: 0 }))).toThrow(/longest lag/);
    expect(() => decodeResidence(damaged({ headEnd: new Int32Array(3).fill(5), tailStart: new Int32Array(3).fill(100) }))).toThrow(/shorter than the 9 frames a merge needs/);
    expect(() => decodeResidence(damaged({ headEnd: new Int32Array(3).fill(50), tailStart: new Int32Array(3).fill(10) }))).toThrow(/not the whole range/);
    expect(() => decodeResidence(damaged({ analysis: 'rdf' }))).toThrow(/"rdf" state/);
    // A stay reaching back into the hole between a cation's head and tail.
    const runStart = Int32Array.from(st.runStart);
    let moved = -1;
    for (let i = 0; i < st.pairCation.length && moved < 0; i++) {
      const c = st.pairCation[i], { headEnd, tailStart } = st.window!;
      const r = st.pairRuns[i]; // the pair's first stay
      if (headEnd[c] < tailStart[c] && st.runStart[r] >= tailStart[c]) {
        moved = r;
        runStart[r] = tailStart[c] - 1;
      }
    }
    expect(moved).toBeGreaterThanOrEqual(0);
    expect(() => decodeResidence({ ...wire(), runStart })).toThrow(/not within its head/);
    expect(() => mergeResidence(st, fold(def, a, 0, T, null))).toThrow(/every stay with a bounded one/);
    expect(() => mergeResidence(st, fold(def, a, 0, T, params[1]))).toThrow(/other lags or tolerances/);
    expect(() => finishResidence(st, { dtPs: 1, toleranceFrames: 2 })).toThrow(/kept for a tolerance of 0/);
  });
});

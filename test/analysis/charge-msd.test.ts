import { describe, expect, it } from 'vitest';
import { collectiveMsd, collectiveRow, collectiveSeries, selfMsdSums } from '../../src/analysis/charge-msd.js';
import { MsdSeries, msdSums } from '../../src/analysis/msd.js';
import { onsager } from '../../src/analysis/onsager.js';
import { gaussian } from '../support/random.js';

/** Random walks, frames × ions × 3 per species, with a shared drift so that the COM moves. */
function walks(counts: number[], frames: number, seed: number): { pos: Float64Array[]; com: Float64Array } {
  const g = gaussian(seed);
  const pos = counts.map((n) => new Float64Array(frames * n * 3));
  const com = new Float64Array(3 * frames);
  const total = counts.reduce((a, b) => a + b, 0);
  for (let t = 0; t < frames; t++) {
    const drift = [0.3 * g(), 0.3 * g(), 0.3 * g()];
    counts.forEach((n, s) => {
      for (let j = 0; j < 3 * n; j++) {
        const at = t * 3 * n + j;
        pos[s][at] = t === 0 ? 25 * g() : pos[s][at - 3 * n] + (0.5 + 0.3 * s) * g() + drift[j % 3];
        com[3 * t + (j % 3)] += pos[s][at] / total;
      }
    });
  }
  return { pos, com };
}

/** ⟨Δa·Δb⟩ over all origins by the direct double sum; a, b frames × 3. */
function directCross(a: Float64Array, b: Float64Array, frames: number): Float64Array {
  const out = new Float64Array(frames);
  for (let m = 1; m < frames; m++) {
    let s = 0;
    for (let k = 0; k + m < frames; k++) for (let d = 0; d < 3; d++) s += (a[3 * (k + m) + d] - a[3 * k + d]) * (b[3 * (k + m) + d] - b[3 * k + d]);
    out[m] = s / (frames - m);
  }
  return out;
}

describe('collective MSDs', () => {
  const counts = [3, 4], charges = [1.5, -1.125], frames = 150;
  const { pos, com } = walks(counts, frames, 11);
  // Barycentric species sums and the charge sum, by hand.
  const sums = counts.map((n, s) => {
    const out = new Float64Array(3 * frames);
    for (let t = 0; t < frames; t++) for (let i = 0; i < n; i++) for (let d = 0; d < 3; d++) out[3 * t + d] += pos[s][(t * n + i) * 3 + d] - com[3 * t + d];
    return out;
  });
  const charge = new Float64Array(3 * frames);
  counts.forEach((n, s) => {
    for (let t = 0; t < frames; t++) for (let i = 0; i < n; i++) for (let d = 0; d < 3; d++) charge[3 * t + d] += charges[s] * pos[s][(t * n + i) * 3 + d];
  });
  const coll = collectiveMsd(collectiveSeries(pos, counts, com, frames), counts, charges, 0.5);

  it('pair terms (cross terms by polarisation) and the charge MSD equal direct all-origin sums', () => {
    const expected = [
      [directCross(sums[0], sums[0], frames), directCross(sums[0], sums[1], frames)],
      [directCross(sums[1], sums[0], frames), directCross(sums[1], sums[1], frames)],
    ];
    const direct = directCross(charge, charge, frames);
    for (let m = 0; m < frames; m++) {
      for (let i = 0; i < 2; i++) {
        for (let j = 0; j < 2; j++) {
          const scale = Math.abs(expected[i][i][m]) + Math.abs(expected[j][j][m]) + 1;
          expect(Math.abs(coll.pair[i][j][m] - expected[i][j][m]), `pair ${i}${j} lag ${m}`).toBeLessThan(1e-12 * scale);
        }
      }
      expect(Math.abs(coll.charge[m] - direct[m])).toBeLessThan(1e-12 * (direct[m] + 1));
      expect(coll.lagPs[m]).toBe(m * 0.5);
    }
    expect(coll.pair[0][1]).toBe(coll.pair[1][0]);
    // The COM here is that of the ions alone (equal masses), so R̃_0 + R̃_1 = 0 at every frame:
    // in the barycentric frame the two species' sums are exactly opposite.
    for (const m of [1, 10, 100]) {
      expect(coll.pair[0][1][m] / coll.pair[0][0][m]).toBeCloseTo(-1, 9);
      expect(coll.pair[1][1][m] / coll.pair[0][0][m]).toBeCloseTo(1, 9);
    }
  });

  it('over a stretch of frames, equal the MSDs of that stretch alone', () => {
    const first = 40, n = 70;
    const part = collectiveMsd(collectiveSeries(pos.map((p, s) => p.slice(first * 3 * counts[s], (first + n) * 3 * counts[s])), counts, com.slice(3 * first, 3 * (first + n)), n), counts, charges, 0.5);
    const sub = collectiveMsd(collectiveSeries(pos, counts, com, frames), counts, charges, 0.5, first, n);
    for (let m = 0; m < n; m++) {
      expect(sub.charge[m]).toBeCloseTo(part.charge[m], 9);
      expect(sub.pair[0][1][m]).toBeCloseTo(part.pair[0][1][m], 9);
    }
  });

  it('selfMsdSums: msd.ts\'s msdSums in the frame of the input, and of the COM-subtracted series in the barycentric frame', () => {
    const n = counts[1];
    const plain = selfMsdSums(pos[1], n, null, 10, 120);
    const ref = msdSums(pos[1], n, 0, n, 10, 120);
    const bary = pos[1].map((v, j) => v - com[3 * Math.floor(j / (3 * n)) + (j % 3)]);
    const refBary = msdSums(bary, n, 0, n, 10, 120);
    const withCom = selfMsdSums(pos[1], n, com, 10, 120);
    for (let m = 0; m < 120; m++) {
      for (const axis of ['x', 'y', 'z'] as const) {
        expect(plain[axis][m]).toBeCloseTo(ref[axis][m], 9);
        expect(withCom[axis][m]).toBeCloseTo(refBary[axis][m], 9);
      }
    }
    expect(withCom.particles).toBe(n);
    // Odd ion counts take the single-series path for the last ion.
    const odd = selfMsdSums(pos[0], counts[0], com, 0, frames);
    const oddRef = msdSums(pos[0].map((v, j) => v - com[3 * Math.floor(j / 9) + (j % 3)]), 3, 0, 3, 0, frames);
    for (let m = 0; m < frames; m++) expect(odd.x[m]).toBeCloseTo(oddRef.x[m], 9);
  });
});

describe('the collective state is mergeable', () => {
  const counts = [4, 4], frames = 400, cut = 157;
  const { pos, com } = walks(counts, frames, 5);
  const rowOf = (t: number) => collectiveRow(counts.map((n, s) => pos[s].subarray(t * 3 * n, (t + 1) * 3 * n)), com.subarray(3 * t, 3 * t + 3));
  const speciesOf = (collective: MsdSeries) => counts.map((n, s) => ({ name: `s${s}`, chargeE: s === 0 ? 1 : -1, ions: n, seriesA: pos[s] }));
  const run = (collective: MsdSeries) =>
    onsager({ species: speciesOf(collective), collective, dtPs: 0.2, volumeA3: 5000, temperatureK: 300 }, { window: { fromPs: 1, toPs: 6 } });

  it('a state is 3·(S + 1) numbers per frame: the species sums and the COM', () => {
    const one = new MsdSeries(counts.length + 1);
    for (let t = 0; t < frames; t++) one.add(rowOf(t));
    expect(one.particles).toBe(3);
    expect(one.trimmed().length).toBe(9 * frames);
    const whole = collectiveSeries(pos, counts, com, frames);
    expect(whole.origin).toEqual(one.origin);
    expect(whole.trimmed()).toEqual(one.trimmed());
    // From per-ion MsdSeries, whose data run past the last frame (spare capacity).
    const ions = counts.map((n, s) => {
      const m = new MsdSeries(n, 2 * frames);
      for (let t = 0; t < frames; t++) m.add(pos[s].subarray(t * 3 * n, (t + 1) * 3 * n));
      return m;
    });
    expect(ions[0].data.length).toBeGreaterThan(3 * counts[0] * frames);
    const fromSeries = collectiveSeries(ions.map((m) => m.data), counts, com, frames);
    // MsdSeries stores displacements from the first frame; the state keeps rows relative to its first row anyway.
    fromSeries.trimmed().forEach((v, j) => expect(Math.abs(v - one.data[j])).toBeLessThan(1e-12));
  });

  it('folding two consecutive slices and joining them gives one pass\'s numbers', () => {
    const a = new MsdSeries(3), b = new MsdSeries(3);
    for (let t = 0; t < frames; t++) (t < cut ? a : b).add(rowOf(t));
    const joined = MsdSeries.concat([a, b]);
    const whole = collectiveSeries(pos, counts, com, frames);
    joined.trimmed().forEach((v, j) => expect(Math.abs(v - whole.data[j])).toBeLessThan(1e-12));
    const [x, y] = [run(whole), run(joined)];
    expect(y.sigmaEH.value).toBeCloseTo(x.sigmaEH.value, 9);
    expect(y.sigmaEH.stderr).toBeCloseTo(x.sigmaEH.stderr, 9);
    expect(y.l[0][1].total.value).toBeCloseTo(x.l[0][1].total.value, 9);
    expect(y.transference[0].value).toBeCloseTo(x.transference[0].value, 12);
  });

  it('a slice unwrapped on its own is put right by shifting its origin by the sum of its ions\' cell shifts', () => {
    // The second slice sees every ion displaced by whole cell vectors (L = 20 Å), as if it had
    // unwrapped from its first frame as read; species sums and the COM are off by constants.
    const L = 20;
    const image = (s: number, i: number) => [L * ((i + s) % 3) - L, L * (i % 2), -L * ((2 * i + s) % 2)];
    const total = counts.reduce((p, q) => p + q, 0);
    const a = new MsdSeries(3), b = new MsdSeries(3);
    const fix = new Float64Array(9);
    counts.forEach((n, s) => {
      for (let i = 0; i < n; i++) {
        for (let d = 0; d < 3; d++) {
          fix[3 * s + d] += image(s, i)[d];
          fix[6 + d] += image(s, i)[d] / total; // the COM moves by the mass-weighted shift
        }
      }
    });
    for (let t = 0; t < frames; t++) {
      if (t < cut) {
        a.add(rowOf(t));
        continue;
      }
      const shifted = counts.map((n, s) => {
        const p = pos[s].slice(t * 3 * n, (t + 1) * 3 * n);
        for (let i = 0; i < n; i++) for (let d = 0; d < 3; d++) p[3 * i + d] -= image(s, i)[d];
        return p;
      });
      const c = Array.from(com.subarray(3 * t, 3 * t + 3), (v, d) => v - fix[6 + d]);
      b.add(collectiveRow(shifted, c));
    }
    const wrong = run(MsdSeries.concat([a, b]));
    for (let j = 0; j < 9; j++) b.origin[j] += fix[j];
    const right = run(MsdSeries.concat([a, b]));
    const whole = run(collectiveSeries(pos, counts, com, frames));
    expect(Math.abs(wrong.sigmaEH.value / whole.sigmaEH.value - 1)).toBeGreaterThan(0.01);
    expect(right.sigmaEH.value).toBeCloseTo(whole.sigmaEH.value, 9);
    expect(right.l[0][1].total.value).toBeCloseTo(whole.l[0][1].total.value, 9);
  });
});

import { describe, expect, it } from 'vitest';
import { ResidenceTracker, type ResidenceState, type WindowParams } from '../../src/analysis/residence.js';
import { defineShells, type FrameShells } from '../../src/analysis/solvation-shell.js';
import { uniform } from '../support/random.js';

/**
 * Memory flat in run length: a synthetic liquid in which each of 20 cations holds 6 partners
 * that flicker at the cutoff (absent 5% of frames) and are each replaced by a partner never met
 * before with probability 2% per frame (a new shell every ~8 frames — as fast as the shipped
 * water's), folded over 10⁴ and 10⁵ frames. The state that keeps every stay grows with the
 * run; the bounded one (L = 1000 frames, 500 ps at 0.5 ps) does not.
 */
const CATIONS = 20, SLOTS = 6, POOL = 1 << 18;
const def = defineShells({
  cations: Array.from({ length: CATIONS }, (_, c) => c),
  shellAtoms: [CATIONS],
  moleculeOf: [0],
  kindOf: [0],
  kinds: ['H2O', 'FSI'],
  cutoffA: [3, 3],
});
// The tracker keys on partner ids and looks their kinds up in partnerKind: a pool larger than the atoms listed.
def.partnerKind = Int32Array.from({ length: POOL }, (_, p) => (p % 3 === 0 ? 1 : 0));

function fold(T: number, window: WindowParams | null): ResidenceState {
  const rand = uniform(99);
  // Each cation's partners in ascending order; a newcomer takes the next id, larger than all.
  let next = 0;
  const slots = Array.from({ length: CATIONS }, () => Array.from({ length: SLOTS }, () => next++));
  const tr = new ResidenceTracker(def, window);
  const start = new Int32Array(CATIONS + 1), partner = new Int32Array(CATIONS * SLOTS), atoms = new Int32Array(CATIONS * SLOTS).fill(1);
  for (let t = 0; t < T; t++) {
    let n = 0;
    for (let c = 0; c < CATIONS; c++) {
      start[c] = n;
      const row = slots[c];
      for (let s = 0; s < SLOTS; s++) {
        if (rand() < 0.02) {
          row.splice(s, 1);
          row.push(next++);
        }
      }
      for (const p of row) if (rand() >= 0.05) partner[n++] = p;
    }
    start[CATIONS] = n;
    tr.add({ start, partner, atoms, count: n } as FrameShells);
  }
  return tr.state();
}

/** Bytes of the state's arrays (what an .mdstate file or a worker message carries, but for a few numbers). */
function bytes(s: ResidenceState): number {
  const arrays: ArrayBufferView[] = [s.pairCation, s.pairPartner, s.pairKind, s.pairRuns, s.runStart, s.runEnd];
  if (s.window) {
    const t = s.window.totals;
    arrays.push(s.window.headEnd, s.window.tailStart, t.intermittent, t.continuous, t.exchanges, t.stays, t.stayFrames);
  }
  return arrays.reduce((sum, a) => sum + a.byteLength, 0);
}

describe('the size of a residence state over 10⁴ and 10⁵ frames', () => {
  it('every stay: ten times the frames, ten times the bytes; bounded: the same bytes', () => {
    const window = { maxLagFrames: 1000, toleranceFrames: 0, exchangeWindowFrames: 2 };
    const every = [fold(1e4, null), fold(1e5, null)].map(bytes);
    const bounded = [fold(1e4, window), fold(1e5, window)].map(bytes);
    // Measured: every stay 1.02 MB and 10.1 MB; bounded 244 kB and 242 kB (32 kB of them the sums at 1001 lags).
    expect(every[1] / every[0]).toBeGreaterThan(9);
    expect(bounded[1] / bounded[0]).toBeGreaterThan(0.9);
    expect(bounded[1] / bounded[0]).toBeLessThan(1.1);
    expect(bounded[1]).toBeLessThan(every[0]);
  }, 120_000);
});

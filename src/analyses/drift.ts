import { withRoom } from '../model/grow.js';
import type { Analysis } from '../pipeline/contract.js';

/**
 * `--remove-drift`: the whole system's centre of mass at every used frame (unwrapped), which the
 * MSD subtracts from every particle — AIMD of small cells drifts, and a drifting box adds a
 * ballistic term to every MSD. Without masses the centre is the mean of all atoms, and a note
 * says so.
 */
export interface DriftPrepared {
  /** Mass fraction of every atom. */
  weights: Float64Array;
}

export interface DriftState {
  /** Centre of mass per used frame (3 each), Å; room for more. */
  centre: Float64Array;
  frames: number;
}

export interface DriftResult {
  /** Centre of mass per used frame (3 each), Å. */
  centreA: Float64Array;
}

export const driftAnalysis: Analysis<true, DriftPrepared, DriftState, DriftResult, null> = {
  key: 'drift',
  title: 'drift removal',
  standalone: false,
  example: { msd: ['Na'], removeDrift: true },
  options: [
    {
      key: 'removeDrift',
      flag: '--remove-drift',
      help: "subtract the motion of the whole system's centre of mass from the MSD (AIMD of small cells drifts)",
      commands: ['analyze', 'batch'],
      boolean: true,
    },
  ],

  configure: (o) => (o.get<boolean>('removeDrift') ? true : null),

  prepare(_config, ctx) {
    const top = ctx.topology;
    const masses = top.masses;
    const known = masses !== null && masses.every((m) => m > 0);
    if (!known) ctx.notes.push('--remove-drift: some masses are unknown; the drift is the mean of all atoms, unweighted');
    const w = known ? masses : new Float64Array(top.natoms).fill(1);
    const total = w.reduce((a, b) => a + b, 0);
    return { weights: Float64Array.from(w, (m) => m / total) };
  },

  needsUnwrapped: () => true,

  create: () => ({ centre: new Float64Array(3 * 64), frames: 0 }),

  add(p, st, { unwrapped }) {
    const u = unwrapped!;
    const w = p.weights;
    st.centre = withRoom(st.centre, 3 * st.frames, 3 * (st.frames + 1));
    let x = 0, y = 0, z = 0;
    for (let i = 0; i < w.length; i++) {
      x += w[i] * u[3 * i];
      y += w[i] * u[3 * i + 1];
      z += w[i] * u[3 * i + 2];
    }
    st.centre.set([x, y, z], 3 * st.frames);
    st.frames++;
  },

  merge(p, a, b, join) {
    const n = a.frames + b.frames;
    const centre = new Float64Array(Math.max(3, 3 * n));
    centre.set(a.centre.subarray(0, 3 * a.frames));
    // b's centre continues a's: shifted by the mass-weighted shift of all atoms.
    let x = 0, y = 0, z = 0;
    const shift = join.atomShift;
    if (shift) {
      for (let i = 0; i < p.weights.length; i++) {
        x += p.weights[i] * shift[3 * i];
        y += p.weights[i] * shift[3 * i + 1];
        z += p.weights[i] * shift[3 * i + 2];
      }
    }
    for (let t = 0; t < b.frames; t++) {
      const k = 3 * (a.frames + t);
      centre[k] = b.centre[3 * t] + x;
      centre[k + 1] = b.centre[3 * t + 1] + y;
      centre[k + 2] = b.centre[3 * t + 2] + z;
    }
    return { centre, frames: n };
  },

  encode: (st) => ({ centre: st.centre.subarray(0, 3 * st.frames), frames: st.frames }),
  decode: (_p, wire) => wire as DriftState,

  finish: async (_p, st) => ({ centreA: st.centre.subarray(0, 3 * st.frames) }),

  document: {
    key: null,
    toJson: () => null,
    read: () => null,
    input: (result) => ({ remove_drift: result !== undefined }),
  },
};

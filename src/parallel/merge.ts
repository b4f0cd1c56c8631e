import { MsdSeries } from '../analysis/msd.js';
import { mergeRdf } from '../analysis/rdf.js';
import { sameCell } from '../model/box.js';
import type { ParticleDef } from '../select/particles.js';
import { Unwrapper } from '../select/unwrap.js';
import type { FoldState } from './fold.js';
import type { Plan } from './plan.js';

/**
 * Joins the fold states of consecutive slices of a run (in file order) into the state one
 * pass would have built. g(r) states add. MSD series are joined in order — after shifting each slice so that
 * its atoms continue where the previous slice left them: every slice unwraps on its own,
 * starting from its first frame as read, so an atom that had crossed the cell before the slice
 * began is off by whole cell vectors. The previous slice's unwrapper state, stepped to this
 * slice's first frame, gives where the atoms really are; the difference is a constant shift for
 * the whole slice (unwrapping steps are relative), applied to each particle as the mass-weighted
 * shift of its atoms. The result equals one pass's to rounding. `alloc` gives the joined series'
 * memory (shared memory, for threads to read them).
 */
export function mergeFolds(plan: Plan, states: FoldState[], alloc?: (values: number) => Float64Array): FoldState {
  // States come in file order; slices that saw no frame (all before --begin) drop out.
  const parts = states.filter((s) => s.firstIndex >= 0);
  if (parts.length === 0) return states[0];
  const acc = parts[0];
  const series = acc.msd.map((m) => [m]);
  for (const next of parts.slice(1)) {
    const shift = acc.end && next.start ? atomShift(plan.natoms, acc, next) : null;
    for (let s = 0; s < acc.msd.length; s++) {
      if (shift) shiftOrigin(next.msd[s], plan.msd[s].def, shift);
      series[s].push(next.msd[s]);
    }
    if (acc.drift && next.drift) {
      if (shift) shiftDrift(next.drift, plan.driftWeights!, shift);
      const joined = new Float64Array(acc.drift.length + next.drift.length);
      joined.set(acc.drift);
      joined.set(next.drift, acc.drift.length);
      acc.drift = joined;
    }
    acc.rdf.forEach((st, k) => mergeRdf(st, next.rdf[k]));
    acc.framesUsed += next.framesUsed;
    acc.lastIndex = next.lastIndex;
    if (acc.end && next.end) {
      const end = next.end;
      if (shift) for (let j = 0; j < end.u.length; j++) end.u[j] += shift[j];
      end.cellChanged = end.cellChanged || acc.end.cellChanged || (acc.end.firstBox !== null && end.firstBox !== null && !sameCell(acc.end.firstBox, end.firstBox));
      end.firstBox = acc.end.firstBox ?? end.firstBox;
    }
    acc.end = next.end ?? acc.end;
    acc.unwrapModes = [...new Set([...acc.unwrapModes, ...next.unwrapModes])];
  }
  acc.msd = series.map((parts) => (parts.length > 1 || alloc ? MsdSeries.concat(parts, alloc) : parts[0]));
  return acc;
}

/** Per atom (3 each): where the previous slice's unwrapping puts this slice's first frame, minus where this slice put it. */
function atomShift(natoms: number, prev: FoldState, next: FoldState): Float64Array | null {
  const uw = new Unwrapper(natoms);
  uw.importState(prev.end!);
  const truth = uw.update(next.start!.frame);
  const own = next.start!.u;
  const shift = new Float64Array(3 * natoms);
  let any = false;
  for (let j = 0; j < shift.length; j++) {
    shift[j] = truth[j] - own[j];
    if (shift[j] !== 0) any = true;
  }
  return any ? shift : null;
}

function shiftOrigin(series: MsdSeries, def: ParticleDef, shift: Float64Array): void {
  for (let q = 0; q < def.count; q++) {
    for (let r = def.start[q]; r < def.start[q + 1]; r++) {
      const i = 3 * def.member[r], w = def.weight[r];
      series.origin[3 * q] += w * shift[i];
      series.origin[3 * q + 1] += w * shift[i + 1];
      series.origin[3 * q + 2] += w * shift[i + 2];
    }
  }
}

function shiftDrift(drift: Float64Array, weights: Float64Array, shift: Float64Array): void {
  let x = 0, y = 0, z = 0;
  for (let i = 0; i < weights.length; i++) {
    x += weights[i] * shift[3 * i];
    y += weights[i] * shift[3 * i + 1];
    z += weights[i] * shift[3 * i + 2];
  }
  for (let t = 0; t < drift.length; t += 3) {
    drift[t] += x;
    drift[t + 1] += y;
    drift[t + 2] += z;
  }
}

/** Plain data for crossing to another thread, and back. */
export interface WireSeries {
  particles: number;
  frames: number;
  origin: Float64Array;
  data: Float64Array;
}

export function seriesToWire(s: MsdSeries): WireSeries {
  return { particles: s.particles, frames: s.frames, origin: s.origin, data: s.data.subarray(0, s.frames * 3 * s.particles) };
}

export function seriesFromWire(w: WireSeries): MsdSeries {
  const s = new MsdSeries(w.particles, 1);
  s.origin.set(w.origin);
  s.data = w.data;
  s.frames = w.frames;
  return s;
}

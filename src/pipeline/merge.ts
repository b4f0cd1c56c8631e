import { sameCell } from '../model/box.js';
import { addChecks, noChecks, unwrapperFor, type UnwrapChecks, type UnwrapState } from '../select/unwrap.js';
import type { AnalysisRegistry, Join } from './contract.js';
import type { FoldState } from './fold.js';
import type { Plan } from './plan.js';

/**
 * The state of two consecutive runs of frames (a before b, in file order) from theirs: each
 * analysis merges its two states (a pure function), told how b's unwrapping continues a's.
 * Every slice unwraps on its own, from its first frame as read, so an atom that had crossed the
 * cell before the slice began is off by whole cell vectors; a's unwrapper state, stepped to b's
 * first frame, gives where the atoms really are, and the difference is a constant shift for the
 * whole of b (unwrapping steps are relative). The inputs are left unchanged; the result equals
 * one pass's to rounding.
 */
export function mergeFolds(plan: Plan, registry: AnalysisRegistry, a: FoldState, b: FoldState): FoldState {
  // A slice that saw no frame (all before --begin, or past the end) adds nothing.
  if (b.firstIndex < 0) return a;
  if (a.firstIndex < 0) return b;
  const joint = a.end && b.start ? stepBetween(plan, a.end, b) : null;
  const atomShift = joint?.shift ?? null;
  const join: Join = { atomShift };
  const analyses: Record<string, unknown> = {};
  for (const { key, prepared } of plan.analyses) {
    analyses[key] = registry.get(key)!.merge(prepared, a.analyses[key], b.analyses[key], join);
  }
  return {
    framesUsed: a.framesUsed + b.framesUsed,
    firstIndex: a.firstIndex,
    lastIndex: b.lastIndex,
    analyses,
    start: a.start,
    end: a.end && b.end ? shiftedEnd(a.end, b.end, atomShift) : (b.end ?? a.end),
    // The joining step counts too: a slice of one frame unwraps nothing on its own.
    unwrapModes: [...new Set([...a.unwrapModes, ...(joint?.modes ?? []), ...b.unwrapModes])],
    unwrapChecks: addChecks(addChecks(a.unwrapChecks, joint?.checks ?? noChecks()), b.unwrapChecks),
  };
}

/** Merge the states of consecutive runs of frames, in file order. */
export function mergeAll(plan: Plan, registry: AnalysisRegistry, states: FoldState[]): FoldState {
  return states.reduce((acc, s) => mergeFolds(plan, registry, acc, s));
}

/**
 * The step from a's last frame to b's first, unwrapped as one pass would: per atom (3 each),
 * where a's unwrapping puts b's first frame minus where b put it; and what the step showed.
 */
function stepBetween(plan: Plan, aEnd: UnwrapState, b: FoldState): { shift: Float64Array | null; checks: UnwrapChecks; modes: string[] } {
  const uw = unwrapperFor(plan.natoms, plan.spec.read.unwrap, plan.unwrapAtoms);
  uw.importState(aEnd);
  const truth = uw.update(b.start!.frame);
  const own = b.start!.u;
  const shift = new Float64Array(3 * plan.natoms);
  let any = false;
  for (let j = 0; j < shift.length; j++) {
    shift[j] = truth[j] - own[j];
    if (shift[j] !== 0) any = true;
  }
  return { shift: any ? shift : null, checks: uw.checks, modes: [...uw.modes] };
}

/** b's end state, continuing a's unwrapping (a new object: b's is left as it was). */
function shiftedEnd(aEnd: UnwrapState, bEnd: UnwrapState, shift: Float64Array | null): UnwrapState {
  const u = bEnd.u.slice();
  // shift is per atom of the file; u holds the unwrapped atoms only (bEnd.atoms), or all.
  const atoms = bEnd.atoms;
  if (shift && atoms) {
    for (let q = 0; q < atoms.length; q++) for (let d = 0; d < 3; d++) u[3 * q + d] += shift[3 * atoms[q] + d];
  } else if (shift) for (let j = 0; j < u.length; j++) u[j] += shift[j];
  return {
    ...bEnd,
    u,
    cellChanged: bEnd.cellChanged || aEnd.cellChanged || (aEnd.firstBox !== null && bEnd.firstBox !== null && !sameCell(aEnd.firstBox, bEnd.firstBox)),
    firstBox: aEnd.firstBox ?? bEnd.firstBox,
  };
}

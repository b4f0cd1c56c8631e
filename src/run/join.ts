import { ANALYSES } from '../analyses/index.js';
import { InputError } from '../model/errors.js';
import { serialParallel } from '../pipeline/contract.js';
import { finish, type Finished } from '../pipeline/finish.js';
import { mergeAll } from '../pipeline/merge.js';
import type { Plan } from '../pipeline/plan.js';
import type { SavedFold } from '../pipeline/state-codec.js';

/**
 * The analysis of a run folded in parts — by other processes or machines, each over a range of
 * frames (`mdpost analyze --frames A:B --save-state`) — from their saved states: the same merge
 * the worker threads use, then the same finish. The parts must be of one analysis of one run and
 * together cover its frames without gaps or overlaps.
 */
export async function joinParts(parts: SavedFold[], names: string[]): Promise<Finished> {
  if (parts.length === 0) throw new InputError('nothing to merge');
  const key = (p: Plan) => JSON.stringify({ ...p.spec, file: undefined, frames: { ...p.spec.frames, range: undefined, byteRange: undefined } });
  const order = parts.map((_, k) => k).filter((k) => parts[k].state.firstIndex >= 0);
  order.sort((a, b) => parts[a].state.firstIndex - parts[b].state.firstIndex);
  const base = parts[order[0] ?? 0];
  for (let k = 0; k < parts.length; k++) {
    if (key(parts[k].plan) !== key(base.plan) || parts[k].plan.natoms !== base.plan.natoms) {
      throw new InputError(`${names[k]}: a part of a different analysis or system than ${names[order[0] ?? 0]} (the options or the atoms differ)`);
    }
  }
  for (let j = 1; j < order.length; j++) {
    const prev = parts[order[j - 1]].state, next = parts[order[j]].state;
    if (next.firstIndex <= prev.lastIndex) throw new InputError(`${names[order[j]]}: its frames (from ${next.firstIndex}) overlap those of ${names[order[j - 1]]} (to ${prev.lastIndex})`);
    if (next.firstIndex !== prev.lastIndex + 1) throw new InputError(`frames ${prev.lastIndex + 1}–${next.firstIndex - 1} are in none of the parts (between ${names[order[j - 1]]} and ${names[order[j]]})`);
  }
  const plan: Plan = { ...base.plan, spec: { ...base.plan.spec, frames: { ...base.plan.spec.frames, range: null, byteRange: null } }, rangeFirst: 0, rangeEnd: null };
  const state = mergeAll(plan, ANALYSES, order.length ? order.map((k) => parts[k].state) : [base.state]);
  const result = await finish(plan, ANALYSES, state, serialParallel(ANALYSES));
  result.warnings.push(...parts.flatMap((p) => p.warnings));
  return result;
}

import { InputError } from '../model/errors.js';
import type { AnalysisRegistry, FinishEnv, Parallel } from './contract.js';
import type { FoldState } from './fold.js';
import { unwrapVerdict } from './unwrap-verdict.js';
import { dtUsedPs, type Plan } from './plan.js';
import { trace } from '../trace.js';

/** A finished analysis of one trajectory: every analysis's result, by key, and what the run says about itself. */
export interface Finished {
  plan: Plan;
  framesUsed: number;
  /** Time between used frames, ps (stride × dt). */
  dtUsedPs: number | null;
  unwrapModes: string[];
  results: Record<string, unknown>;
  warnings: string[];
}

/**
 * Turn a merged fold state into results: each analysis finishes in registry order (those it
 * reads finish before it), with `parallel` for work that splits across the pool's threads.
 */
export async function finish(plan: Plan, registry: AnalysisRegistry, state: FoldState, parallel: Parallel): Promise<Finished> {
  if (state.framesUsed === 0) throw new InputError(`${plan.spec.file}: no frames left after --begin/--end/--stride`);
  const warnings = [...plan.notes, ...(plan.needsUnwrapped ? unwrapVerdict(plan.spec.file, state.unwrapChecks) : [])];
  const results: Record<string, unknown> = {};
  const env: FinishEnv = {
    file: plan.spec.file,
    result: <R>(key: string) => results[key] as R | undefined,
    parallel,
  };
  for (const { key, prepared } of plan.analyses) {
    results[key] = await registry.get(key)!.finish(prepared, state.analyses[key], env);
    trace(`${key} finished`);
  }
  return {
    plan,
    framesUsed: state.framesUsed,
    dtUsedPs: dtUsedPs(plan),
    unwrapModes: state.unwrapModes,
    results,
    warnings,
  };
}

import { analyze, ANALYSES, msdAnalysis, rdfAnalysis, resultOf, specFromOptions, transferenceAnalysis, type AnalysisSpec, type RunOptions } from '../../src/index.js';
import type { RawOptions } from '../../src/pipeline/options.js';
import { makePlan, type Plan } from '../../src/pipeline/plan.js';

/** An analysis through the library's entry, with the results of the usual analyses at hand. */
export async function analyzeOf(file: string, options: RawOptions, run: RunOptions = {}) {
  const finished = await analyze(file, options, run);
  return {
    ...finished,
    msd: resultOf(finished, msdAnalysis) ?? [],
    rdf: resultOf(finished, rdfAnalysis) ?? [],
    transference: resultOf(finished, transferenceAnalysis) ?? null,
  };
}

/** A spec from options as the command line takes them. */
export function specOf(file: string, options: RawOptions): AnalysisSpec {
  return specFromOptions(file, options, ANALYSES);
}

/** The plan of an analysis of a file (its first frames read). */
export function planOf(file: string, options: RawOptions): Promise<Plan> {
  return makePlan(specOf(file, options), ANALYSES);
}

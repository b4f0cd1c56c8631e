/**
 * mdpost as a library — what a user's own script imports:
 *
 *   import { analyze, resultOf, msdAnalysis, rdfAnalysis, openTrajectory } from 'mdpost';
 *
 *   const run = await analyze('dump.lammpstrj.gz', { msd: ['Na', 'FSI'], rdf: ['Na,O'], timestep: '1fs' });
 *   const [na] = resultOf(run, msdAnalysis)!;             // typed: curve, diffusion (D ± stderr, Å²/ps)
 *   const naO = resultOf(run, rdfAnalysis)![0];           // g(r), n(r), first shell
 *   const doc = documentOf(run, ANALYSES, 'my-script');    // the JSON document `mdpost analyze --json` prints
 *
 *   for await (const frame of (await openTrajectory('traj.xyz', { box: null })).frames()) { … }
 *
 * Options are those of the command line, with the job-file keys (camelCase; times and lengths as
 * text with units, "0.5ps", "12A"); lengths in Å and times in ps everywhere else.
 */
import { ANALYSES } from './analyses/index.js';
import type { Finished } from './pipeline/finish.js';
import type { RawOptions } from './pipeline/options.js';
import { specFromOptions } from './pipeline/spec.js';
import { analyzeFile, type RunOptions } from './run/analyze-file.js';
import { TrajectoryReader, type OpenOptions } from './io/reader.js';

export { ANALYSES } from './analyses/index.js';
export { conductivityAnalysis, type ConductivityResult, type ConductivitySection } from './analyses/conductivity.js';
export { driftAnalysis, type DriftResult } from './analyses/drift.js';
export { finiteSizeAnalysis, type FiniteSizeResult, type FiniteSizeSection } from './analyses/finite-size.js';
export { msdAnalysis, type MsdResult, type MsdSection } from './analyses/msd.js';
export { rdfAnalysis, type RdfPairResult, type RdfSection } from './analyses/rdf.js';
export { solvationAnalysis } from './analyses/solvation.js';
export type { SolvationSection } from './analyses/solvation-document.js';
export { transferenceAnalysis, type Transference, type TransferenceSection } from './analyses/transference.js';
export type { Analysis, AnalysisRegistry, DocumentPart, FinishEnv, FoldFrame, Join, PrepareContext } from './pipeline/contract.js';
export type { Finished } from './pipeline/finish.js';
export type { Plan } from './pipeline/plan.js';
export { specFromOptions, type AnalysisSpec } from './pipeline/spec.js';
export { documentJson, documentOf, readDocument, section, type AnalysisDocument } from './report/document.js';
export { analyzeFile, foldFile, type RunOptions } from './run/analyze-file.js';
export { joinParts } from './run/join.js';
export { loadFold, saveFold } from './run/state-file.js';
export type { Frame, Topology } from './model/frame.js';
export type { Box } from './model/box.js';
export { InputError, ParseError } from './model/errors.js';
export { FORMATS, formatNamed } from './io/formats.js';
export type { TrajectoryFormat } from './io/format.js';

/** Analyse a trajectory with options as the command line takes them. */
export async function analyze(file: string, options: RawOptions, run: RunOptions = {}): Promise<Finished> {
  return analyzeFile(specFromOptions(file, options, ANALYSES), run);
}

/** One analysis's result, typed by the analysis (undefined when it did not run). */
export function resultOf<R>(finished: Finished, analysis: { key: string; finish(...args: never[]): Promise<R> }): R | undefined {
  return finished.results[analysis.key] as R | undefined;
}

/** A trajectory's frames, streamed (the Frame object and its arrays are reused from frame to frame). */
export function openTrajectory(file: string, options: OpenOptions = {}): Promise<TrajectoryReader> {
  return TrajectoryReader.open(file, options);
}

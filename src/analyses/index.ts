import { makeRegistry, type Analysis } from '../pipeline/contract.js';
import { conductivityAnalysis } from './conductivity.js';
import { driftAnalysis } from './drift.js';
import { finiteSizeAnalysis } from './finite-size.js';
import { msdAnalysis } from './msd.js';
import { rdfAnalysis } from './rdf.js';
import { solvationAnalysis } from './solvation.js';
import { transferenceAnalysis } from './transference.js';

/**
 * The analyses mdpost runs, in the order they prepare, finish and report (an analysis that reads
 * another's results comes after it). Adding an analysis is one module and one line here.
 */
export const ANALYSES = makeRegistry([driftAnalysis, msdAnalysis, transferenceAnalysis, finiteSizeAnalysis, conductivityAnalysis, rdfAnalysis, solvationAnalysis] as Analysis[]);

import type { Topology } from '../model/frame.js';
import type { AnalysisSpec } from './spec.js';

/**
 * The identity of the atoms an analysis works with. Today it is what the trajectory itself
 * holds (element names, LAMMPS types and molecule ids, masses); a separate topology file (a
 * LAMMPS data file, GRO, PDB: names, residues, charges, bonds) will be read here and checked
 * against the trajectory's atom count, so that selections, molecules and charges come from it.
 */
export function resolveTopology(_spec: AnalysisSpec, fromTrajectory: Topology): Topology {
  return fromTrajectory;
}

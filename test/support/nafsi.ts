import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './io.js';

/** The shipped trajectory (trajectories/nafsi-water) and what LAMMPS and MDAnalysis computed on it. */
export const NAFSI_DUMP = join(REPO, 'trajectories/nafsi-water/nafsi-water.lammpstrj.gz');
export const NAFSI_XYZ = join(REPO, 'trajectories/nafsi-water/nafsi-water.xyz.gz');
export const LAMMPS_PEER = join(REPO, 'test/fixtures/peers/lammps/nafsi-water');

/** Rows of numbers of a LAMMPS fix ave/time file, without comments. */
export function numberRows(path: string): number[][] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => l.trim().split(/\s+/).map(Number));
}

/** A `mode vector` file: per time step a header "step rows" then the rows. */
export function vectorBlocks(path: string): { step: number; rows: number[][] }[] {
  const lines = numberRows(path);
  const blocks: { step: number; rows: number[][] }[] = [];
  for (let k = 0; k < lines.length; ) {
    const [step, n] = lines[k];
    blocks.push({ step, rows: lines.slice(k + 1, k + 1 + n) });
    k += 1 + n;
  }
  return blocks;
}

import type { Box } from '../model/box.js';
import { InputError } from '../model/errors.js';
import type { Topology } from '../model/frame.js';
import type { Molecules } from './molecules.js';
import type { Selection } from './selection.js';

/**
 * What an MSD follows — atoms, or molecules as mass-weighted centres of mass of their unwrapped
 * atoms — as plain typed arrays (so a definition crosses to worker threads): particle q is
 * Σ weight[r]·(u[member[r]] + offset[r]) over r in [start[q], start[q+1]). An atom is a
 * particle of one member with weight 1.
 *
 * `offset` makes molecules whole: the lattice translation of each atom found in the reference
 * frame (Molecules.wholeImage) times the reference cell — a constant, so a later change of cell
 * cannot move a centre of mass.
 */
export interface ParticleDef {
  kind: 'atoms' | 'molecules';
  count: number;
  start: Int32Array;
  member: Int32Array;
  weight: Float64Array;
  offset: Float64Array;
}

export function particlesOf(sel: Selection, top: Topology, mols: Molecules | null, refBox: Box | null): ParticleDef {
  if (sel.kind === 'atoms') {
    const n = sel.atoms.length;
    return {
      kind: 'atoms',
      count: n,
      start: Int32Array.from({ length: n + 1 }, (_, q) => q),
      member: sel.atoms.slice(),
      weight: new Float64Array(n).fill(1),
      offset: new Float64Array(3 * n),
    };
  }
  if (!mols || !sel.molecules) throw new Error('internal: molecule selection without molecules');
  const masses = top.masses;
  if (!masses) throw new InputError(`selection ${JSON.stringify(sel.text)}: centres of mass need masses, and this file has neither elements nor a mass column; give --type-map`);
  const chosen = sel.molecules;
  const start = new Int32Array(chosen.length + 1);
  for (let q = 0; q < chosen.length; q++) start[q + 1] = start[q] + mols.start[chosen[q] + 1] - mols.start[chosen[q]];
  const member = new Int32Array(start[chosen.length]);
  const weight = new Float64Array(member.length);
  const offset = new Float64Array(3 * member.length);
  const m = refBox?.matrix;
  for (let q = 0; q < chosen.length; q++) {
    const k = chosen[q];
    let total = 0;
    for (let p = mols.start[k]; p < mols.start[k + 1]; p++) total += masses[mols.atoms[p]];
    if (!(total > 0)) throw new InputError(`selection ${JSON.stringify(sel.text)}: molecule ${mols.formula[k]} has atoms of unknown mass`);
    for (let p = mols.start[k], r = start[q]; p < mols.start[k + 1]; p++, r++) {
      const i = mols.atoms[p];
      member[r] = i;
      weight[r] = masses[i] / total;
      if (m) {
        const a = mols.wholeImage[3 * i], b = mols.wholeImage[3 * i + 1], c = mols.wholeImage[3 * i + 2];
        offset[3 * r] = a * m[0] + b * m[3] + c * m[6];
        offset[3 * r + 1] = a * m[1] + b * m[4] + c * m[7];
        offset[3 * r + 2] = a * m[2] + b * m[5] + c * m[8];
      }
    }
  }
  return { kind: 'molecules', count: chosen.length, start, member, weight, offset };
}

/** Fill `out` (3 per particle) from unwrapped atom positions `u`. */
export function particlePositions(def: ParticleDef, u: Float64Array, out: Float64Array): void {
  const { start, member, weight, offset } = def;
  for (let q = 0; q < def.count; q++) {
    let x = 0, y = 0, z = 0;
    for (let r = start[q]; r < start[q + 1]; r++) {
      const i = 3 * member[r], w = weight[r];
      x += w * (u[i] + offset[3 * r]);
      y += w * (u[i + 1] + offset[3 * r + 1]);
      z += w * (u[i + 2] + offset[3 * r + 2]);
    }
    out[3 * q] = x;
    out[3 * q + 1] = y;
    out[3 * q + 2] = z;
  }
}

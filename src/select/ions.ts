import { isFreeCation } from '../model/elements.js';
import type { Topology } from '../model/frame.js';
import { MOLECULE_ALIASES } from './formula.js';
import type { Selection, SelectionContext } from './selection.js';

/** Which side of a salt a selection is, for the Nernst–Einstein transference number. */
export type IonKind = 'cation' | 'anion';

/** Hill formulas of the molecular anions mdpost knows by name (FSI⁻, TFSI⁻, PF6⁻ …). */
const ANION_FORMULAS = new Set(Object.values(MOLECULE_ALIASES).filter((a) => a.charge !== undefined && a.charge < 0).map((a) => a.formula));

/** Elements that are anions when they stand alone (not bonded into a molecule such as ClO4⁻). */
const HALIDES = new Set(['F', 'Cl', 'Br', 'I']);

/**
 * A selection is the cation when it is free metal cations (Li⁺, Na⁺ …); the anion when it is
 * molecules of a known anion formula — by name or by formula, `FSI` or `mol:F2NO4S2` — or
 * halide atoms that are not bonded to anything (Cl⁻ in NaCl solution, not the Cl of ClO4⁻).
 */
export function ionKind(sel: Selection, top: Topology, ctx: SelectionContext): IonKind | null {
  const elements = top.elements;
  if (!elements || sel.atoms.length === 0) return null;
  if (sel.kind === 'molecules') {
    const mols = ctx.molecules();
    return sel.molecules!.every((k) => ANION_FORMULAS.has(mols.formula[k])) ? 'anion' : null;
  }
  if (sel.atoms.every((i) => isFreeCation(elements[i]))) return 'cation';
  if (sel.atoms.every((i) => HALIDES.has(elements[i]))) {
    const mols = ctx.molecules();
    const alone = (i: number) => mols.start[mols.ofAtom[i] + 1] - mols.start[mols.ofAtom[i]] === 1;
    if (sel.atoms.every(alone)) return 'anion';
  }
  return null;
}

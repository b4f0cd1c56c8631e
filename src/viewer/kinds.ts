import { isFreeCation } from '../model/elements.js';
import { MOLECULE_ALIASES } from '../select/formula.js';
import type { Molecules } from '../select/molecules.js';

/**
 * The kind of each molecule, as solvation shells name partners: a molecule's usual name when
 * mdpost knows its formula (FSI, H2O, EC …), else its formula; a free ion is its own molecule,
 * named by its element; and every molecule of more than CHAIN_ATOMS atoms is a "chain" — polymer
 * chains differ in length, hence in formula, but are one kind of partner.
 */
export interface MoleculeKinds {
  /** Kind (index into `names`) of each molecule. */
  ofMolecule: Int32Array;
  names: string[];
  /** The kind is an anion: a known molecular anion (FSI, TFSI, PF6 …) or a lone halide atom. */
  anion: boolean[];
  /** The kind is a free metal cation (Li, Na, …). */
  cation: boolean[];
}

export const CHAIN_ATOMS = 60;

const HALIDES = new Set(['F', 'Cl', 'Br', 'I']);

/** Formula → name, the first alias listed for it (TFSI before TFSA). */
const NAME_OF_FORMULA = new Map<string, { name: string; anion: boolean }>();
for (const [name, a] of Object.entries(MOLECULE_ALIASES)) {
  if (!NAME_OF_FORMULA.has(a.formula)) NAME_OF_FORMULA.set(a.formula, { name, anion: (a.charge ?? 0) < 0 });
}

export function moleculeKinds(mols: Molecules): MoleculeKinds {
  const names: string[] = [];
  const anion: boolean[] = [];
  const cation: boolean[] = [];
  const index = new Map<string, number>();
  const ofMolecule = new Int32Array(mols.count);
  for (let k = 0; k < mols.count; k++) {
    const size = mols.start[k + 1] - mols.start[k];
    const formula = mols.formula[k];
    const known = NAME_OF_FORMULA.get(formula);
    const name = size > CHAIN_ATOMS ? 'chain' : (known?.name ?? formula);
    let kind = index.get(name);
    if (kind === undefined) {
      kind = names.length;
      index.set(name, kind);
      names.push(name);
      anion.push(size === 1 ? HALIDES.has(formula) : (known?.anion ?? false));
      cation.push(size === 1 && isFreeCation(formula));
    }
    ofMolecule[k] = kind;
  }
  return { ofMolecule, names, anion, cation };
}

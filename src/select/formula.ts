import { elementFromLabel, hillFormula } from '../model/elements.js';

/**
 * Molecular ions and solvents of battery electrolytes by their usual names, as Hill formulas
 * (C first, then H, then alphabetical; without C all alphabetical), with the ions' charges.
 */
export const MOLECULE_ALIASES: Record<string, { formula: string; name: string; charge?: number }> = {
  FSI: { formula: 'F2NO4S2', name: 'bis(fluorosulfonyl)imide, N(SO2F)2⁻', charge: -1 },
  TFSI: { formula: 'C2F6NO4S2', name: 'bis(trifluoromethanesulfonyl)imide, N(SO2CF3)2⁻', charge: -1 },
  PF6: { formula: 'F6P', name: 'hexafluorophosphate', charge: -1 },
  BF4: { formula: 'BF4', name: 'tetrafluoroborate', charge: -1 },
  ClO4: { formula: 'ClO4', name: 'perchlorate', charge: -1 },
  DFOB: { formula: 'C2BF2O4', name: 'difluoro(oxalato)borate', charge: -1 },
  BOB: { formula: 'C4BO8', name: 'bis(oxalato)borate', charge: -1 },
  OTf: { formula: 'CF3O3S', name: 'triflate, CF3SO3⁻', charge: -1 },
  TFSA: { formula: 'C2F6NO4S2', name: 'TFSI (TFSA)', charge: -1 },
  H2O: { formula: 'H2O', name: 'water' },
  DME: { formula: 'C4H10O2', name: '1,2-dimethoxyethane' },
  EC: { formula: 'C3H4O3', name: 'ethylene carbonate' },
  PC: { formula: 'C4H6O3', name: 'propylene carbonate' },
  DMC: { formula: 'C3H6O3', name: 'dimethyl carbonate' },
};

/** The alias for a name, case-insensitively ("fsi", "FSI"). */
export function aliasFormula(name: string): string | null {
  const key = Object.keys(MOLECULE_ALIASES).find((k) => k.toLowerCase() === name.toLowerCase());
  return key ? MOLECULE_ALIASES[key].formula : null;
}

/** Parse a formula such as "F2NO4S2" or "SO2F" into element counts; null if it is not one. */
export function parseFormula(text: string): Map<string, number> | null {
  const counts = new Map<string, number>();
  const re = /([A-Z][a-z]?)(\d*)/g;
  let consumed = 0;
  for (const m of text.matchAll(re)) {
    if (m.index !== consumed) return null;
    const el = elementFromLabel(m[1]);
    if (!el || el !== m[1]) return null;
    counts.set(el, (counts.get(el) ?? 0) + (m[2] ? Number(m[2]) : 1));
    consumed += m[0].length;
  }
  return consumed === text.length && counts.size > 0 ? counts : null;
}

/** A formula in Hill order, so that "SO2F" and "FO2S" compare equal. */
export function normalizeFormula(text: string): string | null {
  const counts = parseFormula(text);
  return counts ? hillFormula(counts) : null;
}

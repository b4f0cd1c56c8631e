/**
 * The periodic table as mdpost needs it: symbols, standard atomic weights (IUPAC, g/mol; for
 * elements without a stable isotope, the mass of the longest-lived one) and single-bond covalent
 * radii (Cordero et al., Dalton Trans. 2008, 2832; Å) used to find bonds.
 */

// prettier-ignore
const SYMBOLS = [
  'X',
  'H', 'He', 'Li', 'Be', 'B', 'C', 'N', 'O', 'F', 'Ne', 'Na', 'Mg', 'Al', 'Si', 'P', 'S', 'Cl', 'Ar',
  'K', 'Ca', 'Sc', 'Ti', 'V', 'Cr', 'Mn', 'Fe', 'Co', 'Ni', 'Cu', 'Zn', 'Ga', 'Ge', 'As', 'Se', 'Br', 'Kr',
  'Rb', 'Sr', 'Y', 'Zr', 'Nb', 'Mo', 'Tc', 'Ru', 'Rh', 'Pd', 'Ag', 'Cd', 'In', 'Sn', 'Sb', 'Te', 'I', 'Xe',
  'Cs', 'Ba', 'La', 'Ce', 'Pr', 'Nd', 'Pm', 'Sm', 'Eu', 'Gd', 'Tb', 'Dy', 'Ho', 'Er', 'Tm', 'Yb', 'Lu',
  'Hf', 'Ta', 'W', 'Re', 'Os', 'Ir', 'Pt', 'Au', 'Hg', 'Tl', 'Pb', 'Bi', 'Po', 'At', 'Rn',
  'Fr', 'Ra', 'Ac', 'Th', 'Pa', 'U', 'Np', 'Pu', 'Am', 'Cm', 'Bk', 'Cf', 'Es', 'Fm', 'Md', 'No', 'Lr',
  'Rf', 'Db', 'Sg', 'Bh', 'Hs', 'Mt', 'Ds', 'Rg', 'Cn', 'Nh', 'Fl', 'Mc', 'Lv', 'Ts', 'Og',
];

// prettier-ignore
const MASSES = [
  0,
  1.008, 4.002602, 6.94, 9.0121831, 10.81, 12.011, 14.007, 15.999, 18.998403163, 20.1797,
  22.98976928, 24.305, 26.9815385, 28.085, 30.973761998, 32.06, 35.45, 39.948,
  39.0983, 40.078, 44.955908, 47.867, 50.9415, 51.9961, 54.938044, 55.845, 58.933194, 58.6934,
  63.546, 65.38, 69.723, 72.63, 74.921595, 78.971, 79.904, 83.798,
  85.4678, 87.62, 88.90584, 91.224, 92.90637, 95.95, 97.90721, 101.07, 102.9055, 106.42,
  107.8682, 112.414, 114.818, 118.71, 121.76, 127.6, 126.90447, 131.293,
  132.90545196, 137.327, 138.90547, 140.116, 140.90766, 144.242, 144.91276, 150.36, 151.964,
  157.25, 158.92535, 162.5, 164.93033, 167.259, 168.93422, 173.054, 174.9668,
  178.49, 180.94788, 183.84, 186.207, 190.23, 192.217, 195.084, 196.966569, 200.592,
  204.38, 207.2, 208.9804, 208.98243, 209.98715, 222.01758,
  223.01974, 226.02541, 227.02775, 232.0377, 231.03588, 238.02891, 237.04817, 244.06421,
  243.06138, 247.07035, 247.07031, 251.07959, 252.083, 257.09511, 258.09843, 259.101, 262.11,
  267.122, 268.126, 271.134, 270.133, 269.1338, 278.156, 281.165, 281.166, 285.177, 286.182,
  289.19, 289.194, 293.204, 293.208, 294.214,
];

// Cordero 2008; for Mn, Fe, Co the low-spin value. NaN where none was determined (Z > 96).
// prettier-ignore
const COVALENT_RADII = [
  NaN,
  0.31, 0.28, 1.28, 0.96, 0.84, 0.76, 0.71, 0.66, 0.57, 0.58, 1.66, 1.41, 1.21, 1.11, 1.07, 1.05, 1.02, 1.06,
  2.03, 1.76, 1.7, 1.6, 1.53, 1.39, 1.39, 1.32, 1.26, 1.24, 1.32, 1.22, 1.22, 1.2, 1.19, 1.2, 1.2, 1.16,
  2.2, 1.95, 1.9, 1.75, 1.64, 1.54, 1.47, 1.46, 1.42, 1.39, 1.45, 1.44, 1.42, 1.39, 1.39, 1.38, 1.39, 1.4,
  2.44, 2.15, 2.07, 2.04, 2.03, 2.01, 1.99, 1.98, 1.98, 1.96, 1.94, 1.92, 1.92, 1.89, 1.9, 1.87, 1.87,
  1.75, 1.7, 1.62, 1.51, 1.44, 1.41, 1.36, 1.36, 1.32, 1.45, 1.46, 1.48, 1.4, 1.5, 1.5,
  2.6, 2.21, 2.15, 2.06, 2.0, 1.96, 1.9, 1.87, 1.8, 1.69,
];

const BY_SYMBOL = new Map<string, number>();
SYMBOLS.forEach((s, z) => BY_SYMBOL.set(s.toLowerCase(), z));

/** Largest atomic number mdpost knows. */
export const MAX_Z = SYMBOLS.length - 1;

/**
 * Atomic number of an element symbol, case-insensitive ("NA", "na", "Na"); 0 if it is not one.
 * Force-field labels such as "Na+", "O1", "Li_sv" are not symbols; `elementFromLabel` handles them.
 */
export function atomicNumber(symbol: string): number {
  return BY_SYMBOL.get(symbol.toLowerCase()) ?? 0;
}

/** The canonical symbol ("Na") for an atomic number; throws outside 1..118. */
export function symbolOf(z: number): string {
  if (!Number.isInteger(z) || z < 1 || z > MAX_Z) throw new RangeError(`no element with atomic number ${z}`);
  return SYMBOLS[z];
}

/** Standard atomic weight (g/mol) of an element symbol; NaN if unknown. */
export function atomicMass(symbol: string): number {
  const z = atomicNumber(symbol);
  return z > 0 ? MASSES[z] : NaN;
}

/** Covalent radius (Å) of an element symbol; NaN if unknown. */
export function covalentRadius(symbol: string): number {
  const z = atomicNumber(symbol);
  return z > 0 && z < COVALENT_RADII.length ? COVALENT_RADII[z] : NaN;
}

/**
 * The element a label in a trajectory stands for: a symbol in any case, an atomic number
 * ("11"), or a symbol with a charge, index or pseudopotential suffix ("Na+", "O1", "Li_sv",
 * "Fe/a1b2"). Returns the canonical symbol, or null when the label names no element.
 */
export function elementFromLabel(label: string): string | null {
  if (/^\d+$/.test(label)) {
    const z = Number(label);
    return z >= 1 && z <= MAX_Z ? SYMBOLS[z] : null;
  }
  const direct = atomicNumber(label);
  if (direct > 0) return SYMBOLS[direct];
  const m = /^([A-Za-z][a-z]?)(?:[+\-_/.:0-9].*)?$/.exec(label);
  if (!m) return null;
  const z = atomicNumber(m[1]);
  return z > 0 ? SYMBOLS[z] : null;
}

/**
 * Elements whose ions are free in electrolytes: alkali and alkaline-earth metals. They are never
 * bonded when molecules are found from distances, or a Na⁺ would glue its whole solvation shell
 * into one "molecule".
 */
const FREE_CATIONS = new Set(['Li', 'Na', 'K', 'Rb', 'Cs', 'Fr', 'Mg', 'Ca', 'Sr', 'Ba', 'Ra']);
export function isFreeCation(symbol: string): boolean {
  return FREE_CATIONS.has(symbol);
}

/** Hill order of a formula's elements: C first, then H, then the rest alphabetically (no C: all alphabetical). */
export function hillFormula(counts: Map<string, number>): string {
  const els = [...counts.keys()];
  const hasC = counts.has('C');
  els.sort((a, b) => {
    if (hasC) {
      const rank = (e: string) => (e === 'C' ? 0 : e === 'H' ? 1 : 2);
      const d = rank(a) - rank(b);
      if (d !== 0) return d;
    }
    return a < b ? -1 : a > b ? 1 : 0;
  });
  return els.map((e) => e + (counts.get(e)! > 1 ? counts.get(e) : '')).join('');
}

import { atomicMass, atomicNumber, symbolOf } from './elements.js';

/**
 * The element an atom name from a force field stands for, when a file has names but no element
 * column (GRO files, PDB files without columns 77–78, LAMMPS type labels).
 *
 * The rule, in order (names are compared case-insensitively, with digits, charges, primes and
 * asterisks removed first: `HW1` → HW, `Na+` → NA, `1HB` → HB, `C1'` → C):
 *
 * 1. A name written as a two-letter symbol in chemical case (`Na`, `Cl`, `Ca`, `Zn2+`) is that
 *    element: force fields write atom names in upper case, so `Ca` cannot be an alpha carbon.
 * 2. CHARMM's ion names: SOD → Na, POT → K, CLA → Cl, CAL → Ca, CES → Cs, LIT → Li, IOD → I.
 *    Virtual sites (MW, LP, EP, VS…, DUM) have no element, nor, in a protein residue (or its
 *    AMBER terminal form NALA, CLYS …), names starting with M (GROMACS's dummy masses MN1, MCB1 …).
 *    A name with a charge sign is an ion: `NA+`, `CA2+`, `CL-` are Na, Ca, Cl in any residue.
 * 3. A name that is a one-letter symbol (O, H, K), or a two-letter symbol whose first letter is
 *    no element (LI, MG, ZN, AL, RB), is that element. Two-letter symbols whose first letter is
 *    also an element (NA: Na or an N;
 *    CA: Ca or an alpha carbon; CL, HG, NE, CD, OS …) are decided by the residue:
 *    - an ion residue — a residue of one atom, a residue named as the atom, or a known ion
 *      residue name (NA, SOD, CL, CLA, K, POT, CA, CAL, ION …) — takes the two-letter element
 *      (`CA` in residue `CA` is calcium);
 *    - a protein or nucleic-acid residue takes the first letter (`NA` in `ALA` would be a
 *      nitrogen, `CA` the alpha carbon, `HG` a hydrogen), except `SE` (selenomethionine);
 *    - any other residue of several atoms cannot hold a sodium or caesium ion, so NA and CS there
 *      are N and C; CL, BR, SI, FE, CU stay two-letter (chlorinated solvents, silanes, haem);
 *    - with no residue: NA, CL, CS, FE, CU, BR and SI are the two-letter elements (as in
 *      MDAnalysis' table), the others (CA, CD, CE, HE, HG, HO, NE, NO, OS, …) the first letter.
 * 4. Otherwise a name starting with CL or BR is chlorine or bromine (`CLA`, `BR1`), one starting
 *    with a two-letter symbol whose first letter is no element is that symbol (`LIT`, `MGX`), and
 *    one starting with H, C, N, O, S, P or F is that element (`OW`, `HW`, `OT`, `CT`, `NZ`, `OH`).
 * 5. Anything else is unknown: null, never a guess (`XX`, `QN`, `DW`, `UNK`, `opls_135`).
 * Symbols of elements past lawrencium (Rf … Og: Mc, Sg, Ds) count as no symbol anywhere above.
 *
 * Some of these readings are a judgement that the user should hear of (`ambiguousGuess`): those
 * where the residue decided otherwise than the name alone would be read, in a residue whose name
 * does not settle it — NA and CS in a residue of several atoms (nitrogen and carbon; a .gro with
 * Na⁺ and Cl⁻ in one residue SALT would be silently wrong), a two-letter name alone in its residue
 * (CA alone in residue DUM is calcium; a carbon bead it could be) — and MN taken as manganese,
 * which may be one of GROMACS's dummy masses.
 *
 * MDAnalysis 2.4 (topology/guessers.py, guess_atom_element with tables.atomelements) differs in
 * that it has no residue context (it always reads NA as Na and CA as C) and that it falls back
 * to the first letter of anything (LP and EP → P, XX → X, DUM → D). GROMACS 2022's name-based
 * guesses (atomprop.cpp on elements.dat and atommass.dat) match database names as
 * case-sensitive prefixes, so an atom NA gets N's entry and CL gets C's: it calls Na⁺ nitrogen
 * and Cl⁻ carbon when a file has no element column.
 */
export interface AtomNameContext {
  /** Name of the residue (molecule) the atom belongs to, as the file writes it. */
  resname?: string | null;
  /** Number of atoms in that residue; a lone ion is a residue of one atom. */
  residueSize?: number | null;
}

const CHARMM_IONS = new Map([
  ['SOD', 'Na'],
  ['POT', 'K'],
  ['CLA', 'Cl'],
  ['CLAL', 'Cl'],
  ['CAL', 'Ca'],
  ['CES', 'Cs'],
  ['LIT', 'Li'],
  ['IOD', 'I'],
]);

/** Virtual sites and dummies: TIP4P/TIP5P sites, Drude lone pairs, extra points. */
const NO_ELEMENT = /^(MW|LP|LPX|LPY|EP|VS|VSITE|DUM|DUMMY|DU)$/;

/** Residue names that hold one ion each in GROMACS, CHARMM, AMBER and OPLS files. */
const ION_RESIDUES = new Set([
  'NA', 'NA+', 'SOD', 'NIO', 'K', 'K+', 'POT', 'KIO', 'LI', 'LI+', 'LIT', 'RB', 'CS', 'CES', 'CA', 'CAL', 'CA2+',
  'MG', 'MG2+', 'ZN', 'ZN2+', 'CL', 'CL-', 'CLA', 'CIO', 'BR', 'BR-', 'IOD', 'F', 'F-', 'I', 'I-', 'ION', 'IONS',
  'BA', 'SR', 'CU', 'FE', 'NI', 'CO', 'CD', 'HG', 'MN',
]);

/** Protein and nucleic-acid residues (AMBER, CHARMM, GROMOS and OPLS names), where NA, CA, HG are N, C, H. */
// prettier-ignore
const BIO_RESIDUES = new Set([
  'ALA', 'ARG', 'ASN', 'ASP', 'CYS', 'GLN', 'GLU', 'GLY', 'HIS', 'ILE', 'LEU', 'LYS', 'MET', 'PHE', 'PRO',
  'SER', 'THR', 'TRP', 'TYR', 'VAL', 'HID', 'HIE', 'HIP', 'HSD', 'HSE', 'HSP', 'HISA', 'HISB', 'HISH', 'HIS1',
  'HIS2', 'CYX', 'CYM', 'ASH', 'GLH', 'LYN', 'LYSH', 'ASPH', 'GLUH', 'ARGN', 'CYS2', 'MSE', 'ACE', 'NME', 'NHE',
  'NH2', 'NAC', 'A', 'C', 'G', 'U', 'T', 'DA', 'DC', 'DG', 'DT', 'DU', 'RA', 'RC', 'RG', 'RU', 'ADE', 'CYT',
  'GUA', 'THY', 'URA', 'DA5', 'DA3', 'DC5', 'DC3', 'DG5', 'DG3', 'DT5', 'DT3', 'RA5', 'RA3', 'RC5', 'RC3',
  'RG5', 'RG3', 'RU5', 'RU3',
]);

/** Amino acids whose AMBER terminal residues (NALA, CALA …) GROMACS's AMBER force fields write. */
// prettier-ignore
const AMINO_ACIDS = new Set([
  'ALA', 'ARG', 'ASN', 'ASP', 'CYS', 'GLN', 'GLU', 'GLY', 'HIS', 'ILE', 'LEU', 'LYS', 'MET', 'PHE', 'PRO',
  'SER', 'THR', 'TRP', 'TYR', 'VAL', 'HID', 'HIE', 'HIP', 'CYX', 'CYM', 'ASH', 'GLH', 'LYN',
]);

function isBioResidue(res: string): boolean {
  return BIO_RESIDUES.has(res) || (res.length === 4 && (res[0] === 'N' || res[0] === 'C') && AMINO_ACIDS.has(res.slice(1)));
}

/** Haem and its kin, whose pyrrole nitrogens are named NA, NB, NC, ND. */
const PORPHYRIN_RESIDUES = new Set(['HEM', 'HEME', 'HEC', 'HEA', 'HEB', 'HEO', 'HAS']);

/** Two-letter symbols read as the two-letter element when there is no residue to decide. */
const TWO_LETTER_BY_DEFAULT = new Set(['NA', 'CL', 'CS', 'FE', 'CU', 'BR', 'SI']);
/** …of which these can be bonded inside a molecule (so they stay two-letter in one). */
const COVALENT_TWO_LETTER = new Set(['CL', 'BR', 'SI', 'FE', 'CU']);
/** First letters that, alone, stand for their element in force-field names (OW, HW, CT, NZ …). */
const ORGANIC_FIRST = new Set(['H', 'C', 'N', 'O', 'S', 'P', 'F']);

/**
 * Elements past lawrencium (Rf … Og) exist for moments in accelerators, never in a simulation: a
 * name spelling one (GROMACS's dummy mass MCB1, cysteine's SG, DS1) is read as anything else.
 */
const HEAVIEST_Z = 103;

function isSymbol(upper: string): boolean {
  const z = atomicNumber(upper);
  return z > 0 && z <= HEAVIEST_Z && upper !== 'X';
}

function canonical(upper: string): string {
  return symbolOf(atomicNumber(upper));
}

/** The letters of a name that carry its element: digits, charges and decorations removed. */
function nameLetters(name: string): string {
  let core = name.trim();
  // "Li_sv", "O_w", "C.ar": a short head before a separator is the element; a long one
  // ("opls_135", "type_3") is a type name and falls through to being unknown.
  const sep = /[_.:/]/.exec(core);
  if (sep && sep.index > 0 && sep.index <= 2) core = core.slice(0, sep.index);
  return core.replace(/[^A-Za-z]/g, '');
}

/** What a residue says about the names in it. */
interface ResidueContext {
  /** The residue's name says it holds ions of this name: NA, SOD, ION …, or the name itself. */
  ionByName: boolean;
  /** An ion residue: named as one, or of one atom. */
  ionResidue: boolean;
  /** A protein or nucleic-acid residue (and not an ion residue). */
  bioResidue: boolean;
  /** A residue of several atoms that is neither. */
  molecule: boolean;
}

function residueContext(u: string, context: AtomNameContext): ResidueContext {
  const res = (context.resname ?? '').trim().toUpperCase();
  const resLetters = res.replace(/[^A-Z]/g, '');
  const size = context.residueSize ?? null;
  const ionByName = res !== '' && (ION_RESIDUES.has(res) || resLetters === u);
  const ionResidue = size === 1 || ionByName;
  const bioResidue = !ionResidue && isBioResidue(res);
  const molecule = !ionResidue && size !== null && size > 1;
  return { ionByName, ionResidue, bioResidue, molecule };
}

/** Two-letter symbols that form no monatomic cation. */
const NO_CATION = new Set(['HE', 'NE', 'AR', 'KR', 'XE', 'RN', 'SI', 'GE', 'AS', 'SE', 'TE', 'AT', 'CL', 'BR']);

/** Free ions in simulations stop at uranium: `NO+` is no nobelium, `PU+` no plutonium. */
const HEAVIEST_ION_Z = 92;

/**
 * The ion a name with a charge sign stands for, when its letters are a two-letter symbol: a
 * cation (`NA+`, `CA2+`) of a metal up to uranium, an anion (`CL-`, `BR-`) of a halogen;
 * otherwise null.
 */
function chargedIon(name: string, u: string): string | null {
  if (u.length !== 2 || !isSymbol(u)) return null;
  const sign = /[+-]$/.exec(name.trim())?.[0];
  if (sign === '+' && !NO_CATION.has(u) && atomicNumber(u) <= HEAVIEST_ION_Z) return canonical(u);
  if (sign === '-' && (u === 'CL' || u === 'BR')) return canonical(u);
  return null;
}

export function elementFromAtomName(name: string, context: AtomNameContext = {}): string | null {
  const letters = nameLetters(name);
  if (letters.length === 0 || /^(opls|type|atom)/i.test(letters)) return null;
  if (/^[A-Z][a-z]$/.test(letters) && isSymbol(letters)) return letters;
  const u = letters.toUpperCase();
  const ion = CHARMM_IONS.get(u);
  if (ion) return ion;
  if (NO_ELEMENT.test(u) || /^VS/.test(u)) return null;
  const charged = chargedIon(name, u);
  if (charged) return charged;

  const { ionResidue, bioResidue, molecule } = residueContext(u, context);

  if (bioResidue && u[0] === 'M') return null; // GROMACS's dummy masses (MN1, MCB1, MNZ1 …)
  if (isSymbol(u)) {
    if (u.length === 1) return u;
    if (!isSymbol(u[0])) return canonical(u);
    if (ionResidue) return canonical(u);
    if (bioResidue) return u === 'SE' ? 'Se' : u[0];
    if (molecule) return COVALENT_TWO_LETTER.has(u) ? canonical(u) : u[0];
    return TWO_LETTER_BY_DEFAULT.has(u) ? canonical(u) : u[0];
  }
  const head = u.slice(0, 2);
  if ((head === 'CL' || head === 'BR') && !bioResidue) return canonical(head);
  if (u.length >= 2 && isSymbol(head) && !isSymbol(u[0])) return canonical(head);
  if (ORGANIC_FIRST.has(u[0])) return u[0];
  return null;
}

/**
 * An element taken from a name that another reading of the name would change: the user should
 * be told, since masses and selections by element follow the reading taken.
 */
export interface AmbiguousGuess {
  /** The element taken. */
  element: string;
  /** The other reading: an element, or null for none (a dummy mass). */
  other: string | null;
  /** Why the name was read as `element`, in words ("NA in a residue of several atoms …"). */
  why: string;
}

/**
 * Whether `elementFromAtomName(name, context)` is a reading the user should be warned of, and
 * which: the residue decided otherwise than the name alone (`elementFromAtomName(name)`, as
 * MDAnalysis reads it) in a residue whose name does not settle it, that is neither an ion residue
 * named for the atom nor a protein, nucleic-acid or haem residue —
 * - a name alone in its residue (CA, CD, HG, NI … alone in residue DUM, LIG: the metal, where the
 *   name alone reads as carbon, hydrogen, nitrogen);
 * - NA or CS, as they are (no index: NA1 is an atom of a molecule, such as CL&P's imidazolium
 *   ring nitrogens), in a residue of several atoms: nitrogen and carbon, where Na⁺ or Cs⁺ ions
 *   put in one residue with their counter-ions (SALT) would be sodium and caesium;
 * - a name starting with MN taken as manganese outside an ion residue: GROMACS names its dummy
 *   masses MN1, MN2 (a protein's dummy masses are no element already).
 * Null when the reading is not in doubt: names in chemical case (`Na`), with a charge (`NA+`),
 * CHARMM's ion names, a residue named for the ion, every name outside these cases (CA in a
 * molecule is a carbon, CL a chlorine, as they are with no residue).
 */
export function ambiguousGuess(name: string, context: AtomNameContext = {}): AmbiguousGuess | null {
  const element = elementFromAtomName(name, context);
  if (element === null) return null;
  const letters = nameLetters(name);
  const u = letters.toUpperCase();
  if (/^[A-Z][a-z]$/.test(letters) || chargedIon(name, u) !== null || CHARMM_IONS.has(u)) return null;
  const rc = residueContext(u, context);
  const res = (context.resname ?? '').trim().toUpperCase();
  if (rc.ionByName || rc.bioResidue || PORPHYRIN_RESIDUES.has(res)) return null;
  if (element === 'Mn' && u.startsWith('MN')) {
    return { element, other: null, why: `GROMACS names its dummy masses MN1, MN2 …, and residue ${context.resname || '(none)'} is not named for Mn ions` };
  }
  const alone = elementFromAtomName(name);
  if (alone === element) return null;
  if (rc.ionResidue) {
    return { element, other: alone, why: `an atom alone in its residue is read as an ion (the name by itself reads as ${alone ?? 'no element'})` };
  }
  if (rc.molecule && name.trim() === u && (u === 'NA' || u === 'CS')) {
    return { element, other: alone, why: `${name} in a residue of several atoms not named for ions (NA, SOD, ION …) is read as a molecule's atom` };
  }
  return null;
}

/** Standard atomic weight (g/mol) of an element symbol; NaN for null or an unknown symbol. */
export function massOfElement(symbol: string | null): number {
  return symbol === null ? NaN : atomicMass(symbol);
}

/** The mass (g/mol) of the element `elementFromAtomName` gives a name; NaN when it gives none. */
export function massFromAtomName(name: string, context: AtomNameContext = {}): number {
  return massOfElement(elementFromAtomName(name, context));
}

/**
 * Elements of many atoms from their names (and residue names and sizes when known), with the
 * names that stayed unknown and how many atoms carry each.
 */
export function elementsFromAtomNames(
  names: readonly string[],
  resnames: readonly string[] | null = null,
  residueSizes: ArrayLike<number> | null = null,
): { elements: (string | null)[]; unknown: Map<string, number> } {
  const cache = new Map<string, string | null>();
  const elements = new Array<string | null>(names.length);
  const unknown = new Map<string, number>();
  for (let i = 0; i < names.length; i++) {
    const resname = resnames ? resnames[i] : null;
    const size = residueSizes ? residueSizes[i] : null;
    // Residue size matters only as one versus several.
    const key = `${names[i]}\u0000${resname ?? ''}\u0000${size === null ? '' : size === 1 ? '1' : 'n'}`;
    let el = cache.get(key);
    if (el === undefined) {
      el = elementFromAtomName(names[i], { resname, residueSize: size });
      cache.set(key, el);
    }
    elements[i] = el;
    if (el === null) unknown.set(names[i], (unknown.get(names[i]) ?? 0) + 1);
  }
  return { elements, unknown };
}

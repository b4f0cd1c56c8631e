import { elementFromAtomName } from '../model/atom-names.js';
import { boxFromVectors, type Box } from '../model/box.js';
import { MAX_Z, atomicMass, atomicNumber, symbolOf } from '../model/elements.js';
import {
  type ElementSource,
  type TopologyData,
  moleculesFromBonds,
  normalizeBonds,
  quote,
  splitLines,
  topologyError,
} from './topology-data.js';

/**
 * Atom styles whose Atoms lines mdpost reads (LAMMPS read_data documentation), as the columns
 * before the optional image flags. `amoeba` has the columns of `full`.
 */
const STYLES: Record<string, readonly Column[]> = {
  full: ['id', 'mol', 'type', 'q', 'x', 'y', 'z'],
  amoeba: ['id', 'mol', 'type', 'q', 'x', 'y', 'z'],
  molecular: ['id', 'mol', 'type', 'x', 'y', 'z'],
  bond: ['id', 'mol', 'type', 'x', 'y', 'z'],
  angle: ['id', 'mol', 'type', 'x', 'y', 'z'],
  charge: ['id', 'type', 'q', 'x', 'y', 'z'],
  atomic: ['id', 'type', 'x', 'y', 'z'],
  dipole: ['id', 'type', 'q', 'x', 'y', 'z', 'skip', 'skip', 'skip'],
  sphere: ['id', 'type', 'skip', 'skip', 'x', 'y', 'z'],
};
type Column = 'id' | 'mol' | 'type' | 'q' | 'x' | 'y' | 'z' | 'skip';

interface Header {
  atoms?: number;
  bonds?: number;
  atomTypes?: number;
  [key: string]: number | undefined;
}

/** Section keywords of a data file; the ones mdpost does not need are skipped whole. */
const SECTION_NAMES = new Set([
  'Atoms', 'Velocities', 'Masses', 'Ellipsoids', 'Lines', 'Triangles', 'Bodies',
  'Bonds', 'Angles', 'Dihedrals', 'Impropers',
  'Pair Coeffs', 'PairIJ Coeffs', 'Bond Coeffs', 'Angle Coeffs', 'Dihedral Coeffs', 'Improper Coeffs',
  'BondBond Coeffs', 'BondAngle Coeffs', 'MiddleBondTorsion Coeffs', 'EndBondTorsion Coeffs',
  'AngleTorsion Coeffs', 'AngleAngleTorsion Coeffs', 'BondBond13 Coeffs', 'AngleAngle Coeffs',
  'Atom Type Labels', 'Bond Type Labels', 'Angle Type Labels', 'Dihedral Type Labels', 'Improper Type Labels',
]);

function isSectionName(content: string): boolean {
  return SECTION_NAMES.has(content) || /^[A-Za-z][A-Za-z0-9/]* Coeffs$/.test(content);
}

interface Section {
  name: string;
  /** Text after "#" on the keyword line ("full" in "Atoms # full"). */
  style: string;
  line: number;
  /** 0-based indices of its non-blank lines (kept only for the sections mdpost reads). */
  rows: number[];
  count: number;
}

/** Sections whose lines start with an id, so a line starting with a letter must be a section name. */
const NUMBERED_SECTIONS = new Set(['Atoms', 'Velocities', 'Bonds', 'Angles', 'Dihedrals', 'Impropers', 'Ellipsoids', 'Lines', 'Triangles', 'Bodies']);

/** Sections whose lines are read; the others are only counted. */
const READ_SECTIONS = new Set(['Atoms', 'Masses', 'Bonds', 'Atom Type Labels']);

function splitComment(line: string): [string, string] {
  const k = line.indexOf('#');
  return k < 0 ? [line.trim(), ''] : [line.slice(0, k).trim(), line.slice(k + 1).trim()];
}

const INT = /^[+-]?\d+$/;

/** A whole number written as one ("12", "-3"), else NaN; the hot path of Atoms and Bonds lines. */
function integerToken(s: string): number {
  const n = s.length;
  let k = s.charCodeAt(0) === 43 || s.charCodeAt(0) === 45 ? 1 : 0;
  if (k === n) return NaN;
  for (; k < n; k++) {
    const c = s.charCodeAt(k);
    if (c < 48 || c > 57) return NaN;
  }
  return Number(s);
}

/**
 * The element a mass (g/mol) stands for: the element whose standard atomic weight is nearest,
 * when it is within 0.1 g/mol and every other candidate is at least twice as far. United-atom
 * groups CH, CH₂, CH₃, CH₄ are candidates too, and a mass nearest one of them has no element
 * (CH₂'s 14.027 is 0.02 from nitrogen's 14.007). So 15.9994, 16.00 and 15.999 are O; 14.01 is
 * N; 22.98977 is Na; 40.0 (Ar 39.948 or Ca 40.078) and 14.02 are nothing. Null when none fits.
 */
export function elementFromMass(massGmol: number): string | null {
  if (!(massGmol > 0) || !Number.isFinite(massGmol)) return null;
  let best = Infinity, second = Infinity, bestSymbol: string | null = null;
  const consider = (m: number, symbol: string | null) => {
    const d = Math.abs(massGmol - m);
    if (d < best) {
      second = best;
      best = d;
      bestSymbol = symbol;
    } else if (d < second) second = d;
  };
  for (let z = 1; z <= MAX_Z; z++) consider(atomicMass(symbolOf(z)), symbolOf(z));
  for (let h = 1; h <= 4; h++) consider(atomicMass('C') + h * atomicMass('H'), null);
  if (best > MASS_TOLERANCE || second < 2 * best) return null;
  return bestSymbol;
}
const MASS_TOLERANCE = 0.1;

/**
 * Whether an element named by a label fits a type's mass: between the element's weight less
 * three hydrogens moved by hydrogen mass repartitioning (3 × 2.016) and its weight plus four
 * united-atom hydrogens, with the mass tolerance on both sides. A label "P4" on a 72 g/mol
 * coarse-grained bead is no phosphorus.
 */
function labelFitsMass(element: string, massGmol: number): boolean {
  const m = atomicMass(element);
  return massGmol >= m - 3 * 2.016 - MASS_TOLERANCE && massGmol <= m + 4 * atomicMass('H') + MASS_TOLERANCE;
}

/**
 * A LAMMPS data file (read_data format) as a topology: header counts and box (xlo xhi, ylo yhi,
 * zlo zhi, the xy xz yz tilts; or avec bvec cvec and abc origin), Masses (the first word of a
 * comment after a mass is taken as its type's label), Atom Type Labels, Atoms and Bonds. Velocities, Angles,
 * Dihedrals, Impropers, every "… Coeffs" and the other sections are skipped.
 *
 * Atom styles: full, molecular (and bond, angle), charge, atomic, plus dipole, sphere and amoeba,
 * each with or without three image flags. The style is the comment after "Atoms" (as write_data
 * writes it); without one it is told from the column count — 5 or 8 atomic, 7 or 10 full, 6 or 9
 * charge or molecular, told apart by the third column (a type is an integer from 1 to the number
 * of atom types, a charge usually is not; a molecule id in the second column may exceed the
 * number of types; a file with bonds is molecular), and an error where they cannot be told.
 *
 * Atoms are sorted by id. Elements per type: a label that is an element symbol as written ("O",
 * "Na") and fits the mass; else the element of the mass (`elementFromMass`); else the element
 * `elementFromAtomName` guesses from the label, if it fits the mass. Molecules are the mol column
 * (0 = none); when it is absent or all zero, the connected components of the bonds.
 */
export function parseLammpsData(text: string, file: string): TopologyData {
  const lines = splitLines(text);
  const header: Header = {};
  const notes: string[] = [];
  const lo = [-0.5, -0.5, -0.5], hi = [0.5, 0.5, 0.5];
  let tilt = [0, 0, 0];
  let general: { a?: number[]; b?: number[]; c?: number[]; origin?: number[] } | null = null;
  let sawBox = false;

  // Header: from line 2 to the first section keyword.
  let li = 1;
  for (; li < lines.length; li++) {
    const [content] = splitComment(lines[li]);
    if (content === '') continue;
    if (isSectionName(content)) break;
    const lineNo = li + 1;
    const t = content.split(/\s+/);
    const num = (k: number) => {
      const v = Number(t[k]);
      if (!Number.isFinite(v)) throw topologyError(file, lineNo, `expected a number in the header line ${quote(lines[li])}`);
      return v;
    };
    const count = (k: number) => {
      if (!/^\d+$/.test(t[k])) throw topologyError(file, lineNo, `expected a count (a whole number) in the header line ${quote(lines[li])}`);
      return Number(t[k]);
    };
    const rest = t.slice(1).join(' ');
    const m3 = t.slice(3).join(' ');
    const m2 = t.slice(2).join(' ');
    if (t.length === 2 && /^(atoms|bonds|angles|dihedrals|impropers|ellipsoids|lines|triangles|bodies)$/.test(t[1])) {
      header[t[1]] = count(0);
    } else if (t.length === 3 && t[2] === 'types' && /^(atom|bond|angle|dihedral|improper)$/.test(t[1])) {
      header[`${t[1]} types`] = count(0);
    } else if (/^extra (bond|angle|dihedral|improper|special) per atom$/.test(rest)) {
      count(0);
    } else if (t.length === 4 && /^(xlo xhi|ylo yhi|zlo zhi)$/.test(m2)) {
      const d = 'xyz'.indexOf(t[2][0]);
      lo[d] = num(0);
      hi[d] = num(1);
      if (!(hi[d] > lo[d])) throw topologyError(file, lineNo, `expected ${t[2]} < ${t[3]}, found ${quote(lines[li])}`);
      sawBox = true;
    } else if (t.length === 6 && m3 === 'xy xz yz') {
      tilt = [num(0), num(1), num(2)];
    } else if (t.length === 4 && /^(avec|bvec|cvec)$/.test(t[3])) {
      general ??= {};
      general[t[3][0] as 'a' | 'b' | 'c'] = [num(0), num(1), num(2)];
    } else if (t.length === 5 && m3 === 'abc origin') {
      general ??= {};
      general.origin = [num(0), num(1), num(2)];
    } else {
      throw topologyError(file, lineNo, `expected a header line ("N atoms", "N atom types", "xlo xhi" …) or a section name, found ${quote(lines[li])}`);
    }
  }
  const natomsHeader = header.atoms;
  if (natomsHeader === undefined) throw topologyError(file, null, 'expected an "N atoms" line in the header of the data file');
  const ntypes = header['atom types'] ?? 0;
  const nbondsHeader = header.bonds ?? 0;

  // Sections: each keyword line and its lines up to the next keyword.
  const sections = new Map<string, Section>();
  let current: Section | null = null;
  for (; li < lines.length; li++) {
    const l = lines[li];
    // Data lines start with a number (or a type label); only a line starting with a letter can
    // name a section, so most lines need no trimming here.
    let k = 0;
    while (k < l.length && (l.charCodeAt(k) === 32 || l.charCodeAt(k) === 9)) k++;
    if (k === l.length || l.charCodeAt(k) === 35) continue;
    const c0 = l.charCodeAt(k);
    if (current && ((c0 >= 48 && c0 <= 57) || c0 === 45 || c0 === 43)) {
      current.count++;
      if (READ_SECTIONS.has(current.name)) current.rows.push(li);
      continue;
    }
    const [content, comment] = splitComment(l);
    if (isSectionName(content)) {
      if (sections.has(content)) throw topologyError(file, li + 1, `the section "${content}" appears a second time`);
      current = { name: content, style: comment, line: li + 1, rows: [], count: 0 };
      sections.set(content, current);
      continue;
    }
    if (!current) throw topologyError(file, li + 1, `expected a section name, found ${quote(lines[li])}`);
    if (NUMBERED_SECTIONS.has(current.name)) {
      throw topologyError(file, li + 1, `expected a line of ${current.name} (starting with a number) or a section name, found ${quote(lines[li])}`);
    }
    current.count++;
    if (READ_SECTIONS.has(current.name)) current.rows.push(li);
  }

  const row = (li: number) => {
    const [text, comment] = splitComment(lines[li]);
    return { line: li + 1, text, comment };
  };

  // Atom type labels, then masses (whose type may be written as a label).
  const typeLabels = new Map<number, string>();
  const labelToType = new Map<string, number>();
  const labelSection = sections.get('Atom Type Labels');
  if (labelSection) {
    expectRows(labelSection, ntypes, 'atom types', file);
    for (const r of labelSection.rows.map(row)) {
      const t = r.text.split(/\s+/);
      if (t.length !== 2 || !INT.test(t[0]) || INT.test(t[1])) {
        throw topologyError(file, r.line, `expected "type label" (such as "1 OW") in Atom Type Labels, found ${quote(r.text)}`);
      }
      const type = typeNumber(t[0], r.line);
      typeLabels.set(type, t[1]);
      labelToType.set(t[1], type);
    }
  }
  function typeNumber(token: string, line: number): number {
    const type = integerToken(token);
    if (type === type) {
      if (type < 1 || type > ntypes) throw topologyError(file, line, `expected an atom type from 1 to ${ntypes}, found ${token}`);
      return type;
    }
    const labelled = labelToType.get(token);
    if (labelled === undefined) throw topologyError(file, line, `expected an atom type (a number or a label in Atom Type Labels), found ${quote(token)}`);
    return labelled;
  }

  const typeMass = new Map<number, number>();
  const massComments = new Map<number, string>();
  const massSection = sections.get('Masses');
  if (massSection) {
    expectRows(massSection, ntypes, 'atom types', file);
    for (const r of massSection.rows.map(row)) {
      const t = r.text.split(/\s+/);
      const m = Number(t[1]);
      if (t.length !== 2 || !Number.isFinite(m) || m <= 0) {
        throw topologyError(file, r.line, `expected "type mass" with a positive mass in Masses, found ${quote(r.text)}`);
      }
      const type = typeNumber(t[0], r.line);
      typeMass.set(type, m);
      if (r.comment !== '') massComments.set(type, r.comment);
    }
  }
  // "1 22.99 # Na  (Na+, Aqvist 1990)": the first word names the type, the rest is commentary.
  if (!labelSection) for (const [type, c] of massComments) typeLabels.set(type, c.split(/\s+/)[0]);

  // Atoms.
  const atomSection = sections.get('Atoms');
  if (!atomSection && natomsHeader > 0) throw topologyError(file, null, `the header says ${natomsHeader} atoms but there is no Atoms section`);
  const atomRows = atomSection?.rows ?? [];
  const tokensOf = (k: number) => splitComment(lines[atomRows[k]])[0].split(/\s+/);
  const natoms = atomRows.length;
  const { columns, name: styleName } = atomStyle(atomSection, natoms, tokensOf, ntypes, nbondsHeader, file, notes);
  if (atomSection) expectRows(atomSection, natomsHeader, 'atoms', file);
  const width = columns.length;
  const hasImages = natoms > 0 && tokensOf(0).length === width + 3;
  const colOf = (c: Column) => columns.indexOf(c);
  const iId = colOf('id'), iMol = colOf('mol'), iType = colOf('type'), iQ = colOf('q');
  const iX = colOf('x');

  const fileIds = new Int32Array(natoms);
  const fileTypes = new Int32Array(natoms);
  const fileMol = iMol >= 0 ? new Int32Array(natoms) : null;
  const fileQ = iQ >= 0 ? new Float64Array(natoms) : null;
  const fileXyz = new Float64Array(3 * natoms);
  const fileImg = hasImages ? new Int32Array(3 * natoms) : null;
  for (let k = 0; k < natoms; k++) {
    const t = tokensOf(k);
    const line = atomRows[k] + 1;
    const rowText = lines[atomRows[k]].trim();
    if (t.length !== width && t.length !== width + 3) {
      throw topologyError(file, line, `expected ${width} columns (${columns.join(' ')}), or ${width + 3} with image flags, for atom style ${styleName}; found ${t.length}: ${quote(rowText)}`);
    }
    if ((t.length === width + 3) !== hasImages) {
      throw topologyError(file, line, `expected ${hasImages ? width + 3 : width} columns like the first atom line, found ${t.length}: ${quote(rowText)}`);
    }
    const integer = (c: number, what: string) => {
      const v = integerToken(t[c]);
      if (v !== v) throw topologyError(file, line, `expected ${what} in column ${c + 1} (atom style ${styleName}), found ${quote(t[c])}`);
      return v;
    };
    const real = (c: number, what: string) => {
      const v = Number(t[c]);
      if (!Number.isFinite(v)) throw topologyError(file, line, `expected ${what} in column ${c + 1} (atom style ${styleName}), found ${quote(t[c])}`);
      return v;
    };
    fileIds[k] = integer(iId, 'an atom id');
    if (fileIds[k] < 1) throw topologyError(file, line, `expected a positive atom id, found ${t[iId]}`);
    fileTypes[k] = typeNumber(t[iType], line);
    if (fileMol) fileMol[k] = integer(iMol, 'a molecule id');
    if (fileQ) fileQ[k] = real(iQ, 'a charge');
    for (let d = 0; d < 3; d++) fileXyz[3 * k + d] = real(iX + d, 'xyz'[d]);
    if (fileImg) for (let d = 0; d < 3; d++) fileImg[3 * k + d] = integer(width + d, 'an image flag');
  }

  // Sort by atom id.
  const order = Array.from({ length: natoms }, (_, k) => k);
  let sorted = true;
  for (let k = 1; k < natoms && sorted; k++) sorted = fileIds[k] > fileIds[k - 1];
  if (!sorted) order.sort((a, b) => fileIds[a] - fileIds[b]);
  const ids = Int32Array.from(order, (k) => fileIds[k]);
  const indexOfId = new Map<number, number>();
  for (let i = 0; i < natoms; i++) {
    if (i > 0 && ids[i] === ids[i - 1]) {
      throw topologyError(file, atomRows[order[i]] + 1, `atom id ${ids[i]} appears twice in Atoms (also on line ${atomRows[order[i - 1]] + 1})`);
    }
    indexOfId.set(ids[i], i);
  }
  const types = Int32Array.from(order, (k) => fileTypes[k]);
  const positions = new Float64Array(3 * natoms);
  const images = fileImg ? new Int32Array(3 * natoms) : null;
  order.forEach((k, i) => {
    for (let d = 0; d < 3; d++) {
      positions[3 * i + d] = fileXyz[3 * k + d];
      if (images && fileImg) images[3 * i + d] = fileImg[3 * k + d];
    }
  });
  const charges = fileQ ? Float64Array.from(order, (k) => fileQ[k]) : null;
  const molColumn = fileMol ? Int32Array.from(order, (k) => fileMol[k]) : null;

  // Bonds.
  let bonds: Int32Array | null = null;
  const bondSection = sections.get('Bonds');
  if (bondSection) {
    expectRows(bondSection, nbondsHeader, 'bonds', file);
    const pairs: number[] = [];
    for (const r of bondSection.rows.map(row)) {
      const t = r.text.split(/\s+/);
      const a = integerToken(t[2] ?? ''), b = integerToken(t[3] ?? '');
      if (t.length !== 4 || !INT.test(t[0]) || a !== a || b !== b) {
        throw topologyError(file, r.line, `expected "bond-id bond-type atom1 atom2" in Bonds, found ${quote(r.text)}`);
      }
      const i = indexOfId.get(a), j = indexOfId.get(b);
      if (i === undefined || j === undefined) {
        throw topologyError(file, r.line, `bond ${t[0]} names atom id ${i === undefined ? t[2] : t[3]}, which is not in Atoms`);
      }
      if (i === j) throw topologyError(file, r.line, `bond ${t[0]} joins atom ${t[2]} to itself`);
      pairs.push(i, j);
    }
    bonds = normalizeBonds(pairs);
  } else if (nbondsHeader > 0) {
    throw topologyError(file, null, `the header says ${nbondsHeader} bonds but there is no Bonds section`);
  }

  // Molecules.
  let molIds: Int32Array | null = null;
  if (molColumn && molColumn.some((m) => m !== 0)) molIds = molColumn;
  else if (bonds && bonds.length > 0) {
    molIds = moleculesFromBonds(natoms, bonds);
    notes.push(`molecules from the bonds (${molColumn ? 'every mol id is 0' : `atom style ${styleName} has no mol column`})`);
  } else if (molColumn) {
    molIds = molColumn;
  }

  // Masses and elements, per type.
  let masses: Float64Array | null = null;
  if (massSection) {
    masses = Float64Array.from(types, (t) => typeMass.get(t) ?? NaN);
  } else {
    notes.push('no Masses section (masses set in the input script?): no masses');
  }
  const { elementOfType, source } = typeElements(ntypes, typeMass, typeLabels, labelSection !== undefined, types, notes);
  const elements = Array.from(types, (t) => elementOfType.get(t) ?? null);
  const known = elements.some((e) => e !== null);

  const box = general ? generalBox(general, file) : boxFromVectors([hi[0] - lo[0], 0, 0, tilt[0], hi[1] - lo[1], 0, tilt[1], tilt[2], hi[2] - lo[2]], lo);
  if (!sawBox && !general) notes.push('no box in the header: LAMMPS\'s default -0.5 … 0.5 in x, y and z');

  return {
    format: 'lammps-data',
    natoms,
    names: null,
    resnames: null,
    resids: null,
    elements: known ? elements : null,
    elementSource: known ? source : null,
    types,
    typeLabels: typeLabels.size > 0 ? typeLabels : null,
    masses,
    charges,
    formalCharges: null,
    molIds,
    bonds,
    ids,
    box,
    positions,
    images,
    notes,
  };
}

function expectRows(section: Section, expected: number, what: string, file: string): void {
  if (section.count !== expected) {
    throw topologyError(
      file,
      section.line,
      `the header says ${expected} ${what}, but the ${section.name} section has ${section.count} lines`,
    );
  }
}

function atomStyle(
  section: Section | undefined,
  natoms: number,
  tokensOf: (k: number) => string[],
  ntypes: number,
  nbonds: number,
  file: string,
  notes: string[],
): { columns: readonly Column[]; name: string } {
  const declared = section?.style.split(/\s+/)[0] ?? '';
  if (declared !== '') {
    const columns = STYLES[declared];
    if (!columns) {
      throw topologyError(file, section!.line, `atom style "${section!.style}" is not one mdpost reads (${Object.keys(STYLES).join(', ')})`);
    }
    return { columns, name: declared };
  }
  if (natoms === 0) return { columns: STYLES.atomic, name: 'atomic' };
  const n = tokensOf(0).length;
  const line = section!.line;
  let name: string;
  if (n === 5 || n === 8) name = 'atomic';
  else if (n === 7 || n === 10) name = 'full';
  else if (n === 6 || n === 9) {
    // charge: id type q x y z; molecular: id mol type x y z.
    const isTypeToken = (s: string) => INT.test(s) && Number(s) >= 1 && Number(s) <= ntypes;
    let thirdAllTypes = true, secondAllTypes = true;
    for (let k = 0; k < natoms && (thirdAllTypes || secondAllTypes); k++) {
      const t = tokensOf(k);
      thirdAllTypes &&= isTypeToken(t[2]);
      secondAllTypes &&= isTypeToken(t[1]);
    }
    if (!thirdAllTypes && secondAllTypes) name = 'charge';
    else if (thirdAllTypes && !secondAllTypes) name = 'molecular';
    else if (thirdAllTypes && nbonds > 0) name = 'molecular';
    else {
      throw topologyError(
        file,
        line,
        `cannot tell atom style charge (id type q x y z) from molecular (id mol type x y z): write "Atoms # charge" or "Atoms # molecular"`,
      );
    }
  } else {
    throw topologyError(file, line, `Atoms lines have ${n} columns, which is no atom style mdpost knows without a style comment ("Atoms # full")`);
  }
  notes.push(`atom style ${name}, told from the ${n} columns of the Atoms lines (no "Atoms # style" comment)`);
  return { columns: STYLES[name], name };
}

const SOURCE_RANK: Record<ElementSource, number> = { 'guessed from names': 0, 'from masses': 1, file: 2 };

function typeElements(
  ntypes: number,
  typeMass: Map<number, number>,
  typeLabels: Map<number, string>,
  labelsAreTypeLabels: boolean,
  types: Int32Array,
  notes: string[],
): { elementOfType: Map<number, string>; source: ElementSource } {
  const used = new Set(types);
  const elementOfType = new Map<number, string>();
  const sourceOfType = new Map<number, ElementSource>();
  const masses = [...typeMass.values()];
  const reducedUnits = masses.length > 0 && masses.every((m) => m === 1);
  if (reducedUnits) notes.push('every mass is 1: reduced (LJ) units, so no element is taken from the masses');
  const labelWord = labelsAreTypeLabels ? 'type label' : 'Masses comment';
  const fromMass: number[] = [];
  const unresolved: string[] = [];
  for (let type = 1; type <= ntypes; type++) {
    const mass = typeMass.get(type);
    const label = typeLabels.get(type);
    const fits = (el: string) => mass === undefined || reducedUnits || labelFitsMass(el, mass);
    const word = label ?? '';
    const exact = /^[A-Z][a-z]?$/.test(word) && atomicNumber(word) > 0 && word !== 'X' ? word : null;
    const named = label !== undefined ? elementFromAtomName(word) : null;
    const byMass = mass !== undefined && !reducedUnits ? elementFromMass(mass) : null;
    let el: string | null = null;
    let src: ElementSource | null = null;
    if (exact && fits(exact)) {
      el = exact;
      src = 'file';
    } else if (byMass) {
      el = byMass;
      src = 'from masses';
      fromMass.push(type);
      if (named && named !== byMass) {
        notes.push(`type ${type}: the ${labelWord} "${label}" reads as ${named}, but its mass ${mass} is ${byMass}'s: taken as ${byMass}`);
      }
    } else if (named && fits(named)) {
      el = named;
      src = 'guessed from names';
    } else if (used.has(type)) {
      unresolved.push(`${type}${label !== undefined ? ` ("${label}")` : ''}${mass !== undefined ? ` (mass ${mass})` : ''}`);
    }
    if (el && src) {
      elementOfType.set(type, el);
      sourceOfType.set(type, src);
    }
  }
  if (fromMass.length > 0) {
    notes.push(`elements of types ${fromMass.join(', ')} from their masses (the element whose atomic weight is within 0.1 g/mol, unambiguously)`);
  }
  if (unresolved.length > 0) notes.push(`no element for atom types ${unresolved.join(', ')}`);
  let source: ElementSource = 'file';
  for (const type of used) {
    const s = sourceOfType.get(type);
    if (s && SOURCE_RANK[s] < SOURCE_RANK[source]) source = s;
  }
  return { elementOfType, source };
}

function generalBox(g: { a?: number[]; b?: number[]; c?: number[]; origin?: number[] }, file: string): Box {
  if (!g.a || !g.b || !g.c) throw topologyError(file, null, 'expected all three of "avec", "bvec" and "cvec" in the header of a general triclinic box');
  return boxFromVectors([...g.a, ...g.b, ...g.c], g.origin ?? [0, 0, 0]);
}

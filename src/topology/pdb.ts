import { elementsFromAtomNames, massOfElement } from '../model/atom-names.js';
import { boxFromLengthsAngles, type Box } from '../model/box.js';
import { atomicNumber, symbolOf } from '../model/elements.js';
import {
  type ElementSource,
  type TopologyData,
  describeCounts,
  normalizeBonds,
  quote,
  residueSizes,
  splitLines,
  topologyError,
} from './topology-data.js';

/**
 * A number in a PDB serial (width 5) or residue-number (width 4) field: decimal, or hybrid-36 as
 * the PDB's own convention for more than 99999 atoms (wwPDB/cctbx "hybrid36": after 99999 comes
 * A0000 … ZZZZZ, then a0000 … zzzzz, each block counting in base 36). MDAnalysis reads the same.
 * Null when the field is blank or neither (GROMACS's wrapped serials are plain decimals; "*****"
 * and VMD's hexadecimal serials are not numbers that can be told apart, so they are null).
 */
export function decodeHybrid36(field: string, width: number): number | null {
  const s = field.trim();
  if (/^[+-]?\d+$/.test(s)) return Number(s);
  if (s.length !== width) return null;
  if (/^[A-Z][0-9A-Z]*$/.test(s)) return parseInt(s, 36) - 10 * 36 ** (width - 1) + 10 ** width;
  if (/^[a-z][0-9a-z]*$/.test(s)) return parseInt(s, 36) + 16 * 36 ** (width - 1) + 10 ** width;
  return null;
}

function formalCharge(field: string): number | null {
  const s = field.trim();
  if (s === '') return 0;
  let m = /^(\d)([+-])$/.exec(s);
  if (m) return (m[2] === '-' ? -1 : 1) * Number(m[1]);
  m = /^([+-]?)(\d)$/.exec(s);
  if (m) return (m[1] === '-' ? -1 : 1) * Number(m[2]);
  return null;
}

/**
 * A PDB file's first model as a topology (wwPDB format 3.3): ATOM/HETATM records in fixed columns
 * (serial 7–11, name 13–16, altLoc 17, residue name 18–21 — four characters, as CHARMM and
 * GROMACS write them — chain 22, residue number 23–26, x y z 31–54, element 77–78, formal charge
 * 79–80), the first CRYST1 (a b c α β γ → cell vectors with a along x and b in the xy plane) and
 * CONECT records. Atoms are read until the first ENDMDL or END; CONECT records anywhere in the
 * file are read (MDAnalysis writes each atom's partners on one line, beyond the standard four).
 *
 * Serials may be hybrid-36 (past 99999). When serials repeat — GROMACS and MDAnalysis wrap or
 * truncate them past 99999 — CONECT records cannot be resolved and are left out, with a note.
 * Elements come from columns 77–78 where they hold a symbol, otherwise from the atom name
 * (`elementFromAtomName`, with the residue name and size); masses from the elements.
 * CONECT records often list only some bonds (GROMACS writes the bonds of its topology, not the
 * water's constraints), so molecules are not derived from them.
 */
export function parsePdb(text: string, file: string): TopologyData {
  const lines = splitLines(text);
  const names: string[] = [];
  const resnames: string[] = [];
  const resids: number[] = [];
  const serials: (number | null)[] = [];
  const coords: number[] = [];
  const columnElements: (string | null)[] = [];
  const charges: number[] = [];
  const conect: { line: number; atom: number; partners: number[] }[] = [];
  const badColumnElements = new Map<string, number>();
  let box: Box | null | undefined;
  let atomsDone = false;
  let models = 0;
  let altLocs = 0;
  let anyCharge = false;
  let residPrev = 0;
  const notes: string[] = [];

  for (let li = 0; li < lines.length; li++) {
    const line = lines[li];
    const lineNo = li + 1;
    const rec = line.slice(0, 6);
    if (rec.startsWith('ATOM') || rec === 'HETATM') {
      if (atomsDone) continue;
      if (line.length < 54) {
        throw topologyError(file, lineNo, `expected an ${rec.trim()} record with x y z in columns 31–54, found ${quote(line)}`);
      }
      const xyz = [line.slice(30, 38), line.slice(38, 46), line.slice(46, 54)];
      for (let d = 0; d < 3; d++) {
        const v = Number(xyz[d]);
        if (xyz[d].trim() === '' || !Number.isFinite(v)) {
          throw topologyError(file, lineNo, `expected ${'xyz'[d]} (Å) in columns ${31 + 8 * d}–${38 + 8 * d}, found ${quote(xyz[d])}`);
        }
        coords.push(v);
      }
      const residField = line.slice(22, 26);
      let resid = decodeHybrid36(residField, 4);
      if (resid === null) {
        throw topologyError(file, lineNo, `expected a residue number in columns 23–26, found ${quote(residField)}`);
      }
      // Writers that keep 4 digits wrap 9999 → 0; undo it as MDAnalysis does.
      while (resid - residPrev < -5000) resid += 10000;
      residPrev = resid;
      resids.push(resid);
      serials.push(decodeHybrid36(line.slice(6, 11), 5));
      names.push(line.slice(12, 16).trim());
      if (line.slice(16, 17).trim() !== '') altLocs++;
      resnames.push(line.slice(17, 21).trim());
      const el = line.slice(76, 78).trim();
      if (el === '') columnElements.push(null);
      else if (atomicNumber(el) > 0 && el.toUpperCase() !== 'X') columnElements.push(symbolOf(atomicNumber(el)));
      else {
        columnElements.push(null);
        badColumnElements.set(el, (badColumnElements.get(el) ?? 0) + 1);
      }
      const q = formalCharge(line.slice(78, 80));
      if (q === null) {
        throw topologyError(file, lineNo, `expected a formal charge such as "1+" or "2-" in columns 79–80, found ${quote(line.slice(78, 80))}`);
      }
      if (line.slice(78, 80).trim() !== '') anyCharge = true;
      charges.push(q);
    } else if (rec === 'MODEL ') {
      models++;
      if (names.length > 0) atomsDone = true;
    } else if (rec === 'ENDMDL') {
      atomsDone = true;
    } else if (rec.trimEnd() === 'END') {
      break;
    } else if (rec === 'CRYST1' && box === undefined) {
      box = cryst1(line, lineNo, file, notes);
    } else if (rec === 'CONECT') {
      const s = line.trimEnd();
      const atom = decodeHybrid36(s.slice(6, 11), 5);
      if (atom === null) throw topologyError(file, lineNo, `expected an atom serial in columns 7–11 of CONECT, found ${quote(line)}`);
      const partners: number[] = [];
      for (let k = 11; k < s.length; k += 5) {
        const field = s.slice(k, k + 5);
        if (field.trim() === '') continue;
        const p = decodeHybrid36(field, 5);
        if (p === null) {
          throw topologyError(file, lineNo, `expected bonded atom serials in 5-column fields from column 12 of CONECT, found ${quote(field)}`);
        }
        partners.push(p);
      }
      conect.push({ line: lineNo, atom, partners });
    }
  }

  const natoms = names.length;
  if (natoms === 0) throw topologyError(file, null, 'expected ATOM or HETATM records: the file has none');
  if (models > 1) notes.push(`topology from the first of ${models} models`);
  if (altLocs > 0) notes.push(`${altLocs} atoms have an alternate location (altLoc); all are kept, in file order`);

  // Bonds from CONECT, through serial → index.
  let bonds: Int32Array | null = null;
  if (conect.length > 0) {
    const index = new Map<number, number>();
    let unique = true;
    for (let i = 0; i < natoms; i++) {
      const s = serials[i];
      if (s === null || index.has(s)) {
        unique = false;
        break;
      }
      index.set(s, i);
    }
    if (!unique) {
      notes.push('CONECT records left out: the atom serial numbers repeat or are not numbers (serials wrapped past 99999), so they name no atom for certain');
    } else {
      const pairs: number[] = [];
      let skipped = 0;
      for (const c of conect) {
        const i = index.get(c.atom);
        for (const p of c.partners) {
          const j = index.get(p);
          if (i === undefined || j === undefined || i === j) skipped++;
          else pairs.push(i, j);
        }
      }
      if (skipped > 0) notes.push(`${skipped} CONECT entries name serials that are no atom of the first model (TER records, other models); left out`);
      bonds = normalizeBonds(pairs);
    }
  }

  const residArray = Int32Array.from(resids);
  const sizes = residueSizes(residArray, resnames);
  const guessed = elementsFromAtomNames(names, resnames, sizes);
  const elements = columnElements.map((e, i) => e ?? guessed.elements[i]);
  const fromColumn = columnElements.filter((e) => e !== null).length;
  const known = elements.some((e) => e !== null);
  let elementSource: ElementSource | null = null;
  if (known) elementSource = fromColumn === natoms ? 'file' : 'guessed from names';
  if (badColumnElements.size > 0) {
    notes.push(`element columns 77–78 hold no element symbol for ${describeCounts(badColumnElements)}; guessed from the atom names instead`);
  }
  if (fromColumn > 0 && fromColumn < natoms) {
    notes.push(`${natoms - fromColumn} of ${natoms} atoms have no element in columns 77–78; guessed from their names`);
  } else if (fromColumn === 0) {
    notes.push('no element column (77–78): elements guessed from atom and residue names');
  }
  const unknown = new Map<string, number>();
  elements.forEach((e, i) => {
    if (e === null) unknown.set(names[i], (unknown.get(names[i]) ?? 0) + 1);
  });
  if (unknown.size > 0) notes.push(`no element for the names ${describeCounts(unknown)}: their mass is unknown (NaN)`);

  const idsKnown = serials.every((s) => s !== null);
  return {
    format: 'pdb',
    natoms,
    names,
    resnames,
    resids: residArray,
    elements: known ? elements : null,
    elementSource,
    types: null,
    typeLabels: null,
    masses: Float64Array.from(elements, (e) => massOfElement(e)),
    charges: null,
    formalCharges: anyCharge ? Int32Array.from(charges) : null,
    molIds: null,
    bonds,
    ids: idsKnown ? Int32Array.from(serials as number[]) : null,
    box: box ?? null,
    positions: Float64Array.from(coords),
    images: null,
    notes,
  };
}

function cryst1(line: string, lineNo: number, file: string, notes: string[]): Box | null {
  const cols: [number, number][] = [[6, 15], [15, 24], [24, 33], [33, 40], [40, 47], [47, 54]];
  const v = cols.map(([a, b]) => {
    const field = line.slice(a, b);
    const x = Number(field);
    if (field.trim() === '' || !Number.isFinite(x)) {
      throw topologyError(file, lineNo, `expected CRYST1 a b c (Å) in columns 7–33 and α β γ (degrees) in 34–54, found ${quote(line)}`);
    }
    return x;
  });
  const [a, b, c, alpha, beta, gamma] = v;
  if (a <= 0 || b <= 0 || c <= 0) {
    notes.push('CRYST1 has no cell (zero lengths): no periodic box');
    return null;
  }
  if (a === 1 && b === 1 && c === 1 && alpha === 90 && beta === 90 && gamma === 90) {
    notes.push('CRYST1 is the 1 Å placeholder the PDB format uses for no cell: no periodic box');
    return null;
  }
  return boxFromLengthsAngles(a, b, c, alpha, beta, gamma);
}

import { elementsFromAtomNames, massOfElement } from '../model/atom-names.js';
import { boxFromVectors } from '../model/box.js';
import {
  type TopologyData,
  describeCounts,
  quote,
  residueSizes,
  splitLines,
  topologyError,
} from './topology-data.js';

const NM = 10; // Å per nm

/**
 * The first frame of a GROMACS .gro file as a topology (format: GROMACS manual, "gro"): a title,
 * the atom count, one fixed-column line per atom — residue number (5), residue name (5), atom
 * name (5), atom number (5), then x y z in nm, each as wide as the distance between the decimal
 * points of the first atom line (8 for GROMACS's default %8.3f; velocities, if any, follow and
 * are ignored) — and the box: three numbers (v1x v2y v3z) or nine (… v1y v1z v2x v2z v3x v3y), nm.
 * Elements are guessed from the atom names, residue names and residue sizes
 * (`elementFromAtomName`), and masses from the elements.
 */
export function parseGro(text: string, file: string): TopologyData {
  const lines = splitLines(text);
  if (lines.length < 2) throw topologyError(file, lines.length + 1, 'expected the number of atoms on line 2 of a .gro file');
  const countText = lines[1].trim();
  if (!/^\d+$/.test(countText)) throw topologyError(file, 2, `expected the number of atoms, found ${quote(lines[1])}`);
  const natoms = Number(countText);
  if (lines.length < natoms + 3) {
    const have = Math.max(0, lines.length - 2);
    throw topologyError(
      file,
      lines.length,
      `the file ends here: line 2 says ${natoms} atoms, ${have < natoms ? `and only ${have} atom lines follow it` : 'and the box line after them is missing'}`,
    );
  }

  // Field width from the first atom line: GROMACS writes %{p+5}.{p}f, so the first decimal
  // point is at column 24 and the next one a field width later.
  let width = 8;
  if (natoms > 0) {
    const first = lines[2];
    const p1 = first.indexOf('.', 20);
    const p2 = p1 < 0 ? -1 : first.indexOf('.', p1 + 1);
    if (p1 !== 24 || p2 < 0 || p2 - p1 < 6) {
      throw topologyError(file, 3, `expected an atom line with x y z from column 21 (such as "%8.3f%8.3f%8.3f"), found ${quote(first)}`);
    }
    width = p2 - p1;
  }

  const names = new Array<string>(natoms);
  const resnames = new Array<string>(natoms);
  const resids = new Int32Array(natoms);
  const ids = new Int32Array(natoms);
  const positions = new Float64Array(3 * natoms);
  for (let i = 0; i < natoms; i++) {
    const lineNo = i + 3;
    const line = lines[i + 2];
    if (line.length < 20 + 3 * width) {
      throw topologyError(file, lineNo, `expected atom ${i + 1} of ${natoms} with x y z in columns 21–${20 + 3 * width}, found ${quote(line)}`);
    }
    const resid = line.slice(0, 5).trim();
    const number = line.slice(15, 20).trim();
    if (!/^-?\d+$/.test(resid)) throw topologyError(file, lineNo, `expected a residue number in columns 1–5, found ${quote(line)}`);
    if (!/^-?\d+$/.test(number)) throw topologyError(file, lineNo, `expected an atom number in columns 16–20, found ${quote(line)}`);
    resids[i] = Number(resid);
    ids[i] = Number(number);
    resnames[i] = line.slice(5, 10).trim();
    names[i] = line.slice(10, 15).trim();
    for (let d = 0; d < 3; d++) {
      const field = line.slice(20 + d * width, 20 + (d + 1) * width);
      const v = Number(field);
      if (field.trim() === '' || !Number.isFinite(v)) {
        throw topologyError(file, lineNo, `expected ${'xyz'[d]} (nm) in columns ${21 + d * width}–${20 + (d + 1) * width}, found ${quote(field)}`);
      }
      positions[3 * i + d] = v * NM;
    }
  }

  const notes: string[] = [];
  const boxLineNo = natoms + 3;
  const boxFields = lines[natoms + 2].trim().split(/\s+/);
  const v = boxFields.map(Number);
  if ((v.length !== 3 && v.length !== 9) || v.some((x) => !Number.isFinite(x))) {
    throw topologyError(file, boxLineNo, `expected the box line after ${natoms} atoms: 3 or 9 numbers (nm), found ${quote(lines[natoms + 2])}`);
  }
  // v1(x) v2(y) v3(z) v1(y) v1(z) v2(x) v2(z) v3(x) v3(y)
  const [v1x, v2y, v3z, v1y = 0, v1z = 0, v2x = 0, v2z = 0, v3x = 0, v3y = 0] = v;
  const matrix = [v1x, v1y, v1z, v2x, v2y, v2z, v3x, v3y, v3z].map((x) => x * NM);
  const box = v1x > 0 && v2y > 0 && v3z > 0 ? boxFromVectors(matrix) : null;
  if (!box) notes.push('the box line has no cell (zero lengths): no periodic box');

  const sizes = residueSizes(resids, resnames);
  const { elements, unknown } = elementsFromAtomNames(names, resnames, sizes);
  const masses = Float64Array.from(elements, (e) => massOfElement(e));
  const known = elements.some((e) => e !== null);
  if (unknown.size > 0) {
    notes.push(`no element for the names ${describeCounts(unknown)}: their mass is unknown (NaN)`);
  }
  notes.push('elements and masses guessed from atom and residue names');

  return {
    format: 'gro',
    natoms,
    names,
    resnames,
    resids,
    elements: known ? elements : null,
    elementSource: known ? 'guessed from names' : null,
    types: null,
    typeLabels: null,
    masses,
    charges: null,
    formalCharges: null,
    molIds: null,
    bonds: null,
    ids,
    box,
    positions,
    images: null,
    notes,
  };
}

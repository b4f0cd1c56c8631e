import { elementFromAtomName, massOfElement } from '../model/atom-names.js';
import { boxFromVectors } from '../model/box.js';
import { perAtom, setKindScan, type AtomKinds } from '../model/topology.js';
import {
  type TopologyData,
  describeCounts,
  quote,
  residueSizes,
  topologyError,
} from './topology-data.js';
import { latin1, readGroAtoms } from './gro-wasm.js';

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
  const lines = new LineIndex(text);
  if (!lines.has(2)) throw topologyError(file, lines.count + 1, 'expected the number of atoms on line 2 of a .gro file');
  const natoms = atomCount(lines.text(1));
  if (natoms < 0) throw topologyError(file, 2, `expected the number of atoms, found ${quote(lines.text(1))}`);
  if (!lines.has(natoms + 3)) {
    const have = Math.max(0, lines.count - 2);
    throw topologyError(
      file,
      lines.count,
      `the file ends here: line 2 says ${natoms} atoms, ${have < natoms ? `and only ${have} atom lines follow it` : 'and the box line after them is missing'}`,
    );
  }
  let width = 8;
  if (natoms > 0) {
    width = fieldWidth(lines.text(2));
    if (width < 0) {
      throw topologyError(file, 3, `expected an atom line with x y z from column 21 (such as "%8.3f%8.3f%8.3f"), found ${quote(lines.text(2))}`);
    }
  }
  const atoms = plainAtoms(text, lines, natoms, width, file);
  return groTopology(natoms, atoms, lines.text(natoms + 2), file, () => atomNumbers(lines, natoms, width, file));
}

/**
 * parseGro of a file's bytes, each byte one character (latin1, as the topology reader decodes
 * files). The atom lines of a file in GROMACS's own layout are read by a WebAssembly module
 * (src/topology/gro-wasm.ts), which a topology read once per run needs to be fast; parseGro
 * reads any file that module gives up on, and says what is wrong with it.
 */
export function parseGroBytes(bytes: Uint8Array, file: string): TopologyData {
  return parseGroFast(bytes, file) ?? parseGro(latin1(bytes, 0, bytes.length), file);
}

/**
 * parseGroBytes by the WebAssembly reader of atom lines, or null to leave the file to parseGro
 * (which every file with an error is left to).
 */
export function parseGroFast(bytes: Uint8Array, file: string): TopologyData | null {
  // The title, the atom count and the first atom line.
  let headEnd = 0;
  for (let k = 0; k < 3; k++) {
    const nl = bytes.indexOf(10, headEnd);
    if (nl < 0) return null;
    headEnd = nl + 1;
  }
  const head = new LineIndex(latin1(bytes, 0, headEnd));
  if (!head.has(3)) return null;
  const natoms = atomCount(head.text(1));
  const width = fieldWidth(head.text(2));
  const start = head.start[2];
  // An atom count the bytes cannot hold is parseGro's to report (and not to allocate for).
  if (natoms <= 0 || width < 0 || natoms > (bytes.length - start) / (21 + 3 * width)) return null;
  const a = readGroAtoms(bytes, start, natoms, width);
  if (!a) return null;
  // The box line, as LineIndex cuts it (a last line without a line feed counts unless empty).
  const b = a.boxStart;
  const nl = bytes.indexOf(10, b);
  const stop = nl < 0 ? bytes.length : nl;
  const end = stop > b && bytes[stop - 1] === 13 ? stop - 1 : stop;
  if (nl < 0 && end <= b) return null;

  // Per (kind, several) index: the names, and the element guessed as plainAtoms guesses it.
  const npairs = 2 * a.kindColumns.length;
  const pairName = new Array<string>(npairs);
  const pairResname = new Array<string>(npairs);
  const pairElement = new Array<string | null>(npairs);
  const pairMass = new Float64Array(npairs);
  const unknown = new Map<string, number>();
  for (let j = 0; j < a.order.length; j++) {
    const p = a.order[j];
    const columns = a.kindColumns[p >> 1];
    const resname = columns.slice(0, 5).trim();
    const name = columns.slice(5, 10).trim();
    const el = elementFromAtomName(name, { resname, residueSize: p & 1 ? 2 : 1 });
    pairName[p] = name;
    pairResname[p] = resname;
    pairElement[p] = el;
    pairMass[p] = massOfElement(el);
    if (el === null) unknown.set(name, (unknown.get(name) ?? 0) + a.counts[j]);
  }
  const kinds: AtomKinds = { ofAtom: a.pairs, order: a.order, names: pairName, resnames: pairResname, elements: pairElement, masses: pairMass, residueSizes: pairSizes(npairs) };
  setKindScan(a.pairs, (hit) => a.atomsOf(hit));
  // The per-atom names, elements, residue names and masses are made when first read: a run whose
  // selections are answered by kind, and which weighs no atom, needs none of them.
  let names: string[] | undefined;
  let masses: Float64Array | undefined;
  let elements: (string | null)[] | undefined;
  let resnames: string[] | undefined;
  const atoms: AtomColumns = {
    get names() {
      return (names ??= perAtom(kinds, pairName));
    },
    get elements() {
      return (elements ??= perAtom(kinds, pairElement));
    },
    get resnames() {
      if (resnames) return resnames;
      // Residue names come in long runs (a solvent's thousands of atoms): filled a run at a time.
      resnames = new Array<string>(natoms);
      const runs = a.resnameRuns;
      for (let r = 0; r < runs.length; r++) resnames.fill(pairResname[a.pairs[runs[r]]], runs[r], r + 1 < runs.length ? runs[r + 1] : natoms);
      return resnames;
    },
    resids: a.resids,
    get masses() {
      return (masses ??= a.masses(pairMass));
    },
    unknown,
    kinds,
  };
  return groTopology(natoms, atoms, latin1(bytes, b, end), file, () => {
    const lines = new LineIndex(latin1(bytes, 0, end));
    lines.has(natoms + 3);
    return atomNumbers(lines, natoms, width, file);
  });
}

/** The atom count of line 2, or -1 when it is not one. */
function atomCount(line: string): number {
  const countText = line.trim();
  return /^\d+$/.test(countText) ? Number(countText) : -1;
}

/**
 * The width of the x y z fields, from the first atom line (-1 when it has no decimal points
 * where GROMACS puts them): GROMACS writes %{p+5}.{p}f, so the first decimal point is at column
 * 24 and the next one a field width later.
 */
function fieldWidth(first: string): number {
  const p1 = first.indexOf('.', 20);
  const p2 = p1 < 0 ? -1 : first.indexOf('.', p1 + 1);
  return p1 !== 24 || p2 < 0 || p2 - p1 < 6 ? -1 : p2 - p1;
}

/**
 * What the atom lines say: names, residues, and the elements and masses guessed from them (names,
 * residue names and elements may be made when first read).
 */
interface AtomColumns {
  names: string[];
  resnames: string[];
  resids: Int32Array;
  elements: (string | null)[];
  masses: Float64Array;
  /** Atoms of each name that has no element, by name in order of the first such atom. */
  unknown: Map<string, number>;
  /**
   * Each atom's kind: its name columns (in order of first appearance) times two, plus one when its
   * residue has several atoms — the two things its element is guessed from.
   */
  kinds: AtomKinds;
}

/** The atom lines, each read and checked (every error in an atom line is found here). */
function plainAtoms(text: string, lines: LineIndex, natoms: number, width: number, file: string): AtomColumns {
  const names = new Array<string>(natoms);
  const resnames = new Array<string>(natoms);
  const resids = new Int32Array(natoms);
  const atomKinds = new Int32Array(natoms);
  // The residue and atom name columns, read once per distinct pair (a large system has few).
  const kindOfColumns = new Map<string, number>();
  const kinds: Kind[] = [];
  const plain = atomLinePattern(width);
  for (let i = 0; i < natoms; i++) {
    const s = lines.start[i + 2];
    const e = lines.end[i + 2];
    if (e - s < 20 + 3 * width) {
      throw topologyError(file, i + 3, `expected atom ${i + 1} of ${natoms} with x y z in columns 21–${20 + 3 * width}, found ${quote(text.slice(s, e))}`);
    }
    const columns = text.slice(s + 5, s + 15);
    let k = kindOfColumns.get(columns);
    if (k === undefined) {
      k = kinds.length;
      kinds.push({ resname: columns.slice(0, 5).trim(), name: columns.slice(5, 10).trim(), element: [undefined, undefined] });
      kindOfColumns.set(columns, k);
    }
    atomKinds[i] = k;
    names[i] = kinds[k].name;
    resnames[i] = kinds[k].resname;
    plain.lastIndex = s;
    resids[i] = plain.test(text) ? Number(text.slice(s, s + 5)) : atomLine(text.slice(s, e), i, width, file).resid;
  }

  // Elements as elementsFromAtomNames guesses them (from the name, the residue name and whether
  // the residue is one atom or several), once per kind of atom and residue size.
  const sizes = residueSizes(resids, resnames);
  const elements = new Array<string | null>(natoms);
  const masses = new Float64Array(natoms);
  const massOf = new Map<string | null, number>();
  const unknown = new Map<string, number>();
  const npairs = 2 * kinds.length;
  const ofAtom = new Int32Array(natoms);
  const order: number[] = [];
  const pairName = new Array<string>(npairs);
  const pairResname = new Array<string>(npairs);
  const pairElement = new Array<string | null>(npairs);
  const pairMass = new Float64Array(npairs);
  for (let i = 0; i < natoms; i++) {
    const kind = kinds[atomKinds[i]];
    const several = sizes[i] === 1 ? 0 : 1;
    const p = 2 * atomKinds[i] + several;
    let el = kind.element[several];
    if (el === undefined) {
      el = kind.element[several] = elementFromAtomName(kind.name, { resname: kind.resname, residueSize: sizes[i] });
      if (!massOf.has(el)) massOf.set(el, massOfElement(el));
      order.push(p);
      pairName[p] = kind.name;
      pairResname[p] = kind.resname;
      pairElement[p] = el;
      pairMass[p] = massOf.get(el)!;
    }
    ofAtom[i] = p;
    elements[i] = el;
    masses[i] = massOf.get(el)!;
    if (el === null) unknown.set(kind.name, (unknown.get(kind.name) ?? 0) + 1);
  }
  const pairs: AtomKinds = { ofAtom, order: Int32Array.from(order), names: pairName, resnames: pairResname, elements: pairElement, masses: pairMass, residueSizes: pairSizes(npairs) };
  return { names, resnames, resids, elements, masses, unknown, kinds: pairs };
}

/** The residue size each kind's element was guessed for: 1 for kind 2k (alone), 2 for 2k + 1 (several). */
function pairSizes(npairs: number): Int32Array {
  const sizes = new Int32Array(npairs);
  for (let p = 0; p < npairs; p++) sizes[p] = p & 1 ? 2 : 1;
  return sizes;
}

/**
 * The atom numbers and coordinates (Å) of the atom lines, which every path has checked before:
 * read only when asked for (mdpost needs them only to check a topology file's bonds, and a .gro
 * file has none).
 */
function atomNumbers(lines: LineIndex, natoms: number, width: number, file: string): { ids: Int32Array; positions: Float64Array } {
  const ids = new Int32Array(natoms);
  const positions = new Float64Array(3 * natoms);
  for (let i = 0; i < natoms; i++) {
    const r = atomLine(lines.text(i + 2), i, width, file);
    ids[i] = r.id;
    positions.set(r.xyzA, 3 * i);
  }
  return { ids, positions };
}

/** The topology of the atom lines read and the box line after them. */
function groTopology(
  natoms: number,
  atoms: AtomColumns,
  boxLine: string,
  file: string,
  readNumbers: () => { ids: Int32Array; positions: Float64Array },
): TopologyData {
  const { resids, unknown, kinds } = atoms;
  let numbers: { ids: Int32Array; positions: Float64Array } | null = null;

  const notes: string[] = [];
  const boxLineNo = natoms + 3;
  const boxFields = boxLine.trim().split(/\s+/);
  const v = boxFields.map(Number);
  if ((v.length !== 3 && v.length !== 9) || v.some((x) => !Number.isFinite(x))) {
    throw topologyError(file, boxLineNo, `expected the box line after ${natoms} atoms: 3 or 9 numbers (nm), found ${quote(boxLine)}`);
  }
  // v1(x) v2(y) v3(z) v1(y) v1(z) v2(x) v2(z) v3(x) v3(y)
  const [v1x, v2y, v3z, v1y = 0, v1z = 0, v2x = 0, v2z = 0, v3x = 0, v3y = 0] = v;
  const matrix = [v1x, v1y, v1z, v2x, v2y, v2z, v3x, v3y, v3z].map((x) => x * NM);
  const box = v1x > 0 && v2y > 0 && v3z > 0 ? boxFromVectors(matrix) : null;
  if (!box) notes.push('the box line has no cell (zero lengths): no periodic box');

  const known = kinds.order.some((p) => kinds.elements[p] !== null);
  if (unknown.size > 0) {
    notes.push(`no element for the names ${describeCounts(unknown)}: their mass is unknown (NaN)`);
  }
  notes.push('elements and masses guessed from atom and residue names');

  return {
    format: 'gro',
    natoms,
    get names(): string[] {
      return atoms.names;
    },
    get resnames(): string[] {
      return atoms.resnames;
    },
    resids,
    get elements(): (string | null)[] | null {
      return known ? atoms.elements : null;
    },
    elementSource: known ? 'guessed from names' : null,
    types: null,
    typeLabels: null,
    get masses(): Float64Array {
      return atoms.masses;
    },
    charges: null,
    formalCharges: null,
    molIds: null,
    bonds: null,
    get ids(): Int32Array {
      return (numbers ??= readNumbers()).ids;
    },
    box,
    get positions(): Float64Array {
      return (numbers ??= readNumbers()).positions;
    },
    images: null,
    notes,
    kinds,
  };
}

/** A residue name and atom name pair, and the element guessed for it in a residue of one atom [0] or several [1]. */
interface Kind {
  resname: string;
  name: string;
  element: [string | null | undefined, string | null | undefined];
}

/** One atom line's numbers, every field checked; throws for what is not an atom line. */
function atomLine(line: string, i: number, width: number, file: string): { resid: number; id: number; xyzA: number[] } {
  const lineNo = i + 3;
  const resid = line.slice(0, 5).trim();
  const number = line.slice(15, 20).trim();
  if (!/^-?\d+$/.test(resid)) throw topologyError(file, lineNo, `expected a residue number in columns 1–5, found ${quote(line)}`);
  if (!/^-?\d+$/.test(number)) throw topologyError(file, lineNo, `expected an atom number in columns 16–20, found ${quote(line)}`);
  const xyzA = [0, 0, 0];
  for (let d = 0; d < 3; d++) {
    const field = line.slice(20 + d * width, 20 + (d + 1) * width);
    const v = Number(field);
    if (field.trim() === '' || !Number.isFinite(v)) {
      throw topologyError(file, lineNo, `expected ${'xyz'[d]} (nm) in columns ${21 + d * width}–${20 + (d + 1) * width}, found ${quote(field)}`);
    }
    xyzA[d] = v * NM;
  }
  return { resid: Number(resid), id: Number(number), xyzA };
}

/**
 * An atom line as GROMACS writes it (%5d%-5s%5s%5d, then x y z as %{width}.{width − 5}f), matched
 * at lastIndex: every line it matches is one that atomLine reads without error. Lines of another
 * layout (tabs, exponents, a trailing space in a number) are left to atomLine.
 */
function atomLinePattern(width: number): RegExp {
  const int5 = '(?: {4}\\d| {3}[-\\d]\\d| {2}[-\\d]\\d{2}| [-\\d]\\d{3}|[-\\d]\\d{4})';
  const decimals = width - 5;
  const coordinate = `(?=[ \\-\\d]{4}\\.\\d{${decimals}}) *-?\\d+\\.\\d{${decimals}}`;
  return new RegExp(`${int5}[^\\n]{10}${int5}${coordinate}${coordinate}${coordinate}`, 'y');
}

/**
 * The lines of a text as splitLines cuts them (at \n, without a trailing \r; no last empty
 * line), found as far as they are asked for: a .gro file may hold many frames after the first.
 */
class LineIndex {
  readonly start: number[] = [];
  readonly end: number[] = [];
  private pos = 0;

  constructor(private readonly source: string) {}

  get count(): number {
    return this.start.length;
  }

  /** Whether the text has at least n lines. */
  has(n: number): boolean {
    const t = this.source;
    while (this.start.length < n && this.pos < t.length) {
      const nl = t.indexOf('\n', this.pos);
      const stop = nl < 0 ? t.length : nl;
      const end = stop > this.pos && t.charCodeAt(stop - 1) === 13 ? stop - 1 : stop;
      if (nl >= 0 || end > this.pos) {
        this.start.push(this.pos);
        this.end.push(end);
      }
      this.pos = nl < 0 ? t.length : nl + 1;
    }
    return this.start.length >= n;
  }

  text(k: number): string {
    return this.source.slice(this.start[k], this.end[k]);
  }
}

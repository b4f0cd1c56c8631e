import { basename } from 'node:path';
import { openByteSource } from '../io/source.js';
import { ambiguousGuess, massOfElement, type AmbiguousGuess } from '../model/atom-names.js';
import { atomicMass, atomicNumber, symbolOf } from '../model/elements.js';
import { InputError } from '../model/errors.js';
import type { Topology } from '../model/frame.js';
import { kindedTopology, perAtom, type AtomKinds } from '../model/topology.js';
import { findBonds } from '../select/molecules.js';
import { parseGroBytes } from '../topology/gro.js';
import { parseLammpsData } from '../topology/lammps-data.js';
import { parsePdb } from '../topology/pdb.js';
import { moleculesFromBonds, residueSizes, type TopologyData } from '../topology/topology-data.js';
import type { ReadSpec } from './spec.js';
import { trace } from '../trace.js';

/**
 * The identity of the atoms the analyses work with: what the trajectory holds (element labels,
 * LAMMPS types and molecule ids, masses), combined with a topology file when one is given
 * (`--topology`: a LAMMPS data file, GRO or PDB), checked against each other.
 *
 * The rule when both say something:
 * - the atom count must be the same (otherwise an error naming both files and counts); LAMMPS
 *   atom ids and types, where both files have them, must be the same atom by atom;
 * - the atoms must be in the same order: each kind of atom of the topology file (its residue
 *   and atom name, or element, or type) must be one element in the trajectory — an OW that is O
 *   in one place and H in another means the files list different atoms, which is an error;
 * - names, residues, types, masses, charges, molecule ids and bonds come from the topology file;
 *   elements too, and where the trajectory's labels name another element for a kind of atom,
 *   the topology file wins with a warning; an atom the topology gives no element (a virtual site
 *   such as TIP4P's MW, a LAMMPS type of no known mass) takes the trajectory's, if it has one;
 * - an atom that no file gives an element holds a label that is no element symbol: its name
 *   (MW, DUM), or "type3", with "?" appended when the name would read as a symbol (MN? for
 *   GROMACS's dummy mass MN) — so bonds are never found for it, it has no mass from an element,
 *   and `element MW` or `name MW` still selects it;
 * - an element guessed from a name that could be read otherwise (`ambiguousGuess`: NA in a
 *   residue SALT of several atoms taken as nitrogen, CA alone in a residue DUM as calcium) is
 *   warned of, once per name and residue, with the count of atoms, the other reading and what to
 *   do — the same from a topology file's kinds of atom as atom by atom;
 * - bonds are used for molecules only when they are complete: every atom that the distance rule
 *   bonds in the topology file's own coordinates must have one (PDB files often list CONECT
 *   records for some residues only).
 */
export interface ResolvedTopology {
  topology: Topology;
  /** The topology file that was read, or null. */
  file: string | null;
  kind: TopologyKind | null;
  /** Where the elements come from, in words, e.g. "the masses in system.data". */
  elementsFrom: string;
  /** Names (or labels, or "type 3") and the element each was taken for, where they differ. */
  guessed: [string, string][];
  /** Where Topology.molIds come from. */
  molIdsFrom: 'topology file' | 'trajectory' | null;
  /** What the user should be warned of: disagreements between the files, guesses in doubt, bonds left out. */
  notes: string[];
  /** The topology file parser's own notes (how it read the file). */
  fileNotes: string[];
}

export type TopologyKind = TopologyData['format'];

/** What resolving needs of a spec: the trajectory's name and the reading options. */
export interface TopologyRequest {
  file: string;
  read: Pick<ReadSpec, 'topology' | 'typeMap'>;
}

/** Topology files longer than this are refused (a JavaScript string holds at most ~512 M characters). */
const MAX_TOPOLOGY_BYTES = 480 << 20;

/**
 * The topology of a trajectory: its own (`fromTrajectory`, from the first frame), combined with
 * the file `--topology` names when there is one.
 */
export async function resolveTopology(req: TopologyRequest, fromTrajectory: Topology): Promise<ResolvedTopology> {
  if (req.read.topology === null) return trajectoryOnly(fromTrajectory, req.read.typeMap !== null, req.file);
  const data = await readTopologyFile(req.read.topology);
  trace('plan: topology file read');
  return combineTopology(fromTrajectory, data, { trajectory: req.file, topology: req.read.topology });
}

/** Read and parse a topology file (plain or gzip), its kind told by content, then by name. */
export async function readTopologyFile(path: string): Promise<TopologyData> {
  const bytes = await readBytes(path);
  const kind = topologyKind(path, bytes.toString('latin1', 0, 1 << 16));
  if (kind === null) {
    throw new InputError(`${path}: not a topology file mdpost reads (a LAMMPS data file with an "N atoms" header line, a GRO file, or a PDB file with ATOM/HETATM records)`);
  }
  switch (kind) {
    case 'lammps-data':
      return parseLammpsData(bytes.toString('latin1'), path);
    case 'gro':
      return parseGroBytes(bytes, path);
    case 'pdb':
      return parsePdb(bytes.toString('latin1'), path);
  }
}

/** A file's bytes (plain or gzip), which the parsers read as text of one character per byte (latin1). */
async function readBytes(path: string): Promise<Buffer> {
  const src = await openByteSource(path);
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    // A plain file in one block of its size (a byte more, to see its end): no copy to join blocks.
    const block = src.compressed ? 1 << 20 : Math.min(src.fileBytes, MAX_TOPOLOGY_BYTES) + 1;
    for (;;) {
      const buf = Buffer.allocUnsafe(block);
      const n = await src.read(buf, 0, buf.length);
      if (n === 0) break;
      total += n;
      if (total > MAX_TOPOLOGY_BYTES) throw new InputError(`${path}: more than ${MAX_TOPOLOGY_BYTES >> 20} MB of text; mdpost reads topology files up to that size`);
      chunks.push(buf.subarray(0, n));
    }
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
  } finally {
    await src.close();
  }
}

/**
 * The kind of a topology file from its first lines — a LAMMPS data header line "N atoms"; a GRO
 * atom count alone on line 2 and fixed columns on line 3; PDB record names — or, when the
 * content says nothing, from its name (.data, .lmp, data.*; .gro; .pdb, .ent; with or without .gz).
 */
export function topologyKind(path: string, text: string): TopologyKind | null {
  const head = text.slice(0, 1 << 16).split('\n', 64).map((l) => l.replace(/\r$/, ''));
  if (head.slice(1).some((l) => /^\s*\d+\s+atoms\s*(#.*)?$/.test(l))) return 'lammps-data';
  if (head.length >= 2 && /^\s*\d+\s*$/.test(head[1]) && (Number(head[1]) === 0 || (head[2] ?? '').indexOf('.', 20) === 24)) return 'gro';
  if (head.some((l) => /^(ATOM  |HETATM|CRYST1|MODEL )/.test(l))) return 'pdb';
  const name = basename(path).toLowerCase().replace(/\.gz$/, '');
  if (/\.gro$/.test(name)) return 'gro';
  if (/\.(pdb|ent)$/.test(name)) return 'pdb';
  if (/\.(data|lmp)$/.test(name) || name.startsWith('data.')) return 'lammps-data';
  return null;
}

/** A real element symbol in its canonical spelling ("Na", not "NA", "OW" or "type3"). */
export function isElementSymbol(s: string): boolean {
  const z = atomicNumber(s);
  return z > 0 && symbolOf(z) === s;
}

/** A label for an atom without an element that cannot be read as one. */
function siteLabel(name: string): string {
  return atomicNumber(name) > 0 || name === '' ? `${name}?` : name;
}

/** The trajectory alone: what its reader found, and where its elements came from. */
export function trajectoryOnly(top: Topology, typeMap: boolean, file: string): ResolvedTopology {
  // A reader that knows which elements it guessed (GRO, PDB) says so per atom (null: none);
  // for the others a name that is not its element was read as one.
  const flags = top.elementsGuessed;
  const guessed = top.elements && top.names && flags !== null ? guessedPairs(top.names, top.elements, flags) : [];
  const someFromFile = flags != null && flags.includes(0);
  let elementsFrom: string;
  if (!top.elements) {
    elementsFrom = top.types
      ? 'none: the file has LAMMPS atom types only (give --type-map, or --topology with a LAMMPS data file)'
      : 'none: the file has no atom names (give --topology)';
  } else if (typeMap && top.types) {
    elementsFrom = '--type-map';
  } else if (guessed.length > 0) {
    elementsFrom = `${someFromFile ? 'the file, and where it gives none, ' : ''}guessed from names: ${pairList(guessed)}`;
  } else {
    elementsFrom = 'the file';
  }
  const elements = top.elements;
  const inDoubt =
    flags && elements && top.names && top.resnames && top.resids
      ? ambiguousAtoms(top.names, top.resnames, top.resids, (i, el) => flags[i] === 1 && elements[i] === el)
      : [];
  const notes = inDoubt.map((a) => guessWarning(file, a));
  return { topology: top, file: null, kind: null, elementsFrom, guessed, molIdsFrom: top.molIds ? 'trajectory' : null, notes, fileNotes: [] };
}

/** Combine a trajectory's topology with a topology file's (see ResolvedTopology for the rule). */
export function combineTopology(traj: Topology, data: TopologyData, files: { trajectory: string; topology: string }): ResolvedTopology {
  const n = traj.natoms;
  const T = files.topology;
  const F = files.trajectory;
  if (data.natoms !== n) {
    throw new InputError(`${T} has ${data.natoms} atoms but ${F} has ${n} atoms per frame: a topology must list the trajectory's atoms, in the same order`);
  }
  const notes: string[] = [];
  sameAtomByAtom(traj.ids, data.format === 'lammps-data' ? data.ids : null, 'atom id', files);
  sameAtomByAtom(traj.types, data.types, 'atom type', files);

  // The topology file's kinds of atom, when each atom's name, residue name and element here are
  // its kind's: the file names elements (and, having kinds, names) and the trajectory none. Then
  // nothing below passes over the atoms: the per-atom names and elements are made if read.
  const fileKinds = data.kinds && !traj.elements && data.kinds.order.some((p) => data.kinds!.elements[p] !== null) ? data.kinds : null;
  const kinds = fileKinds && kindsWithSiteLabels(fileKinds);
  const namesOf = () => data.names ?? namesOfTypes(data) ?? traj.names;
  const names = kinds ? null : namesOf();
  // Elements: the topology file's, the trajectory's where the file has none, else a site label
  // (with kinds, made from them when read).
  const combined = kinds ? null : combinedElements(traj, data, names, files, notes);
  const elements = combined?.elements ?? null;
  const filledFromTrajectory = combined?.filledFromTrajectory ?? 0;
  let elementsOfKinds: string[] | undefined;
  const elementsOf = () => (kinds ? (elementsOfKinds ??= perAtom(kinds, kinds.elements as string[])) : elements);

  // Where each kind's mass is the file's, the file's masses as they are, made when read: no pass
  // over the atoms.
  const massesOfFile = kinds !== null && !traj.masses && sameMasses(fileKinds!, kinds);
  const masses = massesOfFile ? null : combinedMasses(data.masses, traj.masses, elementsOf(), n);
  const molIds = data.molIds ?? traj.molIds;
  const molIdsFrom = data.molIds ? 'topology file' : traj.molIds ? 'trajectory' : null;
  const bonds = data.bonds && data.bonds.length > 0 ? completeBonds(data, elementsOf(), T, notes) : null;
  if (bonds && molIds && !samePartition(molIds, moleculesFromBonds(n, bonds))) {
    notes.push(`the molecule ids of ${molIdsFrom === 'topology file' ? T : F} group the atoms differently from the bonds of ${T}: molecules follow the bonds ("mol N" selects by the ids)`);
  }

  const fields = {
    natoms: n,
    types: data.types ?? traj.types,
    ids: traj.ids ?? (data.format === 'lammps-data' ? data.ids : null),
    molIds,
    resids: data.resids,
    charges: data.charges ?? traj.charges,
    bonds,
  };
  const topology: Topology = kinds
    ? kindedTopology(fields, { names: namesOf, resnames: () => data.resnames, elements: () => elementsOf(), masses: () => (massesOfFile ? data.masses!.slice() : masses) }, kinds)
    : { natoms: n, elements, types: fields.types, ids: fields.ids, molIds, masses, names, resnames: data.resnames, resids: data.resids, charges: fields.charges, bonds };

  const guessed = data.elementSource === 'file' ? [] : kinds ? guessedPairsOfKinds(kinds) : elements ? guessedOf(data, elements) : [];
  const inDoubt =
    data.elementSource !== 'guessed from names'
      ? []
      : fileKinds
        ? ambiguousKinds(fileKinds)
        : elements && data.names && data.resnames && data.resids
          ? ambiguousAtoms(data.names, data.resnames, data.resids, (i, el) => elements[i] === el)
          : [];
  for (const a of inDoubt) notes.push(guessWarning(T, a));
  let elementsFrom: string;
  if (!kinds && !data.elements) {
    elementsFrom = traj.elements ? `the trajectory (${T} gives none)` : `none: neither ${T} nor the trajectory names elements`;
  } else {
    const how =
      data.elementSource === 'file'
        ? data.format === 'pdb'
          ? `the element column of ${T}`
          : `the type names of ${T}`
        : data.elementSource === 'from masses'
          ? `the masses in ${T}`
          : `${T}, guessed from names`;
    elementsFrom = how + (guessed.length > 0 ? `: ${pairList(guessed)}` : '');
    if (filledFromTrajectory > 0) elementsFrom += `; ${filledFromTrajectory} atoms without one there from the trajectory`;
  }
  return { topology, file: T, kind: data.format, elementsFrom, guessed, molIdsFrom, notes, fileNotes: data.notes };
}

/**
 * The elements of the atoms, combined atom by atom (see ResolvedTopology for the rule), with how
 * many the trajectory filled in; disagreements are noted. The atoms' order is checked first.
 */
function combinedElements(
  traj: Topology,
  data: TopologyData,
  names: string[] | null,
  files: { trajectory: string; topology: string },
  notes: string[],
): { elements: string[] | null; filledFromTrajectory: number } {
  const n = traj.natoms;
  const T = files.topology;
  const F = files.trajectory;
  // A kind of atom of the topology file: its name in its residue, or its LAMMPS type.
  const kindOf = (i: number): string | null => {
    if (data.names) return data.resnames ? `${data.names[i]} (${data.resnames[i]})` : data.names[i];
    if (data.types) {
      const label = data.typeLabels?.get(data.types[i]);
      return `type ${data.types[i]}${label !== undefined ? ` (${label})` : ''}`;
    }
    return data.elements?.[i] ?? null;
  };
  if (traj.elements) sameOrder(traj.elements, kindOf, n, files);

  let elements: string[] | null = null;
  let filledFromTrajectory = 0;
  const conflicts = new Map<string, { count: number; kind: string | null }>();
  if (data.elements && !traj.elements && !data.elements.includes(null)) {
    // Every atom's from the topology file (an XTC, DCD or TRR names none): one copy, not a pass
    // in the plan's cold code.
    elements = data.elements.slice() as string[];
  } else if (data.elements || traj.elements) {
    elements = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      const t = data.elements?.[i] ?? null;
      const f = traj.elements?.[i] ?? null;
      if (t !== null) {
        elements[i] = t;
        if (f !== null && isElementSymbol(f) && f !== t) {
          const key = `${t}\u0000${f}`;
          const c = conflicts.get(key);
          if (c) c.count++;
          else conflicts.set(key, { count: 1, kind: kindOf(i) });
        }
      } else if (f !== null) {
        elements[i] = f;
        if (isElementSymbol(f)) filledFromTrajectory++;
      } else {
        elements[i] = siteLabel(names?.[i] ?? (data.types ? `type${data.types[i]}` : ''));
      }
    }
  }
  if (conflicts.size > 0) {
    const list = [...conflicts].map(([key, c]) => {
      const [t, f] = key.split('\u0000');
      return `${c.count} atom${c.count === 1 ? '' : 's'}${c.kind ? ` like ${c.kind}` : ''} ${c.count === 1 ? 'is' : 'are'} ${t} in ${T} but ${f} in ${F}`;
    });
    notes.push(`the topology file and the trajectory disagree on elements: ${list.join('; ')}; the topology file's elements are used`);
  }
  return { elements, filledFromTrajectory };
}

/** Atom names from LAMMPS type labels, when every used type has one. */
function namesOfTypes(data: TopologyData): string[] | null {
  const labels = data.typeLabels;
  const types = data.types;
  if (!labels || !types) return null;
  const names = new Array<string>(types.length);
  for (let i = 0; i < types.length; i++) {
    const l = labels.get(types[i]);
    if (l === undefined) return null;
    names[i] = l;
  }
  return names;
}

/** Ids or types of both files must be equal atom by atom. */
function sameAtomByAtom(a: Int32Array | null, b: Int32Array | null, what: string, files: { trajectory: string; topology: string }): void {
  if (!a || !b) return;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      throw new InputError(
        `atom index ${i} has ${what} ${b[i]} in ${files.topology} but ${a[i]} in ${files.trajectory}: the two files do not list the same atoms in the same order`,
      );
    }
  }
}

/**
 * Each kind of atom of the topology file must be one element (or label) in the trajectory: when
 * the files list their atoms in different orders, some kind is two.
 */
function sameOrder(trajElements: readonly string[], kindOf: (i: number) => string | null, n: number, files: { trajectory: string; topology: string }): void {
  const seen = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const kind = kindOf(i);
    if (kind === null) return;
    const j = seen.get(kind);
    if (j === undefined) seen.set(kind, i);
    else if (trajElements[j] !== trajElements[i]) {
      throw new InputError(
        `${files.topology} and ${files.trajectory} do not list the same atoms in the same order: atoms ${j} and ${i} (0-based) are both ${kind} in ${files.topology}, ` +
          `but ${trajElements[j]} and ${trajElements[i]} in ${files.trajectory}`,
      );
    }
  }
}

/**
 * The kinds with the elements combineTopology gives their atoms when the trajectory names none
 * (a site label where the file has no element), and the masses it gives them.
 */
function kindsWithSiteLabels(kinds: AtomKinds): AtomKinds {
  const elements = kinds.elements.slice();
  const masses = kinds.masses.slice();
  for (const p of kinds.order) {
    if (elements[p] === null) elements[p] = siteLabel(kinds.names[p]);
    if (!(masses[p] > 0)) masses[p] = massOfElement(elements[p]);
  }
  return { ...kinds, elements, masses };
}

/** Whether every kind has the same mass in both (NaN the same as NaN). */
function sameMasses(a: AtomKinds, b: AtomKinds): boolean {
  for (const p of a.order) if (!Object.is(a.masses[p], b.masses[p])) return false;
  return true;
}

function combinedMasses(top: Float64Array | null, traj: Float64Array | null, elements: string[] | null, n: number): Float64Array | null {
  if (!top && !traj && !elements) return null;
  // The topology file's masses as they are, filled in where it has none.
  const m = top ? top.slice() : new Float64Array(n).fill(NaN);
  for (let i = 0; i < n; i++) {
    if (m[i] > 0) continue;
    let v = m[i];
    if (!(v > 0) && traj) v = traj[i];
    if (!(v > 0) && elements) v = massOfElement(elements[i]);
    m[i] = v;
  }
  return m;
}

/**
 * The topology file's bonds, when complete: every atom bonded by distance in the file's own
 * coordinates has a bond in it (without elements, as for a bead-spring model, they are taken as
 * they are). Otherwise null, with a note.
 */
function completeBonds(data: TopologyData, elements: readonly string[] | null, file: string, notes: string[]): Int32Array | null {
  const bonds = data.bonds!;
  if (!elements) return bonds;
  const listed = new Uint8Array(data.natoms);
  for (let b = 0; b < bonds.length; b++) listed[bonds[b]] = 1;
  const byDistance = findBonds(data.positions, elements, data.box);
  const missing = new Set<number>();
  for (let b = 0; b < byDistance.length; b++) if (!listed[byDistance[b]]) missing.add(byDistance[b]);
  if (missing.size === 0) return bonds;
  const what = data.format === 'pdb' ? 'CONECT records' : 'bonds';
  notes.push(
    `the ${what} of ${file} leave out ${missing.size} atoms that are bonded by distance (atom index ${Math.min(...missing)} the first): ` +
      'molecules are found from distances instead',
  );
  return null;
}

/** Two molecule labellings group the atoms the same way. */
function samePartition(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  const ab = new Map<number, number>();
  const ba = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    // LAMMPS molecule id 0 is no molecule: such atoms stand alone.
    if (a[i] === 0) continue;
    const x = ab.get(a[i]);
    const y = ba.get(b[i]);
    if (x === undefined) ab.set(a[i], b[i]);
    else if (x !== b[i]) return false;
    if (y === undefined) ba.set(b[i], a[i]);
    else if (y !== a[i]) return false;
  }
  return true;
}

/** Name → element pairs where an element was guessed from a name or a LAMMPS type. */
function guessedOf(data: TopologyData, elements: readonly string[]): [string, string][] {
  if (data.names) return guessedPairs(data.names, elements);
  if (data.types) {
    const firstOfType = new Map<number, number>();
    data.types.forEach((t, i) => firstOfType.has(t) || firstOfType.set(t, i));
    const order = [...firstOfType].sort((a, b) => a[0] - b[0]);
    return guessedPairs(order.map(([t]) => data.typeLabels?.get(t) ?? `type ${t}`), order.map(([, i]) => elements[i]));
  }
  return [];
}

/**
 * Distinct (name, element) pairs whose name is not already the element, in order of first
 * appearance; with `guessedOnly`, only of the atoms flagged 1 there.
 */
function guessedPairs(names: readonly string[], elements: readonly string[], guessedOnly?: Uint8Array): [string, string][] {
  // The elements seen with each name, and whether a label is an element symbol: a large system
  // has few distinct ones.
  const seen = new Map<string, Set<string>>();
  const symbol = new Map<string, boolean>();
  const pairs: [string, string][] = [];
  for (let i = 0; i < names.length; i++) {
    const name = names[i], el = elements[i];
    if ((guessedOnly && guessedOnly[i] !== 1) || name === el) continue;
    let withName = seen.get(name);
    if (withName?.has(el)) continue;
    let isSymbol = symbol.get(el);
    if (isSymbol === undefined) symbol.set(el, (isSymbol = isElementSymbol(el)));
    if (!isSymbol) continue;
    if (!withName) seen.set(name, (withName = new Set()));
    withName.add(el);
    pairs.push([name, el]);
  }
  return pairs;
}

/** guessedPairs of a topology's atoms, from their kinds (in order of first atom, as the atoms'). */
function guessedPairsOfKinds(kinds: AtomKinds): [string, string][] {
  const names: string[] = [];
  const elements: string[] = [];
  for (const p of kinds.order) {
    names.push(kinds.names[p]);
    elements.push(kinds.elements[p]!);
  }
  return guessedPairs(names, elements);
}

function pairList(pairs: [string, string][], max = 16): string {
  const shown = pairs.slice(0, max).map(([a, b]) => `${a}→${b}`);
  if (pairs.length > max) shown.push(`… ${pairs.length - max} more`);
  return shown.join(', ');
}

/** Atoms of one name in one residue whose element was guessed with a reading in doubt. */
export interface AmbiguousAtoms {
  name: string;
  /** The residue name ('' when the file has none). */
  resname: string;
  count: number;
  guess: AmbiguousGuess;
}

/**
 * The guesses in doubt of a topology file's kinds of atom (`ambiguousGuess` of each kind's name,
 * residue name and residue size), by name and residue in order of first atom. The atoms are
 * counted (one pass over their kinds) only when some kind is in doubt.
 */
export function ambiguousKinds(kinds: AtomKinds): AmbiguousAtoms[] {
  const sizes = kinds.residueSizes;
  if (!sizes) return [];
  const doubtful: [number, AmbiguousGuess][] = [];
  for (const p of kinds.order) {
    const guess = ambiguousGuess(kinds.names[p], { resname: kinds.resnames?.[p] ?? null, residueSize: sizes[p] });
    if (guess && guess.element === kinds.elements[p]) doubtful.push([p, guess]);
  }
  if (doubtful.length === 0) return [];
  const perKind = new Float64Array(kinds.names.length);
  const of = kinds.ofAtom;
  for (let i = 0; i < of.length; i++) perKind[of[i]]++;
  const byKey = new Map<string, AmbiguousAtoms>();
  for (const [p, guess] of doubtful) add(byKey, kinds.names[p], kinds.resnames?.[p] ?? '', guess, perKind[p]);
  return [...byKey.values()];
}

/**
 * The guesses in doubt among atoms with names and residues, atom by atom (as ambiguousKinds finds
 * them by kind): `used(i, element)` tells whether atom i's element is that guess (not one a file
 * gave). Names that cannot be in doubt in any residue are passed over without residue sizes.
 */
export function ambiguousAtoms(
  names: readonly string[],
  resnames: readonly string[],
  resids: Int32Array,
  used: (i: number, element: string) => boolean,
): AmbiguousAtoms[] {
  // A residue's name only ever takes a doubt away: a name in doubt in no residue of one atom or of
  // several, without a residue name, is in doubt nowhere.
  const candidate = new Map<string, boolean>();
  let sizes: Int32Array | null = null;
  const guesses = new Map<string, AmbiguousGuess | null>();
  const byKey = new Map<string, AmbiguousAtoms>();
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    let maybe = candidate.get(name);
    if (maybe === undefined) {
      maybe = ambiguousGuess(name, { residueSize: 1 }) !== null || ambiguousGuess(name, { residueSize: 2 }) !== null;
      candidate.set(name, maybe);
    }
    if (!maybe) continue;
    sizes ??= residueSizes(resids, resnames);
    const several = sizes[i] === 1 ? 1 : 2;
    const key = `${name}\u0000${resnames[i]}\u0000${several}`;
    let guess = guesses.get(key);
    if (guess === undefined) {
      guess = ambiguousGuess(name, { resname: resnames[i], residueSize: several });
      guesses.set(key, guess);
    }
    if (guess && used(i, guess.element)) add(byKey, name, resnames[i], guess, 1);
  }
  return [...byKey.values()];
}

function add(byKey: Map<string, AmbiguousAtoms>, name: string, resname: string, guess: AmbiguousGuess, count: number): void {
  const key = `${name}\u0000${resname}\u0000${guess.element}`;
  const a = byKey.get(key);
  if (a) a.count += count;
  else byKey.set(key, { name, resname, count, guess });
}

/** The warning of atoms whose element is a guess in doubt: the file, the atoms, both readings, what to do. */
export function guessWarning(file: string, a: AmbiguousAtoms): string {
  const { element, other, why } = a.guess;
  const one = a.count === 1;
  const mass = (el: string) => `${el} (${atomicMass(el).toFixed(3)} g/mol)`;
  const atoms = `${a.count} atom${one ? '' : 's'} ${a.name}${a.resname ? ` in residue ${a.resname}` : ''}`;
  const them = one ? 'it' : 'them';
  const fix =
    other === null
      ? `If ${one ? 'it is a dummy mass' : 'they are dummy masses'}, give ${them} a virtual-site name (DUM, VS1) in ${file}`
      : `If ${one ? 'it is' : 'they are'} ${other}, name ${them} ${other} in ${file}${other.length === 2 ? ' (a symbol in chemical case is that element)' : ''} or give --topology a PDB with elements in columns 77–78`;
  const maybe = other === null ? `${one ? 'a dummy mass' : 'dummy masses'} (no element)` : mass(other);
  return `${file}: ${atoms} taken as ${mass(element)} but may be ${maybe} — ${why}; masses and selections by element follow ${element}. ${fix}`;
}

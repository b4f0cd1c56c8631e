import { type CheckedWasm, checkedWasmModule, wasmLayout } from '../package-files.js';

/**
 * The WebAssembly reader of a .gro file's atom lines (wasm/gro-atoms.ts, compiled by `npm run
 * build` to dist/src/topology/gro-atoms.wasm), for parseGroBytes: the residue number and kind of
 * each atom of a file in GROMACS's own layout, or null, and parseGro reads the file (and says what
 * is wrong with it). MDPOST_ROWS=js turns it off, as it does the row parser of dumps.
 */

interface GroExports {
  heapBase(): number;
  kindsMet(): number;
  pairsMet(): number;
  runsMet(): number;
  parseAtoms(
    start: number, end: number, natoms: number, width: number,
    resids: number, pairs: number, kinds: number, maxKinds: number, slots: number, slotBits: number, counts: number, order: number, runs: number,
  ): number;
  spreadMasses(pairs: number, n: number, table: number, out: number): void;
  atomsOfPairs(pairs: number, n: number, hit: number, out: number): number;
}

/** What the atom lines say, as parseGro's plain path would read them. */
export interface GroAtoms {
  /** Residue number of each atom. */
  resids: Int32Array;
  /** Each atom's kind times two, plus one when its residue has several atoms. */
  pairs: Int32Array;
  /** Each kind's residue and atom name columns (columns 6–15 of its first line). */
  kindColumns: string[];
  /** The (kind, several) indices that occur, in order of their first atom, and how many atoms each has. */
  order: Int32Array;
  counts: Int32Array;
  /** The first atom of each run of atoms with one residue name. */
  resnameRuns: Int32Array;
  /** Where the line after the atom lines (the box line) starts in the text. */
  boxStart: number;
  /** Each atom's mass, from the masses of the (kind, several) indices (2 per kind). */
  masses(pairMass: Float64Array): Float64Array;
  /** The atoms, ascending, whose (kind, several) index is marked 1 in `hit` (0 elsewhere; 2 per kind). */
  atomsOf(hit: Uint8Array): Int32Array;
}

const WASM_FILE = 'dist/src/topology/gro-atoms.wasm';
const PARSE_ATOMS_ARGS = 13;
const PAGE = 65536;
/** Kinds (distinct name columns) beyond this are left to the plain path; a large biomolecular system has a few thousand. */
const MAX_KINDS = 1 << 16;
/** Bytes per kind in the module's kind table (KIND_BYTES of wasm/gro-atoms.ts). */
const KIND_BYTES = 32;
/** Zero bytes after the text: the module reads a line's first 64 bytes at once, and line feeds 16 at a time. */
const TAIL = 80;
/**
 * A parse's memory up to this size (a file of about half a million atoms) serves the masses and
 * selections of its atoms afterwards; a larger one is let go, and they get a smaller memory.
 */
const KEEP_PARSE_MEMORY_BYTES = 64 << 20;
/** Bytes copied beyond natoms times the first atom line. */
const SLACK = 64;

/** The compiled module, or null when it is not built, cannot compile here, or MDPOST_ROWS=js. */
function groModule(): CheckedWasm | null {
  const arity = { kindsMet: 0, pairsMet: 0, runsMet: 0, parseAtoms: PARSE_ATOMS_ARGS, spreadMasses: 4, atomsOfPairs: 4 };
  return checkedWasmModule(WASM_FILE, arity, 'MDPOST_ROWS');
}

/** Whether parseGro reads atom lines with the WebAssembly module in this thread. */
export function wasmGroAvailable(): boolean {
  return groModule() !== null;
}

/**
 * The natoms atom lines of a .gro file's bytes from `start` (the first atom line), each x y z
 * field `width` bytes, read by the WebAssembly module; null when it is not in use or gives up on
 * the lines (a line in another layout or with an error, more than MAX_KINDS kinds), which the
 * plain path then reads.
 */
export function readGroAtoms(bytes: Uint8Array, start: number, natoms: number, width: number, keepBytes = KEEP_PARSE_MEMORY_BYTES): GroAtoms | null {
  const gm = groModule();
  if (gm === null) return null;
  // The first frame only: a GROMACS file's atom lines are all as long as its first (lines of
  // other lengths run past the copy, and the rest of the file is copied).
  const firstEnd = bytes.indexOf(10, start);
  const lineBytes = firstEnd < 0 ? bytes.length - start : firstEnd + 1 - start;
  const rest = bytes.length - start;
  const copy = Math.min(rest, natoms * lineBytes + SLACK);
  let a = parseCopy(gm, bytes, start, copy, natoms, width, keepBytes);
  if (a === 'ran out' && copy < rest) a = parseCopy(gm, bytes, start, rest, natoms, width, keepBytes);
  return a === 'ran out' ? null : a;
}

/**
 * The atom lines in the `copy` bytes from `start`, read by a new instance of the module; null when
 * it gives up on them, 'ran out' when they run past the copy.
 */
function parseCopy(gm: CheckedWasm, bytes: Uint8Array, start: number, copy: number, natoms: number, width: number, keepBytes: number): GroAtoms | 'ran out' | null {
  const maxKinds = Math.max(1, Math.min(natoms, MAX_KINDS));
  const slotBits = Math.max(4, 32 - Math.clz32(2 * maxKinds - 1));
  const { take, end } = wasmLayout(gm.heapBase);
  const at = {
    text: take(copy + TAIL),
    resids: take(4 * natoms),
    pairs: take(4 * natoms),
    kinds: take(KIND_BYTES * maxKinds),
    slots: take(4 << slotBits),
    counts: take(8 * maxKinds),
    order: take(8 * maxKinds),
    runs: take(4 * natoms),
    massTable: take(16 * maxKinds),
    masses: take(8 * natoms),
    hit: take(2 * maxKinds),
    selected: take(4 * natoms),
  };
  const p = end();
  if (p > 2 ** 32 - PAGE) return null;
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: Math.ceil(p / PAGE) });
  } catch {
    return null;
  }
  const k = new WebAssembly.Instance(gm.mod, { env: { memory } }).exports as unknown as GroExports;
  const buf = memory.buffer;
  new Uint8Array(buf).set(bytes.subarray(start, start + copy), at.text);
  const r = k.parseAtoms(
    at.text, at.text + copy, natoms, width,
    at.resids, at.pairs, at.kinds, maxKinds, at.slots, slotBits, at.counts, at.order, at.runs,
  );
  if (r === -2) return 'ran out';
  if (r < 0) return null;

  const nkinds = k.kindsMet();
  const npairs = k.pairsMet();
  const table = new Uint32Array(buf, at.kinds, (KIND_BYTES / 4) * nkinds);
  const kindColumns = new Array<string>(nkinds);
  for (let j = 0; j < nkinds; j++) {
    const line = start + table[(KIND_BYTES / 4) * j + 6];
    kindColumns[j] = latin1(bytes, line + 5, line + 15);
  }
  const order = new Int32Array(buf, at.order, npairs).slice();
  const allCounts = new Int32Array(buf, at.counts, 2 * nkinds);
  const counts = new Int32Array(npairs);
  for (let j = 0; j < npairs; j++) counts[j] = allCounts[order[j]];
  const pairs = new Int32Array(buf, at.pairs, natoms).slice();
  return {
    resids: new Int32Array(buf, at.resids, natoms).slice(),
    pairs,
    kindColumns,
    order,
    counts,
    resnameRuns: new Int32Array(buf, at.runs, k.runsMet()).slice(),
    boxStart: start + (r - at.text),
    ...(p <= keepBytes ? parseScans(k, buf, at, natoms, 2 * nkinds) : pairScans(gm, pairs, 2 * nkinds)),
  };
}

/** Where in a module's memory the scans find their arrays (masses and selected may be one place). */
interface ScanPlaces {
  pairs: number;
  table: number;
  hit: number;
  masses: number;
  selected: number;
}

/**
 * masses and atomsOf of GroAtoms, by instance `k` on memory `buf`, which holds each atom's
 * (kind, several) index at `at.pairs`.
 */
function scansIn(k: GroExports, buf: ArrayBuffer, at: ScanPlaces, natoms: number, npairs: number): Pick<GroAtoms, 'masses' | 'atomsOf'> {
  return {
    masses(pairMass) {
      new Float64Array(buf, at.table, npairs).set(pairMass.subarray(0, npairs));
      k.spreadMasses(at.pairs, natoms, at.table, at.masses);
      return new Float64Array(buf, at.masses, natoms).slice();
    },
    atomsOf(hit) {
      const marks = new Uint8Array(buf, at.hit, npairs);
      marks.fill(0);
      marks.set(hit.subarray(0, npairs));
      const count = k.atomsOfPairs(at.pairs, natoms, at.hit, at.selected);
      return new Int32Array(buf, at.selected, count).slice();
    },
  };
}

/**
 * masses and atomsOf of GroAtoms, by the instance that parsed the file (whose memory, the file's
 * text with it, they keep).
 */
function parseScans(
  k: GroExports,
  buf: ArrayBuffer,
  at: { pairs: number; massTable: number; masses: number; hit: number; selected: number },
  natoms: number,
  npairs: number,
): Pick<GroAtoms, 'masses' | 'atomsOf'> {
  return scansIn(k, buf, { pairs: at.pairs, table: at.massTable, hit: at.hit, masses: at.masses, selected: at.selected }, natoms, npairs);
}

/**
 * masses and atomsOf of GroAtoms, by an instance of the module made on first use with a memory of
 * its own: a copy of the (kind, several) indices and room for the results, not the file's text,
 * which is let go once parsed (for a large file, whose text the topology would otherwise keep).
 */
function pairScans(gm: CheckedWasm, pairs: Int32Array, npairs: number): Pick<GroAtoms, 'masses' | 'atomsOf'> {
  const natoms = pairs.length;
  const { take, end } = wasmLayout(gm.heapBase);
  const at = { pairs: take(4 * natoms), table: take(8 * npairs), hit: take(npairs), out: take(8 * natoms) };
  const p = end();
  let made: Pick<GroAtoms, 'masses' | 'atomsOf'> | null | undefined;
  // Null when no memory can be had (then plain loops do it).
  const scans = () => {
    if (made !== undefined) return made;
    made = null;
    try {
      const memory = new WebAssembly.Memory({ initial: Math.ceil(p / PAGE) });
      const k = new WebAssembly.Instance(gm.mod, { env: { memory } }).exports as unknown as GroExports;
      new Int32Array(memory.buffer, at.pairs, natoms).set(pairs);
      made = scansIn(k, memory.buffer, { pairs: at.pairs, table: at.table, hit: at.hit, masses: at.out, selected: at.out }, natoms, npairs);
    } catch {
      // The plain loops below.
    }
    return made;
  };
  return {
    masses: (pairMass) => scans()?.masses(pairMass) ?? Float64Array.from(pairs, (q) => pairMass[q]),
    atomsOf: (hit) => scans()?.atomsOf(hit) ?? Int32Array.from(pairs.keys()).filter((i) => hit[pairs[i]] === 1),
  };
}

/** Bytes a … b − 1 as a string, one character per byte (as the topology reader decodes files). */
export function latin1(bytes: Uint8Array, a: number, b: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + a, b - a).toString('latin1');
}

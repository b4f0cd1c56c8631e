import { atomicMass, elementFromLabel } from './elements.js';
import type { Topology } from './frame.js';

/**
 * Element of each atom from the labels a file gives ("Na", "11", "Na+", "OW"): recognised
 * labels become symbols, others are kept as they are (so `element OW` still selects them), and
 * masses come from the element where there is one (NaN otherwise).
 */
export function elementsFromLabels(labels: readonly string[]): { elements: string[]; masses: Float64Array } {
  // A file has few distinct labels: each is looked up once (element and mass).
  const cache = new Map<string, { el: string; mass: number }>();
  const elements = new Array<string>(labels.length);
  const masses = new Float64Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    let known = cache.get(label);
    if (known === undefined) {
      const el = elementFromLabel(label) ?? label;
      known = { el, mass: atomicMass(el) };
      cache.set(label, known);
    }
    elements[i] = known.el;
    masses[i] = known.mass;
  }
  return { elements, masses };
}

export function emptyTopology(natoms: number): Topology {
  return { natoms, elements: null, types: null, ids: null, molIds: null, masses: null, names: null, resnames: null, resids: null, charges: null, bonds: null };
}

/**
 * The atoms of a topology grouped by kind: a large system has few kinds of atom (a solvent's
 * thousands of molecules repeat a handful), so what depends only on an atom's kind — its name,
 * residue name, element, mass, whether a selection takes it — is worked out once per kind, and
 * the start-up's cold code makes fewer passes over the atoms.
 *
 * Kinds are indices into the per-kind arrays, which may have holes: only the kinds listed in
 * `order` occur.
 */
export interface AtomKinds {
  /** The kind of each atom. */
  ofAtom: Int32Array;
  /** The kinds that occur, each once, in order of their first atom. */
  order: Int32Array;
  /** Per kind: the atom name, the residue name (null when the topology has none), the element (null: none). */
  names: string[];
  resnames: string[] | null;
  elements: (string | null)[];
  /** Per kind: mass, g/mol (NaN where unknown). */
  masses: Float64Array;
  /**
   * Per kind, when its element was guessed from its name: the size of the residue it was guessed
   * in (1, or 2 for any residue of several atoms: all the guess depends on). Absent otherwise.
   */
  residueSizes?: Int32Array;
}

const topologyKinds = new WeakMap<Topology, AtomKinds>();

/** The per-atom arrays of a topology that its kinds tell, each made when first read. */
export interface KindedArrays {
  names: () => string[] | null;
  resnames: () => string[] | null;
  elements: () => string[] | null;
  masses: () => Float64Array | null;
}

/**
 * A topology whose atoms' names, residue names and elements are those of their kinds in `kinds`
 * (kinds.elements holding the topology's own elements, none null; residue names null exactly
 * when kinds.resnames is null; names never null): those arrays are made when first read
 * (a run whose selections are answered by kind never makes them), and selections use the kinds
 * until one of them is replaced. A topology's arrays are not changed in place once it is made.
 */
export function kindedTopology(fields: Omit<Topology, keyof KindedArrays>, arrays: KindedArrays, kinds: AtomKinds): Topology {
  const top = { ...fields } as Topology;
  for (const key of ['names', 'resnames', 'elements', 'masses'] as const) {
    let value: string[] | Float64Array | null | undefined;
    Object.defineProperty(top, key, {
      enumerable: true,
      configurable: true,
      get: () => (value === undefined ? (value = frozen(arrays[key]())) : value),
      set: (v: string[] | Float64Array | null) => {
        value = v;
        // Selections use no masses.
        if (key !== 'masses') topologyKinds.delete(top);
      },
    });
  }
  topologyKinds.set(top, kinds);
  return top;
}

/**
 * Selections answer from the kinds while the arrays are those the kinds made, so those arrays
 * refuse writes in place (a TypeError in strict code, never a silently stale selection); a
 * replaced array is noticed by the setter. Masses (typed, not freezable) do not enter selections.
 */
function frozen<T>(value: T): T {
  return Array.isArray(value) ? (Object.freeze(value) as T) : value;
}

/** The kinds of a topology made by kindedTopology, while its arrays are those of the kinds; otherwise null. */
export function atomKindsOf(top: Topology): AtomKinds | null {
  return topologyKinds.get(top) ?? null;
}

/**
 * Atoms per call of perAtom's loop: V8 compiles a function called many times, where a long loop
 * in a function called once runs in the interpreter to its end.
 */
const PART = 1024;

/** Each atom's value of its kind, from one value per kind. */
export function perAtom<T>(kinds: AtomKinds, perKind: readonly T[]): T[] {
  const of = kinds.ofAtom;
  const out = new Array<T>(of.length);
  for (let i = 0; i < of.length; i += PART) spread(of, i, Math.min(of.length, i + PART), perKind, out);
  return out;
}

function spread<T>(of: Int32Array, i0: number, i1: number, perKind: readonly T[], out: T[]): void {
  for (let i = i0; i < i1; i++) out[i] = perKind[of[i]];
}

/** A faster scan of a kind array (a reader's WebAssembly code): the atoms whose kind is marked 1 in `hit`. */
export type KindScan = (hit: Uint8Array) => Int32Array;

const kindScans = new WeakMap<Int32Array, KindScan>();

/** Let atomsOfKinds use `scan` for this very array of kinds (whose contents never change). */
export function setKindScan(ofAtom: Int32Array, scan: KindScan): void {
  kindScans.set(ofAtom, scan);
}

/** The atoms, ascending, whose kind is marked 1 in `hit` (one entry per kind, 0 for the others). */
export function atomsOfKinds(kinds: AtomKinds, hit: Uint8Array): Int32Array {
  const scan = kindScans.get(kinds.ofAtom);
  if (scan) return scan(hit);
  const of = kinds.ofAtom;
  let count = 0;
  for (let i = 0; i < of.length; i++) if (hit[of[i]] === 1) count++;
  const out = new Int32Array(count);
  for (let i = 0, q = 0; q < count; i++) if (hit[of[i]] === 1) out[q++] = i;
  return out;
}

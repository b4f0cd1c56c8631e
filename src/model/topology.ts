import { atomicMass, elementFromLabel } from './elements.js';
import type { Topology } from './frame.js';

/**
 * Element of each atom from the labels a file gives ("Na", "11", "Na+", "OW"): recognised
 * labels become symbols, others are kept as they are (so `element OW` still selects them), and
 * masses come from the element where there is one (NaN otherwise).
 */
export function elementsFromLabels(labels: readonly string[]): { elements: string[]; masses: Float64Array } {
  const cache = new Map<string, string>();
  const elements = new Array<string>(labels.length);
  const masses = new Float64Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    let el = cache.get(label);
    if (el === undefined) {
      el = elementFromLabel(label) ?? label;
      cache.set(label, el);
    }
    elements[i] = el;
    masses[i] = atomicMass(el);
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
}

/** A topology's kinds, and the per-atom arrays they describe (each the very array of the topology). */
interface KindsOfTopology {
  kinds: AtomKinds;
  names: readonly string[] | null;
  resnames: readonly string[] | null;
  elements: readonly string[] | null;
}

const topologyKinds = new WeakMap<Topology, KindsOfTopology>();

/**
 * Record that each atom's name, residue name and element in `top` are those of its kind in `kinds`
 * (kinds.elements holding the topology's own elements, with no null). A topology is not changed
 * once made; should one of those arrays be replaced, the kinds are no longer used.
 */
export function setAtomKinds(top: Topology, kinds: AtomKinds): void {
  topologyKinds.set(top, { kinds, names: top.names, resnames: top.resnames, elements: top.elements });
}

/** The kinds recorded for a topology by setAtomKinds, or null. */
export function atomKindsOf(top: Topology): AtomKinds | null {
  const k = topologyKinds.get(top);
  if (!k || k.names !== top.names || k.resnames !== top.resnames || k.elements !== top.elements || k.kinds.ofAtom.length !== top.natoms) return null;
  return k.kinds;
}

/** A faster scan of a kind array (a reader's WebAssembly code): the atoms whose kind is marked in `hit`. */
export type KindScan = (hit: Uint8Array) => Int32Array;

const kindScans = new WeakMap<Int32Array, KindScan>();

/** Let atomsOfKinds use `scan` for this very array of kinds (whose contents never change). */
export function setKindScan(ofAtom: Int32Array, scan: KindScan): void {
  kindScans.set(ofAtom, scan);
}

/** The atoms, ascending, whose kind is marked (non-zero) in `hit` (one entry per kind). */
export function atomsOfKinds(kinds: AtomKinds, hit: Uint8Array): Int32Array {
  const scan = kindScans.get(kinds.ofAtom);
  if (scan) return scan(hit);
  const of = kinds.ofAtom;
  let count = 0;
  for (let i = 0; i < of.length; i++) if (hit[of[i]] !== 0) count++;
  const out = new Int32Array(count);
  for (let i = 0, q = 0; q < count; i++) if (hit[of[i]] !== 0) out[q++] = i;
  return out;
}

import { elementsFromAtomNames, massOfElement } from '../model/atom-names.js';
import { atomicNumber, symbolOf } from '../model/elements.js';
import type { Topology } from '../model/frame.js';
import { emptyTopology } from '../model/topology.js';

/**
 * The topology of a trajectory whose atoms have names and residues (GRO, PDB): elements from the
 * file where it has them (PDB columns 77–78), otherwise guessed from the atom name, the residue
 * name and the residue's size (`elementFromAtomName`: NA in a residue of one atom is sodium, OW
 * is oxygen). An atom whose element cannot be told keeps its name as its element label (so
 * `element MW` still selects it) and has no mass (NaN), as XYZ labels do.
 */
export function namedAtomsTopology(
  names: string[],
  resnames: string[],
  resids: Int32Array,
  fileElements: (string | null)[] | null,
  ids: Int32Array | null,
): Topology {
  const n = names.length;
  const top = emptyTopology(n);
  const sizes = residueSizes(resids, resnames);
  const guessed = elementsFromAtomNames(names, resnames, sizes).elements;
  const elements = new Array<string>(n);
  const masses = new Float64Array(n);
  const elementsGuessed = new Uint8Array(n);
  let anyGuessed = false;
  for (let i = 0; i < n; i++) {
    const given = fileElements ? fileElements[i] : null;
    const el = given ?? guessed[i];
    if (given === null) {
      elementsGuessed[i] = 1;
      anyGuessed = true;
    }
    elements[i] = el ?? names[i];
    masses[i] = massOfElement(el);
  }
  top.elements = elements;
  top.masses = masses;
  top.elementsGuessed = anyGuessed ? elementsGuessed : null;
  top.names = names;
  top.resnames = resnames;
  top.resids = resids;
  top.ids = ids !== null && ascending(ids) ? ids : null;
  return top;
}

/** The element symbol a PDB element field (columns 77–78) holds, or null when it holds none. */
export function elementSymbol(field: string): string | null {
  const s = field.trim();
  if (s === '' || !/^[A-Za-z]{1,2}$/.test(s)) return null;
  const z = atomicNumber(s);
  return z > 0 && s.toUpperCase() !== 'X' ? symbolOf(z) : null;
}

/**
 * The size of each atom's residue, a residue being a run of consecutive atoms with the same
 * residue number and name (how GROMACS and MDAnalysis group them): one atom is a lone ion.
 */
function residueSizes(resids: Int32Array, resnames: readonly string[]): Int32Array {
  const n = resnames.length;
  const size = new Int32Array(n);
  let start = 0;
  for (let i = 1; i <= n; i++) {
    if (i === n || resids[i] !== resids[i - 1] || resnames[i] !== resnames[i - 1]) {
      size.fill(i - start, start, i);
      start = i;
    }
  }
  return size;
}

function ascending(a: Int32Array): boolean {
  for (let i = 1; i < a.length; i++) if (a[i] <= a[i - 1]) return false;
  return true;
}

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

import type { Topology } from '../../src/model/frame.js';
import { select, type SelectionContext } from '../../src/select/selection.js';

/** A selection context of a topology alone: a selection that needs molecules fails the test. */
export function topologyContext(top: Topology): SelectionContext {
  return {
    topology: top,
    molecules: () => {
      throw new Error('no molecules in these tests');
    },
  };
}

/** What a selection gives on a topology, comparable with toEqual: its atoms, or its error message. */
export function selectionOutcome(text: string, top: Topology): unknown {
  try {
    const s = select(text, topologyContext(top));
    return { atoms: Array.from(s.atoms), kind: s.kind, molecules: s.molecules };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

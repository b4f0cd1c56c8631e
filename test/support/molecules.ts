/** Small molecules with textbook geometry (Å), for selection and centre-of-mass tests. */
export const FSI: [string, number, number, number][] = [
  ['N', 0, 0, 0],
  ['S', 1.55, 0.3, 0],
  ['S', -1.55, 0.3, 0],
  ['O', 2.1, 1.0, 1.1],
  ['O', 2.1, 1.0, -1.1],
  ['O', -2.1, 1.0, 1.1],
  ['O', -2.1, 1.0, -1.1],
  ['F', 2.1, -1.1, 0],
  ['F', -2.1, -1.1, 0],
];

export const WATER: [string, number, number, number][] = [
  ['O', 0, 0, 0],
  ['H', 0.757, 0.586, 0],
  ['H', -0.757, 0.586, 0],
];

/** Atoms of several molecules placed at given offsets, as element list + positions. */
export function assemble(parts: { atoms: [string, number, number, number][]; at: [number, number, number] }[]): { elements: string[]; positions: Float64Array } {
  const elements: string[] = [];
  const pos: number[] = [];
  for (const p of parts) {
    for (const [el, x, y, z] of p.atoms) {
      elements.push(el);
      pos.push(x + p.at[0], y + p.at[1], z + p.at[2]);
    }
  }
  return { elements, positions: Float64Array.from(pos) };
}

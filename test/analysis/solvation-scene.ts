import { orthorhombicBox, type Box } from '../../src/model/box.js';
import { defineShells, type ShellDefinition } from '../../src/analysis/solvation-shell.js';

/**
 * A hand-built frame with known shells, in a 20 Å cubic cell; cutoffs 3.0 Å for water O and
 * 3.2 Å for anion O (kinds H2O = 0, FSI = 1):
 *
 *   cation A (5, 5, 5):    4 waters at 2.4 Å (±x, ±y) and anion X by one O at 2.4 Å (+z)
 *   cation B (5, 5, 12):   anion X by its other O at 2.4 Å (−z), and 2 waters    → X is shared
 *   cation C (15, 5, 5):   anion Y by both its O (2.26 Å each), and 3 waters       → a private anion
 *   cation D (15, 15, 15): 5 waters; a 6th water O at 3.1 Å (beyond 3.0) and an O of anion Z at
 *                          3.3 Å (beyond 3.2) stay out
 *   cation E (0.4, 10, 10): 1 water across the x face of the cell (O at x = 18.5 → 1.9 Å)
 *   anion Z:               in no shell (free)
 *
 * So, relative to FSI: A is AGG (its one anion is shared), B is AGG, C is CIP, D and E are SSIP;
 * X is AGG, Y is CIP, Z is free.
 */
export interface Scene {
  positions: Float64Array;
  box: Box;
  def: ShellDefinition;
  /** Cation order: A, B, C, D, E. */
  cationNames: string[];
  /** Molecule ids of the anions X, Y, Z. */
  anions: { X: number; Y: number; Z: number };
}

export function handBuiltScene(): Scene {
  const xyz: number[] = [];
  const cations: number[] = [];
  const shellAtoms: number[] = [], moleculeOf: number[] = [], kindOf: number[] = [];
  const atom = (x: number, y: number, z: number) => {
    xyz.push(x, y, z);
    return xyz.length / 3 - 1;
  };
  let nextWater = 100;
  /** A water: its O at (x, y, z) is the shell atom; two H (not shell atoms) beside it. */
  const water = (x: number, y: number, z: number) => {
    const mol = nextWater++;
    shellAtoms.push(atom(x, y, z));
    moleculeOf.push(mol);
    kindOf.push(0);
    atom(x + 0.8, y + 0.6, z);
    atom(x - 0.8, y + 0.6, z);
  };
  /** An anion: a central N (not a shell atom) and its O atoms. */
  const anion = (mol: number, n: [number, number, number], oxygens: [number, number, number][]) => {
    atom(...n);
    for (const o of oxygens) {
      shellAtoms.push(atom(...o));
      moleculeOf.push(mol);
      kindOf.push(1);
    }
  };
  cations.push(atom(5, 5, 5)); // A
  cations.push(atom(5, 5, 12)); // B
  cations.push(atom(15, 5, 5)); // C
  cations.push(atom(15, 15, 15)); // D
  cations.push(atom(0.4, 10, 10)); // E
  water(7.4, 5, 5);
  water(2.6, 5, 5);
  water(5, 7.4, 5);
  water(5, 2.6, 5);
  anion(1, [5, 5, 8.5], [[5, 5, 7.4], [5, 5, 9.6]]); // X, shared by A and B
  water(7.4, 5, 12);
  water(5, 7.4, 12);
  anion(2, [15, 8.3, 5], [[15, 7.2, 5.5], [15, 7.2, 4.5]]); // Y, both O on C
  water(17.4, 5, 5);
  water(12.6, 5, 5);
  water(15, 5, 2.6);
  water(17.4, 15, 15);
  water(12.6, 15, 15);
  water(15, 17.4, 15);
  water(15, 12.6, 15);
  water(15, 15, 17.4);
  water(15, 15, 11.9); // 3.1 Å: beyond the water cutoff
  anion(3, [15, 19.5, 15], [[15, 18.3, 15], [15, 20.5, 16]]); // Z: one O at 3.3 Å from D, the other across the face
  water(18.5, 10, 10); // E's water, through the periodic image
  return {
    positions: Float64Array.from(xyz),
    box: orthorhombicBox(20, 20, 20),
    def: defineShells({ cations, shellAtoms, moleculeOf, kindOf, kinds: ['H2O', 'FSI'], cutoffA: [3.0, 3.2] }),
    cationNames: ['A', 'B', 'C', 'D', 'E'],
    anions: { X: 1, Y: 2, Z: 3 },
  };
}

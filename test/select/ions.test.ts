import { describe, expect, it } from 'vitest';
import { orthorhombicBox } from '../../src/model/box.js';
import { atomicMass } from '../../src/model/elements.js';
import type { Topology } from '../../src/model/frame.js';
import { emptyTopology } from '../../src/model/topology.js';
import { ionKind } from '../../src/select/ions.js';
import { findMolecules } from '../../src/select/molecules.js';
import { select, type SelectionContext } from '../../src/select/selection.js';
import { assemble, FSI, WATER } from '../support/molecules.js';

const PERCHLORATE: [string, number, number, number][] = [
  ['Cl', 0, 0, 0],
  ['O', 0.84, 0.84, 0.84],
  ['O', -0.84, -0.84, 0.84],
  ['O', -0.84, 0.84, -0.84],
  ['O', 0.84, -0.84, -0.84],
];

/** NaFSI, NaClO4 and NaCl in water: which selections are the salt's cation and anion. */
describe('cations and anions for the transference number', () => {
  const { elements, positions } = assemble([
    { atoms: FSI, at: [3, 3, 3] },
    { atoms: PERCHLORATE, at: [12, 4, 4] },
    { atoms: WATER, at: [4, 12, 12] },
    { atoms: [['Na', 0, 0, 0]], at: [8, 8, 8] },
    { atoms: [['Li', 0, 0, 0]], at: [15, 15, 3] },
    { atoms: [['Cl', 0, 0, 0]], at: [3, 16, 5] },
    { atoms: [['Cl', 0, 0, 0]], at: [16, 9, 14] },
  ]);
  const top: Topology = { ...emptyTopology(0), natoms: elements.length, elements, types: null, ids: null, molIds: null, masses: Float64Array.from(elements, atomicMass) };
  const box = orthorhombicBox(19, 19, 19);
  let mols: ReturnType<typeof findMolecules> | null = null;
  const ctx: SelectionContext = { topology: top, molecules: () => (mols ??= findMolecules(top, positions, box)) };
  const kind = (text: string) => ionKind(select(text, ctx), top, ctx);

  it('free metal cations are the cation, alone or together', () => {
    expect(kind('Na')).toBe('cation');
    expect(kind('Na or Li')).toBe('cation');
  });

  it('known molecular anions are the anion, by name or by Hill formula', () => {
    expect(kind('FSI')).toBe('anion');
    expect(kind('mol:F2NO4S2')).toBe('anion');
    expect(kind('ClO4')).toBe('anion');
    expect(kind('FSI or ClO4')).toBe('anion');
  });

  it('halide atoms are the anion only when unbonded (Cl⁻, not the Cl of ClO4⁻)', () => {
    expect(kind('Cl and not ClO4')).toBe('anion');
    expect(kind('index 19:20')).toBe('anion');
    expect(kind('Cl')).toBeNull();
  });

  it('solvent, mixtures and atoms of molecular ions are neither', () => {
    expect(kind('H2O')).toBeNull();
    expect(kind('FSI or H2O')).toBeNull();
    expect(kind('O')).toBeNull();
    expect(kind('Na or FSI')).toBeNull();
  });
});

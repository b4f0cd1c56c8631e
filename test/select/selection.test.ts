import { describe, expect, it } from 'vitest';
import { boxFromVectors, inverseMatrix } from '../../src/model/box.js';
import { atomicMass } from '../../src/model/elements.js';
import type { Topology } from '../../src/model/frame.js';
import { emptyTopology } from '../../src/model/topology.js';
import { findBonds, findMolecules } from '../../src/select/molecules.js';
import { particlePositions, particlesOf } from '../../src/select/particles.js';
import { parseSelection, select, type SelectionContext } from '../../src/select/selection.js';
import { assemble, FSI, WATER } from '../support/molecules.js';

const box = boxFromVectors([14, 0, 0, 3, 13, 0, -2, 1.5, 12]);

/** Two FSI⁻, three waters and two Na⁺ next to FSI oxygens (close enough to bond if cations were bonded). */
function system() {
  const { elements, positions } = assemble([
    { atoms: FSI, at: [3, 3, 3] },
    { atoms: FSI, at: [8, 9, 7] },
    { atoms: WATER, at: [10, 2, 2] },
    { atoms: WATER, at: [2, 10, 9] },
    { atoms: WATER, at: [6, 6, 10] },
    { atoms: [['Na', 0, 0, 0]], at: [5.1 + 0.3, 4.0 + 1.0, 3 + 1.1 + 1.2] },
    { atoms: [['Na', 0, 0, 0]], at: [11, 11, 4] },
  ]);
  const top: Topology = { ...emptyTopology(0), natoms: elements.length, elements, types: null, ids: null, molIds: null, masses: Float64Array.from(elements, atomicMass) };
  return { top, positions };
}

function context(top: Topology, positions: Float64Array): SelectionContext {
  let mols: ReturnType<typeof findMolecules> | null = null;
  return { topology: top, molecules: () => (mols ??= findMolecules(top, positions, box)) };
}

describe('selection language', () => {
  const { top, positions } = system();
  const ctx = context(top, positions);
  const atoms = (text: string) => Array.from(select(text, ctx).atoms);

  it('selects elements, case-insensitively, and by "element"', () => {
    expect(atoms('Na')).toEqual([27, 28]);
    expect(atoms('element NA')).toEqual([27, 28]);
    expect(atoms('F')).toEqual([7, 8, 16, 17]);
  });

  it('selects whole molecules by alias or formula, in any element order', () => {
    expect(atoms('FSI')).toEqual(Array.from({ length: 18 }, (_, i) => i));
    expect(atoms('mol:S2O4NF2')).toEqual(atoms('FSI'));
    expect(atoms('H2O')).toEqual(Array.from({ length: 9 }, (_, i) => 18 + i));
    expect(select('FSI', ctx).kind).toBe('molecules');
    expect(Array.from(select('FSI', ctx).molecules!)).toHaveLength(2);
  });

  it('combines with and, or, not and parentheses', () => {
    expect(atoms('O and not H2O')).toEqual([3, 4, 5, 6, 12, 13, 14, 15]);
    expect(atoms('(Na or F) and index 0:20')).toEqual([7, 8, 16, 17]);
    expect(atoms('not (FSI or H2O)')).toEqual([27, 28]);
    expect(select('O and not H2O', ctx).kind).toBe('atoms');
    expect(select('not H2O', ctx).kind).toBe('molecules');
  });

  it('index ranges are 0-based and inclusive', () => {
    expect(atoms('index 0:2')).toEqual([0, 1, 2]);
    expect(atoms('index 5')).toEqual([5]);
  });

  it('says what the file contains when a selection matches nothing', () => {
    expect(() => select('Li', ctx)).toThrow(/selection "Li" matches nothing; the file has N \(2\), S \(4\), O \(11\), F \(4\), H \(6\), Na \(2\)/);
    expect(() => select('TFSI', ctx)).toThrow(/molecules \(from bonds\): H2O ×3, F2NO4S2 \(FSI\) ×2, Na ×2/);
  });

  it('rejects malformed selections with a reason', () => {
    expect(() => parseSelection('Na and')).toThrow(/ends where a term was expected/);
    expect(() => parseSelection('(Na or O')).toThrow(/"\(" is not closed/);
    expect(() => parseSelection('index 5:2')).toThrow(/empty/);
    expect(() => parseSelection('mol:Xy2')).toThrow(/not a chemical formula/);
    expect(() => parseSelection('Na O')).toThrow(/unexpected "O" after a complete selection/);
  });

  it('selects LAMMPS types, and explains that element names need --type-map when a file has only types', () => {
    const typed: Topology = { ...emptyTopology(0), natoms: 4, elements: null, types: Int32Array.from([1, 2, 2, 3]), ids: null, molIds: null, masses: null };
    const c: SelectionContext = { topology: typed, molecules: () => findMolecules(typed, new Float64Array(12), null) };
    expect(Array.from(select('type 2', c).atoms)).toEqual([1, 2]);
    expect(Array.from(select('type 1 3', c).atoms)).toEqual([0, 3]);
    expect(() => select('Na', c)).toThrow(/only LAMMPS types.*--type-map/);
  });
});

describe('molecules from bonds under periodic boundaries', () => {
  it('never bonds free cations (Na⁺ sits 1.7 Å from an FSI oxygen here)', () => {
    const { top, positions } = system();
    const bonds = findBonds(positions, top.elements!, box);
    const na = new Set([27, 28]);
    for (let b = 0; b < bonds.length; b++) expect(na.has(bonds[b])).toBe(false);
    expect(bonds.length / 2).toBe(2 * 8 + 3 * 2); // 8 bonds per FSI, 2 per water
  });

  it('finds a molecule split across the faces of a triclinic cell, and makes it whole', () => {
    const { elements, positions } = assemble([{ atoms: FSI, at: [0.2, 0.1, 0.3] }]);
    // Wrap every atom into the cell: the FSI is now in pieces at opposite faces.
    const inv = inverseMatrix(box);
    const m = box.matrix;
    const wrapped = positions.slice();
    for (let i = 0; i < elements.length; i++) {
      const [x, y, z] = [positions[3 * i], positions[3 * i + 1], positions[3 * i + 2]];
      const s = [0, 1, 2].map((k) => x * inv[k] + y * inv[3 + k] + z * inv[6 + k]).map((v) => v - Math.floor(v));
      for (let d = 0; d < 3; d++) wrapped[3 * i + d] = s[0] * m[d] + s[1] * m[3 + d] + s[2] * m[6 + d];
    }
    expect(Math.abs(wrapped[3 * 2] - positions[3 * 2])).toBeGreaterThan(5); // the second S moved across the cell
    const top: Topology = { ...emptyTopology(0), natoms: elements.length, elements, types: null, ids: null, molIds: null, masses: Float64Array.from(elements, atomicMass) };
    const mols = findMolecules(top, wrapped, box);
    expect(mols.count).toBe(1);
    expect(mols.formula).toEqual(['F2NO4S2']);
    // The centre of mass of the made-whole molecule is that of the intact one, up to a lattice vector.
    const ctx: SelectionContext = { topology: top, molecules: () => mols };
    const def = particlesOf(select('FSI', ctx), top, mols, box);
    const com = new Float64Array(3), expected = new Float64Array(3);
    particlePositions(def, wrapped, com);
    let total = 0;
    for (let i = 0; i < elements.length; i++) {
      const w = atomicMass(elements[i]);
      total += w;
      for (let d = 0; d < 3; d++) expected[d] += w * positions[3 * i + d];
    }
    const diff = [0, 1, 2].map((d) => com[d] - expected[d] / total);
    const frac = [0, 1, 2].map((k) => diff[0] * inv[k] + diff[1] * inv[3 + k] + diff[2] * inv[6 + k]);
    for (const f of frac) expect(Math.abs(f - Math.round(f))).toBeLessThan(1e-12);
  });

  it('uses the mol column when the file has one (mol 0 = no molecule)', () => {
    const top: Topology = { ...emptyTopology(0), natoms: 5, elements: ['Na', 'O', 'H', 'H', 'Na'], types: null, ids: null, molIds: Int32Array.from([0, 7, 7, 7, 0]), masses: Float64Array.from([22.99, 16, 1, 1, 22.99]) };
    const mols = findMolecules(top, new Float64Array([0, 0, 0, 5, 5, 5, 5.7, 5.6, 5, 4.3, 5.6, 5, 9, 9, 9]), box);
    expect(mols.source).toBe('mol column');
    expect(mols.formula).toEqual(['Na', 'H2O', 'Na']);
  });
});

describe('long selections', () => {
  it('a list of thousands of terms joined by "or" (an index list a script writes) is one flat expression, not a stack overflow', () => {
    const elements = Array.from({ length: 20_000 }, (_, i) => (i % 2 ? 'O' : 'Na'));
    const top = { ...emptyTopology(elements.length), elements, masses: Float64Array.from(elements, atomicMass) };
    const text = Array.from({ length: 12_576 }, (_, i) => `index ${i}`).join(' or ');
    const sel = select(text, { topology: top, molecules: () => { throw new Error('no molecules needed'); } });
    expect(sel.atoms.length).toBe(12_576);
    expect(select(`(${text}) and Na`, { topology: top, molecules: () => { throw new Error('no molecules needed'); } }).atoms.length).toBe(6_288);
  });
});

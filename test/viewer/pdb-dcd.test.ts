import { describe, expect, it } from 'vitest';
import { boxFromVectors, orthorhombicBox, summarizeBox } from '../../src/model/box.js';
import { writeDcd } from '../../src/viewer/dcd.js';
import { rotate, standardOrientation } from '../../src/viewer/orient.js';
import { writePdb } from '../../src/viewer/pdb.js';
import { frameShell } from '../../src/viewer/shell.js';
import { wrapMolecules } from '../../src/viewer/frames.js';
import { findMolecules } from '../../src/select/molecules.js';
import { atomicMass } from '../../src/model/elements.js';
import { assemble, FSI } from '../support/molecules.js';
import { uniform } from '../support/random.js';
import { readDcd } from '../support/dcd.js';

describe('DCD for Mol*', () => {
  it('holds every frame with its cell [a, γ, b, β, α, c] and the time step Mol* reads as DELTA × 20.4548 ps', () => {
    const box = boxFromVectors([10, 0, 0, 2, 11, 0, -1, 1, 12]);
    const frames = [0, 1, 2].map((k) => ({ positions: Float32Array.from([1 + k, 2, 3, 4, 5 + k, 6]), box }));
    const d = readDcd(writeDcd(frames, 2, 0.5, 'test'));
    expect(d.natoms).toBe(2);
    expect(d.frames).toHaveLength(3);
    expect(d.frames[2].xyz).toEqual([[3, 4], [2, 7], [3, 6]]);
    const s = summarizeBox(box);
    d.frames[0].cell.forEach((v, i) => expect(v).toBeCloseTo([s.a, s.gamma, s.b, s.beta, s.alpha, s.c][i], 12));
    expect(d.delta * 20.45482949774598).toBeCloseTo(0.5, 6);
  });
});

describe('PDB topology for Mol*', () => {
  it('has the cell, one HETATM per atom with its element, residues per molecule and CONECT bonds', () => {
    const pdb = writePdb({
      elements: ['Na', 'O', 'H', 'H'],
      positions: [1, 2, 3, 4.5, 5.25, 6, 5.2, 5.8, 6, 3.9, 5.9, 6],
      box: orthorhombicBox(20, 21, 22),
      residueOf: Int32Array.from([0, 1, 1, 1]),
      residueNames: ['NA', 'HOH'],
      bonds: Int32Array.from([1, 2, 1, 3]),
      title: 't',
    });
    const lines = pdb.trim().split('\n');
    expect(lines[1]).toBe('CRYST1   20.000   21.000   22.000  90.00  90.00  90.00 P 1           1');
    const atoms = lines.filter((l) => l.startsWith('HETATM'));
    expect(atoms).toHaveLength(4);
    // fixed columns: serial 7–11, resName 18–20, x 31–38, element 77–78
    expect(atoms[0].slice(6, 11).trim()).toBe('1');
    expect(atoms[0].slice(17, 20).trim()).toBe('NA');
    expect(Number(atoms[1].slice(30, 38))).toBe(4.5);
    expect(atoms[1].slice(76, 78).trim()).toBe('O');
    expect(atoms[0].slice(76, 78).trim()).toBe('NA');
    expect(lines).toContain('CONECT    2    3    4');
    expect(lines.some((l) => l.startsWith('CONECT    1'))).toBe(false); // Na⁺ is not bonded
  });
});

describe('a VASP-like cell is rotated into the standard orientation', () => {
  it('keeps every distance and gives the CRYST1 cell', () => {
    const box = boxFromVectors([9, 1, -0.5, 2, 10, 1.5, -1, 2.5, 11]);
    const o = standardOrientation(box);
    expect(o.rotation).not.toBeNull();
    const u = uniform(3);
    const p = Float64Array.from({ length: 30 }, () => 10 * u());
    const q = p.slice();
    rotate(q, 10, o.rotation);
    const d = (a: Float64Array, i: number, j: number) => Math.hypot(a[3 * i] - a[3 * j], a[3 * i + 1] - a[3 * j + 1], a[3 * i + 2] - a[3 * j + 2]);
    for (let i = 0; i < 10; i++) for (let j = 0; j < i; j++) expect(d(q, i, j)).toBeCloseTo(d(p, i, j), 10);
    // the cell vectors themselves land on the standard ones
    const a = Float64Array.from(box.matrix);
    rotate(a, 3, o.rotation);
    Array.from(a).forEach((v, i) => expect(v).toBeCloseTo(o.standard.matrix[i], 10));
    expect(o.standard.matrix[1]).toBe(0);
    expect(o.standard.matrix[2]).toBe(0);
    expect(o.standard.matrix[5]).toBe(0);
  });
});

describe('molecules made whole for display', () => {
  it('a molecule split across the faces is drawn whole, its centre inside the cell', () => {
    const box = orthorhombicBox(12, 12, 12);
    const { elements, positions } = assemble([{ atoms: FSI, at: [11.5, 0.3, 6] }]);
    const wrapped = positions.map((x, j) => ((x % 12) + 12) % 12);
    const top = { natoms: 9, elements, types: null, ids: null, molIds: null, masses: Float64Array.from(elements, atomicMass) };
    const mols = findMolecules(top, wrapped, box);
    const p = Float64Array.from(wrapped);
    wrapMolecules(p, 9, box, mols);
    // every bond length as in the intact molecule
    for (let b = 0; b < mols.bonds.length; b += 2) {
      const [i, j] = [mols.bonds[b], mols.bonds[b + 1]];
      const d = (a: ArrayLike<number>) => Math.hypot(a[3 * i] - a[3 * j], a[3 * i + 1] - a[3 * j + 1], a[3 * i + 2] - a[3 * j + 2]);
      expect(d(p)).toBeCloseTo(d(positions), 9);
    }
    const c = [0, 1, 2].map((d) => elements.reduce((s, _, i) => s + p[3 * i + d], 0) / 9);
    c.forEach((v) => expect(v >= 0 && v < 12).toBe(true));
  });
});

describe('first shells with periodic boundaries', () => {
  it('equal a brute-force minimum-image search', () => {
    const box = boxFromVectors([15, 0, 0, 3, 14, 0, -2, 1, 13]);
    const u = uniform(8);
    const n = 200;
    const pos = Float64Array.from({ length: 3 * n }, () => 14 * u());
    const highlight = Int32Array.from([0, 1, 2, 3, 4]);
    const shell = Int32Array.from({ length: n - 5 }, (_, i) => i + 5);
    const got = frameShell(0, pos, box, highlight, shell, 3.5);
    const m = box.matrix;
    for (const { atom, neighbours } of got.perAtom) {
      const want: number[] = [];
      for (const j of shell) {
        let best = Infinity;
        for (let a = -2; a <= 2; a++) for (let b = -2; b <= 2; b++) for (let c = -2; c <= 2; c++) {
          const d = [0, 1, 2].map((k) => pos[3 * j + k] + a * m[k] + b * m[3 + k] + c * m[6 + k] - pos[3 * atom + k]);
          best = Math.min(best, Math.hypot(d[0], d[1], d[2]));
        }
        if (best < 3.5) want.push(j);
      }
      expect(neighbours).toEqual(want);
    }
    expect(got.shellAtoms.length).toBeGreaterThan(5);
  });
});

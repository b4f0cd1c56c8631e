import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { expect } from 'vitest';
import { xdrCursor, type XdrCursor } from '../../../src/io/binary/xdr.js';

/**
 * What MDAnalysis read from the binary fixtures (test/fixtures/io/binary: make-fixtures.sh made
 * the files with gmx and MDAnalysis, make_reference.py wrote reference.json.gz).
 */
export const BINARY_FIXTURES = resolve(import.meta.dirname, '../../fixtures/io/binary');

export interface Block {
  sample: number[][];
  sum: number[];
  sumsq: number;
}
export interface RefFrame {
  time: number;
  step?: number;
  lambda?: number;
  dimensions: number[] | null;
  has?: { x: boolean; v: boolean; f: boolean };
  positions?: Block;
  velocities?: Block;
  forces?: Block;
}
export interface RefFile {
  made_by: string;
  natoms: number;
  sample_atoms: number[];
  frames: RefFrame[];
  dcd_header?: { natoms: number; istart: number; nsavc: number; delta: number; is_periodic: number; charmm: number };
  same_as?: string;
  note?: string;
}

export const reference: { peer: string; files: Record<string, RefFile> } = JSON.parse(
  gunzipSync(readFileSync(join(BINARY_FIXTURES, 'reference.json.gz'))).toString('utf8'),
);

export function fixtureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(BINARY_FIXTURES, name)));
}

export function cursorOn(name: string): XdrCursor {
  return xdrCursor(fixtureBytes(name));
}

/** Reference files of one extension that MDAnalysis read itself. */
export function filesWith(ext: string): string[] {
  return Object.keys(reference.files).filter((n) => n.endsWith(ext) && reference.files[n].same_as === undefined);
}

/** Largest deviation seen per check, printed at the end of a suite (the measured agreement). */
export class Agreement {
  private worst = new Map<string, number>();
  note(what: string, deviation: number): void {
    this.worst.set(what, Math.max(this.worst.get(what) ?? 0, deviation));
  }
  report(title: string): void {
    const lines = [...this.worst].map(([k, v]) => `  ${k}: ${v.toExponential(2)}`);
    console.log(`${title} (largest deviation from ${reference.peer})\n${lines.join('\n')}`);
  }
}

/**
 * A per-atom block (Å, Å/ps, …) against the reference: sampled atoms within `tol` each (0: equal
 * as float32), and the sums over all atoms within `sumTol` (x, y, z) and `sumsqRel` (relative, Σ r²).
 */
export function expectBlock(
  got: Float64Array,
  ref: Block,
  atoms: number[],
  tol: number,
  sumTol: number,
  sumsqRel: number,
  agreement: Agreement,
  label: string,
): void {
  // tol 0: the same float32 values (the reference is written in float32's shortest form).
  const value = tol === 0 ? Math.fround : (x: number) => x;
  let worst = 0;
  atoms.forEach((a, k) => {
    for (let d = 0; d < 3; d++) worst = Math.max(worst, Math.abs(value(got[3 * a + d]) - value(ref.sample[k][d])));
  });
  agreement.note(`${label} per atom`, worst);
  expect(worst, `${label}: sampled atoms`).toBeLessThanOrEqual(tol);
  const sum = [0, 0, 0];
  let sumsq = 0;
  for (let i = 0; i < got.length; i++) {
    sum[i % 3] += got[i];
    sumsq += got[i] * got[i];
  }
  const sumDev = Math.max(...sum.map((s, d) => Math.abs(s - ref.sum[d])));
  agreement.note(`${label} Σx, Σy, Σz`, sumDev);
  expect(sumDev, `${label}: sums over all atoms`).toBeLessThanOrEqual(sumTol);
  const rel = Math.abs(sumsq - ref.sumsq) / ref.sumsq;
  agreement.note(`${label} Σr² (relative)`, rel);
  expect(rel, `${label}: sum of squares`).toBeLessThanOrEqual(sumsqRel);
}

/** Lengths (Å) and angles α, β, γ (degrees) of cell vectors given as rows. */
export function lengthsAngles(m: ArrayLike<number>): number[] {
  const len = (i: number) => Math.hypot(m[i], m[i + 1], m[i + 2]);
  const angle = (i: number, j: number) =>
    (Math.acos((m[i] * m[j] + m[i + 1] * m[j + 1] + m[i + 2] * m[j + 2]) / (len(i) * len(j))) * 180) / Math.PI;
  return [len(0), len(3), len(6), angle(3, 6), angle(0, 6), angle(0, 3)];
}

/** A small deterministic generator (mulberry32) for fuzzing. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

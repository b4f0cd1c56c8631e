import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Frame } from '../../src/model/frame.js';
import { boxLengths, boxAngles } from '../../src/model/box.js';
import { FIXTURES } from './io.js';

/**
 * The simulated fixtures (test/fixtures/sim, see its README): a GROMACS NaCl/SPC/E run (XTC, TRR,
 * multi-frame GRO) and a LAMMPS NaFSI/water run (data file, custom dump, DCD copies), with what
 * GROMACS's tools, LAMMPS and MDAnalysis read and compute from them.
 */
export const GMX_RUN = join(FIXTURES, 'sim/gromacs-nacl-water');
export const LAMMPS_RUN = join(FIXTURES, 'sim/lammps-data-dcd');

/** A file's bytes, gunzipped when its name ends in .gz. */
export function fileBytes(path: string): Buffer {
  const raw = readFileSync(path);
  return path.endsWith('.gz') ? gunzipSync(raw) : raw;
}

/** A peer's JSON (gzipped or not). */
export function peerJson<T = any>(path: string): T {
  return JSON.parse(fileBytes(path).toString('utf8')) as T;
}

/** What MDAnalysis read from one trajectory (test/fixtures/sim/README.md). */
export interface PeerTrajectory {
  n_atoms: number;
  n_frames: number;
  dt_ps: number;
  subset_indices: number[];
  frames: {
    frame: number;
    time: number;
    step: number | null;
    dimensions: number[] | null;
    has_positions: boolean;
    positions?: number[][];
  }[];
  full_frames: Record<string, { positions: number[][] }>;
}

/** One frame of a GRO file: names and positions as written (nm), and the box line. */
export interface GroFrame {
  title: string;
  names: string[];
  resnames: string[];
  /** x y z of each atom, nm, as the file's decimals give them. */
  positionsNm: number[];
  /** The box line's numbers, nm. */
  box: number[];
}

/** Every frame of a GRO file (fixed columns: residue 5+5, atom name 5, number 5, then x y z). */
export function readGro(path: string): GroFrame[] {
  const lines = fileBytes(path).toString('latin1').split('\n');
  const frames: GroFrame[] = [];
  let k = 0;
  while (k < lines.length && lines[k].trim() !== '') {
    const title = lines[k];
    const n = Number(lines[k + 1]);
    const names: string[] = [], resnames: string[] = [], positionsNm: number[] = [];
    for (let i = 0; i < n; i++) {
      const l = lines[k + 2 + i];
      resnames.push(l.slice(5, 10).trim());
      names.push(l.slice(10, 15).trim());
      positionsNm.push(Number(l.slice(20, 28)), Number(l.slice(28, 36)), Number(l.slice(36, 44)));
    }
    frames.push({ title, names, resnames, positionsNm, box: lines[k + 2 + n].trim().split(/\s+/).map(Number) });
    k += n + 3;
  }
  return frames;
}

/** An `index` selection of these 0-based atoms (runs of consecutive atoms as ranges). */
export function indexSelection(atoms: number[]): string {
  const parts: string[] = [];
  for (let k = 0; k < atoms.length; ) {
    let j = k;
    while (j + 1 < atoms.length && atoms[j + 1] === atoms[j] + 1) j++;
    parts.push(j > k ? `index ${atoms[k]}:${atoms[j]}` : `index ${atoms[k]}`);
    k = j + 1;
  }
  return parts.join(' or ');
}

/** Indices of the atoms whose name satisfies `test`. */
export function atomsNamed(names: string[], test: (name: string) => boolean): number[] {
  return names.flatMap((n, i) => (test(n) ? [i] : []));
}

/** The numeric rows of an xvg file and its legends. */
export function readXvg(path: string): { rows: number[][]; legends: string[] } {
  const text = fileBytes(path).toString('utf8');
  const rows: number[][] = [];
  const legends: string[] = [];
  for (const line of text.split('\n')) {
    const legend = /^@ s\d+ legend "(.*)"/.exec(line);
    if (legend) legends.push(legend[1]);
    if (line.trim() === '' || line.startsWith('#') || line.startsWith('@')) continue;
    rows.push(line.trim().split(/\s+/).map(Number));
  }
  return { rows, legends };
}

/** Lengths (Å) and angles (degrees) of a frame's cell, as MDAnalysis's `dimensions`; null without a cell. */
export function dimensionsOf(f: Frame): number[] | null {
  return f.box ? [...boxLengths(f.box), ...boxAngles(f.box)] : null;
}

/** Largest deviation per check, printed at the end of a suite: the agreement measured. */
export class Agreement {
  private worst = new Map<string, number>();
  note(what: string, deviation: number): number {
    this.worst.set(what, Math.max(this.worst.get(what) ?? 0, deviation));
    return deviation;
  }
  report(title: string): void {
    console.log(`${title}\n${[...this.worst].map(([k, v]) => `  ${k}: ${v.toExponential(2)}`).join('\n')}`);
  }
}

/** Largest |a[i] − b[i]|. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>, n = Math.min(a.length, b.length)): number {
  let worst = 0;
  for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

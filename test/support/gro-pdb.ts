import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { expect } from 'vitest';
import { summarizeBox } from '../../src/model/box.js';
import type { Frame } from '../../src/model/frame.js';
import { FIXTURES, REPO } from './io.js';

/**
 * What MDAnalysis 2.4 reads from the multi-frame GRO and PDB fixtures
 * (test/fixtures/io/gro-pdb/make.py wrote reference.json.gz; lengths in Å, float32 values).
 */
export interface PeerFrame {
  dimensions: number[] | null;
  positions?: number[][];
  subset?: number[][];
  velocities?: number[][];
  time?: number;
}

export interface PeerFile {
  path: string;
  n_atoms: number;
  subset_indices?: number[];
  topology: { names: string[]; resnames: string[]; resids: number[]; elements?: string[]; types: string[] };
  frames: PeerFrame[];
  cryst1_alone?: { dimensions: number[]; triclinic_vectors: number[][] };
}

export interface PeerReference {
  files: Record<string, PeerFile>;
  analysis_traj_gro: {
    frames: number;
    dt_ps: number;
    msd: Record<string, { n: number; lag_ps: number[]; msd_A2: number[] }>;
    rdf: Record<string, { nbins: number; r_A: number[]; g: number[]; cn: number[] }>;
  };
}

export const PEER: PeerReference = JSON.parse(gunzipSync(readFileSync(join(FIXTURES, 'io/gro-pdb/reference.json.gz'))).toString());

export function peerFile(name: string): PeerFile & { file: string } {
  const f = PEER.files[name];
  return { ...f, file: join(REPO, f.path) };
}

/** MDAnalysis's XTC reading of the same run (the sim fixture): times and steps of every frame. */
export function xtcTimes(): { time: number[]; step: number[] } {
  const x = JSON.parse(gunzipSync(readFileSync(join(FIXTURES, 'sim/gromacs-nacl-water/peers/mdanalysis-traj.xtc.json.gz'))).toString());
  return { time: x.frames.map((f: { time: number }) => f.time), step: x.frames.map((f: { step: number }) => f.step) };
}

/**
 * The largest |mine − MDAnalysis| over the positions MDAnalysis recorded (every atom, or the
 * subset) of every frame, Å; and over the cell lengths (Å) and angles (degrees).
 */
export function deviations(frames: Frame[], peer: PeerFile): { positionsA: number; cell: number; compared: number } {
  expect(frames).toHaveLength(peer.frames.length);
  let positionsA = 0, cell = 0, compared = 0;
  peer.frames.forEach((pf, k) => {
    const f = frames[k];
    expect(f.natoms).toBe(peer.n_atoms);
    const check = (i: number, p: number[]) => {
      for (let d = 0; d < 3; d++) positionsA = Math.max(positionsA, Math.abs(p[d] - f.positions[3 * i + d]));
      compared++;
    };
    pf.positions?.forEach((p, i) => check(i, p));
    pf.subset?.forEach((p, j) => check(peer.subset_indices![j], p));
    if (pf.dimensions) {
      const b = summarizeBox(f.box!);
      [b.a, b.b, b.c, b.alpha, b.beta, b.gamma].forEach((v, d) => (cell = Math.max(cell, Math.abs(v - pf.dimensions![d]))));
    }
  });
  return { positionsA, cell, compared };
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inverseMatrix, summarizeBox, type Box } from '../../src/model/box.js';
import { speciesCounts, type Frame } from '../../src/model/frame.js';
import { unwrapWithImages } from '../../src/select/unwrap-images.js';
import { FIXTURES, HAVE_SHARED, REPO, readAll, shared } from '../support/io.js';

/**
 * Our readers against what ASE and MDAnalysis read from the same files
 * (test/fixtures/peers/readers: make_reference.py wrote reference.json; its README lists each
 * peer's conventions and how the script undid them).
 */
interface Sample {
  frame: number;
  natoms: number;
  cell_lengths: number[] | null;
  cell_angles: number[] | null;
  atoms: number[];
  positions: number[][];
}
interface Entry {
  peer: string;
  positions_kind: 'unwrapped' | 'as stored';
  frames: number;
  natoms_first: number;
  species: Record<string, number> | null;
  samples: Sample[];
}
const reference: { files: Record<string, Entry> } = JSON.parse(readFileSync(join(FIXTURES, 'peers/readers/reference.json'), 'utf8'));

function pathOf(key: string): string {
  return key.startsWith('shared/') ? shared(key.slice('shared/'.length)) : join(REPO, key);
}

/** |a − b| after removing whole cell vectors (for comparing wrapped with unwrapped coordinates). */
function distanceModuloCell(a: number[], b: number[], box: Box): number {
  const inv = inverseMatrix(box);
  const m = box.matrix;
  const d = [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
  const s = [0, 1, 2].map((k) => d[0] * inv[k] + d[1] * inv[3 + k] + d[2] * inv[6 + k]).map((x) => x - Math.round(x));
  const r = [0, 1, 2].map((k) => s[0] * m[k] + s[1] * m[3 + k] + s[2] * m[6 + k]);
  return Math.hypot(r[0], r[1], r[2]);
}

const entries = Object.entries(reference.files).filter(([key]) => HAVE_SHARED || !key.startsWith('shared/'));

describe('positions and cells agree with ASE / MDAnalysis', () => {
  it.each(entries)('%s', async (key, entry) => {
    const { frames, reader } = await readAll(pathOf(key));
    // MDAnalysis keeps coordinates and cells in float32; ASE in float64.
    const float32 = entry.peer.startsWith('MDAnalysis');
    const tolA = float32 ? 1e-4 : 1e-9;
    const tolRel = float32 ? 2e-6 : 1e-12;
    if (!key.includes('detect_best_pos_repr')) expect(frames.length).toBe(entry.frames); // the peers read only its first 2 of 5 frames
    expect(frames[0].natoms).toBe(entry.natoms_first);
    if (entry.species) expect(Object.fromEntries(speciesCounts(reader.topology!))).toEqual(entry.species);
    for (const sample of entry.samples) {
      const f: Frame = frames[sample.frame];
      expect(f.natoms).toBe(sample.natoms);
      if (sample.cell_lengths) {
        const b = summarizeBox(f.box!);
        [b.a, b.b, b.c].forEach((x, k) => expect(Math.abs(x - sample.cell_lengths![k])).toBeLessThanOrEqual(tolRel * x));
        [b.alpha, b.beta, b.gamma].forEach((x, k) => expect(Math.abs(x - sample.cell_angles![k])).toBeLessThanOrEqual(float32 ? 1e-4 : 1e-9));
      } else expect(f.box).toBeNull();
      const ours = entry.positions_kind === 'unwrapped' ? unwrapWithImages(f) : f.positions;
      sample.atoms.forEach((i, n) => {
        const mine = [ours[3 * i], ours[3 * i + 1], ours[3 * i + 2]];
        const theirs = sample.positions[n];
        const tol = tolA * Math.max(1, Math.abs(theirs[0]), Math.abs(theirs[1]), Math.abs(theirs[2]));
        if (entry.positions_kind === 'as stored' && f.unwrapped) {
          // The peer read wrapped columns where we chose the unwrapped ones the file also holds.
          expect(distanceModuloCell(mine, theirs, f.box!), `atom ${i} of frame ${sample.frame}`).toBeLessThan(1e-3);
        } else {
          for (let d = 0; d < 3; d++) expect(Math.abs(mine[d] - theirs[d]), `atom ${i} of frame ${sample.frame}, axis ${d}`).toBeLessThanOrEqual(tol);
        }
      });
    }
  });
});

describe('VASP-style files against what their generator wrote (test/fixtures/io/vasp/truth.json)', () => {
  const truth: Record<string, { natoms: number; species: Record<string, number>; frames: { cell: number[][]; positions: number[][] }[] }> = JSON.parse(
    readFileSync(join(FIXTURES, 'io/vasp/truth.json'), 'utf8'),
  );
  it.each(Object.keys(truth))('%s', async (name) => {
    const t = truth[name];
    const { frames, reader } = await readAll(join(FIXTURES, 'io/vasp', name));
    expect(frames).toHaveLength(t.frames.length);
    expect(Object.fromEntries(speciesCounts(reader.topology!))).toEqual(t.species);
    t.frames.forEach((tf, k) => {
      const m = frames[k].box!.matrix;
      tf.cell.flat().forEach((x, q) => expect(Math.abs(m[q] - x)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(x))));
      tf.positions.forEach((p, i) => p.forEach((x, d) => expect(Math.abs(frames[k].positions[3 * i + d] - x)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(x)))));
    });
  });
});

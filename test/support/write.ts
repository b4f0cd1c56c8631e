import { inverseMatrix, type Box } from '../../src/model/box.js';
import { tempFile } from './io.js';

/** Frames as (cell, unwrapped positions); writers wrap them as a simulation would. */
export interface SyntheticFrame {
  box: Box;
  positions: Float64Array;
}

function wrap(box: Box, x: number, y: number, z: number): { r: number[]; image: number[] } {
  const inv = inverseMatrix(box);
  const m = box.matrix;
  const s = [0, 1, 2].map((k) => x * inv[k] + y * inv[3 + k] + z * inv[6 + k]);
  const image = s.map(Math.floor);
  const f = s.map((v, k) => v - image[k]);
  return { r: [0, 1, 2].map((d) => f[0] * m[d] + f[1] * m[3 + d] + f[2] * m[6 + d]), image };
}

const num = (v: number) => v.toFixed(6);

/** Extended XYZ with wrapped coordinates (no image flags: readers must unwrap by jumps). */
export function writeExtxyz(name: string, elements: string[], frames: SyntheticFrame[]): string {
  let text = '';
  for (const f of frames) {
    text += `${elements.length}\nLattice="${Array.from(f.box.matrix, num).join(' ')}" Properties=species:S:1:pos:R:3 pbc="T T T"\n`;
    for (let i = 0; i < elements.length; i++) {
      const { r } = wrap(f.box, f.positions[3 * i], f.positions[3 * i + 1], f.positions[3 * i + 2]);
      text += `${elements[i]} ${r.map(num).join(' ')}\n`;
    }
  }
  return tempFile(name, text);
}

/** LAMMPS dump (orthogonal or restricted triclinic cells) with wrapped coordinates and image flags. */
export function writeLammpsDump(name: string, elements: string[], frames: SyntheticFrame[], mol?: number[]): string {
  let text = '';
  frames.forEach((f, k) => {
    const m = f.box.matrix;
    const [lx, xy, ly, xz, yz, lz] = [m[0], m[3], m[4], m[6], m[7], m[8]];
    text += `ITEM: TIMESTEP\n${k * 10}\nITEM: NUMBER OF ATOMS\n${elements.length}\n`;
    if (xy === 0 && xz === 0 && yz === 0) text += `ITEM: BOX BOUNDS pp pp pp\n0 ${lx}\n0 ${ly}\n0 ${lz}\n`;
    else {
      const xlo = Math.min(0, xy, xz, xy + xz), xhi = lx + Math.max(0, xy, xz, xy + xz);
      text += `ITEM: BOX BOUNDS xy xz yz pp pp pp\n${xlo} ${xhi} ${xy}\n${Math.min(0, yz)} ${ly + Math.max(0, yz)} ${xz}\n0 ${lz} ${yz}\n`;
    }
    text += `ITEM: ATOMS id mol element x y z ix iy iz\n`;
    for (let i = 0; i < elements.length; i++) {
      const { r, image } = wrap(f.box, f.positions[3 * i], f.positions[3 * i + 1], f.positions[3 * i + 2]);
      text += `${i + 1} ${mol ? mol[i] : i + 1} ${elements[i]} ${r.map(num).join(' ')} ${image.join(' ')}\n`;
    }
  });
  return tempFile(name, text);
}

import { summarizeBox, type Box } from '../model/box.js';

/**
 * CHARMM/NAMD DCD (little-endian, Fortran records), the coordinates format Mol* reads alongside
 * a topology: a header (frame count, time step), a title, the atom count, then per frame the
 * cell — [a, γ, b, β, α, c] in Å and degrees — and the x, y, z records in float32.
 */
/** Mol* shows a DCD frame's time as DELTA × 20.4548 ps: DELTA is written so that this is the time in ps. */
const AKMA_PER_PS = 20.45482949774598;

export interface DcdFrame {
  positions: Float32Array;
  box: Box | null;
}

export function writeDcd(frames: DcdFrame[], natoms: number, dtPs: number | null, title: string): Buffer {
  const hasCell = frames.some((f) => f.box !== null);
  const frameBytes = (hasCell ? 56 : 0) + 3 * (8 + 4 * natoms);
  const buf = Buffer.alloc(92 + 92 + 12 + frames.length * frameBytes);
  let p = 0;
  const i32 = (v: number) => {
    buf.writeInt32LE(v, p);
    p += 4;
  };
  // Header record: "CORD" and twenty control integers.
  i32(84);
  buf.write('CORD', p, 'latin1');
  p += 4;
  const icntrl = new Int32Array(20);
  icntrl[0] = frames.length; // NSET
  icntrl[1] = 1; // ISTART
  icntrl[2] = 1; // NSAVC
  icntrl[3] = frames.length; // NSTEP
  icntrl[10] = hasCell ? 1 : 0;
  icntrl[19] = 24; // CHARMM version
  const delta = new Float32Array([dtPs !== null ? dtPs / AKMA_PER_PS : 0]);
  icntrl[9] = new Int32Array(delta.buffer)[0];
  for (const v of icntrl) i32(v);
  i32(84);
  // Title record: one 80-character line.
  i32(84);
  i32(1);
  buf.write(title.slice(0, 80).padEnd(80), p, 'latin1');
  p += 80;
  i32(84);
  // Atom count.
  i32(4);
  i32(natoms);
  i32(4);
  for (const f of frames) {
    if (hasCell) {
      i32(48);
      const b = f.box ? summarizeBox(f.box) : { a: 0, b: 0, c: 0, alpha: 90, beta: 90, gamma: 90 };
      for (const v of [b.a, b.gamma, b.b, b.beta, b.alpha, b.c]) {
        buf.writeDoubleLE(v, p);
        p += 8;
      }
      i32(48);
    }
    for (let d = 0; d < 3; d++) {
      i32(4 * natoms);
      for (let i = 0; i < natoms; i++) {
        buf.writeFloatLE(f.positions[3 * i + d], p);
        p += 4;
      }
      i32(4 * natoms);
    }
  }
  return buf;
}

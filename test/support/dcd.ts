import { expect } from 'vitest';

/** Read back what writeDcd wrote (CHARMM layout), independently of the writer. */
export function readDcd(buf: Buffer) {
  let p = 0;
  const i32 = () => {
    const v = buf.readInt32LE(p);
    p += 4;
    return v;
  };
  expect(i32()).toBe(84);
  expect(buf.toString('latin1', p, p + 4)).toBe('CORD');
  p += 4;
  const icntrl = Array.from({ length: 20 }, i32);
  expect(i32()).toBe(84);
  const titleBytes = i32();
  p += titleBytes;
  expect(i32()).toBe(titleBytes);
  expect(i32()).toBe(4);
  const natoms = i32();
  i32();
  const frames: { cell: number[]; xyz: number[][] }[] = [];
  for (let k = 0; k < icntrl[0]; k++) {
    expect(i32()).toBe(48);
    const cell = Array.from({ length: 6 }, () => {
      const v = buf.readDoubleLE(p);
      p += 8;
      return v;
    });
    i32();
    const xyz = [0, 1, 2].map(() => {
      expect(i32()).toBe(4 * natoms);
      const v = Array.from({ length: natoms }, () => {
        const x = buf.readFloatLE(p);
        p += 4;
        return x;
      });
      i32();
      return v;
    });
    frames.push({ cell, xyz });
  }
  expect(p).toBe(buf.length);
  return { icntrl, natoms, frames, delta: new Float32Array(new Int32Array([icntrl[9]]).buffer)[0] };
}


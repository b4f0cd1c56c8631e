import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HAVE_SHARED, FIXTURES, readAll, shared, tempFile } from '../support/io.js';

/**
 * The reader refills its buffer before a frame that may not fit in what is left, and whenever a
 * frame runs past its end anyway (then it parses that frame again); whatever the buffer size,
 * and wherever the cuts fall, the frames must be the same.
 */
const files = [
  ...readdirSync(join(FIXTURES, 'io/lammps'))
    .filter((f) => /\.(lammpstrj|atom)$/.test(f))
    .map((f) => join(FIXTURES, 'io/lammps', f)),
  ...(HAVE_SHARED ? ['polymer.lammpstrj', 'nacl.lammpstrj', 'detect_best_pos_repr.lammpstrj', 'extended.xyz', 'argyrodite.XDATCAR'].map(shared) : []),
];

describe('frames do not depend on where the read buffer ends', () => {
  it.each(files)('%s', async (path) => {
    const whole = await readAll(path);
    for (const size of [5, 997, 4093, 65_521]) {
      const small = await readAll(path, { bufferBytes: size });
      expect(small.frames.length, `buffer ${size}`).toBe(whole.frames.length);
      for (let k = 0; k < whole.frames.length; k++) {
        const a = whole.frames[k], b = small.frames[k];
        expect(b.natoms).toBe(a.natoms);
        expect(b.step).toBe(a.step);
        expect(b.positions).toEqual(a.positions);
        expect(b.images).toEqual(a.images);
        expect(b.box?.matrix).toEqual(a.box?.matrix);
      }
    }
  });
});

describe('memory does not grow with the length of the file', () => {
  it('reads a 24 MB file through a 1 MiB buffer', async () => {
    const frame = (k: number) => {
      let t = `100\nframe ${k}\n`;
      for (let i = 0; i < 100; i++) t += `Na ${(i * 0.731 + k) % 20} ${(i * 1.37) % 20} ${(k * 0.01) % 20}\n`;
      return t;
    };
    const parts: string[] = [];
    let bytes = 0;
    let k = 0;
    while (bytes < 24e6) {
      const f = frame(k++);
      parts.push(f);
      bytes += f.length;
    }
    const path = tempFile('long.xyz', parts.join(''));
    const { reader } = await readAll(path, { bufferBytes: 1 << 20 });
    expect(reader.framesRead).toBe(k);
    expect(reader.bufferBytes).toBe(1 << 20);
    // Frames of about one size: each refill comes before a frame, none inside one.
    expect(reader.framesReparsed).toBe(0);
  });
});

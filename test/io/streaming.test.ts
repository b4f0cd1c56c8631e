import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TrajectoryReader } from '../../src/io/reader.js';
import { cloneFrame, type Frame } from '../../src/model/frame.js';
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

/**
 * A finished pass leaves its read buffer to the next pass of the thread (a new buffer costs its
 * page faults); a pass still reading keeps its own, whatever other passes run meanwhile.
 */
describe.each([
  ['text', join(FIXTURES, 'io/lammps/ortho-mixed.lammpstrj'), join(FIXTURES, 'io/lammps/tri.atom')],
  ['binary', join(FIXTURES, 'io/binary/water-nacl.xtc'), join(FIXTURES, 'io/binary/mda.xtc')],
])('passes in one thread share a read buffer only one after another (%s)', (_kind, file, other) => {
  const expectSame = (got: Frame[], want: Frame[]) => {
    expect(got.length).toBe(want.length);
    for (let k = 0; k < want.length; k++) {
      expect(got[k].step).toBe(want[k].step);
      expect(got[k].positions).toEqual(want[k].positions);
    }
  };

  it('a pass interrupted by whole passes of another file reads what it reads alone', async () => {
    const alone = (await readAll(file)).frames;
    const reader = await TrajectoryReader.open(file);
    const got: Frame[] = [];
    for await (const f of reader.frames()) {
      got.push(cloneFrame(f));
      // Finished passes in between give their buffers back while this one still reads.
      await readAll(other);
      await readAll(other, { bufferBytes: 997 });
    }
    expect(got.length).toBeGreaterThan(1);
    expectSame(got, alone);
  });

  it('a pass stopped after one frame leaves nothing behind for the next', async () => {
    const alone = (await readAll(other)).frames;
    const first = await TrajectoryReader.open(file);
    for await (const f of first.frames()) if (f.index === 0) break;
    expectSame((await readAll(other)).frames, alone);
  });
});

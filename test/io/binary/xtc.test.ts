import { afterAll, describe, expect, it } from 'vitest';
import { NEED_MORE, xdrCursor, type XdrCursor } from '../../../src/io/binary/xdr.js';
import {
  XtcCorrupt,
  createXtcFrame,
  findXtcFrameStart,
  looksLikeXtcFrameStart,
  readXtcFrame,
  xtcAtomCount,
  xtcFrameBytes,
  xtcWantedAtoms,
  type XtcFrame,
} from '../../../src/io/binary/xtc.js';
import { Agreement, cursorOn, expectBlock, filesWith, fixtureBytes, lengthsAngles, prng, reference } from './reference.js';

/** Every frame of a file: copies of the decoded frames and where each began. */
function decodeAll(c: XdrCursor): { frames: XtcFrame[]; starts: number[] } {
  const frame = createXtcFrame(xtcAtomCount(c));
  const frames: XtcFrame[] = [];
  const starts: number[] = [];
  while (c.pos < c.end) {
    starts.push(c.pos);
    readXtcFrame(c, frame);
    frames.push({ ...frame, boxA: frame.boxA.slice(), positionsA: frame.positionsA.slice() });
  }
  return { frames, starts };
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

const agreement = new Agreement();
afterAll(() => agreement.report('XTC'));

describe('XTC frames agree with MDAnalysis', () => {
  // Files from gmx mdrun (precision 1000: coordinates as one 33-bit number), gmx trjconv -ndec 2,
  // 5, 6 and 8 (23, 53 and 63 bits, and three separate 28-bit fields; small differences of 10 to
  // 71 bits), 7 atoms (uncompressed) and MDAnalysis's own writer.
  for (const name of filesWith('.xtc')) {
    it(`${name} (${reference.files[name].made_by})`, () => {
      const ref = reference.files[name];
      const { frames } = decodeAll(cursorOn(name));
      expect(frames.length).toBe(ref.frames.length);
      frames.forEach((f, k) => {
        const r = ref.frames[k];
        expect(f.step).toBe(r.step);
        expect(f.timePs).toBe(r.time);
        const decimals = /ndec(\d)/.exec(name);
        expect(f.precision).toBe(f.natoms <= 9 ? 0 : decimals ? 10 ** Number(decimals[1]) : 1000);
        const cell = lengthsAngles(f.boxA);
        const dev = Math.max(...cell.map((v, i) => Math.abs(v - r.dimensions![i])));
        agreement.note('cell lengths (Å) and angles (°)', dev);
        expect(dev).toBeLessThan(2e-5);
        // MDAnalysis rounds integer / precision to float32, then scales by 10 in float32: its values
        // are within a few float32 ulps (~1e-6 Å here) of ours, which are exact.
        expectBlock(f.positionsA, r.positions!, ref.sample_atoms, 2e-5, 1e-3, 1e-6, agreement, 'positions (Å)');
      });
    });
  }

  it('reads positions at the stored precision: multiples of 10/precision Å', () => {
    for (const [name, precision] of [['water-nacl.xtc', 1000], ['water-nacl-ndec6.xtc', 1e6]] as const) {
      const { frames } = decodeAll(cursorOn(name));
      const step = 10 / precision;
      for (const x of frames[1].positionsA) expect(Math.abs(x / step - Math.round(x / step))).toBeLessThan(1e-6);
    }
  });

  it('decodes the GROMACS 2023 large-file magic (64-bit byte count) as the same frames', () => {
    const long = decodeAll(cursorOn('xtc-magic2023.xtc'));
    const short = decodeAll(cursorOn('water-nacl.xtc'));
    expect(long.frames.length).toBe(short.frames.length);
    long.frames.forEach((f, k) => {
      expect(f.positionsA).toEqual(short.frames[k].positionsA);
      expect(f.boxA).toEqual(short.frames[k].boxA);
      expect(f.step).toBe(short.frames[k].step);
      // Each frame is 4 bytes longer: the byte count is an int64.
      expect(long.starts[k] - short.starts[k]).toBe(4 * k);
    });
  });
});

describe('XTC frame lengths and frame starts', () => {
  it('xtcFrameBytes gives the distance to the next frame, from the header alone', () => {
    for (const name of ['water-nacl.xtc', 'water-nacl-ndec8.xtc', 'seven-atoms.xtc', 'xtc-magic2023.xtc']) {
      const c = cursorOn(name);
      const { starts } = decodeAll(cursorOn(name));
      const walked: number[] = [];
      for (c.pos = 0; c.pos < c.end; c.pos += xtcFrameBytes(c)) walked.push(c.pos);
      expect(walked).toEqual(starts);
      expect(c.pos).toBe(c.end);
    }
    // 7 atoms: 56 header bytes and 3 × 7 float32.
    expect(xtcFrameBytes(cursorOn('seven-atoms.xtc'))).toBe(56 + 84);
  });

  it('reads only the header when asked to skip the coordinates', () => {
    const c = cursorOn('water-nacl.xtc');
    const frame = createXtcFrame(256);
    frame.positionsA.fill(-1);
    readXtcFrame(c, frame, false);
    readXtcFrame(c, frame, false);
    expect(frame.step).toBe(5);
    expect(frame.boxA[0]).toBeCloseTo(16, 5);
    expect(frame.precision).toBe(1000);
    expect(frame.positionsA.every((x) => x === -1)).toBe(true);
    expect(c.pos).toBe(decodeAll(cursorOn('water-nacl.xtc')).starts[2]);
  });

  it('recognises every frame start and nothing else, and finds the next start from any offset', () => {
    for (const name of ['water-nacl.xtc', 'seven-atoms.xtc', 'water-nacl-ndec8.xtc']) {
      const bytes = fixtureBytes(name);
      const { starts, frames } = decodeAll(xdrCursor(bytes));
      const natoms = frames[0].natoms;
      for (let p = 0; p < bytes.length; p += 4) {
        expect(looksLikeXtcFrameStart(bytes, p, natoms), `${name} offset ${p}`).toBe(starts.includes(p));
        const next = starts.find((s) => s >= p) ?? -1;
        expect(findXtcFrameStart(bytes, p, bytes.length, natoms)).toBe(next);
      }
      expect(looksLikeXtcFrameStart(bytes, 0, natoms + 1)).toBe(false);
    }
  });
});

describe('XTC: incomplete and invalid data', () => {
  const bytes = fixtureBytes('water-nacl.xtc');
  const whole = decodeAll(xdrCursor(bytes));
  const [f0, f1] = [whole.starts[1], whole.starts[2]];

  it('asks for more bytes, without moving, wherever a frame is cut', () => {
    const frame = createXtcFrame(256);
    for (let end = f0; end < f1; end++) {
      const c = xdrCursor(bytes, f0, end);
      expect(thrown(() => readXtcFrame(c, frame))).toBe(NEED_MORE);
      expect(c.pos).toBe(f0);
      if (end < f0 + 92) expect(thrown(() => xtcFrameBytes(c))).toBe(NEED_MORE);
      else expect(xtcFrameBytes(c)).toBe(f1 - f0);
    }
  });

  it('decodes the same frames when the bytes arrive 100 at a time', () => {
    const c = xdrCursor(bytes, 0, 0);
    const frame = createXtcFrame(256);
    const got: Float64Array[] = [];
    while (c.pos < bytes.length) {
      try {
        readXtcFrame(c, frame);
        got.push(frame.positionsA.slice());
      } catch (e) {
        if (e !== NEED_MORE) throw e;
        c.end = Math.min(bytes.length, c.end + 100);
      }
    }
    expect(got).toEqual(whole.frames.map((f) => f.positionsA));
  });

  it('rejects a wrong magic number, naming what it found', () => {
    const b = bytes.slice();
    new DataView(b.buffer).setInt32(0, 1993, false);
    const e = thrown(() => readXtcFrame(xdrCursor(b), createXtcFrame(256)));
    expect(e).toBeInstanceOf(XtcCorrupt);
    expect((e as Error).message).toMatch(/magic number 1995.*found 1993/);
    expect(thrown(() => xtcAtomCount(xdrCursor(b)))).toBeInstanceOf(XtcCorrupt);
  });

  it('gives the atom count only once the whole first frame is there, bounding it by the bytes read', () => {
    for (const end of [8, 60, 92, f0 - 1]) expect(thrown(() => xtcAtomCount(xdrCursor(bytes, 0, end)))).toBe(NEED_MORE);
    expect(xtcAtomCount(xdrCursor(bytes, 0, f0))).toBe(256);
    // A corrupt count of 2^30 atoms cannot fit this frame's compressed block (≥ 2 bits per atom).
    const b = bytes.slice(0, f0);
    const v = new DataView(b.buffer);
    v.setInt32(4, 2 ** 30, false);
    v.setInt32(52, 2 ** 30, false);
    expect((thrown(() => xtcAtomCount(xdrCursor(b))) as Error).message).toMatch(/compressed block of 908 bytes for 1073741824 atoms/);
  });

  it('rejects a frame whose atom count differs from the file’s', () => {
    const e = thrown(() => readXtcFrame(xdrCursor(bytes), createXtcFrame(255)));
    expect((e as Error).message).toMatch(/256 atoms where the file's first frame has 255/);
  });

  /** Frame 1 with `edit` applied to its bytes, decoded on its own. */
  function corrupted(edit: (b: Uint8Array, v: DataView) => void): unknown {
    const b = bytes.slice(f0, f1);
    edit(b, new DataView(b.buffer));
    return thrown(() => readXtcFrame(xdrCursor(b), createXtcFrame(256)));
  }

  it('rejects corrupt header fields of the compressed block with a message', () => {
    const cases: [string, (b: Uint8Array, v: DataView) => void, RegExp][] = [
      ['precision', (_, v) => v.setFloat32(56, -1, false), /precision -1 is not a positive number/],
      ['range', (_, v) => v.setInt32(72, v.getInt32(60, false) - 1, false), /range .* is empty/],
      ['smallidx', (_, v) => v.setInt32(84, 99, false), /small-difference index 99/],
      ['byte count', (_, v) => v.setInt32(88, 1 << 30, false), /compressed block of 1073741824 bytes for 256 atoms/],
      ['negative count', (_, v) => v.setInt32(88, -8, false), /compressed block of -8 bytes/],
    ];
    for (const [what, edit, message] of cases) {
      const e = corrupted(edit);
      expect(e, what).toBeInstanceOf(XtcCorrupt);
      expect((e as Error).message, what).toMatch(message);
    }
  });

  it('rejects a corrupt bit stream with a message', () => {
    // All ones: the first coordinate is past its range.
    let e = corrupted((b) => b.fill(0xff, 92));
    expect((e as Error).message).toMatch(/coordinate of atom 0 outside the frame's range/);
    // All zeros: every atom at minint, no runs, one bit more than a coordinate each (256 × 33
    // bits): the stream ends before the atoms do.
    e = corrupted((b) => b.fill(0, 92));
    expect((e as Error).message).toMatch(/bit stream overruns its \d+-byte block at atom 2\d\d/);
    // A byte count one short of the stream.
    e = corrupted((_, v) => v.setInt32(88, v.getInt32(88, false) - 4, false));
    expect(e).toBeInstanceOf(XtcCorrupt);
  });

  it('returns or throws promptly on thousands of random byte flips', () => {
    const random = prng(20260501);
    const frame = createXtcFrame(256);
    const outcomes = { decoded: 0, corrupt: 0, needMore: 0 };
    let slowest = 0;
    for (let trial = 0; trial < 4000; trial++) {
      const b = bytes.slice(f0, f1);
      const flips = 1 + Math.floor(random() * 3);
      for (let k = 0; k < flips; k++) {
        // Mostly inside the compressed block, sometimes in the header.
        const at = random() < 0.85 ? 92 + Math.floor(random() * (b.length - 92)) : Math.floor(random() * 92);
        b[at] ^= 1 + Math.floor(random() * 255);
      }
      const t0 = performance.now();
      const e = thrown(() => readXtcFrame(xdrCursor(b), frame));
      slowest = Math.max(slowest, performance.now() - t0);
      if (e === undefined) {
        outcomes.decoded++;
        expect(frame.positionsA.every(Number.isFinite)).toBe(true);
      } else if (e === NEED_MORE) outcomes.needMore++;
      else {
        expect(e, String(e)).toBeInstanceOf(XtcCorrupt);
        outcomes.corrupt++;
      }
    }
    console.log(`XTC fuzz: 4000 frames with 1–3 flipped bytes: ${JSON.stringify(outcomes)}, slowest call ${slowest.toFixed(2)} ms`);
    // A flip inside a fixed-width coordinate field only moves that atom (XTC has no checksum);
    // flips that change the stream's structure (run codes, sizes, the header) are caught.
    expect(outcomes.corrupt).toBeGreaterThan(1000);
    expect(slowest).toBeLessThan(250);
  });
});

describe('XTC frames decoded for some atoms only', () => {
  // Every path of the codec: one 33-bit number, 23/53/63-bit numbers, three separate fields,
  // small differences of 10 to 71 bits, MDAnalysis's writer and the 64-bit byte count.
  const files = [...filesWith('.xtc'), 'xtc-magic2023.xtc'].filter((n) => n !== 'seven-atoms.xtc');
  it.each(files)('%s: the wanted atoms exactly as a whole decode gives them, the others untouched', (name) => {
    const whole = decodeAll(cursorOn(name)).frames;
    const natoms = whole[0].natoms;
    const random = prng(7);
    const subsets = [
      [0],
      [natoms - 1],
      [1], // the full coordinate of a run's first step lands second
      Array.from({ length: natoms }, (_, i) => i).filter((i) => i % 7 === 3),
      Array.from({ length: natoms }, (_, i) => i).filter(() => random() < 0.05),
      Array.from({ length: 10 }, (_, i) => natoms - 20 + i),
    ];
    for (const atoms of subsets) {
      const next = xtcWantedAtoms(natoms, Int32Array.from(atoms))!;
      const c = cursorOn(name);
      const frame = createXtcFrame(natoms);
      const wanted = new Set(atoms);
      for (let k = 0; c.pos < c.end; k++) {
        frame.positionsA.fill(-1e9);
        readXtcFrame(c, frame, true, next);
        expect(frame.step).toBe(whole[k].step);
        for (let i = 0; i < natoms; i++) {
          for (let d = 0; d < 3; d++) {
            const got = frame.positionsA[3 * i + d];
            if (wanted.has(i)) expect(got, `frame ${k}, atom ${i}`).toBe(whole[k].positionsA[3 * i + d]);
            else if (got !== -1e9) expect(Math.abs(got - whole[k].positionsA[3 * i + d]), `frame ${k}, atom ${i} (decoded in a wanted atom's step)`).toBe(0);
          }
        }
      }
      expect(c.pos).toBe(c.end);
    }
  });

  it('skips the steps without a wanted atom: few atoms are written', () => {
    const natoms = xtcAtomCount(cursorOn('water-nacl.xtc'));
    const c = cursorOn('water-nacl.xtc');
    const frame = createXtcFrame(natoms);
    frame.positionsA.fill(NaN);
    readXtcFrame(c, frame, true, xtcWantedAtoms(natoms, [natoms - 1]));
    const written = Array.from({ length: natoms }, (_, i) => i).filter((i) => !Number.isNaN(frame.positionsA[3 * i]));
    expect(written).toContain(natoms - 1);
    expect(written.length).toBeLessThanOrEqual(11); // one step: a coordinate and at most 10 small differences
  });

  it('refuses atom numbers outside the frame (the caller then decodes all)', () => {
    expect(xtcWantedAtoms(10, [10])).toBeNull();
    expect(xtcWantedAtoms(10, [-1])).toBeNull();
    expect(Array.from(xtcWantedAtoms(5, [1, 3])!)).toEqual([1, 1, 3, 3, 5, 5]);
  });
});

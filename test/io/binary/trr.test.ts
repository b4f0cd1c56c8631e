import { afterAll, describe, expect, it } from 'vitest';
import {
  TrrCorrupt,
  createTrrFrame,
  createTrrHeader,
  findTrrFrameStart,
  looksLikeTrrFrameStart,
  readTrrFrame,
  readTrrHeader,
  trrAtomCount,
  trrFrameBytes,
  type TrrFrame,
} from '../../../src/io/binary/trr.js';
import { NEED_MORE, xdrCursor, type XdrCursor } from '../../../src/io/binary/xdr.js';
import { Agreement, cursorOn, expectBlock, filesWith, fixtureBytes, lengthsAngles, prng, reference } from './reference.js';

function copy(f: TrrFrame): TrrFrame {
  return {
    ...f,
    boxA: f.boxA.slice(),
    positionsA: f.positionsA.slice(),
    velocitiesAPerPs: f.velocitiesAPerPs?.slice() ?? null,
    forcesKJPerMolA: f.forcesKJPerMolA?.slice() ?? null,
  };
}

function decodeAll(c: XdrCursor, want = { velocities: true, forces: true }): { frames: TrrFrame[]; starts: number[] } {
  const frame = createTrrFrame(trrAtomCount(c), want);
  const frames: TrrFrame[] = [];
  const starts: number[] = [];
  while (c.pos < c.end) {
    starts.push(c.pos);
    readTrrFrame(c, frame);
    frames.push(copy(frame));
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
afterAll(() => agreement.report('TRR'));

describe('TRR frames agree with MDAnalysis', () => {
  // gmx mdrun wrote positions every 10 steps and velocities and forces every 20, so frames 1
  // and 3 have positions only; mda.trr is MDAnalysis's writer; trr-double.trr the same frames in
  // float64.
  for (const name of filesWith('.trr')) {
    it(`${name} (${reference.files[name].made_by})`, () => {
      const ref = reference.files[name];
      const { frames } = decodeAll(cursorOn(name));
      expect(frames.length).toBe(ref.frames.length);
      frames.forEach((f, k) => {
        const r = ref.frames[k];
        expect(f.step).toBe(r.step);
        expect(f.timePs).toBe(r.time);
        expect(f.lambda).toBe(r.lambda);
        expect(f.double).toBe(name === 'trr-double.trr');
        expect({ x: f.hasPositions, v: f.hasVelocities, f: f.hasForces }).toEqual(r.has);
        expect(f.hasBox).toBe(true);
        const cell = lengthsAngles(f.boxA);
        const dev = Math.max(...cell.map((v, i) => Math.abs(v - r.dimensions![i])));
        agreement.note('cell lengths (Å) and angles (°)', dev);
        expect(dev).toBeLessThan(2e-5);
        // MDAnalysis scales the float32 values by 10 in float32; ours are the float32 values × 10.
        expectBlock(f.positionsA, r.positions!, ref.sample_atoms, 1e-5, 2e-4, 2e-7, agreement, 'positions (Å)');
        if (r.has!.v) expectBlock(f.velocitiesAPerPs!, r.velocities!, ref.sample_atoms, 5e-5, 4e-4, 2e-7, agreement, 'velocities (Å/ps)');
        if (r.has!.f) expectBlock(f.forcesKJPerMolA!, r.forces!, ref.sample_atoms, 2e-3, 8e-3, 5e-7, agreement, 'forces (kJ/(mol·Å))');
      });
    });
  }

  it('reads float64 frames to the same values as their float32 originals', () => {
    const single = decodeAll(cursorOn('water-nacl.trr')).frames;
    const double = decodeAll(cursorOn('trr-double.trr')).frames;
    double.forEach((f, k) => {
      expect(f.positionsA).toEqual(single[k].positionsA);
      expect(f.boxA).toEqual(single[k].boxA);
      expect(f.timePs).toBe(single[k].timePs);
    });
  });

  it('skips velocities and forces when not asked for them', () => {
    const c = cursorOn('water-nacl.trr');
    const frame = createTrrFrame(256);
    const all = decodeAll(cursorOn('water-nacl.trr'));
    readTrrFrame(c, frame);
    expect(frame.hasVelocities).toBe(true);
    expect(frame.velocitiesAPerPs).toBeNull();
    expect(frame.positionsA).toEqual(all.frames[0].positionsA);
    expect(c.pos).toBe(all.starts[1]);
  });
});

describe('TRR headers and frame lengths', () => {
  it('parses the header GROMACS writes', () => {
    const h = readTrrHeader(cursorOn('water-nacl.trr'), createTrrHeader());
    // magic, version string (13, 12, "GMX_trn_file"), 13 ints, t and lambda as float32.
    expect(h.headerBytes).toBe(12 + 12 + 52 + 8);
    expect(h).toMatchObject({ natoms: 256, step: 0, nre: 0, realBytes: 4, boxBytes: 36, virialBytes: 0, pressureBytes: 0 });
    expect(h).toMatchObject({ xBytes: 256 * 12, vBytes: 256 * 12, fBytes: 256 * 12 });
    expect(h.frameBytes).toBe(h.headerBytes + 36 + 3 * 256 * 12);
  });

  it('trrFrameBytes gives the distance to the next frame, from the header alone', () => {
    for (const name of ['water-nacl.trr', 'trr-double.trr', 'mda.trr']) {
      const c = cursorOn(name);
      const { starts } = decodeAll(cursorOn(name));
      const walked: number[] = [];
      for (c.pos = 0; c.pos < c.end; c.pos += trrFrameBytes(c)) walked.push(c.pos);
      expect(walked).toEqual(starts);
      expect(c.pos).toBe(c.end);
    }
    // Frames without velocities and forces are shorter.
    const c = cursorOn('water-nacl.trr');
    const first = trrFrameBytes(c);
    c.pos += first;
    expect(first - trrFrameBytes(c)).toBe(2 * 256 * 12);
  });

  it('recognises every frame start and nothing else', () => {
    const bytes = fixtureBytes('water-nacl.trr');
    const { starts } = decodeAll(xdrCursor(bytes));
    for (let p = 0; p < bytes.length; p += 4) {
      expect(looksLikeTrrFrameStart(bytes, p, 256)).toBe(starts.includes(p));
    }
    expect(findTrrFrameStart(bytes, 4, bytes.length, 256)).toBe(starts[1]);
    expect(findTrrFrameStart(bytes, starts[4] + 4, bytes.length, 256)).toBe(-1);
  });
});

describe('TRR: incomplete and invalid data', () => {
  const bytes = fixtureBytes('water-nacl.trr');
  const whole = decodeAll(xdrCursor(bytes));

  it('asks for more bytes, without moving, wherever a frame is cut', () => {
    const frame = createTrrFrame(256, { velocities: true, forces: true });
    const [from, to] = [whole.starts[2], whole.starts[3]];
    const random = prng(7);
    const cuts = [...Array(84).keys()].map((k) => from + k).concat([...Array(200)].map(() => from + Math.floor(random() * (to - from))));
    for (const end of cuts) {
      const c = xdrCursor(bytes, from, end);
      expect(thrown(() => readTrrFrame(c, frame))).toBe(NEED_MORE);
      expect(c.pos).toBe(from);
    }
  });

  it('gives the atom count only once the whole first frame is there', () => {
    for (const end of [4, 100, whole.starts[1] - 1]) expect(thrown(() => trrAtomCount(xdrCursor(bytes, 0, end)))).toBe(NEED_MORE);
    expect(trrAtomCount(xdrCursor(bytes, 0, whole.starts[1]))).toBe(256);
    // A frame declaring atoms but no per-atom block gives no bound on them.
    const b = bytes.slice();
    const v = new DataView(b.buffer);
    for (const at of [24 + 28, 24 + 32, 24 + 36]) v.setInt32(at, 0, false);
    expect((thrown(() => trrAtomCount(xdrCursor(b))) as Error).message).toMatch(/256 atoms but holds no positions/);
  });

  function corrupted(edit: (v: DataView) => void): unknown {
    const b = bytes.slice();
    edit(new DataView(b.buffer));
    return thrown(() => readTrrFrame(xdrCursor(b), createTrrFrame(256)));
  }

  it('rejects a wrong magic number, inconsistent block sizes and blocks TRR files never hold', () => {
    const q = 24; // first of the 13 ints
    const cases: [(v: DataView) => void, RegExp][] = [
      [(v) => v.setInt32(0, 1995, false), /magic number 1993, found 1995/],
      [(v) => v.setInt32(8, 4000, false), /version string of 4000 bytes/],
      [(v) => v.setInt32(q + 28, 256 * 12 + 4, false), /x block of 3076 bytes where 3072 \(or 0\) were expected/],
      [(v) => v.setInt32(q + 8, 40, false), /neither float32 nor float64/],
      [(v) => v.setInt32(q, 100, false), /input record, energies, topology or symbol table/],
      [(v) => v.setInt32(q + 40, -3, false), /negative atom count/],
    ];
    for (const [edit, message] of cases) {
      const e = corrupted(edit);
      expect(e).toBeInstanceOf(TrrCorrupt);
      expect((e as Error).message).toMatch(message);
    }
    expect((corrupted((v) => v.setInt32(q + 40, 255, false)) as Error).message).toMatch(/block sizes|expected/);
    const e = thrown(() => readTrrFrame(xdrCursor(bytes), createTrrFrame(100)));
    expect((e as Error).message).toMatch(/256 atoms where the file's first frame has 100/);
  });
});

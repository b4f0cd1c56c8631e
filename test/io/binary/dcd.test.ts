import { afterAll, describe, expect, it } from 'vitest';
import {
  DcdCorrupt,
  createDcdFrame,
  dcdFrameBytes,
  dcdFrameCount,
  dcdFrameOffset,
  dcdTimePs,
  readDcdFrame,
  readDcdHeader,
  type DcdFrame,
  type DcdHeader,
} from '../../../src/io/binary/dcd.js';
import { NEED_MORE, xdrCursor } from '../../../src/io/binary/xdr.js';
import { Agreement, expectBlock, filesWith, fixtureBytes, lengthsAngles, reference } from './reference.js';

function copy(f: DcdFrame): DcdFrame {
  return { ...f, positionsA: f.positionsA.slice(), cell: f.cell.slice(), boxA: f.boxA.slice() };
}

/** Every frame, read in sequence; frames after the first get the first frame's positions for fixed atoms. */
function decodeAll(bytes: Uint8Array): { header: DcdHeader; frames: DcdFrame[]; starts: number[] } {
  const header = readDcdHeader(bytes);
  const c = xdrCursor(bytes, header.headerBytes);
  const frame = createDcdFrame(header.natoms);
  const frames: DcdFrame[] = [];
  const starts: number[] = [];
  for (let k = 0; c.pos < c.end; k++) {
    starts.push(c.pos);
    readDcdFrame(c, header, k, frame, k > 0 ? frames[0].positionsA : null);
    frames.push(copy(frame));
  }
  return { header, frames, starts };
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
afterAll(() => agreement.report('DCD'));
const CHARMM = 1, HAS_4DIMS = 2, EXTRA_BLOCK = 4; // MDAnalysis's charmm bit field

describe('DCD files agree with MDAnalysis', () => {
  for (const name of filesWith('.dcd')) {
    it(`${name} (${reference.files[name].made_by})`, () => {
      const ref = reference.files[name];
      const bytes = fixtureBytes(name);
      const { header: h, frames } = decodeAll(bytes);
      const rh = ref.dcd_header!;
      expect(h.natoms).toBe(rh.natoms);
      expect(h.istart).toBe(rh.istart);
      expect(h.nsavc).toBe(rh.nsavc);
      expect(h.charmmVersion !== 0).toBe((rh.charmm & CHARMM) !== 0);
      expect(h.hasUnitCell).toBe((rh.charmm & EXTRA_BLOCK) !== 0 && (rh.charmm & CHARMM) !== 0);
      expect(h.has4D).toBe((rh.charmm & HAS_4DIMS) !== 0);
      expect(h.hasUnitCell).toBe(rh.is_periodic === 1);
      // MDAnalysis does not byte-swap DELTA of a big-endian file (see the note in reference.json.gz).
      const timesFrom = name === 'dcd-be.dcd' ? reference.files['dcd-le.dcd'] : ref;
      if (name !== 'dcd-be.dcd') expect(h.delta).toBe(rh.delta);
      expect(frames.length).toBe(ref.frames.length);
      expect(dcdFrameCount(h, bytes.length)).toEqual({ frames: ref.frames.length, partialBytes: 0 });
      frames.forEach((f, k) => {
        const r = ref.frames[k];
        expect(dcdTimePs(h, k)).toBeCloseTo(timesFrom.frames[k].time, 12);
        expect(f.hasCell).toBe(r.dimensions !== null);
        if (r.dimensions !== null) {
          const dev = Math.max(...[...f.cell].map((v, i) => Math.abs(v - r.dimensions![i]) / Math.abs(r.dimensions![i])));
          agreement.note('cell lengths and angles (relative)', dev);
          expect(dev).toBeLessThan(5e-7);
          // The cell vectors have the same lengths and angles.
          const fromVectors = lengthsAngles(f.boxA);
          fromVectors.forEach((v, i) => expect(v).toBeCloseTo(f.cell[i], 9));
        }
        // Both sides hold the file's float32 values: they agree exactly.
        expectBlock(f.positionsA, r.positions!, ref.sample_atoms, 0, 1e-8, 1e-12, agreement, 'positions (Å)');
      });
    });
  }

  it('reads 8-byte record markers and 4-D files as the same frames as the plain file', () => {
    const plain = decodeAll(fixtureBytes('dcd-le.dcd'));
    for (const name of ['dcd-marker8.dcd', 'dcd-4d.dcd']) {
      const other = decodeAll(fixtureBytes(name));
      expect(other.header.markerBytes).toBe(name === 'dcd-marker8.dcd' ? 8 : 4);
      expect(other.header.has4D).toBe(name === 'dcd-4d.dcd');
      expect(other.frames.length).toBe(plain.frames.length);
      other.frames.forEach((f, k) => {
        expect(f.positionsA).toEqual(plain.frames[k].positionsA);
        expect(f.cell).toEqual(plain.frames[k].cell);
      });
    }
  });

  it('reads the same frames from a buffer at an unaligned offset', () => {
    const plain = fixtureBytes('dcd-le.dcd');
    const shifted = new Uint8Array(plain.length + 1).subarray(1);
    shifted.set(plain);
    expect(decodeAll(shifted).frames).toEqual(decodeAll(plain).frames);
  });

  it('reads a big-endian file as the same frames and header', () => {
    const le = decodeAll(fixtureBytes('dcd-le.dcd'));
    const be = decodeAll(fixtureBytes('dcd-be.dcd'));
    expect(be.header.littleEndian).toBe(false);
    expect({ ...be.header, littleEndian: true }).toEqual(le.header);
    be.frames.forEach((f, k) => expect(f).toEqual(le.frames[k]));
  });
});

describe('DCD layout and frame arithmetic', () => {
  it('computes the header length and the frame sizes of a CHARMM file with a cell', () => {
    const h = readDcdHeader(fixtureBytes('dcd-le.dcd'));
    // 84-byte control record, one 80-character title, the atom count; each with two 4-byte markers.
    expect(h.headerBytes).toBe(92 + 92 + 12);
    expect(h.frameBytes).toBe(56 + 3 * (8 + 4 * 256));
    expect(h.firstFrameBytes).toBe(h.frameBytes);
    expect(h.titles).toEqual(['REMARKS mdpost test fixture']);
    expect(h.delta).toBe(0.5);
  });

  it('finds frame k by arithmetic: the offsets are where sequential reading arrives', () => {
    for (const name of ['dcd-le.dcd', 'dcd-fixed.dcd', 'dcd-marker8.dcd', 'dcd-4d.dcd', 'dcd-xplor.dcd']) {
      const { header, starts, frames } = decodeAll(fixtureBytes(name));
      starts.forEach((s, k) => {
        expect(dcdFrameOffset(header, k)).toBe(s);
        if (k + 1 < starts.length) expect(starts[k + 1] - s).toBe(dcdFrameBytes(header, k));
      });
      // Random access: the last frame alone.
      const k = frames.length - 1;
      const c = xdrCursor(fixtureBytes(name), dcdFrameOffset(header, k));
      const f = createDcdFrame(header.natoms);
      readDcdFrame(c, header, k, f, frames[0].positionsA);
      expect(f.positionsA).toEqual(frames[k].positionsA);
    }
  });

  it('reads fixed atoms: the first frame holds all atoms, later ones only the free ones', () => {
    const { header, frames } = decodeAll(fixtureBytes('dcd-fixed.dcd'));
    const free = [...Array(256).keys()].filter((i) => i % 3 === 0 || i >= 252);
    expect(header.nfixed).toBe(256 - free.length);
    expect([...header.freeAtoms!]).toEqual(free);
    expect(header.firstFrameBytes - header.frameBytes).toBe(3 * 4 * header.nfixed);
    // A fixed atom stays where frame 0 put it; a free one moves.
    expect(frames[2].positionsA.slice(3, 6)).toEqual(frames[0].positionsA.slice(3, 6));
    expect(frames[2].positionsA.slice(0, 3)).not.toEqual(frames[0].positionsA.slice(0, 3));
    const c = xdrCursor(fixtureBytes('dcd-fixed.dcd'), dcdFrameOffset(header, 1));
    expect(() => readDcdFrame(c, header, 1, createDcdFrame(256), null)).toThrow(/first frame positions/);
  });

  it('tells the cell conventions apart as VMD and MDAnalysis do', () => {
    const conv = (name: string) => decodeAll(fixtureBytes(name)).frames[0];
    expect(conv('dcd-le.dcd').cellConvention).toBe('cosines');
    expect(conv('dcd-degrees.dcd').cellConvention).toBe('degrees');
    expect(conv('dcd-degrees.dcd').cell).toEqual(conv('dcd-le.dcd').cell);
    const shape = conv('dcd-shape.dcd');
    expect(shape.cellConvention).toBe('shape-matrix');
    // The symmetric matrix's rows are the cell vectors.
    expect([...shape.boxA]).toEqual([30, -2, 1.5, -2, 28, 0.8, 1.5, 0.8, 25]);
    const lammps = conv('dcd-lammps.dcd');
    expect(lammps.cellConvention).toBe('cosines');
    expect([...lammps.boxA]).toEqual([23.5, 0, 0, 0, 24, 0, 0, 0, 24.5]);
    expect([...lammps.cell]).toEqual([23.5, 24, 24.5, 90, 90, 90]);
    for (const name of ['mda-nocell.dcd', 'dcd-xplor.dcd']) {
      expect(conv(name).hasCell).toBe(false);
      expect(conv(name).cellConvention).toBe('none');
    }
    // The dodecahedron: a = (16, 0, 0), b = (0, 16, 0), c = (8, 8, 11.31).
    const m = conv('dcd-le.dcd').boxA;
    [16, 0, 0, 0, 16, 0, 8, 8, 11.3137].forEach((v, i) => expect(m[i]).toBeCloseTo(v, 3));
  });
});

describe('DCD: incomplete and invalid data', () => {
  const bytes = fixtureBytes('dcd-fixed.dcd');
  const { header, starts } = decodeAll(bytes);

  it('asks for more bytes until the header and the first frame are there (bounding NATOM by the bytes read)', () => {
    const needed = header.headerBytes + header.firstFrameBytes;
    for (let end = 0; end < needed; end += end < header.headerBytes ? 1 : 13) {
      expect(thrown(() => readDcdHeader(bytes, end)), `cut at ${end}`).toBe(NEED_MORE);
    }
    expect(readDcdHeader(bytes, needed).natoms).toBe(256);
    // A corrupt atom count far beyond the file asks for bytes that never come; nothing is allocated.
    const b = bytes.slice();
    new DataView(b.buffer).setInt32(188, 2 ** 30, true);
    expect(thrown(() => readDcdHeader(b))).toBe(NEED_MORE);
  });

  it('asks for more bytes, without moving, wherever a frame is cut', () => {
    const frame = createDcdFrame(256);
    for (let end = starts[1]; end < starts[2]; end += 7) {
      const c = xdrCursor(bytes, starts[1], end);
      expect(thrown(() => readDcdFrame(c, header, 1, frame, frame.positionsA))).toBe(NEED_MORE);
      expect(c.pos).toBe(starts[1]);
    }
  });

  function headerError(edit: (v: DataView, b: Uint8Array) => void): unknown {
    const b = bytes.slice();
    edit(new DataView(b.buffer), b);
    return thrown(() => readDcdHeader(b));
  }

  it('rejects what is not a DCD header, saying what was wrong', () => {
    const cases: [(v: DataView, b: Uint8Array) => void, RegExp][] = [
      [(v) => v.setInt32(0, 85, true), /not a DCD file/],
      [(_, b) => b.set([0x56, 0x45, 0x4c, 0x44], 4), /not a DCD file/],
      [(v) => v.setInt32(88, 80, true), /first record does not end with its length 84/],
      [(v) => v.setInt32(92, 85, true), /title record of 85 bytes/],
      [(v) => v.setInt32(96, 5, true), /title record of 84 bytes does not hold its 5 lines/],
      [(v) => v.setInt32(184, 8, true), /atom-count record is not 4 bytes long/],
      [(v) => v.setInt32(188, 0, true), /atom count 0/],
      [(v) => v.setInt32(4 + 4 + 32, 300, true), /300 fixed atoms of 256/],
      [(v) => v.setInt32(header.headerBytes - 8, 999, true), /free atom index 999 outside 1…256/],
    ];
    for (const [edit, message] of cases) {
      const e = headerError(edit);
      expect(e).toBeInstanceOf(DcdCorrupt);
      expect((e as Error).message).toMatch(message);
    }
  });

  it('rejects a frame whose record markers disagree with the header', () => {
    const b = bytes.slice();
    const v = new DataView(b.buffer);
    const frame = createDcdFrame(256);
    // Frame 1: cell record, then X of the free atoms; spoil the Y record's leading marker.
    const yAt = starts[1] + 56 + 8 + 4 * header.freeAtoms!.length;
    v.setInt32(yAt, 12, true);
    let e = thrown(() => readDcdFrame(xdrCursor(b, starts[1]), header, 1, frame, frame.positionsA));
    expect((e as Error).message).toMatch(/frame 1: coordinate record Y is not 352 bytes long \(88 atoms\)/);
    v.setInt32(starts[1], 40, true);
    e = thrown(() => readDcdFrame(xdrCursor(b, starts[1]), header, 1, frame, frame.positionsA));
    expect(e).toBeInstanceOf(DcdCorrupt);
    expect((e as Error).message).toMatch(/frame 1: unit-cell record is not 48 bytes long/);
  });
});

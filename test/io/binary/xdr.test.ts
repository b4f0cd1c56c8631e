import { describe, expect, it } from 'vitest';
import {
  BinaryFormatError,
  NEED_MORE,
  padded4,
  readFloat32,
  readFloat32ArrayBE,
  readFloat64,
  readInt32,
  readInt64,
  readOpaque,
  readString,
  readUint32,
  skipOpaque,
  xdrCursor,
} from '../../../src/io/binary/xdr.js';

/** XDR (RFC 4506): big-endian integers and IEEE floats, opaque data padded to four bytes. */
describe('XDR primitives', () => {
  it('reads big-endian integers and floats', () => {
    const c = xdrCursor(
      Uint8Array.from([
        0xff, 0xff, 0xff, 0xfe, // int32 −2
        0xff, 0xff, 0xff, 0xfe, // uint32 4294967294
        0x3f, 0xc0, 0x00, 0x00, // float32 1.5
        0xc0, 0x02, 0, 0, 0, 0, 0, 0, // float64 −2.25
        0, 0, 0, 1, 0, 0, 0, 2, // int64 2^32 + 2
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfd, // int64 −3
      ]),
    );
    expect(readInt32(c)).toBe(-2);
    expect(readUint32(c)).toBe(4294967294);
    expect(readFloat32(c)).toBe(1.5);
    expect(readFloat64(c)).toBe(-2.25);
    expect(readInt64(c)).toBe(4294967298);
    expect(readInt64(c)).toBe(-3);
    expect(c.pos).toBe(c.end);
  });

  it('signals NEED_MORE, without moving, when a value passes the end', () => {
    const c = xdrCursor(new Uint8Array(16), 10, 13);
    for (const read of [readInt32, readUint32, readFloat32, readFloat64, readInt64]) {
      expect(() => read(c)).toThrow();
      try {
        read(c);
      } catch (e) {
        expect(e).toBe(NEED_MORE);
      }
      expect(c.pos).toBe(10);
    }
  });

  it('refuses a 64-bit integer beyond 2^53 as an error, not a rounded number', () => {
    const c = xdrCursor(Uint8Array.from([0x00, 0x40, 0, 0, 0, 0, 0, 0]));
    expect(() => readInt64(c)).toThrow(BinaryFormatError);
  });

  it('pads opaque data to four bytes', () => {
    expect([0, 1, 2, 3, 4, 5].map(padded4)).toEqual([0, 4, 4, 4, 4, 8]);
    const c = xdrCursor(Uint8Array.from([1, 2, 3, 4, 5, 0, 0, 0, 9, 9, 9, 9]));
    expect([...readOpaque(c, 5)]).toEqual([1, 2, 3, 4, 5]);
    expect(c.pos).toBe(8);
    expect(skipOpaque(c, 4)).toBe(8);
    expect(c.pos).toBe(12);
    expect(() => skipOpaque(xdrCursor(new Uint8Array(7)), 5)).toThrow();
  });

  it('reads a string with its length, and refuses an implausible length', () => {
    const bytes = Uint8Array.from([0, 0, 0, 12, ...Buffer.from('GMX_trn_file'), 0, 0, 0, 7]);
    const c = xdrCursor(bytes);
    expect(readString(c, 128)).toBe('GMX_trn_file');
    expect(readInt32(c)).toBe(7);
    expect(() => readString(xdrCursor(bytes), 8)).toThrow(/string of 12 bytes where at most 8/);
    const cut = xdrCursor(bytes, 0, 10);
    expect(() => readString(cut, 128)).toThrow();
    expect(cut.pos).toBe(0);
  });

  it('reads float arrays into strided slots, scaled', () => {
    const bytes = new Uint8Array(12);
    const v = new DataView(bytes.buffer);
    [1.5, -2, 0.25].forEach((x, i) => v.setFloat32(4 * i, x, false));
    const out = new Float64Array(9);
    readFloat32ArrayBE(v, 0, 3, out, 1, 3, 10);
    expect([...out]).toEqual([0, 15, 0, 0, -20, 0, 0, 2.5, 0]);
  });
});

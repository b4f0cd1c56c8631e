import { NEED_MORE } from '../scanner.js';

/**
 * Big-endian primitives of XDR (RFC 4506), the encoding of GROMACS XTC and TRR files: 32-bit
 * integers and IEEE floats in network byte order, 64-bit "hyper" integers and doubles, and opaque
 * byte strings padded with zeros to a multiple of four bytes.
 *
 * A cursor reads buffer bytes [pos, end). A read that would pass `end` throws `NEED_MORE` (the
 * streaming reader's signal to refill and parse the frame again from its start), never an error:
 * whether more bytes can come is the reader's knowledge, not the decoder's. Content that cannot
 * be a valid file throws a `BinaryFormatError`.
 */
export { NEED_MORE };

export interface XdrCursor {
  bytes: Uint8Array;
  /** A DataView over the same memory as `bytes` (same byte offset), for multi-byte numbers. */
  view: DataView;
  /** Read position, an index into `bytes`. */
  pos: number;
  /** End of valid data, an index into `bytes`. */
  end: number;
}

/** Malformed binary trajectory content. `offset` indexes the decoder's byte buffer. */
export class BinaryFormatError extends Error {
  override name = 'BinaryFormatError';
  constructor(
    /** What was expected and what was found. */
    readonly detail: string,
    /** Where in the buffer the offending field (or frame) begins. */
    readonly offset: number,
  ) {
    super(`${detail} (at byte ${offset} of the buffer)`);
  }
}

export function xdrCursor(bytes: Uint8Array, pos = 0, end = bytes.length): XdrCursor {
  return { bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), pos, end };
}

/** Require `n` more bytes from `pos`. */
export function need(c: XdrCursor, n: number): void {
  if (c.pos + n > c.end) throw NEED_MORE;
}

/** Bytes a field of `n` bytes occupies once padded to a multiple of 4. */
export function padded4(n: number): number {
  return n + ((4 - (n % 4)) % 4);
}

export function readInt32(c: XdrCursor): number {
  if (c.pos + 4 > c.end) throw NEED_MORE;
  const v = c.view.getInt32(c.pos, false);
  c.pos += 4;
  return v;
}

export function readUint32(c: XdrCursor): number {
  if (c.pos + 4 > c.end) throw NEED_MORE;
  const v = c.view.getUint32(c.pos, false);
  c.pos += 4;
  return v;
}

/**
 * A 64-bit signed integer as a number. Values beyond ±2^53 cannot be byte counts or steps of a
 * real file, so they raise an error rather than lose digits silently.
 */
export function readInt64(c: XdrCursor): number {
  if (c.pos + 8 > c.end) throw NEED_MORE;
  const hi = c.view.getInt32(c.pos, false);
  const lo = c.view.getUint32(c.pos + 4, false);
  if (hi >= 0x200000 || hi < -0x200000) throw new BinaryFormatError(`64-bit integer out of range (high word ${hi})`, c.pos);
  c.pos += 8;
  return hi * 4294967296 + lo;
}

export function readFloat32(c: XdrCursor): number {
  if (c.pos + 4 > c.end) throw NEED_MORE;
  const v = c.view.getFloat32(c.pos, false);
  c.pos += 4;
  return v;
}

export function readFloat64(c: XdrCursor): number {
  if (c.pos + 8 > c.end) throw NEED_MORE;
  const v = c.view.getFloat64(c.pos, false);
  c.pos += 8;
  return v;
}

/** Skip an opaque field of `n` bytes and its padding; returns where its data began. */
export function skipOpaque(c: XdrCursor, n: number): number {
  const start = c.pos;
  const len = padded4(n);
  if (start + len > c.end) throw NEED_MORE;
  c.pos = start + len;
  return start;
}

/** An opaque field of `n` bytes (a view, no copy), its padding skipped. */
export function readOpaque(c: XdrCursor, n: number): Uint8Array {
  const start = skipOpaque(c, n);
  return c.bytes.subarray(start, start + n);
}

/**
 * An XDR string: a 32-bit length, then the bytes padded to four. `maxBytes` bounds the length
 * (a string field of a trajectory header is short; a huge length means corrupt data).
 */
export function readString(c: XdrCursor, maxBytes: number): string {
  const at = c.pos;
  if (at + 4 > c.end) throw NEED_MORE;
  const n = c.view.getUint32(at, false);
  if (n > maxBytes) throw new BinaryFormatError(`string of ${n} bytes where at most ${maxBytes} were expected`, at);
  if (at + 4 + padded4(n) > c.end) throw NEED_MORE;
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(c.bytes[at + 4 + i]);
  c.pos = at + 4 + padded4(n);
  return s;
}

/**
 * Big-endian float32 array at byte `p` of `view` into `out[o], out[o + stride], …` (n values)
 * times `scale`. The caller has checked that the bytes are there.
 */
export function readFloat32ArrayBE(view: DataView, p: number, n: number, out: Float64Array, o: number, stride: number, scale: number): void {
  for (let i = 0; i < n; i++, p += 4, o += stride) out[o] = view.getFloat32(p, false) * scale;
}

/** As readFloat32ArrayBE, for float64 values. */
export function readFloat64ArrayBE(view: DataView, p: number, n: number, out: Float64Array, o: number, stride: number, scale: number): void {
  for (let i = 0; i < n; i++, p += 8, o += stride) out[o] = view.getFloat64(p, false) * scale;
}

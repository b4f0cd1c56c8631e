import { BinaryFormatError, NEED_MORE, padded4, type XdrCursor } from './xdr.js';
import { WasmXtcDecoder } from './xtc-wasm.js';

/**
 * GROMACS XTC frames: positions quantised to 1/precision nm and packed by Frans van Hoesel's
 * `xdr3dfcoord` scheme (GROMACS src/gromacs/fileio/libxdrf.cpp; the XTC section of the GROMACS
 * manual's file-format reference).
 *
 * A frame is, in XDR (big-endian, 4-byte words):
 *
 *   magic (1995, or 2023 for files with a 64-bit byte count), natoms, step (int32), time (float32, ps),
 *   box (9 float32, nm: rows are the cell vectors a, b, c), natoms again, then
 *   - natoms ≤ 9: 3·natoms float32, uncompressed;
 *   - otherwise: precision (float32), minint[3], maxint[3], smallidx (int32), the byte count of the
 *     compressed block (int32; int64 with magic 2023), and the block, padded to 4 bytes.
 *
 * The block is a bit stream (most significant bit first). Each step reads one atom's integer
 * coordinates relative to minint, either as three separate fields of sizeofint(maxint − minint + 1)
 * bits (when a range exceeds 2^24) or as one mixed-radix number of sizeofints(ranges) bits; then a
 * flag bit, and when it is set a 5-bit code: code mod 3 − 1 is the change of smallidx after this
 * step (−1, 0, +1) and code − code mod 3 is the new run length, in integers (three per atom). The
 * run (it persists while the flag is 0) lists the following atoms as differences from the previous
 * one, each a mixed-radix triple of `smallidx` bits in base magicints[smallidx], offset by
 * magicints[smallidx] / 2. The writer swapped the first two atoms of a run (water: it writes H
 * first, then O, whose difference is small), so the reader swaps them back.
 *
 * A mixed-radix number of b bits is stored as bytes, least significant byte first, each byte's
 * bits most significant first, the last byte holding the b mod 8 remaining bits.
 *
 * Positions come out in Å (nm × 10) as the exact value integer / precision, in double precision.
 *
 * The bit stream is decoded by the WebAssembly build of the same decoder (xtc-wasm.ts) when it is
 * there, to the same numbers bit for bit; the JavaScript decoder below is the specification and
 * the fallback: a frame the WebAssembly one refuses is decoded again here, which says what is wrong.
 */
export const XTC_MAGIC = 1995;
/** GROMACS ≥ 2023 writes this magic, and a 64-bit byte count, for systems over ~298 M atoms. */
export const XTC_MAGIC_LONG = 2023;

/** Malformed XTC content: what was wrong, and where (an index into the decoder's buffer). */
export class XtcCorrupt extends BinaryFormatError {
  override name = 'XtcCorrupt';
}

export interface XtcFrame {
  /** Atom count (fixed for the file). */
  readonly natoms: number;
  step: number;
  timePs: number;
  /** 1/nm, as stored; 0 when the coordinates are stored uncompressed (≤ 9 atoms). */
  precision: number;
  /** Cell vectors a, b, c as rows [ax ay az bx by bz cx cy cz], Å; all zero when the file has no cell. */
  readonly boxA: Float64Array;
  /** x0 y0 z0 x1 …, Å. */
  readonly positionsA: Float64Array;
}

/**
 * A frame to decode into. Frames of more than 9 atoms are compressed: their WebAssembly decoder,
 * when there is one, is made here, and positionsA is a view of its memory, which it decodes into.
 */
export function createXtcFrame(natoms: number): XtcFrame {
  const wasm = natoms > MAX_UNCOMPRESSED_ATOMS ? WasmXtcDecoder.create(natoms, maxXtcBlockBytes(natoms)) : null;
  const frame: XtcFrame = {
    natoms,
    step: 0,
    timePs: 0,
    precision: 0,
    boxA: new Float64Array(9),
    positionsA: wasm ? wasm.positions : new Float64Array(3 * natoms),
  };
  wasmDecoders.set(frame, wasm);
  return frame;
}

const NM_TO_A = 10;
/** magic, natoms, step, time, box[9], natoms: the part every frame has. */
const COMMON_BYTES = 56;
/** COMMON_BYTES + precision, minint[3], maxint[3], smallidx: then the byte count. */
const COMPRESSED_FIXED_BYTES = 88;
const MAX_UNCOMPRESSED_ATOMS = 9;
/**
 * Base of the small differences by smallidx; magicints[i]^3 just fits in i bits. From the
 * format definition (libxdrf.cpp): the writer and every reader share this table.
 */
const MAGICINTS = Int32Array.from([
  0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 10, 12, 16, 20, 25, 32, 40, 50, 64, 80, 101, 128, 161, 203, 256, 322, 406, 512, 645, 812,
  1024, 1290, 1625, 2048, 2580, 3250, 4096, 5060, 6501, 8192, 10321, 13003, 16384, 20642, 26007, 32768, 41285, 52015,
  65536, 82570, 104031, 131072, 165140, 208063, 262144, 330280, 416127, 524287, 660561, 832255, 1048576, 1321122,
  1664510, 2097152, 2642245, 3329021, 4194304, 5284491, 6658042, 8388607, 10568983, 13316085, 16777216,
]);
const FIRSTIDX = 9;
const LASTIDX = MAGICINTS.length;
/**
 * Most and fewest bits one atom can take: a 3 × 32-bit coordinate and a 6-bit run code (an atom
 * inside a run takes at most 72); a 1-bit coordinate (all atoms at one point) and the flag bit.
 * They bound the byte count of a frame of n atoms, and so n by the bytes present.
 */
const MAX_BITS_PER_ATOM = 102;
const MIN_BITS_PER_ATOM = 2;
/**
 * Bytes one decoding step can read past the position checked at its start: a coordinate (96 bits),
 * the run code and up to ten small triples of 72 bits, plus the 4-byte window of a read. The bit
 * reader is given this much readable memory past the block, so that only the check at each step
 * is needed.
 */
const READ_AHEAD = 128;

/** Largest byte count the compressed block of a valid frame of `natoms` atoms can have. */
export function maxXtcBlockBytes(natoms: number): number {
  return Math.ceil((natoms * MAX_BITS_PER_ATOM) / 8);
}

/** Smallest byte count the compressed block of a valid frame of `natoms` (> 9) atoms can have. */
export function minXtcBlockBytes(natoms: number): number {
  return Math.ceil((natoms * MIN_BITS_PER_ATOM) / 8);
}

function corrupt(detail: string, at: number): XtcCorrupt {
  return new XtcCorrupt(`XTC: ${detail}`, at);
}

/**
 * Atom count of the frame at `c.pos` (XTC files keep one count throughout). Does not move the
 * cursor. The count is returned only once the whole frame is in [pos, end) (else NEED_MORE): a
 * frame takes at least natoms / 4 bytes, so arrays allocated for the count are bounded by the bytes
 * actually read, whatever a corrupt header says.
 */
export function xtcAtomCount(c: XdrCursor): number {
  const size = xtcFrameBytes(c);
  if (c.pos + size > c.end) throw NEED_MORE;
  return c.view.getInt32(c.pos + 4, false);
}

function checkMagic(magic: number, at: number): void {
  if (magic !== XTC_MAGIC && magic !== XTC_MAGIC_LONG) {
    throw corrupt(`expected the frame magic number ${XTC_MAGIC} (or ${XTC_MAGIC_LONG}), found ${magic}`, at);
  }
}

/**
 * Length in bytes of the frame at `c.pos`, from its header and the byte count of its compressed
 * block alone (for skipping frames and cutting a file into slices). Does not move the cursor.
 * Throws NEED_MORE when the header is not all in [pos, end).
 */
export function xtcFrameBytes(c: XdrCursor): number {
  const p = c.pos;
  const v = c.view;
  if (p + COMMON_BYTES > c.end) throw NEED_MORE;
  const magic = v.getInt32(p, false);
  checkMagic(magic, p);
  const natoms = v.getInt32(p + 4, false);
  if (natoms < 0) throw corrupt(`negative atom count ${natoms}`, p + 4);
  const again = v.getInt32(p + 52, false);
  if (again !== natoms) throw corrupt(`atom count ${natoms} in the header but ${again} before the coordinates`, p + 52);
  if (natoms <= MAX_UNCOMPRESSED_ATOMS) return COMMON_BYTES + 12 * natoms;
  const countBytes = magic === XTC_MAGIC_LONG ? 8 : 4;
  if (p + COMPRESSED_FIXED_BYTES + countBytes > c.end) throw NEED_MORE;
  const nbytes = blockBytes(v, p, magic, natoms);
  return COMPRESSED_FIXED_BYTES + countBytes + padded4(nbytes);
}

/** The compressed block's byte count, checked against what `natoms` atoms can take. */
function blockBytes(v: DataView, p: number, magic: number, natoms: number): number {
  const at = p + COMPRESSED_FIXED_BYTES;
  let nbytes: number;
  if (magic === XTC_MAGIC_LONG) {
    const hi = v.getInt32(at, false);
    const lo = v.getUint32(at + 4, false);
    nbytes = hi >= 0 && hi < 0x200000 ? hi * 4294967296 + lo : -1;
  } else {
    nbytes = v.getInt32(at, false);
  }
  if (nbytes < minXtcBlockBytes(natoms) || nbytes > maxXtcBlockBytes(natoms)) {
    throw corrupt(
      `compressed block of ${nbytes} bytes for ${natoms} atoms (${minXtcBlockBytes(natoms)} to ${maxXtcBlockBytes(natoms)} possible)`,
      at,
    );
  }
  return nbytes;
}

/**
 * For decoding some atoms only: entry i is the first wanted atom at or after atom i, `natoms`
 * when there is none (length natoms + 1). Null when `atoms` names one outside the frame.
 */
export function xtcWantedAtoms(natoms: number, atoms: ArrayLike<number>): Int32Array | null {
  const next = new Int32Array(natoms + 1);
  const wanted = new Uint8Array(natoms);
  for (let k = 0; k < atoms.length; k++) {
    const a = atoms[k];
    if (!(a >= 0 && a < natoms)) return null;
    wanted[a] = 1;
  }
  next[natoms] = natoms;
  for (let i = natoms - 1; i >= 0; i--) next[i] = wanted[i] ? i : next[i + 1];
  return next;
}

/**
 * Decode the frame at `c.pos` into `frame` and move the cursor to the next frame. With
 * `coordinates` false, only the step, time, box and precision are read and the coordinates are
 * skipped (frame striding, file summaries). With `nextWanted` (xtcWantedAtoms), only the steps of
 * the bit stream that hold a wanted atom are decoded: the others are stepped over by their bit
 * lengths, which the stream's run codes give without decoding the values, so the positions of
 * the atoms not wanted are left as they were (and their values are not range-checked; the
 * block's byte count still is). Throws NEED_MORE, leaving the cursor where it was,
 * when the frame is not all in [pos, end); XtcCorrupt when the frame cannot be valid.
 */
export function readXtcFrame(c: XdrCursor, frame: XtcFrame, coordinates = true, nextWanted: Int32Array | null = null): void {
  const p = c.pos;
  const v = c.view;
  const size = xtcFrameBytes(c);
  if (p + size > c.end) throw NEED_MORE;
  const natoms = v.getInt32(p + 4, false);
  if (natoms !== frame.natoms) {
    throw corrupt(`frame has ${natoms} atoms where the file's first frame has ${frame.natoms}`, p + 4);
  }
  frame.step = v.getInt32(p + 8, false);
  frame.timePs = v.getFloat32(p + 12, false);
  const box = frame.boxA;
  for (let k = 0; k < 9; k++) box[k] = v.getFloat32(p + 16 + 4 * k, false) * NM_TO_A;
  const out = frame.positionsA;
  if (natoms <= MAX_UNCOMPRESSED_ATOMS) {
    frame.precision = 0;
    if (coordinates) {
      for (let k = 0, q = p + COMMON_BYTES; k < 3 * natoms; k++, q += 4) out[k] = v.getFloat32(q, false) * NM_TO_A;
    }
    c.pos = p + size;
    return;
  }
  const precision = v.getFloat32(p + 56, false);
  if (!(precision > 0) || !Number.isFinite(precision)) throw corrupt(`precision ${precision} is not a positive number`, p + 56);
  frame.precision = precision;
  if (coordinates) {
    const magic = v.getInt32(p, false);
    const countBytes = magic === XTC_MAGIC_LONG ? 8 : 4;
    const nbytes = blockBytes(v, p, magic, natoms);
    const wasm = wasmDecoderOf(frame);
    decodeCoordinates(c.bytes, v, p, p + COMPRESSED_FIXED_BYTES + countBytes, nbytes, natoms, NM_TO_A / precision, out, nextWanted, wasm);
  }
  c.pos = p + size;
}

/**
 * Each frame's WebAssembly decoder (null: the JavaScript one), with its memory sized for the
 * frame's atom count: made with the frame, or at its first compressed frame for frames made
 * elsewhere.
 */
const wasmDecoders = new WeakMap<XtcFrame, WasmXtcDecoder | null>();

function wasmDecoderOf(frame: XtcFrame): WasmXtcDecoder | null {
  let d = wasmDecoders.get(frame);
  if (d === undefined) {
    d = WasmXtcDecoder.create(frame.natoms, maxXtcBlockBytes(frame.natoms));
    wasmDecoders.set(frame, d);
  }
  return d;
}

/** Read buffer for blocks that end too close to the end of the caller's buffer. */
let spare = new Uint8Array(0);
/** Results of the out-of-line reads: up to three integers, and the bit reader's new byte and bit. */
const wide = new Float64Array(3);
const at = new Int32Array(2);
/** Little-endian bytes of a mixed-radix number, for the long-division path. */
const radixBytes = new Float64Array(16);

/** Bits needed for the integers 0 … size − 1 when they are written separately (at most 32). */
function sizeofint(size: number): number {
  let bits = 0;
  let num = 1;
  while (size >= num && bits < 32) {
    bits++;
    num *= 2;
  }
  return bits;
}

/** Bits of the product of the three sizes: the length of a mixed-radix triple (at most 72). */
function sizeofints3(s0: number, s1: number, s2: number): number {
  const bytes = radixBytes;
  bytes[0] = 1;
  let n = 1;
  for (let i = 0; i < 3; i++) {
    const s = i === 0 ? s0 : i === 1 ? s1 : s2;
    let carry = 0;
    for (let k = 0; k < n; k++) {
      const t = bytes[k] * s + carry;
      bytes[k] = t % 256;
      carry = Math.floor(t / 256);
    }
    while (carry !== 0) {
      bytes[n++] = carry % 256;
      carry = Math.floor(carry / 256);
    }
  }
  let bits = 0;
  for (let num = 1; bytes[n - 1] >= num; num *= 2) bits++;
  return bits + 8 * (n - 1);
}

/**
 * The bit groups of an m-bit value (m ≤ 25) read most significant first, reordered as the bytes
 * of a little-endian number: the first 8 bits are the low byte, and so on, the last group short.
 */
function groupsLE(v: number, m: number): number {
  if (m <= 8) return v;
  if (m <= 16) return (v >>> (m - 8)) | ((v & ((1 << (m - 8)) - 1)) << 8);
  if (m <= 24) return (v >>> (m - 8)) | (((v >>> (m - 16)) & 255) << 8) | ((v & ((1 << (m - 16)) - 1)) << 16);
  return (v >>> (m - 8)) | (((v >>> (m - 16)) & 255) << 8) | (((v >>> (m - 24)) & 255) << 16) | ((v & ((1 << (m - 24)) - 1)) << 24);
}

/**
 * A mixed-radix number of `bits` bits (≤ 53) from the stream at byte p, bit o, as a double; the
 * reader's new position goes to at[0], at[1].
 */
function readRadix53(buf: Uint8Array, p: number, o: number, bits: number): number {
  let value = 0;
  let scale = 1;
  while (bits > 0) {
    const m = bits > 24 ? 24 : bits;
    const w = (buf[p] << 24) | (buf[p + 1] << 16) | (buf[p + 2] << 8) | buf[p + 3];
    const g = (w << o) >>> (32 - m);
    o += m;
    p += o >>> 3;
    o &= 7;
    value += groupsLE(g, m) * scale;
    scale *= 16777216;
    bits -= m;
  }
  at[0] = p;
  at[1] = o;
  return value;
}

/**
 * A mixed-radix triple of any length (up to 72 bits) split by long division over its bytes, as
 * the format's reference reader does; results in wide[0..2], new position in at[0], at[1].
 * Returns false when the number is too large for the sizes (corrupt data).
 */
function readRadixWide(buf: Uint8Array, p: number, o: number, bits: number, s0: number, s1: number, s2: number): boolean {
  const bytes = radixBytes;
  let n = 0;
  while (bits > 0) {
    const m = bits > 8 ? 8 : bits;
    const w = (buf[p] << 8) | buf[p + 1];
    bytes[n++] = ((w << o) & 0xffff) >>> (16 - m);
    o += m;
    p += o >>> 3;
    o &= 7;
    bits -= m;
  }
  for (let i = 2; i > 0; i--) {
    const s = i === 2 ? s2 : s1;
    let rem = 0;
    for (let j = n - 1; j >= 0; j--) {
      const num = rem * 256 + bytes[j];
      const q = Math.floor(num / s);
      bytes[j] = q;
      rem = num - q * s;
    }
    wide[i] = rem;
  }
  for (let j = 4; j < n; j++) if (bytes[j] !== 0) return false;
  const first = bytes[0] + bytes[1] * 256 + bytes[2] * 65536 + bytes[3] * 16777216;
  if (first >= s0) return false;
  wide[0] = first;
  at[0] = p;
  at[1] = o;
  return true;
}

/** An unsigned field of up to 32 bits; new position in at[0], at[1]. */
function readBits32(buf: Uint8Array, p: number, o: number, bits: number): number {
  let value = 0;
  while (bits > 0) {
    const m = bits > 16 ? 16 : bits;
    const w = (buf[p] << 24) | (buf[p + 1] << 16) | (buf[p + 2] << 8) | buf[p + 3];
    value = value * (1 << m) + ((w << o) >>> (32 - m));
    o += m;
    p += o >>> 3;
    o &= 7;
    bits -= m;
  }
  at[0] = p;
  at[1] = o;
  return value;
}

/**
 * Decode the compressed coordinates whose header fields start at `p` (the frame start) and whose
 * block starts at `blockStart`, into `out` (Å, × `scale` = 10 / precision), by `wasm` when it
 * takes the frame.
 */
function decodeCoordinates(
  bytes: Uint8Array,
  v: DataView,
  p: number,
  blockStart: number,
  nbytes: number,
  natoms: number,
  scale: number,
  out: Float64Array,
  nextWanted: Int32Array | null,
  wasm: WasmXtcDecoder | null,
): void {
  const minX = v.getInt32(p + 60, false), minY = v.getInt32(p + 64, false), minZ = v.getInt32(p + 68, false);
  const maxX = v.getInt32(p + 72, false), maxY = v.getInt32(p + 76, false), maxZ = v.getInt32(p + 80, false);
  let smallidx = v.getInt32(p + 84, false);
  if (maxX < minX || maxY < minY || maxZ < minZ) {
    throw corrupt(`coordinate range min (${minX}, ${minY}, ${minZ}) max (${maxX}, ${maxY}, ${maxZ}) is empty`, p + 60);
  }
  const sx = maxX - minX + 1, sy = maxY - minY + 1, sz = maxZ - minZ + 1;
  if (sx > 0xffffffff || sy > 0xffffffff || sz > 0xffffffff) throw corrupt('coordinate range exceeds 32 bits', p + 60);
  if (smallidx < FIRSTIDX || smallidx >= LASTIDX) {
    throw corrupt(`initial small-difference index ${smallidx} outside ${FIRSTIDX}…${LASTIDX - 1}`, p + 84);
  }
  // Separate fields when a range needs more than 24 bits, else one mixed-radix number.
  const separate = sx > 0xffffff || sy > 0xffffff || sz > 0xffffff;
  const bx = separate ? sizeofint(sx) : 0, by = separate ? sizeofint(sy) : 0, bz = separate ? sizeofint(sz) : 0;
  const bitsize = separate ? 0 : sizeofints3(sx, sy, sz);
  const largeLimit = sx * sy * sz;
  const invSy = 1 / sy, invSz = 1 / sz;
  if (wasm && wasm.decode(bytes, blockStart, nbytes, { minX, minY, minZ, sx, sy, sz, bx, by, bz, bitsize, smallidx }, scale, out, nextWanted)) return;

  // The bit reader needs READ_AHEAD readable bytes past the block; copy the block if the caller's
  // buffer ends sooner.
  let buf = bytes;
  let start = blockStart;
  if (blockStart + nbytes + READ_AHEAD > bytes.length) {
    if (spare.length < nbytes + READ_AHEAD) spare = new Uint8Array(nbytes + READ_AHEAD + (nbytes >>> 2));
    spare.set(bytes.subarray(blockStart, blockStart + nbytes));
    spare.fill(0, nbytes, nbytes + READ_AHEAD);
    buf = spare;
    start = 0;
  }
  const endByte = start + nbytes;
  if (nextWanted) {
    const large: LargeCoding = { separate, bx, by, bz, bitsize, sx, sy, sz, largeLimit, minX, minY, minZ };
    decodeWanted(buf, start, endByte, blockStart, nbytes, natoms, smallidx, large, scale, out, nextWanted);
    return;
  }
  let bp = start; // byte of the next bit
  let bo = 0; // bit within that byte, from the most significant

  let smallnum = MAGICINTS[smallidx] >> 1;
  let smaller = MAGICINTS[Math.max(FIRSTIDX, smallidx - 1)] >> 1;
  let sizesmall = MAGICINTS[smallidx];
  let smallLimit = sizesmall * sizesmall * sizesmall;
  let smallInverse = 1 / sizesmall;
  let run = 0;
  let i = 0; // atoms written
  while (i < natoms) {
    if (bp >= endByte) throw corrupt(`bit stream overruns its ${nbytes}-byte block at atom ${i}`, blockStart);
    let x: number, y: number, z: number;
    if (bitsize === 0) {
      x = readBits32(buf, bp, bo, bx);
      y = readBits32(buf, at[0], at[1], by);
      z = readBits32(buf, at[0], at[1], bz);
      bp = at[0];
      bo = at[1];
      if (x >= sx || y >= sy || z >= sz) throw corrupt(`coordinate of atom ${i} outside the frame's range`, blockStart);
    } else if (bitsize <= 53) {
      let value: number;
      if (bitsize <= 48) {
        // The common case (boxes up to ~60 nm at precision 1000), read in at most two windows.
        const m0 = bitsize > 24 ? 24 : bitsize;
        let w0 = (buf[bp] << 24) | (buf[bp + 1] << 16) | (buf[bp + 2] << 8) | buf[bp + 3];
        value = groupsLE((w0 << bo) >>> (32 - m0), m0);
        bo += m0;
        bp += bo >>> 3;
        bo &= 7;
        if (bitsize > 24) {
          const m1 = bitsize - 24;
          w0 = (buf[bp] << 24) | (buf[bp + 1] << 16) | (buf[bp + 2] << 8) | buf[bp + 3];
          value += groupsLE((w0 << bo) >>> (32 - m1), m1) * 16777216;
          bo += m1;
          bp += bo >>> 3;
          bo &= 7;
        }
      } else {
        value = readRadix53(buf, bp, bo, bitsize);
        bp = at[0];
        bo = at[1];
      }
      if (value >= largeLimit) throw corrupt(`coordinate of atom ${i} outside the frame's range`, blockStart);
      // Quotients by multiplying with the reciprocal (a double's % is a slow library call):
      // below 2^50 the floor is within one of the truth (above, a division is), and the
      // remainder check fixes it.
      let q = Math.floor(bitsize <= 50 ? value * invSz : value / sz);
      let r = value - q * sz;
      if (r < 0) {
        q -= 1;
        r += sz;
      } else if (r >= sz) {
        q += 1;
        r -= sz;
      }
      z = r;
      x = Math.floor(bitsize <= 50 ? q * invSy : q / sy);
      y = q - x * sy;
      if (y < 0) {
        x -= 1;
        y += sy;
      } else if (y >= sy) {
        x += 1;
        y -= sy;
      }
    } else {
      if (!readRadixWide(buf, bp, bo, bitsize, sx, sy, sz)) throw corrupt(`coordinate of atom ${i} outside the frame's range`, blockStart);
      x = wide[0];
      y = wide[1];
      z = wide[2];
      bp = at[0];
      bo = at[1];
    }
    x += minX;
    y += minY;
    z += minZ;

    // Run code: one flag bit, then (if set) 5 bits.
    let w = (buf[bp] << 24) | (buf[bp + 1] << 16) | (buf[bp + 2] << 8) | buf[bp + 3];
    const flag = (w << bo) >>> 31;
    bo += 1;
    let isSmaller = 0;
    if (flag !== 0) {
      const code = (w << bo) >>> 27;
      bo += 5;
      isSmaller = code % 3;
      run = code - isSmaller;
      isSmaller -= 1;
    }
    bp += bo >>> 3;
    bo &= 7;

    if (run === 0) {
      const q = 3 * i;
      out[q] = x * scale;
      out[q + 1] = y * scale;
      out[q + 2] = z * scale;
      i++;
    } else {
      const count = run / 3;
      if (i + 1 + count > natoms) throw corrupt(`run of ${count} small differences after atom ${i} passes the atom count ${natoms}`, blockStart);
      let px = x, py = y, pz = z;
      for (let k = 0; k < count; k++) {
        let dx: number, dy: number, dz: number;
        if (smallidx <= 53) {
          let d: number;
          if (smallidx <= 25) {
            w = (buf[bp] << 24) | (buf[bp + 1] << 16) | (buf[bp + 2] << 8) | buf[bp + 3];
            d = groupsLE((w << bo) >>> (32 - smallidx), smallidx);
            bo += smallidx;
            bp += bo >>> 3;
            bo &= 7;
          } else {
            d = readRadix53(buf, bp, bo, smallidx);
            bp = at[0];
            bo = at[1];
          }
          if (d >= smallLimit) throw corrupt(`small difference of atom ${i + k + 1} outside its range`, blockStart);
          // Quotients by multiplying with the reciprocal (cheaper than integer division); for
          // d < 2^53 the floor is off by at most one, and the remainder check corrects it.
          let dq = Math.floor(d * smallInverse);
          dz = d - dq * sizesmall;
          if (dz < 0) {
            dq -= 1;
            dz += sizesmall;
          } else if (dz >= sizesmall) {
            dq += 1;
            dz -= sizesmall;
          }
          dx = Math.floor(dq * smallInverse);
          dy = dq - dx * sizesmall;
          if (dy < 0) {
            dx -= 1;
            dy += sizesmall;
          } else if (dy >= sizesmall) {
            dx += 1;
            dy -= sizesmall;
          }
        } else {
          if (!readRadixWide(buf, bp, bo, smallidx, sizesmall, sizesmall, sizesmall)) {
            throw corrupt(`small difference of atom ${i + k + 1} outside its range`, blockStart);
          }
          dx = wide[0];
          dy = wide[1];
          dz = wide[2];
          bp = at[0];
          bo = at[1];
        }
        const tx = px + dx - smallnum, ty = py + dy - smallnum, tz = pz + dz - smallnum;
        const q = 3 * i;
        if (k === 0) {
          // The writer put the second atom first: the triple read first (x, y, z) belongs after.
          out[q] = tx * scale;
          out[q + 1] = ty * scale;
          out[q + 2] = tz * scale;
          out[q + 3] = x * scale;
          out[q + 4] = y * scale;
          out[q + 5] = z * scale;
          i += 2;
        } else {
          out[q] = tx * scale;
          out[q + 1] = ty * scale;
          out[q + 2] = tz * scale;
          i++;
        }
        px = tx;
        py = ty;
        pz = tz;
      }
    }
    if (isSmaller !== 0) {
      smallidx += isSmaller;
      if (smallidx < FIRSTIDX || smallidx >= LASTIDX) {
        throw corrupt(`small-difference index ${smallidx} outside ${FIRSTIDX}…${LASTIDX - 1} after atom ${i}`, blockStart);
      }
      if (isSmaller < 0) {
        smallnum = smaller;
        smaller = smallidx > FIRSTIDX ? MAGICINTS[smallidx - 1] >> 1 : 0;
      } else {
        smaller = smallnum;
        smallnum = MAGICINTS[smallidx] >> 1;
      }
      sizesmall = MAGICINTS[smallidx];
      smallLimit = sizesmall * sizesmall * sizesmall;
      smallInverse = 1 / sizesmall;
    }
  }
  const used = bp - start + (bo > 0 ? 1 : 0);
  if (used !== nbytes) {
    throw corrupt(`compressed block of ${nbytes} bytes decoded from ${used} bytes (the byte count or the bits are wrong)`, blockStart);
  }
}

/** How a frame codes its full coordinates (decodeCoordinates's header fields). */
interface LargeCoding {
  separate: boolean;
  bx: number;
  by: number;
  bz: number;
  bitsize: number;
  sx: number;
  sy: number;
  sz: number;
  largeLimit: number;
  minX: number;
  minY: number;
  minZ: number;
}

/** A full coordinate at byte p, bit o, into wide[0..2] (offset by the minimum). False when out of range. */
function readLarge(buf: Uint8Array, p: number, o: number, L: LargeCoding): boolean {
  if (L.separate) {
    const x = readBits32(buf, p, o, L.bx);
    const y = readBits32(buf, at[0], at[1], L.by);
    const z = readBits32(buf, at[0], at[1], L.bz);
    if (x >= L.sx || y >= L.sy || z >= L.sz) return false;
    wide[0] = x;
    wide[1] = y;
    wide[2] = z;
  } else if (L.bitsize <= 53) {
    const value = readRadix53(buf, p, o, L.bitsize);
    if (value >= L.largeLimit) return false;
    // Exact: value < 2^53, and % of integral doubles is exact.
    wide[2] = value % L.sz;
    const q = (value - wide[2]) / L.sz;
    wide[1] = q % L.sy;
    wide[0] = (q - wide[1]) / L.sy;
  } else if (!readRadixWide(buf, p, o, L.bitsize, L.sx, L.sy, L.sz)) return false;
  wide[0] += L.minX;
  wide[1] += L.minY;
  wide[2] += L.minZ;
  return true;
}

/** A small difference triple of `bits` bits in base `size` at byte p, bit o, into wide[0..2]. False when out of range. */
function readSmall(buf: Uint8Array, p: number, o: number, bits: number, size: number): boolean {
  if (bits > 53) return readRadixWide(buf, p, o, bits, size, size, size);
  const d = readRadix53(buf, p, o, bits);
  if (d >= size * size * size) return false;
  wide[2] = d % size;
  const q = (d - wide[2]) / size;
  wide[1] = q % size;
  wide[0] = (q - wide[1]) / size;
  return true;
}

/**
 * decodeCoordinates for some atoms only: every step of the stream is walked (its run code read,
 * its bits counted), and only a step that holds a wanted atom (nextWanted[i] within its atoms) is
 * decoded. Each step is self-contained apart from the small-difference index, which the run codes
 * carry, so the wanted atoms come out exactly as a whole decode gives them.
 */
function decodeWanted(
  buf: Uint8Array,
  start: number,
  endByte: number,
  blockStart: number,
  nbytes: number,
  natoms: number,
  smallidx: number,
  L: LargeCoding,
  scale: number,
  out: Float64Array,
  nextWanted: Int32Array,
): void {
  const largeBits = L.separate ? L.bx + L.by + L.bz : L.bitsize;
  let bp = start;
  let bo = 0;
  let run = 0;
  let i = 0;
  while (i < natoms) {
    if (bp >= endByte) throw corrupt(`bit stream overruns its ${nbytes}-byte block at atom ${i}`, blockStart);
    const vp = bp, vo = bo;
    bo += largeBits;
    bp += bo >>> 3;
    bo &= 7;
    const w = (buf[bp] << 24) | (buf[bp + 1] << 16) | (buf[bp + 2] << 8) | buf[bp + 3];
    const flag = (w << bo) >>> 31;
    bo += 1;
    let isSmaller = 0;
    if (flag !== 0) {
      const code = (w << bo) >>> 27;
      bo += 5;
      isSmaller = code % 3;
      run = code - isSmaller;
      isSmaller -= 1;
    }
    bp += bo >>> 3;
    bo &= 7;
    const count = run / 3;
    if (run !== 0 && i + 1 + count > natoms) throw corrupt(`run of ${count} small differences after atom ${i} passes the atom count ${natoms}`, blockStart);
    if (nextWanted[i] > i + count) {
      // No wanted atom in this step: over its small differences by their length alone.
      bo += count * smallidx;
      bp += bo >>> 3;
      bo &= 7;
      i += run === 0 ? 1 : count + 1;
    } else {
      if (!readLarge(buf, vp, vo, L)) throw corrupt(`coordinate of atom ${i} outside the frame's range`, blockStart);
      const x = wide[0], y = wide[1], z = wide[2];
      if (run === 0) {
        out[3 * i] = x * scale;
        out[3 * i + 1] = y * scale;
        out[3 * i + 2] = z * scale;
        i++;
      } else {
        const sizesmall = MAGICINTS[smallidx];
        const smallnum = sizesmall >> 1;
        let px = x, py = y, pz = z;
        for (let k = 0; k < count; k++) {
          if (!readSmall(buf, bp, bo, smallidx, sizesmall)) throw corrupt(`small difference of atom ${i + k + 1} outside its range`, blockStart);
          bp = at[0];
          bo = at[1];
          const tx = px + wide[0] - smallnum, ty = py + wide[1] - smallnum, tz = pz + wide[2] - smallnum;
          const q = 3 * i;
          out[q] = tx * scale;
          out[q + 1] = ty * scale;
          out[q + 2] = tz * scale;
          if (k === 0) {
            // The writer put the second atom first: the full coordinate belongs after.
            out[q + 3] = x * scale;
            out[q + 4] = y * scale;
            out[q + 5] = z * scale;
            i += 2;
          } else i++;
          px = tx;
          py = ty;
          pz = tz;
        }
      }
    }
    if (isSmaller !== 0) {
      smallidx += isSmaller;
      if (smallidx < FIRSTIDX || smallidx >= LASTIDX) {
        throw corrupt(`small-difference index ${smallidx} outside ${FIRSTIDX}…${LASTIDX - 1} after atom ${i}`, blockStart);
      }
    }
  }
  const used = bp - start + (bo > 0 ? 1 : 0);
  if (used !== nbytes) {
    throw corrupt(`compressed block of ${nbytes} bytes decoded from ${used} bytes (the byte count or the bits are wrong)`, blockStart);
  }
}

/**
 * Whether a frame of `natoms` atoms plausibly starts at `pos`: the magic number, the atom count
 * twice, a finite time and cell, and (compressed frames) a positive precision, non-empty ranges,
 * a valid small-difference index and a possible byte count. False when the header is not all in
 * bytes[pos, end). For finding frame starts after an arbitrary offset; see findXtcFrameStart.
 */
export function looksLikeXtcFrameStart(bytes: Uint8Array, pos: number, natoms: number, end = bytes.length): boolean {
  if (pos < 0 || pos + COMMON_BYTES > end) return false;
  if (bytes[pos] !== 0 || bytes[pos + 1] !== 0 || bytes[pos + 2] !== 7 || (bytes[pos + 3] !== 0xcb && bytes[pos + 3] !== 0xe7)) return false;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (v.getInt32(pos + 4, false) !== natoms || v.getInt32(pos + 52, false) !== natoms) return false;
  for (let k = 0; k < 10; k++) {
    const f = v.getFloat32(pos + 12 + 4 * k, false);
    if (!Number.isFinite(f) || Math.abs(f) > 1e12) return false;
  }
  if (natoms <= MAX_UNCOMPRESSED_ATOMS) return true;
  const magic = v.getInt32(pos, false);
  if (pos + COMPRESSED_FIXED_BYTES + (magic === XTC_MAGIC_LONG ? 8 : 4) > end) return false;
  const precision = v.getFloat32(pos + 56, false);
  if (!(precision > 0) || !Number.isFinite(precision)) return false;
  for (let k = 0; k < 3; k++) if (v.getInt32(pos + 72 + 4 * k, false) < v.getInt32(pos + 60 + 4 * k, false)) return false;
  const smallidx = v.getInt32(pos + 84, false);
  if (smallidx < FIRSTIDX || smallidx >= LASTIDX) return false;
  try {
    blockBytes(v, pos, magic, natoms);
  } catch {
    return false;
  }
  return true;
}

/**
 * First frame start at or after `from` in bytes[from, end), or -1 when none is there to be seen.
 * Frames start on 4-byte boundaries of the file, so `from` must be one; candidates are checked
 * with looksLikeXtcFrameStart and, when the next frame's header is in the buffer too, by its magic
 * number and atom count (a frame start is followed by another frame or the end of the file).
 */
export function findXtcFrameStart(bytes: Uint8Array, from: number, end: number, natoms: number): number {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const c: XdrCursor = { bytes, view: v, pos: 0, end };
  for (let p = from; p + 8 <= end; p += 4) {
    if (bytes[p + 2] !== 7 || !looksLikeXtcFrameStart(bytes, p, natoms, end)) continue;
    c.pos = p;
    const next = p + xtcFrameBytes(c);
    if (next + 8 <= end && (v.getInt32(next + 4, false) !== natoms || !isMagic(v.getInt32(next, false)))) continue;
    return p;
  }
  return -1;
}

function isMagic(m: number): boolean {
  return m === XTC_MAGIC || m === XTC_MAGIC_LONG;
}

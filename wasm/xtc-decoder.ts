/**
 * The bit stream of a GROMACS XTC frame's compressed coordinates (van Hoesel's xdr3dfcoord
 * scheme), decoded in WebAssembly (AssemblyScript; `npm run build` writes
 * dist/src/io/binary/xtc-decoder.wasm, which src/io/binary/xtc-wasm.ts loads). The JavaScript
 * decoder in src/io/binary/xtc.ts is the specification: its header comment describes the format,
 * and this module decodes the same stream to the same numbers, integer × scale in f64, bit for
 * bit. It reports failure as a status only and never says why: the caller then runs the
 * JavaScript decoder on the frame, which throws the error with its message (or, should it accept
 * what this module refused, gives its own result). So every check of the JavaScript decoder that
 * can reject a frame is made here too; a frame accepted here decodes there to the same numbers.
 *
 * Memory is the caller's (imported, sized once for the file's atom count, never grown): the block
 * is copied to `block` followed by at least PADDING zero bytes, so that a decoding step that
 * starts inside the block (the check at each step) reads only memory of the block and its padding
 * (a step reads at most ~111 bytes: a 96-bit coordinate, the 6-bit run code, ten 72-bit small
 * triples, and the 8-byte window of a read).
 *
 * Integers are exact in i64/u64 (coordinates and differences are below 2^32 apart from the
 * mixed-radix numbers, which are below 2^72 and are split by long division over 32-bit limbs).
 */

/** Where the caller may start placing its arrays. */
export function heapBase(): usize {
  return __heap_base;
}

/** Zero bytes the caller leaves after the block. */
export const PADDING: i32 = 256;

/** Base of the small differences by smallidx (the format's table; see xtc.ts). */
const MAGICINTS = memory.data<i32>([
  0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 10, 12, 16, 20, 25, 32, 40, 50, 64, 80, 101, 128, 161, 203, 256, 322, 406, 512, 645, 812,
  1024, 1290, 1625, 2048, 2580, 3250, 4096, 5060, 6501, 8192, 10321, 13003, 16384, 20642, 26007, 32768, 41285, 52015,
  65536, 82570, 104031, 131072, 165140, 208063, 262144, 330280, 416127, 524287, 660561, 832255, 1048576, 1321122,
  1664510, 2097152, 2642245, 3329021, 4194304, 5284491, 6658042, 8388607, 10568983, 13316085, 16777216,
]);
const FIRSTIDX: i32 = 9;
const LASTIDX: i32 = 73;

/** A failure status: the caller hands the frame to the JavaScript decoder. */
const BAD: i32 = 1;

@inline function magic(idx: i32): u32 {
  return load<u32>(MAGICINTS + (<usize>idx << 2));
}

/** 64 bits of the stream from bit `pos` of the block, most significant first (the top 57 are always valid). */
@inline function window(block: usize, pos: u64): u64 {
  return bswap<u64>(load<u64>(block + <usize>(pos >>> 3))) << (pos & 7);
}

/** Per bit offset o: each byte's low 8 − o bits, and each byte's low o bits. */
const LOW_OF_BYTES = memory.data<u64>([
  0xffffffffffffffff, 0x7f7f7f7f7f7f7f7f, 0x3f3f3f3f3f3f3f3f, 0x1f1f1f1f1f1f1f1f,
  0x0f0f0f0f0f0f0f0f, 0x0707070707070707, 0x0303030303030303, 0x0101010101010101,
]);
const HIGH_OF_BYTES = memory.data<u64>([
  0, 0x0101010101010101, 0x0303030303030303, 0x0707070707070707,
  0x0f0f0f0f0f0f0f0f, 0x1f1f1f1f1f1f1f1f, 0x3f3f3f3f3f3f3f3f, 0x7f7f7f7f7f7f7f7f,
]);

/**
 * The stream's bytes from bit `pos` (its 8-bit groups, each most significant bit first) as the
 * bytes of a little-endian number; the low 7 are valid. Group k is the low 8 − o bits of block
 * byte k shifted up by the bit offset o, and the high o bits of byte k + 1 shifted down: both
 * done for all bytes at once on one little-endian load (no byte swap).
 */
@inline function groups(block: usize, pos: u64): u64 {
  const l = load<u64>(block + <usize>(pos >>> 3));
  const o = pos & 7;
  const k = <usize>o << 3;
  return ((l & load<u64>(LOW_OF_BYTES + k)) << o) | ((l >>> (16 - o)) & load<u64>(HIGH_OF_BYTES + k));
}

/**
 * The first n (≤ 56) bits of the groups g as a mixed-radix number: its bytes, least significant
 * first, each byte's bits most significant first, the last byte holding the n mod 8 remaining bits
 * (the top n mod 8 bits of group n / 8).
 */
@inline function radixBytes(g: u64, n: u32): u64 {
  const fullBits = <u64>((n >>> 3) << 3);
  const rem = <u64>(n & 7);
  return (g & ((<u64>1 << fullBits) - 1)) | ((g >>> (8 - rem)) & (((<u64>1 << rem) - 1) << fullBits));
}

/** A mixed-radix number of n ≤ 64 bits at bit `pos`. */
@inline function radix64(block: usize, pos: u64, n: u32): u64 {
  if (n <= 56) return radixBytes(groups(block, pos), n);
  return radixBytes(groups(block, pos), 32) | (radixBytes(groups(block, pos + 32), n - 32) << 32);
}

/** An unsigned field of n ≤ 32 bits at bit `pos`, most significant bit first. */
@inline function field(block: usize, pos: u64, n: u32): u64 {
  return n == 0 ? 0 : window(block, pos) >>> (64 - n);
}

/** Results of wide(): three integers. */
let wx: u64 = 0;
let wy: u64 = 0;
let wz: u64 = 0;

/**
 * A mixed-radix triple of 65–72 bits at bit `pos` in bases s0, s1, s2 (each < 2^32), split by
 * long division over 32-bit limbs into wx, wy, wz. False when the number is not below s0·s1·s2.
 */
function wide(block: usize, pos: u64, n: u32, s0: u64, s1: u64, s2: u64): bool {
  let lo = radixBytes(groups(block, pos), 32);
  let mid = radixBytes(groups(block, pos + 32), 32);
  let hi = radixBytes(groups(block, pos + 64), n - 64);
  // ÷ s2
  let r = hi % s2;
  hi = hi / s2;
  let cur = (r << 32) | mid;
  mid = cur / s2;
  r = cur % s2;
  cur = (r << 32) | lo;
  lo = cur / s2;
  wz = cur % s2;
  // ÷ s1
  r = hi % s1;
  hi = hi / s1;
  cur = (r << 32) | mid;
  mid = cur / s1;
  r = cur % s1;
  cur = (r << 32) | lo;
  lo = cur / s1;
  wy = cur % s1;
  if (hi != 0 || mid != 0 || lo >= s0) return false;
  wx = lo;
  return true;
}

/**
 * Decode the compressed block at `block` (nbytes bytes, then PADDING zero bytes) of a frame of
 * `natoms` atoms into `out` (3·natoms f64: integer × scale). The header's fields as the
 * JavaScript decoder derives them: the minimum integer coordinate, the range sizes, and either
 * the bits of three separate fields (bitsize 0) or the bits of one mixed-radix number.
 *
 * With `next` nonzero (the address of xtcWantedAtoms's table, natoms + 1 i32), only the steps
 * that hold a wanted atom are decoded, the others stepped over by their bit lengths; `out` is
 * written for the atoms of those steps only.
 *
 * Returns 0, or BAD when the JavaScript decoder would reject the frame (or might: the caller
 * lets it decide).
 */
export function decode(
  block: usize, nbytes: u32, natoms: i32, out: usize, next: usize,
  minX: i32, minY: i32, minZ: i32, fsx: f64, fsy: f64, fsz: f64,
  bx: u32, by: u32, bz: u32, bitsize: u32, smallidx: i32, scale: f64,
): i32 {
  const sx = <u64>fsx, sy = <u64>fsy, sz = <u64>fsz;
  if (smallidx < FIRSTIDX || smallidx >= LASTIDX) return BAD;
  const separate = bitsize == 0;
  const largeBits: u64 = separate ? <u64>(bx + by + bz) : <u64>bitsize;
  // sx·sy·sz when bitsize ≤ 64 (each size < 2^24, product < 2^bitsize).
  const largeLimit: u64 = bitsize <= 64 ? sx * sy * sz : 0;
  const endBits = <u64>nbytes << 3;
  const wanted = next != 0;
  let sizesmall = magic(smallidx);
  let pos: u64 = 0;
  let run: i32 = 0;
  let i: i32 = 0;
  while (i < natoms) {
    if (pos >= endBits) return BAD;
    const start = pos;
    pos += largeBits;
    // The run code: a flag bit, then (if set) 5 bits; the first group holds both.
    const g = <u32>groups(block, pos) & 0xff;
    let isSmaller: i32 = 0;
    if (g >= 0x80) {
      const code = <i32>((g >>> 2) & 31);
      isSmaller = code % 3;
      run = code - isSmaller;
      isSmaller -= 1;
      pos += 6;
    } else pos += 1;
    const count = run / 3;
    if (run != 0 && i + 1 + count > natoms) return BAD;
    const smallBits = <u64>smallidx;

    if (wanted && load<i32>(next + (<usize>i << 2)) > i + count) {
      // No wanted atom in this step: over its small differences by their length alone.
      pos += <u64>count * smallBits;
      i += run == 0 ? 1 : count + 1;
    } else {
      // The full coordinate.
      let x: i64, y: i64, z: i64;
      if (separate) {
        const ux = field(block, start, bx);
        const uy = field(block, start + bx, by);
        const uz = field(block, start + bx + by, bz);
        if (ux >= sx || uy >= sy || uz >= sz) return BAD;
        x = ux;
        y = uy;
        z = uz;
      } else if (bitsize <= 64) {
        const value = radix64(block, start, bitsize);
        if (value >= largeLimit) return BAD;
        const q = value / sz;
        z = value - q * sz;
        x = q / sy;
        y = q - x * sy;
      } else {
        if (!wide(block, start, bitsize, sx, sy, sz)) return BAD;
        x = wx;
        y = wy;
        z = wz;
      }
      x += minX;
      y += minY;
      z += minZ;

      if (run == 0) {
        const q = out + <usize>i * 24;
        store<f64>(q, <f64>x * scale);
        store<f64>(q, <f64>y * scale, 8);
        store<f64>(q, <f64>z * scale, 16);
        i++;
      } else {
        const size = <u64>sizesmall;
        const smallnum = <i64>(sizesmall >> 1);
        const smallLimit: u64 = smallidx <= 64 ? size * size * size : 0;
        let px = x, py = y, pz = z;
        for (let k: i32 = 0; k < count; k++) {
          let dx: i64, dy: i64, dz: i64;
          if (smallidx <= 32) {
            const d = <u32>radixBytes(groups(block, pos), smallidx);
            if (<u64>d >= smallLimit) return BAD;
            const s = <u32>sizesmall;
            const dq = d / s;
            dz = d - dq * s;
            dx = dq / s;
            dy = dq - <u32>dx * s;
          } else if (smallidx <= 64) {
            const d = radix64(block, pos, smallidx);
            if (d >= smallLimit) return BAD;
            const dq = d / size;
            dz = d - dq * size;
            dx = dq / size;
            dy = dq - dx * size;
          } else {
            if (!wide(block, pos, smallidx, size, size, size)) return BAD;
            dx = wx;
            dy = wy;
            dz = wz;
          }
          pos += smallBits;
          const tx = px + dx - smallnum, ty = py + dy - smallnum, tz = pz + dz - smallnum;
          const q = out + <usize>i * 24;
          store<f64>(q, <f64>tx * scale);
          store<f64>(q, <f64>ty * scale, 8);
          store<f64>(q, <f64>tz * scale, 16);
          if (k == 0) {
            // The writer put the second atom first: the full coordinate belongs after.
            store<f64>(q, <f64>x * scale, 24);
            store<f64>(q, <f64>y * scale, 32);
            store<f64>(q, <f64>z * scale, 40);
            i += 2;
          } else i++;
          px = tx;
          py = ty;
          pz = tz;
        }
      }
    }
    if (isSmaller != 0) {
      smallidx += isSmaller;
      if (smallidx < FIRSTIDX || smallidx >= LASTIDX) return BAD;
      sizesmall = magic(smallidx);
    }
  }
  if ((pos + 7) >>> 3 != <u64>nbytes) return BAD;
  return 0;
}

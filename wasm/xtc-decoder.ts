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
 * mixed-radix numbers, which are below 2^72). The mixed-radix numbers are split without
 * dividing where that is exact: small triples of ≤ 31 bits (nearly all of a stream) by integer
 * reciprocals, full coordinates of ≤ 52 bits by reciprocals in double precision set right by
 * their remainders; longer ones by 64-bit division, or long division over 32-bit limbs.
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

/** Per bit offset o: each byte's low o bits. */
const LOW_OF_BYTES = memory.data<u64>([
  0, 0x0101010101010101, 0x0303030303030303, 0x0707070707070707,
  0x0f0f0f0f0f0f0f0f, 0x1f1f1f1f1f1f1f1f, 0x3f3f3f3f3f3f3f3f, 0x7f7f7f7f7f7f7f7f,
]);

/**
 * The stream's bytes from bit `pos` (its 8-bit groups, each most significant bit first) as the
 * bytes of a little-endian number; the low 7 are valid. Group k is block byte k shifted up by
 * the bit offset o, in its high 8 − o bits, and the high o bits of byte k + 1 shifted down, in
 * its low o bits: both done for all bytes at once on one little-endian load (no byte swap), and
 * merged by the mask of each byte's low o bits.
 */
@inline function groups(block: usize, pos: u64): u64 {
  const l = load<u64>(block + <usize>(pos >>> 3));
  const o = pos & 7;
  const up = l << o;
  return up ^ ((up ^ (l >>> (16 - o))) & load<u64>(LOW_OF_BYTES + (<usize>o << 3)));
}

/** The 8 bits of the stream from bit `pos`, most significant first. */
@inline function bits8(block: usize, pos: u64): u32 {
  const p = block + <usize>(pos >>> 3);
  return (((<u32>load<u8>(p) << 8) | <u32>load<u8>(p, 1)) >>> (8 - <u32>(pos & 7))) & 0xff;
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

/**
 * Small triples of at most RECIPROCAL_LAST bits are split by multiplying with reciprocals, not
 * dividing (a division occupies the divider for many cycles; small triples are most of the
 * stream). For a divisor s, numerators n < 2^b and m = ⌈2^k / s⌉: the error e = m·s − 2^k is
 * below s, and ⌊n·m / 2^k⌋ = ⌊n / s⌋ when n·e < 2^k (n / s = q + r/s with r ≤ s − 1, and
 * n·m / 2^k exceeds it by n·e / (s·2^k)). For the triples of smallidx b ≤ 31, whose base s has
 * 2^(b−1) ≤ s³ ≤ 2^b: with k = 42 for s, s·2^b ≤ 2^(4b/3) ≤ 2^42, and with k = 52 for s²,
 * s²·2^b ≤ 2^(5b/3) ≤ 2^52, so every d < 2^b is divided exactly; and n·m < 2^(b+k)/s + 2^b ≤
 * 2^63 + 2^31 fits in 64 bits. The shifts are constants (a shift by a variable costs more), and
 * both quotients of a triple come straight from d: d / s, and d / s² (= ⌊⌊d / s⌋ / s⌋), so that
 * neither waits for the other.
 */
const RECIPROCAL_LAST: i32 = 31;
const SHIFT_S: u64 = 42;
const SHIFT_S2: u64 = 52;
/**
 * Per smallidx ≤ RECIPROCAL_LAST (s = magicints[smallidx]), u64 each: the reciprocals of s and
 * s², and radixBytes's masks for smallidx bits (the full bytes, the shift and the mask of the last
 * byte's bits).
 */
const SMALL = memory.data(64 * (RECIPROCAL_LAST + 1), 16);
const M1 = 0, M2 = 8, FULL = 16, REM_SHIFT = 24, REM = 32;

for (let idx = FIRSTIDX; idx <= RECIPROCAL_LAST; idx++) {
  const s = <u64>magic(idx);
  const at = SMALL + (<usize>idx << 6);
  // ⌈2^k / s⌉
  store<u64>(at + M1, ((<u64>1 << SHIFT_S) - 1) / s + 1);
  store<u64>(at + M2, ((<u64>1 << SHIFT_S2) - 1) / (s * s) + 1);
  const fullBits = <u64>((idx >>> 3) << 3);
  store<u64>(at + FULL, (<u64>1 << fullBits) - 1);
  store<u64>(at + REM_SHIFT, <u64>(8 - (idx & 7)));
  store<u64>(at + REM, ((<u64>1 << <u64>(idx & 7)) - 1) << fullBits);
}

/** For the tests: ⌊d / s⌋ (by s² with `square`) for s = magicints[smallidx], as the decoder has it. */
export function testSmallQuotient(smallidx: i32, d: u32, square: bool): f64 {
  const at = SMALL + (<usize>smallidx << 6);
  return <f64>(square ? (<u64>d * load<u64>(at, M2)) >>> SHIFT_S2 : (<u64>d * load<u64>(at, M1)) >>> SHIFT_S);
}

/**
 * ⌊n / s⌋ or one more, for 0 ≤ n < 2^LARGE_FLOAT_LAST and 1 ≤ s < 2^LARGE_FLOAT_LAST, `inv` =
 * 1 / s (full coordinates: a division of 64 bits costs more): n times the reciprocal in double
 * precision, rounded to an integer (floatQuotient takes one off when the remainder comes out
 * negative). n and s are exact as doubles; the product's relative error is at most ~2^-52, and
 * n / s is below 2^51 (or s is 1, and the product exact), so the product is within ½ of n / s,
 * and rounded to the nearest integer it is the quotient or one more. It is rounded by adding
 * 2^52 (where doubles are the integers, so the sum's low bits are the integer): a conversion to
 * an integer that saturates costs several instructions more.
 */
const LARGE_FLOAT_LAST: u32 = 52;
const TWO52: f64 = 4503599627370496;
@inline function quotientOrOneMore(n: i64, inv: f64): i64 {
  return reinterpret<i64>(<f64>n * inv + TWO52) - reinterpret<i64>(TWO52);
}

/** ⌊n / s⌋ (n, s and inv as for quotientOrOneMore). */
@inline function floatQuotient(n: i64, s: i64, inv: f64): i64 {
  const q = quotientOrOneMore(n, inv);
  return n - q * s < 0 ? q - 1 : q;
}

/** For the tests: what quotientOrOneMore gives for a full coordinate n and a divisor s (sz or sy·sz). */
export function testLargeQuotient(n: f64, s: f64): f64 {
  return <f64>quotientOrOneMore(<i64>n, 1 / s);
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
 * A full coordinate other than a mixed-radix number of at most LARGE_FLOAT_LAST bits (those the
 * loop splits itself): three separate fields, or a longer number split by 64-bit or long
 * division, at bit `pos`, into wx, wy, wz. False when it is outside the sizes.
 */
function largeByDivision(block: usize, pos: u64, sx: u64, sy: u64, sz: u64, bx: u32, by: u32, bz: u32, bitsize: u32, largeLimit: u64): bool {
  if (bitsize == 0) {
    const ux = field(block, pos, bx);
    const uy = field(block, pos + bx, by);
    const uz = field(block, pos + bx + by, bz);
    if (ux >= sx || uy >= sy || uz >= sz) return false;
    wx = ux;
    wy = uy;
    wz = uz;
  } else if (bitsize <= 64) {
    const value = radix64(block, pos, bitsize);
    if (value >= largeLimit) return false;
    const q = value / sz;
    wz = value - q * sz;
    wx = q / sy;
    wy = q - wx * sy;
  } else return wide(block, pos, bitsize, sx, sy, sz);
  return true;
}

/** The bit position a failed step returns. */
const NO_POS: u64 = -1;

/**
 * A run of `count` (≥ 1) small triples of more than RECIPROCAL_LAST bits, split by division,
 * from bit `pos`, the full coordinate x, y, z before them; written from `at` (the first triple's
 * atom, the full coordinate after it, then the others). Returns the bit after the run, or NO_POS
 * when a triple is outside its range.
 */
function smallByDivision(block: usize, pos: u64, count: i32, smallidx: i32, at: usize, x: i64, y: i64, z: i64, scale: f64): u64 {
  const size = <u64>magic(smallidx);
  const smallnum = <i64>(size >> 1);
  const smallLimit: u64 = smallidx <= 64 ? size * size * size : 0;
  const smallBits = <u64>smallidx;
  for (let k: i32 = 0; k < count; k++) {
    let dx: i64, dy: i64, dz: i64;
    if (smallidx <= 64) {
      const d = radix64(block, pos, smallidx);
      if (d >= smallLimit) return NO_POS;
      const dq = d / size;
      dz = d - dq * size;
      dx = dq / size;
      dy = dq - dx * size;
    } else {
      if (!wide(block, pos, smallidx, size, size, size)) return NO_POS;
      dx = wx;
      dy = wy;
      dz = wz;
    }
    pos += smallBits;
    x += dx - smallnum;
    y += dy - smallnum;
    z += dz - smallnum;
    store<f64>(at, <f64>x * scale);
    store<f64>(at, <f64>y * scale, 8);
    store<f64>(at, <f64>z * scale, 16);
    at += k == 0 ? 48 : 24;
  }
  return pos;
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
  if (smallidx < FIRSTIDX || smallidx >= LASTIDX) return BAD;
  const sx = <u64>fsx, sy = <u64>fsy, sz = <u64>fsz;
  const separate = bitsize == 0;
  const largeBits: u64 = separate ? <u64>(bx + by + bz) : <u64>bitsize;
  // sx·sy·sz when bitsize ≤ 64 (each size < 2^24, product < 2^bitsize).
  const largeLimit: u64 = bitsize <= 64 ? sx * sy * sz : 0;
  // radixBytes's masks for a full coordinate of at most LARGE_FLOAT_LAST bits.
  const fullBits = <u64>((bitsize >>> 3) << 3);
  const largeFull: u64 = bitsize <= LARGE_FLOAT_LAST ? (<u64>1 << fullBits) - 1 : 0;
  const largeRem: u64 = bitsize <= LARGE_FLOAT_LAST ? ((<u64>1 << <u64>(bitsize & 7)) - 1) << fullBits : 0;
  const largeRemShift = <u64>(8 - (bitsize & 7));
  // The loop's invariants go in as parameters, made once: made in the loop, the compiler would
  // make them again at every step that uses them. (Two calls keep the loop a function of its own.)
  if (next != 0) {
    return steps(block, nbytes, natoms, out, next, minX, minY, minZ, sx, sy, sz, <i64>(sy * sz), 1 / fsz, 1 / (fsy * fsz),
      largeBits, largeLimit, largeFull, largeRemShift, largeRem, bx, by, bz, bitsize, smallidx, scale);
  }
  return steps(block, nbytes, natoms, out, 0, minX, minY, minZ, sx, sy, sz, <i64>(sy * sz), 1 / fsz, 1 / (fsy * fsz),
    largeBits, largeLimit, largeFull, largeRemShift, largeRem, bx, by, bz, bitsize, smallidx, scale);
}

/** decode's loop over the steps of the stream. */
function steps(
  block: usize, nbytes: u32, natoms: i32, out: usize, next: usize,
  minX: i64, minY: i64, minZ: i64, sx: u64, sy: u64, sz: u64, syz: i64, invSz: f64, invSyz: f64,
  largeBits: u64, largeLimit: u64, largeFull: u64, largeRemShift: u64, largeRem: u64,
  bx: u32, by: u32, bz: u32, bitsize: u32, smallidx: i32, scale: f64,
): i32 {
  const endBits = <u64>nbytes << 3;
  const wanted = next != 0;
  const largeFloat = bitsize != 0 && bitsize <= LARGE_FLOAT_LAST;
  // What the small triples of the current index take (changed with it only; the entry of
  // RECIPROCAL_LAST, unused, for the indices above, which smallByDivision takes).
  let t = SMALL + (<usize>min(smallidx, RECIPROCAL_LAST) << 6);
  let m1 = load<u64>(t, M1), m2 = load<u64>(t, M2);
  let full = load<u64>(t, FULL), remShift = load<u64>(t, REM_SHIFT), rem = load<u64>(t, REM);
  let size = <i64>magic(smallidx);
  let pos: u64 = 0;
  let run: i32 = 0;
  let count: i32 = 0;
  let i: i32 = 0;
  while (i < natoms) {
    if (pos >= endBits) return BAD;
    const start = pos;
    pos += largeBits;
    // The run code: a flag bit, then (if set) 5 bits; the 8 bits from here hold both.
    const g = bits8(block, pos);
    let isSmaller: i32 = 0;
    if (g >= 0x80) {
      const code = <i32>((g >>> 2) & 31);
      isSmaller = code % 3;
      run = code - isSmaller;
      count = run / 3;
      isSmaller -= 1;
      pos += 6;
    } else pos += 1;
    // A run past the atom count (with no run, count is 0 and i < natoms).
    if (i + 1 + count > natoms) return BAD;

    if (wanted && load<i32>(next + (<usize>i << 2)) > i + count) {
      // No wanted atom in this step: over its small differences by their length alone.
      pos += <u64>count * <u64>smallidx;
      i += count + 1;
    } else {
      // The full coordinate.
      let x: i64, y: i64, z: i64;
      if (largeFloat) {
        const gl = groups(block, start);
        const value = <i64>((gl & largeFull) | ((gl >>> largeRemShift) & largeRem));
        if (<u64>value >= largeLimit) return BAD;
        const q = floatQuotient(value, sz, invSz);
        x = floatQuotient(value, syz, invSyz);
        z = value - q * sz;
        y = q - x * sy;
      } else {
        if (!largeByDivision(block, start, sx, sy, sz, bx, by, bz, bitsize, largeLimit)) return BAD;
        x = wx;
        y = wy;
        z = wz;
      }
      x += minX;
      y += minY;
      z += minZ;

      const at = out + <usize>i * 24;
      if (run == 0) {
        store<f64>(at, <f64>x * scale);
        store<f64>(at, <f64>y * scale, 8);
        store<f64>(at, <f64>z * scale, 16);
        i++;
      } else {
        // The writer put the second atom first: the full coordinate belongs after it.
        store<f64>(at, <f64>x * scale, 24);
        store<f64>(at, <f64>y * scale, 32);
        store<f64>(at, <f64>z * scale, 40);
        if (smallidx <= RECIPROCAL_LAST) {
          const smallnum = size >> 1;
          // The first triple written out of the loop (its atom comes before the full
          // coordinate; the others after it, one by one), which measured ~4% faster than one loop
          // over all with a select of the stride.
          {
            const gs = groups(block, pos);
            const d = <i64>((gs & full) | ((gs >>> remShift) & rem));
            const dq = <i64>((<u64>d * m1) >>> SHIFT_S);
            const dx = <i64>((<u64>d * m2) >>> SHIFT_S2);
            // d < s³, as ⌊d / s²⌋ < s.
            if (dx >= size) return BAD;
            pos += <u64>smallidx;
            x += dx - smallnum;
            y += dq - dx * size - smallnum;
            z += d - dq * size - smallnum;
            store<f64>(at, <f64>x * scale);
            store<f64>(at, <f64>y * scale, 8);
            store<f64>(at, <f64>z * scale, 16);
          }
          // The same for the others.
          for (let to = at + 48, end = at + <usize>(count + 1) * 24; to < end; to += 24) {
            const gs = groups(block, pos);
            const d = <i64>((gs & full) | ((gs >>> remShift) & rem));
            const dq = <i64>((<u64>d * m1) >>> SHIFT_S);
            const dx = <i64>((<u64>d * m2) >>> SHIFT_S2);
            // d < s³, as ⌊d / s²⌋ < s.
            if (dx >= size) return BAD;
            pos += <u64>smallidx;
            x += dx - smallnum;
            y += dq - dx * size - smallnum;
            z += d - dq * size - smallnum;
            store<f64>(to, <f64>x * scale);
            store<f64>(to, <f64>y * scale, 8);
            store<f64>(to, <f64>z * scale, 16);
          }
        } else {
          pos = smallByDivision(block, pos, count, smallidx, at, x, y, z, scale);
          if (pos == NO_POS) return BAD;
        }
        i += count + 1;
      }
    }
    if (isSmaller != 0) {
      smallidx += isSmaller;
      if (smallidx < FIRSTIDX || smallidx >= LASTIDX) return BAD;
      t = SMALL + (<usize>min(smallidx, RECIPROCAL_LAST) << 6);
      m1 = load<u64>(t, M1);
      m2 = load<u64>(t, M2);
      full = load<u64>(t, FULL);
      remShift = load<u64>(t, REM_SHIFT);
      rem = load<u64>(t, REM);
      size = <i64>magic(smallidx);
    }
  }
  if ((pos + 7) >>> 3 != <u64>nbytes) return BAD;
  return 0;
}

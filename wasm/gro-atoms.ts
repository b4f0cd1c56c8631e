/**
 * The atom lines of a GROMACS .gro file, compiled to WebAssembly (AssemblyScript; `npm run build`
 * writes dist/src/topology/gro-atoms.wasm, which src/topology/gro-wasm.ts loads). A topology is
 * read once per run, so its parser never runs long enough for V8 to optimise JavaScript; this
 * runs at near full speed from its first call.
 *
 * It keeps the contract of parseGro's plain path (src/topology/gro.ts): it accepts only lines
 * that path reads without error and in GROMACS's own layout (%5d%-5s%5s%5d, then x y z as
 * %{w}.{w−5}f), with name columns free of blanks other than spaces, and gives up (-1) on
 * anything else, so that the plain path reads such a file and says what is wrong with it.
 *
 * For each atom it writes the residue number and an index of its kind — its 10 bytes of residue
 * and atom name columns, interned by a hash of the bytes — times two, plus one when its residue
 * (a run of atoms with the same residue number and trimmed residue name) has several atoms; and
 * where each run of one residue name starts. The caller then makes one string per kind, and
 * spreadMasses writes each atom's mass from a table of two per kind.
 */

import { lineFeed } from './line-feed';

/** Kind table, per kind (KIND_BYTES): name columns 1–8 (u64), 9–10 (u32), the trimmed residue name as a key (u64), its first line (u32). */
const KIND_BYTES: usize = 32;

let kindCount: i32 = 0;
let pairCount: i32 = 0;
let runCount: i32 = 0;

/** Where the caller may start placing its arrays. */
export function heapBase(): usize {
  return __heap_base;
}

/** How many distinct kinds (name columns) the last parse met; their entries are in its kind table. */
export function kindsMet(): i32 {
  return kindCount;
}

/** How many runs of atoms with one residue name the last parse found (their first atoms are in its `runs` list). */
export function runsMet(): i32 {
  return runCount;
}

/** The mass (f64) of each of n atoms, from its (kind, several) index in `pairs` and the masses of those in `table`, to `out`. */
export function spreadMasses(pairs: usize, n: i32, table: usize, out: usize): void {
  for (let i: i32 = 0; i < n; i++) {
    store<f64>(out + (<usize>i << 3), load<f64>(table + (<usize>load<i32>(pairs + (<usize>i << 2)) << 3)));
  }
}

/**
 * The atoms, ascending, of the n in `pairs` whose (kind, several) index is marked 1 in `hit` (a
 * byte each, 0 or 1), written to `out` (i32 each); returns how many.
 */
export function atomsOfPairs(pairs: usize, n: i32, hit: usize, out: usize): i32 {
  let count: i32 = 0;
  for (let i: i32 = 0; i < n; i++) {
    store<i32>(out + (<usize>count << 2), i);
    count += <i32>load<u8>(hit + <usize>load<i32>(pairs + (<usize>i << 2)));
  }
  return count;
}

/** How many distinct (kind, several) indices the last parse wrote; in order of first appearance in its `order` list. */
export function pairsMet(): i32 {
  return pairCount;
}

/** The integer of the 5 bytes at p, which the line's check has accepted (` *-?\d+`). */
@inline function integer5(p: usize): i32 {
  const end = p + 5;
  while (load<u8>(p) == 32) p++;
  const neg = load<u8>(p) == 45;
  if (neg) p++;
  let m: i32 = 0;
  while (p < end) {
    m = m * 10 + <i32>(load<u8>(p) - 48);
    p++;
  }
  return neg ? -m : m;
}

/** Bit k set where byte k of v is in [lo, lo + n). */
@inline function inRange(v: v128, lo: i32, n: i32): u64 {
  return <u64>i8x16.bitmask(i8x16.lt_u(i8x16.sub(v, i8x16.splat(<i8>lo)), i8x16.splat(<i8>n)));
}

/** Bit k set where byte k of v is c. */
@inline function equal(v: v128, c: i32): u64 {
  return <u64>i8x16.bitmask(i8x16.eq(v, i8x16.splat(<i8>c)));
}

/**
 * The trimmed residue name (the 5 bytes at p, spaces at either end removed) as a key: its bytes
 * and, above them, its length.
 */
@inline function residueKey(p: usize): u64 {
  let a: usize = 0;
  let b: usize = 5;
  while (a < b && load<u8>(p + a) == 32) a++;
  while (b > a && load<u8>(p + b - 1) == 32) b--;
  let key: u64 = <u64>(b - a) << 40;
  for (let k = a; k < b; k++) key |= <u64>load<u8>(p + k) << (<u64>(k - a) << 3);
  return key;
}

/**
 * Read natoms atom lines from `start` (the first atom line) to `end` (where the bytes given
 * stop), each x y z field `width` bytes. Writes each atom's residue number to `resids` and its
 * (kind, several) index to `pairs` (i32 each), kinds to `kinds` (KIND_BYTES each, at most
 * maxKinds) through the hash table `slots` (2^slotBits i32, zeroed), and each (kind, several)
 * index's atom count to `counts` and its order of first appearance to `order` (i32 each, 2 ×
 * maxKinds), and the first atom of each run of atoms with one (trimmed) residue name to `runs`
 * (i32 each). Returns the position of the line after the atom lines (the box line), -1 for a line
 * it does not accept (or more kinds than maxKinds), -2 when the lines run past end.
 */
export function parseAtoms(
  start: usize, end: usize, natoms: i32, width: i32,
  resids: usize, pairs: usize, kinds: usize, maxKinds: i32, slots: usize, slotBits: i32, counts: usize, order: usize, runs: usize,
): isize {
  kindCount = 0;
  pairCount = 0;
  runCount = 0;
  const w = <usize>width;
  const need: usize = 20 + 3 * w;
  if (need > 64) return -1;
  // The fixed columns, as bit masks over a line's first 64 bytes: the integer fields (residue
  // number, atom number, the integer part of x y z), their first and last bytes, the decimal
  // points and the decimals after them.
  let ints: u64 = 0x1f | (<u64>0x1f << 15);
  let firsts: u64 = 1 | (<u64>1 << 15);
  let lasts: u64 = (<u64>1 << 4) | (<u64>1 << 19);
  let dots: u64 = 0;
  let decimals: u64 = 0;
  for (let d: usize = 0; d < 3; d++) {
    const f = <u64>(20 + d * w);
    ints |= <u64>0xf << f;
    firsts |= <u64>1 << f;
    lasts |= <u64>1 << (f + 3);
    dots |= <u64>1 << (f + 4);
    decimals |= ((<u64>1 << <u64>(w - 5)) - 1) << (f + 5);
  }
  const names: u64 = <u64>0x3ff << 5;
  const wide = need > 48;
  const mask: u32 = (<u32>1 << <u32>slotBits) - 1;
  const shift: u64 = <u64>(64 - slotBits);
  let s = start;
  // The residue being read: its first atom, number and residue name key.
  let r0: i32 = 0;
  let rid: i32 = 0;
  let rkey: u64 = 0;
  let ridBytes: u64 = 0xffffffffffffffff;
  for (let i: i32 = 0; i < natoms; i++) {
    if (s + need > end) return -2;
    // Each integer field is ` *-?\d+`: spaces, then a minus sign or digits, a digit after a minus
    // sign or a digit, and a digit last. The name columns have no blank but spaces (nor a line end).
    const v0 = v128.load(s);
    const v1 = v128.load(s, 16);
    const v2 = v128.load(s, 32);
    let digit = inRange(v0, 48, 10) | (inRange(v1, 48, 10) << 16) | (inRange(v2, 48, 10) << 32);
    let space = equal(v0, 32) | (equal(v1, 32) << 16) | (equal(v2, 32) << 32);
    let minus = equal(v0, 45) | (equal(v1, 45) << 16) | (equal(v2, 45) << 32);
    let dot = equal(v1, 46) | (equal(v2, 46) << 16);
    if (wide) {
      const v3 = v128.load(s, 48);
      digit |= inRange(v3, 48, 10) << 48;
      space |= equal(v3, 32) << 48;
      minus |= equal(v3, 45) << 48;
      dot |= equal(v3, 46) << 32;
    }
    dot <<= 16;
    const blank = inRange(v0, 9, 5) | equal(v0, 160);
    if (
      ((digit | space | minus) & ints) != ints ||
      (((digit | minus) << 1) & ~digit & ints & ~firsts) != 0 ||
      (digit & lasts) != lasts ||
      (dot & dots) != dots ||
      (digit & decimals) != decimals ||
      (blank & names) != 0
    ) return -1;
    const lo = load<u64>(s + 5);
    const hi = <u32>load<u16>(s + 13);
    let h = <u32>(((lo ^ (<u64>hi << 48) ^ <u64>hi) * 0x9e3779b97f4a7c15) >> shift);
    let k: i32 = 0;
    for (;;) {
      const slot = load<i32>(slots + (<usize>h << 2));
      if (slot == 0) {
        if (kindCount == maxKinds) return -1;
        k = kindCount++;
        const e = kinds + <usize>k * KIND_BYTES;
        store<u64>(e, lo);
        store<u32>(e + 8, hi);
        store<u64>(e + 16, residueKey(s + 5));
        store<u32>(e + 24, <u32>(s - start));
        store<i32>(slots + (<usize>h << 2), k + 1);
        break;
      }
      const e = kinds + <usize>(slot - 1) * KIND_BYTES;
      if (load<u64>(e) == lo && load<u32>(e + 8) == hi) {
        k = slot - 1;
        break;
      }
      h = (h + 1) & mask;
    }
    const bytes5 = load<u64>(s) & 0xffffffffff;
    const resid = bytes5 == ridBytes ? rid : integer5(s);
    ridBytes = bytes5;
    const key = load<u64>(kinds + <usize>k * KIND_BYTES + 16);
    if (i == 0 || key != rkey) {
      store<i32>(runs + (<usize>runCount << 2), i);
      runCount++;
    }
    if (i > 0 && (resid != rid || key != rkey)) {
      closeResidue(r0, i, pairs, counts, order);
      r0 = i;
    }
    rid = resid;
    rkey = key;
    store<i32>(resids + (<usize>i << 2), resid);
    store<i32>(pairs + (<usize>i << 2), k);
    // The line's end: the next line feed (velocities, if any, are not read).
    let q = s + need;
    if (load<u8>(q) != 10) q = lineFeed(q, end);
    if (q >= end) return -2;
    s = q + 1;
  }
  if (natoms > 0) closeResidue(r0, natoms, pairs, counts, order);
  return s;
}

/** The atoms i0 … i1 − 1 are one residue: their kinds become (kind, several) indices, counted. */
@inline function closeResidue(i0: i32, i1: i32, pairs: usize, counts: usize, order: usize): void {
  const several: i32 = i1 - i0 > 1 ? 1 : 0;
  for (let i = i0; i < i1; i++) {
    const at = pairs + (<usize>i << 2);
    const p = (load<i32>(at) << 1) | several;
    store<i32>(at, p);
    const c = counts + (<usize>p << 2);
    const n = load<i32>(c);
    if (n == 0) {
      store<i32>(order + (<usize>pairCount << 2), p);
      pairCount++;
    }
    store<i32>(c, n + 1);
  }
}

/**
 * The row parser of text dumps (LAMMPS `ITEM: ATOMS`, extended XYZ), compiled to WebAssembly
 * (AssemblyScript; `npm run build` writes dist/src/io/dump-rows.wasm, which src/io/row-wasm.ts
 * loads). It keeps the contract of the generated JavaScript parser (src/io/row-compiler.ts) and
 * decides bit for bit as it does: the common case only (space-separated tokens, decimal numbers
 * whose mantissa fits in 2^53 and exponent in ±22, converted by one correctly rounded multiply
 * or divide by an exact power of ten), anything else gives -1 and the caller's generic loop
 * parses the frame. One function, driven by a table of column roles, serves every layout.
 *
 * The caller places everything in this module's memory (byte offsets below): the roles (one
 * byte each, values of src/io/atom-role.ts Role), the rows followed by a 0 byte and 16 bytes of
 * slack (line feeds are searched 16 bytes at a time and may look past the end, never deciding
 * on what lies there), the output arrays and, for a sparse parse, the table of wanted ids.
 */

import { lineFeed } from './line-feed';

// Role values (src/io/atom-role.ts; a const enum there, so repeated here).
const SKIP: u32 = 0;
const ID: u32 = 1;
const TYPE: u32 = 2;
const MOL: u32 = 3;
const ELEMENT: u32 = 4;
const ATOMIC_NUMBER: u32 = 5;
const MASS: u32 = 6;
const X: u32 = 7;
const Y: u32 = 8;
const Z: u32 = 9;
const IMAGE_X: u32 = 10;
const IMAGE_Y: u32 = 11;
const IMAGE_Z: u32 = 12;
const CHARGE: u32 = 13;

/** Mantissas at or above this are not exact in a double: the JavaScript parser gives up on them. */
const TWO53: u64 = 9007199254740992;

/** The exact powers of ten of a double. */
const POW10: StaticArray<f64> = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

// The state of a parse, carried from one call to the next (see begin).
let previousId: i64 = i64.MIN_VALUE;
let ascending: i32 = 1;
let unknown: i32 = 0;
let failedAt: usize = 0;
let longest: i32 = 0;
let wantedRows: i32 = 0;
/** The distinct labels of the parse, each as its bytes (at most 8) in a u64, in order of appearance. */
let labelCount: i32 = 0;
/** Labels of a frame with more kinds than this (or longer) are left to the caller's generic loop. */
const MAX_LABELS: i32 = 64;

/** Where the caller may start placing its arrays. */
export function heapBase(): usize {
  return __heap_base;
}

/**
 * Start a parse, which parseRows may then read in several calls, a range of rows each: a call
 * runs its loop in the code V8 has for it when it starts, and the optimised code, compiled in
 * the background once the baseline code has run a while, only serves the calls after. In parts,
 * a thread's first frame runs at full speed after its first few thousand rows.
 */
export function begin(): void {
  previousId = i64.MIN_VALUE;
  ascending = 1;
  unknown = 0;
  longest = 0;
  wantedRows = 0;
  labelCount = 0;
}

/** Whether every id of the parse was larger than the one before. */
export function idsAscending(): i32 {
  return ascending;
}

/** Ids the sparse parse met that its table did not know. */
export function unknownIds(): i32 {
  return unknown;
}

/** Where the last failed call gave up: at the end of the rows given when they ran out. */
export function failAt(): usize {
  return failedAt;
}

/** The longest row (bytes, with its line end) of the parse, as far as it read. */
export function longestRow(): i32 {
  return longest;
}

/** How many distinct labels the parse met (their keys are in the caller's label table). */
export function labelsMet(): i32 {
  return labelCount;
}

/** How many row indices the sparse parse wrote to its `parsed` list. */
export function parsedRows(): i32 {
  return wantedRows;
}

/**
 * The decimal number whose first byte c (not a blank) is at p, stored at `at` as a double;
 * returns the position after it, or 0 to give up. Digits accumulate exactly while the mantissa
 * stays below 2^53 (above, it only has to stay there: the number is given up), then one
 * correctly rounded multiplication or division by an exact power of ten, as Scanner.float does.
 */
@inline function number(p: usize, c: u32, at: usize): usize {
  const neg = c == 45;
  if (neg || c == 43) c = load<u8>(++p);
  let m: u64 = 0;
  let nd: i32 = 0;
  let e: i32 = 0;
  let d: u32 = c - 48;
  while (d < 10) {
    m = m < TWO53 ? m * 10 + <u64>d : m;
    nd++;
    d = <u32>load<u8>(++p) - 48;
  }
  if (load<u8>(p) == 46) {
    d = <u32>load<u8>(++p) - 48;
    while (d < 10) {
      m = m < TWO53 ? m * 10 + <u64>d : m;
      nd++;
      e--;
      d = <u32>load<u8>(++p) - 48;
    }
  }
  if (nd == 0) {
    failedAt = p;
    return 0;
  }
  c = load<u8>(p);
  if (c == 101 || c == 69) {
    c = load<u8>(++p);
    const en = c == 45;
    if (en || c == 43) c = load<u8>(++p);
    let x: i32 = 0;
    d = c - 48;
    if (d >= 10) {
      failedAt = p;
      return 0;
    }
    while (d < 10) {
      x = x * 10 + <i32>d;
      if (x > 400) {
        failedAt = p;
        return 0;
      }
      d = <u32>load<u8>(++p) - 48;
    }
    e += en ? -x : x;
    c = load<u8>(p);
  }
  if (c > 32 || m >= TWO53 || e < -22 || e > 22) {
    failedAt = p;
    return 0;
  }
  const v = e < 0 ? <f64>m / unchecked(POW10[-e]) : <f64>m * unchecked(POW10[e]);
  store<f64>(at, neg ? -v : v);
  return p;
}

/**
 * The integer of at most 9 digits whose first byte c is at p, stored at `at`; returns the
 * position after it, or 0 to give up.
 */
@inline function integer(p: usize, c: u32, at: usize): usize {
  const neg = c == 45;
  if (neg || c == 43) c = load<u8>(++p);
  let m: i32 = 0;
  let nd: i32 = 0;
  let d: u32 = c - 48;
  while (d < 10) {
    m = m * 10 + <i32>d;
    nd++;
    d = <u32>load<u8>(++p) - 48;
  }
  if (nd == 0 || nd > 9 || load<u8>(p) > 32) {
    failedAt = p;
    return 0;
  }
  store<i32>(at, neg ? -m : m);
  return p;
}

/** What a column is read as (the second table parseRows builds from the roles). */
const AS_SKIP: u32 = 0;
const AS_NUMBER: u32 = 1;
const AS_INTEGER: u32 = 2;
const AS_ID: u32 = 3;
const AS_LABEL: u32 = 4;

/**
 * The label whose first byte c (not a blank) is at p: its index in the table at `table` (u64
 * keys: the label's bytes, little-endian, the rest zero), added there when new, stored at `at`;
 * returns the position after it, or 0 to give up (a label longer than 8 bytes, or more than
 * MAX_LABELS kinds). Reads 8 bytes from p: the rows are followed by a 0 and slack.
 */
@inline function label(p: usize, c: u32, at: usize, table: usize): usize {
  const start = p;
  while (c > 32) c = load<u8>(++p);
  const len = p - start;
  if (len > 8) {
    failedAt = p;
    return 0;
  }
  const key = len == 8 ? load<u64>(start) : load<u64>(start) & ((<u64>1 << (<u64>len << 3)) - 1);
  let k: i32 = 0;
  while (k < labelCount && load<u64>(table + (<usize>k << 3)) != key) k++;
  if (k == labelCount) {
    if (k == MAX_LABELS) {
      failedAt = p;
      return 0;
    }
    store<u64>(table + (<usize>k << 3), key);
    labelCount++;
  }
  store<i32>(at, k);
  return p;
}

/**
 * Parse rows i0 to i1 - 1 of the `ncols` columns whose roles are at `roles`, from `start`; `end`
 * is the end of the rows given (a 0 byte there). Returns the position after the last row, or -1
 * to give up (failAt says where). Targets are laid out as the fields of RowTargets (pos and img
 * three per row). With `sparse`, `want` (wantLen bytes, by atom id) is the table of
 * CompiledRows: a row whose id has 1 is stepped over once its id is read; the indices of the
 * rows parsed go to `parsed`. `cols` is scratch for 12 bytes per column.
 *
 * Each column becomes (how to read it, where its value for row 0 goes, bytes between rows), so
 * that one copy of the number and integer readers serves every column: a small function, which
 * V8 compiles in a few milliseconds per thread, baseline and optimised.
 */
export function parseRows(
  roles: usize, ncols: i32, start: usize, end: usize, i0: i32, i1: i32,
  pos: usize, img: usize, id: usize, type: usize, mol: usize, mass: usize, charge: usize,
  sparse: i32, want: usize, wantLen: i32, parsed: usize, cols: usize, labels: usize, table: usize,
): isize {
  for (let k: i32 = 0; k < ncols; k++) {
    const role: u32 = load<u8>(roles + <usize>k);
    let how = AS_SKIP;
    let at: usize = 0;
    let stride: usize = 0;
    if (role == X || role == Y || role == Z) {
      how = AS_NUMBER;
      at = pos + (<usize>(role - X) << 3);
      stride = 24;
    } else if (role == MASS || role == CHARGE) {
      how = AS_NUMBER;
      at = role == MASS ? mass : charge;
      stride = 8;
    } else if (role == IMAGE_X || role == IMAGE_Y || role == IMAGE_Z) {
      how = AS_INTEGER;
      at = img + (<usize>(role - IMAGE_X) << 2);
      stride = 12;
    } else if (role == TYPE || role == MOL) {
      how = AS_INTEGER;
      at = role == TYPE ? type : mol;
      stride = 4;
    } else if (role == ID) {
      how = AS_ID;
      at = id;
      stride = 4;
    } else if ((role == ELEMENT || role == ATOMIC_NUMBER) && labels != 0) {
      // Collected as an index into the table of labels (the first frame's); else skipped.
      how = AS_LABEL;
      at = labels;
      stride = 4;
    }
    const d = cols + <usize>k * 12;
    store<u32>(d, how);
    store<u32>(d + 4, <u32>at);
    store<u32>(d + 8, <u32>stride);
  }
  let p = start;
  let prev = previousId;
  let asc = ascending;
  let unknownSeen = unknown;
  let np = wantedRows;
  let longestSeen = <usize>longest;
  const colsEnd = cols + <usize>ncols * 12;
  for (let i = i0; i < i1; i++) {
    const rowStart = p;
    let stepped = false;
    for (let d = cols; d < colsEnd; d += 12) {
      let c: u32 = load<u8>(p);
      while (c == 32) c = load<u8>(++p);
      if (c <= 32) {
        failedAt = p;
        longest = <i32>longestSeen;
        return -1;
      }
      const how = load<u32>(d);
      if (how == AS_SKIP) {
        while (c > 32) c = load<u8>(++p);
        continue;
      }
      const at = <usize>load<u32>(d + 4) + <usize>i * <usize>load<u32>(d + 8);
      if (how == AS_NUMBER) {
        p = number(p, c, at);
      } else if (how == AS_LABEL) {
        p = label(p, c, at, table);
      } else {
        p = integer(p, c, at);
        if (p != 0 && how == AS_ID) {
          const v = load<i32>(at);
          if (<i64>v <= prev) asc = 0;
          prev = v;
          if (sparse) {
            const w: u32 = <u32>v < <u32>wantLen ? <u32>load<u8>(want + <usize>v) : 0;
            if (w == 1) {
              stepped = true;
              break;
            }
            if (w == 0) unknownSeen++;
          }
        }
      }
      if (p == 0) {
        longest = <i32>longestSeen;
        return -1;
      }
    }
    if (stepped) {
      const q = lineFeed(p, end);
      if (q >= end) {
        failedAt = end;
        longest = <i32>longestSeen;
        return -1;
      }
      p = q + 1;
    } else {
      // End of the row: blanks, an optional CR, then LF; extra columns are skipped.
      let c: u32 = load<u8>(p);
      while (c == 32 || c == 13) c = load<u8>(++p);
      if (c != 10) {
        const q = p >= end ? end : lineFeed(p, end);
        if (q >= end) {
          failedAt = end;
          longest = <i32>longestSeen;
          return -1;
        }
        p = q;
      }
      p++;
      if (sparse) {
        store<i32>(parsed + (<usize>np << 2), i);
        np++;
      }
    }
    if (p - rowStart > longestSeen) longestSeen = p - rowStart;
  }
  previousId = prev;
  ascending = asc;
  unknown = unknownSeen;
  wantedRows = np;
  longest = <i32>longestSeen;
  return <isize>p;
}

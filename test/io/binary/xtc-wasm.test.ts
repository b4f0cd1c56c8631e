import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { NEED_MORE, xdrCursor } from '../../../src/io/binary/xdr.js';
import { createXtcFrame, readXtcFrame, xtcAtomCount, xtcWantedAtoms } from '../../../src/io/binary/xtc.js';
import { WasmXtcDecoder, wasmXtcAvailable } from '../../../src/io/binary/xtc-wasm.js';
import { FIXTURES, REPO, SHARED, tempFile } from '../../support/io.js';
import { prng } from './reference.js';
import { ensureWasmBuilt, hideBuiltWasm } from '../../support/built-wasm.js';

/**
 * The WebAssembly decoder of XTC coordinates (wasm/xtc-decoder.ts, loaded by xtc-wasm.ts)
 * against the JavaScript decoder in xtc.ts, its specification: the same positions bit for bit,
 * for the whole and the selective decode, on every XTC file at hand and on synthetic frames that
 * take every path of the format; on corrupt frames, the same errors. The synthetic frames are
 * written here from integer coordinates, which the JavaScript decoder must give back exactly.
 *
 * The decoder is compiled here when the build has not made it (or made it from an older source),
 * so these tests run it rather than skip; MDPOST_XTC=js turns it off, and then they are skipped.
 */

const WASM = process.env.MDPOST_XTC !== 'js';
const WASM_FILE = join(REPO, 'dist/src/io/binary/xtc-decoder.wasm');


type Mode = 'js' | 'wasm';

/** What decoding every frame of `bytes` gave: each frame's positions (copied), or the error. */
interface Decoded {
  positions: Float64Array[];
  error: unknown;
}

/**
 * Decode all frames of `bytes` with one decoder (the frame's, made at its first compressed frame:
 * MDPOST_XTC is set around the whole read), optionally for some atoms only, each frame's
 * positions first filled with `fill`.
 */
function decode(bytes: Uint8Array, mode: Mode, atoms: number[] | null = null, fill = NaN): Decoded {
  vi.stubEnv('MDPOST_XTC', mode);
  const positions: Float64Array[] = [];
  try {
    const c = xdrCursor(bytes);
    const natoms = xtcAtomCount(c);
    const frame = createXtcFrame(natoms);
    const next = atoms ? xtcWantedAtoms(natoms, atoms) : null;
    while (c.pos < c.end) {
      frame.positionsA.fill(fill);
      readXtcFrame(c, frame, true, next);
      positions.push(frame.positionsA.slice());
    }
    return { positions, error: undefined };
  } catch (e) {
    return { positions, error: e };
  } finally {
    vi.unstubAllEnvs();
  }
}

/** Equal bit for bit (NaN as NaN, −0 apart from 0). */
function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

function expectSameFrames(wasm: Decoded, js: Decoded, label: string): void {
  expect(wasm.positions.length, label).toBe(js.positions.length);
  wasm.positions.forEach((p, k) => expect(sameBits(p, js.positions[k]), `${label}, frame ${k}`).toBe(true));
}

/** What the WebAssembly decoder answered to each frame it was given (true: decoded). */
function wasmAnswers(spy: { mock: { results: { value: unknown }[] } }): unknown[] {
  return spy.mock.results.map((r) => r.value);
}

// ---------------------------------------------------------------------------------------------
// Synthetic XTC frames, written from integer coordinates by the rules of the format (xtc.ts's
// header comment): every size of the full coordinates, every small-difference index, runs.

const MAGICINTS = [
  0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 10, 12, 16, 20, 25, 32, 40, 50, 64, 80, 101, 128, 161, 203, 256, 322, 406, 512, 645, 812,
  1024, 1290, 1625, 2048, 2580, 3250, 4096, 5060, 6501, 8192, 10321, 13003, 16384, 20642, 26007, 32768, 41285, 52015,
  65536, 82570, 104031, 131072, 165140, 208063, 262144, 330280, 416127, 524287, 660561, 832255, 1048576, 1321122,
  1664510, 2097152, 2642245, 3329021, 4194304, 5284491, 6658042, 8388607, 10568983, 13316085, 16777216,
];

class BitWriter {
  private readonly bits: number[] = [];
  /** n bits of v, most significant first. */
  field(v: bigint, n: number): void {
    for (let k = n - 1; k >= 0; k--) this.bits.push(Number((v >> BigInt(k)) & 1n));
  }
  /** A mixed-radix number of n bits: its bytes, least significant first, the last one short. */
  radix(v: bigint, n: number): void {
    for (let k = 0; n > 0; k++, n -= 8) this.field((v >> BigInt(8 * k)) & 0xffn, Math.min(8, n));
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(Math.ceil(this.bits.length / 8));
    this.bits.forEach((b, i) => (out[i >> 3] |= b << (7 - (i & 7))));
    return out;
  }
}

const bitLength = (v: bigint): number => v.toString(2).length;

interface Synth {
  natoms: number;
  /** Range sizes max − min + 1 of the full coordinates. */
  sizes: [number, number, number];
  /** The small-difference index wanders within [lo, hi], starting at lo. */
  smallidx: [number, number];
  precision?: number;
  magic?: 1995 | 2023;
  /**
   * Break the stream: a run past the atom count, an index out of its range, a value out of its
   * range (a small difference: the first of its run, or the second).
   */
  corrupt?: 'run' | 'smallidx-down' | 'smallidx-up' | 'coordinate' | 'difference' | 'later-difference';
}

interface Written {
  bytes: Uint8Array;
  /** The positions the frame holds (integer × 10 / precision), Å. */
  positions: Float64Array;
  /** Paths taken: full coordinates as separate fields, their bit length, small-difference indices used, run lengths. */
  separate: boolean;
  bitsize: number;
  smallidx: Set<number>;
  runs: Set<number>;
  changes: { up: number; down: number };
}

function writeFrame(s: Synth, random: () => number, step = 0): Written {
  const { natoms, sizes } = s;
  const precision = s.precision ?? 1000;
  const scale = 10 / Math.fround(precision);
  const min = sizes.map((n) => -Math.floor(n / 2));
  const separate = sizes.some((n) => n > 0xffffff);
  const fieldBits = sizes.map((n) => bitLength(BigInt(n)));
  const bitsize = separate ? 0 : bitLength(BigInt(sizes[0]) * BigInt(sizes[1]) * BigInt(sizes[2]));
  const w = new BitWriter();
  const positions = new Float64Array(3 * natoms);
  const put = (i: number, xyz: number[]) => xyz.forEach((v, d) => (positions[3 * i + d] = v * scale));
  const int = (n: number) => Math.floor(random() * n);
  const [lo, hi] = s.smallidx;
  let smallidx = lo;
  const out: Written = { bytes: new Uint8Array(0), positions, separate, bitsize, smallidx: new Set(), runs: new Set(), changes: { up: 0, down: 0 } };
  let run = 0;
  let direction = 1;
  let i = 0;
  while (i < natoms) {
    // The corruption goes into the step at the tenth atom from the end (single atoms lead up to
    // it); the stream ends after it, but for differences out of range, which go on to the last
    // atom in a stream of the right length (so that only the range check can refuse it).
    const left = natoms - i;
    const bad = s.corrupt !== undefined && left <= 10;
    const approach = s.corrupt !== undefined && left <= 20;
    // The full coordinate.
    const u = sizes.map(int);
    if (bad && s.corrupt === 'coordinate') {
      // The first value past the range (the bits can hold it).
      if (separate) u[2] = sizes[2];
      else w.radix(BigInt(sizes[0]) * BigInt(sizes[1]) * BigInt(sizes[2]), bitsize);
    }
    if (separate) u.forEach((v, d) => w.field(BigInt(v), fieldBits[d]));
    else if (!(bad && s.corrupt === 'coordinate')) w.radix((BigInt(u[0]) * BigInt(sizes[1]) + BigInt(u[1])) * BigInt(sizes[2]) + BigInt(u[2]), bitsize);
    const full = u.map((v, d) => v + min[d]);
    // The run code: a new run length and index change, or the run goes on.
    let delta = 0;
    if (random() < 0.5 || run / 3 + 1 > left || approach) {
      let count = approach ? 0 : Math.min(int(11), left - 1);
      // The index sweeps its band up and down, with pauses and steps back.
      if (smallidx + direction < lo || smallidx + direction > hi) direction = -direction;
      const r = random();
      delta = r < 0.5 ? direction : r < 0.6 ? -direction : 0;
      if (smallidx + delta < lo || smallidx + delta > hi) delta = 0;
      // The code has 5 bits: a run of 10 cannot also raise the index.
      if (count === 10 && delta === 1) count = 9;
      if (bad && s.corrupt === 'run') {
        count = left;
        delta = 0;
      }
      if (bad && s.corrupt === 'difference') count = Math.min(1, left - 1);
      if (bad && s.corrupt === 'later-difference') count = Math.min(2, left - 1);
      if (bad && s.corrupt === 'smallidx-down') delta = -1;
      if (bad && s.corrupt === 'smallidx-up') {
        delta = 1;
        count = Math.min(count, 9);
      }
      run = 3 * count;
      w.field(1n, 1);
      w.field(BigInt(run + delta + 1), 5);
      if (delta > 0) out.changes.up++;
      if (delta < 0) out.changes.down++;
    } else w.field(0n, 1);
    const count = run / 3;
    out.runs.add(count);
    out.smallidx.add(smallidx);
    if (count === 0) {
      put(i, full);
      i++;
    } else {
      const size = MAGICINTS[smallidx];
      const smallnum = size >> 1;
      let prev = full;
      for (let k = 0; k < count; k++) {
        const d = [int(size), int(size), int(size)];
        // Past size³ but within the bits (where size³ < 2^smallidx).
        if (bad && (s.corrupt === 'difference' || (s.corrupt === 'later-difference' && k === 1))) w.field((1n << BigInt(smallidx)) - 1n, smallidx);
        else w.radix((BigInt(d[0]) * BigInt(size) + BigInt(d[1])) * BigInt(size) + BigInt(d[2]), smallidx);
        const t = prev.map((p, c) => p + d[c] - smallnum);
        if (i < natoms) put(i, t);
        if (k === 0 && i + 1 < natoms) put(i + 1, full);
        i += k === 0 ? 2 : 1;
        prev = t;
      }
    }
    smallidx += delta;
    if (bad && s.corrupt !== 'difference' && s.corrupt !== 'later-difference') break;
  }
  const block = w.bytes();
  const magic = s.magic ?? 1995;
  const countBytes = magic === 2023 ? 8 : 4;
  const bytes = new Uint8Array(92 + countBytes - 4 + Math.ceil(block.length / 4) * 4);
  const v = new DataView(bytes.buffer);
  v.setInt32(0, magic, false);
  v.setInt32(4, natoms, false);
  v.setInt32(8, step, false);
  v.setFloat32(12, step * 0.5, false);
  for (let k = 0; k < 3; k++) v.setFloat32(16 + 16 * k, 5 + k, false);
  v.setInt32(52, natoms, false);
  v.setFloat32(56, precision, false);
  for (let k = 0; k < 3; k++) {
    v.setInt32(60 + 4 * k, min[k], false);
    v.setInt32(72 + 4 * k, min[k] + sizes[k] - 1, false);
  }
  v.setInt32(84, lo, false);
  if (magic === 2023) v.setBigInt64(88, BigInt(block.length), false);
  else v.setInt32(88, block.length, false);
  bytes.set(block, 88 + countBytes);
  out.bytes = bytes;
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Sizes of the full coordinates giving each size class of the mixed-radix number, and separate fields. */
const LARGE: [string, [number, number, number]][] = [
  ['a 20-bit number (≤ 24 bits: one read)', [100, 120, 90]],
  ['a 39-bit number (25–48 bits; the bench box at precision 1000)', [7810, 7827, 7822]],
  ['a 52-bit number (49–53 bits)', [150_000, 140_000, 160_000]],
  ['a 54-bit number (> 53 bits: long division in JavaScript)', [200_000, 210_000, 220_000]],
  ['a 61-bit number', [1_000_000, 1_100_000, 1_200_000]],
  ['a 72-bit number', [0xffffff, 0xfffffd, 0xfffff9]],
  ['three separate fields of 25 bits (a range over 2^24)', [0x1000001, 0x1000001, 0x1000001]],
  ['separate fields of 26, 9 and 32 bits', [0x2000000, 300, 0xffffffff]],
];
/** Bands of the small-difference index: one read, ≤ 32 / ≤ 53 / ≤ 64 bits, long division. */
const SMALL: [number, number][] = [
  [9, 14],
  [20, 33],
  [30, 40],
  [50, 57],
  [55, 66],
  [62, 72],
];

// ---------------------------------------------------------------------------------------------

describe.skipIf(!WASM)('the WebAssembly XTC decoder', () => {
  beforeAll(() => {
    ensureWasmBuilt('xtc-decoder', WASM_FILE);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('is built and loads', () => {
    expect(wasmXtcAvailable()).toBe(true);
  });

  describe('divides without dividing, exactly', () => {
    interface QuotientExports {
      testSmallQuotient(smallidx: number, d: number, square: boolean): number;
      testLargeQuotient(n: number, s: number): number;
    }
    let k: QuotientExports;
    beforeAll(() => {
      const mod = new WebAssembly.Module(readFileSync(WASM_FILE));
      k = new WebAssembly.Instance(mod, { env: { memory: new WebAssembly.Memory({ initial: 1 }) } }).exports as unknown as QuotientExports;
    });

    it('small triples of ≤ 31 bits: ⌊d / s⌋ and ⌊d / s²⌋ for every d where the quotient can first be wrong', () => {
      // d·m / 2^k never falls below d / s (m ≥ 2^k / s) and, between two multiples of the
      // divisor, is largest at the last one, k·s − 1: where it exceeds the next integer first.
      // So checking d = j·s − 1 and j·s for every j with d < 2^smallidx checks every d;
      // below 2^18 every d is checked as well.
      // That holds as long as d·m does not overflow 64 bits, and every d < 2^smallidx then
      // divides exactly if (m·s − 2^k)·2^smallidx ≤ 2^k (m = ⌈2^k / s⌉, k = 42 for s, 52 for s²).
      const bounds: string[] = [];
      for (let idx = 9; idx <= 31; idx++) {
        for (const [s, k] of [[BigInt(MAGICINTS[idx]), 42n], [BigInt(MAGICINTS[idx]) ** 2n, 52n]]) {
          const m = (2n ** k + s - 1n) / s;
          if ((2n ** BigInt(idx) - 1n) * m >= 2n ** 64n || (m * s - 2n ** k) * 2n ** BigInt(idx) > 2n ** k) bounds.push(`smallidx ${idx}, divisor ${s}`);
        }
      }
      expect(bounds).toEqual([]);
      const wrong: string[] = [];
      let checked = 0;
      for (let idx = 9; idx <= 31; idx++) {
        const s = MAGICINTS[idx];
        const end = 2 ** idx;
        for (const [divisor, square] of [[s, false], [s * s, true]] as const) {
          const check = (d: number) => {
            checked++;
            const q = k.testSmallQuotient(idx, d, square);
            if (q !== Math.floor(d / divisor)) wrong.push(`smallidx ${idx}, ${d} / ${divisor}: ${q}`);
          };
          for (let d = 0; d < Math.min(end, 2 ** 18); d++) check(d);
          for (let j = 1; j * divisor - 1 < end; j++) {
            check(j * divisor - 1);
            if (j * divisor < end) check(j * divisor);
          }
          for (let d = end - 1; d >= Math.max(0, end - 1000); d--) check(d);
          if (wrong.length > 10) break;
        }
      }
      expect(wrong.slice(0, 10)).toEqual([]);
      expect(checked).toBeGreaterThan(10_000_000);
    });

    it('full coordinates of ≤ 52 bits: ⌊n / s⌋ or one more by a reciprocal in double precision, against BigInt', () => {
      const random = prng(52);
      const wrong: string[] = [];
      // Estimates that were the quotient, and one more (both happen: the decoder sets them right).
      const ones = [0, 0];
      const top = 2n ** 52n;
      // The divisors sz and sy·sz of the size classes, 1, small ones, powers of two and their
      // neighbours, the largest for 52 bits, and random ones.
      const divisors = new Set<number>([1, 2, 3, 7, 8, 255, 256, 257, 7822, 7827 * 7822, 140_000 * 160_000, 160_000, 2 ** 24 - 1, 2 ** 24, 2 ** 26 + 1, 2 ** 40 - 3, 2 ** 47, 2 ** 51 - 1]);
      for (let t = 0; t < 200; t++) divisors.add(1 + Math.floor(random() * 2 ** (1 + Math.floor(random() * 50))));
      let checked = 0;
      for (const s of divisors) {
        const S = BigInt(s);
        const check = (N: bigint) => {
          if (N < 0n || N >= top) return;
          checked++;
          const q = BigInt(k.testLargeQuotient(Number(N), s));
          if (q !== N / S && q !== N / S + 1n) wrong.push(`${N} / ${s}: ${q}`);
          else ones[Number(q - N / S)]++;
        };
        const jTop = (top - 1n) / S;
        // Around the multiples of s near the top (the largest errors), near zero, and at random.
        for (let j = 0n; j < 300n; j++) {
          for (const J of [jTop - j, j, BigInt(Math.floor(random() * Number(jTop)))]) {
            for (const d of [-1n, 0n, 1n, S / 2n, S - 1n]) check(J * S + d);
          }
        }
        for (let d = 0n; d < 300n; d++) check(top - 1n - d);
        if (wrong.length > 10) break;
      }
      expect(wrong.slice(0, 10)).toEqual([]);
      expect(checked).toBeGreaterThan(300_000);
      expect(Math.min(...ones)).toBeGreaterThan(10_000);
    });
  });

  describe('gives the JavaScript decoder’s positions bit for bit', () => {
    const files = [
      ...readdirSync(join(FIXTURES, 'io/binary')).map((n) => join(FIXTURES, 'io/binary', n)),
      ...readdirSync(join(FIXTURES, 'sim/gromacs-nacl-water')).map((n) => join(FIXTURES, 'sim/gromacs-nacl-water', n)),
      ...(existsSync(SHARED) ? (readdirSync(SHARED, { recursive: true }) as string[]).map((n) => join(SHARED, n)) : []),
    ].filter((f) => f.endsWith('.xtc'));

    it.each(files.map((f) => [f.slice(REPO.length + 1), f]))('%s, all atoms and some', (_name, file) => {
      const bytes = new Uint8Array(readFileSync(file));
      const spy = vi.spyOn(WasmXtcDecoder.prototype, 'decode');
      const wasm = decode(bytes, 'wasm');
      const js = decode(bytes, 'js');
      expect(wasm.error).toBeUndefined();
      expect(js.error).toBeUndefined();
      expectSameFrames(wasm, js, file);
      const natoms = xtcAtomCount(xdrCursor(bytes));
      // Files of ≤ 9 atoms are stored as float32, not compressed: no decoder runs.
      expect(wasmAnswers(spy)).toEqual(natoms <= 9 ? [] : js.positions.map(() => true));
      const random = prng(natoms);
      for (const atoms of [[0], [natoms - 1], [1], Array.from({ length: natoms }, (_, i) => i).filter(() => random() < 0.05)]) {
        const wanted = new Set(atoms);
        const w = decode(bytes, 'wasm', atoms);
        const j = decode(bytes, 'js', atoms);
        expect(w.positions.length).toBe(js.positions.length);
        w.positions.forEach((p, k) => {
          // The same atoms written as by the JavaScript decoder: those of the steps of the stream
          // that hold a wanted atom (all, in frames of ≤ 9 atoms, which are stored uncompressed).
          expect(sameBits(p, j.positions[k]), `frame ${k}`).toBe(true);
          const wrong: string[] = [];
          for (let i = 0; i < natoms; i++) {
            for (let d = 0; d < 3; d++) {
              const x = p[3 * i + d];
              if (wanted.has(i) && !Object.is(x, js.positions[k][3 * i + d])) wrong.push(`atom ${i} wanted: ${x}`);
              if (!wanted.has(i) && !Number.isNaN(x) && !Object.is(x, js.positions[k][3 * i + d])) wrong.push(`atom ${i} not wanted, written wrong: ${x}`);
            }
          }
          expect(wrong, `frame ${k}`).toEqual([]);
          // One wanted atom: one step of the stream decoded, at most 11 atoms.
          if (atoms.length === 1 && natoms > 9) expect(p.filter(Number.isNaN).length / 3, `frame ${k}: atoms left alone`).toBeGreaterThanOrEqual(natoms - 11);
        });
      }
    });

    // The bench trajectory (not committed; bench/data, or MDPOST_BENCH_XTC): 42 903 atoms × 121 frames.
    const bench = process.env.MDPOST_BENCH_XTC ?? join(REPO, 'bench/data/water/traj.xtc');
    it.skipIf(!existsSync(bench))('the bench trajectory (water and NaCl, 42 903 atoms), all atoms and the Na⁺ only', () => {
      const bytes = new Uint8Array(readFileSync(bench));
      expectSameFrames(decode(bytes, 'wasm'), decode(bytes, 'js'), 'bench');
      const sodium = Array.from({ length: 273 }, (_, k) => 42357 + k);
      const w = decode(bytes, 'wasm', sodium, 0);
      const j = decode(bytes, 'js', sodium, 0);
      w.positions.forEach((p, k) => {
        for (const i of sodium) for (let d = 0; d < 3; d++) expect(Object.is(p[3 * i + d], j.positions[k][3 * i + d])).toBe(true);
      });
    });
  });

  describe('on synthetic frames that take every path', () => {
    const cases = LARGE.flatMap(([name, sizes], a) => SMALL.map((band, b): [string, [number, number, number], [number, number], number] => [`${name}, small-difference index ${band[0]}–${band[1]}`, sizes, band, 1000 * a + b]));

    it.each(cases)('%s', (_name, sizes, band, seed) => {
      const random = prng(seed + 1);
      // Frames of 10 atoms (the fewest compressed), odd counts, and enough for runs to wander.
      const frames = [10, 11, 157, 1200].map((natoms, k) => writeFrame({ natoms, sizes, smallidx: band, magic: k === 2 ? 2023 : 1995, precision: [1000, 100, 1e6, 333][k] }, random, k));
      const seen = { smallidx: new Set<number>(), runs: new Set<number>(), up: 0, down: 0 };
      for (const f of frames) {
        f.smallidx.forEach((x) => seen.smallidx.add(x));
        f.runs.forEach((x) => seen.runs.add(x));
        seen.up += f.changes.up;
        seen.down += f.changes.down;
        expect(f.separate).toBe(sizes.some((n) => n > 0xffffff));
        // Each frame alone (the decoder is sized for its atom count) and checked against what was written.
        const spy = vi.spyOn(WasmXtcDecoder.prototype, 'decode');
        const js = decode(f.bytes, 'js');
        const wasm = decode(f.bytes, 'wasm');
        expect(js.error).toBeUndefined();
        expect(sameBits(js.positions[0], f.positions), 'JavaScript decoder against the written integers').toBe(true);
        expectSameFrames(wasm, js, _name);
        expect(wasmAnswers(spy)).toEqual([true]);
        spy.mockRestore();
        // Some atoms: the wanted ones exactly, others only as part of a wanted one's step.
        const natoms = f.positions.length / 3;
        const atoms = Array.from({ length: natoms }, (_, i) => i).filter((i) => i % 5 === 2 || i === natoms - 1);
        const some = decode(f.bytes, 'wasm', atoms);
        expect(sameBits(some.positions[0], decode(f.bytes, 'js', atoms).positions[0])).toBe(true);
        for (let i = 0; i < natoms; i++) {
          for (let d = 0; d < 3; d++) {
            const x = some.positions[0][3 * i + d];
            if (atoms.includes(i) || !Number.isNaN(x)) expect(Object.is(x, f.positions[3 * i + d])).toBe(true);
          }
        }
      }
      // The paths were taken: the whole band of indices, going up and down, runs of 0 to 10.
      for (let x = band[0]; x <= band[1]; x++) expect(seen.smallidx.has(x), `small-difference index ${x}`).toBe(true);
      expect(seen.up).toBeGreaterThan(0);
      expect(seen.down).toBeGreaterThan(0);
      for (let r = 0; r <= 10; r++) expect(seen.runs.has(r), `runs of ${r}`).toBe(true);
    });

    it('a file of such frames, frames of different paths one after the other', () => {
      const random = prng(99);
      const frames = LARGE.map(([, sizes], k) => writeFrame({ natoms: 300, sizes, smallidx: SMALL[k % SMALL.length] }, random, k));
      const bytes = concat(frames.map((f) => f.bytes));
      const wasm = decode(bytes, 'wasm');
      expect(wasm.error).toBeUndefined();
      frames.forEach((f, k) => expect(sameBits(wasm.positions[k], f.positions), `frame ${k}`).toBe(true));
      expectSameFrames(wasm, decode(bytes, 'js'), 'mixed file');
    });
  });

  it('into a frame made elsewhere (its own positions array): decoded in its memory, and copied out', () => {
    const bytes = new Uint8Array(readFileSync(join(FIXTURES, 'io/binary/water-nacl-ndec8.xtc')));
    const natoms = xtcAtomCount(xdrCursor(bytes));
    const whole = decode(bytes, 'js');
    const atoms = [3, 100, natoms - 1];
    for (const next of [null, xtcWantedAtoms(natoms, atoms)]) {
      const spy = vi.spyOn(WasmXtcDecoder.prototype, 'decode');
      vi.stubEnv('MDPOST_XTC', 'wasm');
      const frame = { ...createXtcFrame(natoms), positionsA: new Float64Array(3 * natoms).fill(NaN) };
      const c = xdrCursor(bytes);
      for (let k = 0; c.pos < c.end; k++) {
        readXtcFrame(c, frame, true, next);
        if (!next) expect(sameBits(frame.positionsA, whole.positions[k])).toBe(true);
        else {
          // Only the wanted atoms are copied.
          const expected = new Float64Array(3 * natoms).fill(NaN);
          for (const i of atoms) expected.set(whole.positions[k].subarray(3 * i, 3 * i + 3), 3 * i);
          expect(sameBits(frame.positionsA, expected)).toBe(true);
        }
      }
      expect(wasmAnswers(spy)).toEqual(whole.positions.map(() => true));
      vi.restoreAllMocks();
      vi.unstubAllEnvs();
    }
  });

  describe('on corrupt frames, the JavaScript decoder’s error, and never a hang', () => {
    /** The error decoding `bytes` gives with each decoder, and what the WebAssembly one answered. */
    function errors(bytes: Uint8Array): { js: unknown; wasm: unknown; answers: unknown[] } {
      const js = decode(bytes, 'js').error;
      const spy = vi.spyOn(WasmXtcDecoder.prototype, 'decode');
      const wasm = decode(bytes, 'wasm').error;
      const answers = wasmAnswers(spy);
      spy.mockRestore();
      return { js, wasm, answers };
    }

    function expectSameError(bytes: Uint8Array, message: RegExp, label: string): void {
      const e = errors(bytes);
      expect(e.js, label).toBeInstanceOf(Error);
      expect((e.js as Error).message, label).toMatch(message);
      expect(e.wasm, label).toBeInstanceOf((e.js as Error).constructor);
      expect((e.wasm as Error).message, label).toBe((e.js as Error).message);
      // The WebAssembly decoder refused the frame; the JavaScript one said why.
      expect(e.answers.at(-1), label).toBe(false);
    }

    const sizesOf = (k: number) => LARGE[k][1];

    it.each([
      ['a run past the atom count', 'run', [9, 14], /run of \d+ small differences after atom \d+ passes the atom count/],
      ['the small-difference index below 9', 'smallidx-down', [9, 9], /small-difference index 8 outside 9…72/],
      ['the small-difference index above 72', 'smallidx-up', [72, 72], /small-difference index 73 outside 9…72/],
      ['a coordinate past its range', 'coordinate', [9, 14], /coordinate of atom \d+ outside the frame's range/],
      ['a small difference past its range', 'difference', [10, 10], /small difference of atom \d+ outside its range/],
      ['a small difference past its range, not the first of its run', 'later-difference', [10, 10], /small difference of atom \d+ outside its range/],
    ] as const)('%s', (_name, corrupt, band, message) => {
      for (const k of [0, 1, 3, 5, 6, 7]) {
        if ((corrupt === 'difference' || corrupt === 'later-difference') && k === 5) continue;
        const f = writeFrame({ natoms: 200, sizes: sizesOf(k), smallidx: [band[0], band[1]], corrupt }, prng(k + 5));
        expectSameError(f.bytes, message, `${LARGE[k][0]}`);
      }
    });

    it('a byte count too small (the block cut short) or too large (bytes left over), and a frame cut off', () => {
      const f = writeFrame({ natoms: 500, sizes: sizesOf(1), smallidx: [9, 20] }, prng(3));
      const v = new DataView(f.bytes.buffer);
      const n = v.getInt32(88, false);
      const short = f.bytes.slice(0, f.bytes.length - 8);
      new DataView(short.buffer).setInt32(88, n - 8, false);
      // Zero bits past the block read as atoms at minint, within the last run (JavaScript's message).
      expectSameError(short, /XTC: /, 'short');
      const long = new Uint8Array(f.bytes.length + 8);
      long.set(f.bytes);
      new DataView(long.buffer).setInt32(88, n + 8, false);
      expectSameError(long, /compressed block of \d+ bytes decoded from \d+ bytes/, 'long');
      // Cut anywhere: more bytes wanted, from either.
      for (const end of [60, 92, f.bytes.length - 1]) {
        const e = errors(f.bytes.slice(0, end));
        expect(e.js).toBe(NEED_MORE);
        expect(e.wasm).toBe(NEED_MORE);
      }
    });

    it('thousands of random byte flips: the same error or the same positions, promptly', () => {
      const random = prng(20260502);
      const sources = [
        new Uint8Array(readFileSync(join(FIXTURES, 'io/binary/water-nacl.xtc'))),
        writeFrame({ natoms: 300, sizes: sizesOf(3), smallidx: [30, 60] }, random).bytes,
        writeFrame({ natoms: 300, sizes: sizesOf(7), smallidx: [55, 72] }, random).bytes,
      ];
      const outcomes = { same: 0, refused: 0, decoded: 0 };
      let slowest = 0;
      for (let trial = 0; trial < 1500; trial++) {
        const b = sources[trial % sources.length].slice();
        const flips = 1 + Math.floor(random() * 3);
        for (let k = 0; k < flips; k++) {
          const at = random() < 0.9 ? 92 + Math.floor(random() * (Math.min(b.length, 2000) - 92)) : Math.floor(random() * 92);
          b[at] ^= 1 + Math.floor(random() * 255);
        }
        const t0 = performance.now();
        const js = decode(b, 'js');
        const spy = vi.spyOn(WasmXtcDecoder.prototype, 'decode');
        const wasm = decode(b, 'wasm');
        slowest = Math.max(slowest, performance.now() - t0);
        if (wasmAnswers(spy).includes(false)) outcomes.refused++;
        else outcomes.decoded++;
        spy.mockRestore();
        if (js.error === undefined) expect(wasm.error).toBeUndefined();
        else {
          expect(wasm.error === NEED_MORE ? NEED_MORE : (wasm.error as Error).message).toEqual(js.error === NEED_MORE ? NEED_MORE : (js.error as Error).message);
        }
        expectSameFrames(wasm, js, `trial ${trial}`);
        outcomes.same++;
      }
      console.log(`XTC wasm fuzz: 1500 files with 1–3 flipped bytes: ${JSON.stringify(outcomes)}, slowest pair of decodes ${slowest.toFixed(2)} ms`);
      expect(outcomes.refused).toBeGreaterThan(150);
      expect(slowest).toBeLessThan(500);
    });
  });

  it('decodes in the command line with no ArrayBuffer detached (the decoder’s memory is never grown)', () => {
    const gmx = join(FIXTURES, 'sim/gromacs-nacl-water');
    const r = spawnSync(
      process.execPath,
      ['--trace-protector-invalidation', join(REPO, 'bin/mdpost.js'), 'analyze', join(gmx, 'traj.xtc'), '--topology', join(gmx, 'conf.gro.gz'), '--msd', 'Na', '--rdf', 'Na,O', '--workers', '1', '--json', tempFile('xtc-protector.json', '')],
      { encoding: 'utf8', env: { ...process.env, MDPOST_NO_PROGRESS: '1', MDPOST_XTC: 'wasm' } },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toContain('ArrayBufferDetaching');
    // Growing a WebAssembly memory is reported by the same flag.
    const control = spawnSync(process.execPath, ['--trace-protector-invalidation', '-e', 'new WebAssembly.Memory({ initial: 1 }).grow(1)'], { encoding: 'utf8' });
    expect(control.stdout + control.stderr).toContain('ArrayBufferDetaching');
  });
});

describe('without the WebAssembly build', () => {
  afterEach(() => {
    vi.doUnmock('node:fs');
    vi.resetModules();
    vi.unstubAllEnvs();
  });

  it('the JavaScript decoder runs; MDPOST_XTC=wasm makes the absence an error', async () => {
    hideBuiltWasm('xtc-decoder.wasm');
    const loader = await import('../../../src/io/binary/xtc-wasm.js');
    const xtc = await import('../../../src/io/binary/xtc.js');
    expect(loader.wasmXtcAvailable()).toBe(false);
    expect(loader.WasmXtcDecoder.create(100, 2000)).toBeNull();
    const bytes = new Uint8Array(readFileSync(join(FIXTURES, 'io/binary/water-nacl.xtc')));
    const c = xdrCursor(bytes);
    const frame = xtc.createXtcFrame(xtc.xtcAtomCount(c));
    xtc.readXtcFrame(c, frame);
    expect(frame.positionsA.every(Number.isFinite)).toBe(true);
    vi.stubEnv('MDPOST_XTC', 'wasm');
    expect(() => loader.WasmXtcDecoder.create(100, 2000)).toThrow(/MDPOST_XTC=wasm: xtc-decoder.wasm not found/);
  });
});

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_CN, mergeRdfStates, RdfAccumulator } from '../../src/analysis/rdf.js';
import { WasmCrossKernel, WasmSelfKernel, wasmKernelAvailable } from '../../src/analysis/rdf-wasm.js';
import { TrajectoryReader } from '../../src/io/reader.js';
import { orthorhombicBox, type Box } from '../../src/model/box.js';
import { CellGrid } from '../../src/model/cell-grid.js';
import { tempFile } from '../support/io.js';
import { NAFSI_DUMP } from '../support/nafsi.js';
import { bruteRdf, neighbourDistances } from '../support/rdf-brute.js';
import { scrambled, uniform } from '../support/random.js';
import { expectSame, fine, resultJson } from '../support/workers.js';

/**
 * The WebAssembly kernel for a group with itself (wasm/rdf-kernel.ts) against the JavaScript
 * kernel it stands in for, on the same positions: pair counts and per-ion coordination
 * histograms must be equal bit for bit. The JavaScript kernel is itself checked against brute
 * force (rdf-kernels.test.ts); one case here checks the WebAssembly kernel against brute force
 * directly. The kernel is built by `npm run build` (dist/src/analysis/rdf-kernel.wasm);
 * MDPOST_KERNEL=js turns it off, and then these tests are skipped.
 */

const WASM = process.env.MDPOST_KERNEL !== 'js';

/** An accumulator that counts with the JavaScript kernels only. */
function jsAccumulator(group: Int32Array, rmax: number, bins: number): RdfAccumulator {
  const acc = new RdfAccumulator(group, group, rmax, bins);
  (acc as unknown as { wasm: unknown }).wasm = null;
  return acc;
}

function expectEqualStates(a: RdfAccumulator, b: RdfAccumulator): void {
  expect(a.state.frames).toBe(b.state.frames);
  expect(a.state.reachA).toBe(b.state.reachA);
  expect(Array.from(a.state.counts)).toEqual(Array.from(b.state.counts));
  expect(Array.from(a.state.cnHist)).toEqual(Array.from(b.state.cnHist));
}

interface Liquid {
  frames: Float64Array[];
  box: Box;
  oxygens: Int32Array;
  elements?: string[];
}

/** The first frames of the shipped NaFSI–water dump (1304 atoms, 23.8 Å cell; 444 O of water and FSI). */
async function nafsiFrames(n: number): Promise<Liquid> {
  const reader = await TrajectoryReader.open(NAFSI_DUMP);
  const frames: Float64Array[] = [];
  let box: Box | null = null;
  for await (const f of reader.frames()) {
    frames.push(f.positions.slice());
    box = f.box;
    if (frames.length >= n) break;
  }
  const elements = reader.topology!.elements!;
  const oxygens = Int32Array.from(elements.flatMap((e, i) => (e === 'O' ? [i] : [])));
  return { frames, box: box!, oxygens, elements };
}

/** The liquid repeated r × r × r times: a bigger cell of the same structure (its origin kept). */
function replicate(l: Liquid, r: number): Liquid {
  const n = l.frames[0].length / 3;
  const m = l.box.matrix;
  const frames = l.frames.map((p) => {
    const out = new Float64Array(3 * n * r ** 3);
    let c = 0;
    for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) for (let k = 0; k < r; k++) {
      for (let a = 0; a < n; a++, c++) {
        out[3 * c] = p[3 * a] + i * m[0];
        out[3 * c + 1] = p[3 * a + 1] + j * m[4];
        out[3 * c + 2] = p[3 * a + 2] + k * m[8];
      }
    }
    return out;
  });
  const box: Box = { ...l.box, matrix: Float64Array.from(m, (x) => x * r) };
  const oxygens = Int32Array.from({ length: l.oxygens.length * r ** 3 }, (_, q) => Math.floor(q / l.oxygens.length) * n + l.oxygens[q % l.oxygens.length]);
  return { frames, box, oxygens };
}

describe.skipIf(!WASM)('the WebAssembly g(r) kernel for a group with itself', () => {
  let liquid: Liquid;
  beforeAll(async () => {
    liquid = await nafsiFrames(3);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('is built and loads', () => {
    expect(wasmKernelAvailable()).toBe(true);
  });

  // Wide columns of 3, 2 and 1 fine columns, chosen by the cell and r_max.
  const cases: [string, number, number, number][] = [
    ['O–O of the NaFSI–water dump repeated 2 × 2 × 2 (47.6 Å), r_max 10 Å', 2, 10, 3],
    ['the same, r_max 13 Å', 2, 13, 2],
    ['the dump itself (23.8 Å), r_max 6 Å', 1, 6, 1],
  ];
  it.each(cases)('%s: counts and CN histograms equal the JavaScript kernel’s', (_name, r, rmax, merge) => {
    const l = replicate(liquid, r);
    const merges = vi.spyOn(WasmSelfKernel, 'merge');
    const wasm = new RdfAccumulator(l.oxygens, l.oxygens, rmax, 500);
    const js = jsAccumulator(l.oxygens, rmax, 500);
    for (const p of l.frames) {
      wasm.add(p, l.box);
      js.add(p, l.box);
    }
    expect(merges.mock.results.map((x) => x.value)).toEqual(l.frames.map(() => merge));
    expect(js.state.counts.reduce((s, x) => s + x, 0)).toBeGreaterThan(1000);
    expectEqualStates(wasm, js);
  });

  /*
   * Across a z face within one wide column the kernel meets a pair from the atom of the lower
   * slot, where the JavaScript kernel meets it from the atom of the lower fine column; the
   * float64 expression of dz depends on which (the images differ in the last bit), so the kernel
   * evaluates the JavaScript kernel's. Two atoms at r_max apart, with r_max² the larger of the
   * two expressions' d², are counted by one and not the other.
   */
  it.each([
    ['the lower atom in the lower fine column', 0],
    ['the lower atom in the higher fine column', 1],
  ])('a pair across a z face within one wide column, %s: d² by the JavaScript kernel’s expression', (_name, lowerCol) => {
    const u = uniform(17 + lowerCol);
    const lx = 47.6, lz = 41 + u();
    const cy = lx / Math.floor((lx / 10) * 3);
    const x = 5.3, yLow = (lowerCol + 0.5) * cy, yHigh = (1 - lowerCol + 0.5) * cy;
    for (let attempt = 0; attempt < 1000; attempt++) {
      const zLow = 0.2 + u(), zHigh = lz - 8.9 + u() * 0.1;
      const dy = yHigh - yLow;
      // The JavaScript kernel's first atom is the one of the lower fine column (y).
      const first = lowerCol === 0 ? 'low' : 'high';
      const dzJs = first === 'low' ? zHigh - (zLow + lz) : zLow - (zHigh - lz);
      const dzOther = first === 'low' ? zLow - (zHigh - lz) : zHigh - (zLow + lz);
      const d2Js = dy * dy + dzJs * dzJs, d2Other = dy * dy + dzOther * dzOther;
      if (d2Js === d2Other) continue;
      const top = Math.max(d2Js, d2Other);
      const cut = [Math.sqrt(top), Math.sqrt(top) * (1 + 2 ** -52), Math.sqrt(top) * (1 - 2 ** -53)].find((c) => c * c === top);
      if (cut === undefined) continue;
      const box = orthorhombicBox(lx, lx, lz);
      const pos = Float64Array.from([x, yLow, zLow, x, yHigh, zHigh]);
      const group = Int32Array.from([0, 1]);
      const runs = vi.spyOn(WasmSelfKernel.prototype, 'run');
      const merges = vi.spyOn(WasmSelfKernel, 'merge');
      const wasm = new RdfAccumulator(group, group, cut, 100);
      const js = jsAccumulator(group, cut, 100);
      wasm.add(pos, box);
      js.add(pos, box);
      expect(runs).toHaveBeenCalledTimes(1);
      expect(merges.mock.results[0].value).toBeGreaterThan(1);
      const counted = js.state.counts.reduce((s, c) => s + c, 0);
      expect(counted).toBe(d2Js < cut * cut ? 2 : 0);
      expect(wasm.state.counts.reduce((s, c) => s + c, 0)).toBe(counted);
      expectEqualStates(wasm, js);
      return;
    }
    throw new Error('no pair found whose two expressions differ');
  });

  it('with 32-bit per-ion counts (groups of 65 536 atoms or more; MDPOST_KERNEL=wasm32)', () => {
    const l = replicate(liquid, 2);
    vi.stubEnv('MDPOST_KERNEL', 'wasm32');
    const wide = new RdfAccumulator(l.oxygens, l.oxygens, 10, 500);
    vi.unstubAllEnvs();
    const js = jsAccumulator(l.oxygens, 10, 500);
    for (const p of l.frames) {
      wide.add(p, l.box);
      js.add(p, l.box);
    }
    expectEqualStates(wide, js);
  });

  it('a cell that changes every frame (NpT) and stays above twice r_max: a new grid each frame', () => {
    const l = replicate(liquid, 2);
    const runs = vi.spyOn(WasmSelfKernel.prototype, 'run');
    const wasm = new RdfAccumulator(l.oxygens, l.oxygens, 10, 500);
    const js = jsAccumulator(l.oxygens, 10, 500);
    l.frames.forEach((p, f) => {
      const s = 1 - 0.03 * f;
      const box: Box = { ...l.box, matrix: Float64Array.from(l.box.matrix, (x) => x * s) };
      const q = p.map((x) => x * s);
      wasm.add(q, box);
      js.add(q, box);
    });
    expect(runs).toHaveBeenCalledTimes(l.frames.length);
    expectEqualStates(wasm, js);
  });

  it('cells it does not take — shrunk below twice r_max (NpT), triclinic — go to the JavaScript kernels', () => {
    const runs = vi.spyOn(WasmSelfKernel.prototype, 'run');
    const l = liquid;
    const wasm = new RdfAccumulator(l.oxygens, l.oxygens, 11.5, 400);
    const js = jsAccumulator(l.oxygens, 11.5, 400);
    const m = l.box.matrix;
    const shrunk: Box = { ...l.box, matrix: Float64Array.from(m, (x) => x * 0.95) };
    const tilted: Box = { ...l.box, matrix: Float64Array.from([m[0], 0, 0, 2, m[4], 0, 1, -1.5, m[8]]) };
    for (const [p, box] of [[l.frames[0].map((x) => x * 0.95), shrunk], [l.frames[1], tilted]] as const) {
      wasm.add(p, box);
      js.add(p, box);
    }
    expect(runs).not.toHaveBeenCalled();
    expect(wasm.state.reachA).toBeLessThan(11.5);
    expectEqualStates(wasm, js);
  });

  it('random atoms, partly outside the cell, against brute force (wide columns of three)', () => {
    const u = uniform(5);
    const l = [40, 37, 34];
    const box = orthorhombicBox(l[0], l[1], l[2]);
    const n = 1500;
    const group = Int32Array.from({ length: n }, (_, i) => (i * 7919) % n);
    const pos = Float64Array.from({ length: 3 * n }, (_, k) => (1.4 * u() - 0.2) * l[k % 3]);
    const rmax = 6, bins = 300;
    const merges = vi.spyOn(WasmSelfKernel, 'merge');
    const acc = new RdfAccumulator(group, group, rmax, bins);
    acc.add(pos, box);
    expect(merges.mock.results[0].value).toBe(3);
    const st = acc.state;
    // Every ordered pair by the minimum image, which is the one image under r_max.
    const { counts, cnHist } = bruteRdf([pos], group, l, rmax, bins, st.cnStep, st.cnBins);
    expect(counts.reduce((s, x) => s + x, 0)).toBeGreaterThan(10_000);
    expect(Array.from(st.counts)).toEqual(Array.from(counts));
    expect(Array.from(st.cnHist)).toEqual(Array.from(cnHist));
  });

  it('loads in a worker thread, from the build', async () => {
    const module = fileURLToPath(new URL('../../dist/src/analysis/rdf-wasm.js', import.meta.url));
    const worker = new Worker(`import(${JSON.stringify(`file://${module}`)}).then((m) => require('node:worker_threads').parentPort.postMessage(m.wasmKernelAvailable()))`, { eval: true });
    const available = await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(available).toBe(true);
  });

  it('O–O g(r) with r_max 8 Å (the stencil kernel) through the pipeline: 2 workers give the results of 1', async () => {
    const plain = tempFile('nafsi-oo.lammpstrj', execFileSync('gunzip', ['-c', NAFSI_DUMP], { maxBuffer: 1 << 30 }));
    const options = { rdf: ['O,O'], rmax: '8', stride: 5 };
    const one = await resultJson(plain, options, { workers: 1 });
    // The workers, started now, fail rather than fall back to the JavaScript kernel.
    vi.stubEnv('MDPOST_KERNEL', 'wasm');
    const two = await resultJson(plain, options, fine(2, 200_000));
    vi.unstubAllEnvs();
    expectSame(one, two, '2 workers');
  });
});

/** An accumulator of two groups that counts with the JavaScript kernel only. */
function jsCross(a: Int32Array, b: Int32Array, rmax: number, bins: number): RdfAccumulator {
  const acc = new RdfAccumulator(a, b, rmax, bins);
  // Both kernels settled as absent, so that none is made at the first frame.
  Object.assign(acc as unknown as { wasm: unknown; wasmCross: unknown }, { wasm: null, wasmCross: null });
  return acc;
}

/** The two accumulators, fed the same frames; the WebAssembly one must have run on every frame. */
function crossPair(a: Int32Array, b: Int32Array, rmax: number, bins: number, frames: Float64Array[], box: Box | ((f: number) => Box)) {
  const runs = vi.spyOn(WasmCrossKernel.prototype, 'run');
  const wasm = new RdfAccumulator(a, b, rmax, bins);
  const js = jsCross(a, b, rmax, bins);
  frames.forEach((p, f) => {
    const cell = typeof box === 'function' ? box(f) : box;
    wasm.add(p, cell);
    js.add(p, cell);
  });
  expect(runs).toHaveBeenCalledTimes(frames.length);
  runs.mockRestore();
  return { wasm, js };
}

const total = (acc: RdfAccumulator) => acc.state.counts.reduce((s, x) => s + x, 0);

/** Ordered (A, B) pairs of distinct atoms by the minimum image (the one image under r_max ≤ half the cell), and the per-ion histogram. */
function bruteCross(pos: Float64Array, a: Int32Array, b: Int32Array, l: number[], rmax: number, bins: number, cnStep: number, cnBins: number) {
  const counts = new Float64Array(bins);
  const cnHist = new Float64Array(cnBins * (MAX_CN + 1));
  for (const i of a) {
    const binsOf = neighbourDistances(pos, i, b, l, rmax).map((d) => Math.floor((d * bins) / rmax));
    for (const bin of binsOf) counts[bin]++;
    for (let c = 0; c < cnBins; c++) cnHist[c * (MAX_CN + 1) + Math.min(binsOf.filter((x) => x < (c + 1) * cnStep).length, MAX_CN)]++;
  }
  return { counts, cnHist };
}

describe.skipIf(!WASM)('the WebAssembly g(r) kernel for two groups (A ≠ B)', () => {
  let liquid: Liquid;
  let elements: string[];
  beforeAll(async () => {
    liquid = await nafsiFrames(3);
    elements = liquid.elements!;
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const atomsOf = (pred: (e: string) => boolean, copies = 1, n = elements.length) =>
    Int32Array.from({ length: copies * elements.length }, (_, i) => i).filter((i) => pred(elements[i % n]));

  /*
   * Cells of several shapes, r_max up to exactly half the narrowest width; atoms partly outside
   * the cell and some several cells away; groups disjoint, nested (A ⊂ B, as Na with all atoms),
   * overlapping in part, and of one atom.
   */
  const cells: [string, number[], number[], number][] = [
    ['cube of 20 Å, r_max 10 Å (half the cell)', [20, 20, 20], [0, 0, 0], 10],
    ['cube of 20 Å, r_max a hair under half the cell', [20, 20, 20], [-3.5, 1.25, 7], 10 * (1 - 2 ** -40)],
    ['47.6 × 31.3 × 25.1 Å, r_max 12.55 Å (half the narrowest)', [47.6, 31.3, 25.1], [2, -1, 0.5], 12.55],
    ['47.6 × 31.3 × 25.1 Å, r_max 6 Å', [47.6, 31.3, 25.1], [0, 0, 0], 6],
    ['13 × 14 × 15 Å, r_max 5.2 Å', [13, 14, 15], [-6.5, -7, -7.5], 5.2],
    ['60 × 40 × 50 Å, r_max 10 Å', [60, 40, 50], [0, 0, 0], 10],
    ['cube of 30 Å, r_max 10 Å (the kernel’s columns exactly r_max wide)', [30, 30, 30], [0, 0, 0], 10],
    ['cube of 30 Å, r_max a hair over 10 Å (columns a hair over r_max wide: two, not three)', [30, 30, 30], [0, 0, 0], 10 * (1 + 2 ** -40)],
  ];
  const groups: [string, (n: number, u: () => number) => [Int32Array, Int32Array]][] = [
    ['disjoint groups (40 and the rest)', (n) => [Int32Array.from({ length: 40 }, (_, i) => n - 1 - 3 * i), Int32Array.from({ length: n - 120 }, (_, i) => i)]],
    ['A inside B (as Na with all atoms)', (n) => [Int32Array.from({ length: 30 }, (_, i) => 7 * i + 3), Int32Array.from({ length: n }, (_, i) => i)]],
    ['groups overlapping in part (B lists them scrambled)', (n, u) => [Int32Array.from({ length: n / 2 }, (_, i) => 2 * i), scrambled(n, u).slice(0, Math.floor(0.7 * n))]],
    ['an A of one atom', (n) => [Int32Array.of(n >> 1), Int32Array.from({ length: n - 1 }, (_, i) => (i >= n >> 1 ? i + 1 : i))]],
    ['a B of one atom, in A too', (n) => [Int32Array.from({ length: n }, (_, i) => i), Int32Array.of(5)]],
  ];
  const combos = cells.flatMap(([cn, l, o, rmax], c) => groups.map(([gn, g], k) => [`${cn}; ${gn}`, l, o, rmax, g, 100 * c + k] as const));
  it.each(combos)('random atoms, %s: counts and CN histograms equal the JavaScript kernel’s', (_name, l, o, rmax, group, seed) => {
    const u = uniform(seed + 1);
    const n = 1200;
    const [a, b] = group(n, u);
    const box = orthorhombicBox(l[0], l[1], l[2], o);
    const frames = [0, 1, 2].map((f) =>
      Float64Array.from({ length: 3 * n }, (_, k) => o[k % 3] + (f === 2 && k % 7 === 0 ? 6 * u() - 3 : 1.4 * u() - 0.2) * l[k % 3]),
    );
    const { wasm, js } = crossPair(a, b, rmax, 250, frames, box);
    expect(total(js)).toBeGreaterThan(a.length > 1 && b.length > 1 ? 1000 : 3);
    expectEqualStates(wasm, js);
  });

  it('random atoms against brute force (A partly in B)', () => {
    const u = uniform(11);
    const l = [31, 27, 29];
    const n = 900;
    const pos = Float64Array.from({ length: 3 * n }, (_, k) => (1.4 * u() - 0.2) * l[k % 3]);
    const a = Int32Array.from({ length: 150 }, (_, i) => 6 * i);
    const b = Int32Array.from({ length: n / 2 }, (_, i) => 2 * i + (i % 3 === 1 ? 1 : 0));
    const rmax = 9, bins = 300;
    const runs = vi.spyOn(WasmCrossKernel.prototype, 'run');
    const acc = new RdfAccumulator(a, b, rmax, bins);
    acc.add(pos, orthorhombicBox(l[0], l[1], l[2]));
    expect(runs).toHaveBeenCalledTimes(1);
    const st = acc.state;
    expect(st.overlap).toBeGreaterThan(10);
    const { counts, cnHist } = bruteCross(pos, a, b, l, rmax, bins, st.cnStep, st.cnBins);
    expect(counts.reduce((s, x) => s + x, 0)).toBeGreaterThan(10_000);
    expect(Array.from(st.counts)).toEqual(Array.from(counts));
    expect(Array.from(st.cnHist)).toEqual(Array.from(cnHist));
  });

  /*
   * The search keeps a run's last group of four B atoms whole and then takes back the lanes past
   * the run's end. B of every count modulo four, crowded around the cell's origin, so that runs
   * end in every lane with the atoms after them — the next cells' and, after B's last slot, the
   * memory's padding, zeros, which is a point of this cell — within r_max of the A atoms.
   */
  it.each([1, 2, 3, 4, 5, 6, 7, 9, 14])('B of %i atoms crowded around the cell’s origin: equal brute force and the JavaScript kernel', (nB) => {
    const u = uniform(40 + nB);
    const l = [30, 26, 28];
    const nA = 6;
    const pos = Float64Array.from({ length: 3 * (nA + nB) }, () => 4 * u() - 1);
    const a = Int32Array.from({ length: nA }, (_, i) => i);
    const b = Int32Array.from({ length: nB }, (_, i) => nA + i);
    const rmax = 9, bins = 90;
    const { wasm, js } = crossPair(a, b, rmax, bins, [pos], orthorhombicBox(l[0], l[1], l[2]));
    expectEqualStates(wasm, js);
    const { counts, cnHist } = bruteCross(pos, a, b, l, rmax, bins, wasm.state.cnStep, wasm.state.cnBins);
    expect(total(wasm)).toBe(nA * nB);
    expect(Array.from(wasm.state.counts)).toEqual(Array.from(counts));
    expect(Array.from(wasm.state.cnHist)).toEqual(Array.from(cnHist));
  });

  /*
   * Atoms exactly on the faces of the grid's columns and cells and of the periodic cell (a cell
   * of 32 Å, so that wrapping moves no bit), and pairs exactly r_max apart — across faces too —
   * which are not counted (d² < r_max²), next to pairs a hair closer, which are.
   */
  it.each([
    ['r_max 8 Å', 8],
    ['r_max 16 Å (half the cell)', 16],
  ])('atoms on cell faces, pairs exactly r_max apart, %s', (_name, rmax) => {
    const L = 32;
    const box = orthorhombicBox(L, L, L);
    const g = new CellGrid(box, rmax, [3, 3, 12]);
    const face = g.n.map((k) => L / k);
    // The WebAssembly kernel's own cells: columns at least r_max wide, cut along z.
    const own = WasmCrossKernel.grid(L, L, L, rmax, 250);
    const u = uniform(rmax);
    const coord = (d: number) => {
      const r = u();
      if (r < 0.2) return Math.floor(u() * (g.n[d] + 1)) * face[d];
      if (r < 0.4) return (Math.floor(u() * (own[d] + 1)) * L) / own[d];
      if (r < 0.7) return Math.floor(u() * L);
      if (r < 0.8) return [0, L, -0, -L, 2 * L][Math.floor(u() * 5)];
      return u() * L;
    };
    const pts: number[] = [];
    for (let i = 0; i < 300; i++) pts.push(coord(0), coord(1), coord(2));
    // Pairs exactly r_max apart along each axis, through the faces at 0 and L too, and a hair closer.
    const c = L / own[0];
    const pairs: number[][] = [
      [0, 0, 0, rmax, 0, 0], [L - rmax / 2, 3, 5, rmax / 2, 3, 5], [4, 0, 7, 4, L - rmax, 7], [1, 2, L, 1, 2, rmax],
      [face[0], face[1], 0, face[0], face[1] + rmax, 0], [5, 5, 5, 5, 5, 5 + rmax * (1 - 2 ** -50)], [0, 0, 0, 0, 0, L - rmax],
      [c, c, 1, c + rmax, c, 1], [c, 2, c, c, 2, c - rmax],
    ];
    const a: number[] = [], b: number[] = [];
    for (let i = 0; i < 300; i++) (i % 4 === 0 ? a : b).push(i);
    for (const p of pairs) {
      a.push(pts.length / 3);
      pts.push(p[0], p[1], p[2]);
      b.push(pts.length / 3);
      pts.push(p[3], p[4], p[5]);
    }
    const A = Int32Array.from(a), B = Int32Array.from(b);
    const pos = Float64Array.from(pts);
    const { wasm, js } = crossPair(A, B, rmax, 200, [pos], box);
    // The pairs exactly r_max apart, and not the one a hair closer, are left out.
    const only = (k: number) => {
      const acc = jsCross(Int32Array.of(0), Int32Array.of(1), rmax, 200);
      acc.add(Float64Array.from(pairs[k]), box);
      return total(acc);
    };
    expect(pairs.map((_, k) => only(k))).toEqual([0, 0, 0, 0, 0, 1, 0, 0, 0]);
    expect(total(js)).toBeGreaterThan(1000);
    expectEqualStates(wasm, js);
  });

  it('makes its own grid: columns at least r_max wide, about twelve cells per r_max along z, at most 4·n_B + 4096 cells', () => {
    for (const [l, cut, nB] of [
      [[76.8, 76.8, 76.8], 10, 14_119],
      [[20, 20, 20], 10, 10],
      [[30, 30, 30], 10, 100],
      [[47.6, 31.3, 25.1], 12.55, 5000],
      [[90, 90, 60], 1.5, 40],
      [[200, 200, 100], 2.5, 300],
      [[400, 300, 200], 0.5, 1],
    ] as const) {
      const n = WasmCrossKernel.grid(l[0], l[1], l[2], cut, nB);
      for (let d = 0; d < 3; d++) expect(Number.isInteger(n[d]) && n[d] >= 1).toBe(true);
      expect(l[0] / n[0]).toBeGreaterThanOrEqual(cut);
      expect(l[1] / n[1]).toBeGreaterThanOrEqual(cut);
      expect(n[0] * n[1] * n[2]).toBeLessThanOrEqual(4 * nB + 4096);
    }
    expect(WasmCrossKernel.grid(76.8, 76.8, 76.8, 10, 14_119)).toEqual([7, 7, 92]);
    // Capped by the atoms: z cut coarser first, then the columns widened.
    expect(WasmCrossKernel.grid(90, 90, 60, 1.5, 40)).toEqual([60, 60, 1]);
    expect(WasmCrossKernel.grid(200, 200, 100, 2.5, 300)).toEqual([40, 80, 1]);
  });

  it('a large cell with a short r_max (columns two r_max wide, one cell along z): equal the JavaScript kernel’s', () => {
    // A dense cluster around the cell's corner, so that pairs cross every periodic face.
    const l = [200, 200, 100], o = [1, 2, 3];
    const u = uniform(29);
    const n = 500;
    const frames = [0, 1].map(() => Float64Array.from({ length: 3 * n }, (_, k) => o[k % 3] + 12 * u() - 6 + (k % 3 === 0 && k % 2 === 0 ? l[0] : 0)));
    const a = Int32Array.from({ length: 200 }, (_, i) => i), b = Int32Array.from({ length: 300 }, (_, i) => 200 + i);
    expect(WasmCrossKernel.grid(l[0], l[1], l[2], 2.5, b.length)).toEqual([40, 80, 1]);
    const { wasm, js } = crossPair(a, b, 2.5, 100, frames, orthorhombicBox(l[0], l[1], l[2], o));
    expect(total(js)).toBeGreaterThan(2000);
    expectEqualStates(wasm, js);
  });

  it('the NaFSI–water dump: Na–O, Na with every atom, and O with the atoms of water, equal the JavaScript kernel’s', () => {
    for (const [a, b, rmax] of [
      [atomsOf((e) => e === 'Na'), atomsOf((e) => e === 'O'), 10],
      [atomsOf((e) => e === 'Na'), atomsOf(() => true), 11.9],
      [atomsOf((e) => e === 'O'), atomsOf((e) => e === 'O' || e === 'H'), 6],
    ] as const) {
      const { wasm, js } = crossPair(a, b, rmax, 500, liquid.frames, liquid.box);
      expect(total(js)).toBeGreaterThan(5000);
      expectEqualStates(wasm, js);
    }
  });

  it('the dump repeated 2 × 2 × 2 (47.6 Å), Na–O with r_max 10 Å, and with 32-bit per-ion counts', () => {
    const l = replicate(liquid, 2);
    const n = elements.length;
    const na = Int32Array.from({ length: 8 * n }, (_, i) => i).filter((i) => elements[i % n] === 'Na');
    const { wasm, js } = crossPair(na, l.oxygens, 10, 500, l.frames, l.box);
    expect(total(js)).toBeGreaterThan(40_000);
    expectEqualStates(wasm, js);
    vi.stubEnv('MDPOST_KERNEL', 'wasm32');
    const wide = new RdfAccumulator(na, l.oxygens, 10, 500);
    vi.unstubAllEnvs();
    for (const p of l.frames) wide.add(p, l.box);
    expectEqualStates(wide, js);
  });

  it('a cell that changes every frame (NpT): a new grid each frame, the memory sized at the first', () => {
    const l = replicate(liquid, 2);
    const n = elements.length;
    const na = Int32Array.from({ length: 8 * n }, (_, i) => i).filter((i) => elements[i % n] === 'Na');
    const scale = (f: number) => [0.94, 1, 0.97][f];
    const frames = l.frames.map((p, f) => p.map((x) => x * scale(f)));
    const { wasm, js } = crossPair(na, l.oxygens, 10, 500, frames, (f) => ({ ...l.box, matrix: Float64Array.from(l.box.matrix, (x) => x * scale(f)) }));
    expectEqualStates(wasm, js);
  });

  it('cells it does not take — triclinic, not periodic along z — go to the JavaScript kernel', () => {
    const runs = vi.spyOn(WasmCrossKernel.prototype, 'run');
    const l = liquid;
    const a = atomsOf((e) => e === 'Na'), b = atomsOf((e) => e === 'O');
    const wasm = new RdfAccumulator(a, b, 8, 400);
    const js = jsCross(a, b, 8, 400);
    const m = l.box.matrix;
    const tilted: Box = { ...l.box, matrix: Float64Array.from([m[0], 0, 0, 2, m[4], 0, 1, -1.5, m[8]]) };
    const slab: Box = { ...l.box, pbc: [true, true, false] };
    for (const [p, box] of [[l.frames[0], tilted], [l.frames[1], slab]] as const) {
      wasm.add(p, box);
      js.add(p, box);
    }
    expect(runs).not.toHaveBeenCalled();
    expectEqualStates(wasm, js);
  });

  it('never grows a WebAssembly memory: no ArrayBuffer is detached (V8’s protector stays intact), cells growing included', () => {
    const rdf = fileURLToPath(new URL('../../dist/src/analysis/rdf.js', import.meta.url));
    const script = `
      const { RdfAccumulator } = await import(${JSON.stringify(`file://${rdf}`)});
      const n = 3000, a = Int32Array.from({ length: 40 }, (_, i) => 7 * i), b = Int32Array.from({ length: n }, (_, i) => i);
      const accs = [new RdfAccumulator(a, b, 6, 200), new RdfAccumulator(b, b, 6, 200)];
      for (const l of [20, 30, 45]) {
        const pos = Float64Array.from({ length: 3 * n }, (_, k) => ((k * 7919) % 1000) / 1000 * l);
        const box = { matrix: Float64Array.from([l, 0, 0, 0, l, 0, 0, 0, l]), origin: new Float64Array(3), pbc: [true, true, true] };
        for (const acc of accs) acc.add(pos, box);
      }
      console.log(accs.map((acc) => acc.state.counts.reduce((s, x) => s + x, 0) > 0).join());
    `;
    const out = execFileSync(process.execPath, ['--trace-protector-invalidation', '--input-type=module', '-e', script], {
      env: { ...process.env, MDPOST_KERNEL: 'wasm' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(out).toContain('true,true');
    expect(out).not.toContain('ArrayBufferDetaching');
  });

  it('Na–O through the pipeline: the WebAssembly kernel in 2 workers gives the JavaScript kernel’s results', async () => {
    // A compressed file: the frames are all counted in the workers, which the variable sets up.
    const options = { rdf: ['Na,O', 'Na,all'], rmax: '10', stride: 5 };
    vi.stubEnv('MDPOST_KERNEL', 'js');
    const js = await resultJson(NAFSI_DUMP, options, fine(2, 200_000));
    vi.stubEnv('MDPOST_KERNEL', 'wasm');
    const wasm = await resultJson(NAFSI_DUMP, options, fine(2, 200_000));
    vi.unstubAllEnvs();
    expectSame(js, wasm, 'wasm');
  });
});

describe.skipIf(!WASM)('when the WebAssembly kernels are made', () => {
  it('at an accumulator’s first frame: one that only carries a state (decoded, merged) makes none', () => {
    const made = vi.spyOn(WasmCrossKernel, 'create');
    const madeSelf = vi.spyOn(WasmSelfKernel, 'create');
    const a = Int32Array.of(0, 1), b = Int32Array.from({ length: 30 }, (_, i) => i + 2);
    const first = new RdfAccumulator(a, b, 5, 50);
    const merged = new RdfAccumulator(a, b, 5, 50, mergeRdfStates(first.state, first.state));
    new RdfAccumulator(b, b, 5, 50);
    expect(made).not.toHaveBeenCalled();
    expect(madeSelf).not.toHaveBeenCalled();
    const u = uniform(7);
    const positions = Float64Array.from({ length: 3 * 32 }, () => 20 * u());
    merged.add(positions, orthorhombicBox(20, 20, 20));
    merged.add(positions, orthorhombicBox(20, 20, 20));
    expect(made).toHaveBeenCalledTimes(1);
    made.mockRestore();
    madeSelf.mockRestore();
  });
});

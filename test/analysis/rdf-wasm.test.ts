import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RdfAccumulator } from '../../src/analysis/rdf.js';
import { WasmSelfKernel, wasmKernelAvailable } from '../../src/analysis/rdf-wasm.js';
import { TrajectoryReader } from '../../src/io/reader.js';
import { orthorhombicBox, type Box } from '../../src/model/box.js';
import { tempFile } from '../support/io.js';
import { NAFSI_DUMP } from '../support/nafsi.js';
import { bruteRdf } from '../support/rdf-brute.js';
import { uniform } from '../support/random.js';
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
  return { frames, box: box!, oxygens };
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

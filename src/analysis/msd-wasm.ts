import { type CheckedWasm, checkedWasmModule, wasmLayout } from '../package-files.js';

/**
 * The WebAssembly build of stepMsdSums's FFT sums (wasm/msd-fft.ts, compiled by `npm run build`
 * to dist/src/analysis/msd-fft.wasm), loaded once per thread. A short run computes its MSD once
 * per process, where the JavaScript transform runs cold, in V8's interpreter and baseline code,
 * for most of its work; WebAssembly runs compiled from its first call. The JavaScript path
 * (stepMsdSumsJs in msd.ts) is the specification; the two agree to rounding, not bit for bit
 * (different transforms). Without the file (the sources run before a build) or WebAssembly
 * SIMD, or with MDPOST_FFT=js, there is none and the JavaScript path runs; MDPOST_FFT=wasm makes
 * its absence an error instead (for tests that must run it).
 */

/** MsdSums of msd.ts (which imports this module): per-axis sums over particles of the MSD at lags 0…frames−1, Å². */
export interface WasmMsdSums {
  x: Float64Array;
  y: Float64Array;
  z: Float64Array;
  particles: number;
}

interface MsdFftExports {
  heapBase(): number;
  prepare(n: number, tw: number, rev: number): void;
  addBlock(steps: number, f32: number, count: number, frames: number, drift: number, n: number, tw: number, z: number, power: number, squares: number): void;
  finish(frames: number, n: number, tw: number, rev: number, z: number, power: number, squares: number, out: number): void;
}

const WASM_FILE = 'dist/src/analysis/msd-fft.wasm';
const ADD_BLOCK_ARGS = 10;
const FINISH_ARGS = 8;
const PAGE = 65536;

/**
 * Bytes of steps copied into the module's memory at a time: a block of particles over all
 * frames, as many particles as fit (at least MIN_BLOCK). A short run's particles fit in one
 * block, copied in one piece; a long run's memory stays that of a few particles' series.
 */
const BLOCK_BYTES = 1 << 22;
const MIN_BLOCK = 16;

/** The compiled module, or null when it is not built, cannot compile here, or MDPOST_FFT=js. */
function fftModule(): CheckedWasm | null {
  return checkedWasmModule(WASM_FILE, { prepare: 3, addBlock: ADD_BLOCK_ARGS, finish: FINISH_ARGS }, 'MDPOST_FFT');
}

/** Whether stepMsdSums runs the WebAssembly module in this thread. */
export function wasmMsdAvailable(): boolean {
  return fftModule() !== null;
}

/** Smallest power of two ≥ n and ≥ 8 (the module's smallest transform). */
function pow2AtLeast(n: number): number {
  let p = 8;
  while (p < n) p *= 2;
  return p;
}

/**
 * stepMsdSums (src/analysis/msd.ts) by the WebAssembly module: the per-axis MSD sums over
 * particles [from, to) of a series stored as steps (frames × particles × 3, row 0 zero), less
 * `drift` (frames × 3) when given, a block of particles of about `blockBytes` of steps (at
 * least MIN_BLOCK particles) at a time. Null when the module is not in use or its memory cannot
 * be had; the JavaScript path then runs.
 */
export function wasmStepMsdSums(
  steps: Float64Array | Float32Array,
  particles: number,
  from: number,
  to: number,
  frames: number,
  drift: Float64Array | null,
  blockBytes = BLOCK_BYTES,
): WasmMsdSums | null {
  const fm = fftModule();
  if (fm === null || frames < 1 || to <= from) return null;
  const n = pow2AtLeast(2 * frames);
  const f32 = steps instanceof Float32Array;
  const elt = f32 ? 4 : 8;
  const stride = 3 * particles;
  const fit = Math.floor(blockBytes / (3 * elt * frames));
  const block = Math.min(to - from, Math.max(MIN_BLOCK, fit));

  const { take, end } = wasmLayout(fm.heapBase);
  const at = {
    tw: take(24 * n),
    rev: take(4 * n),
    z: take(16 * n),
    power: take(24 * n),
    squares: take(24 * frames),
    out: take(24 * frames),
    drift: drift ? take(24 * frames) : 0,
    steps: take(3 * block * frames * elt),
  };
  const p = end();
  let memory: WebAssembly.Memory;
  try {
    if (p > 2 ** 32 - PAGE) throw new Error(`${p} bytes are more than a 32-bit memory holds`);
    memory = new WebAssembly.Memory({ initial: Math.ceil(p / PAGE) });
  } catch (e) {
    if (process.env.MDPOST_FFT === 'wasm') throw new Error(`MDPOST_FFT=wasm: no memory for ${to - from} particles × ${frames} frames: ${(e as Error).message}`);
    return null;
  }
  const k = new WebAssembly.Instance(fm.mod, { env: { memory } }).exports as unknown as MsdFftExports;
  const buf = memory.buffer;
  k.prepare(n, at.tw, at.rev);
  if (drift) new Float64Array(buf, at.drift, 3 * frames).set(drift.subarray(0, 3 * frames));
  const view = f32 ? new Float32Array(buf, at.steps, 3 * block * frames) : new Float64Array(buf, at.steps, 3 * block * frames);
  for (let p0 = from; p0 < to; p0 += block) {
    const count = Math.min(block, to - p0);
    const width = 3 * count;
    if (width === stride) view.set(steps.subarray(0, frames * stride));
    // Row 0 (all zero) is not read.
    else for (let t = 1; t < frames; t++) view.set(steps.subarray(t * stride + 3 * p0, t * stride + 3 * p0 + width), t * width);
    k.addBlock(at.steps, f32 ? 1 : 0, count, frames, at.drift, n, at.tw, at.z, at.power, at.squares);
  }
  k.finish(frames, n, at.tw, at.rev, at.z, at.power, at.squares, at.out);
  const sums = new Float64Array(buf, at.out, 3 * frames);
  return { x: sums.slice(0, frames), y: sums.slice(frames, 2 * frames), z: sums.slice(2 * frames), particles: to - from };
}

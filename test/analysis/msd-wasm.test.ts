import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { directSeriesMsd } from '../../src/analysis/fft-msd.js';
import { stepMsdSums, stepMsdSumsJs, type MsdSums } from '../../src/analysis/msd.js';
import { wasmMsdAvailable, wasmStepMsdSums } from '../../src/analysis/msd-wasm.js';
import { REPO } from '../support/io.js';
import { gaussian } from '../support/random.js';
import { ensureWasmBuilt, hideBuiltWasm } from '../support/built-wasm.js';

/**
 * The WebAssembly MSD sums (wasm/msd-fft.ts, loaded by msd-wasm.ts) against the JavaScript path
 * stepMsdSumsJs, their specification, and against the direct O(N²) double sum, on random walks
 * stored as steps (float32 and float64, with and without a drift subtracted). The transforms
 * differ, so the sums agree to rounding, not bit for bit.
 *
 * How close: the FFT's rounding is absolute, about ε·Σx² over a whole series, and the sum at lag
 * m is divided by its N − m origins, so the difference at lag m is scaled by (N − m)/N and
 * compared with the largest sum of the curve. Measured on these walks (3 to 2500 frames): the
 * module against the direct sum at most 1.0e-15, the JavaScript path against it 1.1e-15, the
 * module against the JavaScript path 2.8e-16; the tolerances are ten times that.
 *
 * The module is compiled here when the build has not made it (or made it from an older source),
 * so these tests run it rather than skip; MDPOST_FFT=js turns it off, and then they are skipped.
 */

const WASM = process.env.MDPOST_FFT !== 'js';
const WASM_FILE = join(REPO, 'dist/src/analysis/msd-fft.wasm');
const VS_DIRECT = 1e-14;
const VS_JS = 3e-15;


interface Walks {
  steps: Float64Array | Float32Array;
  drift: Float64Array | null;
}

/** `particles` random walks of `frames` frames stored as steps (row 0 zero); a drifting reference point far from the origin. */
function walks(particles: number, frames: number, f32: boolean, withDrift: boolean, seed: number): Walks {
  const g = gaussian(seed);
  const steps = f32 ? new Float32Array(3 * particles * frames) : new Float64Array(3 * particles * frames);
  for (let i = 3 * particles; i < steps.length; i++) steps[i] = g();
  if (!withDrift) return { steps, drift: null };
  const drift = new Float64Array(3 * frames);
  for (let a = 0; a < 3; a++) drift[a] = 50 + 10 * a;
  for (let i = 3; i < 3 * frames; i++) drift[i] = drift[i - 3] + 0.3 * g() + 0.05;
  return { steps, drift };
}

/** The sums by the direct double sum over every particle's rebuilt positions. */
function directSums({ steps, drift }: Walks, particles: number, from: number, to: number, frames: number): MsdSums {
  const out = [new Float64Array(frames), new Float64Array(frames), new Float64Array(frames)];
  const x = new Float64Array(frames);
  for (let p = from; p < to; p++) {
    for (let a = 0; a < 3; a++) {
      for (let k = 1; k < frames; k++) x[k] = x[k - 1] + steps[3 * particles * k + 3 * p + a];
      if (drift) for (let k = 0; k < frames; k++) x[k] -= drift[3 * k + a] - drift[a];
      directSeriesMsd(x).forEach((v, m) => (out[a][m] += v));
    }
  }
  return { x: out[0], y: out[1], z: out[2], particles: to - from };
}

/** max over axes and lags of |a − b|·(N − m)/N, over the largest |b|. */
function difference(a: MsdSums, b: MsdSums): number {
  const n = b.x.length;
  let scale = 0, worst = 0;
  for (const ax of ['x', 'y', 'z'] as const) for (let m = 0; m < n; m++) scale = Math.max(scale, Math.abs(b[ax][m]));
  for (const ax of ['x', 'y', 'z'] as const) {
    expect(a[ax].length).toBe(n);
    for (let m = 0; m < n; m++) worst = Math.max(worst, (Math.abs(a[ax][m] - b[ax][m]) * (n - m)) / n / scale);
  }
  return worst;
}

describe.skipIf(!WASM)('the MSD sums by the WebAssembly module', () => {
  beforeAll(() => {
    ensureWasmBuilt('msd-fft', WASM_FILE);
    expect(wasmMsdAvailable()).toBe(true);
  });

  const lengths = [2, 3, 4, 5, 7, 8, 64, 100, 127, 128, 129, 1000, 1023, 1024, 2500];
  const cases = lengths.flatMap((frames) => [false, true].flatMap((f32) => [false, true].map((drift) => ({ frames, f32, drift }))));
  it.each(cases)('equal the direct double sum and the JavaScript path: $frames frames, float32 $f32, drift $drift', ({ frames, f32, drift }) => {
    const particles = 6;
    const w = walks(particles, frames, f32, drift, 7 * frames + (f32 ? 1 : 0) + (drift ? 2 : 0));
    // Particles 1…5: an odd count, so one particle's series is transformed alone.
    const wasm = wasmStepMsdSums(w.steps, particles, 1, particles, frames, w.drift)!;
    expect(wasm.particles).toBe(5);
    expect(difference(wasm, directSums(w, particles, 1, particles, frames))).toBeLessThanOrEqual(VS_DIRECT);
    expect(difference(wasm, stepMsdSumsJs(w.steps, particles, 1, particles, frames, w.drift))).toBeLessThanOrEqual(VS_JS);
  });

  it('keep their accuracy for series far from their origin (each is centred before it is transformed)', () => {
    const particles = 6, frames = 500;
    for (const f32 of [false, true]) {
      const w = walks(particles, frames, f32, false, f32 ? 21 : 22);
      // A first step of 10⁴ Å: uncentred, S1 and 2·S2 would be ~10⁸ larger than their difference.
      for (let j = 0; j < 3 * particles; j++) w.steps[3 * particles + j] += 1e4;
      const wasm = wasmStepMsdSums(w.steps, particles, 0, particles, frames, null)!;
      expect(difference(wasm, directSums(w, particles, 0, particles, frames))).toBeLessThanOrEqual(VS_DIRECT);
      expect(difference(wasm, stepMsdSumsJs(w.steps, particles, 0, particles, frames, null))).toBeLessThanOrEqual(VS_JS);
    }
  });

  it('of one frame are zero', () => {
    const w = walks(3, 1, false, true, 1);
    const wasm = wasmStepMsdSums(w.steps, 3, 0, 3, 1, w.drift)!;
    expect([...wasm.x, ...wasm.y, ...wasm.z]).toEqual([0, 0, 0]);
  });

  it('are the same, bit for bit, whether the particles are copied in one block or in blocks of 16', () => {
    const particles = 45, frames = 300;
    for (const f32 of [false, true]) {
      const w = walks(particles, frames, f32, true, f32 ? 11 : 12);
      // Particles 3…39: blocks of 16, 16 and 5 (pairs fall alike either way).
      const one = wasmStepMsdSums(w.steps, particles, 3, 40, frames, w.drift)!;
      const blocks = wasmStepMsdSums(w.steps, particles, 3, 40, frames, w.drift, 1)!;
      expect(blocks).toEqual(one);
      expect(difference(blocks, directSums(w, particles, 3, 40, frames))).toBeLessThanOrEqual(VS_DIRECT);
    }
  });

  it('make a memory for one block of particles, not the whole series', () => {
    const particles = 100, frames = 4000;
    const w = walks(particles, frames, false, false, 5);
    const made: number[] = [];
    const Memory = WebAssembly.Memory;
    const spy = vi.spyOn(WebAssembly, 'Memory').mockImplementation(function (d: WebAssembly.MemoryDescriptor) {
      made.push(d.initial * 65536);
      return new Memory(d);
    } as unknown as typeof WebAssembly.Memory);
    try {
      const wasm = wasmStepMsdSums(w.steps, particles, 0, particles, frames, null)!;
      expect(difference(wasm, stepMsdSumsJs(w.steps, particles, 0, particles, frames, null))).toBeLessThanOrEqual(VS_JS);
    } finally {
      spy.mockRestore();
    }
    // 9.6 MB of steps; a block of 43 particles (4.1 MB of steps) and the transform of 8192 points (~0.6 MB).
    expect(made.length).toBe(1);
    expect(made[0]).toBeLessThan(6e6);
  });

  it('are what stepMsdSums gives', () => {
    const w = walks(20, 150, true, true, 3);
    expect(stepMsdSums(w.steps, 20, 2, 19, 150, w.drift)).toEqual(wasmStepMsdSums(w.steps, 20, 2, 19, 150, w.drift));
  });
});

describe('without the WebAssembly build', () => {
  afterEach(() => {
    vi.doUnmock('node:fs');
    vi.resetModules();
    vi.unstubAllEnvs();
  });

  it('stepMsdSums runs the JavaScript path; MDPOST_FFT=wasm makes the absence an error', async () => {
    hideBuiltWasm('msd-fft.wasm');
    const loader = await import('../../src/analysis/msd-wasm.js');
    const msd = await import('../../src/analysis/msd.js');
    const w = walks(5, 40, false, false, 9);
    expect(loader.wasmMsdAvailable()).toBe(false);
    expect(loader.wasmStepMsdSums(w.steps, 5, 0, 5, 40, null)).toBeNull();
    expect(msd.stepMsdSums(w.steps, 5, 0, 5, 40, null)).toEqual(msd.stepMsdSumsJs(w.steps, 5, 0, 5, 40, null));
    vi.resetModules();
    vi.stubEnv('MDPOST_FFT', 'wasm');
    const forced = await import('../../src/analysis/msd-wasm.js');
    expect(() => forced.wasmStepMsdSums(w.steps, 5, 0, 5, 40, null)).toThrow(/MDPOST_FFT=wasm: msd-fft.wasm not found/);
  });

  it('MDPOST_FFT=js turns the module off', async () => {
    vi.resetModules();
    vi.stubEnv('MDPOST_FFT', 'js');
    const loader = await import('../../src/analysis/msd-wasm.js');
    expect(loader.wasmMsdAvailable()).toBe(false);
  });
});

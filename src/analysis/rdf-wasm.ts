import { readFileSync } from 'node:fs';
import type { CellGrid } from '../model/cell-grid.js';

/**
 * The WebAssembly build of the self stencil kernel (wasm/rdf-kernel.ts, compiled by
 * `npm run build` to rdf-kernel.wasm beside this module in dist/), loaded once per thread.
 * Each kernel has its own instance, whose memory holds the grid, the gather buffers and the
 * frame's outputs. Without the file (sources run before a build), or with MDPOST_KERNEL=js, there
 * is none and the JavaScript kernel runs: the two count bit for bit the same.
 */

interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  selfStencil(
    na: number, nb: number, nc: number, lx: number, ly: number, lz: number, oz: number, cut: number, pairGap: number,
    bx: number, by: number, bz: number, start: number,
    sten: number, ns: number, base: number, sx: number, sy: number,
    near: number, slots: number, near2: number, slots2: number, nearBins: number, partners: number,
    counts: number, ion: number, stride: number, cnOfBin: number, cnLimit: number, invDr: number,
  ): void;
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled kernel module, or null when it is not built or MDPOST_KERNEL=js. */
function kernelModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  if (process.env.MDPOST_KERNEL === 'js') return null;
  // Beside this module in dist/; from the sources (tests), in the build's dist/.
  for (const rel of ['./rdf-kernel.wasm', '../../dist/src/analysis/rdf-kernel.wasm']) {
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = new Uint8Array(readFileSync(new URL(rel, import.meta.url)));
    } catch {
      continue;
    }
    compiled = new WebAssembly.Module(bytes);
    break;
  }
  return compiled;
}

/** Whether the WebAssembly kernel is in use in this thread. */
export function wasmKernelAvailable(): boolean {
  return kernelModule() !== null;
}

const PAGE = 65536;

/**
 * The self stencil kernel of one accumulator (nAtoms atoms; `bins` g(r) bins; per-ion rows of
 * `stride` CN counts; cnOfBin maps the g(r) bins below cnLimit to CN bins).
 */
export class WasmSelfKernel {
  private readonly k: KernelExports;
  /** Byte offsets of the arrays in the instance's memory. */
  private readonly at: Record<'ion' | 'cnOfBin' | 'counts' | 'near' | 'near2' | 'slots' | 'slots2' | 'nearBins' | 'partners' | 'x' | 'y' | 'z' | 'grid', number>;
  private gridBytes = 0;

  private constructor(
    mod: WebAssembly.Module,
    private readonly nAtoms: number,
    private readonly bins: number,
    private readonly stride: number,
    private readonly cnLimit: number,
    cnOfBin: Int32Array,
  ) {
    this.k = new WebAssembly.Instance(mod, {}).exports as unknown as KernelExports;
    let p = align(this.k.heapBase());
    const take = (bytes: number) => {
      const at = p;
      p = align(p + bytes);
      return at;
    };
    const n1 = nAtoms + 1;
    this.at = {
      ion: take(4 * nAtoms * stride),
      cnOfBin: take(4 * cnOfBin.length),
      counts: take(4 * (bins + 1)),
      near: take(8 * n1),
      near2: take(8 * n1),
      slots: take(4 * n1),
      slots2: take(4 * n1),
      nearBins: take(4 * n1),
      partners: take(4 * n1),
      x: take(8 * nAtoms),
      y: take(8 * nAtoms),
      z: take(8 * nAtoms),
      grid: p,
    };
    this.reserve(p);
    new Int32Array(this.k.memory.buffer, this.at.cnOfBin, cnOfBin.length).set(cnOfBin);
  }

  /** A kernel, or null when the WebAssembly build is not in use. */
  static create(nAtoms: number, bins: number, stride: number, cnLimit: number, cnOfBin: Int32Array): WasmSelfKernel | null {
    const mod = kernelModule();
    return mod ? new WasmSelfKernel(mod, nAtoms, bins, stride, cnLimit, cnOfBin) : null;
  }

  /**
   * The per-slot coordination rows (nAtoms rows of `stride`), which the kernel adds to and the
   * caller reads and clears. A view of the instance's memory: take it anew after each `run`.
   */
  get ionCounts(): Int32Array {
    return new Int32Array(this.k.memory.buffer, this.at.ion, this.nAtoms * this.stride);
  }

  /**
   * Count one frame's pairs within `cut` of the atoms binned in `g` (orthorhombic; columns per
   * the forward half-stencil `stencil`, entries of da, db, h), adding the pair histogram to
   * frameCounts and the neighbours to ionCounts.
   */
  run(g: CellGrid, stencil: Float64Array, cut: number, pairGapA: number, invDr: number, frameCounts: Float64Array): void {
    const ns = stencil.length / 3;
    const ncells = g.ncells;
    const startAt = this.at.grid;
    const stenAt = align(startAt + 4 * (ncells + 1));
    const baseAt = align(stenAt + 8 * stencil.length);
    const sxAt = align(baseAt + 4 * ns);
    const syAt = align(sxAt + 8 * ns);
    const end = align(syAt + 8 * ns);
    if (end - startAt > this.gridBytes) {
      this.reserve(end);
      this.gridBytes = end - startAt;
    }
    const buf = this.k.memory.buffer;
    const n = g.count;
    new Float64Array(buf, this.at.x, n).set(g.x.subarray(0, n));
    new Float64Array(buf, this.at.y, n).set(g.y.subarray(0, n));
    new Float64Array(buf, this.at.z, n).set(g.z.subarray(0, n));
    new Int32Array(buf, startAt, ncells + 1).set(g.cellStart);
    new Float64Array(buf, stenAt, stencil.length).set(stencil);
    const counts = new Int32Array(buf, this.at.counts, this.bins + 1);
    counts.fill(0);
    const m = g.box.matrix;
    const [na, nb, nc] = g.n;
    this.k.selfStencil(
      na, nb, nc, m[0], m[4], m[8], g.box.origin[2], cut, pairGapA,
      this.at.x, this.at.y, this.at.z, startAt,
      stenAt, ns, baseAt, sxAt, syAt,
      this.at.near, this.at.slots, this.at.near2, this.at.slots2, this.at.nearBins, this.at.partners,
      this.at.counts, this.at.ion, this.stride, this.at.cnOfBin, this.cnLimit, invDr,
    );
    for (let i = 0; i <= this.bins; i++) frameCounts[i] += counts[i];
  }

  /** Grow the memory to hold `bytes`. */
  private reserve(bytes: number): void {
    const have = this.k.memory.buffer.byteLength;
    if (bytes > have) this.k.memory.grow(Math.ceil((bytes - have) / PAGE));
  }
}

function align(p: number): number {
  return (p + 15) & ~15;
}

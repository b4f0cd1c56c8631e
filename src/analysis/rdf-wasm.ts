import { alignWasm, type CheckedWasm, checkedWasmModule, wasmLayout } from '../package-files.js';
import { inverseMatrix } from '../model/box.js';
import type { CellGrid } from '../model/cell-grid.js';

/**
 * The WebAssembly build of the orthorhombic kernels, for a group with itself and for two groups
 * (wasm/rdf-kernel.ts, compiled by `npm run build` to dist/src/analysis/rdf-kernel.wasm), loaded
 * once per thread. Each kernel has its own instance,
 * whose memory holds the atoms, the gather buffers and the frame's outputs. Without the file (the
 * sources run before a build) or WebAssembly SIMD, or with MDPOST_KERNEL=js, there is none and
 * the JavaScript kernel runs: the two count bit for bit the same. MDPOST_KERNEL=wasm makes its
 * absence an error instead (for tests that must run it).
 */

interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  binWide(
    n: number, pos: number, inv: number, mat: number, org: number, na: number, nb: number, nc: number, merge: number,
    key: number, cnt: number, frac: number, wideStart: number, wx: number, wy: number, wz: number, fib: number,
  ): void;
  selfWide16(
    na: number, nb: number, nc: number, merge: number, lx: number, ly: number, lz: number, ox: number, oy: number, oz: number, cut: number,
    bx: number, by: number, bz: number, fib: number, start: number,
    base: number, sx: number, sy: number, rect: number, runs: number,
    near: number, slots: number, stride1: number, nearBins: number, partners: number,
    counts: number, ion: number, stride: number, cnOfBin: number, cnLimit: number, invDr: number, mask: number, words: number,
  ): void;
  selfWide32: KernelExports['selfWide16'];
  tallyFrame16(nIons: number, ion: number, stride: number, mask: number, words: number, cnBins: number, maxCn: number, diff: number, tally: number): void;
  tallyFrame32: KernelExports['tallyFrame16'];
  crossWide16(
    na: number, nb: number, nc: number, lx: number, ly: number, lz: number, ox: number, oy: number, oz: number, cut: number,
    nA: number, pos: number, idxA: number, aInB: number,
    bx: number, by: number, bz: number, start: number, runs: number,
    near: number, nearBins: number,
    counts: number, ion: number, stride: number, cnOfBin: number, cnLimit: number, invDr: number, mask: number, words: number,
  ): void;
  crossWide32: KernelExports['crossWide16'];
  binCross(
    n: number, pos: number, idx: number, ox: number, oy: number, oz: number, inv0: number, inv4: number, inv8: number, lx: number, ly: number, lz: number,
    na: number, nb: number, nc: number, key: number, start: number, at: number, wx: number, wy: number, wz: number,
  ): void;
}

/**
 * Where the kernel is: the build's dist/src/analysis/, whether this module runs from there, from
 * the sources (vitest) or from the bundle (dist/bundle/).
 */
const KERNEL_FILE = 'dist/src/analysis/rdf-kernel.wasm';

/** The compiled kernel module, or null when it is not built, cannot compile here, or MDPOST_KERNEL=js. */
function kernelModule(): CheckedWasm | null {
  const arity = { binWide: 17, binCross: 21, selfWide16: 34, selfWide32: 34, tallyFrame16: 9, tallyFrame32: 9, crossWide16: 29, crossWide32: 29 };
  return checkedWasmModule(KERNEL_FILE, arity, 'MDPOST_KERNEL');
}

/*
 * Growing a WebAssembly.Memory detaches its ArrayBuffer, and the first ArrayBuffer ever detached
 * in a thread invalidates V8's ArrayBufferDetaching protector: from then on every typed-array
 * access of the thread is compiled with a check (the whole Na–O g(r) command, trajectory
 * decoding included, measured 9% more CPU). So the kernels' memories are never grown: the module
 * imports its memory (built with --importMemory), each kernel makes its memory at the size it
 * needs, and when a larger cell needs more it moves to a new, larger memory and instance.
 */

function instantiate(mod: WebAssembly.Module, memory: WebAssembly.Memory): KernelExports {
  return new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as KernelExports;
}

/** An instance of the kernel module on a new memory of at least `bytes`. */
function kernelInstance(mod: WebAssembly.Module, bytes: number): KernelExports {
  return instantiate(mod, new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / PAGE)) }));
}

/**
 * `k`, or, when its memory holds fewer than `bytes`, an instance on a new memory of that size
 * holding a copy of the old one's contents (the old memory is left as it was, not grown).
 */
function withRoom(mod: WebAssembly.Module, k: KernelExports, bytes: number): KernelExports {
  const old = k.memory.buffer;
  if (bytes <= old.byteLength) return k;
  const next = kernelInstance(mod, bytes);
  new Uint8Array(next.memory.buffer).set(new Uint8Array(old));
  return next;
}

/** Whether the WebAssembly kernel is in use in this thread. */
export function wasmKernelAvailable(): boolean {
  return kernelModule() !== null;
}

/**
 * Fine columns merged along y into one wide column of the WebAssembly kernel, at most: columns of
 * about r_max/3 by r_max hold enough atoms over a few Å of z for groups of four (measured best
 * of 1, 2, 3, 4 and 6 on liquid water). Fewer in cells too small for that many.
 */
const MERGE_Y = 3;

/** Atoms searched together by the WebAssembly kernel (lanes of two f64x2 vectors). */
const LANES = 4;

const PAGE = 65536;

/**
 * The self kernel of one accumulator (nAtoms atoms; `bins` g(r) bins; per-ion rows of `stride`
 * CN counts; cnOfBin maps the g(r) bins below cnLimit to CN bins).
 */
export class WasmSelfKernel {
  private readonly mod: WebAssembly.Module;
  private k: KernelExports;
  /** Byte offsets of the arrays in the instance's memory. */
  private readonly at: Record<'ion' | 'mask' | 'diff' | 'tally' | 'cnOfBin' | 'counts' | 'near' | 'slots' | 'nearBins' | 'partners' | 'pos' | 'key' | 'frac' | 'cell' | 'wx' | 'wy' | 'wz' | 'fib' | 'grid', number>;
  private gridBytes = 0;
  /** Per-ion counts are 16-bit. */
  private readonly narrow: boolean;
  /** u64 words per ion of the mask of its nonzero CN bins. */
  private readonly words: number;

  private constructor(
    km: CheckedWasm,
    private readonly nAtoms: number,
    private readonly bins: number,
    private readonly stride: number,
    private readonly cnLimit: number,
    cnOfBin: Int32Array,
    private readonly cnBins: number,
    private readonly maxCn: number,
  ) {
    const heap = wasmLayout(km.heapBase);
    const take = heap.take;
    const n1 = nAtoms + 1;
    this.words = Math.ceil(cnBins / 64);
    // 16-bit per-ion counts when no count can reach 65 536 (see wasm/rdf-kernel.ts);
    // MDPOST_KERNEL=wasm32 takes 32-bit ones anyway, to test them on small groups.
    this.narrow = nAtoms < 65536 && process.env.MDPOST_KERNEL !== 'wasm32';
    this.at = {
      ion: take((this.narrow ? 2 : 4) * nAtoms * stride),
      mask: take(8 * nAtoms * this.words),
      diff: take(4 * (maxCn + 1) * (cnBins + 1)),
      tally: take(4 * (maxCn + 1) * cnBins),
      cnOfBin: take(4 * cnOfBin.length),
      counts: take(4 * (bins + 1)),
      near: take(8 * n1 * LANES),
      slots: take(4 * n1 * LANES),
      nearBins: take(4 * n1),
      partners: take(4 * n1),
      pos: take(24 * nAtoms),
      key: take(4 * nAtoms),
      frac: take(24 * nAtoms),
      cell: take(8 * 21),
      wx: take(8 * nAtoms),
      wy: take(8 * nAtoms),
      wz: take(8 * nAtoms),
      fib: take(4 * nAtoms),
      grid: heap.end(),
    };
    this.mod = km.mod;
    this.k = kernelInstance(km.mod, this.at.grid);
    new Int32Array(this.k.memory.buffer, this.at.cnOfBin, cnOfBin.length).set(cnOfBin);
  }

  /** A kernel, or null when the WebAssembly build is not in use. */
  static create(nAtoms: number, bins: number, stride: number, cnLimit: number, cnOfBin: Int32Array, cnBins: number, maxCn: number): WasmSelfKernel | null {
    const km = kernelModule();
    return km ? new WasmSelfKernel(km, nAtoms, bins, stride, cnLimit, cnOfBin, cnBins, maxCn) : null;
  }

  /**
   * How many fine columns of grid `g` (orthorhombic, its columns fitting the JavaScript stencil
   * kernel) to merge along y: the most, up to MERGE_Y, for which a column offset within r_max
   * and its opposite never reach the same wide column. One always fits when the fine columns do.
   */
  static merge(g: CellGrid, cut: number): number {
    const nb = g.n[1], cy = g.box.matrix[4] / nb;
    for (let merge = MERGE_Y; merge > 1; merge--) {
      const nbw = Math.ceil(nb / merge);
      const narrowest = Math.min(nb - (nbw - 1) * merge, merge) * cy;
      if (nbw >= 2 * Math.ceil(cut / narrowest) + 1) return merge;
    }
    return 1;
  }

  /**
   * Count one frame's pairs within `cut` of the group's atoms (`atoms`, indices into `positions`,
   * xyz interleaved) on the columns of grid `g` (orthorhombic, its columns fitting the
   * JavaScript stencil kernel; only its shape is used: the atoms are binned here), adding the
   * pair histogram to frameCounts and each atom's neighbours to its own per-ion counts, which
   * `tally` reads.
   */
  run(positions: Float64Array, atoms: Int32Array, g: CellGrid, cut: number, invDr: number, frameCounts: Float64Array): void {
    const [na, nb, nc] = g.n;
    const merge = WasmSelfKernel.merge(g, cut);
    const m = g.box.matrix;
    const nbw = Math.ceil(nb / merge);
    const entries = (Math.ceil(cut / (m[0] / na)) + 1) * (2 * Math.ceil(cut / (m[4] / nb)) + 1);
    const cntAt = this.at.grid;
    const wideAt = alignWasm(cntAt + 4 * (na * nbw * nc * merge + 1));
    const baseAt = alignWasm(wideAt + 4 * (na * nbw * nc + 1));
    const sxAt = alignWasm(baseAt + 4 * entries);
    const syAt = alignWasm(sxAt + 8 * entries);
    const rectAt = alignWasm(syAt + 8 * entries);
    const runsAt = alignWasm(rectAt + 32 * entries);
    // A z-range crosses at most both faces: three runs per stencil column.
    const end = alignWasm(runsAt + 32 * 3 * entries);
    if (end - cntAt > this.gridBytes) {
      this.k = withRoom(this.mod, this.k, end);
      this.gridBytes = end - cntAt;
    }
    const buf = this.k.memory.buffer;
    const n = atoms.length;
    const pos = new Float64Array(buf, this.at.pos, 3 * n);
    for (let q = 0; q < n; q++) {
      const i = 3 * atoms[q];
      pos[3 * q] = positions[i];
      pos[3 * q + 1] = positions[i + 1];
      pos[3 * q + 2] = positions[i + 2];
    }
    const cell = new Float64Array(buf, this.at.cell, 21);
    cell.set(inverseMatrix(g.box), 0);
    cell.set(m, 9);
    cell.set(g.box.origin, 18);
    const counts = new Int32Array(buf, this.at.counts, this.bins + 1);
    counts.fill(0);
    const at = this.at;
    this.k.binWide(n, at.pos, at.cell, at.cell + 72, at.cell + 144, na, nb, nc, merge, at.key, cntAt, at.frac, wideAt, at.wx, at.wy, at.wz, at.fib);
    (this.narrow ? this.k.selfWide16 : this.k.selfWide32)(
      na, nb, nc, merge, m[0], m[4], m[8], g.box.origin[0], g.box.origin[1], g.box.origin[2], cut,
      at.wx, at.wy, at.wz, at.fib, wideAt,
      baseAt, sxAt, syAt, rectAt, runsAt,
      at.near, at.slots, this.nAtoms + 1, at.nearBins, at.partners,
      at.counts, at.ion, this.stride, at.cnOfBin, this.cnLimit, invDr, at.mask, this.words,
    );
    for (let i = 0; i <= this.bins; i++) frameCounts[i] += counts[i];
  }

  /**
   * The coordination tally of the frame `run` counted, bin-major as RdfState.cnHist
   * (tally[b·(maxCn + 1) + k]), read from and clearing the per-ion counts: a view of the
   * instance's memory, for the caller to add, valid until the next call.
   */
  tally(): Int32Array {
    const at = this.at;
    const view = new Int32Array(this.k.memory.buffer, at.tally, (this.maxCn + 1) * this.cnBins);
    (this.narrow ? this.k.tallyFrame16 : this.k.tallyFrame32)(this.nAtoms, at.ion, this.stride, at.mask, this.words, this.cnBins, this.maxCn, at.diff, at.tally);
    return view;
  }
}

/**
 * The kernel for two different groups (A ≠ B; they may share atoms) of one accumulator, in an
 * orthorhombic periodic cell: B, the larger group as a rule, is binned into columns at least r_max
 * wide, cut finely along z (binCross in wasm/rdf-kernel.ts), and each A atom searches the few
 * columns around it (crossWide), counting bit for bit what RdfAccumulator.countPairsOrthorhombic
 * counts. aInB marks the A atoms that are in B too. The instance's memory is made here for
 * everything but the grid, which the first frame's cell sizes (and a larger cell, later,
 * resizes), moving to a new memory.
 */
export class WasmCrossKernel {
  private readonly mod: WebAssembly.Module;
  private k: KernelExports;
  private readonly at: Record<'ion' | 'mask' | 'diff' | 'tally' | 'cnOfBin' | 'counts' | 'near' | 'nearBins' | 'idxA' | 'idxB' | 'aInB' | 'pos' | 'key' | 'placed' | 'wx' | 'wy' | 'wz' | 'runs' | 'grid', number>;
  private readonly nA: number;
  private readonly nB: number;
  /** The positions copied are those of atoms first … last (the lowest and highest of either group). */
  private readonly first: number;
  private readonly last: number;
  private gridBytes = 0;
  /** Per-ion counts are 16-bit. */
  private readonly narrow: boolean;
  /** u64 words per ion of the mask of its nonzero CN bins. */
  private readonly words: number;

  private constructor(
    km: CheckedWasm,
    a: Int32Array,
    b: Int32Array,
    aInB: Uint8Array,
    private readonly bins: number,
    private readonly stride: number,
    private readonly cnLimit: number,
    cnOfBin: Int32Array,
    private readonly cnBins: number,
    private readonly maxCn: number,
  ) {
    const heap = wasmLayout(km.heapBase);
    const take = heap.take;
    const nA = a.length, nB = b.length;
    this.nA = nA;
    this.nB = nB;
    let first = Infinity, last = -1;
    for (const i of a) (first = Math.min(first, i)), (last = Math.max(last, i));
    for (const i of b) (first = Math.min(first, i)), (last = Math.max(last, i));
    this.first = first;
    this.last = last;
    this.words = Math.ceil(cnBins / 64);
    // An ion's count in one CN bin is at most nB (one image of each B atom within r_max).
    this.narrow = nB < 65536 && process.env.MDPOST_KERNEL !== 'wasm32';
    this.at = {
      ion: take((this.narrow ? 2 : 4) * nA * stride),
      mask: take(8 * nA * this.words),
      diff: take(4 * (maxCn + 1) * (cnBins + 1)),
      tally: take(4 * (maxCn + 1) * cnBins),
      cnOfBin: take(4 * cnOfBin.length),
      counts: take(4 * (bins + 1)),
      // Distances gathered for one A atom: at most one image of each B atom is under r_max, and
      // up to three more, lanes past a run's end, are written before they are dropped.
      near: take(8 * (nB + 4)),
      nearBins: take(4 * (nB + 1)),
      idxA: take(4 * nA),
      idxB: take(4 * nB),
      aInB: take(nA),
      pos: take(24 * (last - first + 1)),
      key: take(4 * nB),
      placed: take(24 * nB),
      // Three slots more each: the search loads up to three lanes past a run's end (not kept).
      wx: take(8 * (nB + 3)),
      wy: take(8 * (nB + 3)),
      wz: take(8 * (nB + 3)),
      runs: take(32 * MAX_RUNS),
      grid: heap.end(),
    };
    this.mod = km.mod;
    this.k = kernelInstance(km.mod, this.at.grid);
    const buf = this.k.memory.buffer;
    new Int32Array(buf, this.at.cnOfBin, cnOfBin.length).set(cnOfBin);
    new Uint8Array(buf, this.at.aInB, nA).set(aInB);
    new Int32Array(buf, this.at.idxA, nA).set(a.map((i) => i - first));
    new Int32Array(buf, this.at.idxB, nB).set(b.map((i) => i - first));
  }

  /** A kernel, or null when the WebAssembly build is not in use. */
  static create(
    a: Int32Array, b: Int32Array, aInB: Uint8Array, bins: number, stride: number, cnLimit: number, cnOfBin: Int32Array, cnBins: number, maxCn: number,
  ): WasmCrossKernel | null {
    const km = a.length > 0 && b.length > 0 ? kernelModule() : null;
    return km ? new WasmCrossKernel(km, a, b, aInB, bins, stride, cnLimit, cnOfBin, cnBins, maxCn) : null;
  }

  /**
   * Whether grid `g`'s cell (orthorhombic, periodic) suits the kernel for pairs within `cut`: at
   * most half its width, so that at most one image of a B atom is within reach, as the
   * JavaScript kernel assumes. The kernel makes its own columns; the grid's are not used.
   */
  static fits(g: CellGrid, cut: number): boolean {
    const m = g.box.matrix;
    return 2 * cut <= Math.min(m[0], m[4], m[8]);
  }

  /**
   * The kernel's grid for `nB` atoms in an orthorhombic cell of edges lx, ly, lz (Å), pairs within
   * `cut`: columns at least r_max wide (na × nb), each cut into nc cells along z, about
   * Z_CELLS_PER_CUT per r_max; fewer, in a large cell with a short r_max, so that the cells stay
   * within a few per atom (wider columns and taller cells only make more atoms to look at).
   */
  static grid(lx: number, ly: number, lz: number, cut: number, nB: number): [number, number, number] {
    let na = Math.max(1, Math.floor(lx / cut)), nb = Math.max(1, Math.floor(ly / cut));
    let nc = Math.max(1, Math.floor((lz / cut) * Z_CELLS_PER_CUT));
    const most = 4 * nB + 4096;
    while (na * nb * nc > most && nc > 1) nc = Math.ceil(nc / 2);
    while (na * nb * nc > most) {
      if (na >= nb) na = Math.ceil(na / 2);
      else nb = Math.ceil(nb / 2);
    }
    return [na, nb, nc];
  }

  /**
   * Count one frame's (A, B) pairs within `cut` (the groups' atoms of `positions`, xyz
   * interleaved) in grid `g`'s cell (orthorhombic, periodic, fitting), adding the pair histogram
   * to frameCounts and each A atom's neighbours to its per-ion counts, which `tally` reads.
   */
  run(positions: Float64Array, g: CellGrid, cut: number, invDr: number, frameCounts: Float64Array): void {
    const m = g.box.matrix, o = g.box.origin;
    const [na, nb, nc] = WasmCrossKernel.grid(m[0], m[4], m[8], cut, this.nB);
    const startAt = this.at.grid;
    const end = alignWasm(startAt + 4 * (na * nb * nc + 2));
    if (end - startAt > this.gridBytes) {
      this.k = withRoom(this.mod, this.k, end);
      this.gridBytes = end - startAt;
    }
    const buf = this.k.memory.buffer;
    const at = this.at;
    // One copy of the atoms' span of positions (a memory copy): the kernel gathers the groups.
    new Float64Array(buf, at.pos, 3 * (this.last - this.first + 1)).set(positions.subarray(3 * this.first, 3 * (this.last + 1)));
    const counts = new Int32Array(buf, at.counts, this.bins + 1);
    counts.fill(0);
    const inv = inverseMatrix(g.box);
    this.k.binCross(
      this.nB, at.pos, at.idxB, o[0], o[1], o[2], inv[0], inv[4], inv[8], m[0], m[4], m[8],
      na, nb, nc, at.key, startAt, at.placed, at.wx, at.wy, at.wz,
    );
    (this.narrow ? this.k.crossWide16 : this.k.crossWide32)(
      na, nb, nc, m[0], m[4], m[8], o[0], o[1], o[2], cut,
      this.nA, at.pos, at.idxA, at.aInB, at.wx, at.wy, at.wz, startAt, at.runs,
      at.near, at.nearBins, at.counts, at.ion, this.stride, at.cnOfBin, this.cnLimit, invDr, at.mask, this.words,
    );
    for (let i = 0; i <= this.bins; i++) frameCounts[i] += counts[i];
  }

  /** The coordination tally of the frame `run` counted, as WasmSelfKernel.tally. */
  tally(): Int32Array {
    const at = this.at;
    const view = new Int32Array(this.k.memory.buffer, at.tally, (this.maxCn + 1) * this.cnBins);
    (this.narrow ? this.k.tallyFrame16 : this.k.tallyFrame32)(this.nA, at.ion, this.stride, at.mask, this.words, this.cnBins, this.maxCn, at.diff, at.tally);
    return view;
  }
}

/**
 * Cells per r_max along z of the cross kernel's columns: the z-range of a column is cut to about
 * a twelfth of r_max, as the JavaScript kernel's cells (on the water benchmark, 8 and 18 measured
 * no better, within the noise; finer cuts take hardly fewer atoms: ~438 against ~450 per Na).
 */
const Z_CELLS_PER_CUT = 12;

/** Runs of cells one A atom searches, at most: four columns each way (see crossWide), each run crossing both z faces. */
const MAX_RUNS = 4 * 4 * 3;

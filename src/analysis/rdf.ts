import { boxVolume, isOrthorhombic, perpendicularWidths, sameCell, type Box } from '../model/box.js';
import { CellGrid } from '../model/cell-grid.js';
import { WasmCrossKernel, WasmSelfKernel } from './rdf-wasm.js';

/**
 * The partial radial distribution function g_AB(r) as a mergeable accumulator. Its state is what
 * MDAnalysis InterRDF keeps — a pair histogram, the sum of cell volumes and the frame count —
 * plus a histogram of per-ion neighbour counts for coordination-number distributions. States of
 * different frames (threads, machines) merge by addition.
 *
 * Normalisation (as MDAnalysis InterRDF and LAMMPS compute rdf):
 *   g(r_i) = counts_i / (frames · V_shell,i · P / ⟨V⟩),   P = N_A·N_B − |A ∩ B|
 * where P counts ordered pairs of distinct atoms: N_A·(N_B − 1) when A and B are the same group,
 * as LAMMPS does; MDAnalysis uses N_A·N_B there, a factor N/(N−1) apart.
 * The running coordination number n(r) — the mean number of B within r of an A — is the
 * cumulative count / (frames · N_A), at the outer edge of each bin.
 */
export interface RdfState {
  bins: number;
  rmaxA: number;
  nA: number;
  nB: number;
  /** |A ∩ B|: atoms in both groups (their self pairs are excluded). */
  overlap: number;
  frames: number;
  volumeSumA3: number;
  /**
   * The largest r counted in every frame: r_max, unless the cell shrank below twice r_max in
   * some frame (NpT), where pairs were counted only up to half its smallest width.
   */
  reachA: number;
  /** Ordered (A, B) pairs per bin, summed over frames. */
  counts: Float64Array;
  /**
   * Per-ion neighbour counts are recorded on a coarser grid than g(r): CN bin c spans g(r) bins
   * [c·cnStep, (c+1)·cnStep), about 0.05 Å, for the first cnBins CN bins (up to CN_RANGE_A).
   */
  cnStep: number;
  cnBins: number;
  /**
   * cnHist[c·(MAX_CN+1) + k]: how many (A ion, frame) had exactly k B atoms within the outer edge
   * of CN bin c (k = MAX_CN means "MAX_CN or more").
   */
  cnHist: Float64Array;
}

/** Per-ion coordination numbers are recorded up to this many neighbours … */
export const MAX_CN = 64;
/** … within this distance (Å): first coordination shells lie well inside it. */
export const CN_RANGE_A = 6.5;

/** Width of a CN bin (Å), roughly: where the first minimum falls is not known to better than this. */
export const CN_BIN_A = 0.05;

export function emptyRdfState(nA: number, nB: number, overlap: number, rmaxA: number, bins: number): RdfState {
  const cnStep = Math.max(1, Math.round(CN_BIN_A / (rmaxA / bins)));
  const cnBins = Math.max(1, Math.floor(Math.min(bins, Math.ceil((CN_RANGE_A / rmaxA) * bins)) / cnStep));
  return {
    bins,
    rmaxA,
    nA,
    nB,
    overlap,
    frames: 0,
    volumeSumA3: 0,
    reachA: rmaxA,
    counts: new Float64Array(bins),
    cnStep,
    cnBins,
    cnHist: new Float64Array(cnBins * (MAX_CN + 1)),
  };
}

/** The state of a's frames and b's (same groups and binning): counts and sums add. a and b are left unchanged. */
export function mergeRdfStates(a: RdfState, b: RdfState): RdfState {
  if (a.bins !== b.bins || a.rmaxA !== b.rmaxA || a.nA !== b.nA || a.nB !== b.nB) throw new Error('internal: merging g(r) states of different shapes');
  return {
    ...a,
    frames: a.frames + b.frames,
    volumeSumA3: a.volumeSumA3 + b.volumeSumA3,
    reachA: Math.min(a.reachA, b.reachA),
    counts: a.counts.map((x, i) => x + b.counts[i]),
    cnHist: a.cnHist.map((x, i) => x + b.cnHist[i]),
  };
}

/** The largest r_max a cell allows: half the smallest distance between opposite faces. */
export function maxRmax(box: Box): number {
  return Math.min(...perpendicularWidths(box)) / 2;
}

export class RdfAccumulator {
  readonly state: RdfState;
  private gridA: CellGrid | null = null;
  private gridB: CellGrid | null = null;
  /**
   * This frame's neighbours of each A atom by CN bin: row q (stride ionStride) holds cnBins
   * counts and one more, where the self kernel drops pairs beyond the CN range without a branch.
   */
  private ionCounts: Int32Array;
  private readonly ionStride: number;
  /** This frame's per-ion coordination tally, k-major: cnTally[k·cnBins + c]. */
  private readonly cnTally: Int32Array;

  /** g(r) bin → CN bin, for bins below cnLimit. */
  private readonly cnOfBin: Int32Array;
  /** g(r) bins below this fall in a CN bin. */
  private readonly cnLimit: number;
  /** 1 for the A atoms that are in B too (each is found at distance 0 from itself, once). */
  private readonly aInB: Uint8Array;
  private columns: CellGrid | null = null;
  private columnsCut = 0;
  private gridCut = 0;
  /** This frame's largest r counted (r_max, or less in a shrunk cell). */
  private cut = 0;
  private cells = new Int32Array(0);
  private shifts = new Float64Array(0);
  /** This frame's pair histogram; one bin more for distances a hair below r_max that round up. */
  private frameCounts: Float64Array;
  /**
   * Squared distances under r_max from the current A atom, gathered by the kernels. Room for
   * one per B atom and one more suffices: r_max is at most half the cell's width, so at most one
   * image of a B atom is that close, and the write position only passes a distance that is.
   */
  private readonly near: Float64Array;
  private readonly nearBins: Int32Array;
  /** A and B are the same atoms: each unordered pair is visited once (see countPairsSelf). */
  private readonly self: boolean;
  /** Grid slot of each gathered distance, and of each partner in the coordination range, for the self kernels. */
  private readonly nearSlots: Int32Array;
  private readonly nearPartners: Int32Array;
  /** The second atom's gathered distances and slots when the stencil kernel takes two atoms at once. */
  private readonly near2: Float64Array;
  private readonly nearSlots2: Int32Array;

  constructor(
    readonly a: Int32Array,
    readonly b: Int32Array,
    rmaxA: number,
    bins: number,
    /** Continue from this state (of the same groups and binning) instead of an empty one. */
    from?: RdfState,
  ) {
    const inB = new Set(b);
    this.aInB = Uint8Array.from(a, (i) => (inB.has(i) ? 1 : 0));
    const overlap = this.aInB.reduce((n, x) => n + x, 0);
    this.state = from ?? emptyRdfState(a.length, b.length, overlap, rmaxA, bins);
    this.ionStride = this.state.cnBins + 1;
    this.cnTally = new Int32Array((MAX_CN + 1) * this.state.cnBins);
    this.ionCounts = new Int32Array(0);
    const st = this.state;
    this.cnLimit = st.cnBins * st.cnStep;
    this.cnOfBin = Int32Array.from({ length: this.cnLimit }, (_, b) => Math.floor(b / st.cnStep));
    this.frameCounts = new Float64Array(bins + 1);
    this.near = new Float64Array(b.length + 1);
    this.nearBins = new Int32Array(b.length + 1);
    this.self = sameAtoms(a, b);
    this.nearSlots = new Int32Array(this.self ? b.length + 1 : 0);
    this.nearPartners = new Int32Array(this.self ? b.length + 1 : 0);
    this.near2 = new Float64Array(this.self ? b.length + 1 : 0);
    this.nearSlots2 = new Int32Array(this.self ? b.length + 1 : 0);
  }

  /**
   * The WebAssembly kernels, made at the first frame: an accumulator that only carries a state
   * (decoded from a worker, or merged) never counts, and a kernel's memory takes 10–25 ms to make.
   * They keep their own per-ion counts; the JavaScript kernels' wait for a frame they cannot take.
   */
  private wasmKernels(): void {
    if (this.wasm !== undefined) return;
    const st = this.state;
    this.wasm = this.self ? WasmSelfKernel.create(this.b.length, st.bins, this.ionStride, this.cnLimit, this.cnOfBin, st.cnBins, MAX_CN) : null;
    this.wasmCross = this.self ? null : WasmCrossKernel.create(this.a, this.b, this.aInB, st.bins, this.ionStride, this.cnLimit, this.cnOfBin, st.cnBins, MAX_CN);
  }

  /** The per-ion counts of the JavaScript kernels, made when first needed. */
  private jsIonCounts(): void {
    if (this.ionCounts.length === 0) this.ionCounts = new Int32Array(this.a.length * this.ionStride);
  }

  /** The WebAssembly build of the self stencil kernel, when it is in use (see rdf-wasm.ts; undefined: not made yet). */
  private wasm: WasmSelfKernel | null | undefined;
  /** The WebAssembly build of the orthorhombic kernel for two groups, when it is in use. */
  private wasmCross: WasmCrossKernel | null = null;
  /** The WebAssembly kernel that counted this frame, which tallies its coordination too. */
  private wasmFrame: WasmSelfKernel | WasmCrossKernel | null = null;

  /**
   * Fold in one frame (any positions: they are wrapped into the cell here). Pairs are counted up
   * to r_max, or, in a frame whose cell has shrunk below twice r_max (NpT), up to half its
   * smallest width, beyond which minimum-image distances stop being unique (`reachA`).
   */
  add(positions: Float64Array, box: Box): void {
    const st = this.state;
    const rmax = Math.min(st.rmaxA, maxRmax(box));
    if (rmax < st.reachA) st.reachA = rmax;
    this.cut = rmax;
    this.frameCounts.fill(0);
    if (isOrthorhombic(box) && box.pbc.every((p) => p)) {
      if (!this.columns || !sameCell(this.columns.box, box) || this.columnsCut !== rmax) {
        this.columns = new CellGrid(box, rmax, COLUMN_SUBDIVISION);
        this.columnsCut = rmax;
      }
      // The WebAssembly kernels bin the atoms themselves, on the grid's columns.
      this.wasmKernels();
      if (this.wasm && this.stencilFits(this.columns)) {
        this.wasmFrame = this.wasm;
        this.wasm.run(positions, this.a, this.columns, rmax, st.bins / st.rmaxA, this.frameCounts);
      } else if (this.wasmCross && WasmCrossKernel.fits(this.columns, rmax)) {
        this.wasmFrame = this.wasmCross;
        this.wasmCross.run(positions, this.columns, rmax, st.bins / st.rmaxA, this.frameCounts);
      } else {
        this.jsIonCounts();
        // The self kernel's grid holds the A list, so that slots map to A indices.
        this.columns.fill(positions, this.self ? this.a : this.b, this.b.length);
        if (this.self && this.stencilFits(this.columns)) this.countPairsSelfStencil(this.columns);
        else if (this.self) this.countPairsSelf(this.columns);
        else this.countPairsOrthorhombic(positions, this.columns);
      }
    } else {
      if (!this.gridA || !sameCell(this.gridA.box, box) || this.gridCut !== rmax) {
        this.gridCut = rmax;
        this.gridA = new CellGrid(box, rmax, 2);
        this.gridB = new CellGrid(box, rmax, 2);
        this.cells = new Int32Array(this.gridA.maxNeighbours);
        this.shifts = new Float64Array(3 * this.gridA.maxNeighbours);
      }
      this.jsIonCounts();
      const ga = this.gridA, gb = this.gridB!;
      ga.fill(positions, this.a, this.a.length);
      gb.fill(positions, this.b, this.b.length);
      this.countPairs(ga, gb);
    }
    for (let i = 0; i < st.bins; i++) st.counts[i] += this.frameCounts[i];
    this.tallyCoordination();
    st.frames++;
    st.volumeSumA3 += boxVolume(box);
  }

  /*
   * Both kernels gather, for one A atom at a time, the squared distances of the B atoms they
   * visit, keeping those under r_max without a branch: every distance is stored and the write
   * position advances by (d² < r_max²). About half the atoms visited are beyond r_max, at random,
   * so a branch would be mispredicted on every other atom; this way the loop is a stream of
   * arithmetic (measured 2.4× faster). `binNeighbours` then histograms what was gathered.
   */

  /** Histogram `k` gathered squared distances of A atom `q` (its index in the A list). */
  private binNeighbours(q: number, k: number): void {
    const near = this.near, nearBins = this.nearBins;
    const counts = this.frameCounts;
    const invDr = this.state.bins / this.state.rmaxA;
    const cnLimit = this.cnLimit;
    let m = 0;
    for (let j = 0; j < k; j++) {
      const bin = (Math.sqrt(near[j]) * invDr) | 0;
      counts[bin]++;
      nearBins[m] = bin;
      m += +(bin < cnLimit);
    }
    const ion = this.ionCounts, cnOfBin = this.cnOfBin;
    const row = q * this.ionStride;
    for (let j = 0; j < m; j++) ion[row + cnOfBin[nearBins[j]]]++;
  }

  /**
   * An atom in both groups met itself at distance 0 (in bin 0, exactly once: r_max is at most
   * half the cell's width, so no other image of it is that close); it is not its own neighbour.
   */
  private dropSelfPair(q: number): void {
    this.frameCounts[0]--;
    this.ionCounts[q * this.ionStride]--;
  }

  private countPairs(ga: CellGrid, gb: CellGrid): void {
    const rmax2 = this.cut * this.cut;
    const near = this.near;
    const aInB = this.aInB;
    const cells = this.cells, shifts = this.shifts;
    const ax = ga.x, ay = ga.y, az = ga.z, aIndex = ga.index, aStart = ga.cellStart;
    const bx = gb.x, by = gb.y, bz = gb.z, bStart = gb.cellStart;
    const [na, nb, nc] = ga.n;
    for (let ia = 0; ia < na; ia++) {
      for (let ib = 0; ib < nb; ib++) {
        for (let ic = 0; ic < nc; ic++) {
          const c = (ia * nb + ib) * nc + ic;
          const p0 = aStart[c], p1 = aStart[c + 1];
          if (p0 === p1) continue;
          const nn = ga.neighbours(ia, ib, ic, cells, shifts);
          for (let p = p0; p < p1; p++) {
            const q = aIndex[p];
            const x = ax[p], y = ay[p], z = az[p];
            let k = 0;
            for (let t = 0; t < nn; t++) {
              const cj = cells[t];
              const s0 = bStart[cj], s1 = bStart[cj + 1];
              const x0 = x - shifts[3 * t], y0 = y - shifts[3 * t + 1], z0 = z - shifts[3 * t + 2];
              for (let s = s0; s < s1; s++) {
                const dx = bx[s] - x0, dy = by[s] - y0, dz = bz[s] - z0;
                const d2 = dx * dx + dy * dy + dz * dz;
                near[k] = d2;
                k += +(d2 < rmax2);
              }
            }
            this.binNeighbours(q, k);
            if (aInB[q]) this.dropSelfPair(q);
          }
        }
      }
    }
  }

  /**
   * The orthorhombic kernel: for each A atom, the columns of B cells (along z) whose distance in
   * the xy plane is under r_max, and in each column only the z-range of cells that a sphere of
   * r_max around the atom can reach — so the distances checked are little more than the pairs
   * counted. Columns are thin in x and y (a third of r_max) and finely cut along z, so that the
   * z-range is tight; B atoms of consecutive z-cells are consecutive in memory.
   */
  private countPairsOrthorhombic(positions: Float64Array, g: CellGrid): void {
    const rmax2 = this.cut * this.cut;
    const A = this.a;
    const aInB = this.aInB;
    const near = this.near;
    const m = g.box.matrix, o = g.box.origin;
    const lx = m[0], ly = m[4], lz = m[8];
    const [na, nb, nc] = g.n;
    const cx = lx / na, cy = ly / nb;
    const perCz = nc / lz;
    const ra = Math.ceil(this.cut / cx), rb = Math.ceil(this.cut / cy);
    const bx = g.x, by = g.y, bz = g.z, start = g.cellStart;
    for (let q = 0; q < A.length; q++) {
      const i = A[q];
      // The atom wrapped into the cell, in the cell's own frame (origin at its corner).
      let x = positions[3 * i] - o[0], y = positions[3 * i + 1] - o[1], z = positions[3 * i + 2] - o[2];
      x -= Math.floor(x / lx) * lx;
      y -= Math.floor(y / ly) * ly;
      z -= Math.floor(z / lz) * lz;
      const ia = Math.min(na - 1, Math.floor(x / cx)), ib = Math.min(nb - 1, Math.floor(y / cy));
      let k = 0;
      for (let da = -ra; da <= ra; da++) {
        const ka = ia + da;
        const below = ka * cx - x, above = x - (ka + 1) * cx;
        const gapX = below > 0 ? below : above > 0 ? above : 0;
        const gx2 = gapX * gapX;
        if (gx2 >= rmax2) continue;
        const wa = ka < 0 ? -1 : ka >= na ? 1 : 0;
        const x0 = x + o[0] - wa * lx;
        const colA = (ka - wa * na) * nb;
        for (let db = -rb; db <= rb; db++) {
          const kb = ib + db;
          const belowY = kb * cy - y, aboveY = y - (kb + 1) * cy;
          const gapY = belowY > 0 ? belowY : aboveY > 0 ? aboveY : 0;
          const g2 = gx2 + gapY * gapY;
          if (g2 >= rmax2) continue;
          const wb = kb < 0 ? -1 : kb >= nb ? 1 : 0;
          const y0 = y + o[1] - wb * ly;
          const col = (colA + kb - wb * nb) * nc;
          const h = Math.sqrt(rmax2 - g2);
          let k0 = Math.floor((z - h) * perCz);
          const k1 = Math.floor((z + h) * perCz);
          // The z-range may run past either face of the cell: one run of cells per image.
          while (k0 <= k1) {
            const wc = k0 < 0 ? -1 : k0 >= nc ? 1 : 0;
            const runEnd = Math.min(k1, (wc + 1) * nc - 1);
            const s0 = start[col + k0 - wc * nc], s1 = start[col + runEnd - wc * nc + 1];
            const z0 = z + o[2] - wc * lz;
            for (let s = s0; s < s1; s++) {
              const dx = bx[s] - x0, dy = by[s] - y0, dz = bz[s] - z0;
              const d2 = dx * dx + dy * dy + dz * dz;
              near[k] = d2;
              k += +(d2 < rmax2);
            }
            k0 = runEnd + 1;
          }
        }
      }
      this.binNeighbours(q, k);
      if (aInB[q]) this.dropSelfPair(q);
    }
  }

  /** Whether a column offset of the stencil and its opposite always reach different columns. */
  private stencilFits(g: CellGrid): boolean {
    const m = g.box.matrix;
    const ra = Math.ceil(this.cut / (m[0] / g.n[0])), rb = Math.ceil(this.cut / (m[4] / g.n[1]));
    return g.n[0] >= 2 * ra + 1 && g.n[1] >= 2 * rb + 1 && g.n[2] >= 1;
  }

  /**
   * The orthorhombic kernel for a group with itself: the same columns and z-ranges, but each
   * unordered pair is visited once. Atoms are taken in the grid's (cell) order, and from the atom
   * in slot s only the atoms of later slots are looked at: the search is symmetric (a pair under
   * r_max is found from either atom), so each pair is met from its earlier atom only. Whole runs of
   * earlier slots are skipped without a look — about half the columns — and the pair is counted for
   * both atoms (two ordered pairs, and a neighbour of each for the coordination numbers).
   */
  private countPairsSelf(g: CellGrid): void {
    const rmax2 = this.cut * this.cut;
    const near = this.near, slots = this.nearSlots;
    const m = g.box.matrix, o = g.box.origin;
    const lx = m[0], ly = m[4], lz = m[8];
    const [na, nb, nc] = g.n;
    const cx = lx / na, cy = ly / nb;
    const perCz = nc / lz;
    const ra = Math.ceil(this.cut / cx), rb = Math.ceil(this.cut / cy);
    const bx = g.x, by = g.y, bz = g.z, start = g.cellStart;
    const count = g.count;
    for (let s = 0; s < count; s++) {
      const first = s + 1;
      const x = bx[s] - o[0], y = by[s] - o[1], z = bz[s] - o[2];
      const ia = Math.min(na - 1, Math.floor(x / cx)), ib = Math.min(nb - 1, Math.floor(y / cy));
      let k = 0;
      for (let da = -ra; da <= ra; da++) {
        const ka = ia + da;
        const below = ka * cx - x, above = x - (ka + 1) * cx;
        const gapX = below > 0 ? below : above > 0 ? above : 0;
        const gx2 = gapX * gapX;
        if (gx2 >= rmax2) continue;
        const wa = ka < 0 ? -1 : ka >= na ? 1 : 0;
        const x0 = x + o[0] - wa * lx;
        const colA = (ka - wa * na) * nb;
        for (let db = -rb; db <= rb; db++) {
          const kb = ib + db;
          const wb = kb < 0 ? -1 : kb >= nb ? 1 : 0;
          const col = (colA + kb - wb * nb) * nc;
          // A column wholly of earlier slots holds no pair to visit from here.
          if (start[col + nc] <= first) continue;
          const belowY = kb * cy - y, aboveY = y - (kb + 1) * cy;
          const gapY = belowY > 0 ? belowY : aboveY > 0 ? aboveY : 0;
          const g2 = gx2 + gapY * gapY;
          if (g2 >= rmax2) continue;
          const y0 = y + o[1] - wb * ly;
          const h = Math.sqrt(rmax2 - g2);
          let k0 = Math.floor((z - h) * perCz);
          const k1 = Math.floor((z + h) * perCz);
          while (k0 <= k1) {
            const wc = k0 < 0 ? -1 : k0 >= nc ? 1 : 0;
            const runEnd = Math.min(k1, (wc + 1) * nc - 1);
            const r0 = start[col + k0 - wc * nc], s1 = start[col + runEnd - wc * nc + 1];
            const s0 = r0 > first ? r0 : first;
            const z0 = z + o[2] - wc * lz;
            for (let t = s0; t < s1; t++) {
              const dx = bx[t] - x0, dy = by[t] - y0, dz = bz[t] - z0;
              const d2 = dx * dx + dy * dy + dz * dz;
              near[k] = d2;
              slots[k] = t;
              k += +(d2 < rmax2);
            }
            k0 = runEnd + 1;
          }
        }
      }
      this.binPairs(s, k, near, slots);
    }
  }

  /**
   * The self kernel when the columns are many enough that a column offset and its opposite never
   * reach the same column (at least 2·reach + 1 along x and y; else countPairsSelf). Atoms are
   * taken column by column; from each, the columns of a forward half-stencil (da > 0, or da = 0
   * and db > 0) whose nearest points are within r_max are searched over the z-range a sphere of
   * r_max can reach there (the half-height h of the stencil entry is for the column's nearest
   * points, so it holds for every atom of the column), and its own column only at later slots.
   * Each pair is thus met once. Consecutive atoms of a column that lie close in z are taken two
   * at a time over the stencil columns: one run of cells (the union of their z-ranges) serves
   * both, each position is loaded once for two distances, and the per-run work (finding the
   * cells, a mispredicted loop exit) is paid half as often — the search's main cost, more than
   * the distances themselves. Each distance is computed by the same expression as for an atom
   * alone, so counts do not depend on the pairing.
   */
  private countPairsSelfStencil(g: CellGrid): void {
    const rmax2 = this.cut * this.cut;
    const m = g.box.matrix;
    const lx = m[0], ly = m[4], lz = m[8];
    const [na, nb, nc] = g.n;
    const perCz = nc / lz;
    const near = this.near, slots = this.nearSlots, near2 = this.near2, slots2 = this.nearSlots2;
    const bx = g.x, by = g.y, bz = g.z, start = g.cellStart;
    const oz = g.box.origin[2];
    const sten = this.stencil(g);
    const ns = sten.length / 3;
    const base = new Int32Array(ns), sx = new Float64Array(ns), sy = new Float64Array(ns);
    const cut = this.cut;
    for (let ia = 0; ia < na; ia++) {
      for (let ib = 0; ib < nb; ib++) {
        const own = (ia * nb + ib) * nc;
        const p0 = start[own], p1 = start[own + nc];
        if (p0 === p1) continue;
        for (let e = 0; e < ns; e++) {
          const ka = ia + sten[3 * e], kb = ib + sten[3 * e + 1];
          const wa = ka >= na ? 1 : 0, wb = kb < 0 ? -1 : kb >= nb ? 1 : 0;
          base[e] = ((ka - wa * na) * nb + kb - wb * nb) * nc;
          sx[e] = wa * lx;
          sy[e] = wb * ly;
        }
        for (let s = p0; s < p1; ) {
          const x = bx[s], y = by[s], z = bz[s];
          const zc = z - oz;
          // The own column, from the next slot on.
          let k = gatherColumn(bx, by, bz, start, own, nc, perCz, lz, x, y, z, zc, cut, s + 1, rmax2, near, slots, 0);
          const u = s + 1;
          if (u < p1 && Math.abs(bz[u] - z) < PAIR_GAP_A) {
            // Atoms s and u, close in z: their stencil columns are searched together, over the
            // union of their z-ranges, each position loaded once for both.
            const xu = bx[u], yu = by[u], zu = bz[u], zuc = zu - oz;
            let ku = gatherColumn(bx, by, bz, start, own, nc, perCz, lz, xu, yu, zu, zuc, cut, u + 1, rmax2, near2, slots2, 0);
            for (let e = 0; e < ns; e++) {
              const h = sten[3 * e + 2];
              const col = base[e];
              const x0 = x - sx[e], y0 = y - sy[e], xu0 = xu - sx[e], yu0 = yu - sy[e];
              let k0 = Math.floor(((zc < zuc ? zc : zuc) - h) * perCz);
              const k1 = Math.floor(((zc > zuc ? zc : zuc) + h) * perCz);
              while (k0 <= k1) {
                const wc = k0 < 0 ? -1 : k0 >= nc ? 1 : 0;
                const runEnd = Math.min(k1, (wc + 1) * nc - 1);
                const t0 = start[col + k0 - wc * nc], t1 = start[col + runEnd - wc * nc + 1];
                const z0 = z - wc * lz, zu0 = zu - wc * lz;
                for (let t = t0; t < t1; t++) {
                  const px = bx[t], py = by[t], pz = bz[t];
                  const dx = px - x0, dy = py - y0, dz = pz - z0;
                  const d2 = dx * dx + dy * dy + dz * dz;
                  near[k] = d2;
                  slots[k] = t;
                  k += +(d2 < rmax2);
                  const ex = px - xu0, ey = py - yu0, ez = pz - zu0;
                  const e2 = ex * ex + ey * ey + ez * ez;
                  near2[ku] = e2;
                  slots2[ku] = t;
                  ku += +(e2 < rmax2);
                }
                k0 = runEnd + 1;
              }
            }
            this.binPairs(s, k, near, slots);
            this.binPairs(u, ku, near2, slots2);
            s += 2;
            continue;
          }
          for (let e = 0; e < ns; e++) {
            k = gatherColumn(bx, by, bz, start, base[e], nc, perCz, lz, x - sx[e], y - sy[e], z, zc, sten[3 * e + 2], 0, rmax2, near, slots, k);
          }
          this.binPairs(s, k, near, slots);
          s++;
        }
      }
    }
  }

  private stencilOf: { g: CellGrid; cut: number; entries: Float64Array } | null = null;

  /**
   * The forward half of the column stencil: (da, db, h) for da > 0, or da = 0 and db > 0, whose
   * columns' nearest points are under r_max apart; h is the half-height of the sphere there.
   */
  private stencil(g: CellGrid): Float64Array {
    if (this.stencilOf && this.stencilOf.g === g && this.stencilOf.cut === this.cut) return this.stencilOf.entries;
    const m = g.box.matrix;
    const cx = m[0] / g.n[0], cy = m[4] / g.n[1];
    const ra = Math.ceil(this.cut / cx), rb = Math.ceil(this.cut / cy);
    const rmax2 = this.cut * this.cut;
    const out: number[] = [];
    for (let da = 0; da <= ra; da++) {
      for (let db = da === 0 ? 1 : -rb; db <= rb; db++) {
        const gx = Math.max(0, Math.abs(da) - 1) * cx, gy = Math.max(0, Math.abs(db) - 1) * cy;
        const g2 = gx * gx + gy * gy;
        if (g2 >= rmax2) continue;
        out.push(da, db, Math.sqrt(rmax2 - g2));
      }
    }
    this.stencilOf = { g, cut: this.cut, entries: Float64Array.from(out) };
    return this.stencilOf.entries;
  }

  /**
   * Histogram `k` gathered squared distances of pairs of the atom in grid slot `s` with later
   * slots (in nearSlots): each is two ordered pairs, and a neighbour of both atoms. The self
   * kernels keep per-ion counts by grid slot, not by A index: the coordination histogram does not
   * depend on which row is which ion, and a partner's row then lies near the atom's own in memory
   * (partners are in nearby columns), where rows by A index would be a cache miss per pair.
   */
  private binPairs(s: number, k: number, near: Float64Array, slots: Int32Array): void {
    const nearBins = this.nearBins, partners = this.nearPartners;
    const counts = this.frameCounts;
    const invDr = this.state.bins / this.state.rmaxA;
    const cnLimit = this.cnLimit;
    let m = 0;
    for (let j = 0; j < k; j++) {
      const bin = (Math.sqrt(near[j]) * invDr) | 0;
      counts[bin] += 2;
      nearBins[m] = bin;
      partners[m] = slots[j];
      m += +(bin < cnLimit);
    }
    const ion = this.ionCounts, cnOfBin = this.cnOfBin;
    const stride = this.ionStride;
    const row = s * stride;
    for (let j = 0; j < m; j++) {
      const c = cnOfBin[nearBins[j]];
      ion[row + c]++;
      ion[partners[j] * stride + c]++;
    }
  }

  /** Per-ion coordination numbers at the outer edge of every CN bin, from this frame's counts (which it clears). */
  private tallyCoordination(): void {
    const st = this.state;
    if (this.wasmFrame) {
      const tally = this.wasmFrame.tally();
      const hist = st.cnHist;
      for (let i = 0; i < hist.length; i++) hist[i] += tally[i];
      this.wasmFrame = null;
      return;
    }
    // Below the frame's nearest pair every ion has no neighbours: those CN bins need no per-ion look.
    let nearest = 0;
    while (nearest < this.cnLimit && this.frameCounts[nearest] === 0) nearest++;
    const from = nearest < this.cnLimit ? this.cnOfBin[nearest] : st.cnBins;
    const tally = this.cnTally;
    for (let b = 0; b < from; b++) tally[b] += this.a.length;
    tallyIons(this.ionCounts, this.a.length, this.ionStride, from, st.cnBins, tally);
    foldTally(tally, st.cnHist, st.cnBins);
  }
}

/**
 * Tally per-ion coordination numbers: row i of `ion` (stride `stride`) holds ion i's neighbours
 * by CN bin; its running sum k at CN bin b is one more ion with k neighbours there. An ion's count
 * changes at few CN bins, so its increments run along one row of constant k for long stretches:
 * they are tallied k-major (tally[k·cnBins + b], consecutive in memory). CN bins below `from` are
 * zero in every row (the caller has tallied them). The rows are cleared as they are read, ready
 * for the next frame. Module functions on typed arrays, not methods, so that
 * V8 compiles them once for good.
 */
function tallyIons(ion: Int32Array, ions: number, stride: number, from: number, cnBins: number, tally: Int32Array): void {
  for (let i = 0; i < ions; i++) {
    let k = 0;
    const row = i * stride;
    for (let b = from; b < cnBins; b++) {
      k += ion[row + b];
      ion[row + b] = 0;
      tally[(k < MAX_CN ? k : MAX_CN) * cnBins + b]++;
    }
    for (let b = cnBins; b < stride; b++) ion[row + b] = 0;
  }
}

/** Add the k-major tally to the bin-major histogram (hist[b·(MAX_CN+1) + k]) and clear it. */
function foldTally(tally: Int32Array, hist: Float64Array, cnBins: number): void {
  const stride = MAX_CN + 1;
  for (let k = 0; k <= MAX_CN; k++) {
    for (let b = 0; b < cnBins; b++) {
      hist[b * stride + k] += tally[k * cnBins + b];
      tally[k * cnBins + b] = 0;
    }
  }
}

/** Whether two atom lists hold the same atoms (in any order). */
function sameAtoms(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  const x = Int32Array.from(a).sort(), y = Int32Array.from(b).sort();
  return x.every((v, i) => v === y[i]);
}

/**
 * Cells per r_max along x, y, z for the orthorhombic kernel: thin columns (a third of r_max)
 * cut finely along z (a twelfth), measured best on a 42 000-atom box.
 */
const COLUMN_SUBDIVISION: [number, number, number] = [3, 3, 12];


/**
 * Atoms of a column this close in z (Å) are searched as a pair by the self stencil kernel: the
 * union of their z-ranges is little wider than one. Measured flat from 2.5 to 6 Å on liquid water.
 */
const PAIR_GAP_A = 4;

/**
 * Gather, for one atom (x, y, z; zc its height above the cell's base; already shifted by the
 * column's lattice translation in x and y), the squared distances under r_max to the atoms of
 * column `col` (grid slots from `first` on) over the z-range a sphere of half-height h reaches,
 * into near/slots from position k. Returns the new k.
 */
function gatherColumn(
  bx: Float64Array, by: Float64Array, bz: Float64Array, start: Int32Array, col: number, nc: number, perCz: number, lz: number,
  x0: number, y0: number, z: number, zc: number, h: number, first: number, rmax2: number, near: Float64Array, slots: Int32Array, k: number,
): number {
  let k0 = Math.floor((zc - h) * perCz);
  const k1 = Math.floor((zc + h) * perCz);
  while (k0 <= k1) {
    const wc = k0 < 0 ? -1 : k0 >= nc ? 1 : 0;
    const runEnd = Math.min(k1, (wc + 1) * nc - 1);
    const r0 = start[col + k0 - wc * nc], t1 = start[col + runEnd - wc * nc + 1];
    const t0 = r0 > first ? r0 : first;
    const z0 = z - wc * lz;
    for (let t = t0; t < t1; t++) {
      const dx = bx[t] - x0, dy = by[t] - y0, dz = bz[t] - z0;
      const d2 = dx * dx + dy * dy + dz * dz;
      near[k] = d2;
      slots[k] = t;
      k += +(d2 < rmax2);
    }
    k0 = runEnd + 1;
  }
  return k;
}

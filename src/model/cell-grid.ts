import { inverseMatrix, perpendicularWidths, type Box } from './box.js';

/**
 * Atoms binned into a grid of cells that tiles a periodic cell (orthorhombic or triclinic), so
 * that all pairs within a cutoff are found in O(N): a pair closer than the cutoff lies in cells
 * at most `reach` cells apart along each axis.
 *
 * Cells are parallelepipeds in fractional coordinates; `reach[k]` = ceil(cutoff / (width_k/n_k))
 * with width_k the distance between opposite faces of the cell, which holds for any tilt. A
 * neighbouring cell across a periodic face comes with the lattice translation that takes it
 * there, so distances are computed with an explicit image and no rounding: each periodic image
 * closer than the cutoff is seen exactly once. The cutoff must not exceed half the smallest
 * width (then at most one image of a pair is that close).
 *
 * Positions are stored wrapped into the cell and sorted by cell, so the inner loops of the pair
 * search read memory in order.
 */
export class CellGrid {
  /** Cells along a, b, c. */
  readonly n: [number, number, number];
  /** Neighbour cells to visit along a, b, c on each side. */
  readonly reach: [number, number, number];
  readonly ncells: number;
  /** Atoms of cell c are sorted[cellStart[c] … cellStart[c+1]). */
  cellStart: Int32Array;
  /** Wrapped Cartesian coordinates in cell order. */
  x: Float64Array;
  y: Float64Array;
  z: Float64Array;
  /** Index (into the caller's list) of each sorted atom. */
  index: Int32Array;
  count = 0;
  private cellOf: Int32Array;
  private frac = new Float64Array(0);
  private readonly inv: Float64Array;

  constructor(
    readonly box: Box,
    readonly cutoff: number,
    /**
     * Cells per cutoff length, per axis or for all: 2 makes cells of half the cutoff (fewer
     * wasted distance checks, more cells to visit).
     */
    subdivision: number | [number, number, number] = 2,
    /** Upper bound on cells, to bound memory for tiny cutoffs in huge boxes. */
    maxCells = 1 << 21,
  ) {
    const widths = perpendicularWidths(box);
    const sub = typeof subdivision === 'number' ? [subdivision, subdivision, subdivision] : subdivision;
    const n = widths.map((w, k) => Math.max(1, Math.floor((w / cutoff) * sub[k]))) as [number, number, number];
    while (n[0] * n[1] * n[2] > maxCells) {
      const k = n.indexOf(Math.max(...n));
      n[k] = Math.max(1, Math.floor(n[k] / 2));
    }
    this.n = n;
    this.reach = [0, 1, 2].map((k) => Math.ceil(cutoff / (widths[k] / n[k]) - 1e-12)) as [number, number, number];
    this.ncells = n[0] * n[1] * n[2];
    this.cellStart = new Int32Array(this.ncells + 1);
    this.inv = inverseMatrix(box);
    this.x = new Float64Array(0);
    this.y = new Float64Array(0);
    this.z = new Float64Array(0);
    this.index = new Int32Array(0);
    this.cellOf = new Int32Array(0);
  }

  /** Bin the atoms `atoms` (indices into `positions`, xyz interleaved), or all `count` atoms when null. */
  fill(positions: Float64Array, atoms: Int32Array | null, count: number): void {
    const n = atoms ? atoms.length : count;
    if (this.x.length < n) {
      this.x = new Float64Array(n);
      this.y = new Float64Array(n);
      this.z = new Float64Array(n);
      this.index = new Int32Array(n);
      this.cellOf = new Int32Array(n);
    }
    if (this.frac.length < 3 * n) this.frac = new Float64Array(3 * n);
    this.count = n;
    const start = this.cellStart;
    start.fill(0);
    // Each pass is a function of one loop: V8 optimises a long loop while the function is still
    // in it, and code after that loop, not yet run, would throw the optimised code away again.
    binAtoms(positions, atoms, n, this.box.origin, this.inv, this.n, this.cellOf, start, this.frac);
    const ncells = this.ncells;
    for (let c = 0; c < ncells; c++) start[c + 1] += start[c];
    placeAtoms(n, this.cellOf, start.slice(0, ncells), this.frac, this.box.origin, this.box.matrix, this.x, this.y, this.z, this.index);
  }

  /**
   * The neighbour cells of cell (ia, ib, ic): for each, its index and the lattice translation
   * (Å) to add to its atoms' positions. Non-periodic directions have no wrap-around.
   * Returns the number of entries written to `cells` and `shifts`.
   */
  neighbours(ia: number, ib: number, ic: number, cells: Int32Array, shifts: Float64Array): number {
    const [na, nb, nc] = this.n;
    const [ra, rb, rc] = this.reach;
    const m = this.box.matrix;
    const pbc = this.box.pbc;
    let k = 0;
    for (let da = -ra; da <= ra; da++) {
      let ja = ia + da;
      const wa = Math.floor(ja / na);
      if (wa !== 0 && !pbc[0]) continue;
      ja -= wa * na;
      for (let db = -rb; db <= rb; db++) {
        let jb = ib + db;
        const wb = Math.floor(jb / nb);
        if (wb !== 0 && !pbc[1]) continue;
        jb -= wb * nb;
        for (let dc = -rc; dc <= rc; dc++) {
          let jc = ic + dc;
          const wc = Math.floor(jc / nc);
          if (wc !== 0 && !pbc[2]) continue;
          jc -= wc * nc;
          cells[k] = (ja * nb + jb) * nc + jc;
          shifts[3 * k] = wa * m[0] + wb * m[3] + wc * m[6];
          shifts[3 * k + 1] = wa * m[1] + wb * m[4] + wc * m[7];
          shifts[3 * k + 2] = wa * m[2] + wb * m[5] + wc * m[8];
          k++;
        }
      }
    }
    return k;
  }

  /** Largest number of neighbour cells `neighbours` can return (for sizing its buffers). */
  get maxNeighbours(): number {
    return (2 * this.reach[0] + 1) * (2 * this.reach[1] + 1) * (2 * this.reach[2] + 1);
  }
}

/**
 * First pass of CellGrid.fill: each atom's fractional coordinates, wrapped into [0, 1), into
 * `frac`, its cell into `cellOf`, and the count of atoms per cell into start[cell + 1].
 */
function binAtoms(
  positions: Float64Array, atoms: Int32Array | null, n: number, o: Float64Array, inv: Float64Array,
  cells: readonly [number, number, number], cellOf: Int32Array, start: Int32Array, frac: Float64Array,
): void {
  const [na, nb, nc] = cells;
  for (let q = 0; q < n; q++) {
    const i = atoms ? atoms[q] : q;
    const px = positions[3 * i] - o[0], py = positions[3 * i + 1] - o[1], pz = positions[3 * i + 2] - o[2];
    let sa = px * inv[0] + py * inv[3] + pz * inv[6];
    let sb = px * inv[1] + py * inv[4] + pz * inv[7];
    let sc = px * inv[2] + py * inv[5] + pz * inv[8];
    sa -= Math.floor(sa);
    sb -= Math.floor(sb);
    sc -= Math.floor(sc);
    // floor() of a value just below 1 can round to exactly 1.
    let ia = Math.floor(sa * na), ib = Math.floor(sb * nb), ic = Math.floor(sc * nc);
    if (ia >= na) ia = na - 1;
    if (ib >= nb) ib = nb - 1;
    if (ic >= nc) ic = nc - 1;
    const cell = (ia * nb + ib) * nc + ic;
    cellOf[q] = cell;
    start[cell + 1]++;
    frac[3 * q] = sa;
    frac[3 * q + 1] = sb;
    frac[3 * q + 2] = sc;
  }
}

/** Second pass of CellGrid.fill: atoms (wrapped Cartesian) in cell order, `next[cell]` the next free slot of each cell. */
function placeAtoms(
  n: number, cellOf: Int32Array, next: Int32Array, frac: Float64Array, o: Float64Array, m: Float64Array,
  x: Float64Array, y: Float64Array, z: Float64Array, index: Int32Array,
): void {
  for (let q = 0; q < n; q++) {
    const slot = next[cellOf[q]]++;
    const sa = frac[3 * q], sb = frac[3 * q + 1], sc = frac[3 * q + 2];
    x[slot] = o[0] + sa * m[0] + sb * m[3] + sc * m[6];
    y[slot] = o[1] + sa * m[1] + sb * m[4] + sc * m[7];
    z[slot] = o[2] + sa * m[2] + sb * m[5] + sc * m[8];
    index[slot] = q;
  }
}

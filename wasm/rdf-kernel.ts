/**
 * The g(r) pair kernels of an orthorhombic periodic cell, compiled to WebAssembly (AssemblyScript;
 * `npm run build` writes dist/src/analysis/rdf-kernel.wasm, which src/analysis/rdf-wasm.ts loads,
 * giving it an imported memory). For two groups, binCross and crossWide stand in for
 * RdfAccumulator.countPairsOrthorhombic (see crossWide). For a group with itself, the kernel
 * stands in for RdfAccumulator.countPairsSelfStencil in
 * src/analysis/rdf.ts and its histogramming, on arrays that the caller places in this module's
 * memory (byte offsets below), and counts bit for bit the same (see selfWide). It searches four
 * atoms at a time in f64x2 lanes over wider columns, so that the work per run of cells (its
 * bounds, a mispredicted loop exit) is paid far less often, and tallies the per-ion coordination
 * numbers from a mask of each ion's nonzero CN bins instead of every bin.
 */

/** Where the caller may start placing its arrays. */
export function heapBase(): usize {
  return __heap_base;
}

@inline function f64At(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

/** One more neighbour in row entry i of the per-ion counts (u16 or i32 entries). */
@inline function bump<T>(ion: usize, i: i32): void {
  const p = ion + (<usize>i << alignof<T>());
  store<T>(p, load<T>(p) + 1);
}

@inline function i32At(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}

@inline function setF64(p: usize, i: i32, v: f64): void {
  store<f64>(p + (<usize>i << 3), v);
}

@inline function setI32(p: usize, i: i32, v: i32): void {
  store<i32>(p + (<usize>i << 2), v);
}

/**
 * The histogram of countPairsSelfStencil's binPairs for the k distances gathered for atom s:
 * each is two ordered pairs and a neighbour of both atoms (its CN bin marked in both masks).
 */
@inline function binPairs<T>(
  s: i32, k: i32, near: usize, slots: usize, nearBins: usize, partners: usize,
  counts: usize, ion: usize, stride: i32, cnOfBin: usize, cnLimit: i32, invDr: f64, mask: usize, words: i32,
): void {
  let m = 0;
  let j = 0;
  // Two at a time: f64x2 square roots are the scalar ones, lane by lane.
  const inv = f64x2.splat(invDr);
  for (; j + 1 < k; j += 2) {
    const b = i32x4.trunc_sat_f64x2_s_zero(f64x2.mul(f64x2.sqrt(v128.load(near + (<usize>j << 3))), inv));
    const b0 = i32x4.extract_lane(b, 0), b1 = i32x4.extract_lane(b, 1);
    setI32(counts, b0, i32At(counts, b0) + 2);
    setI32(nearBins, m, b0);
    setI32(partners, m, i32At(slots, j));
    m += <i32>(b0 < cnLimit);
    setI32(counts, b1, i32At(counts, b1) + 2);
    setI32(nearBins, m, b1);
    setI32(partners, m, i32At(slots, j + 1));
    m += <i32>(b1 < cnLimit);
  }
  if (j < k) {
    const bin = <i32>(Math.sqrt(f64At(near, j)) * invDr);
    setI32(counts, bin, i32At(counts, bin) + 2);
    setI32(nearBins, m, bin);
    setI32(partners, m, i32At(slots, j));
    m += <i32>(bin < cnLimit);
  }
  const row = s * stride;
  const own = mask + ((<usize>s * <usize>words) << 3);
  for (let j = 0; j < m; j++) {
    const c = i32At(cnOfBin, i32At(nearBins, j));
    bump<T>(ion, row + c);
    const p = i32At(partners, j);
    const r = p * stride + c;
    bump<T>(ion, r);
    const bit = <u64>1 << <u64>(c & 63), w = <usize>(c >> 6) << 3;
    store<u64>(own + w, load<u64>(own + w) | bit);
    const pm = mask + ((<usize>p * <usize>words) << 3) + w;
    store<u64>(pm, load<u64>(pm) | bit);
  }
}

/**
 * This frame's per-ion coordination tally, as tallyIons in src/analysis/rdf.ts makes it but
 * bin-major, as RdfState.cnHist is: tally[b·(maxCn + 1) + min(k, maxCn)] ions with k neighbours
 * up to CN bin b (the tally is written, not added to).
 * An ion's count changes only at its nonzero CN bins, which the kernel marked in its mask (words
 * u64 per ion): each step adds a run of b to one k, kept as a difference along b in `diff`
 * ((maxCn + 1) rows of cnBins + 1) and summed at the end. Rows and masks are cleared as they are
 * read.
 */
@inline function tally<T>(nIons: i32, ion: usize, stride: i32, mask: usize, words: i32, cnBins: i32, maxCn: i32, diff: usize, tally: usize): void {
  const w1 = cnBins + 1;
  memory.fill(diff, 0, <usize>((maxCn + 1) * w1) << 2);
  setI32(diff, 0, nIons);
  for (let i = 0; i < nIons; i++) {
    let k = 0;
    const row = i * stride;
    const mrow = mask + ((<usize>i * <usize>words) << 3);
    for (let w = 0; w < words; w++) {
      let bits = load<u64>(mrow + (<usize>w << 3));
      if (bits == 0) continue;
      store<u64>(mrow + (<usize>w << 3), 0);
      while (bits != 0) {
        const b = (w << 6) + <i32>ctz(bits);
        bits &= bits - 1;
        const c = <i32>load<T>(ion + (<usize>(row + b) << alignof<T>()));
        store<T>(ion + (<usize>(row + b) << alignof<T>()), 0);
        const from = min(k, maxCn) * w1 + b;
        setI32(diff, from, i32At(diff, from) - 1);
        k += c;
        const to = min(k, maxCn) * w1 + b;
        setI32(diff, to, i32At(diff, to) + 1);
      }
    }
  }
  const w = maxCn + 1;
  for (let kk = 0; kk <= maxCn; kk++) {
    let run = 0;
    for (let b = 0; b < cnBins; b++) {
      run += i32At(diff, kk * w1 + b);
      setI32(tally, b * w + kk, run);
    }
  }
}

/**
 * Margin (Å) on the bounds of a column and of a sphere's z-range there, far above rounding, so
 * that the search never misses a pair that a cell assignment rounded across a face.
 */
const EDGE_A: f64 = 1e-6;

/** Coordinates of a padding lane: far from everything, its distances are never under r_max. */
const PAD: f64 = 1e30;

/**
 * Bin the group's atoms (positions xyz interleaved at `pos`) into the wide columns of a grid of
 * na × nb × nc fine cells: `merge` consecutive fine columns along y make one, whose atoms are
 * ordered by z-cell, then fine column, then list order (cells wideStart[(ia·nbw + kb)·nc + ic];
 * fib is each atom's fine y-column). The fractional coordinates, cells and wrapped Cartesian
 * positions are CellGrid.fill's (src/model/cell-grid.ts), by the same float64 expressions: the
 * positions are the JavaScript kernel's to the last bit. inv, mat (9 each) and org (3) are the
 * cell's inverse, matrix and origin; key (n) and cnt (na·nbw·nc·merge + 1) are scratch.
 */
export function binWide(
  n: i32, pos: usize, inv: usize, mat: usize, org: usize, na: i32, nb: i32, nc: i32, merge: i32,
  key: usize, cnt: usize, frac: usize, wideStart: usize, wx: usize, wy: usize, wz: usize, fib: usize,
): void {
  const nbw = (nb + merge - 1) / merge;
  const nkeys = na * nbw * nc * merge;
  memory.fill(cnt, 0, <usize>(nkeys + 1) << 2);
  const i0 = f64At(inv, 0), i1 = f64At(inv, 1), i2 = f64At(inv, 2), i3 = f64At(inv, 3), i4 = f64At(inv, 4), i5 = f64At(inv, 5);
  const i6 = f64At(inv, 6), i7 = f64At(inv, 7), i8 = f64At(inv, 8);
  const o0 = f64At(org, 0), o1 = f64At(org, 1), o2 = f64At(org, 2);
  for (let q = 0; q < n; q++) {
    const px = f64At(pos, 3 * q) - o0, py = f64At(pos, 3 * q + 1) - o1, pz = f64At(pos, 3 * q + 2) - o2;
    let sa = px * i0 + py * i3 + pz * i6;
    let sb = px * i1 + py * i4 + pz * i7;
    let sc = px * i2 + py * i5 + pz * i8;
    sa -= Math.floor(sa);
    sb -= Math.floor(sb);
    sc -= Math.floor(sc);
    const ia = min(<i32>Math.floor(sa * <f64>na), na - 1), ib = min(<i32>Math.floor(sb * <f64>nb), nb - 1), ic = min(<i32>Math.floor(sc * <f64>nc), nc - 1);
    const kb = ib / merge;
    const k = ((ia * nbw + kb) * nc + ic) * merge + ib - kb * merge;
    setI32(key, q, k);
    setI32(cnt, k + 1, i32At(cnt, k + 1) + 1);
    setF64(frac, 3 * q, sa);
    setF64(frac, 3 * q + 1, sb);
    setF64(frac, 3 * q + 2, sc);
  }
  for (let k = 0; k < nkeys; k++) setI32(cnt, k + 1, i32At(cnt, k + 1) + i32At(cnt, k));
  const wide = na * nbw * nc;
  for (let w = 0; w < wide; w++) setI32(wideStart, w, i32At(cnt, w * merge));
  setI32(wideStart, wide, n);
  const m0 = f64At(mat, 0), m1 = f64At(mat, 1), m2 = f64At(mat, 2), m3 = f64At(mat, 3), m4 = f64At(mat, 4), m5 = f64At(mat, 5);
  const m6 = f64At(mat, 6), m7 = f64At(mat, 7), m8 = f64At(mat, 8);
  for (let q = 0; q < n; q++) {
    const k = i32At(key, q);
    const slot = i32At(cnt, k);
    setI32(cnt, k, slot + 1);
    const sa = f64At(frac, 3 * q), sb = f64At(frac, 3 * q + 1), sc = f64At(frac, 3 * q + 2);
    setF64(wx, slot, o0 + sa * m0 + sb * m3 + sc * m6);
    setF64(wy, slot, o1 + sa * m1 + sb * m4 + sc * m7);
    setF64(wz, slot, o2 + sa * m2 + sb * m5 + sc * m8);
    setI32(fib, slot, min(<i32>Math.floor(sb * <f64>nb), nb - 1));
  }
}

/**
 * Bin the n atoms idx[q] of `pos` (xyz interleaved) for the cross search into the cells of a grid
 * of na × nb columns along z, each cut into nc cells ((ia·nb + ib)·nc + ic), in list order within
 * a cell. The fractional coordinates, cells and wrapped positions are CellGrid.fill's
 * (src/model/cell-grid.ts) in an orthorhombic cell (inv0, inv4, inv8 the diagonal of its inverse,
 * lx, ly, lz of its matrix), by the same float64 expressions less the products with its zero
 * entries, which add nothing: the positions (wx, wy, wz) are the JavaScript kernel's to the last
 * bit. start (na·nb·nc + 2 entries) ends as the cells' first slots, start[c] … start[c + 1]; key
 * (n) and at (3n) are scratch.
 */
export function binCross(
  n: i32, pos: usize, idx: usize, ox: f64, oy: f64, oz: f64, inv0: f64, inv4: f64, inv8: f64, lx: f64, ly: f64, lz: f64,
  na: i32, nb: i32, nc: i32, key: usize, start: usize, at: usize, wx: usize, wy: usize, wz: usize,
): void {
  const nkeys = na * nb * nc;
  memory.fill(start, 0, <usize>(nkeys + 2) << 2);
  // Counts at start[k + 2]: summed, start[k + 1] is cell k's first slot, and, each placement
  // taking the next, its end once the atoms are placed.
  const cnt2 = start + 8;
  // Two atoms at a time in f64x2 lanes (the same operations, lane by lane); positions kept
  // axis by axis in `at` (x at at, y at at + 8n, z at at + 16n) for the placing pass.
  const atx = at, aty = at + (<usize>n << 3), atz = at + (<usize>n << 4);
  const o0 = f64x2.splat(ox), o1 = f64x2.splat(oy), o2 = f64x2.splat(oz);
  const v0 = f64x2.splat(inv0), v4 = f64x2.splat(inv4), v8 = f64x2.splat(inv8);
  const fav = f64x2.splat(<f64>na), fbv = f64x2.splat(<f64>nb), fcv = f64x2.splat(<f64>nc);
  const lxv = f64x2.splat(lx), lyv = f64x2.splat(ly), lzv = f64x2.splat(lz);
  const na1 = f64x2.splat(<f64>(na - 1)), nb1 = f64x2.splat(<f64>(nb - 1)), nc1 = f64x2.splat(<f64>(nc - 1));
  const magic = f64x2.splat(4503599627370496.0);
  let q = 0;
  for (; q + 1 < n; q += 2) {
    const i = 3 * i32At(idx, q), j = 3 * i32At(idx, q + 1);
    // x, y of each atom in one load, paired up by two shuffles; z into its lanes one by one.
    const pi = pos + (<usize>i << 3), pj = pos + (<usize>j << 3);
    const xyi = v128.load(pi), xyj = v128.load(pj);
    const px = v128.shuffle<f64>(xyi, xyj, 0, 2), py = v128.shuffle<f64>(xyi, xyj, 1, 3);
    const pz = v128.load64_lane(pj + 16, v128.load64_splat(pi + 16), 1);
    let sa = f64x2.mul(f64x2.sub(px, o0), v0), sb = f64x2.mul(f64x2.sub(py, o1), v4), sc = f64x2.mul(f64x2.sub(pz, o2), v8);
    sa = f64x2.sub(sa, f64x2.floor(sa));
    sb = f64x2.sub(sb, f64x2.floor(sb));
    sc = f64x2.sub(sc, f64x2.floor(sc));
    // The cells' indices as whole float64 numbers (exact): ⌊s·n⌋, at most n − 1 (pmin takes
    // n − 1 for NaN too, so that any input stays within the grid), and the key, whose low word
    // is its integer once 2⁵² is added — fewer instructions than conversions to i32x4 lanes.
    const ia = f64x2.pmin(na1, f64x2.floor(f64x2.mul(sa, fav)));
    const ib = f64x2.pmin(nb1, f64x2.floor(f64x2.mul(sb, fbv)));
    const ic = f64x2.pmin(nc1, f64x2.floor(f64x2.mul(sc, fcv)));
    const kf = f64x2.add(f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(ia, fbv), ib), fcv), ic), magic);
    const kv = i8x16.shuffle(kf, kf, 0, 1, 2, 3, 8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11);
    const k0 = i32x4.extract_lane(kv, 0), k1 = i32x4.extract_lane(kv, 1);
    v128.store_lane<i64>(key + (<usize>q << 2), kv, 0);
    setI32(cnt2, k0, i32At(cnt2, k0) + 1);
    setI32(cnt2, k1, i32At(cnt2, k1) + 1);
    const o = <usize>q << 3;
    v128.store(atx + o, f64x2.add(o0, f64x2.mul(sa, lxv)));
    v128.store(aty + o, f64x2.add(o1, f64x2.mul(sb, lyv)));
    v128.store(atz + o, f64x2.add(o2, f64x2.mul(sc, lzv)));
  }
  if (q < n) {
    const i = 3 * i32At(idx, q);
    let sa = (f64At(pos, i) - ox) * inv0, sb = (f64At(pos, i + 1) - oy) * inv4, sc = (f64At(pos, i + 2) - oz) * inv8;
    sa -= Math.floor(sa);
    sb -= Math.floor(sb);
    sc -= Math.floor(sc);
    const ia = min(<i32>(sa * <f64>na), na - 1), ib = min(<i32>(sb * <f64>nb), nb - 1), ic = min(<i32>(sc * <f64>nc), nc - 1);
    const k = (ia * nb + ib) * nc + ic;
    setI32(key, q, k);
    setI32(cnt2, k, i32At(cnt2, k) + 1);
    setF64(atx, q, ox + sa * lx);
    setF64(aty, q, oy + sb * ly);
    setF64(atz, q, oz + sc * lz);
  }
  let run = 0;
  for (let k = 0; k < nkeys; k++) {
    run += i32At(cnt2, k);
    setI32(cnt2, k, run);
  }
  const next = start + 4;
  for (let q = 0; q < n; q++) {
    const k = i32At(key, q);
    const slot = i32At(next, k);
    setI32(next, k, slot + 1);
    const x = f64At(atx, q), y = f64At(aty, q), z = f64At(atz, q);
    setF64(wx, slot, x);
    setF64(wy, slot, y);
    setF64(wz, slot, z);
  }
}

/**
 * The pairs of atom s with the later atoms of its own wide column, within r_max, gathered into
 * near/slots from k. Across the z faces the float64 expression is the one the JavaScript kernel
 * evaluates for the pair, whose first atom is the one of the lower fine y-column, or, in one
 * fine column, the lower z-cell (see selfWide).
 */
@inline function gatherOwn(
  bx: usize, by: usize, bz: usize, fib: usize, start: usize, col: i32, nc: i32, perCz: f64, lz: f64,
  s: i32, zc: f64, cut: f64, rmax2: f64, near: usize, slots: usize, k: i32,
): i32 {
  const x = f64At(bx, s), y = f64At(by, s), z = f64At(bz, s);
  const fs = i32At(fib, s);
  let k0 = <i32>Math.floor((zc - cut - EDGE_A) * perCz);
  const k1 = <i32>Math.floor((zc + cut + EDGE_A) * perCz);
  const first = s + 1;
  while (k0 <= k1) {
    const wc: i32 = k0 < 0 ? -1 : k0 >= nc ? 1 : 0;
    const runEnd = min(k1, (wc + 1) * nc - 1);
    const r0 = i32At(start, col + k0 - wc * nc), t1 = i32At(start, col + runEnd - wc * nc + 1);
    const t0 = r0 > first ? r0 : first;
    if (wc == 0) {
      for (let t = t0; t < t1; t++) {
        const dx = f64At(bx, t) - x, dy = f64At(by, t) - y, dz = f64At(bz, t) - z;
        const d2 = dx * dx + dy * dy + dz * dz;
        setF64(near, k, d2);
        setI32(slots, k, t);
        k += <i32>(d2 < rmax2);
      }
    } else {
      const shift = <f64>wc * lz;
      const z0 = z - shift;
      for (let t = t0; t < t1; t++) {
        const ft = i32At(fib, t);
        const zt = f64At(bz, t);
        // s first (z0 = z − shift), or t first (its own shift is −shift).
        const sFirst = fs < ft || (fs == ft && wc < 0);
        const dz = select<f64>(zt - z0, z - (zt + shift), sFirst);
        const dx = f64At(bx, t) - x, dy = f64At(by, t) - y;
        const d2 = dx * dx + dy * dy + dz * dz;
        setF64(near, k, d2);
        setI32(slots, k, t);
        k += <i32>(d2 < rmax2);
      }
    }
    k0 = runEnd + 1;
  }
  return k;
}

/**
 * One frame of the self search on wide columns (see binWide): atoms are taken four at a time along
 * their wide column (lanes of two f64x2 vectors), and for each group the wide columns of the
 * forward half-stencil (da > 0, or da = 0 and db > 0, whose nearest points are within r_max for
 * this column) are searched over the union of the four z-ranges; the own column is searched per
 * atom from the next slot on. Each pair is met once.
 *
 * Counts equal the JavaScript kernel's bit for bit: it evaluates each pair as
 * d = p_second − (p_first − shift) per axis, where shift is nonzero only across a periodic face.
 * Along x the wide columns are its fine columns and forward means the same, so the first atom of
 * a pair is the same; along y a pair in different wide columns is met from the same side; only
 * within one wide column can the two differ, where no x or y face lies between the atoms and
 * only a z face can — there the expression is chosen per pair (gatherOwn). Padding lanes (a
 * column's last group) hold far-away coordinates.
 */
@inline function selfWide<T>(
  na: i32, nb: i32, nc: i32, merge: i32, lx: f64, ly: f64, lz: f64, ox: f64, oy: f64, oz: f64, cut: f64,
  bx: usize, by: usize, bz: usize, fib: usize, start: usize,
  base: usize, sx: usize, sy: usize, rect: usize, runs: usize,
  near: usize, slots: usize, stride1: i32,
  nearBins: usize, partners: usize,
  counts: usize, ion: usize, stride: i32, cnOfBin: usize, cnLimit: i32, invDr: f64, mask: usize, words: i32,
): void {
  const rmax2 = cut * cut;
  const perCz = <f64>nc / lz;
  const rr = f64x2.splat(rmax2);
  const zero = f64x2.splat(0), edge = f64x2.splat(EDGE_A), inf = f64x2.splat(Infinity), ninf = f64x2.splat(-Infinity);
  const oxv = f64x2.splat(ox), oyv = f64x2.splat(oy), ozv = f64x2.splat(oz);
  const nbw = (nb + merge - 1) / merge;
  const cx = lx / <f64>na, cy = ly / <f64>nb;
  const perCx = <f64>na / lx, perCy = <f64>nb / ly;
  const ra = <i32>Math.ceil(cut / cx);
  // The narrowest wide column bounds how many can lie within r_max along y.
  const rest = nb - (nbw - 1) * merge;
  const rb = <i32>Math.ceil(cut / (<f64>min(rest, merge) * cy));
  const near1 = near + (<usize>stride1 << 3), near2 = near1 + (<usize>stride1 << 3), near3 = near2 + (<usize>stride1 << 3);
  const slots1 = slots + (<usize>stride1 << 2), slots2 = slots1 + (<usize>stride1 << 2), slots3 = slots2 + (<usize>stride1 << 2);
  for (let ia = 0; ia < na; ia++) {
    for (let kb = 0; kb < nbw; kb++) {
      const own = (ia * nbw + kb) * nc;
      const p0 = i32At(start, own), p1 = i32At(start, own + nc);
      if (p0 == p1) continue;
      const yLo = <f64>(kb * merge) * cy, yHi = <f64>min(kb * merge + merge, nb) * cy;
      let ns = 0;
      for (let da = 0; da <= ra; da++) {
        for (let db = da == 0 ? 1 : -rb; db <= rb; db++) {
          const ka = ia + da, kt = kb + db;
          const wa: i32 = ka >= na ? 1 : 0, wb: i32 = kt < 0 ? -1 : kt >= nbw ? 1 : 0;
          const kw = kt - wb * nbw;
          const tLo = <f64>(kw * merge) * cy + <f64>wb * ly, tHi = <f64>min(kw * merge + merge, nb) * cy + <f64>wb * ly;
          const gx = max(0.0, <f64>max(0, da - 1) * cx - EDGE_A);
          const gy = max(0.0, max(tLo - yHi, yLo - tHi) - EDGE_A);
          const g2 = gx * gx + gy * gy;
          if (g2 >= rmax2) continue;
          setI32(base, ns, ((ka - wa * na) * nbw + kw) * nc);
          setF64(sx, ns, <f64>wa * lx);
          setF64(sy, ns, <f64>wb * ly);
          // The column's rectangle (cell frame, unshifted), a hair wider than the cells.
          setF64(rect, 4 * ns, <f64>(ka - wa * na) * cx - EDGE_A);
          setF64(rect, 4 * ns + 1, <f64>(ka - wa * na + 1) * cx + EDGE_A);
          setF64(rect, 4 * ns + 2, <f64>(kw * merge) * cy - EDGE_A);
          setF64(rect, 4 * ns + 3, <f64>min(kw * merge + merge, nb) * cy + EDGE_A);
          ns++;
        }
      }
      for (let s = p0; s < p1; s += 4) {
        const n = min(4, p1 - s);
        const xa = f64x2(f64At(bx, s), n > 1 ? f64At(bx, s + 1) : PAD), xb = f64x2(n > 2 ? f64At(bx, s + 2) : PAD, n > 3 ? f64At(bx, s + 3) : PAD);
        const ya = f64x2(f64At(by, s), n > 1 ? f64At(by, s + 1) : PAD), yb = f64x2(n > 2 ? f64At(by, s + 2) : PAD, n > 3 ? f64At(by, s + 3) : PAD);
        const za = f64x2(f64At(bz, s), n > 1 ? f64At(bz, s + 1) : PAD), zb = f64x2(n > 2 ? f64At(bz, s + 2) : PAD, n > 3 ? f64At(bz, s + 3) : PAD);
        const zra = f64x2.sub(za, ozv), zrb = f64x2.sub(zb, ozv);
        let k0 = gatherOwn(bx, by, bz, fib, start, own, nc, perCz, lz, s, f64At(bz, s) - oz, cut, rmax2, near, slots, 0);
        let k1 = n > 1 ? gatherOwn(bx, by, bz, fib, start, own, nc, perCz, lz, s + 1, f64At(bz, s + 1) - oz, cut, rmax2, near1, slots1, 0) : 0;
        let k2 = n > 2 ? gatherOwn(bx, by, bz, fib, start, own, nc, perCz, lz, s + 2, f64At(bz, s + 2) - oz, cut, rmax2, near2, slots2, 0) : 0;
        let k3 = n > 3 ? gatherOwn(bx, by, bz, fib, start, own, nc, perCz, lz, s + 3, f64At(bz, s + 3) - oz, cut, rmax2, near3, slots3, 0) : 0;
        // First the runs of cells of every stencil column, with their lattice shifts.
        let nr = 0;
        for (let e = 0; e < ns; e++) {
          const col = i32At(base, e);
          const sxe = f64x2.splat(f64At(sx, e)), sye = f64x2.splat(f64At(sy, e));
          const x0a = f64x2.sub(xa, sxe), x0b = f64x2.sub(xb, sxe), y0a = f64x2.sub(ya, sye), y0b = f64x2.sub(yb, sye);
          // Each atom's own z-range: the sphere's half-height over its gap to the column.
          const r = rect + (<usize>e << 5);
          const xLo = v128.load64_splat(r), xHi = v128.load64_splat(r + 8), yLo = v128.load64_splat(r + 16), yHi = v128.load64_splat(r + 24);
          const rxa = f64x2.sub(x0a, oxv), rxb = f64x2.sub(x0b, oxv), rya = f64x2.sub(y0a, oyv), ryb = f64x2.sub(y0b, oyv);
          // pmax/pmin are single instructions (no NaN arises here).
          const gxa = f64x2.pmax(zero, f64x2.pmax(f64x2.sub(xLo, rxa), f64x2.sub(rxa, xHi)));
          const gxb = f64x2.pmax(zero, f64x2.pmax(f64x2.sub(xLo, rxb), f64x2.sub(rxb, xHi)));
          const gya = f64x2.pmax(zero, f64x2.pmax(f64x2.sub(yLo, rya), f64x2.sub(rya, yHi)));
          const gyb = f64x2.pmax(zero, f64x2.pmax(f64x2.sub(yLo, ryb), f64x2.sub(ryb, yHi)));
          const h2a = f64x2.sub(rr, f64x2.add(f64x2.mul(gxa, gxa), f64x2.mul(gya, gya)));
          const h2b = f64x2.sub(rr, f64x2.add(f64x2.mul(gxb, gxb), f64x2.mul(gyb, gyb)));
          const ha = f64x2.add(f64x2.sqrt(f64x2.pmax(h2a, zero)), edge), hb = f64x2.add(f64x2.sqrt(f64x2.pmax(h2b, zero)), edge);
          const ina = f64x2.gt(h2a, zero), inb = f64x2.gt(h2b, zero);
          const loa = v128.bitselect(f64x2.sub(zra, ha), inf, ina), lob = v128.bitselect(f64x2.sub(zrb, hb), inf, inb);
          const hia = v128.bitselect(f64x2.add(zra, ha), ninf, ina), hib = v128.bitselect(f64x2.add(zrb, hb), ninf, inb);
          const lo = f64x2.pmin(loa, lob), hi = f64x2.pmax(hia, hib);
          const l0 = f64x2.extract_lane(lo, 0), l1 = f64x2.extract_lane(lo, 1), h0 = f64x2.extract_lane(hi, 0), h1 = f64x2.extract_lane(hi, 1);
          const zlo = l0 < l1 ? l0 : l1, zhi = h0 > h1 ? h0 : h1;
          if (zlo > zhi) continue;
          let c0 = <i32>Math.floor(zlo * perCz);
          const c1 = <i32>Math.floor(zhi * perCz);
          while (c0 <= c1) {
            const wc: i32 = c0 < 0 ? -1 : c0 >= nc ? 1 : 0;
            const runEnd = min(c1, (wc + 1) * nc - 1);
            const rec = runs + (<usize>nr << 5);
            store<i32>(rec, i32At(start, col + c0 - wc * nc));
            store<i32>(rec + 4, i32At(start, col + runEnd - wc * nc + 1));
            store<f64>(rec + 8, f64At(sx, e));
            store<f64>(rec + 16, f64At(sy, e));
            store<f64>(rec + 24, <f64>wc * lz);
            nr++;
            c0 = runEnd + 1;
          }
        }
        // Then the runs: their bounds are known, so the loop is not waiting on them.
        for (let r = 0; r < nr; r++) {
          const rec = runs + (<usize>r << 5);
          const t0 = load<i32>(rec), t1 = load<i32>(rec + 4);
          const sxe = v128.load64_splat(rec + 8), sye = v128.load64_splat(rec + 16), sz = v128.load64_splat(rec + 24);
          const x0a = f64x2.sub(xa, sxe), x0b = f64x2.sub(xb, sxe), y0a = f64x2.sub(ya, sye), y0b = f64x2.sub(yb, sye);
          const z0a = f64x2.sub(za, sz), z0b = f64x2.sub(zb, sz);
          for (let t = t0; t < t1; t++) {
            const o = <usize>t << 3;
            const px = v128.load64_splat(bx + o), py = v128.load64_splat(by + o), pz = v128.load64_splat(bz + o);
            const dxa = f64x2.sub(px, x0a), dya = f64x2.sub(py, y0a), dza = f64x2.sub(pz, z0a);
            const dxb = f64x2.sub(px, x0b), dyb = f64x2.sub(py, y0b), dzb = f64x2.sub(pz, z0b);
            const d2a = f64x2.add(f64x2.add(f64x2.mul(dxa, dxa), f64x2.mul(dya, dya)), f64x2.mul(dza, dza));
            const d2b = f64x2.add(f64x2.add(f64x2.mul(dxb, dxb), f64x2.mul(dyb, dyb)), f64x2.mul(dzb, dzb));
            const ua = i64x2.bitmask(f64x2.lt(d2a, rr)), ub = i64x2.bitmask(f64x2.lt(d2b, rr));
            v128.store_lane<f64>(near + (<usize>k0 << 3), d2a, 0);
            setI32(slots, k0, t);
            k0 += ua & 1;
            v128.store_lane<f64>(near1 + (<usize>k1 << 3), d2a, 1);
            setI32(slots1, k1, t);
            k1 += ua >> 1;
            v128.store_lane<f64>(near2 + (<usize>k2 << 3), d2b, 0);
            setI32(slots2, k2, t);
            k2 += ub & 1;
            v128.store_lane<f64>(near3 + (<usize>k3 << 3), d2b, 1);
            setI32(slots3, k3, t);
            k3 += ub >> 1;
          }
        }
        binPairs<T>(s, k0, near, slots, nearBins, partners, counts, ion, stride, cnOfBin, cnLimit, invDr, mask, words);
        if (n > 1) binPairs<T>(s + 1, k1, near1, slots1, nearBins, partners, counts, ion, stride, cnOfBin, cnLimit, invDr, mask, words);
        if (n > 2) binPairs<T>(s + 2, k2, near2, slots2, nearBins, partners, counts, ion, stride, cnOfBin, cnLimit, invDr, mask, words);
        if (n > 3) binPairs<T>(s + 3, k3, near3, slots3, nearBins, partners, counts, ion, stride, cnOfBin, cnLimit, invDr, mask, words);
      }
    }
  }
}

/*
 * The per-ion counts are 16-bit when the group has fewer than 65 536 atoms (no count can then
 * overflow; half the memory to miss in cache when a partner's row is bumped), 32-bit otherwise.
 */

export function selfWide16(
  na: i32, nb: i32, nc: i32, merge: i32, lx: f64, ly: f64, lz: f64, ox: f64, oy: f64, oz: f64, cut: f64,
  bx: usize, by: usize, bz: usize, fib: usize, start: usize,
  base: usize, sx: usize, sy: usize, rect: usize, runs: usize,
  near: usize, slots: usize, stride1: i32,
  nearBins: usize, partners: usize,
  counts: usize, ion: usize, stride: i32, cnOfBin: usize, cnLimit: i32, invDr: f64, mask: usize, words: i32,
): void {
  selfWide<u16>(na, nb, nc, merge, lx, ly, lz, ox, oy, oz, cut, bx, by, bz, fib, start, base, sx, sy, rect, runs,
    near, slots, stride1, nearBins, partners, counts, ion, stride, cnOfBin, cnLimit, invDr, mask, words);
}

export function selfWide32(
  na: i32, nb: i32, nc: i32, merge: i32, lx: f64, ly: f64, lz: f64, ox: f64, oy: f64, oz: f64, cut: f64,
  bx: usize, by: usize, bz: usize, fib: usize, start: usize,
  base: usize, sx: usize, sy: usize, rect: usize, runs: usize,
  near: usize, slots: usize, stride1: i32,
  nearBins: usize, partners: usize,
  counts: usize, ion: usize, stride: i32, cnOfBin: usize, cnLimit: i32, invDr: f64, mask: usize, words: i32,
): void {
  selfWide<i32>(na, nb, nc, merge, lx, ly, lz, ox, oy, oz, cut, bx, by, bz, fib, start, base, sx, sy, rect, runs,
    near, slots, stride1, nearBins, partners, counts, ion, stride, cnOfBin, cnLimit, invDr, mask, words);
}

export function tallyFrame16(nIons: i32, ion: usize, stride: i32, mask: usize, words: i32, cnBins: i32, maxCn: i32, diff: usize, tallyOut: usize): void {
  tally<u16>(nIons, ion, stride, mask, words, cnBins, maxCn, diff, tallyOut);
}

export function tallyFrame32(nIons: i32, ion: usize, stride: i32, mask: usize, words: i32, cnBins: i32, maxCn: i32, diff: usize, tallyOut: usize): void {
  tally<i32>(nIons, ion, stride, mask, words, cnBins, maxCn, diff, tallyOut);
}

/**
 * The histogram of countPairsOrthorhombic's binNeighbours for the k distances gathered for A atom
 * q: each is one ordered pair and a neighbour of q (its CN bin marked in q's mask). An atom of
 * both groups met itself (at distance 0, once) and is not its own neighbour (dropSelfPair).
 */
@inline function binNeighbours<T>(
  q: i32, k: i32, near: usize, nearBins: usize, counts: usize, ion: usize, stride: i32,
  cnOfBin: usize, cnLimit: i32, invDr: f64, mask: usize, words: i32, inB: bool,
): void {
  let m = 0;
  let j = 0;
  const inv = f64x2.splat(invDr);
  // ⌊√d² · invDr⌋ (non-negative, below 2³¹) is the low word of ⌊·⌋ + 2⁵², exactly: a floor and
  // an add where a float-to-int conversion of two lanes takes several instructions.
  const magic = f64x2.splat(4503599627370496.0);
  for (; j + 1 < k; j += 2) {
    const b = f64x2.add(f64x2.floor(f64x2.mul(f64x2.sqrt(v128.load(near + (<usize>j << 3))), inv)), magic);
    const b0 = i32x4.extract_lane(b, 0), b1 = i32x4.extract_lane(b, 2);
    setI32(counts, b0, i32At(counts, b0) + 1);
    setI32(nearBins, m, b0);
    m += <i32>(b0 < cnLimit);
    setI32(counts, b1, i32At(counts, b1) + 1);
    setI32(nearBins, m, b1);
    m += <i32>(b1 < cnLimit);
  }
  if (j < k) {
    const bin = <i32>(Math.sqrt(f64At(near, j)) * invDr);
    setI32(counts, bin, i32At(counts, bin) + 1);
    setI32(nearBins, m, bin);
    m += <i32>(bin < cnLimit);
  }
  const row = q * stride;
  const own = mask + ((<usize>q * <usize>words) << 3);
  for (let j = 0; j < m; j++) {
    const c = i32At(cnOfBin, i32At(nearBins, j));
    bump<T>(ion, row + c);
    const w = own + (<usize>(c >> 6) << 3);
    store<u64>(w, load<u64>(w) | (<u64>1 << <u64>(c & 63)));
  }
  if (inB) {
    setI32(counts, 0, i32At(counts, 0) - 1);
    const p = ion + (<usize>row << alignof<T>());
    store<T>(p, load<T>(p) - 1);
  }
}

/** The lattice shift of column k of n, for k in [−n, 2n). */
@inline function shiftOf(k: i32, n: i32): i32 {
  return k < 0 ? -1 : k >= n ? 1 : 0;
}

/**
 * One frame of the search for the pairs of two groups (countPairsOrthorhombic in
 * src/analysis/rdf.ts), the B atoms binned by binCross into columns at least r_max wide. Each A
 * atom (pos[3·idxA[q]], xyz) is wrapped into the cell as the JavaScript kernel wraps it; the
 * columns within r_max of it (at most three along x and along y: its gap to each column's
 * rectangle, a hair wider than the column) are searched over the z-range of the sphere there,
 * four B atoms at a time in the lanes of two f64x2 vectors. The runs of cells of all its columns
 * are listed first (`runs`, 32 bytes each), so that the distance loop does not wait on their
 * bounds. Columns this wide make few runs per atom (about nine), whose cost — finding the cells, a
 * mispredicted loop exit — exceeded that of the three times as many distances they take (measured
 * against columns of a third of r_max, merged by three along y, on liquid water).
 *
 * Counts equal the JavaScript kernel's bit for bit: each pair's d² is its expression
 * (b − (a − shift) per axis, a wrapped by floor, b as CellGrid.fill places it), and the columns
 * and z-ranges searched here hold every B image it counts, with margins (EDGE_A) far above the
 * rounding of either assignment to cells. A column may be met under two lattice shifts (in small
 * cells); at most one image of a B atom is within r_max ≤ half the cell's width, as there.
 * aInB (a byte per A atom) marks the atoms in both groups.
 */
@inline function crossWide<T>(
  na: i32, nb: i32, nc: i32, lx: f64, ly: f64, lz: f64, ox: f64, oy: f64, oz: f64, cut: f64,
  nA: i32, pos: usize, idxA: usize, aInB: usize,
  bx: usize, by: usize, bz: usize, start: usize, runs: usize,
  near: usize, nearBins: usize,
  counts: usize, ion: usize, stride: i32, cnOfBin: usize, cnLimit: i32, invDr: f64, mask: usize, words: i32,
): void {
  const rmax2 = cut * cut;
  const reach = cut + EDGE_A;
  const rr = f64x2.splat(rmax2);
  const perCz = <f64>nc / lz;
  const cx = lx / <f64>na, cy = ly / <f64>nb;
  const perCx = <f64>na / lx, perCy = <f64>nb / ly;
  for (let q = 0; q < nA; q++) {
    const i = 3 * i32At(idxA, q);
    let x = f64At(pos, i) - ox, y = f64At(pos, i + 1) - oy, z = f64At(pos, i + 2) - oz;
    x -= Math.floor(x / lx) * lx;
    y -= Math.floor(y / ly) * ly;
    z -= Math.floor(z / lz) * lz;
    // The columns within reach: at most three each way when they are r_max wide, four when a
    // hair narrower (rounding); bounded, whatever the coordinates.
    const ka0 = max(<i32>Math.floor((x - reach) * perCx), -na), ka1 = min(min(<i32>Math.floor((x + reach) * perCx), 2 * na - 1), ka0 + 3);
    const kb0 = max(<i32>Math.floor((y - reach) * perCy), -nb), kb1 = min(min(<i32>Math.floor((y + reach) * perCy), 2 * nb - 1), kb0 + 3);
    const xo = x + ox, yo = y + oy, zo = z + oz;
    let nr = 0;
    for (let ka = ka0; ka <= ka1; ka++) {
      const gx = max(0.0, max(<f64>ka * cx - x, x - <f64>(ka + 1) * cx) - EDGE_A);
      const gx2 = gx * gx;
      if (gx2 >= rmax2) continue;
      const wa = shiftOf(ka, na);
      const x0 = xo - <f64>wa * lx;
      const colA = (ka - wa * na) * nb;
      for (let kb = kb0; kb <= kb1; kb++) {
        const gy = max(0.0, max(<f64>kb * cy - y, y - <f64>(kb + 1) * cy) - EDGE_A);
        const h2 = rmax2 - (gx2 + gy * gy);
        if (h2 <= 0) continue;
        const h = Math.sqrt(h2) + EDGE_A;
        const wb = shiftOf(kb, nb);
        const y0 = yo - <f64>wb * ly;
        const col = (colA + kb - wb * nb) * nc;
        let c0 = max(<i32>Math.floor((z - h) * perCz), -nc);
        const c1 = min(<i32>Math.floor((z + h) * perCz), 2 * nc - 1);
        while (c0 <= c1) {
          const wc: i32 = c0 < 0 ? -1 : c0 >= nc ? 1 : 0;
          const runEnd = min(c1, (wc + 1) * nc - 1);
          const t0 = i32At(start, col + c0 - wc * nc), t1 = i32At(start, col + runEnd - wc * nc + 1);
          const rec = runs + (<usize>nr << 5);
          store<i32>(rec, t0);
          store<i32>(rec + 4, t1);
          store<f64>(rec + 8, x0);
          store<f64>(rec + 16, y0);
          store<f64>(rec + 24, zo - <f64>wc * lz);
          nr += <i32>(t0 < t1);
          c0 = runEnd + 1;
        }
      }
    }
    let k = 0;
    for (let r = 0; r < nr; r++) {
      const rec = runs + (<usize>r << 5);
      const t0 = load<i32>(rec), t1 = load<i32>(rec + 4);
      const x0 = v128.load64_splat(rec + 8), y0 = v128.load64_splat(rec + 16), z0 = v128.load64_splat(rec + 24);
      // Four at a time, every lane kept while under r_max, also the last group's lanes past the
      // run's end (t ≥ t1): being the last gathered, they are dropped after the loop by taking
      // back their count, which spares each group the masking (about a twentieth of the
      // kernel's instructions on the water benchmark).
      let t = t0, u = 0;
      for (; t < t1; t += 4) {
        const o = <usize>t << 3;
        const dxa = f64x2.sub(v128.load(bx + o), x0), dya = f64x2.sub(v128.load(by + o), y0), dza = f64x2.sub(v128.load(bz + o), z0);
        const dxb = f64x2.sub(v128.load(bx + o + 16), x0), dyb = f64x2.sub(v128.load(by + o + 16), y0), dzb = f64x2.sub(v128.load(bz + o + 16), z0);
        const d2a = f64x2.add(f64x2.add(f64x2.mul(dxa, dxa), f64x2.mul(dya, dya)), f64x2.mul(dza, dza));
        const d2b = f64x2.add(f64x2.add(f64x2.mul(dxb, dxb), f64x2.mul(dyb, dyb)), f64x2.mul(dzb, dzb));
        const ma = i64x2.bitmask(f64x2.lt(d2a, rr)), mb = i64x2.bitmask(f64x2.lt(d2b, rr));
        u = ma | (mb << 2);
        // Each vector's two lanes (kept as its mask m says): lane 0 at k, lane 1 after it when
        // lane 0 is kept, else in its place; (m + 1) >> 1 are kept. Fewer steps than lane by lane.
        const pa = near + (<usize>k << 3);
        v128.store_lane<f64>(pa, d2a, 0);
        v128.store_lane<f64>(pa + (<usize>(ma & 1) << 3), d2a, 1);
        k += (ma + 1) >> 1;
        const pb = near + (<usize>k << 3);
        v128.store_lane<f64>(pb, d2b, 0);
        v128.store_lane<f64>(pb + (<usize>(mb & 1) << 3), d2b, 1);
        k += (mb + 1) >> 1;
      }
      // The loop ran (t0 < t1): its last group began at t − 4, so its lanes from t1 − (t − 4) on are past the end.
      k -= <i32>popcnt(u >> (t1 - t + 4));
    }
    binNeighbours<T>(q, k, near, nearBins, counts, ion, stride, cnOfBin, cnLimit, invDr, mask, words, load<u8>(aInB + <usize>q) != 0);
  }
}

/* Per-ion counts of the cross search: 16-bit when B has fewer than 65 536 atoms, else 32-bit. */

export function crossWide16(
  na: i32, nb: i32, nc: i32, lx: f64, ly: f64, lz: f64, ox: f64, oy: f64, oz: f64, cut: f64,
  nA: i32, pos: usize, idxA: usize, aInB: usize,
  bx: usize, by: usize, bz: usize, start: usize, runs: usize,
  near: usize, nearBins: usize,
  counts: usize, ion: usize, stride: i32, cnOfBin: usize, cnLimit: i32, invDr: f64, mask: usize, words: i32,
): void {
  crossWide<u16>(na, nb, nc, lx, ly, lz, ox, oy, oz, cut, nA, pos, idxA, aInB, bx, by, bz, start, runs,
    near, nearBins, counts, ion, stride, cnOfBin, cnLimit, invDr, mask, words);
}

export function crossWide32(
  na: i32, nb: i32, nc: i32, lx: f64, ly: f64, lz: f64, ox: f64, oy: f64, oz: f64, cut: f64,
  nA: i32, pos: usize, idxA: usize, aInB: usize,
  bx: usize, by: usize, bz: usize, start: usize, runs: usize,
  near: usize, nearBins: usize,
  counts: usize, ion: usize, stride: i32, cnOfBin: usize, cnLimit: i32, invDr: f64, mask: usize, words: i32,
): void {
  crossWide<i32>(na, nb, nc, lx, ly, lz, ox, oy, oz, cut, nA, pos, idxA, aInB, bx, by, bz, start, runs,
    near, nearBins, counts, ion, stride, cnOfBin, cnLimit, invDr, mask, words);
}

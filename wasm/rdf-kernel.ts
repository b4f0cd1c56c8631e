/**
 * The g(r) pair kernel for a group with itself in an orthorhombic cell, compiled to WebAssembly
 * (AssemblyScript; `npm run build` writes dist/src/analysis/rdf-kernel.wasm). It is the
 * forward-half-stencil column search of RdfAccumulator.countPairsSelfStencil in
 * src/analysis/rdf.ts, with the same histogramming, on arrays that the caller places in this
 * module's memory (byte offsets below). Every distance is computed by the same float64
 * expression as there, so counts are bit for bit the same; here the per-run work (cell lookups,
 * floor, the loop exits) costs a few machine instructions instead of JavaScript's.
 */

/** Where the caller may start placing its arrays. */
export function heapBase(): usize {
  return __heap_base;
}

@inline function f64At(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
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
 * Squared distances under r_max from one atom (x0, y0 already shifted by the column's lattice
 * translation; z its height, zc its height above the cell's base) to the atoms of column `col`
 * from slot `first` on, over the z-range of half-height h, gathered into near/slots from k.
 */
@inline function gatherColumn(
  bx: usize, by: usize, bz: usize, start: usize, col: i32, nc: i32, perCz: f64, lz: f64,
  x0: f64, y0: f64, z: f64, zc: f64, h: f64, first: i32, rmax2: f64, near: usize, slots: usize, k: i32,
): i32 {
  let k0 = <i32>Math.floor((zc - h) * perCz);
  const k1 = <i32>Math.floor((zc + h) * perCz);
  while (k0 <= k1) {
    const wc: i32 = k0 < 0 ? -1 : k0 >= nc ? 1 : 0;
    const runEnd = min(k1, (wc + 1) * nc - 1);
    const r0 = i32At(start, col + k0 - wc * nc), t1 = i32At(start, col + runEnd - wc * nc + 1);
    const t0 = r0 > first ? r0 : first;
    const z0 = z - <f64>wc * lz;
    for (let t = t0; t < t1; t++) {
      const dx = f64At(bx, t) - x0, dy = f64At(by, t) - y0, dz = f64At(bz, t) - z0;
      const d2 = dx * dx + dy * dy + dz * dz;
      setF64(near, k, d2);
      setI32(slots, k, t);
      k += <i32>(d2 < rmax2);
    }
    k0 = runEnd + 1;
  }
  return k;
}

/** The histogram of countPairsSelfStencil's binPairs: each gathered pair is two ordered pairs and a neighbour of both atoms. */
@inline function binPairs(
  s: i32, k: i32, near: usize, slots: usize, nearBins: usize, partners: usize,
  counts: usize, ion: usize, stride: i32, cnOfBin: usize, cnLimit: i32, invDr: f64,
): void {
  let m = 0;
  for (let j = 0; j < k; j++) {
    const bin = <i32>(Math.sqrt(f64At(near, j)) * invDr);
    setI32(counts, bin, i32At(counts, bin) + 2);
    setI32(nearBins, m, bin);
    setI32(partners, m, i32At(slots, j));
    m += <i32>(bin < cnLimit);
  }
  const row = s * stride;
  for (let j = 0; j < m; j++) {
    const c = i32At(cnOfBin, i32At(nearBins, j));
    setI32(ion, row + c, i32At(ion, row + c) + 1);
    const r = i32At(partners, j) * stride + c;
    setI32(ion, r, i32At(ion, r) + 1);
  }
}

/**
 * One frame of the self stencil search (see countPairsSelfStencil): the grid (na × nb × nc
 * cells, atoms in cell order at bx/by/bz, cell c's atoms in slots start[c] … start[c+1]), the
 * forward half-stencil `sten` (ns entries of da, db, h), scratch for its per-column bases and
 * shifts, the gather buffers, and the outputs: counts (int32 per g(r) bin) and the per-slot
 * coordination rows `ion` (stride int32 each), both added to.
 */
export function selfStencil(
  na: i32, nb: i32, nc: i32, lx: f64, ly: f64, lz: f64, oz: f64, cut: f64, pairGap: f64,
  bx: usize, by: usize, bz: usize, start: usize,
  sten: usize, ns: i32, base: usize, sx: usize, sy: usize,
  near: usize, slots: usize, near2: usize, slots2: usize, nearBins: usize, partners: usize,
  counts: usize, ion: usize, stride: i32, cnOfBin: usize, cnLimit: i32, invDr: f64,
): void {
  const rmax2 = cut * cut;
  const perCz = <f64>nc / lz;
  const rr = f64x2.splat(rmax2);
  for (let ia = 0; ia < na; ia++) {
    for (let ib = 0; ib < nb; ib++) {
      const own = (ia * nb + ib) * nc;
      const p0 = i32At(start, own), p1 = i32At(start, own + nc);
      if (p0 == p1) continue;
      for (let e = 0; e < ns; e++) {
        const ka = ia + <i32>f64At(sten, 3 * e), kb = ib + <i32>f64At(sten, 3 * e + 1);
        const wa: i32 = ka >= na ? 1 : 0, wb: i32 = kb < 0 ? -1 : kb >= nb ? 1 : 0;
        setI32(base, e, ((ka - wa * na) * nb + kb - wb * nb) * nc);
        setF64(sx, e, <f64>wa * lx);
        setF64(sy, e, <f64>wb * ly);
      }
      for (let s = p0; s < p1; ) {
        const x = f64At(bx, s), y = f64At(by, s), z = f64At(bz, s);
        const zc = z - oz;
        let k = gatherColumn(bx, by, bz, start, own, nc, perCz, lz, x, y, z, zc, cut, s + 1, rmax2, near, slots, 0);
        const u = s + 1;
        if (u < p1 && Math.abs(f64At(bz, u) - z) < pairGap) {
          const xu = f64At(bx, u), yu = f64At(by, u), zu = f64At(bz, u), zuc = zu - oz;
          let ku = gatherColumn(bx, by, bz, start, own, nc, perCz, lz, xu, yu, zu, zuc, cut, u + 1, rmax2, near2, slots2, 0);
          for (let e = 0; e < ns; e++) {
            const h = f64At(sten, 3 * e + 2);
            const col = i32At(base, e);
            const sxe = f64At(sx, e), sye = f64At(sy, e);
            // Lane 0 is atom s, lane 1 atom u: each lane's distance is the scalar expression's.
            const x0 = f64x2(x - sxe, xu - sxe), y0 = f64x2(y - sye, yu - sye);
            let k0 = <i32>Math.floor(((zc < zuc ? zc : zuc) - h) * perCz);
            const k1 = <i32>Math.floor(((zc > zuc ? zc : zuc) + h) * perCz);
            while (k0 <= k1) {
              const wc: i32 = k0 < 0 ? -1 : k0 >= nc ? 1 : 0;
              const runEnd = min(k1, (wc + 1) * nc - 1);
              const t0 = i32At(start, col + k0 - wc * nc), t1 = i32At(start, col + runEnd - wc * nc + 1);
              const z0 = f64x2(z - <f64>wc * lz, zu - <f64>wc * lz);
              for (let t = t0; t < t1; t++) {
                const o = <usize>t << 3;
                const dx = f64x2.sub(v128.load64_splat(bx + o), x0);
                const dy = f64x2.sub(v128.load64_splat(by + o), y0);
                const dz = f64x2.sub(v128.load64_splat(bz + o), z0);
                const d2 = f64x2.add(f64x2.add(f64x2.mul(dx, dx), f64x2.mul(dy, dy)), f64x2.mul(dz, dz));
                const under = i64x2.bitmask(f64x2.lt(d2, rr));
                v128.store_lane<f64>(near + (<usize>k << 3), d2, 0);
                setI32(slots, k, t);
                k += under & 1;
                v128.store_lane<f64>(near2 + (<usize>ku << 3), d2, 1);
                setI32(slots2, ku, t);
                ku += under >> 1;
              }
              k0 = runEnd + 1;
            }
          }
          binPairs(s, k, near, slots, nearBins, partners, counts, ion, stride, cnOfBin, cnLimit, invDr);
          binPairs(u, ku, near2, slots2, nearBins, partners, counts, ion, stride, cnOfBin, cnLimit, invDr);
          s += 2;
          continue;
        }
        for (let e = 0; e < ns; e++) {
          k = gatherColumn(bx, by, bz, start, i32At(base, e), nc, perCz, lz, x - f64At(sx, e), y - f64At(sy, e), z, zc, f64At(sten, 3 * e + 2), 0, rmax2, near, slots, k);
        }
        binPairs(s, k, near, slots, nearBins, partners, counts, ion, stride, cnOfBin, cnLimit, invDr);
        s++;
      }
    }
  }
}

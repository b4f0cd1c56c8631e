/**
 * The FFT sums of the MSD over a block of particles, compiled to WebAssembly (AssemblyScript;
 * `npm run build` writes dist/src/analysis/msd-fft.wasm, which src/analysis/msd-wasm.ts loads,
 * giving it an imported memory). It computes what stepMsdSums of src/analysis/msd.ts computes
 * with SeriesMsdSum (src/analysis/fft-msd.ts), the specification: per axis, the sum over
 * particles of MSD(m) = S1(m) − 2·S2(m), S1 by the running sum of squares and S2 by the
 * autocorrelation of the zero-padded, centred series (Calandrini et al., J. Chim. Phys. 2011),
 * here with its own transform, so it agrees to rounding, not bit for bit.
 *
 * The transform is a complex radix-2/4 decimation in frequency (natural order in, bit-reversed
 * out), one complex number per f64x2 vector. Two particles' series of one axis share a transform
 * as its real and imaginary parts, z = x₁ + i·x₂. What is summed needs no unpacking and no
 * reordering: Σ_k |X₁(k)|² e^{iθk} + Σ_k |X₂(k)|² e^{iθk} = Re Σ_k |Z(k)|² e^{iθk} (|X₁|² + |X₂|²
 * is the even part of |Z|², and a real sequence's odd part transforms to an imaginary one), so
 * |Z|² is summed where the transform leaves it, in bit-reversed order, and only the sum is put
 * back in order once per axis and transformed again.
 *
 * Arrays are at byte offsets the caller chooses in the memory it gives the module:
 *   tw       3N/4 twiddles e^{−2πij/N}, 32 bytes each: (cos, cos, −sin, sin) — see cmul
 *   rev      N i32: bit reversal of log2 N bits
 *   z        N complex (f64x2): the transform's buffer
 *   power    3 × N f64: Σ |Z|² per axis, bit-reversed order
 *   squares  3 × frames f64: Σ x(k)² of the centred series per axis (S1 is made of them)
 *   out      3 × frames f64: the sums
 *   drift    3 × frames f64: the reference point's position per frame, when subtracted
 *   steps    frames × width f32 or f64: the block's steps (row 0 zero, row t the step into frame t)
 */

/** Where the caller may start placing its arrays. */
export function heapBase(): usize {
  return __heap_base;
}

/** The twiddles (3n/4: a radix-4 step reaches w³) and the bit-reversal table of a transform of n points (a power of two ≥ 8). */
export function prepare(n: i32, tw: usize, rev: usize): void {
  const count = (3 * n) >> 2;
  for (let j = 0; j < count; j++) {
    const a = (-2.0 * Math.PI * <f64>j) / <f64>n;
    const c = Math.cos(a), s = Math.sin(a);
    const p = tw + (<usize>j << 5);
    store<f64>(p, c);
    store<f64>(p, c, 8);
    store<f64>(p, -s, 16);
    store<f64>(p, s, 24);
  }
  const bits = 31 - clz<i32>(n);
  store<i32>(rev, 0);
  for (let i = 1; i < n; i++) store<i32>(rev + (<usize>i << 2), (load<i32>(rev + (<usize>(i >> 1) << 2)) >> 1) | ((i & 1) << (bits - 1)));
}

/** t·w for t = (re, im) and a twiddle stored as (wr, wr, −wi, wi). */
@inline function cmul(t: v128, tw: usize): v128 {
  return f64x2.add(f64x2.mul(t, v128.load(tw)), f64x2.mul(v128.shuffle<f64>(t, t, 1, 0), v128.load(tw, 16)));
}

/** t·(−i) for t = (re, im): (im, −re). */
@inline function timesMinusI(t: v128): v128 {
  return f64x2.mul(v128.shuffle<f64>(t, t, 1, 0), f64x2(1, -1));
}

@inline function zAt(z: usize, i: i32): usize {
  return z + (<usize>i << 4);
}

/** The sum of a vector's two lanes. */
@inline function lanes(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/**
 * The stages of half-size n/4 down to 4 of the transform of n points in z (the first and the
 * last two are apart), two at a time where they can be: a radix-4 step is the radix-2 stages of
 * half-sizes 2q and q fused, with twiddles w = e^{−iπj/2q}, w² and w³ (w at j + q is −i·w),
 * half the loads and stores and three products for four.
 */
function middleStages(z: usize, n: i32, tw: usize): void {
  const end = zAt(z, n);
  let h = n >> 2;
  for (; h >= 8; h >>= 2) {
    const q = h >> 1;
    const qb = <usize>q << 4;
    // Bytes between the twiddles of consecutive j: index j·n/2h.
    const step = <usize>(n / h) << 4;
    for (let g = z; g < end; g += qb << 2) {
      let w1 = tw, w2 = tw, w3 = tw;
      for (let p = g, last = g + qb; p < last; p += 16) {
        const a0 = v128.load(p), a1 = v128.load(p + qb), a2 = v128.load(p + 2 * qb), a3 = v128.load(p + 3 * qb);
        const t0 = f64x2.add(a0, a2), t1 = f64x2.sub(a0, a2);
        const t2 = f64x2.add(a1, a3), t3 = timesMinusI(f64x2.sub(a1, a3));
        v128.store(p, f64x2.add(t0, t2));
        v128.store(p + qb, cmul(f64x2.sub(t0, t2), w2));
        v128.store(p + 2 * qb, cmul(f64x2.add(t1, t3), w1));
        v128.store(p + 3 * qb, cmul(f64x2.sub(t1, t3), w3));
        w1 += step;
        w2 += step << 1;
        w3 += step * 3;
      }
    }
  }
  if (h == 4) {
    // One radix-2 stage left: twiddle index j·n/8.
    const step = <usize>n << 2;
    for (let g = z; g < end; g += 128) {
      let w = tw;
      for (let pa = g, last = g + 64; pa < last; pa += 16) {
        const a = v128.load(pa), b = v128.load(pa + 64);
        v128.store(pa, f64x2.add(a, b));
        v128.store(pa + 64, cmul(f64x2.sub(a, b), w));
        w += step;
      }
    }
  }
}

/**
 * The last two stages (half-sizes 2 and 1, twiddles 1 and −i: no products) of the transform of
 * n points in z, four points at a time; toPower: |Z|² of the results added to power[0…n)
 * instead of the results stored.
 */
@inline function lastStages(z: usize, n: i32, toPower: bool, power: usize): void {
  for (let g = 0; g < n; g += 4) {
    const p = zAt(z, g);
    const a0 = v128.load(p), a1 = v128.load(p, 16), a2 = v128.load(p, 32), a3 = v128.load(p, 48);
    const b0 = f64x2.add(a0, a2), b2 = f64x2.sub(a0, a2);
    const b1 = f64x2.add(a1, a3), b3 = timesMinusI(f64x2.sub(a1, a3));
    const c0 = f64x2.add(b0, b1), c1 = f64x2.sub(b0, b1), c2 = f64x2.add(b2, b3), c3 = f64x2.sub(b2, b3);
    if (toPower) {
      const s0 = f64x2.mul(c0, c0), s1 = f64x2.mul(c1, c1), s2 = f64x2.mul(c2, c2), s3 = f64x2.mul(c3, c3);
      // (|c0|², |c1|²) and (|c2|², |c3|²)
      const q = power + (<usize>g << 3);
      v128.store(q, f64x2.add(v128.load(q), f64x2.add(v128.shuffle<f64>(s0, s1, 0, 2), v128.shuffle<f64>(s0, s1, 1, 3))));
      v128.store(q, f64x2.add(v128.load(q, 16), f64x2.add(v128.shuffle<f64>(s2, s3, 0, 2), v128.shuffle<f64>(s2, s3, 1, 3))), 16);
    } else {
      v128.store(p, c0);
      v128.store(p, c1, 16);
      v128.store(p, c2, 32);
      v128.store(p, c3, 48);
    }
  }
}

/**
 * Position of one particle's coordinate at frame k: the sum of its steps up to k, as the
 * specification rebuilds it (float64, step by step), less the reference point's motion.
 */
@inline function stepAt<T>(steps: usize, i: i32): f64 {
  return <f64>load<T>(steps + (<usize>i << alignof<T>()));
}

/** The steps of columns c1 and c2 in a row (at `row`) as an f64x2. */
@inline function stepPair<T>(row: usize, c1: usize, c2: usize): v128 {
  if (sizeof<T>() == 8) return f64x2.replace_lane(v128.load64_splat(row + c1), 1, load<f64>(row + c2));
  return f64x2.promote_low_f32x4(f32x4.replace_lane(v128.load32_splat(row + c1), 1, load<f32>(row + c2)));
}

/**
 * Writes the pair of series (columns c1 and c2 of the block's steps, rebuilt into positions)
 * into z as x₁ + i·x₂ and returns their means.
 */
@inline function gatherPair<T>(steps: usize, width: i32, frames: i32, c1: i32, c2: i32, drift: usize, axis: i32, z: usize): v128 {
  const rowBytes = <usize>width << alignof<T>();
  const o1 = <usize>c1 << alignof<T>(), o2 = <usize>c2 << alignof<T>();
  const end = zAt(z, frames);
  let x = f64x2.splat(0);
  let sum = x;
  let row = steps;
  v128.store(z, x);
  if (drift) {
    const d0 = f64x2.splat(load<f64>(drift + (<usize>axis << 3)));
    let d = drift + (<usize>axis << 3);
    for (let p = z + 16; p < end; p += 16) {
      row += rowBytes;
      d += 24;
      x = f64x2.add(x, stepPair<T>(row, o1, o2));
      const v = f64x2.sub(x, f64x2.sub(v128.load64_splat(d), d0));
      v128.store(p, v);
      sum = f64x2.add(sum, v);
    }
  } else {
    for (let p = z + 16; p < end; p += 16) {
      row += rowBytes;
      x = f64x2.add(x, stepPair<T>(row, o1, o2));
      v128.store(p, x);
      sum = f64x2.add(sum, x);
    }
  }
  return f64x2.div(sum, f64x2.splat(<f64>frames));
}

/**
 * The transform of the n points of z whose first `frames` (≤ n/2) are the pair of series less
 * `mean` (and where `keep` is zero, zero) and the rest zero, its |Z|² added to power; the
 * squares of the centred series added to squares[0…frames) (S1 is made of them in finish).
 */
function transformPair(z: usize, n: i32, frames: i32, mean: v128, keep: v128, tw: usize, power: usize, squares: usize): void {
  const h = n >> 1;
  const hb = <usize>h << 4;
  const end = zAt(z, frames);
  // The first stage, whose second inputs are all zero, centres the series as it goes.
  let w = tw, q = squares;
  for (let p = z; p < end; p += 16) {
    const c = v128.and(f64x2.sub(v128.load(p), mean), keep);
    v128.store(p, c);
    v128.store(p + hb, cmul(c, w));
    store<f64>(q, load<f64>(q) + lanes(f64x2.mul(c, c)));
    w += 32;
    q += 8;
  }
  memory.fill(end, 0, <usize>(h - frames) << 4);
  memory.fill(end + hb, 0, <usize>(h - frames) << 4);
  middleStages(z, n, tw);
  lastStages(z, n, true, power);
}

/**
 * Adds a block of `count` particles (width = 3·count columns of steps, frames rows; f32: the
 * steps are f32, else f64) to the per-axis sums of the transform of n points (a power of two
 * ≥ 8 and ≥ 2·frames): their power spectra to power, the squares of their centred series to
 * squares. drift: 0, or 3 × frames positions to subtract.
 */
export function addBlock(steps: usize, f32: bool, count: i32, frames: i32, drift: usize, n: i32, tw: usize, z: usize, power: usize, squares: usize): void {
  const width = 3 * count;
  const both = i64x2.splat(-1), first = i64x2(-1, 0);
  for (let q = 0; q < count; q += 2) {
    for (let axis = 0; axis < 3; axis++) {
      // A particle without a partner is read twice and its second copy masked off.
      const two = q + 1 < count;
      const c1 = 3 * q + axis, c2 = two ? c1 + 3 : c1;
      const mean = f32 ? gatherPair<f32>(steps, width, frames, c1, c2, drift, axis, z) : gatherPair<f64>(steps, width, frames, c1, c2, drift, axis, z);
      transformPair(z, n, frames, mean, two ? both : first, tw, power + (<usize>(axis * n) << 3), squares + (<usize>(axis * frames) << 3));
    }
  }
}

/**
 * The sums, into out (3 × frames): for each axis, Σ MSD(m) = (Σ S1(m) − 2·Σ S2(m))/(frames − m).
 * S1(m)·(frames − m) = Σ_k [x(k)² + x(k+m)²] is 2·Σ x² less one square off each end per lag; the
 * autocorrelation sum is the inverse transform of the summed power: the power, put back in
 * natural order, transformed forward (its real part is the same for a real input).
 */
export function finish(frames: i32, n: i32, tw: usize, rev: usize, z: usize, power: usize, squares: usize, out: usize): void {
  const scale = 2.0 / <f64>n;
  const h = n >> 1;
  for (let axis = 0; axis < 3; axis++) {
    const pw = power + (<usize>(axis * n) << 3);
    for (let k = 0; k < n; k++) {
      v128.store(zAt(z, k), f64x2.replace_lane(f64x2.splat(0), 0, load<f64>(pw + (<usize>load<i32>(rev + (<usize>k << 2)) << 3))));
    }
    for (let j = 0; j < h; j++) {
      const pa = zAt(z, j), pb = zAt(z, j + h);
      const a = v128.load(pa), b = v128.load(pb);
      v128.store(pa, f64x2.add(a, b));
      v128.store(pb, cmul(f64x2.sub(a, b), tw + (<usize>j << 5)));
    }
    middleStages(z, n, tw);
    lastStages(z, n, false, 0);
    const sq = squares + (<usize>(axis * frames) << 3), o = out + (<usize>(axis * frames) << 3);
    let total = 0.0;
    for (let k = 0; k < frames; k++) total += load<f64>(sq + (<usize>k << 3));
    total *= 2;
    for (let m = 0; m < frames; m++) {
      if (m > 0) total -= load<f64>(sq + (<usize>(m - 1) << 3)) + load<f64>(sq + (<usize>(frames - m) << 3));
      const corr = load<f64>(zAt(z, load<i32>(rev + (<usize>m << 2))));
      store<f64>(o + (<usize>m << 3), (total - scale * corr) / <f64>(frames - m));
    }
  }
}

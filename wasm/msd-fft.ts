/**
 * The FFT sums of the MSD over a block of particles, compiled to WebAssembly (AssemblyScript;
 * `npm run build` writes dist/src/analysis/msd-fft.wasm, which src/analysis/msd-wasm.ts loads,
 * giving it an imported memory). It computes what stepMsdSums of src/analysis/msd.ts computes
 * with SeriesMsdSum (src/analysis/fft-msd.ts), the specification: per axis, the sum over
 * particles of MSD(m) = S1(m) − 2·S2(m), S1 by the running sum of squares and S2 by the
 * autocorrelation of the zero-padded, centred series (Calandrini et al., J. Chim. Phys. 2011),
 * here with its own transform, so it agrees to rounding, not bit for bit.
 *
 * The transform is a complex radix-2 decimation in frequency (natural order in, bit-reversed
 * out), one complex number per f64x2 vector. Two particles' series of one axis share a transform
 * as its real and imaginary parts, z = x₁ + i·x₂. What is summed needs no unpacking and no
 * reordering: Σ_k |X₁(k)|² e^{iθk} + Σ_k |X₂(k)|² e^{iθk} = Re Σ_k |Z(k)|² e^{iθk} (|X₁|² + |X₂|²
 * is the even part of |Z|², and a real sequence's odd part transforms to an imaginary one), so
 * |Z|² is summed where the transform leaves it, in bit-reversed order, and only the sum is put
 * back in order once per axis and transformed again.
 *
 * Arrays are at byte offsets the caller chooses in the memory it gives the module:
 *   tw     N/2 twiddles e^{−2πij/N}, 32 bytes each: (cos, cos, −sin, sin) — see cmul
 *   rev    N i32: bit reversal of log2 N bits
 *   z      N complex (f64x2): the transform's buffer
 *   power  3 × N f64: Σ |Z|² per axis, bit-reversed order
 *   s1     3 × frames f64: Σ S1(m)·(N − m) per axis, then the result
 *   drift  3 × frames f64: the reference point's position per frame, when subtracted
 *   steps  frames × width f32 or f64: the block's steps (row 0 zero, row t the step into frame t)
 */

/** Where the caller may start placing its arrays. */
export function heapBase(): usize {
  return __heap_base;
}

/** The twiddles and the bit-reversal table of a transform of n points (a power of two ≥ 4). */
export function prepare(n: i32, tw: usize, rev: usize): void {
  const half = n >> 1;
  for (let j = 0; j < half; j++) {
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

@inline function zAt(z: usize, i: i32): usize {
  return z + (<usize>i << 4);
}

/**
 * The stages of the transform of n points in z after the first (half-size n/4 down to 1):
 * the first differs with the input (see transformPadded, transformFull).
 */
function laterStages(z: usize, n: i32, tw: usize): void {
  let shift = 1;
  for (let h = n >> 2; h >= 2; h >>= 1) {
    for (let g = 0; g < n; g += h << 1) {
      for (let j = 0; j < h; j++) {
        const pa = zAt(z, g + j), pb = zAt(z, g + j + h);
        const a = v128.load(pa), b = v128.load(pb);
        v128.store(pa, f64x2.add(a, b));
        v128.store(pb, cmul(f64x2.sub(a, b), tw + (<usize>(j << shift) << 5)));
      }
    }
    shift++;
  }
  // Half-size 1: the twiddle is 1.
  for (let g = 0; g < n; g += 2) {
    const pa = zAt(z, g), pb = zAt(z, g + 1);
    const a = v128.load(pa), b = v128.load(pb);
    v128.store(pa, f64x2.add(a, b));
    v128.store(pb, f64x2.sub(a, b));
  }
}

/** The transform of n points of which only the first `len` (≤ n/2) may be nonzero; those beyond `len` need not be cleared. */
function transformPadded(z: usize, n: i32, len: i32, tw: usize): void {
  const h = n >> 1;
  // The first stage's second inputs are all zero.
  for (let j = 0; j < len; j++) v128.store(zAt(z, j + h), cmul(v128.load(zAt(z, j)), tw + (<usize>j << 5)));
  memory.fill(zAt(z, len), 0, <usize>(h - len) << 4);
  memory.fill(zAt(z, h + len), 0, <usize>(h - len) << 4);
  laterStages(z, n, tw);
}

/** The transform of n points. */
function transformFull(z: usize, n: i32, tw: usize): void {
  const h = n >> 1;
  for (let j = 0; j < h; j++) {
    const pa = zAt(z, j), pb = zAt(z, j + h);
    const a = v128.load(pa), b = v128.load(pb);
    v128.store(pa, f64x2.add(a, b));
    v128.store(pb, cmul(f64x2.sub(a, b), tw + (<usize>j << 5)));
  }
  laterStages(z, n, tw);
}

/**
 * Position of one particle's coordinate at frame k: the sum of its steps up to k, as the
 * specification rebuilds it (float64, step by step), less the reference point's motion.
 */
@inline function stepAt<T>(steps: usize, i: i32): f64 {
  return <f64>load<T>(steps + (<usize>i << alignof<T>()));
}

/**
 * Writes the pair of series (columns c1 and c2 of the block's steps, rebuilt into positions and
 * centred) into z as x₁ + i·x₂ and adds their S1 terms into s1; c2 < 0: x₂ is zero.
 */
function gatherPair<T>(steps: usize, width: i32, frames: i32, c1: i32, c2: i32, drift: usize, axis: i32, z: usize, s1: usize): void {
  const two = c2 >= 0;
  const d = two ? c2 : c1;
  let x1 = 0.0, x2 = 0.0;
  let sum = f64x2.splat(0);
  const d0 = drift ? load<f64>(drift + (<usize>axis << 3)) : 0.0;
  for (let k = 0; k < frames; k++) {
    if (k > 0) {
      const row = k * width;
      x1 += stepAt<T>(steps, row + c1);
      x2 += stepAt<T>(steps, row + d);
    }
    let v = f64x2.replace_lane(f64x2.splat(x1), 1, x2);
    if (drift) v = f64x2.sub(v, f64x2.splat(load<f64>(drift + (<usize>(3 * k + axis) << 3)) - d0));
    if (!two) v = f64x2.replace_lane(v, 1, 0.0);
    v128.store(zAt(z, k), v);
    sum = f64x2.add(sum, v);
  }
  const mean = f64x2.div(sum, f64x2.splat(<f64>frames));
  let q = f64x2.splat(0);
  for (let k = 0; k < frames; k++) {
    const p = zAt(z, k);
    const c = f64x2.sub(v128.load(p), mean);
    v128.store(p, c);
    q = f64x2.add(q, f64x2.mul(f64x2.splat(2), f64x2.mul(c, c)));
  }
  // S1: a running sum of squares, one term off each end per lag.
  for (let m = 0; m < frames; m++) {
    if (m > 0) {
      const head = v128.load(zAt(z, m - 1)), tail = v128.load(zAt(z, frames - m));
      q = f64x2.sub(q, f64x2.add(f64x2.mul(head, head), f64x2.mul(tail, tail)));
    }
    const p = s1 + (<usize>m << 3);
    store<f64>(p, load<f64>(p) + f64x2.extract_lane(q, 0) + f64x2.extract_lane(q, 1));
  }
}

/** power[i] += |z[i]|², i < n. */
function addPower(z: usize, n: i32, power: usize): void {
  for (let i = 0; i < n; i += 2) {
    const a = v128.load(zAt(z, i)), b = v128.load(zAt(z, i + 1));
    const a2 = f64x2.mul(a, a), b2 = f64x2.mul(b, b);
    // (|z_i|², |z_{i+1}|²)
    const s = f64x2.add(v128.shuffle<f64>(a2, b2, 0, 2), v128.shuffle<f64>(a2, b2, 1, 3));
    const p = power + (<usize>i << 3);
    v128.store(p, f64x2.add(v128.load(p), s));
  }
}

/**
 * Adds a block of `count` particles (width = 3·count columns of steps, frames rows; f32: the
 * steps are f32, else f64) to the per-axis sums of the transform of n points: their S1 terms
 * to s1, their power spectra to power. drift: 0, or 3 × frames positions to subtract.
 */
export function addBlock(steps: usize, f32: bool, count: i32, frames: i32, drift: usize, n: i32, tw: usize, z: usize, power: usize, s1: usize): void {
  const width = 3 * count;
  for (let q = 0; q < count; q += 2) {
    for (let axis = 0; axis < 3; axis++) {
      const c1 = 3 * q + axis, c2 = q + 1 < count ? c1 + 3 : -1;
      const s1a = s1 + (<usize>(axis * frames) << 3);
      if (f32) gatherPair<f32>(steps, width, frames, c1, c2, drift, axis, z, s1a);
      else gatherPair<f64>(steps, width, frames, c1, c2, drift, axis, z, s1a);
      transformPadded(z, n, frames, tw);
      addPower(z, n, power + (<usize>(axis * n) << 3));
    }
  }
}

/**
 * The sums: for each axis, Σ MSD(m) = (Σ S1(m) − 2·Σ S2(m))/(frames − m) written over s1, where
 * the autocorrelation sum is the inverse transform of the summed power: the power put back in
 * natural order is transformed forward (its real part is the same for a real input).
 */
export function finish(frames: i32, n: i32, tw: usize, rev: usize, z: usize, power: usize, s1: usize): void {
  const scale = 2.0 / <f64>n;
  for (let axis = 0; axis < 3; axis++) {
    const pw = power + (<usize>(axis * n) << 3);
    for (let k = 0; k < n; k++) {
      v128.store(zAt(z, k), f64x2.replace_lane(f64x2.splat(0), 0, load<f64>(pw + (<usize>load<i32>(rev + (<usize>k << 2)) << 3))));
    }
    transformFull(z, n, tw);
    const s1a = s1 + (<usize>(axis * frames) << 3);
    for (let m = 0; m < frames; m++) {
      const corr = load<f64>(zAt(z, load<i32>(rev + (<usize>m << 2))));
      const p = s1a + (<usize>m << 3);
      store<f64>(p, (load<f64>(p) - scale * corr) / <f64>(frames - m));
    }
  }
}

/**
 * Line feeds found 16 bytes at a time (WebAssembly SIMD), for the text parsers of wasm/ (each
 * module compiles its own copy).
 */

/**
 * The first line feed at or after p, 16 bytes at a time, if it lies before end; else a position
 * at or past end (which callers take as "none"). Reads up to 15 bytes past end.
 */
@inline export function lineFeed(p: usize, end: usize): usize {
  const lf = i8x16.splat(10);
  while (p < end) {
    const bits = i8x16.bitmask(i8x16.eq(v128.load(p), lf));
    if (bits != 0) return p + <usize>ctz(bits);
    p += 16;
  }
  return end;
}

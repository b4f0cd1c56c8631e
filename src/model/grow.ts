type Growable = Float64Array | Int32Array | Uint8Array;

/**
 * Growable storage: `a` itself when it holds `need` elements, otherwise a larger array (at
 * least twice the size, so that appending costs amortised O(1)) holding the first `used`
 * elements of `a`. Buffers stay Buffers (allocated uninitialised: only `used` is valid).
 */
export function withRoom<T extends Growable>(a: T, used: number, need: number): T {
  if (need <= a.length) return a;
  const size = Math.max(need, 2 * a.length);
  const bigger = (Buffer.isBuffer(a) ? Buffer.allocUnsafe(size) : new (a.constructor as new (n: number) => T)(size)) as T;
  bigger.set(a.subarray(0, used));
  return bigger;
}

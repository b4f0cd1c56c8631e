/**
 * A long loop in this thread must let the event loop run now and then — for the pool's
 * messages, for progress and for Ctrl-C. Returns true when it did (every `ms`).
 */
export function breather(ms = 20): () => Promise<boolean> {
  let last = performance.now();
  return async () => {
    const now = performance.now();
    if (now - last < ms) return false;
    last = now;
    await new Promise((r) => setImmediate(r));
    return true;
  };
}

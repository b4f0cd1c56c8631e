/**
 * A fixed amount of pure arithmetic (the distance loop of a pair search over data that fits in
 * cache), for measuring what two threads can give on this machine at the moment: run alone, then
 * two copies at once. On a shared virtual machine the two cores are not always two whole cores.
 */
const n = 1 << 16;
const rnd = (() => {
  let s = 12345;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
})();
const x = new Float64Array(n).map(rnd), y = new Float64Array(n).map(rnd), z = new Float64Array(n).map(rnd);
const near = new Float64Array(n + 1);

function gather(x0: number, y0: number, z0: number, r2: number): number {
  let k = 0;
  for (let s = 0; s < n; s++) {
    const dx = x[s] - x0, dy = y[s] - y0, dz = z[s] - z0;
    const d2 = dx * dx + dy * dy + dz * dz;
    near[k] = d2;
    k += +(d2 < r2);
  }
  return k;
}

let total = 0;
for (let i = 0; i < 15_000; i++) total += gather(0.5, 0.5, 0.5, 0.3);
process.stdout.write(`${total}\n`);

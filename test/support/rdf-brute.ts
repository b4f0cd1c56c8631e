import { MAX_CN } from '../../src/analysis/rdf.js';

/** Every distance under r_max from atom i to the other atoms of `group` (minimum image, orthorhombic). */
export function neighbourDistances(pos: Float64Array, i: number, group: Int32Array, l: number[], rmax: number): number[] {
  const r: number[] = [];
  for (const j of group) {
    if (j === i) continue;
    let d2 = 0;
    for (let d = 0; d < 3; d++) {
      let x = pos[3 * j + d] - pos[3 * i + d];
      x -= Math.round(x / l[d]) * l[d];
      d2 += x * x;
    }
    if (d2 < rmax * rmax) r.push(Math.sqrt(d2));
  }
  return r;
}

/** Pair histogram and per-ion coordination histogram of a group with itself, frame by frame, by brute force. */
export function bruteRdf(frames: Float64Array[], group: Int32Array, l: number[], rmax: number, bins: number, cnStep: number, cnBins: number) {
  const counts = new Float64Array(bins);
  const cnHist = new Float64Array(cnBins * (MAX_CN + 1));
  for (const pos of frames) {
    for (const i of group) {
      const binsOf = neighbourDistances(pos, i, group, l, rmax).map((d) => Math.floor((d * bins) / rmax));
      for (const b of binsOf) counts[b]++;
      for (let c = 0; c < cnBins; c++) {
        const k = binsOf.filter((b) => b < (c + 1) * cnStep).length;
        cnHist[c * (MAX_CN + 1) + Math.min(k, MAX_CN)]++;
      }
    }
  }
  return { counts, cnHist };
}

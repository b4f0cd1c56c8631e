/**
 * `node dist/bench/kernel.js DUMP [FRAMES] [SEL_A] [SEL_B] [RMAX] [BINS]`: the g(r) kernel alone —
 * frames read once into memory, then folded into an RdfAccumulator again and again — so that
 * kernel changes are measured without parsing (CPU ms per frame, median of 5 passes). KERNEL=stencil|js|slots|ordered
 * picks the kernel for a group with itself: stencil (the WebAssembly build when it is there,
 * MDPOST_KERNEL=js turns it off), js (its JavaScript counterpart), slots, ordered.
 *
 * BASELINE=…/dist/src/analysis/rdf.js (another build's module): instead, fold every frame into
 * this build's accumulator and the baseline's, alternately and in the same process, and report
 * the median CPU ms per frame of each, the median of the per-frame ratios and whether the two
 * states are equal bit for bit. On a shared machine whose speed drifts by 2× within a minute,
 * only such interleaved runs resolve changes of 10%; separate processes do not.
 */
import { TrajectoryReader } from '../src/io/reader.js';
import { RdfAccumulator } from '../src/analysis/rdf.js';
import type { Frame } from '../src/model/frame.js';

const [path, nFrames = '10', selA = '1', selB = '1', rmax = '10', bins = '500'] = process.argv.slice(2);
const reader = await TrajectoryReader.open(path);
const frames: Frame[] = [];
for await (const f of reader.frames()) {
  frames.push({ ...f, positions: f.positions.slice() });
  if (frames.length >= Number(nFrames)) break;
}
const types = reader.topology!.types!;
const group = (t: string) => Int32Array.from(Array.from(types).flatMap((x, i) => (x === Number(t) ? [i] : [])));
/** Which kernel: stencil (the default for a group with itself), js (the stencil kernel in JavaScript), slots, or ordered (every ordered pair). */
const mode = process.env.KERNEL ?? 'stencil';
const a = group(selA), b = group(selB);
const baseline = process.env.BASELINE;
if (baseline) {
  const Base = ((await import(baseline)) as { RdfAccumulator: typeof RdfAccumulator }).RdfAccumulator;
  const ours = new RdfAccumulator(a, b, Number(rmax), Number(bins));
  const theirs = new Base(a, b, Number(rmax), Number(bins));
  const cpuMs = (fold: () => void) => {
    const t0 = process.cpuUsage();
    fold();
    const used = process.cpuUsage(t0);
    return (used.user + used.system) / 1000;
  };
  const oursMs: number[] = [], theirsMs: number[] = [], ratios: number[] = [];
  for (let pass = 0; pass < 8; pass++) {
    for (const f of frames) {
      // Which goes first alternates by pass; the first two passes warm up.
      const first = pass % 2 ? cpuMs(() => ours.add(f.positions, f.box!)) : cpuMs(() => theirs.add(f.positions, f.box!));
      const second = pass % 2 ? cpuMs(() => theirs.add(f.positions, f.box!)) : cpuMs(() => ours.add(f.positions, f.box!));
      const [o, t] = pass % 2 ? [first, second] : [second, first];
      if (pass < 2) continue;
      oursMs.push(o);
      theirsMs.push(t);
      ratios.push(t / o);
    }
  }
  const median = (v: number[]) => [...v].sort((x, y) => x - y)[v.length >> 1];
  const equal = (x: Float64Array, y: Float64Array) => x.length === y.length && x.every((v, i) => v === y[i]);
  const identical = equal(ours.state.counts, theirs.state.counts) && equal(ours.state.cnHist, theirs.state.cnHist);
  console.log(JSON.stringify({ msPerFrame: +median(oursMs).toFixed(2), baselineMsPerFrame: +median(theirsMs).toFixed(2), speedup: +median(ratios).toFixed(3), a: a.length, b: b.length, identical }));
  process.exit(0);
}
const times: number[] = [];
let check = 0;
let cnCheck = 0;
for (let pass = 0; pass < 5; pass++) {
  const acc = new RdfAccumulator(a, b, Number(rmax), Number(bins));
  const raw = acc as unknown as Record<string, unknown>;
  if (mode === 'js' || mode === 'slots') raw.wasm = null;
  if (mode === 'slots') raw.stencilFits = () => false;
  if (mode === 'ordered') raw.self = false;
  // CPU time, not wall time: on a shared machine the process is not always running.
  const t0 = process.cpuUsage();
  for (const f of frames) acc.add(f.positions, f.box!);
  const used = process.cpuUsage(t0);
  times.push((used.user + used.system) / 1000 / frames.length);
  check = acc.state.counts.reduce((s, x) => s + x, 0);
  cnCheck = acc.state.cnHist.reduce((s, x, i) => s + x * (i % 65), 0);
  if (process.env.DUMP_COUNTS) console.log(JSON.stringify(Array.from(acc.state.counts)));
}
times.sort((x, y) => x - y);
console.log(JSON.stringify({ mode, msPerFrame: times[2], runs: times.map((t) => +t.toFixed(1)), a: a.length, b: b.length, check, cnCheck }));

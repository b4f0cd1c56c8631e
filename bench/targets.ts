import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatNamed } from '../src/io/formats.js';
import { DATA_DIR } from './data.js';
import { MDPOST, PEERS } from './paths.js';
import { fmt, median, peerPython, table, timed, warm, type BenchRow, type Timed } from './util.js';
import { ensureWaterSystem, type WaterSystem } from './water-data.js';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * bench/targets: the targets of issue 16 on the water/NaCl box GROMACS makes (water-data.ts:
 * ~43 000 atoms × 121 frames, as a LAMMPS text dump with ids, mol, type, element, x y z and image
 * flags, and as an XTC), each measured against its peer in the same run — whole processes,
 * mdpost and the peer alternating, the ratio the median of the per-pair ratios (the machine is
 * shared and its speed drifts) — with the peak memory of each. One row per target.
 */
export async function benchTargets(): Promise<BenchRow[]> {
  if (spawnSync('gmx', ['-version'], { encoding: 'utf8' }).status !== 0) {
    console.warn('GROMACS not found (apt-get install gromacs): bench/targets needs it to make its input and as the peer');
    return [];
  }
  const sys = ensureWaterSystem();
  warm(sys.dump);
  warm(sys.xtc);
  const run = join(DATA_DIR, 'water', 'run');
  mkdirSync(run, { recursive: true });
  const env = { ...process.env, MDPOST_NO_PROGRESS: '1', GMX_MAXBACKUP: '-1' };
  const mdpost = (file: string, args: string[], workers = 1, bin = MDPOST) => () => timed(process.execPath, [bin, 'analyze', file, ...args, '--workers', String(workers), '--json', '-'], { env });
  // MDPOST_BASELINE=…/bin/mdpost.js: another build (the one before a change) in the same alternation.
  const baseline = process.env.MDPOST_BASELINE ?? null;
  const before = (file: string, args: string[], workers = 1) => (baseline ? mdpost(file, args, workers, baseline) : null);
  const gmx = (args: string[]) => () => timed('gmx', ['-quiet', '-nocopyright', ...args], { cwd: run, env });
  const xtcReadable = formatNamed('xtc') !== null;
  // The dump's frames are 20 steps of 2 fs apart.
  const dumpTime = ['--timestep', '2fs'];
  const rows: BenchRow[] = [];
  const mb = statSync(sys.dump).size / 1e6;

  // g(r) O–O to 10 Å, 0.02 Å bins.
  const oo = ['--rdf', 'O,O', '--rmax', '10', '--bins', '500'];
  const gmxOO = gmx(['rdf', '-f', sys.xtc, '-s', sys.tpr, '-ref', 'name OW', '-sel', 'name OW', '-bin', '0.002', '-rmax', '1.0', '-o', 'rdf-oo.xvg']);
  rows.push(compare('O–O g(r) to 10 Å, one thread', '≥ 10× gmx rdf', 10, mdpost(sys.dump, oo), 'mdpost, text dump', gmxOO, 'gmx rdf, XTC', PAIRS_SLOW, before(sys.dump, oo)));
  if (xtcReadable) rows.push(compare('O–O g(r) from the XTC, one thread', '≥ 10× gmx rdf', 10, mdpost(sys.xtc, ['--topology', sys.gro, ...oo]), 'mdpost, XTC', gmxOO, 'gmx rdf, XTC', PAIRS_SLOW));

  // g(r) Na–O with coordination numbers.
  const nao = ['--rdf', 'Na,O', '--rmax', '10', '--bins', '500'];
  const gmxNaO = gmx(['rdf', '-f', sys.xtc, '-s', sys.tpr, '-ref', 'name NA', '-sel', 'name OW', '-bin', '0.002', '-rmax', '1.0', '-o', 'rdf-nao.xvg', '-cn', 'cn-nao.xvg']);
  if (xtcReadable) rows.push(compare('Na–O g(r) + CN from the XTC, one thread', '≥ 5× gmx rdf', 5, mdpost(sys.xtc, ['--topology', sys.gro, ...nao]), 'mdpost, XTC', gmxNaO, 'gmx rdf, XTC', PAIRS));
  rows.push(compare('Na–O g(r) + CN, one thread', '(≥ 5× gmx rdf from the XTC)', 5, mdpost(sys.dump, nao), 'mdpost, text dump', gmxNaO, 'gmx rdf, XTC', PAIRS, before(sys.dump, nao)));

  // Na MSD, every frame a time origin.
  const msd = ['--msd', 'Na'];
  const gmxMsd = gmx(['msd', '-f', sys.xtc, '-s', sys.tpr, '-sel', 'name NA', '-trestart', '1', '-o', 'msd.xvg']);
  if (xtcReadable) rows.push(compare('Na MSD from the XTC, one thread', '≥ 3× gmx msd', 3, mdpost(sys.xtc, ['--topology', sys.gro, ...msd]), 'mdpost, XTC', gmxMsd, 'gmx msd, XTC', PAIRS));
  rows.push(compare('Na MSD, one thread', '(≥ 3× gmx msd from the XTC)', 3, mdpost(sys.dump, [...msd, ...dumpTime]), 'mdpost, text dump', gmxMsd, 'gmx msd, XTC', PAIRS, before(sys.dump, [...msd, ...dumpTime])));

  // Reading the dump: mdpost's whole process against MDAnalysis's read loop alone.
  const python = peerPython();
  const readOurs = () => timed(process.execPath, [join(here, 'parse-child.js'), sys.dump]);
  if (python) {
    const pairs: { ours: Timed; loop: number }[] = [];
    for (let k = 0; k < PAIRS_SLOW; k++) {
      const ours = readOurs();
      const peer = timed(python, [join(PEERS, 'mda_parse.py'), sys.dump, 'LAMMPSDUMP']);
      pairs.push({ ours, loop: JSON.parse(peer.stdout.trim().split('\n').pop()!).loop_seconds });
    }
    const ratio = median(pairs.map((p) => p.loop / p.ours.seconds), (x) => x);
    const t = median(pairs, (p) => p.ours.seconds);
    rows.push(row('reading the dump (every frame), one thread', '≥ 16× MDAnalysis read loop', 16, ratio, `mdpost ${fmt(t.ours.seconds)} s (whole process, ${fmt(mb / t.ours.seconds, 0)} MB/s), MDAnalysis loop ${fmt(t.loop)} s`, t.ours.peakMB));
  }
  // Throughput of the reader inside one process (no start-up), against the 250 MB/s aimed at.
  const inProcess = median(Array.from({ length: PAIRS }, () => JSON.parse(readOurs().stdout) as { seconds: number }), (r) => r.seconds);
  rows.push(row('reading the dump, MB/s per thread (reader alone)', '≈ 250 MB/s', 250, mb / inProcess.seconds, `${fmt(mb / inProcess.seconds, 0)} MB/s (${fmt(inProcess.seconds)} s for ${fmt(mb, 0)} MB)`, null, 'MB/s'));

  // Start-up: from the process's start to the plan (modules loaded, first frames read, analyses prepared).
  const startups = Array.from({ length: 7 }, () => startupSeconds(sys));
  const wall = median(startups, (x) => x.wall).wall, cpu = median(startups, (x) => x.cpu).cpu;
  rows.push(
    row('start-up before the first frame (MDPOST_TRACE), CPU time', '< 0.15 s', 0.15, cpu, `CPU ${fmt(cpu, 3)} s, wall ${fmt(wall, 3)} s (wall runs: ${startups.map((x) => fmt(x.wall, 3)).join(', ')})`, null, 's'),
  );

  // Two workers on the mission's job.
  const job = ['--msd', 'Na', '--rdf', 'Na,O', '--rmax', '10', '--bins', '500', ...dumpTime];
  const ratios: number[] = [];
  const ceilings: number[] = [];
  const one: Timed[] = [];
  const baseRatios: number[] = [];
  for (let k = 0; k < PAIRS; k++) {
    const t1 = mdpost(sys.dump, job, 1)();
    const t2 = mdpost(sys.dump, job, 2)();
    one.push(t1);
    ratios.push(t1.seconds / t2.seconds);
    if (baseline) baseRatios.push(before(sys.dump, job, 1)!().seconds / before(sys.dump, job, 2)!().seconds);
    ceilings.push(twoThreadCeiling());
  }
  const r2 = median(ratios, (x) => x);
  rows.push(
    {
      ...row('two workers over one (Na MSD + Na–O g(r), dump)', '≥ 1.8×', 1.8, r2, `runs ${ratios.map((x) => fmt(x, 2)).join(', ')}; two copies of a pure arithmetic loop gave ${fmt(median(ceilings, (x) => x), 2)}× at the time`, median(one, (t) => t.seconds).peakMB),
      ...(baseline ? { 'baseline build': `${fmt(median(baseRatios, (x) => x), 2)}× (runs ${baseRatios.map((x) => fmt(x, 2)).join(', ')})` } : {}),
    },
  );

  // Peak memory of every analysis alone, one worker.
  const alone: [string, string[]][] = [
    ['msd (Na)', ['--msd', 'Na', ...dumpTime]],
    ['msd (every water molecule)', ['--msd', 'H2O', ...dumpTime]],
    ['msd + drift removal (Na)', ['--msd', 'Na', '--remove-drift', ...dumpTime]],
    ['msd + transference (Na, Cl)', ['--msd', 'Na', '--msd', 'Cl', ...dumpTime]],
    ['rdf (O–O)', oo],
    ['rdf (Na–O)', nao],
  ];
  for (const [what, args] of alone) {
    const t = mdpost(sys.dump, args)();
    rows.push(row(`peak memory: ${what}, one worker`, '< 200 MB', 200, t.peakMB ?? NaN, `${fmt(t.seconds)} s`, t.peakMB, 'MB'));
  }

  // The MSD over a long run: a synthetic 10⁶-frame random walk (multiple-tau past the budget), and
  // D of the two methods on the same shorter run.
  const long = (frames: number, particles: number, budgetBytes: number) =>
    JSON.parse(timed(process.execPath, [join(here, 'msd-long.js'), String(frames), String(particles), String(budgetBytes)]).stdout) as { D: number; stderr: number; multiTau: boolean; seconds: number; peakMB: number };
  const exact = long(20_000, 100, 1e9);
  const multi = long(20_000, 100, 1e6);
  rows.push(
    row('MSD: D multiple-tau vs exact FFT (20 000 frames × 100 walkers, D = 0.25)', 'agree within the error', 1, Math.abs(multi.D - exact.D) / exact.stderr, `exact ${fmt(exact.D, 4)} ± ${fmt(exact.stderr, 4)}, multiple-tau ${fmt(multi.D, 4)} ± ${fmt(multi.stderr, 4)} Å²/ps: ${fmt(Math.abs(multi.D - exact.D) / exact.stderr, 2)} σ apart`, null, 'σ'),
  );
  for (const frames of [100_000, 1_000_000]) {
    const r = long(frames, 50, 50e6);
    rows.push(row(`MSD: ${frames.toExponential(0)} frames × 50 walkers, --max-memory 50 MB`, 'flat in run length', 200, r.peakMB, `${r.multiTau ? 'multiple-tau' : 'exact'}; D ${fmt(r.D, 4)} ± ${fmt(r.stderr, 4)} Å²/ps; ${fmt(r.seconds, 1)} s (the exact series would need ${fmt((24 * frames * 50) / 1e6, 0)} MB)`, r.peakMB, 'MB'));
  }

  console.log(`\n## bench/targets — issue 16 on ${sys.natoms} atoms × ${sys.frames} frames of water/NaCl (${fmt(mb, 0)} MB dump, ${fmt(statSync(sys.xtc).size / 1e6, 0)} MB XTC)\n`);
  console.log(table(rows));
  if (!xtcReadable) console.log('\nmdpost reads no XTC in this build: the XTC targets compare mdpost on the dump with the peer on the XTC.');
  return rows;
}

/** Alternating runs of mdpost and the peer (fast ones). */
const PAIRS = Number(process.env.MDPOST_BENCH_PAIRS ?? 5);
/** … and of the slow ones (minutes for the peer). */
const PAIRS_SLOW = Number(process.env.MDPOST_BENCH_SLOW_PAIRS ?? 3);

function compare(what: string, target: string, goal: number, ours: () => Timed, oursLabel: string, theirs: () => Timed, theirsLabel: string, pairs: number, base: (() => Timed) | null = null): BenchRow {
  const runs: { ours: Timed; theirs: Timed; base: Timed | null }[] = [];
  for (let k = 0; k < pairs; k++) runs.push({ ours: ours(), theirs: theirs(), base: base ? base() : null });
  const ratios = runs.map((r) => r.theirs.seconds / r.ours.seconds);
  const ratio = median(ratios, (x) => x);
  const o = median(runs.map((r) => r.ours), (t) => t.seconds), t = median(runs.map((r) => r.theirs), (x) => x.seconds);
  const out: BenchRow = {
    ...row(what, target, goal, ratio, `${oursLabel} ${fmt(o.seconds)} s, ${theirsLabel} ${fmt(t.seconds)} s (ratios ${ratios.map((x) => fmt(x, 1)).join(', ')})`, o.peakMB),
    'peer peak MB': t.peakMB === null ? '' : fmt(t.peakMB, 0),
  };
  if (base) out['baseline build'] = `${fmt(median(runs.map((r) => r.theirs.seconds / r.base!.seconds), (x) => x), 2)}× the peer; this build ${fmt(median(runs.map((r) => r.base!.seconds / r.ours.seconds), (x) => x), 2)}× faster`;
  return out;
}

/** A row: the measured value against the goal (a ratio ×, or a value in `unit` where less is better for s and MB). */
function row(what: string, target: string, goal: number, value: number, detail: string, peakMB: number | null, unit = '×'): BenchRow {
  const lowerIsBetter = unit === 's' || unit === 'MB' || unit === 'σ';
  const met = lowerIsBetter ? value < goal : value >= goal;
  return {
    target: what,
    aim: target,
    measured: unit === '×' ? `${fmt(value, 2)}×` : `${fmt(value, unit === 's' ? 3 : unit === 'σ' ? 2 : 0)} ${unit}`,
    met: met ? 'yes' : 'no',
    'mdpost peak MB': peakMB === null ? '' : fmt(peakMB, 0),
    detail,
  };
}

/**
 * Seconds from the process's start to "planned" in MDPOST_TRACE's lines (one worker, Na MSD):
 * wall clock, and the CPU time of the process by then (what an idle machine's wall clock shows).
 */
function startupSeconds(sys: WaterSystem): { wall: number; cpu: number } {
  const r = spawnSync(process.execPath, [MDPOST, 'analyze', sys.dump, '--msd', 'Na', '--timestep', '2fs', '--workers', '1', '--end', '0.2ps', '--json', '-'], {
    encoding: 'utf8',
    env: { ...process.env, MDPOST_TRACE: '1', MDPOST_NO_PROGRESS: '1' },
    maxBuffer: 1 << 26,
  });
  const m = /\[mdpost\s+(\d+) ms(?:, cpu\s+(\d+) ms)?\] planned/.exec(r.stderr);
  if (!m) throw new Error(`no "planned" in MDPOST_TRACE's output: ${r.stderr.slice(-500)}`);
  return { wall: Number(m[1]) / 1000, cpu: m[2] === undefined ? NaN : Number(m[2]) / 1000 };
}

/** What two threads give here right now: bench/spin alone, over two copies at once. */
function twoThreadCeiling(): number {
  const spin = join(here, 'spin.js');
  let t0 = performance.now();
  spawnSync(process.execPath, [spin]);
  const alone = performance.now() - t0;
  t0 = performance.now();
  // Two at once: one in a child shell's background and one in the foreground.
  spawnSync('sh', ['-c', `"${process.execPath}" "${spin}" & "${process.execPath}" "${spin}"; wait`]);
  return (2 * alone) / (performance.now() - t0);
}

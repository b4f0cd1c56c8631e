import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { statSync } from 'node:fs';
import { ensureTrajectory } from './data.js';
import { MDPOST, PEERS } from './paths.js';
import { spawn } from 'node:child_process';
import { fmt, median, peerPython, table, timed, warm, type BenchRow, type Timed } from './util.js';

/**
 * bench/workers: a 500 MB LAMMPS dump (10 000 atoms) analysed for the Na MSD and the Na–O g(r)
 * with 1 and 2 worker threads, and by MDAnalysis (EinsteinMSD + InterRDF) in the same run.
 */
export async function benchWorkers(): Promise<BenchRow[]> {
  const dump = ensureTrajectory('lammps-dump', 500e6);
  const mb = statSync(dump).size / 1e6;
  warm(dump);
  const rows: BenchRow[] = [];
  // 1 and 2 workers, and the machine's own two-thread ceiling, measured in alternation: the
  // machine's speed drifts over minutes, and alternating lets each ratio compare like with like.
  const runs: Record<number, Timed[]> = { 1: [], 2: [] };
  const ratios: number[] = [];
  const ceilings: number[] = [];
  for (let r = 0; r < PAIRED_RUNS; r++) {
    for (const workers of [1, 2]) {
      runs[workers].push(
        timed(process.execPath, [MDPOST, 'analyze', dump, '--msd', 'type 1', '--rdf', 'type 1,type 2', '--rmax', '12', '--bins', '600', '--dt', '1', '--workers', String(workers), '--json', '-'], {
          env: { ...process.env, MDPOST_NO_PROGRESS: '1' },
        }),
      );
    }
    ratios.push(runs[1][r].seconds / runs[2][r].seconds);
    ceilings.push(await twoThreadCeiling());
  }
  const times: Record<number, number> = {};
  for (const workers of [1, 2]) {
    const t = median(runs[workers], (x) => x.seconds);
    times[workers] = t.seconds;
    const d = JSON.parse(t.stdout).msd[0].D.A2_per_ps;
    rows.push({ tool: `mdpost, ${workers} worker${workers > 1 ? 's' : ''}`, s: fmt(t.seconds), 'MB/s': fmt(mb / t.seconds, 0), 'peak RSS MB': t.peakMB === null ? '' : fmt(t.peakMB, 0), 'D(Na) Å²/ps': d.toPrecision(4) });
  }
  const ceiling = median(ceilings, (x) => x);
  rows[1]['speed-up'] = `${fmt(median(ratios, (x) => x), 2)}× over 1 worker (runs: ${ratios.map((x) => fmt(x, 2)).join(', ')})`;
  rows.push({ tool: 'two copies of a pure arithmetic loop, against one', 'speed-up': `${fmt(ceiling, 2)}× (runs: ${ceilings.map((x) => fmt(x, 2)).join(', ')}): what the two cores gave at the time` });
  const python = peerPython();
  if (python) {
    const t = timed(python, [join(PEERS, 'mda_msd_rdf.py'), dump, 'type 1', 'type 2', '12', '600', '1']);
    const j = JSON.parse(t.stdout.trim().split('\n').pop()!);
    rows.push({
      tool: 'MDAnalysis EinsteinMSD + InterRDF',
      s: fmt(t.seconds),
      'MB/s': fmt(mb / t.seconds, 1),
      'peak RSS MB': t.peakMB === null ? '' : fmt(t.peakMB, 0),
      'D(Na) Å²/ps': Number(j.D_A2_per_ps).toPrecision(4),
      'speed-up': `mdpost is ${fmt(t.seconds / times[1], 1)}× (1 worker), ${fmt(t.seconds / times[2], 1)}× (2 workers) faster`,
    });
  }
  console.log(`\n## bench/workers — ${fmt(mb, 0)} MB LAMMPS dump (10 000 atoms), Na MSD + Na–O g(r), end to end (mdpost: median of ${PAIRED_RUNS} alternating runs)\n`);
  console.log(table(rows));
  return rows;
}

/** Runs of 1 and 2 workers, alternating. */
const PAIRED_RUNS = 7;

/**
 * What two threads can give here right now: the time of bench/spin alone, over the time of two
 * copies started together (2 on two whole idle cores; less when the virtual cores share one).
 */
async function twoThreadCeiling(): Promise<number> {
  const spin = join(dirname(fileURLToPath(import.meta.url)), 'spin.js');
  const run = () =>
    new Promise<void>((resolve, reject) => {
      const p = spawn(process.execPath, [spin], { stdio: 'ignore' });
      p.on('error', reject);
      p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`bench/spin exited with ${code}`))));
    });
  let t0 = performance.now();
  await run();
  const alone = performance.now() - t0;
  t0 = performance.now();
  await Promise.all([run(), run()]);
  const together = performance.now() - t0;
  return (2 * alone) / together;
}

import { join } from 'node:path';
import { statSync } from 'node:fs';
import { ensureTrajectory } from './data.js';
import { MDPOST, PEERS } from './paths.js';
import { fmt, peerPython, table, timed, timedMedian, MDPOST_RUNS, warm, type BenchRow } from './util.js';

/**
 * bench/workers: a 500 MB LAMMPS dump (10 000 atoms) analysed for the Na MSD and the Na–O g(r)
 * with 1 and 2 worker threads, and by MDAnalysis (EinsteinMSD + InterRDF) in the same run.
 */
export async function benchWorkers(): Promise<BenchRow[]> {
  const dump = ensureTrajectory('lammps-dump', 500e6);
  const mb = statSync(dump).size / 1e6;
  warm(dump);
  const rows: BenchRow[] = [];
  const times: Record<number, number> = {};
  for (const workers of [1, 2]) {
    const t = timedMedian(MDPOST_RUNS, process.execPath, [MDPOST, 'analyze', dump, '--msd', 'type 1', '--rdf', 'type 1,type 2', '--rmax', '12', '--bins', '600', '--dt', '1', '--workers', String(workers), '--json', '-'], {
      env: { ...process.env, MDPOST_NO_PROGRESS: '1' },
    });
    times[workers] = t.seconds;
    const d = JSON.parse(t.stdout).msd[0].D.A2_per_ps;
    rows.push({ tool: `mdpost, ${workers} worker${workers > 1 ? 's' : ''}`, s: fmt(t.seconds), 'MB/s': fmt(mb / t.seconds, 0), 'peak RSS MB': t.peakMB === null ? '' : fmt(t.peakMB, 0), 'D(Na) Å²/ps': d.toPrecision(4) });
  }
  rows[1]['speed-up'] = `${fmt(times[1] / times[2], 2)}× over 1 worker`;
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
  console.log(`\n## bench/workers — ${fmt(mb, 0)} MB LAMMPS dump (10 000 atoms), Na MSD + Na–O g(r), end to end (mdpost: median of ${MDPOST_RUNS} runs)\n`);
  console.log(table(rows));
  return rows;
}

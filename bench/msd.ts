import { join } from 'node:path';
import { statSync } from 'node:fs';
import { ensureTrajectory } from './data.js';
import { MDPOST, PEERS } from './paths.js';
import { fmt, peerPython, table, timed, timedMedian, MDPOST_RUNS, warm, type BenchRow } from './util.js';

/**
 * bench/msd: MSD and D of 833 Na in a 10 000-atom LAMMPS dump (220 MB, 516 frames), end to end,
 * mdpost against MDAnalysis EinsteinMSD (fft=False: Debian ships no tidynamics) in the same run.
 */
export async function benchMsd(): Promise<BenchRow[]> {
  const dump = ensureTrajectory('lammps-dump', 220e6);
  const mb = statSync(dump).size / 1e6;
  warm(dump);
  const rows: BenchRow[] = [];
  const times: Record<number, number> = {};
  for (const workers of [1, 2]) {
    const t = timedMedian(MDPOST_RUNS, process.execPath, [MDPOST, 'analyze', dump, '--msd', 'type 1', '--dt', '1', '--fit', '51:258', '--workers', String(workers), '--json', '-'], { env: { ...process.env, MDPOST_NO_PROGRESS: '1' } });
    times[workers] = t.seconds;
    rows.push({ tool: `mdpost, ${workers} worker${workers > 1 ? 's' : ''}`, s: fmt(t.seconds), 'peak RSS MB': t.peakMB === null ? '' : fmt(t.peakMB, 0), 'D Å²/ps': JSON.parse(t.stdout).msd[0].D.A2_per_ps.toPrecision(5) });
  }
  const python = peerPython();
  if (python) {
    const t = timed(python, [join(PEERS, 'mda_msd.py'), dump, 'type 1', '1']);
    const j = JSON.parse(t.stdout.trim().split('\n').pop()!);
    rows.push({
      tool: 'MDAnalysis EinsteinMSD (fft=False)',
      s: fmt(t.seconds),
      'peak RSS MB': t.peakMB === null ? '' : fmt(t.peakMB, 0),
      'D Å²/ps': Number(j.D_A2_per_ps).toPrecision(5),
      'mdpost faster by': `${fmt(t.seconds / times[1], 1)}× (1 worker), ${fmt(t.seconds / times[2], 1)}× (2 workers)`,
    });
  }
  console.log(`\n## bench/msd — MSD and D of 833 Na, ${fmt(mb, 0)} MB LAMMPS dump (10 000 atoms × 516 frames), end to end (mdpost: median of ${MDPOST_RUNS} runs)\n`);
  console.log(table(rows));
  return rows;
}

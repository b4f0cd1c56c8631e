import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureTrajectory } from './data.js';
import { peerPython, table, type BenchRow } from './util.js';

const here = dirname(fileURLToPath(import.meta.url));

interface RunResult {
  frames: number;
  seconds: number;
  maxrss_kb: number;
}

function runChild(cmd: string, args: string[]): RunResult {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

/**
 * bench/parse: single-thread read throughput (MB/s) and peak memory of mdpost's readers on a
 * LAMMPS dump and an XYZ file of ≥200 MB, with MDAnalysis reading the same files in the same run.
 * A 50 MB file of the same system shows whether peak memory depends on the file length.
 */
export async function benchParse(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const python = peerPython();
  for (const [kind, mdaFormat] of [
    ['lammps-dump', 'LAMMPSDUMP'],
    ['xyz', 'XYZ'],
  ] as const) {
    for (const mb of [50, 220]) {
      const path = ensureTrajectory(kind, mb * 1e6);
      const size = statSync(path).size;
      // Warm the page cache so both readers see the same conditions.
      spawnSync('cat', [path], { stdio: ['ignore', 'ignore', 'ignore'] });
      const ours = runChild(process.execPath, [join(here, 'parse-child.js'), path]);
      const row: BenchRow = {
        file: `${kind} ${(size / 1e6).toFixed(0)} MB (${ours.frames} frames × 10 000 atoms)`,
        'mdpost MB/s': (size / 1e6 / ours.seconds).toFixed(0),
        'mdpost peak RSS MB': (ours.maxrss_kb / 1024).toFixed(0),
      };
      if (python && mb >= 200) {
        const peer = runChild(python, [join(here, '../../bench/peers/mda_parse.py'), path, mdaFormat]);
        if (peer.frames !== ours.frames) throw new Error(`frame counts differ: MDAnalysis ${peer.frames}, mdpost ${ours.frames}`);
        row['MDAnalysis MB/s'] = (size / 1e6 / peer.seconds).toFixed(1);
        row['MDAnalysis peak RSS MB'] = (peer.maxrss_kb / 1024).toFixed(0);
        row['speed-up'] = `${(peer.seconds / ours.seconds).toFixed(1)}×`;
      }
      rows.push(row);
    }
  }
  console.log('\n## bench/parse — one thread, reading every frame\n');
  console.log(table(rows));
  return rows;
}

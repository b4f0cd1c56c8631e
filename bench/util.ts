import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export type BenchRow = Record<string, string>;

/** Debian's Python with MDAnalysis, if installed (the peers are optional for benchmarks). */
export function peerPython(): string | null {
  for (const py of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(py, ['-c', 'import MDAnalysis'], { encoding: 'utf8' });
    if (r.status === 0) return py;
  }
  console.warn('MDAnalysis not found (apt-get install python3-mdanalysis): its columns are left out');
  return null;
}

/** LAMMPS from Debian (`lmp`), if installed. */
export function lammps(): string | null {
  const r = spawnSync('lmp', ['-h'], { encoding: 'utf8' });
  if (r.status === 0) return 'lmp';
  console.warn('LAMMPS not found (apt-get install lammps): its columns are left out');
  return null;
}

export interface Timed {
  seconds: number;
  /** Peak resident memory, MB (null when /usr/bin/time is missing). */
  peakMB: number | null;
  stdout: string;
}

/** Run a command to completion, timing it (and its peak memory, through /usr/bin/time). */
export function timed(cmd: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Timed {
  const haveTime = existsSync('/usr/bin/time');
  const t0 = performance.now();
  const r = haveTime
    ? spawnSync('/usr/bin/time', ['-f', '@@peak %M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, cwd: options.cwd, env: options.env })
    : spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28, cwd: options.cwd, env: options.env });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const m = /@@peak (\d+)/.exec(r.stderr ?? '');
  return { seconds, peakMB: m ? Number(m[1]) / 1024 : null, stdout: r.stdout };
}

/**
 * mdpost runs take seconds and this machine is shared: each is run this many times and the
 * median reported (peers, which take minutes, run once).
 */
export const MDPOST_RUNS = 3;

/** `timed`, `runs` times: the run with the median time. */
export function timedMedian(runs: number, cmd: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Timed {
  return median(Array.from({ length: runs }, () => timed(cmd, args, options)), (t) => t.seconds);
}

/** The middle element by `key` (the lower middle for an even count). */
export function median<T>(xs: T[], key: (x: T) => number): T {
  return [...xs].sort((a, b) => key(a) - key(b))[Math.floor((xs.length - 1) / 2)];
}

/** Drop the file into the page cache first, so every reader sees the same conditions. */
export function warm(path: string): void {
  spawnSync('cat', [path], { stdio: ['ignore', 'ignore', 'ignore'] });
}

/** A Markdown table of rows. */
export function table(rows: BenchRow[]): string {
  if (rows.length === 0) return '';
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(keys), line(keys.map(() => '---')), ...rows.map((r) => line(keys.map((k) => r[k] ?? '')))].join('\n');
}

export const fmt = (x: number, digits = 2) => x.toFixed(digits);

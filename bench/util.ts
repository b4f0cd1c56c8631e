import { spawnSync } from 'node:child_process';

export type BenchRow = Record<string, string>;

/** Debian's Python with MDAnalysis, if installed (the peers are optional for benchmarks). */
export function peerPython(): string | null {
  for (const py of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(py, ['-c', 'import MDAnalysis'], { encoding: 'utf8' });
    if (r.status === 0) return py;
  }
  console.warn('MDAnalysis not found (apt-get install python3-mdanalysis): peer columns left out');
  return null;
}

/** A Markdown table of rows with the same keys. */
export function table(rows: BenchRow[]): string {
  if (rows.length === 0) return '';
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(keys), line(keys.map(() => '---')), ...rows.map((r) => line(keys.map((k) => r[k] ?? '')))].join('\n');
}

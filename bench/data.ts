import { closeSync, existsSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Benchmark inputs live in bench/data (not committed); they are made once and reused. */
export const DATA_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../bench/data');

/** A small deterministic generator, so every run benchmarks the same bytes. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** `%g`-like: 6 significant digits, as LAMMPS writes by default. */
function g6(x: number): string {
  return Number(x.toPrecision(6)).toString();
}

export interface SyntheticSystem {
  natoms: number;
  boxA: number;
}

/**
 * A liquid-like system of `natoms` atoms (Na, O, H, S, N, F in electrolyte-like proportions)
 * diffusing in a cubic box, written as frames of a LAMMPS dump (`id mol type element x y z ix
 * iy iz`) or XYZ until the file reaches `bytes`. Positions move by small random steps, so the
 * files also make sense for MSD and g(r) timing.
 */
export function ensureTrajectory(kind: 'lammps-dump' | 'xyz', bytes: number, sys: SyntheticSystem = { natoms: 10_000, boxA: 47 }): string {
  mkdirSync(DATA_DIR, { recursive: true });
  const path = join(DATA_DIR, `synthetic-${sys.natoms}-${Math.round(bytes / 1e6)}MB.${kind === 'xyz' ? 'xyz' : 'lammpstrj'}`);
  if (existsSync(path) && statSync(path).size >= bytes) return path;
  const rnd = lcg(42);
  const n = sys.natoms;
  const L = sys.boxA;
  const elements = ['Na', 'O', 'O', 'H', 'H', 'O', 'H', 'H', 'S', 'N', 'F', 'O'];
  const el = Array.from({ length: n }, (_, i) => elements[i % elements.length]);
  const type = el.map((e) => ['Na', 'O', 'H', 'S', 'N', 'F'].indexOf(e) + 1);
  const x = new Float64Array(3 * n).map(() => rnd() * L);
  const fd = openSync(path, 'w');
  let written = 0;
  for (let frame = 0; written < bytes; frame++) {
    const lines: string[] = [];
    if (kind === 'lammps-dump') {
      lines.push(`ITEM: TIMESTEP\n${frame * 500}\nITEM: NUMBER OF ATOMS\n${n}\nITEM: BOX BOUNDS pp pp pp\n0 ${L}\n0 ${L}\n0 ${L}\nITEM: ATOMS id mol type element x y z ix iy iz\n`);
    } else {
      lines.push(`${n}\nframe ${frame}\n`);
    }
    for (let i = 0; i < n; i++) {
      const j = 3 * i;
      for (let d = 0; d < 3; d++) x[j + d] += (rnd() - 0.5) * 0.6;
      const img = [0, 1, 2].map((d) => Math.floor(x[j + d] / L));
      const w = [0, 1, 2].map((d) => x[j + d] - img[d] * L);
      if (kind === 'lammps-dump') {
        lines.push(`${i + 1} ${Math.floor(i / 12) + 1} ${type[i]} ${el[i]} ${g6(w[0])} ${g6(w[1])} ${g6(w[2])} ${img[0]} ${img[1]} ${img[2]}\n`);
      } else {
        lines.push(`${el[i]} ${g6(w[0])} ${g6(w[1])} ${g6(w[2])}\n`);
      }
    }
    const chunk = lines.join('');
    writeSync(fd, chunk);
    written += Buffer.byteLength(chunk);
  }
  closeSync(fd);
  return path;
}

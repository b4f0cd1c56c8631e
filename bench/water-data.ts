import { closeSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_DIR } from './data.js';
import { madeOnce, runNaClWater } from './gmx-nacl.js';

/**
 * The benchmark system of issue 16: 1 M NaCl in SPC/E water, ~42 000 atoms, 121 frames, run by
 * GROMACS itself (`gmx solvate`, `gmx genion`, a minimisation and 2400 steps of `gmx mdrun`, full
 * precision frames every 20 steps in a TRR), then written twice from the same frames:
 * - as an XTC by `gmx trjconv` (precision 1000), with frame times relabelled 0, 1, 2 … ps because
 *   `gmx msd` 2022 rounds frame times to whole ps;
 * - as a LAMMPS text dump `id mol type element x y z ix iy iz` (the columns LAMMPS users write),
 *   from `gmx trjconv`'s GROMOS-96 frames (9 decimals in nm): coordinates in Å to 6 significant digits
 *   as LAMMPS's `%g`, each atom wrapped into the cell with its image flags (the trajectory is
 *   unwrapped by minimum image between frames 40 fs apart first), ~230 MB.
 * Atom order is GROMACS's (water OW HW1 HW2 …, then Na⁺, then Cl⁻) in both files.
 * Made once into bench/data/water (a few minutes of two cores) and reused.
 */
export interface WaterSystem {
  dump: string;
  xtc: string;
  /** Structure (GROMACS names) in the files' atom order, for gmx's selections and --topology. */
  gro: string;
  tpr: string;
  natoms: number;
  frames: number;
  /** 0-based inclusive index ranges of the water O, H and the ions. */
  waterCount: number;
  sodium: [number, number];
  chloride: [number, number];
  boxA: number;
}

const BOX_NM = 7.68;
const STEPS = 2400;
const EVERY = 20;

export function ensureWaterSystem(): WaterSystem {
  const dir = join(DATA_DIR, 'water');
  return madeOnce(dir, (gmx, work): WaterSystem => {
    console.log('making the benchmark water/NaCl system with gmx (a few minutes) …');
    const { nsol, nna, ncl } = runNaClWater(gmx, work, { boxNm: BOX_NM, steps: STEPS, output: `nstxout = ${EVERY}\nnstvout = 0\nnstfout = 0\n` });
    gmx(['trjconv', '-f', 'md.trr', '-s', 'md.tpr', '-timestep', '1', '-o', join(dir, 'traj.xtc')], '0\n');
    gmx(['trjconv', '-f', 'md.trr', '-s', 'md.tpr', '-o', 'frames.g96'], '0\n');
    gmx(['trjconv', '-f', 'em.gro', '-s', 'md.tpr', '-o', join(dir, 'traj.gro')], '0\n');
    renameSync(join(work, 'md.tpr'), join(dir, 'md.tpr'));

    const dump = join(dir, 'traj.lammpstrj');
    const frames = g96ToDump(join(work, 'frames.g96'), `${dump}.tmp`, EVERY, kindsOf(nsol, nna, ncl));
    renameSync(`${dump}.tmp`, dump);
    const system: WaterSystem = {
      dump,
      xtc: join(dir, 'traj.xtc'),
      gro: join(dir, 'traj.gro'),
      tpr: join(dir, 'md.tpr'),
      natoms: 3 * nsol + nna + ncl,
      frames,
      waterCount: nsol,
      sodium: [3 * nsol, 3 * nsol + nna - 1],
      chloride: [3 * nsol + nna, 3 * nsol + nna + ncl - 1],
      boxA: 10 * BOX_NM,
    };
    return system;
  });
}

/** `%g`: 6 significant digits, as LAMMPS writes dump columns by default. */
function g6(x: number): string {
  return Number(x.toPrecision(6)).toString();
}

/** Per atom in GROMACS order (water O H H …, Na⁺, Cl⁻): molecule, LAMMPS type and element. */
function kindsOf(nsol: number, nna: number, ncl: number): { mol: Int32Array; type: Int32Array; element: string[] } {
  const n = 3 * nsol + nna + ncl;
  const mol = new Int32Array(n), type = new Int32Array(n), element: string[] = [];
  for (let i = 0; i < n; i++) {
    const water = i < 3 * nsol;
    mol[i] = water ? Math.floor(i / 3) + 1 : nsol + 1 + (i - 3 * nsol);
    const [t, e] = water ? (i % 3 === 0 ? [1, 'O'] : [2, 'H']) : i < 3 * nsol + nna ? [3, 'Na'] : [4, 'Cl'];
    type[i] = t as number;
    element.push(e as string);
  }
  return { mol, type, element };
}

/**
 * GROMOS-96 frames (nm, 9 decimals) → a LAMMPS dump (Å), every atom wrapped into the cell with
 * image flags, after unwrapping by minimum image between consecutive frames. Returns the number
 * of frames.
 */
function g96ToDump(path: string, dumpPath: string, stepsPerFrame: number, meta: { mol: Int32Array; type: Int32Array; element: string[] }): number {
  const text = readFileSync(path, 'latin1');
  const fd = openSync(dumpPath, 'w');
  const n = meta.mol.length;
  let pos = 0;
  const line = () => {
    const e = text.indexOf('\n', pos);
    const s = text.slice(pos, e < 0 ? text.length : e);
    pos = e < 0 ? text.length : e + 1;
    return s;
  };
  let frame = 0;
  let unwrapped: Float64Array | null = null;
  let previous: Float64Array | null = null;
  while (pos < text.length) {
    // Blocks of a frame: TITLE, TIMESTEP, POSITION(RED), BOX; the frame ends with its BOX.
    let x: Float64Array | null = null;
    let L: number[] | null = null;
    while (pos < text.length && !L) {
      const head = line().trim();
      if (head === 'POSITION' || head === 'POSITIONRED') {
        x = new Float64Array(3 * n);
        for (let i = 0; i < n; i++) {
          const f = line().trim().split(/\s+/);
          for (let d = 0; d < 3; d++) x[3 * i + d] = 10 * Number(f[f.length - 3 + d]);
        }
      } else if (head === 'BOX') {
        L = line().trim().split(/\s+/).slice(0, 3).map((v) => 10 * Number(v));
      }
    }
    if (!x || !L) break;
    if (!unwrapped || !previous) unwrapped = x.slice();
    else {
      for (let j = 0; j < 3 * n; j++) {
        const l = L[j % 3];
        const step = x[j] - previous[j];
        unwrapped[j] += step - Math.round(step / l) * l;
      }
    }
    previous = x;
    const out: string[] = [`ITEM: TIMESTEP\n${frame * stepsPerFrame}\nITEM: NUMBER OF ATOMS\n${n}\nITEM: BOX BOUNDS pp pp pp\n0 ${g6(L[0])}\n0 ${g6(L[1])}\n0 ${g6(L[2])}\nITEM: ATOMS id mol type element x y z ix iy iz\n`];
    for (let i = 0; i < n; i++) {
      const w: string[] = [], img: number[] = [];
      for (let d = 0; d < 3; d++) {
        const u = unwrapped[3 * i + d], l = L[d];
        const k = Math.floor(u / l);
        w.push(g6(u - k * l));
        img.push(k);
      }
      out.push(`${i + 1} ${meta.mol[i]} ${meta.type[i]} ${meta.element[i]} ${w[0]} ${w[1]} ${w[2]} ${img[0]} ${img[1]} ${img[2]}\n`);
    }
    writeSync(fd, out.join(''));
    frame++;
  }
  closeSync(fd);
  return frame;
}

import { renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_DIR } from './data.js';
import { type Gmx, madeOnce, runNaClWater } from './gmx-nacl.js';

/**
 * The long benchmark system of issue 16: 1 M NaCl in SPC/E water in a 5 nm box (~12 000 atoms),
 * run by GROMACS itself for 20 000 steps of 2 fs with a compressed frame every 8 steps: 2 501
 * frames, so that the per-frame work, not the start of a process, sets the times compared. The
 * water box of water-data.ts (~43 000 atoms × 121 frames) is the short one. A frame every 8 steps
 * rather than 20 keeps the run to 5–10 minutes of two cores (mdrun does ~75 steps/s here).
 *
 * mdrun writes the XTC (precision 1000); `gmx trjconv` relabels its frame times 0, 1, 2 … ps,
 * because `gmx msd` 2022 rounds frame times to whole ps. mdpost and the peers read that same file,
 * so D is in the same relabelled units for both (one relabelled ps is `frameFs` fs of the run).
 * Atom order is GROMACS's: water OW HW1 HW2 …, then Na⁺, then Cl⁻; traj.gro has the names in that
 * order for `--topology` and gmx's selections.
 *
 * Made once into bench/data/long and reused. system.json holds file names relative to its
 * directory, so the directory can be copied to another tree.
 */
export interface LongSystem {
  xtc: string;
  /** Structure (GROMACS names) in the XTC's atom order. */
  gro: string;
  tpr: string;
  natoms: number;
  frames: number;
  /** Femtoseconds of the run between frames (the XTC says 1 ps). */
  frameFs: number;
  /** Water molecules: their O are atoms 0, 3, 6 … 3·(waterCount − 1), 0-based. */
  waterCount: number;
  /** 0-based inclusive index ranges of the ions. */
  sodium: [number, number];
  chloride: [number, number];
  boxA: number;
  /** Wall-clock seconds the generation took (mdrun and all). */
  madeInSeconds: number;
}

const BOX_NM = 5;
const STEPS = 20_000;
const EVERY = 8;
const DT_FS = 2;

export function ensureLongSystem(): LongSystem {
  const dir = join(DATA_DIR, 'long');
  // Recorded relative to its folder (so that the folder can be copied), read as paths.
  const s = madeOnce(dir, (gmx, work) => makeLong(dir, gmx, work));
  return { ...s, xtc: join(dir, s.xtc), gro: join(dir, s.gro), tpr: join(dir, s.tpr) };
}

function makeLong(dir: string, gmx: Gmx, work: string): LongSystem {
  const t0 = performance.now();
  console.log(`making the long water/NaCl run with gmx (${STEPS} steps, 5–10 minutes of two cores) …`);
  const { nsol, nna, ncl } = runNaClWater(gmx, work, { boxNm: BOX_NM, steps: STEPS, output: `nstxout-compressed = ${EVERY}\n` });
  gmx(['trjconv', '-f', 'md.xtc', '-s', 'md.tpr', '-timestep', '1', '-o', join(dir, 'traj.xtc')], '0\n');
  gmx(['trjconv', '-f', 'em.gro', '-s', 'md.tpr', '-o', join(dir, 'traj.gro')], '0\n');
  renameSync(join(work, 'md.tpr'), join(dir, 'md.tpr'));
  const checked = /^Coords\s+(\d+)/m.exec(gmx(['check', '-f', join(dir, 'traj.xtc')]));
  const frames = checked ? Number(checked[1]) : STEPS / EVERY + 1;
  const system: LongSystem = {
    xtc: 'traj.xtc',
    gro: 'traj.gro',
    tpr: 'md.tpr',
    natoms: 3 * nsol + nna + ncl,
    frames,
    frameFs: EVERY * DT_FS,
    waterCount: nsol,
    sodium: [3 * nsol, 3 * nsol + nna - 1],
    chloride: [3 * nsol + nna, 3 * nsol + nna + ncl - 1],
    boxA: 10 * BOX_NM,
    madeInSeconds: Math.round((performance.now() - t0) / 1000),
  };
  console.log(`bench/data/long: ${system.natoms} atoms × ${frames} frames, ${(statSync(join(dir, 'traj.xtc')).size / 1e6).toFixed(0)} MB XTC, made in ${system.madeInSeconds} s`);
  return system;
}

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_DIR } from './data.js';
import { madeOnce, runNaClWater } from './gmx-nacl.js';

/**
 * The input of bench/xtc: about 40 000 atoms of 1 M NaCl in SPC/E water, run by GROMACS itself
 * (`gmx solvate`, `gmx genion`, an energy minimisation and 2500 steps of `gmx mdrun -nt 1`, a frame
 * every 5 steps: 501 frames, ~70 MB of XTC at precision 1000), made once into bench/data/xtc (about
 * four minutes of one core) and reused.
 *
 * Two adjustments, both with `gmx trjconv`, make the file usable by every tool compared:
 * - atoms are reordered water O first, then the H, Na⁺ and Cl⁻ (an index group in that order),
 *   so that mdpost selects them by index ranges (an XTC has no names; gmx takes them from the
 *   reordered structure file written alongside);
 * - frame times are relabelled 0, 1, 2 … ps, because `gmx msd` 2022 rounds frame times to whole
 *   ps (it fails on 10 fs frames). Both tools read the same file, so D is in the same (relabelled)
 *   units for both.
 */
export interface XtcSystem {
  xtc: string;
  /** Structure in the XTC's atom order, for gmx's selections by name. */
  gro: string;
  natoms: number;
  /** 0-based index ranges (inclusive) of the water O and the Na⁺ in the XTC. */
  water: [number, number];
  sodium: [number, number];
}

const BOX_NM = 7.52;
const STEPS = 2500;
const EVERY = 5;

export function ensureXtcSystem(): XtcSystem {
  const dir = join(DATA_DIR, 'xtc');
  return madeOnce(dir, (gmx, work): XtcSystem => {
    console.log(`making the bench/xtc input with gmx (about ${Math.round((STEPS / 25 + 20) / 60)} minutes of one core) …`);
    // genion puts the ions after the water: SOL n, NA k, CL k.
    const { nsol, nna, ncl } = runNaClWater(gmx, work, { boxNm: BOX_NM, steps: STEPS, output: `nstxout-compressed = ${EVERY}\n`, threads: 1 });
    const order = [
      ...Array.from({ length: nsol }, (_, m) => 3 * m + 1),
      ...Array.from({ length: nsol }, (_, m) => [3 * m + 2, 3 * m + 3]).flat(),
      ...Array.from({ length: nna + ncl }, (_, k) => 3 * nsol + 1 + k),
    ];
    let ndx = '[ reordered ]\n';
    for (let i = 0; i < order.length; i += 15) ndx += order.slice(i, i + 15).join(' ') + '\n';
    writeFileSync(join(work, 'order.ndx'), ndx);
    gmx(['trjconv', '-f', 'md.xtc', '-s', 'md.tpr', '-n', 'order.ndx', '-timestep', '1', '-o', join(dir, 'traj.xtc')], '0\n');
    gmx(['trjconv', '-f', 'em.gro', '-s', 'md.tpr', '-n', 'order.ndx', '-o', join(dir, 'traj.gro')], '0\n');
    const system: XtcSystem = {
      xtc: join(dir, 'traj.xtc'),
      gro: join(dir, 'traj.gro'),
      natoms: order.length,
      water: [0, nsol - 1],
      sodium: [3 * nsol, 3 * nsol + nna - 1],
    };
    return system;
  });
}

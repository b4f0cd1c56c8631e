import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_DIR } from './data.js';

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
  const meta = join(dir, 'system.json');
  if (existsSync(meta)) return JSON.parse(readFileSync(meta, 'utf8')) as XtcSystem;
  const work = join(dir, 'work');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const gmx = (args: string[], input = '') => {
    const r = spawnSync('gmx', ['-quiet', '-nocopyright', ...args], { cwd: work, input, encoding: 'utf8', env: { ...process.env, GMX_MAXBACKUP: '-1' } });
    if (r.status !== 0) throw new Error(`gmx ${args.join(' ')} failed: ${r.stderr.slice(-2000)}`);
  };
  console.log(`making the bench/xtc input with gmx (about ${Math.round((STEPS / 25 + 20) / 60)} minutes of one core) …`);
  gmx(['solvate', '-cs', 'spc216.gro', '-box', `${BOX_NM}`, `${BOX_NM}`, `${BOX_NM}`, '-o', 'solv.gro']);
  const waters = Number(readFileSync(join(work, 'solv.gro'), 'utf8').split('\n')[1]) / 3;
  const top = (n: number, extra = '') =>
    `#include "oplsaa.ff/forcefield.itp"\n#include "oplsaa.ff/spce.itp"\n#include "oplsaa.ff/ions.itp"\n[ system ]\nNaCl in water\n[ molecules ]\nSOL ${n}\n${extra}`;
  writeFileSync(join(work, 'topol.top'), top(waters));
  const common = 'cutoff-scheme = Verlet\ncoulombtype = PME\nrcoulomb = 0.9\nrvdw = 0.9\n';
  writeFileSync(join(work, 'em.mdp'), `integrator = steep\nnsteps = 500\nemtol = 1000\n${common}`);
  writeFileSync(
    join(work, 'md.mdp'),
    `integrator = md\ndt = 0.002\nnsteps = ${STEPS}\n${common}constraints = h-bonds\ntcoupl = v-rescale\ntc-grps = System\ntau-t = 0.1\nref-t = 300\n` +
      `gen-vel = yes\ngen-temp = 300\ngen-seed = 1\nld-seed = 1\nnstxout-compressed = ${EVERY}\nnstenergy = 0\nnstlog = 0\n`,
  );
  gmx(['grompp', '-f', 'em.mdp', '-c', 'solv.gro', '-p', 'topol.top', '-o', 'ions.tpr', '-maxwarn', '2']);
  gmx(['genion', '-s', 'ions.tpr', '-p', 'topol.top', '-o', 'start.gro', '-pname', 'NA', '-nname', 'CL', '-conc', '1.0', '-neutral', '-seed', '1'], 'SOL\n');
  gmx(['grompp', '-f', 'em.mdp', '-c', 'start.gro', '-p', 'topol.top', '-o', 'em.tpr', '-maxwarn', '2']);
  gmx(['mdrun', '-nt', '1', '-deffnm', 'em']);
  gmx(['grompp', '-f', 'md.mdp', '-c', 'em.gro', '-p', 'topol.top', '-o', 'md.tpr', '-maxwarn', '2']);
  gmx(['mdrun', '-nt', '1', '-deffnm', 'md']);

  // genion puts the ions after the water: SOL n, NA k, CL k.
  const counts = Object.fromEntries([...readFileSync(join(work, 'topol.top'), 'utf8').matchAll(/^(SOL|NA|CL)\s+(\d+)\s*$/gm)].map((m) => [m[1], Number(m[2])]));
  const [nsol, nna, ncl] = [counts.SOL, counts.NA, counts.CL];
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
  writeFileSync(`${meta}.tmp`, JSON.stringify(system, null, 2));
  renameSync(`${meta}.tmp`, meta);
  rmSync(work, { recursive: true, force: true });
  return system;
}

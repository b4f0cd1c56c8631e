import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One GROMACS command in a working directory, failing loudly (no backups of overwritten files);
 * returns what it printed (stdout, then stderr).
 */
export type Gmx = (args: string[], input?: string) => string;

/** `gmx` run in `work`, which is emptied first. */
export function gmxIn(work: string): Gmx {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  return (args, input = '') => {
    const r = spawnSync('gmx', ['-quiet', '-nocopyright', ...args], { cwd: work, input, encoding: 'utf8', env: { ...process.env, GMX_MAXBACKUP: '-1' }, maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(`gmx ${args.join(' ')} failed: ${r.stderr.slice(-2000)}`);
    return r.stdout + r.stderr;
  };
}

/**
 * A benchmark system made once into `dir` and reused: read from dir/system.json when that exists,
 * otherwise made by `make` with GROMACS in dir/work (emptied first, removed after) and written
 * there (through a temporary file, so that an interrupted run leaves none).
 */
export function madeOnce<T>(dir: string, make: (gmx: Gmx, work: string) => T): T {
  const meta = join(dir, 'system.json');
  if (existsSync(meta)) return JSON.parse(readFileSync(meta, 'utf8')) as T;
  const work = join(dir, 'work');
  const system = make(gmxIn(work), work);
  writeFileSync(`${meta}.tmp`, JSON.stringify(system, null, 2));
  renameSync(`${meta}.tmp`, meta);
  rmSync(work, { recursive: true, force: true });
  return system;
}

/** Molecules of the run, in the order GROMACS writes them: SOL (OW HW1 HW2 each), then NA, then CL. */
export interface NaClCounts {
  nsol: number;
  nna: number;
  ncl: number;
}

/**
 * 1 M NaCl in SPC/E water (OPLS-AA ions) in a cubic box of `boxNm`, run by GROMACS in `work`:
 * `gmx solvate`, `gmx genion`, 500 steps of steepest descent, then `steps` of 2 fs MD at 300 K
 * (v-rescale, PME, 0.9 nm cut-offs, h-bond constraints) on `threads` threads (two unless said).
 * `output` is the mdp's trajectory lines (what is written and how often). Leaves em.gro, md.tpr
 * and the trajectory (md.trr / md.xtc) in `work`.
 */
export function runNaClWater(gmx: Gmx, work: string, opts: { boxNm: number; steps: number; output: string; threads?: number }): NaClCounts {
  const { boxNm, steps, output } = opts;
  const nt = String(opts.threads ?? 2);
  gmx(['solvate', '-cs', 'spc216.gro', '-box', `${boxNm}`, `${boxNm}`, `${boxNm}`, '-o', 'solv.gro']);
  const waters = Number(readFileSync(join(work, 'solv.gro'), 'utf8').split('\n')[1]) / 3;
  const top = (n: number) => `#include "oplsaa.ff/forcefield.itp"\n#include "oplsaa.ff/spce.itp"\n#include "oplsaa.ff/ions.itp"\n[ system ]\nNaCl in water\n[ molecules ]\nSOL ${n}\n`;
  writeFileSync(join(work, 'topol.top'), top(waters));
  const common = 'cutoff-scheme = Verlet\ncoulombtype = PME\nrcoulomb = 0.9\nrvdw = 0.9\n';
  writeFileSync(join(work, 'em.mdp'), `integrator = steep\nnsteps = 500\nemtol = 1000\n${common}`);
  writeFileSync(
    join(work, 'md.mdp'),
    `integrator = md\ndt = 0.002\nnsteps = ${steps}\n${common}constraints = h-bonds\ntcoupl = v-rescale\ntc-grps = System\ntau-t = 0.1\nref-t = 300\n` +
      `gen-vel = yes\ngen-temp = 300\ngen-seed = 1\nld-seed = 1\n${output}nstenergy = 0\nnstlog = 0\n`,
  );
  gmx(['grompp', '-f', 'em.mdp', '-c', 'solv.gro', '-p', 'topol.top', '-o', 'ions.tpr', '-maxwarn', '2']);
  gmx(['genion', '-s', 'ions.tpr', '-p', 'topol.top', '-o', 'start.gro', '-pname', 'NA', '-nname', 'CL', '-conc', '1.0', '-neutral', '-seed', '1'], 'SOL\n');
  gmx(['grompp', '-f', 'em.mdp', '-c', 'start.gro', '-p', 'topol.top', '-o', 'em.tpr', '-maxwarn', '2']);
  gmx(['mdrun', '-nt', nt, '-deffnm', 'em']);
  gmx(['grompp', '-f', 'md.mdp', '-c', 'em.gro', '-p', 'topol.top', '-o', 'md.tpr', '-maxwarn', '2']);
  gmx(['mdrun', '-nt', nt, '-deffnm', 'md']);
  // genion rewrites the [ molecules ] section: SOL n, NA k, CL k.
  const counts = Object.fromEntries([...readFileSync(join(work, 'topol.top'), 'utf8').matchAll(/^(SOL|NA|CL)\s+(\d+)\s*$/gm)].map((m) => [m[1], Number(m[2])]));
  return { nsol: counts.SOL, nna: counts.NA, ncl: counts.CL };
}

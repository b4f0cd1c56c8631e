import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TrajectoryReader } from '../src/io/reader.js';
import { DATA_DIR, ensureTrajectory } from './data.js';
import { fmt, lammps, peerPython, table, timed, timedMedian, MDPOST_RUNS, warm, type BenchRow } from './util.js';
import { MDPOST, PEERS } from './paths.js';

/**
 * bench/rdf: g(r) of Na–O in a 42 000-atom box (3500 Na, 14 000 O, r_max 12 Å, 600 bins),
 * end to end — reading the LAMMPS dump and computing — by mdpost (1 and 2 workers), MDAnalysis
 * InterRDF, and LAMMPS `rerun` + `compute rdf`, in the same run.
 */
export async function benchRdf(): Promise<BenchRow[]> {
  const system = { natoms: 42_000, boxA: 75.6 };
  const dump = ensureTrajectory('lammps-dump', 80e6, system);
  const frames = await countFrames(dump);
  warm(dump);
  const rows: BenchRow[] = [];
  const row = (tool: string, seconds: number, peakMB: number | null) => ({ tool, 's': fmt(seconds), 'ms/frame': fmt((1000 * seconds) / frames, 0), 'peak RSS MB': peakMB === null ? '' : fmt(peakMB, 0) });
  const ours: Record<number, number> = {};
  for (const workers of [1, 2]) {
    const t = timedMedian(MDPOST_RUNS, process.execPath, [MDPOST, 'analyze', dump, '--rdf', 'type 1,type 2', '--rmax', '12', '--bins', '600', '--workers', String(workers)], { env: { ...process.env, MDPOST_NO_PROGRESS: '1' } });
    ours[workers] = t.seconds;
    rows.push(row(`mdpost, ${workers} worker${workers > 1 ? 's' : ''}`, t.seconds, t.peakMB));
  }
  const python = peerPython();
  if (python) {
    const t = timed(python, [join(PEERS, 'mda_rdf.py'), dump, 'type 1', 'type 2', '12', '600']);
    rows.push({ ...row('MDAnalysis InterRDF', t.seconds, t.peakMB), 'mdpost (1 worker) faster by': `${fmt(t.seconds / ours[1], 1)}×`, 'mdpost (2 workers) faster by': `${fmt(t.seconds / ours[2], 1)}×` });
  }
  const lmp = lammps();
  if (lmp) {
    const dir = join(DATA_DIR, 'lammps-rdf');
    await lammpsInput(dump, dir);
    for (const procs of [1, 2]) {
      const cmd = procs === 1 ? [lmp, '-in', 'in.rdf', '-log', 'none', '-screen', 'none'] : ['mpirun', '--allow-run-as-root', '-np', '2', lmp, '-in', 'in.rdf', '-log', 'none', '-screen', 'none'];
      try {
        const t = timed(cmd[0], cmd.slice(1), { cwd: dir });
        rows.push({ ...row(`LAMMPS rerun + compute rdf, ${procs} process${procs > 1 ? 'es' : ''}`, t.seconds, t.peakMB), 'mdpost (1 worker) faster by': `${fmt(t.seconds / ours[1], 1)}×`, 'mdpost (2 workers) faster by': `${fmt(t.seconds / ours[2], 1)}×` });
      } catch (e) {
        console.warn(`LAMMPS with ${procs} processes failed: ${(e as Error).message.slice(0, 200)}`);
      }
    }
  }
  console.log(`\n## bench/rdf — Na–O g(r), 42 000 atoms × ${frames} frames (${fmt(statSync(dump).size / 1e6, 0)} MB dump), r_max 12 Å, 600 bins, end to end (mdpost: median of ${MDPOST_RUNS} runs)\n`);
  console.log(table(rows));
  return rows;
}

async function countFrames(path: string): Promise<number> {
  const r = await TrajectoryReader.open(path);
  let n = 0;
  for await (const _ of r.frames()) n++;
  return n;
}

/** A LAMMPS data file (atomic style) of the dump's first frame, and an input that reruns the dump. */
async function lammpsInput(dump: string, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const reader = await TrajectoryReader.open(dump);
  for await (const f of reader.frames()) {
    const top = reader.topology!;
    const L = f.box!.matrix[0];
    const types = Math.max(...top.types!);
    let data = `mdpost benchmark: first frame of ${dump}\n\n${f.natoms} atoms\n${types} atom types\n\n0 ${L} xlo xhi\n0 ${L} ylo yhi\n0 ${L} zlo zhi\n\nMasses\n\n`;
    for (let t = 1; t <= types; t++) data += `${t} 1.0\n`;
    data += '\nAtoms # atomic\n\n';
    const lines: string[] = [];
    for (let i = 0; i < f.natoms; i++) lines.push(`${top.ids![i]} ${top.types![i]} ${f.positions[3 * i]} ${f.positions[3 * i + 1]} ${f.positions[3 * i + 2]}`);
    writeFileSync(join(dir, 'first.data'), data + lines.join('\n') + '\n');
    break;
  }
  writeFileSync(
    join(dir, 'in.rdf'),
    `# g(r) of type 1 around type 2 over every frame of the dump (mdpost bench/rdf)
units           real
atom_style      atomic
boundary        p p p
read_data       first.data
pair_style      zero 12.5
pair_coeff      * *
neighbor        0.5 bin
neigh_modify    every 1 delay 0 check no
compute         rdf all rdf 600 1 2 cutoff 12.0
fix             rdf all ave/time 1 1 1 c_rdf[*] mode vector ave running file rdf.txt
rerun           ${dump} dump x y z box yes
`,
  );
}

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mdpost } from '../support/cli.js';
import { REPO, tempFile } from '../support/io.js';
import { NAFSI_DUMP, NAFSI_XYZ } from '../support/nafsi.js';

/**
 * The README's job-array script (scripts/slurm/mdpost-array.sh), run for real: under the
 * single-node Slurm that scripts/slurm/setup-local-slurm.sh starts (.ci/run does), and with plain
 * bash; both must give the summary of a single `mdpost batch` run.
 */
const slurmUp = spawnSync('scontrol', ['ping'], { encoding: 'utf8' }).stdout?.includes('UP') ?? false;
const required = process.env.MDPOST_REQUIRE_SLURM === '1';
if (!slurmUp && !required) console.warn('[mdpost tests] Slurm is not running here (bash scripts/slurm/setup-local-slurm.sh starts it): the sbatch test is skipped');

const SCRIPT = join(REPO, 'scripts/slurm/mdpost-array.sh');
const MDPOST = `${process.execPath} ${join(REPO, 'bin/mdpost.js')}`;

function jobFolder(name: string): string {
  const dir = join(tempFile('.anchor', ''), '..', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'job.json'),
    JSON.stringify({
      defaults: { msd: ['Na', 'FSI'], rdf: ['Na,O'] },
      runs: [
        { file: NAFSI_DUMP, temperature: 300, label: 'a' },
        { file: NAFSI_XYZ, temperature: 320, label: 'b', box: '23.795186 23.795186 23.795186', dt: '0.5ps' },
        { file: NAFSI_DUMP, temperature: 340, label: 'c', parts: 2 },
      ],
    }),
  );
  return dir;
}

const summaryOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));

describe('the job-array script', () => {
  it('run with bash (no Slurm): every shard in turn, then the merge', () => {
    const dir = jobFolder('array-bash');
    const r = spawnSync('bash', [SCRIPT, 'job.json', 'results'], { cwd: dir, encoding: 'utf8', env: { ...process.env, MDPOST, SHARDS: '3', MDPOST_NO_PROGRESS: '1' } });
    expect(r.status, r.stderr).toBe(0);
    mdpost(['batch', join(dir, 'job.json'), '--out', join(dir, 'single'), '--workers', '1']);
    expect(summaryOf(join(dir, 'results'))).toEqual(summaryOf(join(dir, 'single')));
  });

  it('as array tasks numbered from 0 (--array=0-2): shards 1/3 … 3/3 all the same', () => {
    const dir = jobFolder('array-from-0');
    for (const id of [0, 1, 2]) {
      const env = { ...process.env, MDPOST, MDPOST_NO_PROGRESS: '1', SLURM_ARRAY_TASK_ID: String(id), SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_COUNT: '3', SLURM_CPUS_PER_TASK: '1' };
      const r = spawnSync('bash', [SCRIPT, 'job.json', 'results'], { cwd: dir, encoding: 'utf8', env });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toMatch(new RegExp(`shard ${id + 1}/3 done`));
    }
    expect(mdpost(['merge', ...[1, 2, 3].map((i) => join(dir, 'results', `shard-${i}`)), '--out', join(dir, 'results')]).code).toBe(0);
    mdpost(['batch', join(dir, 'job.json'), '--out', join(dir, 'single'), '--workers', '1']);
    expect(summaryOf(join(dir, 'results'))).toEqual(summaryOf(join(dir, 'single')));
  });

  it.skipIf(!slurmUp && !required)('under Slurm: sbatch --array over three shards, then mdpost merge as a dependent job', async () => {
    expect(slurmUp, 'Slurm must be running (scripts/slurm/setup-local-slurm.sh)').toBe(true);
    const dir = jobFolder('array-slurm');
    const env = { ...process.env, MDPOST, MDPOST_NO_PROGRESS: '1' };
    const sbatch = (args: string[]) => execFileSync('sbatch', ['--parsable', `--chdir=${dir}`, ...args], { encoding: 'utf8', env }).trim().split(';')[0];
    const array = sbatch(['--array=1-3', '--cpus-per-task=1', `--output=${dir}/array-%a.log`, SCRIPT, 'job.json', 'results']);
    const merge = sbatch([`--dependency=afterany:${array}`, `--output=${dir}/merge.log`, '--wrap', `${MDPOST} merge results/shard-* --out results`]);
    const t0 = Date.now();
    while (Date.now() - t0 < 240_000) {
      const q = spawnSync('squeue', ['-h', '-j', `${array},${merge}`], { encoding: 'utf8' }).stdout.trim();
      if (q === '') break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const log = (f: string) => readFileSync(join(dir, f), 'utf8');
    expect(log('array-1.log')).toMatch(/shard 1\/3 done/);
    expect(log('merge.log')).toMatch(/summary in results\/summary\.csv/);
    mdpost(['batch', join(dir, 'job.json'), '--out', join(dir, 'single'), '--workers', '1']);
    expect(summaryOf(join(dir, 'results'))).toEqual(summaryOf(join(dir, 'single')));
  }, 300_000);
});

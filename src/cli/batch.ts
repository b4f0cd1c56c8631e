import type { Command } from 'commander';
import { mkdir, writeFile } from 'node:fs/promises';
import { checkOutputFolder } from './output-paths.js';
import { availableParallelism } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { ANALYSES } from '../analyses/index.js';
import type { JobFile } from '../batch/job.js';
import { D_UNITS, summaryText, type DUnit } from '../batch/summary.js';
import { InputError } from '../model/errors.js';
import { parsePositiveInt } from '../model/parse-options.js';
import { analysisOptionDecls } from '../pipeline/spec.js';
import { addOptions, schemaValues } from './options.js';
import { progressBar } from './progress.js';

interface BatchFlags extends Record<string, unknown> {
  out: string;
  shard?: string;
  force?: boolean;
  workers?: string;
  unit: string;
  temperatureFrom?: string;
}

export function registerBatch(program: Command, version: string): void {
  const decls = analysisOptionDecls(ANALYSES);
  const cmd = program
    .command('batch')
    .summary('analyse many trajectories: one report each, a summary table, Arrhenius fits; shards for clusters')
    .description(
      'Analyse every trajectory of a job — a job file (JSON), or a glob with the same options as `mdpost analyze` — each into its own folder, ' +
        'and write a summary (summary.csv, summary.json, summary.html, printed) with D ± its error per selection, t⁺, and the first peak, ' +
        'minimum and coordination number of each g(r) pair; with runs at several temperatures, an Arrhenius fit of D(T) (Ea in eV). ' +
        'A file that fails is reported and the others go on (exit code 3 then). A rerun skips files whose results are up to date ' +
        '(same size, modification time and options); --force recomputes. --shard I/N runs the I-th of N disjoint parts of the batch ' +
        '(on a cluster: one Slurm array task each), and `mdpost merge` joins their --out folders into the summary a single run gives.',
    )
    .argument('<job>', 'a job file (.json), or a glob of trajectories in quotes, e.g. "runs/*/dump.lammpstrj"');
  addOptions(cmd, decls, 'batch', 'with a glob: ');
  cmd
    .option('--out <dir>', 'output folder', 'batch-results')
    .option('--shard <i/n>', 'run only the I-th of N parts of the batch (1 ≤ I ≤ N)')
    .option('--force', 'recompute results that are up to date')
    .option('--workers <n>', `threads per trajectory (default: the number of cores, ${availableParallelism()})`)
    .option('--unit <unit>', 'unit of D in the summary: A2/ps, A2/ns or cm2/s', 'A2/ns')
    .option('--temperature-from <regex>', 'with a glob: temperature (K) from each path, the first group of a regular expression, e.g. "T(\\d+)"')
    .addHelpText(
      'after',
      '\nJob file:\n' +
        '  {"defaults": {"msd": ["Na", "FSI"], "rdf": ["Na,O"], "timestep": "1fs"},\n' +
        '   "runs": [{"files": "runs/T*/dump.lammpstrj", "temperature": 300, "label": "300 K"},\n' +
        '            {"file": "runs/big/dump.lammpstrj", "temperature": 350, "parts": 4}]}\n' +
        '  Options as the analyze flags in camelCase; paths relative to the job file; "parts": N splits one file into N frame ranges.\n' +
        '\nExamples:\n' +
        '  mdpost batch job.json --out results\n' +
        '  mdpost batch "runs/T*/dump.lammpstrj" --timestep 1fs --msd Na --msd FSI --rdf Na,O --temperature-from "T(\\d+)" --out results\n' +
        '  mdpost batch job.json --shard 2/3 --out results/shard-2 && mdpost merge results/shard-* --out results',
    )
    .action(async (jobArg: string, flags: BatchFlags) => {
      // Loaded on use: `mdpost analyze` and the rest start faster without them.
      const { collect, manifestOf } = await import('../batch/collect.js');
      const { expandJob, parseShard, readJobFile, shardOf } = await import('../batch/job.js');
      const { runEntries } = await import('../batch/run.js');
      const unit = parseUnit(flags.unit);
      const shard = flags.shard ? parseShard(flags.shard) : null;
      const workers = flags.workers ? parsePositiveInt(flags.workers, '--workers') : availableParallelism();
      const { job, baseDir } = jobArg.endsWith('.json') ? await readJobFile(jobArg) : globJob(jobArg, schemaValues(flags, decls, 'batch'));
      await checkOutputFolder(flags.out, '--out');
      const fromPath = flags.temperatureFrom && !jobArg.endsWith('.json') ? temperatureFromPath(flags.temperatureFrom, baseDir) : undefined;
      const entries = await expandJob(job, baseDir, jobArg, fromPath);
      await mkdir(flags.out, { recursive: true });
      await writeFile(join(flags.out, 'batch.json'), JSON.stringify(manifestOf(entries, unit, version), null, 1) + '\n');
      const mine = shardOf(entries, shard);
      process.stderr.write(`mdpost batch: ${entries.length} run${entries.length === 1 ? '' : 's'}${shard ? `, ${mine.length} in shard ${shard.i}/${shard.n}` : ''} → ${flags.out}/\n`);
      const bar = progressBar('batch');
      const t0 = performance.now();
      const outcomes = await runEntries(mine, {
        out: flags.out,
        force: flags.force ?? false,
        workers,
        version,
        onProgress: (d, t) => bar.update(d, t),
        onEntry: ({ entry, position, of, outcome, bytesDone, bytesTotal }) => {
          const head = `[${position + 1}/${of}] ${entry.label}${entry.part ? ` (part ${entry.part.k + 1}/${entry.part.n})` : ''}`;
          if (!outcome) return;
          const elapsed = (performance.now() - t0) / 1000;
          const eta = bytesDone > 0 && bytesDone < bytesTotal ? `, about ${formatSeconds((elapsed * (bytesTotal - bytesDone)) / bytesDone)} left` : '';
          const what = outcome.status === 'failed' ? `FAILED: ${outcome.error}` : outcome.status === 'up to date' ? 'up to date, kept' : `done in ${outcome.seconds.toFixed(1)} s`;
          bar.stop();
          process.stderr.write(`${head}: ${what}${eta}\n`);
        },
      });
      bar.stop();
      // A shard sums up its own runs only; the others are reported by their shards and the merge.
      const summary = await collect([flags.out], flags.out, version, unit, shard ? new Set(mine.map((e) => e.index)) : undefined);
      process.stdout.write(summaryText(summary));
      const failed = outcomes.filter((o) => o.status === 'failed').length;
      if (shard) process.stderr.write(`mdpost batch: shard ${shard.i}/${shard.n} done; when all shards are, run: mdpost merge <their --out folders> --out DIR\n`);
      process.stderr.write(`mdpost batch: summary in ${flags.out}/summary.csv, summary.json, summary.html\n`);
      if (failed > 0) {
        process.stderr.write(`mdpost batch: ${failed} of ${mine.length} failed; their errors are in the summary and in ${flags.out}/<run>/meta.json\n`);
        process.exitCode = 3;
      }
    });
}

export function parseUnit(text: string): DUnit {
  const u = text.replace('Å', 'A').replace('²', '2').replace('^', '') as DUnit;
  if (!(u in D_UNITS)) throw new InputError(`--unit: expected A2/ps, A2/ns or cm2/s, not ${JSON.stringify(text)}`);
  return u;
}

/** The simple form: one glob, with the analyze options given as flags. */
function globJob(pattern: string, options: Record<string, unknown>): { job: JobFile; baseDir: string } {
  return { job: { runs: [{ files: pattern, ...options }] }, baseDir: process.cwd() };
}

/** Each file's temperature from its path (--temperature-from), which the job's runs then carry as their option too. */
function temperatureFromPath(regex: string, baseDir: string): (file: string) => number {
  let re: RegExp;
  try {
    re = new RegExp(regex);
  } catch (e) {
    throw new InputError(`--temperature-from: not a regular expression: ${(e as Error).message}`);
  }
  return (file) => {
    const m = re.exec(relative(baseDir, resolve(file)));
    const t = m?.[1] !== undefined ? Number(m[1]) : NaN;
    if (!(t > 0)) throw new InputError(`--temperature-from: no temperature in ${file} (the first group of /${regex}/ must match a number)`);
    return t;
  };
}

function formatSeconds(s: number): string {
  return s < 90 ? `${Math.round(s)} s` : s < 5400 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`;
}

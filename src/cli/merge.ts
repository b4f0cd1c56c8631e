import type { Command } from 'commander';
import { stat } from 'node:fs/promises';
import { summaryText } from '../batch/summary.js';
import { InputError } from '../model/errors.js';
import { checkOutputFile, checkOutputFolder } from './output-paths.js';
import { parseUnit } from './batch.js';
import { outputAnalysis } from './output.js';

interface MergeFlags {
  out?: string;
  json?: string;
  unit?: string;
}

export function registerMerge(program: Command, version: string): void {
  program
    .command('merge')
    .summary('join shard folders of a batch, or partial states of one trajectory, into one result')
    .description(
      'Two uses. With folders: the --out folders of `mdpost batch --shard I/N` runs are joined into one folder with the summary a single run ' +
        'gives (trajectories split into parts are joined here). With .mdstate files: the partial states of one trajectory folded in frame ranges ' +
        '(`mdpost analyze --frames A:B --save-state FILE`) are merged — the same merge the worker threads use — into the analysis of the whole run.',
    )
    .argument('<inputs...>', 'batch output folders, or .mdstate files')
    .option('--out <dir>', 'folder for the merged result (default: with folders, the first one)')
    .option('--json <file>', 'with .mdstate files: write the analysis JSON here ("-" for standard output)')
    .option('--unit <unit>', 'with folders: unit of D in the summary (A2/ps, A2/ns, cm2/s; default: the batch\'s)')
    .addHelpText('after', '\nExamples:\n  mdpost merge results/shard-1 results/shard-2 results/shard-3 --out results\n  mdpost merge part-*.mdstate --out report')
    .action(async (inputs: string[], flags: MergeFlags) => {
      const { collect } = await import('../batch/collect.js');
      const { joinParts } = await import('../run/join.js');
      const { loadFold } = await import('../run/state-file.js');
      const kinds = await Promise.all(inputs.map((p) => stat(p).then((s) => (s.isDirectory() ? 'dir' : 'file')).catch(() => 'missing')));
      const missing = inputs.find((_, k) => kinds[k] === 'missing');
      if (missing) throw new InputError(`${missing}: no such file or folder`);
      await checkOutputFolder(flags.out, '--out');
      await checkOutputFile(flags.json, '--json');
      if (kinds.every((k) => k === 'dir')) {
        const summary = await collect(inputs, flags.out ?? inputs[0], version, flags.unit ? parseUnit(flags.unit) : undefined);
        process.stdout.write(summaryText(summary));
        process.stderr.write(`mdpost merge: summary in ${flags.out ?? inputs[0]}/summary.csv, summary.json, summary.html\n`);
        if (summary.failed > 0) process.exitCode = 3;
        return;
      }
      if (!kinds.every((k) => k === 'file')) throw new InputError('give either batch output folders or .mdstate files, not both');
      const result = await joinParts(await Promise.all(inputs.map(loadFold)), inputs);
      await outputAnalysis(result, flags, version);
    });
}

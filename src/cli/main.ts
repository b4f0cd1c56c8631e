import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { totalmem } from 'node:os';
import { ANALYSES } from '../analyses/index.js';
import { msdMemory } from '../analyses/msd.js';
import { FORMATS } from '../io/formats.js';
import { InputError } from '../model/errors.js';
import { registerAnalyze } from './analyze.js';
import { registerBatch } from './batch.js';
import { registerMerge } from './merge.js';
import { registerInfo } from './info.js';
import { registerView } from './view.js';
import { fileSystemError } from './output-paths.js';

const require = createRequire(import.meta.url);
export const VERSION: string = require('../../../package.json').version;

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('mdpost')
    .description(
      'Post-processing of molecular-dynamics trajectories for battery electrolytes: ' +
        `${ANALYSES.all.filter((a) => a.standalone !== false).map((a) => a.title).join('; ')}. ` +
        `Reads ${FORMATS.map((f) => f.name).join(', ')}, plain or gzip-compressed. Lengths are in Å and times in ps unless a unit is given ("200fs", "1ns").`,
    )
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerInfo(program);
  registerAnalyze(program, VERSION);
  registerView(program);
  registerBatch(program, VERSION);
  registerMerge(program, VERSION);
  return program;
}

/** Run the CLI; user errors print one line and exit 2, bugs keep their stack and exit 1. */
export async function main(argv: string[]): Promise<number> {
  // The MSD's default memory budget is a fraction of this machine's memory.
  msdMemory.machineBytes = totalmem();
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    // A command may set an exit code of its own (batch: 3 when some files failed).
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Commander has printed its message; --help and --version are not failures.
      return e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : 2;
    }
    const userError = e instanceof InputError ? e : fileSystemError(e);
    if (userError) {
      process.stderr.write(`mdpost: error: ${userError.message}\n`);
      return 2;
    }
    process.stderr.write(`mdpost: internal error (please report): ${(e as Error)?.stack ?? e}\n`);
    return 1;
  }
}

import { Command, CommanderError } from 'commander';
import { totalmem } from 'node:os';
import { ANALYSES } from '../analyses/index.js';
import { msdMemory } from '../analyses/msd.js';
import { FORMATS } from '../io/formats.js';
import { InputError } from '../model/errors.js';
import { fileSystemError } from './output-paths.js';
import { packageVersion } from '../package-files.js';

export const VERSION: string = packageVersion();

/**
 * The commands, in the order --help lists them, each loaded on demand: a run loads the modules of
 * its own command only (the viewer's server, batch summaries and merging are not read to
 * analyze a file), which is most of the start-up time of a short run.
 */
const COMMANDS: [name: string, register: (program: Command) => Promise<unknown>][] = [
  ['info', async (p) => (await import('./info.js')).registerInfo(p)],
  ['analyze', async (p) => (await import('./analyze.js')).registerAnalyze(p, VERSION)],
  ['view', async (p) => (await import('./view.js')).registerView(p)],
  ['batch', async (p) => (await import('./batch.js')).registerBatch(p, VERSION)],
  ['merge', async (p) => (await import('./merge.js')).registerMerge(p, VERSION)],
];

/** The program with every command, or only `command` when it is one of them. */
export async function buildProgram(command?: string): Promise<Command> {
  const program = new Command();
  program
    .name('mdpost')
    .description(
      'Post-processing of molecular-dynamics trajectories for battery electrolytes: ' +
        `${ANALYSES.all.filter((a) => a.standalone !== false).map((a) => a.title).join('; ')}; ` +
        `and beside an MSD: ${ANALYSES.all.filter((a) => a.standalone === false && a.title).map((a) => a.title).join('; ')}. ` +
        `Reads ${FORMATS.map((f) => f.name).join(', ')}, plain or gzip-compressed. Lengths are in Å and times in ps unless a unit is given ("200fs", "1ns").`,
    )
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const one = COMMANDS.find(([name]) => name === command);
  for (const [, register] of one ? [one] : COMMANDS) await register(program);
  return program;
}

/** Run the CLI; user errors print one line and exit 2, bugs keep their stack and exit 1. */
export async function main(argv: string[]): Promise<number> {
  // The MSD's default memory budget is a fraction of this machine's memory.
  msdMemory.machineBytes = totalmem();
  const program = await buildProgram(argv[0]);
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

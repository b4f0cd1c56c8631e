import type { Command } from 'commander';
import { InputError } from '../model/errors.js';
import { parsePositiveInt } from '../model/parse-options.js';
import { parseLengthA } from '../model/units.js';
import { READ_OPTIONS } from '../pipeline/input-options.js';
import { readSpecFromOptions } from '../pipeline/spec.js';
import { addOptions, schemaValues, trajectoryHelp } from './options.js';

export interface ViewFlags extends Record<string, unknown> {
  port?: string;
  stride?: string;
  highlight?: string;
  shell?: string;
  cutoff?: string;
  analysis?: string;
}

export function registerView(program: Command): void {
  const cmd = program
    .command('view')
    .summary('look at the trajectory in Mol*, frame by frame: ion-pair classes and shells, beside its MSD and g(r)')
    .description(
      'Start a local web server (127.0.0.1 only) with a page that shows the trajectory in Mol*: the unit cell, atoms coloured by element, a frame ' +
        'box and slider with play/pause at a chosen speed, and each highlighted cation coloured by its ion-pair class at the frame shown ' +
        '(SSIP: no anion in its shell, CIP: one anion of its own, AGG: otherwise), its shell partners drawn as whole molecules (periodic ' +
        'boundaries), with a legend. In the page, without restarting: which ions to highlight, the shell atoms, the cutoff (one length, or ' +
        'per partner kind: "H2O=3.2,FSI=3.4"), whether to show the solvent. Click an atom for its index, element, molecule and shell; measure ' +
        'distances and angles (minimum image); export the view as PNG and the frame as PDB or XYZ with its cell. Beside it: the MSD, g(r)/n(r) ' +
        'and ion-pair classes over the run of an analysis of the same file. Large files are subsampled so that at most 2000 frames (256 MB) go ' +
        'to the browser. Ctrl-C stops the server.',
    )
    .argument('<file>', trajectoryHelp());
  addOptions(cmd, READ_OPTIONS, 'view');
  cmd
    .option('--port <n>', 'port to listen on (default: a free one)')
    .option('--stride <n>', 'show every n-th frame', '1')
    .option('--highlight <selection>', 'the ions classed and drawn with their shells at the start (default: the cation, e.g. Na); changeable in the page')
    .option('--shell <selection>', 'atoms that count as shell neighbours (default: O, else heavy atoms); changeable in the page')
    .option('--cutoff <length>', 'shell radius, Å (default: the first minimum of the highlight–shell g(r)); per-kind cutoffs in the page')
    .option('--analysis <file>', 'show this `mdpost analyze --json` result of the same trajectory (same atom count) instead of analysing the file at start')
    .addHelpText('after', '\nExamples:\n  mdpost view trajectories/nafsi-water/nafsi-water.lammpstrj.gz\n  mdpost view run/XDATCAR --dt 1fs --highlight Li --shell S --port 8080')
    .action((file: string, flags: ViewFlags) => runView(file, flags));
}

/**
 * Serve FILE until `until()` settles (by default: Ctrl-C or SIGTERM, listened for only once the
 * server runs, so Ctrl-C while the file is read still ends mdpost at once). A --analysis file of
 * another name or frame count is warned about on stderr (`mdpost: warning:`); one of a trajectory
 * with another atom count is an InputError (exit 2), thrown before the server starts.
 */
export async function runView(file: string, flags: ViewFlags, until: () => Promise<void> = interrupted): Promise<void> {
  const read = schemaValues(flags, READ_OPTIONS, 'view');
  readSpecFromOptions(read); // bad values are refused before the server starts
  const port = flags.port === undefined ? 0 : Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InputError(`--port: expected a port number 0–65535, not ${JSON.stringify(flags.port)}`);
  process.stderr.write(`mdpost view: reading ${file} …\n`);
  // Loaded on use (as the batch modules are): other commands start faster without the server.
  const { defaultWebRoot, startViewer } = await import('../viewer/server.js');
  const server = await startViewer({
    file,
    read,
    port,
    stride: parsePositiveInt(flags.stride ?? '1', '--stride'),
    highlight: flags.highlight ?? null,
    shell: flags.shell ?? null,
    cutoffA: flags.cutoff ? parseLengthA(flags.cutoff, '--cutoff') : null,
    analysisFile: flags.analysis ?? null,
    webRoot: defaultWebRoot(),
  });
  const i = server.info;
  for (const w of server.warnings) process.stderr.write(`mdpost: warning: ${w}\n`);
  for (const n of i.notes) if (!server.warnings.includes(n)) process.stderr.write(`mdpost view: note: ${n}\n`);
  process.stdout.write(
    `mdpost view: ${i.natoms} atoms, ${i.frames} frames (${i.stride === 1 ? 'all' : `every ${i.stride}th of ${i.fileFrames}`}); highlight ${i.highlight.selection} (${i.highlight.atoms.length}), ` +
      `shell ${i.shell.selection} within ${i.shell.cutoffA.toFixed(2)} Å\n${server.url}\n`,
  );
  process.stdout.write('Ctrl-C stops the server.\n');
  try {
    await until();
  } finally {
    await server.close();
  }
}

/** Settles at the first SIGINT or SIGTERM. */
function interrupted(): Promise<void> {
  return new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

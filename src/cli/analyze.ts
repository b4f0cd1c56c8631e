import type { Command } from 'commander';
import { availableParallelism } from 'node:os';
import { ANALYSES } from '../analyses/index.js';
import { parsePositiveInt } from '../model/parse-options.js';
import { analysisOptionDecls, specFromOptions } from '../pipeline/spec.js';
import { analyzeFile, foldFile, type RunOptions } from '../run/analyze-file.js';
import { addOptions, schemaValues, trajectoryHelp } from './options.js';
import { checkOutputFile, checkOutputFolder } from './output-paths.js';
import { progressBar } from './progress.js';
import { untilInterrupted } from './interrupt.js';

interface AnalyzeFlags extends Record<string, unknown> {
  workers?: string;
  out?: string;
  json?: string;
  saveState?: string;
}

export function registerAnalyze(program: Command, version: string): void {
  const decls = analysisOptionDecls(ANALYSES);
  const cmd = program
    .command('analyze')
    .summary('MSD and D, ionic conductivity, g(r) and coordination numbers, solvation shells of one trajectory')
    .description(
      'Compute, in one pass over the trajectory, the mean squared displacement (all time origins, FFT) and the diffusion coefficient ' +
        'D = slope/6 with its standard error for each --msd selection, and the partial radial distribution function g(r) with the running ' +
        'coordination number n(r), the first peak and minimum, the coordination number of the first shell and the distribution of per-ion ' +
        'coordination numbers for each --rdf pair. Molecules (FSI, TFSI, PF6, H2O, mol:FORMULA, …) move as centres of mass in --msd. ' +
        'When a free cation (Li, Na, …) and a known anion (FSI, TFSI, PF6, …) are both given to --msd, the Nernst–Einstein t⁺ is reported.',
    )
    .argument('<file>', trajectoryHelp());
  addOptions(cmd, decls, 'analyze');
  cmd
    .option('--workers <n>', `worker threads (default: the number of cores, ${availableParallelism()}; 1 runs in the main thread)`)
    .option('--save-state <file>', 'save the partial state of these frames for `mdpost merge` instead of finishing')
    .option('--out <dir>', 'write analysis.json, CSV tables, SVG plots and index.html into this folder')
    .option('--json <file>', 'write the results as JSON to this file ("-" for standard output instead of the summary)')
    .addHelpText(
      'after',
      '\nSelections: elements (Na, element Na), atom names (name OW, name H*), LAMMPS types (type 3), residues (resname SOL, resid 1:10),\n' +
        'molecule ids (mol 12), 0-based indices (index 0:15, inclusive), molecules by name\n' +
        '(FSI TFSI PF6 BF4 ClO4 DFOB BOB OTf H2O DME EC PC DMC) or formula (mol:F2NO4S2), combined with and, or, not, ( ).\n' +
        'Names and residues come from --topology (GRO, PDB, LAMMPS data) or an XYZ file\'s labels.\n' +
        'Molecules come from the bonds or mol ids of --topology, the mol column of a LAMMPS dump, or from bonds (covalent radii,\n' +
        'periodic cell); Li⁺, Na⁺, K⁺, Mg²⁺ … are never bonded.\n' +
        '\nUnits: lengths Å, times ps, D in Å²/ps, Å²/ns and cm²/s (1 Å²/ps = 1e-4 cm²/s).\n' +
        '\nExamples:\n' +
        '  mdpost analyze trajectories/nafsi-water/nafsi-water.lammpstrj.gz --msd Na --msd FSI --rdf Na,O --out report\n' +
        '  mdpost analyze XDATCAR --dt 2fs --msd Li --rdf Li,S --remove-drift --fit 2:10\n' +
        '  mdpost analyze dump.lammpstrj --timestep 1fs --type-map 1=Li,2=O --msd Li --json results.json\n' +
        '  mdpost analyze big.lammpstrj --dt 1ps --msd Na --frames 0:5000 --save-state part1.mdstate   (then: mdpost merge part*.mdstate)',
    )
    .action(async (file: string, flags: AnalyzeFlags) => {
      const spec = specFromOptions(file, schemaValues(flags, decls, 'analyze'), ANALYSES);
      const workers = flags.workers ? parsePositiveInt(flags.workers, '--workers') : availableParallelism();
      await checkOutputFile(flags.json, '--json');
      await checkOutputFile(flags.saveState, '--save-state');
      await checkOutputFolder(flags.out, '--out');
      const bar = progressBar('analysing');
      const interrupt = untilInterrupted();
      const run: RunOptions = { workers, onProgress: (d, t) => bar.update(d, t), cancelled: interrupt.signal };
      try {
        if (flags.saveState) {
          const saved = await interrupt.guard(foldFile(spec, run));
          bar.stop();
          await (await import('../run/state-file.js')).saveFold(flags.saveState, saved);
          const s = saved.state;
          process.stdout.write(`${file}: folded frames ${s.firstIndex}–${s.lastIndex} (${s.framesUsed} used); state saved to ${flags.saveState} for mdpost merge\n`);
          for (const w of saved.warnings) process.stderr.write(`mdpost: warning: ${w}\n`);
          return;
        }
        const result = await interrupt.guard(analyzeFile(spec, run));
        bar.stop();
        // The report's code is loaded once there is a result to report.
        const { outputAnalysis } = await import('./output.js');
        await outputAnalysis(result, flags, version);
      } finally {
        bar.stop();
        interrupt.dispose();
      }
    });
}

import type { Command } from 'commander';
import { availableParallelism } from 'node:os';
import { analyzeFile, foldFile } from '../parallel/analyze-file.js';
import { saveFold } from '../parallel/state-file.js';
import { specFromOptions, type SpecOptions } from '../parallel/spec-options.js';
import { parsePositiveInt } from '../model/parse-options.js';
import { outputAnalysis } from './output.js';
import { checkOutputFile, checkOutputFolder } from './output-paths.js';
import { progressBar } from './progress.js';

interface AnalyzeFlags extends SpecOptions {
  workers?: string;
  out?: string;
  json?: string;
  saveState?: string;
}

const collect = (v: string, prev: string[] | undefined) => [...(prev ?? []), v];

export function registerAnalyze(program: Command, version: string): void {
  program
    .command('analyze')
    .summary('MSD and diffusion coefficients, g(r) and coordination numbers of one trajectory')
    .description(
      'Compute, in one pass over the trajectory, the mean squared displacement (all time origins, FFT) and the diffusion coefficient ' +
        'D = slope/6 with its standard error for each --msd selection, and the partial radial distribution function g(r) with the running ' +
        'coordination number n(r), the first peak and minimum, the coordination number of the first shell and the distribution of per-ion ' +
        'coordination numbers for each --rdf pair. Molecules (FSI, TFSI, PF6, H2O, mol:FORMULA, …) move as centres of mass in --msd. ' +
        'When a free cation (Li, Na, …) and a known anion (FSI, TFSI, PF6, …) are both given to --msd, the Nernst–Einstein t⁺ is reported.',
    )
    .argument('<file>', 'trajectory: .xyz, .extxyz, LAMMPS dump, VASP XDATCAR; optionally .gz')
    .option('--msd <selection>', 'MSD and D of a selection: "Na", "FSI", "type 3", "index 0:15", "O and not H2O" (repeatable)', collect)
    .option('--rdf <a,b>', 'g(r) and coordination numbers of a pair of selections, e.g. "Na,O" (repeatable)', collect)
    .option('--dt <time>', 'time between stored frames, e.g. 0.5ps, 500fs (a bare number is ps)')
    .option('--timestep <time>', 'MD integration step, multiplied by the step numbers a LAMMPS dump stores, e.g. 1fs')
    .option('--fit <window>', '"auto" (default) or T0:T1 in ps, e.g. 10:50 or 10ps:50ps', 'auto')
    .option('--begin <time>', 'skip frames before this time (relative to the first frame)')
    .option('--end <time>', 'stop after this time (relative to the first frame)')
    .option('--stride <n>', 'use every n-th frame', '1')
    .option('--rmax <length>', 'largest r of g(r), Å (default and limit: half the smallest cell width)')
    .option('--bins <n>', 'number of g(r) bins (default: bins of 0.02 Å)')
    .option('--remove-drift', 'subtract the motion of the whole system\'s centre of mass (AIMD of small cells drifts)')
    .option('--box <cell>', 'cell for files without one: "a b c" (Å) or nine numbers "ax ay az bx by bz cx cy cz"')
    .option('--type-map <map>', 'elements of LAMMPS types, e.g. "1=O,2=H,3=Na"')
    .option('--format <format>', 'xyz | extxyz | lammps-dump | xdatcar (default: recognised from the content)')
    .option('--workers <n>', `worker threads (default: the number of cores, ${availableParallelism()}; 1 runs in the main thread)`)
    .option('--frames <a:b>', 'only frames a … b−1 (0-based; "a:" to the end): one part of a run split across processes')
    .option('--save-state <file>', 'save the partial state of these frames for `mdpost merge` instead of finishing')
    .option('--out <dir>', 'write analysis.json, CSV tables, SVG plots and index.html into this folder')
    .option('--json <file>', 'write the results as JSON to this file ("-" for standard output instead of the summary)')
    .addHelpText(
      'after',
      '\nSelections: elements (Na, element Na), LAMMPS types (type 3), 0-based indices (index 0:15, inclusive), molecules by name\n' +
        '(FSI TFSI PF6 BF4 ClO4 DFOB BOB OTf H2O DME EC PC DMC) or formula (mol:F2NO4S2), combined with and, or, not, ( ).\n' +
        'Molecules come from the mol column of a LAMMPS dump, or from bonds (covalent radii, periodic cell); Li⁺, Na⁺, K⁺, Mg²⁺ … are never bonded.\n' +
        '\nUnits: lengths Å, times ps, D in Å²/ps, Å²/ns and cm²/s (1 Å²/ps = 1e-4 cm²/s).\n' +
        '\nExamples:\n' +
        '  mdpost analyze trajectories/nafsi-water/nafsi-water.lammpstrj.gz --msd Na --msd FSI --rdf Na,O --out report\n' +
        '  mdpost analyze XDATCAR --dt 2fs --msd Li --rdf Li,S --remove-drift --fit 2:10\n' +
        '  mdpost analyze dump.lammpstrj --timestep 1fs --type-map 1=Li,2=O --msd Li --json results.json\n' +
        '  mdpost analyze big.lammpstrj --dt 1ps --msd Na --frames 0:5000 --save-state part1.mdstate   (then: mdpost merge part*.mdstate)',
    )
    .action(async (file: string, flags: AnalyzeFlags) => {
      const spec = specFromOptions(file, flags);
      const workers = flags.workers ? parsePositiveInt(flags.workers, '--workers') : availableParallelism();
      await checkOutputFile(flags.json, '--json');
      await checkOutputFile(flags.saveState, '--save-state');
      await checkOutputFolder(flags.out, '--out');
      const bar = progressBar('analysing');
      if (flags.saveState) {
        let saved;
        try {
          saved = await foldFile(spec, { workers, onProgress: (d, t) => bar.update(d, t) });
        } finally {
          bar.stop();
        }
        await saveFold(flags.saveState, saved);
        const s = saved.state;
        process.stdout.write(`${file}: folded frames ${s.firstIndex}–${s.lastIndex} (${s.framesUsed} used); state saved to ${flags.saveState} for mdpost merge\n`);
        for (const w of saved.warnings) process.stderr.write(`mdpost: warning: ${w}\n`);
        return;
      }
      let result;
      try {
        result = await analyzeFile(spec, { workers, onProgress: (d, t) => bar.update(d, t) });
      } finally {
        bar.stop();
      }
      await outputAnalysis(result, flags, version);
    });
}


import type { Command } from 'commander';
import { summarizeTrajectory, type TrajectorySummary } from '../io/summary.js';
import { readerOptions } from '../pipeline/plan.js';
import { READ_OPTIONS } from '../pipeline/input-options.js';
import { readSpecFromOptions } from '../pipeline/spec.js';
import { resolveTopology } from '../pipeline/topology.js';
import { formatBytes, formatNumber } from '../report/format.js';
import { addOptions, schemaValues, trajectoryHelp } from './options.js';
import { progressBar } from './progress.js';

interface InfoFlags extends Record<string, unknown> {
  json?: boolean;
}

export function registerInfo(program: Command): void {
  const cmd = program
    .command('info')
    .summary('what a trajectory holds: format, atoms, frames, species, cell, steps and time')
    .description(
      "Read a trajectory once, from start to end, and report what it holds: the format, the number of atoms and frames, " +
        "the atoms of each element, the first frame's cell (lengths in Å, angles in degrees, volume in Å³), " +
        'the step numbers, and the time between frames when the file (or --dt / --timestep) says. ' +
        'A last frame cut off by the end of the file is reported as a warning and not counted.',
    )
    .argument('<file>', trajectoryHelp());
  addOptions(cmd, READ_OPTIONS, 'info');
  cmd
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  mdpost info trajectories/nafsi-water/nafsi-water.lammpstrj.gz\n' +
        '  mdpost info run/XDATCAR --dt 1fs --json\n' +
        '  mdpost info dump.lammpstrj --timestep 1fs --type-map 1=Na,2=N,3=S,4=O,5=F',
    )
    .action(async (file: string, flags: InfoFlags) => {
      const read = readSpecFromOptions(schemaValues(flags, READ_OPTIONS, 'info'));
      const bar = progressBar('reading');
      let summary: TrajectorySummary;
      try {
        summary = await summarizeTrajectory(
          file,
          { ...readerOptions(read), dtPs: read.dtPs, timestepPs: read.timestepPs, unusualTime: read.unusualTime },
          (done, total) => bar.update(done, total),
          (top) => resolveTopology({ file, read }, top),
        );
      } finally {
        bar.stop();
      }
      for (const w of summary.warnings) process.stderr.write(`mdpost: warning: ${w}\n`);
      if (flags.json) process.stdout.write(JSON.stringify(infoJson(summary), null, 2) + '\n');
      else process.stdout.write(infoText(summary));
    });
}

/** The JSON of `mdpost info --json` (contract: format, atoms, frames, species, box, steps, dt_ps). */
export function infoJson(s: TrajectorySummary): Record<string, unknown> {
  return {
    file: s.file,
    format: s.format,
    atoms: s.atoms,
    ...(s.atomsRange ? { atoms_range: s.atomsRange } : {}),
    frames: s.frames,
    species: s.species,
    elements_from: s.elementsFrom,
    ...(s.guessedElements ? { elements_guessed: s.guessedElements } : {}),
    box: s.box,
    box_changes: s.boxChanges,
    steps: s.steps,
    step_interval: s.stepInterval,
    time_ps: s.timePs,
    dt_ps: s.dtPs,
    dt_source: s.dtSource,
    coordinates: s.coordinates,
    ...(Object.keys(s.details).length > 0 ? { details: s.details } : {}),
    compressed: s.compressed,
    file_bytes: s.fileBytes,
    warnings: s.warnings,
  };
}

export function infoText(s: TrajectorySummary): string {
  const rows: [string, string][] = [];
  rows.push(['file', `${s.file} (${formatBytes(s.fileBytes)}${s.compressed ? ', gzip' : ''})`]);
  rows.push(['format', s.format]);
  for (const [label, text] of Object.entries(s.details)) rows.push([label, text]);
  rows.push(['atoms', `${s.atoms}${s.atomsRange ? ` in the first frame (${s.atomsRange[0]}–${s.atomsRange[1]} across frames)` : ''}`]);
  rows.push(['frames', String(s.frames)]);
  const sp = Object.entries(s.species).map(([el, n]) => `${el}: ${n}`).join(', ');
  // A file with LAMMPS types lists them as species; one with neither names nor types stores positions only.
  rows.push(['species', sp || '(unknown: the file stores positions only; give --topology with a GRO, PDB or LAMMPS data file of the same atoms)']);
  if (s.elementsFrom && sp) rows.push(['elements', /^(guessed|none)/.test(s.elementsFrom) ? s.elementsFrom : `from ${s.elementsFrom}`]);
  if (s.box) {
    const b = s.box;
    const f = (x: number) => formatNumber(x, 6);
    rows.push([
      'box',
      `a ${f(b.a)} Å, b ${f(b.b)} Å, c ${f(b.c)} Å; α ${f(b.alpha)}°, β ${f(b.beta)}°, γ ${f(b.gamma)}°; ` +
        `V ${formatNumber(b.volume, 6)} Å³ (${s.orthorhombic ? 'orthorhombic' : 'triclinic'}, first frame${s.boxChanges ? '; changes between frames' : ''})`,
    ]);
  } else rows.push(['box', 'none in the file (give --box for analyses that need one)']);
  rows.push(['coordinates', s.coordinates]);
  if (s.steps) rows.push(['steps', `${s.steps[0]} … ${s.steps[1]}${s.stepInterval !== null ? ` (every ${s.stepInterval})` : ' (unevenly spaced)'}`]);
  if (s.timePs) rows.push(['time', `${formatNumber(s.timePs[0], 6)} … ${formatNumber(s.timePs[1], 6)} ps`]);
  rows.push([
    'dt',
    s.dtPs !== null
      ? `${formatNumber(s.dtPs, 6)} ps between frames (from ${s.dtSource})`
      : 'unknown (the file stores no times; give --dt, or --timestep for LAMMPS steps)',
  ]);
  if (s.dtPs !== null && s.frames > 1) rows.push(['length', `${formatNumber(s.dtPs * (s.frames - 1), 6)} ps`]);
  const w = Math.max(...rows.map((r) => r[0].length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n') + '\n';
}

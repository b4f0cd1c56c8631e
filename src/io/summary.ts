import { stat } from 'node:fs/promises';
import { isOrthorhombic, sameCell, summarizeBox, type Box, type BoxSummary } from '../model/box.js';
import { speciesCounts, type Topology } from '../model/frame.js';
import { frameInterval, type FrameStamp, type TimingOptions } from '../model/timing.js';
import { TrajectoryReader, type OpenOptions } from './reader.js';
import { isGzip } from './source.js';

/** What `mdpost info` reports about a file. */
export interface TrajectorySummary {
  file: string;
  format: string;
  compressed: boolean;
  fileBytes: number;
  atoms: number;
  /** [fewest, most] atoms in a frame, when the count changes between frames. */
  atomsRange: [number, number] | null;
  frames: number;
  species: Record<string, number>;
  /** Where the elements of `species` come from, in words (the file, a topology file, guessed from names). */
  elementsFrom: string | null;
  /** Names or labels and the element each was taken for, where they differ (OW → O). */
  guessedElements: Record<string, string> | null;
  box: BoxSummary | null;
  orthorhombic: boolean | null;
  /** True when the cell changes between frames (NpT). */
  boxChanges: boolean;
  steps: [number, number] | null;
  /** Steps between frames when they are evenly spaced. */
  stepInterval: number | null;
  timePs: [number, number] | null;
  dtPs: number | null;
  dtSource: string | null;
  coordinates: 'unwrapped' | 'wrapped with image flags' | 'as stored';
  /** What the format adds (XTC precision, TRR precision, DCD layout and time step), labelled. */
  details: Record<string, string>;
  warnings: string[];
}

/** The atoms' identity as the caller resolves it from the file's own (with a topology file, say). */
export interface ResolvedSpecies {
  topology: Topology;
  elementsFrom: string;
  guessed: [string, string][];
  /** Warnings about the resolution. */
  notes: string[];
}

export async function summarizeTrajectory(
  path: string,
  options: OpenOptions & TimingOptions,
  onProgress?: (done: number, total: number) => void,
  resolveTopology?: (fromFile: Topology) => Promise<ResolvedSpecies>,
): Promise<TrajectorySummary> {
  const reader = await TrajectoryReader.open(path, options);
  let resolved: ResolvedSpecies | null = null;
  let frames = 0;
  let minAtoms = Infinity, maxAtoms = -Infinity;
  let firstBox: ReturnType<typeof summarizeBox> | null = null;
  let firstCell: Box | null = null;
  let boxChanges = false;
  let ortho: boolean | null = null;
  const stamps: FrameStamp[] = [];
  let firstStep: number | null = null, lastStep: number | null = null;
  let prevStep: number | null = null;
  let interval: number | null | undefined = undefined;
  let firstTime: number | null = null, lastTime: number | null = null;
  let coordinates: TrajectorySummary['coordinates'] = 'as stored';
  for await (const f of reader.frames()) {
    if (frames === 0) {
      // Resolved after the first frame, so a topology file of another atom count stops at once.
      if (resolveTopology && reader.topology) resolved = await resolveTopology(reader.topology);
      if (f.box) {
        firstBox = summarizeBox(f.box);
        firstCell = { matrix: f.box.matrix.slice(), origin: f.box.origin.slice(), pbc: f.box.pbc };
        ortho = isOrthorhombic(f.box);
      }
      firstStep = f.step;
      firstTime = f.timePs;
      coordinates = f.unwrapped ? 'unwrapped' : f.images ? 'wrapped with image flags' : 'as stored';
    } else if (!boxChanges && firstCell && f.box && !sameCell(firstCell, f.box)) {
      boxChanges = true;
    }
    if (stamps.length < 2) stamps.push({ step: f.step, timePs: f.timePs });
    if (f.step !== null) {
      if (prevStep !== null) {
        const d = f.step - prevStep;
        if (interval === undefined) interval = d;
        else if (interval !== d) interval = null;
      }
      prevStep = f.step;
      lastStep = f.step;
    }
    lastTime = f.timePs;
    minAtoms = Math.min(minAtoms, f.natoms);
    maxAtoms = Math.max(maxAtoms, f.natoms);
    frames++;
    if (onProgress && (frames & 15) === 0) {
      const p = reader.progress();
      onProgress(p.done, p.total);
    }
  }
  const top = resolved?.topology ?? reader.topology;
  const timing = frameInterval(options, stamps[0] ?? null, stamps[1] ?? null, path);
  return {
    file: path,
    format: reader.format,
    compressed: await isGzip(path),
    fileBytes: (await stat(path)).size,
    atoms: top?.natoms ?? 0,
    atomsRange: frames > 0 && minAtoms !== maxAtoms ? [minAtoms, maxAtoms] : null,
    frames,
    species: top ? Object.fromEntries(speciesCounts(top)) : {},
    elementsFrom: resolved?.elementsFrom ?? null,
    guessedElements: resolved && resolved.guessed.length > 0 ? Object.fromEntries(resolved.guessed) : null,
    box: firstBox,
    orthorhombic: ortho,
    boxChanges,
    steps: firstStep !== null && lastStep !== null ? [firstStep, lastStep] : null,
    stepInterval: interval ?? null,
    timePs: firstTime !== null && lastTime !== null ? [firstTime, lastTime] : null,
    dtPs: timing.dtPs,
    dtSource: timing.source,
    coordinates,
    details: reader.details(),
    warnings: [...(resolved?.notes ?? []), ...reader.notes, ...reader.warnings],
  };
}

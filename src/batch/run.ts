import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ANALYSES } from '../analyses/index.js';
import { formatByName } from '../io/formats.js';
import { TrajectoryReader } from '../io/reader.js';
import { isGzip } from '../io/source.js';
import { InputError } from '../model/errors.js';
import { planSlices } from '../parallel/slices.js';
import { makePlan, readerOptions } from '../pipeline/plan.js';
import type { AnalysisSpec } from '../pipeline/spec.js';
import { documentOf } from '../report/document.js';
import { writeReport } from '../report/write.js';
import { analyzeFile, foldFile } from '../run/analyze-file.js';
import { saveFold } from '../run/state-file.js';
import { entryFingerprint, type BatchEntry } from './job.js';

/**
 * Running a batch's entries one after the other (each with all the machine's threads), every
 * result in its own folder with a meta.json saying how it went. A failing file is recorded and
 * the batch goes on; a result whose file and options have not changed since is kept (unless
 * forced), so an interrupted or extended batch resumes where it was.
 */
export interface EntryMeta {
  index: number;
  id: string;
  file: string;
  label: string;
  temperatureK: number | null;
  part: { k: number; n: number } | null;
  status: 'ok' | 'failed';
  error?: string;
  fingerprint: string;
  seconds: number;
  framesUsed?: number;
}

export interface EntryOutcome {
  entry: BatchEntry;
  status: 'ok' | 'failed' | 'up to date';
  error?: string;
  seconds: number;
}

export interface RunBatchOptions {
  out: string;
  force: boolean;
  workers: number;
  version: string;
  /** Called before and after each entry, for progress reports. */
  onEntry?: (event: { entry: BatchEntry; position: number; of: number; outcome?: EntryOutcome; bytesDone: number; bytesTotal: number }) => void;
  onProgress?: (done: number, total: number) => void;
}

export async function readMeta(dir: string): Promise<EntryMeta | null> {
  try {
    return JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as EntryMeta;
  } catch {
    return null;
  }
}

export async function runEntries(entries: BatchEntry[], options: RunBatchOptions): Promise<EntryOutcome[]> {
  const sizes = await Promise.all(entries.map((e) => stat(e.file).then((s) => s.size / (e.part?.n ?? 1)).catch(() => 0)));
  const total = sizes.reduce((a, b) => a + b, 0);
  let done = 0;
  const outcomes: EntryOutcome[] = [];
  const splits = new Map<string, Promise<PartRange[]>>();
  for (const [position, entry] of entries.entries()) {
    options.onEntry?.({ entry, position, of: entries.length, bytesDone: done, bytesTotal: total });
    const dir = join(options.out, entry.id);
    const fingerprint = await entryFingerprint(entry, options.version);
    const old = await readMeta(dir);
    let outcome: EntryOutcome;
    if (!options.force && old?.status === 'ok' && old.fingerprint === fingerprint) {
      outcome = { entry, status: 'up to date', seconds: 0 };
    } else {
      const t0 = performance.now();
      const meta: EntryMeta = { index: entry.index, id: entry.id, file: entry.file, label: entry.label, temperatureK: entry.temperatureK, part: entry.part, status: 'ok', fingerprint, seconds: 0 };
      try {
        await mkdir(dir, { recursive: true });
        const progress = (d: number, t: number) => options.onProgress?.(done + (t > 0 ? (d / t) * sizes[position] : 0), total);
        if (entry.part) {
          if (!splits.has(entry.file)) splits.set(entry.file, partRanges(entry.spec, entry.part.n));
          const range = (await splits.get(entry.file)!)[entry.part.k];
          const saved = await foldFile({ ...entry.spec, frames: { ...entry.spec.frames, range: range.frames, byteRange: range.byteRange } }, { workers: options.workers, onProgress: progress });
          await saveFold(join(dir, 'part.mdstate'), saved);
          meta.framesUsed = saved.state.framesUsed;
        } else {
          const result = await analyzeFile(entry.spec, { workers: options.workers, onProgress: progress });
          await writeReport(dir, documentOf(result, ANALYSES, options.version), ANALYSES);
          meta.framesUsed = result.framesUsed;
        }
      } catch (e) {
        meta.status = 'failed';
        meta.error = e instanceof InputError ? e.message : `internal error: ${(e as Error)?.stack ?? e}`;
      }
      meta.seconds = (performance.now() - t0) / 1000;
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'meta.json'), JSON.stringify(meta, null, 1) + '\n');
      outcome = { entry, status: meta.status, error: meta.error, seconds: meta.seconds };
    }
    done += sizes[position];
    outcomes.push(outcome);
    options.onEntry?.({ entry, position, of: entries.length, outcome, bytesDone: done, bytesTotal: total });
  }
  return outcomes;
}

export interface PartRange {
  frames: [number, number | null];
  byteRange: AnalysisSpec['frames']['byteRange'];
}

/**
 * The frame ranges of a file cut into n parts: at frame markers of an uncompressed LAMMPS dump or
 * XDATCAR (each part then reads only its bytes), otherwise by counting the frames (one pass).
 * The same on every machine, since it depends only on the file.
 */
export async function partRanges(spec: AnalysisSpec, n: number): Promise<PartRange[]> {
  const plan = await makePlan({ ...spec, frames: { ...spec.frames, range: null, byteRange: null } }, ANALYSES);
  if (!(await isGzip(spec.file)) && formatByName(plan.format).framing?.kind === 'marker') {
    const slices = (await planSlices(plan, n, 1)) ?? [];
    if (slices.length === n) {
      return slices.map((s, k) => ({ frames: [s.firstFrame, k + 1 < n ? slices[k + 1].firstFrame : null], byteRange: { start: s.start, end: s.end, firstFrame: s.firstFrame } }));
    }
  }
  const reader = await TrajectoryReader.open(spec.file, readerOptions(spec.read));
  let frames = 0;
  for await (const _ of reader.frames()) frames++;
  return Array.from({ length: n }, (_, k) => ({ frames: [Math.floor((k * frames) / n), k + 1 < n ? Math.floor(((k + 1) * frames) / n) : null] as [number, number | null], byteRange: null }));
}

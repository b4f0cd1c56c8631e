import { TrajectoryReader } from '../io/reader.js';
import { Folder } from './fold.js';
import { finish, msdWork, type AnalysisResult } from './finish.js';
import { makePlan, readerOptions } from './plan.js';
import type { AnalysisSpec } from './spec.js';

export interface RunOptions {
  onProgress?: (doneBytes: number, totalBytes: number) => void;
}

/** Analyse one trajectory in this thread: plan, fold every frame, finish. */
export async function analyzeFile(spec: AnalysisSpec, options: RunOptions = {}): Promise<AnalysisResult> {
  const plan = await makePlan(spec);
  const reader = await TrajectoryReader.open(spec.file, readerOptions(spec));
  const folder = new Folder(plan);
  let n = 0;
  for await (const frame of reader.frames()) {
    if (folder.done(frame.index)) break;
    folder.add(frame);
    if (options.onProgress && (++n & 7) === 0) {
      const p = reader.progress();
      options.onProgress(p.done, p.total);
    }
  }
  const result = await finish(plan, folder.state(), async (series) => msdWork(series, 0, series.particles));
  result.warnings.push(...reader.warnings);
  return result;
}

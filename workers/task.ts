/**
 * Worker-thread entry point (run by the piscina pool of src/parallel/pool.ts): one task in,
 * its result out.
 *
 * Results are copied back, not transferred. Transferring an ArrayBuffer detaches it, and the
 * first detach in a thread makes V8 throw away every optimised function of that thread that
 * reads typed arrays (they were compiled on the promise that no buffer is ever detached) and
 * compile them again with checks: measured on a 42 903-atom dump, a worker's second slice then
 * re-optimised the row parser, the cell grid and the g(r) kernels, ~0.3 s of compiling per
 * thread. A result is at most a few MB (per-particle series of the ions an analysis reads), which
 * copies in milliseconds.
 */
import { foldSlice, runAnalysisTask, type Task } from '../src/parallel/task.js';
import { trace } from '../src/trace.js';

trace('worker loaded');

export default async function run(task: Task): Promise<unknown> {
  if (task.kind === 'fold') return foldSlice(task);
  return runAnalysisTask(task);
}

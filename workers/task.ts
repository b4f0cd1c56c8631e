/**
 * Worker-thread entry point (run by the piscina pool of src/parallel/pool.ts): one task in,
 * its result out, with typed arrays moved rather than copied.
 */
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { foldSlice, runAnalysisTask, type Task } from '../src/parallel/task.js';
import { trace } from '../src/trace.js';

trace('worker loaded');

/** Wrap a result so that the ArrayBuffers under its typed arrays are transferred. */
function moving(value: unknown): unknown {
  const buffers = new Set<ArrayBuffer>();
  const visit = (x: unknown) => {
    if (ArrayBuffer.isView(x)) {
      if (x.buffer instanceof ArrayBuffer) buffers.add(x.buffer);
    } else if (Array.isArray(x)) x.forEach(visit);
    else if (x && typeof x === 'object') Object.values(x).forEach(visit);
  };
  visit(value);
  return move({
    get [transferableSymbol]() {
      return [...buffers];
    },
    get [valueSymbol]() {
      return value as object;
    },
  });
}

export default async function run(task: Task): Promise<unknown> {
  if (task.kind === 'fold') return moving(await foldSlice(task));
  return moving(runAnalysisTask(task));
}

import { isMainThread, threadId } from 'node:worker_threads';

/**
 * Phase timings on stderr when MDPOST_TRACE is set (for finding where a run spends its time).
 * Times count from the start of the process, in worker threads too (the main thread leaves its
 * start time in the environment the workers inherit), so the lines of all threads line up.
 */
if (isMainThread && process.env.MDPOST_TRACE) process.env.MDPOST_TRACE_ORIGIN = String(performance.timeOrigin);
const origin = Number(process.env.MDPOST_TRACE_ORIGIN ?? performance.timeOrigin);

export function trace(label: string): void {
  if (!process.env.MDPOST_TRACE) return;
  const ms = performance.timeOrigin + performance.now() - origin;
  // This thread's CPU time too: on a shared machine the wall clock also counts other programs' turns.
  const cpu = process.cpuUsage();
  process.stderr.write(`[mdpost ${ms.toFixed(0).padStart(6)} ms, cpu ${((cpu.user + cpu.system) / 1000).toFixed(0).padStart(5)} ms${isMainThread ? '' : ` thread ${threadId}`}] ${label}\n`);
}

/** Phase timings on stderr when MDPOST_TRACE is set (for finding where a run spends its time). */
const t0 = performance.now();
export function trace(label: string): void {
  if (process.env.MDPOST_TRACE) process.stderr.write(`[mdpost ${(performance.now() - t0).toFixed(0).padStart(6)} ms] ${label}\n`);
}

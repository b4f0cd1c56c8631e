import { Cancelled } from '../run/analyze-file.js';

/**
 * Ctrl-C during a long run: the run is told to stop (its worker pool shuts down), and the command
 * ends with exit code 130, the shell's code for an interrupted program — whatever was still
 * folding in this thread is abandoned with the process.
 */
export interface Interrupt {
  /** Settles at the first SIGINT. */
  signal: Promise<void>;
  /** Await a run; if it was stopped by Ctrl-C, end the process with 130. */
  guard<T>(run: Promise<T>): Promise<T>;
  dispose(): void;
}

export function untilInterrupted(): Interrupt {
  let onSigint = () => {};
  const signal = new Promise<void>((resolve) => {
    onSigint = () => resolve();
  });
  process.once('SIGINT', onSigint);
  return {
    signal,
    async guard(run) {
      try {
        return await run;
      } catch (e) {
        if (e instanceof Cancelled) process.exit(130);
        throw e;
      }
    },
    dispose: () => process.removeListener('SIGINT', onSigint),
  };
}

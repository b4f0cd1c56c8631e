/** How analyzeFile runs: threads, progress, cancelling, and how the work is cut. */
export interface RunOptions {
  /** Worker threads; 1 (the default) runs everything in this thread. */
  workers?: number;
  onProgress?: (doneBytes: number, totalBytes: number) => void;
  /**
   * Below this many (decompressed) bytes one thread is faster than starting workers
   * (default 32 MB). Tests lower it, with the slice and batch sizes, to cut small files finely.
   */
  minParallelBytes?: number;
  sliceBytes?: number;
  batchBytes?: number;
  /** Smallest piece of a slice handed to an idle thread (default 1 MB); tests lower it. */
  stealBytes?: number;
  /** Settles when the run should stop (the command's Ctrl-C): the pool is shut down and the run rejects. */
  cancelled?: Promise<unknown>;
}

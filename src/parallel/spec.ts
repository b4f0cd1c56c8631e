/**
 * What to compute on one trajectory: plain data, so that it crosses to worker threads and into
 * batch job files unchanged. Lengths in Å, times in ps.
 */
export interface AnalysisSpec {
  file: string;
  format?: string | null;
  /** Cell vectors (9 numbers) for files without a cell. */
  box?: number[] | null;
  /** LAMMPS type → element. */
  typeMap?: [number, string][] | null;
  dtPs?: number | null;
  timestepPs?: number | null;
  msd: string[];
  rdf: [string, string][];
  rmaxA?: number | null;
  bins?: number | null;
  /** 'auto', or a window [from, to] in ps. */
  fit: 'auto' | [number, number];
  beginPs?: number | null;
  endPs?: number | null;
  stride: number;
  removeDrift: boolean;
  /** Fold only frames first ≤ index < end (null: to the end): one part of a run split across processes. */
  frames?: [number, number | null] | null;
  /**
   * Where the part's first frame starts in the (uncompressed) file, when the caller knows it
   * (a batch that cut the file at frame markers): reading starts there instead of at the top.
   */
  byteRange?: { start: number; end: number; firstFrame: number } | null;
}

export function defaultSpec(file: string): AnalysisSpec {
  return { file, msd: [], rdf: [], fit: 'auto', stride: 1, removeDrift: false };
}

/** Default g(r) resolution when --bins is not given: 0.02 Å per bin. */
export const DEFAULT_BIN_WIDTH_A = 0.02;

import type { Box } from '../model/box.js';
import type { Frame, Topology } from '../model/frame.js';
import { NEED_MORE, type Scanner } from './scanner.js';

export const FORMATS = ['xyz', 'extxyz', 'lammps-dump', 'xdatcar'] as const;
export type FormatName = (typeof FORMATS)[number];

/** What a parser carries from frame to frame and a reader of a later slice needs (plain data). */
export type ParserState = Record<string, unknown>;

export interface ReaderOptions {
  /** Cell for formats that do not store one (plain XYZ), or to override nothing else. */
  box?: Box | null;
  /** LAMMPS type → element symbol, for dumps without an `element` column. */
  typeMap?: Map<number, string> | null;
  /** Skip building the topology (a worker reading a slice already has it). */
  topologyKnown?: boolean;
}

/**
 * One format's frame parser. It keeps whatever a format carries from frame to frame (the
 * XDATCAR header, the LAMMPS id → slot map) and fills the caller's Frame with arrays it owns.
 */
export interface FrameParser {
  /**
   * Parse the frame that starts at `s.pos` into `frame` and leave `s.pos` at the next one.
   * Returns false at a clean end of the data. Throws NEED_MORE or TRUNCATED (see Scanner) or a
   * ParseError.
   */
  next(s: Scanner, frame: Frame): boolean;
  /** Identity of the atoms, known once the first frame is read. */
  readonly topology: Topology | null;
  exportState?(): ParserState | null;
  importState?(state: ParserState): void;
}

/** Skip blank lines before a frame; false when nothing but blanks is left in the file. */
export function skipBlankLines(s: Scanner): boolean {
  for (;;) {
    if (s.atEnd()) {
      if (!s.eof) throw NEED_MORE;
      return false;
    }
    if (!s.atEol()) return true;
    s.skipLine();
  }
}

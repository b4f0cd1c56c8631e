import type { Box } from '../model/box.js';
import type { Frame, Topology } from '../model/frame.js';
import type { FrameStamp } from '../model/timing.js';
import { NEED_MORE } from './byte-cursor.js';
import type { Scanner } from './scanner.js';

/**
 * The format contract: every trajectory format mdpost reads is one module of this shape, listed
 * once in the registry (formats.ts). Sniffing, the reader, slicing a file for worker threads,
 * cutting a gzip stream into batches and `info` ask the module; none of them names a format.
 *
 *   sniff(head)            is this file in this format? (its first bytes; names are not trusted)
 *   createParser(options)  a parser that reads one frame from a byte cursor (text formats use
 *                          the Scanner, binary ones the ByteCursor beneath it)
 *   framing                how frame starts are found in a byte range without parsing — by a
 *                          marker with a stamp, by counting lines, or not at all (then the file
 *                          is read by one thread)
 */
export interface TrajectoryFormat {
  /** Canonical name, as `--format` takes it and reports print it. */
  readonly name: string;
  readonly aliases: readonly string[];
  /** For messages: "a LAMMPS dump (\"ITEM: TIMESTEP\")". */
  readonly description: string;
  readonly binary: boolean;
  /** How to give the time between frames when the file does not say (for error messages). */
  readonly timeHint?: string;
  /** Whether the first bytes of a file (up to 64 kB; as text: latin1) are this format's. */
  sniff(head: Buffer, text: string): boolean;
  createParser(options: ReaderOptions): FrameParser;
  readonly framing: Framing | null;
  /** Its parser honours ReaderOptions.atoms, skipping the work of the atoms not asked for. */
  readonly readsSomeAtoms?: boolean;
  /** Its parser honours ReaderOptions.stampsOnly, stepping over the atoms of a frame. */
  readonly readsStampsOnly?: boolean;
}

/** Frames every fixed number of lines (XYZ: the atom count, a comment, one line per atom). */
export interface LineFraming {
  readonly kind: 'lines';
  linesPerFrame(natoms: number): number;
  /**
   * Which line of a frame `isStartLine` is shown, counted from 0 at the frame's first line (0 when
   * absent): GRO frames open with a free-text title, so their check is on the count line, 1.
   */
  readonly startCheckLine?: number;
  /** Whether that line, where counting puts a frame start, is what it must be (the atom count line, for XYZ and GRO). */
  isStartLine(line: string, natoms: number): boolean;
}

/** Frames that start with a marker and carry a stamp (step or time) that numbers them. */
export interface MarkerFraming {
  readonly kind: 'marker';
  /** What finding frames needs from the head of the file (XDATCAR: its title line). */
  context?(head: Buffer, natoms: number): Record<string, unknown>;
  /**
   * The first frame start at or after `from` in buf[0, end) — buf holds a part of the stream
   * that begins at a line start (or, for binary formats, anywhere); −1 when none is there
   * complete enough to tell. `base` is the stream offset of buf[0]: binary formats need it for
   * the file's alignment, and formats of fixed-size frames (DCD) find starts from it by
   * arithmetic alone. Text formats ignore it.
   */
  findStart(buf: Buffer, from: number, end: number, ctx: FramingContext, base: number): number;
  /**
   * The stamp of the frame that starts at buf[offset] (its first few kB are in buf), or null:
   * its step or time, from which the frame's number follows, or the number itself (`index`).
   * `base` is the stream offset of buf[0], as for findStart.
   */
  stampAt(buf: Buffer, offset: number, end: number, ctx: FramingContext, base: number): (FrameStamp & { index?: number }) | null;
}

export type Framing = LineFraming | MarkerFraming;

/** The file-specific facts framing needs: the format's name, the atom count and the format's context. */
export interface FramingContext {
  format: string;
  natoms: number;
  [key: string]: unknown;
}

/** What a parser carries from frame to frame and a reader of a later slice needs (plain data). */
export type ParserState = Record<string, unknown>;

export interface ReaderOptions {
  /** Cell for formats that do not store one (plain XYZ). */
  box?: Box | null;
  /** LAMMPS type → element symbol, for dumps without an `element` column. */
  typeMap?: Map<number, string> | null;
  /** Skip building the topology (a worker reading a slice already has it). */
  topologyKnown?: boolean;
  /**
   * The only atoms whose positions the caller reads (null or absent: all). A format may leave the
   * others' positions stale when that saves work (XTC decodes only the steps of its bit stream
   * that hold them).
   */
  atoms?: Int32Array | null;
  /**
   * Read each frame's stamps (step, time) and cell only; its positions are left stale. For the
   * plan, which needs the second frame's stamps alone. Formats that do not declare
   * readsStampsOnly read the atoms anyway.
   */
  stampsOnly?: boolean;
}

/**
 * One format's frame parser. It keeps whatever a format carries from frame to frame (the
 * XDATCAR header, the LAMMPS id → slot map) and fills the caller's Frame with arrays it owns.
 */
export interface FrameParser {
  /**
   * Parse the frame that starts at `s.pos` into `frame` and leave `s.pos` at the next one.
   * Returns false at a clean end of the data. Throws NEED_MORE or TRUNCATED (see ByteCursor)
   * or a ParseError.
   */
  next(s: Scanner, frame: Frame): boolean;
  /** Identity of the atoms, known once the first frame is read. */
  readonly topology: Topology | null;
  /** What the user should know about how the file was read (an assumed unit, …), once each. */
  readonly notes?: readonly string[];
  exportState?(): ParserState | null;
  importState?(state: ParserState): void;
  /**
   * What `info` shows about the file beyond atoms, frames, cell and times, as labelled text
   * (XTC: the precision; DCD: its layout and cell convention), from the frames read so far.
   */
  details?(): Record<string, string>;
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

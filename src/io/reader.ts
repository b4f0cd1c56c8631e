import { InputError, ParseError } from '../model/errors.js';
import { withRoom } from '../model/grow.js';
import type { Frame, Topology } from '../model/frame.js';
import { NEED_MORE, TRUNCATED } from './byte-cursor.js';
import type { FrameParser, ParserState, ReaderOptions, TrajectoryFormat } from './format.js';
import { Scanner } from './scanner.js';
import { detectFormat } from './sniff.js';
import { bufferSource, openByteSource, type ByteRange, type ByteSource } from './source.js';

export interface OpenOptions extends ReaderOptions {
  /** Format name; sniffed from the content when absent. */
  format?: string | null;
  /**
   * Read only a slice of the (decompressed) stream, which must start at a frame: the byte range
   * [start, end) of an uncompressed file, or `bytes` already in memory that begin at `start`.
   * `firstFrame` numbers its first frame; `firstLine` is the line number there, when known.
   */
  range?: ByteRange & { firstFrame: number; firstLine: number | null; bytes?: Buffer };
  /** What the parser carried from the frames before the slice (XDATCAR header, LAMMPS units). */
  parserState?: ParserState | null;
  /** Skip building the topology (a worker reading a slice already has it). */
  topologyKnown?: boolean;
  /**
   * Initial read-buffer size in bytes, at most (grows to hold at least one frame); the default
   * is the format kind's (DEFAULT_BUFFER, DEFAULT_BINARY_BUFFER) when that is smaller.
   */
  bufferBytes?: number;
}

/**
 * Read buffer of a whole pass: text frames are parsed in place, and the part of a frame left at
 * a buffer's end is moved to its start before each refill, so a large buffer moves less.
 */
const DEFAULT_BUFFER = 16 << 20;
/**
 * Read buffer of a pass over a binary file. Binary frames are compact (an XTC frame of 40 000
 * atoms is ~150 kB), so 1 MB holds several; a larger buffer costs its page faults on first use,
 * ~0.8 ms per MB here, as much as the reads of a 19 MB XTC from the page cache.
 */
const DEFAULT_BINARY_BUFFER = 1 << 20;
const MAX_BUFFER = 2 ** 31 - 2;

/**
 * The read buffer of this thread's last finished pass, for the next one: a buffer the process
 * has written is mapped already, where a new one faults in each page on its first fill. No
 * frame, parser or cache keeps a view of a pass's buffer past its end (parsers copy what they
 * keep; the cached views of row-compiler.ts and binary-frames.ts are renewed when the buffer changes).
 */
let spare: Buffer | null = null;

/** A buffer of at least `bytes`: the spare one when it is large enough. */
function takeBuffer(bytes: number): Buffer {
  const b = spare;
  if (b !== null && b.length >= bytes) {
    spare = null;
    return b;
  }
  return Buffer.allocUnsafe(bytes);
}

/** Keep the larger of `buf` and the spare for the next pass (only one: memory stays bounded). */
function giveBack(buf: Buffer): void {
  if (buf.length <= MAX_SPARE_BYTES && (spare === null || buf.length > spare.length)) spare = buf;
}

/** Buffers grown past this (a frame larger than 64 MB) are not kept. */
const MAX_SPARE_BYTES = 64 << 20;

/**
 * Streams the frames of one trajectory. Memory is the read buffer (a few frames' worth) plus one
 * frame's arrays, whatever the length of the file; each byte is read once. A last frame cut off
 * by the end of the file (a run still writing) is dropped with a warning.
 */
export class TrajectoryReader {
  readonly warnings: string[] = [];
  /** Frames delivered so far. */
  framesRead = 0;
  /** Largest read buffer used, bytes: a few frames' worth, whatever the file's length. */
  bufferBytes = 0;
  /** Frames whose parse ran out of data and began again after a refill (a frame larger than the one before it). */
  framesReparsed = 0;
  /**
   * The cut-off last frame, if any. Its warning is in `warnings` when the line is known; a
   * reader of a slice leaves the line to the caller (truncationWarning).
   */
  truncated: { frame: number; line: number | null; offset: number } | null = null;
  /**
   * Where the next frame begins (stream offset), its number and its line (null when unknown):
   * after each frame is delivered, the point at which the rest of the range could be cut.
   */
  readonly next: { offset: number; frame: number; line: number | null } = { offset: 0, frame: 0, line: null };
  private source: ByteSource | null = null;
  private stopOffset = Infinity;

  private constructor(
    readonly path: string,
    readonly fileFormat: TrajectoryFormat,
    private readonly parser: FrameParser,
    private readonly options: OpenOptions,
  ) {}

  static async open(path: string, options: OpenOptions = {}): Promise<TrajectoryReader> {
    const format = await detectFormat(path, options.format);
    const parser = format.createParser(options);
    if (options.parserState) parser.importState?.(options.parserState);
    return new TrajectoryReader(path, format, parser, options);
  }

  /** The format's name. */
  get format(): string {
    return this.fileFormat.name;
  }

  /** Whether the format skips the atoms not in OpenOptions.atoms (the others' positions are then stale). */
  get readsSomeAtoms(): boolean {
    return this.fileFormat.readsSomeAtoms === true;
  }

  /** Whether the format can read a frame's stamps without its atoms (OpenOptions.stampsOnly). */
  get readsStampsOnly(): boolean {
    return this.fileFormat.readsStampsOnly === true;
  }

  /** What the parser carries to later frames, for readers of later slices of the same file. */
  parserState(): ParserState | null {
    return this.parser.exportState?.() ?? null;
  }

  /** What the format tells about the file beyond its frames (XTC precision, DCD layout), for `info`. */
  details(): Record<string, string> {
    return this.parser.details?.() ?? {};
  }

  /** How the parser read the file (an assumed unit, …): for the plan and `info` to report. */
  get notes(): readonly string[] {
    return this.parser.notes ?? [];
  }

  /** Atoms' identity; available once the first frame has been read. */
  get topology(): Topology | null {
    return this.parser.topology;
  }

  /** Bytes of the file consumed and in total, for progress bars. */
  progress(): { done: number; total: number } {
    return { done: this.source?.fileBytesRead ?? 0, total: this.source?.fileBytes ?? 0 };
  }

  /**
   * Deliver no frame that starts at or after `offset` (a frame start): the range ends there
   * instead, and another reader takes the rest (work stealing between threads).
   */
  stopAt(offset: number): void {
    this.stopOffset = offset;
  }

  /** The frames in order. The yielded Frame object and its arrays are reused for the next frame. */
  async *frames(): AsyncGenerator<Frame> {
    const range = this.options.range;
    const source = range?.bytes ? bufferSource(range.bytes) : await openByteSource(this.path, range);
    this.source = source;
    // Binary files have no lines: their places are byte offsets.
    const binary = this.fileFormat.binary;
    const lineKnown = !binary && (!range || range.firstLine !== null);
    const s = new Scanner(this.path);
    let cap = Math.min(this.options.bufferBytes ?? Infinity, binary ? DEFAULT_BINARY_BUFFER : DEFAULT_BUFFER);
    let buf = takeBuffer(cap + 1);
    let start = 0; // offset in buf of the frame being parsed
    let end = 0; // end of valid data in buf
    let base = range ? range.start : 0; // stream offset of buf[0]
    let eof = false;
    let line = range?.firstLine ?? 1;
    let index = range?.firstFrame ?? 0;
    Object.assign(this.next, { offset: base, frame: index, line: lineKnown ? line : null });
    const frame: Frame = {
      index: 0,
      step: null,
      timePs: null,
      natoms: 0,
      positions: new Float64Array(0),
      unwrapped: false,
      images: null,
      box: null,
    };

    const fill = async () => {
      if (start > 0) {
        buf.copyWithin(0, start, end);
        end -= start;
        base += start;
        start = 0;
      }
      if (end === cap) {
        if (cap >= MAX_BUFFER) throw new InputError(`${this.path}: frame ${index} is larger than 2 GiB (or the file has no line breaks)`);
        cap = Math.min(MAX_BUFFER, cap * 2);
        buf = withRoom(buf, end, cap + 1);
      }
      this.bufferBytes = cap;
      while (end < cap && !eof) {
        const n = await source.read(buf, end, cap - end);
        if (n === 0) eof = true;
        end += n;
      }
    };

    try {
      await fill();
      let frameBytes = 0; // length of the last frame parsed
      for (;;) {
        if (base + start >= this.stopOffset) break;
        // Refill before a frame that may not fit in what is left, rather than when the parser
        // runs out inside it: that would unwind the parser by an exception and parse the frame
        // again from its start (measured at 5–20 ms per refill, a fifth of all parsing time).
        if (!eof && end - start < frameBytes + (frameBytes >> 2) + 4096) await fill();
        s.reset(buf, end, eof);
        s.base = base;
        s.pos = start;
        s.lineStart = start;
        s.line = line;
        let ok: boolean;
        try {
          ok = this.parser.next(s, frame);
        } catch (e) {
          if (e === NEED_MORE) {
            if (eof) throw new Error('internal: parser asked for more data at the end of the file');
            this.framesReparsed++;
            await fill();
            continue;
          }
          if (e === TRUNCATED) {
            this.truncated = { frame: index, line: lineKnown ? line : null, offset: base + start };
            if (lineKnown || binary) this.warnings.push(truncationWarning(this.path, this.truncated.frame, lineKnown ? line : null, base + start));
            break;
          }
          if (e instanceof ParseError) {
            e.setFrame(index);
            if (!lineKnown) e.setLine(null);
          }
          throw e;
        }
        if (!ok) break;
        frame.index = index++;
        frameBytes = s.pos - start;
        start = s.pos;
        line = s.line;
        this.framesRead++;
        this.next.offset = base + start;
        this.next.frame = index;
        this.next.line = lineKnown ? line : null;
        yield frame;
      }
      for (const note of source.notes) this.warnings.push(`${this.path}: ${note}`);
    } finally {
      giveBack(buf);
      await source.close();
    }
  }
}

/**
 * The warning about a last frame cut off by the end of the file: frames before it are the
 * complete ones. It begins at `line` (text formats) or at byte `offset` (binary ones: line null).
 */
export function truncationWarning(path: string, frame: number, line: number | null, offset = 0): string {
  const from = line !== null ? `from line ${line}` : `from byte ${offset}`;
  return `${path}: the last frame (frame ${frame}, ${from}) is incomplete — the file ends inside it; using the ${frame} complete frame${frame === 1 ? '' : 's'}`;
}

/** Read a whole trajectory, calling `onFrame` for each frame. */
export async function forEachFrame(path: string, options: OpenOptions, onFrame: (f: Frame, r: TrajectoryReader) => void): Promise<TrajectoryReader> {
  const reader = await TrajectoryReader.open(path, options);
  for await (const f of reader.frames()) onFrame(f, reader);
  return reader;
}

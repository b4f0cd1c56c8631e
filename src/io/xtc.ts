import type { Box } from '../model/box.js';
import type { Frame, Topology } from '../model/frame.js';
import { emptyTopology } from '../model/topology.js';
import { createXtcFrame, findXtcFrameStart, xtcWantedAtoms, looksLikeXtcFrameStart, readXtcFrame, xtcAtomCount, XTC_MAGIC, XTC_MAGIC_LONG, type XtcFrame } from './binary/xtc.js';
import { atEndOfData, cellOrNull, readerError, WindowCursor } from './binary-frames.js';
import type { FrameParser, FramingContext, MarkerFraming, ReaderOptions, TrajectoryFormat } from './format.js';
import type { Scanner } from './scanner.js';

/**
 * GROMACS XTC trajectories (the codec is binary/xtc.ts): positions in nm at the file's precision,
 * read as Å; the time in ps and the step from each frame; the cell from each frame (none when it
 * is zero, as GROMACS writes for a system without periodic boundaries). The file holds no atom
 * names, so the topology is the atom count alone until a topology file gives the rest.
 */
export class XtcParser implements FrameParser {
  topology: Topology | null = null;
  private xtc: XtcFrame | null = null;
  private readonly window = new WindowCursor();
  private readonly box: Box | null;
  /** Precisions met (1/nm; 0 for frames of ≤ 9 atoms, stored uncompressed). */
  private readonly precisions = new Set<number>();

  /** Atoms to decode (options.atoms), and their lookup once the atom count is known (null: all). */
  private readonly atoms: Int32Array | null;
  private nextWanted: Int32Array | null = null;

  constructor(options: ReaderOptions = {}) {
    this.box = options.box ?? null;
    this.atoms = options.stampsOnly ? new Int32Array(0) : (options.atoms ?? null);
  }

  next(s: Scanner, frame: Frame): boolean {
    if (atEndOfData(s)) return false;
    const c = this.window.on(s);
    try {
      // The atom count is trusted once the whole first frame is there (xtcAtomCount), so the
      // arrays sized by it are bounded by bytes actually read.
      let xtc = this.xtc;
      if (!xtc) {
        xtc = this.xtc = createXtcFrame(xtcAtomCount(c));
        // Stepping over a frame's other atoms pays when the wanted ones are few (ions in a
        // solvent); when they are many, nearly every step holds one, and the whole decode is faster.
        this.nextWanted = this.atoms && this.atoms.length * SELECTIVE_FRACTION < xtc.natoms ? xtcWantedAtoms(xtc.natoms, this.atoms) : null;
      }
      readXtcFrame(c, xtc, true, this.nextWanted);
    } catch (e) {
      throw readerError(e, s);
    }
    const xtc = this.xtc!;
    s.pos = c.pos;
    this.topology ??= emptyTopology(xtc.natoms);
    this.precisions.add(xtc.precision);
    frame.natoms = xtc.natoms;
    frame.step = xtc.step;
    frame.timePs = xtc.timePs;
    frame.positions = xtc.positionsA;
    frame.unwrapped = false;
    frame.images = null;
    frame.box = cellOrNull(xtc.boxA, this.box);
    return true;
  }

  details(): Record<string, string> {
    const p = [...this.precisions];
    const text = (x: number) => (x === 0 ? 'none (≤ 9 atoms: stored as float32)' : `${x} /nm (positions to ${round(10 / x)} Å)`);
    return p.length === 0 ? {} : { precision: p.length === 1 ? text(p[0]) : `varies: ${p.map(text).join(', ')}` };
  }
}

function round(x: number): string {
  return String(Number(x.toPrecision(6)));
}

/** Decode some atoms only when fewer than 1/SELECTIVE_FRACTION of them are wanted. */
const SELECTIVE_FRACTION = 4;

/**
 * Frame starts: the magic number on a 4-byte boundary of the file and a header consistent with
 * the file's atom count, checked against the next frame's header when it is in the buffer
 * (findXtcFrameStart). Frames are numbered by their step (or time) stamps.
 */
export const xtcFraming: MarkerFraming = {
  kind: 'marker',
  findStart(buf: Buffer, from: number, end: number, ctx: FramingContext, base: number): number {
    return findXtcFrameStart(buf, alignedFrom(from, base), end, ctx.natoms);
  },
  stampAt(buf: Buffer, offset: number, end: number, ctx: FramingContext) {
    if (!looksLikeXtcFrameStart(buf, offset, ctx.natoms, end)) return null;
    return { step: buf.readInt32BE(offset + 8), timePs: buf.readFloatBE(offset + 12) };
  },
};

/** The first position at or after `from` that lies on a 4-byte boundary of the stream (buf[0] is at `base`). */
export function alignedFrom(from: number, base: number): number {
  return from + ((4 - ((base + from) % 4)) % 4);
}

/** The magic number, a non-negative atom count, and the same count again before the coordinates. */
function sniffXtc(head: Buffer): boolean {
  if (head.length < 56) return false;
  const magic = head.readInt32BE(0);
  const natoms = head.readInt32BE(4);
  return (magic === XTC_MAGIC || magic === XTC_MAGIC_LONG) && natoms >= 0 && head.readInt32BE(52) === natoms;
}

export const xtcFormat: TrajectoryFormat = {
  name: 'xtc',
  aliases: ['gromacs-xtc'],
  description: 'a GROMACS XTC (magic number 1995)',
  binary: true,
  sniff: (head) => sniffXtc(head),
  createParser: (options) => new XtcParser(options),
  framing: xtcFraming,
  readsSomeAtoms: true,
  // With no atom wanted, a frame's bit stream is stepped over by its length.
  readsStampsOnly: true,
};

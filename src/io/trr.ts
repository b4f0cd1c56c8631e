import type { Box } from '../model/box.js';
import type { Frame, Topology } from '../model/frame.js';
import { emptyTopology } from '../model/topology.js';
import { createTrrFrame, createTrrHeader, findTrrFrameStart, readTrrFrame, readTrrHeader, trrAtomCount, TrrCorrupt, TRR_MAGIC, type TrrFrame, type TrrHeader } from './binary/trr.js';
import { NEED_MORE, xdrCursor, type XdrCursor } from './binary/xdr.js';
import { cellOrNull, readerError, WindowCursor } from './binary-frames.js';
import type { FrameParser, FramingContext, MarkerFraming, ReaderOptions, TrajectoryFormat } from './format.js';
import type { Scanner } from './scanner.js';
import { alignedFrom } from './xtc.js';

/**
 * GROMACS TRR trajectories (the codec is binary/trr.ts), single or double precision: positions
 * in nm read as Å, time in ps and step from each frame. A TRR frame may hold velocities or
 * forces without positions (mdrun writes x, v and f at their own intervals, and `gmx trjconv`
 * keeps such frames with only their cell): those frames are passed over, so the frames mdpost
 * numbers and analyses are the ones with positions. Velocities and forces are not read.
 */
export class TrrParser implements FrameParser {
  topology: Topology | null = null;
  private trr: TrrFrame | null = null;
  private readonly header = createTrrHeader();
  /** The header of a frame being passed over (the frame read keeps `header`). */
  private readonly passed = createTrrHeader();
  private readonly window = new WindowCursor();
  private readonly box: Box | null;
  /** Frames passed over for want of positions, and what they held instead. */
  private skipped: Skipped = { frames: 0, velocities: 0, forces: 0, boxOnly: 0 };
  private withVelocities = 0;
  private withForces = 0;
  private double: boolean | null = null;

  constructor(options: ReaderOptions = {}) {
    this.box = options.box ?? null;
  }

  next(s: Scanner, frame: Frame): boolean {
    // Frames without positions passed over here are counted only once the call succeeds (a frame
    // parsed again after a refill must not count them twice).
    const skipped = { frames: 0, velocities: 0, forces: 0, boxOnly: 0 };
    const c = this.window.on(s);
    let h;
    try {
      // Only the first frames of the file can lack positions here: after a frame with positions,
      // those without that follow it are passed over with it (below).
      c.pos = this.passOver(s, c, s.pos, skipped, false);
      if (c.pos >= s.end) {
        this.addSkipped(skipped);
        return false;
      }
      h = readTrrHeader(c, this.header);
      // The atom count is trusted once a whole frame with positions is there (trrAtomCount), so
      // the arrays sized by it are bounded by bytes actually read.
      readTrrFrame(c, (this.trr ??= createTrrFrame(trrAtomCount(c))));
      // The frames without positions after this one go with it, so that the next frame starts
      // where framing finds frame starts (at frames with positions): a reader told to stop at
      // such a start (work stealing) must not read past it while passing frames over.
      s.pos = this.passOver(s, c, c.pos, skipped, true);
    } catch (e) {
      throw readerError(e, s);
    }
    const trr = this.trr;
    this.addSkipped(skipped);
    if (h.vBytes !== 0) this.withVelocities++;
    if (h.fBytes !== 0) this.withForces++;
    this.topology ??= emptyTopology(trr.natoms);
    this.double = trr.double;
    frame.natoms = trr.natoms;
    frame.step = trr.step;
    frame.timePs = trr.timePs;
    frame.positions = trr.positionsA;
    frame.unwrapped = false;
    frame.images = null;
    frame.box = trr.hasBox ? cellOrNull(trr.boxA, this.box) : this.box;
    return true;
  }

  /**
   * Pass over the frames without positions from `from`; returns where the next frame with
   * positions (or the end of the data) begins. After a frame (`trailing`), a frame that is cut
   * off by the end of the file or is damaged is left for the next call, which reports it.
   */
  private passOver(s: Scanner, c: XdrCursor, from: number, skipped: Skipped, trailing: boolean): number {
    let p = from;
    for (;;) {
      if (p >= s.end) {
        if (!s.eof) throw NEED_MORE; // what follows may be a frame without positions
        return p;
      }
      c.pos = p;
      let h: TrrHeader;
      try {
        h = readTrrHeader(c, this.passed);
        if (h.xBytes !== 0) return p;
        if (p + h.frameBytes > s.end) throw NEED_MORE;
        if (this.trr && h.natoms !== this.trr.natoms) {
          throw new TrrCorrupt(`TRR: frame has ${h.natoms} atoms where the file's first frame has ${this.trr.natoms}`, p);
        }
      } catch (e) {
        if (trailing && (s.eof || e !== NEED_MORE)) return p;
        throw e;
      }
      p += h.frameBytes;
      skipped.frames++;
      if (h.vBytes !== 0) skipped.velocities++;
      if (h.fBytes !== 0) skipped.forces++;
      if (h.vBytes === 0 && h.fBytes === 0) skipped.boxOnly++;
    }
  }

  private addSkipped(k: Skipped): void {
    this.skipped.frames += k.frames;
    this.skipped.velocities += k.velocities;
    this.skipped.forces += k.forces;
    this.skipped.boxOnly += k.boxOnly;
  }

  details(): Record<string, string> {
    const out: Record<string, string> = {};
    if (this.double !== null) out.precision = this.double ? 'double (float64)' : 'single (float32)';
    const also: string[] = [];
    if (this.withVelocities > 0) also.push(`velocities in ${this.withVelocities}`);
    if (this.withForces > 0) also.push(`forces in ${this.withForces}`);
    if (also.length > 0) out['frames with positions'] = `also hold ${also.join(', ')} (not read)`;
    const k = this.skipped;
    if (k.frames > 0) {
      const what = [k.velocities > 0 ? `${k.velocities} with velocities` : '', k.forces > 0 ? `${k.forces} with forces` : '', k.boxOnly > 0 ? `${k.boxOnly} with only the cell` : '']
        .filter((x) => x !== '')
        .join(', ');
      out['frames without positions'] = `${k.frames} passed over (${what})`;
    }
    return out;
  }
}

/** Frames without positions passed over, and what they held instead. */
interface Skipped {
  frames: number;
  velocities: number;
  forces: number;
  boxOnly: number;
}

/**
 * Frame starts: the magic number and a valid header on a 4-byte boundary of the file, for the
 * file's atom count, of a frame that holds positions (frames without them belong to the frame
 * before, as the parser passes over them).
 */
export const trrFraming: MarkerFraming = {
  kind: 'marker',
  findStart(buf: Buffer, from: number, end: number, ctx: FramingContext, base: number): number {
    const h = createTrrHeader();
    for (let p = alignedFrom(from, base); ; ) {
      const at = findTrrFrameStart(buf, p, end, ctx.natoms);
      if (at < 0) return -1;
      const c = xdrCursor(buf, at, end);
      readTrrHeader(c, h);
      if (h.xBytes !== 0) return at;
      p = at + h.frameBytes;
    }
  },
  stampAt(buf: Buffer, offset: number, end: number, ctx: FramingContext) {
    try {
      const h = readTrrHeader(xdrCursor(buf, offset, end), createTrrHeader());
      return h.natoms === ctx.natoms && h.xBytes !== 0 ? { step: h.step, timePs: h.timePs } : null;
    } catch {
      return null;
    }
  },
};

/** The magic number and GROMACS's version string ("GMX_trn_file", its length given twice). */
function sniffTrr(head: Buffer): boolean {
  if (head.length < 24 || head.readInt32BE(0) !== TRR_MAGIC) return false;
  const slen = head.readInt32BE(4);
  const len = head.readInt32BE(8);
  return len === slen - 1 && len > 0 && len <= 128 && head.length >= 12 + len && head.toString('latin1', 12, 12 + len).startsWith('GMX_');
}

export const trrFormat: TrajectoryFormat = {
  name: 'trr',
  aliases: ['gromacs-trr', 'trj'],
  description: 'a GROMACS TRR (magic number 1993)',
  binary: true,
  sniff: (head) => sniffTrr(head),
  createParser: (options) => new TrrParser(options),
  framing: trrFraming,
};

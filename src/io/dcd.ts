import type { Box } from '../model/box.js';
import { boxFromVectors } from '../model/box.js';
import type { Frame, Topology } from '../model/frame.js';
import { emptyTopology } from '../model/topology.js';
import { AKMA_PS, createDcdFrame, dcdTimePs, readDcdFrame, readDcdHeader, type CellConvention, type DcdFrame, type DcdHeader } from './binary/dcd.js';
import { readerError, WindowCursor } from './binary-frames.js';
import { NEED_MORE } from './byte-cursor.js';
import type { FrameParser, FramingContext, MarkerFraming, ParserState, ReaderOptions, TrajectoryFormat } from './format.js';
import type { Scanner } from './scanner.js';

/**
 * CHARMM, NAMD and LAMMPS DCD trajectories (the codec is binary/dcd.ts): a header, then frames
 * of one fixed size (the first larger when some atoms are fixed). Positions are Å as stored; the
 * cell from each frame's unit-cell record (none without one, or when it is zero).
 *
 * Times: CHARMM and NAMD write DELTA in AKMA units, so frame k is at (ISTART + k·NSAVC)·DELTA ×
 * 0.04888821 ps. LAMMPS (`dump dcd`, titled "Written by LAMMPS") writes DELTA in its own time
 * unit, which the file does not name: its frames get steps (ISTART + k·NSAVC) but no time, and
 * `--timestep` (or `--dt`) gives it. A header without a usable DELTA or NSAVC gives no time
 * either.
 *
 * A reader of a later slice of the file needs the header, and (with fixed atoms) frame 0's
 * positions, which hold the fixed atoms': exportState/importState carry them.
 */
export class DcdParser implements FrameParser {
  topology: Topology | null = null;
  readonly notes: string[] = [];
  private header: DcdHeader | null = null;
  /** Frame 0's positions, where a file with fixed atoms keeps theirs. */
  private fixedA: Float64Array | null = null;
  private dcd: DcdFrame | null = null;
  private readonly window = new WindowCursor();
  private readonly box: Box | null;
  private readonly conventions = new Set<CellConvention>();
  private framesRead = 0;

  constructor(options: ReaderOptions = {}) {
    this.box = options.box ?? null;
  }

  exportState(): ParserState | null {
    return this.header ? { header: this.header, fixedA: this.fixedA } : null;
  }

  importState(state: ParserState): void {
    this.header = (state.header as DcdHeader | undefined) ?? null;
    this.fixedA = (state.fixedA as Float64Array | null | undefined) ?? null;
  }

  next(s: Scanner, frame: Frame): boolean {
    let start = s.pos;
    let h = this.header;
    if (s.base + start === 0) {
      try {
        h = readDcdHeader(s.buf.subarray(start, s.end));
      } catch (e) {
        throw readerError(e, s, s.base + start);
      }
      if (this.header === null && writtenByLammps(h)) {
        this.notes.push(
          `a DCD written by LAMMPS: its time step DELTA (${round(h.delta)}) is in LAMMPS time units, which the file does not name, ` +
            `so its frames have steps (${h.istart} + k × ${h.nsavc}) but no times; give --timestep (the MD step) or --dt`,
        );
      }
      this.header = h;
      start += h.headerBytes;
    }
    if (h === null) throw new Error('internal: a DCD read from the middle of the file without the header (parser state)');
    const dcd = (this.dcd ??= createDcdFrame(h.natoms));
    const offset = s.base + start;
    const k = dcdFrameIndex(h, offset);
    if (k === null) throw new Error(`internal: DCD read from byte ${offset}, which is not a frame start`);
    if (start >= s.end) {
      if (!s.eof) throw NEED_MORE;
      return false;
    }
    const c = this.window.on(s);
    c.pos = start;
    try {
      readDcdFrame(c, h, k, dcd, this.fixedA);
    } catch (e) {
      throw readerError(e, s);
    }
    if (k === 0 && h.freeAtoms !== null) this.fixedA = dcd.positionsA.slice();
    s.pos = c.pos;
    this.framesRead++;
    this.topology ??= emptyTopology(h.natoms);
    this.conventions.add(dcd.cellConvention);
    const lammps = writtenByLammps(h);
    frame.natoms = h.natoms;
    frame.step = h.nsavc > 0 ? h.istart + k * h.nsavc : null;
    frame.timePs = !lammps && h.nsavc > 0 && h.delta > 0 ? dcdTimePs(h, k) : null;
    frame.positions = dcd.positionsA;
    frame.unwrapped = false;
    frame.images = null;
    frame.box = dcd.hasCell ? boxFromVectors(dcd.boxA) : this.box;
    return true;
  }

  details(): Record<string, string> {
    const h = this.header;
    if (h === null) return {};
    const out: Record<string, string> = {};
    out.layout = `${h.charmmVersion !== 0 ? `CHARMM (version ${h.charmmVersion})` : 'X-PLOR'}, ${h.littleEndian ? 'little' : 'big'}-endian, ${h.markerBytes}-byte record markers${h.has4D ? ', 4-D (the fourth coordinate is skipped)' : ''}`;
    // A title line ends at its first NUL or newline (some writers leave memory after it unpadded).
    const titles = h.titles.map((t) => t.split(/[\0\r\n]/)[0].replace(/[^\x20-\x7e]/g, '').trim()).filter((t) => t !== '');
    if (titles.length > 0) out.title = titles.join(' / ');
    const cells = [...this.conventions].filter((c) => c !== 'none').map(cellText);
    if (this.conventions.has('none')) cells.push(cells.length > 0 ? 'zero in some frames (no cell there)' : 'zero (no cell)');
    out['unit cell'] = h.hasUnitCell ? cells.join(', ') : 'none in the file';
    if (h.nfixed > 0) out['fixed atoms'] = `${h.nfixed} of ${h.natoms} (their positions from frame 0)`;
    if (writtenByLammps(h)) {
      out['time step'] =
        `DELTA ${round(h.delta)} in LAMMPS time units, which the file does not name (fs for units real, ps for units metal): ` +
        `frames are steps ${h.istart} + k × ${h.nsavc}; give --timestep (the MD step) or --dt`;
    } else if (h.nsavc > 0 && h.delta > 0) {
      out['time step'] = `DELTA ${round(h.delta)} AKMA (${round(h.delta * AKMA_PS)} ps) × NSAVC ${h.nsavc} = ${round(h.delta * AKMA_PS * h.nsavc)} ps between frames`;
    } else {
      out['time step'] = `none in the header (DELTA ${h.delta}, NSAVC ${h.nsavc}): give --dt`;
    }
    if (h.nset !== this.framesRead) out['header frames'] = `NSET ${h.nset} (the file holds ${this.framesRead} complete frames read)`;
    return out;
  }
}

function round(x: number): string {
  return String(Number(x.toPrecision(6)));
}

function cellText(c: Exclude<CellConvention, 'none'>): string {
  switch (c) {
    case 'cosines':
      return 'lengths and angle cosines';
    case 'degrees':
      return 'lengths and angles in degrees';
    case 'shape-matrix':
      return "CHARMM's shape matrix";
  }
}

/**
 * LAMMPS's `dump dcd` titles its files "Written by LAMMPS" (dump_dcd.cpp). Other writers of
 * LAMMPS runs (MDAnalysis, mdtraj) write DELTA in AKMA units and titles of their own.
 */
function writtenByLammps(h: DcdHeader): boolean {
  return h.titles.some((t) => t.trimStart().startsWith('Written by LAMMPS'));
}

/** The number of the frame at stream offset `offset` (frame 0 after the header), or null when no frame starts there. */
function dcdFrameIndex(h: Pick<DcdHeader, 'headerBytes' | 'firstFrameBytes' | 'frameBytes'>, offset: number): number | null {
  if (offset === h.headerBytes) return 0;
  const k = (offset - h.headerBytes - h.firstFrameBytes) / h.frameBytes;
  return Number.isInteger(k) && k >= 0 ? k + 1 : null;
}

/** Where frames lie, from the header alone (no need for frame 0 to be at hand, unlike readDcdHeader). */
interface DcdLayout {
  littleEndian: boolean;
  markerBytes: 4 | 8;
  headerBytes: number;
  firstFrameBytes: number;
  frameBytes: number;
  /** The record marker each frame after the first begins with. */
  firstMarker: number;
}

/**
 * The layout of a DCD from its first bytes (the header records up to the atom count; the
 * free-atom list is only measured), or null when they are not all there or not a DCD header.
 * The sizes follow the codec's (binary/dcd.ts).
 */
export function dcdLayout(head: Buffer): DcdLayout | null {
  const kind = dcdKind(head);
  if (kind === null) return null;
  const { le, m } = kind;
  const i32 = (p: number) => (le ? head.readInt32LE(p) : head.readInt32BE(p));
  const marker = (p: number) => (m === 4 ? i32(p) : le ? head.readInt32LE(p) : head.readInt32BE(p + 4));
  if (head.length < m + 84 + m + m + 4) return null;
  const ic = (k: number) => i32(m + 4 + 4 * k);
  const charmm = ic(19) !== 0;
  const nfixed = ic(8);
  const hasCell = charmm && ic(10) !== 0;
  const has4D = charmm && ic(11) === 1;
  let p = m + 84 + m;
  const titleLen = marker(p);
  if (titleLen < 4) return null;
  p += m + titleLen + m;
  if (p + m + 4 > head.length) return null;
  const natoms = i32(p + m);
  p += 2 * m + 4;
  if (natoms <= 0 || nfixed < 0 || nfixed >= natoms) return null;
  const nfree = natoms - nfixed;
  if (nfixed > 0) p += 2 * m + 4 * nfree;
  const ndims = has4D ? 4 : 3;
  const cellBytes = hasCell ? 2 * m + 48 : 0;
  return {
    littleEndian: le,
    markerBytes: m,
    headerBytes: p,
    firstFrameBytes: cellBytes + ndims * (2 * m + 4 * natoms),
    frameBytes: cellBytes + ndims * (2 * m + 4 * nfree),
    firstMarker: hasCell ? 48 : 4 * nfree,
  };
}

/** Byte order and record-marker width from the first record (84 bytes holding "CORD"), or null. */
function dcdKind(head: Buffer): { le: boolean; m: 4 | 8 } | null {
  if (head.length < 12) return null;
  const cord = (p: number) => head.toString('latin1', p, p + 4) === 'CORD';
  if (head.readInt32LE(0) === 84 && cord(4)) return { le: true, m: 4 };
  if (head.readInt32BE(0) === 84 && cord(4)) return { le: false, m: 4 };
  if (head.readInt32LE(0) === 84 && head.readInt32LE(4) === 0 && cord(8)) return { le: true, m: 8 };
  if (head.readInt32BE(0) === 0 && head.readInt32BE(4) === 84 && cord(8)) return { le: false, m: 8 };
  return null;
}

/**
 * Frames have a fixed size, so their starts follow from the header by arithmetic: frame 0 starts
 * the file (the header goes with it), frame k ≥ 1 at headerBytes + firstFrameBytes + (k − 1)·frameBytes.
 * The stamp is the frame's number itself, checked against the record marker found there.
 */
export const dcdFraming: MarkerFraming = {
  kind: 'marker',
  context: (head) => {
    const layout = dcdLayout(head);
    return layout ? { dcd: layout } : {};
  },
  findStart(_buf: Buffer, from: number, end: number, ctx: FramingContext, base: number): number {
    const L = ctx.dcd as DcdLayout | undefined;
    if (!L) return -1;
    const offset = base + from;
    const first = L.headerBytes + L.firstFrameBytes;
    const start = offset <= 0 ? 0 : offset <= first ? first : first + Math.ceil((offset - first) / L.frameBytes) * L.frameBytes;
    const p = start - base;
    return p < end ? p : -1;
  },
  stampAt(buf: Buffer, offset: number, end: number, ctx: FramingContext, base: number) {
    const L = ctx.dcd as DcdLayout | undefined;
    if (!L) return null;
    const at = base + offset;
    if (at === 0) return dcdKind(buf.subarray(offset, end)) ? { step: null, timePs: null, index: 0 } : null;
    const k = dcdFrameIndex(L, at);
    if (k === null || k === 0 || offset + L.markerBytes > end) return null;
    // The low 32 bits of the marker: first when little-endian, last when a big-endian marker is 8 bytes.
    const marker = L.littleEndian ? buf.readInt32LE(offset) : buf.readInt32BE(offset + L.markerBytes - 4);
    return marker === L.firstMarker ? { step: null, timePs: null, index: k } : null;
  },
};

export const dcdFormat: TrajectoryFormat = {
  name: 'dcd',
  aliases: ['charmm', 'namd'],
  description: 'a CHARMM/NAMD/LAMMPS DCD (an 84-byte "CORD" record)',
  binary: true,
  sniff: (head) => dcdKind(head) !== null,
  createParser: (options) => new DcdParser(options),
  framing: dcdFraming,
};

import { BinaryFormatError, NEED_MORE, padded4, readFloat32ArrayBE, readFloat64ArrayBE, type XdrCursor } from './xdr.js';

/**
 * GROMACS TRR frames (GROMACS src/gromacs/fileio/trrio.cpp): full-precision positions, and
 * optionally velocities and forces, in XDR (big-endian). A frame is
 *
 *   magic 1993, a version string ("GMX_trn_file": its length + 1, then an XDR string),
 *   ir_size, e_size, box_size, vir_size, pres_size, top_size, sym_size, x_size, v_size, f_size,
 *   natoms, step, nre (int32 each), t and λ (reals), then the blocks whose size is non-zero:
 *   box (3×3), virial (3×3), pressure (3×3), x, v, f (natoms × 3 each).
 *
 * "Real" is float32 or float64, whichever the writer was built with; the sizes tell which (a box
 * of 36 or 72 bytes, positions of 12·natoms or 24·natoms bytes). Sizes alone give the frame's
 * length, so frames can be skipped without reading their data. A frame may lack positions (a run
 * that writes velocities or forces more often than positions): `hasPositions` says so.
 * Units: positions and the cell in nm → Å, velocities nm/ps → Å/ps, forces kJ/(mol·nm) → kJ/(mol·Å).
 */
export const TRR_MAGIC = 1993;

export class TrrCorrupt extends BinaryFormatError {
  override name = 'TrrCorrupt';
}

export interface TrrFrame {
  readonly natoms: number;
  step: number;
  timePs: number;
  lambda: number;
  /** Whether the reals of this frame are float64 (a double-precision GROMACS build). */
  double: boolean;
  hasBox: boolean;
  hasPositions: boolean;
  hasVelocities: boolean;
  hasForces: boolean;
  /** Cell vectors a, b, c as rows, Å; zero when the frame has no box. */
  readonly boxA: Float64Array;
  /** x0 y0 z0 x1 …, Å; left as it was when the frame has no positions. */
  readonly positionsA: Float64Array;
  /** Å/ps; decoded only when the caller asked for them (createTrrFrame), else null. */
  readonly velocitiesAPerPs: Float64Array | null;
  /** kJ/(mol·Å); decoded only when asked for, else null. */
  readonly forcesKJPerMolA: Float64Array | null;
}

export function createTrrFrame(natoms: number, want: { velocities?: boolean; forces?: boolean } = {}): TrrFrame {
  return {
    natoms,
    step: 0,
    timePs: 0,
    lambda: 0,
    double: false,
    hasBox: false,
    hasPositions: false,
    hasVelocities: false,
    hasForces: false,
    boxA: new Float64Array(9),
    positionsA: new Float64Array(3 * natoms),
    velocitiesAPerPs: want.velocities ? new Float64Array(3 * natoms) : null,
    forcesKJPerMolA: want.forces ? new Float64Array(3 * natoms) : null,
  };
}

/** What a frame's header says: sizes in bytes of each block, and where the data begins. */
export interface TrrHeader {
  natoms: number;
  step: number;
  /** Energy terms count (GROMACS writes 0; no energies are stored in TRR frames). */
  nre: number;
  timePs: number;
  lambda: number;
  /** Bytes per real: 4 or 8. */
  realBytes: number;
  boxBytes: number;
  virialBytes: number;
  pressureBytes: number;
  xBytes: number;
  vBytes: number;
  fBytes: number;
  /** Bytes from the frame start to its first data block. */
  headerBytes: number;
  /** Bytes of the whole frame. */
  frameBytes: number;
}

const NM_TO_A = 10;
/** Longest version string accepted (GROMACS writes 12 characters and reads into 128 bytes). */
const MAX_VERSION_BYTES = 128;

function corrupt(detail: string, at: number): TrrCorrupt {
  return new TrrCorrupt(`TRR: ${detail}`, at);
}

/**
 * Parse the header of the frame at `c.pos` into `h` (without moving the cursor) and check the
 * block sizes against each other. Throws NEED_MORE when the header is not all in [pos, end).
 */
export function readTrrHeader(c: XdrCursor, h: TrrHeader): TrrHeader {
  const p = c.pos;
  const v = c.view;
  if (p + 12 > c.end) throw NEED_MORE;
  const magic = v.getInt32(p, false);
  if (magic !== TRR_MAGIC) throw corrupt(`expected the frame magic number ${TRR_MAGIC}, found ${magic}`, p);
  const slen = v.getInt32(p + 4, false);
  const len = v.getInt32(p + 8, false);
  if (slen < 1 || slen > MAX_VERSION_BYTES || len < 0 || len >= slen) {
    throw corrupt(`version string of ${len} bytes (declared ${slen} with its terminator) is not a TRR header`, p + 4);
  }
  const q = p + 12 + padded4(len);
  if (q + 13 * 4 > c.end) throw NEED_MORE;
  const irBytes = v.getInt32(q, false);
  const eBytes = v.getInt32(q + 4, false);
  const boxBytes = v.getInt32(q + 8, false);
  const virialBytes = v.getInt32(q + 12, false);
  const pressureBytes = v.getInt32(q + 16, false);
  const topBytes = v.getInt32(q + 20, false);
  const symBytes = v.getInt32(q + 24, false);
  const xBytes = v.getInt32(q + 28, false);
  const vBytes = v.getInt32(q + 32, false);
  const fBytes = v.getInt32(q + 36, false);
  const natoms = v.getInt32(q + 40, false);
  if (natoms < 0) throw corrupt(`negative atom count ${natoms}`, q + 40);
  if (irBytes !== 0 || eBytes !== 0 || topBytes !== 0 || symBytes !== 0) {
    throw corrupt(
      `frame declares an input record, energies, topology or symbol table (sizes ${irBytes}, ${eBytes}, ${topBytes}, ${symBytes}); TRR frames hold none`,
      q,
    );
  }
  // The real size, as GROMACS finds it: from the box, else the first per-atom block.
  let realBytes = 0;
  if (boxBytes !== 0) realBytes = boxBytes / 9;
  else if (natoms > 0 && xBytes !== 0) realBytes = xBytes / (3 * natoms);
  else if (natoms > 0 && vBytes !== 0) realBytes = vBytes / (3 * natoms);
  else if (natoms > 0 && fBytes !== 0) realBytes = fBytes / (3 * natoms);
  if (realBytes !== 4 && realBytes !== 8) {
    throw corrupt(`block sizes (box ${boxBytes}, x ${xBytes}, v ${vBytes}, f ${fBytes} bytes for ${natoms} atoms) give neither float32 nor float64`, q + 8);
  }
  const matrix = 9 * realBytes;
  const perAtom = 3 * natoms * realBytes;
  checkBlock('box', boxBytes, matrix, q + 8);
  checkBlock('virial', virialBytes, matrix, q + 12);
  checkBlock('pressure', pressureBytes, matrix, q + 16);
  checkBlock('x', xBytes, perAtom, q + 28);
  checkBlock('v', vBytes, perAtom, q + 32);
  checkBlock('f', fBytes, perAtom, q + 36);
  const tAt = q + 13 * 4;
  if (tAt + 2 * realBytes > c.end) throw NEED_MORE;
  h.natoms = natoms;
  h.step = v.getInt32(q + 44, false);
  h.nre = v.getInt32(q + 48, false);
  h.realBytes = realBytes;
  h.timePs = realBytes === 4 ? v.getFloat32(tAt, false) : v.getFloat64(tAt, false);
  h.lambda = realBytes === 4 ? v.getFloat32(tAt + 4, false) : v.getFloat64(tAt + 8, false);
  h.boxBytes = boxBytes;
  h.virialBytes = virialBytes;
  h.pressureBytes = pressureBytes;
  h.xBytes = xBytes;
  h.vBytes = vBytes;
  h.fBytes = fBytes;
  h.headerBytes = tAt + 2 * realBytes - p;
  h.frameBytes = h.headerBytes + boxBytes + virialBytes + pressureBytes + xBytes + vBytes + fBytes;
  return h;
}

function checkBlock(name: string, got: number, want: number, at: number): void {
  if (got !== 0 && got !== want) throw corrupt(`${name} block of ${got} bytes where ${want} (or 0) were expected`, at);
}

export function createTrrHeader(): TrrHeader {
  return {
    natoms: 0,
    step: 0,
    nre: 0,
    timePs: 0,
    lambda: 0,
    realBytes: 4,
    boxBytes: 0,
    virialBytes: 0,
    pressureBytes: 0,
    xBytes: 0,
    vBytes: 0,
    fBytes: 0,
    headerBytes: 0,
    frameBytes: 0,
  };
}

const scratchHeader = createTrrHeader();

/** Length in bytes of the frame at `c.pos`, from its header alone. Does not move the cursor. */
export function trrFrameBytes(c: XdrCursor): number {
  return readTrrHeader(c, scratchHeader).frameBytes;
}

/**
 * Atom count of the frame at `c.pos`. Does not move the cursor. The count is returned only once
 * the whole frame, with at least one per-atom block (GROMACS writes a TRR frame only when x, v or
 * f is due), is in [pos, end) (else NEED_MORE), so arrays allocated for the count are bounded by
 * the bytes actually read, whatever a corrupt header says.
 */
export function trrAtomCount(c: XdrCursor): number {
  const h = readTrrHeader(c, scratchHeader);
  if (c.pos + h.frameBytes > c.end) throw NEED_MORE;
  if (h.natoms > 0 && h.xBytes === 0 && h.vBytes === 0 && h.fBytes === 0) {
    throw corrupt(`frame declares ${h.natoms} atoms but holds no positions, velocities or forces`, c.pos);
  }
  return h.natoms;
}

/**
 * Decode the frame at `c.pos` into `frame` and move the cursor to the next frame. Velocities and
 * forces are decoded when the frame has them and `frame` has arrays for them; otherwise skipped.
 * With `coordinates` false only the header fields and the box are read. Throws NEED_MORE,
 * leaving the cursor where it was, when the frame is not all in [pos, end); TrrCorrupt when the
 * header cannot be valid or its atom count differs from the frame's.
 */
export function readTrrFrame(c: XdrCursor, frame: TrrFrame, coordinates = true): void {
  const h = readTrrHeader(c, scratchHeader);
  const p = c.pos;
  if (p + h.frameBytes > c.end) throw NEED_MORE;
  if (h.natoms !== frame.natoms) throw corrupt(`frame has ${h.natoms} atoms where the file's first frame has ${frame.natoms}`, p);
  const v = c.view;
  const read = h.realBytes === 4 ? readFloat32ArrayBE : readFloat64ArrayBE;
  frame.step = h.step;
  frame.timePs = h.timePs;
  frame.lambda = h.lambda;
  frame.double = h.realBytes === 8;
  frame.hasBox = h.boxBytes !== 0;
  frame.hasPositions = h.xBytes !== 0;
  frame.hasVelocities = h.vBytes !== 0;
  frame.hasForces = h.fBytes !== 0;
  let q = p + h.headerBytes;
  if (frame.hasBox) read(v, q, 9, frame.boxA, 0, 1, NM_TO_A);
  else frame.boxA.fill(0);
  q += h.boxBytes + h.virialBytes + h.pressureBytes;
  const n3 = 3 * h.natoms;
  if (coordinates && frame.hasPositions) read(v, q, n3, frame.positionsA, 0, 1, NM_TO_A);
  q += h.xBytes;
  if (coordinates && frame.hasVelocities && frame.velocitiesAPerPs) read(v, q, n3, frame.velocitiesAPerPs, 0, 1, NM_TO_A);
  q += h.vBytes;
  if (coordinates && frame.hasForces && frame.forcesKJPerMolA) read(v, q, n3, frame.forcesKJPerMolA, 0, 1, 1 / NM_TO_A);
  c.pos = p + h.frameBytes;
}

/** Whether a TRR frame header starts at `pos`: the magic number and GROMACS's version string. */
export function looksLikeTrrFrameStart(bytes: Uint8Array, pos: number, natoms: number, end = bytes.length): boolean {
  if (pos < 0 || pos + 12 > end) return false;
  if (bytes[pos] !== 0 || bytes[pos + 1] !== 0 || bytes[pos + 2] !== 7 || bytes[pos + 3] !== 0xc9) return false;
  const c: XdrCursor = { bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), pos, end };
  try {
    return readTrrHeader(c, scratchHeader).natoms === natoms;
  } catch {
    return false;
  }
}

/**
 * First frame start at or after `from` in bytes[from, end), or -1 when none is there to be seen.
 * `from` must be on a 4-byte boundary of the file, as every frame is.
 */
export function findTrrFrameStart(bytes: Uint8Array, from: number, end: number, natoms: number): number {
  for (let p = from; p + 12 <= end; p += 4) {
    if (bytes[p + 3] === 0xc9 && bytes[p + 2] === 7 && looksLikeTrrFrameStart(bytes, p, natoms, end)) return p;
  }
  return -1;
}

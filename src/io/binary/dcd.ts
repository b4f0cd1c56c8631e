import { BinaryFormatError, NEED_MORE, type XdrCursor } from './xdr.js';

/**
 * CHARMM / NAMD / LAMMPS DCD trajectories: Fortran unformatted sequential records (a length
 * marker, the data, the same marker again), in the byte order of the machine that wrote them.
 * The layout follows VMD's molfile dcdplugin (read_dcdheader, read_dcdstep), which MDAnalysis's
 * DCD reader also uses:
 *
 *   record 1 (84 bytes): "CORD", then 20 int32 ICNTRL: [0] NSET frames, [1] ISTART first step,
 *     [2] NSAVC steps between frames, [3] NSTEP, [8] NAMNF fixed atoms, [9] DELTA time step
 *     (float32; X-PLOR files, whose [19] is 0, store a float64 in [9]–[10]), [10] unit-cell flag,
 *     [11] 4-D flag, [19] CHARMM version (non-zero for CHARMM, NAMD and LAMMPS);
 *   record 2: NTITLE, then NTITLE 80-character title lines;
 *   record 3: NATOM;
 *   record 4 (only with fixed atoms): the NATOM − NAMNF free atoms' 1-based indices;
 *   then per frame: the unit cell (6 float64; only when the version and the cell flag are both
 *   non-zero), X, Y and Z (float32, Å), and a fourth coordinate (4-D flag; skipped). With fixed
 *   atoms, the first frame holds all atoms and later frames only the free ones.
 *
 * The byte order and marker width come from the first marker, which is 84: as a 4-byte integer
 * in either order, or (old 64-bit Fortran runtimes) as an 8-byte one.
 *
 * The cell record is [A, γ, B, β, α, C] (CHARMM's order). How the angles are stored varies; the
 * rule is VMD's and MDAnalysis's: when the three angle slots all lie in [−1, 1] they are cosines
 * (CHARMM, NAMD > 2.5, LAMMPS since 2012); otherwise, if any value is negative or an angle slot
 * exceeds 180, the record is CHARMM's symmetric shape matrix (c36b2 and later: the lower triangle
 * h11, h21, h22, h31, h32, h33, whose rows are the cell vectors); otherwise the angles are degrees
 * (NAMD ≤ 2.5, older LAMMPS). A cell with a zero length means no cell (MDAnalysis writes zeros).
 * Frames are a fixed size, so frame k is at an offset computed from the header (dcdFrameOffset).
 */
export class DcdCorrupt extends BinaryFormatError {
  override name = 'DcdCorrupt';
}

/** ps per AKMA time unit (CHARMM and NAMD write DELTA in AKMA units). */
export const AKMA_PS = 0.04888821;

export interface DcdHeader {
  littleEndian: boolean;
  /** Width of the Fortran record markers: 4, or 8 for old 64-bit Fortran runtimes. */
  markerBytes: 4 | 8;
  natoms: number;
  /** Frames the header declares (writers update it when they finish; count frames from the file size instead). */
  nset: number;
  /** MD step of the first frame and steps between frames. */
  istart: number;
  nsavc: number;
  /** Time step as written: AKMA units for CHARMM and NAMD; LAMMPS writes its own time unit. */
  delta: number;
  /** Non-zero for CHARMM-style files (CHARMM, NAMD, LAMMPS); 0 for X-PLOR. */
  charmmVersion: number;
  hasUnitCell: boolean;
  has4D: boolean;
  nfixed: number;
  /** 0-based indices of the free atoms when some are fixed, else null. */
  freeAtoms: Int32Array | null;
  titles: string[];
  /** Byte offset of the first frame. */
  headerBytes: number;
  /** Bytes of the first frame and of each later one (they differ when atoms are fixed). */
  firstFrameBytes: number;
  frameBytes: number;
}

export type CellConvention = 'cosines' | 'degrees' | 'shape-matrix' | 'none';

export interface DcdFrame {
  readonly natoms: number;
  /** x0 y0 z0 x1 …, Å. */
  readonly positionsA: Float64Array;
  hasCell: boolean;
  /** a, b, c (Å), α, β, γ (degrees); zero when the frame has no cell. */
  readonly cell: Float64Array;
  /** Cell vectors as rows (Å): a along x and b in the xy plane, or the shape matrix's rows. */
  readonly boxA: Float64Array;
  cellConvention: CellConvention;
}

export function createDcdFrame(natoms: number): DcdFrame {
  return {
    natoms,
    positionsA: new Float64Array(3 * natoms),
    hasCell: false,
    cell: new Float64Array(6),
    boxA: new Float64Array(9),
    cellConvention: 'none',
  };
}

function corrupt(detail: string, at: number): DcdCorrupt {
  return new DcdCorrupt(`DCD: ${detail}`, at);
}

/** Reads Fortran record markers of the file's width and byte order. */
function marker(v: DataView, p: number, le: boolean, width: 4 | 8): number {
  if (width === 4) return v.getInt32(p, le);
  const lo = v.getUint32(p + (le ? 0 : 4), le);
  const hi = v.getInt32(p + (le ? 4 : 0), le);
  return hi === 0 ? lo : -1;
}

function isCord(b: Uint8Array, p: number): boolean {
  return b[p] === 0x43 && b[p + 1] === 0x4f && b[p + 2] === 0x52 && b[p + 3] === 0x44;
}

/**
 * Parse the header at the start of `bytes` (the start of the file). Throws NEED_MORE unless the
 * header and the whole first frame are in bytes[0, end) (so that arrays allocated for NATOM are
 * bounded by the bytes actually read, whatever a corrupt header says), DcdCorrupt when it is not a
 * DCD header.
 */
export function readDcdHeader(bytes: Uint8Array, end = bytes.length): DcdHeader {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (end < 12) throw NEED_MORE;
  let le: boolean;
  let m: 4 | 8;
  if (v.getInt32(0, true) === 84 && isCord(bytes, 4)) [le, m] = [true, 4];
  else if (v.getInt32(0, false) === 84 && isCord(bytes, 4)) [le, m] = [false, 4];
  else if (v.getInt32(0, true) === 84 && v.getInt32(4, true) === 0 && isCord(bytes, 8)) [le, m] = [true, 8];
  else if (v.getInt32(0, false) === 0 && v.getInt32(4, false) === 84 && isCord(bytes, 8)) [le, m] = [false, 8];
  else throw corrupt('file does not begin with an 84-byte record holding "CORD" (not a DCD file)', 0);

  let p = m;
  const need = (n: number) => {
    if (p + n > end) throw NEED_MORE;
  };
  need(84 + m);
  const ic = (k: number) => v.getInt32(p + 4 + 4 * k, le);
  const charmmVersion = ic(19);
  const h: DcdHeader = {
    littleEndian: le,
    markerBytes: m,
    natoms: 0,
    nset: ic(0),
    istart: ic(1),
    nsavc: ic(2),
    delta: charmmVersion !== 0 ? v.getFloat32(p + 4 + 36, le) : v.getFloat64(p + 4 + 36, le),
    charmmVersion,
    hasUnitCell: charmmVersion !== 0 && ic(10) !== 0,
    has4D: charmmVersion !== 0 && ic(11) === 1,
    nfixed: ic(8),
    freeAtoms: null,
    titles: [],
    headerBytes: 0,
    firstFrameBytes: 0,
    frameBytes: 0,
  };
  p += 84;
  if (marker(v, p, le, m) !== 84) throw corrupt('first record does not end with its length 84', p);
  p += m;

  // Titles.
  need(m + 4);
  const titleLen = marker(v, p, le, m);
  const ntitle = v.getInt32(p + m, le);
  if (titleLen < 4 || ntitle < 0 || titleLen !== 4 + 80 * ntitle) {
    throw corrupt(`title record of ${titleLen} bytes does not hold its ${ntitle} lines of 80 characters`, p);
  }
  need(2 * m + titleLen);
  for (let t = 0; t < ntitle; t++) {
    let s = '';
    const q = p + m + 4 + 80 * t;
    for (let k = 0; k < 80; k++) s += String.fromCharCode(bytes[q + k]);
    h.titles.push(s.replace(/[\0\s]+$/, ''));
  }
  p += m + titleLen;
  if (marker(v, p, le, m) !== titleLen) throw corrupt('title record does not end with its length', p);
  p += m;

  // Atom count.
  need(2 * m + 4);
  if (marker(v, p, le, m) !== 4 || marker(v, p + m + 4, le, m) !== 4) throw corrupt('atom-count record is not 4 bytes long', p);
  const natoms = v.getInt32(p + m, le);
  if (natoms <= 0) throw corrupt(`atom count ${natoms}`, p + m);
  h.natoms = natoms;
  p += 2 * m + 4;

  // Free atoms, when some are fixed.
  if (h.nfixed < 0 || h.nfixed >= natoms) throw corrupt(`${h.nfixed} fixed atoms of ${natoms}`, m + 4 + 32);
  const nfree = natoms - h.nfixed;
  if (h.nfixed > 0) {
    const len = 4 * nfree;
    need(2 * m + len);
    if (marker(v, p, le, m) !== len || marker(v, p + m + len, le, m) !== len) {
      throw corrupt(`free-atom record is not ${len} bytes long (${nfree} free atoms)`, p);
    }
    const free = new Int32Array(nfree);
    for (let i = 0; i < nfree; i++) {
      const idx = v.getInt32(p + m + 4 * i, le) - 1;
      if (idx < 0 || idx >= natoms) throw corrupt(`free atom index ${idx + 1} outside 1…${natoms}`, p + m + 4 * i);
      free[i] = idx;
    }
    h.freeAtoms = free;
    p += 2 * m + len;
  }
  h.headerBytes = p;
  const ndims = h.has4D ? 4 : 3;
  const cellBytes = h.hasUnitCell ? 2 * m + 48 : 0;
  h.firstFrameBytes = cellBytes + ndims * (2 * m + 4 * natoms);
  h.frameBytes = cellBytes + ndims * (2 * m + 4 * nfree);
  need(h.firstFrameBytes);
  return h;
}

/** Bytes of frame k (0-based). */
export function dcdFrameBytes(h: DcdHeader, k = 1): number {
  return k === 0 ? h.firstFrameBytes : h.frameBytes;
}

/** Byte offset of frame k (0-based) in the file. */
export function dcdFrameOffset(h: DcdHeader, k: number): number {
  return k === 0 ? h.headerBytes : h.headerBytes + h.firstFrameBytes + (k - 1) * h.frameBytes;
}

/**
 * Time of frame k in ps by the CHARMM/NAMD convention (DELTA in AKMA units), as MDAnalysis
 * computes it: (ISTART + k·NSAVC)·DELTA. LAMMPS writes DELTA in its own time unit (fs for
 * `units real`, ps for `units metal`), so its files need the caller's time step instead.
 */
export function dcdTimePs(h: DcdHeader, k: number): number {
  return (h.istart + k * h.nsavc) * h.delta * AKMA_PS;
}

/** Complete frames in a file of `fileBytes` bytes, and the bytes of an incomplete last one. */
export function dcdFrameCount(h: DcdHeader, fileBytes: number): { frames: number; partialBytes: number } {
  const body = fileBytes - h.headerBytes;
  if (body < h.firstFrameBytes) return { frames: 0, partialBytes: Math.max(0, body) };
  const rest = body - h.firstFrameBytes;
  return { frames: 1 + Math.floor(rest / h.frameBytes), partialBytes: rest % h.frameBytes };
}

/**
 * Decode frame k (0-based) at `c.pos` into `frame` and move the cursor to the next frame.
 * `fixedA` is needed for k > 0 in a file with fixed atoms: the positions of frame 0, which is
 * where the fixed atoms' positions are stored. Throws NEED_MORE (cursor unmoved) when the frame is
 * not all in [pos, end); DcdCorrupt when a record marker is not what the header implies.
 */
export function readDcdFrame(c: XdrCursor, h: DcdHeader, k: number, frame: DcdFrame, fixedA: Float64Array | null = null): void {
  const p0 = c.pos;
  const size = dcdFrameBytes(h, k);
  if (p0 + size > c.end) throw NEED_MORE;
  if (frame.natoms !== h.natoms) throw new Error(`DCD frame arrays hold ${frame.natoms} atoms, the file ${h.natoms}`);
  const v = c.view;
  const le = h.littleEndian;
  const m = h.markerBytes;
  let p = p0;
  if (h.hasUnitCell) {
    if (marker(v, p, le, m) !== 48 || marker(v, p + m + 48, le, m) !== 48) {
      throw corrupt(`frame ${k}: unit-cell record is not 48 bytes long`, p);
    }
    decodeCell(v, p + m, le, frame);
    p += 2 * m + 48;
  } else {
    frame.hasCell = false;
    frame.cell.fill(0);
    frame.boxA.fill(0);
    frame.cellConvention = 'none';
  }
  const out = frame.positionsA;
  const free = k > 0 ? h.freeAtoms : null;
  if (free !== null && fixedA === null) throw new Error('DCD frames after the first need the first frame positions (fixed atoms)');
  if (free !== null && fixedA !== out) out.set(fixedA!.subarray(0, out.length));
  const n = free !== null ? free.length : h.natoms;
  const len = 4 * n;
  const ndims = h.has4D ? 4 : 3;
  for (let d = 0; d < ndims; d++) {
    if (marker(v, p, le, m) !== len || marker(v, p + m + len, le, m) !== len) {
      throw corrupt(`frame ${k}: coordinate record ${'XYZW'[d]} is not ${len} bytes long (${n} atoms)`, p);
    }
    let q = p + m;
    if (d < 3) {
      const byteAt = c.bytes.byteOffset + q;
      if (free === null && le === LITTLE_ENDIAN_HOST && byteAt % 4 === 0) {
        // The machine's own byte order, aligned: read the record as a Float32Array.
        const f32 = new Float32Array(c.bytes.buffer, byteAt, n);
        for (let i = 0, o = d; i < n; i++, o += 3) out[o] = f32[i];
      } else if (free === null) {
        for (let i = 0, o = d; i < n; i++, o += 3, q += 4) out[o] = v.getFloat32(q, le);
      } else {
        for (let i = 0; i < n; i++, q += 4) out[3 * free[i] + d] = v.getFloat32(q, le);
      }
    }
    p += 2 * m + len;
  }
  c.pos = p;
}

const DEG = Math.PI / 180;
const LITTLE_ENDIAN_HOST = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** cos of an angle in degrees, exactly 0 at 90°. */
function cosDeg(a: number): number {
  return a === 90 ? 0 : Math.cos(a * DEG);
}

/** The cell record [A, γ, B, β, α, C] at byte p into frame.cell, frame.boxA and frame.cellConvention. */
function decodeCell(v: DataView, p: number, le: boolean, frame: DcdFrame): void {
  const r0 = v.getFloat64(p, le), r1 = v.getFloat64(p + 8, le), r2 = v.getFloat64(p + 16, le);
  const r3 = v.getFloat64(p + 24, le), r4 = v.getFloat64(p + 32, le), r5 = v.getFloat64(p + 40, le);
  const cell = frame.cell;
  const box = frame.boxA;
  if (Math.abs(r1) <= 1 && Math.abs(r3) <= 1 && Math.abs(r4) <= 1) {
    // 90° − asin(cos) rather than acos(cos): exactly 90 for a zero cosine.
    frame.cellConvention = 'cosines';
    setLengthsAngles(cell, box, r0, r2, r5, r4, r3, r1, 90 - Math.asin(r4) / DEG, 90 - Math.asin(r3) / DEG, 90 - Math.asin(r1) / DEG);
  } else if (r0 < 0 || r1 < 0 || r2 < 0 || r3 < 0 || r4 < 0 || r5 < 0 || r1 > 180 || r3 > 180 || r4 > 180) {
    frame.cellConvention = 'shape-matrix';
    box[0] = r0; box[1] = r1; box[2] = r3;
    box[3] = r1; box[4] = r2; box[5] = r4;
    box[6] = r3; box[7] = r4; box[8] = r5;
    const a = Math.hypot(r0, r1, r3), b = Math.hypot(r1, r2, r4), c = Math.hypot(r3, r4, r5);
    const angle = (dot: number, la: number, lb: number) => Math.acos(Math.max(-1, Math.min(1, dot / (la * lb)))) / DEG;
    cell[0] = a;
    cell[1] = b;
    cell[2] = c;
    cell[3] = angle(r1 * r3 + r2 * r4 + r4 * r5, b, c);
    cell[4] = angle(r0 * r3 + r1 * r4 + r3 * r5, a, c);
    cell[5] = angle(r0 * r1 + r1 * r2 + r3 * r4, a, b);
  } else {
    frame.cellConvention = 'degrees';
    setLengthsAngles(cell, box, r0, r2, r5, cosDeg(r4), cosDeg(r3), cosDeg(r1), r4, r3, r1);
  }
  frame.hasCell = cell[0] > 0 && cell[1] > 0 && cell[2] > 0;
  if (!frame.hasCell) {
    cell.fill(0);
    box.fill(0);
    frame.cellConvention = 'none';
  }
}

/** Cell from lengths and angles: a along x, b in the xy plane (the usual orientation). */
function setLengthsAngles(
  cell: Float64Array,
  box: Float64Array,
  a: number,
  b: number,
  c: number,
  cosAlpha: number,
  cosBeta: number,
  cosGamma: number,
  alphaDeg: number,
  betaDeg: number,
  gammaDeg: number,
): void {
  cell[0] = a;
  cell[1] = b;
  cell[2] = c;
  cell[3] = alphaDeg;
  cell[4] = betaDeg;
  cell[5] = gammaDeg;
  const sinGamma = Math.sqrt(Math.max(0, 1 - cosGamma * cosGamma));
  const cx = c * cosBeta;
  const cy = sinGamma > 0 ? (c * (cosAlpha - cosBeta * cosGamma)) / sinGamma : 0;
  box[0] = a;
  box[1] = 0;
  box[2] = 0;
  box[3] = b * cosGamma;
  box[4] = b * sinGamma;
  box[5] = 0;
  box[6] = cx;
  box[7] = cy;
  box[8] = Math.sqrt(Math.max(0, c * c - cx * cx - cy * cy));
}

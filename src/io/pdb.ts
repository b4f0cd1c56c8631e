import { boxFromLengthsAngles, orthorhombicBox, type Box } from '../model/box.js';
import { ParseError, quoteLine } from '../model/errors.js';
import type { Frame, Topology } from '../model/frame.js';
import { withRoom } from '../model/grow.js';
import { NEED_MORE, TRUNCATED } from './byte-cursor.js';
import { fixedDecimal } from './fixed-columns.js';
import type { FrameParser, MarkerFraming, ParserState, ReaderOptions, TrajectoryFormat } from './format.js';
import { titleStamp } from './gro.js';
import { elementSymbol, namedAtomsTopology } from './named-atoms.js';
import type { Scanner } from './scanner.js';
import { firstTextLine, lineText, previousLineStart } from './text-lines.js';

/**
 * PDB trajectories (wwPDB format 3.3): what `gmx trjconv -o traj.pdb`, MDAnalysis's multi-frame
 * writer, VMD and many other tools write. Coordinates are ATOM/HETATM records, x y z in Å in
 * columns 31–54 (read by column: a wide negative number touches its neighbour), with the atom name
 * in 13–16, the residue name in 18–21 (four characters, as CHARMM and GROMACS write them), the
 * residue number in 23–26 (decimal or hybrid-36) and the element in 77–78.
 *
 * A frame is the records up to and including its terminator:
 *   - `ENDMDL` (MODEL … ENDMDL: GROMACS, MDAnalysis), or `END` (VMD writes one after each frame);
 *   - or, without terminators, the records before the next frame's header: a CRYST1, MODEL,
 *     TITLE or other header record that follows atom records starts the next frame (files that
 *     are one CRYST1 group per frame).
 * Header records before a frame's atoms (REMARK, TITLE, CRYST1, MODEL) belong to it. The cell is
 * the last CRYST1 met (a b c α β γ → a along x, b in the xy plane), so a file with one CRYST1 at
 * the top — MDAnalysis writes it so — has that cell in every frame. GROMACS's TITLE
 * "… t= 10.00000 step= 5000" gives the frame's time and step. CONECT, MASTER and TER records are
 * skipped; names, residues and elements are read from the first frame only, and later frames
 * cost one line search and three fixed-width numbers per atom, with no allocation.
 */
const LF = 10, CR = 13;

const enum Rec {
  Other,
  Atom,
  Model,
  Cryst1,
  EndModel,
  End,
  Title,
  /** Records that go with atoms or close a file: TER, ANISOU, SIGATM, SIGUIJ, CONECT, MASTER. */
  Skip,
  Blank,
}

/** The record name at buf[p] (the first columns of a line); needs the line's first 6 bytes or its end. */
function recordAt(buf: Buffer, p: number): Rec {
  const c0 = buf[p];
  const is = (name: string) => {
    for (let k = 0; k < name.length; k++) if (buf[p + k] !== name.charCodeAt(k)) return false;
    return true;
  };
  // A record name ends at a blank, a digit (HETATM12345) or the end of the line.
  const endsAt = (k: number) => {
    const c = buf[p + k];
    return c === 32 || c === LF || c === CR || c === 0 || c === 9 || (c >= 48 && c <= 57);
  };
  switch (c0) {
    case 65: // A
      if (is('ATOM') && endsAt(4)) return Rec.Atom;
      if (is('ANISOU')) return Rec.Skip;
      return Rec.Other;
    case 72: // H
      return is('HETATM') ? Rec.Atom : Rec.Other;
    case 77: // M
      if (is('MODEL') && endsAt(5)) return Rec.Model;
      if (is('MASTER')) return Rec.Skip;
      return Rec.Other;
    case 67: // C
      if (is('CRYST1')) return Rec.Cryst1;
      if (is('CONECT')) return Rec.Skip;
      return Rec.Other;
    case 69: // E
      if (is('ENDMDL')) return Rec.EndModel;
      if (is('END') && endsAt(3) && !(buf[p + 3] >= 48 && buf[p + 3] <= 57)) return Rec.End;
      return Rec.Other;
    case 84: // T
      if (is('TER') && endsAt(3)) return Rec.Skip;
      if (is('TITLE') && endsAt(5)) return Rec.Title;
      return Rec.Other;
    case 83: // S
      return is('SIGATM') || is('SIGUIJ') ? Rec.Skip : Rec.Other;
    case LF:
    case CR:
    case 0:
      return Rec.Blank;
    case 32:
    case 9: {
      let q = p;
      while (buf[q] === 32 || buf[q] === 9) q++;
      return buf[q] === LF || buf[q] === CR || buf[q] === 0 ? Rec.Blank : Rec.Other;
    }
  }
  return Rec.Other;
}

/** First-frame per-atom text, kept until the frame is complete. */
interface Names {
  names: string[];
  resnames: string[];
  resids: number[];
  serials: (number | null)[];
  elements: (string | null)[];
}

export class PdbParser implements FrameParser {
  topology: Topology | null = null;
  /** Atoms per frame, from the first frame. */
  private natoms = -1;
  private positions = new Float64Array(0);
  /** The cell of the last CRYST1 met. */
  private box: Box | null = null;
  private boxKey = '';
  private readonly topologyKnown: boolean;

  constructor(options: ReaderOptions = {}) {
    this.topologyKnown = options.topologyKnown ?? false;
  }

  exportState(): ParserState {
    return { natoms: this.natoms, box: this.box, boxKey: this.boxKey };
  }

  importState(state: ParserState): void {
    this.natoms = (state.natoms as number) ?? -1;
    this.box = (state.box as Box | null) ?? null;
    this.boxKey = (state.boxKey as string) ?? '';
  }

  next(s: Scanner, frame: Frame): boolean {
    const buf = s.buf;
    const first = this.natoms < 0;
    const names: Names | null = first && !this.topologyKnown ? { names: [], resnames: [], resids: [], serials: [], elements: [] } : null;
    let pos = this.positions;
    let n = 0;
    /** A MODEL or CRYST1 record or atoms have been read: the frame has begun. */
    let started = false;
    let timePs: number | null = null;
    let step: number | null = null;
    let box = this.box;
    let boxKey = this.boxKey;
    let endLine = s.line;
    let endOffset = s.pos;
    let residPrev = 0;

    for (;;) {
      const p = s.pos;
      if (p >= s.end) {
        if (!s.eof) throw NEED_MORE;
        if (n === 0) {
          if (started) throw TRUNCATED;
          return false;
        }
        // The last frame has no terminator: complete if it has all its atoms.
        if (!first && n < this.natoms) throw TRUNCATED;
        endLine = s.line;
        endOffset = p;
        break;
      }
      let nl = buf.indexOf(LF, p);
      if (nl < 0 || nl >= s.end) {
        if (!s.eof) throw NEED_MORE;
        nl = s.end;
      }
      const next = nl < s.end ? nl + 1 : s.end;
      const rec = recordAt(buf, p);
      if (rec === Rec.Atom) {
        let stop = nl;
        if (stop > p && buf[stop - 1] === CR) stop--;
        if (!first && n >= this.natoms) {
          throw this.error(s, p, stop, `this frame has more atoms than the first frame's ${this.natoms} (no ENDMDL or END between them?)`);
        }
        const whole = stop - p >= 54;
        const x = whole ? fixedDecimal(buf, p + 30, p + 38, 0) : NaN;
        const y = whole ? fixedDecimal(buf, p + 38, p + 46, 0) : NaN;
        const z = whole ? fixedDecimal(buf, p + 46, p + 54, 0) : NaN;
        if (x !== x || y !== y || z !== z) {
          if (nl === s.end && !whole) throw TRUNCATED; // the file's last line, cut short
          throw this.error(s, p, stop, 'expected x y z (Å) in columns 31–38, 39–46 and 47–54');
        }
        if (3 * n + 3 > pos.length) {
          // Only the first frame grows this (by doubling); later frames have the first frame's size.
          pos = withRoom(pos, 3 * n, Math.max(3 * n + 3, 2 * pos.length, 3 * 1024));
          this.positions = pos;
        }
        pos[3 * n] = x;
        pos[3 * n + 1] = y;
        pos[3 * n + 2] = z;
        if (names) residPrev = this.collectNames(s, p, stop, names, residPrev);
        n++;
        started = true;
      } else if (rec === Rec.EndModel || rec === Rec.End) {
        if (n > 0) {
          endLine = s.line;
          endOffset = p;
          advance(s, next);
          break;
        }
        if (rec === Rec.EndModel && started) throw this.error(s, p, nl, 'this model has no atoms (ENDMDL before any ATOM or HETATM record)');
      } else if (rec === Rec.Skip || rec === Rec.Blank) {
        // TER, CONECT, MASTER, ANISOU …: nothing mdpost needs
      } else {
        // A header record: after atoms, it is the next frame's.
        if (n > 0) {
          endLine = s.line;
          endOffset = p;
          break;
        }
        if (rec === Rec.Model) started = true;
        else if (rec === Rec.Cryst1) {
          started = true;
          let stop = nl;
          if (stop > p && buf[stop - 1] === CR) stop--;
          const key = buf.toString('latin1', p + 6, Math.min(stop, p + 54));
          if (key !== boxKey) {
            box = this.cryst1(s, p, stop);
            boxKey = key;
          }
        } else if (rec === Rec.Title) {
          let stop = nl;
          if (stop > p && buf[stop - 1] === CR) stop--;
          const stamp = titleStamp(buf.toString('latin1', p + 6, stop));
          if (stamp.timePs !== null) timePs = stamp.timePs;
          if (stamp.step !== null) step = stamp.step;
        }
      }
      advance(s, next);
    }

    if (!first && n !== this.natoms) {
      throw new ParseError(s.file, endLine, s.base + endOffset, `this frame has ${n} atoms where the first frame has ${this.natoms}: every frame must hold the same atoms`);
    }
    if (first) {
      this.natoms = n;
      if (names) this.topology = namedAtomsTopology(names.names, names.resnames, Int32Array.from(names.resids), names.elements, idsOf(names.serials));
    }
    this.box = box;
    this.boxKey = boxKey;
    frame.natoms = n;
    frame.step = step;
    frame.timePs = timePs;
    frame.positions = pos;
    frame.images = null;
    frame.unwrapped = false;
    frame.box = box;
    return true;
  }

  /** Name, residue, serial and element of one atom record (first frame only). Returns the residue number, for undoing 4-digit wraps. */
  private collectNames(s: Scanner, p: number, stop: number, out: Names, residPrev: number): number {
    const text = s.buf.toString('latin1', p, stop);
    let resid = decodeHybrid36(text.slice(22, 26), 4);
    if (resid === null) throw this.error(s, p, stop, 'expected a residue number in columns 23–26');
    // Writers that keep 4 digits wrap 9999 → 0; undone as MDAnalysis does.
    while (resid - residPrev < -5000) resid += 10000;
    out.names.push(text.slice(12, 16).trim());
    out.resnames.push(text.slice(17, 21).trim());
    out.resids.push(resid);
    out.serials.push(decodeHybrid36(text.slice(6, 11), 5));
    out.elements.push(elementSymbol(text.slice(76, 78)));
    return resid;
  }

  /** CRYST1 a b c (Å) α β γ (degrees) → the cell, or null for no cell (zero lengths, the 1 Å placeholder). */
  private cryst1(s: Scanner, p: number, stop: number): Box | null {
    const cols: [number, number][] = [[6, 15], [15, 24], [24, 33], [33, 40], [40, 47], [47, 54]];
    const v = cols.map(([a, b]) => (stop - p >= b ? fixedDecimal(s.buf, p + a, p + b, 0) : NaN));
    if (v.some((x) => x !== x)) {
      if (stop === s.end && s.eof) throw TRUNCATED;
      throw this.error(s, p, stop, 'expected CRYST1 a b c (Å) in columns 7–33 and α β γ (degrees) in 34–54');
    }
    const [a, b, c, alpha, beta, gamma] = v;
    if (!(a > 0 && b > 0 && c > 0)) return null;
    if (a === 1 && b === 1 && c === 1 && alpha === 90 && beta === 90 && gamma === 90) return null;
    // cos 90° is 6e-17 in floating point: a rectangular cell is built as one, exactly.
    if (alpha === 90 && beta === 90 && gamma === 90) return orthorhombicBox(a, b, c);
    return boxFromLengthsAngles(a, b, c, alpha, beta, gamma);
  }

  private error(s: Scanner, p: number, stop: number, what: string): ParseError {
    const text = s.buf.toString('latin1', p, Math.min(stop, s.end)).replace(/\r$/, '');
    return new ParseError(s.file, s.line, s.base + p, `${what}; found ${quoteLine(text)}`);
  }
}

function advance(s: Scanner, next: number): void {
  s.pos = next;
  s.lineStart = next;
  s.line++;
}

/** Serials as ids when every one is a number (GROMACS and MDAnalysis wrap or star them past 99999). */
function idsOf(serials: (number | null)[]): Int32Array | null {
  if (serials.some((x) => x === null)) return null;
  return Int32Array.from(serials as number[]);
}

/**
 * A PDB serial (width 5) or residue number (width 4): decimal, or hybrid-36 past the decimal
 * range (wwPDB/cctbx: after 9999 comes A000 … ZZZZ, then a000 … zzzz, each block counting in
 * base 36). Null when the field is neither.
 */
function decodeHybrid36(field: string, width: number): number | null {
  const t = field.trim();
  if (/^[+-]?\d+$/.test(t)) return Number(t);
  if (t.length !== width) return null;
  if (/^[A-Z][0-9A-Z]*$/.test(t)) return parseInt(t, 36) - 10 * 36 ** (width - 1) + 10 ** width;
  if (/^[a-z][0-9a-z]*$/.test(t)) return parseInt(t, 36) + 16 * 36 ** (width - 1) + 10 ** width;
  return null;
}

/** Whether the line at `start` is an atom record (or one that goes with atoms: TER, ANISOU, SIGATM, SIGUIJ). */
function isAtomish(buf: Buffer, start: number): boolean {
  const r = recordAt(buf, start);
  if (r === Rec.Atom) return true;
  if (r !== Rec.Skip) return false;
  return !(buf[start] === 67 || buf[start] === 77); // not CONECT or MASTER
}

/**
 * Where PDB frames start, as the parser ends them: the line after an ENDMDL or END, and a header
 * record (CRYST1, MODEL, TITLE, REMARK …) right after atom records — but never a line that only
 * closes a file (END, ENDMDL, CONECT, MASTER) or a blank one. buf[0] is a frame start when `from`
 * is 0 (a buffer handed over from a frame start).
 */
export function pdbFrameStart(buf: Buffer, from: number, end: number): number {
  if (from === 0) return end > 0 ? 0 : -1;
  let q = buf[from - 1] === LF ? from : buf.indexOf(LF, from) + 1;
  while (q > 0 && q < end) {
    const nl = buf.indexOf(LF, q);
    // Enough of the line to tell its record: its end, or its first 6 bytes.
    if ((nl < 0 || nl >= end) && end - q < 6) return -1;
    const rec = recordAt(buf, q);
    const prev = previousLineStart(buf, q);
    if (prev >= 0 && rec !== Rec.End && rec !== Rec.EndModel && rec !== Rec.Skip && rec !== Rec.Blank) {
      const before = recordAt(buf, prev);
      if (before === Rec.End || before === Rec.EndModel) return q;
      if (rec !== Rec.Atom && isAtomish(buf, prev)) return q;
    }
    if (nl < 0 || nl >= end) return -1;
    q = nl + 1;
  }
  return -1;
}

/**
 * The stamp of the frame at buf[offset]: the time and step of its TITLE (GROMACS), read from the
 * records before its first atom. Null without one: MODEL serials are not used, because they do not
 * number frames for certain (MDAnalysis wraps them after 9999, joined files restart them), and a
 * wrong number would shift every time lag silently; such a file is read by one thread.
 */
function pdbStamp(buf: Buffer, offset: number, end: number): { step: number | null; timePs: number | null } | null {
  const stop = Math.min(end, offset + 8192);
  let q = offset;
  while (q < stop) {
    const rec = recordAt(buf, q);
    if (rec === Rec.Atom) break;
    if (rec === Rec.Title) {
      const stamp = titleStamp(lineText(buf, q + 6, stop));
      if (stamp.step !== null || stamp.timePs !== null) return stamp;
    }
    const nl = buf.indexOf(LF, q);
    if (nl < 0 || nl >= stop) break;
    q = nl + 1;
  }
  return null;
}

const PDB_RECORDS = /^(HEADER|TITLE|COMPND|SOURCE|KEYWDS|EXPDTA|NUMMDL|MDLTYP|AUTHOR|REVDAT|SPRSDE|CAVEAT|OBSLTE|SPLIT|JRNL|REMARK|DBREF|SEQADV|SEQRES|MODRES|HET|HETNAM|HETSYN|FORMUL|HELIX|SHEET|SSBOND|LINK|CISPEP|SITE|CRYST1|ORIGX[123]|SCALE[123]|MTRIX[123]|MODEL|ATOM|HETATM)(?=[\s\d]|$)/;

export const pdbFormat: TrajectoryFormat = {
  name: 'pdb',
  aliases: ['ent'],
  description: 'a PDB file (REMARK, CRYST1, MODEL, ATOM … records)',
  binary: false,
  sniff: (_head, text) => PDB_RECORDS.test(firstTextLine(text).line),
  createParser: (options) => new PdbParser(options),
  framing: { kind: 'marker', findStart: pdbFrameStart, stampAt: pdbStamp } satisfies MarkerFraming,
};

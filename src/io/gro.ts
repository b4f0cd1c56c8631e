import { boxFromVectors, type Box } from '../model/box.js';
import { ParseError, quoteLine } from '../model/errors.js';
import type { Frame, Topology } from '../model/frame.js';
import { NEED_MORE, TRUNCATED } from './byte-cursor.js';
import { fixedDecimal, fixedInt } from './fixed-columns.js';
import type { FrameParser, LineFraming, ParserState, ReaderOptions, TrajectoryFormat } from './format.js';
import { namedAtomsTopology } from './named-atoms.js';
import type { Scanner } from './scanner.js';

/**
 * GROMACS .gro trajectories (`gmx trjconv -o traj.gro`; GROMACS manual, "gro file"). A frame is
 *
 *   title line        free text; GROMACS writes "… t= 10.00000 step= 5000" there (ps, MD step)
 *   atom count
 *   one line per atom  residue number (5 columns), residue name (5), atom name (5), atom number
 *                      (5), then x y z in nm, each field as wide as the distance between the
 *                      line's decimal points (8 for GROMACS's default %8.3f; %{p+5}.{p}f for p
 *                      decimals), then optionally the velocities (nm/ps), which are skipped
 *   box line           v1(x) v2(y) v3(z), or nine numbers v1(x) v2(y) v3(z) v1(y) v1(z) v2(x)
 *                      v2(z) v3(x) v3(y), nm
 *
 * The field width is found from the first atom line as GROMACS's own reader and MDAnalysis find it
 * (the first three decimal points after column 20, evenly spaced), and holds for the whole file.
 * Every frame must have the first frame's atoms: a GRO trajectory is N + 3 lines per frame, which
 * is how worker threads find frame starts (framing below). Names, residues and the elements
 * guessed from them are read from the first frame only; later frames cost one line search and
 * three fixed-width numbers per atom, with no allocation.
 */
const NM = 10; // Å per nm
/** Narrowest coordinate field a GRO file can have: %6.1f. */
const MIN_WIDTH = 6;
const LF = 10, CR = 13;

export class GroParser implements FrameParser {
  topology: Topology | null = null;
  /** Atoms per frame, from the first frame's count line. */
  private natoms = -1;
  /** Width of each of x, y, z (columns), from the first atom line. */
  private width = 0;
  private positions = new Float64Array(0);
  private box: Box | null = null;
  private boxKey = '';
  private readonly boxValues = new Float64Array(9);
  private readonly topologyKnown: boolean;

  constructor(options: ReaderOptions = {}) {
    this.topologyKnown = options.topologyKnown ?? false;
  }

  exportState(): ParserState {
    return { natoms: this.natoms, width: this.width };
  }

  importState(state: ParserState): void {
    this.natoms = (state.natoms as number) ?? -1;
    this.width = (state.width as number) ?? 0;
  }

  next(s: Scanner, frame: Frame): boolean {
    if (!frameFollows(s)) return false;
    const title = s.readLine();
    s.needLine();
    const countLine = s.line;
    const countOffset = s.base + s.pos;
    const n = s.int('the number of atoms');
    if (n < 0) s.fail('expected the number of atoms (a non-negative integer)');
    s.eol('the number of atoms alone on its line');
    if (this.natoms >= 0 && n !== this.natoms) {
      throw new ParseError(
        s.file,
        countLine,
        countOffset,
        `this frame has ${n} atoms where the first frame has ${this.natoms}: every frame of a GRO trajectory must hold the same atoms`,
      );
    }
    if (this.positions.length < 3 * n) {
      // The count is checked against the bytes that are there before any array is sized by it.
      const minLine = 20 + 3 * (this.width || MIN_WIDTH) + 1;
      const left = s.end - s.pos;
      if (n * minLine > left) {
        if (!s.eof) throw NEED_MORE;
        throw new ParseError(
          s.file,
          countLine,
          countOffset,
          `the count says ${n} atoms, but the ${left} bytes left in the file hold at most ${Math.floor(left / minLine)} atom lines (each at least ${minLine} bytes)`,
        );
      }
      this.positions = new Float64Array(3 * n);
    }
    const first = this.natoms < 0;
    if (first && n > 0) this.width = fieldWidth(s);
    const firstAtomLine = s.line;
    const firstAtomOffset = s.pos;
    const atomsEnd = this.readAtoms(s, n);
    this.readBox(s, n);
    if (first) this.natoms = n;
    if (this.topology === null && !this.topologyKnown) this.topology = this.buildTopology(s, n, firstAtomLine, firstAtomOffset, atomsEnd);

    const stamp = titleStamp(title);
    frame.natoms = n;
    frame.step = stamp.step;
    frame.timePs = stamp.timePs;
    frame.positions = this.positions;
    frame.images = null;
    frame.unwrapped = false;
    frame.box = this.box;
    return true;
  }

  /** x y z of n atom lines, by column, straight from the bytes; returns where the lines end in the buffer. */
  private readAtoms(s: Scanner, n: number): number {
    const buf = s.buf;
    const end = s.end;
    const w = this.width;
    const need = 20 + 3 * w;
    const pos = this.positions;
    let p = s.pos;
    for (let i = 0; i < n; i++) {
      if (p >= end) throw s.eof ? TRUNCATED : NEED_MORE;
      let nl = buf.indexOf(LF, p);
      if (nl < 0 || nl >= end) {
        if (!s.eof) throw NEED_MORE;
        nl = end;
      }
      let stop = nl;
      if (stop > p && buf[stop - 1] === CR) stop--;
      const whole = stop - p >= need;
      const x = whole ? fixedDecimal(buf, p + 20, p + 20 + w, 1) : NaN;
      const y = whole ? fixedDecimal(buf, p + 20 + w, p + 20 + 2 * w, 1) : NaN;
      const z = whole ? fixedDecimal(buf, p + 20 + 2 * w, p + 20 + 3 * w, 1) : NaN;
      if (x !== x || y !== y || z !== z) {
        // The file's last line, cut short: a frame still being written.
        if (nl === end && stop - p < need) throw TRUNCATED;
        s.pos = p;
        s.lineStart = p;
        s.line += i;
        throw atomLineError(s, i, n, w, buf.toString('latin1', p, stop));
      }
      pos[3 * i] = x;
      pos[3 * i + 1] = y;
      pos[3 * i + 2] = z;
      p = nl < end ? nl + 1 : end;
    }
    s.pos = p;
    s.lineStart = p;
    s.line += n;
    return p;
  }

  /** The box line: 3 or 9 numbers, nm. An unchanged box keeps its Box object. */
  private readBox(s: Scanner, n: number): void {
    s.needLine();
    const v = this.boxValues;
    let k = 0;
    try {
      while (!s.atEol()) {
        if (k === 9) s.fail(`expected the box after the ${n} atoms: 3 or 9 numbers (nm)`);
        v[k++] = s.float('a box vector component (nm)');
      }
      if (k !== 3 && k !== 9) s.fail(`expected the box after the ${n} atoms: 3 or 9 numbers (nm), not ${k}`);
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      const text = s.peekLine();
      if (looksLikeAtomLine(text)) {
        throw new ParseError(s.file, e.line, e.offset, `the frame declares ${n} atoms but has more atom lines: this line, where the box should be, is an atom line; found ${quoteLine(text)}`);
      }
      throw e;
    }
    if (s.eof && !s.atEol()) s.eol(); // (reports what follows the numbers)
    // The file's last line without its newline: complete only if its last number has all its
    // decimals ("2.17110   2.171" is a line cut while being written).
    const nl = s.buf.indexOf(LF, s.lineStart);
    if (s.eof && (nl < 0 || nl >= s.end)) {
      const tokens = s.peekLine().trim().split(/\s+/);
      const decimals = (t: string) => t.length - t.indexOf('.');
      if (decimals(tokens[tokens.length - 1]) !== decimals(tokens[0])) throw TRUNCATED;
    }
    s.eol();
    if (k === 3) v.fill(0, 3);
    // v1(x) v2(y) v3(z) v1(y) v1(z) v2(x) v2(z) v3(x) v3(y) → rows a, b, c
    const key = `${v[0]} ${v[1]} ${v[2]} ${v[3]} ${v[4]} ${v[5]} ${v[6]} ${v[7]} ${v[8]}`;
    if (key === this.boxKey) return;
    this.boxKey = key;
    const m = [v[0], v[3], v[4], v[5], v[1], v[6], v[7], v[8], v[2]].map((x) => x * NM);
    // GROMACS writes a zero box for a system without periodicity.
    this.box = v[0] > 0 && v[1] > 0 && v[2] > 0 ? boxFromVectors(m) : null;
  }

  /**
   * Names, residues and elements of the first frame's atom lines (read again, once). The lines
   * are made one string, so that finding a line's end and cutting its name columns costs no call
   * into Node per atom, and each distinct pair of name columns is trimmed once.
   */
  private buildTopology(s: Scanner, n: number, line: number, offset: number, end: number): Topology {
    const buf = s.buf;
    const text = buf.toString('latin1', offset, end);
    const names = new Array<string>(n);
    const resnames = new Array<string>(n);
    const resids = new Int32Array(n);
    const ids = new Int32Array(n);
    const kinds = new Map<string, [resname: string, name: string]>();
    let q = 0;
    for (let i = 0; i < n; i++) {
      const p = offset + q;
      let nl = text.indexOf('\n', q);
      if (nl < 0) nl = text.length;
      const resid = fixedInt(buf, p, p + 5);
      const id = fixedInt(buf, p + 15, p + 20);
      if (resid !== resid || id !== id) {
        const what = resid !== resid ? 'a residue number in columns 1–5' : 'an atom number in columns 16–20';
        throw new ParseError(s.file, line + i, s.base + p, `expected ${what} of atom ${i + 1}; found ${quoteLine(text.slice(q, nl).replace(/\r$/, ''))}`);
      }
      resids[i] = resid;
      ids[i] = id;
      const columns = text.slice(q + 5, q + 15);
      let kind = kinds.get(columns);
      if (kind === undefined) kinds.set(columns, (kind = [columns.slice(0, 5).trim(), columns.slice(5).trim()]));
      resnames[i] = kind[0];
      names[i] = kind[1];
      q = nl + 1;
    }
    return namedAtomsTopology(names, resnames, resids, null, ids);
  }
}

/** The time (ps) and step GROMACS writes in a GRO title or a PDB TITLE: "… t=  10.00000 step= 5000". */
export function titleStamp(title: string): { step: number | null; timePs: number | null } {
  const time = /(?:^|\s)t=\s*(-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)(?!\S)/.exec(title);
  const step = /(?:^|\s)step=\s*(-?\d+)(?!\S)/.exec(title);
  return { step: step ? Number(step[1]) : null, timePs: time ? Number(time[1]) : null };
}

/**
 * Whether a frame starts here: anything but blank lines before the end of the file. A blank
 * line followed by more text is a frame with an empty title.
 */
function frameFollows(s: Scanner): boolean {
  const b = s.buf;
  for (let p = s.pos; p < s.end; p++) {
    const c = b[p];
    if (c !== 32 && c !== 9 && c !== CR && c !== LF) return true;
  }
  if (!s.eof) throw NEED_MORE;
  return false;
}

/**
 * The width of the x, y and z fields, from the decimal points of the first atom line (as
 * GROMACS reads it: the first three after column 20, evenly spaced; the first within x's field).
 */
function fieldWidth(s: Scanner): number {
  s.needLine();
  const text = s.peekLine();
  const w = widthOf(text);
  if (w === null) {
    s.fail('expected an atom line: residue number, residue name, atom name and atom number in columns 1–20, then x y z (nm) with evenly spaced decimal points (such as "%8.3f%8.3f%8.3f")');
  }
  return w!;
}

function widthOf(line: string): number | null {
  const p1 = line.indexOf('.', 20);
  const p2 = p1 < 0 ? -1 : line.indexOf('.', p1 + 1);
  const p3 = p2 < 0 ? -1 : line.indexOf('.', p2 + 1);
  if (p3 < 0) return null;
  const w = p2 - p1;
  if (p3 - p2 !== w || w < MIN_WIDTH - 2 || p1 >= 20 + w || line.length < 20 + 3 * w) return null;
  return w;
}

/** A GRO atom line: a residue number, letters in the names, an atom number, x y z by their decimal points. */
function looksLikeAtomLine(line: string): boolean {
  return /^\s*-?\d+$/.test(line.slice(0, 5)) && /[A-Za-z]/.test(line.slice(5, 15)) && /^\s*\d+$/.test(line.slice(15, 20)) && widthOf(line) !== null;
}

function atomLineError(s: Scanner, i: number, n: number, w: number, text: string): ParseError {
  const t = text.trim();
  const fields = t.split(/\s+/);
  const at = (what: string) => new ParseError(s.file, s.line, s.base + s.lineStart, `${what}; found ${quoteLine(text)}`);
  if ((fields.length === 3 || fields.length === 9) && fields.every((f) => Number.isFinite(Number(f)))) {
    return at(`the frame declares ${n} atoms but has only ${i} atom lines: this line holds the box`);
  }
  if (t === '') return at(`the frame declares ${n} atoms but has only ${i} atom lines: this line is blank`);
  return at(`expected atom ${i + 1} of ${n}: x y z (nm) in columns 21–${20 + 3 * w}, ${w} columns each`);
}

/** Every frame is N + 3 lines; the line after its title is the atom count. */
const GRO_FRAMING: LineFraming = {
  kind: 'lines',
  linesPerFrame: (natoms) => natoms + 3,
  startCheckLine: 1,
  isStartLine: (line, natoms) => line.trim() === String(natoms),
};

/** A title, an atom count alone on line 2, and a fixed-column atom line (or, with no atoms, the box). */
function looksLikeGro(text: string): boolean {
  const lines = text.split('\n', 4).map((l) => l.replace(/\r$/, ''));
  if (lines.length < 3 || !/^\s*\d+\s*$/.test(lines[1])) return false;
  if (Number(lines[1]) === 0) return /^\s*(-?\d*\.\d+\s+){2}-?\d*\.\d+(\s+-?\d*\.\d+){0,6}\s*$/.test(lines[2]);
  return looksLikeAtomLine(lines[2]);
}

export const groFormat: TrajectoryFormat = {
  name: 'gro',
  aliases: ['gromacs-gro'],
  description: 'a GROMACS .gro file (a title, the atom count, fixed-column atom lines, the box)',
  binary: false,
  sniff: (_head, text) => looksLikeGro(text),
  createParser: (options) => new GroParser(options),
  framing: GRO_FRAMING,
};

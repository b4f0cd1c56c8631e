import { boxFromVectors, boxVolume, type Box } from '../model/box.js';
import { ParseError, quoteLine } from '../model/errors.js';
import type { Frame, Topology } from '../model/frame.js';
import { elementsFromLabels, emptyTopology } from '../model/topology.js';
import { AtomRows, needAtomLines, parseAtomRows } from './atom-rows.js';
import { Role } from './atom-role.js';
import { skipBlankLines, type FrameParser, type FramingContext, type ParserState, type ReaderOptions, type TrajectoryFormat } from './format.js';
import { firstTextLine, lineStartOf, lineText, previousLineStart } from './text-lines.js';
import type { Scanner } from './scanner.js';

/**
 * VASP XDATCAR (VASP 5 and later): a header —
 *   title / scale / three lattice vectors / species names / species counts
 * — then blocks of `Direct configuration= N` (or `Cartesian configuration= N`) and one line of
 * coordinates per atom, optionally followed by a species label. A fixed-cell run writes the
 * header once; a variable-cell (NpT) run repeats it before every configuration.
 * A negative scale is the cell volume in Å³. Cartesian coordinates are multiplied by the scale,
 * as VASP does for POSCAR.
 */
const COORD_ROLES = [Role.X, Role.Y, Role.Z];
const COORD_NAMES = ['a coordinate', 'a coordinate', 'a coordinate'];

interface Header {
  box: Box;
  scale: number;
  counts: number[];
  natoms: number;
  species: string[];
  /** Where the species counts are (for an error about them). */
  countLine: { line: number; offset: number };
}

export class XdatcarParser implements FrameParser {
  topology: Topology | null = null;
  private readonly topologyKnown: boolean;

  constructor(options: ReaderOptions = {}) {
    this.topologyKnown = options.topologyKnown ?? false;
  }
  private header: Header | null = null;
  private rows = new AtomRows();
  private seen = 0;

  exportState(): ParserState | null {
    return this.header ? { header: this.header } : null;
  }

  importState(state: ParserState): void {
    this.header = (state.header as Header) ?? null;
  }

  next(s: Scanner, frame: Frame): boolean {
    if (!skipBlankLines(s)) return false;
    // A configuration line, or (first frame / variable cell) a header first.
    if (!this.header || !isConfigurationLine(s.peekLine())) {
      const h = readHeader(s);
      if (this.header && h.natoms !== this.header.natoms) {
        throw new ParseError(s.file, s.line - 1, s.base + s.lineStart, `the species counts add up to ${h.natoms} atoms, but earlier frames had ${this.header.natoms}`);
      }
      this.header = h;
    }
    const h = this.header;
    s.needLine();
    const configLine = s.line;
    const configOffset = s.pos;
    const text = s.readLine();
    const cm = /^\s*(direct|cartesian)\b[^\d-]*(-?\d+)?/i.exec(text);
    if (!cm) {
      throw new ParseError(s.file, configLine, s.base + configOffset, `expected "Direct configuration= N" or "Cartesian configuration= N"; found ${quoteLine(text)}`);
    }
    const cartesian = cm[1][0].toLowerCase() === 'c';
    const n = h.natoms;
    const rows = this.rows;
    needAtomLines(s, n, h.countLine);
    rows.ensure(n);
    parseAtomRows(s, rows, COORD_ROLES, COORD_NAMES, false);
    const pos = rows.pos;
    if (cartesian) {
      for (let j = 0; j < 3 * n; j++) pos[j] *= h.scale;
    } else {
      const m = h.box.matrix;
      for (let j = 0; j < 3 * n; j += 3) {
        const a = pos[j], b = pos[j + 1], c = pos[j + 2];
        pos[j] = a * m[0] + b * m[3] + c * m[6];
        pos[j + 1] = a * m[1] + b * m[4] + c * m[7];
        pos[j + 2] = a * m[2] + b * m[5] + c * m[8];
      }
    }
    if (!this.topology && !this.topologyKnown) {
      const labels: string[] = [];
      h.species.forEach((sp, k) => {
        for (let q = 0; q < h.counts[k]; q++) labels.push(sp);
      });
      const top = emptyTopology(n);
      const { elements, masses } = elementsFromLabels(labels);
      top.elements = elements;
      top.masses = masses;
      this.topology = top;
    }
    frame.natoms = n;
    frame.step = cm[2] !== undefined ? Number(cm[2]) : this.seen + 1;
    frame.timePs = null;
    frame.positions = pos;
    frame.images = null;
    frame.unwrapped = false;
    frame.box = h.box;
    this.seen++;
    return true;
  }
}

function isConfigurationLine(text: string): boolean {
  return /^\s*(direct|cartesian)(\s|$|\b.*configuration)/i.test(text);
}

function readHeader(s: Scanner): Header {
  s.needLine();
  s.readLine(); // title
  s.needLine();
  const scaleLine = s.line;
  const scaleOffset = s.pos;
  const scaleText = s.peekLine();
  const scale = s.float('the scale factor');
  s.eol('the scale factor alone on the line (one number)');
  const v: number[] = [];
  for (let k = 0; k < 3; k++) {
    s.needLine();
    for (let c = 0; c < 3; c++) v.push(s.float('a lattice vector component'));
    s.eol('three numbers (a lattice vector)');
  }
  s.needLine();
  const speciesLine = s.line;
  const speciesOffset = s.pos;
  const speciesText = s.readLine();
  const species = speciesText.trim().split(/\s+/);
  if (species.length === 0 || species.some((sp) => /^\d+$/.test(sp))) {
    throw new ParseError(
      s.file,
      speciesLine,
      s.base + speciesOffset,
      `expected the species names (VASP 5 XDATCAR); found ${quoteLine(speciesText)} — a VASP 4 file without names is not supported: add a line with the element names above the counts`,
    );
  }
  s.needLine();
  const countLine = { line: s.line, offset: s.lineStart };
  const counts: number[] = [];
  for (let k = 0; k < species.length; k++) {
    const c = s.int(`the number of ${species[k]} atoms`);
    if (c < 0) s.fail('expected non-negative atom counts');
    counts.push(c);
  }
  s.eol(`${species.length} counts, one per species`);
  // POSCAR-style files may have a "Selective dynamics" line before the coordinates.
  if (/^\s*s/i.test(s.peekLine())) s.skipLine();
  let box = boxFromVectors(v);
  let factor = scale;
  if (scale < 0) {
    // A negative scale gives the cell volume.
    factor = Math.cbrt(-scale / boxVolume(box));
  } else if (!(scale > 0)) {
    throw new ParseError(s.file, scaleLine, s.base + scaleOffset, `the scale factor must be non-zero; found ${quoteLine(scaleText)}`);
  }
  box = boxFromVectors(v.map((x) => x * factor));
  const cleanSpecies = species.map((sp) => sp.replace(/[_/].*$/, ''));
  return { box, scale: factor, counts, natoms: counts.reduce((a, b) => a + b, 0), species: cleanSpecies, countLine };
}

/**
 * Where XDATCAR frames start: at the `Direct configuration=` / `Cartesian configuration=` line,
 * or, in a variable-cell file, at the repeated header (title line) seven lines above it.
 */
export function xdatcarFrameStart(buf: Buffer, from: number, end: number, ctx: FramingContext): number {
  const title = ctx.title as string | undefined;
  let q = from > 0 ? lineStartOf(buf, from) : 0;
  for (;;) {
    const hit = buf.indexOf(CONFIGURATION_MARKER, q);
    if (hit < 0 || hit >= end) return -1;
    const line = lineStartOf(buf, hit);
    const text = lineText(buf, line, end);
    q = hit + CONFIGURATION_MARKER.length;
    if (!/^\s*(direct|cartesian)/i.test(text)) continue;
    let start = line;
    let up = line;
    for (let k = 0; k < 7 && up >= 0; k++) up = previousLineStart(buf, up);
    if (up >= 0 && title !== undefined && lineText(buf, up, end).trim() === title.trim()) start = up;
    if (start >= from) return start;
  }
}

const CONFIGURATION_MARKER = Buffer.from('configuration');

/** The configuration number of the frame starting at buf[offset]. */
function xdatcarStamp(buf: Buffer, offset: number, end: number): { step: number; timePs: null } | null {
  const lines = buf.toString('latin1', offset, Math.min(end, offset + 4096)).split('\n').map((l) => l.trim());
  const config = lines.find((l) => /^(direct|cartesian)/i.test(l));
  const m = config ? /(-?\d+)\s*$/.exec(config) : null;
  return m ? { step: Number(m[1]), timePs: null } : null;
}

/** A title, a scale factor and three lines of three numbers. */
function looksLikeXdatcar(text: string): boolean {
  const lines = text.split('\n', 6).map((l) => l.replace(/\r$/, ''));
  const numbers = (l: string | undefined, n: number) => {
    if (l === undefined) return false;
    const parts = l.trim().split(/\s+/);
    return parts.length >= n && parts.slice(0, n).every((p) => Number.isFinite(Number(p)));
  };
  return numbers(lines[1], 1) && lines[1].trim().split(/\s+/).length === 1 && numbers(lines[2], 3) && numbers(lines[3], 3) && numbers(lines[4], 3);
}

export const xdatcarFormat: TrajectoryFormat = {
  name: 'xdatcar',
  aliases: ['vasp'],
  description: 'a VASP XDATCAR',
  binary: false,
  timeHint: 'an XDATCAR stores no times: --dt is POTIM × NBLOCK from the INCAR (e.g. POTIM = 2 fs, NBLOCK = 1: --dt 2fs)',
  sniff: (_head, text) => firstTextLine(text).line !== '' && looksLikeXdatcar(text),
  createParser: (options) => new XdatcarParser(options),
  framing: {
    kind: 'marker',
    context: (head) => ({ title: head.toString('latin1', 0, Math.min(head.length, 4096)).split('\n')[0].replace(/\r$/, '') }),
    findStart: xdatcarFrameStart,
    stampAt: xdatcarStamp,
  },
};

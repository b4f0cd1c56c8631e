import { boxFromVectors, type Box } from '../model/box.js';
import { elementFromAtomName } from '../model/atom-names.js';
import { atomicMass, elementFromLabel, symbolOf } from '../model/elements.js';
import { ParseError, quoteLine } from '../model/errors.js';
import type { Frame, Topology } from '../model/frame.js';
import { elementsFromLabels, emptyTopology } from '../model/topology.js';
import { AtomRows, needAtomLines, parseAtomRows, shortFrameError } from './atom-rows.js';
import { Role } from './atom-role.js';
import { numbersOf, parseCommentLine, parsePbc, parseProperties } from './extxyz-comment.js';
import { skipBlankLines, type FrameParser, type LineFraming, type ReaderOptions, type TrajectoryFormat } from './format.js';
import { firstTextLine } from './text-lines.js';
import type { Scanner } from './scanner.js';

/**
 * XYZ and extended XYZ. A frame is a count line, a comment line and one line per atom.
 *
 * Plain XYZ: `Element x y z [anything]`; the element may be an atomic number; the cell comes
 * from the caller (`--box`) because the format has none.
 *
 * Extended XYZ: the comment holds `Lattice="ax ay az bx by bz cx cy cz"` (cell vectors as rows),
 * `Properties=species:S:1:pos:R:3:…` naming the columns in order, `pbc="T T T"` and `Time=`.
 * `Time` is read in fs, the unit GPUMD's dump_exyz writes.
 */
interface ColumnSpec {
  roles: Role[];
  names: string[];
  labelKind: 'label' | 'Z';
  hasMass: boolean;
}

const PLAIN_SPEC: ColumnSpec = {
  roles: [Role.Element, Role.X, Role.Y, Role.Z],
  names: ['an element symbol or atomic number', 'x', 'y', 'z'],
  labelKind: 'label',
  hasMass: false,
};

/**
 * What an atom line that fails to parse is when it is not a damaged atom line: a lone integer is
 * the next frame's count line, which is where a frame with fewer atoms than its count ends up.
 */
function nextFrameLine(text: string): string | null {
  const t = text.trim();
  if (t === '') return 'is blank';
  if (/^\d+$/.test(t)) return "holds a lone integer (the next frame's atom count)";
  return null;
}

export class XyzParser implements FrameParser {
  topology: Topology | null = null;
  private rows = new AtomRows();
  private readonly box: Box | null;
  private readonly topologyKnown: boolean;

  constructor(
    readonly extended: boolean,
    options: ReaderOptions = {},
  ) {
    this.box = options.box ?? null;
    this.topologyKnown = options.topologyKnown ?? false;
  }

  next(s: Scanner, frame: Frame): boolean {
    if (!skipBlankLines(s)) return false;
    const count = { line: s.line, offset: s.lineStart };
    const natoms = s.int('the number of atoms');
    if (natoms < 0) s.fail('expected the number of atoms (a non-negative integer)');
    s.eol('the number of atoms alone on the line');
    s.needLine();
    const commentLine = s.line;
    const commentOffset = s.pos;
    const comment = s.readLine();
    const rows = this.rows;
    needAtomLines(s, natoms, count);
    rows.ensure(natoms);
    const first = this.topology === null && !this.topologyKnown;

    frame.natoms = natoms;
    frame.step = null;
    frame.timePs = null;
    frame.images = null;
    frame.unwrapped = false;
    frame.box = this.box;

    if (!this.extended) stampFromComment(comment, frame);
    const spec = this.extended ? this.readComment(s, comment, commentLine, commentOffset, frame) : PLAIN_SPEC;
    const firstAtomLine = s.line;
    try {
      parseAtomRows(s, rows, spec.roles, spec.names, first);
    } catch (e) {
      throw shortFrameError(e, s, natoms, firstAtomLine, nextFrameLine);
    }
    if (first) this.topology = topologyOf(rows, natoms, spec.labelKind, spec.hasMass);
    frame.positions = rows.pos;
    return true;
  }

  /** Read Lattice/Properties/Time/pbc from an extended XYZ comment into the frame. */
  private readComment(
    s: Scanner,
    comment: string,
    commentLine: number,
    commentOffset: number,
    frame: Frame,
  ): ColumnSpec {
    const kv = parseCommentLine(comment);
    const bad = (what: string): never => {
      throw new ParseError(s.file, commentLine, s.base + commentOffset, `${what}; found ${quoteLine(comment)}`);
    };
    let pbc: [boolean, boolean, boolean] = [true, true, true];
    const pbcText = kv.get('pbc');
    if (pbcText !== undefined) pbc = parsePbc(pbcText) ?? bad(`expected pbc="T T T" (three T/F), not pbc=${JSON.stringify(pbcText)}`);
    const lattice = kv.get('lattice');
    if (lattice !== undefined) {
      const v = numbersOf(lattice);
      if (!v || v.length !== 9) bad(`expected Lattice="ax ay az bx by bz cx cy cz" (9 numbers), not Lattice=${JSON.stringify(lattice)}`);
      frame.box = boxFromVectors(v!, [0, 0, 0], pbc);
    }
    const time = kv.get('time');
    if (time !== undefined) {
      const t = Number(time);
      if (!Number.isFinite(t)) bad(`expected Time= a number (fs), not ${JSON.stringify(time)}`);
      frame.timePs = t * 1e-3;
    }
    const step = kv.get('step') ?? kv.get('timestep');
    if (step !== undefined && /^-?\d+$/.test(step)) frame.step = Number(step);

    const propText = kv.get('properties') ?? 'species:S:1:pos:R:3';
    const props = parseProperties(propText);
    if (!props) bad(`expected Properties=name:type:count:… (type S, R, I or L), not Properties=${JSON.stringify(propText)}`);
    const roles: Role[] = [];
    const names: string[] = [];
    let labelKind: 'label' | 'Z' | null = null;
    let hasPos = false;
    let hasMass = false;
    for (const p of props!) {
      const lname = p.name.toLowerCase();
      for (let k = 0; k < p.count; k++) {
        let role = Role.Skip;
        if ((lname === 'species' || lname === 'element' || lname === 'symbols') && p.kind === 'S' && k === 0 && labelKind !== 'label') {
          role = Role.Element;
          labelKind = 'label';
        } else if (lname === 'z' && (p.kind === 'I' || p.kind === 'R') && labelKind === null) {
          role = Role.AtomicNumber;
          labelKind = 'Z';
        } else if (lname === 'pos' && p.kind === 'R' && p.count === 3) {
          role = [Role.X, Role.Y, Role.Z][k];
          hasPos = true;
        } else if ((lname === 'masses' || lname === 'mass') && p.kind === 'R' && p.count === 1) {
          role = Role.Mass;
          hasMass = true;
        }
        roles.push(role);
        names.push(`${p.name}${p.count > 1 ? `[${k}]` : ''} (column ${roles.length})`);
      }
    }
    if (!hasPos) bad(`Properties=${propText} has no pos:R:3 column`);
    if (labelKind === null) bad(`Properties=${propText} has no species:S:1 (or Z:I:1) column`);
    return { roles, names, labelKind: labelKind!, hasMass };
  }
}

/**
 * The step and time some programs put on a plain XYZ comment line: CP2K
 * (` i =        5, time =        2.500, E =  -1234.56`: step, and time in fs) and LAMMPS
 * `dump xyz` (`Atoms. Timestep: 500`: the step, which --timestep turns into time).
 */
function stampFromComment(comment: string, frame: Frame): void {
  const cp2k = /^\s*i\s*=\s*(\d+)\s*,\s*time\s*=\s*([-+0-9.eE]+)/.exec(comment);
  if (cp2k) {
    frame.step = Number(cp2k[1]);
    const t = Number(cp2k[2]);
    frame.timePs = Number.isFinite(t) ? t * 1e-3 : null;
    return;
  }
  const lammps = /^\s*Atoms\.\s*Timestep:\s*(\d+)\s*$/.exec(comment);
  if (lammps) frame.step = Number(lammps[1]);
}

/**
 * The atoms' identity from their labels. A file whose labels all name elements ("Na", "O1",
 * "11", "Li_sv") is read as elements; a file with any force-field name among them (OW, HW1, OT:
 * what MDAnalysis writes from GROMACS files) has every label read as an atom name, the way
 * GROMACS and MDAnalysis guess elements from names (`elementFromAtomName`: NA → Na, CL → Cl,
 * C1 → C, CA → C). Labels are kept as the atoms' names; a label that names no element is kept
 * as the element too (MW, DUM), so it still selects its atoms and is never bonded.
 */
function topologyOf(rows: AtomRows, natoms: number, labelKind: 'label' | 'Z', hasMass: boolean): Topology {
  const top = emptyTopology(natoms);
  const labels = labelKind === 'Z' ? rows.labels.slice(0, natoms).map((z) => symbolOrLabel(z)) : rows.labels.slice(0, natoms);
  const distinct = [...new Set(labels)];
  if (labelKind === 'Z' || distinct.every((l) => elementFromLabel(l) !== null)) {
    const { elements, masses } = elementsFromLabels(labels);
    top.elements = elements;
    top.masses = masses;
  } else {
    const elementOf = new Map(distinct.map((l) => [l, (/^\d+$/.test(l) ? elementFromLabel(l) : elementFromAtomName(l)) ?? l]));
    top.elements = labels.map((l) => elementOf.get(l)!);
    top.masses = Float64Array.from(top.elements, (e) => atomicMass(e));
  }
  if (labelKind === 'label') top.names = labels;
  if (hasMass) top.masses = rows.mass.slice(0, natoms);
  return top;
}

function symbolOrLabel(z: string): string {
  const n = Number(z);
  return Number.isInteger(n) && n >= 1 && n <= 118 ? symbolOf(n) : z;
}

/** Every frame is N + 2 lines (with a fixed atom count), starting with the count alone on its line. */
const XYZ_FRAMING: LineFraming = {
  kind: 'lines',
  linesPerFrame: (natoms) => natoms + 2,
  isStartLine: (line, natoms) => line.trim() === String(natoms),
};

/** An atom count alone on the first line; extended when the comment line has Lattice= or Properties=. */
function xyzKind(text: string): 'xyz' | 'extxyz' | null {
  const { line, index, lines } = firstTextLine(text);
  if (!/^\d+$/.test(line)) return null;
  return /(^|\s)(lattice|properties)\s*=/i.test(lines[index + 1] ?? '') ? 'extxyz' : 'xyz';
}

export const extxyzFormat: TrajectoryFormat = {
  name: 'extxyz',
  aliases: ['ext-xyz', 'extended-xyz'],
  description: 'an extended XYZ file (Lattice= and Properties= on the comment line)',
  binary: false,
  sniff: (_head, text) => xyzKind(text) === 'extxyz',
  createParser: (options) => new XyzParser(true, options),
  framing: XYZ_FRAMING,
};

export const xyzFormat: TrajectoryFormat = {
  name: 'xyz',
  aliases: [],
  description: 'an XYZ file (an atom count on line 1)',
  binary: false,
  sniff: (_head, text) => xyzKind(text) === 'xyz',
  createParser: (options) => new XyzParser(false, options),
  framing: XYZ_FRAMING,
};

import { boxFromVectors, type Box } from '../model/box.js';
import { ParseError, quoteLine } from '../model/errors.js';
import type { Frame, Topology } from '../model/frame.js';
import { elementsFromLabels, emptyTopology } from '../model/topology.js';
import { LAMMPS_TIME_UNIT_PS } from '../model/units.js';
import { AtomRows, needAtomLines, parseAtomRows, shortFrameError } from './atom-rows.js';
import { Role } from './atom-role.js';
import { skipBlankLines, type FrameParser, type ParserState, type ReaderOptions, type TrajectoryFormat } from './format.js';
import { firstTextLine, lineStartOf, lineText, previousLineStart } from './text-lines.js';
import type { Scanner } from './scanner.js';

/**
 * LAMMPS text dumps (`dump custom`, `dump atom`). A frame is a sequence of `ITEM:` sections —
 * TIMESTEP, optional TIME and UNITS, NUMBER OF ATOMS, BOX BOUNDS — ending with `ITEM: ATOMS`
 * and its column names, then one line per atom. TIMESTEP, NUMBER OF ATOMS, BOX BOUNDS and ATOMS
 * are required. TIMESTEP must come before NUMBER OF ATOMS and BOX BOUNDS (only UNITS and TIME
 * may precede it, as LAMMPS writes them): it is the marker by which framing.ts finds where
 * frames start, so a frame without it would be silently merged into its neighbour. Nothing else
 * is assumed about the order of the sections, the columns, or the atoms; all three may change
 * from frame to frame.
 *
 * Coordinates: wrapped ones with image flags when the dump has both (see planColumns), else
 * unwrapped columns (xu, then xsu), else wrapped (x, then xs). Scaled coordinates are fractional coordinates of the cell
 * (also for triclinic cells), so r = origin + s·H.
 *
 * Topology from the first frame: id, type, mol, element and mass columns, and `q` (per-atom
 * charges, e, for the conductivity's ions).
 *
 * Triclinic cells come either as the restricted form (`xy xz yz`: bounding box plus tilts,
 * converted here to the real cell) or as LAMMPS's general form (`abc origin`: the vectors).
 */
export class LammpsDumpParser implements FrameParser {
  topology: Topology | null = null;
  private rows = new AtomRows();
  private slots = new SlotMap();
  private layoutKey = '';
  private layout: ColumnLayout | null = null;
  private positions = new Float64Array(0);
  private images = new Int32Array(0);
  private readonly typeMap: Map<number, string> | null;
  /** `ITEM: UNITS` is written with the first frame only and holds for the rest. */
  private units: string | null = null;
  /** The unit of `ITEM: TIME` taken when the dump does not say (see timeUnitOf). */
  private assumedUnit: string | null = null;
  readonly notes: string[] = [];

  private readonly topologyKnown: boolean;
  private readonly stampsOnly: boolean;
  /** The atoms (slots, in id order) the caller reads, or null for all. */
  private readonly wanted: Uint8Array | null;
  /**
   * By atom id: 2 for a wanted atom, 1 for another atom of the set the table was made from, 0 for
   * an id not in it (see CompiledRows). Made from a frame parsed in full; null until then, or
   * when ids are too sparse for a table.
   */
  private wantById: Uint8Array | null = null;
  private wantAtoms = -1;
  /**
   * The atom ids by slot (ascending) of the first frame, from the reader of the frames before
   * this one (exportState): the table of wanted ids is made from them, so that even the first
   * frame this parser reads steps over the rows no one reads.
   */
  private knownIds: Int32Array | null = null;

  constructor(options: ReaderOptions = {}) {
    this.typeMap = options.typeMap ?? null;
    this.topologyKnown = options.topologyKnown ?? false;
    this.stampsOnly = options.stampsOnly ?? false;
    const atoms = options.atoms ?? null;
    if (atoms) {
      const most = atoms.reduce((a, b) => Math.max(a, b), -1);
      this.wanted = new Uint8Array(most + 1);
      for (const a of atoms) if (a >= 0) this.wanted[a] = 1;
    } else this.wanted = null;
  }

  exportState(): ParserState {
    return { units: this.units, assumedUnit: this.assumedUnit, ids: this.topology?.ids ?? this.knownIds };
  }

  importState(state: ParserState): void {
    this.units = (state.units as string | null) ?? null;
    this.assumedUnit = (state.assumedUnit as string | null) ?? null;
    this.knownIds = state.ids instanceof Int32Array ? state.ids : null;
  }

  next(s: Scanner, frame: Frame): boolean {
    if (!skipBlankLines(s)) return false;
    let step: number | null = null;
    let time: number | null = null;
    let natoms = -1;
    let count = { line: 0, offset: 0 };
    let box: Box | null = null;
    // Sections met so far in this frame (Seen bits): a few integer operations per section, so
    // the checks cost nothing next to the atom lines.
    let seen = 0;
    for (;;) {
      s.needLine();
      const headerLine = s.line;
      const headerOffset = s.pos;
      const text = s.readLine();
      const item = /^\s*ITEM:\s*(.*?)\s*$/.exec(text);
      const fail = (what: string) => headerError(s, headerLine, headerOffset, what, text);
      if (!item) {
        throw fail(
          seen === 0
            ? 'expected an "ITEM:" line (the start of a LAMMPS dump section)'
            : 'expected an "ITEM:" line; this frame has had no "ITEM: ATOMS" line (the column names), so atom lines cannot start here',
        );
      }
      const name = item[1];
      const kind = sectionOf(name);
      if (kind === 0) {
        throw fail(`unknown section "ITEM: ${name}"; expected TIMESTEP, TIME, UNITS, NUMBER OF ATOMS, BOX BOUNDS or ATOMS`);
      }
      if (seen & kind) {
        // TIMESTEP (or TIME, UNITS) again: the next frame begins, so this one never reached its atoms.
        throw fail(
          kind & FRAME_START
            ? `expected "ITEM: ATOMS": this frame has no atoms section before the next frame's "ITEM: ${name}"`
            : `"ITEM: ${name}" appears a second time in this frame; expected "ITEM: ATOMS"`,
        );
      }
      if (!(seen & Seen.Timestep) && kind & (Seen.NumberOfAtoms | Seen.BoxBounds | Seen.Atoms)) {
        throw fail(`expected "ITEM: TIMESTEP" before "ITEM: ${name}" (a frame starts with its timestep, after the optional ITEM: UNITS and ITEM: TIME)`);
      }
      seen |= kind;
      if (kind === Seen.Timestep) {
        s.needLine();
        step = s.int('the timestep');
        s.eol('the timestep alone on the line');
      } else if (kind === Seen.Time) {
        s.needLine();
        time = s.float('the time');
        s.eol('the time alone on the line');
      } else if (kind === Seen.Units) {
        s.needLine();
        this.units = s.readLine().trim();
      } else if (kind === Seen.NumberOfAtoms) {
        s.needLine();
        count = { line: s.line, offset: s.lineStart };
        natoms = s.int('the number of atoms');
        if (natoms < 0) s.fail('expected a non-negative number of atoms');
        s.eol('the number of atoms alone on the line');
      } else if (kind === Seen.BoxBounds) {
        box = readBox(s, name);
      } else {
        if (natoms < 0) throw fail('expected "ITEM: NUMBER OF ATOMS" before the atoms');
        if (box === null) throw fail('expected "ITEM: BOX BOUNDS" (the cell) before the atoms');
        const columns = name.slice(5).trim();
        if (columns !== this.layoutKey || this.layout === null) {
          this.layout = planColumns(columns, fail);
          this.layoutKey = columns;
        }
        break;
      }
    }
    const layout = this.layout!;

    const rows = this.rows;
    needAtomLines(s, natoms, count);
    const first = this.topology === null && !this.topologyKnown;
    if (this.stampsOnly && !first) {
      // Its lines are stepped over, not checked: the fold reads this frame again in full. Nor are
      // its rows' arrays made (megabytes for a large frame): its positions are stale by contract.
      s.skipLines(natoms);
      frame.natoms = natoms;
      frame.step = step;
      frame.timePs = time === null ? null : this.timeInPs(time, step);
      frame.positions = rows.pos;
      frame.images = null;
      frame.unwrapped = layout.unwrapped;
      frame.box = box;
      return true;
    }
    rows.ensure(natoms);
    const firstAtomLine = s.line;
    const firstAtomOffset = s.pos;
    const roles = first ? layout.roles : layout.frameRoles;
    // Types, molecule ids, masses and charges matter for the topology only: later frames skip
    // them; and the rows of atoms nobody reads are stepped over once their id is read.
    const parse = (want: Uint8Array | null) => {
      try {
        parseAtomRows(s, rows, roles, layout.names, first && layout.hasElement, want);
      } catch (e) {
        throw shortFrameError(e, s, natoms, firstAtomLine, (line) => (/^\s*ITEM:/.test(line) ? 'is an "ITEM:" line (the next frame begins)' : null));
      }
    };
    if (!first && this.wantById === null && this.knownIds && this.wanted && layout.hasId && !layout.scaled) {
      this.makeWantTable(this.knownIds, this.knownIds.length, null);
      // Made once: a frame with another set of atoms is parsed in full below and the table
      // remade from it.
      this.knownIds = null;
    }
    parse(first || layout.scaled ? null : this.wantById);
    let order = this.orderOf(rows, natoms, layout, s, firstAtomLine, firstAtomOffset);
    if (rows.skipped && !(natoms === this.wantAtoms && rows.unknownIds === 0 && (rows.idsAscending || !this.slots.rebuilt))) {
      // Not the set of atoms the table was made from: rows stepped over may be wanted ones now.
      s.pos = firstAtomOffset;
      s.line = firstAtomLine;
      s.lineStart = firstAtomOffset;
      parse(null);
      order = this.orderOf(rows, natoms, layout, s, firstAtomLine, firstAtomOffset);
    }
    // Scaled coordinates are converted in place over all rows, so those frames are always parsed in full.
    if (!rows.skipped && this.wanted && layout.hasId && !layout.scaled) this.makeWantTable(rows.id, natoms, order);

    if (layout.scaled) scaledToCartesian(rows.pos, natoms, box);

    // Put atoms in id order (LAMMPS writes them in processor order unless `dump_modify sort id`).
    let positions = rows.pos;
    let images: Int32Array | null = layout.hasImages ? rows.img : null;
    if (order) {
      if (this.positions.length < 3 * natoms) {
        this.positions = new Float64Array(3 * natoms);
        this.images = new Int32Array(3 * natoms);
      }
      scatter3(rows.pos, this.positions, order, natoms);
      positions = this.positions;
      if (images) {
        scatter3i(rows.img, this.images, order, natoms);
        images = this.images;
      }
    }

    if (first) this.topology = this.buildTopology(rows, natoms, layout, order);

    frame.natoms = natoms;
    frame.step = step;
    frame.timePs = time === null ? null : this.timeInPs(time, step);
    frame.positions = positions;
    frame.images = images;
    frame.unwrapped = layout.unwrapped;
    frame.box = box;
    return true;
  }

  /**
   * `ITEM: TIME` in ps. Its unit is the run's unit style, which the dump names only with
   * `dump_modify units yes`. Without it, the ratio of time to step says which of LAMMPS's two
   * usual styles wrote it — about 1 (fs per step: real) or about 0.001 (ps per step: metal) —
   * and a note says which was assumed; anything else leaves the time unknown.
   */
  private timeInPs(time: number, step: number | null): number | null {
    if (this.units !== null) {
      const unitPs = LAMMPS_TIME_UNIT_PS[this.units] ?? null;
      return unitPs === null ? null : time * unitPs;
    }
    if (this.assumedUnit === null && step !== null && step > 0 && time > 0) {
      const perStep = time / step;
      this.assumedUnit = perStep >= 0.05 && perStep <= 20 ? 'real' : perStep >= 5e-5 && perStep <= 0.02 ? 'metal' : 'unknown';
      this.notes.push(
        this.assumedUnit === 'unknown'
          ? `ITEM: TIME without ITEM: UNITS, and ${time} at step ${step} fits neither real (fs) nor metal (ps) units: the times are not used; give --dt or --timestep`
          : `ITEM: TIME without ITEM: UNITS: read in ${this.assumedUnit === 'real' ? 'fs (LAMMPS real units)' : 'ps (LAMMPS metal units)'}, since time / step = ${Number(perStep.toPrecision(3))}; give --dt or --timestep if that is wrong`,
      );
    }
    if (this.assumedUnit === null) return time === 0 ? 0 : null;
    const unitPs = LAMMPS_TIME_UNIT_PS[this.assumedUnit] ?? null;
    return unitPs === null ? null : time * unitPs;
  }

  /** Where each row goes in id order, or null when the rows are in id order already. */
  private orderOf(rows: AtomRows, natoms: number, layout: ColumnLayout, s: Scanner, line: number, offset: number): Int32Array | null {
    if (!layout.hasId || rows.idsAscending) return null;
    return this.slots.slotsOf(rows.id, natoms, (dup) => new ParseError(s.file, line, s.base + offset, `atom id ${dup} appears twice in this frame`));
  }

  /** The table of wanted ids, from the ids of a frame (in file order, `order` their slots; or by slot). */
  private makeWantTable(ids: Int32Array, natoms: number, order: Int32Array | null): void {
    const wanted = this.wanted!;
    let maxId = -1, minId = 0;
    for (let i = 0; i < natoms; i++) {
      const id = ids[i];
      if (id > maxId) maxId = id;
      if (id < minId) minId = id;
    }
    this.wantAtoms = natoms;
    if (minId < 0 || maxId > 16 * natoms + 1_000_000) {
      this.wantById = null;
      return;
    }
    const table = this.wantById && this.wantById.length === maxId + 1 ? this.wantById.fill(0) : new Uint8Array(maxId + 1);
    for (let i = 0; i < natoms; i++) {
      const slot = order ? order[i] : i;
      table[ids[i]] = slot < wanted.length && wanted[slot] ? 2 : 1;
    }
    this.wantById = table;
  }

  private buildTopology(rows: AtomRows, n: number, layout: ColumnLayout, order: Int32Array | null): Topology {
    const sorted = <T extends Int32Array | Float64Array>(a: T): T => {
      const out = a.slice(0, n) as T;
      if (order) for (let i = 0; i < n; i++) out[order[i]] = a[i];
      return out;
    };
    const top: Topology = {
      ...emptyTopology(n),
      ids: layout.hasId ? sorted(rows.id) : null,
      types: layout.hasType ? sorted(rows.type) : null,
      molIds: layout.hasMol ? sorted(rows.mol) : null,
      elements: null,
      masses: layout.hasMass ? sorted(rows.mass) : null,
      charges: layout.hasCharge ? sorted(rows.charge) : null,
    };
    let labels: string[] | null = null;
    if (layout.hasElement) {
      labels = new Array<string>(n);
      for (let i = 0; i < n; i++) labels[order ? order[i] : i] = rows.labels[i];
    } else if (this.typeMap && top.types) {
      labels = Array.from(top.types, (t) => this.typeMap!.get(t) ?? `type${t}`);
    }
    if (labels) {
      const { elements, masses } = elementsFromLabels(labels);
      top.elements = elements;
      if (!top.masses) top.masses = masses;
    }
    return top;
  }
}

interface ColumnLayout {
  roles: Role[];
  /** The roles for frames after the first: what only the topology needs is skipped. */
  frameRoles: Role[];
  names: string[];
  scaled: boolean;
  unwrapped: boolean;
  hasImages: boolean;
  hasId: boolean;
  hasType: boolean;
  hasMol: boolean;
  hasElement: boolean;
  hasMass: boolean;
  hasCharge: boolean;
}

const COORD_SETS: { cols: [string, string, string]; scaled: boolean; unwrapped: boolean }[] = [
  { cols: ['xu', 'yu', 'zu'], scaled: false, unwrapped: true },
  { cols: ['xsu', 'ysu', 'zsu'], scaled: true, unwrapped: true },
  { cols: ['x', 'y', 'z'], scaled: false, unwrapped: false },
  { cols: ['xs', 'ys', 'zs'], scaled: true, unwrapped: false },
];

/** Decide what each column of `ITEM: ATOMS …` is for. */
export function planColumns(header: string, fail: (what: string) => Error): ColumnLayout {
  const cols = header.split(/\s+/).filter((c) => c !== '');
  if (cols.length === 0) throw fail('"ITEM: ATOMS" lists no columns; mdpost needs the column names (LAMMPS has written them since 2008)');
  const index = new Map<string, number>();
  cols.forEach((c, k) => {
    if (!index.has(c)) index.set(c, k);
  });
  // Wrapped coordinates with image flags, where a dump has them beside unwrapped columns: they
  // keep more digits (xu = x + n·L is a larger number written to the same precision), and in a
  // changing cell they are unwrapped step by step instead of folding in the box fluctuations.
  const withImages = ['ix', 'iy', 'iz'].every((c) => index.has(c)) ? COORD_SETS.find((cs) => !cs.unwrapped && cs.cols.every((c) => index.has(c))) : undefined;
  const set = withImages ?? COORD_SETS.find((cs) => cs.cols.every((c) => index.has(c)));
  if (!set) throw fail('no coordinate columns: expected x y z, xs ys zs, xu yu zu or xsu ysu zsu');
  const roles: Role[] = cols.map(() => Role.Skip);
  const names = cols.map((c, k) => `${c} (column ${k + 1})`);
  const assign = (col: string, role: Role) => {
    const k = index.get(col);
    if (k !== undefined) roles[k] = role;
    return k !== undefined;
  };
  set.cols.forEach((c, k) => assign(c, [Role.X, Role.Y, Role.Z][k]));
  const hasImages = !set.unwrapped && ['ix', 'iy', 'iz'].every((c) => index.has(c));
  if (hasImages) ['ix', 'iy', 'iz'].forEach((c, k) => assign(c, [Role.ImageX, Role.ImageY, Role.ImageZ][k]));
  const hasId = assign('id', Role.Id);
  const hasType = assign('type', Role.Type);
  const hasMol = assign('mol', Role.Mol);
  const hasElement = assign('element', Role.Element);
  const hasMass = assign('mass', Role.Mass);
  const hasCharge = assign('q', Role.Charge);
  const topologyOnly = new Set([Role.Type, Role.Mol, Role.Element, Role.Mass, Role.Charge]);
  return {
    roles,
    frameRoles: roles.map((r) => (topologyOnly.has(r) ? Role.Skip : r)),
    names,
    scaled: set.scaled,
    unwrapped: set.unwrapped,
    hasImages,
    hasId,
    hasType,
    hasMol,
    hasElement,
    hasMass,
    hasCharge,
  };
}

/** Read the three lines of a BOX BOUNDS section into a cell. */
function readBox(s: Scanner, item: string): Box {
  const flags = item.slice('BOX BOUNDS'.length).trim().split(/\s+/).filter((f) => f !== '');
  const general = flags[0] === 'abc' && flags[1] === 'origin';
  const tilted = flags[0] === 'xy' && flags[1] === 'xz' && flags[2] === 'yz';
  const bflags = flags.slice(general ? 2 : tilted ? 3 : 0);
  const pbc = [0, 1, 2].map((k) => (bflags[k] ?? 'pp').startsWith('p')) as [boolean, boolean, boolean];
  const v: number[][] = [];
  const per = general ? 4 : tilted ? 3 : 2;
  for (let k = 0; k < 3; k++) {
    s.needLine();
    const row: number[] = [];
    for (let c = 0; c < per; c++) row.push(s.float(general ? 'a cell vector component or origin' : tilted ? 'a bound or tilt' : 'a box bound'));
    s.eol(`${per} numbers on a BOX BOUNDS line`);
    v.push(row);
  }
  if (general) {
    return boxFromVectors([...v[0].slice(0, 3), ...v[1].slice(0, 3), ...v[2].slice(0, 3)], [v[0][3], v[1][3], v[2][3]], pbc);
  }
  if (!tilted) {
    const [[xlo, xhi], [ylo, yhi], [zlo, zhi]] = v;
    return boxFromVectors([xhi - xlo, 0, 0, 0, yhi - ylo, 0, 0, 0, zhi - zlo], [xlo, ylo, zlo], pbc);
  }
  // The restricted triclinic form stores the bounding box of the tilted cell; undo that
  // (LAMMPS Howto_triclinic: xlo_bound = xlo + min(0, xy, xz, xy+xz), ylo_bound = ylo + min(0, yz)).
  const [[xlob, xhib, xy], [ylob, yhib, xz], [zlo, zhi, yz]] = v;
  const xlo = xlob - Math.min(0, xy, xz, xy + xz);
  const xhi = xhib - Math.max(0, xy, xz, xy + xz);
  const ylo = ylob - Math.min(0, yz);
  const yhi = yhib - Math.max(0, yz);
  return boxFromVectors([xhi - xlo, 0, 0, xy, yhi - ylo, 0, xz, yz, zhi - zlo], [xlo, ylo, zlo], pbc);
}

function scaledToCartesian(pos: Float64Array, n: number, box: Box): void {
  const m = box.matrix;
  const o = box.origin;
  for (let i = 0; i < n; i++) {
    const j = 3 * i;
    const a = pos[j], b = pos[j + 1], c = pos[j + 2];
    pos[j] = o[0] + a * m[0] + b * m[3] + c * m[6];
    pos[j + 1] = o[1] + a * m[1] + b * m[4] + c * m[7];
    pos[j + 2] = o[2] + a * m[2] + b * m[5] + c * m[8];
  }
}

function scatter3(from: Float64Array, to: Float64Array, slot: Int32Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const a = 3 * i, b = 3 * slot[i];
    to[b] = from[a];
    to[b + 1] = from[a + 1];
    to[b + 2] = from[a + 2];
  }
}

function scatter3i(from: Int32Array, to: Int32Array, slot: Int32Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const a = 3 * i, b = 3 * slot[i];
    to[b] = from[a];
    to[b + 1] = from[a + 1];
    to[b + 2] = from[a + 2];
  }
}

/**
 * Where each row goes when atoms are put in id order. The id → rank table is built once and
 * reused while the frames hold the same set of atoms, so unsorted dumps cost one table lookup
 * per atom rather than a sort per frame. Dense ids use an array; sparse ones (a few atoms of a
 * huge system) a Map.
 */
class SlotMap {
  private dense: Int32Array | null = null;
  private sparse: Map<number, number> | null = null;
  private stamp = new Int32Array(0);
  private generation = 0;
  private natoms = -1;
  private slot = new Int32Array(0);

  /** Whether the last slotsOf met another set of atoms than the one before and built the table anew. */
  rebuilt = false;

  slotsOf(ids: Int32Array, n: number, duplicate: (id: number) => Error): Int32Array {
    if (this.slot.length < n) this.slot = new Int32Array(n);
    this.rebuilt = false;
    if (n === this.natoms && this.tryMap(ids, n)) return this.slot;
    this.rebuilt = true;
    this.rebuild(ids, n, duplicate);
    this.tryMap(ids, n);
    return this.slot;
  }

  private rankOf(id: number): number {
    if (this.dense) return id >= 0 && id < this.dense.length ? this.dense[id] : -1;
    return this.sparse!.get(id) ?? -1;
  }

  private tryMap(ids: Int32Array, n: number): boolean {
    const stamp = this.stamp;
    const slot = this.slot;
    const gen = ++this.generation;
    for (let i = 0; i < n; i++) {
      const r = this.rankOf(ids[i]);
      if (r < 0 || stamp[r] === gen) return false;
      stamp[r] = gen;
      slot[i] = r;
    }
    return true;
  }

  private rebuild(ids: Int32Array, n: number, duplicate: (id: number) => Error): void {
    const sorted = ids.slice(0, n).sort();
    for (let i = 1; i < n; i++) if (sorted[i] === sorted[i - 1]) throw duplicate(sorted[i]);
    const minId = n > 0 ? sorted[0] : 0;
    const maxId = n > 0 ? sorted[n - 1] : 0;
    if (minId >= 0 && maxId <= 16 * n + 1_000_000) {
      this.dense = new Int32Array(maxId + 1).fill(-1);
      for (let i = 0; i < n; i++) this.dense[sorted[i]] = i;
      this.sparse = null;
    } else {
      this.sparse = new Map();
      for (let i = 0; i < n; i++) this.sparse.set(sorted[i], i);
      this.dense = null;
    }
    this.stamp = new Int32Array(n);
    this.generation = 0;
    this.natoms = n;
  }
}

/** The sections of a frame, as bits of a set. */
const enum Seen {
  Timestep = 1,
  Time = 2,
  Units = 4,
  NumberOfAtoms = 8,
  BoxBounds = 16,
  Atoms = 32,
}

/** Sections that LAMMPS writes at the start of a frame: meeting one again means the next frame began. */
const FRAME_START = Seen.Timestep | Seen.Time | Seen.Units;

/** Which section an `ITEM:` name opens; 0 for an unknown one. */
function sectionOf(name: string): number {
  switch (name) {
    case 'TIMESTEP':
      return Seen.Timestep;
    case 'TIME':
      return Seen.Time;
    case 'UNITS':
      return Seen.Units;
    case 'NUMBER OF ATOMS':
      return Seen.NumberOfAtoms;
    case 'ATOMS':
      return Seen.Atoms;
  }
  if (name.startsWith('BOX BOUNDS')) return Seen.BoxBounds;
  if (name.startsWith('ATOMS ')) return Seen.Atoms;
  return 0;
}

function headerError(s: Scanner, line: number, offset: number, what: string, text: string): ParseError {
  return new ParseError(s.file, line, s.base + offset, `${what}; found ${quoteLine(text)}`);
}


/**
 * Where LAMMPS frames start: every frame has one `ITEM: TIMESTEP` line, possibly preceded by
 * `ITEM: TIME` and `ITEM: UNITS` sections (two lines each), which then belong to the frame.
 * The first start at or after `from` in buf[0, end); −1 if none is complete enough to tell.
 */
export function lammpsFrameStart(buf: Buffer, from: number, end: number): number {
  let q = from > 0 ? lineStartOf(buf, from) : 0;
  for (;;) {
    const hit = buf.indexOf(TIMESTEP_MARKER, q);
    if (hit < 0 || hit >= end) return -1;
    if (hit > 0 && buf[hit - 1] !== 10) {
      q = hit + 1;
      continue;
    }
    // Back up over the sections LAMMPS writes before TIMESTEP (UNITS, TIME: two lines each).
    let start = hit;
    for (;;) {
      const value = previousLineStart(buf, start);
      const item = value >= 0 ? previousLineStart(buf, value) : -1;
      if (item < 0) break;
      const t = lineText(buf, item, end);
      if (t.startsWith('ITEM: TIME') || t.startsWith('ITEM: UNITS')) start = item;
      else break;
    }
    if (start >= from) return start;
    q = hit + TIMESTEP_MARKER.length;
  }
}

const TIMESTEP_MARKER = Buffer.from('ITEM: TIMESTEP');

/** The step of the frame starting at buf[offset], from its `ITEM: TIMESTEP` section. */
function lammpsStamp(buf: Buffer, offset: number, end: number): { step: number; timePs: null } | null {
  const lines = buf.toString('latin1', offset, Math.min(end, offset + 4096)).split('\n').map((l) => l.trim());
  const k = lines.indexOf('ITEM: TIMESTEP');
  const step = k >= 0 && k + 1 < lines.length ? Number(lines[k + 1]) : NaN;
  return Number.isInteger(step) ? { step, timePs: null } : null;
}

export const lammpsDumpFormat: TrajectoryFormat = {
  name: 'lammps-dump',
  aliases: ['lammps', 'lammpstrj', 'dump'],
  description: 'a LAMMPS dump ("ITEM: TIMESTEP")',
  binary: false,
  timeHint: 'a LAMMPS dump stores step numbers: --timestep is the run\'s MD step (e.g. --timestep 1fs for real units, 0.001ps for metal)',
  sniff: (_head, text) => firstTextLine(text).line.startsWith('ITEM:'),
  createParser: (options) => new LammpsDumpParser(options),
  readsStampsOnly: true,
  readsSomeAtoms: true,
  framing: { kind: 'marker', findStart: lammpsFrameStart, stampAt: lammpsStamp },
};

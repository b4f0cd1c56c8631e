import { checkedWasmModule, wasmLayout } from '../package-files.js';
import { Role } from './atom-role.js';
import { compileRows, lastCall, wordsOf, type CompiledRows, type RowTargets } from './row-compiler.js';

/**
 * The WebAssembly row parser (wasm/dump-rows.ts, compiled by `npm run build` to
 * dist/src/io/dump-rows.wasm), behind the contract of the generated JavaScript parser
 * (CompiledRows): the same results, bit for bit, and the same decisions to give up. One module
 * per thread, compiled once; one function for every column layout, driven by its roles.
 *
 * The rows are copied into the instance's memory and the values parsed copied back out. The
 * copy is bounded by the longest row seen so far (n rows of it, and some slack), not the whole
 * window the reader hands over, which can hold many frames; when a parse runs into the end of
 * what was copied, the rest is copied and the rows parsed again. The memory is sized to fit and
 * replaced by a larger one when a frame needs more: never grown, since growing a memory
 * detaches its old buffer, which makes V8 throw away every optimised typed-array function of
 * the thread.
 */

interface RowExports {
  heapBase(): number;
  begin(): void;
  idsAscending(): number;
  unknownIds(): number;
  failAt(): number;
  longestRow(): number;
  parsedRows(): number;
  labelsMet(): number;
  parseRows(
    roles: number, ncols: number, start: number, end: number, i0: number, i1: number,
    pos: number, img: number, id: number, type: number, mol: number, mass: number, charge: number,
    sparse: number, want: number, wantLen: number, parsed: number, cols: number, labels: number, table: number,
  ): number;
}

const WASM_FILE = 'dist/src/io/dump-rows.wasm';
/** The arguments of RowExports.parseRows. */
const PARSE_ROWS_ARGS = 20;
/** Kinds of label a frame's labels may have for this parser to collect them (MAX_LABELS of wasm/dump-rows.ts). */
const MAX_LABELS = 64;
const PAGE = 65536;
/** Bytes per row assumed before any row was seen (rows of a typical dump take 40–60). */
const FIRST_ROW_BYTES = 64;
/** Bytes copied beyond n times the longest row. */
const SLACK = 256;
/**
 * Rows per call of the parser: V8 runs a thread's first calls in baseline code and the rest in
 * optimised code once it has compiled it in the background, so a first frame in parts is
 * read at full speed after its first parts.
 */
const PART_ROWS = 4096;
/** After the 0 that ends the rows: line feeds are searched 16 bytes at a time. */
const TAIL = 32;
/** The most memory an instance may have: 32-bit offsets. */
const MAX_MEMORY = 2 ** 32 - PAGE;
/** What WasmRows.parse returns for a frame it cannot hold: the JavaScript parser reads it. */
const TOO_LARGE = -2;

/** The compiled module, or null when it is not built, cannot compile here, or MDPOST_ROWS=js. */
function rowModule(): WebAssembly.Module | null {
  const arity = { begin: 0, idsAscending: 0, unknownIds: 0, failAt: 0, longestRow: 0, parsedRows: 0, labelsMet: 0, parseRows: PARSE_ROWS_ARGS };
  return checkedWasmModule(WASM_FILE, arity, 'MDPOST_ROWS')?.mod ?? null;
}

/** Whether the WebAssembly row parser is in use in this thread. */
export function wasmRowsAvailable(): boolean {
  return rowModule() !== null;
}

/** Which targets a layout writes, and whether the rows before its id column write them too. */
interface Plan {
  roles: Uint8Array;
  ncols: number;
  /** Per RowTargets field: which of its components (bits 0–2 for pos/img, bit 0 otherwise) are written. */
  pos: number;
  img: number;
  id: boolean;
  type: boolean;
  mol: boolean;
  mass: boolean;
  charge: boolean;
  /** The column of the id (-1 when none): columns before it are read for rows stepped over too. */
  idCol: number;
  /** Per field, as above, for the columns before the id. */
  before: { pos: number; img: number; type: boolean; mol: boolean; mass: boolean; charge: boolean };
}

function plan(roles: readonly Role[]): Plan {
  let last = roles.length - 1;
  while (last >= 0 && roles[last] === Role.Skip) last--;
  const p: Plan = {
    roles: Uint8Array.from(roles.slice(0, last + 1)),
    ncols: last + 1,
    pos: 0,
    img: 0,
    id: false,
    type: false,
    mol: false,
    mass: false,
    charge: false,
    idCol: roles.indexOf(Role.Id),
    before: { pos: 0, img: 0, type: false, mol: false, mass: false, charge: false },
  };
  for (let k = 0; k <= last; k++) {
    const f = p.idCol >= 0 && k < p.idCol ? p.before : null;
    switch (roles[k]) {
      case Role.X:
      case Role.Y:
      case Role.Z:
        p.pos |= 1 << (roles[k] - Role.X);
        if (f) f.pos |= 1 << (roles[k] - Role.X);
        break;
      case Role.ImageX:
      case Role.ImageY:
      case Role.ImageZ:
        p.img |= 1 << (roles[k] - Role.ImageX);
        if (f) f.img |= 1 << (roles[k] - Role.ImageX);
        break;
      case Role.Id:
        p.id = true;
        break;
      case Role.Type:
        p.type = true;
        if (f) f.type = true;
        break;
      case Role.Mol:
        p.mol = true;
        if (f) f.mol = true;
        break;
      case Role.Mass:
        p.mass = true;
        if (f) f.mass = true;
        break;
      case Role.Charge:
        p.charge = true;
        if (f) f.charge = true;
        break;
    }
  }
  return p;
}

/** Where the arrays of one call lie in the instance's memory (byte offsets). */
interface Layout {
  roles: number;
  cols: number;
  want: number;
  pos: number;
  img: number;
  id: number;
  type: number;
  mol: number;
  mass: number;
  charge: number;
  parsed: number;
  labels: number;
  table: number;
  rows: number;
  /** The end of memory needed. */
  end: number;
}

/**
 * The parser of one thread: its instance, and the longest row it has seen (which bounds the
 * copy of the next frame's rows).
 */
export class WasmRows {
  private k!: RowExports;
  private memory!: WebAssembly.Memory;
  private bytes!: Uint8Array;
  private base = 0;
  private longest = 0;
  /** Copies that had to be extended because the rows ran past the bound (for tests and benches). */
  extendedCopies = 0;
  /** Bytes copied into the instance's memory by the last call. */
  lastCopyBytes = 0;

  constructor(
    private readonly mod: WebAssembly.Module,
    private readonly firstGuess = FIRST_ROW_BYTES,
    private readonly partRows = PART_ROWS,
    private readonly maxBytes = MAX_MEMORY,
  ) {
    this.instantiate(4 * PAGE);
  }

  private instantiate(bytes: number): void {
    this.memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / PAGE) });
    this.k = new WebAssembly.Instance(this.mod, { env: { memory: this.memory } }).exports as unknown as RowExports;
    this.bytes = new Uint8Array(this.memory.buffer);
    this.base = this.k.heapBase();
  }

  private layout(ncols: number, n: number, wantLen: number, rowBytes: number): Layout {
    const { take, end } = wasmLayout(this.base);
    return {
      roles: take(ncols),
      cols: take(12 * ncols),
      want: take(wantLen),
      pos: take(24 * n),
      img: take(12 * n),
      id: take(4 * n),
      type: take(4 * n),
      mol: take(4 * n),
      mass: take(8 * n),
      charge: take(8 * n),
      parsed: take(4 * n),
      labels: take(4 * n),
      table: take(8 * MAX_LABELS),
      rows: take(rowBytes + TAIL),
      end: end(),
    };
  }

  /**
   * A memory of at least `bytes`: a new, larger one (never grown in place, see above); false when
   * there can be none that large.
   */
  private reserve(bytes: number): boolean {
    if (bytes <= this.bytes.length) return true;
    if (bytes > this.maxBytes) return false;
    try {
      this.instantiate(Math.min(this.maxBytes, Math.max(bytes, Math.ceil(this.bytes.length * 1.5))));
    } catch {
      // Not that much memory to be had: keep the instance that fits smaller frames.
      return false;
    }
    return true;
  }

  /**
   * The CompiledRows contract, for the layout `plan`; TOO_LARGE when the frame does not fit in
   * memory. With `labels`, the element labels (or atomic numbers) of the rows go there too, as the
   * generic loop collects them (a frame of more than MAX_LABELS kinds, or a label of more than 8
   * bytes, gives -1).
   */
  parse(pl: Plan, b: Buffer, start: number, end: number, n: number, t: RowTargets, want: Uint8Array | undefined, labels: string[] | null = null): number {
    this.lastCopyBytes = 0;
    const available = end - start;
    const sparse = want !== undefined;
    const wantLen = sparse ? want.length : 0;
    let copy = Math.min(available, n * (this.longest > 0 ? this.longest : this.firstGuess) + SLACK);
    let at = this.layout(pl.ncols, n, wantLen, copy);
    if (!this.reserve(at.end)) return TOO_LARGE;
    let mem = this.bytes;
    mem.set(pl.roles, at.roles);
    if (sparse) mem.set(want, at.want);
    mem.set(b.subarray(start, start + copy), at.rows);
    mem[at.rows + copy] = 0;
    let copied = copy;
    let r: number;
    for (;;) {
      this.k.begin();
      r = at.rows;
      for (let i0 = 0; i0 < n && r >= 0; i0 += this.partRows) {
        r = this.k.parseRows(
          at.roles, pl.ncols, r, at.rows + copy, i0, Math.min(n, i0 + this.partRows),
          at.pos, at.img, at.id, at.type, at.mol, at.mass, at.charge,
          sparse ? 1 : 0, at.want, wantLen, at.parsed, at.cols, labels ? at.labels : 0, at.table,
        );
      }
      if (r >= 0 || copy === available || this.k.failAt() < at.rows + copy) break;
      // The rows ran past what was copied: copy more (twice as much) and parse them again.
      this.extendedCopies++;
      const more = Math.min(available, 2 * copy);
      const next = this.layout(pl.ncols, n, wantLen, more);
      if (next.end > mem.length) {
        if (!this.reserve(next.end)) return TOO_LARGE;
        mem = this.bytes;
        mem.set(pl.roles, next.roles);
        if (sparse) mem.set(want, next.want);
        mem.set(b.subarray(start, start + more), next.rows);
        copied += more;
      } else {
        mem.set(b.subarray(start + copy, start + more), next.rows + copy);
        copied += more - copy;
      }
      mem[next.rows + more] = 0;
      at = next;
      copy = more;
    }
    this.lastCopyBytes = copied;
    const longest = this.k.longestRow();
    if (longest > this.longest) this.longest = longest;
    if (r < 0) return -1;
    this.readBack(pl, this.memory.buffer, at, n, t, sparse);
    if (labels) this.readLabels(at, n, labels);
    lastCall.idsAscending = this.k.idsAscending() !== 0;
    lastCall.unknownIds = sparse ? this.k.unknownIds() : 0;
    return start + (r - at.rows);
  }

  /** Each row's label, from the indices the parse wrote and its table of distinct labels. */
  private readLabels(at: Layout, n: number, labels: string[]): void {
    const buf = this.memory.buffer;
    const keys = new Uint8Array(buf, at.table, 8 * this.k.labelsMet());
    const kinds: string[] = [];
    for (let k = 0; k < keys.length; k += 8) {
      let len = 0;
      while (len < 8 && keys[k + len] !== 0) len++;
      kinds.push(Buffer.from(keys.buffer, keys.byteOffset + k, len).toString('latin1'));
    }
    const index = new Int32Array(buf, at.labels, n);
    labels.length = n;
    for (let i = 0; i < n; i++) labels[i] = kinds[index[i]];
  }

  /** Copy what the parse wrote to the caller's arrays, and nothing else. */
  private readBack(pl: Plan, buf: ArrayBuffer, at: Layout, n: number, t: RowTargets, sparse: boolean): void {
    if (pl.id) t.id.set(new Int32Array(buf, at.id, n));
    if (!sparse || pl.idCol < 0) {
      copyRows(pl.pos, pl.img, pl.type, pl.mol, pl.mass, pl.charge, buf, at, n, t);
      return;
    }
    // Rows stepped over were read up to their id: the columns before it are written for every row.
    const f = pl.before;
    copyRows(f.pos, f.img, f.type, f.mol, f.mass, f.charge, buf, at, n, t);
    const np = this.k.parsedRows();
    const rows = new Int32Array(buf, at.parsed, np);
    const pos = new Float64Array(buf, at.pos, 3 * n), img = new Int32Array(buf, at.img, 3 * n);
    const type = new Int32Array(buf, at.type, n), mol = new Int32Array(buf, at.mol, n);
    const mass = new Float64Array(buf, at.mass, n), charge = new Float64Array(buf, at.charge, n);
    for (let q = 0; q < np; q++) {
      const i = rows[q], j = 3 * i;
      for (let c = 0; c < 3; c++) {
        if ((pl.pos >> c) & 1) t.pos[j + c] = pos[j + c];
        if ((pl.img >> c) & 1) t.img[j + c] = img[j + c];
      }
      if (pl.type) t.type[i] = type[i];
      if (pl.mol) t.mol[i] = mol[i];
      if (pl.mass) t.mass[i] = mass[i];
      if (pl.charge) t.charge[i] = charge[i];
    }
  }
}

/** Copy the fields flagged, for all n rows. */
function copyRows(pos: number, img: number, type: boolean, mol: boolean, mass: boolean, charge: boolean, buf: ArrayBuffer, at: Layout, n: number, t: RowTargets): void {
  copy3(pos, t.pos, new Float64Array(buf, at.pos, 3 * n), n);
  copy3(img, t.img, new Int32Array(buf, at.img, 3 * n), n);
  if (type) t.type.set(new Int32Array(buf, at.type, n));
  if (mol) t.mol.set(new Int32Array(buf, at.mol, n));
  if (mass) t.mass.set(new Float64Array(buf, at.mass, n));
  if (charge) t.charge.set(new Float64Array(buf, at.charge, n));
}

function copy3<T extends Float64Array | Int32Array>(mask: number, to: T, from: T, n: number): void {
  if (mask === 7) {
    to.set(from);
    return;
  }
  for (let c = 0; c < 3; c++) {
    if (!((mask >> c) & 1)) continue;
    for (let j = c; j < 3 * n; j += 3) to[j] = from[j];
  }
}

let shared: WasmRows | null | undefined;
const cache = new Map<string, CompiledRows>();

/** This thread's parser (one instance serves every layout), or null without the WebAssembly build. */
function threadParser(): WasmRows | null {
  if (shared === undefined) {
    const mod = rowModule();
    shared = mod ? new WasmRows(mod) : null;
  }
  return shared;
}

/**
 * The WebAssembly parser of rows of `roles`, with the CompiledRows contract (`words` is not
 * used), or null when the WebAssembly build is not in use.
 */
export function wasmRowsFor(roles: readonly Role[], sparse = false): CompiledRows | null {
  const parser = threadParser();
  if (parser === null) return null;
  const key = `${roles.join(',')}${sparse ? ' sparse' : ''}`;
  let fn = cache.get(key);
  if (!fn) {
    fn = bind(parser, roles, sparse);
    cache.set(key, fn);
  }
  return fn;
}

/** The CompiledRows of `w` for `roles`, which hands frames too large for its memory to the JavaScript parser. */
function bind(w: WasmRows, roles: readonly Role[], sparse: boolean): CompiledRows {
  const pl = plan(roles);
  return (b, start, end, n, t, want) => {
    const r = w.parse(pl, b, start, end, n, t, sparse ? want : undefined);
    return r !== TOO_LARGE ? r : compileRows(roles, sparse)(b, start, end, n, t, want, sparse ? wordsOf(b) : undefined);
  };
}

let labelCache: Map<string, LabelRows> | undefined;

/** Rows of a layout read with their labels: the offset after them, or -1 (see CompiledRows). */
export type LabelRows = (b: Buffer, start: number, end: number, n: number, t: RowTargets & { labels: string[] }) => number;

/**
 * The WebAssembly parser of rows of `roles` that also collects each row's label (the first
 * frame's, for the topology), or null when the WebAssembly build is not in use. It gives up (-1)
 * where the parser without labels does, and on more than 64 kinds of label or one longer than 8
 * bytes; so does it on a frame too large for its memory.
 */
export function wasmLabelRowsFor(roles: readonly Role[]): LabelRows | null {
  const parser = threadParser();
  if (parser === null) return null;
  labelCache ??= new Map();
  const key = roles.join(',');
  let fn = labelCache.get(key);
  if (!fn) {
    fn = bindLabels(parser, roles);
    labelCache.set(key, fn);
  }
  return fn;
}

/** The LabelRows of `w` for `roles`: a frame too large for its memory goes to the generic loop. */
function bindLabels(w: WasmRows, roles: readonly Role[]): LabelRows {
  const pl = plan(roles);
  return (b, start, end, n, t) => {
    const r = w.parse(pl, b, start, end, n, t, undefined, t.labels);
    return r === TOO_LARGE ? -1 : r;
  };
}

/**
 * A parser of its own, for tests and benchmarks: a first guess of bytes per row (small, to make
 * copies run out), rows per call (small, to read frames in many parts) and the most memory it
 * may take (small, to see frames beyond it go to the JavaScript parser).
 */
export function newWasmRows(o: { bytesPerRowGuess?: number; partRows?: number; maxBytes?: number } = {}): {
  rows: WasmRows;
  forRoles: (roles: readonly Role[], sparse: boolean) => CompiledRows;
  withLabels: (roles: readonly Role[]) => LabelRows;
} | null {
  const mod = rowModule();
  if (!mod) return null;
  const rows = new WasmRows(mod, o.bytesPerRowGuess, o.partRows, o.maxBytes);
  return { rows, forRoles: (roles, sparse) => bind(rows, roles, sparse), withLabels: (roles) => bindLabels(rows, roles) };
}

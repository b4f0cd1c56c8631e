import { ParseError, quoteLine } from '../model/errors.js';
import { Role } from './atom-role.js';
import { compileRows, lastCall, wordsOf } from './row-compiler.js';
import { wasmLabelRowsFor, wasmRowsFor } from './row-wasm.js';
import { NEED_MORE, TRUNCATED } from './byte-cursor.js';
import { countLines } from './text-lines.js';
import type { Scanner } from './scanner.js';

/**
 * Per-atom lines with named columns (LAMMPS `ITEM: ATOMS id type x y z …`, extended XYZ
 * `Properties=species:S:1:pos:R:3:…`): each column gets a role, and one loop parses every row
 * by dispatching on the roles (atom-role.ts). Columns nobody needs are skipped without being
 * converted.
 */

/** Growable per-row storage for one frame, in file order. */
export class AtomRows {
  n = 0;
  pos = new Float64Array(0);
  img = new Int32Array(0);
  id = new Int32Array(0);
  type = new Int32Array(0);
  mol = new Int32Array(0);
  mass = new Float64Array(0);
  charge = new Float64Array(0);
  /** Element labels, only filled when asked for (first frame, or when the atom set changes). */
  labels: string[] = [];
  /** True while every id seen so far is larger than the one before. */
  idsAscending = true;
  /** The last parse stepped over rows not wanted (their other columns are stale). */
  skipped = false;
  /** Ids the last sparse parse met that its table did not know. */
  unknownIds = 0;

  ensure(n: number): void {
    this.n = n;
    if (this.id.length >= n) return;
    const cap = Math.max(n, Math.ceil(this.id.length * 1.5));
    this.pos = new Float64Array(3 * cap);
    this.img = new Int32Array(3 * cap);
    this.id = new Int32Array(cap);
    this.type = new Int32Array(cap);
    this.mol = new Int32Array(cap);
    this.mass = new Float64Array(cap);
    this.charge = new Float64Array(cap);
  }
}

/**
 * Parse `rows.n` atom lines. `roles[k]` says what column k holds and `names[k]` its name (for
 * errors); columns after the last one that matters are skipped to the end of the line, as are
 * trailing extras. With `want` (by atom id, see CompiledRows), the rows of atoms not wanted are
 * stepped over once their id is read (rows.skipped), when the frame is of the common form the
 * compiled parser reads; otherwise every row is parsed.
 */
export function parseAtomRows(s: Scanner, rows: AtomRows, roles: Role[], names: string[], collectLabels: boolean, want: Uint8Array | null = null): void {
  const n = rows.n;
  rows.skipped = false;
  rows.unknownIds = 0;
  // The WebAssembly parser when built (MDPOST_ROWS=js for the generated JavaScript one): both
  // read and give up alike, but the WebAssembly one runs at full speed from its first row,
  // where the JavaScript one costs each thread ~80 ms of optimising and slow first frames. Only
  // the WebAssembly one collects labels (the first frame's, read cold, where the generic loop
  // took ~80 ms for 43 000 rows).
  const labelled = collectLabels ? wasmLabelRowsFor(roles) : null;
  if (!collectLabels || labelled) {
    const wasm = labelled ? null : wasmRowsFor(roles, want !== null);
    const next = labelled
      ? labelled(s.buf, s.pos, s.end, n, rows)
      : wasm
        ? wasm(s.buf, s.pos, s.end, n, rows, want ?? undefined)
        : compileRows(roles, want !== null)(s.buf, s.pos, s.end, n, rows, want ?? undefined, want ? wordsOf(s.buf) : undefined);
    if (next >= 0) {
      s.pos = next;
      s.line += n;
      s.lineStart = next;
      rows.idsAscending = lastCall.idsAscending;
      if (want) {
        rows.skipped = true;
        rows.unknownIds = lastCall.unknownIds;
      }
      return;
    }
    // Something unusual in this frame: the generic loop below parses it or says what is wrong.
  }
  const { pos, img, id, type, mol, mass, charge } = rows;
  let last = roles.length - 1;
  while (last >= 0 && roles[last] === Role.Skip) last--;
  const ncols = last + 1;
  const labels = rows.labels;
  if (collectLabels) labels.length = n;
  let prevId = -Infinity;
  let ascending = true;
  for (let i = 0; i < n; i++) {
    s.needLine();
    const j = 3 * i;
    for (let k = 0; k < ncols; k++) {
      switch (roles[k]) {
        case Role.Skip:
          s.skipToken(names[k]);
          break;
        case Role.X:
          pos[j] = s.float(names[k]);
          break;
        case Role.Y:
          pos[j + 1] = s.float(names[k]);
          break;
        case Role.Z:
          pos[j + 2] = s.float(names[k]);
          break;
        case Role.Id: {
          const v = s.int(names[k]);
          id[i] = v;
          if (v <= prevId) ascending = false;
          prevId = v;
          break;
        }
        case Role.Type:
          type[i] = s.int(names[k]);
          break;
        case Role.Mol:
          mol[i] = s.int(names[k]);
          break;
        case Role.ImageX:
          img[j] = s.int(names[k]);
          break;
        case Role.ImageY:
          img[j + 1] = s.int(names[k]);
          break;
        case Role.ImageZ:
          img[j + 2] = s.int(names[k]);
          break;
        case Role.Mass:
          mass[i] = s.float(names[k]);
          break;
        case Role.Charge:
          charge[i] = s.float(names[k]);
          break;
        case Role.Element:
        case Role.AtomicNumber:
          if (collectLabels) labels[i] = s.token(names[k]);
          else s.skipToken(names[k]);
          break;
      }
    }
    s.endRow();
  }
  rows.idsAscending = ascending;
}

/**
 * The error to throw for a ParseError `e` raised on an atom line. When a frame has fewer atom
 * lines than it declares, the line that fails is the start of what follows (the next frame's
 * count line, an `ITEM:` line), and "expected x (a number)" would hide the real mistake; there
 * `startsNext` says what the line is instead (or null when it looks like a damaged atom line,
 * which keeps its precise message). Runs on the error path only.
 */
export function shortFrameError(e: unknown, s: Scanner, declared: number, firstAtomLine: number, startsNext: (text: string) => string | null): unknown {
  if (!(e instanceof ParseError) || e.line === null) return e;
  const text = s.peekLine();
  const what = startsNext(text);
  if (what === null) return e;
  const lines = e.line - firstAtomLine;
  return new ParseError(
    e.file,
    e.line,
    e.offset,
    `the frame declares ${declared} atom${declared === 1 ? '' : 's'} but has only ${lines} atom line${lines === 1 ? '' : 's'}: this line ${what}; found ${quoteLine(text)}`,
  );
}

/** The fewest bytes an atom line can take ("H 0 0 0\n"). */
const MIN_ATOM_LINE_BYTES = 8;
/** The largest frame the reader holds (its buffer's limit). */
const MAX_FRAME_BYTES = 2 ** 31 - 2;

/**
 * Before arrays are sized for `natoms` atoms: make sure the lines are there, so that a count
 * damaged into 10¹² never allocates. More data is asked for while the file goes on; at its end, a
 * count far beyond the lines left is an error (a damaged count), while a few lines short is a
 * last frame cut off (the reader's warning).
 */
export function needAtomLines(s: Scanner, natoms: number, count: { line: number; offset: number }): void {
  const need = natoms * MIN_ATOM_LINE_BYTES;
  const damaged = (why: string) => new ParseError(s.file, count.line, s.base + count.offset, `the frame declares ${natoms} atoms, ${why}; the atom count is damaged`);
  if (need > MAX_FRAME_BYTES) throw damaged('which would take more than 2 GiB');
  if (s.end - s.pos >= need) return;
  if (!s.eof) throw NEED_MORE;
  const left = countLines(s.buf, s.pos, s.end) + 1;
  if (natoms > 2 * left + 10) throw damaged(`but only ${left} line${left === 1 ? ' is' : 's are'} left in the file`);
  throw TRUNCATED;
}

import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { AtomRows } from '../../src/io/atom-rows.js';
import { Role } from '../../src/io/atom-role.js';
import { planColumns } from '../../src/io/lammps-dump.js';
import { compileRows, lastCall, primingRows, wordsOf, type CompiledRows } from '../../src/io/row-compiler.js';
import { newWasmRows, wasmRowsAvailable } from '../../src/io/row-wasm.js';
import { REPO, tempFile } from '../support/io.js';
import { NAFSI_DUMP, NAFSI_XYZ } from '../support/nafsi.js';
import { uniform } from '../support/random.js';

/**
 * The WebAssembly row parser must read exactly as the generated JavaScript parser does: the same
 * returned offset (or the same -1), the same values bit for bit in every target array, with
 * nothing written where the JavaScript parser writes nothing, and the same idsAscending and
 * unknownIds. Both are run on the same bytes here and compared.
 */

const made = newWasmRows();
if (!made) throw new Error('dump-rows.wasm is not built (npm run build makes it)');
/**
 * A parser whose first copy is short (8 bytes a row), so that copies run out and are extended,
 * and which reads rows three to a call, so that every state carried from call to call is tested.
 */
const short = newWasmRows({ bytesPerRowGuess: 8, partRows: 3 })!;

const ROLES = [Role.Id, Role.Type, Role.Element, Role.X, Role.Y, Role.Z, Role.ImageX, Role.ImageY, Role.ImageZ];

const LAYOUTS: Role[][] = [
  ROLES,
  [Role.Id, Role.Skip, Role.Skip, Role.Skip, Role.X, Role.Y, Role.Z, Role.ImageX, Role.ImageY, Role.ImageZ],
  [Role.Id, Role.Mol, Role.Type, Role.Charge, Role.X, Role.Y, Role.Z],
  [Role.Id, Role.Element, Role.Mass, Role.X, Role.Y, Role.Z],
  [Role.Skip, Role.Skip, Role.X, Role.Y, Role.Z],
  [Role.Type, Role.X, Role.Id, Role.Mass, Role.Y, Role.Z, Role.Skip, Role.Skip],
  [Role.X, Role.Z, Role.ImageY, Role.Id],
];

/** A frame's targets, every entry prefilled with a pattern no parse writes. */
function targets(n: number): AtomRows {
  const rows = new AtomRows();
  rows.ensure(n);
  for (const a of [rows.pos, rows.mass, rows.charge]) a.fill(-1234.5678);
  for (const a of [rows.img, rows.id, rows.type, rows.mol]) a.fill(-777);
  return rows;
}

function bytes(a: Float64Array | Int32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

interface Outcome {
  next: number;
  rows: AtomRows;
  ascending: boolean;
  unknown: number;
}

function runOne(fn: CompiledRows, b: Buffer, start: number, end: number, n: number, want: Uint8Array | undefined): Outcome {
  const rows = targets(n);
  lastCall.idsAscending = true;
  lastCall.unknownIds = -1;
  const next = fn(b, start, end, n, rows, want, want ? wordsOf(b) : undefined);
  return { next, rows, ascending: lastCall.idsAscending, unknown: lastCall.unknownIds };
}

let compared = 0;
let succeeded = 0;

/** Both parsers on the same bytes; the wasm ones (both copy bounds) must match the JavaScript one. */
function expectSame(roles: Role[], b: Buffer, start: number, end: number, n: number, want?: Uint8Array, what = ''): Outcome {
  const sparse = want !== undefined;
  const js = runOne(compileRows(roles, sparse), b, start, end, n, want);
  for (const [name, w] of [['wasm', made!], ['wasm, short copies, 3 rows a call', short]] as const) {
    const got = runOne(w.forRoles(roles, sparse), b, start, end, n, want);
    const label = `${what} ${name} ${sparse ? 'sparse' : 'full'} [${roles.join(',')}]`;
    expect(got.next, label).toBe(js.next);
    if (js.next < 0) continue; // the caller's generic loop writes every target again
    expect(got.ascending, label).toBe(js.ascending);
    expect(got.unknown, label).toBe(js.unknown);
    for (const field of ['pos', 'img', 'id', 'type', 'mol', 'mass', 'charge'] as const) {
      expect(bytes(got.rows[field]).equals(bytes(js.rows[field])), `${label}: ${field}`).toBe(true);
    }
  }
  compared++;
  if (js.next >= 0) succeeded++;
  return js;
}

/** `text` in its own buffer with the 0 a reader puts after its data (and some bytes beyond). */
function bufferOf(text: string | Buffer, shift = 0): { b: Buffer; start: number; end: number } {
  const data = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
  const b = Buffer.alloc(shift + data.length + 1);
  b.fill(0x20, 0, shift);
  data.copy(b, shift);
  return { b, start: shift, end: shift + data.length };
}

/** A table by id: 2, 1 or 0 at random, shorter than the largest id so that some ids lie beyond it. */
function wantTable(maxId: number, rnd: () => number): Uint8Array {
  const want = new Uint8Array(Math.max(1, Math.floor(maxId * 0.9)));
  for (let i = 0; i < want.length; i++) {
    const r = rnd();
    want[i] = r < 0.2 ? 2 : r < 0.95 ? 1 : 0;
  }
  return want;
}

const random = uniform;

describe('the WebAssembly row parser reads as the JavaScript one', () => {
  it('on the priming rows of every layout, full and sparse, from every start within a word', () => {
    for (const roles of LAYOUTS) {
      const { text, n, want } = primingRows(roles);
      for (let shift = 0; shift < 4; shift++) {
        const { b, start, end } = bufferOf(text, shift);
        expect(expectSame(roles, b, start, end, n).next).toBe(end);
        expect(expectSame(roles, b, start, end, n, want).next).toBe(end);
      }
    }
  });

  it('on random rows: signs, exponents, decimals, blanks, CR, extra columns, ids out of order, tabs, damage, cuts', () => {
    const rnd = random(12345);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
    const digits = (k: number) => {
      let s = '';
      for (let i = 0; i < k; i++) s += String(Math.floor(rnd() * 10));
      return s;
    };
    const numberToken = (): string => {
      const r = rnd();
      if (r < 0.03) return pick(['nan', 'inf', '-', '+', '.', '1.2.3', '0x10', 'e5', '1e', '1e+', '1e-', '--1', '+-2', '1,5', '5e400', '2e0401', '1e-400']);
      const sign = pick(['', '', '', '-', '+']);
      const int = rnd() < 0.1 ? '' : digits(1 + Math.floor(rnd() * (rnd() < 0.1 ? 20 : 6)));
      const frac = rnd() < 0.8 ? '.' + digits(Math.floor(rnd() * (rnd() < 0.1 ? 22 : 9))) : '';
      const exp = rnd() < 0.3 ? pick(['e', 'E']) + pick(['', '-', '+']) + String(Math.floor(rnd() * (rnd() < 0.1 ? 40 : 23))).padStart(rnd() < 0.2 ? 3 : 1, '0') : '';
      const t = sign + int + frac + exp;
      return t === '' || t === sign ? '7' : t;
    };
    const intToken = (): string => {
      const r = rnd();
      if (r < 0.03) return pick(['1.5', '-', 'x', '1e3', '0x1', '9999999999', '0000000001', '2147483647']);
      return pick(['', '', '-', '+']) + digits(1 + Math.floor(rnd() * (rnd() < 0.1 ? 11 : 4)));
    };
    for (let trial = 0; trial < 600; trial++) {
      const roles = pick(LAYOUTS);
      const n = 1 + Math.floor(rnd() * 30);
      const damaged = rnd() < 0.5;
      const ids = Array.from({ length: n }, (_, i) => (rnd() < 0.2 ? Math.floor(rnd() * 2 * n) - 2 : i + 1));
      let text = '';
      for (let i = 0; i < n; i++) {
        const cols = roles.map((role) => {
          switch (role) {
            case Role.Id:
              return damaged && rnd() < 0.02 ? intToken() : String(ids[i]);
            case Role.X:
            case Role.Y:
            case Role.Z:
            case Role.Mass:
            case Role.Charge:
              return damaged ? numberToken() : (rnd() * 200 - 100).toFixed(Math.floor(rnd() * 8)) + (rnd() < 0.1 ? 'e-3' : '');
            case Role.Type:
            case Role.Mol:
            case Role.ImageX:
            case Role.ImageY:
            case Role.ImageZ:
              return damaged ? intToken() : String(Math.floor(rnd() * 20) - 10);
            default:
              return pick(['Na', 'O', 'H', 'Cl', 'C12', '3']);
          }
        });
        let line = rnd() < 0.1 ? ' '.repeat(1 + Math.floor(rnd() * 3)) : '';
        for (let k = 0; k < cols.length; k++) {
          const sep = damaged && rnd() < 0.01 ? pick(['\t', '\0', '\r', '\v']) : rnd() < 0.1 ? '   ' : ' ';
          line += (k > 0 ? sep : '') + cols[k];
        }
        if (rnd() < 0.15) line += ' extra ' + numberToken() + (rnd() < 0.3 ? ' ' + 'x'.repeat(Math.floor(rnd() * 40)) : '');
        if (rnd() < 0.1) line += ' '.repeat(1 + Math.floor(rnd() * 3));
        if (rnd() < 0.15) line += '\r';
        if (damaged && rnd() < 0.01) line = line.slice(0, Math.floor(rnd() * line.length));
        text += line + '\n';
      }
      // Sometimes a row cut by the end of the buffer, or rows beyond the n parsed.
      const r = rnd();
      if (r < 0.1) text = text.slice(0, Math.floor(rnd() * text.length));
      else if (r < 0.2) text = text.slice(0, -1);
      else if (r < 0.3) text += '1 1 Na 0 0 0 0 0 0\nITEM: TIMESTEP\n';
      const { b, start, end } = bufferOf(text, Math.floor(rnd() * 4));
      expectSame(roles, b, start, end, n, undefined, `trial ${trial}`);
      expectSame(roles, b, start, end, n, wantTable(n + 2, rnd), `trial ${trial}`);
    }
    // Both outcomes were met often enough for the comparison to mean something.
    expect(succeeded).toBeGreaterThan(200);
    expect(compared - succeeded).toBeGreaterThan(200);
  });
});

describe('the WebAssembly row parser at the edges of the exact path', () => {
  // Each token alone in a row, as a coordinate, an image flag and an id: the JavaScript parser
  // reads some exactly and gives up on the others; the WebAssembly one must draw the same line.
  const TOKENS = [
    '1e22', '1e23', '1.5e23', '15e21', '1e-22', '1e-23', '0.1e-21', '100e-24', '1E+22', '1e+023', '1e0022',
    '9007199254740991', '9007199254740992', '900719925474099.1', '900719925474099.2e1', '0.0000000000000000000009',
    '12345678901234567890', '18446744073709551617', '18446744073709551616e-5', '0000000000000000000001.5',
    '1e', '1e+', '1e-', '1.e5', '.e5', '.', '-.5', '+.5e-1', '5.', '-0', '+0', '-0.0', '1e400', '1e401', '1e0400', '1e-400',
    '999999999', '1000000000', '-999999999', '0999999999', '2147483647', '+-1', '--1', '1-', '1+1', '1.5.', '0x1', 'nan',
  ];

  it.each(TOKENS.map((t) => [t]))('%s', (token) => {
    const layouts: [Role[], string][] = [
      [[Role.Id, Role.X, Role.Y, Role.Z], `1 ${token} 2 3\n`],
      [[Role.Id, Role.X, Role.Y, Role.Z, Role.ImageX, Role.ImageY, Role.ImageZ], `1 1 2 3 0 ${token} 0\n`],
      [[Role.Id, Role.X, Role.Y, Role.Z], `${token} 1 2 3\n`],
    ];
    for (const [roles, text] of layouts) {
      const { b, start, end } = bufferOf(text);
      expectSame(roles, b, start, end, 1, undefined, token);
      expectSame(roles, b, start, end, 1, new Uint8Array([0, 2, 1]), token);
    }
  });
});

describe('the WebAssembly row parser never reads past the rows given', () => {
  it('a row cut by the end of the rows gives up, though line feeds of earlier calls lie just beyond in its memory', () => {
    const w = newWasmRows()!;
    const row = '1 1 O 1 2 3 0 0 0\n';
    const rows = (n: number) => Array.from({ length: n }, (_, i) => row.replace(/^1/, String(i + 1))).join('');
    // Twelve rows copied, eight read: the memory holds rows beyond those the next calls are given.
    const full = bufferOf(rows(12));
    expect(w.forRoles(ROLES, false)(full.b, full.start, full.end, 8, targets(8))).toBe(full.start + 8 * row.length);
    // The same rows, the last one without its line feed (and, for the sparse parser, stepped over).
    const cut = bufferOf(rows(8).slice(0, -1));
    for (const [sparse, want] of [[false, undefined], [true, new Uint8Array(9).fill(2).fill(1, 8)]] as const) {
      expect(w.forRoles(ROLES, sparse)(cut.b, cut.start, cut.end, 8, targets(8), want)).toBe(-1);
      expect(compileRows(ROLES, sparse)(cut.b, cut.start, cut.end, 8, targets(8), want)).toBe(-1);
      // Cut in the middle of an extra column, whose end the parser searches for.
      const extra = bufferOf(rows(8).slice(0, -1) + ' extra');
      expect(w.forRoles(ROLES, sparse)(extra.b, extra.start, extra.end, 8, targets(8), want)).toBe(-1);
    }
  });
});

/** The row blocks of a LAMMPS dump or an XYZ file: start, count and roles of each frame. */
function* rowBlocks(text: string): Generator<{ start: number; n: number; roles: Role[] }> {
  if (text.startsWith('ITEM:')) {
    const re = /ITEM: NUMBER OF ATOMS\s*\n\s*(\d+)[\s\S]*?ITEM: ATOMS([^\n]*)\n/g;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const layout = planColumns(m[2], (what) => new Error(what));
      yield { start: re.lastIndex, n: Number(m[1]), roles: layout.roles.map((r) => (r === Role.Element ? Role.Skip : r)) };
      yield { start: re.lastIndex, n: Number(m[1]), roles: layout.frameRoles };
    }
    return;
  }
  let p = 0;
  while (p < text.length) {
    const eol = text.indexOf('\n', p);
    if (eol < 0) return;
    const n = Number(text.slice(p, eol).trim());
    if (!Number.isInteger(n) || n <= 0) return;
    const commentEnd = text.indexOf('\n', eol + 1);
    if (commentEnd < 0) return;
    const comment = text.slice(eol + 1, commentEnd);
    const props = /Properties=(\S+)/.exec(comment);
    let roles: Role[] = [Role.Skip, Role.X, Role.Y, Role.Z];
    if (props) {
      roles = [];
      const f = props[1].split(':');
      for (let k = 0; k + 2 < f.length; k += 3) {
        const count = Number(f[k + 2]);
        for (let c = 0; c < count; c++) roles.push(f[k] === 'pos' ? [Role.X, Role.Y, Role.Z][c] : f[k] === 'masses' ? Role.Mass : Role.Skip);
      }
    }
    yield { start: commentEnd + 1, n, roles };
    p = commentEnd + 1;
    for (let i = 0; i < n; i++) {
      const eol = text.indexOf('\n', p);
      if (eol < 0) return; // a last frame cut short
      p = eol + 1;
    }
  }
}

function fixtures(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...fixtures(path));
    else if (/\.(lammpstrj|xyz)(\.gz)?$/.test(name)) out.push(path);
  }
  return out;
}

const FIXTURES = [...fixtures(join(import.meta.dirname, '..')), ...fixtures('/work/shared/fixtures').filter(() => true)];

describe('the WebAssembly row parser on every dump and XYZ fixture', () => {
  it('finds the fixtures', () => {
    expect(FIXTURES.length).toBeGreaterThanOrEqual(10);
  });

  it.each(FIXTURES.map((f) => [f]))('%s: every frame, full and sparse, read as the JavaScript parser reads it', (path) => {
    let data = readFileSync(path);
    if (path.endsWith('.gz')) data = gunzipSync(data);
    const { b, end } = bufferOf(data);
    const text = data.toString('latin1');
    const rnd = random(data.length);
    let frames = 0;
    for (const { start, n, roles } of rowBlocks(text)) {
      // The rows up to the end of the file (the reader's window may hold several frames), and cut
      // just before the frame's end.
      const js = expectSame(roles, b, start, end, n, undefined, path);
      if (roles.includes(Role.Id)) expectSame(roles, b, start, end, n, wantTable(n + 2, rnd), path);
      if (js.next > start) {
        const cut = bufferOf(data.subarray(0, js.next - 2));
        expectSame(roles, cut.b, start, cut.end, n, undefined, `${path} cut`);
      }
      frames++;
    }
    expect(frames).toBeGreaterThan(0);
  });
});

describe('copying the rows into the instance', () => {
  it('copies about one frame of a window that holds many, and more only when the rows run past it', () => {
    const rows = newWasmRows()!;
    let text = '';
    for (let f = 0; f < 20; f++) for (let i = 1; i <= 100; i++) text += `${i} 1 Na ${i}.25 -${f % 10}.5 3e-1 0 0 0\n`;
    const { b, start, end } = bufferOf(text);
    const frame = text.length / 20;
    const parse = rows.forRoles(ROLES, false);
    const t = targets(100);
    expect(parse(b, start, end, 100, t)).toBe(start + frame);
    // The first frame's copy is bounded by a guess of the row length; later ones by the longest row seen.
    expect(rows.rows.lastCopyBytes).toBeLessThan(4 * frame);
    expect(parse(b, start + frame, end, 100, t)).toBe(start + 2 * frame);
    expect(rows.rows.lastCopyBytes).toBeLessThan(1.2 * frame);
    expect(rows.rows.extendedCopies).toBe(0);
    // Rows longer than any seen so far: the copy runs out and is extended.
    const long = `${'1 1 Na 1.5 2.5 3.5 0 0 0 ' + 'x'.repeat(200)}\n`.repeat(100);
    const l = bufferOf(long);
    expect(parse(l.b, l.start, l.end, 100, t)).toBe(l.end);
    expect(rows.rows.extendedCopies).toBeGreaterThan(0);
    expect(t.pos[299]).toBe(3.5);
  });

  it('a frame too large for the memory it may have is read by the JavaScript parser, alike', () => {
    const small = newWasmRows({ maxBytes: 8 * 65536 })!;
    const text = '1 1 Na 1.5 -2.5 3e-1 0 0 1\n'.repeat(20_000);
    const { b, start, end } = bufferOf(text);
    for (const sparse of [false, true]) {
      const want = sparse ? new Uint8Array([0, 2]) : undefined;
      const got = targets(20_000), js = targets(20_000);
      expect(small.forRoles(ROLES, sparse)(b, start, end, 20_000, got, want)).toBe(end);
      expect(compileRows(ROLES, sparse)(b, start, end, 20_000, js, want)).toBe(end);
      expect(bytes(got.pos).equals(bytes(js.pos))).toBe(true);
      expect(got.img[59_999]).toBe(1);
    }
    expect(small.rows.lastCopyBytes).toBe(0);
  });
});

describe('the command line with either parser', () => {
  it('the WebAssembly parser is in use where it is built', () => {
    expect(wasmRowsAvailable()).toBe(true);
  });

  // MDPOST_ROWS chooses the parser of a process: the same document either way, from the sparse
  // reading of MSD frames and the full reading of g(r) frames.
  it.each([
    ['the shipped LAMMPS dump', NAFSI_DUMP, ['--msd', 'Na', '--rdf', 'Na,O']],
    ['the shipped XYZ', NAFSI_XYZ, ['--box', '23.795186 23.795186 23.795186', '--dt', '0.5', '--msd', 'Na', '--rdf', 'Na,O']],
  ])('%s: MDPOST_ROWS=js and MDPOST_ROWS=wasm write the same results', (_what, file, args) => {
    const docs = (['js', 'wasm'] as const).map((rows) => {
      const out = tempFile(`rows-${rows}.json`, '');
      const r = spawnSync(process.execPath, [join(REPO, 'bin/mdpost.js'), 'analyze', file, ...args, '--workers', '1', '--json', out], {
        encoding: 'utf8',
        env: { ...process.env, MDPOST_NO_PROGRESS: '1', MDPOST_ROWS: rows },
      });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(readFileSync(out, 'utf8')) as unknown;
    });
    expect(docs[1]).toEqual(docs[0]);
  });
});

/**
 * With labels (the first frame's, for the topology): the same decisions and numbers as the parse
 * without them, and each row's label as the row's own token in that column — what the generic
 * loop collects — or -1 on a label it does not intern.
 */
function expectLabels(roles: Role[], b: Buffer, start: number, end: number, n: number, what = ''): number {
  const plain = runOne(made!.forRoles(roles, false), b, start, end, n, undefined);
  const columns = roles.flatMap((r, k) => (r === Role.Element || r === Role.AtomicNumber ? [k] : []));
  const text = b.toString('latin1', start, end);
  for (const [name, w] of [['wasm', made!], ['wasm, short copies, 3 rows a call', short]] as const) {
    const rows = targets(n);
    rows.labels = [];
    const next = w.withLabels(roles)(b, start, end, n, rows);
    const label = `${what} ${name} [${roles.join(',')}]`;
    expect(next, label).toBe(plain.next);
    if (next < 0) continue;
    for (const field of ['pos', 'img', 'id', 'type', 'mol', 'mass', 'charge'] as const) {
      expect(bytes(rows[field]).equals(bytes(plain.rows[field])), `${label}: ${field}`).toBe(true);
    }
    // The row's tokens split at blanks; a later label column overwrites an earlier one, as in the generic loop.
    const lines = text.split('\n');
    const expected = Array.from({ length: n }, (_, i) => lines[i].trim().split(/ +/)[columns[columns.length - 1]]);
    expect(rows.labels, label).toEqual(expected);
  }
  return plain.next;
}

describe('the WebAssembly row parser collecting labels', () => {
  it('reads every dump fixture’s frames with their element labels as without, and each row’s label', () => {
    let frames = 0;
    for (const path of FIXTURES.filter((p) => /\.lammpstrj(\.gz)?$/.test(p))) {
      let data = readFileSync(path);
      if (path.endsWith('.gz')) data = gunzipSync(data);
      const { b, end } = bufferOf(data);
      const re = /ITEM: NUMBER OF ATOMS\s*\n\s*(\d+)[\s\S]*?ITEM: ATOMS([^\n]*)\n/g;
      const text = data.toString('latin1');
      for (let m = re.exec(text); m; m = re.exec(text)) {
        const layout = planColumns(m[2], (what) => new Error(what));
        if (!layout.roles.includes(Role.Element)) continue;
        expectLabels(layout.roles, b, re.lastIndex, end, Number(m[1]), path);
        frames++;
      }
    }
    expect(frames).toBeGreaterThan(0);
  });

  it('labels of 1 to 8 bytes of any kind are read, the row’s last label column is kept, and CR or extra columns change nothing', () => {
    const labels = ['H', 'Na', 'OW1', 'C_ar', 'Ow-12', 'Cl-ion', 'ABCDEFG', 'Zz~{}!é8', '11'];
    const text = labels.map((l, i) => `${i + 1} ${l}  ${i}.5 -${i} 1e${i % 3}${i % 2 ? ' 7 extra' : ''}${i % 3 === 0 ? '\r' : ''}\n`).join('');
    const { b, start, end } = bufferOf(text);
    expect(expectLabels([Role.Id, Role.Element, Role.X, Role.Y, Role.Z], b, start, end, labels.length)).toBe(end);
    // Two label columns: the atomic number after the element wins.
    const two = bufferOf(labels.map((l, i) => `${i + 1} ${l} ${i + 3} 0 0 0\n`).join(''));
    expect(expectLabels([Role.Id, Role.Element, Role.AtomicNumber, Role.X, Role.Y, Role.Z], two.b, two.start, two.end, labels.length)).toBe(two.end);
  });

  it('gives up on a label longer than 8 bytes and on more than 64 kinds of label', () => {
    const roles = [Role.Id, Role.Element, Role.X, Role.Y, Role.Z];
    const long = bufferOf('1 Na 0 0 0\n2 Chlorine1 0 0 0\n');
    expect(made!.withLabels(roles)(long.b, long.start, long.end, 2, Object.assign(targets(2), { labels: [] as string[] }))).toBe(-1);
    const kinds = (k: number) => bufferOf(Array.from({ length: k }, (_, i) => `${i + 1} L${i} 0 0 0\n`).join(''));
    const ok = kinds(64);
    expect(expectLabels(roles, ok.b, ok.start, ok.end, 64)).toBe(ok.end);
    const many = kinds(65);
    expect(made!.withLabels(roles)(many.b, many.start, many.end, 65, Object.assign(targets(65), { labels: [] as string[] }))).toBe(-1);
    // Without labels the same rows are read.
    expect(runOne(made!.forRoles(roles, false), many.b, many.start, many.end, 65, undefined).next).toBe(many.end);
  });
});

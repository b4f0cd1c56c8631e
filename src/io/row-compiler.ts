import { Role } from './atom-role.js';

/**
 * A parser for rows of one column layout, compiled into straight-line JavaScript.
 *
 * The generic row loop dispatches on each column's role and calls a Scanner method per token;
 * for the typical dump of 10 short tokens per line that bookkeeping costs about a third of the
 * time. Compiling the layout once (`new Function`, from the fixed role vocabulary only — no file
 * content ever reaches the source text) inlines every token loop with the cursor in a local
 * variable.
 *
 * The compiled parser handles only the well-formed common case: space-separated tokens, decimal
 * numbers whose mantissa fits in 2^53 and exponent in ±22 (converted exactly, as Scanner.float
 * does), one row per line. On anything else — a tab, a malformed number, a short line,
 * the end of the buffer — it gives up and returns -1, and the caller parses the frame again with
 * the generic loop, which either succeeds or throws the precise error. So errors and
 * end-of-buffer handling stay in one place.
 */
export interface RowTargets {
  pos: Float64Array;
  img: Int32Array;
  id: Int32Array;
  type: Int32Array;
  mol: Int32Array;
  mass: Float64Array;
  charge: Float64Array;
}

/**
 * Parse `n` rows from `start`; returns the offset after the last row, or -1 to fall back. A
 * parser compiled `sparse` takes `want`, by atom id: 2 for a row to parse, 1 for a row to step
 * over once its id is read (its other columns are neither read nor checked), 0 (or an id beyond
 * the table) for an id the table does not know, which is parsed and counted in
 * lastCall.unknownIds.
 */
export type CompiledRows = (b: Buffer, start: number, end: number, n: number, t: RowTargets, want?: Uint8Array, words?: Int32Array) => number;

/**
 * `b` seen as 32-bit words (words[k] holds b[4k … 4k + 3]), for a sparse parser to step over
 * rows four bytes at a time; undefined when b does not start on a 4-byte boundary.
 */
export function wordsOf(b: Buffer): Int32Array | undefined {
  if (b === lastWords.buffer) return lastWords.words;
  lastWords.buffer = b;
  lastWords.words = b.byteOffset % 4 === 0 ? new Int32Array(b.buffer, b.byteOffset, b.length >> 2) : undefined;
  return lastWords.words;
}
const lastWords: { buffer: Buffer | null; words: Int32Array | undefined } = { buffer: null, words: undefined };

const POW10 = new Float64Array(23);
for (let i = 0; i < 23; i++) POW10[i] = Number(`1e${i}`);

const cache = new Map<string, CompiledRows>();

/**
 * Whether ids were ascending in the last call (the compiled function stores it here, avoiding
 * an allocation per frame).
 */
export const lastCall = { idsAscending: true, unknownIds: 0 };

export function compileRows(roles: readonly Role[], sparse = false): CompiledRows {
  const key = `${roles.join(',')}${sparse ? ' sparse' : ''}`;
  let fn = cache.get(key);
  if (!fn) {
    fn = build(roles, sparse);
    primeFeedback(fn, roles, sparse);
    cache.set(key, fn);
  }
  return fn;
}

/**
 * Rows of `roles` that take every path the compiled parser has besides its fall-backs: signs,
 * exponents, integral and fractional values, ids out of order, rows wanted, stepped over and
 * unknown (one beyond the table), extra columns and a CR. `want` is the table for a sparse
 * parser.
 */
export function primingRows(roles: readonly Role[]): { text: string; n: number; want: Uint8Array } {
  const numbers = ['1.25', '-2.5e-3', '+3E+1', '-4', '0.5e2', '6.'];
  const integers = ['1', '-2', '+3', '4', '-5', '6'];
  // The row stepped over (id 2) is the first, plain one: a sparse parser reads every other.
  const ids = ['2', '1', '3', '9', '4', '1'];
  const want = new Uint8Array(5);
  want[1] = 2; // parsed
  want[2] = 1; // stepped over
  want[4] = 2; // 3 is unknown, and 9 lies beyond the table
  const lines: string[] = [];
  for (let r = 0; r < ids.length; r++) {
    const cols = roles.map((role) => {
      switch (role) {
        case Role.Id:
          return ids[r];
        case Role.X:
        case Role.Y:
        case Role.Z:
        case Role.Mass:
        case Role.Charge:
          return numbers[r];
        case Role.Type:
        case Role.Mol:
        case Role.ImageX:
        case Role.ImageY:
        case Role.ImageZ:
          return integers[r];
        default:
          return 'Na';
      }
    });
    const tail = r === 1 ? ' extra 7\r\n' : r === 2 ? '  \r\n' : '\n';
    lines.push(cols.join(r === 4 ? '   ' : ' ') + tail);
  }
  return { text: lines.join(''), n: ids.length, want };
}

/**
 * Run a freshly compiled parser once over primingRows before any frame reaches it. V8 optimises
 * the parser while it is still inside the first frame's loop, from the paths it has seen so far;
 * a path met later (the first negative number, an exponent, the stores after the loop) then
 * throws the optimised code away, and each new optimisation of this large function costs
 * 30–60 ms. Measured on a 42 903-atom dump: 5 such rounds in one thread, 13 over two, ~0.9 s of
 * compiling in all. Seen once here, every path is known when the first optimisation happens.
 * The priming rows are parsed into scratch arrays; nothing of theirs reaches a frame.
 */
function primeFeedback(fn: CompiledRows, roles: readonly Role[], sparse: boolean): void {
  const { text, n, want } = primingRows(roles);
  // Its own memory (not a slice of Node's pool), so that it starts on a word boundary as a
  // reader's buffer does, and the stepping over by words is primed too; a 0 after the rows, the
  // sentinel a reader's buffer has (ByteCursor.reset).
  const b = Buffer.alloc(text.length + 1);
  b.write(text, 'latin1');
  const t: RowTargets = {
    pos: new Float64Array(3 * n),
    img: new Int32Array(3 * n),
    id: new Int32Array(n),
    type: new Int32Array(n),
    mol: new Int32Array(n),
    mass: new Float64Array(n),
    charge: new Float64Array(n),
  };
  // V8 records feedback only once a function has run a few times (it allocates the vector
  // lazily), so one call would teach it nothing.
  for (let k = 0; k < PRIMING_CALLS; k++) fn(b, 0, b.length - 1, n, t, sparse ? want : undefined, sparse ? wordsOf(b) : undefined);
}

const PRIMING_CALLS = 12;

function build(roles: readonly Role[], sparse: boolean): CompiledRows {
  let last = roles.length - 1;
  while (last >= 0 && roles[last] === Role.Skip) last--;
  const body: string[] = [];
  // Start of a token: skip spaces; a tab or the end of the line/buffer means "fall back".
  const tokenStart = 'c = b[p]; while (c === 32) c = b[++p]; if (c <= 32) return -1;';
  // Digits accumulate exactly while the mantissa stays below 2^53; the value is then one
  // correctly rounded multiplication or division by an exact power of ten (as in Scanner.float).
  const number = (target: string) => `
    ${tokenStart}
    neg = c === 45; if (neg || c === 43) c = b[++p];
    m = 0; nd = 0; e = 0; d = (c - 48) >>> 0;
    while (d < 10) { m = m * 10 + d; nd++; d = (b[++p] - 48) >>> 0; }
    if (b[p] === 46) { d = (b[++p] - 48) >>> 0; while (d < 10) { m = m * 10 + d; nd++; e--; d = (b[++p] - 48) >>> 0; } }
    if (nd === 0) return -1;
    c = b[p];
    if (c === 101 || c === 69) {
      c = b[++p]; en = c === 45; if (en || c === 43) c = b[++p];
      x = 0; d = (c - 48) >>> 0; if (d >= 10) return -1;
      while (d < 10) { x = x * 10 + d; if (x > 400) return -1; d = (b[++p] - 48) >>> 0; }
      e += en ? -x : x;
      c = b[p];
    }
    if (c > 32 || m >= 9007199254740992 || e < -22 || e > 22) return -1;
    v = e < 0 ? m / POW10[-e] : m * POW10[e];
    ${target} = neg ? -v : v;`;
  const integer = (target: string) => `
    ${tokenStart}
    neg = c === 45; if (neg || c === 43) c = b[++p];
    m = 0; nd = 0; d = (c - 48) >>> 0;
    while (d < 10) { m = m * 10 + d; nd++; d = (b[++p] - 48) >>> 0; }
    if (nd === 0 || nd > 9 || b[p] > 32) return -1;
    ${target} = neg ? -m : m;`;
  const skip = `${tokenStart} while (c > 32) c = b[++p];`;
  for (let k = 0; k <= last; k++) {
    switch (roles[k]) {
      case Role.X:
        body.push(number('pos[j]'));
        break;
      case Role.Y:
        body.push(number('pos[j + 1]'));
        break;
      case Role.Z:
        body.push(number('pos[j + 2]'));
        break;
      case Role.Mass:
        body.push(number('mass[i]'));
        break;
      case Role.Charge:
        body.push(number('charge[i]'));
        break;
      case Role.Id:
        body.push(integer('id[i]'), 'if (id[i] <= prev) asc = false; prev = id[i];');
        if (sparse) {
          body.push(`
            w = want[id[i]] | 0;
            if (w === 1) {
              // To the end of the row: a word at a time while no byte of it is a line feed (the
              // word XOR 0x0a0a0a0a has a zero byte exactly when one is), then byte by byte.
              if (words !== undefined) {
                while ((p & 3) !== 0 && p < end && b[p] !== 10) p++;
                if ((p & 3) === 0) {
                  while (p + 4 <= end) {
                    x = words[p >> 2] ^ 0x0a0a0a0a;
                    if (((x - 0x01010101) & ~x & 0x80808080) !== 0) break;
                    p += 4;
                  }
                }
              }
              while (p < end && b[p] !== 10) p++;
              if (p >= end) return -1;
              p++;
              continue;
            }
            if (w === 0) unknown++;`);
        }
        break;
      case Role.Type:
        body.push(integer('type[i]'));
        break;
      case Role.Mol:
        body.push(integer('mol[i]'));
        break;
      case Role.ImageX:
        body.push(integer('img[j]'));
        break;
      case Role.ImageY:
        body.push(integer('img[j + 1]'));
        break;
      case Role.ImageZ:
        body.push(integer('img[j + 2]'));
        break;
      default:
        body.push(skip);
    }
  }
  const source = `
    const pos = t.pos, img = t.img, id = t.id, type = t.type, mol = t.mol, mass = t.mass, charge = t.charge;
    let p = start, c = 0, d = 0, m = 0, nd = 0, e = 0, x = 0, q = 0, v = 0, neg = false, en = false;
    let prev = -Infinity, asc = true, w = 0, unknown = 0;
    for (let i = 0; i < n; i++) {
      const j = 3 * i;
      ${body.join('\n')}
      // End of the row: blanks, an optional CR, then LF; extra columns are skipped.
      c = b[p];
      while (c === 32 || c === 13) c = b[++p];
      if (c !== 10) {
        if (p >= end) return -1;
        q = b.indexOf(10, p);
        if (q < 0 || q >= end) return -1;
        p = q;
      }
      p++;
    }
    last.idsAscending = asc;
    last.unknownIds = unknown;
    return p;`;
  return new Function('POW10', 'last', `return function compiledRows(b, start, end, n, t, want, words) {${source}\n};`)(POW10, lastCall) as CompiledRows;
}

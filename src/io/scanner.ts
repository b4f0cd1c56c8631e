import { ParseError, quoteLine } from '../model/errors.js';
import { ByteCursor, NEED_MORE, TRUNCATED } from './byte-cursor.js';

export { NEED_MORE, TRUNCATED } from './byte-cursor.js';

/**
 * The text formats' cursor: reads numbers and tokens without allocating, on the ByteCursor's
 * window of the stream.
 *
 * The buffer holds [0, end) of valid bytes and a 0 sentinel at `buf[end]`, so every scanning
 * loop stops at the end without a bounds check per byte: 0 is neither a digit nor a printable
 * character. When a read runs into the end of the buffer before the end of the file, the
 * scanner throws `NEED_MORE`; the reader then reads more bytes and parses the frame again from
 * its start. At the end of the file a missing line raises `TRUNCATED` instead, which the reader
 * turns into a warning about an incomplete last frame.
 *
 * Numbers: decimal and exponent forms are computed from an integer mantissa and an exact power
 * of ten, which is correctly rounded (Clinger's fast path) whenever the mantissa fits in 2^53 and
 * the exponent in ±22; anything else falls back to `Number()` on the token. Either way the value
 * is the one `float()` in Python or `strtod` in C gives, bit for bit.
 */
const POW10 = new Float64Array(23);
for (let i = 0; i < 23; i++) POW10[i] = Number(`1e${i}`);
const MAX_EXACT = 9007199254740992; // 2^53

const SPACE = 32, TAB = 9, CR = 13, LF = 10;
const MINUS = 45, PLUS = 43, DOT = 46, ZERO = 48, LOWER_E = 101, UPPER_E = 69;

export class Scanner extends ByteCursor {
  /** 1-based number of the line at `pos`, counted from where the reader started counting. */
  line = 1;
  /** Offset of the first byte of the current line. */
  lineStart = 0;

  constructor(
    readonly file: string,
    buf: Buffer = Buffer.alloc(1),
  ) {
    super(buf);
  }

  /** Require that another line begins at `pos`; at the end of the data this means more is needed. */
  needLine(): void {
    if (this.pos >= this.end) throw this.eof ? TRUNCATED : NEED_MORE;
  }

  /** Skip spaces and tabs. */
  skipBlanks(): void {
    const b = this.buf;
    let p = this.pos;
    let c = b[p];
    while (c === SPACE || c === TAB) c = b[++p];
    this.pos = p;
  }

  /**
   * Read a floating-point number token. The common trajectory number — up to 9 significant
   * digits, no exponent — takes a short path in small-integer arithmetic; everything else
   * (more digits, exponents) goes through `floatGeneral`.
   */
  float(what: string): number {
    const b = this.buf;
    let p = this.pos;
    let c = b[p];
    while (c === SPACE || c === TAB) c = b[++p];
    const start = p;
    let neg = false;
    if (c === MINUS) {
      neg = true;
      c = b[++p];
    } else if (c === PLUS) c = b[++p];
    let m = 0;
    let digits = 0;
    // (c - ZERO) >>> 0 < 10 tests for a digit with one comparison.
    let d = (c - ZERO) >>> 0;
    while (d < 10 && digits < 9) {
      m = m * 10 + d;
      digits++;
      d = (b[++p] - ZERO) >>> 0;
    }
    if (d < 10) return this.floatGeneral(start, what);
    let scale = 0;
    if (b[p] === DOT) {
      d = (b[++p] - ZERO) >>> 0;
      while (d < 10 && digits < 9) {
        m = m * 10 + d;
        digits++;
        scale++;
        d = (b[++p] - ZERO) >>> 0;
      }
      if (d < 10) return this.floatGeneral(start, what);
    }
    c = b[p];
    if (c > SPACE || digits === 0) return this.floatGeneral(start, what);
    this.pos = p;
    const v = m / POW10[scale];
    return neg ? -v : v;
  }

  /** Any decimal number: long mantissas and exponents (correctly rounded, see the class comment). */
  private floatGeneral(start: number, what: string): number {
    const b = this.buf;
    let p = start;
    let c = b[p];
    let neg = false;
    if (c === MINUS) {
      neg = true;
      c = b[++p];
    } else if (c === PLUS) c = b[++p];
    let m = 0;
    let digits = 0;
    let d = (c - ZERO) >>> 0;
    while (d < 10) {
      m = m * 10 + d;
      digits++;
      d = (b[++p] - ZERO) >>> 0;
    }
    let e = 0;
    if (b[p] === DOT) {
      d = (b[++p] - ZERO) >>> 0;
      while (d < 10) {
        m = m * 10 + d;
        digits++;
        e--;
        d = (b[++p] - ZERO) >>> 0;
      }
    }
    if (digits === 0) return this.numberFail(start, what);
    c = b[p];
    if (c === LOWER_E || c === UPPER_E) {
      c = b[++p];
      let eneg = false;
      if (c === MINUS) {
        eneg = true;
        c = b[++p];
      } else if (c === PLUS) c = b[++p];
      let x = 0;
      let edigits = 0;
      d = (c - ZERO) >>> 0;
      while (d < 10) {
        if (x < 100000) x = x * 10 + d;
        edigits++;
        d = (b[++p] - ZERO) >>> 0;
      }
      if (edigits === 0) return this.numberFail(start, what);
      e += eneg ? -x : x;
      c = b[p];
    }
    if (c > SPACE) return this.numberFail(start, what);
    this.pos = p;
    if (m < MAX_EXACT && e >= -22 && e <= 22) {
      const v = e < 0 ? m / POW10[-e] : m * POW10[e];
      return neg ? -v : v;
    }
    const v = Number(b.toString('latin1', start, p));
    if (!Number.isFinite(v)) return this.numberFail(start, what);
    return v;
  }

  /** Read an integer token (an optional sign and digits). */
  int(what: string): number {
    const b = this.buf;
    let p = this.pos;
    let c = b[p];
    while (c === SPACE || c === TAB) c = b[++p];
    const start = p;
    let neg = false;
    if (c === MINUS) {
      neg = true;
      c = b[++p];
    } else if (c === PLUS) c = b[++p];
    let m = 0;
    let digits = 0;
    let d = (c - ZERO) >>> 0;
    while (d < 10) {
      m = m * 10 + d;
      digits++;
      d = (b[++p] - ZERO) >>> 0;
    }
    if (digits === 0 || b[p] > SPACE || m > Number.MAX_SAFE_INTEGER) return this.numberFail(start, what, true);
    this.pos = p;
    return neg ? -m : m;
  }

  /** Skip one whitespace-delimited token on the current line; fails if there is none. */
  skipToken(what: string): void {
    const b = this.buf;
    let p = this.pos;
    let c = b[p];
    while (c === SPACE || c === TAB) c = b[++p];
    if (c <= SPACE) {
      this.pos = p;
      this.fail(`expected ${what}`);
    }
    while (c > SPACE) c = b[++p];
    this.pos = p;
  }

  /** Read one token as a string (allocates: use for headers and first-frame names only). */
  token(what: string): string {
    this.skipBlanks();
    const start = this.pos;
    this.skipToken(what);
    return this.buf.toString('latin1', start, this.pos);
  }

  /** True when only blanks remain on the current line. */
  atEol(): boolean {
    const b = this.buf;
    let p = this.pos;
    let c = b[p];
    while (c === SPACE || c === TAB || c === CR) c = b[++p];
    return c === LF || (p >= this.end && this.eof);
  }

  /** Expect the end of the line (blanks and an optional CR allowed) and move to the next line. */
  eol(what = 'the end of the line'): void {
    const b = this.buf;
    let p = this.pos;
    let c = b[p];
    while (c === SPACE || c === TAB || c === CR) c = b[++p];
    if (c === LF) {
      this.pos = p + 1;
    } else if (p >= this.end) {
      if (!this.eof) throw NEED_MORE;
      this.pos = p;
    } else {
      this.pos = p;
      this.fail(`expected ${what}`);
    }
    this.line++;
    this.lineStart = this.pos;
  }

  /** Move to the next line, ignoring whatever is left on this one; cheap when nothing is. */
  endRow(): void {
    const b = this.buf;
    let p = this.pos;
    let c = b[p];
    while (c === SPACE || c === TAB || c === CR) c = b[++p];
    if (c === LF) {
      this.pos = p + 1;
      this.line++;
      this.lineStart = this.pos;
    } else {
      this.pos = p;
      this.skipLine();
    }
  }

  /** Move to the start of the next line, ignoring whatever is left on this one. */
  skipLine(): void {
    const nl = this.buf.indexOf(LF, this.pos);
    if (nl < 0 || nl >= this.end) {
      if (!this.eof) throw NEED_MORE;
      this.pos = this.end;
    } else this.pos = nl + 1;
    this.line++;
    this.lineStart = this.pos;
  }

  /** Skip n whole lines (atoms of a frame nobody needs parsed); memchr-fast. */
  skipLines(n: number): void {
    for (let i = 0; i < n; i++) {
      this.needLine();
      this.skipLine();
    }
  }

  /** The rest of the current line as text (without CR/LF), and move to the next line. */
  readLine(): string {
    this.needLine();
    const start = this.pos;
    const nl = this.buf.indexOf(LF, start);
    let stop: number;
    if (nl < 0 || nl >= this.end) {
      if (!this.eof) throw NEED_MORE;
      stop = this.end;
      this.pos = this.end;
    } else {
      stop = nl;
      this.pos = nl + 1;
    }
    if (stop > start && this.buf[stop - 1] === CR) stop--;
    const text = this.buf.toString('latin1', start, stop);
    this.line++;
    this.lineStart = this.pos;
    return text;
  }

  /** The current line's text, without moving; needs the whole line in the buffer. */
  peekLine(): string {
    const nl = this.buf.indexOf(LF, this.lineStart);
    if ((nl < 0 || nl >= this.end) && !this.eof) throw NEED_MORE;
    let stop = nl < 0 || nl >= this.end ? this.end : nl;
    if (stop > this.lineStart && this.buf[stop - 1] === CR) stop--;
    return this.buf.toString('latin1', this.lineStart, stop);
  }

  /** True if the current line's newline is in the buffer. */
  private hasNewline(): boolean {
    const nl = this.buf.indexOf(LF, this.lineStart);
    return nl >= 0 && nl < this.end;
  }

  /**
   * Raise a ParseError about the current line — unless the line is cut off by the end of the
   * buffer, in which case more data (or, at the end of the file, truncation) is the real story.
   */
  fail(detail: string): never {
    if (!this.hasNewline()) {
      if (!this.eof) throw NEED_MORE;
      // The last line of the file stops mid-record (a run still being written): it ran out of
      // data rather than holding something wrong.
      if (this.pos >= this.end) throw TRUNCATED;
    }
    throw new ParseError(this.file, this.line, this.base + this.lineStart, `${detail}; found ${quoteLine(this.peekLine())}`);
  }

  private numberFail(start: number, what: string, integer = false): never {
    this.pos = start;
    const b = this.buf;
    let p = start;
    while (b[p] > SPACE) p++;
    const tok = b.toString('latin1', start, p);
    if (tok === '') this.fail(`expected ${what} (${integer ? 'an integer' : 'a number'}), but the line ends`);
    this.fail(`expected ${what} (${integer ? 'an integer' : 'a number'}), not ${JSON.stringify(tok)}`);
  }
}

import { boxFromVectors, type Box } from '../model/box.js';
import { ParseError } from '../model/errors.js';
import { BinaryFormatError, type XdrCursor } from './binary/xdr.js';
import { NEED_MORE, TRUNCATED } from './byte-cursor.js';
import type { Scanner } from './scanner.js';

/**
 * What the binary format modules (xtc.ts, trr.ts, dcd.ts) share on top of their codecs: a codec
 * cursor over the reader's window, the translation of a codec's signals into the reader's, and
 * the cell.
 */
export class WindowCursor {
  private cursor: XdrCursor | null = null;

  /** A codec cursor over the reader's window buf[pos, end) (its DataView kept while the buffer is the same). */
  on(s: Scanner): XdrCursor {
    let c = this.cursor;
    if (c === null || c.bytes !== s.buf) {
      c = { bytes: s.buf, view: new DataView(s.buf.buffer, s.buf.byteOffset, s.buf.byteLength), pos: 0, end: 0 };
      this.cursor = c;
    }
    c.pos = s.pos;
    c.end = s.end;
    return c;
  }
}

/**
 * A codec's exception as the reader expects it: running out of bytes is NEED_MORE while more
 * can come and TRUNCATED at the end of the file; malformed content is a ParseError naming the
 * file and where (`offsetBase` + the codec's offset into its buffer is the stream offset); the
 * reader adds the frame. Anything else is a bug and passes through.
 */
export function readerError(e: unknown, s: Scanner, offsetBase = s.base): unknown {
  if (e === NEED_MORE) return s.eof ? TRUNCATED : NEED_MORE;
  if (e instanceof BinaryFormatError) {
    const at = offsetBase + e.offset;
    return new ParseError(s.file, null, at, `${e.detail} (at byte ${at})`);
  }
  return e;
}

/** True at a clean end of the data (no byte of another frame); NEED_MORE when more may come. */
export function atEndOfData(s: Scanner): boolean {
  if (s.pos < s.end) return false;
  if (!s.eof) throw NEED_MORE;
  return true;
}

/** Cell vectors as rows (Å) as a Box at the origin; a cell of zero volume means none (`fallback`: --box). */
export function cellOrNull(rows: Float64Array, fallback: Box | null): Box | null {
  const m = rows;
  const det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
  if (!(Math.abs(det) > 0)) return fallback;
  return boxFromVectors(rows);
}

/**
 * A cursor over a window of a (decompressed) byte stream: `buf[0, end)` holds valid bytes, `pos`
 * is the read position, `base` the stream offset of `buf[0]`. Readers refill the window between
 * frames; a parser that runs out of bytes inside a frame throws `NEED_MORE` (the reader reads
 * more and parses the frame again from its start), or, at the end of the file, `TRUNCATED`
 * (the reader reports an incomplete last frame). Binary formats read numbers through it; the
 * text Scanner builds on it.
 */
export const NEED_MORE = Symbol('need more data');
export const TRUNCATED = Symbol('truncated at end of file');

export class ByteCursor {
  buf: Buffer;
  /** Read position. */
  pos = 0;
  /** End of valid data; `buf[end]` is 0 (a sentinel the text scanner relies on). */
  end = 0;
  /** True when `end` is the end of the stream. */
  eof = false;
  /** Offset of `buf[0]` in the whole (decompressed) stream, for error messages. */
  base = 0;

  constructor(buf: Buffer = Buffer.alloc(1)) {
    this.buf = buf;
  }

  /** Point the cursor at new data; `buf[end]` must exist and is set to the sentinel. */
  reset(buf: Buffer, end: number, eof: boolean): void {
    this.buf = buf;
    this.end = end;
    this.eof = eof;
    buf[end] = 0;
  }

  /** True when nothing but the end of data is left. */
  atEnd(): boolean {
    return this.pos >= this.end;
  }

  /** Require `n` more bytes at `pos`: more data, or (at the end of the stream) a truncated frame. */
  need(n: number): void {
    if (this.pos + n > this.end) throw this.eof ? TRUNCATED : NEED_MORE;
  }

  /** Stream offset of the read position. */
  get offset(): number {
    return this.base + this.pos;
  }

  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  int32(littleEndian: boolean): number {
    this.need(4);
    const v = littleEndian ? this.buf.readInt32LE(this.pos) : this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  uint32(littleEndian: boolean): number {
    this.need(4);
    const v = littleEndian ? this.buf.readUInt32LE(this.pos) : this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  float32(littleEndian: boolean): number {
    this.need(4);
    const v = littleEndian ? this.buf.readFloatLE(this.pos) : this.buf.readFloatBE(this.pos);
    this.pos += 4;
    return v;
  }

  float64(littleEndian: boolean): number {
    this.need(8);
    const v = littleEndian ? this.buf.readDoubleLE(this.pos) : this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }
}

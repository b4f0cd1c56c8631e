import type { Framing, FramingContext } from '../io/format.js';
import type { ByteSource } from '../io/source.js';
import { countLines, lineStartAtMultiple } from '../io/text-lines.js';
import { withRoom } from '../model/grow.js';

/**
 * A stream that cannot be entered in the middle (gzip) is cut, as it is read, into batches of
 * whole frames for the workers: the cut goes at the first frame start after about `batchBytes`,
 * found as the format's framing says (a marker, or every so many lines), and each batch knows
 * the number of its first frame and line.
 */
export interface Batch {
  /** Stream offset of the batch's first byte. */
  start: number;
  firstFrame: number;
  firstLine: number;
  bytes: Buffer;
}

export async function* frameBatches(src: ByteSource, framing: Framing, ctx: FramingContext, batchBytes: number): AsyncGenerator<Batch> {
  let buf = Buffer.allocUnsafe(2 * batchBytes + 1);
  let len = 0;
  let eof = false;
  let base = 0;
  let frame = 0;
  let line = 1;
  // The buffer grows only when full: a frame that runs past what has been read so far needs more
  // bytes, not more room (growing then doubled it at every frame, without end).
  const readMore = async () => {
    if (len === buf.length - 1) buf = withRoom(buf, len, buf.length + 1);
    const n = await src.read(buf, len, buf.length - 1 - len);
    if (n === 0) eof = true;
    len += n;
  };
  while (!eof || len > 0) {
    while (!eof && len < batchBytes + Math.min(batchBytes, 1 << 20)) await readMore();
    let cut = eof ? len : cutAfter(framing, ctx, buf, Math.min(batchBytes, len - 1), len, base);
    if (cut < 0) {
      // The frame runs past what has been read (larger than the batch): read on until it ends.
      if (!eof) {
        await readMore();
        continue;
      }
      cut = len;
    }
    if (cut === 0) return;
    const bytes = Buffer.alloc(cut);
    buf.copy(bytes, 0, 0, cut);
    const lines = countLines(buf, 0, cut);
    yield { start: base, firstFrame: frame, firstLine: line, bytes };
    frame += framing.kind === 'marker' ? countStarts(framing, ctx, buf, cut, base) : Math.floor(lines / framing.linesPerFrame(ctx.natoms));
    line += lines;
    base += cut;
    buf.copyWithin(0, cut, len);
    len -= cut;
  }
}

/**
 * The first frame start at or after `from` (by lines: the first line boundary at a multiple of
 * the lines per frame); `base` is the stream offset of buf[0].
 */
function cutAfter(framing: Framing, ctx: FramingContext, buf: Buffer, from: number, end: number, base: number): number {
  if (framing.kind === 'marker') return framing.findStart(buf, from, end, ctx, base);
  return lineStartAtMultiple(buf, 0, end, 0, from, framing.linesPerFrame(ctx.natoms)).offset;
}

/** Frames that start in buf[0, to); buf[0] is at stream offset `base`. */
function countStarts(framing: Framing & { kind: 'marker' }, ctx: FramingContext, buf: Buffer, to: number, base: number): number {
  let n = 0;
  for (let p = 0; ; n++) {
    const s = framing.findStart(buf, p, to, ctx, base);
    if (s < 0 || s >= to) return n;
    p = s + 1;
  }
}

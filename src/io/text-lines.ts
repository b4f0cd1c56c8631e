/**
 * Lines in a byte buffer, without decoding it: what finding frame starts in a text trajectory
 * needs (counting newlines is memchr-fast).
 */
const LF = 10;

/** Byte offset of the start of the line containing `pos`. */
export function lineStartOf(buf: Buffer, pos: number): number {
  const nl = pos > 0 ? buf.lastIndexOf(LF, pos - 1) : -1;
  return nl + 1;
}

/** The start of the line before the one starting at `start`, or −1 at the top of the buffer. */
export function previousLineStart(buf: Buffer, start: number): number {
  if (start <= 0) return -1;
  return lineStartOf(buf, start - 1);
}

/** The text of the line starting at `start` (without CR/LF), not reading past `end`. */
export function lineText(buf: Buffer, start: number, end: number): string {
  let stop = buf.indexOf(LF, start);
  if (stop < 0 || stop > end) stop = end;
  if (stop > start && buf[stop - 1] === 13) stop--;
  return buf.toString('latin1', start, stop);
}

/** Number of newlines in buf[from, to). */
export function countLines(buf: Buffer, from: number, to: number): number {
  let n = 0;
  let p = buf.indexOf(LF, from);
  while (p >= 0 && p < to) {
    n++;
    p = buf.indexOf(LF, p + 1);
  }
  return n;
}

/** The first line of a text that is not blank, trimmed ('' when there is none). */
export function firstTextLine(text: string): { line: string; index: number; lines: string[] } {
  const lines = text.split('\n', 12).map((l) => l.replace(/\r$/, ''));
  const index = lines.findIndex((l) => l.trim() !== '');
  return { line: index < 0 ? '' : lines[index].trim(), index, lines };
}

/**
 * Frames of a fixed number of lines: the first line start at or after `target` that follows a
 * multiple of `every` newlines — newlines counted from `from`, after `counted` before it, up to
 * `end` (the start may be `end` itself). Returns its offset (−1 when there is none) and the
 * newlines counted up to it (or through `end`).
 */
export function lineStartAtMultiple(buf: Buffer, from: number, end: number, counted: number, target: number, every: number): { offset: number; lines: number } {
  let lines = counted;
  let p = buf.indexOf(LF, from);
  while (p >= 0 && p < end) {
    lines++;
    if (lines % every === 0 && p + 1 >= target) return { offset: p + 1, lines };
    p = buf.indexOf(LF, p + 1);
  }
  return { offset: -1, lines };
}

import type { FormatName } from './format.js';

/**
 * Where frames start, without parsing them: what lets a file be cut into frame-aligned slices
 * for worker threads (the readers themselves parse from a frame start on).
 *
 *  - LAMMPS dump: every frame has one `ITEM: TIMESTEP` line, possibly preceded by `ITEM: TIME`
 *    and `ITEM: UNITS` sections (two lines each), which then belong to the frame.
 *  - XDATCAR: a frame starts at its `Direct configuration=` / `Cartesian configuration=` line,
 *    or, in a variable-cell file, at the repeated header (title line) seven lines above it.
 *  - XYZ and extended XYZ have no marker; with a fixed atom count every frame is N + 2 lines,
 *    so frames start every N + 2 lines (found by counting newlines from the start).
 */
const LF = 10;

export interface FramingContext {
  format: FormatName;
  natoms: number;
  /** XDATCAR: the file's first line (repeated before each frame of a variable-cell run). */
  title?: string;
}

/** Byte offset of the start of the line containing `pos`. */
function lineStartOf(buf: Buffer, pos: number): number {
  const nl = pos > 0 ? buf.lastIndexOf(LF, pos - 1) : -1;
  return nl + 1;
}

/** The line before the one starting at `start` (start offset), or -1 at the top of the buffer. */
function previousLineStart(buf: Buffer, start: number): number {
  if (start <= 0) return -1;
  return lineStartOf(buf, start - 1);
}

function lineText(buf: Buffer, start: number, end: number): string {
  let stop = buf.indexOf(LF, start);
  if (stop < 0 || stop > end) stop = end;
  if (stop > start && buf[stop - 1] === 13) stop--;
  return buf.toString('latin1', start, stop);
}

/** First LAMMPS frame start at or after `from` in buf[0, end); -1 if none is complete enough to tell. */
export function lammpsFrameStart(buf: Buffer, from: number, end: number): number {
  const marker = Buffer.from('ITEM: TIMESTEP');
  let q = from > 0 ? lineStartOf(buf, from) : 0;
  for (;;) {
    const hit = buf.indexOf(marker, q);
    if (hit < 0 || hit >= end) return -1;
    if (hit > 0 && buf[hit - 1] !== LF) {
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
    q = hit + marker.length;
  }
}

/** First XDATCAR frame start at or after `from`; -1 if none. */
export function xdatcarFrameStart(buf: Buffer, from: number, end: number, title: string | undefined): number {
  const marker = Buffer.from('configuration');
  let q = from > 0 ? lineStartOf(buf, from) : 0;
  for (;;) {
    const hit = buf.indexOf(marker, q);
    if (hit < 0 || hit >= end) return -1;
    const line = lineStartOf(buf, hit);
    const text = lineText(buf, line, end);
    q = hit + marker.length;
    if (!/^\s*(direct|cartesian)/i.test(text)) continue;
    let start = line;
    // A variable-cell file repeats the 7-line header (title first) before each configuration.
    let up = line;
    for (let k = 0; k < 7 && up >= 0; k++) up = previousLineStart(buf, up);
    if (up >= 0 && title !== undefined && lineText(buf, up, end).trim() === title.trim()) start = up;
    if (start >= from) return start;
  }
}

/** Frame start at or after `from` for the marker formats. */
export function markerFrameStart(ctx: FramingContext, buf: Buffer, from: number, end: number): number {
  if (ctx.format === 'lammps-dump') return lammpsFrameStart(buf, from, end);
  if (ctx.format === 'xdatcar') return xdatcarFrameStart(buf, from, end, ctx.title);
  throw new Error(`internal: ${ctx.format} has no frame marker`);
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

/** Number of frames that start in buf[from, to) (marker formats). */
export function countFrameStarts(ctx: FramingContext, buf: Buffer, from: number, to: number): number {
  let n = 0;
  let p = from;
  for (;;) {
    const s = markerFrameStart(ctx, buf, p, to);
    if (s < 0 || s >= to) return n;
    n++;
    p = s + 1;
  }
}

/** Whether frames of this format can be found by a marker (otherwise by counting lines). */
export function hasFrameMarker(format: FormatName): boolean {
  return format === 'lammps-dump' || format === 'xdatcar';
}

import { open, stat, type FileHandle } from 'node:fs/promises';
import type { LineFraming, MarkerFraming } from '../io/format.js';
import { formatByName } from '../io/formats.js';
import { isGzip } from '../io/source.js';
import { lineStartAtMultiple } from '../io/text-lines.js';
import { indexFromStamp, type Plan } from '../pipeline/plan.js';

/**
 * Cutting an uncompressed trajectory into frame-aligned byte ranges, each read and parsed by a
 * worker on its own, as the file's format says frames are found (its `framing`). Only a few
 * kilobytes around each cut are read here: with a marker, the cut moves forward to the next
 * marker and the frame there tells its number by its stamp (step or time); with frames of a
 * fixed number of lines (XYZ), a count of newlines (memchr-fast) finds both. A format without
 * framing is read by one thread.
 */
export interface Slice {
  start: number;
  end: number;
  firstFrame: number;
  /** Line number at `start`, when known (XYZ); otherwise errors resolve it on demand. */
  firstLine: number | null;
}

/** Slices of at least this size; smaller files are read in one thread. */
export const MIN_SLICE_BYTES = 4 << 20;

/**
 * About `count` slices of the file, or null when it cannot be sliced (gzip, or frames whose
 * stamps do not give their numbers) — then one thread reads it.
 */
export async function planSlices(plan: Plan, count: number, minSliceBytes = MIN_SLICE_BYTES): Promise<Slice[] | null> {
  const path = plan.spec.file;
  if (!formatByName(plan.format).framing || (await isGzip(path))) return null;
  // A part of the run whose byte range the caller knows is sliced within that range only.
  const within = plan.spec.frames.byteRange;
  const from = within?.start ?? 0;
  const size = within?.end ?? (await stat(path)).size;
  const n = Math.max(1, Math.min(count, Math.floor((size - from) / minSliceBytes)));
  if (n < 2) return null;
  const targets = Array.from({ length: n - 1 }, (_, k) => from + Math.floor(((k + 1) * (size - from)) / n));
  const first: FrameStart = { offset: from, frame: within?.firstFrame ?? 0, line: within ? null : 1 };
  const starts: FrameStart[] = [];
  const fh = await open(path, 'r');
  try {
    let last = first;
    for (const target of targets) {
      if (target <= last.offset) continue;
      const start = await frameStartAfter(fh, plan, last, target, size);
      if (start === undefined) return null; // a frame that cannot be numbered: no slices
      if (start === null) break;
      starts.push(start);
      last = start;
    }
  } finally {
    await fh.close();
  }
  const all = [first, ...starts];
  const slices: Slice[] = [];
  for (let k = 0; k < all.length; k++) {
    const end = k + 1 < all.length ? all[k + 1].offset : size;
    if (end > all[k].offset) slices.push({ start: all[k].offset, end, firstFrame: all[k].frame, firstLine: all[k].line });
  }
  return slices;
}

/** A frame start: its byte offset, its number in the file and its line (null when not known). */
export interface FrameStart {
  offset: number;
  frame: number;
  line: number | null;
}

/**
 * The first frame start at or after `target` and before `end`, numbered — found from `from`, an
 * earlier frame start (XYZ counts its lines from there; formats with frame markers look at the
 * target only). Null when no frame starts there; undefined when the frame there cannot be told
 * for sure (its stamp does not give its number, or XYZ's count line is not where N + 2 lines per
 * frame put it).
 */
export async function frameStartAfter(fh: FileHandle, plan: Plan, from: FrameStart, target: number, end: number): Promise<FrameStart | null | undefined> {
  const framing = formatByName(plan.format).framing;
  if (!framing) return undefined;
  if (framing.kind === 'lines') return lineCountStart(fh, plan, framing, from, target, end);
  const offset = await nextMarker(fh, plan, framing, target, end);
  if (offset < 0) return null;
  const frame = await frameNumberAt(fh, plan, framing, offset, end);
  return frame === null ? undefined : { offset, frame, line: null };
}

/** The first frame marker at or after `target` and before `end`, reading windows that grow until one is found (−1: none). */
async function nextMarker(fh: FileHandle, plan: Plan, framing: MarkerFraming, target: number, end: number): Promise<number> {
  const before = Math.min(target, 1 << 12); // context for the lines above a marker
  for (let window = 1 << 20; ; window *= 4) {
    const from = target - before;
    const len = Math.min(end - from, before + window);
    const buf = Buffer.alloc(len + 1);
    const { bytesRead } = await fh.read(buf, 0, len, from);
    const hit = framing.findStart(buf, before, bytesRead, plan.framing, from);
    if (hit >= 0) return from + hit;
    if (from + len >= end) return -1;
  }
}

/** The number of the frame at a byte offset, from the stamp in its first few kilobytes. */
async function frameNumberAt(fh: FileHandle, plan: Plan, framing: MarkerFraming, offset: number, end: number): Promise<number | null> {
  const buf = Buffer.alloc(Math.min(4096, end - offset) + 1);
  const { bytesRead } = await fh.read(buf, 0, buf.length - 1, offset);
  const stamp = framing.stampAt(buf, 0, bytesRead, plan.framing, offset);
  if (!stamp) return null;
  return stamp.index ?? indexFromStamp(plan, stamp);
}

/**
 * Frames of a fixed number of lines (XYZ: N + 2): frame starts are every so many lines from a
 * known one; the first at or after `target` (and before `end`). That assumes every frame has the
 * first frame's atom count: a cut that does not land on a start line (XYZ: the atom count) is
 * undefined (not a usable frame start).
 */
async function lineCountStart(fh: FileHandle, plan: Plan, framing: LineFraming, from: FrameStart, target: number, end: number): Promise<FrameStart | null | undefined> {
  const perFrame = framing.linesPerFrame(plan.natoms);
  const buf = Buffer.allocUnsafe(Math.min(16 << 20, Math.max(1, end - from.offset)));
  let pos = from.offset;
  let lines = 0;
  while (pos < end) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, end - pos), pos);
    if (bytesRead === 0) break;
    const hit = lineStartAtMultiple(buf, 0, bytesRead, lines, target - pos, perFrame);
    lines = hit.lines;
    if (hit.offset >= 0) {
      const offset = pos + hit.offset;
      if (offset >= end) return null;
      if (!framing.isStartLine(await lineAt(fh, offset, framing.startCheckLine ?? 0), plan.natoms)) return undefined;
      return { offset, frame: from.frame + lines / perFrame, line: from.line === null ? null : from.line + lines };
    }
    pos += bytesRead;
  }
  return null;
}

/** The line `k` lines after the one at `offset` (up to 256 bytes of each line). */
async function lineAt(fh: FileHandle, offset: number, k: number): Promise<string> {
  const buf = Buffer.alloc(256 * (k + 1));
  const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
  return (buf.toString('latin1', 0, bytesRead).split('\n')[k] ?? '').replace(/\r$/, '');
}

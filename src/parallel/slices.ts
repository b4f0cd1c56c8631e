import { open, stat, type FileHandle } from 'node:fs/promises';
import { hasFrameMarker, markerFrameStart } from '../io/framing.js';
import { isGzip } from '../io/source.js';
import { indexFromStamp, type Plan } from './plan.js';

/**
 * Cutting an uncompressed trajectory into frame-aligned byte ranges, each read and parsed by a
 * worker on its own. Only a few kilobytes around each cut are read here: the cut moves forward
 * to the next frame marker, and the frame there tells its number by its stamp (step or time).
 * XYZ has neither marker nor stamp; with a fixed atom count each frame is N + 2 lines, so a count
 * of newlines (memchr-fast) finds both.
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
  if (await isGzip(path)) return null;
  // A part of the run whose byte range the caller knows is sliced within that range only.
  const within = plan.spec.byteRange ?? null;
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
  if (!hasFrameMarker(plan.format)) return lineCountStart(fh, plan, from, target, end);
  const offset = await nextMarker(fh, plan, target, end);
  if (offset < 0) return null;
  const frame = await frameNumberAt(fh, plan, offset);
  return frame === null ? undefined : { offset, frame, line: null };
}

/** The first frame marker at or after `target` and before `end`, reading windows that grow until one is found (−1: none). */
async function nextMarker(fh: FileHandle, plan: Plan, target: number, end: number): Promise<number> {
  const before = Math.min(target, 1 << 12); // context for the lines above a marker
  for (let window = 1 << 20; ; window *= 4) {
    const from = target - before;
    const len = Math.min(end - from, before + window);
    const buf = Buffer.alloc(len + 1);
    const { bytesRead } = await fh.read(buf, 0, len, from);
    const hit = markerFrameStart(plan.framing, buf, before, bytesRead);
    if (hit >= 0) return from + hit;
    if (from + len >= end) return -1;
  }
}

/**
 * The number of the frame at a byte offset, from its stamp: the step of a LAMMPS frame
 * (`ITEM: TIMESTEP` / `ITEM: TIME` values) or an XDATCAR configuration number, read from the
 * frame's first lines only.
 */
async function frameNumberAt(fh: FileHandle, plan: Plan, offset: number): Promise<number | null> {
  const buf = Buffer.alloc(4096);
  const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
  const lines = buf.toString('latin1', 0, bytesRead).split('\n').map((l) => l.trim());
  if (plan.format === 'lammps-dump') {
    const after = (item: string) => {
      const k = lines.indexOf(item);
      return k >= 0 && k + 1 < lines.length ? Number(lines[k + 1]) : null;
    };
    const step = after('ITEM: TIMESTEP');
    const time = after('ITEM: TIME');
    return indexFromStamp(plan, { step: Number.isInteger(step) ? step : null, timePs: null }) ?? (time !== null && plan.spacing.by === 'time' ? indexFromStamp(plan, { step: null, timePs: time }) : null);
  }
  const config = lines.find((l) => /^(direct|cartesian)/i.test(l));
  const m = config ? /(-?\d+)\s*$/.exec(config) : null;
  return m ? indexFromStamp(plan, { step: Number(m[1]), timePs: null }) : null;
}

/**
 * XYZ: frame starts are every N + 2 lines from a known one; the first at or after `target` (and
 * before `end`). That assumes every frame has the first frame's atom count: a cut that does not
 * land on a count line is undefined (not a usable frame start).
 */
async function lineCountStart(fh: FileHandle, plan: Plan, from: FrameStart, target: number, end: number): Promise<FrameStart | null | undefined> {
  const perFrame = plan.natoms + 2;
  const buf = Buffer.allocUnsafe(Math.min(16 << 20, Math.max(1, end - from.offset)));
  let pos = from.offset;
  let lines = 0;
  while (pos < end) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, end - pos), pos);
    if (bytesRead === 0) break;
    let p = buf.indexOf(10, 0);
    while (p >= 0 && p < bytesRead) {
      lines++;
      const offset = pos + p + 1;
      if (lines % perFrame === 0 && offset >= target) {
        if (offset >= end) return null;
        if (!(await startsWithCount(fh, offset, plan.natoms))) return undefined;
        return { offset, frame: from.frame + lines / perFrame, line: from.line === null ? null : from.line + lines };
      }
      p = buf.indexOf(10, p + 1);
    }
    pos += bytesRead;
  }
  return null;
}

/** Whether the line at `offset` is an XYZ atom-count line for `natoms` atoms. */
async function startsWithCount(fh: FileHandle, offset: number, natoms: number): Promise<boolean> {
  const buf = Buffer.alloc(64);
  const { bytesRead } = await fh.read(buf, 0, 64, offset);
  return buf.toString('latin1', 0, bytesRead).split('\n')[0].trim() === String(natoms);
}

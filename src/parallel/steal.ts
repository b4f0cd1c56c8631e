import { open } from 'node:fs/promises';
import type { Plan } from '../pipeline/plan.js';
import { frameStartAfter, type FrameStart, type Slice } from './slices.js';

/**
 * Work stealing between the threads folding slices of one file. Each thread starts with an
 * equal share, but cores do not run at equal speed (a busy neighbour on the host, the one that
 * also handles the pool's messages), and a run ends only when its slowest slice does. So a
 * thread that runs out of work asks a busy one for the second half of what it has left: the
 * busy thread, between two frames, finds the first frame start past the middle of its rest,
 * stops its own reading there, and hands over the rest as a new slice. Threads then finish
 * within about one small piece of each other, whatever their speeds.
 *
 * The two sides share one small block of memory per running slice (a SharedArrayBuffer, which
 * a worker thread gets by reference): the busy thread publishes how far it has read, the idle
 * one raises a request, the busy one answers with the piece or refuses. Requests are checked
 * once per frame, so a worker stuck in its own loop still answers within a frame.
 */
export class SliceControl {
  private readonly flags: Int32Array;
  private readonly values: Float64Array;

  constructor(readonly buffer: SharedArrayBuffer) {
    this.flags = new Int32Array(buffer, 0, 2);
    this.values = new Float64Array(buffer, 8, 7);
  }

  /** A control block for a slice about to be folded; pieces of less than `minPieceBytes` are not handed over. */
  static create(slice: Slice, minPieceBytes: number): SliceControl {
    const c = new SliceControl(new SharedArrayBuffer(BYTES));
    c.values[V.position] = slice.start;
    c.values[V.end] = slice.end;
    c.values[V.minPiece] = minPieceBytes;
    return c;
  }

  /** Where the slice ends now (earlier than planned once pieces of it were handed over). */
  get end(): number {
    return this.values[V.end];
  }

  /** Bytes not yet read (as last published): what a thief would split. */
  get remaining(): number {
    return this.values[V.end] - this.values[V.position];
  }

  /** Whether the slice is still being folded and may be asked for a piece. */
  get open(): boolean {
    return Atomics.load(this.flags, F.state) === OPEN;
  }

  // ——— the thread folding the slice ———

  /** After each frame: publish where the next frame starts, and answer a request if there is one. */
  async afterFrame(plan: Plan, next: FrameStart, stop: (offset: number) => void): Promise<void> {
    this.values[V.position] = next.offset;
    if (Atomics.load(this.flags, F.request) !== REQUESTED) return;
    const piece = await cutPiece(plan, next, this.values[V.end], this.values[V.minPiece]);
    if (piece === null) {
      // Too little left to share (or no frame to cut at): no thief need ask again.
      Atomics.store(this.flags, F.state, CLOSED);
      Atomics.store(this.flags, F.request, REFUSED);
      return;
    }
    stop(piece.start);
    this.values[V.end] = piece.start;
    this.values[V.pieceStart] = piece.start;
    this.values[V.pieceEnd] = piece.end;
    this.values[V.pieceFrame] = piece.firstFrame;
    this.values[V.pieceLine] = piece.firstLine ?? -1;
    Atomics.store(this.flags, F.request, ANSWERED);
  }

  /** The slice is folded (or failed): refuse a request still waiting, and any later one. */
  close(): void {
    Atomics.store(this.flags, F.state, CLOSED);
    Atomics.compareExchange(this.flags, F.request, REQUESTED, REFUSED);
  }

  // ——— an idle thread ———

  /** Ask for the second half of the rest: the piece handed over, or null (refused, or the slice ended). */
  async request(): Promise<Slice | null> {
    if (!this.open || Atomics.compareExchange(this.flags, F.request, NONE, REQUESTED) !== NONE) return null;
    // The slice may have closed between the look and the request; withdraw it if so (unless
    // the folding thread has already answered it).
    if (!this.open && Atomics.compareExchange(this.flags, F.request, REQUESTED, NONE) === REQUESTED) return null;
    for (let wait = 0.2; Atomics.load(this.flags, F.request) === REQUESTED; wait = Math.min(2 * wait, 5)) {
      await new Promise((r) => setTimeout(r, wait));
    }
    if (Atomics.load(this.flags, F.request) !== ANSWERED) return null;
    const piece: Slice = {
      start: this.values[V.pieceStart],
      end: this.values[V.pieceEnd],
      firstFrame: this.values[V.pieceFrame],
      firstLine: this.values[V.pieceLine] < 0 ? null : this.values[V.pieceLine],
    };
    Atomics.store(this.flags, F.request, NONE);
    return piece;
  }
}

/**
 * A piece for an idle thread: asked of the running slice with the most left, then of the next
 * if it refuses; null when none gives one. Each slice is asked once per call — one that has
 * ended, refused, or is answering another idle thread already is passed over, never asked again
 * in a loop (which would keep this thread from ever seeing that answer).
 */
export async function steal(running: Iterable<SliceControl>): Promise<Slice | null> {
  const asked = new Set<SliceControl>();
  for (;;) {
    let busiest: SliceControl | null = null;
    for (const c of running) if (c.open && !asked.has(c) && (!busiest || c.remaining > busiest.remaining)) busiest = c;
    if (!busiest) return null;
    asked.add(busiest);
    const piece = await busiest.request();
    if (piece) return piece;
  }
}

/** Int32 slots: whether the slice is still being folded, and the state of a request. */
const F = { state: 0, request: 1 } as const;
const OPEN = 0, CLOSED = 1;
const NONE = 0, REQUESTED = 1, ANSWERED = 2, REFUSED = 3;
/** Float64 slots. */
const V = { position: 0, end: 1, minPiece: 2, pieceStart: 3, pieceEnd: 4, pieceFrame: 5, pieceLine: 6 } as const;
const BYTES = 8 + 7 * 8;

/**
 * The second half of the rest of a slice, from `next` (the next frame start) to `end`: from the
 * first frame start past the middle. Null when less than two pieces' worth is left.
 */
export async function cutPiece(plan: Plan, next: FrameStart, end: number, minPieceBytes: number): Promise<Slice | null> {
  if (end - next.offset < 2 * minPieceBytes) return null;
  const fh = await open(plan.spec.file, 'r');
  try {
    const cut = await frameStartAfter(fh, plan, next, next.offset + Math.floor((end - next.offset) / 2), end);
    return cut ? { start: cut.offset, end, firstFrame: cut.frame, firstLine: cut.line } : null;
  } finally {
    await fh.close();
  }
}

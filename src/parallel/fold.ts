import { RdfAccumulator, type RdfState } from '../analysis/rdf.js';
import { MsdSeries } from '../analysis/msd.js';
import { InputError } from '../model/errors.js';
import { cloneFrame, type Frame } from '../model/frame.js';
import { particlePositions } from '../select/particles.js';
import { Unwrapper, type UnwrapState } from '../select/unwrap.js';
import { checkSpacing, inRange, isUsed, type Plan } from './plan.js';

/**
 * Folds frames into the analyses' states: the MSD series of each selection, the g(r) state of
 * each pair, and (for --remove-drift) the system's centre of mass per frame. One Folder takes a
 * contiguous run of frames — the whole file, or one worker's slice; slices merge in `merge.ts`.
 */
export interface FoldState {
  /** Frames used (after --begin/--end/--stride). */
  framesUsed: number;
  /** File index of the first and last frame seen (used or not). */
  firstIndex: number;
  lastIndex: number;
  msd: MsdSeries[];
  rdf: RdfState[];
  /** System centre of mass per used frame (3 each), unwrapped — only with --remove-drift. */
  drift: Float64Array | null;
  /**
   * For joining slices: the first frame seen as read (with its own unwrapped positions), and
   * the unwrapper's state after the last frame seen.
   */
  start: { frame: Frame; u: Float64Array } | null;
  end: UnwrapState | null;
  unwrapModes: string[];
}

export class Folder {
  private readonly unwrapper: Unwrapper | null;
  private readonly msd: MsdSeries[];
  private readonly rdf: RdfAccumulator[];
  private readonly scratch: Float64Array[];
  private drift: Float64Array | null;
  private framesUsed = 0;
  private firstIndex = -1;
  private lastIndex = -1;
  private start: FoldState['start'] = null;

  constructor(readonly plan: Plan) {
    const needUnwrap = plan.msd.length > 0 || plan.driftWeights !== null;
    this.unwrapper = needUnwrap ? new Unwrapper(plan.natoms) : null;
    this.msd = plan.msd.map((m) => new MsdSeries(m.def.count));
    this.scratch = plan.msd.map((m) => new Float64Array(3 * m.def.count));
    this.rdf = plan.rdf.map((r) => new RdfAccumulator(r.atomsA, r.atomsB, plan.rmaxA, plan.bins));
    this.drift = plan.driftWeights ? new Float64Array(3 * 64) : null;
  }

  /** True once frames past --end (or past this part of the run) have been reached: the caller may stop reading. */
  done(index: number): boolean {
    const p = this.plan;
    return (p.lastFrame !== null && index > p.lastFrame) || (p.rangeEnd !== null && index >= p.rangeEnd);
  }

  add(frame: Frame): void {
    const plan = this.plan;
    const k = frame.index;
    if (k < plan.firstFrame || !inRange(plan, k) || this.done(k)) return;
    checkSpacing(plan, frame);
    if (frame.natoms !== plan.natoms) {
      throw new InputError(`${plan.spec.file}, frame ${k}: ${frame.natoms} atoms, but the first frame had ${plan.natoms}; MSD and g(r) need the same atoms in every frame`);
    }
    // Unwrapping sees every frame (a skipped frame still carries the jumps across the cell).
    const u = this.unwrapper ? this.unwrapper.update(frame) : null;
    if (this.firstIndex < 0) {
      this.firstIndex = k;
      if (u) this.start = { frame: cloneFrame(frame), u: u.slice() };
    }
    this.lastIndex = k;
    if (!isUsed(plan, k)) return;
    for (let s = 0; s < this.msd.length; s++) {
      particlePositions(plan.msd[s].def, u!, this.scratch[s]);
      this.msd[s].add(this.scratch[s]);
    }
    if (this.drift && u) {
      if (3 * (this.framesUsed + 1) > this.drift.length) {
        const bigger = new Float64Array(2 * this.drift.length);
        bigger.set(this.drift);
        this.drift = bigger;
      }
      const w = plan.driftWeights!;
      let x = 0, y = 0, z = 0;
      for (let i = 0; i < plan.natoms; i++) {
        x += w[i] * u[3 * i];
        y += w[i] * u[3 * i + 1];
        z += w[i] * u[3 * i + 2];
      }
      this.drift.set([x, y, z], 3 * this.framesUsed);
    }
    if (this.rdf.length > 0) {
      if (!frame.box) throw new InputError(`${plan.spec.file}, frame ${k}: no cell, but g(r) needs one`);
      for (const acc of this.rdf) {
        try {
          acc.add(frame.positions, frame.box);
        } catch (e) {
          if (e instanceof RangeError) throw new InputError(`${plan.spec.file}, frame ${k}: ${e.message}; the cell has shrunk — give a smaller --rmax`);
          throw e;
        }
      }
    }
    this.framesUsed++;
  }

  state(): FoldState {
    return {
      framesUsed: this.framesUsed,
      firstIndex: this.firstIndex,
      lastIndex: this.lastIndex,
      msd: this.msd,
      rdf: this.rdf.map((a) => a.state),
      drift: this.drift ? this.drift.slice(0, 3 * this.framesUsed) : null,
      start: this.start,
      end: this.unwrapper && this.firstIndex >= 0 ? this.unwrapper.exportState() : null,
      unwrapModes: this.unwrapper ? [...this.unwrapper.modes] : [],
    };
  }
}

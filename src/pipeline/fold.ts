import { InputError } from '../model/errors.js';
import { cloneFrame, type Frame } from '../model/frame.js';
import { noChecks, unwrapperFor, type UnwrapChecks, type Unwrapping, type UnwrapState } from '../select/unwrap.js';
import { FrameProblem, type Analysis, type AnalysisRegistry, type FoldFrame } from './contract.js';
import { checkSpacing, inRange, isUsed, type Plan } from './plan.js';

/**
 * The state of a run of consecutive frames — the whole file, or one worker's slice: each
 * analysis's state, and what joining it to the run before it needs (the first frame as read and
 * the unwrapping where the run ended). Slices merge in merge.ts.
 */
export interface FoldState {
  /** Frames used (after --begin/--end/--stride). */
  framesUsed: number;
  /** File index of the first and last frame seen (used or not); −1 when none. */
  firstIndex: number;
  lastIndex: number;
  /** The state of each analysis of the plan, by key. */
  analyses: Record<string, unknown>;
  /**
   * For joining slices: the first frame seen as read (with its own unwrapped positions), and
   * the unwrapper's state after the last frame seen (null when nothing is unwrapped).
   */
  start: { frame: Frame; u: Float64Array } | null;
  end: UnwrapState | null;
  unwrapModes: string[];
  /** What unwrapping saw that could make an MSD wrong (checked when the run finishes). */
  unwrapChecks: UnwrapChecks;
}

/** Folds frames, in file order, into the analyses' states. */
export class Folder {
  private readonly unwrapper: Unwrapping | null;
  private readonly parts: { analysis: Analysis; prepared: unknown; state: unknown }[];
  private framesUsed = 0;
  private firstIndex = -1;
  private lastIndex = -1;
  private start: FoldState['start'] = null;
  private readonly view: FoldFrame = { frame: null as unknown as Frame, unwrapped: null };

  constructor(
    readonly plan: Plan,
    registry: AnalysisRegistry,
  ) {
    this.unwrapper = plan.needsUnwrapped ? unwrapperFor(plan.natoms, plan.spec.read.unwrap, plan.unwrapAtoms) : null;
    this.parts = plan.analyses.map(({ key, prepared }) => {
      const analysis = registry.get(key);
      if (!analysis) throw new Error(`internal: the plan has an analysis ${key} that is not registered`);
      return { analysis, prepared, state: analysis.create(prepared) };
    });
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
      throw new InputError(`${plan.spec.file}, frame ${k}: ${frame.natoms} atoms, but the first frame had ${plan.natoms}; the analyses need the same atoms in every frame`);
    }
    if (this.unwrapper && plan.spec.read.unwrap === 'images' && !frame.images) {
      throw new InputError(`${plan.spec.file}, frame ${k}: no image flags, but --unwrap images needs them`);
    }
    // Unwrapping sees every frame (a skipped frame still carries the jumps across the cell).
    const u = this.unwrapper ? this.unwrapper.update(frame) : null;
    if (this.firstIndex < 0) {
      this.firstIndex = k;
      if (u) this.start = { frame: cloneFrame(frame), u: u.slice() };
    }
    this.lastIndex = k;
    if (!isUsed(plan, k)) return;
    const view = this.view;
    view.frame = frame;
    view.unwrapped = u;
    for (const p of this.parts) {
      try {
        p.analysis.add(p.prepared, p.state, view);
      } catch (e) {
        if (e instanceof FrameProblem) throw new InputError(`${plan.spec.file}, frame ${k}: ${e.message}`);
        throw e;
      }
    }
    this.framesUsed++;
  }

  state(): FoldState {
    return {
      framesUsed: this.framesUsed,
      firstIndex: this.firstIndex,
      lastIndex: this.lastIndex,
      analyses: Object.fromEntries(this.parts.map((p) => [p.analysis.key, p.state])),
      start: this.start,
      end: this.unwrapper && this.firstIndex >= 0 ? this.unwrapper.exportState() : null,
      unwrapModes: this.unwrapper ? [...this.unwrapper.modes] : [],
      unwrapChecks: this.unwrapper ? structuredClone(this.unwrapper.checks) : noChecks(),
    };
  }
}

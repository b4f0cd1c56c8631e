import { InputError } from './errors.js';

/** How the time between stored frames is known. */
export interface TimingOptions {
  /** `--dt`: time between stored frames, ps. */
  dtPs?: number | null;
  /** `--timestep`: the MD integration step, ps, multiplied by the step numbers the file stores. */
  timestepPs?: number | null;
}

export interface FrameStamp {
  step: number | null;
  timePs: number | null;
}

export interface Timing {
  /** Time between consecutive stored frames, ps; null when nothing says. */
  dtPs: number | null;
  /** Where dtPs came from, for the report. */
  source: 'dt option' | 'timestep option × steps' | 'file times' | null;
}

/**
 * The time between stored frames from the options and the first two frames: `--dt` wins, then
 * `--timestep` × the step difference, then the times the file stores.
 */
export function frameInterval(opts: TimingOptions, a: FrameStamp | null, b: FrameStamp | null, file: string): Timing {
  if (opts.dtPs != null && opts.timestepPs != null) throw new InputError('give either --dt (time between frames) or --timestep (MD step), not both');
  if (opts.dtPs != null) return { dtPs: opts.dtPs, source: 'dt option' };
  if (opts.timestepPs != null) {
    if (!a || a.step === null) throw new InputError(`${file}: --timestep needs step numbers, and this file stores none; give --dt (the time between frames) instead`);
    if (!b || b.step === null) return { dtPs: null, source: null };
    const ds = b.step - a.step;
    if (!(ds > 0)) throw new InputError(`${file}: steps do not increase between the first two frames (${a.step}, ${b.step}); give --dt instead`);
    return { dtPs: ds * opts.timestepPs, source: 'timestep option × steps' };
  }
  if (a && b && a.timePs !== null && b.timePs !== null && b.timePs > a.timePs) return { dtPs: b.timePs - a.timePs, source: 'file times' };
  return { dtPs: null, source: null };
}

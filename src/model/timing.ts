import { InputError } from './errors.js';

/** How the time between stored frames is known. */
export interface TimingOptions {
  /** `--dt`: time between stored frames, ps. */
  dtPs?: number | null;
  /** `--timestep`: the MD integration step, ps, multiplied by the step numbers the file stores. */
  timestepPs?: number | null;
  /** `--allow-unusual-time`: accept times outside the ranges MD uses. */
  unusualTime?: boolean;
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
 * Times between stored frames that MD produces: from 0.01 fs (a fine AIMD step stored every
 * step) to 100 ps (a long classical run stored sparsely). Outside, a unit was most likely
 * mistaken ("--dt 500" meant fs; "--timestep 1ms"), and every D would be off by that factor.
 */
export const PLAUSIBLE_DT_PS: [number, number] = [1e-5, 100];
/** MD integration steps: 0.01 fs (AIMD of light atoms) to 100 fs (coarse-grained models). */
export const PLAUSIBLE_TIMESTEP_PS: [number, number] = [1e-5, 0.1];
/** Options and the file's own times may differ by this fraction (rounding in the file). */
export const TIME_AGREEMENT = 0.01;

/**
 * The time between stored frames from the options and the first two frames: `--dt` wins, then
 * `--timestep` × the step difference, then the times the file stores. An option that disagrees
 * with the file's own times by more than 1%, or a time no MD run has, is refused: a wrong time
 * makes a wrong D without any other sign.
 */
export function frameInterval(opts: TimingOptions, a: FrameStamp | null, b: FrameStamp | null, file: string): Timing {
  if (opts.dtPs != null && opts.timestepPs != null) throw new InputError('give either --dt (time between frames) or --timestep (MD step), not both');
  const fileDt = a && b && a.timePs !== null && b.timePs !== null && b.timePs > a.timePs ? b.timePs - a.timePs : null;
  const unusual = (what: string, value: number, range: [number, number]) => {
    if (opts.unusualTime || (value >= range[0] && value <= range[1])) return;
    throw new InputError(
      `${what} ${formatPs(value)} is outside what MD runs use (${formatPs(range[0])} – ${formatPs(range[1])}); check its unit (a bare number is ps: "--dt 500fs", "--timestep 1fs"), or give --allow-unusual-time if it is right`,
    );
  };
  const agree = (what: string, value: number) => {
    if (fileDt === null || Math.abs(value - fileDt) <= TIME_AGREEMENT * fileDt) return;
    throw new InputError(
      `${file}: ${what} gives ${formatPs(value)} between frames, but the file's own times say ${formatPs(fileDt)} (frames at ${formatPs(a!.timePs!)} and ${formatPs(b!.timePs!)}); leave the option out to use the file's times, or correct it`,
    );
  };
  if (opts.dtPs != null) {
    unusual('--dt', opts.dtPs, PLAUSIBLE_DT_PS);
    agree(`--dt ${formatPs(opts.dtPs)}`, opts.dtPs);
    return { dtPs: opts.dtPs, source: 'dt option' };
  }
  if (opts.timestepPs != null) {
    unusual('--timestep', opts.timestepPs, PLAUSIBLE_TIMESTEP_PS);
    if (!a || a.step === null) throw new InputError(`${file}: --timestep needs step numbers, and this file stores none; give --dt (the time between frames) instead`);
    if (!b || b.step === null) return { dtPs: null, source: null };
    const ds = b.step - a.step;
    if (!(ds > 0)) throw new InputError(`${file}: steps do not increase between the first two frames (${a.step}, ${b.step}); give --dt instead`);
    const dt = ds * opts.timestepPs;
    unusual(`--timestep ${formatPs(opts.timestepPs)} × ${ds} steps =`, dt, PLAUSIBLE_DT_PS);
    agree(`--timestep ${formatPs(opts.timestepPs)} × ${ds} steps`, dt);
    return { dtPs: dt, source: 'timestep option × steps' };
  }
  if (fileDt !== null) return { dtPs: fileDt, source: 'file times' };
  return { dtPs: null, source: null };
}

/** A time with a unit people read at a glance: "0.5 ps", "2 fs", "1.5 ns". */
export function formatPs(ps: number): string {
  const abs = Math.abs(ps);
  const [v, unit] = abs !== 0 && abs < 0.1 ? [ps * 1e3, 'fs'] : abs >= 1e4 ? [ps * 1e-3, 'ns'] : [ps, 'ps'];
  return `${Number(v.toPrecision(6))} ${unit}`;
}

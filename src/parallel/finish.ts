import { autoWindow, diffusion, transferenceNumber, windowFromTimes, type Diffusion, type FitWindow } from '../analysis/diffusion.js';
import { msdCurve, msdSums, type MsdCurve, type MsdSeries, type MsdSums } from '../analysis/msd.js';
import { finishRdf, type RdfResult } from '../analysis/rdf-shell.js';
import { InputError } from '../model/errors.js';
import type { IonKind } from '../select/ions.js';
import type { FoldState } from './fold.js';
import type { Plan } from './plan.js';
import { trace } from './trace.js';

/** The numbers of one analysis, before they are written as JSON, CSV and plots. */
export interface MsdResult {
  selection: string;
  kind: 'atoms' | 'molecules';
  count: number;
  elements: string;
  /** Cation or anion of the salt, for t⁺ (null: neither, or not known). */
  ion: IonKind | null;
  curve: MsdCurve;
  diffusion: Diffusion;
}

export interface Transference {
  cation: string;
  anion: string;
  tPlus: number;
  stderr: number | null;
}

export interface AnalysisResult {
  plan: Plan;
  framesUsed: number;
  /** Time between used frames, ps (stride × dt). */
  dtUsedPs: number | null;
  unwrapModes: string[];
  msd: MsdResult[];
  rdf: (RdfResult & { a: string; b: string })[];
  transference: Transference | null;
  warnings: string[];
}

/** The MSD sums of a series over particles [from, to): the FFT part, which splits across threads by particle. */
export function msdWork(series: MsdSeries, from: number, to: number): MsdSums {
  return msdSums(series.data, series.particles, from, to, 0, series.frames);
}

/** The FFT part of one series' MSD (in this thread, or split across workers by particle). */
export type MsdCompute = (series: MsdSeries) => Promise<MsdSums>;

/** Subtract the system's centre-of-mass displacement from every particle (--remove-drift). */
export function removeDrift(series: MsdSeries, drift: Float64Array): void {
  const w = 3 * series.particles;
  for (let t = 0; t < series.frames; t++) {
    const dx = drift[3 * t] - drift[0], dy = drift[3 * t + 1] - drift[1], dz = drift[3 * t + 2] - drift[2];
    for (let j = 0; j < w; j += 3) {
      series.data[t * w + j] -= dx;
      series.data[t * w + j + 1] -= dy;
      series.data[t * w + j + 2] -= dz;
    }
  }
}

/** The fit window: --fit T0:T1, or found from the data. */
export function fitWindowFor(plan: Plan, curve: MsdCurve): { window: FitWindow; notes: string[] } {
  try {
    if (plan.spec.fit === 'auto') return autoWindow(curve);
    return { window: windowFromTimes(curve, plan.spec.fit[0], plan.spec.fit[1]), notes: [] };
  } catch (e) {
    if (e instanceof RangeError) throw new InputError(`${plan.spec.file}: ${e.message}`);
    throw e;
  }
}

/**
 * Turn merged fold states into results. `computeMsd` does the FFT part for one series (in this
 * thread, or split across workers by particle).
 */
export async function finish(
  plan: Plan,
  state: FoldState,
  computeMsd: MsdCompute,
): Promise<AnalysisResult> {
  const warnings = [...plan.notes];
  const dtUsed = plan.dtPs !== null ? plan.dtPs * plan.stride : null;
  if (state.framesUsed === 0) throw new InputError(`${plan.spec.file}: no frames left after --begin/--end/--stride`);
  const msd: MsdResult[] = [];
  for (let s = 0; s < plan.msd.length; s++) {
    const series = state.msd[s];
    if (series.frames < 5) throw new InputError(`${plan.spec.file}: ${series.frames} frames are too few for an MSD (need at least 5)`);
    if (state.drift) removeDrift(series, state.drift);
    const sums = await computeMsd(series);
    trace(`MSD ${plan.msd[s].selection}: FFT sums of ${series.particles} particles × ${series.frames} frames`);
    const curve = msdCurve(sums, dtUsed!);
    const { window, notes } = fitWindowFor(plan, curve);
    const d = diffusion(curve, window, dtUsed!, notes);
    trace(`MSD ${plan.msd[s].selection}: fitted`);
    msd.push({ selection: plan.msd[s].selection, kind: plan.msd[s].def.kind, count: plan.msd[s].def.count, elements: plan.msd[s].elements, ion: plan.msd[s].ion ?? null, curve, diffusion: d });
  }
  const rdf = plan.rdf.map((r, k) => ({ ...finishRdf(state.rdf[k]), a: r.a, b: r.b }));
  trace('g(r) finished');
  return {
    plan,
    framesUsed: state.framesUsed,
    dtUsedPs: dtUsed,
    unwrapModes: state.unwrapModes,
    msd,
    rdf,
    transference: transference(msd),
    warnings,
  };
}

/** t⁺ when exactly one selection is a free cation and one a known anion (see ionKind). */
function transference(msd: MsdResult[]): Transference | null {
  const cations = msd.filter((m) => m.ion === 'cation');
  const anions = msd.filter((m) => m.ion === 'anion');
  if (cations.length !== 1 || anions.length !== 1) return null;
  const c = cations[0].diffusion, a = anions[0].diffusion;
  const t = transferenceNumber(c.dA2PerPs, c.stderrA2PerPs, a.dA2PerPs, a.stderrA2PerPs);
  return { cation: cations[0].selection, anion: anions[0].selection, tPlus: t.t, stderr: t.stderr };
}

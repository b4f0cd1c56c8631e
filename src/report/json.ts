import { dUnits } from '../analysis/diffusion.js';
import type { AnalysisResult } from '../parallel/finish.js';

/** The `--json` document of `mdpost analyze` (contract in DESIGN.md): lengths in Å, times in ps. */
export function analysisJson(r: AnalysisResult, version: string): Record<string, unknown> {
  const plan = r.plan;
  return {
    mdpost: version,
    input: {
      file: plan.spec.file,
      format: plan.format,
      atoms: plan.natoms,
      frames: r.framesUsed,
      dt_ps: r.dtUsedPs,
      dt_file_ps: plan.dtPs,
      dt_source: plan.dtSource,
      first_frame: plan.firstFrame,
      last_frame: plan.lastFrame,
      stride: plan.stride,
      unwrapping: r.unwrapModes,
      remove_drift: plan.spec.removeDrift,
      molecules: plan.molecules,
    },
    msd: r.msd.map((m) => {
      const d = m.diffusion;
      const err = dUnits(d.stderrA2PerPs);
      return {
        selection: m.selection,
        kind: m.kind,
        count: m.count,
        lag_ps: Array.from(m.curve.lagPs),
        msd_A2: Array.from(m.curve.msdA2),
        msd_x_A2: Array.from(m.curve.msdXA2),
        msd_y_A2: Array.from(m.curve.msdYA2),
        msd_z_A2: Array.from(m.curve.msdZA2),
        fit: { from_ps: d.window.fromPs, to_ps: d.window.toPs, auto: d.window.auto },
        loglog_slope: d.logLogSlope,
        D: {
          ...dUnits(d.dA2PerPs),
          stderr_A2_per_ps: err.A2_per_ps,
          stderr_A2_per_ns: err.A2_per_ns,
          stderr_cm2_per_s: err.cm2_per_s,
          method: d.method,
        },
        notes: d.notes,
      };
    }),
    rdf: r.rdf.map((g) => ({
      a: g.a,
      b: g.b,
      n_a: g.nA,
      n_b: g.nB,
      frames: g.frames,
      rmax_A: g.rmaxA,
      bins: g.bins,
      mean_volume_A3: g.meanVolumeA3,
      r_A: Array.from(g.rA),
      g: Array.from(g.g),
      cn: Array.from(g.cn),
      first_peak: g.firstPeak ? { r_A: g.firstPeak.rA, g: g.firstPeak.g } : null,
      first_min: g.firstMin ? { r_A: g.firstMin.rA, g: g.firstMin.g } : null,
      cn_first_shell: g.cnFirstShell,
      cn_distribution: g.cnDistribution ? { cutoff_A: g.cnDistribution.cutoffA, mean: g.cnDistribution.mean, fractions: g.cnDistribution.fractions } : null,
      notes: g.notes,
    })),
    transference: r.transference
      ? { cation: r.transference.cation, anion: r.transference.anion, t_plus: r.transference.tPlus, stderr: r.transference.stderr, method: 'Nernst–Einstein: t⁺ = D⁺ / (D⁺ + D⁻)' }
      : null,
    warnings: r.warnings,
  };
}

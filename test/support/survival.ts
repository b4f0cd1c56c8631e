import { bridgeGaps, type ResidenceState } from '../../src/analysis/residence.js';

/**
 * MDAnalysis' SurvivalProbability(…, residues=True, intermittency=k) of one kind of partner, per
 * cation, averaged over the cations: per cation, the mean over origins t with N(t) > 0 (and
 * t + τ < T) of N(t, t+τ)/N(t), where N counts partners present at every frame t … t+τ after
 * absences of ≤ k frames are bridged — computed from a residence state's bridged stays.
 */
export function survival(st: ResidenceState, kind: number, tolerance: number, tauMax: number): number[] {
  const runs = bridgeGaps(st, tolerance);
  const perNa: number[][] = [];
  for (let c = 0; c < st.cations; c++) {
    const stays: [number, number][] = [];
    for (let i = 0; i < st.pairCation.length; i++) {
      if (st.pairCation[i] !== c || st.pairKind[i] !== kind) continue;
      for (let p = runs.pairRuns[i]; p < runs.pairRuns[i + 1]; p++) stays.push([runs.runStart[p], runs.runEnd[p]]);
    }
    const n0 = new Float64Array(st.frames);
    for (const [s, e] of stays) for (let t = s; t < e; t++) n0[t]++;
    const sp = [1];
    for (let tau = 1; tau <= tauMax; tau++) {
      const n = new Float64Array(st.frames);
      for (const [s, e] of stays) for (let t = s; t + tau < e; t++) n[t]++;
      let sum = 0, origins = 0;
      for (let t = 0; t + tau < st.frames; t++) {
        if (n0[t] === 0) continue;
        sum += n[t] / n0[t];
        origins++;
      }
      sp.push(origins > 0 ? sum / origins : NaN);
    }
    perNa.push(sp);
  }
  return Array.from({ length: tauMax + 1 }, (_, tau) => {
    const v = perNa.map((sp) => sp[tau]).filter((x) => !Number.isNaN(x));
    return v.reduce((a, x) => a + x, 0) / v.length;
  });
}

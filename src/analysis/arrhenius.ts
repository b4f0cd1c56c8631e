/**
 * Arrhenius fit of diffusion coefficients at several temperatures,
 * D(T) = D0·exp(−Ea / (k_B T)): a weighted straight line of ln D against 1/T, weights from the
 * standard errors of D (σ_lnD = σ_D / D). The activation energy's error comes from the weights,
 * scaled up by √(χ²/dof) when the points scatter more than their errors say (the Birge ratio).
 */
export const BOLTZMANN_EV_PER_K = 8.617333262e-5;

export interface ArrheniusPoint {
  temperatureK: number;
  d: number;
  stderr: number | null;
}

export interface ArrheniusFit {
  eaEv: number;
  stderrEv: number | null;
  /** Prefactor D0, in the unit of the points' D. */
  d0: number;
  points: ArrheniusPoint[];
  temperatures: number;
}

export function arrheniusFit(points: ArrheniusPoint[]): ArrheniusFit | null {
  const usable = points.filter((p) => p.d > 0 && p.temperatureK > 0);
  const temperatures = new Set(usable.map((p) => p.temperatureK)).size;
  if (temperatures < 2) return null;
  const x = usable.map((p) => 1 / p.temperatureK);
  const y = usable.map((p) => Math.log(p.d));
  const weighted = usable.every((p) => p.stderr !== null && p.stderr > 0);
  const w = usable.map((p) => (weighted ? (p.d / p.stderr!) ** 2 : 1));
  const sw = w.reduce((a, b) => a + b, 0);
  const mx = w.reduce((a, wi, i) => a + wi * x[i], 0) / sw;
  const my = w.reduce((a, wi, i) => a + wi * y[i], 0) / sw;
  const sxx = w.reduce((a, wi, i) => a + wi * (x[i] - mx) ** 2, 0);
  const sxy = w.reduce((a, wi, i) => a + wi * (x[i] - mx) * (y[i] - my), 0);
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const dof = usable.length - 2;
  const chi2 = w.reduce((a, wi, i) => a + wi * (y[i] - intercept - slope * x[i]) ** 2, 0);
  let varSlope: number | null;
  if (weighted) varSlope = (1 / sxx) * (dof > 0 ? Math.max(1, chi2 / dof) : 1);
  else varSlope = dof > 0 ? chi2 / dof / sxx : null;
  return {
    eaEv: -slope * BOLTZMANN_EV_PER_K,
    stderrEv: varSlope === null ? null : Math.sqrt(varSlope) * BOLTZMANN_EV_PER_K,
    d0: Math.exp(intercept),
    points: usable,
    temperatures,
  };
}

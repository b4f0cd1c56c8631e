import { arrheniusFit, BOLTZMANN_EV_PER_K, type ArrheniusFit, type ArrheniusPoint } from './arrhenius.js';

/**
 * Vogel–Fulcher–Tammann fit of a transport coefficient y (D, σ, 1/η …) against temperature,
 *
 *   y = A · exp(−B / (T − T₀)),
 *
 * the form polymer and ionic-liquid electrolytes follow near their glass transition, where an
 * Arrhenius line bends. As in arrhenius.ts, the fit is weighted least squares on ln y with
 * σ_ln y = σ_y / y (so the two fits are measured on the same scale and can be compared).
 *
 * For a fixed T₀ the model is linear in (ln A, B), so χ² is minimised in closed form and only
 * T₀ is searched — the profile of χ² over T₀ ∈ [T₀,min, T₀,max], with T₀,max below the lowest
 * temperature (1 K below it unless given) and T₀,min = 0 K unless given: a grid, a golden-
 * section search around its best point, then Gauss–Newton on all three parameters to polish.
 * The covariance is (JᵀWJ)⁻¹ at the minimum, scaled by χ²/dof when the points scatter more
 * than their errors say (the Birge ratio, as the Arrhenius fit does). When the best T₀ sits on
 * a bound, the bound is active and the errors are not to be trusted; `t0AtBound` says so.
 *
 * ## VTF or Arrhenius?
 *
 * The corrected Akaike information criterion, AICc = χ² + 2k + 2k(k+1)/(n − k − 1) (k = 3 for
 * VTF, 2 for Arrhenius; with unknown errors n·ln(RSS/n) takes the place of χ², and the variance
 * counts as a parameter). Not an F-test: Arrhenius is VTF at T₀ = 0, on the boundary of the
 * allowed T₀, where the F distribution of the nested test does not hold; and AICc is meant for
 * the few temperatures a study has. The model with the lower AICc is preferred; the Akaike
 * weight exp(−AICc/2) / Σ exp(−AICc/2) says by how much.
 */
/** A fitted value with its standard error (null when the data cannot give one). */
export interface FitValue {
  value: number;
  stderr: number | null;
}

export interface VtfFit {
  /** Prefactor A, in the unit of the points' y. */
  a: FitValue;
  /** B, K. */
  bK: FitValue;
  t0K: FitValue;
  /** k_B·B, eV: the pseudo-activation energy often quoted with VTF fits. */
  pseudoEaEv: FitValue;
  /** Covariance of (ln A, B, T₀), row-major 3 × 3. */
  covariance: number[];
  chi2: number;
  dof: number;
  weighted: boolean;
  t0AtBound: 'lower' | 'upper' | null;
  /** The T₀ range searched, K. */
  t0RangeK: [number, number];
  points: ArrheniusPoint[];
  notes: string[];
}

export interface VtfOptions {
  t0MinK?: number;
  t0MaxK?: number;
}

interface Data {
  t: number[];
  lny: number[];
  w: number[];
}

/** Weighted line ln y = c − B·x with x = 1/(T − T₀): c, B and χ². */
function atT0(d: Data, t0: number): { c: number; b: number; chi2: number } {
  let sw = 0, sx = 0, sy = 0;
  const x = d.t.map((t) => 1 / (t - t0));
  for (let i = 0; i < x.length; i++) {
    sw += d.w[i];
    sx += d.w[i] * x[i];
    sy += d.w[i] * d.lny[i];
  }
  const mx = sx / sw, my = sy / sw;
  let sxx = 0, sxy = 0;
  for (let i = 0; i < x.length; i++) {
    sxx += d.w[i] * (x[i] - mx) ** 2;
    sxy += d.w[i] * (x[i] - mx) * (d.lny[i] - my);
  }
  const slope = sxy / sxx;
  const c = my - slope * mx;
  let chi2 = 0;
  for (let i = 0; i < x.length; i++) chi2 += d.w[i] * (d.lny[i] - c - slope * x[i]) ** 2;
  return { c, b: -slope, chi2 };
}

/** JᵀWJ and JᵀW·residual of the model ln A − B/(T − T₀) in (ln A, B, T₀). */
function normalEquations(d: Data, p: [number, number, number]): { h: number[]; g: number[]; chi2: number } {
  const h = new Array(9).fill(0), g = [0, 0, 0];
  let chi2 = 0;
  for (let i = 0; i < d.t.length; i++) {
    const x = 1 / (d.t[i] - p[2]);
    const r = d.lny[i] - (p[0] - p[1] * x);
    const j = [1, -x, -p[1] * x * x];
    for (let a = 0; a < 3; a++) {
      g[a] += d.w[i] * j[a] * r;
      for (let b = 0; b < 3; b++) h[3 * a + b] += d.w[i] * j[a] * j[b];
    }
    chi2 += d.w[i] * r * r;
  }
  return { h, g, chi2 };
}

/** Inverse of a symmetric 3 × 3 matrix (row-major), or null when singular. */
function inverse3(m: number[]): number[] | null {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h, B = -(d * i - f * g), C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (!(Math.abs(det) > 0) || !Number.isFinite(det)) return null;
  const inv = [A, -(b * i - c * h), b * f - c * e, B, a * i - c * g, -(a * f - c * d), C, -(a * h - b * g), a * e - b * d];
  return inv.map((v) => v / det);
}

const GRID = 200;

export function vtfFit(points: readonly ArrheniusPoint[], options: VtfOptions = {}): VtfFit | null {
  const usable = points.filter((p) => p.d > 0 && p.temperatureK > 0);
  if (new Set(usable.map((p) => p.temperatureK)).size < 3) return null;
  const weighted = usable.every((p) => p.stderr !== null && p.stderr > 0);
  const data: Data = {
    t: usable.map((p) => p.temperatureK),
    lny: usable.map((p) => Math.log(p.d)),
    w: usable.map((p) => (weighted ? (p.d / p.stderr!) ** 2 : 1)),
  };
  const tMin = Math.min(...data.t);
  const lo = options.t0MinK ?? 0;
  const hi = options.t0MaxK ?? tMin - 1;
  if (!(hi > lo) || !(hi < tMin)) throw new RangeError(`the VTF T₀ range ${lo}–${hi} K must be non-empty and below the lowest temperature (${tMin} K)`);

  // Profile χ²(T₀): grid, then golden section between the best point's neighbours.
  const chi2 = (t0: number) => atT0(data, t0).chi2;
  let best = 0, bestChi2 = Infinity;
  for (let k = 0; k <= GRID; k++) {
    const c = chi2(lo + ((hi - lo) * k) / GRID);
    if (c < bestChi2) [best, bestChi2] = [k, c];
  }
  let a = lo + ((hi - lo) * Math.max(0, best - 1)) / GRID, b = lo + ((hi - lo) * Math.min(GRID, best + 1)) / GRID;
  const phi = (Math.sqrt(5) - 1) / 2;
  let x1 = b - phi * (b - a), x2 = a + phi * (b - a);
  let f1 = chi2(x1), f2 = chi2(x2);
  while (b - a > 1e-9 * (hi - lo)) {
    if (f1 <= f2) {
      b = x2;
      x2 = x1;
      f2 = f1;
      x1 = b - phi * (b - a);
      f1 = chi2(x1);
    } else {
      a = x1;
      x1 = x2;
      f1 = f2;
      x2 = a + phi * (b - a);
      f2 = chi2(x2);
    }
  }
  let t0 = f1 <= f2 ? x1 : x2;
  if (chi2(lo) <= Math.min(f1, f2)) t0 = lo;
  if (chi2(hi) < Math.min(f1, f2, chi2(lo))) t0 = hi;
  const lin = atT0(data, t0);
  let p: [number, number, number] = [lin.c, lin.b, t0];

  // Gauss–Newton on all three, while it improves and stays within the bounds.
  let ne = normalEquations(data, p);
  for (let it = 0; it < 20; it++) {
    const inv = inverse3(ne.h);
    if (!inv) break;
    const step = [0, 1, 2].map((r) => inv[3 * r] * ne.g[0] + inv[3 * r + 1] * ne.g[1] + inv[3 * r + 2] * ne.g[2]);
    const q: [number, number, number] = [p[0] + step[0], p[1] + step[1], p[2] + step[2]];
    if (!(q[2] >= lo && q[2] <= hi)) break;
    const next = normalEquations(data, q);
    if (!(next.chi2 <= ne.chi2)) break;
    const done = Math.abs(step[2]) <= 1e-12 * Math.max(1, Math.abs(q[2]));
    [p, ne] = [q, next];
    if (done) break;
  }

  const n = usable.length;
  const dof = n - 3;
  const span = hi - lo;
  const t0AtBound = p[2] - lo <= 1e-6 * span ? 'lower' : hi - p[2] <= 1e-6 * span ? 'upper' : null;
  let scale: number | null;
  if (weighted) scale = dof > 0 ? Math.max(1, ne.chi2 / dof) : 1;
  else scale = dof > 0 ? ne.chi2 / dof : null;
  const inv = inverse3(ne.h);
  const covariance = inv && scale !== null ? inv.map((v) => v * scale!) : new Array(9).fill(NaN);
  const sd = (k: number) => (inv && scale !== null && covariance[4 * k] >= 0 ? Math.sqrt(covariance[4 * k]) : null);
  const aValue = Math.exp(p[0]);
  const sA = sd(0), sB = sd(1);
  const notes: string[] = [];
  if (!(p[1] > 0)) {
    notes.push(
      `the best B is ${Number(p[1].toPrecision(3))} K, not positive: the points bend the other way from a VTF law (ln y against 1/T is convex, not concave), so this is no VTF fit to quote`,
    );
  }
  if (t0AtBound) {
    notes.push(
      `the best T₀ lies on the ${t0AtBound} end of the range searched (${Number(p[2].toPrecision(6))} K): the data do not pin T₀ down, and its error and those of A and B are not to be trusted`,
    );
  }
  return {
    a: { value: aValue, stderr: sA === null ? null : aValue * sA },
    bK: { value: p[1], stderr: sB },
    t0K: { value: p[2], stderr: sd(2) },
    pseudoEaEv: { value: p[1] * BOLTZMANN_EV_PER_K, stderr: sB === null ? null : sB * BOLTZMANN_EV_PER_K },
    covariance,
    chi2: ne.chi2,
    dof,
    weighted,
    t0AtBound,
    t0RangeK: [lo, hi],
    points: usable,
    notes,
  };
}

export interface ModelComparison {
  criterion: 'AICc';
  points: number;
  aiccVtf: number | null;
  aiccArrhenius: number | null;
  /** Akaike weight of VTF against Arrhenius (0…1). */
  weightVtf: number | null;
  preferred: 'VTF' | 'Arrhenius' | null;
  notes: string[];
}

/** AICc of a least-squares fit with k parameters to n points. */
function aicc(fit: number, n: number, k: number, weighted: boolean): number | null {
  const kk = weighted ? k : k + 1; // unknown errors: their variance is fitted too
  if (n - kk - 1 <= 0) return null;
  const misfit = weighted ? fit : n * Math.log(fit / n);
  return misfit + 2 * kk + (2 * kk * (kk + 1)) / (n - kk - 1);
}

/** χ² (or the residual sum of squares when unweighted) of an Arrhenius fit on ln y. */
function arrheniusChi2(fit: ArrheniusFit): number {
  const weighted = fit.points.every((p) => p.stderr !== null && p.stderr > 0);
  return fit.points.reduce((acc, p) => {
    const r = Math.log(p.d) - (Math.log(fit.d0) - fit.eaEv / (BOLTZMANN_EV_PER_K * p.temperatureK));
    return acc + (weighted ? (p.d / p.stderr!) ** 2 : 1) * r * r;
  }, 0);
}

/** Which of VTF and Arrhenius the points prefer, by AICc (both fitted here on the same points). */
export function compareVtfArrhenius(points: readonly ArrheniusPoint[], options: VtfOptions = {}): { vtf: VtfFit | null; arrhenius: ArrheniusFit | null; comparison: ModelComparison } {
  const vtf = vtfFit(points, options);
  const arrhenius = arrheniusFit([...points]);
  const n = arrhenius?.points.length ?? 0;
  const weighted = n > 0 && arrhenius!.points.every((p) => p.stderr !== null && p.stderr > 0);
  const aV = vtf ? aicc(vtf.chi2, n, 3, weighted) : null;
  const aA = arrhenius ? aicc(arrheniusChi2(arrhenius), n, 2, weighted) : null;
  const notes: string[] = [];
  let weightVtf: number | null = null, preferred: ModelComparison['preferred'] = null;
  if (aV !== null && aA !== null) {
    weightVtf = 1 / (1 + Math.exp((aV - aA) / 2));
    preferred = aV < aA && vtf!.bK.value > 0 ? 'VTF' : 'Arrhenius';
    if (aV < aA && preferred === 'Arrhenius') notes.push('AICc is lower for VTF, but its B is not positive (no VTF law): Arrhenius is kept');
  } else {
    notes.push(`comparing VTF with Arrhenius by AICc needs at least ${weighted ? 5 : 6} temperatures${weighted ? '' : ' without errors'} (have ${n})`);
  }
  return { vtf, arrhenius, comparison: { criterion: 'AICc', points: n, aiccVtf: aV, aiccArrhenius: aA, weightVtf, preferred, notes } };
}

import type { TopLevelSpec } from 'vega-lite';
import type { FitWindow } from '../analysis/diffusion.js';
import type { ShellPoint } from '../analysis/rdf-shell.js';

/** What a plot needs of an MSD result (an AnalysisResult's, or one read back from its JSON). */
export interface MsdPlotInput {
  selection: string;
  curve: { frames: number; lagPs: ArrayLike<number>; msdA2: ArrayLike<number> };
  diffusion: { dA2PerPs: number; window: Pick<FitWindow, 'from' | 'to' | 'fromPs' | 'toPs'> };
}

/** What a plot needs of a g(r) result. */
export interface RdfPlotInput {
  a: string;
  b: string;
  nA: number;
  nB: number;
  frames: number;
  rA: ArrayLike<number>;
  g: ArrayLike<number>;
  cn: ArrayLike<number>;
  firstPeak: ShellPoint | null;
  firstMin: ShellPoint | null;
  cnFirstShell: number | null;
}

/** The plot inputs from an `mdpost analyze --json` document. */
export function resultsFromJson(json: Record<string, unknown>): { msd: MsdPlotInput[]; rdf: RdfPlotInput[] } {
  type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const msd = ((json.msd as J[]) ?? []).map((m): MsdPlotInput => {
    const lag: number[] = m.lag_ps;
    const dt = lag.length > 1 ? lag[1] - lag[0] : 1;
    return {
      selection: m.selection,
      curve: { frames: lag.length, lagPs: lag, msdA2: m.msd_A2 },
      diffusion: {
        dA2PerPs: m.D.A2_per_ps,
        window: { fromPs: m.fit.from_ps, toPs: m.fit.to_ps, from: Math.round(m.fit.from_ps / dt), to: Math.round(m.fit.to_ps / dt) },
      },
    };
  });
  const rdf = ((json.rdf as J[]) ?? []).map(
    (g): RdfPlotInput => ({
      a: g.a,
      b: g.b,
      nA: g.n_a,
      nB: g.n_b,
      frames: g.frames,
      rA: g.r_A,
      g: g.g,
      cn: g.cn,
      firstPeak: g.first_peak ? { rA: g.first_peak.r_A, g: g.first_peak.g } : null,
      firstMin: g.first_min ? { rA: g.first_min.r_A, g: g.first_min.g } : null,
      cnFirstShell: g.cn_first_shell,
    }),
  );
  return { msd, rdf };
}

/**
 * Plot specifications (Vega-Lite) for the report and the viewer page, and their rendering to
 * SVG in Node. The specs carry their data, so a page can embed them as they are.
 */

/** At most ~n points, evenly spaced in log(lag): long MSDs would otherwise make huge SVGs. */
function logThin(count: number, n = 300): number[] {
  const idx = new Set<number>();
  for (let k = 0; k < n; k++) idx.add(Math.min(count - 1, Math.max(1, Math.round(Math.pow(count - 1, k / (n - 1))))));
  return [...idx].sort((a, b) => a - b);
}

export function msdPlotSpec(msd: MsdPlotInput[]): TopLevelSpec {
  const curve: Record<string, unknown>[] = [];
  const fits: Record<string, unknown>[] = [];
  const windows: Record<string, unknown>[] = [];
  for (const m of msd) {
    const c = m.curve;
    for (const i of logThin(c.frames)) if (c.msdA2[i] > 0) curve.push({ selection: m.selection, lag_ps: c.lagPs[i], msd_A2: c.msdA2[i] });
    const d = m.diffusion;
    const w = d.window;
    // The fitted straight line, drawn over the window (sampled in log t so it shows on log axes).
    const slope = 6 * d.dA2PerPs;
    const mid = (c.msdA2[w.from] + c.msdA2[w.to]) / 2 - slope * ((w.fromPs + w.toPs) / 2);
    for (let k = 0; k <= 20; k++) {
      const t = w.fromPs * Math.pow(w.toPs / w.fromPs, k / 20);
      const y = slope * t + mid;
      if (y > 0) fits.push({ selection: m.selection, lag_ps: t, msd_A2: y });
    }
    windows.push({ selection: m.selection, from_ps: w.fromPs, to_ps: w.toPs });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Mean squared displacement', subtitle: 'shaded: fit window; dashed: fitted line (D = slope / 6)' },
    width: 480,
    height: 320,
    layer: [
      {
        data: { values: windows },
        mark: { type: 'rect', opacity: 0.08 },
        encoding: { x: { field: 'from_ps', type: 'quantitative' }, x2: { field: 'to_ps' }, color: { field: 'selection', type: 'nominal', legend: null } },
      },
      {
        data: { values: curve },
        mark: { type: 'line', strokeWidth: 2 },
        encoding: {
          x: { field: 'lag_ps', type: 'quantitative', scale: { type: 'log' }, title: 'lag time t (ps)' },
          y: { field: 'msd_A2', type: 'quantitative', scale: { type: 'log' }, title: 'MSD (Å²)' },
          color: { field: 'selection', type: 'nominal', title: 'selection' },
        },
      },
      {
        data: { values: fits },
        mark: { type: 'line', strokeDash: [6, 4], strokeWidth: 1.5, color: 'black' },
        encoding: { x: { field: 'lag_ps', type: 'quantitative' }, y: { field: 'msd_A2', type: 'quantitative' }, detail: { field: 'selection' } },
      },
    ],
  } as TopLevelSpec;
}

export function rdfPlotSpec(g: RdfPlotInput): TopLevelSpec {
  const values = Array.from(g.rA, (r, i) => ({ r_A: r, g: g.g[i], cn: g.cn[i] }));
  const marks: Record<string, unknown>[] = [];
  if (g.firstPeak) marks.push({ r_A: g.firstPeak.rA, label: `peak ${g.firstPeak.rA.toFixed(2)} Å` });
  if (g.firstMin) marks.push({ r_A: g.firstMin.rA, label: `min ${g.firstMin.rA.toFixed(2)} Å, CN ${g.cnFirstShell?.toFixed(2)}` });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `g(r) and n(r): ${g.a}–${g.b}`, subtitle: `${g.nA} ${g.a}, ${g.nB} ${g.b}, ${g.frames} frames` },
    width: 480,
    height: 320,
    data: { values },
    layer: [
      {
        mark: { type: 'line', color: '#1f77b4', strokeWidth: 2 },
        encoding: {
          x: { field: 'r_A', type: 'quantitative', title: 'r (Å)' },
          y: { field: 'g', type: 'quantitative', title: 'g(r)', axis: { titleColor: '#1f77b4' } },
        },
      },
      {
        mark: { type: 'line', color: '#d62728', strokeDash: [5, 3] },
        encoding: {
          x: { field: 'r_A', type: 'quantitative' },
          y: { field: 'cn', type: 'quantitative', title: 'n(r), running coordination number', axis: { titleColor: '#d62728', orient: 'right' } },
        },
      },
      {
        data: { values: marks },
        mark: { type: 'rule', color: 'gray', strokeDash: [2, 2] },
        encoding: { x: { field: 'r_A', type: 'quantitative' }, tooltip: { field: 'label' } },
      },
    ],
    resolve: { scale: { y: 'independent' } },
  } as TopLevelSpec;
}

/**
 * Render a Vega-Lite spec to SVG text (no browser, no canvas). Vega and Vega-Lite are loaded
 * here, on first use: they take half a second to load, which every command would pay otherwise.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

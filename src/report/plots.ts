import type { TopLevelSpec } from 'vega-lite';

/**
 * Plots are Vega-Lite specifications (each analysis makes its own, carrying its data, so the
 * viewer page can embed them as they are), rendered here to SVG in Node for the report folder.
 */

/** At most ~n indices 1…count−1, evenly spaced in log(index): long MSDs would otherwise make huge SVGs. */
export function logThin(count: number, n = 300): number[] {
  const idx = new Set<number>();
  for (let k = 0; k < n; k++) idx.add(Math.min(count - 1, Math.max(1, Math.round(Math.pow(count - 1, k / (n - 1))))));
  return [...idx].sort((a, b) => a - b);
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

/**
 * Colours of selections, the same in every plot of a report and of a batch summary: the n-th
 * selection (in the order the document or summary lists them) always gets the n-th colour.
 */
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

export function selectionColors(names: readonly string[]): { domain: string[]; range: string[] } {
  const domain = [...new Set(names)];
  return { domain, range: domain.map((_, k) => PALETTE[k % PALETTE.length]) };
}

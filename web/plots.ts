import embed, { type Result, type VisualizationSpec } from 'vega-embed';
import type { ViewAnalysis, ViewInfo } from './api.js';
import { SHELL_CSS } from './colors.js';
import { formatPs } from './format.js';

/**
 * The analysis plots (Vega-Lite specs from the server) and what ties them to the frame shown:
 * on the MSD plot a rule at the time since the first frame, on the highlight–shell g(r) plot a
 * rule at the shell cutoff in the 3D view's shell colour. `coordinationSlot` is where the
 * per-frame coordination numbers go: beside the g(r) plot of the shell when there is one.
 */
export interface Plots {
  coordinationSlot: HTMLElement;
  /** Move the MSD plot's time rule (null: no time for this frame). */
  showTime(sinceFirstPs: number | null): Promise<void>;
}

export async function embedPlots(root: HTMLElement, analysis: ViewAnalysis | null, info: ViewInfo): Promise<Plots> {
  root.replaceChildren();
  const slot = document.createElement('section');
  slot.className = 'coordination';
  if (!analysis || analysis.plots.length === 0) {
    root.append(note('no analysis'), slot);
    return { coordinationSlot: slot, showTime: async () => {} };
  }
  let msd: { view: Result['view']; lags: LagRange; caption: HTMLElement } | null = null;
  let slotPlaced = false;
  const shellPlot = `g(r) ${info.highlight.selection}–${info.shell.selection}`;
  for (const plot of analysis.plots) {
    const figure = document.createElement('figure');
    figure.className = 'plot';
    const chart = document.createElement('div');
    figure.append(chart);
    root.append(figure);
    if (plot.title === 'MSD') {
      const lags = lagRange(analysis);
      const result = await embed(chart, fit(withLayer(plot.spec, timeRule(lags))), embedOptions);
      const caption = document.createElement('figcaption');
      figure.append(caption);
      msd = { view: result.view, lags, caption };
    } else {
      const spec = plot.title === shellPlot ? withLayer(plot.spec, cutoffRule(info.shell.cutoffA)) : plot.spec;
      await embed(chart, fit(spec), embedOptions);
      if (plot.title === shellPlot) {
        const caption = document.createElement('figcaption');
        caption.textContent = `amber line: the shell cutoff of the 3D view, ${info.shell.cutoffA.toFixed(2)} Å`;
        figure.append(caption);
        figure.after(slot);
        slotPlaced = true;
      }
    }
  }
  if (!slotPlaced) root.prepend(slot);
  return {
    coordinationSlot: slot,
    async showTime(t) {
      if (!msd) return;
      const { min, max } = msd.lags;
      // The lag axis is logarithmic and spans the lags analysed: a time outside it is not marked.
      // The rule is hidden rather than removed, since an empty data set upsets Vega's scales.
      const shown = t !== null && t >= min && t <= max;
      await msd.view.data('now', [{ t_ps: shown ? t : min, shown: shown ? 1 : 0 }]).runAsync();
      msd.caption.textContent =
        t === null
          ? 'no time for this frame'
          : shown
            ? `vertical line: ${formatPs(t)} since the first frame`
            : `${formatPs(t)} since the first frame: ${t < min ? 'before' : 'after'} the lags plotted`;
    },
  };
}

const embedOptions = {
  renderer: 'svg' as const,
  // No links to the online editor: the page may well be looked at offline.
  actions: { export: true, source: false, compiled: false, editor: false },
};

/** The server's layered spec with one more layer on top. */
function withLayer(spec: Record<string, unknown>, layer: Record<string, unknown>): Record<string, unknown> {
  return { ...spec, layer: [...((spec.layer as unknown[] | undefined) ?? []), layer] };
}

/** The server's sizes leave no room for two plots beside the viewer. */
function fit(spec: Record<string, unknown>): VisualizationSpec {
  return { ...spec, width: 440, height: 230 } as VisualizationSpec;
}

/** A rule fed from the named data set "now", which showTime replaces; hidden until then. */
function timeRule(lags: LagRange): Record<string, unknown> {
  return {
    data: { name: 'now', values: [{ t_ps: lags.min, shown: 0 }] },
    mark: { type: 'rule', color: '#444', strokeWidth: 1.5 },
    encoding: {
      x: { field: 't_ps', type: 'quantitative' },
      opacity: { field: 'shown', type: 'quantitative', scale: null, legend: null },
      tooltip: { field: 't_ps', title: 'time since the first frame (ps)' },
    },
  };
}

function cutoffRule(cutoffA: number): Record<string, unknown> {
  return {
    data: { values: [{ r_A: cutoffA, label: `shell cutoff ${cutoffA.toFixed(2)} Å (the 3D view's shell)` }] },
    mark: { type: 'rule', color: SHELL_CSS, strokeWidth: 2 },
    encoding: { x: { field: 'r_A', type: 'quantitative' }, tooltip: { field: 'label' } },
  };
}

interface LagRange {
  min: number;
  max: number;
}

/** The positive lags of the MSD curves (the first lag is 0, which a log axis cannot show). */
function lagRange(analysis: ViewAnalysis): LagRange {
  const lags = ((analysis.analysis.msd as { lag_ps: number[] }[] | undefined) ?? []).flatMap((m) => m.lag_ps.filter((t) => t > 0));
  return { min: Math.min(...lags), max: Math.max(...lags) };
}

function note(text: string): HTMLElement {
  const p = document.createElement('p');
  p.className = 'no-analysis';
  p.textContent = text;
  return p;
}

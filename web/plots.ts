import embed, { type Result, type VisualizationSpec } from 'vega-embed';
import type { SolvationSetup, SolvationTimeline, ViewAnalysis, ViewInfo } from './api.js';
import { CLASS_CSS, SHELL_CSS } from './colors.js';

/**
 * The plots beside the 3D view, and what ties them to it.
 *
 * The run: the ion-pair classes of the highlighted cations (or, without classes, their partners
 * per kind) at every frame shown, against the run's time, with a rule at the frame shown — the
 * one plot whose horizontal axis is the time of the run.
 *
 * The analysis (Vega-Lite specs from the server, as the report draws them). The MSD plot has no
 * frame marker: MSD(τ) is an average over every time origin of the run at lag τ, so no frame sits
 * anywhere on its lag axis (a rule at "lag = t_k" would invite reading the MSD "at" a frame).
 * The g(r) plots of the highlighted ions carry a rule at each partner kind's shell cutoff, in the
 * 3D view's shell colour.
 *
 * `solvationSlot` is where the per-frame shells go: after the run's plot.
 */
export interface Plots {
  solvationSlot: HTMLElement;
  /** Draw the run's plot for these choices. */
  setTimeline(setup: SolvationSetup, timeline: SolvationTimeline): Promise<void>;
  /** Move the run plot's rule to the frame shown. */
  showFrame(frame: number, timePs: number | null): Promise<void>;
  /** Mark the kinds' cutoffs on the g(r) plots of these ions. */
  setCutoffs(setup: SolvationSetup): Promise<void>;
}

export async function embedPlots(root: HTMLElement, analysis: ViewAnalysis | null, info: ViewInfo): Promise<Plots> {
  root.replaceChildren();
  const runFigure = figure('run');
  const runChart = document.createElement('div');
  const runCaption = document.createElement('figcaption');
  runFigure.append(runChart, runCaption);
  const slot = document.createElement('section');
  slot.className = 'coordination';
  root.append(runFigure, slot);

  const gofr: { view: Result['view']; a: string }[] = [];
  if (!analysis || analysis.plots.length === 0) {
    root.append(note('no analysis'));
  } else {
    for (const plot of analysis.plots) {
      const f = figure('plot');
      const chart = document.createElement('div');
      f.append(chart);
      root.append(f);
      const pair = /^g\(r\) (.+)–(.+)$/.exec(plot.title);
      const spec = pair ? withLayer(plot.spec, cutoffRules()) : plot.spec;
      const result = await embed(chart, fit(spec), embedOptions);
      const caption = document.createElement('figcaption');
      if (plot.title === 'MSD') caption.textContent = 'MSD(τ) averages over every time origin of the run: the frame shown is marked on the run’s plot above, not here';
      if (pair) {
        gofr.push({ view: result.view, a: pair[1] });
        caption.dataset.role = 'cutoffs';
      }
      f.append(caption);
    }
  }

  let run: { view: Result['view']; byFrame: boolean } | null = null;
  const xOf = (frame: number, timePs: number | null, byFrame: boolean) => (byFrame ? frame : timePs);
  return {
    solvationSlot: slot,
    async setTimeline(setup, timeline) {
      const byFrame = timeline.timePs.some((t) => t === null);
      const rows: { x: number; value: number; series: string }[] = [];
      const series: [string, number[]][] = timeline.classes ? Object.entries(timeline.classes) : Object.entries(timeline.partners);
      for (const [name, values] of series) values.forEach((v, k) => rows.push({ x: byFrame ? k : timeline.timePs[k]!, value: v, series: name }));
      const classes = timeline.classes !== null;
      const spec = runSpec(rows, {
        x: byFrame ? 'frame' : 'time (ps)',
        y: classes ? `${setup.ions.selection} cations in each class` : `partners per ${setup.ions.selection}`,
        colours: classes ? { domain: Object.keys(CLASS_CSS), range: Object.values(CLASS_CSS) } : null,
        start: rows[0]?.x ?? 0,
      });
      run?.view.finalize();
      run = { view: (await embed(runChart, spec, embedOptions)).view, byFrame };
      runCaption.textContent = classes
        ? `ion-pair classes of the ${setup.ions.atoms.length} highlighted ${setup.ions.selection} at every frame shown (relative to ${setup.anions.join(', ')}); vertical line: the frame shown`
        : `partner molecules per highlighted atom, by kind, at every frame shown; vertical line: the frame shown`;
    },
    async showFrame(frame, timePs) {
      if (!run) return;
      const x = xOf(frame, timePs, run.byFrame);
      if (x === null) return;
      await run.view.data('now', [{ x }]).runAsync();
    },
    async setCutoffs(setup) {
      const ions = new Set([setup.ions.selection, info.highlight.selection]);
      for (const g of gofr) {
        const rules = ions.has(g.a) ? setup.kinds.map((k) => ({ r_A: k.cutoffA, shown: 1, label: `${k.name} shell cutoff ${k.cutoffA.toFixed(2)} Å` })) : [];
        // Hidden rather than removed: an empty data set upsets Vega's scales.
        await g.view.data('cutoffs', rules.length ? rules : [{ r_A: 0, shown: 0, label: '' }]).runAsync();
      }
      const text = `amber lines: the shell cutoffs of the 3D view (${setup.kinds.map((k) => `${k.name} ${k.cutoffA.toFixed(2)} Å`).join(', ')})`;
      root.querySelectorAll<HTMLElement>('figcaption[data-role="cutoffs"]').forEach((c) => (c.textContent = text));
    },
  };
}

const embedOptions = {
  renderer: 'svg' as const,
  // No links to the online editor: the page may well be looked at offline.
  actions: { export: true, source: false, compiled: false, editor: false },
};

function figure(className: string): HTMLElement {
  const f = document.createElement('figure');
  f.className = className;
  return f;
}

/** The server's layered spec with one more layer on top. */
function withLayer(spec: Record<string, unknown>, layer: Record<string, unknown>): Record<string, unknown> {
  return { ...spec, layer: [...((spec.layer as unknown[] | undefined) ?? []), layer] };
}

/** The server's sizes leave no room for two plots beside the viewer. */
function fit(spec: Record<string, unknown>): VisualizationSpec {
  return { ...spec, width: 440, height: 230 } as VisualizationSpec;
}

/** Rules fed from the named data set "cutoffs", which setCutoffs replaces; hidden until then. */
function cutoffRules(): Record<string, unknown> {
  return {
    data: { name: 'cutoffs', values: [{ r_A: 0, shown: 0, label: '' }] },
    mark: { type: 'rule', color: SHELL_CSS, strokeWidth: 2 },
    encoding: {
      x: { field: 'r_A', type: 'quantitative' },
      opacity: { field: 'shown', type: 'quantitative', scale: null, legend: null },
      tooltip: { field: 'label' },
    },
  };
}

/** The run's plot: a line per class (or kind) against the run's time, and the rule "now". */
function runSpec(rows: { x: number; value: number; series: string }[], o: { x: string; y: string; colours: { domain: string[]; range: string[] } | null; start: number }): VisualizationSpec {
  return {
    width: 440,
    height: 150,
    layer: [
      {
        data: { values: rows },
        mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.2 },
        encoding: {
          x: { field: 'x', type: 'quantitative', title: o.x },
          y: { field: 'value', type: 'quantitative', title: o.y },
          color: { field: 'series', type: 'nominal', title: null, ...(o.colours ? { scale: o.colours } : {}) },
        },
      },
      {
        data: { name: 'now', values: [{ x: o.start }] },
        mark: { type: 'rule', color: '#444', strokeWidth: 1.5 },
        encoding: { x: { field: 'x', type: 'quantitative' }, tooltip: { field: 'x', title: `the frame shown, ${o.x}` } },
      },
    ],
  } as VisualizationSpec;
}

function note(text: string): HTMLElement {
  const p = document.createElement('p');
  p.className = 'no-analysis';
  p.textContent = text;
  return p;
}

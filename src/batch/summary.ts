import type { TopLevelSpec } from 'vega-lite';
import { finiteSizeAnalysis } from '../analyses/finite-size.js';
import { ANALYSES } from '../analyses/index.js';
import { BOLTZMANN_EV_PER_K } from '../analysis/arrhenius.js';
import { fitViscosity } from '../analysis/finite-size.js';
import { compareVtfArrhenius, type ModelComparison, type VtfFit } from '../analysis/vtf.js';
import type { SummaryCell } from '../pipeline/contract.js';
import { msdAnalysis } from '../analyses/msd.js';
import { section, sectionsOf, type AnalysisDocument } from '../report/document.js';
import { logThin, selectionColors } from '../report/plots.js';
import { escapeHtml, formatNumber, withError } from '../report/format.js';

/**
 * The table of a batch: one row per trajectory — label, temperature, and the values each
 * analysis puts in a summary (D of each MSD selection ± its standard error in the chosen unit,
 * t⁺, σ, the first peak, first minimum and coordination number of each g(r) pair, …) — and,
 * where runs were made at several temperatures, an Arrhenius fit of each value that asks for one
 * (D, σ: Ea in eV ± its error), a Vogel–Fulcher–Tammann fit beside it with the model the data
 * prefer (AICc, src/analysis/vtf.ts); where runs at one temperature differ in the size of their
 * cubic cells, the Yeh–Hummer line D against 1/L with D∞ and the viscosity it implies
 * (src/analysis/finite-size.ts).
 */
export type DUnit = 'A2/ps' | 'A2/ns' | 'cm2/s';
export const D_UNITS: Record<DUnit, { factor: number; label: string }> = {
  'A2/ps': { factor: 1, label: 'Å²/ps' },
  'A2/ns': { factor: 1e3, label: 'Å²/ns' },
  'cm2/s': { factor: 1e-4, label: 'cm²/s' },
};

export interface RowInput {
  index: number;
  /** The run's folder in the batch's output (its report). */
  id?: string;
  label: string;
  temperatureK: number | null;
  file: string;
  status: 'ok' | 'failed' | 'missing';
  error?: string;
  /** The results document of the trajectory (when ok). */
  analysis?: AnalysisDocument;
}

/** One row: its cells by group and label, in the batch's unit of D. */
export interface SummaryRow {
  id?: string;
  label: string;
  temperature_K: number | null;
  file: string;
  status: RowInput['status'];
  error?: string;
  cells: SummaryCell[];
}

/** An Arrhenius fit of one value's temperature dependence (for D: ea_eV, D0, points of D). */
export interface ArrheniusRow {
  group: string;
  selection: string;
  ea_eV: number;
  ea_stderr_eV: number | null;
  /** Prefactor, in the unit of the values. */
  prefactor: number;
  temperatures: number;
  points: { temperature_K: number; value: number; stderr: number | null }[];
  /** The VTF fit of the same points (null: fewer than 3 temperatures), in the unit of the values. */
  vtf: VtfFit | null;
  /** Which of VTF and Arrhenius the points prefer. */
  comparison: ModelComparison;
  /** Unit of the values ('' when they have none). */
  unit: string;
}

/** D against 1/L at one temperature, over runs in cubic cells of several sizes (Yeh–Hummer). */
export interface SizeFitRow {
  selection: string;
  temperature_K: number;
  /** Intercept at 1/L = 0, in the batch's unit of D. */
  d_infinite: number;
  d_infinite_stderr: number | null;
  viscosity_mPa_s: number | null;
  viscosity_stderr_mPa_s: number | null;
  points: { box_length_A: number; D: number; stderr: number | null }[];
  notes: string[];
}

export interface Summary {
  unit: DUnit;
  rows: SummaryRow[];
  arrhenius: ArrheniusRow[];
  sizes: SizeFitRow[];
  failed: number;
}

export function summarize(inputs: RowInput[], unit: DUnit): Summary {
  const f = D_UNITS[unit].factor;
  const rows = [...inputs]
    .sort((a, b) => a.index - b.index)
    .map((r): SummaryRow => {
      const row: SummaryRow = { id: r.id, label: r.label, temperature_K: r.temperatureK, file: r.file, status: r.status, cells: [] };
      if (r.error) row.error = r.error;
      if (!r.analysis) return row;
      for (const { analysis, section } of sectionsOf(r.analysis, ANALYSES)) {
        for (const c of analysis.document.summary?.(section) ?? []) {
          row.cells.push(c.diffusion ? { ...c, value: c.value === null ? null : c.value * f, stderr: c.stderr == null ? (c.stderr ?? undefined) : c.stderr * f, unit: D_UNITS[unit].label } : c);
        }
      }
      return row;
    });
  const arrhenius: ArrheniusRow[] = [];
  for (const { group, label } of columns(rows).filter((c) => c.fit)) {
    const points = rows
      .filter((r) => r.status === 'ok' && r.temperature_K !== null)
      .flatMap((r) => {
        const c = cellOf(r, group, label);
        return c && c.value !== null ? [{ temperatureK: r.temperature_K!, d: c.value, stderr: c.stderr ?? null }] : [];
      });
    const { arrhenius: fit, vtf, comparison } = compareVtfArrhenius(points);
    if (fit) {
      arrhenius.push({
        group,
        selection: label,
        ea_eV: fit.eaEv,
        ea_stderr_eV: fit.stderrEv,
        prefactor: fit.d0,
        temperatures: fit.temperatures,
        points: fit.points.map((p) => ({ temperature_K: p.temperatureK, value: p.d, stderr: p.stderr })),
        vtf,
        comparison,
        unit: columns(rows).find((c) => c.group === group)?.unit ?? '',
      });
    }
  }
  return { unit, rows, arrhenius, sizes: sizeFits(inputs, rows, f), failed: rows.filter((r) => r.status !== 'ok').length };
}

/**
 * The Yeh–Hummer line of each D column at each temperature where runs in cubic cells of at
 * least two sizes have it: D = D∞ + slope/L, η from the slope. `f` is the batch's unit of D per Å²/ps.
 */
function sizeFits(inputs: RowInput[], rows: SummaryRow[], f: number): SizeFitRow[] {
  // The rows are the inputs in job order; each one's cubic edge, Å (from its finite_size section).
  const sorted = [...inputs].sort((a, b) => a.index - b.index);
  const lengthOf = new Map<SummaryRow, number>();
  rows.forEach((row, k) => {
    const doc = sorted[k].analysis;
    const edge = row.status === 'ok' && doc ? section(doc, finiteSizeAnalysis)?.box_length_A : null;
    if (edge != null) lengthOf.set(row, edge);
  });
  const out: SizeFitRow[] = [];
  const temperatures = [...new Set(rows.filter((r) => r.status === 'ok' && r.temperature_K !== null).map((r) => r.temperature_K!))].sort((a, b) => a - b);
  for (const c of columns(rows).filter((c) => c.group === 'D')) {
    for (const t of temperatures) {
      const points = rows.flatMap((r) => {
        const cell = r.status === 'ok' && r.temperature_K === t ? cellOf(r, 'D', c.label) : undefined;
        const length = lengthOf.get(r);
        return cell && cell.value !== null && length !== undefined ? [{ boxLengthA: length, dA2PerPs: cell.value / f, stderrA2PerPs: cell.stderr == null ? null : cell.stderr / f }] : [];
      });
      const fit = fitViscosity(points, t);
      if (!fit) continue;
      out.push({
        selection: c.label,
        temperature_K: t,
        d_infinite: fit.dInfinite.value * f,
        d_infinite_stderr: fit.dInfinite.stderr === null ? null : fit.dInfinite.stderr * f,
        viscosity_mPa_s: fit.viscosityMPaS?.value ?? null,
        viscosity_stderr_mPa_s: fit.viscosityMPaS?.stderr ?? null,
        points: points.map((p) => ({ box_length_A: p.boxLengthA, D: p.dA2PerPs * f, stderr: p.stderrA2PerPs === null ? null : p.stderrA2PerPs * f })),
        notes: fit.notes,
      });
    }
  }
  return out;
}

function cellOf(r: SummaryRow, group: string, label: string): SummaryCell | undefined {
  return r.cells.find((c) => c.group === group && c.label === label);
}

/** The columns, in order of first appearance. */
function columns(rows: SummaryRow[]): SummaryCell[] {
  const seen = new Map<string, SummaryCell>();
  for (const r of rows) for (const c of r.cells) if (!seen.has(`${c.group}\u0000${c.label}`)) seen.set(`${c.group}\u0000${c.label}`, c);
  return [...seen.values()];
}

/** A column's heading: "D(Na) Å²/ns", "t⁺", or the analysis's own. */
function heading(c: SummaryCell): string {
  if (c.heading) return c.heading;
  return `${c.group}${c.label ? `(${c.label})` : ''}${c.unit ? ` ${c.unit}` : ''}`;
}

/**
 * summary.json: each row's cells as `row[group][label] = {value, stderr, …}` (a cell without a
 * label is `row[group]` itself), and each fit with its prefactor and points named after its group
 * (D0 and D for diffusion coefficients).
 */
export function summaryJson(s: Summary, version: string): Record<string, unknown> {
  const rows = s.rows.map((r) => {
    const out: Record<string, unknown> = { label: r.label, temperature_K: r.temperature_K, file: r.file, status: r.status };
    if (r.error) out.error = r.error;
    for (const c of r.cells) {
      const value = c.json ?? { value: c.value, stderr: c.stderr ?? null };
      if (c.label === '') out[c.group] = value;
      else out[c.group] = { ...((out[c.group] as Record<string, unknown>) ?? {}), [c.label]: value };
    }
    return out;
  });
  const fits = (group: string) =>
    s.arrhenius
      .filter((a) => a.group === group)
      .map((a) => ({
        selection: a.selection,
        ea_eV: a.ea_eV,
        ea_stderr_eV: a.ea_stderr_eV,
        [`${group}0`]: a.prefactor,
        temperatures: a.temperatures,
        points: a.points.map((p) => ({ temperature_K: p.temperature_K, [group]: p.value, stderr: p.stderr })),
      }));
  const groups = [...new Set(s.arrhenius.map((a) => a.group))];
  const vtf = s.arrhenius.map((a) => ({
    group: a.group,
    selection: a.selection,
    vtf: a.vtf
      ? {
          A: a.vtf.a.value,
          A_stderr: a.vtf.a.stderr,
          B_K: a.vtf.bK.value,
          B_stderr_K: a.vtf.bK.stderr,
          T0_K: a.vtf.t0K.value,
          T0_stderr_K: a.vtf.t0K.stderr,
          pseudo_Ea_eV: a.vtf.pseudoEaEv.value,
          pseudo_Ea_stderr_eV: a.vtf.pseudoEaEv.stderr,
          chi2: a.vtf.chi2,
          dof: a.vtf.dof,
          t0_at_bound: a.vtf.t0AtBound,
          notes: a.vtf.notes,
        }
      : null,
    model_choice: {
      criterion: a.comparison.criterion,
      aicc_vtf: a.comparison.aiccVtf,
      aicc_arrhenius: a.comparison.aiccArrhenius,
      weight_vtf: a.comparison.weightVtf,
      preferred: a.comparison.preferred,
      notes: a.comparison.notes,
    },
  }));
  return {
    mdpost: version,
    unit: s.unit,
    rows,
    arrhenius: fits('D'),
    ...Object.fromEntries(groups.filter((g) => g !== 'D').map((g) => [`arrhenius_${g}`, fits(g)])),
    vtf,
    yeh_hummer: s.sizes,
    failed: s.failed,
  };
}

const csvCell = (x: unknown) => {
  const t = x === null || x === undefined ? '' : String(x);
  return /[",\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
};

/** summary.csv: a value column (and its standard error) per cell, or one column per field of a cell's JSON. */
export function summaryCsv(s: Summary): string {
  const cols = columns(s.rows);
  const name = (c: SummaryCell, what: string) => `${c.group === 'D' ? 'D' : c.group}(${c.label})${what}${c.diffusion ? ` [${s.unit}]` : ''}`;
  const head = ['label', 'temperature_K', 'file', 'status'];
  for (const c of cols) {
    if (c.csv) head.push(...Object.keys(c.csv));
    else head.push(c.label ? name(c, '') : c.group, ...('stderr' in c ? [c.label ? name(c, ' stderr') : `${c.group} stderr`] : []));
  }
  head.push('error');
  const lines = [head.map(csvCell).join(',')];
  for (const r of s.rows) {
    const cells: unknown[] = [r.label, r.temperature_K, r.file, r.status];
    for (const c of cols) {
      const v = cellOf(r, c.group, c.label);
      if (c.csv) cells.push(...Object.keys(c.csv).map((k) => v?.csv?.[k]));
      else cells.push(v?.value, ...('stderr' in c ? [v?.stderr] : []));
    }
    cells.push(r.error);
    lines.push(cells.map(csvCell).join(','));
  }
  return lines.join('\n') + '\n';
}

/** The summary as a table: headings, each row's cells as text, and the lines under it (the fits). */
function summaryTable(s: Summary): { head: string[]; body: { row: SummaryRow; cells: string[] }[]; footer: string[] } {
  const cols = columns(s.rows);
  const unit = D_UNITS[s.unit].label;
  const head = ['label', 'T (K)', ...cols.map(heading)];
  const body = s.rows.map((r) => {
    const t = r.temperature_K === null ? '' : String(r.temperature_K);
    if (r.status !== 'ok') return { row: r, cells: [r.label, t, `${r.status.toUpperCase()}: ${r.error ?? 'no result'}`] };
    return {
      row: r,
      cells: [
        r.label,
        t,
        ...cols.map((c) => {
          const v = cellOf(r, c.group, c.label);
          if (!v) return '—';
          return v.text ?? (v.value === null ? '—' : withError(v.value, v.stderr ?? null));
        }),
      ],
    };
  });
  const footer: string[] = [];
  for (const a of s.arrhenius) {
    const u = a.group === 'D' ? unit : a.unit;
    const name = fitName(a);
    footer.push(`Arrhenius, ${name}: Ea = ${withError(a.ea_eV, a.ea_stderr_eV)} eV from ${a.points.length} runs at ${a.temperatures} temperatures (${a.group}0 = ${formatNumber(a.prefactor, 4)} ${u})`);
    if (a.vtf) {
      const v = a.vtf;
      const choice = a.comparison.preferred
        ? `AICc prefers ${a.comparison.preferred} (VTF weight ${formatNumber(a.comparison.weightVtf!, 2)})`
        : a.comparison.notes.join('; ');
      footer.push(
        `VTF, ${name}: ${a.group} = A·exp(−B/(T − T₀)), B = ${withError(v.bK.value, v.bK.stderr)} K, T₀ = ${withError(v.t0K.value, v.t0K.stderr)} K, A = ${formatNumber(v.a.value, 4)} ${u}${v.t0AtBound ? ` (T₀ on the ${v.t0AtBound} bound of its range: not pinned down)` : ''}; ${choice}`,
      );
    }
  }
  for (const y of s.sizes) {
    const eta = y.viscosity_mPa_s === null ? y.notes.join('; ') : `η = ${withError(y.viscosity_mPa_s, y.viscosity_stderr_mPa_s)} mPa·s`;
    footer.push(`Yeh–Hummer, ${y.selection} at ${y.temperature_K} K: D∞ = ${withError(y.d_infinite, y.d_infinite_stderr)} ${unit} from D against 1/L over ${y.points.length} runs (L = ${y.points.map((p) => formatNumber(p.box_length_A, 4)).join(', ')} Å); ${eta}`);
  }
  if (s.failed > 0) footer.push(`${s.failed} of ${s.rows.length} trajectories failed (see the error column of summary.csv)`);
  return { head, body, footer };
}

/** The table for the terminal, columns aligned, then the fits. */
export function summaryText(s: Summary): string {
  const { head, body, footer } = summaryTable(s);
  const widths = head.map((h, k) => Math.max(h.length, ...body.map((b) => (b.cells.length === 3 && k === 2 ? 0 : (b.cells[k] ?? '').length))));
  const line = (cells: string[]) => cells.map((c, k) => (k === cells.length - 1 ? c : c.padEnd(widths[k]))).join('  ');
  return [line(head), ...body.map((b) => line(b.cells)), ...footer].join('\n') + '\n';
}

/** A fit's name in texts and plots: the selection for D, "sigma(EH)" for others. */
function fitName(a: ArrheniusRow): string {
  return a.group === 'D' ? a.selection : `${a.group}(${a.selection})`;
}

/**
 * The Arrhenius plot: one panel per fitted quantity (D, σ …, each in its own unit), ln value
 * against 1000/T with error bars, the Arrhenius line dashed and the VTF curve dotted.
 */
export function arrheniusPlotSpec(s: Summary): TopLevelSpec {
  const groups = [...new Set(s.arrhenius.map((a) => a.group))];
  const panels = groups.map((g) => arrheniusPanel(s, s.arrhenius.filter((a) => a.group === g)));
  if (panels.length === 1) return { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', ...panels[0] } as unknown as TopLevelSpec;
  return { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', hconcat: panels, resolve: { scale: { color: 'independent' } } } as unknown as TopLevelSpec;
}

function arrheniusPanel(s: Summary, fits: ArrheniusRow[]): Record<string, unknown> {
  const group = fits[0].group;
  const unit = group === 'D' ? D_UNITS[s.unit].label : fits[0].unit;
  const symbol = group === 'D' ? 'D' : group === 'sigma' ? 'σ' : group;
  const name = fitName;
  const color = { field: 'selection', type: 'nominal', scale: selectionColors(fits.map(name)) };
  const points = fits.flatMap((a) =>
    a.points.map((p) => ({
      selection: name(a),
      inv_T: 1000 / p.temperature_K,
      lnD: Math.log(p.value),
      lo: p.stderr ? Math.log(Math.max(p.value - p.stderr, p.value * 1e-3)) : Math.log(p.value),
      hi: p.stderr ? Math.log(p.value + p.stderr) : Math.log(p.value),
    })),
  );
  const lines = fits.flatMap((a) => {
    const xs = a.points.map((p) => 1000 / p.temperature_K);
    return [Math.min(...xs), Math.max(...xs)].map((x) => ({ selection: name(a), inv_T: x, lnD: Math.log(a.prefactor) - (a.ea_eV / BOLTZMANN_EV_PER_K) * (x / 1000) }));
  });
  // The VTF curve, sampled evenly in 1/T between the extreme temperatures.
  const curves = fits.flatMap((a) => {
    const v = a.vtf;
    if (!v) return [];
    const xs = a.points.map((p) => 1000 / p.temperature_K);
    const lo = Math.min(...xs), hi = Math.max(...xs);
    return Array.from({ length: 41 }, (_, k) => {
      const x = lo + ((hi - lo) * k) / 40;
      return { selection: name(a), inv_T: x, lnD: Math.log(v.a.value) - v.bK.value / (1000 / x - v.t0K.value) };
    });
  });
  const subtitle = fits.map((a) => `${name(a)}: Ea = ${withError(a.ea_eV, a.ea_stderr_eV)} eV${a.comparison.preferred ? `, ${a.comparison.preferred} preferred` : ''}`).join('; ');
  return {
    title: { text: `Arrhenius plot of ${symbol}`, subtitle: [subtitle, lineLegend(fits)] },
    width: 420,
    height: 300,
    layer: [
      { data: { values: points }, mark: { type: 'rule' }, encoding: { x: { field: 'inv_T', type: 'quantitative' }, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color } },
      {
        data: { values: points },
        mark: { type: 'point', filled: true, size: 60 },
        encoding: {
          x: { field: 'inv_T', type: 'quantitative', title: '1000 / T (1/K)', scale: { zero: false } },
          y: { field: 'lnD', type: 'quantitative', title: `ln ${symbol} (${symbol} in ${unit})`, scale: { zero: false } },
          color,
        },
      },
      { data: { values: lines }, mark: { type: 'line', strokeDash: [6, 3] }, encoding: { x: { field: 'inv_T', type: 'quantitative' }, y: { field: 'lnD', type: 'quantitative' }, color } },
      ...(curves.length
        ? [{ data: { values: curves }, mark: { type: 'line', strokeDash: [1, 3], strokeWidth: 2 }, encoding: { x: { field: 'inv_T', type: 'quantitative' }, y: { field: 'lnD', type: 'quantitative' }, color, detail: { field: 'selection' } } }]
        : []),
    ],
  };
}

function lineLegend(fits: ArrheniusRow[]): string {
  return fits.some((a) => a.vtf) ? 'dashed: Arrhenius; dotted: Vogel–Fulcher–Tammann' : 'dashed: Arrhenius';
}

/** summary.html: the table (each label linking to its run's report), the fits, and the plots. */
export function summaryHtml(s: Summary, plots: { title: string; svg: string }[], version: string): string {
  const e = escapeHtml;
  const { head, body, footer } = summaryTable(s);
  const rows = body
    .map(({ row, cells }) => {
      const label = row.id && row.status === 'ok' ? `<a href="${encodeURI(row.id)}/index.html">${e(cells[0])}</a>` : e(cells[0]);
      const rest = cells.length === 3 && row.status !== 'ok' ? `<td>${e(cells[1])}</td><td colspan="${head.length - 2}" class="failed">${e(cells[2])}</td>` : cells.slice(1).map((c) => `<td>${e(c)}</td>`).join('');
      return `<tr><td>${label}</td>${rest}</tr>`;
    })
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>mdpost batch summary</title>
<style>
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1100px; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border-bottom: 1px solid #ddd; padding: 0.3em 0.8em; text-align: left; }
th { background: #f4f4f4; }
td.failed { color: #b00; }
.plots { display: flex; flex-wrap: wrap; gap: 1.5em; }
</style></head><body>
<h1>mdpost batch summary</h1>
<p>${s.rows.length} trajectories, ${s.failed} failed; D in ${e(D_UNITS[s.unit].label)} ± one standard error. mdpost ${e(version)}. Data: <a href="summary.csv">summary.csv</a>, <a href="summary.json">summary.json</a>. Each label links to its run's report.</p>
<table><tr>${head.map((h) => `<th>${e(h)}</th>`).join('')}</tr>
${rows}</table>
${footer.length ? `<ul>${footer.map((f) => `<li>${e(f)}</li>`).join('\n')}</ul>` : ''}
${plots.length ? `<h2>Plots</h2><div class="plots">${plots.map((p) => `<figure>${p.svg}<figcaption>${e(p.title)}</figcaption></figure>`).join('\n')}</div>` : ''}
</body></html>
`;
}

/**
 * Every run's MSD on one log–log plot: colour by selection, as in each run's report, and the runs
 * told apart by their opacity (in job order, e.g. by temperature) and by a tooltip.
 */
export function msdOverlaySpec(rows: RowInput[]): TopLevelSpec | null {
  const values: Record<string, unknown>[] = [];
  const selections: string[] = [];
  rows.forEach((r, order) => {
    const sections = r.status === 'ok' && r.analysis ? (section(r.analysis, msdAnalysis) ?? []) : [];
    for (const m of sections) {
      selections.push(m.selection);
      for (const i of logThin(m.lag_ps.length, 120)) {
        if (m.msd_A2[i] > 0) values.push({ run: r.label, selection: m.selection, series: `${r.label}: ${m.selection}`, order, lag_ps: m.lag_ps[i], msd_A2: m.msd_A2[i] });
      }
    }
  });
  if (values.length === 0) return null;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Mean squared displacement of every run', subtitle: 'colour: selection; lighter to darker: runs in job order' },
    width: 480,
    height: 320,
    data: { values },
    mark: { type: 'line', strokeWidth: 1.5 },
    encoding: {
      x: { field: 'lag_ps', type: 'quantitative', scale: { type: 'log' }, title: 'lag time t (ps)' },
      y: { field: 'msd_A2', type: 'quantitative', scale: { type: 'log' }, title: 'MSD (Å²)' },
      color: { field: 'selection', type: 'nominal', title: 'selection', scale: selectionColors(selections), legend: { symbolType: 'stroke' } },
      opacity: { field: 'order', type: 'quantitative', scale: { range: [0.35, 1] }, legend: null },
      detail: { field: 'series' },
      tooltip: [{ field: 'run' }, { field: 'selection' }],
    },
  } as TopLevelSpec;
}

import type { TopLevelSpec } from 'vega-lite';
import { arrheniusFit, BOLTZMANN_EV_PER_K, type ArrheniusFit } from '../analysis/arrhenius.js';
import { escapeHtml } from '../report/html.js';
import { formatNumber } from '../report/format.js';
import { withError } from '../report/text.js';

/**
 * The table of a batch: one row per trajectory — label, temperature, D of each MSD selection ±
 * its standard error in the chosen unit, t⁺, and the first peak, first minimum and
 * coordination number of each g(r) pair — and, where runs were made at several temperatures, an
 * Arrhenius fit of D(T) per selection (activation energy in eV ± its error).
 */
export type DUnit = 'A2/ps' | 'A2/ns' | 'cm2/s';
export const D_UNITS: Record<DUnit, { factor: number; label: string }> = {
  'A2/ps': { factor: 1, label: 'Å²/ps' },
  'A2/ns': { factor: 1e3, label: 'Å²/ns' },
  'cm2/s': { factor: 1e-4, label: 'cm²/s' },
};

export interface RowInput {
  index: number;
  label: string;
  temperatureK: number | null;
  file: string;
  status: 'ok' | 'failed' | 'missing';
  error?: string;
  /** The analysis JSON of the trajectory (when ok). */
  analysis?: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface SummaryRow {
  label: string;
  temperature_K: number | null;
  file: string;
  status: RowInput['status'];
  error?: string;
  D: Record<string, { value: number; stderr: number | null }>;
  t_plus: { value: number; stderr: number | null } | null;
  rdf: Record<string, { first_peak_A: number | null; first_min_A: number | null; cn: number | null }>;
}

/** An Arrhenius fit of one selection's D(T), in summary.json's snake_case; D0 and D in the summary's unit. */
export interface ArrheniusRow {
  selection: string;
  ea_eV: number;
  ea_stderr_eV: number | null;
  D0: number;
  temperatures: ArrheniusFit['temperatures'];
  points: { temperature_K: number; D: number; stderr: number | null }[];
}

export interface Summary {
  unit: DUnit;
  rows: SummaryRow[];
  arrhenius: ArrheniusRow[];
  failed: number;
}

export function summarize(inputs: RowInput[], unit: DUnit): Summary {
  const f = D_UNITS[unit].factor;
  const rows = [...inputs]
    .sort((a, b) => a.index - b.index)
    .map((r): SummaryRow => {
      const row: SummaryRow = { label: r.label, temperature_K: r.temperatureK, file: r.file, status: r.status, D: {}, t_plus: null, rdf: {} };
      if (r.error) row.error = r.error;
      const a = r.analysis;
      if (!a) return row;
      for (const m of a.msd ?? []) row.D[m.selection] = { value: m.D.A2_per_ps * f, stderr: m.D.stderr_A2_per_ps === null ? null : m.D.stderr_A2_per_ps * f };
      if (a.transference) row.t_plus = { value: a.transference.t_plus, stderr: a.transference.stderr };
      for (const g of a.rdf ?? []) row.rdf[`${g.a}–${g.b}`] = { first_peak_A: g.first_peak?.r_A ?? null, first_min_A: g.first_min?.r_A ?? null, cn: g.cn_first_shell };
      return row;
    });
  const selections = [...new Set(rows.flatMap((r) => Object.keys(r.D)))];
  const arrhenius: Summary['arrhenius'] = [];
  for (const sel of selections) {
    const points = rows.filter((r) => r.status === 'ok' && r.temperature_K !== null && r.D[sel]).map((r) => ({ temperatureK: r.temperature_K!, d: r.D[sel].value, stderr: r.D[sel].stderr }));
    const fit = arrheniusFit(points);
    if (fit) {
      arrhenius.push({
        selection: sel,
        ea_eV: fit.eaEv,
        ea_stderr_eV: fit.stderrEv,
        D0: fit.d0,
        temperatures: fit.temperatures,
        points: fit.points.map((p) => ({ temperature_K: p.temperatureK, D: p.d, stderr: p.stderr })),
      });
    }
  }
  return { unit, rows, arrhenius, failed: rows.filter((r) => r.status !== 'ok').length };
}

function columns(s: Summary): { sels: string[]; pairs: string[] } {
  return { sels: [...new Set(s.rows.flatMap((r) => Object.keys(r.D)))], pairs: [...new Set(s.rows.flatMap((r) => Object.keys(r.rdf)))] };
}

const csvCell = (x: unknown) => {
  const t = x === null || x === undefined ? '' : String(x);
  return /[",\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
};

export function summaryCsv(s: Summary): string {
  const { sels, pairs } = columns(s);
  const u = s.unit;
  const head = ['label', 'temperature_K', 'file', 'status', ...sels.flatMap((x) => [`D(${x}) [${u}]`, `D(${x}) stderr [${u}]`]), 't_plus', 't_plus stderr', ...pairs.flatMap((p) => [`first peak ${p} [A]`, `first min ${p} [A]`, `CN ${p}`]), 'error'];
  const lines = [head.map(csvCell).join(',')];
  for (const r of s.rows) {
    lines.push(
      [
        r.label,
        r.temperature_K,
        r.file,
        r.status,
        ...sels.flatMap((x) => [r.D[x]?.value, r.D[x]?.stderr]),
        r.t_plus?.value,
        r.t_plus?.stderr,
        ...pairs.flatMap((p) => [r.rdf[p]?.first_peak_A, r.rdf[p]?.first_min_A, r.rdf[p]?.cn]),
        r.error,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return lines.join('\n') + '\n';
}

/** The table for the terminal, columns aligned. */
export function summaryText(s: Summary): string {
  const { sels, pairs } = columns(s);
  const unit = D_UNITS[s.unit].label;
  const head = ['label', 'T (K)', ...sels.map((x) => `D(${x}) ${unit}`), ...(s.rows.some((r) => r.t_plus) ? ['t⁺'] : []), ...pairs.map((p) => `${p}: peak / min Å, CN`)];
  const body = s.rows.map((r) => {
    if (r.status !== 'ok') return [r.label, r.temperature_K === null ? '' : String(r.temperature_K), `${r.status.toUpperCase()}: ${r.error ?? 'no result'}`];
    return [
      r.label,
      r.temperature_K === null ? '' : String(r.temperature_K),
      ...sels.map((x) => (r.D[x] ? withError(r.D[x].value, r.D[x].stderr) : '—')),
      ...(s.rows.some((q) => q.t_plus) ? [r.t_plus ? withError(r.t_plus.value, r.t_plus.stderr) : '—'] : []),
      ...pairs.map((p) => {
        const g = r.rdf[p];
        return g ? `${g.first_peak_A === null ? '—' : formatNumber(g.first_peak_A, 3)} / ${g.first_min_A === null ? '—' : formatNumber(g.first_min_A, 3)}, ${g.cn === null ? '—' : formatNumber(g.cn, 3)}` : '—';
      }),
    ];
  });
  const widths = head.map((h, k) => Math.max(h.length, ...body.map((b) => (b.length === 3 && k === 2 ? 0 : (b[k] ?? '').length))));
  const line = (cells: string[]) => cells.map((c, k) => (k === cells.length - 1 ? c : c.padEnd(widths[k]))).join('  ');
  const out = [line(head), ...body.map(line)];
  for (const a of s.arrhenius) {
    out.push(`Arrhenius, ${a.selection}: Ea = ${withError(a.ea_eV, a.ea_stderr_eV)} eV from ${a.points.length} runs at ${a.temperatures} temperatures (D0 = ${formatNumber(a.D0, 4)} ${unit})`);
  }
  if (s.failed > 0) out.push(`${s.failed} of ${s.rows.length} trajectories failed (see the error column of summary.csv)`);
  return out.join('\n') + '\n';
}

export function arrheniusPlotSpec(s: Summary): TopLevelSpec {
  const unit = D_UNITS[s.unit].label;
  const points = s.arrhenius.flatMap((a) =>
    a.points.map((p) => ({ selection: a.selection, inv_T: 1000 / p.temperature_K, lnD: Math.log(p.D), lo: p.stderr ? Math.log(Math.max(p.D - p.stderr, p.D * 1e-3)) : Math.log(p.D), hi: p.stderr ? Math.log(p.D + p.stderr) : Math.log(p.D) })),
  );
  const lines = s.arrhenius.flatMap((a) => {
    const xs = a.points.map((p) => 1000 / p.temperature_K);
    return [Math.min(...xs), Math.max(...xs)].map((x) => ({ selection: a.selection, inv_T: x, lnD: Math.log(a.D0) - (a.ea_eV / BOLTZMANN_EV_PER_K) * (x / 1000) }));
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Arrhenius plot', subtitle: s.arrhenius.map((a) => `${a.selection}: Ea = ${withError(a.ea_eV, a.ea_stderr_eV)} eV`).join('; ') },
    width: 420,
    height: 300,
    layer: [
      { data: { values: points }, mark: { type: 'rule' }, encoding: { x: { field: 'inv_T', type: 'quantitative' }, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color: { field: 'selection', type: 'nominal' } } },
      {
        data: { values: points },
        mark: { type: 'point', filled: true, size: 60 },
        encoding: {
          x: { field: 'inv_T', type: 'quantitative', title: '1000 / T (1/K)', scale: { zero: false } },
          y: { field: 'lnD', type: 'quantitative', title: `ln D (D in ${unit})`, scale: { zero: false } },
          color: { field: 'selection', type: 'nominal' },
        },
      },
      { data: { values: lines }, mark: { type: 'line', strokeDash: [6, 3] }, encoding: { x: { field: 'inv_T', type: 'quantitative' }, y: { field: 'lnD', type: 'quantitative' }, color: { field: 'selection', type: 'nominal' } } },
    ],
  } as TopLevelSpec;
}

export function summaryHtml(s: Summary, plot: string | null, version: string): string {
  const e = escapeHtml;
  const text = summaryText(s);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>mdpost batch summary</title>
<style>body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;padding:0 1em}pre{background:#f6f6f6;padding:1em;overflow:auto}</style></head><body>
<h1>mdpost batch summary</h1>
<p>${s.rows.length} trajectories, ${s.failed} failed; D in ${e(D_UNITS[s.unit].label)} ± one standard error. mdpost ${e(version)}. Data: <a href="summary.csv">summary.csv</a>, <a href="summary.json">summary.json</a>.</p>
<pre>${e(text)}</pre>
${s.rows.filter((r) => r.status === 'ok').length ? `<p>Per trajectory: ${s.rows.map((r) => e(r.label)).join(', ')} — each has its own report folder.</p>` : ''}
${plot ? `<h2>Arrhenius plot</h2>${plot}` : ''}
</body></html>
`;
}

import type { TopLevelSpec } from 'vega-lite';
import { maxRmax, mergeRdfStates, RdfAccumulator, type RdfState } from '../analysis/rdf.js';
import { finishRdf, SHELL_METHOD, SMOOTHING_A, type CnDistribution, type RdfResult, type ShellPoint } from '../analysis/rdf-shell.js';
import { InputError } from '../model/errors.js';
import { parsePositiveInt } from '../model/parse-options.js';
import { parseLengthA } from '../model/units.js';
import { concatAtoms, FrameProblem, type Analysis } from '../pipeline/contract.js';
import { escapeHtml as e, formatNumber as f, slug } from '../report/format.js';
import { array, maybe, num, numOrNull, nums, object, str, strs, type Json } from '../report/json-check.js';

/**
 * Partial radial distribution functions g_AB(r) with the running coordination number n(r), the
 * first peak and minimum, the coordination number of the first shell and the distribution of
 * per-ion coordination numbers, for each `--rdf A,B` pair. States of different frames add.
 */
export interface RdfConfig {
  pairs: [string, string][];
  rmaxA: number | null;
  bins: number | null;
}

export interface RdfPrepared {
  pairs: { a: string; b: string; atomsA: Int32Array; atomsB: Int32Array }[];
  rmaxA: number;
  bins: number;
}

export type RdfPairResult = RdfResult & { a: string; b: string };

/** The `rdf` entries of the results document (lengths Å). */
export interface RdfSection {
  a: string;
  b: string;
  n_a: number;
  n_b: number;
  frames: number;
  rmax_A: number;
  bins: number;
  mean_volume_A3: number;
  r_A: number[];
  g: number[];
  cn: number[];
  first_peak: { r_A: number; g: number } | null;
  first_min: { r_A: number; g: number } | null;
  cn_first_shell: number | null;
  cn_distribution: { cutoff_A: number; mean: number; fractions: Record<string, number> } | null;
  /** How the first peak and minimum were found. */
  method: string;
  notes: string[];
}

/** Default resolution when --bins is not given: 0.02 Å per bin. */
export const DEFAULT_BIN_WIDTH_A = 0.02;

export const rdfAnalysis: Analysis<RdfConfig, RdfPrepared, RdfAccumulator[], RdfPairResult[], RdfSection[]> = {
  key: 'rdf',
  title: 'g(r) and coordination numbers',
  example: { rdf: ['Na,O', 'O,O'] },
  options: [
    {
      key: 'rdf',
      flag: '--rdf <a,b>',
      help: 'g(r) and coordination numbers of a pair of selections, e.g. "Na,O" (repeatable)',
      commands: ['analyze', 'batch'],
      repeatable: true,
      parse: parsePair,
    },
    {
      key: 'rmax',
      flag: '--rmax <length>',
      help: 'largest r of g(r), Å (default and limit: half the smallest cell width)',
      commands: ['analyze', 'batch'],
      parse: (text, name) => {
        const r = parseLengthA(text, name);
        if (!(r > 0)) throw new InputError(`${name} must be positive`);
        return r;
      },
    },
    { key: 'bins', flag: '--bins <n>', help: 'number of g(r) bins (default: bins of 0.02 Å)', commands: ['analyze', 'batch'], parse: parsePositiveInt },
  ],

  configure(o) {
    const pairs = o.get<[string, string][]>('rdf') ?? [];
    if (pairs.length === 0) return null;
    return { pairs, rmaxA: o.get<number>('rmax') ?? null, bins: o.get<number>('bins') ?? null };
  },

  prepare(config, ctx) {
    const pairs = config.pairs.map(([a, b]) => ({ a, b, atomsA: ctx.select(a).atoms, atomsB: ctx.select(b).atoms }));
    const box = ctx.first.box;
    if (!box) throw new InputError(`${ctx.file}: g(r) needs a periodic cell and this file has none; give --box "a b c" (Å)`);
    if (!box.pbc.every((p) => p)) ctx.notes.push('the cell is not periodic along every axis; g(r) treats it as periodic in all three');
    const limit = maxRmax(box);
    const rmaxA = config.rmaxA ?? Math.floor(limit * 100) / 100;
    if (rmaxA > limit) {
      throw new InputError(
        `--rmax ${rmaxA} Å exceeds ${limit.toFixed(3)} Å, half the smallest distance between opposite faces of the cell, beyond which minimum-image distances stop being unique; use --rmax ${Math.floor(limit * 100) / 100} or less`,
      );
    }
    if (!(rmaxA > 0)) throw new InputError('--rmax must be positive');
    return { pairs, rmaxA, bins: config.bins ?? Math.max(10, Math.round(rmaxA / DEFAULT_BIN_WIDTH_A)) };
  },

  needsUnwrapped: () => false,
  readAtoms: (p) => concatAtoms(p.pairs.flatMap((r) => [r.atomsA, r.atomsB])),

  create: (p) => p.pairs.map((r) => new RdfAccumulator(r.atomsA, r.atomsB, p.rmaxA, p.bins)),

  add(_p, accs, { frame }) {
    if (!frame.box) throw new FrameProblem('no cell, but g(r) needs one');
    for (const acc of accs) acc.add(frame.positions, frame.box);
  },

  merge: (p, a, b) => a.map((acc, k) => new RdfAccumulator(p.pairs[k].atomsA, p.pairs[k].atomsB, p.rmaxA, p.bins, mergeRdfStates(acc.state, b[k].state))),
  encode: (accs) => accs.map((acc) => acc.state),
  decode: (p, wire) => (wire as RdfState[]).map((st, k) => new RdfAccumulator(p.pairs[k].atomsA, p.pairs[k].atomsB, p.rmaxA, p.bins, st)),

  finish: async (p, accs) => accs.map((acc, k) => ({ ...finishRdf(acc.state), a: p.pairs[k].a, b: p.pairs[k].b })),

  document: {
    key: 'rdf',
    absent: [],
    toJson: (results) => results.map(sectionOf),
    read: (raw, where) => array(raw, where).map((g, k) => readSection(g, `${where}[${k}]`)),
    text: rdfText,
    html: rdfHtml,
    csv: (sections) => sections.map((g) => ({ name: `${baseName(g)}.csv`, text: rdfCsv(g) })),
    plots: (sections) => sections.map((g) => ({ name: baseName(g), label: `g(r) ${g.a}–${g.b}`, caption: `g(r) and n(r) of ${g.a}–${g.b}`, spec: rdfPlotSpec(g), csvs: [`${baseName(g)}.csv`] })),
    summary: (sections) =>
      sections.map((g) => ({
        group: 'rdf',
        label: `${g.a}–${g.b}`,
        value: g.cn_first_shell,
        text: `${g.first_peak ? f(g.first_peak.r_A, 3) : '—'} / ${g.first_min ? f(g.first_min.r_A, 3) : '—'}, ${g.cn_first_shell === null ? '—' : f(g.cn_first_shell, 3)}`,
        heading: `${g.a}–${g.b}: peak / min Å, CN`,
        json: { first_peak_A: g.first_peak?.r_A ?? null, first_min_A: g.first_min?.r_A ?? null, cn: g.cn_first_shell },
        csv: { [`first peak ${g.a}–${g.b} [A]`]: g.first_peak?.r_A ?? null, [`first min ${g.a}–${g.b} [A]`]: g.first_min?.r_A ?? null, [`CN ${g.a}–${g.b}`]: g.cn_first_shell },
      })),
    notes: (sections) => sections.flatMap((g) => g.notes.map((n) => `${g.a}–${g.b}: ${n}`)),
  },
};

/** "Na,O" → ["Na", "O"]. */
function parsePair(text: string, name: string): [string, string] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw new InputError(`${name}: expected two selections separated by a comma, e.g. "Na,O", not ${JSON.stringify(text)}`);
  return [parts[0], parts[1]];
}

function baseName(g: { a: string; b: string }): string {
  return `rdf-${slug(g.a)}-${slug(g.b)}`;
}

function sectionOf(g: RdfPairResult): RdfSection {
  return {
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
    first_peak: point(g.firstPeak),
    first_min: point(g.firstMin),
    cn_first_shell: g.cnFirstShell,
    cn_distribution: distribution(g.cnDistribution),
    method: SHELL_METHOD,
    notes: g.notes,
  };
}

function point(p: ShellPoint | null): RdfSection['first_peak'] {
  return p ? { r_A: p.rA, g: p.g } : null;
}

function distribution(d: CnDistribution | null): RdfSection['cn_distribution'] {
  return d ? { cutoff_A: d.cutoffA, mean: d.mean, fractions: d.fractions } : null;
}

function readSection(raw: unknown, where: string): RdfSection {
  const g = object(raw, where);
  const readPoint = (p: Json, w: string) => ({ r_A: num(p, 'r_A', w), g: num(p, 'g', w) });
  return {
    a: str(g, 'a', where),
    b: str(g, 'b', where),
    n_a: num(g, 'n_a', where),
    n_b: num(g, 'n_b', where),
    frames: num(g, 'frames', where),
    rmax_A: num(g, 'rmax_A', where),
    bins: num(g, 'bins', where),
    mean_volume_A3: num(g, 'mean_volume_A3', where),
    r_A: nums(g, 'r_A', where),
    g: nums(g, 'g', where),
    cn: nums(g, 'cn', where),
    first_peak: maybe(g, 'first_peak', where, readPoint),
    first_min: maybe(g, 'first_min', where, readPoint),
    cn_first_shell: numOrNull(g, 'cn_first_shell', where),
    cn_distribution: maybe(g, 'cn_distribution', where, (d, w) => ({
      cutoff_A: num(d, 'cutoff_A', w),
      mean: num(d, 'mean', w),
      fractions: Object.fromEntries(Object.keys(object(d.fractions, `${w}.fractions`)).map((k) => [k, num(d.fractions as Json, k, `${w}.fractions`)])),
    })),
    method: typeof g.method === 'string' ? g.method : '',
    notes: strs(g, 'notes', where),
  };
}

function fractionsText(g: RdfSection, arrow: string): string {
  return Object.entries(g.cn_distribution!.fractions)
    .filter(([, v]) => v >= 0.005)
    .map(([k, v]) => `${k}${arrow}${(100 * v).toFixed(0)}%`)
    .join(', ');
}

function rdfText(sections: RdfSection[]): string[] {
  if (sections.length === 0) return [];
  const { rmax_A: rmax, bins } = sections[0];
  const lines = ['', `Radial distribution functions and coordination numbers (r_max ${f(rmax, 4)} Å, ${bins} bins of ${f(rmax / bins, 3)} Å)`];
  for (const g of sections) {
    const pair = `${g.a}–${g.b}`;
    if (!g.first_peak) {
      lines.push(`  ${pair}: no first peak (g(r) stays below 1.2)`);
      continue;
    }
    let line = `  ${pair}: first peak ${f(g.first_peak.r_A, 3)} Å (g = ${f(g.first_peak.g, 3)})`;
    if (g.first_min && g.cn_first_shell !== null) line += `, first minimum ${f(g.first_min.r_A, 3)} Å (g = ${f(g.first_min.g, 3)}), CN = ${f(g.cn_first_shell, 3)}`;
    lines.push(line);
    if (g.cn_distribution) {
      lines.push(`    how many ${g.b} each ${g.a} has within ${f(g.cn_distribution.cutoff_A, 3)} Å (share of ${g.a} × frames): ${fractionsText(g, ' → ')}`);
    }
    for (const n of g.notes) lines.push(`    note: ${n}`);
  }
  lines.push(`  peak heights as the histogram shows them; minima located on g(r) smoothed over ${SMOOTHING_A} Å (see the JSON "method")`);
  return lines;
}

function rdfHtml(sections: RdfSection[]): string {
  if (sections.length === 0) return '';
  const rows = sections
    .map(
      (g) =>
        `<tr><td>${e(g.a)}–${e(g.b)}</td><td>${g.first_peak ? `${f(g.first_peak.r_A, 3)} (${f(g.first_peak.g, 3)})` : '—'}</td><td>${g.first_min ? `${f(g.first_min.r_A, 3)} (${f(g.first_min.g, 3)})` : '—'}</td><td>${g.cn_first_shell !== null ? f(g.cn_first_shell, 3) : '—'}</td><td>${g.cn_distribution ? fractionsText(g, ': ') : '—'}</td></tr>`,
    )
    .join('\n');
  return `<h2>Radial distribution functions</h2>
<table><tr><th>pair</th><th>first peak, Å (g)</th><th>first minimum, Å (g)</th><th>CN at the minimum</th><th>per-ion CN within the minimum</th></tr>
${rows}</table>
<p>Peak heights as the histogram shows them (its highest bin, refined by a parabola); minima located on g(r) smoothed over ${SMOOTHING_A} Å, their g read from the histogram.</p>`;
}

/** One row per bin, units in the header. */
function rdfCsv(g: RdfSection): string {
  const rows = ['r_A,g,cn'];
  for (let i = 0; i < g.bins; i++) rows.push(`${g.r_A[i]},${g.g[i]},${g.cn[i]}`);
  return rows.join('\n') + '\n';
}

/**
 * The top of the n(r) axis: n(r) grows as r³, so drawn to r_max it dwarfs the first shells that
 * a reader wants to see. The axis reaches n(r) at twice the first minimum (the second shell) —
 * or at half of r_max without a minimum — and the curve is clipped above.
 */
function cnAxisTop(g: RdfSection): number {
  const dr = g.rmax_A / g.bins;
  const r = g.first_min ? Math.min(g.rmax_A, 2 * g.first_min.r_A) : g.rmax_A / 2;
  const k = Math.min(g.cn.length - 1, Math.max(0, Math.round(r / dr) - 1));
  const top = g.cn[k] ?? 1;
  return top > 0 ? Number((1.05 * top).toPrecision(2)) : 1;
}

/** g(r) with n(r) on a second axis, the first peak and minimum marked. */
export function rdfPlotSpec(g: RdfSection): TopLevelSpec {
  const values = g.r_A.map((r, i) => ({ r_A: r, g: g.g[i], cn: g.cn[i] }));
  const marks: Json[] = [];
  if (g.first_peak) marks.push({ r_A: g.first_peak.r_A, label: `peak ${g.first_peak.r_A.toFixed(2)} Å` });
  if (g.first_min) marks.push({ r_A: g.first_min.r_A, label: `min ${g.first_min.r_A.toFixed(2)} Å, CN ${g.cn_first_shell?.toFixed(2)}` });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `g(r) and n(r): ${g.a}–${g.b}`, subtitle: `${g.n_a} ${g.a}, ${g.n_b} ${g.b}, ${g.frames} frames` },
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
        mark: { type: 'line', color: '#d62728', strokeDash: [5, 3], clip: true },
        encoding: {
          x: { field: 'r_A', type: 'quantitative' },
          y: { field: 'cn', type: 'quantitative', title: 'n(r), running coordination number', axis: { titleColor: '#d62728', orient: 'right' }, scale: { domain: [0, cnAxisTop(g)] } },
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

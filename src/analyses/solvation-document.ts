import type { TopLevelSpec } from 'vega-lite';
import type { DocumentPart, ReportPlot, SummaryCell } from '../pipeline/contract.js';
import { escapeHtml as e, formatNumber as f, slug } from '../report/format.js';
import { array, bool, fail, maybe, num, numOrNaN, numOrNull, nums, object, str, strs, type Json } from '../report/json-check.js';
import { selectionColors } from '../report/plots.js';

/**
 * The `solvation` section of the results document — one entry per `--solvation` cation
 * selection — and what the reports make of it: terminal lines, HTML, CSV tables (shell
 * compositions, ion pairs, C(τ)), plots (composition bars, ion-pair bars, C(τ) with τ_res
 * marked) and the batch summary's ion-pair fractions. Lengths Å, times ps; fractions 0…1.
 */
export interface PartnerSection {
  /** The shell cutoff of this kind, Å, and how it was found: "given", "g(r) minimum", "g(r) minimum of all shell atoms". */
  cutoff_A: number;
  cutoff_source: string;
  /** Mean molecules of this kind in a cation's shell (for a polymer: distinct chains). */
  cn: number;
  /** Intermittent residence time, ps (null: see residence_note). */
  residence_ps: number | null;
  residence_note: string | null;
  molecules: number;
  anion: boolean;
  shell_atom_elements: string;
  /** Frames of the g(r) that set the cutoff (null when given). */
  cutoff_frames: number | null;
  /** First minimum of this g(r) over the whole run, when the cutoff came from fewer frames. */
  cutoff_run_min_A: number | null;
  /** Mean shell atoms of this kind within the cutoff (for PEO: ether O). */
  shell_atoms_cn: number;
  /** Fraction of cation-frames with n molecules of this kind in the shell. */
  cn_distribution: Record<string, number>;
  /** Fraction of contacts made through n shell atoms. */
  denticity: Record<string, number>;
  /** Fraction of this kind's molecules in no cation's shell (over molecules and frames). */
  free_fraction: number;
  /** Exponential time fitted to C(τ), ps (null where the decay does not allow it). */
  residence_fit_ps: number | null;
  mean_stay_ps: number | null;
  /** Intermittent C(τ) at lag_ps of the entry. */
  C: number[];
}

export interface IonPairSection {
  /** The anion kinds, "FSI" (several: "FSI + TFSI"). */
  anion: string;
  anions: number;
  /** Fractions of cation-frames. */
  SSIP: number;
  CIP: number;
  AGG: number;
  /** Fractions of anion-frames. */
  per_anion: { free: number; CIP: number; AGG: number };
  anions_per_cation: Record<string, number>;
  cations_per_anion: Record<string, number>;
}

export interface ExchangeSection {
  window_ps: number;
  per_cation_per_ns: number;
  cross_kind_per_cation_per_ns: number;
  by_kind: { from: string; to: string; events: number; per_cation_per_ns: number }[];
}

export interface SolvationSection {
  cation: string;
  count: number;
  shell_atoms: string;
  frames: number;
  dt_ps: number | null;
  partners: Record<string, PartnerSection>;
  ion_pairs: IonPairSection | null;
  free_anion_fraction: number | null;
  /** Shell compositions, most common first. */
  shells: { composition: Record<string, number>; label: string; fraction: number }[];
  /** For a polymer host: mean distinct chains and ether O (null unless the chains' shell atoms are all O) per shell. */
  polymer: { chains: number; ether_O: number | null } | null;
  exchanges: ExchangeSection | null;
  lag_ps: number[];
  method: string;
  notes: string[];
}

export const solvationDocument: DocumentPart<SolvationSection[], SolvationSection[]> = {
  key: 'solvation',
  toJson: (sections) => sections,
  read: (raw, where) => array(raw, where).map((s, k) => readSection(s, `${where}[${k}]`)),
  text: solvationText,
  html: solvationHtml,
  csv: (sections) => sections.flatMap(tables),
  plots: (sections) => sections.flatMap(plots),
  summary: (sections) => sections.flatMap(summaryCells),
  notes: (sections) => sections.flatMap((s) => s.notes.map((n) => `solvation of ${s.cation}: ${n}`)),
};

const pct = (x: number | null) => (x === null || !Number.isFinite(x) ? '—' : `${(100 * x).toFixed(1)}%`);
const ps = (x: number | null) => (x === null || !Number.isFinite(x) ? '—' : f(x, 3));
const base = (s: SolvationSection) => `solvation-${slug(s.cation)}`;

function cutoffText(p: PartnerSection): string {
  const how = p.cutoff_source === 'given' ? 'given' : `${p.cutoff_source === 'g(r) minimum' ? 'g(r) min' : 'g(r) min, all shell atoms'}, ${p.cutoff_frames} frame${p.cutoff_frames === 1 ? '' : 's'}`;
  return `${f(p.cutoff_A, 4)} (${how})`;
}

function residenceText(p: PartnerSection, lagPs: number[]): string {
  if (p.residence_ps !== null) return `${ps(p.residence_ps)}${p.residence_fit_ps !== null ? ` (fit ${ps(p.residence_fit_ps)})` : ''}`;
  if (p.residence_note && /longer than the run/.test(p.residence_note)) return '> run';
  return p.residence_note && /longer than the longest lag/.test(p.residence_note) && lagPs.length > 0 ? `> ${ps(lagPs[lagPs.length - 1])}` : '—';
}

function ionPairText(s: SolvationSection): string | null {
  const ip = s.ion_pairs;
  if (!ip) return null;
  return `ion pairs vs ${ip.anion}: ${s.cation} SSIP ${pct(ip.SSIP)}, CIP ${pct(ip.CIP)}, AGG ${pct(ip.AGG)}; ${ip.anion}: free ${pct(ip.per_anion.free)}, CIP ${pct(ip.per_anion.CIP)}, AGG ${pct(ip.per_anion.AGG)}`;
}

function solvationText(sections: SolvationSection[]): string[] {
  const lines: string[] = [];
  for (const s of sections) {
    lines.push('', `Solvation shells of ${s.cation} (${s.count} atoms, ${s.frames} frames; shell atoms: ${s.shell_atoms})`);
    const rows = [['partner', 'molecules', 'cutoff Å', 'CN', 'shell atoms', 'free', 'τ_res ps']];
    for (const [kind, p] of Object.entries(s.partners)) {
      rows.push([kind, String(p.molecules), cutoffText(p), f(p.cn, 3), `${f(p.shell_atoms_cn, 3)} ${p.shell_atom_elements}`, pct(p.free_fraction), residenceText(p, s.lag_ps)]);
    }
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    for (const r of rows) lines.push(`  ${r.map((x, c) => (c === r.length - 1 ? x : x.padEnd(widths[c]))).join('  ')}`);
    const ip = ionPairText(s);
    if (ip) lines.push(`  ${ip}`);
    if (s.polymer) lines.push(`  polymer: ${f(s.polymer.chains, 3)} distinct chains${s.polymer.ether_O !== null ? ` and ${f(s.polymer.ether_O, 3)} ether O` : ''} per shell`);
    const top = s.shells.slice(0, 6).map((c) => `${c.label} ${pct(c.fraction)}`);
    lines.push(`  most common shells: ${top.join(', ')}${s.shells.length > 6 ? ` (${s.shells.length} in all)` : ''}`);
    if (s.exchanges) lines.push(`  exchanges: ${f(s.exchanges.per_cation_per_ns, 3)} per ${s.cation} per ns, ${f(s.exchanges.cross_kind_per_cation_per_ns, 3)} of them between kinds (within ${f(s.exchanges.window_ps, 3)} ps)`);
    for (const p of Object.entries(s.partners)) if (p[1].residence_note) lines.push(`    ${p[0]}: ${p[1].residence_note}`);
    for (const n of s.notes) lines.push(`    note: ${n}`);
  }
  if (sections.length > 0) lines.push('  CN: molecules per shell; τ_res: first lag where the intermittent C(τ) < 1/e (see the JSON "method")');
  return lines;
}

function solvationHtml(sections: SolvationSection[]): string {
  if (sections.length === 0) return '';
  const parts = sections.map((s) => {
    const rows = Object.entries(s.partners)
      .map(
        ([kind, p]) =>
          `<tr><td>${e(kind)}</td><td>${p.molecules}</td><td>${e(cutoffText(p))}</td><td>${f(p.cn, 3)}</td><td>${f(p.shell_atoms_cn, 3)} ${e(p.shell_atom_elements)}</td><td>${pct(p.free_fraction)}</td><td>${e(residenceText(p, s.lag_ps))}</td></tr>`,
      )
      .join('\n');
    const shells = s.shells
      .slice(0, 12)
      .map((c) => `<tr><td>${e(c.label)}</td><td>${pct(c.fraction)}</td></tr>`)
      .join('\n');
    const ip = ionPairText(s);
    return `<h3>${e(s.cation)}: ${s.count} atoms, ${s.frames} frames; shell atoms: ${e(s.shell_atoms)}</h3>
<table><tr><th>partner</th><th>molecules</th><th>cutoff, Å</th><th>CN (molecules)</th><th>shell atoms</th><th>free</th><th>τ_res, ps</th></tr>
${rows}</table>
${ip ? `<p>${e(ip)}.</p>` : ''}${s.polymer ? `<p>Polymer: ${f(s.polymer.chains, 3)} distinct chains${s.polymer.ether_O !== null ? ` and ${f(s.polymer.ether_O, 3)} ether O` : ''} per shell.</p>` : ''}
${s.exchanges ? `<p>Exchanges: ${f(s.exchanges.per_cation_per_ns, 3)} per ${e(s.cation)} per ns, ${f(s.exchanges.cross_kind_per_cation_per_ns, 3)} between kinds.</p>` : ''}
<table><tr><th>shell composition</th><th>share of ${e(s.cation)} × frames</th></tr>
${shells}</table>`;
  });
  return `<h2>Solvation shells</h2>
${parts.join('\n')}
<p>${e(sections[0].method)}.</p>`;
}

function csvText(rows: (string | number | null)[][]): string {
  const cell = (x: string | number | null) => {
    const t = x === null || (typeof x === 'number' && !Number.isFinite(x)) ? '' : String(x);
    return /[",\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
  };
  return rows.map((r) => r.map(cell).join(',')).join('\n') + '\n';
}

function tables(s: SolvationSection): { name: string; text: string }[] {
  const kinds = Object.keys(s.partners);
  const out = [{ name: `${base(s)}-shells.csv`, text: csvText([['composition', ...kinds, 'fraction'], ...s.shells.map((c) => [c.label, ...kinds.map((k) => c.composition[k] ?? 0), c.fraction])]) }];
  if (s.ion_pairs) {
    const ip = s.ion_pairs;
    out.push({
      name: `${base(s)}-ion-pairs.csv`,
      text: csvText([
        ['of', 'class', 'fraction'],
        [s.cation, 'SSIP', ip.SSIP],
        [s.cation, 'CIP', ip.CIP],
        [s.cation, 'AGG', ip.AGG],
        [ip.anion, 'free', ip.per_anion.free],
        [ip.anion, 'CIP', ip.per_anion.CIP],
        [ip.anion, 'AGG', ip.per_anion.AGG],
      ]),
    });
  }
  if (s.lag_ps.length > 0) {
    out.push({ name: `${base(s)}-residence.csv`, text: csvText([['lag_ps', ...kinds.map((k) => `C_${k}`)], ...s.lag_ps.map((t, i) => [t, ...kinds.map((k) => s.partners[k].C[i] ?? null)])]) });
  }
  return out;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
/** Compositions drawn as bars; the rest are one bar "n others". */
const BARS = 12;

function plots(s: SolvationSection): ReportPlot[] {
  const out: ReportPlot[] = [];
  const bars = s.shells.length > BARS + 1 ? BARS : s.shells.length;
  const shown = s.shells.slice(0, bars).map((c) => ({ label: c.label, percent: 100 * c.fraction }));
  if (bars < s.shells.length) shown.push({ label: `${s.shells.length - bars} others`, percent: 100 * s.shells.slice(bars).reduce((a, c) => a + c.fraction, 0) });
  out.push({
    name: `${base(s)}-shells`,
    label: `shells ${s.cation}`,
    caption: `First-shell compositions of ${s.cation}, share of ${s.cation} × frames`,
    spec: {
      $schema: SCHEMA,
      title: { text: `Shell compositions of ${s.cation}`, subtitle: `${s.count} ${s.cation}, ${s.frames} frames` },
      width: 420,
      data: { values: shown },
      mark: { type: 'bar', color: '#1f77b4' },
      encoding: {
        y: { field: 'label', type: 'nominal', sort: null, title: null },
        x: { field: 'percent', type: 'quantitative', title: `share of ${s.cation} × frames (%)` },
        tooltip: [{ field: 'label' }, { field: 'percent', format: '.1f' }],
      },
    } as TopLevelSpec,
    csvs: [`${base(s)}-shells.csv`],
  });
  if (s.ion_pairs) {
    const ip = s.ion_pairs;
    const values = [
      { of: s.cation, class: 'SSIP', percent: 100 * ip.SSIP },
      { of: s.cation, class: 'CIP', percent: 100 * ip.CIP },
      { of: s.cation, class: 'AGG', percent: 100 * ip.AGG },
      { of: ip.anion, class: 'free', percent: 100 * ip.per_anion.free },
      { of: ip.anion, class: 'CIP', percent: 100 * ip.per_anion.CIP },
      { of: ip.anion, class: 'AGG', percent: 100 * ip.per_anion.AGG },
    ];
    out.push({
      name: `${base(s)}-ion-pairs`,
      label: `ion pairs ${s.cation}`,
      caption: `Ion-pair classes of ${s.cation} (SSIP, CIP, AGG) and of ${ip.anion} (free, CIP, AGG)`,
      spec: {
        $schema: SCHEMA,
        title: { text: `Ion pairs: ${s.cation} with ${ip.anion}`, subtitle: 'share of ions × frames' },
        width: 360,
        data: { values },
        mark: { type: 'bar' },
        encoding: {
          y: { field: 'of', type: 'nominal', sort: null, title: null },
          x: { field: 'percent', type: 'quantitative', stack: 'zero', title: '%', scale: { domain: [0, 100] } },
          color: { field: 'class', type: 'nominal', scale: { domain: ['SSIP', 'free', 'CIP', 'AGG'], range: ['#2ca02c', '#98df8a', '#1f77b4', '#d62728'] }, title: 'class' },
          order: { field: 'class', sort: 'descending' },
          tooltip: [{ field: 'of' }, { field: 'class' }, { field: 'percent', format: '.1f' }],
        },
      } as TopLevelSpec,
      csvs: [`${base(s)}-ion-pairs.csv`],
    });
  }
  if (s.lag_ps.length > 1) {
    const kinds = Object.keys(s.partners);
    const curve: Json[] = [];
    const step = Math.max(1, Math.floor(s.lag_ps.length / 600));
    for (const k of kinds) {
      const C = s.partners[k].C;
      for (let i = 0; i < s.lag_ps.length; i += step) if (Number.isFinite(C[i])) curve.push({ partner: k, lag_ps: s.lag_ps[i], C: C[i] });
    }
    const marks = kinds.flatMap((k) => (s.partners[k].residence_ps !== null ? [{ partner: k, tau_ps: s.partners[k].residence_ps, label: `τ_res ${k} ${ps(s.partners[k].residence_ps)} ps` }] : []));
    const color = { field: 'partner', type: 'nominal', title: 'partner', scale: selectionColors(kinds) };
    out.push({
      name: `${base(s)}-residence`,
      label: `C(τ) ${s.cation}`,
      caption: `Intermittent residence correlation C(τ) of ${s.cation}'s shell partners; τ_res where C falls below 1/e`,
      spec: {
        $schema: SCHEMA,
        title: { text: `Residence in the shell of ${s.cation}`, subtitle: 'intermittent C(τ); dashed: 1/e and τ_res' },
        width: 480,
        height: 300,
        layer: [
          {
            data: { values: curve },
            mark: { type: 'line', strokeWidth: 2 },
            encoding: { x: { field: 'lag_ps', type: 'quantitative', title: 'lag τ (ps)' }, y: { field: 'C', type: 'quantitative', title: 'C(τ)', scale: { domain: [0, 1] } }, color },
          },
          { data: { values: [{ y: Math.exp(-1) }] }, mark: { type: 'rule', color: 'gray', strokeDash: [2, 2] }, encoding: { y: { field: 'y', type: 'quantitative' } } },
          { data: { values: marks }, mark: { type: 'rule', strokeDash: [5, 3] }, encoding: { x: { field: 'tau_ps', type: 'quantitative' }, color, tooltip: { field: 'label' } } },
        ],
      } as TopLevelSpec,
      csvs: [`${base(s)}-residence.csv`],
    });
  }
  return out;
}

function summaryCells(s: SolvationSection): SummaryCell[] {
  const ip = s.ion_pairs;
  if (!ip) return [];
  return [
    {
      group: 'ion_pairs',
      label: s.cation,
      value: null,
      heading: `${s.cation} SSIP / CIP / AGG, free ${ip.anion}`,
      text: `${pct(ip.SSIP)} / ${pct(ip.CIP)} / ${pct(ip.AGG)}, ${pct(ip.per_anion.free)}`,
      json: { anion: ip.anion, SSIP: ip.SSIP, CIP: ip.CIP, AGG: ip.AGG, free_anion_fraction: ip.per_anion.free },
      csv: { [`SSIP(${s.cation})`]: ip.SSIP, [`CIP(${s.cation})`]: ip.CIP, [`AGG(${s.cation})`]: ip.AGG, [`free ${ip.anion}(${s.cation})`]: ip.per_anion.free },
    },
  ];
}

function fractions(o: Json, key: string, where: string): Record<string, number> {
  const v = object(o[key], `${where}.${key}`);
  return Object.fromEntries(Object.keys(v).map((k) => [k, num(v, k, `${where}.${key}`)]));
}

function strOrNull(o: Json, key: string, where: string): string | null {
  return o[key] === null || o[key] === undefined ? null : str(o, key, where);
}

function readPartner(raw: unknown, where: string): PartnerSection {
  const p = object(raw, where);
  return {
    cutoff_A: num(p, 'cutoff_A', where),
    cutoff_source: str(p, 'cutoff_source', where),
    cn: numOrNaN(p, 'cn', where),
    residence_ps: numOrNull(p, 'residence_ps', where),
    residence_note: strOrNull(p, 'residence_note', where),
    molecules: num(p, 'molecules', where),
    anion: bool(p, 'anion', where),
    shell_atom_elements: str(p, 'shell_atom_elements', where),
    cutoff_frames: numOrNull(p, 'cutoff_frames', where),
    cutoff_run_min_A: numOrNull(p, 'cutoff_run_min_A', where),
    shell_atoms_cn: numOrNaN(p, 'shell_atoms_cn', where),
    cn_distribution: fractions(p, 'cn_distribution', where),
    denticity: fractions(p, 'denticity', where),
    free_fraction: numOrNaN(p, 'free_fraction', where),
    residence_fit_ps: numOrNull(p, 'residence_fit_ps', where),
    mean_stay_ps: numOrNull(p, 'mean_stay_ps', where),
    C: nums(p, 'C', where),
  };
}

function readSection(raw: unknown, where: string): SolvationSection {
  const s = object(raw, where);
  const partnersRaw = object(s.partners, `${where}.partners`);
  const partners: Record<string, PartnerSection> = {};
  for (const k of Object.keys(partnersRaw)) partners[k] = readPartner(partnersRaw[k], `${where}.partners.${k}`);
  const lag = nums(s, 'lag_ps', where);
  for (const [k, p] of Object.entries(partners)) if (p.C.length !== lag.length) fail(`${where}.partners.${k}.C`, `holds ${p.C.length} values for ${lag.length} lags`);
  const section: SolvationSection = {
    cation: str(s, 'cation', where),
    count: num(s, 'count', where),
    shell_atoms: str(s, 'shell_atoms', where),
    frames: num(s, 'frames', where),
    dt_ps: numOrNull(s, 'dt_ps', where),
    partners,
    ion_pairs: maybe(s, 'ion_pairs', where, (ip, w) => {
      const per = object(ip.per_anion, `${w}.per_anion`);
      return {
        anion: str(ip, 'anion', w),
        anions: num(ip, 'anions', w),
        SSIP: numOrNaN(ip, 'SSIP', w),
        CIP: numOrNaN(ip, 'CIP', w),
        AGG: numOrNaN(ip, 'AGG', w),
        per_anion: { free: numOrNaN(per, 'free', `${w}.per_anion`), CIP: numOrNaN(per, 'CIP', `${w}.per_anion`), AGG: numOrNaN(per, 'AGG', `${w}.per_anion`) },
        anions_per_cation: fractions(ip, 'anions_per_cation', w),
        cations_per_anion: fractions(ip, 'cations_per_anion', w),
      };
    }),
    free_anion_fraction: s.free_anion_fraction === null ? null : num(s, 'free_anion_fraction', where),
    shells: array(s.shells, `${where}.shells`).map((c, i) => {
      const w = `${where}.shells[${i}]`;
      const o = object(c, w);
      return { composition: fractions(o, 'composition', w), label: str(o, 'label', w), fraction: num(o, 'fraction', w) };
    }),
    polymer: maybe(s, 'polymer', where, (p, w) => ({ chains: numOrNaN(p, 'chains', w), ether_O: numOrNull(p, 'ether_O', w) })),
    exchanges: maybe(s, 'exchanges', where, (x, w) => ({
      window_ps: num(x, 'window_ps', w),
      per_cation_per_ns: numOrNaN(x, 'per_cation_per_ns', w),
      cross_kind_per_cation_per_ns: numOrNaN(x, 'cross_kind_per_cation_per_ns', w),
      by_kind: array(x.by_kind, `${w}.by_kind`).map((b, i) => {
        const o = object(b, `${w}.by_kind[${i}]`);
        const wb = `${w}.by_kind[${i}]`;
        return { from: str(o, 'from', wb), to: str(o, 'to', wb), events: num(o, 'events', wb), per_cation_per_ns: numOrNaN(o, 'per_cation_per_ns', wb) };
      }),
    })),
    lag_ps: lag,
    method: str(s, 'method', where),
    notes: strs(s, 'notes', where),
  };
  return section;
}

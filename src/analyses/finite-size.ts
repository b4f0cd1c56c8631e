import { addCell, addCellSums, cellMean, emptyCellSums, type CellSums } from '../analysis/cell-mean.js';
import { dUnits } from '../analysis/diffusion.js';
import { yehHummer, yehHummerCorrection, YEH_HUMMER_XI } from '../analysis/finite-size.js';
import { InputError } from '../model/errors.js';
import type { Analysis } from '../pipeline/contract.js';
import { escapeHtml as e, formatNumber as f, scientific, withError } from '../report/format.js';
import { array, bool, dWithError, num, numOrNull, object, str, strs } from '../report/json-check.js';
import type { MsdResult } from './msd.js';

/**
 * The cell the MSD ran in, and with `--viscosity η` the Yeh–Hummer finite-size correction of
 * each D (src/analysis/finite-size.ts): D∞ = D + k_B T ξ / (6π η L), for cubic cells of edge L
 * (mean over the frames; ξ belongs to the cubic lattice, so another cell gets no D∞, with a
 * note). For a cubic cell the hydrodynamic self-interaction is isotropic, so the same correction
 * holds for D in a plane or along an axis (--msd-dims).
 *
 * A module of its own, not part of the MSD or the conductivity: it folds only the cell (so it
 * does not touch the MSD's storage), and it runs with every --msd, viscosity or not, because the
 * batch summary fits η and D∞ from D against 1/L across runs of several box sizes and needs
 * each run's L (summary.ts reads `box_length_A`).
 */
export interface FiniteSizeConfig {
  viscosityMPaS: number | null;
  temperatureK: number | null;
}

export interface FiniteSizeResult {
  /** Mean edge of the cubic cell, Å (null: some frame's cell is not cubic, or there is none). */
  boxLengthA: number | null;
  volumeA3: number | null;
  temperatureK: number | null;
  viscosityMPaS: number | null;
  /** k_B T ξ / (6π η L), Å²/ps (null without a viscosity or a cubic cell). */
  correctionA2PerPs: number | null;
  dInfinite: { selection: string; dA2PerPs: number; stderrA2PerPs: number | null }[];
  notes: string[];
}

type DValue = { A2_per_ps: number; A2_per_ns: number; cm2_per_s: number; stderr_A2_per_ps: number; stderr_A2_per_ns: number; stderr_cm2_per_s: number };

/** The `finite_size` section of the results document. */
export interface FiniteSizeSection {
  box_length_A: number | null;
  cubic: boolean;
  volume_A3: number | null;
  temperature_K: number | null;
  viscosity_mPa_s: number | null;
  xi: number;
  correction_A2_per_ps: number | null;
  D_infinite: ({ selection: string } & DValue)[];
  method: string;
  notes: string[];
}

const METHOD = 'Yeh & Hummer, J. Phys. Chem. B 108, 15873 (2004): D∞ = D + k_B T ξ / (6π η L), ξ = 2.837297, L the mean edge of the cubic cell; the error is that of D (η taken as exact)';

export const finiteSizeAnalysis: Analysis<FiniteSizeConfig, FiniteSizeConfig, CellSums, FiniteSizeResult, FiniteSizeSection> = {
  key: 'finite_size',
  title: 'the cell and the Yeh–Hummer finite-size correction of D',
  standalone: false,
  after: ['msd'],
  example: { msd: ['Na', 'FSI'], viscosity: '0.89', temperature: '298' },
  options: [
    {
      key: 'viscosity',
      flag: '--viscosity <eta>',
      help: 'shear viscosity, mPa·s (= cP; or with a unit: 0.89mPas, 8.9e-4Pas): adds D∞ = D + k_B T ξ / (6π η L) for cubic cells (Yeh–Hummer); needs --temperature',
      commands: ['analyze', 'batch'],
      parse: parseViscosityMPaS,
    },
  ],

  configure(o) {
    const viscosityMPaS = o.get<number>('viscosity') ?? null;
    if ((o.get<string[]>('msd') ?? []).length === 0) {
      if (viscosityMPaS !== null) throw new InputError('--viscosity corrects the D of --msd selections; give at least one --msd');
      return null;
    }
    const temperatureK = o.get<number>('temperature') ?? null;
    if (viscosityMPaS !== null && temperatureK === null) {
      throw new InputError('--viscosity needs the temperature of the run for k_B T: --temperature T in K (e.g. --temperature 298)');
    }
    return { viscosityMPaS, temperatureK };
  },

  prepare: (config) => config,
  needsUnwrapped: () => false,
  create: () => emptyCellSums(),
  readAtoms: () => new Int32Array(0),
  add(_p, st, { frame }) {
    addCell(st, frame.box);
  },
  merge: (_p, a, b) => addCellSums(a, b),
  encode: (st) => ({ ...st }),
  decode: (_p, wire) => ({ ...(wire as CellSums) }),

  async finish(p, st, env) {
    const msd = env.result<MsdResult[]>('msd') ?? [];
    const mean = cellMean(st);
    const out: FiniteSizeResult = {
      boxLengthA: mean.cubicEdgeA,
      volumeA3: mean.volumeA3,
      temperatureK: p.temperatureK,
      viscosityMPaS: p.viscosityMPaS,
      correctionA2PerPs: null,
      dInfinite: [],
      notes: [],
    };
    if (p.viscosityMPaS === null || p.temperatureK === null) return out;
    const length = mean.cubicEdgeA;
    if (length === null) {
      out.notes.push(
        mean.volumeA3 === null
          ? 'no D∞: some frames have no cell'
          : 'no D∞: the cell is not cubic in every frame, and the Yeh–Hummer constant ξ = 2.837297 belongs to cubic cells (other shapes have their own, direction-dependent corrections)',
      );
      return out;
    }
    out.correctionA2PerPs = yehHummerCorrection(p.temperatureK, p.viscosityMPaS, length);
    for (const m of msd) {
      const d = m.diffusion;
      const err = Number.isFinite(d.stderrA2PerPs) && d.stderrA2PerPs > 0 ? d.stderrA2PerPs : null;
      const v = yehHummer({ dA2PerPs: d.dA2PerPs, stderrA2PerPs: err }, p.temperatureK, { mPaS: p.viscosityMPaS, stderr: null }, length);
      out.dInfinite.push({ selection: m.selection, dA2PerPs: v.value, stderrA2PerPs: v.stderr });
    }
    return out;
  },

  document: {
    key: 'finite_size',
    toJson: (r) => ({
      box_length_A: r.boxLengthA,
      cubic: r.boxLengthA !== null,
      volume_A3: r.volumeA3,
      temperature_K: r.temperatureK,
      viscosity_mPa_s: r.viscosityMPaS,
      xi: YEH_HUMMER_XI,
      correction_A2_per_ps: r.correctionA2PerPs,
      D_infinite: r.dInfinite.map((d) => {
        const v = dUnits(d.dA2PerPs), s = dUnits(d.stderrA2PerPs ?? NaN);
        return { selection: d.selection, ...v, stderr_A2_per_ps: s.A2_per_ps, stderr_A2_per_ns: s.A2_per_ns, stderr_cm2_per_s: s.cm2_per_s };
      }),
      method: METHOD,
      notes: r.notes,
    }),
    read(raw, where) {
      const s = object(raw, where);
      return {
        box_length_A: numOrNull(s, 'box_length_A', where),
        cubic: bool(s, 'cubic', where),
        volume_A3: numOrNull(s, 'volume_A3', where),
        temperature_K: numOrNull(s, 'temperature_K', where),
        viscosity_mPa_s: numOrNull(s, 'viscosity_mPa_s', where),
        xi: num(s, 'xi', where),
        correction_A2_per_ps: numOrNull(s, 'correction_A2_per_ps', where),
        D_infinite: array(s.D_infinite, `${where}.D_infinite`).map((x, k) => {
          const w = `${where}.D_infinite[${k}]`;
          const d = object(x, w);
          return { selection: str(d, 'selection', w), ...dWithError(d, w) };
        }),
        method: str(s, 'method', where),
        notes: strs(s, 'notes', where),
      };
    },
    text(s) {
      if (s.viscosity_mPa_s === null) return [];
      const lines = ['', `Finite-size correction (Yeh–Hummer), η = ${f(s.viscosity_mPa_s, 4)} mPa·s, T = ${f(s.temperature_K ?? NaN, 6)} K`];
      if (s.correction_A2_per_ps === null) {
        for (const n of s.notes) lines.push(`  ${n}`);
        return lines;
      }
      lines.push(`  D∞ = D + k_B T ξ / (6π η L) = D + ${f(s.correction_A2_per_ps, 4)} Å²/ps (L = ${f(s.box_length_A!, 6)} Å, cubic)`);
      const w = Math.max(...s.D_infinite.map((d) => d.selection.length));
      for (const d of s.D_infinite) {
        const cm2 = d.stderr_cm2_per_s > 0 ? scientific(d.cm2_per_s, d.stderr_cm2_per_s) : d.cm2_per_s.toExponential(2);
        lines.push(`  ${d.selection.padEnd(w)}  D∞ = ${withError(d.A2_per_ps, d.stderr_A2_per_ps)} Å²/ps = ${cm2} cm²/s`);
      }
      return lines;
    },
    html(s) {
      if (s.viscosity_mPa_s === null) return '';
      if (s.correction_A2_per_ps === null) return `<h2>Finite-size correction</h2>\n<p>${s.notes.map(e).join(' ')}</p>`;
      const rows = s.D_infinite.map((d) => `<tr><td>${e(d.selection)}</td><td>${withError(d.A2_per_ps, d.stderr_A2_per_ps)}</td><td>${d.stderr_cm2_per_s > 0 ? scientific(d.cm2_per_s, d.stderr_cm2_per_s) : d.cm2_per_s.toExponential(2)}</td></tr>`).join('\n');
      return `<h2>Finite-size correction (Yeh–Hummer)</h2>
<p>η = ${f(s.viscosity_mPa_s, 4)} mPa·s, T = ${f(s.temperature_K ?? NaN, 6)} K, L = ${f(s.box_length_A!, 6)} Å: D∞ = D + ${f(s.correction_A2_per_ps, 4)} Å²/ps. ${e(s.method)}.</p>
<table><tr><th>selection</th><th>D∞ (Å²/ps)</th><th>D∞ (cm²/s)</th></tr>
${rows}</table>`;
    },
    summary: (s) => s.D_infinite.map((d) => ({ group: 'D_inf', label: d.selection, value: d.A2_per_ps, stderr: Number.isFinite(d.stderr_A2_per_ps) ? d.stderr_A2_per_ps : null, diffusion: true })),
    notes: (s) => s.notes,
  },
};

const VISCOSITY_IN_MPAS: Record<string, number> = { '': 1, mpas: 1, 'mpa·s': 1, 'mpa.s': 1, 'mpa*s': 1, cp: 1, pas: 1000, 'pa·s': 1000, 'pa.s': 1000, 'pa*s': 1000 };

/** `--viscosity 0.89` (mPa·s), `0.89cP`, `8.9e-4Pa·s`. */
export function parseViscosityMPaS(text: string, name: string): number {
  const m = /^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*([A-Za-z·.*]*)\s*$/.exec(text);
  const scale = m ? VISCOSITY_IN_MPAS[m[2].toLowerCase()] : undefined;
  const v = m && scale !== undefined ? Number(m[1]) * scale : NaN;
  if (!(v > 0) || !Number.isFinite(v)) throw new InputError(`${name}: expected a viscosity in mPa·s (= cP), e.g. 0.89 or 0.89cP or 8.9e-4Pa·s, not ${JSON.stringify(text)}`);
  return v;
}

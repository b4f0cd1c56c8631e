import { transferenceNumber } from '../analysis/diffusion.js';
import { withError } from '../report/format.js';
import { escapeHtml as e } from '../report/format.js';
import { num, numOrNull, object, str } from '../report/json-check.js';
import type { Analysis } from '../pipeline/contract.js';
import type { MsdResult } from './msd.js';

/**
 * The Nernst–Einstein cation transference number t⁺ = D⁺/(D⁺ + D⁻), when exactly one `--msd`
 * selection is a free cation (Li⁺, Na⁺ …) and one a known anion (FSI⁻, TFSI⁻, PF6⁻ … or an
 * unbonded halide), with its error propagated from the two D (ion correlations are ignored, as
 * the estimate itself does). It folds nothing: it reads the MSD's results.
 */
export interface Transference {
  cation: string;
  anion: string;
  tPlus: number;
  stderr: number | null;
}

export interface TransferenceSection {
  cation: string;
  anion: string;
  t_plus: number;
  stderr: number | null;
  method: string;
}

const METHOD = 'Nernst–Einstein: t⁺ = D⁺ / (D⁺ + D⁻)';

export const transferenceAnalysis: Analysis<true, null, null, Transference | null, TransferenceSection | null> = {
  key: 'transference',
  title: 'Nernst–Einstein transference number',
  standalone: false,
  after: ['msd'],
  example: { msd: ['Na', 'FSI'] },
  options: [],
  configure: (o) => ((o.get<string[]>('msd') ?? []).length > 0 ? true : null),
  prepare: () => null,
  needsUnwrapped: () => false,
  create: () => null,
  readAtoms: () => new Int32Array(0),
  add() {},
  merge: () => null,
  encode: () => null,
  decode: () => null,

  async finish(_p, _st, env) {
    const msd = env.result<MsdResult[]>('msd') ?? [];
    const cations = msd.filter((m) => m.ion === 'cation');
    const anions = msd.filter((m) => m.ion === 'anion');
    if (cations.length !== 1 || anions.length !== 1) return null;
    const c = cations[0].diffusion, a = anions[0].diffusion;
    const t = transferenceNumber(c.dA2PerPs, c.stderrA2PerPs, a.dA2PerPs, a.stderrA2PerPs);
    return { cation: cations[0].selection, anion: anions[0].selection, tPlus: t.t, stderr: t.stderr };
  },

  document: {
    key: 'transference',
    absent: null,
    toJson: (t) => (t ? { cation: t.cation, anion: t.anion, t_plus: t.tPlus, stderr: t.stderr, method: METHOD } : null),
    read(raw, where) {
      if (raw === null || raw === undefined) return null;
      const t = object(raw, where);
      return { cation: str(t, 'cation', where), anion: str(t, 'anion', where), t_plus: num(t, 't_plus', where), stderr: numOrNull(t, 'stderr', where), method: str(t, 'method', where) };
    },
    text: (t) => (t ? [`  t⁺ (Nernst–Einstein, ${t.cation} vs ${t.anion}) = ${withError(t.t_plus, t.stderr)}`] : []),
    html: (t) => (t ? `<p>Nernst–Einstein cation transference number t⁺ = ${withError(t.t_plus, t.stderr)} (${e(t.cation)} vs ${e(t.anion)}).</p>` : ''),
    summary: (t) => (t ? [{ group: 't_plus', label: '', heading: 't⁺', value: t.t_plus, stderr: t.stderr }] : []),
  },
};

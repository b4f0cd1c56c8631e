import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConductivitySection } from '../../src/analyses/conductivity.js';
import { analyze, ANALYSES, documentJson, documentOf } from '../../src/index.js';
import { FIXTURES } from '../support/io.js';
import { NAFSI_DUMP } from '../support/nafsi.js';

/**
 * `mdpost analyze --msd Na --msd FSI --conductivity --temperature 298 --fit 5:19.5` on the
 * shipped NaFSI/water trajectory against a numpy program written from the definitions alone
 * (test/fixtures/peers/onsager/make_nafsi_reference.py: its own reading of the dump, direct
 * all-origin sums instead of FFTs, direct cross products instead of polarisation, np.polyfit,
 * np.cov over the blocks, explicit gradients). Measured agreement: ≤ 1.4e-14 relative on every
 * value and error; the tolerance is 1e-13.
 */
interface Estimate {
  value: number;
  stderr: number;
}
interface Ref {
  setup: { temperature_K: number; window_lags: [number, number]; dt_ps: number; frames: number; blocks: number; ions: Record<string, number> };
  volume_A3: number;
  D_A2_per_ps: Record<string, Estimate>;
  sigma_NE_mS_per_cm: Estimate;
  sigma_EH_mS_per_cm: Estimate;
  sigma_onsager_mS_per_cm: Estimate;
  onsager_mS_per_cm: Record<string, Estimate>;
  onsager_self_mS_per_cm: Record<string, Estimate>;
  onsager_distinct_mS_per_cm: Record<string, Estimate>;
  t_plus_onsager: Estimate;
  t_plus_nernst_einstein: Estimate;
  ionicity: Estimate;
  haven_ratio: Estimate;
  variance_scale: number;
  charge_msd_e2A2_at_lags: Record<string, number>;
}
const ref: Ref = JSON.parse(readFileSync(join(FIXTURES, 'peers/onsager/nafsi-reference.json'), 'utf8'));
const TOL = 1e-13;

describe('conductivity of the shipped NaFSI/water run against numpy from the definitions', () => {
  const result = (async () => {
    const finished = await analyze(NAFSI_DUMP, { msd: ['Na', 'FSI'], conductivity: true, temperature: String(ref.setup.temperature_K), fit: '5:19.5' }, { workers: 2 });
    const doc = documentJson(documentOf(finished, ANALYSES, 'test'));
    return { c: doc.conductivity as ConductivitySection, msd: doc.msd as { selection: string; D: { A2_per_ps: number; stderr_A2_per_ps: number } }[] };
  })();
  const close = (got: number | null, want: number, what: string) => expect(Math.abs(got! - want), `${what}: ${got} vs ${want}`).toBeLessThanOrEqual(TOL * Math.abs(want));

  it('the same window, cell and D', async () => {
    const { c, msd } = await result;
    const [from, to] = ref.setup.window_lags;
    expect(c.fit).toEqual({ from_ps: from * ref.setup.dt_ps, to_ps: to * ref.setup.dt_ps, auto: false });
    expect(c.ions.map((i) => [i.selection, i.count])).toEqual(Object.entries(ref.setup.ions));
    expect(c.error.blocks).toBe(ref.setup.blocks);
    close(c.volume_A3, ref.volume_A3, 'V');
    close(c.error.variance_scale, ref.variance_scale, 'variance scale');
    for (const m of msd) {
      close(m.D.A2_per_ps, ref.D_A2_per_ps[m.selection].value, `D(${m.selection})`);
      close(m.D.stderr_A2_per_ps, ref.D_A2_per_ps[m.selection].stderr, `D(${m.selection}) error`);
    }
    const dt = ref.setup.dt_ps;
    for (const [lag, v] of Object.entries(ref.charge_msd_e2A2_at_lags)) close(c.charge_msd_e2A2[Number(lag)], v, `charge MSD at ${Number(lag) * dt} ps`);
  });

  it('σ_NE, σ_EH, e²Σ z z L, the ionicity and the Haven ratio, each with its error', async () => {
    const { c } = await result;
    close(c.sigma_NE_mS_per_cm, ref.sigma_NE_mS_per_cm.value, 'σ_NE');
    close(c.sigma_NE_stderr_mS_per_cm, ref.sigma_NE_mS_per_cm.stderr, 'σ_NE error');
    close(c.sigma_EH_mS_per_cm, ref.sigma_EH_mS_per_cm.value, 'σ_EH');
    close(c.sigma_EH_stderr_mS_per_cm, ref.sigma_EH_mS_per_cm.stderr, 'σ_EH error');
    close(c.sigma_onsager_mS_per_cm, ref.sigma_onsager_mS_per_cm.value, 'σ Onsager');
    close(c.sigma_onsager_stderr_mS_per_cm, ref.sigma_onsager_mS_per_cm.stderr, 'σ Onsager error');
    close(c.ionicity, ref.ionicity.value, 'ionicity');
    close(c.ionicity_stderr, ref.ionicity.stderr, 'ionicity error');
    close(c.haven_ratio, ref.haven_ratio.value, 'Haven ratio');
    close(c.haven_ratio_stderr, ref.haven_ratio.stderr, 'Haven ratio error');
  });

  it('e²L_ij with its self and distinct parts, and t⁺ both ways', async () => {
    const { c } = await result;
    for (const [map, errors, theirs] of [
      [c.onsager_mS_per_cm, c.onsager_stderr_mS_per_cm, ref.onsager_mS_per_cm],
      [c.onsager_self_mS_per_cm, c.onsager_self_stderr_mS_per_cm, ref.onsager_self_mS_per_cm],
      [c.onsager_distinct_mS_per_cm, c.onsager_distinct_stderr_mS_per_cm, ref.onsager_distinct_mS_per_cm],
    ] as const) {
      expect(Object.keys(map)).toEqual(Object.keys(theirs));
      for (const k of Object.keys(theirs)) {
        // The cross term is a small difference of large collective MSDs: compared on the scale of the terms it comes from.
        const scale = Math.max(Math.abs(theirs[k].value), ref.onsager_mS_per_cm['Na,Na'].value);
        expect(Math.abs(map[k] - theirs[k].value), `L ${k}`).toBeLessThanOrEqual(TOL * scale);
        close(errors[k], theirs[k].stderr, `L ${k} error`);
      }
    }
    close(c.t_plus_onsager, ref.t_plus_onsager.value, 't⁺ Onsager');
    close(c.t_plus_onsager_stderr, ref.t_plus_onsager.stderr, 't⁺ Onsager error');
    close(c.t_plus_nernst_einstein, ref.t_plus_nernst_einstein.value, 't⁺ NE');
    close(c.t_plus_nernst_einstein_stderr, ref.t_plus_nernst_einstein.stderr, 't⁺ NE error');
  });
});

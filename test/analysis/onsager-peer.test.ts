import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectiveSeries } from '../../src/analysis/charge-msd.js';
import { onsager, type Estimate } from '../../src/analysis/onsager.js';
import { FIXTURES } from '../support/io.js';
import { uniform } from '../support/random.js';

/**
 * mdpost's Onsager analysis against a numpy program written from the definitions alone
 * (test/fixtures/peers/onsager/make_reference.py: direct all-origin sums instead of FFTs, direct
 * cross products instead of polarisation, np.polyfit, np.cov, explicit gradients). The
 * trajectory is regenerated here from the same seeded uniforms, bit for bit: three species
 * (+1 ×5, −1 ×7, +2 ×1) taking uniform steps, the anions partly dragged along by the cations,
 * the COM of the ions (with masses) moving as a result.
 */
interface Ref {
  setup: {
    species: { name: string; charge_e: number; ions: number; mass_u: number; step_half_width_A: number }[];
    frames: number;
    dt_ps: number;
    volume_A3: number;
    temperature_K: number;
    seed: number;
    coupling: number;
    window_lags: [number, number];
    blocks: number;
  };
  check_positions: { last_frame_first_ion_of_each_species_A: number[][]; com_last_frame_A: number[] };
  variance_scale: number;
  L_mS_per_cm: { total: Estimate; self: Estimate | null; distinct: Estimate }[][];
  sigma_EH_mS_per_cm: Estimate;
  sigma_onsager_mS_per_cm: Estimate;
  sigma_NE_mS_per_cm: Estimate & { stderr_brownian: number };
  D_A2_per_ps: Estimate[];
  transference: Estimate[];
  ionicity: Estimate;
  haven: Estimate;
  curves: { lags: number[]; charge_e2A2: number[]; pair_A2: Record<string, number[]>; self_A2: number[][] };
}
const ref: Ref = JSON.parse(readFileSync(join(FIXTURES, 'peers/onsager/reference.json'), 'utf8'));
const setup = ref.setup;

/** The script's trajectory: initial positions species by species, then each frame's steps in the same order. */
function trajectory(): { pos: Float64Array[]; com: Float64Array } {
  const u = uniform(setup.seed);
  const F = setup.frames;
  const pos = setup.species.map((sp) => new Float64Array(F * sp.ions * 3));
  setup.species.forEach((sp, s) => {
    for (let j = 0; j < 3 * sp.ions; j++) pos[s][j] = 30 * u();
  });
  for (let t = 1; t < F; t++) {
    const steps = setup.species.map((sp) => {
      const st = new Float64Array(3 * sp.ions);
      for (let j = 0; j < st.length; j++) st[j] = (2 * u() - 1) * sp.step_half_width_A;
      return st;
    });
    for (let i = 0; i < setup.species[1].ions; i++) for (let d = 0; d < 3; d++) steps[1][3 * i + d] = steps[1][3 * i + d] + setup.coupling * steps[0][3 * (i % 5) + d];
    setup.species.forEach((sp, s) => {
      const w = 3 * sp.ions;
      for (let j = 0; j < w; j++) pos[s][t * w + j] = pos[s][(t - 1) * w + j] + steps[s][j];
    });
  }
  const com = new Float64Array(3 * F);
  const mass = setup.species.reduce((a, sp) => a + sp.ions * sp.mass_u, 0);
  for (let t = 0; t < F; t++) {
    setup.species.forEach((sp, s) => {
      for (let i = 0; i < sp.ions; i++) for (let d = 0; d < 3; d++) com[3 * t + d] += (sp.mass_u * pos[s][(t * sp.ions + i) * 3 + d]) / mass;
    });
  }
  return { pos, com };
}

describe('Onsager coefficients and conductivities against numpy from the definitions', () => {
  const { pos, com } = trajectory();
  const F = setup.frames;
  const species = setup.species.map((sp, s) => ({ name: sp.name, chargeE: sp.charge_e, ions: sp.ions, seriesA: pos[s] }));
  const [from, to] = setup.window_lags;
  const result = onsager(
    { species, collective: collectiveSeries(pos, setup.species.map((sp) => sp.ions), com, F), dtPs: setup.dt_ps, volumeA3: setup.volume_A3, temperatureK: setup.temperature_K },
    { window: { from, to, fromPs: from * setup.dt_ps, toPs: to * setup.dt_ps, auto: false }, blocks: setup.blocks },
  );
  // Measured agreement (relative): MSD curves ≤ 2.2e-13, values ≤ 1.6e-13, standard errors
  // ≤ 6e-14; tolerances ~10× that.
  const close = (mine: number, theirs: number, rel: number, what: string, scale = Math.abs(theirs)) =>
    expect(Math.abs(mine - theirs), `${what}: ${mine} vs ${theirs}`).toBeLessThanOrEqual(rel * scale);
  /** Values relative to `scale` (a distinct part that is zero is compared with its total). */
  const same = (mine: Estimate, theirs: Estimate, what: string, scale?: Estimate) => {
    close(mine.value, theirs.value, 2e-12, what, Math.abs((scale ?? theirs).value));
    close(mine.stderr, theirs.stderr, 6e-13, `${what} stderr`, Math.abs((scale ?? theirs).stderr));
  };

  it('regenerates the script\'s trajectory exactly', () => {
    setup.species.forEach((sp, s) => {
      const last = Array.from(pos[s].subarray((F - 1) * 3 * sp.ions, (F - 1) * 3 * sp.ions + 3));
      expect(last).toEqual(ref.check_positions.last_frame_first_ion_of_each_species_A[s]);
    });
    ref.check_positions.com_last_frame_A.forEach((v, d) => close(com[3 * (F - 1) + d], v, 1e-14, 'COM'));
  });

  it('the collective and self MSDs equal the direct all-origin sums', () => {
    const c = result.curves;
    ref.curves.lags.forEach((m, k) => {
      close(c.chargeE2A2[m], ref.curves.charge_e2A2[k], 2e-12, `charge MSD at lag ${m}`);
      for (const [key, values] of Object.entries(ref.curves.pair_A2)) {
        const [i, j] = key.split(' ').map(Number);
        // Cross terms by polarisation: rounding relative to the self terms, not to the (smaller) cross term.
        const scale = Math.abs(values[k]) + Math.abs(ref.curves.pair_A2[`${i} ${i}`][k]) + Math.abs(ref.curves.pair_A2[`${j} ${j}`][k]);
        expect(Math.abs(c.pairA2[i][j][m] - values[k]), `pair ${key} at lag ${m}`).toBeLessThanOrEqual(2e-12 * scale);
      }
      ref.curves.self_A2.forEach((values, i) => close(c.selfA2[i][m], values[k], 2e-12, `self ${i} at lag ${m}`));
    });
  });

  it('e²L_ij (total, self, distinct), σ_EH, σ, σ_NE, t_i, ionicity and Haven ratio, with their block errors', () => {
    expect(result.error.varianceScale).toBeCloseTo(ref.variance_scale, 12);
    expect(result.error.dof).toBe(setup.blocks - 1);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const mine = result.l[i][j], theirs = ref.L_mS_per_cm[i][j];
        same(mine.total, theirs.total, `L ${i}${j}`);
        same(mine.distinct, theirs.distinct, `L ${i}${j} distinct`, theirs.total);
        if (i === j) same(mine.self!, theirs.self!, `L ${i}${i} self`);
        else expect(mine.self).toBeNull();
      }
      same(result.transference[i], ref.transference[i], `t ${i}`);
      close(result.species[i].diffusion.dA2PerPs, ref.D_A2_per_ps[i].value, 2e-12, `D ${i}`);
      close(result.species[i].diffusion.stderrA2PerPs, ref.D_A2_per_ps[i].stderr, 6e-13, `D ${i} stderr`);
    }
    same(result.sigmaEH, ref.sigma_EH_mS_per_cm, 'σ_EH');
    same(result.sigmaOnsager, ref.sigma_onsager_mS_per_cm, 'σ');
    same(result.sigmaNE, ref.sigma_NE_mS_per_cm, 'σ_NE');
    close(result.sigmaNE.stderrBrownian, ref.sigma_NE_mS_per_cm.stderr_brownian, 6e-13, 'σ_NE Brownian stderr');
    same(result.ionicity, ref.ionicity, 'ionicity');
    same(result.haven, ref.haven, 'Haven ratio');
  });
});

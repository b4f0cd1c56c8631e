import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mdpost } from '../support/cli.js';
import { tempFile } from '../support/io.js';
import { NAFSI_DUMP } from '../support/nafsi.js';

/**
 * A batch with --conductivity: each run's temperature (from the job file, or from its path with
 * --temperature-from) is the temperature of its conductivity, σ goes into the summary and is
 * fitted against 1/T as D is. The same trajectory at two temperatures: σ ∝ 1/T, so the two runs
 * differ by exactly T₂/T₁, and the Arrhenius fit of two points has Ea = −k_B ln(T₂/T₁)/(1/T₁ − 1/T₂)
 * (negative: σ falls as T rises when only the 1/T of e²/(V k_B T) changes).
 */
const BOLTZMANN_EV_PER_K = 8.617333262e-5;
const read = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describe('mdpost batch --conductivity', () => {
  const dir = join(tempFile('.anchor', ''), '..', `cond-batch-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'job.json'),
    JSON.stringify({
      defaults: { msd: ['Na', 'FSI'], conductivity: true },
      runs: [
        { file: NAFSI_DUMP, temperature: 298, label: '298 K' },
        { file: NAFSI_DUMP, temperature: 330, label: '330 K' },
      ],
    }),
  );
  const out = join(dir, 'out');
  const r = mdpost(['batch', join(dir, 'job.json'), '--out', out, '--workers', '1']);

  it("gives each run's conductivity its temperature, and refuses a job with a run that has none, naming it", () => {
    expect(r.code).toBe(0);
    writeFileSync(join(dir, 'no-t.json'), JSON.stringify({ defaults: { msd: ['Na', 'FSI'], conductivity: true }, runs: [{ file: NAFSI_DUMP, temperature: 300 }, { file: NAFSI_DUMP }] }));
    const bad = mdpost(['batch', join(dir, 'no-t.json'), '--out', join(dir, 'bad'), '--workers', '1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no-t\.json: runs\[1\]: --conductivity needs the temperature of the run: --temperature T in K .*in a batch job file, each run's "temperature"/);
    const [a, b] = ['298-K', '330-K'].map((id) => read(join(out, id, 'analysis.json')).conductivity);
    expect(a.temperature_K).toBe(298);
    expect(b.temperature_K).toBe(330);
    expect(a.sigma_EH_mS_per_cm / b.sigma_EH_mS_per_cm).toBeCloseTo(330 / 298, 12);
    expect(a.sigma_NE_mS_per_cm / b.sigma_NE_mS_per_cm).toBeCloseTo(330 / 298, 12);
    expect(a.haven_ratio).toBeCloseTo(b.haven_ratio, 12);
  });

  it('puts σ_EH, σ_NE, the Haven ratio and t⁺ (Onsager) in the summary, and fits ln σ against 1/T', () => {
    const s = read(join(out, 'summary.json'));
    const row = s.rows[0];
    expect(Object.keys(row.sigma)).toEqual(['EH', 'NE']);
    expect(row.sigma.EH.value).toBe(read(join(out, '298-K', 'analysis.json')).conductivity.sigma_EH_mS_per_cm);
    expect(row.haven.value).toBeGreaterThan(0);
    expect(row.t_plus_onsager.value).toBeGreaterThan(0);
    const eh = s.arrhenius_sigma.find((f: { selection: string }) => f.selection === 'EH');
    expect(eh.temperatures).toBe(2);
    expect(eh.ea_eV).toBeCloseTo((-BOLTZMANN_EV_PER_K * Math.log(330 / 298)) / (1 / 298 - 1 / 330), 10);
    expect(r.stdout).toMatch(/^Arrhenius, sigma\(EH\): Ea = -[\d.]+ ± [\d.]+ eV from 2 runs at 2 temperatures \(sigma0 = [\d.]+ mS\/cm\)$/m);
    expect(r.stdout.split('\n')[0]).toMatch(/σ_EH mS\/cm +σ_NE mS\/cm +Haven +t⁺ Onsager/);
  });

  it('the glob form takes each temperature from its path for the conductivity too', () => {
    for (const t of [300, 350]) {
      mkdirSync(join(dir, 'runs', `T${t}`), { recursive: true });
      symlinkSync(NAFSI_DUMP, join(dir, 'runs', `T${t}`, 'dump.lammpstrj.gz'));
    }
    const g = mdpost(['batch', 'runs/T*/dump.lammpstrj.gz', '--msd', 'Na', '--msd', 'FSI', '--conductivity', '--temperature-from', 'T(\\d+)', '--out', 'glob', '--workers', '1'], { cwd: dir });
    expect(g.code).toBe(0);
    const s = read(join(dir, 'glob', 'summary.json'));
    expect(s.rows.map((x: { temperature_K: number }) => x.temperature_K)).toEqual([300, 350]);
    expect(s.rows[0].sigma.EH.value / s.rows[1].sigma.EH.value).toBeCloseTo(350 / 300, 12);
  });
});

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mdpost } from '../support/cli.js';
import { tempFile } from '../support/io.js';
import { NAFSI_DUMP, NAFSI_XYZ } from '../support/nafsi.js';

/** A job over the shipped trajectory (as dump and as XYZ, at made-up temperatures), one broken file and one file split into 3 parts. */
function jobFolder(): string {
  const dir = join(tempFile('.anchor', ''), '..', `batch-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'broken.lammpstrj'), 'ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\nmany\n');
  writeFileSync(
    join(dir, 'job.json'),
    JSON.stringify({
      defaults: { msd: ['Na', 'FSI'], rdf: ['Na,O'], fit: '5:100' },
      runs: [
        { file: NAFSI_DUMP, temperature: 300, label: 'dump 300 K' },
        { file: NAFSI_XYZ, temperature: 330, label: 'xyz 330 K', box: '23.795186 23.795186 23.795186', dt: '0.5ps' },
        { file: 'broken.lammpstrj', temperature: 340, label: 'broken' },
        { file: NAFSI_DUMP, temperature: 360, label: 'dump in 3 parts', parts: 3 },
      ],
    }),
  );
  return dir;
}

const summary = (dir: string) => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));

describe('mdpost batch', () => {
  const dir = jobFolder();
  const out = join(dir, 'single');
  const first = mdpost(['batch', join(dir, 'job.json'), '--out', out, '--workers', '1']);

  it('analyses every file into its own folder and reports the broken one, exiting 3', () => {
    expect(first.code).toBe(3);
    expect(first.stderr).toMatch(/\[3\/6\] broken: FAILED: .*broken\.lammpstrj, line 4, frame 0: expected the number of atoms \(an integer\), not "many"/);
    expect(first.stderr).toMatch(/1 of 6 failed/);
    // A line per file as it ends, with the time left by the bytes still to read.
    expect(first.stderr).toMatch(/^\[1\/6\] dump 300 K: done in \d+\.\d s, about \d+(\.\d)? s left$/m);
    expect(first.stderr).toMatch(/^\[6\/6\] dump in 3 parts \(part 3\/3\): done in \d+\.\d s$/m);
    const s = summary(out);
    expect(s.rows.map((r: { label: string; status: string }) => [r.label, r.status])).toEqual([
      ['dump 300 K', 'ok'],
      ['xyz 330 K', 'ok'],
      ['broken', 'failed'],
      ['dump in 3 parts', 'ok'],
    ]);
    expect(s.unit).toBe('A2/ns');
    // Each trajectory has its report folder (the split one, once its parts are joined).
    const manifest = JSON.parse(readFileSync(join(out, 'batch.json'), 'utf8'));
    const ids: string[] = manifest.entries.map((e: { id: string }) => e.id.replace(/\.part-\d+-of-\d+$/, ''));
    for (const id of new Set(ids)) {
      if (id.startsWith('broken')) expect(JSON.parse(readFileSync(join(out, id, 'meta.json'), 'utf8')).status).toBe('failed');
      else expect(existsSync(join(out, id, 'index.html')), id).toBe(true);
    }
    for (const f of ['summary.csv', 'summary.html', 'arrhenius.svg']) expect(existsSync(join(out, f)), f).toBe(true);
  });

  it('prints a table with D ± error per selection, t⁺, the g(r) shell, and an Arrhenius fit', () => {
    expect(first.stdout).toMatch(/^label +T \(K\) +D\(Na\) Å²\/ns +D\(FSI\) Å²\/ns +t⁺ +Na–O: peak \/ min Å, CN$/m);
    expect(first.stdout).toMatch(/^dump 300 K +300 +\d+ ± \d+ +\d+ ± \d+ +0\.\d+ ± 0\.\d+ +2\.\d+ \/ 3\.\d+, 5\.\d+$/m);
    expect(first.stdout).toMatch(/^Arrhenius, Na: Ea = .* eV from 3 runs at 3 temperatures/m);
    // summary.json: the fit in snake_case, its points the rows' D at their temperatures.
    const s = summary(out);
    const na = s.arrhenius.find((a: { selection: string }) => a.selection === 'Na');
    expect(Object.keys(na).sort()).toEqual(['D0', 'ea_eV', 'ea_stderr_eV', 'points', 'selection', 'temperatures']);
    const rows = s.rows.filter((r: { status: string; temperature_K: number | null }) => r.status === 'ok' && r.temperature_K !== null);
    expect(na.points).toEqual(rows.map((r: { temperature_K: number; D: Record<string, { value: number; stderr: number }> }) => ({ temperature_K: r.temperature_K, D: r.D.Na.value, stderr: r.D.Na.stderr })));
  });

  it('a file split into parts gives the same numbers as the whole file', () => {
    const rows = summary(out).rows;
    expect(rows[3].D.Na.value / rows[0].D.Na.value).toBeCloseTo(1, 12);
    expect(rows[3].D.FSI.stderr / rows[0].D.FSI.stderr).toBeCloseTo(1, 12);
    expect(rows[3].rdf['Na–O'].cn).toBeCloseTo(rows[0].rdf['Na–O'].cn, 12);
  });

  it('a rerun keeps the results that are up to date and gives the same summary', () => {
    const before = summary(out);
    const again = mdpost(['batch', join(dir, 'job.json'), '--out', out, '--workers', '1']);
    expect(again.stderr.match(/up to date, kept/g)).toHaveLength(5);
    expect(again.stderr).toMatch(/broken: FAILED/); // failures are retried
    expect(summary(out)).toEqual(before);
    const forced = mdpost(['batch', join(dir, 'job.json'), '--out', out, '--workers', '1', '--force']);
    expect(forced.stderr).not.toMatch(/up to date/);
  });

  it('each run has a folder named for its label, and summary.html is a table linking each report, with the Arrhenius plot and every run\'s MSD', () => {
    for (const id of ['dump-300-K', 'xyz-330-K', 'dump-in-3-parts']) expect(existsSync(join(out, id, 'index.html')), id).toBe(true);
    const html = readFileSync(join(out, 'summary.html'), 'utf8');
    expect(html).toMatch(/<table><tr><th>label<\/th><th>T \(K\)<\/th><th>D\(Na\) Å²\/ns<\/th>/);
    expect(html).toContain('<a href="dump-300-K/index.html">dump 300 K</a>');
    expect(html).toMatch(/<td>broken<\/td><td>340<\/td><td colspan="\d+" class="failed">FAILED: /);
    expect(html).toContain('Mean squared displacement of every run');
    expect(html).toContain('Arrhenius plot');
    expect(existsSync(join(out, 'msd-all-runs.svg'))).toBe(true);
  });

  it('shards 1/3, 2/3, 3/3 merged give the summary of the single run; a shard reports only its own runs', () => {
    for (const i of [1, 2, 3]) mdpost(['batch', join(dir, 'job.json'), '--shard', `${i}/3`, '--out', join(dir, `shard-${i}`), '--workers', '1']);
    // Shard 1 of 3 runs entries 1 and 4 of the job (dump 300 K and part 2 of the split file).
    const own = summary(join(dir, 'shard-1')).rows.map((r: { label: string; status: string }) => [r.label, r.status]);
    expect(own).toEqual([['dump 300 K', 'ok']]);
    const merged = mdpost(['merge', join(dir, 'shard-1'), join(dir, 'shard-2'), join(dir, 'shard-3'), '--out', join(dir, 'merged')]);
    expect(merged.code).toBe(3); // the broken file is still broken
    expect(summary(join(dir, 'merged'))).toEqual(summary(out));
  });

  it('the simple form: a glob and analyze options, temperatures from the paths', () => {
    const runs = join(dir, 'runs');
    for (const t of [300, 400]) {
      mkdirSync(join(runs, `T${t}`), { recursive: true });
      writeFileSync(join(runs, `T${t}`, 'dump.lammpstrj.gz'), readFileSync(NAFSI_DUMP));
    }
    const r = mdpost(['batch', 'runs/T*/dump.lammpstrj.gz', '--format', 'lammps-dump', '--msd', 'Na', '--temperature-from', 'T(\\d+)', '--out', 'simple', '--workers', '1'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(summary(join(dir, 'simple')).rows.map((x: { temperature_K: number }) => x.temperature_K)).toEqual([300, 400]);
  });
});

describe('one trajectory split by frame ranges', () => {
  it('analyze --frames A:B --save-state, then merge, equals the whole-file analysis', () => {
    const dir = join(tempFile('.anchor', ''), '..');
    const opts = ['--msd', 'Na', '--msd', 'FSI', '--rdf', 'Na,O', '--workers', '1'];
    const parts = ['0:130', '130:260', '260:'].map((range, k) => {
      const file = join(dir, `part-${k}.mdstate`);
      const r = mdpost(['analyze', NAFSI_DUMP, ...opts, '--frames', range, '--save-state', file]);
      expect(r.code).toBe(0);
      return file;
    });
    const whole = JSON.parse(mdpost(['analyze', NAFSI_DUMP, ...opts, '--json', '-']).stdout);
    const merged = JSON.parse(mdpost(['merge', parts[2], parts[0], parts[1], '--json', '-']).stdout);
    delete whole.warnings;
    delete merged.warnings;
    expect(merged.input.frames).toBe(401);
    const close = (a: unknown, b: unknown): void => {
      if (typeof a === 'number') return void expect(Math.abs(a - (b as number))).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(a)));
      if (Array.isArray(a)) return a.forEach((x, i) => close(x, (b as unknown[])[i]));
      if (a && typeof a === 'object') return Object.keys(a).forEach((k) => close((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
      expect(b).toEqual(a);
    };
    close(whole.msd, merged.msd);
    close(whole.rdf, merged.rdf);
    close(whole.transference, merged.transference);
  });

  it('refuses parts with a gap between them', () => {
    const dir = join(tempFile('.anchor', ''), '..');
    const a = join(dir, 'gap-a.mdstate'), b = join(dir, 'gap-b.mdstate');
    mdpost(['analyze', NAFSI_DUMP, '--rdf', 'Na,O', '--frames', '0:100', '--save-state', a, '--workers', '1']);
    mdpost(['analyze', NAFSI_DUMP, '--rdf', 'Na,O', '--frames', '150:', '--save-state', b, '--workers', '1']);
    const r = mdpost(['merge', a, b]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/frames 100–149 are in none of the parts/);
  });
});

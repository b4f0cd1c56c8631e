import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { boxFromVectors } from '../../src/model/box.js';
import { mdpost } from '../support/cli.js';
import { tempFile } from '../support/io.js';
import { assemble, FSI } from '../support/molecules.js';
import { gaussian } from '../support/random.js';
import { writeLammpsDump, type SyntheticFrame } from '../support/write.js';

/** Four FSI⁻ and four Na⁺ on random walks in a triclinic cell, as a LAMMPS dump with mol ids and image flags. */
function dump(): string {
  const parts = [];
  for (let k = 0; k < 4; k++) parts.push({ atoms: FSI, at: [2 + 4 * k, 3 + 2 * k, 4 + 3 * k] as [number, number, number] });
  for (let k = 0; k < 4; k++) parts.push({ atoms: [['Na', 0, 0, 0]] as [string, number, number, number][], at: [3 + 4 * k, 10, 2 + 4 * k] as [number, number, number] });
  const { elements, positions } = assemble(parts);
  const mol = elements.map((_, i) => (i < 36 ? 1 + Math.floor(i / 9) : 5 + i - 36));
  const box = boxFromVectors([18, 0, 0, 1, 17, 0, -1, 0.5, 16]);
  const g = gaussian(11);
  const frames: SyntheticFrame[] = [];
  const p = positions.slice();
  for (let t = 0; t < 200; t++) {
    if (t > 0) {
      for (let k = 0; k < 4; k++) {
        const step = [g(), g(), g()].map((v) => 0.2 * v);
        for (let i = 9 * k; i < 9 * k + 9; i++) for (let d = 0; d < 3; d++) p[3 * i + d] += step[d];
      }
      for (let i = 36; i < 40; i++) for (let d = 0; d < 3; d++) p[3 * i + d] += 0.3 * g();
    }
    frames.push({ box, positions: p.slice() });
  }
  return writeLammpsDump('cli.lammpstrj', elements, frames, mol);
}

describe('mdpost analyze', () => {
  const file = dump();

  it('prints D with units and errors, t⁺, and the g(r) shell', () => {
    const r = mdpost(['analyze', file, '--timestep', '5fs', '--msd', 'Na', '--msd', 'FSI', '--rdf', 'Na,O', '--rmax', '7']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/lammps-dump, 40 atoms, 200 frames used × 0\.05 ps \(9\.95 ps\); unwrapped with image flags/);
    expect(r.stdout).toMatch(/^ {2}Na +4 atoms +D = [\d.]+ ± [\d.]+ Å²\/ps = [\d.]+ ± [\d.]+ Å²\/ns = \([\d.]+ ± [\d.]+\)×10⁻[⁰¹²³⁴⁵⁶⁷⁸⁹]+ cm²\/s$/m);
    expect(r.stdout).toMatch(/^ {2}FSI +4 molecules +D = /m);
    expect(r.stdout).toMatch(/fit [\d.]+–4\.95 ps \(auto\), log–log slope/);
    expect(r.stdout).toMatch(/t⁺ \(Nernst–Einstein, Na vs FSI\) = 0\.\d+ ± 0\.\d+/);
    expect(r.stdout).toMatch(/r_max 7 Å, 350 bins of 0\.02 Å/);
  });

  it('gives t⁺ for an anion named by its formula too', () => {
    const r = mdpost(['analyze', file, '--timestep', '5fs', '--msd', 'Na', '--msd', 'mol:F2NO4S2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/t⁺ \(Nernst–Einstein, Na vs mol:F2NO4S2\) = 0\.\d+ ± 0\.\d+/);
  });

  it('--json - prints the contract document', () => {
    const r = mdpost(['analyze', file, '--dt', '0.05', '--msd', 'Na', '--rdf', 'Na,O', '--rmax', '7', '--bins', '70', '--json', '-']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.mdpost).toMatch(/^\d+\.\d+\.\d+$/);
    expect(j.input).toMatchObject({ format: 'lammps-dump', atoms: 40, frames: 200, dt_ps: 0.05 });
    const m = j.msd[0];
    expect(m).toMatchObject({ selection: 'Na', kind: 'atoms', count: 4 });
    expect(m.lag_ps).toHaveLength(200);
    expect(m.msd_A2).toHaveLength(200);
    expect(Object.keys(m.fit)).toEqual(['from_ps', 'to_ps', 'auto']);
    expect(m.D.A2_per_ns).toBeCloseTo(m.D.A2_per_ps * 1000, 9);
    expect(m.D.cm2_per_s).toBeCloseTo(m.D.A2_per_ps * 1e-4, 15);
    expect(m.D.stderr_cm2_per_s).toBeGreaterThan(0);
    const g = j.rdf[0];
    expect(g).toMatchObject({ a: 'Na', b: 'O', bins: 70, rmax_A: 7 });
    expect(g.r_A[0]).toBeCloseTo(0.05, 12);
    expect(g.cn).toHaveLength(70);
    expect(Object.keys(g)).toEqual(expect.arrayContaining(['first_peak', 'first_min', 'cn_first_shell']));
  });

  it('--out writes tables, plots and an index.html that shows them', () => {
    const out = join(tempFile('.keep', ''), '..', 'report');
    const r = mdpost(['analyze', file, '--dt', '50fs', '--msd', 'Na', '--msd', 'FSI', '--rdf', 'Na,O', '--rmax', '7', '--out', out]);
    expect(r.code).toBe(0);
    for (const f of ['analysis.json', 'msd-Na.csv', 'msd-FSI.csv', 'msd.svg', 'rdf-Na-O.csv', 'rdf-Na-O.svg', 'index.html']) expect(existsSync(join(out, f)), f).toBe(true);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html.match(/<svg/g)).toHaveLength(2);
    expect(html).toContain('Diffusion coefficients');
    expect(readFileSync(join(out, 'msd-Na.csv'), 'utf8').split('\n')[0]).toBe('lag_ps,msd_A2,msd_x_A2,msd_y_A2,msd_z_A2');
  });

  it('explains a selection that matches nothing, with what the file has, and exits 2', () => {
    const r = mdpost(['analyze', file, '--dt', '1', '--msd', 'Li']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^mdpost: error: selection "Li" matches nothing; the file has N \(4\), S \(8\), O \(16\), F \(8\), Na \(4\)\n$/);
  });

  it('refuses an r_max beyond half the cell, saying what is allowed', () => {
    const r = mdpost(['analyze', file, '--rdf', 'Na,O', '--rmax', '9']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--rmax 9 Å exceeds 8\.000 Å, half the smallest distance between opposite faces of the cell.*use --rmax 8 or less/);
  });

  it('asks for the time between frames when the MSD needs it', () => {
    const r = mdpost(['analyze', file, '--msd', 'Na']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the MSD needs the time between frames.*--dt.*--timestep/);
  });

  it('checks where it will write before it starts: --json, --out, --save-state (exit 2, one line)', () => {
    const existingFile = tempFile('not-a-folder.txt', 'x');
    const cases: [string[], RegExp][] = [
      [['--json', '/nonexistent-dir/a.json'], /^mdpost: error: --json \/nonexistent-dir\/a\.json: the folder \/nonexistent-dir does not exist\n$/],
      [['--json', join(existingFile, 'a.json')], /--json .*not-a-folder\.txt\/a\.json: .*not-a-folder\.txt is not a folder\n$/],
      [['--out', existingFile], /^mdpost: error: --out .*not-a-folder\.txt: is a file, not a folder\n$/],
      [['--out', join(existingFile, 'sub', 'dir')], /--out .*: .*not-a-folder\.txt is a file, not a folder\n$/],
      [['--save-state', '/nonexistent-dir/p.mdstate'], /--save-state \/nonexistent-dir\/p\.mdstate: the folder \/nonexistent-dir does not exist/],
    ];
    for (const [flags, message] of cases) {
      const r = mdpost(['analyze', file, '--dt', '1', '--msd', 'Na', ...flags]);
      expect(r.code, flags.join(' ')).toBe(2);
      expect(r.stderr, flags.join(' ')).toMatch(message);
      expect(r.stdout, flags.join(' ')).toBe('');
    }
  });

  it('--type-map names the elements of a dump that has only LAMMPS types', () => {
    // Rock salt, a = 4 Å: each Na (type 1) has 6 Cl (type 2) at 2 Å.
    const rows: string[] = [];
    let id = 1;
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) for (let k = 0; k < 4; k++) rows.push(`${id++} ${(i + j + k) % 2 === 0 ? 1 : 2} ${2 * i} ${2 * j} ${2 * k}`);
    const frame = (step: number) => `ITEM: TIMESTEP\n${step}\nITEM: NUMBER OF ATOMS\n64\nITEM: BOX BOUNDS pp pp pp\n0 8\n0 8\n0 8\nITEM: ATOMS id type x y z\n${rows.join('\n')}\n`;
    const salt = tempFile('types-only.lammpstrj', frame(0) + frame(100));
    const r = mdpost(['analyze', salt, '--type-map', '1=Na,2=Cl', '--rdf', 'Na,Cl', '--rmax', '3.9', '--json', '-']);
    expect(r.code).toBe(0);
    const rdf = JSON.parse(r.stdout).rdf[0];
    expect([rdf.a, rdf.b, rdf.n_a, rdf.n_b]).toEqual(['Na', 'Cl', 32, 32]);
    expect(rdf.cn_first_shell).toBe(6);
    const without = mdpost(['analyze', salt, '--rdf', 'Na,Cl', '--rmax', '3']);
    expect(without.code).toBe(2);
    expect(without.stderr).toMatch(/selection "Na": the file has no element names \(only LAMMPS types\); select with "type N" or give --type-map/);
  });

  it('asks for something to compute', () => {
    const r = mdpost(['analyze', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nothing to compute: give at least one --msd/);
  });
});

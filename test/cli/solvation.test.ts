import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANALYSES } from '../../src/analyses/index.js';
import { summarize, summaryCsv, summaryJson, summaryText } from '../../src/batch/summary.js';
import { readDocument } from '../../src/report/document.js';
import { mdpost } from '../support/cli.js';
import { tempFile } from '../support/io.js';
import { NAFSI_DUMP } from '../support/nafsi.js';

/** `mdpost analyze --solvation` as a user runs it: the JSON contract, the reports, and the errors (exit 2, one line). */
const FIRST_50 = ['--end', '24.5ps'];

describe('mdpost analyze --solvation', () => {
  it('--json: the contract section, one entry per cation selection', () => {
    const r = mdpost(['analyze', NAFSI_DUMP, '--solvation', 'Na', ...FIRST_50, '--json', '-']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.solvation).toHaveLength(1);
    const na = doc.solvation[0];
    expect(Object.keys(na)).toEqual(['cation', 'count', 'shell_atoms', 'frames', 'dt_ps', 'partners', 'ion_pairs', 'free_anion_fraction', 'shells', 'polymer', 'exchanges', 'lag_ps', 'method', 'notes']);
    expect(na).toMatchObject({ cation: 'Na', count: 14, frames: 50, dt_ps: 0.5 });
    expect(Object.keys(na.partners)).toEqual(['H2O', 'FSI']);
    for (const p of Object.values(na.partners) as Record<string, unknown>[]) {
      expect(Object.keys(p).slice(0, 5)).toEqual(['cutoff_A', 'cutoff_source', 'cn', 'residence_ps', 'residence_note']);
      expect(p.cutoff_source).toBe('g(r) minimum');
      expect(p.C).toHaveLength(50);
    }
    expect(Object.keys(na.ion_pairs)).toEqual(['anion', 'anions', 'SSIP', 'CIP', 'AGG', 'per_anion', 'anions_per_cation', 'cations_per_anion']);
    expect(na.ion_pairs.anion).toBe('FSI');
    expect(Object.keys(na.ion_pairs.per_anion)).toEqual(['free', 'CIP', 'AGG']);
    expect(na.ion_pairs.SSIP + na.ion_pairs.CIP + na.ion_pairs.AGG).toBeCloseTo(1, 12);
    expect(na.free_anion_fraction).toBe(na.ion_pairs.per_anion.free);
    expect(Object.keys(na.shells[0])).toEqual(['composition', 'label', 'fraction']);
    expect(Object.keys(na.shells[0].composition)).toEqual(['H2O', 'FSI']);
    for (let i = 1; i < na.shells.length; i++) expect(na.shells[i].fraction).toBeLessThanOrEqual(na.shells[i - 1].fraction);
    expect(na.shells.reduce((a: number, s: { fraction: number }) => a + s.fraction, 0)).toBeCloseTo(1, 12);
    expect(na.method).toMatch(/SSIP.*CIP.*AGG/);
  });

  it('prints the shells in the terminal and writes CSV tables, plots and the HTML report', () => {
    const out = join(tempFile('.keep', ''), '..', 'solvation-report');
    const r = mdpost(['analyze', NAFSI_DUMP, '--solvation', 'Na', ...FIRST_50, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Solvation shells of Na \(14 atoms, 50 frames; shell atoms: O, N, F of other molecules, and free halide ions\)$/m);
    expect(r.stdout).toMatch(/^ {2}H2O +388 +3\.\d+ \(g\(r\) min, 50 frames\) +[\d.]+ +[\d.]+ O +[\d.]+% +/m);
    expect(r.stdout).toMatch(/^ {2}ion pairs vs FSI: Na SSIP [\d.]+%, CIP [\d.]+%, AGG [\d.]+%; FSI: free [\d.]+%, CIP [\d.]+%, AGG [\d.]+%$/m);
    expect(r.stdout).toMatch(/^ {2}most common shells: 6 H2O [\d.]+%, /m);
    expect(r.stdout).toMatch(/^ {2}exchanges: [\d.]+ per Na per ns/m);
    for (const f of ['solvation-Na-shells.csv', 'solvation-Na-ion-pairs.csv', 'solvation-Na-residence.csv', 'solvation-Na-shells.svg', 'solvation-Na-ion-pairs.svg', 'solvation-Na-residence.svg']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    expect(readFileSync(join(out, 'solvation-Na-shells.csv'), 'utf8').split('\n')[0]).toBe('composition,H2O,FSI,fraction');
    expect(readFileSync(join(out, 'solvation-Na-residence.csv'), 'utf8').split('\n').slice(0, 2)).toEqual(['lag_ps,C_H2O,C_FSI', '0,1,1']);
    expect(readFileSync(join(out, 'solvation-Na-ion-pairs.csv'), 'utf8').split('\n')[1]).toMatch(/^Na,SSIP,0\.\d+$/);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).toContain('<h2>Solvation shells</h2>');
    expect(html).toContain('href="solvation-Na-residence.csv"');

    // A batch summary made from the report read back: the ion-pair fractions of the run.
    const doc = readDocument(JSON.parse(readFileSync(join(out, 'analysis.json'), 'utf8')), ANALYSES, 'analysis.json');
    const s = summarize([{ index: 0, label: 'run', temperatureK: 300, file: NAFSI_DUMP, status: 'ok', analysis: doc }], 'A2/ps');
    const ip = (doc.sections.solvation as { ion_pairs: Record<string, number> }[])[0].ion_pairs;
    expect(summaryCsv(s).split('\n')[0]).toBe('label,temperature_K,file,status,SSIP(Na),CIP(Na),AGG(Na),free FSI(Na),error');
    expect(summaryCsv(s).split('\n')[1]).toContain(`,${ip.SSIP},${ip.CIP},${ip.AGG},`);
    expect((summaryJson(s, 'test').rows as Record<string, unknown>[])[0].ion_pairs).toMatchObject({ Na: { anion: 'FSI', SSIP: ip.SSIP, CIP: ip.CIP, AGG: ip.AGG } });
    expect(summaryText(s)).toMatch(/Na SSIP \/ CIP \/ AGG, free FSI[\s\S]*\d+\.\d% \/ \d+\.\d% \/ \d+\.\d%, \d+\.\d%/);
  });

  it('free halide ions are partners: rock salt, each Na with 6 Cl, each Cl shared by 6 Na (all AGG)', () => {
    const rows: string[] = [];
    let id = 1;
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) for (let k = 0; k < 4; k++) rows.push(`${id++} ${(i + j + k) % 2 === 0 ? 'Na' : 'Cl'} ${2 * i} ${2 * j} ${2 * k}`);
    const frame = (step: number) => `ITEM: TIMESTEP\n${step}\nITEM: NUMBER OF ATOMS\n64\nITEM: BOX BOUNDS pp pp pp\n0 8\n0 8\n0 8\nITEM: ATOMS id element x y z\n${rows.join('\n')}\n`;
    const salt = tempFile('salt.lammpstrj', frame(0) + frame(100) + frame(200));
    const r = mdpost(['analyze', salt, '--timestep', '1fs', '--solvation', 'Na', '--shell-cutoff', '2.5', '--json', '-']);
    expect(r.code, r.stderr).toBe(0);
    const na = JSON.parse(r.stdout).solvation[0];
    expect(na.partners.Cl).toMatchObject({ molecules: 32, cn: 6, anion: true, free_fraction: 0 });
    expect(na.ion_pairs).toMatchObject({ anion: 'Cl', SSIP: 0, CIP: 0, AGG: 1, per_anion: { free: 0, CIP: 0, AGG: 1 } });
    expect(na.shells).toEqual([{ composition: { Cl: 6 }, label: '6 Cl', fraction: 1 }]);
  });

  it.each([
    ['an unknown kind in --shell-cutoff, naming the kinds there are', ['--solvation', 'Na', '--shell-cutoff', 'H2O=3.2,TFSI=3.4'], /^mdpost: error: --shell-cutoff: no partner kind "TFSI"; the kinds \(molecules\) are H2O \(388\), FSI \(14\)\n$/],
    ['a cation selection that matches nothing', ['--solvation', 'Li'], /^mdpost: error: selection "Li" matches nothing; the file has /],
    ['a cutoff that is no length', ['--solvation', 'Na', '--shell-cutoff', 'H2O=short'], /^mdpost: error: --shell-cutoff/],
    ['a negative cutoff', ['--solvation', 'Na', '--shell-cutoff', '-3'], /^mdpost: error: --shell-cutoff/],
    ['a kind given twice', ['--solvation', 'Na', '--shell-cutoff', 'H2O=3,water=3.1'], /^mdpost: error: --shell-cutoff: H2O and water name the same kind, H2O; give its cutoff once\n$/],
    ['a cutoff beyond half the cell', ['--solvation', 'Na', '--shell-cutoff', '12'], /exceeds half the cell's smallest width \(11\.898 Å\)/],
    ['shell options without --solvation', ['--rdf', 'Na,O', '--shell-cutoff', '3'], /^mdpost: error: --shell-cutoff sets up solvation shells: give --solvation CATION/],
    ['shell atoms that select nothing outside the cations', ['--solvation', 'Na', '--shell-atoms', 'Na'], /^mdpost: error: --shell-atoms "Na": it selects no atom outside the molecules of the cations \(Na\)\n$/],
  ])('refuses %s (exit 2, one line)', (_what, flags, message) => {
    const r = mdpost(['analyze', NAFSI_DUMP, ...flags, '--end', '2ps']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses a file without a cell, saying to give --box (exit 2)', () => {
    const frame = 'Na 0 0 0\nO 2.4 0 0\nH 3 0.6 0\nH 3 -0.6 0\n';
    const xyz = tempFile('no-cell.xyz', `4\nframe 0\n${frame}4\nframe 1\n${frame}`);
    const r = mdpost(['analyze', xyz, '--dt', '1', '--solvation', 'Na']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^mdpost: error: .*no-cell\.xyz: solvation shells need a periodic cell .* give --box "a b c" \(Å\)\n$/);
    const boxed = mdpost(['analyze', xyz, '--dt', '1', '--box', '10 10 10', '--solvation', 'Na', '--shell-cutoff', '3', '--json', '-']);
    expect(boxed.code, boxed.stderr).toBe(0);
    expect(JSON.parse(boxed.stdout).solvation[0].partners.H2O.cn).toBe(1);
  });
});

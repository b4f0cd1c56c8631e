import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { orthorhombicBox } from '../../src/model/box.js';
import { writeDcd } from '../../src/viewer/dcd.js';
import { mdpost } from '../support/cli.js';
import { tempFile } from '../support/io.js';

/**
 * An element guessed from a name that could be read otherwise is a warning on the command line:
 * on stderr ("mdpost: warning: …") and in the JSON's warnings, of `mdpost analyze` and
 * `mdpost info`, with a DCD trajectory (no names) and a .gro topology (read per kind of atom).
 * The GROMACS water/NaCl system gets none. (`npm run build` first.)
 */

type Atom = [resid: number, resname: string, name: string];

function gro(atoms: Atom[]): string {
  const lines = atoms.map(([resid, resname, name], i) => {
    const c = [i % 6, Math.floor(i / 6) % 6, Math.floor(i / 36)].map((k) => (0.15 + 0.3 * k).toFixed(3).padStart(8));
    return `${String(resid).padStart(5)}${resname.padEnd(5)}${name.padStart(5)}${String(i + 1).padStart(5)}${c.join('')}`;
  });
  return ['made by a test', String(atoms.length).padStart(5), ...lines, '   2.00000   2.00000   2.00000'].join('\n') + '\n';
}

/** Two frames of the .gro's atoms (Å), the second shifted, as a DCD file with a 20 Å cell and 1 ps between frames. */
function dcd(name: string, atoms: Atom[]): string {
  const n = atoms.length;
  const frames = [0, 0.3].map((shift) => {
    const positions = new Float32Array(3 * n);
    for (let i = 0; i < n; i++) {
      positions[3 * i] = 1.5 + 3 * (i % 6) + shift;
      positions[3 * i + 1] = 1.5 + 3 * (Math.floor(i / 6) % 6);
      positions[3 * i + 2] = 1.5 + 3 * Math.floor(i / 36);
    }
    return { positions, box: orthorhombicBox(20, 20, 20) };
  });
  return tempFile(name, writeDcd(frames, n, 1, 'made by a test'));
}

const water = (resid: number): Atom[] => [[resid, 'SOL', 'OW'], [resid, 'SOL', 'HW1'], [resid, 'SOL', 'HW2']];

const SALT: Atom[] = [...water(1), ...water(2), [3, 'SALT', 'NA'], [3, 'SALT', 'CL'], ...water(4), [5, 'SALT', 'NA'], [5, 'SALT', 'CL']];
const SALT_WARNING =
  /^mdpost: warning: \S*salt\.gro: 2 atoms NA in residue SALT taken as N \(14\.007 g\/mol\) but may be Na \(22\.990 g\/mol\) — .* If they are Na, name them Na in \S*salt\.gro .*columns 77–78$/m;

const BENCH_LIKE: Atom[] = [...water(1), ...water(2), [3, 'NA', 'NA'], ...water(4), [5, 'CL', 'CL'], [6, 'NA', 'NA'], [7, 'CL', 'CL']];

describe('a guess in doubt on the command line', () => {
  const top = tempFile('salt.gro', gro(SALT));
  const traj = dcd('salt.dcd', SALT);

  it('mdpost info: a warning line on stderr and in the JSON; the species as guessed (N, not Na)', () => {
    const text = mdpost(['info', traj, '--topology', top]);
    expect(text.code).toBe(0);
    expect(text.stderr).toMatch(SALT_WARNING);
    expect(text.stdout).toMatch(/species\s+O: 3, H: 6, N: 2, Cl: 2/);
    const json = mdpost(['info', traj, '--topology', top, '--json']);
    const doc = JSON.parse(json.stdout) as { warnings: string[]; species: Record<string, number> };
    expect(doc.species).toEqual({ O: 3, H: 6, N: 2, Cl: 2 });
    expect(doc.warnings.filter((w) => / taken as /.test(w))).toHaveLength(1);
    expect(`mdpost: warning: ${doc.warnings.find((w) => / taken as /.test(w))}`).toMatch(SALT_WARNING);
  });

  it('mdpost analyze: the same warning on stderr and in the JSON document', () => {
    const out = tempFile('salt-analysis.json', '');
    const r = mdpost(['analyze', traj, '--topology', top, '--rdf', 'O,H', '--rmax', '5', '--workers', '1', '--json', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(SALT_WARNING);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as { warnings: string[] };
    expect(doc.warnings.some((w) => SALT_WARNING.test(`mdpost: warning: ${w}`))).toBe(true);
  });

  it('the .gro file read as the trajectory itself warns alike', () => {
    const r = mdpost(['info', top]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(SALT_WARNING);
  });

  it('GROMACS water with NA and CL ions each in its own residue: no warning at all', () => {
    const benchTop = tempFile('water-nacl.gro', gro(BENCH_LIKE));
    const benchTraj = dcd('water-nacl.dcd', BENCH_LIKE);
    const r = mdpost(['info', benchTraj, '--topology', benchTop, '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/warning/);
    expect((JSON.parse(r.stdout) as { warnings: string[]; species: Record<string, number> }).warnings).toEqual([]);
    expect((JSON.parse(r.stdout) as { species: Record<string, number> }).species).toEqual({ O: 3, H: 6, Na: 2, Cl: 2 });
  });
});

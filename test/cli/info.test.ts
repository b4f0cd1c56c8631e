import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mdpost } from '../support/cli.js';
import { FIXTURES, HAVE_SHARED, shared, tempFile } from '../support/io.js';

const tri = join(FIXTURES, 'io/lammps/tri-scaled.lammpstrj');

describe('mdpost info', () => {
  it('prints format, atoms, frames, species, cell with units, steps and dt', () => {
    const r = mdpost(['info', tri]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^format +lammps-dump$/m);
    expect(r.stdout).toMatch(/^atoms +50$/m);
    expect(r.stdout).toMatch(/^frames +5$/m);
    expect(r.stdout).toMatch(/^species +Na: 20, O: 20, H: 10$/m);
    expect(r.stdout).toMatch(/^box +a 20 Å, b 18\.2483 Å, c 16\.2635 Å; α [\d.]+°, β [\d.]+°, γ [\d.]+°; V 5760 Å³ \(triclinic, first frame\)$/m);
    expect(r.stdout).toMatch(/^steps +1000 … 1400 \(every 100\)$/m);
    expect(r.stdout).toMatch(/^dt +0\.1 ps between frames \(from file times\)$/m);
  });

  it('--json gives the contract fields', () => {
    const r = mdpost(['info', tri, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ format: 'lammps-dump', atoms: 50, frames: 5, species: { Na: 20, O: 20, H: 10 }, steps: [1000, 1400] });
    expect(j.dt_ps).toBeCloseTo(0.1, 12);
    expect(j.box.a).toBeCloseTo(20, 12);
    expect(j.box.b).toBeCloseTo(Math.hypot(3, 18), 12);
    expect(j.box.volume).toBeCloseTo(5760, 9);
    expect(Object.keys(j.box)).toEqual(['a', 'b', 'c', 'alpha', 'beta', 'gamma', 'volume']);
  });

  it('--timestep multiplies the step numbers and --dt gives the time between frames, but neither may contradict the file\'s own times', () => {
    // tri's ITEM: TIME says 0.1 ps between frames, 100 steps apart.
    expect(JSON.parse(mdpost(['info', tri, '--json', '--timestep', '1fs']).stdout).dt_ps).toBeCloseTo(0.1, 12);
    const wrong = mdpost(['info', tri, '--json', '--timestep', '2fs']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/--timestep 2 fs × 100 steps gives 0\.2 ps between frames, but the file's own times say 0\.1 ps/);
    const plain = tempFile('no-times.xyz', '1\n\nH 0 0 0\n1\n\nH 1 1 1\n');
    expect(JSON.parse(mdpost(['info', plain, '--json', '--dt', '50ps']).stdout).dt_ps).toBe(50);
  });

  it('warns on stderr about a cut-off last frame and counts the complete ones', () => {
    const path = tempFile('cut.xyz', '1\n\nH 0 0 0\n1\n\nH 1 1 1\n1\n\nH 2 ');
    const r = mdpost(['info', path, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).frames).toBe(2);
    expect(r.stderr).toMatch(/^mdpost: warning: .*cut.xyz: the last frame \(frame 2, from line 7\) is incomplete/);
  });

  it('exits 2 with one line naming file, line and what was expected — no stack trace', () => {
    const path = tempFile('bad.xyz', '2\n\nH 0 0 0\nH 1 one 1\n');
    const r = mdpost(['info', path]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([`mdpost: error: ${path}, line 4, frame 0: expected y (a number), not "one"; found "H 1 one 1"`]);
  });

  it('exits 2 for a missing file and for a bad option value', () => {
    expect(mdpost(['info', 'no/such/file.xyz'])).toMatchObject({ code: 2, stderr: 'mdpost: error: no/such/file.xyz: no such file\n' });
    const r = mdpost(['info', tri, '--dt', 'soon']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--dt: expected a number with an optional unit/);
  });

  it('--help explains the command with examples', () => {
    const r = mdpost(['info', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: mdpost info \[options\] <file>/);
    expect(r.stdout).toMatch(/--timestep <time>/);
    expect(r.stdout).toMatch(/Examples:/);
  });

  it.skipIf(!HAVE_SHARED)('reports types when a dump has no element names', () => {
    const j = JSON.parse(mdpost(['info', shared('polymer.lammpstrj'), '--json']).stdout);
    expect(j.species).toEqual({ 'type 1': 20, 'type 2': 1674, 'type 3': 20 });
    expect(j.coordinates).toBe('wrapped with image flags');
  });
});

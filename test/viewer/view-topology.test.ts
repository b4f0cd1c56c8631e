import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { mdpost } from '../support/cli.js';
import { FIXTURES, tempFile } from '../support/io.js';
import { startView } from './server.js';

const LMP = join(FIXTURES, 'sim/lammps-data-dcd');

/** The LAMMPS NaFSI/water dump, every 10th frame, with only id, type and wrapped x y z: no elements. */
function typesOnlyDump(): string {
  const lines = gunzipSync(readFileSync(join(LMP, 'traj.lammpstrj.gz'))).toString('latin1').split('\n');
  const out: string[] = [];
  let frame = -1;
  for (const l of lines) {
    if (l.startsWith('ITEM: TIMESTEP')) frame++;
    if (frame % 10 !== 0 || l === '') continue;
    if (l.startsWith('ITEM: ATOMS')) out.push('ITEM: ATOMS id type x y z');
    else if (/^\d+ \d+ \d+ [A-Z]/.test(l)) {
      // id mol type element q x y z ix iy iz
      const t = l.split(' ');
      out.push([t[0], t[2], t[5], t[6], t[7]].join(' '));
    } else out.push(l);
  }
  return out.join('\n') + '\n';
}

describe('mdpost view --topology', () => {
  const dump = tempFile('view-types.lammpstrj', typesOnlyDump());

  it('shows the elements and molecules of the data file for a dump of types', async () => {
    const view = await startView([dump, '--topology', join(LMP, 'system.data'), '--timestep', '1fs']);
    try {
      const info = (await (await fetch(new URL('api/info', view.url))).json()) as { elements: string[]; highlight: { selection: string; atoms: number[] } };
      expect(info.elements.slice(71, 75)).toEqual(['F', 'Na', 'Na', 'Na']);
      expect(info.highlight.selection).toBe('Na');
      expect(info.highlight.atoms).toEqual([72, 73, 74, 75, 76, 77, 78, 79]);
      // Bonds of the data file make the molecules: 8 FSI, 8 Na, 224 waters as residues of the PDB.
      const pdb = await (await fetch(new URL('api/topology.pdb', view.url))).text();
      expect(pdb.split('\n').filter((l) => l.startsWith('ATOM') || l.startsWith('HETATM'))).toHaveLength(752);
      expect(new Set(pdb.split('\n').filter((l) => /^(ATOM|HETATM)/.test(l)).map((l) => l.slice(22, 26).trim())).size).toBe(240);
    } finally {
      await view.interrupt();
    }
  }, 120_000);

  it('refuses a topology of another atom count before serving', () => {
    const r = mdpost(['view', dump, '--topology', join(FIXTURES, 'sim/gromacs-nacl-water/traj.gro.gz')], { timeoutMs: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/traj\.gro\.gz has 1012 atoms but .*view-types\.lammpstrj has 752 atoms per frame/);
    expect(r.stdout).not.toMatch(/http:\/\//);
  });
});

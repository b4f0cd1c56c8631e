import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { atomKindsOf, emptyTopology } from '../../src/model/topology.js';
import type { RawOptions } from '../../src/pipeline/options.js';
import { resolveTopology } from '../../src/pipeline/topology.js';
import { FIXTURES, tempFile } from '../support/io.js';
import { expectSame, fine, resultJson } from '../support/workers.js';

/**
 * The kinds fast path end to end: an XTC with a .gro topology (whose selections of elements,
 * names and residue names are answered per kind, and whose masses are made lazily) against the
 * same run with a .pdb topology of the same atoms, which has no kinds (every selection and mass
 * atom by atom), written here from the .gro with the element of each atom in columns 77–78. MSDs
 * (of atoms and of molecules' centres of mass), drift removal (masses), conductivity, g(r) and
 * solvation shells must be the same numbers; and the same with the fold cut over 2 worker threads
 * (the plan's selections and masses cloned to them).
 */

const RUN = join(FIXTURES, 'sim/gromacs-nacl-water');
const XTC = join(RUN, 'traj.xtc');
const GRO = join(RUN, 'conf.gro.gz');
const NATOMS = 1012;

/** The .gro's atoms as a PDB file, each with its element (O, H, Na, Cl as a chemist reads the names). */
function pdbOf(groText: string): string {
  const lines = groText.split('\n');
  const n = Number(lines[1].trim());
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const l = lines[2 + i];
    const resid = Number(l.slice(0, 5));
    const resname = l.slice(5, 10).trim();
    const name = l.slice(10, 15).trim();
    const xyz = [0, 1, 2].map((d) => (10 * Number(l.slice(20 + 8 * d, 28 + 8 * d))).toFixed(3).padStart(8));
    const element = { OW: 'O', HW1: 'H', HW2: 'H', NA: 'NA', CL: 'CL' }[name]!;
    out.push(`${'ATOM  '}${String(i + 1).padStart(5)} ${name.padEnd(4)} ${resname.padEnd(3)} ${String(resid).padStart(4)}    ${xyz.join('')}  1.00  0.00          ${element.padStart(2)}`);
  }
  return out.join('\n') + '\nEND\n';
}

const OPTIONS: RawOptions = {
  msd: ['Na', 'Cl', 'name OW HW*', 'H2O'],
  removeDrift: true,
  conductivity: true,
  temperature: '298',
  charges: 'Na=+1,Cl=-1',
  rdf: ['Na,OW', 'element Cl,name H*', 'not resname SOL,O and not Na'],
  solvation: ['Na'],
};

/** The analyses' numbers (msd, rdf, conductivity …), without the input section that names the files. */
function numbers(r: Record<string, unknown>): Record<string, unknown> {
  const { input: _input, mdpost: _mdpost, ...rest } = r;
  return rest;
}

describe('XTC with a .gro topology (kinds) gives what it gives with the same atoms from a .pdb (atom by atom)', () => {
  const pdb = tempFile('water-nacl-kinds.pdb', pdbOf(gunzipSync(readFileSync(GRO)).toString('latin1')));

  it('the .gro’s topology has kinds, the .pdb’s none; the same elements, masses and names', async () => {
    const viaGro = await resolveTopology({ file: XTC, read: { topology: GRO, typeMap: null } }, emptyTopology(NATOMS));
    const viaPdb = await resolveTopology({ file: XTC, read: { topology: pdb, typeMap: null } }, emptyTopology(NATOMS));
    expect(atomKindsOf(viaGro.topology)).not.toBeNull();
    expect(atomKindsOf(viaPdb.topology)).toBeNull();
    expect(viaGro.topology.elements).toEqual(viaPdb.topology.elements);
    expect(Array.from(viaGro.topology.masses!)).toEqual(Array.from(viaPdb.topology.masses!));
    expect(viaGro.topology.names).toEqual(viaPdb.topology.names);
    expect(viaGro.topology.resnames).toEqual(viaPdb.topology.resnames);
    expect(new Set(viaGro.topology.elements)).toEqual(new Set(['O', 'H', 'Na', 'Cl']));
  });

  it('MSD (atoms and molecules), drift removal, conductivity, g(r) and solvation shells: the same numbers, in one thread and in two', async () => {
    const byKind = await resultJson(XTC, { ...OPTIONS, topology: GRO }, { workers: 1 });
    const byAtom = await resultJson(XTC, { ...OPTIONS, topology: pdb }, { workers: 1 });
    expectSame(numbers(byAtom), numbers(byKind), 'kinds vs atom by atom', { rel: 0 });
    // Two threads sum the frames' contributions in another order: equal to rounding (as every
    // run cut over workers).
    expectSame(numbers(byKind), numbers(await resultJson(XTC, { ...OPTIONS, topology: GRO }, fine(2))), '2 workers');
    expect(Object.keys(numbers(byKind))).toEqual(expect.arrayContaining(['msd', 'conductivity', 'rdf', 'solvation']));
    // The selections are what they say (8 Na, 8 Cl, 332 waters).
    const counts = (byKind.msd as { count: number }[]).map((m) => m.count);
    expect(counts).toEqual([8, 8, 996, 332]);
  });
});

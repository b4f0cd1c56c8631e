import { describe, expect, it } from 'vitest';
import { atomicMass } from '../../src/model/elements.js';
import { readAll, tempFile } from '../support/io.js';

/** One frame of an XYZ file with these labels, at made-up positions. */
function xyz(labels: string[], comment = 'frame 0'): string {
  return `${labels.length}\n${comment}\n${labels.map((l, i) => `${l} ${i}.0 0.0 0.0`).join('\n')}\n`;
}

async function topologyOf(labels: string[], name = 'x.xyz') {
  const { reader } = await readAll(tempFile(name, xyz(labels)));
  return reader.topology!;
}

describe('XYZ labels as atom names', () => {
  it('reads GROMACS names (as MDAnalysis writes them) as elements the way GROMACS and MDAnalysis guess them, and keeps them as names', async () => {
    const labels = ['OW', 'HW1', 'HW2', 'NA', 'CL', 'OT', 'C1', 'CA', 'MW'];
    const top = await topologyOf(labels);
    // CA is an alpha carbon among force-field names (as in MDAnalysis); MW, a TIP4P site, is no element and keeps its label.
    expect(top.elements).toEqual(['O', 'H', 'H', 'Na', 'Cl', 'O', 'C', 'C', 'MW']);
    expect(top.names).toEqual(labels);
    expect(Array.from(top.masses!.slice(0, 8))).toEqual(['O', 'H', 'H', 'Na', 'Cl', 'O', 'C', 'C'].map(atomicMass));
    expect(Number.isNaN(top.masses![8])).toBe(true);
  });

  it('reads a file whose labels all name elements as before: symbols in any case, atomic numbers, suffixes', async () => {
    const top = await topologyOf(['Na', 'NA', 'CA', 'O1', '11', 'Li_sv', 'Cl-']);
    expect(top.elements).toEqual(['Na', 'Na', 'Ca', 'O', 'Na', 'Li', 'Cl']);
    expect(top.names).toEqual(['Na', 'NA', 'CA', 'O1', '11', 'Li_sv', 'Cl-']);
  });

  it('gives extended XYZ species the same treatment, and no names to atomic numbers', async () => {
    const ext = (props: string, rows: string[]) => `${rows.length}\nLattice="10 0 0 0 10 0 0 0 10" Properties=${props}\n${rows.join('\n')}\n`;
    const { reader } = await readAll(tempFile('n.extxyz', ext('species:S:1:pos:R:3', ['OW 0 0 0', 'HW1 1 0 0', 'NA 3 3 3'])));
    expect(reader.topology!.elements).toEqual(['O', 'H', 'Na']);
    expect(reader.topology!.names).toEqual(['OW', 'HW1', 'NA']);
    const z = await readAll(tempFile('z.extxyz', ext('Z:I:1:pos:R:3', ['8 0 0 0', '1 1 0 0'])));
    expect(z.reader.topology!.elements).toEqual(['O', 'H']);
    expect(z.reader.topology!.names).toBeNull();
  });
});

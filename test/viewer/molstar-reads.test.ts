import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePDB } from 'molstar/lib/mol-io/reader/pdb/parser.js';
import { _parseDcd } from 'molstar/lib/mol-io/reader/dcd/parser.js';
import { trajectoryFromPDB } from 'molstar/lib/mol-model-formats/structure/pdb.js';
import { coordinatesFromDcd } from 'molstar/lib/mol-model-formats/structure/dcd.js';
import { ModelSymmetry } from 'molstar/lib/mol-model-formats/structure/property/symmetry.js';
import { Task } from 'molstar/lib/mol-task/index.js';
import { defaultWebRoot, startViewer, type ViewServer } from '../../src/viewer/server.js';
import { NAFSI_DUMP } from '../support/nafsi.js';

/**
 * Mol*'s own readers (the npm package `molstar`, which declares Node ≥ 22 — loading it here
 * proves it works on Node 20) read what `mdpost view` serves: the topology
 * with its elements and cell, and the frames with their cells and times.
 */
describe(`Mol* (on Node ${process.version}) reads the viewer's topology and frames`, () => {
  let server: ViewServer;
  beforeAll(async () => {
    server = await startViewer({ file: NAFSI_DUMP, read: {}, port: 0, stride: 10, highlight: null, shell: null, cutoffA: 3.2, analysisFile: null, webRoot: defaultWebRoot(), analyze: false });
  });
  afterAll(() => server.close());

  it('the PDB: 1304 atoms with their elements, the cubic cell', async () => {
    const text = await (await fetch(`${server.url}api/topology.pdb`)).text();
    const parsed = await parsePDB(text, 'nafsi').run();
    expect(parsed.isError).toBe(false);
    const trajectory = await trajectoryFromPDB(parsed.result).run();
    const model = await Task.resolveInContext(trajectory.getFrameAtIndex(0));
    expect(model.atomicHierarchy.atoms._rowCount).toBe(1304);
    const symbols = model.atomicHierarchy.atoms.type_symbol.toArray();
    expect(server.info.elements.map((e) => e.toUpperCase())).toEqual(Array.from(symbols, (s) => String(s).toUpperCase()));
    const cell = ModelSymmetry.Provider.get(model)!.spacegroup.cell.size;
    Array.from(cell).forEach((v) => expect(v).toBeCloseTo(23.795, 3));
  });

  it('the DCD: every view frame, with the cell and the time between frames (5 ps at stride 10)', async () => {
    const bytes = new Uint8Array(await (await fetch(`${server.url}api/trajectory.dcd`)).arrayBuffer());
    const dcd = _parseDcd(bytes);
    expect(dcd.frames).toHaveLength(server.info.frames);
    expect(dcd.frames[0].elementCount).toBe(1304);
    const coords = await coordinatesFromDcd(dcd).run();
    const f = coords.frames[3];
    expect(f.cell!.size[0]).toBeCloseTo(23.795, 3);
    expect(f.time.value).toBeCloseTo(15, 3);
    expect(f.time.unit).toBe('ps');
  });
});

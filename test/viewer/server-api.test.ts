import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrajectoryReader } from '../../src/io/reader.js';
import { readerOptions } from '../../src/parallel/plan.js';
import { defaultSpec } from '../../src/parallel/spec.js';
import { defaultWebRoot, startViewer, type ViewServer } from '../../src/viewer/server.js';
import type { FrameShell, ViewInfo } from '../../src/viewer/api.js';
import { readDcd } from '../support/dcd.js';
import { NAFSI_DUMP } from '../support/nafsi.js';

/** A raw GET (or other method) with the path exactly as given: fetch would normalise "..". */
function raw(url: string, path: string, method = 'GET'): Promise<{ status: number; body: Buffer }> {
  const u = new URL(url);
  return new Promise((ok, fail) => {
    const req = request({ host: u.hostname, port: u.port, path, method }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c) => parts.push(c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, body: Buffer.concat(parts) }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('mdpost view server', () => {
  let server: ViewServer;
  beforeAll(async () => {
    const spec = defaultSpec(NAFSI_DUMP);
    server = await startViewer({ file: NAFSI_DUMP, spec, readerOptions: readerOptions(spec), port: 0, stride: 4, highlight: null, shell: null, cutoffA: 3.2, analysisFile: null, webRoot: defaultWebRoot(), analyze: false });
  });
  afterAll(() => server.close());

  it('listens on the loopback interface only', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('describes the view: frames after the stride, stamps, the Na⁺ highlighted and the O shell', async () => {
    const info: ViewInfo = JSON.parse((await raw(server.url, '/api/info')).body.toString());
    expect(info).toMatchObject({ natoms: 1304, frames: 101, stride: 4, fileFrames: 401 });
    expect(info.stamps[1]).toEqual({ index: 4, step: 2000, timePs: 2 });
    expect(info.highlight.selection).toBe('Na');
    expect(info.highlight.atoms).toHaveLength(14);
    expect(info.shell).toMatchObject({ selection: 'O', cutoffA: 3.2 });
  });

  it('serves a topology and coordinates that round-trip to the reader’s frames (up to whole cell vectors)', async () => {
    const pdb = (await raw(server.url, '/api/topology.pdb')).body.toString();
    const atoms = pdb.split('\n').filter((l) => l.startsWith('HETATM'));
    const dcd = readDcd((await raw(server.url, '/api/trajectory.dcd')).body);
    expect(atoms).toHaveLength(1304);
    expect(dcd.frames).toHaveLength(101);
    const reader = await TrajectoryReader.open(NAFSI_DUMP);
    const L = 23.795186;
    let k = 0;
    for await (const f of reader.frames()) {
      if (f.index % 4 !== 0) continue;
      if (k === 0) {
        atoms.forEach((line, i) => expect(line.slice(76, 78).trim().toLowerCase()).toBe(reader.topology!.elements![i].toLowerCase()));
      }
      const xyz = dcd.frames[k].xyz;
      for (let i = 0; i < 1304; i += 37) {
        for (let d = 0; d < 3; d++) {
          const diff = (xyz[d][i] - f.positions[3 * i + d]) / L;
          expect(Math.abs(diff - Math.round(diff)) * L).toBeLessThan(1e-3); // float32
        }
      }
      expect(dcd.frames[k].cell[0]).toBeCloseTo(L, 4);
      k++;
    }
    expect(k).toBe(101);
    // Bonds: every FSI and water, no Na.
    const conect = pdb.split('\n').filter((l) => l.startsWith('CONECT'));
    expect(conect.length).toBeGreaterThan(14 * 9 + 388 * 3 - 100);
  });

  it('gives the first shell of each Na⁺ at a frame', async () => {
    const s: FrameShell = JSON.parse((await raw(server.url, '/api/shell?frame=10')).body.toString());
    expect(s.frame).toBe(10);
    expect(s.perAtom).toHaveLength(14);
    const mean = s.perAtom.reduce((a, p) => a + p.neighbours.length, 0) / 14;
    expect(mean).toBeGreaterThan(4);
    expect(mean).toBeLessThan(8);
  });

  it.each([
    ['/../../etc/passwd', 'GET'],
    ['/%2e%2e/%2e%2e/etc/passwd', 'GET'],
    ['/assets/../../package.json', 'GET'],
    ['/..%2f..%2fpackage.json', 'GET'],
    ['/%00', 'GET'],
    ['/%zz', 'GET'],
    ['/api/nope', 'GET'],
    ['/api/shell?frame=1e9', 'GET'],
    ['/api/info', 'POST'],
    ['/api/info', 'DELETE'],
  ])('refuses %s (%s) with a 4xx and keeps serving', async (path, method) => {
    const r = await raw(server.url, path, method);
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(r.body.toString()).not.toMatch(/root:|"name": "mdpost"/);
    expect((await raw(server.url, '/api/info')).status).toBe(200);
  });

  it('serves the page', async () => {
    const r = await raw(server.url, '/');
    expect(r.status).toBe(200);
    expect(r.body.toString()).toMatch(/<html/);
  });
});

import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANALYSES } from '../../src/analyses/index.js';
import { TrajectoryReader } from '../../src/io/reader.js';
import { InputError } from '../../src/model/errors.js';
import type { Frame, Topology } from '../../src/model/frame.js';
import { findMolecules, type Molecules } from '../../src/select/molecules.js';
import { select } from '../../src/select/selection.js';
import { documentJson, documentOf } from '../../src/report/document.js';
import { analyzeFile } from '../../src/run/analyze-file.js';
import type { AtomInfo, FrameSolvation, Measurement, SelectionAnswer, SolvationSetup, SolvationTimeline, ViewAnalysis } from '../../src/viewer/api.js';
import { defaultWebRoot, startViewer, type ViewOptions, type ViewServer } from '../../src/viewer/server.js';
import { specOf } from '../support/analyze.js';
import { FIXTURES, tempFile } from '../support/io.js';
import { NAFSI_DUMP } from '../support/nafsi.js';

/**
 * The API behind the page's controls (src/viewer/api.ts) on the shipped NaFSI/water trajectory
 * (14 Na⁺ = atoms 126–139, 14 FSI⁻ = atoms 0–125, 388 waters; cubic cell L = 23.795186 Å),
 * each answer checked against the file read directly, brute force, or the numpy reference of
 * test/fixtures/peers/solvation.
 */
const L = 23.795186;
const NA = Array.from({ length: 14 }, (_, i) => 126 + i);

function raw(url: string, path: string): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  const u = new URL(url);
  return new Promise((ok, fail) => {
    const req = request({ host: u.hostname, port: u.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (s: string) => (body += s));
      res.on('end', () => ok({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', fail);
    req.end();
  });
}

async function getJson<T>(url: string, path: string): Promise<T> {
  const r = await raw(url, path);
  expect(r.status, `${path}: ${r.body}`).toBe(200);
  return JSON.parse(r.body) as T;
}

function view(more: Partial<ViewOptions>): Promise<ViewServer> {
  return startViewer({ file: NAFSI_DUMP, read: {}, port: 0, stride: 1, highlight: null, shell: null, cutoffA: null, analysisFile: null, webRoot: defaultWebRoot(), analyze: false, ...more });
}

/** The file's frames, as read, by index. */
async function fileFrames(indices: number[]): Promise<{ topology: Topology; frames: Map<number, Frame> }> {
  const reader = await TrajectoryReader.open(NAFSI_DUMP);
  const frames = new Map<number, Frame>();
  for await (const f of reader.frames()) {
    if (indices.includes(f.index)) frames.set(f.index, { ...f, positions: f.positions.slice(0, 3 * f.natoms) });
    if (frames.size === indices.length) break;
  }
  return { topology: reader.topology!, frames };
}

/** Minimum-image distance in the cubic cell. */
function dist(p: Float64Array, i: number, j: number): number {
  let s = 0;
  for (let d = 0; d < 3; d++) {
    let x = p[3 * j + d] - p[3 * i + d];
    x -= L * Math.round(x / L);
    s += x * x;
  }
  return Math.sqrt(s);
}

const query = (o: Record<string, string>) => new URLSearchParams(o).toString();

describe('the page API on every frame of the shipped trajectory', () => {
  let server: ViewServer;
  let topology: Topology;
  let frames: Map<number, Frame>;
  let molecules: Molecules;
  beforeAll(async () => {
    server = await view({});
    ({ topology, frames } = await fileFrames([0, 7, 200]));
    const f0 = frames.get(0)!;
    molecules = findMolecules(topology, f0.positions, f0.box);
  });
  afterAll(() => server?.close());

  it('GET /api/select answers a selection’s atoms, and whether they are cations', async () => {
    expect(await getJson<SelectionAnswer>(server.url, '/api/select?text=Na')).toEqual({ selection: 'Na', atoms: NA, kind: 'atoms', cations: true });
    const fsi = await getJson<SelectionAnswer>(server.url, '/api/select?text=FSI');
    expect(fsi).toMatchObject({ selection: 'FSI', kind: 'molecules', cations: false });
    expect(fsi.atoms).toEqual(Array.from({ length: 126 }, (_, i) => i));
  });

  it.each(['Na and nme X', 'Cl', 'index 0:5000', '(Na'])('GET /api/select refuses %j with the command line’s one line', async (text) => {
    const r = await raw(server.url, `/api/select?${query({ text })}`);
    expect(r.status).toBe(400);
    let message = '';
    try {
      select(text, { topology, molecules: () => molecules });
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      message = (e as Error).message;
    }
    expect(message).not.toBe('');
    expect(r.body).toBe(`mdpost: error: ${message}\n`);
  });

  it('GET /api/atom describes an atom: element, LAMMPS type, molecule and its kind', async () => {
    expect(await getJson<AtomInfo>(server.url, '/api/atom?index=5')).toEqual({
      index: 5,
      element: topology.elements![5],
      type: topology.types![5],
      name: null,
      resname: null,
      resid: topology.molIds![5],
      molecule: { index: 0, formula: 'F2NO4S2', kind: 'FSI', atoms: 9 },
    });
    const na = await getJson<AtomInfo>(server.url, '/api/atom?index=130');
    expect(na).toMatchObject({ element: 'Na', molecule: { formula: 'Na', kind: 'Na', atoms: 1 } });
    const o = await getJson<AtomInfo>(server.url, '/api/atom?index=1303');
    expect(o.molecule).toMatchObject({ index: molecules.ofAtom[1303], kind: 'H2O', atoms: 3 });
  });

  it('GET /api/measure gives minimum-image distances and the angle, as brute force on the frame read', async () => {
    const p = frames.get(7)!.positions;
    // A Na and the water O nearest to it, and that water's first H.
    const na = 130;
    const o = topology.elements!.flatMap((e, i) => (e === 'O' && i > 140 ? [i] : [])).reduce((a, b) => (dist(p, na, a) < dist(p, na, b) ? a : b));
    const h = o + 1;
    const m = await getJson<Measurement>(server.url, `/api/measure?frame=7&atoms=${na},${o},${h}`);
    expect(m.frame).toBe(7);
    expect(m.atoms).toEqual([na, o, h]);
    expect(m.distancesA[0]).toBeCloseTo(dist(p, na, o), 12);
    expect(m.distancesA[1]).toBeCloseTo(dist(p, o, h), 12);
    expect(m.distancesA[1]).toBeGreaterThan(0.9);
    expect(m.distancesA[1]).toBeLessThan(1.05);
    const a = dist(p, na, o), b = dist(p, o, h), c = dist(p, na, h);
    expect(m.angleDeg).toBeCloseTo((Math.acos((a * a + b * b - c * c) / (2 * a * b)) * 180) / Math.PI, 9);
    expect((await getJson<Measurement>(server.url, `/api/measure?frame=7&atoms=${na},${o}`)).angleDeg).toBeNull();
  });

  it.each([
    ['GET /api/frame.pdb', 'pdb', 5e-4 + 1e-9],
    ['GET /api/frame.xyz', 'xyz', 5e-7 + 1e-9],
  ])('%s: the frame with the cell, time and step, read back by mdpost’s own reader', async (_, ext, tolerance) => {
    const r = await raw(server.url, `/api/frame.${ext}?frame=200`);
    expect(r.status).toBe(200);
    expect(r.headers['content-disposition']).toBe(`attachment; filename="nafsi-water-frame200.${ext}"`);
    const file = tempFile(`frame200.${ext}`, r.body);
    const reader = await TrajectoryReader.open(file);
    const back: Frame[] = [];
    for await (const f of reader.frames()) back.push({ ...f, positions: f.positions.slice(0, 3 * f.natoms) });
    expect(back).toHaveLength(1);
    const f = back[0], want = frames.get(200)!;
    expect(reader.topology!.elements).toEqual(topology.elements);
    expect([f.step, f.timePs]).toEqual([100_000, 100]);
    expect(Array.from(f.box!.matrix)).toEqual([L, 0, 0, 0, L, 0, 0, 0, L].map((v) => expect.closeTo(v, ext === 'pdb' ? 3 : 6)));
    let worst = 0;
    for (let i = 0; i < 3 * 1304; i++) {
      const d = (f.positions[i] - want.positions[i]) / L;
      worst = Math.max(worst, Math.abs(d - Math.round(d)) * L);
    }
    expect(worst).toBeLessThan(tolerance);
    // Molecules are whole: every bond of the file's molecules is short without the minimum image.
    for (let b = 0; b < molecules.bonds.length; b += 2) {
      const i = molecules.bonds[b], j = molecules.bonds[b + 1];
      expect(Math.hypot(f.positions[3 * i] - f.positions[3 * j], f.positions[3 * i + 1] - f.positions[3 * j + 1], f.positions[3 * i + 2] - f.positions[3 * j + 2])).toBeLessThan(2);
    }
  });

  it('GET /api/solvation/setup: by default each kind’s cutoff is the first minimum of its g(r), near the reference', async () => {
    const ref = JSON.parse(readFileSync(join(FIXTURES, 'peers/solvation/nafsi-water-shells.json'), 'utf8')) as { kinds: string[]; cutoff_A: number[] };
    // The reference's minima (mdpost analyze over all 401 frames, the O of each kind).
    const s = await getJson<SolvationSetup>(server.url, `/api/solvation/setup?${query({ shell: 'O' })}`);
    expect(s.kinds.map((k) => k.name)).toEqual(['FSI', 'H2O']);
    expect(s.anions).toEqual(['FSI']);
    for (const k of s.kinds) {
      expect(k.source).toMatch(new RegExp(`^first minimum of the Na–${k.name} g\\(r\\)`));
      // Measured: H2O 3.25 vs 3.2473, FSI 3.33 vs 3.3072 (200 of the 401 frames, r ≤ 8 Å in bins of 0.02 Å).
      expect(Math.abs(k.cutoffA - ref.cutoff_A[ref.kinds.indexOf(k.name)])).toBeLessThan(0.05);
    }
    expect(s.kinds.map((k) => [k.molecules, k.shellAtoms])).toEqual([[14, 56], [388, 388]]);
    // The default shell atoms: the O, N, F of other molecules.
    const d = await getJson<SolvationSetup>(server.url, '/api/solvation/setup');
    expect(d.shell).toEqual({ selection: 'element O N F', atoms: 14 * 7 + 388 });
    expect(d.solventAtoms).toHaveLength(388 * 3);
  });

  it('GET /api/solvation/frame: each Na’s partners are the molecules with a shell atom within the cutoff (brute force)', async () => {
    const cutoff = 'H2O=3.2473,FSI=3.3072';
    for (const k of [0, 200]) {
      const f = await getJson<FrameSolvation>(server.url, `/api/solvation/frame?${query({ frame: String(k), shell: 'O', cutoff })}`);
      const setup = await getJson<SolvationSetup>(server.url, `/api/solvation/setup?${query({ shell: 'O', cutoff })}`);
      const p = frames.get(k)!.positions;
      expect(f.ions.map((i) => i.atom)).toEqual(NA);
      for (const ion of f.ions) {
        const want = new Map<number, number[]>();
        topology.elements!.forEach((e, j) => {
          if (e !== 'O') return;
          const mol = molecules.ofAtom[j];
          const r = molecules.formula[mol] === 'H2O' ? 3.2473 : 3.3072;
          if (dist(p, ion.atom, j) < r) want.set(mol, [...(want.get(mol) ?? []), j]);
        });
        expect(ion.partners.map((q) => q.molecule)).toEqual([...want.keys()].sort((a, b) => a - b));
        for (const q of ion.partners) {
          expect(q.contacts).toEqual(want.get(q.molecule));
          expect(setup.kinds[q.kind].name).toBe(molecules.formula[q.molecule] === 'H2O' ? 'H2O' : 'FSI');
        }
      }
      const whole = [...new Set(f.ions.flatMap((i) => i.partners.map((q) => q.molecule)))].flatMap((m) => Array.from(molecules.atoms.subarray(molecules.start[m], molecules.start[m + 1])));
      expect(f.partnerAtoms).toEqual(whole.sort((a, b) => a - b));
    }
  });

  it('GET /api/solvation/timeline: over the 401 frames, the ion-pair fractions and shells of the numpy reference', async () => {
    const ref = JSON.parse(readFileSync(join(FIXTURES, 'peers/solvation/nafsi-water-shells.json'), 'utf8')) as {
      ion_pairs: { cation: Record<'SSIP' | 'CIP' | 'AGG', number> };
      composition: { kinds: { kind: string; mean_molecules: number }[] };
    };
    const t = await getJson<SolvationTimeline>(server.url, `/api/solvation/timeline?${query({ shell: 'O', cutoff: 'H2O=3.2473,FSI=3.3072' })}`);
    expect(t.timePs).toHaveLength(401);
    expect(t.timePs[400]).toBe(200);
    const total = 14 * 401;
    // The reference rounds coordinates to 1e-4 Å, which moves one (Na, partner, frame) membership of
    // 32 337 — a water (measured: mean H2O 5.204311 vs 5.204133, 1/5614 apart; classes equal to 2e-12).
    for (const c of ['SSIP', 'CIP', 'AGG'] as const) {
      const sum = t.classes![c].reduce((a, b) => a + b, 0);
      expect(Math.abs(sum / total - ref.ion_pairs.cation[c])).toBeLessThan(1e-9);
    }
    for (const k of ref.composition.kinds) {
      const mean = t.partners[k.kind].reduce((a, b) => a + b, 0) / 401;
      expect(Math.abs(mean - k.mean_molecules)).toBeLessThanOrEqual(1 / total + 1e-12);
    }
  });

  it.each([
    ['/api/select', 'no text'],
    ['/api/select?text=', 'empty text'],
    ['/api/atom?index=1304', 'an atom past the last'],
    ['/api/atom?index=-1', 'a negative index'],
    ['/api/atom?index=1e3', 'an index not in digits'],
    ['/api/atom', 'no index'],
    ['/api/measure?frame=0&atoms=1', 'one atom'],
    ['/api/measure?frame=0&atoms=1,2,3,4', 'four atoms'],
    ['/api/measure?frame=0&atoms=1,x', 'an atom not a number'],
    ['/api/measure?frame=401&atoms=1,2', 'a frame past the last'],
    ['/api/frame.pdb?frame=1e9', 'a huge frame'],
    ['/api/frame.xyz?frame=99999999999999999999', 'a huger frame'],
    ['/api/frame.pdb?frame=-1', 'a negative frame'],
    ['/api/frame.xyz', 'no frame'],
    ['/api/solvation/frame?frame=1e9', 'a huge frame'],
    ['/api/solvation/frame?frame=0.5', 'a fractional frame'],
    ['/api/solvation/frame?frame=0&ions=Na%20and%20nme%20X', 'a bad selection'],
    ['/api/solvation/setup?shell=Na', 'shell atoms that are all highlighted'],
    ['/api/solvation/setup?cutoff=13', 'a cutoff beyond half the cell'],
    ['/api/solvation/setup?cutoff=H2O%3D3%2CCl%3D3', 'a cutoff for a kind that is not there'],
    ['/api/solvation/timeline?cutoff=x', 'a cutoff that is no length'],
    [`/api/solvation/setup?ions=${'Na%20or%20'.repeat(400)}Na`, 'a selection thousands of characters long'],
    ['/api/solvation/../../package.json', 'a path out of the API'],
    ['/api/solvation/%2e%2e/%2e%2e/package.json', 'an encoded path out of the API'],
    ['/api/solvation/nope', 'an unknown path'],
  ])('refuses %s (%s) with one line and a 4xx, and keeps serving', async (path) => {
    const r = await raw(server.url, path);
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(r.body.trimEnd().split('\n')).toHaveLength(1);
    expect(r.body).not.toMatch(/"name": "mdpost"|at .*\.js/);
    expect((await raw(server.url, '/api/solvation/frame?frame=0')).status).toBe(200);
  });
});

describe('the page API with an analysis that has a solvation section', () => {
  it('takes the cutoffs and the whole-run numbers from it when its cation and shell atoms are the page’s', async () => {
    // The solvation analysis's own section, with cutoffs given (not the g(r) minima the page finds by itself).
    const result = await analyzeFile(specOf(NAFSI_DUMP, { rdf: ['Na,O'], solvation: ['Na'], shellAtoms: 'O', shellCutoff: 'H2O=3.222,FSI=3.111' }), { workers: 1 });
    const doc = documentJson(documentOf(result, ANALYSES, '0.1.0')) as Record<string, unknown>;
    const section = (doc.solvation as { partners: Record<'H2O' | 'FSI', { cutoff_A: number; cn: number }>; ion_pairs: { anion: string; SSIP: number; CIP: number; AGG: number } }[])[0];
    expect(section.partners.H2O.cutoff_A).toBe(3.222);
    expect(section.partners.FSI.cutoff_A).toBe(3.111);
    const file = tempFile('analysis-with-solvation.json', Buffer.from(JSON.stringify(doc), 'utf8'));
    const server = await view({ analysisFile: file, stride: 10 });
    try {
      const s = await getJson<SolvationSetup>(server.url, '/api/solvation/setup?shell=O');
      expect(s.kinds.map((k) => [k.name, k.cutoffA, k.source])).toEqual([
        ['FSI', 3.111, 'the analysis: given'],
        ['H2O', 3.222, 'the analysis: given'],
      ]);
      const ip = section.ion_pairs;
      expect(s.run).toEqual({ cn: { FSI: section.partners.FSI.cn, H2O: section.partners.H2O.cn }, classes: { SSIP: ip.SSIP, CIP: ip.CIP, AGG: ip.AGG }, anion: 'FSI' });
      // The page's default shell atoms are the analysis's; another choice computes its own.
      expect((await getJson<{ solvation: { shell: string } }>(server.url, '/api/info')).solvation.shell).toBe('O');
      const other = await getJson<SolvationSetup>(server.url, `/api/solvation/setup?${query({ shell: 'element O N F' })}`);
      expect(other.kinds.every((k) => k.source.startsWith('first minimum'))).toBe(true);
      expect(other.run).toBeNull();
      // The page gets the section with the analysis.
      const a = await getJson<ViewAnalysis>(server.url, '/api/analysis');
      expect(a.analysis.solvation).toEqual(doc.solvation);
    } finally {
      await server.close();
    }
  });
});

describe('the page API with an analysis made with the solvation analysis’s default shell atoms', () => {
  it('starts the page on its own default shell atoms, which are the same O, N, F, and takes the analysis’s cutoffs', async () => {
    const result = await analyzeFile(specOf(NAFSI_DUMP, { solvation: ['Na'], shellCutoff: 'H2O=3.233,FSI=3.144', stride: 10 }), { workers: 1 });
    const doc = documentJson(documentOf(result, ANALYSES, '0.1.0')) as Record<string, unknown>;
    const section = (doc.solvation as { shell_atoms: string; partners: Record<'H2O' | 'FSI', { cn: number }> }[])[0];
    // The analysis describes its default in words, not as a selection the page could send back.
    expect(() => select(section.shell_atoms, { topology: { natoms: 1304 } as Topology, molecules: () => { throw new Error('unused'); } })).toThrow(InputError);
    const file = tempFile('analysis-default-shell.json', Buffer.from(JSON.stringify(doc), 'utf8'));
    const server = await view({ analysisFile: file, stride: 10 });
    try {
      const info = await getJson<{ solvation: { ions: string; shell: string; cutoff: string } }>(server.url, '/api/info');
      expect(info.solvation).toEqual({ ions: 'Na', shell: 'element O N F', cutoff: '' });
      const s = await getJson<SolvationSetup>(server.url, `/api/solvation/setup?${query(info.solvation)}`);
      expect(s.kinds.map((k) => [k.name, k.cutoffA, k.source])).toEqual([
        ['FSI', 3.144, 'the analysis: given'],
        ['H2O', 3.233, 'the analysis: given'],
      ]);
      expect(s.run?.cn).toEqual({ FSI: section.partners.FSI.cn, H2O: section.partners.H2O.cn });
    } finally {
      await server.close();
    }
  });
});
